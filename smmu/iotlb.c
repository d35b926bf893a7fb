/* smmu/iotlb.c — the IOTLB: a set-associative cache of completed translations.
 *
 * SMMUv2 §3.? "TLB" / §3.? "TLB maintenance": an SMMU may cache translations and only the TLBI
 * operations (or reconfiguration) remove them. Entries are filled per 4KB input page but
 * remember the size of the stage-1 and stage-2 mappings they came from, so that a TLBI by VA
 * or by IPA anywhere in a block removes every page of that block (as the CPU's soft TLB does,
 * mmu/tlb.c). Tags: context bank, VMID (every entry), ASID (non-global stage-1 entries).
 * A lookup hits only entries of the same context bank; invalidations select by VMID/ASID/
 * address as the architecture defines them, whichever bank made the entry. */
#include <string.h>
#include "smmu/smmu_internal.h"

#define VA_BITS_MASK ((1ull << 56) - 1)     /* TLBIVA carries VA[55:12] */

static unsigned set_of(unsigned cb, uint64_t ia)
{
    uint64_t p = ia >> 12;
    return (unsigned)((p ^ (p >> 7) ^ (uint64_t)cb * 0x9e5u) & (IOTLB_SETS - 1));
}

void iotlb_flush_all(struct smmu *s)
{
    memset(s->tlb, 0, sizeof s->tlb);
    s->stats.invalidations++;
}

const struct iotlb_entry *iotlb_lookup(struct smmu *s, unsigned cb, uint16_t asid, uint16_t vmid,
                                       uint64_t ia)
{
    ia &= ~0xfffull;
    struct iotlb_entry *set = s->tlb[set_of(cb, ia)];
    for (unsigned w = 0; w < IOTLB_WAYS; w++) {
        const struct iotlb_entry *e = &set[w];
        if (e->valid && e->cb == cb && e->ia == ia && e->vmid == vmid && (e->global || e->asid == asid)) {
            s->stats.hits++;
            return e;
        }
    }
    s->stats.misses++;
    return NULL;
}

void iotlb_insert(struct smmu *s, const struct iotlb_entry *e)
{
    unsigned si = set_of(e->cb, e->ia);
    struct iotlb_entry *set = s->tlb[si];
    unsigned w;
    for (w = 0; w < IOTLB_WAYS; w++)
        if (!set[w].valid) break;
    if (w == IOTLB_WAYS) {                 /* round-robin replacement */
        w = s->tlb_victim[si];
        s->tlb_victim[si] = (w + 1) % IOTLB_WAYS;
    }
    set[w] = *e;
    set[w].valid = true;
}

/* Apply `pred` to every entry and drop the ones it selects. */
#define IOTLB_DROP_IF(s, e, cond)                                              \
    do {                                                                       \
        for (unsigned si_ = 0; si_ < IOTLB_SETS; si_++)                        \
            for (unsigned w_ = 0; w_ < IOTLB_WAYS; w_++) {                     \
                struct iotlb_entry *e = &(s)->tlb[si_][w_];                    \
                if (e->valid && (cond)) e->valid = false;                      \
            }                                                                  \
        (s)->stats.invalidations++;                                            \
    } while (0)

/* Reconfiguration of context bank `cb` (or of the stage-2 bank of a nested context). */
void iotlb_inv_cb(struct smmu *s, unsigned cb)
{
    IOTLB_DROP_IF(s, e, e->cb == cb || e->s2cb == cb);
}

/* TLBIVMID, CBn_TLBIALL: every entry of the VMID, stage 1 and stage 2. */
void iotlb_inv_vmid(struct smmu *s, uint16_t vmid)
{
    IOTLB_DROP_IF(s, e, e->vmid == vmid);
}

/* CBn_TLBIASID: non-global stage-1 entries of the ASID in the VMID. */
void iotlb_inv_asid(struct smmu *s, uint16_t vmid, uint16_t asid)
{
    IOTLB_DROP_IF(s, e, e->vmid == vmid && e->has_s1 && !e->global && e->asid == asid);
}

/* CBn_TLBIVA(L) (match_asid: the ASID's entries and global ones) and CBn_TLBIVAA(L) (any
 * ASID): stage-1 entries whose stage-1 mapping contains va. The leaf-only "L" forms are
 * treated as the full forms (the IOTLB holds no table-walk entries). */
void iotlb_inv_va(struct smmu *s, uint16_t vmid, uint64_t va, bool match_asid, uint16_t asid)
{
    va &= VA_BITS_MASK;
    IOTLB_DROP_IF(s, e, e->vmid == vmid && e->has_s1 &&
                        (((e->ia & VA_BITS_MASK) ^ va) >> e->s1_shift) == 0 &&
                        (!match_asid || e->global || e->asid == asid));
}

/* CBn_TLBIIPAS2(L): entries whose stage-2 mapping contains ipa (stage-2-only and nested). */
void iotlb_inv_ipa(struct smmu *s, uint16_t vmid, uint64_t ipa)
{
    IOTLB_DROP_IF(s, e, e->vmid == vmid && e->has_s2 && ((e->ipa ^ ipa) >> e->s2_shift) == 0);
}
