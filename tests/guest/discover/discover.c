/* tests/guest/discover — issue 3's acceptance guest: a bare-metal program for QEMU's virt board
 * that learns the machine from the DTB at x0 only (no fixed addresses) and behaves identically on
 * faultline and qemu-system-aarch64. Built as a raw image (discover.bin: QEMU's boot stub enters
 * it with x0 = DTB; an ELF at our link address gets no DTB from QEMU, see dtbinfo). The runner
 * runs it with gic-version=2 and =3, -smp 1 and 4, and compares the console with QEMU's.
 *  - UART: /chosen/stdout-path (a path or an alias from /aliases, ":options" dropped), reg
 *    decoded with the parent's #address-cells; compatible must contain "arm,pl011". The console
 *    is switched to it (lib/rt.c's own early lookup is only the fallback for the first line).
 *  - GIC: the /intc node. "arm,cortex-a15-gic" (or arm,gic-400 / arm,cortex-a9-gic) => GICv2 with
 *    reg = <GICD, GICC, ...>; "arm,gic-v3" => GICD then #redistributor-regions GICR regions; each
 *    CPU finds its own redistributor by walking the frames and matching GICR_TYPER.Affinity
 *    with its MPIDR (until GICR_TYPER.Last).
 *  - timer: /timer "interrupts" (#interrupt-cells = 3 from the GIC: type, number, flags); entry 1
 *    is the non-secure physical timer, entry 2 the virtual timer; INTID = 16 + PPI number.
 *  - CPUs: every /cpus/cpu@N child with device_type "cpu"; MPIDR from "reg" (/cpus #address-cells).
 *  - PSCI: /psci "method" ("hvc" or "smc") is the conduit for every call made here.
 * Then every CPU (secondaries via PSCI CPU_ON with the discovered MPIDRs) arms its virtual timer
 * TICKS times at CVAL = CNTVCT + DELTA and takes each interrupt through the discovered GIC
 * (checks: INTID, count >= CVAL, ISTATUS, not pending after IMASK + EOI). Results are printed in
 * CPU order under a "turn" variable (MMU off: every access is Device memory, so plain loads and
 * stores are coherent and ordered across CPUs). Secondaries power themselves off with CPU_OFF,
 * CPU0 waits for AFFINITY_INFO = OFF and ends with SYSTEM_OFF. */
#include "rt.h"

#define MAXCPU 8
#define TICKS  5
#define DELTA  31250            /* 0.5 ms at 62.5 MHz */

/* ---- DTB access (big-endian cells, 4-byte aligned; bytes for strings) ---- */
static const void *dtb;
static uint32_t be32at(const void *p) { return __builtin_bswap32(*(const volatile uint32_t *)p); }
static uint32_t dtb_word(uint32_t off) { return be32at((const char *)dtb + off); }
static uint64_t cells(const void *p, uint32_t n)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < n; i++) v = (v << 32) | be32at((const char *)p + 4 * i);
    return v;
}
static int streq(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return *a == *b; }
static int starts_with(const char *s, const char *p) { while (*p) if (*s++ != *p++) return 0; return 1; }
/* A string-list property contains s. */
static int prop_has(int node, const char *prop, const char *s)
{
    uint32_t len;
    const char *v = dtb_getprop(dtb, node, prop, &len);
    for (uint32_t i = 0; v && i < len; i += (uint32_t)strlen(v + i) + 1)
        if (streq(v + i, s)) return 1;
    return 0;
}
static uint32_t prop_u32(int node, const char *prop, uint32_t dflt)
{
    uint32_t len;
    const void *v = dtb_getprop(dtb, node, prop, &len);
    return v && len == 4 ? be32at(v) : dflt;
}
static const char *node_name(int node) { return (const char *)dtb + node + 4; }
static uint32_t align4(uint32_t x) { return (x + 3) & ~3u; }
/* The offset just after a node's name and properties (its first child, or its END_NODE). */
static uint32_t after_props(int node)
{
    uint32_t off = align4((uint32_t)node + 4 + (uint32_t)strlen(node_name(node)) + 1);
    for (;;) {
        uint32_t tok = dtb_word(off);
        if (tok == 4) off += 4;                                   /* NOP */
        else if (tok == 3) off = align4(off + 12 + dtb_word(off + 4));  /* PROP */
        else return off;
    }
}
/* Next direct child of `node` after child offset `prev` (first child if prev < 0), or -1. */
static int next_child(int node, int prev)
{
    uint32_t off = prev < 0 ? after_props(node) : (uint32_t)prev;
    if (prev >= 0) {                        /* skip prev's whole subtree */
        int depth = 0;
        for (;;) {
            uint32_t tok = dtb_word(off);
            if (tok == 1) { depth++; off = after_props((int)off); continue; }
            off += 4;
            if (tok == 2 && --depth == 0) break;
            if (tok == 9) return -1;
        }
    }
    while (dtb_word(off) == 4) off += 4;
    return dtb_word(off) == 1 ? (int)off : -1;
}

/* ---- what was discovered ---- */
static uint64_t uart_base, gicd, gicc, gicr_base[4];
static unsigned gicr_regions, gic_ver, virt_intid, phys_intid, ncpu;
static uint64_t mpidr_of[MAXCPU];
static int psci_smc;

/* ---- PSCI through the discovered conduit ---- */
static uint64_t psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn, x1 __asm__("x1") = a1, x2 __asm__("x2") = a2,
        x3 __asm__("x3") = a3;
    if (psci_smc) __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) :: "memory");
    else __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) :: "memory");
    return x0;
}

/* ---- GIC through the discovered addresses ---- */
#define ICC_W(r, v) __asm__ volatile("msr " r ", %0\n\tisb" :: "r"((uint64_t)(v)) : "memory")
#define ICC_R(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " r : "=r"(v_) :: "memory"); v_; })
#define ICC_PMR_EL1     "S3_0_C4_C6_0"
#define ICC_IAR1_EL1    "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1   "S3_0_C12_C12_1"
#define ICC_BPR1_EL1    "S3_0_C12_C12_3"
#define ICC_CTLR_EL1    "S3_0_C12_C12_4"
#define ICC_SRE_EL1     "S3_0_C12_C12_5"
#define ICC_IGRPEN1_EL1 "S3_0_C12_C12_7"
static uint32_t rd32(uint64_t a) { return *(volatile uint32_t *)a; }
static void wr32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static void wr8(uint64_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static uint64_t my_mpidr(void) { return SYSREG_READ(mpidr_el1) & 0xff00ffffffull; }
static int my_index(void)
{
    uint64_t m = my_mpidr();
    for (unsigned i = 0; i < ncpu; i++) if (mpidr_of[i] == m) return (int)i;
    return -1;
}
/* This CPU's redistributor (RD_base), found by GICR_TYPER.Affinity; 0 if none. */
static uint64_t find_gicr(void)
{
    uint64_t m = my_mpidr();
    uint32_t aff = (uint32_t)(((m >> 32) & 0xff) << 24 | (m & 0xffffff));
    for (unsigned r = 0; r < gicr_regions; r++) {
        for (uint64_t f = gicr_base[r];; ) {
            uint32_t lo = rd32(f + 8), hi = rd32(f + 12);
            if (hi == aff) return f;
            if (lo & (1u << 4)) break;                      /* Last */
            f += (lo & 2) ? 0x40000 : 0x20000;              /* VLPIS: two more frames */
        }
    }
    return 0;
}
static uint64_t gicr_of[MAXCPU];

static void gic_dist_init(void)
{
    unsigned n = ((rd32(gicd + 4) & 0x1f) + 1) * 32;
    wr32(gicd, 0);
    if (gic_ver == 3) while (rd32(gicd) & (1u << 31)) { }
    for (unsigned i = 32; i < n; i += 32) {
        wr32(gicd + 0x180 + i / 8, ~0u);
        wr32(gicd + 0x280 + i / 8, ~0u);
        if (gic_ver == 3) wr32(gicd + 0x80 + i / 8, ~0u);
    }
    if (gic_ver == 3) { wr32(gicd, (1u << 4) | 2u | 1u); while (rd32(gicd) & (1u << 31)) { } }
    else wr32(gicd, 1);
}
/* This CPU's interface + the virtual timer PPI enabled at priority 0x80. Returns 0 if no GICR. */
static int gic_cpu_init(int me)
{
    unsigned id = virt_intid;
    if (gic_ver == 2) {
        wr32(gicd + 0x180, ~0u);                            /* banked SGI/PPI bank */
        wr32(gicd + 0x280, ~0u);
        wr8(gicd + 0x400 + id, 0x80);
        wr32(gicd + 0x100, 1u << id);
        wr32(gicc + 0x04, 0xff);                            /* PMR */
        wr32(gicc + 0x08, 0);                               /* BPR */
        wr32(gicc + 0x00, 1);                               /* CTLR */
    } else {
        uint64_t r = find_gicr();
        gicr_of[me] = r;
        if (!r) return 0;
        wr32(r + 0x14, rd32(r + 0x14) & ~2u);               /* WAKER.ProcessorSleep = 0 */
        while (rd32(r + 0x14) & 4u) { }
        uint64_t s = r + 0x10000;                           /* SGI_base */
        wr32(s + 0x80, ~0u);                                /* Group 1 */
        wr32(s + 0x180, ~0u);
        wr32(s + 0x280, ~0u);
        wr8(s + 0x400 + id, 0x80);
        wr32(s + 0x100, 1u << id);
        ICC_W(ICC_SRE_EL1, ICC_R(ICC_SRE_EL1) | 1);
        ICC_W(ICC_PMR_EL1, 0xff);
        ICC_W(ICC_BPR1_EL1, 0);
        ICC_W(ICC_CTLR_EL1, 0);
        ICC_W(ICC_IGRPEN1_EL1, 1);
    }
    __asm__ volatile("dsb sy\n\tisb" ::: "memory");
    return 1;
}
static unsigned gic_ack(void)
{
    unsigned v = gic_ver == 3 ? (unsigned)ICC_R(ICC_IAR1_EL1) : rd32(gicc + 0x0c);
    __asm__ volatile("dsb sy" ::: "memory");
    return v;
}
static void gic_eoi(unsigned iar)
{
    __asm__ volatile("dsb sy" ::: "memory");
    if (gic_ver == 3) ICC_W(ICC_EOIR1_EL1, iar); else wr32(gicc + 0x10, iar);
}
static int ppi_pending(int me, unsigned id)
{
    uint64_t b = gic_ver == 3 ? gicr_of[me] + 0x10000 : gicd;
    return (rd32(b + 0x200) >> id) & 1;
}

/* ---- per-CPU timer work ---- */
struct cpu_result {
    volatile unsigned irqs, bad_id, early, no_istatus, still_pending, spurious, wfis;
    volatile unsigned gic_ok, done;
};
static struct cpu_result res[MAXCPU];
static volatile unsigned turn, secondaries_done;

static int on_irq(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_IRQ) return 0;
    int me = my_index();
    if (me < 0) return 0;
    unsigned iar = gic_ack(), id = iar & 0x3ff;
    if (id >= 1020) { res[me].spurious++; return 1; }
    if (id != virt_intid) { res[me].bad_id++; gic_eoi(iar); return 1; }
    ISB();
    uint64_t now = SYSREG_READ(cntvct_el0), cval = SYSREG_READ(cntv_cval_el0);
    uint64_t ctl = SYSREG_READ(cntv_ctl_el0);
    if (now < cval) res[me].early++;
    if ((ctl & 5) != 5) res[me].no_istatus++;
    SYSREG_WRITE(cntv_ctl_el0, 3);                          /* ENABLE | IMASK: output low */
    ISB();
    gic_eoi(iar);
    if (ppi_pending(me, id)) res[me].still_pending++;
    res[me].irqs++;
    return 1;
}

static void timer_ticks(int me)
{
    SYSREG_WRITE(cntv_ctl_el0, 0);
    ISB();
    for (unsigned t = 0; t < TICKS; t++) {
        unsigned before = res[me].irqs;
        ISB();
        SYSREG_WRITE(cntv_cval_el0, SYSREG_READ(cntvct_el0) + DELTA);
        SYSREG_WRITE(cntv_ctl_el0, 1);                      /* ENABLE, unmasked */
        ISB();
        __asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory");
        for (unsigned i = 0; i < 10000000 && res[me].irqs == before; i++) {
            __asm__ volatile("wfi" ::: "memory");
            res[me].wfis++;
        }
        __asm__ volatile("msr daifset, #2\n\tisb" ::: "memory");
    }
    SYSREG_WRITE(cntv_ctl_el0, 0);
    ISB();
}

static void report(int me)
{
    struct cpu_result *r = &res[me];
    char n[48];
    printf("cpu%d: mpidr 0x%lx, %u virtual-timer interrupts (INTID %u)\n", me, mpidr_of[me], r->irqs, virt_intid);
#define CNAME(s) (memcpy(n, "cpuX-", 5), n[3] = (char)('0' + me), memcpy(n + 5, s, strlen(s) + 1), n)
    CHECK_EQ(CNAME("mpidr-matches-dtb"), my_mpidr(), mpidr_of[me]);
    if (gic_ver == 3) printf("cpu%d: redistributor at 0x%lx (GICR_TYPER.Affinity = MPIDR)\n", me, gicr_of[me]);
    CHECK(CNAME("gic-cpu-interface"), r->gic_ok);
    CHECK_EQ(CNAME("timer-irqs"), r->irqs, TICKS);
    CHECK_EQ(CNAME("irq-intid"), r->bad_id, 0);
    CHECK_EQ(CNAME("irq-not-before-cval"), r->early, 0);
    CHECK_EQ(CNAME("istatus-in-handler"), r->no_istatus, 0);
    CHECK_EQ(CNAME("not-pending-after-imask-eoi"), r->still_pending, 0);
    printf("INFO cpu%d spurious=%u wfi-loops=%u\n", me, r->spurious, r->wfis);
}

static void take_turn(int me)
{
    while (turn != (unsigned)me) __asm__ volatile("yield" ::: "memory");
    report(me);
    __asm__ volatile("dmb sy" ::: "memory");
    turn = (unsigned)me + 1;
}

static void secondary(unsigned aff0)
{
    int me = my_index();
    if (me < 0) for (;;) __asm__ volatile("wfi");
    res[me].gic_ok = (unsigned)gic_cpu_init(me);
    if (res[me].gic_ok) timer_ticks(me);
    take_turn(me);
    __asm__ volatile("dmb sy" ::: "memory");
    res[me].done = 1;
    psci(PSCI_CPU_OFF, 0, 0, 0);
    for (;;) __asm__ volatile("wfi");
}

/* ---- discovery ---- */
static int discover_uart(void)
{
    int chosen = dtb_path_offset(dtb, "/chosen", 7);
    uint32_t len;
    const char *sp = chosen >= 0 ? dtb_getprop(dtb, chosen, "stdout-path", &len) : 0;
    if (!sp) { printf("FAIL uart: no /chosen/stdout-path\n"); return 0; }
    size_t n = 0;
    while (n < len && sp[n] && sp[n] != ':') n++;
    const char *path = sp;
    size_t plen = n;
    if (sp[0] != '/') {                                     /* an alias */
        int al = dtb_path_offset(dtb, "/aliases", 8);
        char an[64];
        if (al < 0 || n >= sizeof an) { printf("FAIL uart: alias without /aliases\n"); return 0; }
        memcpy(an, sp, n); an[n] = 0;
        path = dtb_getprop(dtb, al, an, &len);
        if (!path) { printf("FAIL uart: unknown alias\n"); return 0; }
        plen = strlen(path);
        printf("discover: stdout-path alias resolved to %s\n", path);
    }
    int node = dtb_path_offset(dtb, path, plen);
    if (node < 0) { printf("FAIL uart: stdout-path node not found\n"); return 0; }
    /* reg cells: the parent's #address-cells; the UART's parent is the node before the last '/'. */
    size_t cut = plen;
    while (cut > 0 && path[cut - 1] != '/') cut--;
    int parent = dtb_path_offset(dtb, path, cut > 1 ? cut - 1 : 1);
    uint32_t ac = prop_u32(parent, "#address-cells", 2);
    const void *reg = dtb_getprop(dtb, node, "reg", &len);
    if (!reg || len < 4 * ac) { printf("FAIL uart: no reg\n"); return 0; }
    uart_base = cells(reg, ac);
    int pl011 = prop_has(node, "compatible", "arm,pl011");
    puts_("discover: stdout-path ");
    for (size_t i = 0; i < n; i++) putc_(sp[i]);
    printf(" -> %s reg 0x%lx\n", node_name(node), uart_base);
    CHECK("uart-is-pl011", pl011);
    return pl011;
}

static int discover_gic(void)
{
    int intc = dtb_path_offset(dtb, "/intc", 5);
    if (intc < 0) { printf("FAIL gic: no /intc node\n"); return 0; }
    int root = dtb_path_offset(dtb, "/", 1);
    uint32_t ac = prop_u32(root, "#address-cells", 2), sc = prop_u32(root, "#size-cells", 1);
    uint32_t len, stride = 4 * (ac + sc);
    const char *reg = dtb_getprop(dtb, intc, "reg", &len);
    if (!reg || !stride) { printf("FAIL gic: no reg\n"); return 0; }
    unsigned nreg = len / stride;
    if (prop_has(intc, "compatible", "arm,gic-v3")) {
        gic_ver = 3;
        gicr_regions = prop_u32(intc, "#redistributor-regions", 1);
        if (gicr_regions > 4 || nreg < 1 + gicr_regions) { printf("FAIL gic: bad v3 reg\n"); return 0; }
        gicd = cells(reg, ac);
        for (unsigned i = 0; i < gicr_regions; i++) gicr_base[i] = cells(reg + stride * (1 + i), ac);
        printf("discover: %s arm,gic-v3 GICD 0x%lx, %u redistributor region(s), GICR 0x%lx\n",
               node_name(intc), gicd, gicr_regions, gicr_base[0]);
    } else if (prop_has(intc, "compatible", "arm,cortex-a15-gic") || prop_has(intc, "compatible", "arm,gic-400")
               || prop_has(intc, "compatible", "arm,cortex-a9-gic")) {
        gic_ver = 2;
        if (nreg < 2) { printf("FAIL gic: bad v2 reg\n"); return 0; }
        gicd = cells(reg, ac);
        gicc = cells(reg + stride, ac);
        printf("discover: %s arm,cortex-a15-gic GICD 0x%lx GICC 0x%lx\n", node_name(intc), gicd, gicc);
    } else { printf("FAIL gic: unknown compatible\n"); return 0; }
    /* The distributor's architecture revision agrees with the compatible string. */
    unsigned arch = (rd32(gicd + (gic_ver == 3 ? 0xffe8 : 0xfe8)) >> 4) & 0xf;
    CHECK("gicd-pidr2-archrev-matches-dtb", gic_ver == 3 ? (arch == 3 || arch == 4) : arch == 2);
    CHECK_EQ("gic-interrupt-cells", prop_u32(intc, "#interrupt-cells", 0), 3);
    return 1;
}

static int discover_timer(void)
{
    int t = dtb_path_offset(dtb, "/timer", 6);
    uint32_t len;
    const char *ip = t >= 0 ? dtb_getprop(dtb, t, "interrupts", &len) : 0;
    if (!ip || len < 36) { printf("FAIL timer: no /timer interrupts\n"); return 0; }
    /* <secure phys, non-secure phys, virtual, hyp> x <type, number, flags>; type 1 = PPI. */
    uint32_t pt = be32at(ip + 12), pn = be32at(ip + 16), pf = be32at(ip + 20);
    uint32_t vt = be32at(ip + 24), vn = be32at(ip + 28), vf = be32at(ip + 32);
    printf("discover: timer %s virtual PPI %u (flags 0x%x), physical PPI %u (flags 0x%x)\n",
           prop_has(t, "compatible", "arm,armv8-timer") ? "arm,armv8-timer" : "?", vn, vf, pn, pf);
    CHECK("timer-interrupts-are-ppis", pt == 1 && vt == 1);
    virt_intid = 16 + vn;
    phys_intid = 16 + pn;
    printf("discover: virtual timer INTID %u, physical timer INTID %u\n", virt_intid, phys_intid);
    CHECK("timer-ppi-in-range", virt_intid >= 16 && virt_intid < 32 && phys_intid >= 16 && phys_intid < 32);
    return virt_intid >= 16 && virt_intid < 32;
}

static int discover_cpus(void)
{
    int cpus = dtb_path_offset(dtb, "/cpus", 5);
    if (cpus < 0) { printf("FAIL cpus: no /cpus\n"); return 0; }
    uint32_t ac = prop_u32(cpus, "#address-cells", 1), len;
    for (int c = next_child(cpus, -1); c >= 0; c = next_child(cpus, c)) {
        const char *dt = dtb_getprop(dtb, c, "device_type", &len);
        if (!dt || !streq(dt, "cpu") || !starts_with(node_name(c), "cpu@")) continue;
        const void *reg = dtb_getprop(dtb, c, "reg", &len);
        if (!reg || len < 4 * ac || ncpu >= MAXCPU) continue;
        mpidr_of[ncpu] = cells(reg, ac);
        printf("discover: %s mpidr 0x%lx enable-method %s\n", node_name(c), mpidr_of[ncpu],
               prop_has(c, "enable-method", "psci") ? "psci" : "?");
        ncpu++;
    }
    printf("discover: %u cpu(s)\n", ncpu);
    CHECK("boot-cpu-in-dtb", my_index() == 0);
    int p = dtb_path_offset(dtb, "/psci", 5);
    const char *m = p >= 0 ? dtb_getprop(dtb, p, "method", &len) : 0;
    if (!m || (!streq(m, "hvc") && !streq(m, "smc"))) { printf("FAIL psci: no method\n"); return 0; }
    psci_smc = streq(m, "smc");
    printf("discover: psci method %s, %s\n", m,
           prop_has(p, "compatible", "arm,psci-1.0") ? "arm,psci-1.0" :
           prop_has(p, "compatible", "arm,psci-0.2") ? "arm,psci-0.2" : "arm,psci");
    return ncpu > 0 && my_index() == 0;
}

int main(void)
{
    if (!rt_dtb || rt_dtb != rt_boot_x0) {
        printf("FAIL dtb-at-x0 (x0=0x%lx): run the raw image discover.bin\n", rt_boot_x0);
        rt_result();
        return 0;
    }
    dtb = (const void *)rt_dtb;
    printf("INFO dtb at 0x%lx, %u bytes\n", rt_dtb, dtb_word(4));
    if (!discover_uart()) { rt_result(); return 0; }
    rt_uart_base = uart_base;                                   /* the console from here on */
    printf("discover: console now on the discovered UART\n");
    int ok = discover_gic() & discover_timer() & discover_cpus();
    if (!ok) { rt_result(); psci(PSCI_SYSTEM_OFF, 0, 0, 0); return 0; }
    ISB();
    printf("discover: CNTFRQ_EL0 %lu Hz\n", SYSREG_READ(cntfrq_el0));
    uint64_t v = psci(PSCI_VERSION, 0, 0, 0);
    printf("INFO psci version %lu.%lu\n", (v >> 16) & 0xffff, v & 0xffff);

    rt_set_handler(on_irq);
    gic_dist_init();
    res[0].gic_ok = (unsigned)gic_cpu_init(0);
    for (unsigned c = 1; c < ncpu; c++) {
        char n[32] = "psci-cpu-on-cpuX";
        n[15] = (char)('0' + c);
        CHECK_EQ(n, (int64_t)psci(PSCI_CPU_ON_64, mpidr_of[c], (uint64_t)rt_secondary_entry, (uint64_t)secondary), 0);
    }
    if (res[0].gic_ok) timer_ticks(0);
    take_turn(0);
    for (unsigned i = 0; i < 200000000 && turn != ncpu; i++) __asm__ volatile("yield" ::: "memory");
    CHECK_EQ("all-cpus-reported-in-order", turn, ncpu);
    for (unsigned c = 1; c < ncpu; c++) {
        uint64_t a = 0;
        for (unsigned i = 0; i < 10000000; i++) { a = psci(PSCI_AFFINITY_INFO_64, mpidr_of[c], 0, 0); if (a == 1) break; }
        char n[40] = "psci-affinity-off-cpuX";
        n[21] = (char)('0' + c);
        CHECK_EQ(n, a, 1);
    }
    unsigned total = 0;
    for (unsigned c = 0; c < ncpu; c++) total += res[c].irqs;
    printf("discover: %u cpu(s) took %u virtual-timer interrupts in all\n", ncpu, total);
    rt_result();
    psci(PSCI_SYSTEM_OFF, 0, 0, 0);
    return 0;
}
