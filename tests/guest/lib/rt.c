/* tests/guest/lib/rt.c — console, DTB lookup, printf-lite, exceptions and PSCI for the guests.
 * Freestanding: no libc, MMU off (so every data access is Device memory and must be aligned;
 * the guests are built with -mstrict-align and everything here reads naturally aligned words). */
#include "rt.h"

#define RAM_BASE      0x40000000ull
#define DEFAULT_UART  0x09000000ull   /* QEMU virt PL011, used when there is no DTB */
#define PL011_DR      0x00
#define PL011_FR      0x18
#define PL011_FR_TXFF (1u << 5)

uint64_t rt_dtb;
const char *rt_dtb_source = "none";
uint64_t rt_uart_base = DEFAULT_UART;
uint64_t rt_boot_x0;
unsigned rt_boot_el;
unsigned rt_failures;
static rt_handler handler;

/* ---- freestanding helpers ---- */
void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n && ((uintptr_t)p & 7)) { *p++ = (unsigned char)c; n--; }
    uint64_t v = (unsigned char)c * 0x0101010101010101ull;
    for (; n >= 8; n -= 8, p += 8) *(volatile uint64_t *)p = v;
    while (n--) *p++ = (unsigned char)c;
    return d;
}
void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d; const unsigned char *sp = s;
    if ((((uintptr_t)dp | (uintptr_t)sp) & 7) == 0)
        for (; n >= 8; n -= 8, dp += 8, sp += 8) *(volatile uint64_t *)dp = *(const uint64_t *)sp;
    while (n--) *dp++ = *sp++;
    return d;
}
int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++) if (*x != *y) return *x - *y;
    return 0;
}
size_t strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

/* ---- console ---- */
static inline uint32_t mmio_r32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_w32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

static void uart_tx(char c)
{
    while (mmio_r32(rt_uart_base + PL011_FR) & PL011_FR_TXFF) { }
    mmio_w32(rt_uart_base + PL011_DR, (uint8_t)c);
}
void putc_(char c) { if (c == '\n') uart_tx('\r'); uart_tx(c); }
void puts_(const char *s) { while (*s) putc_(*s++); }

static void put_num(uint64_t v, unsigned base, int neg, int width, char pad, int upper)
{
    char buf[24]; int n = 0;
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do { buf[n++] = dig[v % base]; v /= base; } while (v);
    if (neg) { if (pad == '0') { putc_('-'); width--; } else buf[n++] = '-'; }
    for (int i = n; i < width; i++) putc_(pad);
    while (n) putc_(buf[--n]);
}

int vprintf_(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') { putc_(*fmt); continue; }
        fmt++;
        char pad = ' '; int width = 0, lng = 0;
        if (*fmt == '0') { pad = '0'; fmt++; }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') { lng = 1; fmt++; }
        switch (*fmt) {
        case 'd': case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            put_num(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width, pad, 0);
            break;
        }
        case 'u': put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, 0, width, pad, 0); break;
        case 'x': put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, 0, width, pad, 0); break;
        case 'X': put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, 0, width, pad, 1); break;
        case 'p': puts_("0x"); put_num((uintptr_t)va_arg(ap, void *), 16, 0, width, pad, 0); break;
        case 'c': putc_((char)va_arg(ap, int)); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            int l = (int)strlen(s);
            for (int i = l; i < width; i++) putc_(' ');
            puts_(s);
            break;
        }
        case '%': putc_('%'); break;
        case 0: return 0;
        default: putc_('%'); putc_(*fmt); break;
        }
    }
    return 0;
}
int printf_(const char *fmt, ...)
{
    va_list ap; va_start(ap, fmt); vprintf_(fmt, ap); va_end(ap);
    return 0;
}

/* ---- tiny flattened-device-tree reader (DTSpec v0.4 ch. 5) ---- */
#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

static uint32_t be32(const void *dtb, uint32_t off)
{
    return __builtin_bswap32(*(const volatile uint32_t *)((const char *)dtb + off));
}
static uint32_t hdr(const void *dtb, int i) { return be32(dtb, 4 * i); }
#define H_TOTALSIZE 1
#define H_OFF_STRUCT 2
#define H_OFF_STRINGS 3
#define H_SIZE_STRUCT 9

int dtb_valid(const void *dtb)
{
    return dtb && hdr(dtb, 0) == FDT_MAGIC && hdr(dtb, H_TOTALSIZE) >= 40
        && hdr(dtb, H_TOTALSIZE) < (16u << 20);
}
static uint32_t align4(uint32_t x) { return (x + 3) & ~3u; }
static const char *str_at(const void *dtb, uint32_t off) { return (const char *)dtb + off; }

/* Matches one path component against a node name ("pl011" matches "pl011@9000000"). */
static int name_match(const char *node, const char *comp, size_t clen)
{
    size_t i = 0, has_at = 0;
    for (; i < clen; i++) { if (node[i] != comp[i]) return 0; if (comp[i] == '@') has_at = 1; }
    return node[i] == 0 || (node[i] == '@' && !has_at);
}

int dtb_path_offset(const void *dtb, const char *path, size_t len)
{
    const char *comp[16]; size_t clen[16]; int ncomp = 0;
    for (size_t i = 0; i < len && ncomp < 16;) {
        while (i < len && path[i] == '/') i++;
        if (i >= len) break;
        size_t j = i;
        while (j < len && path[j] != '/') j++;
        comp[ncomp] = path + i; clen[ncomp] = j - i; ncomp++;
        i = j;
    }
    uint32_t off = hdr(dtb, H_OFF_STRUCT), end = off + hdr(dtb, H_SIZE_STRUCT);
    int depth = 0, matched = 0;
    while (off < end) {
        uint32_t tok = be32(dtb, off), at = off;
        off += 4;
        switch (tok) {
        case FDT_BEGIN_NODE: {
            const char *name = str_at(dtb, off);
            off = align4(off + (uint32_t)strlen(name) + 1);
            depth++;
            if (depth == 1) { if (ncomp == 0) return (int)at; break; }
            if (matched == depth - 2 && name_match(name, comp[depth - 2], clen[depth - 2])) {
                matched = depth - 1;
                if (matched == ncomp) return (int)at;
            }
            break;
        }
        case FDT_END_NODE:
            if (matched >= depth - 1 && depth >= 2) matched = depth - 2;
            depth--;
            if (depth <= 0) return -1;
            break;
        case FDT_PROP:
            off = align4(off + 8 + be32(dtb, off));
            break;
        case FDT_NOP: break;
        default: return -1;
        }
    }
    return -1;
}

const void *dtb_getprop(const void *dtb, int node, const char *name, uint32_t *len)
{
    uint32_t off = (uint32_t)node;
    if (be32(dtb, off) != FDT_BEGIN_NODE) return 0;
    off += 4;
    off = align4(off + (uint32_t)strlen(str_at(dtb, off)) + 1);
    uint32_t strings = hdr(dtb, H_OFF_STRINGS);
    for (;;) {
        uint32_t tok = be32(dtb, off);
        if (tok == FDT_NOP) { off += 4; continue; }
        if (tok != FDT_PROP) return 0;
        uint32_t plen = be32(dtb, off + 4), nameoff = be32(dtb, off + 8);
        const char *pn = str_at(dtb, strings + nameoff);
        size_t nl = strlen(name);
        if (memcmp(pn, name, nl + 1) == 0) { if (len) *len = plen; return str_at(dtb, off + 12); }
        off = align4(off + 12 + plen);
    }
}

static uint64_t read_cells(const void *dtb, const void *p, uint32_t cells)
{
    uint32_t off = (uint32_t)((const char *)p - (const char *)dtb);
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++) v = (v << 32) | be32(dtb, off + 4 * i);
    return v;
}

/* UART from /chosen/stdout-path ("/pl011@9000000" or an alias, options after ':' ignored).
 * The reg is decoded with the root's #address-cells: on virt the UART is a child of the root. */
static uint64_t dtb_find_uart(const void *dtb)
{
    uint32_t len;
    int chosen = dtb_path_offset(dtb, "/chosen", 7);
    if (chosen < 0) return 0;
    const char *sp = dtb_getprop(dtb, chosen, "stdout-path", &len);
    if (!sp) return 0;
    size_t n = 0;
    while (n < len && sp[n] && sp[n] != ':') n++;
    int node;
    if (sp[0] == '/') {
        node = dtb_path_offset(dtb, sp, n);
    } else {                                  /* an alias */
        int aliases = dtb_path_offset(dtb, "/aliases", 8);
        if (aliases < 0) return 0;
        char an[64];
        if (n >= sizeof an) return 0;
        memcpy(an, sp, n); an[n] = 0;
        const char *ap = dtb_getprop(dtb, aliases, an, &len);
        if (!ap) return 0;
        node = dtb_path_offset(dtb, ap, strlen(ap));
    }
    if (node < 0) return 0;
    int root = dtb_path_offset(dtb, "/", 1);
    uint32_t ac = 2;
    const void *acp = dtb_getprop(dtb, root, "#address-cells", &len);
    if (acp && len == 4) ac = be32(dtb, (uint32_t)((const char *)acp - (const char *)dtb));
    const void *reg = dtb_getprop(dtb, node, "reg", &len);
    if (!reg || len < 4 * ac || ac > 2) return 0;
    return read_cells(dtb, reg, ac);
}

/* Called from start.S with the x0 the loader left and the EL we were entered at.
 * QEMU 7.2 behaviour, checked with the `dtbinfo` guest: an ELF bare-metal image gets x0 = 0
 * and the DTB at RAM base *if it fits below the image* (virt.rst: "bare-metal guests find the
 * DTB at 0x40000000"); virt's DTB is 1 MiB, so for our ELFs at 0x40080000 it does not fit and
 * there is no DTB: we fall back to the PL011 at 0x09000000. A raw image is treated as a Linux
 * kernel and gets x0 = DTB address (0x44000000 with 128 MiB) from QEMU's boot stub.
 * x0 is only dereferenced if it looks like an 8-byte aligned RAM address. */
void rt_init(uint64_t x0, unsigned el)
{
    rt_boot_x0 = x0;
    rt_boot_el = el;
    if (x0 >= RAM_BASE && x0 < RAM_BASE + (1ull << 32) && !(x0 & 7) && dtb_valid((void *)x0)) {
        rt_dtb = x0; rt_dtb_source = "x0";
    } else if (dtb_valid((void *)RAM_BASE)) {
        rt_dtb = RAM_BASE; rt_dtb_source = "ram-base";
    }
    if (rt_dtb) {
        uint64_t u = dtb_find_uart((void *)rt_dtb);
        if (u) rt_uart_base = u;
    }
}

/* ---- PSCI ---- */
void psci_system_off(void)
{
    psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    puts_("psci: SYSTEM_OFF returned\n");
    for (;;) __asm__ volatile("wfi");
}
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
    return (int64_t)psci_call(PSCI_CPU_ON_64, mpidr, entry, context);
}

/* ---- exceptions ---- */
void rt_set_handler(rt_handler h) { handler = h; }

extern char rt_el0_landing[];
void rt_el0_return(struct rt_frame *f, uint64_t value)
{
    f->elr = (uint64_t)rt_el0_landing;
    f->spsr = 0x3c5;                          /* EL1h, DAIF masked */
    f->x[0] = value;
}

static const char *const kind_group[4] = { "EL1t", "EL1h", "EL0/A64", "EL0/A32" };
static const char *const kind_type[4] = { "sync", "irq", "fiq", "serror" };

void rt_exception(struct rt_frame *f, unsigned kind)
{
    if (handler && handler(f, kind)) return;
    printf("UNEXPECTED EXCEPTION %s %s ESR=0x%lx (EC=0x%lx) ELR=0x%lx FAR=0x%lx SPSR=0x%lx\n",
           kind_group[RT_KIND_GROUP(kind)], kind_type[RT_KIND_TYPE(kind)],
           f->esr, ESR_EC(f->esr), f->elr, f->far, f->spsr);
    puts_("RESULT fail unexpected-exception\n");
    psci_system_off();
}

void rt_result(void)
{
    if (rt_failures) printf("RESULT fail %u\n", rt_failures);
    else puts_("RESULT ok\n");
}
