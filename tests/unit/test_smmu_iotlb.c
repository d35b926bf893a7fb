/* tests/unit/test_smmu_iotlb.c — the IOTLB genuinely caches: after a descriptor changes in
 * memory the stale translation is still used, and only the matching TLBI operation (followed
 * by TLBSYNC/TLBSTATUS or sTLBGSYNC/sTLBGSTATUS, which report completion at once) removes it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/unit/test_smmu_common.h"

static uint64_t xl(uint32_t sid, uint64_t iova, enum mmu_access_type a, bool *hit)
{
    pa_t pa; struct smmu_fault f; struct smmu_xlate x;
    bool ok = smmu_translate(ts, sid, iova, a, 0, &pa, &f, &x);
    if (hit) *hit = x.iotlb_hit;
    return ok ? pa.v : ~0ull;
}

static void cb_sync(unsigned n)
{
    CBW(n, TLBSYNC, 0xffffffff);
    assert_int_equal(CBR(n, TLBSTATUS) & 1, 0);      /* SACTIVE */
}
static void global_sync(void)
{
    GR0W(sTLBGSYNC, 0xffffffff);
    assert_int_equal(GR0R(sTLBGSTATUS) & 1, 0);      /* GSACTIVE */
}

#define SID 0x10
#define ASID 5
static uint64_t root;

static void s1_setup(void)
{
    smmu_env();
    linux_enable();
    root = fm_alloc(0x1000);
    linux_s1_domain(0, ASID, root, 0, SID);
}

/* Linux's unmap: clear the PTE, TLBIVAL (iova>>12 | ASID<<48), TLBSYNC. */
static void test_tlbiva(void **st)
{
    s1_setup();
    uint64_t iova = 0xfffffff00000ull;
    tt_map(root, 12, 48, 0, iova, 3, S1_PAGE(0x500000, 0), 0);
    uint64_t slot = tt_slot(root, 12, 48, 0, iova, 3);
    bool hit;
    assert_int_equal(xl(SID, iova + 8, MMU_READ, &hit), 0x500008);
    assert_false(hit);
    wr64(slot, S1_PAGE(0x510000, 0));                         /* remap in memory only */
    assert_int_equal(xl(SID, iova + 8, MMU_READ, &hit), 0x500008);   /* stale, from the IOTLB */
    assert_true(hit);
    CBWQ(0, TLBIVA, iova >> 12 | (uint64_t)(ASID + 1) << 48);  /* other ASID: no effect */
    cb_sync(0);
    assert_int_equal(xl(SID, iova + 8, MMU_READ, &hit), 0x500008);
    CBWQ(0, TLBIVA, (iova + 0x1000) >> 12 | (uint64_t)ASID << 48);   /* other page */
    cb_sync(0);
    assert_int_equal(xl(SID, iova + 8, MMU_READ, &hit), 0x500008);
    CBWQ(0, TLBIVA, iova >> 12 | (uint64_t)ASID << 48);
    cb_sync(0);
    assert_int_equal(xl(SID, iova + 8, MMU_READ, &hit), 0x510008);   /* gone: re-walked */
    assert_false(hit);
    /* unmap: a cleared PTE keeps translating until TLBIVAL */
    wr64(slot, 0);
    assert_int_equal(xl(SID, iova, MMU_READ, &hit), 0x510000);
    CBWQ(0, TLBIVAL, iova >> 12 | (uint64_t)ASID << 48);
    cb_sync(0);
    assert_int_equal(xl(SID, iova, MMU_READ, &hit), ~0ull);
    assert_int_equal(CBR(0, FSR), 1u << 1);                    /* TF */
    struct smmu_iotlb_stats s;
    smmu_iotlb_stats(ts, &s);
    assert_true(s.hits >= 4);
    smmu_env_free();
}

/* Rights are cached too: a page made read-only keeps accepting writes until invalidated. */
static void test_stale_permissions(void **st)
{
    s1_setup();
    uint64_t iova = 0x3000;
    tt_map(root, 12, 48, 0, iova, 3, S1_PAGE(0x500000, 0), 0);
    uint64_t slot = tt_slot(root, 12, 48, 0, iova, 3);
    assert_int_equal(xl(SID, iova, MMU_WRITE, NULL), 0x500000);
    wr64(slot, S1_PAGE(0x500000, D_AP_RO));
    assert_int_equal(xl(SID, iova, MMU_WRITE, NULL), 0x500000);
    CBWQ(0, TLBIVAA, iova >> 12);                               /* any ASID */
    cb_sync(0);
    assert_int_equal(xl(SID, iova, MMU_WRITE, NULL), ~0ull);
    assert_int_equal(CBR(0, FSR), 1u << 3);                    /* PF */
    CBW(0, FSR, 0xffffffff);
    /* the read-only entry is now cached: a write is refused from the IOTLB, with syndrome */
    bool hit;
    assert_int_equal(xl(SID, iova, MMU_READ, &hit), 0x500000);
    assert_false(hit);
    assert_int_equal(xl(SID, iova + 4, MMU_WRITE, &hit), ~0ull);
    assert_true(hit);
    assert_int_equal(CBR(0, FSR), 1u << 3);
    assert_int_equal(CBR(0, FSYNR0) & 0x13, 0x13);             /* WNR, level 3 */
    assert_int_equal(CBRQ(0, FAR), iova + 4);
    smmu_env_free();
}

static void test_tlbiasid_and_global(void **st)
{
    s1_setup();
    tt_map(root, 12, 48, 0, 0x1000, 3, S1_PAGE(0x500000, 0), 0);
    tt_map(root, 12, 48, 0, 0x2000, 3, S1_PAGE(0x501000, 0), 0);
    tt_map(root, 12, 48, 0, 0x3000, 3, S1_PAGE(0x502000, 0) & ~D_NG, 0);    /* global */
    for (uint64_t a = 0x1000; a <= 0x3000; a += 0x1000) xl(SID, a, MMU_READ, NULL);
    for (uint64_t a = 0x1000; a <= 0x3000; a += 0x1000)
        wr64(tt_slot(root, 12, 48, 0, a, 3), S1_PAGE(0x600000 + a, 0));
    CBW(0, TLBIASID, ASID + 1);
    cb_sync(0);
    assert_int_equal(xl(SID, 0x1000, MMU_READ, NULL), 0x500000);
    CBW(0, TLBIASID, ASID);                                      /* 32-bit write */
    cb_sync(0);
    assert_int_equal(xl(SID, 0x1000, MMU_READ, NULL), 0x601000);
    assert_int_equal(xl(SID, 0x2000, MMU_READ, NULL), 0x602000);
    assert_int_equal(xl(SID, 0x3000, MMU_READ, NULL), 0x502000);  /* global entry survives */
    CBWQ(0, TLBIVA, 0x3000 >> 12 | (uint64_t)(ASID + 7) << 48);    /* TLBIVA hits globals */
    cb_sync(0);
    assert_int_equal(xl(SID, 0x3000, MMU_READ, NULL), 0x603000);
    smmu_env_free();
}

static void test_tlbiall(void **st)
{
    s1_setup();
    tt_map(root, 12, 48, 0, 0x1000, 3, S1_PAGE(0x500000, 0), 0);
    tt_map(root, 12, 48, 0, 0x2000, 3, S1_PAGE(0x501000, 0) & ~D_NG, 0);
    xl(SID, 0x1000, MMU_READ, NULL);
    xl(SID, 0x2000, MMU_READ, NULL);
    wr64(tt_slot(root, 12, 48, 0, 0x1000, 3), S1_PAGE(0x700000, 0));
    wr64(tt_slot(root, 12, 48, 0, 0x2000, 3), S1_PAGE(0x701000, 0));
    assert_int_equal(xl(SID, 0x1000, MMU_READ, NULL), 0x500000);
    assert_int_equal(xl(SID, 0x2000, MMU_READ, NULL), 0x501000);
    CBW(0, TLBIALL, 0);
    cb_sync(0);
    assert_int_equal(xl(SID, 0x1000, MMU_READ, NULL), 0x700000);
    assert_int_equal(xl(SID, 0x2000, MMU_READ, NULL), 0x701000);
    /* TLBIALLNSNH empties everything */
    wr64(tt_slot(root, 12, 48, 0, 0x1000, 3), S1_PAGE(0x710000, 0));
    assert_int_equal(xl(SID, 0x1000, MMU_READ, NULL), 0x700000);
    GR0W(TLBIALLNSNH, 0xffffffff);
    global_sync();
    assert_int_equal(xl(SID, 0x1000, MMU_READ, NULL), 0x710000);
    smmu_env_free();
}

/* A TLBI by VA anywhere in a 2 MiB block removes the entries of every page of the block. */
static void test_tlbiva_block(void **st)
{
    s1_setup();
    uint64_t blk = 0x40000000ull;
    tt_map(root, 12, 48, 0, blk, 2, 0x200000 | D_BLOCK | D_AF | D_NG | D_AP_EL0, 0);
    uint64_t slot = tt_slot(root, 12, 48, 0, blk, 2);
    assert_int_equal(xl(SID, blk + 0x5004, MMU_READ, NULL), 0x205004);
    wr64(slot, 0x400000 | D_BLOCK | D_AF | D_NG | D_AP_EL0);
    assert_int_equal(xl(SID, blk + 0x5004, MMU_READ, NULL), 0x205004);
    CBWQ(0, TLBIVA, (blk + 0x1ff000) >> 12 | (uint64_t)ASID << 48);
    cb_sync(0);
    assert_int_equal(xl(SID, blk + 0x5004, MMU_READ, NULL), 0x405004);
    smmu_env_free();
}

/* Stage 2 (Xen's flush: TLBIVMID + sTLBGSYNC), TLBIIPAS2 (Linux S2 domains). */
static void test_tlbivmid_and_ipas2(void **st)
{
    smmu_env();
    linux_enable();
    uint64_t s2root = fm_alloc(0x2000);
    xen_s2_bank(1, 3, s2root, 0x80023558);              /* 40-bit IPA, SL0 = 1, PS 40 */
    GR0W(S2CR(0), 1);
    GR0W(SMR(0), 0x80000000u | 0x20);
    tt_map(s2root, 12, 40, 1, 0x40000000ull, 3, S2_PAGE_RW(0x500000), 0);
    tt_map(s2root, 12, 40, 1, 0x40001000ull, 3, S2_PAGE_RW(0x501000), 0);
    assert_int_equal(xl(0x20, 0x40000010ull, MMU_WRITE, NULL), 0x500010);
    assert_int_equal(xl(0x20, 0x40001010ull, MMU_WRITE, NULL), 0x501010);
    wr64(tt_slot(s2root, 12, 40, 1, 0x40000000ull, 3), S2_PAGE_RW(0x600000));
    wr64(tt_slot(s2root, 12, 40, 1, 0x40001000ull, 3), S2_PAGE_RW(0x601000));
    GR0W(TLBIVMID, 4);                                   /* another VMID */
    global_sync();
    bool hit;
    assert_int_equal(xl(0x20, 0x40000010ull, MMU_WRITE, &hit), 0x500010);
    assert_true(hit);
    CBWQ(1, TLBIIPAS2, 0x40001000ull >> 12);             /* one IPA page */
    cb_sync(1);
    assert_int_equal(xl(0x20, 0x40000010ull, MMU_WRITE, NULL), 0x500010);
    assert_int_equal(xl(0x20, 0x40001010ull, MMU_WRITE, NULL), 0x601010);
    GR0W(TLBIVMID, 3);
    global_sync();
    assert_int_equal(xl(0x20, 0x40000010ull, MMU_WRITE, &hit), 0x600010);
    assert_false(hit);
    smmu_env_free();
}

/* Reprogramming a bank (TTBR0, TCR, SCTLR, CBAR) drops its entries: a fresh domain on a reused
 * bank never sees the previous owner's translations. */
static void test_reconfig_drops(void **st)
{
    s1_setup();
    tt_map(root, 12, 48, 0, 0x1000, 3, S1_PAGE(0x500000, 0), 0);
    assert_int_equal(xl(SID, 0x1000, MMU_READ, NULL), 0x500000);
    uint64_t root2 = fm_alloc(0x1000);
    tt_map(root2, 12, 48, 0, 0x1000, 3, S1_PAGE(0x520000, 0), 0);
    CBWQ(0, TTBR0, (uint64_t)ASID << 48 | root2);
    assert_int_equal(xl(SID, 0x1000, MMU_READ, NULL), 0x520000);
    smmu_env_free();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tlbiva),
        cmocka_unit_test(test_stale_permissions),
        cmocka_unit_test(test_tlbiasid_and_global),
        cmocka_unit_test(test_tlbiall),
        cmocka_unit_test(test_tlbiva_block),
        cmocka_unit_test(test_tlbivmid_and_ipas2),
        cmocka_unit_test(test_reconfig_drops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
