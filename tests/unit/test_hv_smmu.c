/* tests/unit/test_hv_smmu.c — the native hypervisor owns the SMMU (hv/iommu.c, docs/hv.md
 * "The SMMU"): on a small machine (RAM, GICv2, one vCPU, the MMU-500 model at 0x09050000 with
 * its interrupts on SPIs 74.. and a RAM-backed device region) hv takes the SMMU over: the
 * registers as programmed (sCR0, SMR/S2CR, CBAR/CBA2R, TCR = VTCR_EL2, TTBR0 = the p2m root,
 * SCTLR), DMA of a dom0 stream at a RAM IPA landing at PA = IPA; DMA at an IPA the lazy policy
 * has not mapped → context fault (SID, IOVA, FSR.TF, FSYNR0 level and WNR), nothing written, the
 * hypervisor's handler logging, counting and clearing it with the line low again; after the
 * CPU's lazy fault maps the page the same DMA succeeds; the IOTLB really caches (a descriptor
 * edited behind the p2m's back is not seen) and the p2m's flush hook invalidates it; an
 * unmatched stream → global fault (USF) handled the same way; dom0's device tree without the
 * SMMU, its interrupts and the masters' iommus, with /hypervisor protected-devices. */
#include "hv_fixture.h"

#define DEV       0x0a000000ull          /* "sram@a000000": 4 pages of RAM, a DMA target */
#define SID_A     3u                     /* "virtio_mmio@a200000" */
#define SID_B     7u                     /* "dma@a300000" */

static struct smmu_trace_event last_ev;
static void on_trace(void *o, const struct smmu_trace_event *ev) { last_ev = *ev; }

static uint32_t rd32(uint64_t off) { uint64_t v = 0; bus_read(bus, mk_pa(SMMU_BASE + off), 4, &v); return (uint32_t)v; }
static uint64_t rd64(uint64_t off) { uint64_t v = 0; bus_read(bus, mk_pa(SMMU_BASE + off), 8, &v); return v; }
#define CB0 0x10000ull                   /* context bank 0: page NUMPAGE (16) */

static void *host_fdt(void)
{
    static char buf[8192];
    hvfx_fdt_begin(buf, sizeof buf);
    struct { const char *name; uint64_t base, size; int sid; } n[] = {
        { "pl011@9000000", UART, 0x1000, -1 }, { "sram@a000000", DEV, 0x4000, -1 },
        { "virtio_mmio@a200000", 0x0a200000, 0x200, SID_A }, { "dma@a300000", 0x0a300000, 0x1000, SID_B },
        { "iommu@9050000", SMMU_BASE, 0x20000, -2 },
    };
    for (unsigned i = 0; i < sizeof n / sizeof n[0]; i++) {
        int o = hvfx_fdt_node(buf, n[i].name, n[i].base, n[i].size);
        if (n[i].sid >= 0) {
            hvfx_fdt_iommus(buf, o, (uint32_t)n[i].sid);
            fdt32_t irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32(16 + i), cpu_to_fdt32(4) };
            fdt_setprop(buf, o, "interrupts", irq, sizeof irq);
        } else if (n[i].sid == -2) {
            fdt_setprop_string(buf, o, "compatible", "arm,mmu-500");
            fdt_setprop_u32(buf, o, "#global-interrupts", 1);
            fdt_setprop_u32(buf, o, "#iommu-cells", 1);
            fdt_setprop_u32(buf, o, "phandle", SMMU_PH);
            fdt32_t irq[3 * 17];
            for (unsigned k = 0; k < 17; k++) {
                irq[3 * k] = cpu_to_fdt32(0); irq[3 * k + 1] = cpu_to_fdt32(SPI_SMMU + k); irq[3 * k + 2] = cpu_to_fdt32(4);
            }
            fdt_setprop(buf, o, "interrupts", irq, sizeof irq);
        }
    }
    hvfx_fdt_gicv2(buf);
    return buf;
}

/* The board's order: devices, hv_new, dom0's tree, device reset (SMMU), hv_reset. */
static void make(struct hv_config *extra)
{
    hvfx_bus();
    bus_map_ram(bus, "sram", mk_pa(DEV), 0x4000, NULL);
    hvfx_devices(true);
    struct hv_config hc = *extra;
    hvfx_config(&hc);
    hc.log = hvfx_log;
    hvfx_hv(&hc, host_fdt());
    hvfx_reset();
}

/* The physical interrupt taken at EL2 (what the CPU does when the GIC signals it). */
static void take_irq(void) { hv_irq(hv, cpus[0], true); }

static void test_programmed(void **st)
{
    struct hv_config c = { 0 };
    make(&c);
    struct p2m *p = hv_dom0_p2m(hv);
    /* sCR0 from the reset value 0x00200001: CLIENTPD cleared; GFRE, GFIE, GCFGFRE, GCFGFIE,
     * USFCFG, VMIDPNE, PTM set. */
    assert_int_equal(rd32(0x000), 0x00201C36);
    /* SMR0/1: VALID | SID of each master (in the tree's node order) */
    uint32_t smr0 = rd32(0x800), smr1 = rd32(0x804);
    assert_true((smr0 == (0x80000000u | SID_A) && smr1 == (0x80000000u | SID_B)) ||
                (smr0 == (0x80000000u | SID_B) && smr1 == (0x80000000u | SID_A)));
    assert_int_equal(rd32(0x808) >> 31, 0);                 /* SMR2: invalid */
    assert_int_equal(rd32(0xc00), 0);                       /* S2CR0: translate, CBNDX 0 */
    assert_int_equal(rd32(0xc04), 0);
    assert_int_equal(rd32(0xc08), 0x00020000);              /* S2CR2: fault */
    assert_int_equal(rd32(0x1000), p2m_vmid(p));            /* CBAR0: TYPE 0 (stage 2), VMID */
    assert_int_equal(rd32(0x1800), 1);                      /* CBA2R0: VA64 */
    assert_int_equal(rd32(CB0 + 0x30), (uint32_t)p2m_vtcr(p));               /* TCR = VTCR_EL2 */
    assert_int_equal(rd64(CB0 + 0x20), p2m_vttbr(p) & ((1ull << 48) - 1));  /* TTBR0 = p2m root */
    assert_int_equal(rd32(CB0 + 0x00), 0x67);               /* SCTLR: M TRE AFE CFRE CFIE */
    assert_int_equal(rd32(CB0 + 0x1000), 0);   /* CB1 SCTLR: off */
    struct hv_smmu_info si;
    hv_smmu_info(hv, &si);
    assert_true(si.owned);
    assert_int_equal(si.cb, 0);
    assert_int_equal(si.nstreams, 2);
    assert_int_equal(si.nmasters, 2);

    /* DMA of a dom0 master at a RAM IPA: through context bank 0, PA = IPA. */
    struct dma_port port;
    dma_port_init(&port, bus, smmu, SID_A);
    const char msg[] = "dma through dom0's p2m";
    assert_int_equal(dma_write(&port, RAM + 0x200010, msg, sizeof msg, 0), DMA_OK);
    char back[sizeof msg];
    assert_int_equal(bus_read_buf(bus, mk_pa(RAM + 0x200010), back, sizeof back), 0);
    assert_memory_equal(back, msg, sizeof msg);
    pa_t pa;
    struct smmu_xlate x;
    assert_true(smmu_translate(smmu, SID_B, RAM + 0x123456, MMU_READ, 0, &pa, NULL, &x));
    assert_int_equal(x.outcome, SMMU_TRANSLATED);
    assert_int_equal(x.cb, 0);
    assert_int_equal(pa.v, RAM + 0x123456);
    /* dom0's RAM ends at 48 MiB: the hypervisor's memory above is not in the p2m. */
    assert_false(smmu_translate(smmu, SID_A, RAM + (48ull << 20), MMU_READ, 0, &pa, NULL, &x));
    assert_int_equal(hv_get_stats(hv)->smmu_faults, 0);
}

static void test_lazy_context_fault(void **st)
{
    struct hv_config c = { .mmio = HV_MMIO_LAZY };
    make(&c);
    const struct hv_stats *s = hv_get_stats(hv);
    struct dma_port port;
    dma_port_init(&port, bus, smmu, SID_B);
    smmu_set_trace(smmu, on_trace, NULL);
    const uint32_t data = 0xfeedf00d;
    /* The CPU never touched the device page: not in the p2m → stage-2 translation fault. */
    assert_int_equal(dma_write(&port, DEV + 0x1008, &data, 4, 0), DMA_SMMU_FAULT);
    assert_int_equal(port.fault.outcome, SMMU_CONTEXT_FAULT);
    assert_int_equal(port.fault.cb, 0);
    assert_int_equal(port.fault_iova, DEV + 0x1008);
    assert_int_equal(port.done, 0);
    uint64_t v = 1;
    bus_read(bus, mk_pa(DEV + 0x1008), 4, &v);
    assert_int_equal(v, 0);                                 /* no data written */
    /* Recorded in bank 0: FSR.TF, FAR = IPA, FSYNR0 PLVL = the walk's level (2: the L2 entry
     * covering 0x0a000000 is invalid) and WNR, CBFRSYNRA0 = SID. The context line is high. */
    assert_int_equal(rd32(CB0 + 0x58), 1u << 1);
    assert_int_equal(rd64(CB0 + 0x60), DEV + 0x1008);
    uint32_t fsynr0 = rd32(CB0 + 0x68);
    assert_int_equal(fsynr0 & 3, 2);
    assert_int_equal(port.fault.walk.level, 2);
    assert_true(fsynr0 & (1u << 4));                        /* WNR */
    assert_int_equal(rd32(0x1400) & 0xffff, SID_B);
    /* The trace event (→ SMMU-XLATE record): SID, IOVA, bank, FSR and FSYNR0 (PLVL = level). */
    assert_int_equal(last_ev.result, SMMU_CONTEXT_FAULT);
    assert_int_equal(last_ev.sid, SID_B);
    assert_int_equal(last_ev.iova, DEV + 0x1008);
    assert_int_equal(last_ev.cb, 0);
    assert_int_equal(last_ev.fsr, 1u << 1);
    assert_int_equal(last_ev.fsynr0, fsynr0);
    assert_true(smmu_irq_level(smmu, SMMU_IRQ_CONTEXT(0)));
    /* The interrupt is the hypervisor's: read, logged, counted, FSR cleared, line low. */
    take_irq();
    assert_int_equal(s->smmu_faults, 1);
    assert_int_equal(s->virq_injected, 0);                  /* not forwarded to dom0 */
    assert_int_equal(rd32(CB0 + 0x58), 0);
    assert_false(smmu_irq_level(smmu, SMMU_IRQ_CONTEXT(0)));
    /* FSYNR0 0x112: PLVL 2, WNR, NSATTR (non-secure) */
    assert_string_equal(last_log, "smmu: dom0: Unhandled context fault: fsr=0x2, iova=0xa001008, fsynr=0x112, cb=0, sid=7");
    /* A DMA read of the page faults too (no WNR); the handler clears it again. */
    assert_int_equal(dma_read(&port, DEV + 0x1000, &v, 4, 0), DMA_SMMU_FAULT);
    assert_false(rd32(CB0 + 0x68) & (1u << 4));
    take_irq();
    assert_int_equal(s->smmu_faults, 2);
    /* The CPU touches the page: the lazy policy maps it (Xen's try_map_mmio) ... */
    uint32_t esr = 0x24u << 26 | 1u << 25 | ESR_ISS_ISV | 2u << 22 | 0x06;
    struct cpu_s2_abort a = { .esr = esr, .far = DEV + 0x1000, .hpfar = (DEV + 0x1000) >> 12 << 4, .pc = RAM };
    assert_int_equal(hv_stage2_abort(hv, cpus[0], &a), CPU_S2_RETRY);
    /* ... and the same DMA now succeeds through the same tables. */
    assert_int_equal(dma_write(&port, DEV + 0x1008, &data, 4, 0), DMA_OK);
    bus_read(bus, mk_pa(DEV + 0x1008), 4, &v);
    assert_int_equal(v, data);
    assert_int_equal(s->smmu_faults, 2);
    /* The page next to it is still unmapped. */
    assert_int_equal(dma_write(&port, DEV + 0x2000, &data, 4, 0), DMA_SMMU_FAULT);
}

/* The descriptor that maps ipa in the p2m (a 4 KB-granule walk over the bus). */
static uint64_t leaf_desc_pa(struct p2m *p, uint64_t ipa)
{
    uint64_t table = p2m_vttbr(p) & ((1ull << 48) - 1);
    unsigned level = p2m_root_level(p);
    for (;;) {
        unsigned shift = 12 + 9 * (3 - level);
        uint64_t idx = level == p2m_root_level(p) ? ipa >> shift : (ipa >> shift) & 511;
        uint64_t dpa = table + 8 * idx, d = 0;
        bus_read(bus, mk_pa(dpa), 8, &d);
        assert_true(d & 1);
        if (level == 3 || (d & 3) == 1) return dpa;
        table = d & 0x0000fffffffff000ull;
        level++;
    }
}

static void test_iotlb_coherency(void **st)
{
    struct hv_config c = { 0 };
    make(&c);
    struct p2m *p = hv_dom0_p2m(hv);
    const uint64_t ipa = RAM + (8ull << 20), other = RAM + (12ull << 20);   /* two 2 MiB blocks */
    uint32_t a = 0xaaaa0001, b = 0xbbbb0002, v;
    bus_write(bus, mk_pa(ipa), 4, a);
    bus_write(bus, mk_pa(other), 4, b);
    struct dma_port port;
    dma_port_init(&port, bus, smmu, SID_A);
    assert_int_equal(dma_read(&port, ipa, &v, 4, 0), DMA_OK);
    assert_int_equal(v, a);                                  /* now in the IOTLB */
    /* The model caches: a descriptor changed without a flush is not seen. */
    uint64_t dpa = leaf_desc_pa(p, ipa), d = 0;
    bus_read(bus, mk_pa(dpa), 8, &d);
    assert_int_equal(d & 3, 1);                              /* a 2 MiB block */
    bus_write(bus, mk_pa(dpa), 8, (d & ~0x0000ffffffe00000ull) | other);
    assert_int_equal(dma_read(&port, ipa, &v, 4, 0), DMA_OK);
    assert_int_equal(v, a);                                  /* stale: served by the IOTLB */
    bus_write(bus, mk_pa(dpa), 8, d);                        /* put it back */
    /* A p2m change: break-before-make, the flush hook → TLBIVMID + sTLBGSYNC. */
    uint64_t flushes = hv_get_stats(hv)->smmu_tlb_flushes;
    struct smmu_iotlb_stats is0, is1;
    smmu_iotlb_stats(smmu, &is0);
    assert_int_equal(p2m_map(p, mk_ipa(ipa), mk_pa(other), 512, P2M_RAM_RW, P2M_REASON_HYPERCALL), 0);
    assert_true(hv_get_stats(hv)->smmu_tlb_flushes > flushes);
    smmu_iotlb_stats(smmu, &is1);
    assert_true(is1.invalidations > is0.invalidations);
    assert_int_equal(dma_read(&port, ipa, &v, 4, 0), DMA_OK);
    assert_int_equal(v, b);                                  /* the next DMA sees the change */
    /* An unmap: the next DMA faults. */
    assert_int_equal(p2m_unmap(p, mk_ipa(ipa), 512, P2M_REASON_HYPERCALL), 0);
    assert_int_equal(dma_read(&port, ipa, &v, 4, 0), DMA_SMMU_FAULT);
    take_irq();
    assert_int_equal(hv_get_stats(hv)->smmu_faults, 1);
}

static void test_unmatched_stream(void **st)
{
    struct hv_config c = { 0 };
    make(&c);
    struct dma_port port;
    dma_port_init(&port, bus, smmu, 9);                     /* nobody attached stream 9 */
    uint32_t v = 0x1234;
    assert_int_equal(dma_write(&port, RAM + 0x1000, &v, 4, 0), DMA_SMMU_FAULT);
    assert_int_equal(port.fault.outcome, SMMU_GLOBAL_FAULT);
    assert_int_equal(rd32(0x048), 1u << 1);                 /* sGFSR.USF */
    assert_int_equal(rd32(0x054) & 0xffff, 9);              /* sGFSYNR1: the stream */
    assert_true(smmu_irq_level(smmu, SMMU_IRQ_GLOBAL));
    take_irq();
    assert_int_equal(hv_get_stats(hv)->smmu_global_faults, 1);
    assert_int_equal(rd32(0x048), 0);
    assert_false(smmu_irq_level(smmu, SMMU_IRQ_GLOBAL));
    assert_non_null(strstr(last_log, "smmu: Unexpected global fault: gfsr=0x2"));
    assert_non_null(strstr(last_log, "(sid 9)"));
}

static bool mentions_smmu_spi(const void *fdt)
{
    for (int n = fdt_next_node(fdt, -1, NULL); n >= 0; n = fdt_next_node(fdt, n, NULL)) {
        int len;
        const fdt32_t *irq = fdt_getprop(fdt, n, "interrupts", &len);
        for (int k = 0; irq && (k + 3) * 4 <= len; k += 3)
            if (fdt32_ld(&irq[k]) == 0 && fdt32_ld(&irq[k + 1]) >= SPI_SMMU && fdt32_ld(&irq[k + 1]) <= SPI_SMMU + 16)
                return true;
    }
    return false;
}

static void test_dom0_dt(void **st)
{
    /* iomem= tries to give dom0 the SMMU: the hypervisor's deny wins. */
    struct hv_config c = { .mmio = HV_MMIO_LAZY, .hypervisor_node = true, .niomem = 1,
                           .iomem = { { SMMU_BASE, 0x20000, false } } };
    make(&c);
    const void *fdt = dom0_dt;
    assert_true(fdt_path_offset(host_fdt(), "/iommu@9050000") >= 0);
    assert_true(fdt_path_offset(fdt, "/iommu@9050000") < 0);
    assert_true(mentions_smmu_spi(host_fdt()));
    assert_false(mentions_smmu_spi(fdt));
    int va = fdt_path_offset(fdt, "/virtio_mmio@a200000"), dm = fdt_path_offset(fdt, "/dma@a300000");
    assert_true(va >= 0 && dm >= 0);
    assert_null(fdt_getprop(fdt, va, "iommus", NULL));
    assert_null(fdt_getprop(fdt, dm, "iommus", NULL));
    int h = fdt_path_offset(fdt, "/hypervisor"), len;
    assert_true(h >= 0);
    const fdt32_t *pd = fdt_getprop(fdt, h, "protected-devices", &len);
    assert_non_null(pd);
    assert_int_equal(len, 8);
    int n0 = fdt_node_offset_by_phandle(fdt, fdt32_ld(&pd[0])), n1 = fdt_node_offset_by_phandle(fdt, fdt32_ld(&pd[1]));
    assert_true((n0 == va && n1 == dm) || (n0 == dm && n1 == va));
    /* The SMMU's region: no region, no permission, never mapped; a dom0 access is injected. */
    const struct hv_region *r;
    unsigned nr = hv_regions(hv, &r);
    for (unsigned i = 0; i < nr; i++) assert_true(r[i].base + r[i].size <= SMMU_BASE || r[i].base >= SMMU_BASE + 0x20000);
    assert_false(hv_iomem_permitted(hv, SMMU_BASE));
    assert_false(hv_iomem_permitted(hv, SMMU_BASE + 0x10000));
    assert_true(hv_iomem_permitted(hv, UART));
    uint32_t esr = 0x24u << 26 | 1u << 25 | ESR_ISS_ISV | 2u << 22 | 0x06;
    struct cpu_s2_abort a = { .esr = esr, .far = SMMU_BASE, .hpfar = SMMU_BASE >> 12 << 4, .pc = RAM };
    assert_int_equal(hv_stage2_abort(hv, cpus[0], &a), CPU_S2_INJECT);
    assert_false(p2m_lookup(hv_dom0_p2m(hv), mk_ipa(SMMU_BASE), NULL, NULL));
    /* Without hypervisor-node there is no /hypervisor, and still no SMMU. */
    hvfx_teardown(st);
    struct hv_config e = { 0 };
    make(&e);
    assert_true(fdt_path_offset(dom0_dt, "/hypervisor") < 0);
    assert_true(fdt_path_offset(dom0_dt, "/iommu@9050000") < 0);
    assert_false(p2m_lookup(hv_dom0_p2m(hv), mk_ipa(SMMU_BASE), NULL, NULL));   /* eager: not mapped */
    assert_true(p2m_lookup(hv_dom0_p2m(hv), mk_ipa(UART), NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_programmed, hvfx_teardown),
        cmocka_unit_test_teardown(test_lazy_context_fault, hvfx_teardown),
        cmocka_unit_test_teardown(test_iotlb_coherency, hvfx_teardown),
        cmocka_unit_test_teardown(test_unmatched_stream, hvfx_teardown),
        cmocka_unit_test_teardown(test_dom0_dt, hvfx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
