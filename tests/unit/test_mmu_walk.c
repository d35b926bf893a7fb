/* tests/unit/test_mmu_walk.c — the stage-1 walker (mmu/walk.c) on page tables built in a fake
 * physical memory, and the CPU's EL1&0 translation with the MMU on (white-box: sets c->sr[]). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/unit/test_mmu_common.h"
#include "cpu/translate.h"

#define MAIR_TEST 0x000000040044ffffull  /* Linux's: 0,1 WB; 2 NC; 3 nGnRnE; 4 nGnRE */
#define TG0_4K  0ull
#define TG0_64K 1ull
#define TG0_16K 2ull
#define TG1_16K 1ull
#define TG1_4K  2ull
#define TG1_64K 3ull
#define TCR_EPD0 (1ull << 7)
#define TCR_EPD1 (1ull << 23)
#define TCR_A1   (1ull << 22)
#define TCR_AS   (1ull << 36)
#define TCR_TBI0 (1ull << 37)
#define TCR_TBI1 (1ull << 38)

static uint64_t tcr(unsigned t0sz, uint64_t tg0, unsigned t1sz, uint64_t tg1, unsigned ips)
{
    return t0sz | tg0 << 14 | (uint64_t)t1sz << 16 | tg1 << 30 | (uint64_t)ips << 32;
}

/* One EL1&0 regime with TTBR0 = a fresh root and TTBR1 = another. */
struct s1 { struct mmu_regime r; uint64_t root0, root1; unsigned g0, isz0, g1, isz1; };

static void s1_make(struct s1 *s, uint64_t tcr_val, uint64_t sctlr)
{
    struct mmu_regime tmp;
    mmu_regime_el10(&tmp, tcr_val, 0, 0, MAIR_TEST, sctlr, 48);
    s->g0 = tmp.range[0].granule_shift; s->isz0 = 64 - tmp.range[0].txsz;
    s->g1 = tmp.range[1].granule_shift; s->isz1 = 64 - tmp.range[1].txsz;
    s->root0 = fm_alloc(1ull << s->g0 > 0x1000 ? 1ull << s->g0 : 0x1000);
    s->root1 = fm_alloc(1ull << s->g1 > 0x1000 ? 1ull << s->g1 : 0x1000);
    mmu_regime_el10(&s->r, tcr_val, s->root0, s->root1 | 0x1234ull << 48, MAIR_TEST, sctlr, 48);
}
static void map0(struct s1 *s, uint64_t va, unsigned level, uint64_t leaf, uint64_t tbits)
{
    tt_map(s->root0, s->g0, s->isz0, tt_start_level(s->g0, s->isz0), va, level, leaf, tbits);
}
static void map1(struct s1 *s, uint64_t va, unsigned level, uint64_t leaf)
{
    tt_map(s->root1, s->g1, s->isz1, tt_start_level(s->g1, s->isz1), va & ((1ull << s->isz1) - 1), level, leaf, 0);
}

static bool walk(struct s1 *s, uint64_t va, const struct mmu_access *a, struct mmu_result *res)
{
    return mmu_walk_s1(&s->r, NULL, mk_va(va), a, &fm_rd, res);
}
static void expect_fault(struct s1 *s, uint64_t va, const struct mmu_access *a, unsigned fsc)
{
    struct mmu_result res;
    assert_false(walk(s, va, a, &res));
    assert_int_equal(mmu_fault_fsc(&res.fault), fsc);
    assert_int_equal(res.fault.stage, MMU_STAGE1);
}

/* ---- granules, levels, blocks ---- */

static void test_4k_page_and_blocks(void **st)
{
    fm_reset();
    struct s1 s;
    s1_make(&s, tcr(16, TG0_4K, 16, TG1_4K, 5), 0);
    map0(&s, 0x0000123456789000ull, 3, 0x200000 | D_PAGE | D_AF | D_ATTR(4) | D_SH_IS | D_SW(0xa), 0);
    map0(&s, 0x0000004000000000ull, 1, 0x40000000 | D_BLOCK | D_AF | D_ATTR(2), 0);    /* 1GB */
    map0(&s, 0x0000008000200000ull, 2, 0x400000 | D_BLOCK | D_AF, 0);                   /* 2MB */
    struct mmu_result r;
    assert_true(walk(&s, 0x0000123456789abcull, &ACC_R1, &r));
    assert_int_equal(r.ipa.v, 0x200abc);
    assert_int_equal(r.level, 3);
    assert_int_equal(r.block_shift, 12);
    assert_int_equal(r.attr, 0x04);           /* MAIR attr4 = Device-nGnRE */
    assert_int_equal(r.sh, 3);
    assert_int_equal(r.sw, 0xa);
    assert_int_equal(r.desc_reads, 4);        /* L0..L3 */
    assert_true(walk(&s, 0x0000004012345678ull, &ACC_R1, &r));
    assert_int_equal(r.ipa.v, 0x52345678);
    assert_int_equal(r.level, 1);
    assert_int_equal(r.block_shift, 30);
    assert_int_equal(r.attr, 0x44);
    assert_true(walk(&s, 0x00000080002abcdeull, &ACC_R1, &r));
    assert_int_equal(r.ipa.v, 0x4abcde);
    assert_int_equal(r.level, 2);
    assert_int_equal(r.block_shift, 21);
    assert_int_equal(r.attr, 0xff);
}

static void test_4k_39bit_starts_at_l1(void **st)
{
    fm_reset();
    struct s1 s;
    s1_make(&s, tcr(25, TG0_4K, 25, TG1_4K, 2), 0);
    map0(&s, 0x12345000, 3, 0x7000 | D_PAGE | D_AF, 0);
    struct mmu_result r;
    assert_true(walk(&s, 0x12345008, &ACC_R1, &r));
    assert_int_equal(r.ipa.v, 0x7008);
    assert_int_equal(r.desc_reads, 3);
}

static void test_reserved_and_illegal_blocks(void **st)
{
    fm_reset();
    struct s1 s;
    s1_make(&s, tcr(16, TG0_4K, 16, TG1_4K, 5), 0);
    /* block at level 0 (4KB granule): reserved → translation fault level 0 */
    map0(&s, 0x0000008000000000ull, 0, 0x0 | D_BLOCK | D_AF, 0);
    expect_fault(&s, 0x0000008000000000ull, &ACC_R1, 0x04);
    /* 0b01 at level 3: reserved → translation fault level 3 */
    map0(&s, 0x0000000000401000ull, 3, 0x5000 | D_BLOCK | D_AF, 0);
    expect_fault(&s, 0x0000000000401000ull, &ACC_R1, 0x07);
    /* 0b10 (valid bit clear) at level 3 */
    map0(&s, 0x0000000000402000ull, 3, 0x5000 | 2 | D_AF, 0);
    expect_fault(&s, 0x0000000000402000ull, &ACC_R1, 0x07);
}

static void test_16k_granule(void **st)
{
    fm_reset();
    struct s1 s;
    /* 48-bit VA, 16KB: level 0 has 2 entries; 47-bit would start at level 1 */
    s1_make(&s, tcr(16, TG0_16K, 17, TG1_16K, 5), 0);
    assert_int_equal(tt_start_level(14, 48), 0);
    assert_int_equal(tt_start_level(14, 47), 1);
    map0(&s, 0x0000800012344000ull, 3, 0x118000 | D_PAGE | D_AF, 0);
    map0(&s, 0x0000000004000000ull, 2, 0x2000000 | D_BLOCK | D_AF, 0);    /* 32MB block */
    map0(&s, 0x0000001000000000ull, 1, 0x0 | D_BLOCK | D_AF, 0);          /* L1 block: illegal */
    struct mmu_result r;
    assert_true(walk(&s, 0x0000800012345678ull, &ACC_R1, &r));
    assert_int_equal(r.ipa.v, 0x119678);
    assert_int_equal(r.block_shift, 14);
    assert_int_equal(r.desc_reads, 4);
    assert_true(walk(&s, 0x0000000004abcdefull, &ACC_R1, &r));
    assert_int_equal(r.ipa.v, 0x2abcdef);
    assert_int_equal(r.level, 2);
    assert_int_equal(r.block_shift, 25);
    expect_fault(&s, 0x0000001000000000ull, &ACC_R1, 0x05);
    /* TTBR1 with T1SZ = 17 (47 bits, start level 1) */
    map1(&s, 0xffff800000004000ull, 3, 0x8000 | D_PAGE | D_AF);
    assert_true(walk(&s, 0xffff800000004010ull, &ACC_R1, &r));
    assert_int_equal(r.ipa.v, 0x8010);
    assert_int_equal(r.desc_reads, 3);
}

static void test_64k_granule(void **st)
{
    fm_reset();
    struct s1 s;
    /* 42-bit VA: start level 2; 48-bit: start level 1 */
    s1_make(&s, tcr(22, TG0_64K, 16, TG1_64K, 5), 0);
    assert_int_equal(tt_start_level(16, 42), 2);
    assert_int_equal(tt_start_level(16, 48), 1);
    map0(&s, 0x0000012345670000ull, 3, 0x130000 | D_PAGE | D_AF, 0);
    map0(&s, 0x0000000060000000ull, 2, 0x20000000 | D_BLOCK | D_AF, 0);   /* 512MB block */
    struct mmu_result r;
    assert_true(walk(&s, 0x000001234567abcdull, &ACC_R1, &r));
    assert_int_equal(r.ipa.v, 0x13abcd);
    assert_int_equal(r.block_shift, 16);
    assert_int_equal(r.desc_reads, 2);
    assert_true(walk(&s, 0x0000000061234567ull, &ACC_R1, &r));
    assert_int_equal(r.ipa.v, 0x21234567);
    assert_int_equal(r.block_shift, 29);
    /* TTBR1, 48 bits: a level-1 block is illegal without 52-bit PA */
    map1(&s, 0xffff040000000000ull, 1, 0x0 | D_BLOCK | D_AF);
    expect_fault(&s, 0xffff040000000000ull, &ACC_R1, 0x05);
    map1(&s, 0xffff000000010000ull, 3, 0x50000 | D_PAGE | D_AF);
    assert_true(walk(&s, 0xffff000000010004ull, &ACC_R1, &r));
    assert_int_equal(r.ipa.v, 0x50004);
    assert_int_equal(r.desc_reads, 3);
    /* OA[51:48] in bits [15:12] without 52-bit PA: address size fault */
    map0(&s, 0x0000012345680000ull, 3, 0x140000 | 0x1000 | D_PAGE | D_AF, 0);
    expect_fault(&s, 0x0000012345680000ull, &ACC_R1, 0x03);
}

/* ---- translation faults ---- */

static void test_translation_fault_levels(void **st)
{
    fm_reset();
    struct s1 s;
    s1_make(&s, tcr(16, TG0_4K, 16, TG1_4K, 5), 0);
    map0(&s, 0x0000000040201000ull, 3, 0x1000 | D_PAGE | D_AF, 0);
    expect_fault(&s, 0x0000100000000000ull, &ACC_R1, 0x04);   /* no L0 entry */
    expect_fault(&s, 0x0000004000000000ull, &ACC_R1, 0x05);   /* L1 entry invalid */
    expect_fault(&s, 0x0000000040000000ull, &ACC_R1, 0x06);   /* L2 entry invalid */
    expect_fault(&s, 0x0000000040202000ull, &ACC_W1, 0x07);   /* L3 entry invalid */
    struct mmu_result r;
    assert_false(walk(&s, 0x0000000040202000ull, &ACC_W1, &r));
    assert_true(r.fault.write);
    assert_int_equal(r.fault.level, 3);
}

static void test_range_epd_and_ttbr1(void **st)
{
    fm_reset();
    struct s1 s;
    s1_make(&s, tcr(25, TG0_4K, 25, TG1_4K, 5), 0);
    map0(&s, 0x1000, 3, 0x3000 | D_PAGE | D_AF, 0);
    map1(&s, 0xffffff8000001000ull, 3, 0x4000 | D_PAGE | D_AF);
    struct mmu_result r;
    assert_true(walk(&s, 0x1008, &ACC_R1, &r));
    assert_int_equal(r.ipa.v, 0x3008);
    assert_true(walk(&s, 0xffffff8000001008ull, &ACC_R1, &r));   /* TTBR1, T1SZ = 25 */
    assert_int_equal(r.ipa.v, 0x4008);
    /* above the TTBR0 range, in the gap, below the TTBR1 range: level-0 translation faults */
    expect_fault(&s, 0x0000008000001000ull, &ACC_R1, 0x04);
    expect_fault(&s, 0x8000000000001000ull, &ACC_R1, 0x04);
    expect_fault(&s, 0xffffff0000001000ull, &ACC_R1, 0x04);
    /* EPD0 / EPD1 */
    struct s1 e = s;
    mmu_regime_el10(&e.r, tcr(25, TG0_4K, 25, TG1_4K, 5) | TCR_EPD0, s.root0, s.root1, MAIR_TEST, 0, 48);
    expect_fault(&e, 0x1008, &ACC_R1, 0x04);
    assert_true(walk(&e, 0xffffff8000001008ull, &ACC_R1, &r));
    mmu_regime_el10(&e.r, tcr(25, TG0_4K, 25, TG1_4K, 5) | TCR_EPD1, s.root0, s.root1, MAIR_TEST, 0, 48);
    expect_fault(&e, 0xffffff8000001008ull, &ACC_R1, 0x04);
    assert_true(walk(&e, 0x1008, &ACC_R1, &r));
}

static void test_tbi(void **st)
{
    fm_reset();
    struct s1 s;
    s1_make(&s, tcr(16, TG0_4K, 16, TG1_4K, 5) | TCR_TBI0, 0);
    map0(&s, 0x1000, 3, 0x3000 | D_PAGE | D_AF, 0);
    map1(&s, 0xffff000000002000ull, 3, 0x6000 | D_PAGE | D_AF);
    struct mmu_result r;
    assert_true(walk(&s, 0x5a00000000001010ull, &ACC_R1, &r));   /* tag 0x5a ignored */
    assert_int_equal(r.ipa.v, 0x3010);
    /* TBI1 = 0: the top byte of a TTBR1 address must be all ones */
    expect_fault(&s, 0x7fff000000002000ull | (1ull << 55), &ACC_R1, 0x04);
    assert_true(walk(&s, 0xffff000000002000ull, &ACC_R1, &r));
    /* TBI1 = 1: any tag; VA[55] still selects TTBR1 */
    mmu_regime_el10(&s.r, tcr(16, TG0_4K, 16, TG1_4K, 5) | TCR_TBI1, s.root0, s.root1, MAIR_TEST, 0, 48);
    assert_true(walk(&s, 0x3cff000000002abcull, &ACC_R1, &r));
    assert_int_equal(r.ipa.v, 0x6abc);
    /* TBI0 = 0 now: a tagged TTBR0 address is out of range */
    expect_fault(&s, 0x5a00000000001010ull, &ACC_R1, 0x04);
}

/* ---- access flag, address size, external abort ---- */

static void test_access_flag(void **st)
{
    fm_reset();
    struct s1 s;
    s1_make(&s, tcr(16, TG0_4K, 16, TG1_4K, 5), 0);
    map0(&s, 0x1000, 3, 0x3000 | D_PAGE, 0);
    map0(&s, 0x40000000, 2, 0x200000 | D_BLOCK, 0);
    map0(&s, 0x80000000ull, 1, 0x40000000 | D_BLOCK, 0);
    expect_fault(&s, 0x1000, &ACC_R0, 0x0b);
    expect_fault(&s, 0x1000, &ACC_W1, 0x0b);
    expect_fault(&s, 0x40000000, &ACC_R1, 0x0a);
    expect_fault(&s, 0x80000000ull, &ACC_R1, 0x09);
    /* AF is checked before permissions: EL0 read of an EL1-only page without AF → AF fault */
    expect_fault(&s, 0x1000, &ACC_X0, 0x0b);
}

static void test_address_size(void **st)
{
    fm_reset();
    struct s1 s;
    s1_make(&s, tcr(16, TG0_4K, 16, TG1_4K, 2 /* 40 bits */), 0);
    map0(&s, 0x1000, 3, 0x10000000000ull | D_PAGE | D_AF, 0);         /* OA bit 40 */
    map0(&s, 0x80000000ull, 1, 0x8000000000ull | D_BLOCK | D_AF, 0);  /* OA bit 39: fine */
    expect_fault(&s, 0x1000, &ACC_R1, 0x03);
    struct mmu_result r;
    assert_true(walk(&s, 0x80000000ull, &ACC_R1, &r));
    assert_int_equal(r.ipa.v, 0x8000000000ull);
    /* a table descriptor pointing above 40 bits: fault at the level of that descriptor (1) */
    wr64(tt_slot(s.root0, 12, 48, 0, 0x40000000, 1), 0x20000000000ull | D_TABLE);
    expect_fault(&s, 0x40000000, &ACC_R1, 0x01);
    /* TTBR0.BADDR above IPS: level 0 */
    mmu_regime_el10(&s.r, tcr(16, TG0_4K, 16, TG1_4K, 2), s.root0 | 1ull << 42, s.root1, MAIR_TEST, 0, 48);
    expect_fault(&s, 0x1000, &ACC_R1, 0x00);
    /* IPS above the implemented PA size is limited to it */
    mmu_regime_el10(&s.r, tcr(16, TG0_4K, 16, TG1_4K, 5), s.root0, s.root1, MAIR_TEST, 0, 40);
    assert_int_equal(s.r.oa_bits, 40);
    expect_fault(&s, 0x1000, &ACC_R1, 0x03);
}

static void test_external_abort_on_walk(void **st)
{
    fm_reset();
    struct s1 s;
    s1_make(&s, tcr(16, TG0_4K, 16, TG1_4K, 5), 0);
    wr64(s.root0, 0x7000000000ull | D_TABLE);           /* L1 table outside the fake memory */
    expect_fault(&s, 0x1000, &ACC_R1, 0x15);
}

/* ---- permissions ---- */

static void test_ap_uxn_pxn(void **st)
{
    fm_reset();
    struct s1 s;
    s1_make(&s, tcr(16, TG0_4K, 16, TG1_4K, 5), 0);
    const uint64_t P = D_PAGE | D_AF;
    map0(&s, 0x1000, 3, 0x1000 | P, 0);                          /* AP=00: EL1 RW */
    map0(&s, 0x2000, 3, 0x2000 | P | D_AP_EL0, 0);               /* AP=01: EL1+EL0 RW */
    map0(&s, 0x3000, 3, 0x3000 | P | D_AP_RO, 0);                /* AP=10: EL1 RO */
    map0(&s, 0x4000, 3, 0x4000 | P | D_AP_RO | D_AP_EL0, 0);     /* AP=11: RO both */
    map0(&s, 0x5000, 3, 0x5000 | P | D_AP_RO | D_AP_EL0 | D_UXN, 0);
    map0(&s, 0x6000, 3, 0x6000 | P | D_PXN, 0);
    struct mmu_result r;
    /* AP=00 */
    assert_true(walk(&s, 0x1000, &ACC_W1, &r));
    assert_int_equal(r.perms, MMU_PERM_EL1_R | MMU_PERM_EL1_W | MMU_PERM_EL1_X | MMU_PERM_EL0_X);
    expect_fault(&s, 0x1000, &ACC_R0, 0x0f);
    assert_true(walk(&s, 0x1000, &ACC_X0, &r));     /* EL0 execute-only is possible (UXN = 0) */
    /* AP=01: EL0-writable is never executable at EL1 */
    assert_true(walk(&s, 0x2000, &ACC_W0, &r));
    assert_true(walk(&s, 0x2000, &ACC_X0, &r));
    expect_fault(&s, 0x2000, &ACC_X1, 0x0f);
    /* AP=10 */
    assert_true(walk(&s, 0x3000, &ACC_R1, &r));
    expect_fault(&s, 0x3000, &ACC_W1, 0x0f);
    expect_fault(&s, 0x3000, &ACC_R0, 0x0f);
    assert_true(walk(&s, 0x3000, &ACC_X1, &r));
    /* AP=11 */
    assert_true(walk(&s, 0x4000, &ACC_R0, &r));
    expect_fault(&s, 0x4000, &ACC_W0, 0x0f);
    expect_fault(&s, 0x4000, &ACC_W1, 0x0f);
    assert_true(walk(&s, 0x4000, &ACC_X1, &r));
    /* UXN, PXN */
    expect_fault(&s, 0x5000, &ACC_X0, 0x0f);
    assert_true(walk(&s, 0x5000, &ACC_X1, &r));
    expect_fault(&s, 0x6000, &ACC_X1, 0x0f);
    assert_true(walk(&s, 0x6000, &ACC_W1, &r));
}

static void test_hierarchical_table_bits(void **st)
{
    fm_reset();
    struct s1 s;
    s1_make(&s, tcr(16, TG0_4K, 16, TG1_4K, 5), 0);
    const uint64_t P = D_PAGE | D_AF | D_AP_EL0;                 /* leaf says EL0+EL1 RW */
    map0(&s, 0x0000008000001000ull, 3, 0x1000 | P, T_RO);        /* APTable[1]: read-only below */
    map0(&s, 0x0000010000001000ull, 3, 0x1000 | P, T_NOEL0);     /* APTable[0]: no EL0 below */
    map0(&s, 0x0000018000001000ull, 3, 0x1000 | (P & ~D_AP_EL0), T_UXN); /* UXNTable */
    map0(&s, 0x0000020000001000ull, 3, 0x1000 | (P & ~D_AP_EL0), T_PXN); /* PXNTable */
    struct mmu_result r;
    expect_fault(&s, 0x0000008000001000ull, &ACC_W1, 0x0f);
    expect_fault(&s, 0x0000008000001000ull, &ACC_W0, 0x0f);
    assert_true(walk(&s, 0x0000008000001000ull, &ACC_R0, &r));
    expect_fault(&s, 0x0000010000001000ull, &ACC_R0, 0x0f);
    assert_true(walk(&s, 0x0000010000001000ull, &ACC_W1, &r));
    /* APTable[0] removed EL0 write, so EL1 may execute again */
    assert_true(walk(&s, 0x0000010000001000ull, &ACC_X1, &r));
    expect_fault(&s, 0x0000018000001000ull, &ACC_X0, 0x0f);
    assert_true(walk(&s, 0x0000018000001000ull, &ACC_X1, &r));
    expect_fault(&s, 0x0000020000001000ull, &ACC_X1, 0x0f);
    assert_true(walk(&s, 0x0000020000001000ull, &ACC_X0, &r));
}

static void test_pan_and_wxn(void **st)
{
    fm_reset();
    struct s1 s;
    s1_make(&s, tcr(16, TG0_4K, 16, TG1_4K, 5), 0);
    map0(&s, 0x1000, 3, 0x1000 | D_PAGE | D_AF | D_AP_EL0 | D_AP_RO, 0);   /* EL0-readable */
    map0(&s, 0x2000, 3, 0x2000 | D_PAGE | D_AF, 0);                        /* EL1 only, RW */
    map0(&s, 0x3000, 3, 0x3000 | D_PAGE | D_AF | D_AP_RO, 0);              /* EL1 only, RO */
    const struct mmu_access pan_r = { .type = MMU_READ, .pan = true };
    const struct mmu_access pan_x = { .type = MMU_EXEC, .pan = true };
    const struct mmu_access pan_r0 = { .type = MMU_READ, .pan = true, .el0 = true };  /* LDTR */
    struct mmu_result r;
    expect_fault(&s, 0x1000, &pan_r, 0x0f);
    assert_true(walk(&s, 0x1000, &pan_x, &r));       /* PAN does not apply to fetches */
    assert_true(walk(&s, 0x1000, &pan_r0, &r));      /* nor to unprivileged accesses */
    assert_true(walk(&s, 0x2000, &pan_r, &r));
    /* SCTLR_EL1.WXN: EL1-writable memory is not executable */
    assert_true(walk(&s, 0x2000, &ACC_X1, &r));
    mmu_regime_el10(&s.r, tcr(16, TG0_4K, 16, TG1_4K, 5), s.root0, s.root1, MAIR_TEST, 1u << 19, 48);
    expect_fault(&s, 0x2000, &ACC_X1, 0x0f);
    assert_true(walk(&s, 0x3000, &ACC_X1, &r));
}

static void test_ng_asid(void **st)
{
    fm_reset();
    struct s1 s;
    uint64_t t = tcr(16, TG0_4K, 16, TG1_4K, 5);
    s1_make(&s, t | TCR_A1 | TCR_AS, 0);
    map0(&s, 0x1000, 3, 0x1000 | D_PAGE | D_AF | D_NG, 0);
    map0(&s, 0x2000, 3, 0x2000 | D_PAGE | D_AF, 0);
    struct mmu_result r;
    assert_true(walk(&s, 0x1000, &ACC_R1, &r));
    assert_true(r.ng);
    assert_int_equal(r.asid, 0x1234);                  /* from TTBR1 (A1 = 1), 16 bits */
    assert_true(walk(&s, 0x2000, &ACC_R1, &r));
    assert_false(r.ng);
    mmu_regime_el10(&s.r, t | TCR_A1, s.root0 | 0xabcdull << 48, s.root1 | 0x1234ull << 48, MAIR_TEST, 0, 48);
    assert_int_equal(s.r.asid, 0x34);                  /* AS = 0: 8-bit ASID */
    mmu_regime_el10(&s.r, t | TCR_AS, s.root0 | 0xabcdull << 48, s.root1 | 0x1234ull << 48, MAIR_TEST, 0, 48);
    assert_int_equal(s.r.asid, 0xabcd);                /* A1 = 0: from TTBR0 */
    assert_true(walk(&s, 0x1000, &ACC_R1, &r));        /* ASID bits of TTBR0 are not BADDR */
}

static void test_el2_regime(void **st)
{
    fm_reset();
    uint64_t root = fm_alloc(0x1000);
    struct mmu_regime r;
    /* TCR_EL2: T0SZ = 25, 4K, PS = 40 bits, TBI = 0 */
    mmu_regime_el2(&r, 25 | 2ull << 16 | 1ull << 31 | 1ull << 23, root, MAIR_TEST, 0, 48);
    tt_map(root, 12, 39, 1, 0x1000, 3, 0x9000 | D_PAGE | D_AF | D_AP_EL0 | D_AP_RO, 0);
    tt_map(root, 12, 39, 1, 0x2000, 3, 0xa000 | D_PAGE | D_AF | D_NG | D_UXN, 0);
    struct mmu_result res;
    assert_true(mmu_walk_s1(&r, NULL, mk_va(0x1004), &ACC_R1, &fm_rd, &res));
    assert_int_equal(res.ipa.v, 0x9004);
    assert_int_equal(res.perms, MMU_PERM_EL1_R | MMU_PERM_EL1_X);
    assert_false(mmu_walk_s1(&r, NULL, mk_va(0x1004), &ACC_W1, &fm_rd, &res));
    assert_int_equal(mmu_fault_fsc(&res.fault), 0x0f);
    assert_false(mmu_walk_s1(&r, NULL, mk_va(0x2000), &ACC_X1, &fm_rd, &res));   /* XN */
    assert_true(mmu_walk_s1(&r, NULL, mk_va(0x2000), &ACC_W1, &fm_rd, &res));
    assert_false(res.ng);                              /* nG is RES0 in the EL2 regime */
    /* one range only: a high VA is out of range */
    assert_false(mmu_walk_s1(&r, NULL, mk_va(0xffffffffff801000ull), &ACC_R1, &fm_rd, &res));
    assert_int_equal(mmu_fault_fsc(&res.fault), 0x04);
}

static void test_debug_walk_ignores_permissions(void **st)
{
    fm_reset();
    struct s1 s;
    s1_make(&s, tcr(16, TG0_4K, 16, TG1_4K, 5), 0);
    map0(&s, 0x1000, 3, 0x7000 | D_PAGE | D_AF | D_PXN | D_UXN | D_AP_RO, 0);
    struct mmu_result r;
    assert_true(mmu_walk_debug(&s.r, NULL, mk_va(0x1234), &fm_rd, &r));
    assert_int_equal(r.pa.v, 0x7234);
    assert_int_equal(r.perms, MMU_PERM_EL1_R);
    assert_false(mmu_walk_debug(&s.r, NULL, mk_va(0x2000), &fm_rd, &r));
    assert_int_equal(mmu_fault_fsc(&r.fault), 0x07);
}

static void test_combine_attributes(void **st)
{
    unsigned sh;
    /* Normal WB stage 1 + Device-nGnRE stage 2 → Device-nGnRE, Outer Shareable */
    assert_int_equal(mmu_combine_s1s2(MAIR_NORMAL_WB, 3, S2_MEMATTR_DEVICE_nGnRE, 2, &sh), MAIR_DEVICE_nGnRE);
    assert_int_equal(sh, 2);
    /* Device-nGnRnE stage 1 beats stage-2 Normal */
    assert_int_equal(mmu_combine_s1s2(MAIR_DEVICE_nGnRnE, 0, S2_MEMATTR_NORMAL_WB, 3, &sh), MAIR_DEVICE_nGnRnE);
    /* Device-GRE + Device-nGRE → nGRE */
    assert_int_equal(mmu_combine_s1s2(MAIR_DEVICE_GRE, 0, S2_MEMATTR_DEVICE_nGRE, 0, &sh), MAIR_DEVICE_nGRE);
    /* Normal WB + Normal NC → NC, Outer Shareable */
    assert_int_equal(mmu_combine_s1s2(MAIR_NORMAL_WB, 3, S2_MEMATTR_NORMAL_NC, 3, &sh), 0x44);
    assert_int_equal(sh, 2);
    /* Normal WB + WB → stage 1's attribute, the more shareable SH (OSH > ISH) */
    assert_int_equal(mmu_combine_s1s2(0xff, 3, S2_MEMATTR_NORMAL_WB, 2, &sh), 0xff);
    assert_int_equal(sh, 2);
    assert_int_equal(mmu_combine_s1s2(0xff, 0, S2_MEMATTR_NORMAL_WB, 3, &sh), 0xff);
    assert_int_equal(sh, 3);
    /* Normal WB (RW alloc) + WT → WT keeping stage 1's allocation hints */
    assert_int_equal(mmu_combine_s1s2(0xff, 3, S2_MEMATTR_NORMAL_WT, 3, &sh), 0xbb);
    /* stage 1 NC stays NC against stage-2 WB */
    assert_int_equal(mmu_combine_s1s2(0x44, 3, S2_MEMATTR_NORMAL_WB, 3, &sh), 0x44);
    /* outer WB inner NC from stage 2 (MemAttr 0b1101) */
    assert_int_equal(mmu_combine_s1s2(0xff, 3, 0xd, 3, &sh), 0xf4);
    assert_int_equal(mmu_s2_memattr_to_mair(S2_MEMATTR_DEVICE_nGnRE), MAIR_DEVICE_nGnRE);
    assert_int_equal(mmu_s2_memattr_to_mair(S2_MEMATTR_NORMAL_WB), 0xff);
    assert_true(mmu_attr_is_device(MAIR_DEVICE_GRE));
    assert_false(mmu_attr_is_device(MAIR_NORMAL_NC));
}

static void test_soft_tlb_flush_page(void **st)
{
    static struct soft_tlb t;
    for (unsigned i = 0; i < SOFT_TLB_SIZE; i++) t.r[i].tag = t.w[i].tag = 0x1000ull * i;
    t.max_shift = 0;
    soft_tlb_flush_page(&t, 0x5000);
    assert_true(t.r[5].tag == SOFT_TLB_INVALID && t.w[5].tag == SOFT_TLB_INVALID);
    assert_int_equal(t.r[4].tag, 0x4000);
    soft_tlb_note_mapping(&t, 16);                     /* a 64KB page was installed */
    soft_tlb_flush_page(&t, 0x21000);                  /* drops slots 0x20..0x2f */
    assert_true(t.r[0x20].tag == SOFT_TLB_INVALID && t.r[0x2f].tag == SOFT_TLB_INVALID);
    assert_int_equal(t.r[0x30].tag, 0x30000);
    soft_tlb_note_mapping(&t, 21);                     /* a 2MB block: everything goes */
    soft_tlb_flush_page(&t, 0x0);
    assert_true(t.r[0x30].tag == SOFT_TLB_INVALID);
    assert_int_equal(t.max_shift, 0);
}

/* ---- the CPU with SCTLR_EL1.M = 1 ---- */

#define RAM 0x40000000ull
static void put(uint8_t *ram, uint64_t off, uint32_t insn) { memcpy(ram + off, &insn, 4); }
static void put64(uint8_t *ram, uint64_t pa, uint64_t v) { memcpy(ram + (pa - RAM), &v, 8); }
static bool hvc_stop(void *opaque, struct cpu *c, bool is_hvc, uint16_t imm)
{
    (void)opaque; (void)is_hvc; (void)imm;
    cpu_set_halted(c, true);
    return true;
}

/* Guest: RAM identity-mapped by a 1GB block at VA 0x40000000 (code, tables); VA 0x10000000 is
 * a 4KB page → PA 0x40010000 (RW), VA 0x10002000 a read-only page, VA 0x10001000 unmapped.
 * T0SZ = 25: the walk starts at level 1. */
struct cpu_env { struct bus *b; uint8_t *ram; struct cpu_shared *sh; struct cpu *c; };

static void cpu_env_setup(struct cpu_env *e, enum cpu_profile prof)
{
    e->b = bus_new();
    e->ram = bus_map_ram(e->b, "ram", mk_pa(RAM), 1 << 20, NULL);
    e->sh = cpu_shared_new(e->b);
    struct cpu_hooks h = { .smccc = hvc_stop };
    struct cpu_config cfg = { .profile = prof };
    e->c = cpu_new(e->sh, &cfg, &h);
    uint64_t l1 = RAM + 0x80000, l2 = RAM + 0x81000, l3 = RAM + 0x82000;
    put64(e->ram, l1 + 1 * 8, RAM | D_BLOCK | D_AF | D_ATTR(0) | D_SH_IS);       /* 1GB @ 1GB */
    put64(e->ram, l1 + 0 * 8, l2 | D_TABLE);
    put64(e->ram, l2 + 0x80 * 8, l3 | D_TABLE);                                 /* 0x10000000 */
    put64(e->ram, l3 + 0 * 8, (RAM + 0x10000) | D_PAGE | D_AF | D_ATTR(0) | D_NG | D_UXN | D_PXN);
    put64(e->ram, l3 + 2 * 8, (RAM + 0x11000) | D_PAGE | D_AF | D_AP_RO | D_UXN | D_PXN);
    put64(e->ram, l3 + 3 * 8, (RAM + 0x12000) | D_PAGE | D_AF | D_ATTR(3));      /* Device-nGnRnE */
    put64(e->ram, RAM + 0x10000, 0x1122334455667788ull);
    put(e->ram, 0x800, 0xd4000002);                    /* VBAR_EL1 + 0x000 ... */
    put(e->ram, 0xa00, 0xd4000002);                    /* + 0x200 (current EL, SPx): hvc #0 */
    cpu_reset(e->c, RAM);
    struct cpu *c = e->c;
    c->sr[SR_VBAR_EL1] = RAM + 0x800;
    c->sr[SR_TTBR0_EL1] = l1;
    c->sr[SR_TCR_EL1] = tcr(25, TG0_4K, 25, TG1_4K, 4) | TCR_EPD1;
    c->sr[SR_MAIR_EL1] = MAIR_TEST;
    c->sr[SR_SCTLR_EL1] |= 1;
    cpu_translation_changed(c);
}
static void cpu_env_free(struct cpu_env *e) { cpu_free(e->c); cpu_shared_free(e->sh); bus_free(e->b); }

static void test_cpu_mmu_on_load_and_faults(void **st)
{
    struct cpu_env e;
    cpu_env_setup(&e, CPU_PROFILE_CORTEX_A57);
    put(e.ram, 0, 0xd2a20001);      /* movz x1, #0x1000, lsl #16 */
    put(e.ram, 4, 0xf9400022);      /* ldr x2, [x1] */
    put(e.ram, 8, 0xf9400023);      /* ldr x3, [x1]      (soft-TLB hit) */
    put(e.ram, 12, 0xf9400824);     /* ldr x4, [x1, #0x10] */
    put(e.ram, 16, 0xf9480025);     /* ldr x5, [x1, #0x1000] → unmapped: level-3 translation fault */
    struct cpu *c = e.c;
    uint64_t cyc0 = cpu_cycles(c);
    assert_int_equal(cpu_run(c, 100), CPU_EXIT_HALTED);
    assert_int_equal(cpu_get_x(c, 2), 0x1122334455667788ull);
    assert_int_equal(cpu_get_x(c, 3), 0x1122334455667788ull);
    assert_int_equal(cpu_get_stats(c)->exceptions_by_ec[EC_DABT_SAME], 1);
    uint32_t esr = (uint32_t)c->sr[SR_ESR_EL1];
    assert_int_equal(esr >> 26, EC_DABT_SAME);
    assert_int_equal(esr & 0x3f, 0x07);                /* DFSC: translation fault, level 3 */
    assert_int_equal((esr >> 6) & 1, 0);               /* WnR = 0 */
    assert_int_equal(c->sr[SR_FAR_EL1], 0x10001000);
    assert_int_equal(c->sr[SR_ELR_EL1], RAM + 16);
    assert_true(cpu_cycles(c) + c->cycles_extra - cyc0 > 3 * 20);   /* walks were charged */
    cpu_env_free(&e);
}

/* (The interpreter decodes only MOVZ, LDR/STR (unsigned immediate), B, BL and HVC so far:
 * registers are set with cpu_set_x and jumps with cpu_set_pc.) */
static void rerun_at(struct cpu *c, uint64_t pc)
{
    cpu_set_halted(c, false);
    cpu_set_pc(c, pc);
    assert_int_equal(cpu_run(c, 100), CPU_EXIT_HALTED);
}

static void test_cpu_mmu_permission_and_iabt(void **st)
{
    struct cpu_env e;
    cpu_env_setup(&e, CPU_PROFILE_CORTEX_A57);
    put(e.ram, 0, 0xf9400022);      /* ldr x2, [x1]  ok */
    put(e.ram, 4, 0xf9000022);      /* str x2, [x1]  → permission fault level 3, WnR */
    struct cpu *c = e.c;
    cpu_set_x(c, 1, 0x10002000);    /* the read-only page */
    assert_int_equal(cpu_run(c, 100), CPU_EXIT_HALTED);
    uint32_t esr = (uint32_t)c->sr[SR_ESR_EL1];
    assert_int_equal(esr >> 26, EC_DABT_SAME);
    assert_int_equal(esr & 0x3f, 0x0f);
    assert_int_equal((esr >> 6) & 1, 1);
    assert_int_equal(c->sr[SR_FAR_EL1], 0x10002000);
    assert_int_equal(c->sr[SR_ELR_EL1], RAM + 4);

    /* Jump to the page at 0x10000000 (PXN): instruction abort, permission fault level 3 */
    rerun_at(c, 0x10000000);
    esr = (uint32_t)c->sr[SR_ESR_EL1];
    assert_int_equal(esr >> 26, EC_IABT_SAME);
    assert_int_equal(esr & 0x3f, 0x0f);
    assert_int_equal(c->sr[SR_FAR_EL1], 0x10000000);
    /* ... and to an unmapped level-1 entry (VA 0x80000000): translation fault level 1 */
    rerun_at(c, 0x80000000);
    esr = (uint32_t)c->sr[SR_ESR_EL1];
    assert_int_equal(esr >> 26, EC_IABT_SAME);
    assert_int_equal(esr & 0x3f, 0x05);
    assert_int_equal(cpu_get_stats(c)->exceptions_by_ec[EC_IABT_SAME], 2);
    /* ... and above the T0SZ = 25 range: level 0 */
    rerun_at(c, 0x8000000000ull);
    assert_int_equal(c->sr[SR_ESR_EL1] & 0x3f, 0x04);
    cpu_env_free(&e);
}

static void test_cpu_device_and_tlbi(void **st)
{
    struct cpu_env e;
    cpu_env_setup(&e, CPU_PROFILE_CORTEX_A57);
    put(e.ram, 0, 0xd2a20001);      /* movz x1, #0x1000, lsl #16 */
    put(e.ram, 4, 0xf9400022);      /* ldr x2, [x1]  (fills the soft TLB) */
    put(e.ram, 8, 0xd4000002);      /* hvc #0 */
    struct cpu *c = e.c;
    assert_int_equal(cpu_run(c, 100), CPU_EXIT_HALTED);
    assert_int_equal(cpu_get_x(c, 2), 0x1122334455667788ull);
    assert_int_equal(c->tlb_el[1].r[soft_tlb_index(0x10000000)].tag, 0x10000000);
    /* Remap VA 0x10000000 to PA 0x40011000 and TLBI by VA: the new mapping is seen */
    put64(e.ram, RAM + 0x82000, (RAM + 0x11000) | D_PAGE | D_AF | D_UXN | D_PXN);
    put64(e.ram, RAM + 0x11000, 0xabcdull);
    cpu_tlb_flush_va(c, 0x10000000, 0, true);
    assert_int_equal(c->tlb_el[1].r[soft_tlb_index(0x10000000)].tag, SOFT_TLB_INVALID);
    rerun_at(c, RAM);
    assert_int_equal(cpu_get_x(c, 2), 0xabcd);
    /* Unaligned load from the Device-nGnRnE page at 0x10003000: alignment fault */
    put(e.ram, 0x20, 0xf9400022);   /* ldr x2, [x1] */
    cpu_set_x(c, 1, 0x10003001);
    rerun_at(c, RAM + 0x20);
    assert_int_equal(c->sr[SR_ESR_EL1] & 0x3f, 0x21);
    /* ... while an unaligned load from Normal memory is fine */
    cpu_set_x(c, 1, 0x10000001);
    put(e.ram, 0x24, 0xd4000002);   /* hvc #0 */
    rerun_at(c, RAM + 0x20);
    assert_int_equal(cpu_get_x(c, 2), 0xabcdull >> 8);
    assert_int_equal(cpu_get_stats(c)->exceptions_by_ec[EC_DABT_SAME], 1);
    cpu_env_free(&e);
}

static void test_cpu_el0_and_pan(void **st)
{
    struct cpu_env e;
    cpu_env_setup(&e, CPU_PROFILE_MAX);
    struct cpu *c = e.c;
    /* make VA 0x10000000 EL0-accessible; with PAN set, an EL1 load from it faults */
    put64(e.ram, RAM + 0x82000, (RAM + 0x10000) | D_PAGE | D_AF | D_AP_EL0 | D_UXN | D_PXN);
    put(e.ram, 0, 0xd2a20001);      /* movz x1, #0x1000, lsl #16 */
    put(e.ram, 4, 0xf9400022);      /* ldr x2, [x1] */
    put(e.ram, 8, 0xd4000002);      /* hvc #0 */
    c->pan = false;
    assert_int_equal(cpu_run(c, 100), CPU_EXIT_HALTED);
    assert_int_equal(cpu_get_x(c, 2), 0x1122334455667788ull);
    assert_int_equal(cpu_get_stats(c)->exceptions_by_ec[EC_DABT_SAME], 0);
    c->pan = true;                  /* no TLB flush: the EL1 entry must not have been cached */
    rerun_at(c, RAM);
    assert_int_equal(cpu_get_stats(c)->exceptions_by_ec[EC_DABT_SAME], 1);
    assert_int_equal(c->sr[SR_ESR_EL1] & 0x3f, 0x0f);
    /* LDTR (checked with EL0 rights) is allowed under PAN */
    struct translation t;
    assert_true(cpu_translate(c, 0x10000000, ACCESS_READ, true, &t));
    assert_int_equal(t.pa, RAM + 0x10000);
    assert_true(t.cacheable_tlb);
    /* EL0 rights: an EL1-only page faults for LDTR, with the level in the DFSC */
    assert_false(cpu_translate(c, 0x10002000, ACCESS_READ, true, &t));
    assert_int_equal(t.fault_dfsc, 0x0f);
    /* the debug translation sees through permissions */
    assert_true(cpu_translate_debug(c, 0x10002008, &t));
    assert_int_equal(t.pa, RAM + 0x11008);
    uint64_t v = 0;
    assert_int_equal(cpu_debug_read(c, 0x10000000, &v, 8), 8);
    assert_int_equal(v, 0x1122334455667788ull);
    cpu_env_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_4k_page_and_blocks),
        cmocka_unit_test(test_4k_39bit_starts_at_l1),
        cmocka_unit_test(test_reserved_and_illegal_blocks),
        cmocka_unit_test(test_16k_granule),
        cmocka_unit_test(test_64k_granule),
        cmocka_unit_test(test_translation_fault_levels),
        cmocka_unit_test(test_range_epd_and_ttbr1),
        cmocka_unit_test(test_tbi),
        cmocka_unit_test(test_access_flag),
        cmocka_unit_test(test_address_size),
        cmocka_unit_test(test_external_abort_on_walk),
        cmocka_unit_test(test_ap_uxn_pxn),
        cmocka_unit_test(test_hierarchical_table_bits),
        cmocka_unit_test(test_pan_and_wxn),
        cmocka_unit_test(test_ng_asid),
        cmocka_unit_test(test_el2_regime),
        cmocka_unit_test(test_debug_walk_ignores_permissions),
        cmocka_unit_test(test_combine_attributes),
        cmocka_unit_test(test_soft_tlb_flush_page),
        cmocka_unit_test(test_cpu_mmu_on_load_and_faults),
        cmocka_unit_test(test_cpu_mmu_permission_and_iabt),
        cmocka_unit_test(test_cpu_device_and_tlbi),
        cmocka_unit_test(test_cpu_el0_and_pan),
    };
    return cmocka_run_group_tests_name("mmu_walk", tests, NULL, NULL);
}
