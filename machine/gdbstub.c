/* machine/gdbstub.c — gdb remote serial protocol over TCP (`-s`, `-S`, `-gdb tcp::PORT`).
 *
 * Each vCPU is a thread (thread id = vCPU index + 1). Registers follow the target
 * description served through qXfer:features:read (org.gnu.gdb.aarch64.core: x0-x30, sp, pc,
 * cpsr). Memory is read and written by guest virtual address through the current
 * translation (cpu_debug_read/write). Breakpoints (Z0/Z1) and watchpoints (Z2-Z4) use the
 * vCPU's debug support; execution stays deterministic (virtual time does not advance while
 * stopped). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "cpu/cpu.h"
#include "machine/gdbstub.h"

#define PKT_MAX 16384

struct gdbstub {
    int lfd, fd;
    struct cpu **cpus;
    unsigned ncpus;
    unsigned g_thread;     /* Hg: register/memory accesses */
    int c_thread;          /* Hc: -1 all */
    char in[PKT_MAX + 8], out[PKT_MAX + 8];
    bool no_ack;
};

#define VREGS \
    "<reg name=\"v0\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v1\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v2\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v3\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v4\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v5\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v6\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v7\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v8\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v9\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v10\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v11\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v12\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v13\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v14\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v15\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v16\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v17\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v18\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v19\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v20\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v21\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v22\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v23\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v24\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v25\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v26\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v27\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v28\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v29\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v30\" bitsize=\"128\" type=\"aarch64v\"/>" \
    "<reg name=\"v31\" bitsize=\"128\" type=\"aarch64v\"/>" \
    ""

static const char target_xml[] =
    "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target><architecture>aarch64</architecture>"
    "<feature name=\"org.gnu.gdb.aarch64.core\">"
    "<reg name=\"x0\" bitsize=\"64\"/><reg name=\"x1\" bitsize=\"64\"/><reg name=\"x2\" bitsize=\"64\"/>"
    "<reg name=\"x3\" bitsize=\"64\"/><reg name=\"x4\" bitsize=\"64\"/><reg name=\"x5\" bitsize=\"64\"/>"
    "<reg name=\"x6\" bitsize=\"64\"/><reg name=\"x7\" bitsize=\"64\"/><reg name=\"x8\" bitsize=\"64\"/>"
    "<reg name=\"x9\" bitsize=\"64\"/><reg name=\"x10\" bitsize=\"64\"/><reg name=\"x11\" bitsize=\"64\"/>"
    "<reg name=\"x12\" bitsize=\"64\"/><reg name=\"x13\" bitsize=\"64\"/><reg name=\"x14\" bitsize=\"64\"/>"
    "<reg name=\"x15\" bitsize=\"64\"/><reg name=\"x16\" bitsize=\"64\"/><reg name=\"x17\" bitsize=\"64\"/>"
    "<reg name=\"x18\" bitsize=\"64\"/><reg name=\"x19\" bitsize=\"64\"/><reg name=\"x20\" bitsize=\"64\"/>"
    "<reg name=\"x21\" bitsize=\"64\"/><reg name=\"x22\" bitsize=\"64\"/><reg name=\"x23\" bitsize=\"64\"/>"
    "<reg name=\"x24\" bitsize=\"64\"/><reg name=\"x25\" bitsize=\"64\"/><reg name=\"x26\" bitsize=\"64\"/>"
    "<reg name=\"x27\" bitsize=\"64\"/><reg name=\"x28\" bitsize=\"64\"/><reg name=\"x29\" bitsize=\"64\"/>"
    "<reg name=\"x30\" bitsize=\"64\"/>"
    "<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>"
    "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>"
    "<reg name=\"cpsr\" bitsize=\"32\"/>"
    "</feature>"
    "<feature name=\"org.gnu.gdb.aarch64.fpu\">"
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
    "<vector id=\"v2u\" type=\"uint64\" count=\"2\"/>"
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
    "<vector id=\"v4u\" type=\"uint32\" count=\"4\"/>"
    "<vector id=\"v8u\" type=\"uint16\" count=\"8\"/>"
    "<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>"
    "<union id=\"vnd\"><field name=\"f\" type=\"v2d\"/><field name=\"u\" type=\"v2u\"/></union>"
    "<union id=\"vns\"><field name=\"f\" type=\"v4f\"/><field name=\"u\" type=\"v4u\"/></union>"
    "<union id=\"vnh\"><field name=\"u\" type=\"v8u\"/></union>"
    "<union id=\"vnb\"><field name=\"u\" type=\"v16u\"/></union>"
    "<union id=\"aarch64v\"><field name=\"d\" type=\"vnd\"/><field name=\"s\" type=\"vns\"/>"
    "<field name=\"h\" type=\"vnh\"/><field name=\"b\" type=\"vnb\"/><field name=\"q\" type=\"uint128\"/></union>"
    VREGS
    "<reg name=\"fpsr\" bitsize=\"32\"/>"
    "<reg name=\"fpcr\" bitsize=\"32\"/>"
    "</feature></target>";

#define NREGS_CORE 34   /* x0-x30, sp, pc, cpsr */
#define REG_V0     34   /* v0-v31 (128-bit), then fpsr, fpcr (32-bit) */
#define REG_FPSR   66
#define REG_FPCR   67
#define NREGS_ALL  68

struct gdbstub *gdbstub_listen(const char *spec, struct cpu **cpus, unsigned ncpus, char *err, size_t errlen)
{
    char host[128] = "127.0.0.1";
    unsigned port = 0;
    const char *p = spec;
    if (!strncmp(p, "tcp:", 4)) {
        p += 4;
        const char *colon = strrchr(p, ':');
        if (colon) {
            size_t hl = (size_t)(colon - p);
            if (hl >= sizeof host) { snprintf(err, errlen, "host name too long"); return NULL; }
            if (hl) { memcpy(host, p, hl); host[hl] = 0; }
            p = colon + 1;
        }
    }
    char *end;
    unsigned long v = strtoul(p, &end, 10);
    if (*p == 0 || *end || v == 0 || v > 65535) { snprintf(err, errlen, "'%s' is not tcp::PORT", spec); return NULL; }
    port = (unsigned)v;
    if (!strcmp(host, "localhost")) strcpy(host, "127.0.0.1");
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) { snprintf(err, errlen, "bad address '%s' (use an IPv4 address)", host); return NULL; }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) { snprintf(err, errlen, "socket: %s", strerror(errno)); return NULL; }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 1)) {
        snprintf(err, errlen, "cannot listen on %s:%u: %s", host, port, strerror(errno));
        close(fd);
        return NULL;
    }
    struct gdbstub *g = calloc(1, sizeof *g);
    g->lfd = fd;
    g->fd = -1;
    g->cpus = cpus;
    g->ncpus = ncpus;
    g->c_thread = -1;
    return g;
}

int gdbstub_accept(struct gdbstub *g)
{
    if (g->fd >= 0) return 0;
    int fd = accept(g->lfd, NULL, NULL);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    g->fd = fd;
    g->no_ack = false;
    return 0;
}

bool gdbstub_connected(const struct gdbstub *g) { return g && g->fd >= 0; }

void gdbstub_free(struct gdbstub *g)
{
    if (!g) return;
    if (g->fd >= 0) close(g->fd);
    close(g->lfd);
    free(g);
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static int get_byte(struct gdbstub *g)
{
    unsigned char ch;
    ssize_t n;
    do n = read(g->fd, &ch, 1); while (n < 0 && errno == EINTR);
    return n == 1 ? ch : -1;
}

static void put_raw(struct gdbstub *g, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(g->fd, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        s += w; n -= (size_t)w;
    }
}

static void send_packet(struct gdbstub *g, const char *data)
{
    size_t n = strlen(data);
    char *buf = malloc(n + 5);
    unsigned sum = 0;
    buf[0] = '$';
    for (size_t i = 0; i < n; i++) { buf[1 + i] = data[i]; sum += (unsigned char)data[i]; }
    snprintf(buf + 1 + n, 4, "#%02x", sum & 0xff);
    for (int tries = 0; tries < 3; tries++) {
        put_raw(g, buf, n + 4);
        if (g->no_ack) break;
        int ack = get_byte(g);
        if (ack == '+' || ack < 0) break;
    }
    free(buf);
}

/* Read one packet into g->in (NUL-terminated). Returns length, -1 on disconnect, -2 for a
 * bare interrupt byte. */
static int recv_packet(struct gdbstub *g)
{
    for (;;) {
        int ch = get_byte(g);
        if (ch < 0) return -1;
        if (ch == 0x03) return -2;
        if (ch != '$') continue;
        size_t n = 0;
        unsigned sum = 0;
        bool overflow = false;
        for (;;) {
            ch = get_byte(g);
            if (ch < 0) return -1;
            if (ch == '#') break;
            sum += (unsigned)ch;
            if (n < PKT_MAX) g->in[n++] = (char)ch; else overflow = true;
        }
        int h1 = hexval(get_byte(g)), h2 = hexval(get_byte(g));
        if (h1 < 0 || h2 < 0 || (unsigned)(h1 << 4 | h2) != (sum & 0xff) || overflow) {
            if (!g->no_ack) put_raw(g, "-", 1);
            continue;
        }
        if (!g->no_ack) put_raw(g, "+", 1);
        g->in[n] = 0;
        return (int)n;
    }
}

static char *hex_le(char *o, uint64_t v, unsigned bytes)
{
    static const char hx[] = "0123456789abcdef";
    for (unsigned i = 0; i < bytes; i++) {
        uint8_t b = (uint8_t)(v >> (8 * i));
        *o++ = hx[b >> 4];
        *o++ = hx[b & 15];
    }
    *o = 0;
    return o;
}

static bool parse_hex_le(const char *s, unsigned bytes, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < bytes; i++) {
        int a = hexval(s[2 * i]), b = hexval(s[2 * i + 1]);
        if (a < 0 || b < 0) return false;
        r |= (uint64_t)(a << 4 | b) << (8 * i);
    }
    *v = r;
    return true;
}

static uint64_t read_reg(struct cpu *c, unsigned n, unsigned *bytes)
{
    *bytes = 8;
    if (n < 31) return cpu_get_x(c, n);
    if (n == 31) return cpu_get_sp(c);
    if (n == 32) return cpu_get_pc(c);
    *bytes = 4;
    return cpu_get_pstate(c) & 0xffffffffu;
}

static bool write_reg(struct cpu *c, unsigned n, uint64_t v)
{
    if (n < 31) cpu_set_x(c, n, v);
    else if (n == 31) cpu_set_sp(c, v);
    else if (n == 32) cpu_set_pc(c, v);
    else if (n == 33) cpu_set_pstate(c, v);
    else return false;
    return true;
}

/* Any register as target-order (little-endian) bytes; returns its size. */
static unsigned reg_bytes(struct cpu *c, unsigned n, uint8_t out[16])
{
    if (n >= REG_V0 && n < REG_V0 + 32) { cpu_get_v(c, n - REG_V0, out); return 16; }
    uint64_t v;
    unsigned bytes;
    if (n == REG_FPSR) { v = cpu_get_fpsr(c); bytes = 4; }
    else if (n == REG_FPCR) { v = cpu_get_fpcr(c); bytes = 4; }
    else v = read_reg(c, n, &bytes);
    for (unsigned i = 0; i < bytes; i++) out[i] = (uint8_t)(v >> (8 * i));
    return bytes;
}
static unsigned reg_size(unsigned n)
{
    if (n >= REG_V0 && n < REG_V0 + 32) return 16;
    return (n == 33 || n == REG_FPSR || n == REG_FPCR) ? 4 : 8;
}
/* Set register n from hex text (target order). False if malformed. */
static bool reg_set_hex(struct cpu *c, unsigned n, const char *hex)
{
    unsigned sz = reg_size(n);
    uint8_t b[16];
    if (strlen(hex) < 2 * sz) return false;
    for (unsigned i = 0; i < sz; i++) {
        uint64_t v;
        if (!parse_hex_le(hex + 2 * i, 1, &v)) return false;
        b[i] = (uint8_t)v;
    }
    if (n >= REG_V0 && n < REG_V0 + 32) { cpu_set_v(c, n - REG_V0, b); return true; }
    uint64_t v = 0;
    for (unsigned i = 0; i < sz; i++) v |= (uint64_t)b[i] << (8 * i);
    if (n == REG_FPSR) cpu_set_fpsr(c, (uint32_t)v);
    else if (n == REG_FPCR) cpu_set_fpcr(c, (uint32_t)v);
    else return write_reg(c, n, v);
    return true;
}

static struct cpu *thread_cpu(struct gdbstub *g, long tid)
{
    if (tid <= 0) return g->cpus[g->g_thread];
    if ((unsigned long)tid > g->ncpus) return NULL;
    return g->cpus[tid - 1];
}

static void reply_stop(struct gdbstub *g, struct cpu *c, int sig)
{
    char buf[96];
    uint64_t addr = 0;
    enum cpu_watch_kind kind = 0;
    int why = cpu_debug_stop_reason(c, &addr, &kind);
    if (sig == 5 && why == 2) {
        const char *w = kind == CPU_WATCH_WRITE ? "watch" : kind == CPU_WATCH_READ ? "rwatch" : "awatch";
        snprintf(buf, sizeof buf, "T%02xthread:%02x;%s:%llx;", sig, cpu_index(c) + 1, w, (unsigned long long)addr);
    } else {
        snprintf(buf, sizeof buf, "T%02xthread:%02x;", sig, cpu_index(c) + 1);
    }
    send_packet(g, buf);
}

static void handle_query(struct gdbstub *g, const char *q)
{
    char *o = g->out;
    if (!strncmp(q, "qSupported", 10)) {
        snprintf(o, PKT_MAX, "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+", PKT_MAX);
    } else if (!strcmp(q, "QStartNoAckMode")) {
        send_packet(g, "OK");
        g->no_ack = true;
        return;
    } else if (!strncmp(q, "qXfer:features:read:target.xml:", 31)) {
        unsigned long off = 0, len = 0;
        if (sscanf(q + 31, "%lx,%lx", &off, &len) != 2) { strcpy(o, "E01"); }
        else {
            size_t total = sizeof target_xml - 1;
            if (len > PKT_MAX - 2) len = PKT_MAX - 2;
            if (off >= total) strcpy(o, "l");
            else {
                size_t n = total - off < len ? total - off : len;
                o[0] = (off + n >= total) ? 'l' : 'm';
                memcpy(o + 1, target_xml + off, n);
                o[1 + n] = 0;
            }
        }
    } else if (!strcmp(q, "qAttached")) {
        strcpy(o, "1");
    } else if (!strcmp(q, "qC")) {
        snprintf(o, PKT_MAX, "QC%02x", g->g_thread + 1);
    } else if (!strcmp(q, "qfThreadInfo")) {
        char *p = o;
        *p++ = 'm';
        for (unsigned i = 0; i < g->ncpus; i++) p += sprintf(p, "%s%02x", i ? "," : "", i + 1);
    } else if (!strcmp(q, "qsThreadInfo")) {
        strcpy(o, "l");
    } else if (!strncmp(q, "qThreadExtraInfo,", 17)) {
        long tid = strtol(q + 17, NULL, 16);
        struct cpu *c = thread_cpu(g, tid);
        char txt[64];
        snprintf(txt, sizeof txt, "vCPU %ld%s", tid - 1, c && cpu_is_halted(c) ? " (powered off)" : "");
        char *p = o;
        for (const char *s = txt; *s; s++) p += sprintf(p, "%02x", (unsigned char)*s);
    } else if (!strncmp(q, "qSymbol", 7)) {
        strcpy(o, "OK");
    } else {
        o[0] = 0;             /* unsupported: empty reply */
    }
    send_packet(g, o);
}

static void apply_resume(struct gdbstub *g, bool step)
{
    for (unsigned i = 0; i < g->ncpus; i++) {
        bool this_one = g->c_thread < 0 ? i == g->g_thread : (unsigned)g->c_thread == i;
        cpu_set_single_step(g->cpus[i], step && this_one);
    }
}

enum gdb_action gdbstub_stopped(struct gdbstub *g, struct cpu *stopped, int sig)
{
    if (g->fd < 0) return GDB_RESUME;
    g->g_thread = cpu_index(stopped);
    for (unsigned i = 0; i < g->ncpus; i++) cpu_set_single_step(g->cpus[i], false);
    bool announce = sig >= 0;
    if (announce) reply_stop(g, stopped, sig);
    for (;;) {
        int n = recv_packet(g);
        if (n == -1) { close(g->fd); g->fd = -1; return GDB_DETACH; }
        if (n == -2) continue;
        const char *p = g->in;
        char *o = g->out;
        struct cpu *c = g->cpus[g->g_thread];
        switch (p[0]) {
        case '?':
            reply_stop(g, stopped, 5);
            break;
        case 'q': case 'Q':
            handle_query(g, p);
            break;
        case 'H': {
            long tid = strtol(p + 2, NULL, 16);
            if (p[2] == '-') tid = -1;
            if (tid > 0 && (unsigned long)tid > g->ncpus) { send_packet(g, "E22"); break; }
            if (p[1] == 'g') { if (tid > 0) g->g_thread = (unsigned)tid - 1; }
            else if (p[1] == 'c') g->c_thread = tid > 0 ? (int)tid - 1 : -1;
            send_packet(g, "OK");
            break;
        }
        case 'T': {
            long tid = strtol(p + 1, NULL, 16);
            send_packet(g, tid >= 1 && (unsigned long)tid <= g->ncpus ? "OK" : "E22");
            break;
        }
        case 'g': {
            char *q = o;
            for (unsigned r = 0; r < NREGS_ALL; r++) {
                uint8_t b[16];
                unsigned sz = reg_bytes(c, r, b);
                for (unsigned i = 0; i < sz; i++) q = hex_le(q, b[i], 1);
            }
            send_packet(g, o);
            break;
        }
        case 'G': {
            const char *q = p + 1;
            bool ok = true;
            for (unsigned r = 0; r < NREGS_ALL && ok && *q; r++) {
                ok = reg_set_hex(c, r, q);
                q += 2 * reg_size(r);
            }
            send_packet(g, ok ? "OK" : "E22");
            break;
        }
        case 'p': {
            unsigned long r = strtoul(p + 1, NULL, 16);
            if (r >= NREGS_ALL) { send_packet(g, "E22"); break; }
            uint8_t b[16];
            unsigned sz = reg_bytes(c, (unsigned)r, b);
            char *q = o;
            for (unsigned i = 0; i < sz; i++) q = hex_le(q, b[i], 1);
            send_packet(g, o);
            break;
        }
        case 'P': {
            char *eq;
            unsigned long r = strtoul(p + 1, &eq, 16);
            if (*eq != '=' || r >= NREGS_ALL || !reg_set_hex(c, (unsigned)r, eq + 1)) {
                send_packet(g, "E22");
                break;
            }
            send_packet(g, "OK");
            break;
        }
        case 'm': {
            unsigned long long addr, len;
            if (sscanf(p + 1, "%llx,%llx", &addr, &len) != 2) { send_packet(g, "E22"); break; }
            if (len > PKT_MAX / 2) len = PKT_MAX / 2;
            uint8_t buf[PKT_MAX / 2];
            size_t got = cpu_debug_read(c, addr, buf, len);
            if (!got && len) { send_packet(g, "E14"); break; }
            char *q = o;
            for (size_t i = 0; i < got; i++) q = hex_le(q, buf[i], 1);
            send_packet(g, o);
            break;
        }
        case 'M': {
            unsigned long long addr, len;
            const char *colon = strchr(p, ':');
            if (!colon || sscanf(p + 1, "%llx,%llx", &addr, &len) != 2 || strlen(colon + 1) < 2 * len || len > PKT_MAX / 2) {
                send_packet(g, "E22");
                break;
            }
            uint8_t buf[PKT_MAX / 2];
            bool ok = true;
            for (size_t i = 0; i < len && ok; i++) {
                uint64_t v;
                ok = parse_hex_le(colon + 1 + 2 * i, 1, &v);
                buf[i] = (uint8_t)v;
            }
            send_packet(g, ok && cpu_debug_write(c, addr, buf, len) == len ? "OK" : "E14");
            break;
        }
        case 'Z': case 'z': {
            unsigned type;
            unsigned long long addr, kind;
            if (sscanf(p + 1, "%u,%llx,%llx", &type, &addr, &kind) != 3 || type > 4) { send_packet(g, ""); break; }
            bool ins = p[0] == 'Z';
            int r;
            if (type <= 1) r = ins ? cpu_breakpoint_insert(c, addr) : cpu_breakpoint_remove(c, addr);
            else {
                enum cpu_watch_kind k = type == 2 ? CPU_WATCH_WRITE : type == 3 ? CPU_WATCH_READ : CPU_WATCH_ACCESS;
                r = ins ? cpu_watchpoint_insert(c, addr, kind, k) : cpu_watchpoint_remove(c, addr, kind, k);
            }
            send_packet(g, r == 0 ? "OK" : "E0e");
            break;
        }
        case 'c':
        case 's': {
            if (p[1]) {
                unsigned long long addr = strtoull(p + 1, NULL, 16);
                struct cpu *t = g->c_thread >= 0 ? g->cpus[g->c_thread] : c;
                cpu_set_pc(t, addr);
            }
            apply_resume(g, p[0] == 's');
            return GDB_RESUME;
        }
        case 'v':
            if (!strncmp(p, "vCont?", 6)) send_packet(g, "");
            else if (!strncmp(p, "vKill", 5)) { send_packet(g, "OK"); return GDB_KILL; }
            else send_packet(g, "");
            break;
        case 'D':
            send_packet(g, "OK");
            close(g->fd);
            g->fd = -1;
            for (unsigned i = 0; i < g->ncpus; i++) cpu_set_single_step(g->cpus[i], false);
            return GDB_DETACH;
        case 'k':
            return GDB_KILL;
        default:
            send_packet(g, "");
            break;
        }
    }
}

bool gdbstub_poll_interrupt(struct gdbstub *g)
{
    if (!g || g->fd < 0) return false;
    struct pollfd pfd = { .fd = g->fd, .events = POLLIN };
    if (poll(&pfd, 1, 0) <= 0) return false;
    unsigned char ch;
    ssize_t n = recv(g->fd, &ch, 1, MSG_PEEK);
    if (n <= 0) { close(g->fd); g->fd = -1; return false; }
    if (ch == 0x03) { (void)read(g->fd, &ch, 1); return true; }
    return false;
}

bool gdbstub_poll_accept(struct gdbstub *g)
{
    if (!g || g->fd >= 0) return false;
    struct pollfd pfd = { .fd = g->lfd, .events = POLLIN };
    if (poll(&pfd, 1, 0) <= 0) return false;
    return gdbstub_accept(g) == 0;
}
