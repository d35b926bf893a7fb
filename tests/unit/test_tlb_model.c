/* tests/unit/test_tlb_model.c — the cost model's Cortex-A57 TLBs (cpu/tlb_model.c): tags,
 * associativity and LRU, TLBI matching, and (white-box, through cpu_translate) the cycles a
 * translation is charged: a walk on a modelled miss, TLBM_COST_L2_HIT on an L2-TLB hit, nothing
 * on a uTLB hit — across TTBR0 ASID switches, VMID switches and TLBIs. */
#include "tests/unit/cpu_fixture.h"
#include "cpu/translate.h"

#define TTBR0_EL1 SYSREG_ENC(3, 0, 2, 0, 0)
#define TCR_EL1   SYSREG_ENC(3, 0, 2, 0, 2)
#define MAIR_EL1  SYSREG_ENC(3, 0, 10, 2, 0)

/* Descriptor bits (Arm ARM D8.3). */
#define D_TABLE 3ull
#define D_PAGE  3ull
#define D_BLOCK 1ull
#define D_AF    (1ull << 10)
#define D_NG    (1ull << 11)
#define D_S2_RW (3ull << 6)

/* Stage 1 (T0SZ = 25, 4KB granule, walk from level 1): VA 0x40000000 is a global 1GB block
 * onto RAM (code, vectors, tables); VA 0x10000000-0x105fffff are 4KB pages through one level-3
 * table, non-global except VA 0x10002000 (global). A page walk reads 3 descriptors. */
#define L1   (RAM + 0xa0000)
#define L2   (RAM + 0xa1000)
#define L3   (RAM + 0xa2000)
#define S2L1 (RAM + 0xb0000)
#define PG   0x10000000ull
#define GLOBAL_PAGE (PG + 0x2000)
#define WALK_S1 (TLBM_COST_WALK_FIXED + 3 * TLBM_COST_WALK_PER_DESC)
#define TCR_VAL (25 | 1ull << 23 /* EPD1 */ | 4ull << 32 /* IPS */ | 1ull << 36 /* AS: 16-bit ASID */)

static void put64(struct fx *f, uint64_t pa, uint64_t v) { memcpy(f->ram + (pa - RAM), &v, 8); }

static int setup_mmu(void **state)
{
    setup(state);
    struct fx *f = *state;
    put64(f, L1 + 1 * 8, RAM | D_BLOCK | D_AF);                        /* 1GB @ 1GB, global */
    put64(f, L1 + 0 * 8, L2 | D_TABLE);
    for (unsigned i = 0; i < 3; i++) put64(f, L2 + (0x80 + i) * 8, L3 | D_TABLE);   /* 6 MiB */
    for (unsigned i = 0; i < 512; i++)
        put64(f, L3 + i * 8, (RAM + 0x10000) | D_PAGE | D_AF | (i == 2 ? 0 : D_NG));
    assert_true(cpu_write_sysreg(f->c, MAIR_EL1, 0xff));
    assert_true(cpu_write_sysreg(f->c, TCR_EL1, TCR_VAL));
    assert_true(cpu_write_sysreg(f->c, TTBR0_EL1, L1 | 1ull << 48));    /* ASID 1 */
    assert_true(cpu_write_sysreg(f->c, SCTLR_EL1, sr(f, SCTLR_EL1) | 1));
    return 0;
}

/* Cycles charged for translating va (a data read, or a fetch). */
static uint64_t cost_of(struct fx *f, uint64_t va, enum access_kind ak)
{
    uint64_t before = cpu_cycles(f->c);
    struct translation t;
    assert_true(cpu_translate(f->c, va, ak, false, &t));
    return cpu_cycles(f->c) - before;
}
static uint64_t cost(struct fx *f, uint64_t va) { return cost_of(f, va, ACCESS_READ); }

/* Push everything out of the 32-entry D-uTLB: 32 other pages (L2 sets 0x10..0x2f). */
static void evict_dutlb(struct fx *f)
{
    for (unsigned i = 0; i < TLBM_DTLB_SIZE; i++) cost(f, PG + (0x10 + i) * 0x1000ull);
}

static void set_asid(struct fx *f, uint16_t asid)
{
    assert_true(cpu_write_sysreg(f->c, TTBR0_EL1, L1 | (uint64_t)asid << 48));
}

/* A TLBI from EL1 (SYS #0, C8, C7, #op2, X0), executed by the interpreter. */
static void tlbi(struct fx *f, unsigned op2, uint64_t x0)
{
    SETX(0, x0);
    exec1(f, 0xd5088700 | op2 << 5 | 0);
    assert_int_equal(f->hvc_imm, 0);
}
#define TLBI_VMALLE1 0
#define TLBI_VAE1    1
#define TLBI_ASIDE1  2
#define TLBI_VAAE1   3

/* ---------------------------------------------------------------- through cpu_translate */

/* The modelled TLB keeps ASID 1's entries across a switch to ASID 2 and back: the TTBR0 write
 * flushes the emulator's soft TLB, not the model (a TTBR write that flushed it would charge a
 * walk on the way back). TCR/MAIR/SCTLR writes do not flush it either. */
static void test_ttbr_switch_back_no_walk(void **state)
{
    struct fx *f = *state;
    assert_int_equal(cost(f, PG), WALK_S1);                 /* cold: a 3-descriptor walk */
    assert_int_equal(cost(f, PG), 0);                       /* D-uTLB hit */
    set_asid(f, 2);
    assert_int_equal(cost(f, PG), WALK_S1);                 /* ASID 2 has no entry */
    set_asid(f, 1);
    assert_int_equal(cost(f, PG), 0);                       /* back to ASID 1: no walk */
    assert_true(cpu_write_sysreg(f->c, TCR_EL1, TCR_VAL));
    assert_true(cpu_write_sysreg(f->c, MAIR_EL1, 0xff));
    assert_true(cpu_write_sysreg(f->c, SCTLR_EL1, sr(f, SCTLR_EL1)));
    assert_int_equal(cost(f, PG), 0);
    /* Out of the uTLB but still in the L2 TLB: the L2 hit cost, no walk. */
    evict_dutlb(f);
    assert_int_equal(cost(f, PG), TLBM_COST_L2_HIT);
    assert_int_equal(cost(f, PG), 0);                       /* refilled into the uTLB */
    /* The I-side has its own uTLB: a fetch of the same page finds the L2 entry. */
    assert_int_equal(cost_of(f, PG, ACCESS_EXEC), TLBM_COST_L2_HIT);
    /* With 8-bit ASIDs (TCR.AS = 0) TTBR0.ASID[15:8] is ignored: 0x101 is ASID 1. */
    assert_true(cpu_write_sysreg(f->c, TCR_EL1, TCR_VAL & ~(1ull << 36)));
    set_asid(f, 0x101);
    assert_int_equal(cost(f, PG), 0);
}

/* TLBI ASIDE1 removes the non-global entries of that ASID only: global entries and other
 * ASIDs' entries survive. */
static void test_aside1(void **state)
{
    struct fx *f = *state;
    assert_int_equal(cost(f, PG), WALK_S1);
    assert_int_equal(cost(f, GLOBAL_PAGE), WALK_S1);
    set_asid(f, 2);
    assert_int_equal(cost(f, PG + 0x1000), WALK_S1);        /* ASID 2's entry */
    assert_int_equal(cost(f, GLOBAL_PAGE), 0);              /* global: any ASID hits */
    tlbi(f, TLBI_ASIDE1, 1ull << 48);                       /* TLBI ASIDE1, ASID 1 */
    assert_int_equal(cost(f, PG + 0x1000), 0);              /* ASID 2 untouched */
    assert_int_equal(cost(f, GLOBAL_PAGE), 0);              /* global survives */
    set_asid(f, 1);
    assert_int_equal(cost(f, PG), WALK_S1);                 /* ASID 1's entry is gone */
    assert_int_equal(cost(f, GLOBAL_PAGE), 0);
}

/* TLBI VAE1 (one VA, one ASID, and global entries at that VA), VAAE1 (one VA, all ASIDs),
 * VMALLE1 (everything of the current VMID). */
static void test_tlbi_by_va_and_all(void **state)
{
    struct fx *f = *state;
    cost(f, PG); cost(f, PG + 0x1000); cost(f, GLOBAL_PAGE);
    set_asid(f, 2);
    cost(f, PG);
    tlbi(f, TLBI_VAE1, 2ull << 48 | PG >> 12);              /* VA PG, ASID 2 */
    assert_int_equal(cost(f, PG), WALK_S1);
    set_asid(f, 1);
    assert_int_equal(cost(f, PG), 0);                       /* ASID 1's entry at PG stays */
    tlbi(f, TLBI_VAE1, 2ull << 48 | GLOBAL_PAGE >> 12);     /* a global entry goes whatever ASID */
    assert_int_equal(cost(f, GLOBAL_PAGE), WALK_S1);
    tlbi(f, TLBI_VAAE1, PG >> 12);                          /* all ASIDs at PG */
    assert_int_equal(cost(f, PG), WALK_S1);
    assert_int_equal(cost(f, PG + 0x1000), 0);              /* other VAs stay */
    tlbi(f, TLBI_VMALLE1, 0);
    assert_int_equal(cost(f, PG + 0x1000), WALK_S1);
    assert_int_equal(cost(f, GLOBAL_PAGE), WALK_S1);
}

/* 5 pages whose VPNs are 256 apart share one of the 256 L2 sets: with 4 ways the least recently
 * used one is evicted, the other 4 still hit in the L2 TLB. */
static void test_set_conflict_evicts_lru(void **state)
{
    struct fx *f = *state;
    for (unsigned k = 0; k < 5; k++) assert_int_equal(cost(f, PG + k * 0x100000ull), WALK_S1);
    evict_dutlb(f);
    for (unsigned k = 4; k >= 1; k--) assert_int_equal(cost(f, PG + k * 0x100000ull), TLBM_COST_L2_HIT);
    assert_int_equal(cost(f, PG), WALK_S1);                 /* page 0 was the LRU way */
}

/* A 1GB block is one entry: any page in it hits after one walk of another page. */
static void test_block_is_one_entry(void **state)
{
    struct fx *f = *state;
    uint64_t block_walk = TLBM_COST_WALK_FIXED + TLBM_COST_WALK_PER_DESC * 1;   /* level-1 block */
    assert_int_equal(cost(f, RAM + 0x5000), block_walk);
    assert_int_equal(cost(f, RAM + 0x3ff000), 0);
    assert_int_equal(cost_of(f, RAM + 0x6000, ACCESS_EXEC), TLBM_COST_L2_HIT);  /* unified L2 */
    /* Any VA in the block removes it: the fetch of the HVC after the TLBI (same block) walks and
     * refills the L2 TLB and the I-uTLB, so the data side then finds it in the L2 TLB. */
    uint64_t walks = f->c->tlbm.walks;
    tlbi(f, TLBI_VAAE1, (RAM + 0x123000) >> 12);
    assert_int_equal(f->c->tlbm.walks, walks + 1);
    assert_int_equal(cost(f, RAM + 0x5000), TLBM_COST_L2_HIT);
}

/* Entries made under stage 2 carry the VMID: another VMID misses, a VTTBR write back to the old
 * VMID finds them, TLBI VMALLS12E1 (cpu_tlb_flush_stage2) removes the current VMID's. */
static void test_vmid_separation(void **state)
{
    struct fx *f = *state;
    put64(f, S2L1 + 1 * 8, RAM | D_BLOCK | D_AF | D_S2_RW | 0xfull << 2);   /* IPA 1GB → PA, WB */
    uint64_t vtcr = 25 | 1u << 6 /* SL0: level 1 */ | 1ull << 16 /* PS 36 bits */ | 1ull << 31;
    struct cpu_el2 e = { .hcr = HCR_EL2_VM, .vtcr = vtcr, .vttbr = S2L1 | 1ull << 48 };
    cpu_set_el2_state(f->c, &e);
    uint64_t walk = cost(f, PG);
    assert_true(walk > WALK_S1);                            /* nested: the tables' IPAs are walked too */
    assert_int_equal(cost(f, PG), 0);
    e.vttbr = S2L1 | 2ull << 48;                            /* VMID 2 */
    cpu_set_el2_state(f->c, &e);
    assert_int_equal(cost(f, PG), walk);
    e.vttbr = S2L1 | 1ull << 48;                            /* back to VMID 1: its entry is there */
    cpu_set_el2_state(f->c, &e);
    assert_int_equal(cost(f, PG), 0);
    cpu_tlb_flush_stage2(f->c);                             /* VMALLS12E1 for VMID 1 */
    assert_int_equal(cost(f, PG), walk);
    e.vttbr = S2L1 | 2ull << 48;
    cpu_set_el2_state(f->c, &e);
    assert_int_equal(cost(f, PG), 0);                       /* VMID 2's entry survived */
    e.hcr = 0;                                              /* stage 2 off: untagged entries */
    cpu_set_el2_state(f->c, &e);
    assert_int_equal(cost(f, PG), WALK_S1);
}

/* ---------------------------------------------------------------- the model alone */

static const struct tlbm_ctx CTX_A1 = { .regime = TLBM_EL10, .asid = 1 };

/* Regimes are separate; ALLE1-style (any VMID) and ALLE2-style matches. */
static void test_model_regime_and_vmid_matches(void **state)
{
    (void)state;
    static struct tlb_model m;
    tlbm_reset(&m);
    struct tlbm_ctx el2 = { .regime = TLBM_EL2 };
    struct tlbm_ctx v1 = { .regime = TLBM_EL10, .s2 = true, .vmid = 1, .asid = 1 };
    struct tlbm_ctx v2 = v1; v2.vmid = 2;
    tlbm_insert(&m, &el2, 0x1000, 12, true, TLBM_DATA);
    tlbm_insert(&m, &v1, 0x1000, 12, false, TLBM_DATA);
    tlbm_insert(&m, &v2, 0x1000, 21, true, TLBM_DATA);        /* a 2MB block */
    assert_int_equal(tlbm_count_valid(&m), 3);
    assert_int_equal(tlbm_lookup(&m, &CTX_A1, 0x1000, TLBM_DATA), TLBM_MISS);   /* no stage 2 */
    assert_int_equal(tlbm_lookup(&m, &v2, 0x1ff000, TLBM_INSN), TLBM_L2_HIT);   /* in the block */
    /* TLBI ALLE2: the EL2 regime only */
    tlbm_invalidate(&m, &(struct tlbm_match){ .regime = TLBM_EL2, .any_vmid = true });
    assert_int_equal(tlbm_count_valid(&m), 2);
    assert_int_equal(tlbm_lookup(&m, &el2, 0x1000, TLBM_INSN), TLBM_MISS);
    /* VMALLS12E1 for VMID 1 leaves VMID 2; ALLE1 removes every VMID */
    tlbm_invalidate(&m, &(struct tlbm_match){ .regime = TLBM_EL10, .s2 = true, .vmid = 1 });
    assert_int_equal(tlbm_count_valid(&m), 1);
    tlbm_invalidate(&m, &(struct tlbm_match){ .regime = TLBM_EL10, .any_vmid = true });
    assert_int_equal(tlbm_count_valid(&m), 0);
    assert_int_equal(tlbm_lookup(&m, &v2, 0x1000, TLBM_DATA), TLBM_MISS);   /* uTLBs too */
}

/* Capacity: the L2 TLB holds 1024 4KB pages of consecutive VPNs (256 sets x 4 ways); one more
 * evicts exactly one. */
static void test_model_capacity(void **state)
{
    (void)state;
    static struct tlb_model m;
    tlbm_reset(&m);
    for (unsigned i = 0; i < TLBM_L2_SETS * TLBM_L2_WAYS; i++)
        tlbm_insert(&m, &CTX_A1, 0x400000 + i * 0x1000ull, 12, false, TLBM_DATA);
    assert_int_equal(tlbm_count_valid(&m), 1024);
    tlbm_insert(&m, &CTX_A1, 0x400000 + 1024 * 0x1000ull, 12, false, TLBM_DATA);
    assert_int_equal(tlbm_count_valid(&m), 1024);
    assert_int_equal(tlbm_lookup(&m, &CTX_A1, 0x400000, TLBM_INSN), TLBM_MISS);      /* the LRU one */
    assert_int_equal(tlbm_lookup(&m, &CTX_A1, 0x401000, TLBM_INSN), TLBM_L2_HIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ttbr_switch_back_no_walk, setup_mmu, teardown),
        cmocka_unit_test_setup_teardown(test_aside1, setup_mmu, teardown),
        cmocka_unit_test_setup_teardown(test_tlbi_by_va_and_all, setup_mmu, teardown),
        cmocka_unit_test_setup_teardown(test_set_conflict_evicts_lru, setup_mmu, teardown),
        cmocka_unit_test_setup_teardown(test_block_is_one_entry, setup_mmu, teardown),
        cmocka_unit_test_setup_teardown(test_vmid_separation, setup_mmu, teardown),
        cmocka_unit_test(test_model_regime_and_vmid_matches),
        cmocka_unit_test(test_model_capacity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
