/* cpu/tlb_model.c — the cost-only model of the Cortex-A57 TLBs (48-entry I-uTLB, 32-entry
 * D-uTLB, 1024-entry 4-way L2 TLB): tags, lookup, replacement and TLBI matching. What it is for
 * and the costs it implies: cpu/tlb_model.h. It runs on every soft-TLB miss, so entries are kept
 * in a compare-ready form (tag/mask, packed context), the uTLBs check their last hit first and
 * then only the entries their host-side index (a bucket per VA and size) says could cover the VA,
 * and only the L2 sets of mapping sizes that have a valid entry are probed. None of that changes
 * what hits, which entry is replaced, or the order in which entries are compared: the results
 * and the state are those of a full scan (tests/unit/test_tlb_model.c checks it against one). */
#include <string.h>
#include "cpu/tlb_model.h"

/* The VA as the TLB sees it: VA[55:0] sign-extended from bit 55 (the top byte is a tag under
 * TBI, and VA[55] selects TTBR0/TTBR1; an address whose top byte disagrees without TBI faults
 * and is never cached). */
static inline uint64_t va_key(uint64_t va) { return (uint64_t)((int64_t)(va << 8) >> 8); }

/* Packed context: regime [0], s2 [1], VMID [31:16], ASID [47:32]. */
#define CTX_ASID_MASK (0xffffull << 32)
static inline uint64_t ctx_pack(const struct tlbm_ctx *c)
{
    return (uint64_t)(c->regime & 1) | (uint64_t)c->s2 << 1 | (uint64_t)(c->s2 ? c->vmid : 0) << 16 |
           (uint64_t)c->asid << 32;
}

static inline bool entry_hit(const struct tlbm_entry *e, uint64_t key, uint64_t ctx)
{
    return (key & e->mask) == e->tag && (ctx & e->cmask) == e->ctag;
}

static inline unsigned entry_shift(const struct tlbm_entry *e) { return (unsigned)__builtin_ctzll(e->mask); }

/* The uTLB bucket of the 2^shift-sized region holding key (Fibonacci hashing of its number). */
static inline unsigned utlb_bucket(uint64_t key, unsigned shift)
{
    return (unsigned)((((key >> shift) + shift) * 0x9e3779b97f4a7c15ull) >> 58);
}
_Static_assert(TLBM_UTLB_BUCKETS == 64, "utlb_bucket yields 6 bits");
_Static_assert(TLBM_ITLB_SIZE <= 64, "a bucket is a 64-bit mask of entries");

/* Index bookkeeping: call *_unindex before an entry changes or is invalidated, *_index after a
 * valid entry is written. */
static void utlb_unindex(struct tlbm_utlb *u, unsigned i)
{
    const struct tlbm_entry *e = &u->e[i];
    if (e->tag == TLBM_TAG_INVALID) return;
    unsigned s = entry_shift(e);
    u->bucket[u->ebucket[i]] &= ~(1ull << i);
    if (--u->shift_n[s] == 0) u->shifts &= ~(1ull << s);
}

static void utlb_index(struct tlbm_utlb *u, unsigned i)
{
    const struct tlbm_entry *e = &u->e[i];
    unsigned s = entry_shift(e), b = utlb_bucket(e->tag, s);
    u->ebucket[i] = (uint8_t)b;
    u->bucket[b] |= 1ull << i;
    u->shift_n[s]++;
    u->shifts |= 1ull << s;
}

/* Entries of u that can cover key: a superset of the hits, in index order. */
static inline uint64_t utlb_candidates(const struct tlbm_utlb *u, uint64_t key)
{
    uint64_t cand = 0;
    for (uint64_t sizes = u->shifts; sizes; sizes &= sizes - 1)
        cand |= u->bucket[utlb_bucket(key, (unsigned)__builtin_ctzll(sizes))];
    return cand;
}

static void l2_unindex(struct tlb_model *m, const struct tlbm_entry *e)
{
    if (e->tag == TLBM_TAG_INVALID) return;
    unsigned s = entry_shift(e);
    if (--m->l2_shift_n[s] == 0) m->l2_shifts &= ~(1ull << s);
}

static void l2_index(struct tlb_model *m, const struct tlbm_entry *e)
{
    unsigned s = entry_shift(e);
    m->l2_shift_n[s]++;
    m->l2_shifts |= 1ull << s;
}

static void fill(struct tlbm_entry *e, uint64_t key, unsigned shift, uint64_t ctx, bool global, uint64_t now)
{
    e->mask = ~((1ull << shift) - 1);
    e->tag = key & e->mask;
    e->cmask = global ? ~CTX_ASID_MASK : ~0ull;
    e->ctag = ctx & e->cmask;
    e->lru = now;
}

/* The invalid way, or else the least recently used one. */
static struct tlbm_entry *l2_victim(struct tlbm_entry *set)
{
    struct tlbm_entry *v = &set[0];
    for (unsigned i = 0; i < TLBM_L2_WAYS; i++) {
        if (set[i].tag == TLBM_TAG_INVALID) return &set[i];
        if (set[i].lru < v->lru) v = &set[i];
    }
    return v;
}

/* The round-robin victim, unindexed: the caller writes a valid entry there and indexes it. */
static unsigned utlb_victim(struct tlbm_utlb *u)
{
    unsigned i = u->next;
    u->last = i;
    u->next = i + 1 == u->n ? 0 : i + 1;
    utlb_unindex(u, i);
    return i;
}

static struct tlbm_entry *l2_set(struct tlb_model *m, uint64_t key, unsigned shift)
{
    return m->l2[(key >> shift) & (TLBM_L2_SETS - 1)];
}

void tlbm_reset(struct tlb_model *m)
{
    memset(m, 0, sizeof *m);
    for (unsigned s = 0; s < TLBM_L2_SETS; s++)
        for (unsigned i = 0; i < TLBM_L2_WAYS; i++) m->l2[s][i].tag = TLBM_TAG_INVALID;
    m->utlb[TLBM_DATA].n = TLBM_DTLB_SIZE;
    m->utlb[TLBM_INSN].n = TLBM_ITLB_SIZE;
    for (unsigned u = 0; u < 2; u++)
        for (unsigned i = 0; i < TLBM_ITLB_SIZE; i++) m->utlb[u].e[i].tag = TLBM_TAG_INVALID;
}

enum tlbm_hit tlbm_lookup(struct tlb_model *m, const struct tlbm_ctx *ctx, uint64_t va, enum tlbm_side side)
{
    uint64_t key = va_key(va), cx = ctx_pack(ctx);
    struct tlbm_utlb *u = &m->utlb[side];
    if (entry_hit(&u->e[u->last], key, cx)) { m->utlb_hits++; return TLBM_UTLB_HIT; }
    /* The first hit in index order, as a full scan would find it (it becomes u->last). */
    for (uint64_t cand = utlb_candidates(u, key); cand; cand &= cand - 1) {
        unsigned i = (unsigned)__builtin_ctzll(cand);
        if (entry_hit(&u->e[i], key, cx)) { u->last = i; m->utlb_hits++; return TLBM_UTLB_HIT; }
    }
    /* L2: one set per mapping size present (a block entry lives in the set its own VPN selects). */
    for (uint64_t sizes = m->l2_shifts; sizes; sizes &= sizes - 1) {
        unsigned shift = (unsigned)__builtin_ctzll(sizes);
        struct tlbm_entry *set = l2_set(m, key, shift);
        uint64_t mask = ~((1ull << shift) - 1);
        for (unsigned w = 0; w < TLBM_L2_WAYS; w++) {
            if (set[w].mask != mask || !entry_hit(&set[w], key, cx)) continue;
            set[w].lru = ++m->clock;
            unsigned v = utlb_victim(u);         /* uTLB refill from the L2 TLB */
            u->e[v] = set[w];
            utlb_index(u, v);
            m->l2_hits++;
            return TLBM_L2_HIT;
        }
    }
    m->walks++;
    return TLBM_MISS;
}

void tlbm_insert(struct tlb_model *m, const struct tlbm_ctx *ctx, uint64_t va, unsigned shift,
                 bool global, enum tlbm_side side)
{
    if (shift < 12 || shift > 63) return;
    uint64_t key = va_key(va), cx = ctx_pack(ctx), now = ++m->clock;
    struct tlbm_entry *e = l2_victim(l2_set(m, key, shift));
    l2_unindex(m, e);
    fill(e, key, shift, cx, global, now);
    l2_index(m, e);
    struct tlbm_utlb *u = &m->utlb[side];
    unsigned v = utlb_victim(u);
    fill(&u->e[v], key, shift, cx, global, now);
    utlb_index(u, v);
}

static bool inval_match(const struct tlbm_entry *e, const struct tlbm_match *w, uint64_t key)
{
    if (e->tag == TLBM_TAG_INVALID || (e->ctag & 1) != (w->regime & 1u)) return false;
    if (!w->any_vmid) {
        bool s2 = (e->ctag >> 1) & 1;
        if (s2 != w->s2 || (s2 && ((e->ctag >> 16) & 0xffff) != w->vmid)) return false;
    }
    if (w->by_asid) {
        bool global = !(e->cmask & CTX_ASID_MASK);
        if (global) { if (w->keep_global) return false; }
        else if (((e->ctag >> 32) & w->asid_mask) != (w->asid & w->asid_mask)) return false;
    }
    if (w->by_va && (key & e->mask) != e->tag) return false;
    return true;
}

void tlbm_invalidate(struct tlb_model *m, const struct tlbm_match *w)
{
    uint64_t key = va_key(w->va);
    if (w->by_va) {
        /* Only the set each mapping size selects for va can hold an entry covering it. */
        for (uint64_t sizes = m->l2_shifts; sizes; sizes &= sizes - 1) {
            struct tlbm_entry *set = l2_set(m, key, (unsigned)__builtin_ctzll(sizes));
            for (unsigned i = 0; i < TLBM_L2_WAYS; i++)
                if (inval_match(&set[i], w, key)) { l2_unindex(m, &set[i]); set[i].tag = TLBM_TAG_INVALID; }
        }
    } else if (m->l2_shifts) {
        for (unsigned s = 0; s < TLBM_L2_SETS; s++)
            for (unsigned i = 0; i < TLBM_L2_WAYS; i++)
                if (inval_match(&m->l2[s][i], w, key)) { l2_unindex(m, &m->l2[s][i]); m->l2[s][i].tag = TLBM_TAG_INVALID; }
    }
    for (unsigned k = 0; k < 2; k++) {
        struct tlbm_utlb *u = &m->utlb[k];
        /* By VA: only the entries indexed under va can cover it. */
        uint64_t cand = w->by_va ? utlb_candidates(u, key) : (u->n == 64 ? ~0ull : (1ull << u->n) - 1);
        for (; cand; cand &= cand - 1) {
            unsigned i = (unsigned)__builtin_ctzll(cand);
            if (inval_match(&u->e[i], w, key)) { utlb_unindex(u, i); u->e[i].tag = TLBM_TAG_INVALID; }
        }
    }
}

unsigned tlbm_count_valid(const struct tlb_model *m)
{
    unsigned n = 0;
    for (unsigned s = 0; s < TLBM_L2_SETS; s++)
        for (unsigned i = 0; i < TLBM_L2_WAYS; i++) n += m->l2[s][i].tag != TLBM_TAG_INVALID;
    return n;
}
