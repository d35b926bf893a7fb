/* machine/cmdline.c — the command line, spelled as qemu-system-aarch64 spells it (so scripts
 * written for `-M virt` run unchanged) plus faultline's own options. Every bad input produces
 * one "what: why" message; the caller prints it as "faultline: ..." and exits with status 1. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpu/cpu.h"
#include "machine/machine.h"

#define MiB (1024ull * 1024)

static const struct { const char *name; unsigned mask; const char *help; } log_items[] = {
    { "in_asm", CPU_LOG_IN_ASM, "show target assembly code for each compiled block" },
    { "int", CPU_LOG_INT, "show interrupts/exceptions in short format" },
    { "mmu", CPU_LOG_MMU, "log MMU-related activities" },
    { "guest_errors", CPU_LOG_GUEST_ERRORS, "log when the guest OS does something invalid" },
};
#define NLOG (sizeof log_items / sizeof *log_items)

static const char log_help[] =
    "Log items (comma separated):\n"
    "in_asm          show target assembly code for each compiled block\n"
    "int             show interrupts/exceptions in short format\n"
    "mmu             log MMU-related activities\n"
    "guest_errors    log when the guest OS does something invalid\n";
static const char hv_help[] =
    "Hypervisor modes (-hv MODE[,key=value...]):\n"
    "none                 the bare machine: the kernel runs at EL1 without EL2 (default)\n"
    "xen                  the native hypervisor (Xen on Arm model): the kernel is the hardware\n"
    "                     domain (dom0) at EL1 behind stage 2, interrupts through list registers\n"
    "  dom0_mem=SIZE      dom0's RAM (default: all RAM below the hypervisor's 16 MiB)\n"
    "  hypervisor-node=on|off  write /hypervisor into dom0's DT (default off: the Xen\n"
    "                     hypercall ABI it announces is not implemented yet)\n";
static const char cpu_help[] = "Available CPUs:\n  cortex-a57\n  max\n";
static const char machine_help[] =
    "Supported machines are:\nvirt                 QEMU virt-compatible ARMv8-A board (faultline)\n";

void fl_print_help(void *fp)
{
    FILE *f = fp;
    fprintf(f,
"usage: faultline [options]\n"
"faultline " FAULTLINE_VERSION " - AArch64 system emulator, qemu-system-aarch64 -M virt compatible\n"
"\n"
"Machine:\n"
"  -M|-machine virt[,gic-version=2|3|host|max][,dumpdtb=FILE]\n"
"                      board (only virt); dumpdtb writes the DTB to FILE and exits\n"
"  -cpu cortex-a57|max CPU model (default cortex-a57)\n"
"  -m SIZE[K|M|G|T]    RAM size, MiB without a suffix (default 128M)\n"
"  -smp N              number of vCPUs, 1..8 (secondaries start through PSCI CPU_ON)\n"
"  -hv none|xen[,dom0_mem=SIZE][,hypervisor-node=on|off]\n"
"                      hypervisor: none (default) or the native Xen-like one (-hv help)\n"
"Boot:\n"
"  -kernel FILE        AArch64 ELF, arm64 Image or raw binary, placed as QEMU does\n"
"  -initrd FILE        initial ramdisk (Image/raw kernels)\n"
"  -append STRING      kernel command line (/chosen/bootargs)\n"
"  -dtb FILE           use this device tree instead of the generated one\n"
"Console:\n"
"  -nographic          serial console on stdio, with C-a escapes (C-a h for help)\n"
"  -serial stdio|mon:stdio|file:PATH|null\n"
"Debugging:\n"
"  -d ITEM[,ITEM]      log in_asm, int, mmu, guest_errors (-d help lists them)\n"
"  -D FILE             write the log to FILE instead of stderr\n"
"  -no-reboot          exit instead of rebooting on PSCI SYSTEM_RESET\n"
"  -gdb tcp::PORT      gdb remote stub on localhost:PORT (tcp:HOST:PORT to choose the address)\n"
"  -s                  shorthand for -gdb tcp::1234\n"
"  -S                  do not start the guest until gdb connects and continues\n"
"faultline options:\n"
"  -icount-limit N     stop after N instructions (all vCPUs), exit status 3\n"
"  -quantum N          instructions per vCPU turn in the round-robin (default 10000)\n"
"  -seed N             seed for /chosen kaslr-seed and rng-seed (default 0)\n"
"  -rtc base=utc|DATE  PL031 RTC start: host UTC time at boot (default, an input of the run)\n"
"                      or a fixed DATE (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, UTC) for\n"
"                      reproducible guest dates; the RTC then advances with virtual time\n"
"  -summary|-no-summary  print (default) or not the statistics summary at exit\n"
"  -h|--help, --version\n"
"\n"
"Not implemented yet: the monitor (C-a c).\n"
"Exit status: 0 guest powered off (PSCI SYSTEM_OFF, or SYSTEM_RESET with -no-reboot) or C-a x;\n"
"1 bad option or host error; 2 guest can never make progress; 3 -icount-limit reached.\n");
}

int fl_parse_size(const char *s, uint64_t *out)
{
    if (!strncmp(s, "size=", 5)) s += 5;
    if (!isdigit((unsigned char)*s)) return -1;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0) return -1;
    uint64_t mult = MiB;
    switch (*end) {
    case 0: break;
    case 'b': case 'B': mult = 1; end++; break;
    case 'k': case 'K': mult = 1024; end++; break;
    case 'm': case 'M': mult = MiB; end++; break;
    case 'g': case 'G': mult = 1024 * MiB; end++; break;
    case 't': case 'T': mult = 1024 * 1024 * MiB; end++; break;
    default: return -1;
    }
    if (*end) return -1;
    double bytes = v * (double)mult;
    if (bytes > 18e18) return -1;
    *out = (uint64_t)bytes;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!isdigit((unsigned char)*s)) return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int parse_machine(const char *arg, struct fl_options *o, char *err, size_t errlen)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", arg);
    char *save, *tok = strtok_r(buf, ",", &save);
    if (!tok) FAIL("-M %s: machine type missing (only 'virt' is supported)", arg);
    if (!strcmp(tok, "help") || !strcmp(tok, "?")) { o->action = FL_LIST; o->list_text = machine_help; return 0; }
    if (!strncmp(tok, "type=", 5)) tok += 5;
    if (strcmp(tok, "virt") && strncmp(tok, "virt-", 5))
        FAIL("-M %s: unsupported machine type '%s' (only 'virt' is supported)", arg, tok);
    while ((tok = strtok_r(NULL, ",", &save))) {
        char *eq = strchr(tok, '=');
        const char *val = eq ? eq + 1 : "on";
        if (eq) *eq = 0;
        if (!strcmp(tok, "gic-version")) {
            if (!strcmp(val, "2")) o->gic_version = 2;
            else if (!strcmp(val, "3") || !strcmp(val, "max") || !strcmp(val, "host")) o->gic_version = 3;
            else FAIL("-M %s: gic-version=%s: must be 2, 3, host or max", arg, val);
        } else if (!strcmp(tok, "dumpdtb")) {
            if (!eq || !*val) FAIL("-M %s: dumpdtb needs a file name", arg);
            o->dumpdtb = arg + (val - buf);   /* points into argv: stays valid */
        } else if (!strcmp(tok, "virtualization") || !strcmp(tok, "secure")) {
            if (strcmp(val, "off")) FAIL("-M %s: %s=%s: not supported (EL2/EL3 are not emulated; only off)", arg, tok, val);
        } else {
            FAIL("-M %s: unknown machine property '%s' (supported: gic-version, dumpdtb)", arg, tok);
        }
    }
    return 0;
}

static int parse_hv(const char *arg, struct fl_options *o, char *err, size_t errlen)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", arg);
    char *save, *tok = strtok_r(buf, ",", &save);
    if (!tok) FAIL("-hv %s: mode missing (none or xen; -hv help)", arg);
    if (!strcmp(tok, "help") || !strcmp(tok, "?")) { o->action = FL_LIST; o->list_text = hv_help; return 0; }
    if (!strcmp(tok, "none")) o->hv = FL_HV_NONE;
    else if (!strcmp(tok, "xen")) o->hv = FL_HV_XEN;
    else FAIL("-hv %s: unknown mode '%s' (none or xen)", arg, tok);
    while ((tok = strtok_r(NULL, ",", &save))) {
        if (o->hv != FL_HV_XEN) FAIL("-hv %s: '%s': -hv none takes no options", arg, tok);
        char *eq = strchr(tok, '=');
        const char *val = eq ? eq + 1 : "on";
        if (eq) *eq = 0;
        if (!strcmp(tok, "dom0_mem")) {
            if (fl_parse_size(val, &o->hv_dom0_mem) < 0 || !o->hv_dom0_mem)
                FAIL("-hv %s: dom0_mem=%s: invalid size", arg, val);
        } else if (!strcmp(tok, "hypervisor-node")) {
            if (!strcmp(val, "on")) o->hv_xen_node = true;
            else if (!strcmp(val, "off")) o->hv_xen_node = false;
            else FAIL("-hv %s: hypervisor-node=%s: on or off", arg, val);
        } else FAIL("-hv %s: unknown option '%s' (dom0_mem, hypervisor-node)", arg, tok);
    }
    return 0;
}

static int parse_log(const char *arg, struct fl_options *o, char *err, size_t errlen)
{
    char buf[256];
    if (!strcmp(arg, "help") || !strcmp(arg, "?")) { o->action = FL_LIST; o->list_text = log_help; return 0; }
    snprintf(buf, sizeof buf, "%s", arg);
    char *save, *tok;
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        unsigned i;
        for (i = 0; i < NLOG; i++)
            if (!strcmp(tok, log_items[i].name)) { o->log_mask |= log_items[i].mask; break; }
        if (i == NLOG) FAIL("-d %s: unknown log item '%s' (valid: in_asm, int, mmu, guest_errors)", arg, tok);
    }
    return 0;
}

static int parse_smp(const char *arg, struct fl_options *o, char *err, size_t errlen)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", arg);
    char *save, *tok;
    uint64_t n = 0;
    bool have = false;
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        const char *v = tok;
        if (!strncmp(tok, "cpus=", 5)) v = tok + 5;
        else if (!strncmp(tok, "maxcpus=", 8)) {
            uint64_t m;
            if (parse_u64(tok + 8, &m) < 0 || (have && m != n))
                FAIL("-smp %s: maxcpus must equal cpus (CPU hotplug is not supported)", arg);
            continue;
        } else if (strchr(tok, '=')) {
            FAIL("-smp %s: unsupported property '%s' (use -smp N)", arg, tok);
        }
        if (parse_u64(v, &n) < 0) FAIL("-smp %s: not a number", arg);
        have = true;
    }
    if (!have || n < 1 || n > 8) FAIL("-smp %s: must be between 1 and 8", arg);
    o->smp = (unsigned)n;
    return 0;
}

/* -rtc base=utc|localtime|YYYY-MM-DD[THH:MM[:SS]][,clock=vm] (QEMU's spelling; the RTC
 * always runs on virtual time, so clock=vm is the only clock). */
static int parse_rtc(const char *v, struct fl_options *o, char *err, size_t errlen)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", v);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (!strncmp(tok, "base=", 5)) {
            const char *b = tok + 5;
            if (!strcmp(b, "utc") || !strcmp(b, "localtime")) { o->rtc_base = -1; continue; }
            unsigned Y, M, D, h = 0, m = 0, sec = 0;
            int n = sscanf(b, "%4u-%2u-%2uT%2u:%2u:%2u", &Y, &M, &D, &h, &m, &sec);
            if (n != 3 && n != 5 && n != 6) FAIL("-rtc %s: base must be utc or YYYY-MM-DD[THH:MM[:SS]]", v);
            if (Y < 1970 || Y > 2099 || !M || M > 12 || !D || D > 31 || h > 23 || m > 59 || sec > 59)
                FAIL("-rtc %s: date out of range", v);
            /* days since 1970-01-01 (proleptic Gregorian, UTC) */
            static const unsigned cum[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
            unsigned y = Y - 1970, leaps = (Y - 1 - 1968) / 4 - (Y - 1 - 1900) / 100 + (Y - 1 - 1600) / 400;
            uint64_t days = (uint64_t)y * 365 + leaps + cum[M - 1] + D - 1;
            bool leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
            if (leap && M > 2) days++;
            o->rtc_base = (int64_t)(days * 86400 + h * 3600 + m * 60 + sec);
        } else if (!strcmp(tok, "clock=vm")) {
            continue;
        } else {
            FAIL("-rtc %s: unknown option '%s' (base=utc|DATE, clock=vm)", v, tok);
        }
    }
    return 0;
}

int fl_parse_args(int argc, char **argv, struct fl_options *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->ram_size = 128 * MiB;
    o->smp = 1;
    o->gic_version = 2;
    o->cpu_profile = CPU_PROFILE_CORTEX_A57;
    o->summary = true;
    o->rtc_base = -1;                  /* host UTC time at boot, as QEMU -rtc base=utc */
    o->quantum = 10000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1]) FAIL("%s: unexpected argument (options start with '-'; see --help)", a);
        if (a[1] == '-') a++;                       /* --opt == -opt, as QEMU */
        const char *opt = a + 1;
        /* options without an argument */
        if (!strcmp(opt, "h") || !strcmp(opt, "help")) { o->action = FL_HELP; return 0; }
        if (!strcmp(opt, "version")) { o->action = FL_VERSION; return 0; }
        if (!strcmp(opt, "nographic")) { o->nographic = true; continue; }
        if (!strcmp(opt, "no-reboot")) { o->no_reboot = true; continue; }
        if (!strcmp(opt, "summary")) { o->summary = true; continue; }
        if (!strcmp(opt, "no-summary")) { o->summary = false; continue; }
        if (!strcmp(opt, "s")) { o->gdb = "tcp::1234"; continue; }
        if (!strcmp(opt, "S")) { o->gdb_wait = true; continue; }
        /* options with one argument */
        static const char *const with_arg[] = {
            "M", "machine", "cpu", "m", "smp", "kernel", "initrd", "append", "dtb", "serial",
            "d", "D", "gdb", "icount-limit", "quantum", "seed", "rtc", "hv", NULL };
        int k;
        for (k = 0; with_arg[k]; k++) if (!strcmp(opt, with_arg[k])) break;
        if (!with_arg[k]) FAIL("%s: unknown option (see --help)", argv[i]);
        if (i + 1 >= argc) FAIL("%s: missing argument", argv[i]);
        const char *v = argv[++i];
        if (!strcmp(opt, "M") || !strcmp(opt, "machine")) {
            if (parse_machine(v, o, err, errlen) < 0) return -1;
            if (o->action == FL_LIST) return 0;
        } else if (!strcmp(opt, "cpu")) {
            if (!strcmp(v, "help") || !strcmp(v, "?")) { o->action = FL_LIST; o->list_text = cpu_help; return 0; }
            enum cpu_profile p;
            if (cpu_profile_parse(v, &p) < 0) FAIL("-cpu %s: unknown CPU model (cortex-a57 or max)", v);
            o->cpu_profile = p;
        } else if (!strcmp(opt, "m")) {
            uint64_t sz;
            if (fl_parse_size(v, &sz) < 0) FAIL("-m %s: invalid size (use N[K|M|G|T], MiB without a suffix)", v);
            if (sz < 16 * MiB || sz > 64 * 1024 * MiB) FAIL("-m %s: RAM size must be between 16M and 64G", v);
            if (sz & 0xfff) FAIL("-m %s: RAM size must be a multiple of 4 KiB", v);
            o->ram_size = sz;
        } else if (!strcmp(opt, "smp")) {
            if (parse_smp(v, o, err, errlen) < 0) return -1;
        } else if (!strcmp(opt, "kernel")) o->kernel = v;
        else if (!strcmp(opt, "initrd")) o->initrd = v;
        else if (!strcmp(opt, "append")) o->append = v;
        else if (!strcmp(opt, "dtb")) o->dtb = v;
        else if (!strcmp(opt, "serial")) {
            if (o->serial) FAIL("-serial %s: only one serial port is supported", v);
            o->serial = v;
        } else if (!strcmp(opt, "d")) {
            if (parse_log(v, o, err, errlen) < 0) return -1;
            if (o->action == FL_LIST) return 0;
        } else if (!strcmp(opt, "D")) o->logfile = v;
        else if (!strcmp(opt, "gdb")) o->gdb = v;
        else if (!strcmp(opt, "icount-limit")) {
            if (parse_u64(v, &o->icount_limit) < 0 || !o->icount_limit)
                FAIL("-icount-limit %s: expected a positive instruction count", v);
        } else if (!strcmp(opt, "quantum")) {
            if (parse_u64(v, &o->quantum) < 0 || !o->quantum || o->quantum > 1000000000)
                FAIL("-quantum %s: expected an instruction count between 1 and 1000000000", v);
        } else if (!strcmp(opt, "seed")) {
            if (parse_u64(v, &o->seed) < 0) FAIL("-seed %s: expected a number", v);
        } else if (!strcmp(opt, "rtc")) {
            if (parse_rtc(v, o, err, errlen) < 0) return -1;
        } else if (!strcmp(opt, "hv")) {
            if (parse_hv(v, o, err, errlen) < 0) return -1;
            if (o->action == FL_LIST) return 0;
        }
    }
    if (!o->kernel && !o->dumpdtb) FAIL("-kernel: no kernel given (faultline has no firmware; see --help)");
    if (o->gdb_wait && !o->gdb) FAIL("-S: starting stopped needs a debugger: add -s or -gdb tcp::PORT");
    if (o->initrd && !o->kernel) FAIL("-initrd: needs -kernel");
    return 0;
}
