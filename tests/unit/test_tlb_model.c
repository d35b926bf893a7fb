/* tests/unit/test_tlb_model.c — the cost model's Cortex-A57 TLBs (cpu/tlb_model.c): tags,
 * associativity and LRU, TLBI matching, and (white-box, through cpu_translate) the cycles a
 * translation is charged: a walk on a modelled miss, TLBM_COST_L2_HIT on an L2-TLB hit, nothing
 * on a uTLB hit — across TTBR0 ASID switches, VMID switches and TLBIs. */
#include "tests/unit/cpu_fixture.h"
#include "cpu/translate.h"


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

/* ---------------------------------------------------------------- against a reference */

/* The model as a plain full-scan reference: every uTLB entry and every size of L2 set compared,
 * in order. cpu/tlb_model.c finds the same entries faster (an index of its uTLBs, only the L2
 * sizes present); the randomized test below requires the same outcome of every lookup and the
 * same contents of every entry (tag, size, context, LRU stamp), L2 and uTLBs, as this. */
struct ref_entry {
    bool valid, global, s2;
    uint8_t regime;
    unsigned shift;
    uint16_t vmid, asid;
    uint64_t base, lru;       /* base: the first key of the range */
};
struct ref_model {
    struct ref_entry l2[TLBM_L2_SETS][TLBM_L2_WAYS];
    struct ref_entry utlb[2][TLBM_ITLB_SIZE];
    unsigned n[2], next[2];
    uint64_t clock, utlb_hits, l2_hits, walks;
};

static uint64_t ref_key(uint64_t va) { return (uint64_t)((int64_t)(va << 8) >> 8); }

static bool ref_hit(const struct ref_entry *e, const struct tlbm_ctx *c, uint64_t key)
{
    return e->valid && e->regime == c->regime && e->s2 == c->s2 && (!c->s2 || e->vmid == c->vmid) &&
           (e->global || e->asid == c->asid) && key >> e->shift == e->base >> e->shift;
}

static void ref_reset(struct ref_model *r)
{
    memset(r, 0, sizeof *r);
    r->n[TLBM_DATA] = TLBM_DTLB_SIZE;
    r->n[TLBM_INSN] = TLBM_ITLB_SIZE;
}

static struct ref_entry *ref_utlb_victim(struct ref_model *r, enum tlbm_side side)
{
    struct ref_entry *e = &r->utlb[side][r->next[side]];
    r->next[side] = (r->next[side] + 1) % r->n[side];
    return e;
}

static enum tlbm_hit ref_lookup(struct ref_model *r, const struct tlbm_ctx *c, uint64_t va, enum tlbm_side side)
{
    uint64_t key = ref_key(va);
    for (unsigned i = 0; i < r->n[side]; i++)
        if (ref_hit(&r->utlb[side][i], c, key)) { r->utlb_hits++; return TLBM_UTLB_HIT; }
    for (unsigned shift = 12; shift < 64; shift++) {
        struct ref_entry *set = r->l2[(key >> shift) % TLBM_L2_SETS];
        for (unsigned w = 0; w < TLBM_L2_WAYS; w++) {
            if (set[w].shift != shift || !ref_hit(&set[w], c, key)) continue;
            set[w].lru = ++r->clock;
            *ref_utlb_victim(r, side) = set[w];
            r->l2_hits++;
            return TLBM_L2_HIT;
        }
    }
    r->walks++;
    return TLBM_MISS;
}

static void ref_insert(struct ref_model *r, const struct tlbm_ctx *c, uint64_t va, unsigned shift,
                       bool global, enum tlbm_side side)
{
    if (shift < 12 || shift > 63) return;
    uint64_t key = ref_key(va);
    struct ref_entry e = { .valid = true, .global = global, .s2 = c->s2, .regime = c->regime,
                           .shift = shift, .vmid = c->s2 ? c->vmid : 0, .asid = global ? 0 : c->asid,
                           .base = key >> shift << shift, .lru = ++r->clock };
    struct ref_entry *set = r->l2[(key >> shift) % TLBM_L2_SETS], *v = NULL;
    for (unsigned w = 0; w < TLBM_L2_WAYS && !v; w++)
        if (!set[w].valid) v = &set[w];                 /* the first invalid way ... */
    for (unsigned w = 0; w < TLBM_L2_WAYS && !v; w++) {
        bool lru = true;                                /* ... else the first least recent */
        for (unsigned o = 0; o < TLBM_L2_WAYS; o++) lru &= set[w].lru <= set[o].lru;
        if (lru) v = &set[w];
    }
    *v = e;
    *ref_utlb_victim(r, side) = e;
}

static bool ref_inval_match(const struct ref_entry *e, const struct tlbm_match *w)
{
    if (!e->valid || e->regime != w->regime) return false;
    if (!w->any_vmid && (e->s2 != w->s2 || (e->s2 && e->vmid != w->vmid))) return false;
    if (w->by_asid && (e->global ? w->keep_global : (e->asid & w->asid_mask) != (w->asid & w->asid_mask)))
        return false;
    return !w->by_va || ref_key(w->va) >> e->shift == e->base >> e->shift;
}

static void ref_invalidate(struct ref_model *r, const struct tlbm_match *w)
{
    for (unsigned s = 0; s < TLBM_L2_SETS; s++)
        for (unsigned i = 0; i < TLBM_L2_WAYS; i++)
            if (ref_inval_match(&r->l2[s][i], w)) r->l2[s][i].valid = false;
    for (unsigned u = 0; u < 2; u++)
        for (unsigned i = 0; i < r->n[u]; i++)
            if (ref_inval_match(&r->utlb[u][i], w)) r->utlb[u][i].valid = false;
}

/* White-box: an entry of the model (tag/mask, packed context: regime [0], s2 [1], VMID [31:16],
 * ASID [47:32]) equals the reference's. */
static bool same_entry(const struct tlbm_entry *m, const struct ref_entry *r)
{
    if ((m->tag != TLBM_TAG_INVALID) != r->valid) return false;
    if (!r->valid) return true;
    bool global = !(m->cmask & (0xffffull << 32));
    return m->tag == r->base && m->mask == ~((1ull << r->shift) - 1) && global == r->global &&
           (m->ctag & 1) == r->regime && ((m->ctag >> 1) & 1) == r->s2 &&
           ((m->ctag >> 16) & 0xffff) == r->vmid && (global || ((m->ctag >> 32) & 0xffff) == r->asid) &&
           m->lru == r->lru;
}

static void assert_same_state(const struct tlb_model *m, const struct ref_model *r, unsigned step)
{
    for (unsigned s = 0; s < TLBM_L2_SETS; s++)
        for (unsigned i = 0; i < TLBM_L2_WAYS; i++)
            if (!same_entry(&m->l2[s][i], &r->l2[s][i]))
                fail_msg("step %u: L2 set %u way %u differs from the reference", step, s, i);
    for (unsigned u = 0; u < 2; u++)
        for (unsigned i = 0; i < r->n[u]; i++)
            if (!same_entry(&m->utlb[u].e[i], &r->utlb[u][i]))
                fail_msg("step %u: %s-uTLB entry %u differs from the reference", step, u ? "I" : "D", i);
    assert_int_equal(m->utlb_hits, r->utlb_hits);
    assert_int_equal(m->l2_hits, r->l2_hits);
    assert_int_equal(m->walks, r->walks);
    unsigned n = 0;
    for (unsigned s = 0; s < TLBM_L2_SETS; s++)
        for (unsigned i = 0; i < TLBM_L2_WAYS; i++) n += r->l2[s][i].valid;
    assert_int_equal(tlbm_count_valid(m), n);
}

static uint64_t rnd_state;
static uint64_t rnd(void)                       /* xorshift64*: the same sequence on every host */
{
    rnd_state ^= rnd_state >> 12; rnd_state ^= rnd_state << 25; rnd_state ^= rnd_state >> 27;
    return rnd_state * 0x2545f4914f6cdd1dull;
}
static uint64_t pick(const uint64_t *v, unsigned n) { return v[rnd() % n]; }

/* A VA: a recently used one (uTLB hits), or a page of one of a few regions (low and TTBR1-high
 * VAs, 2048 pages each: L2 conflicts and capacity misses), with a random offset and, half the
 * time, a random top byte (TBI: the model ignores VA[63:56]). */
static uint64_t rnd_va(const uint64_t *recent)
{
    static const uint64_t region[] = { 0x400000, 0x40000000, 0x7fffe00000, 0xffff000000000000ull,
                                       0xffff800010000000ull };
    uint64_t va = rnd() % 2 ? recent[rnd() % 16]
                            : pick(region, 5) + (rnd() % 2048) * 0x1000 + (rnd() % 0x1000);
    if (rnd() % 2) va = (va & ~(0xffull << 56)) | (rnd() & 0xffull) << 56;
    return va;
}

/* Random lookups, inserts (of the looked-up VA after a miss, or of any VA) and TLBIs over
 * 2 regimes, 3 VMIDs (stage 2 on or off), 5 ASIDs (8- and 16-bit matches), global and nG
 * entries and 8 mapping sizes (4KB..4TB, plus shifts the model must refuse): every lookup
 * gives the reference's outcome and the whole state is the reference's every 16 steps. */
static void test_model_matches_reference(void **state)
{
    (void)state;
    static struct tlb_model m;
    static struct ref_model r;
    static const uint64_t asids[] = { 0, 1, 2, 0x101, 0xffff }, vmids[] = { 0, 1, 2 };
    static const uint64_t shifts[] = { 12, 12, 12, 12, 14, 16, 21, 21, 25, 29, 30, 42, 11, 64 };
    uint64_t outcomes[3] = { 0 };
    for (uint64_t seed = 1; seed <= 4; seed++) {
        rnd_state = seed * 0x9e3779b97f4a7c15ull;
        tlbm_reset(&m);
        ref_reset(&r);
        uint64_t recent[16] = { 0 };
        for (unsigned step = 0; step < 150000; step++) {
            struct tlbm_ctx c = { .regime = rnd() % 8 == 0 ? TLBM_EL2 : TLBM_EL10, .s2 = rnd() % 2,
                                  .vmid = (uint16_t)pick(vmids, 3), .asid = (uint16_t)pick(asids, 5) };
            unsigned op = (unsigned)(rnd() % 100);
            uint64_t va = rnd_va(recent);
            enum tlbm_side side = rnd() % 2 ? TLBM_INSN : TLBM_DATA;
            if (op < 70) {
                enum tlbm_hit want = ref_lookup(&r, &c, va, side);
                enum tlbm_hit got = tlbm_lookup(&m, &c, va, side);
                if (got != want) fail_msg("seed %llu step %u: lookup %d, reference %d", (unsigned long long)seed, step, got, want);
                outcomes[want]++;
                if (want == TLBM_MISS && rnd() % 8) {   /* the walk's result, usually */
                    unsigned sh = (unsigned)pick(shifts, 14);
                    bool g = rnd() % 4 == 0;
                    ref_insert(&r, &c, va, sh, g, side);
                    tlbm_insert(&m, &c, va, sh, g, side);
                }
                recent[rnd() % 16] = va;
            } else if (op < 95) {                       /* an insert without a miss: overlaps */
                unsigned sh = (unsigned)pick(shifts, 14);
                bool g = rnd() % 4 == 0;
                ref_insert(&r, &c, va, sh, g, side);
                tlbm_insert(&m, &c, va, sh, g, side);
            } else {
                struct tlbm_match w = { .regime = c.regime, .any_vmid = rnd() % 4 == 0, .s2 = c.s2,
                                        .vmid = c.vmid, .by_asid = rnd() % 2, .keep_global = rnd() % 2,
                                        .asid = (uint16_t)pick(asids, 5),
                                        .asid_mask = rnd() % 2 ? 0xff : 0xffff, .by_va = rnd() % 8 != 0,
                                        .va = va };
                ref_invalidate(&r, &w);
                tlbm_invalidate(&m, &w);
            }
            if (step % 16 == 0) assert_same_state(&m, &r, step);
        }
        assert_same_state(&m, &r, 150000);
    }
    print_message("lookups: %llu uTLB hits, %llu L2 hits, %llu misses\n", (unsigned long long)outcomes[TLBM_UTLB_HIT],
                  (unsigned long long)outcomes[TLBM_L2_HIT], (unsigned long long)outcomes[TLBM_MISS]);
    /* The mix exercised all three outcomes in earnest. */
    for (unsigned k = 0; k < 3; k++) assert_true(outcomes[k] > 20000);
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
        cmocka_unit_test(test_model_matches_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
