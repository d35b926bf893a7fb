/* tests/unit/test_hv_policy.c — the hardware domain's MMIO policies (xen-arm.md §1.2-§1.4,
 * §3.4; seeds 000/001/002): eager maps every host-DT region at boot; lazy maps one page (or the
 * region) 1:1 on a data abort (translation fault) at a permitted IPA and retries, injects for
 * instruction aborts, permission faults, non-permitted IPAs, and never maps the vGIC; region
 * type overrides (option and DT property, incl. the non-Xen RWX type); the permitted set with
 * iomem=/iomem_deny=; XENMEM_add_to_physmap_batch(dev_mmio) and XEN_DOMCTL_memory_mapping. The
 * hypervisor's handler is called directly with the syndrome the CPU would produce. */
#include <errno.h>
#include "hv_fixture.h"

#define RTC      0x09010000ull
#define SRAM     0x0a000000ull         /* 4 pages, "mmio-sram" with faultline,p2m-type */

static void *host_fdt(void)
{
    static char buf[4096];
    hvfx_fdt_begin(buf, sizeof buf);
    struct { const char *name; uint64_t base, size; const char *type; } n[] = {
        { "pl011@9000000", UART, 0x1000, NULL }, { "pl031@9010000", RTC, 0x1000, NULL },
        { "sram@a000000", SRAM, 0x4000, "mmio_direct_dev" },
    };
    for (unsigned i = 0; i < 3; i++) {
        int o = hvfx_fdt_node(buf, n[i].name, n[i].base, n[i].size);
        if (n[i].type) fdt_setprop_string(buf, o, "faultline,p2m-type", n[i].type);
    }
    hvfx_fdt_gicv2(buf);
    return buf;
}

/* No SMMU; hv_new and dom0's tree only (no device reset, no hv_reset). */
static void make(struct hv_config *extra)
{
    hvfx_bus();
    hvfx_devices(false);
    struct hv_config hc = *extra;
    hvfx_config(&hc);
    hvfx_hv(&hc, host_fdt());
}

static const struct hv_region *reg_at(uint64_t base)
{
    const struct hv_region *r;
    unsigned n = hv_regions(hv, &r);
    for (unsigned i = 0; i < n; i++) if (r[i].base == base) return &r[i];
    fail_msg("no region at 0x%llx", (unsigned long long)base);
    return NULL;
}
static bool mapped(uint64_t ipa, enum p2m_type *t) { pa_t pa; return p2m_lookup(hv_dom0_p2m(hv), mk_ipa(ipa), &pa, t); }

/* A stage-2 abort as cpu/el2.c reports it: data (EC 0x24, ISV=1 4-byte LDR w0) or instruction
 * (EC 0x20), DFSC = fsc | level 3. */
static int fault(uint64_t ipa, bool data, unsigned fsc)
{
    uint32_t esr = (data ? 0x24u : 0x20u) << 26 | 1u << 25 | fsc | 3;
    if (data) esr |= ESR_ISS_ISV | 2u << 22;
    struct cpu_s2_abort a = { .esr = esr, .far = 0xffff000000000000ull | ipa, .hpfar = (ipa >> 12) << 4, .pc = 0x40001000 };
    return hv_stage2_abort(hv, cpus[0], &a);
}

static void test_eager(void **st)
{
    struct hv_config c = { 0 };
    make(&c);
    enum p2m_type t;
    assert_true(mapped(UART, &t)); assert_int_equal(t, P2M_MMIO_DIRECT_C);
    assert_true(mapped(RTC, &t));
    assert_true(mapped(SRAM + 0x3000, &t)); assert_int_equal(t, P2M_MMIO_DIRECT_DEV);   /* DT property */
    assert_false(mapped(0x08000000, &t));          /* GICD: emulated, never mapped */
    assert_true(hv_iomem_permitted(hv, UART));
    assert_false(hv_iomem_permitted(hv, 0x08000000));
    const struct hv_region *r;
    assert_int_equal(hv_regions(hv, &r), 3);
    assert_int_equal(reg_at(UART)->pages_mapped, 1);
    assert_int_equal(reg_at(SRAM)->pages_mapped, 4);
}

static void test_lazy_page(void **st)
{
    struct hv_config c = { .mmio = HV_MMIO_LAZY, .trap_cycles = 100 };
    make(&c);
    enum p2m_type t;
    assert_false(mapped(UART, &t));
    uint64_t cy = cpu_cycles(cpus[0]);
    assert_int_equal(fault(UART + 0x18, true, 0x04), CPU_S2_RETRY);
    assert_int_equal(cpu_cycles(cpus[0]) - cy, 100);
    assert_true(mapped(UART, &t)); assert_int_equal(t, P2M_MMIO_DIRECT_C);
    assert_false(mapped(RTC, &t));
    /* SRAM: one page of the region, with the region's type */
    assert_int_equal(fault(SRAM + 0x1004, true, 0x04), CPU_S2_RETRY);
    assert_true(mapped(SRAM + 0x1000, &t)); assert_int_equal(t, P2M_MMIO_DIRECT_DEV);
    assert_false(mapped(SRAM, &t));
    /* instruction abort at a permitted IPA: injected, nothing mapped (§1.2 a) */
    assert_int_equal(fault(RTC, false, 0x04), CPU_S2_INJECT);
    assert_false(mapped(RTC, &t));
    /* permission fault (e.g. a fetch from an XN page): injected (Xen would livelock) */
    assert_int_equal(fault(UART, false, 0x0c), CPU_S2_INJECT);
    /* not permitted: a hole */
    assert_int_equal(fault(0x0c000000, true, 0x04), CPU_S2_INJECT);
    assert_false(mapped(0x0c000000, &t));
    /* vGIC distributor: emulated (GICD_CTLR read), never mapped */
    assert_int_equal(fault(0x08000000, true, 0x04), CPU_S2_SKIP);
    assert_false(mapped(0x08000000, &t));
    const struct hv_stats *s = hv_get_stats(hv);
    assert_int_equal(s->s2_map, 2);
    assert_int_equal(s->lazy_pages, 2);
    assert_int_equal(s->s2_inject, 3);
    assert_int_equal(s->s2_inject_pabt, 2);
    assert_int_equal(s->s2_mmio, 1);
}

static void test_lazy_region_and_overrides(void **st)
{
    struct hv_config c = { .mmio = HV_MMIO_LAZY, .mmio_granule_region = true, .noverrides = 1,
                           .overrides = { { SRAM, P2M_MMIO_DIRECT_C_RWX } } };
    make(&c);
    enum p2m_type t;
    assert_int_equal(fault(SRAM + 0x2000, true, 0x04), CPU_S2_RETRY);
    for (unsigned i = 0; i < 4; i++) { assert_true(mapped(SRAM + i * 0x1000, &t)); assert_int_equal(t, P2M_MMIO_DIRECT_C_RWX); }
    assert_false(p2m_type_info(P2M_MMIO_DIRECT_C_RWX)->xn);
    assert_false(p2m_type_info(P2M_MMIO_DIRECT_C_RWX)->xen);
    assert_int_equal(reg_at(SRAM)->faults, 1);
    assert_int_equal(reg_at(SRAM)->pages_mapped, 4);
}

static void test_iomem_config(void **st)
{
    struct hv_config c = { .mmio = HV_MMIO_LAZY, .niomem = 2,
                           .iomem = { { 0x0c000000, 0x2000, false }, { RTC, 0x1000, true } } };
    make(&c);
    enum p2m_type t;
    assert_true(hv_iomem_permitted(hv, 0x0c001fff));
    assert_false(hv_iomem_permitted(hv, RTC));
    assert_int_equal(fault(0x0c001000, true, 0x04), CPU_S2_RETRY);      /* added: page granule */
    assert_true(mapped(0x0c001000, &t)); assert_int_equal(t, P2M_MMIO_DIRECT_C);
    assert_int_equal(fault(RTC, true, 0x04), CPU_S2_INJECT);            /* denied */
    assert_false(reg_at(RTC)->permitted);
}

static void test_hypercalls(void **st)
{
    struct hv_config c = { .mmio = HV_MMIO_HYPERCALL };
    make(&c);
    enum p2m_type t;
    assert_false(mapped(UART, &t));
    uint64_t idx[3] = { UART >> 12, 0x0c000, RTC >> 12 }, gpfn[3] = { UART >> 12, 0x0c000, RTC >> 12 };
    int errs[3] = { -1, -1, -1 };
    assert_int_equal(hv_add_to_physmap_dev_mmio(hv, 0x7ff0, 0, idx, gpfn, errs, 3), 0);
    assert_int_equal(errs[0], 0); assert_int_equal(errs[1], 0); assert_int_equal(errs[2], 0);
    assert_true(mapped(UART, &t)); assert_int_equal(t, P2M_MMIO_DIRECT_C);
    assert_false(mapped(0x0c000000, &t));          /* not permitted: 0 without mapping (Xen quirk) */
    assert_true(mapped(RTC, &t));
    assert_int_equal(hv_add_to_physmap_dev_mmio(hv, 1, 0, idx, gpfn, errs, 1), -EPERM);
    assert_int_equal(hv_add_to_physmap_dev_mmio(hv, 0, 1, idx, gpfn, errs, 1), -EOPNOTSUPP);
    assert_int_equal(hv_get_stats(hv)->hcall_pages, 2);
    /* domctl: Device-nGnRE, permission required, remove */
    assert_int_equal(hv_domctl_memory_mapping(hv, 0, SRAM >> 12, SRAM >> 12, 4, true), 0);
    assert_true(mapped(SRAM + 0x3000, &t)); assert_int_equal(t, P2M_MMIO_DIRECT_DEV);
    assert_int_equal(hv_domctl_memory_mapping(hv, 0, 0x0c000, 0x0c000, 1, true), -EPERM);
    assert_int_equal(hv_domctl_memory_mapping(hv, 0, SRAM >> 12, SRAM >> 12, 4, false), 0);
    assert_false(mapped(SRAM, &t));
    /* no lazy mapping under the hypercall policy */
    assert_int_equal(fault(SRAM, true, 0x04), CPU_S2_INJECT);
}

static void test_type_names(void **st)
{
    enum p2m_type t;
    assert_int_equal(hv_p2m_type_parse("p2m_mmio_direct_nc", &t), 0); assert_int_equal(t, P2M_MMIO_DIRECT_NC);
    assert_int_equal(hv_p2m_type_parse("rwx", &t), 0); assert_int_equal(t, P2M_MMIO_DIRECT_C_RWX);
    assert_int_equal(hv_p2m_type_parse("ram_rw", &t), -1);
    assert_string_equal(hv_mmio_policy_name(HV_MMIO_LAZY), "lazy");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_eager, hvfx_teardown),
        cmocka_unit_test_teardown(test_lazy_page, hvfx_teardown),
        cmocka_unit_test_teardown(test_lazy_region_and_overrides, hvfx_teardown),
        cmocka_unit_test_teardown(test_iomem_config, hvfx_teardown),
        cmocka_unit_test_teardown(test_hypercalls, hvfx_teardown),
        cmocka_unit_test(test_type_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
