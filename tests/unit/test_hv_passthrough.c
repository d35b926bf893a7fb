/* tests/unit/test_hv_passthrough.c — what dom0's devices may reach (hv/passthrough.c, docs/hv.md
 * "Foreign mappings" and "DMA outside the domain"; seeds 003 and 004). A small machine: 64 MiB
 * of RAM at 0x40000000 (dom0_mem 32 MiB, the top 16 MiB the hypervisor's, so [+32M, +48M) is
 * machine RAM of no domain), GICv2, one vCPU, the MMU-500 at 0x09050000 with one master behind
 * it (SID 7, "dma@a300000"), a UART.
 *   - foreign=IPA:PA[:N] maps N pages at the IPA hole as p2m_map_foreign_rw (reason HYPERCALL in
 *     the trace, XN, Normal WB) and refuses, with a clear message, a PA in dom0's RAM, in the
 *     hypervisor's chunk or not RAM, an IPA over dom0's RAM, a device, the vGIC, another foreign
 *     range, an unaligned address or N = 0;
 *   - seed 003: the protected master programmed with the foreign page's PA faults in the SMMU
 *     (PA is not a dom0 IPA), nothing written; with the IPA the data lands at the machine page;
 *   - seed 004: hv_pa_in_domain (RAM, permitted MMIO, not the foreign page, not RAM above
 *     dom0_mem, not the SMMU); an SMMU-less dma_port watched by hv_dma_unprotected completes a
 *     write outside dom0 (the bytes land: there is no protection) but is flagged (port.outside,
 *     hv_stats.dma_outside, one warning per master in the log and the trace). */
#include <unistd.h>
#include "hv_fixture.h"
#include "machine/trace.h"

#define DOM0_MEM  (32ull << 20)
#define SID_DMA   7u
#define F_IPA     0x50000000ull          /* an IPA hole of dom0 */
#define F_PA      (RAM + (40ull << 20))  /* machine RAM of no domain (stands for a domU's page) */

static struct tracer *tr;
static char trpath[64];

static void *host_fdt(void)
{
    static char buf[4096];
    hvfx_fdt_begin(buf, sizeof buf);
    hvfx_fdt_node(buf, "pl011@9000000", UART, 0x1000);
    hvfx_fdt_iommus(buf, hvfx_fdt_node(buf, "dma@a300000", 0x0a300000, 0x1000), SID_DMA);
    int o = hvfx_fdt_node(buf, "iommu@9050000", SMMU_BASE, 0x20000);
    fdt_setprop_u32(buf, o, "#iommu-cells", 1);
    fdt_setprop_u32(buf, o, "phandle", SMMU_PH);
    o = hvfx_fdt_node(buf, "intc@8000000", 0x08000000, 0x20000);
    fdt_setprop(buf, o, "interrupt-controller", NULL, 0);
    return buf;
}

/* The board's order: devices, hv_new, dom0's tree, device reset (SMMU), hv_reset. Returns the
 * hv_new / hv_dom0_fdt error (or "" on success). */
static const char *try_make(const struct hv_foreign *f, unsigned nf, bool with_tracer)
{
    hvfx_bus();
    hvfx_devices(true);
    tr = NULL;
    if (with_tracer) {
        snprintf(trpath, sizeof trpath, "/tmp/fl-passthrough-XXXXXX");
        int fd = mkstemp(trpath);
        assert_true(fd >= 0);
        tr = tracer_open_fd(fd, NULL, NULL, 0);
        assert_non_null(tr);
    }
    struct hv_config hc = { .dom0_mem = DOM0_MEM, .hypervisor_node = true, .log = hvfx_log, .tracer = tr,
                            .nforeign = nf };
    hvfx_config(&hc);
    for (unsigned i = 0; i < nf && i < HV_MAX_FOREIGN; i++) hc.foreign[i] = f[i];
    const char *e = hvfx_try_hv(&hc, host_fdt());
    if (!e[0]) hvfx_reset();
    return e;
}
static void make(const struct hv_foreign *f, unsigned nf, bool with_tracer)
{
    const char *e = try_make(f, nf, with_tracer);
    if (e[0]) fail_msg("hv: %s", e);
}
static int teardown(void **st)
{
    hvfx_teardown(st);
    if (tr) { tracer_close(tr); tr = NULL; unlink(trpath); }
    return 0;
}

static const struct hv_foreign one = { F_IPA, F_PA, 2 };

/* Count trace records: P2M maps of type FOREIGN with reason HYPERCALL, and the seed-004 notes. */
static void scan_trace(unsigned *foreign_maps, unsigned *warn_notes, uint64_t *fipa, uint64_t *fpa, uint64_t *fsize)
{
    assert_int_equal(tracer_flush(tr), 0);
    struct trace_reader *r;
    assert_int_equal(trace_open(trpath, &r), TRACE_OK);
    struct trace_rec rec;
    *foreign_maps = *warn_notes = 0;
    while (trace_next(r, &rec) == 1) {
        if (rec.kind == TRACE_K_P2M && rec.ev.p2m.type == TRACE_P2M_FOREIGN) {
            assert_int_equal(rec.ev.p2m.reason, TRACE_P2M_R_HYPERCALL);
            assert_int_equal(rec.ev.p2m.op, TRACE_P2M_MAP);
            (*foreign_maps)++;
            *fipa = rec.ev.p2m.ipa.v; *fpa = rec.ev.p2m.pa.v; *fsize = rec.ev.p2m.size;
        }
        if (rec.kind == TRACE_K_NOTE && strstr(rec.ev.note.text, "DMA from unprotected device")) (*warn_notes)++;
    }
    trace_close(r);
}

static void test_foreign_map(void **st)
{
    make(&one, 1, true);
    struct p2m *p = hv_dom0_p2m(hv);
    pa_t pa;
    enum p2m_type t;
    assert_true(p2m_lookup(p, mk_ipa(F_IPA + 0x1234), &pa, &t));
    assert_int_equal(pa.v, F_PA + 0x1234);
    assert_int_equal(t, P2M_MAP_FOREIGN_RW);
    assert_true(p2m_lookup(p, mk_ipa(F_IPA + 0x1000), &pa, &t));
    assert_int_equal(pa.v, F_PA + 0x1000);
    assert_false(p2m_lookup(p, mk_ipa(F_IPA + 0x2000), NULL, NULL));     /* N = 2 pages only */
    assert_false(p2m_lookup(p, mk_ipa(F_PA), NULL, NULL));               /* the PA is no dom0 IPA */
    assert_true(p2m_type_info(t)->xn);
    assert_int_equal(hv_get_stats(hv)->foreign_pages, 2);
    unsigned maps, notes;
    uint64_t fi = 0, fp = 0, fs = 0;
    scan_trace(&maps, &notes, &fi, &fp, &fs);
    assert_int_equal(maps, 1);
    assert_int_equal(fi, F_IPA);
    assert_int_equal(fp, F_PA);
    assert_int_equal(fs, 0x2000);
    assert_int_equal(notes, 0);
}

static void expect_error(const struct hv_foreign *f, unsigned nf, const char *what)
{
    const char *e = try_make(f, nf, false);
    if (!strstr(e, what)) fail_msg("expected \"%s\", got \"%s\"", what, e);
    teardown(NULL);
}

static void test_foreign_refused(void **st)
{
    expect_error(&(struct hv_foreign){ F_IPA, RAM + 0x100000, 1 }, 1, "the PA range is dom0's own RAM");
    expect_error(&(struct hv_foreign){ F_IPA, RAM + DOM0_MEM - 0x1000, 2 }, 1, "the PA range is dom0's own RAM");
    expect_error(&(struct hv_foreign){ F_IPA, RAM + RAM_SIZE - 0x1000, 1 }, 1, "the hypervisor's reserved memory");
    expect_error(&(struct hv_foreign){ F_IPA, RAM + (48ull << 20) - 0x1000, 2 }, 1, "the hypervisor's reserved memory");
    expect_error(&(struct hv_foreign){ F_IPA, 0x30000000, 1 }, 1, "the PA range is not machine RAM");
    expect_error(&(struct hv_foreign){ F_IPA, RAM + RAM_SIZE, 1 }, 1, "the PA range is not machine RAM");
    expect_error(&(struct hv_foreign){ RAM + 0x5000, F_PA, 1 }, 1, "the IPA range overlaps dom0's RAM");
    expect_error(&(struct hv_foreign){ RAM - 0x1000, F_PA, 2 }, 1, "the IPA range overlaps dom0's RAM");
    expect_error(&(struct hv_foreign){ UART, F_PA, 1 }, 1, "the IPA range overlaps device pl011@9000000");
    expect_error(&(struct hv_foreign){ SMMU_BASE + 0x10000, F_PA, 1 }, 1, "overlaps device iommu@9050000");
    expect_error(&(struct hv_foreign){ 0x08000000, F_PA, 1 }, 1, "overlaps device intc@8000000");
    /* /hypervisor's grant-table window sits at ram_base + ram_size. */
    expect_error(&(struct hv_foreign){ RAM + RAM_SIZE, F_PA, 1 }, 1, "grant-table window");
    expect_error(&(struct hv_foreign){ F_IPA + 0x10, F_PA, 1 }, 1, "4 KiB aligned");
    expect_error(&(struct hv_foreign){ F_IPA, F_PA + 0x10, 1 }, 1, "4 KiB aligned");
    expect_error(&(struct hv_foreign){ F_IPA, F_PA, 0 }, 1, "4 KiB aligned and N between");
    expect_error(&(struct hv_foreign){ 1ull << 40, F_PA, 1 }, 1, "beyond dom0's IPA size");
    struct hv_foreign two[2] = { { F_IPA, F_PA, 2 }, { F_IPA + 0x1000, F_PA + 0x4000, 1 } };
    expect_error(two, 2, "overlaps another foreign= mapping");
    struct hv_foreign five[5] = { { F_IPA, F_PA, 1 } };
    expect_error(five, 5, "at most 4 foreign=");
    /* Two disjoint ranges are fine, and the message names the range given. */
    struct hv_foreign ok[2] = { { F_IPA, F_PA, 1 }, { F_IPA + 0x10000, F_PA + 0x10000, 3 } };
    make(ok, 2, false);
    assert_int_equal(hv_get_stats(hv)->foreign_pages, 4);
    teardown(NULL);
    const char *e = try_make(&(struct hv_foreign){ UART, F_PA, 1 }, 1, false);
    assert_string_equal(e, "-hv xen,foreign=0x9000000:0x42800000:1: the IPA range overlaps device pl011@9000000");
    teardown(NULL);
}

/* Seed 003: the protected master (behind the SMMU, dom0's stage-2 bank) programmed the way
 * swiotlb-xen does, with the machine address, faults; with the IPA it reaches the machine page. */
static void test_protected_master(void **st)
{
    make(&one, 1, false);
    const fdt32_t *pd;
    int h = fdt_path_offset(dom0_dt, "/hypervisor"), len;
    assert_true(h >= 0);
    pd = fdt_getprop(dom0_dt, h, "protected-devices", &len);
    assert_non_null(pd);
    assert_int_equal(len, 4);
    assert_int_equal(fdt_node_offset_by_phandle(dom0_dt, fdt32_ld(pd)), fdt_path_offset(dom0_dt, "/dma@a300000"));
    struct dma_port port;
    dma_port_init(&port, bus, smmu, SID_DMA);
    static const char msg[] = "grant-mapped data";
    uint8_t zero[sizeof msg] = { 0 }, back[sizeof msg];
    assert_int_equal(bus_write_buf(bus, mk_pa(F_PA), zero, sizeof zero), 0);
    assert_int_equal(dma_write(&port, F_PA, msg, sizeof msg, 0), DMA_SMMU_FAULT);
    assert_int_equal(port.fault.outcome, SMMU_CONTEXT_FAULT);
    assert_int_equal(port.fault.fsr & 2u, 2u);                   /* FSR.TF */
    assert_int_equal(port.fault.far, F_PA);
    assert_int_equal(port.fault_iova, F_PA);
    assert_false(port.outside);                                  /* the watch is for SMMU-less masters */
    assert_int_equal(bus_read_buf(bus, mk_pa(F_PA), back, sizeof back), 0);
    assert_memory_equal(back, zero, sizeof zero);                /* nothing written */
    hv_irq(hv, cpus[0], true);                                   /* hv's handler: logged, counted */
    assert_int_equal(hv_get_stats(hv)->smmu_faults, 1);
    char want[160];
    snprintf(want, sizeof want, "iova=0x%llx", (unsigned long long)F_PA);
    assert_non_null(strstr(last_log, want));
    assert_non_null(strstr(last_log, "sid=7"));
    /* With the IPA: translated by dom0's p2m to the machine page. */
    assert_int_equal(dma_write(&port, F_IPA + 0x10, msg, sizeof msg, 0), DMA_OK);
    assert_int_equal(bus_read_buf(bus, mk_pa(F_PA + 0x10), back, sizeof back), 0);
    assert_memory_equal(back, msg, sizeof msg);
    assert_int_equal(hv_get_stats(hv)->dma_outside, 0);
}

static void test_pa_in_domain(void **st)
{
    make(&one, 1, false);
    assert_true(hv_pa_in_domain(hv, 0, mk_pa(RAM), 1));
    assert_true(hv_pa_in_domain(hv, 0, mk_pa(RAM), DOM0_MEM));
    assert_true(hv_pa_in_domain(hv, 0, mk_pa(RAM + DOM0_MEM - 8), 8));
    assert_false(hv_pa_in_domain(hv, 0, mk_pa(RAM + DOM0_MEM - 8), 9));    /* straddles the end */
    assert_false(hv_pa_in_domain(hv, 0, mk_pa(RAM + DOM0_MEM), 4));        /* RAM above dom0_mem */
    assert_false(hv_pa_in_domain(hv, 0, mk_pa(F_PA), 4));                  /* the foreign page */
    assert_false(hv_pa_in_domain(hv, 0, mk_pa(RAM + RAM_SIZE - 0x1000), 4)); /* hv's chunk */
    assert_false(hv_pa_in_domain(hv, 0, mk_pa(RAM - 4), 8));
    assert_true(hv_pa_in_domain(hv, 0, mk_pa(UART), 0x1000));              /* permitted MMIO */
    assert_false(hv_pa_in_domain(hv, 0, mk_pa(UART), 0x1001));
    assert_false(hv_pa_in_domain(hv, 0, mk_pa(SMMU_BASE), 4));             /* the hypervisor's */
    assert_false(hv_pa_in_domain(hv, 0, mk_pa(0x08000000), 4));            /* the GIC: emulated */
    assert_false(hv_pa_in_domain(hv, 0, mk_pa(RAM), 0));
    assert_false(hv_pa_in_domain(hv, 1, mk_pa(RAM), 4));                   /* no domain 1 */
    assert_false(hv_pa_in_domain(hv, 0, mk_pa(UINT64_MAX - 3), 8));
}

static bool watch(void *opaque, pa_t pa, uint64_t len, bool write)
{
    return hv_dma_unprotected(hv, opaque, pa, len, write);
}

/* Seed 004: an SMMU-less master of the direct-mapped dom0. */
static void test_unprotected_outside(void **st)
{
    make(&one, 1, true);
    const struct hv_stats *s = hv_get_stats(hv);
    struct dma_port a, b;
    dma_port_init(&a, bus, NULL, 0);
    dma_port_init(&b, bus, NULL, 0);
    dma_port_set_watch(&a, watch, "dma-controller@9070000");
    dma_port_set_watch(&b, watch, "virtio_mmio@a000000");
    static const char msg[] = "swiotlb-xen bounce";
    char back[sizeof msg];
    /* Inside dom0's RAM: plain. */
    assert_int_equal(dma_write(&a, RAM + 0x100000, msg, sizeof msg, 0), DMA_OK);
    assert_false(a.outside);
    assert_int_equal(s->dma_outside, 0);
    assert_int_equal(nlog, 0);
    /* The foreign machine page by PA: what swiotlb-xen programs — it works (no IOMMU), and it
     * is the other domain's memory: flagged. */
    assert_int_equal(dma_write(&a, F_PA, msg, sizeof msg, 0), DMA_OK);
    assert_true(a.outside);
    assert_int_equal(bus_read_buf(bus, mk_pa(F_PA), back, sizeof back), 0);
    assert_memory_equal(back, msg, sizeof msg);
    assert_int_equal(s->dma_outside, 1);
    assert_int_equal(nlog, 1);
    char want[200];
    snprintf(want, sizeof want, "WARNING: DMA from unprotected device dma-controller@9070000 reached 0x%llx "
             "outside dom0's memory", (unsigned long long)F_PA);
    assert_non_null(strstr(last_log, want));
    /* A read of RAM above dom0_mem: flagged and counted, not warned again for this master. */
    assert_int_equal(dma_read(&a, RAM + DOM0_MEM + 0x2000, back, 16, 0), DMA_OK);
    assert_true(a.outside);
    assert_int_equal(s->dma_outside, 2);
    assert_int_equal(nlog, 1);
    /* The next transfer inside clears the port's flag. */
    assert_int_equal(dma_read(&a, RAM, back, 16, 0), DMA_OK);
    assert_false(a.outside);
    /* Crossing dom0's end: one transfer, one count, completed in full. */
    assert_int_equal(dma_write(&a, RAM + DOM0_MEM - 8, msg, sizeof msg, 0), DMA_OK);
    assert_true(a.outside);
    assert_int_equal(s->dma_outside, 3);
    assert_int_equal(bus_read_buf(bus, mk_pa(RAM + DOM0_MEM - 8), back, sizeof back), 0);
    assert_memory_equal(back, msg, sizeof msg);
    /* Another master: its own warning. */
    assert_int_equal(dma_write(&b, F_PA + 0x1000, msg, sizeof msg, 0), DMA_OK);
    assert_true(b.outside);
    assert_int_equal(nlog, 2);
    assert_non_null(strstr(last_log, "virtio_mmio@a000000"));
    assert_int_equal(s->dma_outside, 4);
    /* A port without the watch (-hv none) is never flagged. */
    struct dma_port c;
    dma_port_init(&c, bus, NULL, 0);
    assert_int_equal(dma_write(&c, F_PA, msg, sizeof msg, 0), DMA_OK);
    assert_false(c.outside);
    assert_int_equal(s->dma_outside, 4);
    unsigned maps, notes;
    uint64_t fi, fp, fs;
    scan_trace(&maps, &notes, &fi, &fp, &fs);
    assert_int_equal(notes, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_foreign_map, teardown),
        cmocka_unit_test(test_foreign_refused),
        cmocka_unit_test_teardown(test_protected_master, teardown),
        cmocka_unit_test_teardown(test_pa_in_domain, teardown),
        cmocka_unit_test_teardown(test_unprotected_outside, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
