/* tests/unit/test_mmu_stage2.c — the stage-2 walker (VTCR_EL2/VTTBR_EL2 form) and nested
 * stage-1 + stage-2 translation, on tables in a fake physical memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/unit/test_mmu_common.h"

static uint64_t vtcr(unsigned t0sz, unsigned sl0, unsigned tg0, unsigned ps)
{
    return t0sz | sl0 << 6 | (uint64_t)tg0 << 14 | (uint64_t)ps << 16 | 1ull << 31;
}
#define S2_RW (D_S2_R | D_S2_W)
#define S2_PAGE(pa, extra) ((pa) | D_PAGE | D_AF | (extra))

static void s2_expect_fault(const struct mmu_regime *r, uint64_t ipa, const struct mmu_access *a,
                            unsigned fsc)
{
    struct mmu_result res;
    assert_false(mmu_walk_s2(r, mk_ipa(ipa), a, &fm_rd, &res));
    assert_int_equal(mmu_fault_fsc(&res.fault), fsc);
    assert_int_equal(res.fault.stage, MMU_STAGE2);
    assert_false(res.fault.s1ptw);
    assert_true(res.fault.ipa_valid);
    assert_int_equal(res.fault.ipa.v, ipa);
}

/* Xen's p2m shape: 40-bit IPA, 4KB, SL0 = 1 → start at level 1 with 2 concatenated tables. */
static void test_concatenated_root_40bit(void **st)
{
    fm_reset();
    uint64_t root = fm_alloc(0x2000);
    struct mmu_regime r;
    mmu_regime_stage2(&r, vtcr(24, 1, 0, 2), root | 0x5ull << 48, 40);
    assert_true(r.s2_config_ok);
    assert_int_equal(r.start_level, 1);
    assert_int_equal(r.vmid, 5);
    /* IPA bit 39 set: index 512+ of the 1024-entry root — the second concatenated page */
    uint64_t ipa = 0x8040201000ull;
    tt_map(root, 12, 40, 1, ipa, 3, S2_PAGE(0x123000, S2_RW | D_MEMATTR(0xf) | D_SH_IS | D_SW(3)), 0);
    assert_true(tt_slot(root, 12, 40, 1, ipa, 1) >= root + 0x1000);
    struct mmu_result res;
    assert_true(mmu_walk_s2(&r, mk_ipa(ipa + 0x18), &ACC_W1, &fm_rd, &res));
    assert_int_equal(res.pa.v, 0x123018);
    assert_int_equal(res.level, 3);
    assert_int_equal(res.desc_reads, 3);
    assert_int_equal(res.attr, 0xf);
    assert_int_equal(res.sw, 3);                       /* Xen's p2m type lives here */
    assert_int_equal(res.sh, 3);
    assert_int_equal(res.vmid, 5);
    /* IPA beyond T0SZ = 24: translation fault level 0 with the IPA */
    s2_expect_fault(&r, 0x10000000000ull, &ACC_R1, 0x04);
}

/* The stage-2 walk cache: same results and descriptor-read counts as the walk, permissions
 * still checked per access, stale until flushed (like a TLB), faults never cached. */
static void test_s2_walk_cache(void **st)
{
    fm_reset();
    uint64_t root = fm_alloc(0x2000);
    struct mmu_regime r;
    mmu_regime_stage2(&r, vtcr(24, 1, 0, 2), root | 1ull << 48, 40);
    struct mmu_s2_cache *c = mmu_s2_cache_new();
    assert_non_null(c);
    r.s2_cache = c;
    uint64_t ipa = 0x40201000ull;
    tt_map(root, 12, 40, 1, ipa, 3, S2_PAGE(0x123000, D_S2_R | D_MEMATTR(0xf) | D_SW(2)), 0);
    struct mmu_result a, b;
    assert_true(mmu_walk_s2(&r, mk_ipa(ipa + 0x10), &ACC_R1, &fm_rd, &a));
    assert_true(mmu_walk_s2(&r, mk_ipa(ipa + 0x28), &ACC_R1, &fm_rd, &b));   /* a hit */
    assert_int_equal(a.pa.v, 0x123010);
    assert_int_equal(b.pa.v, 0x123028);
    assert_int_equal(b.desc_reads, a.desc_reads);
    assert_int_equal(b.sw, 2);
    assert_int_equal(b.level, 3);
    /* read-only: a write on the cached entry is a stage-2 permission fault with the IPA */
    assert_false(mmu_walk_s2(&r, mk_ipa(ipa + 8), &ACC_W1, &fm_rd, &b));
    assert_int_equal(mmu_fault_fsc(&b.fault), 0x0f);
    assert_true(b.fault.ipa_valid && b.fault.write);
    assert_int_equal(b.fault.ipa.v, ipa + 8);
    /* change the descriptor: stale until the flush */
    tt_map(root, 12, 40, 1, ipa, 3, S2_PAGE(0x456000, S2_RW), 0);
    assert_true(mmu_walk_s2(&r, mk_ipa(ipa), &ACC_R1, &fm_rd, &b));
    assert_int_equal(b.pa.v, 0x123000);
    mmu_s2_cache_flush(c);
    assert_true(mmu_walk_s2(&r, mk_ipa(ipa), &ACC_W1, &fm_rd, &b));
    assert_int_equal(b.pa.v, 0x456000);
    /* a fault is not remembered: mapping the page afterwards is seen at once */
    s2_expect_fault(&r, 0x40300000ull, &ACC_R1, 0x07);
    tt_map(root, 12, 40, 1, 0x40300000ull, 3, S2_PAGE(0x789000, S2_RW), 0);
    assert_true(mmu_walk_s2(&r, mk_ipa(0x40300004ull), &ACC_R1, &fm_rd, &b));
    assert_int_equal(b.pa.v, 0x789004);
    mmu_s2_cache_free(c);
}

static void test_sl0_start_levels(void **st)
{
    fm_reset();
    struct mmu_regime r;
    struct mmu_result res;
    /* 4KB, 48-bit IPA, SL0 = 2 → level 0 */
    uint64_t root = fm_alloc(0x1000);
    mmu_regime_stage2(&r, vtcr(16, 2, 0, 5), root, 48);
    assert_true(r.s2_config_ok);
    assert_int_equal(r.start_level, 0);
    tt_map(root, 12, 48, 0, 0x800000001000ull, 3, S2_PAGE(0x5000, S2_RW), 0);
    assert_true(mmu_walk_s2(&r, mk_ipa(0x800000001004ull), &ACC_R1, &fm_rd, &res));
    assert_int_equal(res.pa.v, 0x5004);
    assert_int_equal(res.desc_reads, 4);
    /* 4KB, 32-bit IPA, SL0 = 0 → level 2 with 4 concatenated tables */
    root = fm_alloc(0x4000);
    mmu_regime_stage2(&r, vtcr(32, 0, 0, 2), root, 48);
    assert_true(r.s2_config_ok);
    assert_int_equal(r.start_level, 2);
    tt_map(root, 12, 32, 2, 0xc0001000ull, 3, S2_PAGE(0x6000, S2_RW), 0);
    tt_map(root, 12, 32, 2, 0x80000000ull, 2, 0x200000 | D_BLOCK | D_AF | S2_RW, 0);
    assert_true(mmu_walk_s2(&r, mk_ipa(0xc0001ff8ull), &ACC_R1, &fm_rd, &res));
    assert_int_equal(res.pa.v, 0x6ff8);
    assert_int_equal(res.desc_reads, 2);
    assert_true(mmu_walk_s2(&r, mk_ipa(0x80012345ull), &ACC_R1, &fm_rd, &res));
    assert_int_equal(res.pa.v, 0x212345);
    assert_int_equal(res.block_shift, 21);
    /* 64KB, 42-bit IPA, SL0 = 1 → level 2 (8192-entry root, one 64KB table) */
    root = fm_alloc(0x10000);
    mmu_regime_stage2(&r, vtcr(22, 1, 1, 5), root, 48);
    assert_true(r.s2_config_ok);
    assert_int_equal(r.start_level, 2);
    tt_map(root, 16, 42, 2, 0x30000000000ull, 3, S2_PAGE(0x70000, S2_RW), 0);
    assert_true(mmu_walk_s2(&r, mk_ipa(0x3000000abcdull), &ACC_R1, &fm_rd, &res));
    assert_int_equal(res.pa.v, 0x7abcd);
    /* 16KB, 36-bit IPA, SL0 = 1 → level 2: 36 - 25 = 11 bits, one 16KB table */
    root = fm_alloc(0x4000);
    mmu_regime_stage2(&r, vtcr(28, 1, 2, 1), root, 48);
    assert_true(r.s2_config_ok);
    assert_int_equal(r.start_level, 2);
    tt_map(root, 14, 36, 2, 0x812344000ull, 3, S2_PAGE(0x8000, S2_RW), 0);
    assert_true(mmu_walk_s2(&r, mk_ipa(0x812345678ull), &ACC_R1, &fm_rd, &res));
    assert_int_equal(res.pa.v, 0x9678);
}

static void test_inconsistent_sl0(void **st)
{
    fm_reset();
    struct mmu_regime r;
    uint64_t root = fm_alloc(0x1000);
    /* 48-bit IPA starting at level 2 would need 2^27 root entries */
    mmu_regime_stage2(&r, vtcr(16, 0, 0, 5), root, 48);
    assert_false(r.s2_config_ok);
    s2_expect_fault(&r, 0x1000, &ACC_R1, 0x04);
    /* SL0 = 3 is reserved */
    mmu_regime_stage2(&r, vtcr(24, 3, 0, 5), root, 48);
    assert_false(r.s2_config_ok);
    /* 30-bit IPA starting at level 0 leaves nothing to resolve there */
    mmu_regime_stage2(&r, vtcr(34, 2, 0, 5), root, 48);
    assert_false(r.s2_config_ok);
    /* 40-bit IPA at level 1: 2 tables — fine; at level 2 it would need 512 */
    mmu_regime_stage2(&r, vtcr(24, 0, 0, 5), root, 48);
    assert_false(r.s2_config_ok);
}

static void test_s2ap_xn_memattr(void **st)
{
    fm_reset();
    uint64_t root = fm_alloc(0x2000);
    struct mmu_regime r;
    mmu_regime_stage2(&r, vtcr(24, 1, 0, 2), root, 40);
    const unsigned g = 12, isz = 40, sl = 1;
    tt_map(root, g, isz, sl, 0x1000, 3, S2_PAGE(0x1000, 0), 0);                              /* none */
    tt_map(root, g, isz, sl, 0x2000, 3, S2_PAGE(0x2000, D_S2_R | D_MEMATTR(0xf)), 0);          /* ro */
    tt_map(root, g, isz, sl, 0x3000, 3, S2_PAGE(0x3000, D_S2_W), 0);                          /* wo */
    tt_map(root, g, isz, sl, 0x4000, 3, S2_PAGE(0x4000, S2_RW | D_XN | D_MEMATTR(1) | D_SW(3)), 0); /* mmio_direct_dev */
    tt_map(root, g, isz, sl, 0x5000, 3, 0x5000 | D_PAGE | S2_RW, 0);                          /* AF = 0 */
    struct mmu_result res;
    s2_expect_fault(&r, 0x1000, &ACC_R1, 0x0f);
    s2_expect_fault(&r, 0x1000, &ACC_R0, 0x0f);
    assert_true(mmu_walk_s2(&r, mk_ipa(0x1000), &ACC_X1, &fm_rd, &res));   /* XN = 0: fetch ok */
    assert_true(mmu_walk_s2(&r, mk_ipa(0x2008), &ACC_R0, &fm_rd, &res));
    assert_int_equal(res.perms, MMU_PERM_EL0_R | MMU_PERM_EL1_R | MMU_PERM_EL0_X | MMU_PERM_EL1_X);
    assert_int_equal(res.attr, S2_MEMATTR_NORMAL_WB);
    s2_expect_fault(&r, 0x2008, &ACC_W1, 0x0f);
    struct mmu_result w;
    assert_false(mmu_walk_s2(&r, mk_ipa(0x2008), &ACC_W1, &fm_rd, &w));
    assert_true(w.fault.write);
    assert_true(mmu_walk_s2(&r, mk_ipa(0x3000), &ACC_W1, &fm_rd, &res));
    s2_expect_fault(&r, 0x3000, &ACC_R1, 0x0f);
    assert_true(mmu_walk_s2(&r, mk_ipa(0x4000), &ACC_W1, &fm_rd, &res));
    assert_int_equal(res.attr, S2_MEMATTR_DEVICE_nGnRE);
    assert_int_equal(res.sw, 3);
    s2_expect_fault(&r, 0x4000, &ACC_X1, 0x0f);
    s2_expect_fault(&r, 0x4000, &ACC_X0, 0x0f);
    s2_expect_fault(&r, 0x5000, &ACC_R1, 0x0b);                    /* access flag, level 3 */
    s2_expect_fault(&r, 0x6000, &ACC_R1, 0x07);                    /* unmapped, level 3 */
    s2_expect_fault(&r, 0x40000000, &ACC_R1, 0x05);                /* unmapped, level 1 */
    /* output beyond VTCR_EL2.PS (40 bits): address size fault */
    tt_map(root, g, isz, sl, 0x7000, 3, S2_PAGE(0x10000000000ull, S2_RW), 0);
    s2_expect_fault(&r, 0x7000, &ACC_R1, 0x03);
}

/* Stage 1 (4KB, 39-bit VA) whose tables live in IPA space, stage 2 mapping IPA → PA + 1MB. */
struct nested { struct mmu_regime s1, s2; uint64_t s1_root_ipa, s2_root; };
#define IPA_TO_PA 0x100000ull
#define S1_TT_IPA 0x200000ull    /* stage-1 tables at IPA 0x200000.. (PA 0x300000..) */

static void s2_map_page(struct nested *n, uint64_t ipa, uint64_t pa, uint64_t extra)
{
    tt_map(n->s2_root, 12, 40, 1, ipa, 3, S2_PAGE(pa, extra), 0);
}
static void nested_setup(struct nested *n)
{
    fm_reset();
    n->s2_root = fm_alloc(0x2000);
    mmu_regime_stage2(&n->s2, vtcr(24, 1, 0, 2), n->s2_root | 7ull << 48, 40);
    /* stage-1 tables: L1 at IPA 0x200000, L2 at 0x201000, L3 at 0x202000 */
    n->s1_root_ipa = S1_TT_IPA;
    for (unsigned i = 0; i < 3; i++)
        s2_map_page(n, S1_TT_IPA + i * 0x1000, S1_TT_IPA + IPA_TO_PA + i * 0x1000, S2_RW | D_MEMATTR(0xf));
    wr64(S1_TT_IPA + IPA_TO_PA + 0 * 8, (S1_TT_IPA + 0x1000) | D_TABLE);                 /* L1[0] */
    wr64(S1_TT_IPA + IPA_TO_PA + 0x1000 + 0 * 8, (S1_TT_IPA + 0x2000) | D_TABLE);        /* L2[0] */
    /* L3[1]: VA 0x1000 → IPA 0x40000 (Normal WB, attr 0); L3[2]: VA 0x2000 → IPA 0x41000 */
    wr64(S1_TT_IPA + IPA_TO_PA + 0x2000 + 1 * 8, 0x40000 | D_PAGE | D_AF | D_ATTR(0) | D_SH_IS);
    wr64(S1_TT_IPA + IPA_TO_PA + 0x2000 + 2 * 8, 0x41000 | D_PAGE | D_AF | D_ATTR(0) | D_SH_IS);
    s2_map_page(n, 0x40000, 0x40000 + IPA_TO_PA, S2_RW | D_MEMATTR(1) | D_SW(5));       /* Device at S2 */
    mmu_regime_el10(&n->s1, 25 | 2ull << 32 | 1ull << 23, n->s1_root_ipa, 0, 0xff, 0, 48);
}

static void test_nested_translation(void **st)
{
    struct nested n;
    nested_setup(&n);
    struct mmu_result res;
    assert_true(mmu_translate(&n.s1, &n.s2, mk_va(0x1234), &ACC_R1, &fm_rd, &res));
    assert_int_equal(res.ipa.v, 0x40234);
    assert_int_equal(res.pa.v, 0x140234);
    assert_int_equal(res.attr, MAIR_DEVICE_nGnRE);     /* S1 Normal WB + S2 Device-nGnRE */
    assert_int_equal(res.sh, 2);
    assert_int_equal(res.s2_memattr, 1);
    assert_int_equal(res.s2_sw, 5);
    assert_int_equal(res.vmid, 7);
    /* 3 stage-1 levels, each table IPA walked by a 3-level stage 2, plus the final IPA:
     * (3+1)*(3+1) - 1 = 15 descriptor reads */
    assert_int_equal(res.desc_reads, 15);
}

static void test_nested_s1ptw_fault(void **st)
{
    struct nested n;
    nested_setup(&n);
    /* Unmap the stage-1 L2 table's IPA at stage 2: a stage-2 translation fault at level 3,
     * S1PTW = 1, IPA = the address of the L2 descriptor, WnR = 0 even for a store. */
    wr64(tt_slot(n.s2_root, 12, 40, 1, S1_TT_IPA + 0x1000, 3), 0);
    struct mmu_result res;
    assert_false(mmu_translate(&n.s1, &n.s2, mk_va(0x1234), &ACC_W1, &fm_rd, &res));
    assert_int_equal(res.fault.stage, MMU_STAGE2);
    assert_true(res.fault.s1ptw);
    assert_false(res.fault.write);
    assert_int_equal(res.fault.kind, MMU_FAULT_TRANSLATION);
    assert_int_equal(mmu_fault_fsc(&res.fault), 0x07);
    assert_true(res.fault.ipa_valid);
    assert_int_equal(res.fault.ipa.v, S1_TT_IPA + 0x1000);      /* HPFAR.FIPA = 0x201 */
    /* Stage-2 permission: the stage-1 L3 table's page is not readable at stage 2 */
    nested_setup(&n);
    wr64(tt_slot(n.s2_root, 12, 40, 1, S1_TT_IPA + 0x2000, 3), S2_PAGE(S1_TT_IPA + IPA_TO_PA + 0x2000, D_S2_W));
    assert_false(mmu_translate(&n.s1, &n.s2, mk_va(0x1234), &ACC_R1, &fm_rd, &res));
    assert_true(res.fault.s1ptw);
    assert_int_equal(mmu_fault_fsc(&res.fault), 0x0f);
    assert_int_equal(res.fault.ipa.v, S1_TT_IPA + 0x2000 + 1 * 8);
}

static void test_nested_final_ipa_fault(void **st)
{
    struct nested n;
    nested_setup(&n);
    /* VA 0x2000 → IPA 0x41000, which stage 2 does not map: stage-2 fault, S1PTW = 0 */
    struct mmu_result res;
    assert_false(mmu_translate(&n.s1, &n.s2, mk_va(0x2010), &ACC_W1, &fm_rd, &res));
    assert_int_equal(res.fault.stage, MMU_STAGE2);
    assert_false(res.fault.s1ptw);
    assert_true(res.fault.write);
    assert_int_equal(mmu_fault_fsc(&res.fault), 0x07);
    assert_int_equal(res.fault.ipa.v, 0x41010);
    /* A stage-1 fault has priority and is reported as stage 1 */
    assert_false(mmu_translate(&n.s1, &n.s2, mk_va(0x3000), &ACC_R1, &fm_rd, &res));
    assert_int_equal(res.fault.stage, MMU_STAGE1);
    assert_int_equal(mmu_fault_fsc(&res.fault), 0x07);
    /* Stage-1 disabled + stage 2 (HCR_EL2.VM = 1, SCTLR_EL1.M = 0): VA = IPA, data Device */
    assert_true(mmu_translate(NULL, &n.s2, mk_va(0x40008), &ACC_R1, &fm_rd, &res));
    assert_int_equal(res.pa.v, 0x140008);
    assert_int_equal(res.attr, MAIR_DEVICE_nGnRnE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concatenated_root_40bit),
        cmocka_unit_test(test_sl0_start_levels),
        cmocka_unit_test(test_s2_walk_cache),
        cmocka_unit_test(test_inconsistent_sl0),
        cmocka_unit_test(test_s2ap_xn_memattr),
        cmocka_unit_test(test_nested_translation),
        cmocka_unit_test(test_nested_s1ptw_fault),
        cmocka_unit_test(test_nested_final_ipa_fault),
    };
    return cmocka_run_group_tests_name("mmu_stage2", tests, NULL, NULL);
}
