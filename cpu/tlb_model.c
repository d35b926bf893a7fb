/* cpu/tlb_model.c — the cost-only model of the Cortex-A57 TLBs (48-entry I-uTLB, 32-entry
 * D-uTLB, 1024-entry 4-way L2 TLB): tags, lookup, LRU replacement and TLBI matching. What it is
 * for and the costs it implies: cpu/tlb_model.h. */
#include <string.h>
#include "cpu/tlb_model.h"

/* The VA as the TLB sees it: VA[55:0] sign-extended from bit 55 (the top byte is a tag under
 * TBI, and VA[55] selects TTBR0/TTBR1; an address whose top byte disagrees without TBI faults
 * and is never cached). */
static uint64_t va_key(uint64_t va) { return (uint64_t)((int64_t)(va << 8) >> 8); }

static bool ctx_match(const struct tlbm_entry *e, const struct tlbm_ctx *ctx)
{
    if (e->regime != ctx->regime || e->s2 != ctx->s2) return false;
    if (e->s2 && e->vmid != ctx->vmid) return false;
    return e->global || e->asid == ctx->asid;
}

static bool entry_hit(const struct tlbm_entry *e, const struct tlbm_ctx *ctx, uint64_t key)
{
    return e->lru && (key >> e->shift) == e->vpn && ctx_match(e, ctx);
}

static void fill(struct tlbm_entry *e, const struct tlbm_ctx *ctx, uint64_t key, unsigned shift,
                 bool global, uint64_t now)
{
    *e = (struct tlbm_entry){
        .vpn = key >> shift, .lru = now, .asid = global ? 0 : ctx->asid,
        .vmid = ctx->s2 ? ctx->vmid : 0, .shift = (uint8_t)shift, .regime = ctx->regime,
        .s2 = ctx->s2, .global = global,
    };
}

/* The invalid entry, or else the least recently used one. */
static struct tlbm_entry *victim(struct tlbm_entry *e, unsigned n)
{
    struct tlbm_entry *v = &e[0];
    for (unsigned i = 0; i < n; i++) {
        if (!e[i].lru) return &e[i];
        if (e[i].lru < v->lru) v = &e[i];
    }
    return v;
}

static struct tlbm_entry *utlb(struct tlb_model *m, enum tlbm_side side, unsigned *n)
{
    *n = side == TLBM_INSN ? TLBM_ITLB_SIZE : TLBM_DTLB_SIZE;
    return side == TLBM_INSN ? m->itlb : m->dtlb;
}

static struct tlbm_entry *l2_set(struct tlb_model *m, uint64_t key, unsigned shift)
{
    return m->l2[(key >> shift) & (TLBM_L2_SETS - 1)];
}

void tlbm_reset(struct tlb_model *m) { memset(m, 0, sizeof *m); }

enum tlbm_hit tlbm_lookup(struct tlb_model *m, const struct tlbm_ctx *ctx, uint64_t va, enum tlbm_side side)
{
    uint64_t key = va_key(va), now = ++m->clock;
    unsigned n;
    struct tlbm_entry *u = utlb(m, side, &n);
    for (unsigned i = 0; i < n; i++)
        if (entry_hit(&u[i], ctx, key)) { u[i].lru = now; m->utlb_hits++; return TLBM_UTLB_HIT; }
    /* L2: one set per mapping size present (a block entry lives in the set its own VPN selects). */
    for (uint64_t sizes = m->l2_shifts; sizes; sizes &= sizes - 1) {
        unsigned shift = (unsigned)__builtin_ctzll(sizes);
        struct tlbm_entry *set = l2_set(m, key, shift);
        for (unsigned w = 0; w < TLBM_L2_WAYS; w++) {
            if (set[w].shift != shift || !entry_hit(&set[w], ctx, key)) continue;
            set[w].lru = now;
            *victim(u, n) = set[w];              /* uTLB refill from the L2 TLB */
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
    uint64_t key = va_key(va), now = ++m->clock;
    fill(victim(l2_set(m, key, shift), TLBM_L2_WAYS), ctx, key, shift, global, now);
    m->l2_shifts |= 1ull << shift;
    unsigned n;
    struct tlbm_entry *u = utlb(m, side, &n);
    fill(victim(u, n), ctx, key, shift, global, now);
}

static bool inval_match(const struct tlbm_entry *e, const struct tlbm_match *w)
{
    if (!e->lru || e->regime != w->regime) return false;
    if (!w->any_vmid && (e->s2 != w->s2 || (e->s2 && e->vmid != w->vmid))) return false;
    if (w->by_asid) {
        if (e->global) { if (w->keep_global) return false; }
        else if ((e->asid & w->asid_mask) != (w->asid & w->asid_mask)) return false;
    }
    if (w->by_va && (va_key(w->va) >> e->shift) != e->vpn) return false;
    return true;
}

void tlbm_invalidate(struct tlb_model *m, const struct tlbm_match *w)
{
    if (w->by_va) {
        /* Only the set each mapping size selects for va can hold an entry covering it. */
        uint64_t key = va_key(w->va);
        for (uint64_t sizes = m->l2_shifts; sizes; sizes &= sizes - 1) {
            struct tlbm_entry *set = l2_set(m, key, (unsigned)__builtin_ctzll(sizes));
            for (unsigned i = 0; i < TLBM_L2_WAYS; i++) if (inval_match(&set[i], w)) set[i].lru = 0;
        }
    } else {
        for (unsigned s = 0; s < TLBM_L2_SETS; s++)
            for (unsigned i = 0; i < TLBM_L2_WAYS; i++)
                if (inval_match(&m->l2[s][i], w)) m->l2[s][i].lru = 0;
    }
    for (unsigned i = 0; i < TLBM_ITLB_SIZE; i++) if (inval_match(&m->itlb[i], w)) m->itlb[i].lru = 0;
    for (unsigned i = 0; i < TLBM_DTLB_SIZE; i++) if (inval_match(&m->dtlb[i], w)) m->dtlb[i].lru = 0;
}

unsigned tlbm_count_valid(const struct tlb_model *m)
{
    unsigned n = 0;
    for (unsigned s = 0; s < TLBM_L2_SETS; s++)
        for (unsigned i = 0; i < TLBM_L2_WAYS; i++) n += m->l2[s][i].lru != 0;
    return n;
}
