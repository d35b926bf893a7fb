/* machine/board.c — the virt board: RAM, PL011, PL031, vCPUs, PSCI, and the deterministic main
 * loop.
 *
 * Scheduling: one host thread, vCPUs in fixed round-robin, each running `quantum` instructions
 * per turn, so a run depends only on its inputs (ARCHITECTURE.md decision 2). Console input is
 * polled between rounds, never asynchronously. When every vCPU waits for an interrupt the loop
 * would advance virtual time to the next timer event (none exist until the generic timer lands);
 * with nothing able to wake the guest it blocks on console input if input is possible, or stops
 * with a message instead of spinning. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <inttypes.h>
#include <time.h>
#include "machine/board.h"
#include "gic/gic.h"
#include "machine/gdbstub.h"
#include "hv/hv.h"
#include "smmu/smmu.h"
#include "machine/trace.h"

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Device interrupt lines (SPIs) into the GIC. */
static void board_irq_set(void *opaque, unsigned intid, bool level)
{
    struct board *b = opaque;
    gic_set_spi(b->gic, intid, level);
}

/* GIC outputs to the PEs: line 0 IRQ, 1 FIQ, 2 virtual IRQ, 3 virtual FIQ (= enum cpu_irq_line). */
static void board_cpu_line(void *opaque, unsigned cpu, int line, bool level)
{
    struct board *b = opaque;
    if (cpu < b->ncpus && b->cpus[cpu]) cpu_set_irq_line(b->cpus[cpu], (enum cpu_irq_line)line, level);
}

static void board_gic_log(void *opaque, const char *msg) { mlog_guest_error("%s", msg); }

/* vCPU hooks: PSCI firmware, timer PPIs and the GICv3 system-register interface. */
static bool board_smccc(void *opaque, struct cpu *c, bool is_hvc, uint16_t imm)
{
    struct board *b = opaque;
    /* Under -hv xen the call is the domain's HVC/SMC to the hypervisor, which answers PSCI
     * with this same firmware model (hv_config.psci; xen-arm.md §4: HVC #0 is SMCCC/PSCI). */
    if (b->hv) return hv_smccc(b->hv, c, is_hvc, imm);
    return psci_smccc(b->psci, c, is_hvc, imm);
}
/* Native hypervisor entry points (-hv xen): stage-2 aborts and physical IRQs taken to EL2. */
static enum cpu_s2_action board_stage2_abort(void *opaque, struct cpu *c, const struct cpu_s2_abort *info)
{
    struct board *b = opaque;
    return b->hv ? (enum cpu_s2_action)hv_stage2_abort(b->hv, c, info) : CPU_S2_INJECT;
}
static void board_irq_el2(void *opaque, struct cpu *c, bool irq)
{
    struct board *b = opaque;
    if (b->hv) hv_irq(b->hv, c, irq);
}
static void board_wfx_el2(void *opaque, struct cpu *c, bool is_wfe, uint32_t esr)
{
    struct board *b = opaque;
    if (b->hv) hv_wfx(b->hv, c, is_wfe, esr);
    else if (!is_wfe) cpu_wait_for_interrupt(c);
}
static bool board_sysreg_el2(void *opaque, struct cpu *c, uint32_t enc, bool is_write, uint64_t *val)
{
    struct board *b = opaque;
    return b->hv ? hv_sysreg_el2(b->hv, c, enc, is_write, val) : false;
}
static void board_hv_log(void *opaque, const char *msg) { (void)opaque; mlog_guest_error("%s", msg); }
static void board_timer_irq(void *opaque, struct cpu *c, unsigned intid, bool level)
{
    struct board *b = opaque;
    gic_set_ppi(b->gic, cpu_index(c), intid, level);
}
static bool board_icc_read(void *opaque, struct cpu *c, uint32_t enc, uint64_t *val)
{
    struct board *b = opaque;
    if (b->hv) return hv_icc_access(b->hv, c, enc, val, false);   /* dom0: ICV_* (HCR_EL2.IMO) */
    return gic_icc_read(b->gic, cpu_index(c), enc, val);
}
static bool board_icc_write(void *opaque, struct cpu *c, uint32_t enc, uint64_t val)
{
    struct board *b = opaque;
    if (b->hv) return hv_icc_access(b->hv, c, enc, &val, true);
    return gic_icc_write(b->gic, cpu_index(c), enc, val);
}

/* ---- trace stream (docs/trace.md) ---- */
/* The tracer's clock: records written without a vCPU at hand (p2m changes, SMMU, DMA) are
 * stamped with the vCPU that runs now. */
void board_clock(struct board *b, struct trace_ts *ts)
{
    unsigned i = b->cur_cpu < b->ncpus ? b->cur_cpu : 0;
    struct cpu *c = b->ncpus ? b->cpus[i] : NULL;
    memset(ts, 0, sizeof *ts);
    ts->cycle = c ? cpu_cycles(c) : 0;
    ts->icount = c ? cpu_icount(c) : 0;
    ts->vcpu = i;
}
static void board_trace_clock(void *opaque, struct trace_ts *ts)
{
    struct board *b = opaque;
    unsigned i = b->cur_cpu < b->ncpus ? b->cur_cpu : 0;
    struct cpu *c = b->ncpus ? b->cpus[i] : NULL;
    ts->cycle = c ? cpu_cycles(c) : 0;
    ts->icount = c ? cpu_icount(c) : 0;
    ts->vcpu = i;
}
static void board_console_in(void *opaque, const uint8_t *buf, size_t len)
{
    struct board *b = opaque;
    trace_console_in(b->tr, NULL, b->console_id, buf, len);
    if (b->rr && !rr_replaying(b->rr)) {          /* recording: the bytes, where they came */
        struct trace_ts ts;
        board_clock(b, &ts);
        rr_record(b->rr, &ts, &(struct trace_rr_input){ .round = b->round, .point = b->rr_point,
                                                        .type = TRACE_RR_CONSOLE, .bytes = buf, .n = len });
    }
}

/* A value the host gives once at boot (the RTC's start, whether the console can give input):
 * recorded, or taken from the recording. */
static uint64_t board_boot_input(struct board *b, uint8_t type, uint64_t live)
{
    if (!b->rr) return live;
    if (!rr_replaying(b->rr)) {
        rr_record(b->rr, &(struct trace_ts){ 0 }, &(struct trace_rr_input){ .type = type, .value = live });
        return live;
    }
    const struct trace_rr_input *in = rr_peek(b->rr, NULL);
    if (in && in->type == type && in->round == 0) { uint64_t v = in->value; rr_pop(b->rr); return v; }
    return live;            /* rr_open checked that both boot inputs lead the file */
}

void board_hv_policy(const struct fl_options *o, char *buf, size_t len)
{
    if (o->hv != FL_HV_XEN) { snprintf(buf, len, "none"); return; }
    const struct p2m_type_info *ti = p2m_type_info(o->hv_mmio_type ? (enum p2m_type)o->hv_mmio_type : P2M_MMIO_DIRECT_C);
    int n = snprintf(buf, len, "xen,mmio=%s,mmio_granule=%s,mmio_type=%s", hv_mmio_policy_name((enum hv_mmio_policy)o->hv_mmio),
                     o->hv_granule_region ? "region" : "page", ti ? ti->name : "?");
    for (unsigned i = 0; i < o->hv_noverrides && n > 0 && (size_t)n < len; i++) {
        const struct p2m_type_info *t = p2m_type_info((enum p2m_type)o->hv_overrides[i].type);
        n += snprintf(buf + n, len - (size_t)n, ",region=0x%llx:%s%s", (unsigned long long)o->hv_overrides[i].base,
                      t ? t->name : "?", t && !t->xen ? "(not-xen)" : "");
    }
    for (unsigned i = 0; i < o->hv_niomem && n > 0 && (size_t)n < len; i++)
        n += snprintf(buf + n, len - (size_t)n, ",%s=0x%llx+0x%llx", o->hv_iomem[i].deny ? "iomem_deny" : "iomem",
                      (unsigned long long)o->hv_iomem[i].base, (unsigned long long)o->hv_iomem[i].size);
    for (unsigned i = 0; i < o->hv_nforeign && n > 0 && (size_t)n < len; i++)
        n += snprintf(buf + n, len - (size_t)n, ",foreign=0x%llx:0x%llx:%llu", (unsigned long long)o->hv_foreign[i].ipa,
                      (unsigned long long)o->hv_foreign[i].pa, (unsigned long long)o->hv_foreign[i].pages);
    if (o->hv_trap_cycles && n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, ",trap_cycles=%llu", (unsigned long long)o->hv_trap_cycles);
}

/* Words quoted as a POSIX shell reads them ('...', ' as '\''), so that the line can be pasted
 * into a shell and split back into argv by the DMA replay (dma_replay.c). replay_key: without
 * argv[0] and without -icount/-trace and their arguments — the words a replay must repeat
 * (a replay names rr=replay and may write its own trace). */
static void board_cmdline(int argc, char **argv, bool replay_key, char *cfg, size_t cap)
{
    size_t n = 0;
    cfg[0] = 0;
    for (int i = replay_key ? 1 : 0; i < argc && n + 8 < cap; i++) {
        const char *a = argv[i];
        if (replay_key) {
            const char *w = a[0] == '-' && a[1] == '-' ? a + 1 : a;
            if (!strcmp(w, "-icount") || !strcmp(w, "-trace")) { i++; continue; }
        }
        bool plain = *a != 0;
        for (const char *p = a; *p; p++)
            plain &= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                     strchr("-_./:=,+@%", *p) != NULL;
        if (n) cfg[n++] = ' ';
        if (!plain) cfg[n++] = '\'';
        for (const char *p = a; *p && n + 8 < cap; p++) {
            if (*p == '\'') { memcpy(cfg + n, "'\\''", 4); n += 4; }
            else cfg[n++] = *p;
        }
        if (!plain) cfg[n++] = '\'';
        cfg[n] = 0;
    }
}

int board_trace_meta(const struct fl_options *o, int argc, char **argv, bool rr, struct trace_meta *m,
                     char *err, size_t errlen)
{
    char cfg[4096], pol[512];
    memset(m, 0, sizeof *m);
    board_cmdline(argc, argv, false, cfg, sizeof cfg);
    board_hv_policy(o, pol, sizeof pol);
    const char *ver = rr ? "faultline " FAULTLINE_VERSION " rr=record" : "faultline " FAULTLINE_VERSION;
    int rc = trace_meta_set(&m->emulator_version, ver) |
             trace_meta_set(&m->machine_config, cfg) | trace_meta_set(&m->hv_policy, pol);
    if (rr) {
        board_cmdline(argc, argv, true, cfg, sizeof cfg);
        rc |= trace_meta_set(&m->replay_key, cfg);
    }
    const char *what = "the guest images";
    if (o->kernel) rc |= trace_meta_add_image_file(m, "kernel", o->kernel);
    if (o->initrd) rc |= trace_meta_add_image_file(m, "initrd", o->initrd);
    if (o->dtb) rc |= trace_meta_add_image_file(m, "dtb", o->dtb);
    /* A disk is an input of the run: its contents at start (a replay needs the same bytes). */
    for (unsigned i = 0; rr && !rc && i < o->ndrives; i++) {
        char nm[64];
        snprintf(nm, sizeof nm, "drive %s", o->drives[i].id);
        what = o->drives[i].file;
        rc |= trace_meta_add_image_file(m, nm, o->drives[i].file);
    }
    if (rc) {
        snprintf(err, errlen, "cannot hash %s for the header", what);
        trace_meta_free(m);
        return -1;
    }
    return 0;
}

struct tracer *board_trace_open(const struct fl_options *o, int argc, char **argv, char *err, size_t errlen)
{
    struct trace_meta m;
    char e2[FL_ERRLEN];
    if (board_trace_meta(o, argc, argv, false, &m, e2, sizeof e2) < 0) {
        snprintf(err, errlen, "-trace: %s", e2);
        return NULL;
    }
    struct tracer *tr = tracer_open(o->trace_file, &m, err, errlen);
    if (tr) tr->sync = o->trace_sync;
    trace_meta_free(&m);
    return tr;
}

void board_trace_close(struct board *b, int status)
{
    if (!b->tr) return;
    struct trace_run_end e = { .exit_status = status, .nvcpus = b->ncpus };
    for (unsigned i = 0; i < b->ncpus && i < TRACE_MAX_VCPUS; i++) {
        e.vcpu_cycles[i] = cpu_cycles(b->cpus[i]);
        e.vcpu_insns[i] = cpu_icount(b->cpus[i]);
        e.total_cycles += e.vcpu_cycles[i];
        e.total_insns += e.vcpu_insns[i];
    }
    trace_run_end(b->tr, NULL, &e);
    int werr = tracer_close(b->tr);
    if (werr) fprintf(stderr, "faultline: -trace %s: write error: %s\n", b->o->trace_file, strerror(werr));
    b->tr = NULL;
}

/* Virtual time: 1 cycle of vCPU 0 = 1 ns until the timer model defines the clock. */
uint64_t board_now_ns(void *opaque)
{
    struct board *b = opaque;
    return b->ncpus ? cpu_cycles(b->cpus[0]) : 0;
}

/* Name the guest-physical regions once ("region NAME BASE SIZE KIND" notes), so that the trace
 * tool can attribute stage-2 faults and p2m maps to devices (faultline-trace summary). The
 * hypervisor's device regions exist once it has been reset (board_load). */
static void board_trace_regions(struct board *b)
{
    const struct fl_options *o = b->o;
    struct trace_ts ts0 = { 0 };
    char txt[160];
    if (b->hv) {
        const struct hv_region *r;
        unsigned nr = hv_regions(b->hv, &r);
        for (unsigned i = 0; i < nr; i++) {
            snprintf(txt, sizeof txt, "region %s 0x%llx 0x%llx device", r[i].name,
                     (unsigned long long)r[i].base, (unsigned long long)r[i].size);
            trace_note(b->tr, &ts0, txt);
        }
    }
    snprintf(txt, sizeof txt, "region gic-distributor 0x%llx 0x10000 emulated", (unsigned long long)VIRT_GIC_DIST);
    trace_note(b->tr, &ts0, txt);
    if (o->gic_version == 3) {
        snprintf(txt, sizeof txt, "region gic-redistributors 0x%llx 0x%llx emulated", (unsigned long long)VIRT_GIC_REDIST,
                 (unsigned long long)(VIRT_GIC_REDIST_STRIDE * b->ncpus));
    } else {
        snprintf(txt, sizeof txt, "region gic-cpu-interface 0x%llx 0x10000 device", (unsigned long long)VIRT_GIC_CPU);
    }
    trace_note(b->tr, &ts0, txt);
}

struct board *board_create(const struct fl_options *o, struct chardev *chr, char *err, size_t errlen)
{
    struct board *b = calloc(1, sizeof *b);
    if (!b) { snprintf(err, errlen, "board: out of memory"); return NULL; }
    b->o = o;
    b->chr = chr;
    b->tr = o->tracer;
    b->last_vcpu = -1;
    if (b->tr) { b->tr->clock = board_trace_clock; b->tr->clock_opaque = b; }
    b->wall_start = wall_now();
    b->bus = bus_new();
    void *ram = mmap(NULL, o->ram_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (!b->bus || ram == MAP_FAILED) {
        snprintf(err, errlen, "-m: cannot allocate %llu MiB of guest RAM", (unsigned long long)(o->ram_size >> 20));
        free(b);
        return NULL;
    }
    b->ram = bus_map_ram(b->bus, "ram", mk_pa(VIRT_RAM_BASE), o->ram_size, ram);
    struct gic_config gc = { .version = o->gic_version, .num_cpus = o->smp,
                             .set_cpu_line = board_cpu_line, .log = board_gic_log, .opaque = b };
    b->ncpus = o->smp;          /* the GIC's line callback looks at the vCPU table */
    b->gic = gic_new(&gc);
    if (!b->gic || gic_map(b->gic, b->bus) < 0) {
        snprintf(err, errlen, "board: cannot create a GICv%u for %u vCPUs", o->gic_version, o->smp);
        board_free(b);
        return NULL;
    }
    struct irq_line uart_irq = { board_irq_set, b, 32 + VIRT_SPI_UART };
    b->uart = pl011_new(chr, uart_irq);
    bus_map_mmio(b->bus, "pl011", mk_pa(VIRT_UART), 0x1000, &pl011_mmio_ops, b->uart);
    struct irq_line rtc_irq = { board_irq_set, b, 32 + VIRT_SPI_RTC };
    /* The RTC reads the host's clock once, at boot (an input of the run, like console input;
     * -rtc base=DATE fixes it), then advances with virtual time only. */
    b->rr = o->rr_ctx;
    b->rtc_base = o->rtc_base >= 0 ? (uint64_t)o->rtc_base : (uint64_t)time(NULL);
    b->rtc_base = board_boot_input(b, TRACE_RR_RTC_BASE, b->rtc_base);
    if (b->rr) {
        bool possible = board_boot_input(b, TRACE_RR_CONSOLE_STATE, chardev_input_possible(chr)) & 1;
        if (rr_replaying(b->rr)) chardev_set_replay(chr, possible);
    }
    b->rtc = pl031_new((uint32_t)b->rtc_base, board_now_ns, b, rtc_irq);
    bus_map_mmio(b->bus, "pl031", mk_pa(VIRT_RTC), 0x1000, &pl031_mmio_ops, b->rtc);
    /* -M virt,sram=on (seed 002): on-chip SRAM, plain memory on the bus (any access size,
     * unaligned, DC ZVA, instruction fetch), so that only the combined stage-1/stage-2 memory
     * type decides what faults. Described as a host-DT "mmio-sram" node, hence a device region
     * for dom0 under -hv xen (mapped by the MMIO policy, type per region=0x09060000:TYPE). */
    if (o->sram && !(b->sram = bus_map_ram(b->bus, "sram", mk_pa(VIRT_SRAM), VIRT_SRAM_SIZE, NULL))) {
        snprintf(err, errlen, "-M virt,sram=on: cannot map the SRAM");
        board_free(b);
        return NULL;
    }
    if (board_virtio_create(b, err, errlen) < 0) { board_free(b); return NULL; }

    b->sh = cpu_shared_new(b->bus);
    b->ncpus = o->smp;
    b->psci = psci_new(b->cpus, b->ncpus);
    struct cpu_hooks hooks = { .opaque = b, .smccc = board_smccc, .timer_irq = board_timer_irq,
                               .sysreg_ext_read = board_icc_read, .sysreg_ext_write = board_icc_write,
                               .stage2_abort = board_stage2_abort, .irq_el2 = board_irq_el2,
                               .wfx_el2 = board_wfx_el2 };
    if (o->hv == FL_HV_XEN) hooks.sysreg_el2 = board_sysreg_el2;   /* EL2 exists: CNTHCTL_EL2 */
    for (unsigned i = 0; i < b->ncpus; i++) {
        /* MPIDR Aff0 = vCPU number, as QEMU virt numbers up to 8 CPUs (and as the GICv3
         * model's affinity routing expects). */
        struct cpu_config cfg = { .profile = (enum cpu_profile)o->cpu_profile, .index = i, .mpidr = i,
                                  .gicv3_sysregs = o->gic_version == 3 };
        b->cpus[i] = cpu_new(b->sh, &cfg, &hooks);
        if (!b->cpus[i]) { snprintf(err, errlen, "-smp: cannot create vCPU %u", i); board_free(b); return NULL; }
    }
    if (o->hv == FL_HV_XEN) {
        /* GICH/GICV on the bus (GICV is where dom0's GICC IPA points through stage 2). */
        struct hv_config hc = { .bus = b->bus, .gic = b->gic, .cpus = b->cpus, .ncpus = b->ncpus,
                                .gic_version = o->gic_version, .ram_base = mk_pa(VIRT_RAM_BASE),
                                .ram_size = o->ram_size, .dom0_mem = o->hv_dom0_mem,
                                .hypervisor_node = o->hv_xen_node, .log = board_hv_log,
                                .psci = psci_smccc, .psci_opaque = b->psci,
                                .mmio = (enum hv_mmio_policy)o->hv_mmio, .mmio_granule_region = o->hv_granule_region,
                                .mmio_type = (enum p2m_type)o->hv_mmio_type, .noverrides = o->hv_noverrides,
                                .niomem = o->hv_niomem, .trap_cycles = o->hv_trap_cycles, .tracer = b->tr };
        /* The SMMU, if any, becomes the hypervisor's (hv/iommu.c): hidden from dom0. */
        hc.smmu.smmu = board_virtio_smmu(b, &hc.smmu.base, &hc.smmu.irq_global, &hc.smmu.irq_context);
        for (unsigned k = 0; k < o->hv_noverrides; k++)
            hc.overrides[k] = (struct hv_region_type){ o->hv_overrides[k].base, (enum p2m_type)o->hv_overrides[k].type };
        for (unsigned k = 0; k < o->hv_niomem; k++)
            hc.iomem[k] = (struct hv_iomem_range){ o->hv_iomem[k].base, o->hv_iomem[k].size, o->hv_iomem[k].deny };
        hc.nforeign = o->hv_nforeign;
        for (unsigned k = 0; k < o->hv_nforeign && k < HV_MAX_FOREIGN; k++)
            hc.foreign[k] = (struct hv_foreign){ o->hv_foreign[k].ipa, o->hv_foreign[k].pa, o->hv_foreign[k].pages };
        err[0] = 0;
        if ((o->gic_version == 2 && gic_map_virt(b->gic, b->bus) < 0) ||
            !(b->hv = hv_new(&hc, err, errlen))) {
            if (!err[0]) snprintf(err, errlen, "-hv xen: cannot map the GICv2 GICH/GICV frames");
            board_free(b);
            return NULL;
        }
        board_virtio_watch_dma(b, b->hv);     /* seed 004: SMMU-less masters (board_virtio.c) */
    }
    if (b->tr) {
        for (unsigned i = 0; i < b->ncpus; i++) cpu_set_tracer(b->cpus[i], b->tr);
        board_virtio_set_tracer(b, b->tr);
        b->console_id = trace_intern(b->tr, "pl011");
    }
    if ((b->tr || b->rr) && chr) chardev_set_input_hook(chr, board_console_in, b);
    if (o->gdb && !o->dumpdtb) {
        char gerr[160];
        b->gdb = gdbstub_listen(o->gdb, b->cpus, b->ncpus, gerr, sizeof gerr);
        if (!b->gdb) {
            snprintf(err, errlen, "-gdb %s: %s", o->gdb, gerr);
            board_free(b);
            return NULL;
        }
    }
    return b;
}

int board_load(struct board *b, char *err, size_t errlen)
{
    const struct fl_options *o = b->o;
    struct boot_layout *bl = &b->bl;
    memset(bl, 0, sizeof *bl);
    bl->ram_base = VIRT_RAM_BASE;
    /* Under -hv xen the kernel, initrd and DTB go into dom0's RAM (its one 1:1 bank). */
    bl->ram_size = b->hv ? hv_dom0_mem(b->hv) : o->ram_size;
    bl->is_linux = true;                    /* no kernel (dumpdtb only): Linux placement */
    if (b->resets) {                        /* SYSTEM_RESET: RAM back to zero (not the p2m) */
        madvise(b->ram, bl->ram_size, MADV_DONTNEED);
        bus_notify_ram_write(b->bus, mk_pa(VIRT_RAM_BASE), bl->ram_size);
        if (b->sram) {                      /* the SRAM too: every reset starts the same */
            memset(b->sram, 0, VIRT_SRAM_SIZE);
            bus_notify_ram_write(b->bus, mk_pa(VIRT_SRAM), VIRT_SRAM_SIZE);
        }
    }
    if (o->kernel && loader_load_kernel(b->bus, o->kernel, bl, err, errlen) < 0) return -1;
    if (o->initrd && !bl->is_linux)
        fprintf(stderr, "faultline: warning: -initrd ignored: %s is an ELF file, which QEMU does not boot as Linux\n", o->kernel);
    if (loader_load_initrd(b->bus, bl->is_linux ? o->initrd : NULL, bl, err, errlen) < 0) return -1;

    struct virt_fdt_config fc = {
        .ram_base = VIRT_RAM_BASE, .ram_size = o->ram_size, .ncpus = b->ncpus,
        .cpu_max = o->cpu_profile == CPU_PROFILE_MAX, .gic_version = o->gic_version,
        .psci_smc = false, .bootargs = o->append,
        .initrd_start = bl->initrd_start, .initrd_size = bl->initrd_size,
        .seed = o->seed, .has_pl031 = true, .has_sram = b->sram != NULL,
    };
    board_virtio_fdt(b, &fc);
    free(b->dtb);
    b->dtb = NULL;
    int rc = o->dtb ? virt_fdt_load(o->dtb, &fc, &b->dtb, &b->dtb_size, err, errlen)
                    : virt_fdt_build(&fc, &b->dtb, &b->dtb_size, err, errlen);
    if (rc < 0) return -1;
    if (b->hv) {
        /* The tree dom0 sees is generated by the hypervisor from the host's (xen-arm.md §3.2). */
        void *d0;
        size_t d0_size;
        if (hv_dom0_fdt(b->hv, b->dtb, &d0, &d0_size, err, errlen) < 0) return -1;
        free(b->dtb);
        b->dtb = d0;
        b->dtb_size = d0_size;
    }
    if (loader_place_dtb(bl, b->dtb_size, err, errlen) < 0) return -1;
    bus_write_buf(b->bus, mk_pa(bl->dtb_addr), b->dtb, b->dtb_size);

    pl011_reset(b->uart);
    gic_reset(b->gic);
    board_virtio_reset(b);
    for (unsigned i = 0; i < b->ncpus; i++) {
        cpu_reset(b->cpus[i], bl->entry);
        cpu_set_log(b->cpus[i], o->log_mask, b->logf ? (void *)b->logf : (void *)stderr);
        if (i) cpu_set_halted(b->cpus[i], true);   /* secondaries wait for PSCI CPU_ON */
    }
    if (b->hv) hv_reset(b->hv);             /* physical GIC for EL2, vGIC, EL2 state of the vCPUs */
    /* Boot protocol (Documentation/arm64/booting.rst): x0 = DTB, x1..x3 = 0, EL1h, MMU off.
     * QEMU leaves x0 = 0 for ELF kernels; faultline passes the DTB to them too. */
    cpu_set_x(b->cpus[0], 0, bl->dtb_addr);
    return 0;
}

static uint64_t total_icount(const struct board *b)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < b->ncpus; i++) n += cpu_icount(b->cpus[i]);
    return n;
}

/* Virtual time. Each vCPU's clock is its cycle count (cpu_cycles); the system counter and
 * the timers derive from it. A vCPU waiting in WFI does not execute, so it catches up with the
 * most advanced vCPU after every round; when every running vCPU waits, time jumps straight to
 * the earliest timer event (an idle guest costs no host CPU). Everything here depends only on
 * the instruction stream and the inputs, never on the host clock. */
static uint64_t max_cycles(const struct board *b)
{
    uint64_t m = 0;
    for (unsigned i = 0; i < b->ncpus; i++)
        if (!cpu_is_halted(b->cpus[i]) && cpu_cycles(b->cpus[i]) > m) m = cpu_cycles(b->cpus[i]);
    return m;
}
/* The timers of a vCPU: the generic timer's outputs, and under -hv xen the physical timer the
 * hypervisor emulates (hv/vtimer.c). */
static void timer_update(struct board *b, struct cpu *c)
{
    cpu_timer_update(c);
    if (b->hv) hv_timer_update(b->hv, c);
}
static uint64_t timer_next_cycles(struct board *b, struct cpu *c)
{
    uint64_t t = cpu_timer_next_cycles(c);
    if (b->hv) { uint64_t h = hv_next_event_cycles(b->hv, c); if (h < t) t = h; }
    return t;
}
static void advance_to(struct board *b, struct cpu *c, uint64_t cycles)
{
    if (cpu_cycles(c) < cycles) cpu_add_cycles(c, cycles - cpu_cycles(c));
    timer_update(b, c);
}
/* Earliest timer event of any running vCPU, in cycles, or UINT64_MAX. */
static uint64_t next_timer_event(struct board *b)
{
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < b->ncpus; i++) {
        if (cpu_is_halted(b->cpus[i])) continue;
        uint64_t t = timer_next_cycles(b, b->cpus[i]);
        if (t < next) next = t;
    }
    return next;
}


/* Replay: is the next recorded input due at this point? Checks that none was passed by (the
 * replay went another way) and that the stamp is the recorded one. 1: due (in *out), 0: not,
 * -1: diverged. */
static int rr_due(struct board *b, uint8_t point, const struct trace_rr_input **out)
{
    struct trace_ts rts, now;
    const struct trace_rr_input *in = rr_peek(b->rr, &rts);
    if (!in) return 0;
    int c = in->round != b->round ? (in->round < b->round ? -1 : 1) : in->point < point ? -1 : in->point > point;
    if (c < 0) {
        rr_diverged(b->rr, "the recording's %s input at round %" PRIu64 " (%s) was never reached; the replay is at round %"
                    PRIu64 " (%s)", trace_rr_type_name(in->type), in->round, trace_rr_point_name(in->point), b->round, trace_rr_point_name(point));
        return -1;
    }
    if (c > 0) return 0;
    board_clock(b, &now);
    if (rts.vcpu != now.vcpu || rts.icount != now.icount || rts.cycle != now.cycle) {
        rr_diverged(b->rr, "round %" PRIu64 " (%s): the recording's %s input came at vCPU %u icount %" PRIu64 " cycle %"
                    PRIu64 ", the replay is at vCPU %u icount %" PRIu64 " cycle %" PRIu64, b->round, trace_rr_point_name(point),
                    trace_rr_type_name(in->type), rts.vcpu, rts.icount, rts.cycle, now.vcpu, now.icount, now.cycle);
        return -1;
    }
    *out = in;
    return 1;
}

/* One console input point of the main loop. Live: poll the host (board_console_in records what
 * comes; the end of input is recorded here). Replay: deliver what the recording got at this
 * point instead. Returns 0, or -1 when the replay diverged. */
static int board_input(struct board *b, uint8_t point, int timeout_ms)
{
    if (!rr_replaying(b->rr)) {
        bool possible = chardev_input_possible(b->chr);
        b->rr_point = point;
        chardev_poll(b->chr, timeout_ms);
        if (b->rr && possible && !chardev_input_possible(b->chr)) {
            struct trace_ts ts;
            board_clock(b, &ts);
            rr_record(b->rr, &ts, &(struct trace_rr_input){ .round = b->round, .point = point, .type = TRACE_RR_CONSOLE_EOF });
        }
        return 0;
    }
    chardev_poll(b->chr, 0);                     /* pending bytes to the UART; no host read */
    const struct trace_rr_input *in;
    int r;
    while ((r = rr_due(b, point, &in)) == 1) {
        if (in->type == TRACE_RR_CONSOLE) chardev_inject(b->chr, in->bytes, in->n);
        else if (in->type == TRACE_RR_CONSOLE_EOF) chardev_set_input_ended(b->chr);
        else break;                              /* an idle cut: the caller's */
        rr_pop(b->rr);
    }
    return r < 0 ? -1 : 0;
}

/* The debugger stops the whole machine: nothing runs (and virtual time stands still) until it
 * resumes. Returns -1 to go on, or an exit status. */
static int gdb_stop(struct board *b, struct cpu *c, int sig)
{
    switch (gdbstub_stopped(b->gdb, c, sig)) {
    case GDB_KILL:
        fprintf(stderr, "faultline: killed by the debugger\n");
        return EXIT_GUEST_OFF;
    case GDB_DETACH:
        for (unsigned i = 0; i < b->ncpus; i++) cpu_set_single_step(b->cpus[i], false);
        return -1;
    default:
        return -1;
    }
}

int board_run(struct board *b)
{
    const struct fl_options *o = b->o;
    if (b->tr) board_trace_regions(b);
    if (b->gdb && o->gdb_wait) {
        fprintf(stderr, "faultline: waiting for gdb on %s (-S)\n", o->gdb);
        if (gdbstub_accept(b->gdb) < 0) {
            fprintf(stderr, "faultline: -gdb %s: accept failed\n", o->gdb);
            return EXIT_HOST_ERROR;
        }
        int st = gdb_stop(b, b->cpus[0], -1);
        if (st >= 0) return st;
    }
    for (;;) {
        bool progressed = false, all_halted = true;
        b->round++;
        for (unsigned i = 0; i < b->ncpus; i++) {
            struct cpu *c = b->cpus[i];
            if (cpu_is_halted(c)) continue;
            all_halted = false;
            uint64_t budget = o->quantum;
            if (o->icount_limit) {
                uint64_t done = total_icount(b);
                if (done >= o->icount_limit) break;
                if (o->icount_limit - done < budget) budget = o->icount_limit - done;
            }
            /* Stop near this vCPU's next timer deadline: every instruction costs >= 1 cycle. */
            uint64_t deadline = timer_next_cycles(b, c);
            if (deadline != UINT64_MAX) {
                uint64_t now = cpu_cycles(c);
                uint64_t left = deadline > now ? deadline - now : 1;
                if (left < budget) budget = left;
            }
            gic_set_current_cpu(b->gic, i);
            b->cur_cpu = i;
            if (TRACE_ON(b->tr) && b->last_vcpu != (int)i) {
                trace_emit_vcpu_switch(b->tr, NULL, &(struct trace_vcpu_switch){
                    .from_vcpu = b->last_vcpu < 0 ? 0 : (uint32_t)b->last_vcpu, .to_vcpu = i,
                    .reason = b->last_vcpu < 0 ? 3 : 0 });
            }
            b->last_vcpu = (int)i;
            uint64_t before = cpu_icount(c);
            enum cpu_exit r = cpu_run(c, budget);
            timer_update(b, c);
            if (r == CPU_EXIT_DEBUG && b->gdb) {
                int st = gdb_stop(b, c, 5);             /* SIGTRAP */
                if (st >= 0) return st;
                progressed = true;
            }
            if (cpu_icount(c) != before || r == CPU_EXIT_BUDGET) progressed = true;
            switch (psci_take_request(b->psci)) {
            case PSCI_REQ_SYSTEM_OFF:
                return EXIT_GUEST_OFF;
            case PSCI_REQ_SYSTEM_RESET:
                if (o->no_reboot) return EXIT_GUEST_OFF;
                b->resets++;
                {
                    char err[FL_ERRLEN];
                    if (board_load(b, err, sizeof err) < 0) {
                        fprintf(stderr, "faultline: reset: %s\n", err);
                        return EXIT_HOST_ERROR;
                    }
                }
                progressed = true;
                i = b->ncpus;                /* restart the round with vCPU 0 */
                break;
            case PSCI_REQ_NONE:
                break;
            }
        }
        if (o->icount_limit && total_icount(b) >= o->icount_limit) {
            fprintf(stderr, "faultline: icount limit reached: stopped after %llu instructions\n",
                    (unsigned long long)total_icount(b));
            return EXIT_ICOUNT_LIMIT;
        }
        /* Records of this round reach the file now (a killed run keeps them). */
        if (TRACE_ON(b->tr) && b->tr->len) tracer_flush(b->tr);
        rr_flush(b->rr);
        if (rr_past_end(b->rr, b)) return EXIT_REPLAY_DIVERGED;
        /* Idle vCPUs keep up with the others. */
        uint64_t now = max_cycles(b);
        for (unsigned i = 0; i < b->ncpus; i++)
            if (!cpu_is_halted(b->cpus[i]) && cpu_cycles(b->cpus[i]) < now) advance_to(b, b->cpus[i], now);
        if (board_virtio_poll(b)) progressed = true;     /* DMA engine work left (PL330) */
        if (board_input(b, TRACE_RR_AT_ROUND, 0) < 0) return EXIT_REPLAY_DIVERGED;
        if (chardev_quit_requested(b->chr)) return EXIT_GUEST_OFF;
        if (b->gdb) {
            /* A debugger connecting, or its Ctrl-C, stops the machine (as QEMU's gdbstub). */
            int sig = gdbstub_poll_accept(b->gdb) ? -1 : gdbstub_poll_interrupt(b->gdb) ? 2 : 0;
            if (sig) {
                int st = gdb_stop(b, b->cpus[0], sig);
                if (st >= 0) return st;
            }
        }
        if (progressed) continue;
        if (all_halted) {
            fprintf(stderr, "faultline: guest stopped: every vCPU is powered off (PSCI CPU_OFF) and nothing can power one on\n");
            return EXIT_GUEST_STUCK;
        }
        /* Every running vCPU waits for an interrupt: jump to the next timer event. */
        uint64_t next = next_timer_event(b);
        if (next != UINT64_MAX) {
            b->idle_skips++;
            /* With a person at the console, idle time passes at the speed of the wall clock
             * (as QEMU's -icount sleep=on): virtual time (1 cycle = 1 ns) may not run ahead of
             * the time elapsed since boot, so `sleep 1` in the guest takes a second and typed
             * input lands in the idle period where it happened. Without one (tests, batch
             * runs) idle time is skipped at once: a deterministic, CPU-free jump. */
            if (rr_replaying(b->rr)) {
                /* Replay: the inputs of the wait, and the cut, as recorded. */
                const struct trace_rr_input *in;
                if (board_input(b, TRACE_RR_AT_IDLE, 0) < 0) return EXIT_REPLAY_DIVERGED;
                if (chardev_quit_requested(b->chr)) return EXIT_GUEST_OFF;
                int r = rr_due(b, TRACE_RR_AT_IDLE, &in);
                if (r < 0) return EXIT_REPLAY_DIVERGED;
                if (r && in->type == TRACE_RR_IDLE_CUT) { next = in->value; rr_pop(b->rr); }
            } else if (chardev_interactive(b->chr)) {
                uint64_t wall_ns = (uint64_t)((wall_now() - b->wall_start) * 1e9);
                if (next > wall_ns) {
                    /* Rounded up: a wait of 0 ms for an event under 1 ms away would spin
                     * (and, recording, write a cut per spin); sleeping to or just past the
                     * event lets the jump go to it uncut unless input ends the wait early. */
                    uint64_t wait_ms = (next - wall_ns + 999999) / 1000000;
                    if (wait_ms > 1000) wait_ms = 1000;
                    board_input(b, TRACE_RR_AT_IDLE, (int)wait_ms);
                    if (chardev_quit_requested(b->chr)) return EXIT_GUEST_OFF;
                    wall_ns = (uint64_t)((wall_now() - b->wall_start) * 1e9);
                    if (wall_ns < next) {
                        /* A host-time decision that changes virtual time: an input of the run. */
                        next = wall_ns > max_cycles(b) ? wall_ns : max_cycles(b);
                        if (b->rr) {
                            struct trace_ts ts;
                            board_clock(b, &ts);
                            rr_record(b->rr, &ts, &(struct trace_rr_input){ .round = b->round, .point = TRACE_RR_AT_IDLE,
                                                                           .type = TRACE_RR_IDLE_CUT, .value = next });
                        }
                    }
                }
            }
            for (unsigned i = 0; i < b->ncpus; i++)
                if (!cpu_is_halted(b->cpus[i])) advance_to(b, b->cpus[i], next);
            continue;
        }
        if (chardev_input_possible(b->chr)) {
            /* Sleep until the user types. A replay with no input left to give here would wait
             * forever: the recording ended in this wait (killed), or the runs went apart. */
            if (rr_replaying(b->rr) && !rr_peek(b->rr, NULL)) {
                if (!rr_have_end(b->rr)) return EXIT_GUEST_OFF;     /* rr_finish says why */
                rr_diverged(b->rr, "round %" PRIu64 ": the replay waits for console input and the recording has none left",
                            b->round);
                return EXIT_REPLAY_DIVERGED;
            }
            if (board_input(b, TRACE_RR_AT_BLOCK, -1) < 0) return EXIT_REPLAY_DIVERGED;
            if (chardev_quit_requested(b->chr)) return EXIT_GUEST_OFF;
            continue;
        }
        fprintf(stderr, "faultline: guest stopped: every vCPU waits for an interrupt (WFI/WFE) and nothing can raise one\n");
        return EXIT_GUEST_STUCK;
    }
}

static const char *ec_name(unsigned ec)
{
    switch (ec) {
    case 0x00: return "UNKNOWN";   case 0x01: return "WFx";        case 0x07: return "FP_ACCESS";
    case 0x0e: return "ILLEGAL";   case 0x15: return "SVC64";      case 0x16: return "HVC64";
    case 0x17: return "SMC64";     case 0x18: return "SYSREG";     case 0x19: return "SVE";
    case 0x20: return "IABT_LOW";  case 0x21: return "IABT_CUR";   case 0x22: return "PC_ALIGN";
    case 0x24: return "DABT_LOW";  case 0x25: return "DABT_CUR";   case 0x26: return "SP_ALIGN";
    case 0x2c: return "FP_EXC";    case 0x2f: return "SERROR";     case 0x30: return "BKPT_LOW";
    case 0x31: return "BKPT_CUR";  case 0x32: return "SSTEP_LOW";  case 0x33: return "SSTEP_CUR";
    case 0x34: return "WATCH_LOW"; case 0x35: return "WATCH_CUR";  case 0x3c: return "BRK64";
    default: return NULL;
    }
}

static const struct fl_options *o_of(const struct board *b) { return b->o; }

void board_print_summary(struct board *b, FILE *f)
{
    double wall = wall_now() - b->wall_start;
    uint64_t tot_i = 0, tot_c = 0, tot_irq = 0, tot_exc = 0;
    fprintf(f, "---- faultline summary ----\n");
    for (unsigned i = 0; i < b->ncpus; i++) {
        const struct cpu_stats *st = cpu_get_stats(b->cpus[i]);
        uint64_t ic = cpu_icount(b->cpus[i]), cy = cpu_cycles(b->cpus[i]), exc = 0;
        char ebuf[512];
        size_t n = 0;
        ebuf[0] = 0;
        for (unsigned ec = 0; ec < 64; ec++) {
            if (!st->exceptions_by_ec[ec]) continue;
            exc += st->exceptions_by_ec[ec];
            const char *nm = ec_name(ec);
            if (n < sizeof ebuf - 40) {
                if (nm) n += (size_t)snprintf(ebuf + n, sizeof ebuf - n, " %s=%llu", nm, (unsigned long long)st->exceptions_by_ec[ec]);
                else n += (size_t)snprintf(ebuf + n, sizeof ebuf - n, " EC0x%02x=%llu", ec, (unsigned long long)st->exceptions_by_ec[ec]);
            }
        }
        fprintf(f, "cpu%u: %llu instructions, %llu cycles, irqs %llu, exceptions %llu%s%s\n", i,
                (unsigned long long)ic, (unsigned long long)cy, (unsigned long long)st->irqs,
                (unsigned long long)exc, exc ? ":" : "", ebuf);
        tot_i += ic; tot_c += cy; tot_irq += st->irqs; tot_exc += exc;
    }
    if (b->hv) {
        const struct hv_stats *h = hv_get_stats(b->hv);
        uint64_t virqs = 0;
        for (unsigned i = 0; i < b->ncpus; i++) virqs += cpu_get_stats(b->cpus[i])->virqs;
        fprintf(f, "hv: xen dom0: stage-2 faults %llu (mmio %llu, retry %llu, injected %llu), "
                "mmio emulations %llu reads %llu writes, virqs injected %llu (hw %llu), "
                "virq exceptions %llu, physical irqs %llu, maintenance %llu, hvc %llu, sysreg traps %llu, "
                "wfi traps %llu, wfe traps %llu, ptimer traps %llu\n",
                (unsigned long long)h->s2_faults, (unsigned long long)h->s2_mmio,
                (unsigned long long)h->s2_retry, (unsigned long long)h->s2_inject,
                (unsigned long long)h->mmio_reads, (unsigned long long)h->mmio_writes,
                (unsigned long long)h->virq_injected, (unsigned long long)h->virq_hw,
                (unsigned long long)virqs, (unsigned long long)h->pirqs,
                (unsigned long long)h->maintenance, (unsigned long long)h->hvc,
                (unsigned long long)h->sysreg_traps, (unsigned long long)h->wfi_traps,
                (unsigned long long)h->wfe_traps, (unsigned long long)h->ptimer_traps);
        char pol[512];
        board_hv_policy(o_of(b), pol, sizeof pol);
        fprintf(f, "hv: policy %s: lazily mapped %llu faults (%llu pages), injected prefetch aborts %llu, hypercall pages %llu\n",
                pol, (unsigned long long)h->s2_map, (unsigned long long)h->lazy_pages,
                (unsigned long long)h->s2_inject_pabt, (unsigned long long)h->hcall_pages);
        if (h->foreign_pages || h->dma_outside)
            fprintf(f, "hv: foreign pages %llu (p2m_map_foreign_rw), DMA outside dom0's memory %llu "
                    "(unprotected masters, seed 004)\n", (unsigned long long)h->foreign_pages,
                    (unsigned long long)h->dma_outside);
        const struct hv_region *r;
        unsigned nr = hv_regions(b->hv, &r);
        for (unsigned i = 0; i < nr; i++) {
            const struct p2m_type_info *ti = p2m_type_info(r[i].type);
            fprintf(f, "hv: iomem %-24s [0x%09llx, 0x%09llx) %s %s: %llu faults, %llu pages mapped\n", r[i].name,
                    (unsigned long long)r[i].base, (unsigned long long)(r[i].base + r[i].size),
                    r[i].permitted ? "permitted" : "denied   ", ti ? ti->name : "?",
                    (unsigned long long)r[i].faults, (unsigned long long)r[i].pages_mapped);
        }
        struct hv_smmu_info si;
        hv_smmu_info(b->hv, &si);
        uint64_t sb;
        unsigned ig, ic;
        struct smmu *sm = board_virtio_smmu(b, &sb, &ig, &ic);
        if (si.owned && sm) {
            struct smmu_iotlb_stats is;
            smmu_iotlb_stats(sm, &is);
            char sids[160];
            size_t n = 0;
            sids[0] = 0;
            for (unsigned i = 0; i < si.nstreams && n < sizeof sids - 12; i++)
                n += (size_t)snprintf(sids + n, sizeof sids - n, "%s%u", i ? "," : "", si.streams[i]);
            fprintf(f, "hv: smmu 0x%llx owned by the hypervisor: dom0 context bank %d (stage 2, VMID %u), "
                    "stream IDs %s; translations %llu (IOTLB hits %llu), context faults %llu, global faults %llu, "
                    "IOTLB flushes %llu\n", (unsigned long long)sb, si.cb, si.vmid, si.nstreams ? sids : "none",
                    (unsigned long long)(is.hits + is.misses), (unsigned long long)is.hits,
                    (unsigned long long)h->smmu_faults, (unsigned long long)h->smmu_global_faults,
                    (unsigned long long)h->smmu_tlb_flushes);
        }
    }
    fprintf(f, "total: %llu instructions, %llu cycles, irqs %llu, exceptions %llu, wall %.3f s, %.1f MIPS\n",
            (unsigned long long)tot_i, (unsigned long long)tot_c, (unsigned long long)tot_irq,
            (unsigned long long)tot_exc, wall, wall > 0 ? tot_i / wall / 1e6 : 0.0);
}

void board_free(struct board *b)
{
    if (!b) return;
    for (unsigned i = 0; i < b->ncpus; i++) if (b->cpus[i]) cpu_free(b->cpus[i]);
    if (b->sh) cpu_shared_free(b->sh);
    psci_free(b->psci);
    gic_free(b->gic);
    gdbstub_free(b->gdb);
    hv_free(b->hv);
    pl011_free(b->uart);
    pl031_free(b->rtc);
    board_virtio_free(b);
    if (b->bus) bus_free(b->bus);
    if (b->ram) munmap(b->ram, b->o->ram_size);
    free(b->dtb);
    free(b);
}
