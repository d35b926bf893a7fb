/* cpu/ctlb.c — the ASID/VMID-tagged second level of the soft TLB: fill and TLBI matching.
 * What it is for and why the fast level stays untagged: cpu/ctlb.h. */
#include "cpu/ctlb.h"

/* The VA as a TLBI operand names it: VA[55:0] sign-extended from bit 55 (the top byte is a tag
 * under TBI; cpu_tlb_flush_va receives the operand in this form). */
static inline uint64_t va_key(uint64_t va) { return (uint64_t)((int64_t)(va << 8) >> 8); }

void ctlb_flush(struct ctlb *t)
{
    for (unsigned i = 0; i < CTLB_SIZE; i++) t->e[i].va = CTLB_INVALID;
    t->max_shift = 0;
    t->any_ng = false;
}

static void widen(uint64_t *lo, uint64_t *hi, bool first, uint64_t key, unsigned shift)
{
    uint64_t l = key & ~((1ull << shift) - 1), h = l | ((1ull << shift) - 1);
    if (first || l < *lo) *lo = l;
    if (first || h > *hi) *hi = h;
}

void ctlb_fill(struct ctlb *t, const struct ctlb_ctx *x, uint64_t va, uint64_t pa_page, bool ng,
               unsigned perms, unsigned attr, unsigned level, unsigned block_shift, unsigned desc_reads)
{
    /* A walk reads at most 24 descriptors (4 + 4x5 nested); anything that does not fit is not
     * cached rather than cached wrong. */
    if (desc_reads > 255 || block_shift < 12 || block_shift > 63) return;
    struct ctlb_entry *e = &t->e[ctlb_index(va, x->s2tag, ng, x->asid)];
    *e = (struct ctlb_entry){
        .va = va & ~0xfffull, .s2tag = x->s2tag, .pa = pa_page, .asid = ng ? x->asid : 0, .ng = ng,
        .perms = (uint8_t)perms, .attr = (uint8_t)attr, .level = (uint8_t)level,
        .block_shift = (uint8_t)block_shift, .desc_reads = (uint8_t)desc_reads,
    };
    uint64_t key = va_key(va);
    if (block_shift > 12) {
        widen(&t->blk_lo, &t->blk_hi, t->max_shift <= 12, key, block_shift);
        if (block_shift > t->max_shift) t->max_shift = (uint8_t)block_shift;
    }
    if (ng) {
        widen(&t->ng_lo, &t->ng_hi, !t->any_ng, key, block_shift);
        t->any_ng = true;
    }
    t->fills++;
}

static bool in_vm(const struct ctlb_entry *e, const struct ctlb_vm *vm)
{
    if ((e->s2tag ^ vm->s2tag) & CTLB_S2_ON) return false;
    return !(vm->s2tag & CTLB_S2_ON) || ((e->s2tag ^ vm->s2tag) & vm->vmid_mask) == 0;
}

static bool covers(const struct ctlb_entry *e, uint64_t key)
{
    return e->va != CTLB_INVALID && ((va_key(e->va) ^ key) >> e->block_shift) == 0;
}

struct va_match { const struct ctlb_vm *vm; uint64_t key; bool all_asids; uint16_t asid, asid_mask; };

static void drop_if(struct ctlb_entry *e, const struct va_match *m)
{
    if (!covers(e, m->key) || !in_vm(e, m->vm)) return;
    if (!m->all_asids && e->ng && (e->asid & m->asid_mask) != (m->asid & m->asid_mask)) return;
    e->va = CTLB_INVALID;
}

void ctlb_flush_va(struct ctlb *t, const struct ctlb_vm *vm, uint64_t va, bool all_asids, uint16_t asid, uint16_t asid_mask)
{
    const struct va_match m = { vm, va_key(va), all_asids, asid, asid_mask };
    /* A 4KB entry for va sits in va's slot (global, or its ASID's); an entry of a 2^s block
     * containing va may sit in the slot of any page of that block (each page is filled
     * separately). All ASIDs' non-global entries may be anywhere: then scan everything. */
    unsigned shift = t->max_shift > 12 && m.key >= t->blk_lo && m.key <= t->blk_hi ? t->max_shift : 12;
    bool scan_all = shift - 12 >= CTLB_BITS ||
                    (all_asids && t->any_ng && m.key >= t->ng_lo && m.key <= t->ng_hi);
    if (scan_all) {
        for (unsigned i = 0; i < CTLB_SIZE; i++) drop_if(&t->e[i], &m);
        return;
    }
    uint64_t base = m.key & ~((1ull << shift) - 1);
    for (uint64_t p = 0; p < 1ull << (shift - 12); p++) {
        uint64_t pva = base + (p << 12);
        drop_if(&t->e[ctlb_index(pva, vm->s2tag, false, 0)], &m);
        if (!all_asids) drop_if(&t->e[ctlb_index(pva, vm->s2tag, true, asid & asid_mask)], &m);
    }
}

void ctlb_flush_asid(struct ctlb *t, const struct ctlb_vm *vm, uint16_t asid, uint16_t asid_mask)
{
    for (unsigned i = 0; i < CTLB_SIZE; i++) {
        struct ctlb_entry *e = &t->e[i];
        if (e->va != CTLB_INVALID && e->ng && in_vm(e, vm) && (e->asid & asid_mask) == (asid & asid_mask))
            e->va = CTLB_INVALID;
    }
}

void ctlb_flush_vm(struct ctlb *t, const struct ctlb_vm *vm)
{
    for (unsigned i = 0; i < CTLB_SIZE; i++)
        if (in_vm(&t->e[i], vm)) t->e[i].va = CTLB_INVALID;
}

void ctlb_flush_all_s2(struct ctlb *t)
{
    for (unsigned i = 0; i < CTLB_SIZE; i++)
        if (t->e[i].s2tag & CTLB_S2_ON) t->e[i].va = CTLB_INVALID;
}
