/* tests/unit/test_smmu_s2.c — stage-2 context banks that share the CPU's p2m (the same root
 * and descriptors the CPU's VTTBR_EL2 walk uses; ARCHITECTURE.md decision 1, smmuv2.md §3),
 * and nested (stage 1 + stage 2) contexts with their fault reporting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/unit/test_smmu_common.h"

#define XEN_VTCR 0x80023558u      /* T0SZ 24 (40-bit IPA), SL0 1, WBWA, inner, 4K, PS 40 bits */

static bool xlate(uint32_t sid, uint64_t iova, enum mmu_access_type a, uint64_t *pa_out,
                  struct smmu_fault *f)
{
    pa_t pa; struct smmu_xlate x;
    bool ok = smmu_translate(ts, sid, iova, a, 0, &pa, f, &x);
    *pa_out = pa.v;
    return ok;
}

/* The SMMU and the CPU's stage-2 walker agree on every IPA of a p2m they share, including
 * after the hypervisor edits the p2m and flushes the SMMU by VMID as Xen does. */
static void test_shared_p2m(void **st)
{
    smmu_env();
    linux_enable();
    uint64_t p2m_root = fm_alloc(0x2000);        /* 2 concatenated level-1 tables */
    const uint8_t vmid = 1;                      /* Xen: SMMU VMID = cb + 1 */
    xen_s2_bank(0, vmid, p2m_root, XEN_VTCR);
    GR0W(S2CR(0), 0);
    GR0W(SMR(0), 0x80000000u | 0x30);
    /* the p2m as the hypervisor builds it: RAM rw, one ro page (p2m_ram_ro), a 2 MiB block,
     * an entry with software type bits, an IPA above 2^39 (second root page) */
    tt_map(p2m_root, 12, 40, 1, 0x40000000ull, 3, S2_PAGE_RW(0x500000) | D_SW(1), 0);
    tt_map(p2m_root, 12, 40, 1, 0x40001000ull, 3, S2_PAGE_RW(0x501000) & ~D_S2_W, 0);
    tt_map(p2m_root, 12, 40, 1, 0x40200000ull, 2, 0x600000 | D_BLOCK | D_AF | D_S2_R | D_S2_W, 0);
    tt_map(p2m_root, 12, 40, 1, 0x8000003000ull, 3, S2_PAGE_RW(0x503000), 0);
    /* the CPU's view: VTCR_EL2/VTTBR_EL2 with the same root */
    struct mmu_regime cpu;
    mmu_regime_stage2(&cpu, XEN_VTCR, (uint64_t)vmid << 48 | p2m_root, 48);
    const uint64_t ipas[] = { 0x40000010, 0x40001ff8, 0x40234568, 0x8000003abcull };
    for (unsigned i = 0; i < 4; i++) {
        struct mmu_result r;
        assert_true(mmu_walk_s2(&cpu, mk_ipa(ipas[i]), &ACC_R1, &fm_rd, &r));
        uint64_t pa;
        struct smmu_fault f;
        assert_true(xlate(0x30, ipas[i], MMU_READ, &pa, &f));
        assert_int_equal(pa, r.pa.v);
    }
    /* p2m_ram_ro: DMA writes fault with PF at level 3, FAR = IPA, reads work */
    struct dma_port p;
    dma_port_init(&p, tb, ts, 0x30);
    uint32_t v = 7;
    assert_int_equal(dma_write(&p, 0x40001000, &v, 4, 0), DMA_SMMU_FAULT);
    assert_int_equal(CBR(0, FSR), 1u << 3);
    assert_int_equal(CBR(0, FSYNR0) & 0x13, 0x13);
    assert_int_equal(CBRQ(0, FAR), 0x40001000);
    assert_int_equal(GR1R(CBFRSYNRA(0)), 0x30);
    assert_true(irq_level[SMMU_IRQ_CONTEXT(0)]);
    CBW(0, FSR, 0xffffffff);
    assert_false(irq_level[SMMU_IRQ_CONTEXT(0)]);
    assert_int_equal(dma_read(&p, 0x40001000, &v, 4, 0), DMA_OK);
    /* a device page the hypervisor has not mapped yet (lazy MMIO): the DMA faults, no retry */
    assert_int_equal(dma_write(&p, 0x09060000, &v, 4, 0), DMA_SMMU_FAULT);
    assert_int_equal(CBR(0, FSR), 1u << 1);                     /* TF */
    assert_int_equal(p.fault.walk.stage, MMU_STAGE2);
    CBW(0, FSR, 0xffffffff);
    /* an entry with the valid bit clear but other bits set is a translation fault */
    uint64_t slot = tt_slot(p2m_root, 12, 40, 1, 0x40000000ull, 3);
    wr64(slot, S2_PAGE_RW(0x500000) & ~1ull);
    GR0W(TLBIVMID, vmid);
    GR0W(sTLBGSYNC, 0);
    uint64_t pa;
    struct smmu_fault f;
    assert_false(xlate(0x30, 0x40000000, MMU_READ, &pa, &f));
    assert_int_equal(CBR(0, FSR), 1u << 1);
    CBW(0, FSR, 0xffffffff);
    /* the hypervisor remaps through the bus (as the p2m code will), flushes by VMID: both
     * walkers see the new page */
    assert_int_equal(bus_write(tb, mk_pa(slot), 8, S2_PAGE_RW(0x540000)), BUS_OK);
    GR0W(TLBIVMID, vmid);
    GR0W(sTLBGSYNC, 0);
    assert_true(xlate(0x30, 0x40000123, MMU_WRITE, &pa, &f));
    struct mmu_result r;
    assert_true(mmu_walk_s2(&cpu, mk_ipa(0x40000123), &ACC_W1, &fm_rd, &r));
    assert_int_equal(pa, 0x540123);
    assert_int_equal(r.pa.v, 0x540123);
    /* IPA beyond T0SZ: level-0 translation fault */
    assert_false(xlate(0x30, 0x10000000000ull, MMU_READ, &pa, &f));
    assert_int_equal(f.fsr, 1u << 1);
    assert_int_equal(f.fsynr0 & 3, 0);
    smmu_env_free();
}

/* The stage-2 bank the nested tests put stage 1 on: CB0, VMID 9, the first 8 MiB mapped 1:1 as
 * 2 MiB blocks (where the stage-1 tables live) and IPA 0x80000000 -> PA 0x530000. Its root. */
static uint64_t nested_s2_bank(void)
{
    uint64_t s2root = fm_alloc(0x2000);
    xen_s2_bank(0, 9, s2root, XEN_VTCR);
    for (uint64_t a = 0; a < FM_SIZE; a += 0x200000)
        tt_map(s2root, 12, 40, 1, a, 2, a | D_BLOCK | D_AF | D_S2_R | D_S2_W, 0);
    tt_map(s2root, 12, 40, 1, 0x80000000ull, 3, S2_PAGE_RW(0x530000), 0);
    return s2root;
}

/* Nested: CB1 (stage 1, TYPE 3) on top of CB0 (stage 2). Stage-1 tables live at IPAs that
 * stage 2 maps 1:1 (the first 8 MiB, as 2 MiB blocks); the data IPA is relocated. */
static void test_nested(void **st)
{
    smmu_env();
    linux_enable();
    uint64_t s2root = nested_s2_bank();
    tt_map(s2root, 12, 40, 1, 0x80001000ull, 3, S2_PAGE_RW(0x531000) & ~D_S2_W, 0);
    uint64_t s1root = fm_alloc(0x1000);
    linux_s1_domain(1, 7, s1root, 0, 0x44);
    GR1W(CBAR(1), 3u << 16 | 0u << 8);                         /* nested on CB0 */
    tt_map(s1root, 12, 48, 0, 0xffff00000000ull, 3, S1_PAGE(0x80000000ull, 0), 0);
    tt_map(s1root, 12, 48, 0, 0xffff00001000ull, 3, S1_PAGE(0x80001000ull, 0), 0);
    tt_map(s1root, 12, 48, 0, 0xffff00002000ull, 3, S1_PAGE(0x90000000ull, 0), 0);   /* no S2 */
    tt_map(s1root, 12, 48, 0, 0xffff00003000ull, 3, S1_PAGE(0x80000000ull, D_AP_RO), 0);
    uint64_t pa;
    struct smmu_fault f;
    pa_t p; struct smmu_xlate x;
    assert_true(smmu_translate(ts, 0x44, 0xffff00000abcull, MMU_WRITE, 0, &p, &f, &x));
    assert_int_equal(p.v, 0x530abc);
    assert_int_equal(x.cb, 1);
    assert_int_equal(x.desc_reads, 4 * (2 + 1) + 3);   /* 4 S1 fetches, each after a 2-level S2 walk; final S2 walk */
    /* stage-2 permission fault on the final IPA: recorded in the stage-2 bank */
    assert_false(xlate(0x44, 0xffff00001010ull, MMU_WRITE, &pa, &f));
    assert_int_equal(f.cb, 0);
    assert_int_equal(CBR(0, FSR), 1u << 3);
    uint32_t syn = CBR(0, FSYNR0);
    assert_int_equal((syn >> 16) & 0xff, 1);                   /* S1CBNDX */
    assert_int_equal(syn & (1u << 10), 0);                     /* not a table-walk fault */
    assert_int_equal(syn & 0x13, 0x13);
    assert_int_equal(CBRQ(0, FAR), 0xffff00001010ull);
    assert_int_equal(CBRQ(0, IPAFAR), 0x80001010ull);
    assert_int_equal(GR1R(CBFRSYNRA(0)), 0x44);
    assert_true(irq_level[SMMU_IRQ_CONTEXT(0)]);
    assert_false(irq_level[SMMU_IRQ_CONTEXT(1)]);
    CBW(0, FSR, 0xffffffff);
    /* stage-2 translation fault on the final IPA */
    assert_false(xlate(0x44, 0xffff00002000ull, MMU_READ, &pa, &f));
    assert_int_equal(CBR(0, FSR), 1u << 1);
    assert_int_equal(CBRQ(0, IPAFAR), 0x90000000ull);
    CBW(0, FSR, 0xffffffff);
    /* stage-1 permission fault: recorded in the stage-1 bank */
    assert_false(xlate(0x44, 0xffff00003000ull, MMU_WRITE, &pa, &f));
    assert_int_equal(f.cb, 1);
    assert_int_equal(CBR(1, FSR), 1u << 3);
    assert_int_equal(CBR(0, FSR), 0);
    CBW(1, FSR, 0xffffffff);
    /* stage-2 fault on a stage-1 table walk: TTBR0 at an IPA stage 2 does not map */
    CBWQ(1, TTBR0, (uint64_t)7 << 48 | 0x7f000000ull);
    assert_false(xlate(0x44, 0xffff00000000ull, MMU_READ, &pa, &f));
    assert_int_equal(f.cb, 0);
    syn = CBR(0, FSYNR0);
    assert_int_equal(syn & (1u << 10), 1u << 10);              /* PTWF */
    assert_int_equal((syn >> 16) & 0xff, 1);
    assert_int_equal(CBRQ(0, IPAFAR) & ~0xfffull, 0x7f000000ull);
    CBW(0, FSR, 0xffffffff);
    /* invalid nesting (points at a non-stage-2 bank): invalid context fault */
    GR1W(CBAR(1), 3u << 16 | 1u << 8);
    assert_false(xlate(0x44, 0xffff00000000ull, MMU_READ, &pa, &f));
    assert_int_equal(f.outcome, SMMU_GLOBAL_FAULT);
    assert_int_equal(GR0R(sGFSR), 1);                          /* ICF */
    smmu_env_free();
}

/* Nested TLB maintenance: the combined entry carries the stage-2 VMID; TLBIVMID of the stage-2
 * bank's VMID and TLBIVA on the stage-1 bank both remove it. */
static void test_nested_tlbi(void **st)
{
    smmu_env();
    linux_enable();
    uint64_t s2root = nested_s2_bank();
    uint64_t s1root = fm_alloc(0x1000);
    linux_s1_domain(1, 7, s1root, 0, 0x44);
    GR1W(CBAR(1), 3u << 16);
    tt_map(s1root, 12, 48, 0, 0x5000, 3, S1_PAGE(0x80000000ull, 0), 0);
    uint64_t pa;
    struct smmu_fault f;
    assert_true(xlate(0x44, 0x5000, MMU_READ, &pa, &f));
    assert_int_equal(pa, 0x530000);
    wr64(tt_slot(s2root, 12, 40, 1, 0x80000000ull, 3), S2_PAGE_RW(0x538000));
    assert_true(xlate(0x44, 0x5000, MMU_READ, &pa, &f));
    assert_int_equal(pa, 0x530000);                           /* stale */
    GR0W(TLBIVMID, 9);
    GR0W(sTLBGSYNC, 0);
    assert_true(xlate(0x44, 0x5000, MMU_READ, &pa, &f));
    assert_int_equal(pa, 0x538000);
    wr64(tt_slot(s2root, 12, 40, 1, 0x80000000ull, 3), S2_PAGE_RW(0x539000));
    CBWQ(1, TLBIVA, 0x5000 >> 12 | 7ull << 48);
    CBW(1, TLBSYNC, 0);
    assert_true(xlate(0x44, 0x5000, MMU_READ, &pa, &f));
    assert_int_equal(pa, 0x539000);
    smmu_env_free();
}

/* A nested DMA whose first page meets a stage-1 fault that is answered RAZ/WI (stage-1 bank
 * CFRE = 0) and whose second page meets a stage-2 fault that aborts (stage-2 bank CFRE = 1): the
 * port must describe the abort (the stage-2 fault, at the second page), not the earlier RAZ/WI
 * fault. (Found by test_smmu_fuzz.) */
static void test_nested_dma_reports_the_abort(void **st)
{
    smmu_env();
    linux_enable();
    nested_s2_bank();                                          /* CB0: SCTLR 0x67, CFRE = 1 */
    uint64_t s1root = fm_alloc(0x1000);
    linux_s1_domain(1, 7, s1root, 0, 0x44);
    GR1W(CBAR(1), 3u << 16);
    CBW(1, SCTLR, 0x1047);                                     /* CFRE = 0: stage-1 faults RAZ/WI */
    tt_map(s1root, 12, 48, 0, 0x6000, 3, S1_PAGE(0x80000000ull, D_AP_RO), 0);    /* S1 RO */
    tt_map(s1root, 12, 48, 0, 0x7000, 3, S1_PAGE(0x90000000ull, 0), 0);          /* no S2 */
    struct dma_port p;
    dma_port_init(&p, tb, ts, 0x44);
    uint8_t buf[0x2000];
    memset(buf, 0x5a, sizeof buf);
    assert_int_equal(dma_write(&p, 0x6000, buf, sizeof buf, 0), DMA_SMMU_FAULT);
    assert_int_equal(CBR(1, FSR), 1u << 3);                    /* the RAZ/WI one, recorded */
    assert_int_equal(CBR(0, FSR), 1u << 1);                    /* the abort */
    assert_int_equal(p.fault.outcome, SMMU_CONTEXT_FAULT);
    assert_int_equal(p.fault.cb, 0);
    assert_int_equal(p.fault.fsr, 1u << 1);
    assert_true(p.fault.abort);
    assert_int_equal(p.fault_iova, 0x7000);
    assert_int_equal(p.done, 0x1000);
    /* a transfer that only meets the RAZ/WI fault completes and reports it */
    CBW(1, FSR, 0xffffffff);
    assert_int_equal(dma_write(&p, 0x6000, buf, 0x1000, 0), DMA_OK);
    assert_int_equal(p.fault.outcome, SMMU_CONTEXT_FAULT);
    assert_int_equal(p.fault.cb, 1);
    assert_false(p.fault.abort);
    assert_int_equal(p.fault_iova, 0x6000);
    assert_int_equal(p.done, 0);
    smmu_env_free();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_p2m),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_nested_tlbi),
        cmocka_unit_test(test_nested_dma_reports_the_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
