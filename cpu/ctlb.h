/* cpu/ctlb.h — private to cpu/: the soft TLB's second level, tagged by ASID and VMID.
 *
 * The fast soft TLB (mmu/mmu.h struct soft_tlb: one compare + add on a hit) is untagged and
 * is still flushed on every TTBR0/TTBR1/CONTEXTIDR_EL1 write and VTTBR change. It must be: the
 * cost model (cpu/tlb_model.h) counts a fast-TLB hit as a free uTLB hit and is consulted only
 * on fast-TLB misses, so the set of accesses that hit the fast TLB is guest-visible (cycles,
 * hence timer interrupts, hence instruction counts). Keeping fast entries across a context
 * switch would change guest time; docs/mmu.md "Context-tagged second level" has the
 * measurement.
 *
 * What a context switch no longer throws away is the WALK: this cache, consulted by
 * cpu_translate() on every fast-TLB miss (MMU on), remembers successful translations by 4KB VA
 * page, tagged as the architecture tags TLB entries (Arm ARM D8.13 "Translation Lookaside
 * Buffers"): the EL1&0 regime (the only one the interpreter runs), the stage-2 context (when
 * HCR_EL2.VM: the whole VTTBR_EL2, i.e. VMID and base — stricter than the VMID alone), and the
 * ASID for non-global entries (global entries match any ASID). A hit gives the same
 * struct translation the walk would (permissions are re-checked per access; a denied access
 * walks again to get the exact fault), with the walk's descriptor-read count, so the cost
 * model is charged exactly as before. Direct-mapped, CTLB_SIZE entries.
 *
 * Invalidation follows the architecture: TLBI VAE1/VALE1 (that VA: that ASID's and global
 * entries, current stage-2 context), VAAE1/VAALE1 (that VA, all ASIDs), ASIDE1 (that ASID's
 * non-global entries only), VMALLE1 (the current stage-2 context), and VMALLS12E1 from the
 * native hypervisor's p2m hook (every stage-2 context: the hook does not say which vCPU runs
 * which VMID). Everything else that changes a translation without an architectural TLBI —
 * SCTLR_EL1, TCR_EL1, MAIR_EL1, PSTATE.PAN/UAO, HCR_EL2.VM and VTCR_EL2, watchpoints, reset —
 * flushes it whole (ctlb_flush). It holds PAs, never host pointers or write rights: the fast
 * write TLB is still refilled only through mem.c's code-page check. */
#ifndef FAULTLINE_CPU_CTLB_H
#define FAULTLINE_CPU_CTLB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTLB_BITS 11
#define CTLB_SIZE (1u << CTLB_BITS)
#define CTLB_INVALID (~0ull)

/* The context a lookup is made in (what TCR_EL1.A1/AS, TTBRn_EL1.ASID and HCR_EL2.VM/VTTBR_EL2
 * select now). s2tag: 0 with stage 2 off; VTTBR_EL2 | 1 with it on (bit 0, CnP, is RES0 without
 * FEAT_TTCNP, so an s2 tag is never 0). A lookup hits only the same VTTBR_EL2; a TLBI matches
 * by VMID (the tag's VMID field under the caller's mask), as the architecture's does. */
#define CTLB_S2_ON 1ull
struct ctlb_ctx {
    uint64_t s2tag;
    uint16_t asid;           /* already masked to 8 bits when TCR_EL1.AS = 0 */
};

struct ctlb_entry {
    uint64_t va;             /* page-aligned VA as accessed (top byte included), or CTLB_INVALID */
    uint64_t s2tag;
    uint64_t pa;             /* PA of the 4KB page */
    uint16_t asid;
    uint8_t ng, perms, attr, level, block_shift, desc_reads;
};

struct ctlb {
    struct ctlb_entry e[CTLB_SIZE];
    /* log2 of the largest mapping installed since the last full flush: a TLBI by VA must drop
     * every page of a block entry, which may sit in other slots. */
    uint8_t max_shift;
    /* The VA range (TLBI key form, inclusive) those block entries lie in: a TLBI outside it
     * (a user page, a vmalloc page beside a block-mapped linear map) needs only its own slot. */
    uint64_t blk_lo, blk_hi;
    /* The VA range covered by non-global entries since the last full flush: a TLBI VAAE1 (all
     * ASIDs, so any slot) outside it (a kernel address) need not scan the whole cache. */
    bool any_ng;
    uint64_t ng_lo, ng_hi;
    uint64_t hits, fills;    /* statistics (tests, docs) */
};

/* Slot of a 4KB VA page: by VA page number with the VMID (VTTBR_EL2[55:48]) and, for
 * non-global entries, the ASID hashed in, so that processes using the same VAs (every Linux
 * process's text and stack) and domains using the same IPAs do not evict each other. A lookup
 * probes the ASID's slot, then the global one. */
static inline unsigned ctlb_index(uint64_t va, uint64_t s2tag, bool ng, uint16_t asid)
{
    uint32_t k = (uint32_t)((s2tag >> 48) & 0xff) << 17 | (ng ? (uint32_t)asid + 1 : 0);
    unsigned h = k ? (unsigned)((k * 0x9E3779B1u) >> (32 - CTLB_BITS)) : 0;
    return ((unsigned)(va >> 12) ^ h) & (CTLB_SIZE - 1);
}

/* The entry for va in context x, or NULL. */
static inline const struct ctlb_entry *ctlb_lookup(const struct ctlb *t, const struct ctlb_ctx *x, uint64_t va)
{
    uint64_t page = va & ~0xfffull;
    const struct ctlb_entry *e = &t->e[ctlb_index(va, x->s2tag, true, x->asid)];
    if (e->va == page && e->s2tag == x->s2tag && e->ng && e->asid == x->asid) return e;
    e = &t->e[ctlb_index(va, x->s2tag, false, 0)];
    if (e->va == page && e->s2tag == x->s2tag && !e->ng) return e;
    return NULL;
}

void ctlb_flush(struct ctlb *t);
void ctlb_fill(struct ctlb *t, const struct ctlb_ctx *x, uint64_t va, uint64_t pa_page, bool ng,
               unsigned perms, unsigned attr, unsigned level, unsigned block_shift, unsigned desc_reads);
/* Which stage-2 context a TLBI applies to: entries with the same stage-2 on/off state and, with
 * stage 2 on, the same VMID (s2tag & vmid_mask: VTTBR_EL2[63:48] or [55:48] per VTCR_EL2.VS). */
struct ctlb_vm { uint64_t s2tag, vmid_mask; };
/* TLBI by VA: entries whose mapping contains va (VA[55:0] compared sign-extended, as TLBI's
 * operand is) in vm; all ASIDs, or only global entries and asid's. */
void ctlb_flush_va(struct ctlb *t, const struct ctlb_vm *vm, uint64_t va, bool all_asids, uint16_t asid, uint16_t asid_mask);
/* TLBI ASIDE1: non-global entries of asid in vm. */
void ctlb_flush_asid(struct ctlb *t, const struct ctlb_vm *vm, uint16_t asid, uint16_t asid_mask);
/* TLBI VMALLE1: every entry of vm. */
void ctlb_flush_vm(struct ctlb *t, const struct ctlb_vm *vm);
/* Every entry made with stage 2 on (any VMID). */
void ctlb_flush_all_s2(struct ctlb *t);

#endif
