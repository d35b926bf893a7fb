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
#include "machine/pl330.h"
#include "hv/hv.h"

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
    "                     hypercall ABI it announces is not implemented yet)\n"
    "  mmio=eager|lazy|hypercall  how dom0's device memory enters stage 2 (default eager):\n"
    "                     eager: every host-DT device region mapped at boot (Xen, DT boot);\n"
    "                     lazy: mapped 1:1 on the first data abort at a permitted IPA (seed 000,\n"
    "                     Xen's ACPI boot); instruction aborts and other IPAs get an abort;\n"
    "                     hypercall: nothing mapped, dom0 must ask (XENMEM_add_to_physmap_batch\n"
    "                     XENMAPSPACE_dev_mmio; no guest ABI yet)\n"
    "  mmio_granule=page|region  lazy: map the faulting 4K page (default) or its whole region\n"
    "  mmio_type=TYPE     p2m type of dom0's MMIO (default mmio_direct_c)\n"
    "  region=BASE:TYPE   p2m type of the device region containing BASE (repeatable; also the\n"
    "                     host-DT property faultline,p2m-type = \"TYPE\")\n"
    "                     TYPE: mmio_direct_dev (Device-nGnRE), mmio_direct_nc (Normal NC),\n"
    "                     mmio_direct_c (Normal WB), mmio_direct_c_rwx (Normal WB, executable:\n"
    "                     seed 002, NOT Xen behaviour, flagged in the trace)\n"
    "  iomem=BASE+SIZE    add [BASE, BASE+SIZE) to dom0's iomem permission (repeatable)\n"
    "  iomem_deny=BASE+SIZE  remove it (applied in order after the DT regions)\n"
    "                     The permitted set: every `reg` of the host DT's device nodes except\n"
    "                     memory and the GIC (emulated); printed in the exit summary.\n"
    "  trap_cycles=N      cycles charged per EL2 round trip the native hypervisor handles\n"
    "                     (stage-2 abort, trapped WFI/WFE, trapped CNTP_*); default per -cpu:\n"
    "                     750 for cortex-a57 and max (Xen-style hypervisor work as a lump on a\n"
    "                     Cortex-A57, timing.md; the A53 figure would be 1000); 0 charges none\n"
    "  foreign=IPA:PA[:N] map N 4K pages (default 1) at dom0 IPA → machine PA as p2m_map_foreign_rw\n"
    "                     (seed 003: stands for a grant map by dom0's backend; repeatable, 4 at\n"
    "                     most). PA: machine RAM outside dom0's (above dom0_mem) and outside the\n"
    "                     hypervisor's 16 MiB; IPA: a hole (not dom0's RAM nor any device)\n";
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
"  -M|-machine virt[,gic-version=2|3|host|max][,iommu=smmuv2|none][,sram=on|off][,dumpdtb=FILE]\n"
"                      board (only virt); dumpdtb writes the DTB to FILE and exits;\n"
"                      iommu: the SMMUv2 (MMU-500) in front of the virtio devices\n"
"                      (default smmuv2 when a -device is given);\n"
"                      sram=on: 64 KiB of SRAM at 0x09060000, a mmio-sram DT node (default off)\n"
"  -cpu cortex-a57|max CPU model (default cortex-a57)\n"
"  -m SIZE[K|M|G|T]    RAM size, MiB without a suffix (default 128M)\n"
"  -smp N              number of vCPUs, 1..8 (secondaries start through PSCI CPU_ON)\n"
"  -hv none|xen[,dom0_mem=SIZE][,hypervisor-node=on|off][,mmio=eager|lazy|hypercall][,...]\n"
"                      hypervisor: none (default) or the native Xen-like one (-hv help)\n"
"Devices:\n"
"  -drive file=FILE,if=none,format=raw,id=ID[,readonly=on][,snapshot=on]\n"
"                      a host file as a raw disk, for -device virtio-blk-device,drive=ID;\n"
"                      snapshot=on: guest writes go to a private in-memory copy, the file\n"
"                      is never modified (how a recorded run's disk stays replayable)\n"
"  -device virtio-blk-device,drive=ID | virtio-rng-device | help\n"
"                      virtio-mmio devices, in order at 0x0a000000 + n*0x200 (SPI 16+n)\n"
"  -device pl330[,sid=N][,iommu=on|off]\n"
"                      the DMA-330 DMA engine at 0x09070000 (SPIs 96..104), SMMU stream ID\n"
"                      N (default 0x20); iommu=off: no SMMU in front of it (docs/dma.md)\n"
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
"  -trace file=FILE[,sync=on]  write the trace stream (docs/trace.md) to FILE; read it\n"
"                      with faultline-trace; sync=on writes every record at once\n"
"  -icount-limit N     stop after N instructions (all vCPUs), exit status 3\n"
"  -quantum N          instructions per vCPU turn in the round-robin (default 10000)\n"
"  -seed N             seed for /chosen kaslr-seed and rng-seed (default 0)\n"
"  -rtc base=utc|DATE  PL031 RTC start: host UTC time at boot (default, an input of the run)\n"
"                      or a fixed DATE (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, UTC) for\n"
"                      reproducible guest dates; the RTC then advances with virtual time\n"
"  -summary|-no-summary  print (default) or not the statistics summary at exit\n"
"Record and replay (docs/trace.md \"Record and replay\"):\n"
"  -icount shift=auto,rr=record|replay,rrfile=FILE\n"
"                      QEMU's spelling. rr=record writes every non-deterministic input\n"
"                      (console bytes, wall-clock-shortened idle jumps, the RTC start) to\n"
"                      FILE with its position; rr=replay runs the same command line with no\n"
"                      live input, feeds FILE's inputs back at their positions, and ends with\n"
"                      \"replay: identical (N instructions, M cycles)\" or the first divergence\n"
"                      (exit status 4). A replay refuses a different command line (-icount\n"
"                      and -trace aside) or a kernel/initrd/dtb/-drive file whose SHA-256\n"
"                      differs. shift= is accepted and ignored only as shift=auto: guest time\n"
"                      always comes from the cycle model (1 cycle = 1 ns); no -gdb with rr\n"
"  -h|--help, --version\n"
"\n"
"Not implemented yet: the monitor (C-a c).\n"
"Exit status: 0 guest powered off (PSCI SYSTEM_OFF, or SYSTEM_RESET with -no-reboot) or C-a x;\n"
"1 bad option or host error; 2 guest can never make progress; 3 -icount-limit reached;\n"
"4 a replay diverged from its recording.\n");
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
        } else if (!strcmp(tok, "iommu")) {
            if (!strcmp(val, "smmuv2")) o->iommu = FL_IOMMU_SMMUV2;
            else if (!strcmp(val, "none")) o->iommu = FL_IOMMU_NONE;
            else FAIL("-M %s: iommu=%s: must be smmuv2 or none (faultline models an SMMUv2, not QEMU's smmuv3)", arg, val);
        } else if (!strcmp(tok, "sram")) {
            if (!strcmp(val, "on")) o->sram = true;
            else if (!strcmp(val, "off")) o->sram = false;
            else FAIL("-M %s: sram=%s: must be on or off", arg, val);
        } else if (!strcmp(tok, "virtualization") || !strcmp(tok, "secure")) {
            if (strcmp(val, "off")) FAIL("-M %s: %s=%s: not supported (EL2/EL3 are not emulated; only off)", arg, tok, val);
        } else {
            FAIL("-M %s: unknown machine property '%s' (supported: gic-version, iommu, sram, dumpdtb)", arg, tok);
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
    o->hv_arg = arg;
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
        } else if (!strcmp(tok, "mmio")) {
            if (!strcmp(val, "eager")) o->hv_mmio = HV_MMIO_EAGER;
            else if (!strcmp(val, "lazy")) o->hv_mmio = HV_MMIO_LAZY;
            else if (!strcmp(val, "hypercall")) o->hv_mmio = HV_MMIO_HYPERCALL;
            else FAIL("-hv %s: mmio=%s: eager, lazy or hypercall", arg, val);
        } else if (!strcmp(tok, "mmio_granule")) {
            if (!strcmp(val, "page")) o->hv_granule_region = false;
            else if (!strcmp(val, "region")) o->hv_granule_region = true;
            else FAIL("-hv %s: mmio_granule=%s: page or region", arg, val);
        } else if (!strcmp(tok, "mmio_type")) {
            enum p2m_type t;
            if (hv_p2m_type_parse(val, &t) < 0) FAIL("-hv %s: mmio_type=%s: unknown p2m type (-hv help)", arg, val);
            o->hv_mmio_type = t;
        } else if (!strcmp(tok, "region")) {
            char *colon = strchr(val, ':');
            enum p2m_type t;
            uint64_t base;
            if (!colon) FAIL("-hv %s: region=%s: expected BASE:TYPE", arg, val);
            *colon = 0;
            if (parse_u64(val, &base) < 0 || hv_p2m_type_parse(colon + 1, &t) < 0)
                FAIL("-hv %s: region=%s:%s: expected BASE:TYPE (-hv help)", arg, val, colon + 1);
            if (o->hv_noverrides == 8) FAIL("-hv %s: at most 8 region= options", arg);
            o->hv_overrides[o->hv_noverrides].base = base;
            o->hv_overrides[o->hv_noverrides++].type = t;
        } else if (!strcmp(tok, "iomem") || !strcmp(tok, "iomem_deny")) {
            char *plus = strchr(val, '+');
            uint64_t base, size;
            if (!plus) FAIL("-hv %s: %s=%s: expected BASE+SIZE", arg, tok, val);
            *plus = 0;
            if (parse_u64(val, &base) < 0 || parse_u64(plus + 1, &size) < 0 || !size)
                FAIL("-hv %s: %s=%s+%s: expected BASE+SIZE", arg, tok, val, plus + 1);
            if (o->hv_niomem == 16) FAIL("-hv %s: at most 16 iomem ranges", arg);
            o->hv_iomem[o->hv_niomem].base = base;
            o->hv_iomem[o->hv_niomem].size = size;
            o->hv_iomem[o->hv_niomem++].deny = tok[5] == '_';
        } else if (!strcmp(tok, "foreign")) {
            /* IPA:PA[:N] — the ranges are checked against dom0's memory and devices by hv. */
            char *c1 = strchr(val, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            uint64_t ipa, pa, n = 1;
            if (!c1) FAIL("-hv %s: foreign=%s: expected IPA:PA[:N]", arg, val);
            *c1 = 0;
            if (c2) *c2 = 0;
            if (parse_u64(val, &ipa) < 0 || parse_u64(c1 + 1, &pa) < 0 || (c2 && (parse_u64(c2 + 1, &n) < 0 || !n)))
                FAIL("-hv %s: foreign=%s:%s%s%s: expected IPA:PA[:N] (N pages, default 1)", arg, val, c1 + 1,
                     c2 ? ":" : "", c2 ? c2 + 1 : "");
            if (o->hv_nforeign == HV_MAX_FOREIGN) FAIL("-hv %s: at most %u foreign= mappings", arg, HV_MAX_FOREIGN);
            o->hv_foreign[o->hv_nforeign].ipa = ipa;
            o->hv_foreign[o->hv_nforeign].pa = pa;
            o->hv_foreign[o->hv_nforeign++].pages = n;
        } else if (!strcmp(tok, "trap_cycles")) {
            if (parse_u64(val, &o->hv_trap_cycles) < 0) FAIL("-hv %s: trap_cycles=%s: expected a number", arg, val);
        } else FAIL("-hv %s: unknown option '%s' (-hv help)", arg, tok);
    }
    return 0;
}

static const char device_help[] =
    "Available devices (virtio-mmio transports, behind the SMMU unless -M virt,iommu=none):\n"
    "name \"virtio-blk-device\", bus virtio-bus, desc \"virtio block device\" (drive=ID of a -drive)\n"
    "name \"virtio-rng-device\", bus virtio-bus, desc \"virtio entropy device\" (bytes from -seed)\n"
    "name \"pl330\", bus System, desc \"Arm DMA-330 DMA controller at 0x09070000\" (sid=N, default 0x20; iommu=on|off)\n";

/* -drive file=F,if=none,format=raw,id=ID[,readonly=on|off] */
static int parse_drive(const char *arg, struct fl_options *o, char *err, size_t errlen)
{
    if (o->ndrives >= FL_MAX_DRIVES) FAIL("-drive %s: at most %d drives", arg, FL_MAX_DRIVES);
    struct fl_drive *d = &o->drives[o->ndrives];
    memset(d, 0, sizeof *d);
    char buf[1200];
    if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf) FAIL("-drive: argument too long");
    bool if_none = false;
    char *save, *tok;
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) FAIL("-drive %s: '%s' is not a key=value property", arg, tok);
        *eq = 0;
        const char *val = eq + 1;
        if (!strcmp(tok, "file")) {
            if (!*val || strlen(val) >= sizeof d->file) FAIL("-drive %s: bad file name", arg);
            strcpy(d->file, val);
        } else if (!strcmp(tok, "id")) {
            if (!*val || strlen(val) >= sizeof d->id) FAIL("-drive %s: id must be 1 to %zu characters", arg, sizeof d->id - 1);
            strcpy(d->id, val);
        } else if (!strcmp(tok, "if")) {
            if (strcmp(val, "none")) FAIL("-drive %s: if=%s: only if=none (attach it with -device virtio-blk-device,drive=ID)", arg, val);
            if_none = true;
        } else if (!strcmp(tok, "format")) {
            if (strcmp(val, "raw")) FAIL("-drive %s: format=%s: only format=raw is supported", arg, val);
        } else if (!strcmp(tok, "snapshot")) {
            if (!strcmp(val, "on")) d->snapshot = true;
            else if (!strcmp(val, "off")) d->snapshot = false;
            else FAIL("-drive %s: snapshot=%s: must be on or off", arg, val);
        } else if (!strcmp(tok, "readonly")) {
            if (!strcmp(val, "on")) d->readonly = true;
            else if (!strcmp(val, "off")) d->readonly = false;
            else FAIL("-drive %s: readonly=%s: must be on or off", arg, val);
        } else {
            FAIL("-drive %s: unknown property '%s' (supported: file, if, format, id, readonly, snapshot)", arg, tok);
        }
    }
    if (!d->file[0]) FAIL("-drive %s: file= is required", arg);
    if (!d->id[0]) FAIL("-drive %s: id= is required (the -device drive= property names it)", arg);
    if (!if_none) FAIL("-drive %s: if=none is required (attach it with -device virtio-blk-device,drive=ID)", arg);
    for (unsigned i = 0; i < o->ndrives; i++)
        if (!strcmp(o->drives[i].id, d->id)) FAIL("-drive %s: duplicate id '%s'", arg, d->id);
    o->ndrives++;
    return 0;
}

/* -device virtio-blk-device,drive=ID | virtio-rng-device | help */
static int parse_device(const char *arg, struct fl_options *o, char *err, size_t errlen)
{
    if (!strcmp(arg, "help") || !strcmp(arg, "?")) { o->action = FL_LIST; o->list_text = device_help; return 0; }
    if (o->ndevices >= FL_MAX_DEVICES) FAIL("-device %s: at most %d devices", arg, FL_MAX_DEVICES);
    struct fl_device *d = &o->devices[o->ndevices];
    memset(d, 0, sizeof *d);
    d->drive = -1;
    char buf[256];
    if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf) FAIL("-device: argument too long");
    char *save, *tok = strtok_r(buf, ",", &save);
    if (!tok) FAIL("-device: device name missing (-device help lists them)");
    if (!strncmp(tok, "driver=", 7)) tok += 7;
    if (!strcmp(tok, "virtio-blk-device")) d->kind = FL_DEV_VIRTIO_BLK;
    else if (!strcmp(tok, "virtio-rng-device")) d->kind = FL_DEV_VIRTIO_RNG;
    else if (!strcmp(tok, "pl330")) d->kind = FL_DEV_PL330;
    else FAIL("-device %s: unknown device '%s' (supported: virtio-blk-device, virtio-rng-device, pl330)", arg, tok);
    if (d->kind == FL_DEV_PL330) {
        d->sid = PL330_DEFAULT_SID;
        for (unsigned j = 0; j < o->ndevices; j++)
            if (o->devices[j].kind == FL_DEV_PL330) FAIL("-device %s: the board has one DMA-330 slot (0x09070000)", arg);
    }
    while ((tok = strtok_r(NULL, ",", &save))) {
        char *eq = strchr(tok, '=');
        if (eq) *eq = 0;
        if (d->kind == FL_DEV_VIRTIO_BLK && !strcmp(tok, "drive") && eq) {
            if (!eq[1] || strlen(eq + 1) >= sizeof d->drive_id) FAIL("-device %s: bad drive id", arg);
            strcpy(d->drive_id, eq + 1);
        } else if (d->kind == FL_DEV_PL330 && !strcmp(tok, "sid") && eq) {
            char *end;
            unsigned long v = strtoul(eq + 1, &end, 0);
            if (!eq[1] || *end || v > 0x7fff) FAIL("-device %s: sid=%s: a stream ID 0..0x7fff", arg, eq + 1);
            d->sid = (uint32_t)v;
        } else if (d->kind == FL_DEV_PL330 && !strcmp(tok, "iommu") && eq) {
            if (!strcmp(eq + 1, "on")) d->no_iommu = false;
            else if (!strcmp(eq + 1, "off")) d->no_iommu = true;
            else FAIL("-device %s: iommu=%s: must be on or off", arg, eq + 1);
        } else {
            FAIL("-device %s: unknown property '%s' (supported: %s)", arg, tok,
                 d->kind == FL_DEV_VIRTIO_BLK ? "drive" : d->kind == FL_DEV_PL330 ? "sid, iommu" : "none");
        }
    }
    if (d->kind == FL_DEV_VIRTIO_BLK && !d->drive_id[0])
        FAIL("-device %s: drive= is required (the id of a -drive ...,if=none)", arg);
    o->ndevices++;
    return 0;
}

/* After every option: connect each virtio-blk device to its -drive. */
static int resolve_devices(struct fl_options *o, char *err, size_t errlen)
{
    for (unsigned i = 0; i < o->ndevices; i++) {
        struct fl_device *d = &o->devices[i];
        if (d->kind != FL_DEV_VIRTIO_BLK) continue;
        for (unsigned k = 0; k < o->ndrives; k++)
            if (!strcmp(o->drives[k].id, d->drive_id)) d->drive = (int)k;
        if (d->drive < 0) FAIL("-device virtio-blk-device,drive=%s: no -drive with id=%s", d->drive_id, d->drive_id);
        for (unsigned j = 0; j < i; j++)
            if (o->devices[j].kind == FL_DEV_VIRTIO_BLK && o->devices[j].drive == d->drive)
                FAIL("-device virtio-blk-device,drive=%s: drive already in use by another device", d->drive_id);
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

/* -icount [shift=auto][,rr=record|replay,rrfile=FILE] — QEMU's record/replay spelling. */
static int parse_icount(const char *v, struct fl_options *o, char *err, size_t errlen)
{
    char buf[1200];
    if (snprintf(buf, sizeof buf, "%s", v) >= (int)sizeof buf) FAIL("-icount: argument too long");
    char *save, *tok;
    const char *file = NULL;
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!strncmp(tok, "shift=", 6)) {
            if (strcmp(tok + 6, "auto"))
                FAIL("-icount %s: shift=%s: only shift=auto (faultline's guest time always comes from its "
                     "cycle model, 1 cycle = 1 ns; there is no fixed instructions-per-ns shift)", v, tok + 6);
        } else if (!strcmp(tok, "rr=record")) o->rr = FL_RR_RECORD;
        else if (!strcmp(tok, "rr=replay")) o->rr = FL_RR_REPLAY;
        else if (!strcmp(tok, "rr=off")) o->rr = FL_RR_OFF;
        else if (!strncmp(tok, "rrfile=", 7)) file = v + (tok - buf) + 7;
        else FAIL("-icount %s: '%s': expected shift=auto, rr=record|replay|off, rrfile=FILE", v, tok);
    }
    if (o->rr && (!file || !*file || *file == ','))
        FAIL("-icount %s: rr=%s needs rrfile=FILE", v, o->rr == FL_RR_RECORD ? "record" : "replay");
    if (file) {
        size_t n = strcspn(file, ",");
        char *f = malloc(n + 1);
        if (!f) FAIL("-icount: out of memory");
        memcpy(f, file, n); f[n] = 0;
        o->rr_file = f;
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
    o->hv_trap_cycles = UINT64_MAX;    /* not given: the -cpu's default, below */
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
            "d", "D", "gdb", "icount-limit", "quantum", "seed", "rtc", "hv", "drive", "device", "trace",
            "icount", NULL };
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
        } else if (!strcmp(opt, "trace")) {
            /* QEMU's spelling: -trace [enable=PATTERN][,events=FILE][,file=FILE]; only file=. */
            char tb[1200];
            snprintf(tb, sizeof tb, "%s", v);
            char *save, *tok;
            const char *file = NULL;
            for (tok = strtok_r(tb, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                if (!strncmp(tok, "file=", 5)) file = v + (tok - tb) + 5;
                else if (!strcmp(tok, "sync=on")) o->trace_sync = true;
                else if (!strcmp(tok, "sync=off")) o->trace_sync = false;
                else FAIL("-trace %s: '%s': only file=FILE[,sync=on] is supported", v, tok);
            }
            if (!file || !*file) FAIL("-trace %s: expected file=FILE", v);
            /* file= runs to the next comma in v; keep a private copy. */
            size_t n = strcspn(file, ",");
            char *f = malloc(n + 1);
            if (!f) FAIL("-trace: out of memory");
            memcpy(f, file, n); f[n] = 0;
            o->trace_file = f;
        } else if (!strcmp(opt, "icount")) {
            if (parse_icount(v, o, err, errlen) < 0) return -1;
        } else if (!strcmp(opt, "drive")) {
            if (parse_drive(v, o, err, errlen) < 0) return -1;
        } else if (!strcmp(opt, "device")) {
            if (parse_device(v, o, err, errlen) < 0) return -1;
            if (o->action == FL_LIST) return 0;
        }
    }
    if (resolve_devices(o, err, errlen) < 0) return -1;
    if (!o->kernel && !o->dumpdtb) FAIL("-kernel: no kernel given (faultline has no firmware; see --help)");
    if (o->rr && o->gdb) FAIL("-icount rr=%s: not with -gdb (a debugger is an input the recording cannot hold)",
                              o->rr == FL_RR_RECORD ? "record" : "replay");
    if (o->gdb_wait && !o->gdb) FAIL("-S: starting stopped needs a debugger: add -s or -gdb tcp::PORT");
    if (o->initrd && !o->kernel) FAIL("-initrd: needs -kernel");
    if (o->hv_trap_cycles == UINT64_MAX) o->hv_trap_cycles = fl_default_trap_cycles(o->cpu_profile);
    return 0;
}

/* The EL2 software is not executed, so its work is charged as a lump per round trip:
 * /work/shared/design/timing.md §5 row "hypervisor work charged as a lump (when EL2 software
 * is not executed)": 750 cycles light (VHE/Xen-style) on the Cortex-A57 (ATC 2017 A57 numbers;
 * it includes the hardware trap round trip, 28 in the row above it); `max` shares the A57
 * numbers (cpu/timing.c). */
uint64_t fl_default_trap_cycles(int cpu_profile)
{
    (void)cpu_profile;     /* both profiles time as a Cortex-A57; an A53 profile would get 1,000 */
    return 750;
}
