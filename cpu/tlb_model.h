/* cpu/tlb_model.h — private to cpu/: the Cortex-A57 TLB hierarchy as the cost model sees it.
 *
 * This TLB holds no translations the emulator uses: it only decides what a translation COSTS.
 * The emulator's functional soft TLB (mmu/mmu.h, direct-mapped, untagged, flushed on every
 * TTBR/TCR/SCTLR write) is a host-side cache; charging a walk on each of its misses made
 * guest time depend on the host cache's index collisions (docs/hv.md "Measured: lazy vs eager
 * boot"). Here a walk is charged only when the modelled TLBs miss:
 *
 *   L1 I-uTLB  48 entries, fully associative   (instruction fetches)
 *   L1 D-uTLB  32 entries, fully associative   (data accesses, DC/IC/AT by VA)
 *   L2 TLB     1024 entries, 4-way set-associative (256 sets), unified
 *
 * (/work/shared/design/timing.md §2 rows "L1 I-TLB", "L1 D-TLB", "L2 / main TLB": Cortex-A57
 * TRM DDI0488 5.2.1 and 5.2.3.) Entries are tagged as the architecture's TLBs are (Arm ARM D8.13
 * "Translation Lookaside Buffers"): translation regime (EL1&0 or EL2), VMID (when stage 2 is
 * on), ASID for non-global entries, and the VA range of the final mapping (its block/page
 * size: a 2MB block is one entry). Replacement: true LRU in each L2 set (a per-model access
 * counter), round robin in the uTLBs [A: the A57 TRM gives no policy]; both deterministic. An
 * entry is invalidated only by TLB maintenance (TLBI) — never by a TTBR/VTTBR/TCR/SCTLR write,
 * which is what the ASID/VMID tags are for.
 *
 * The model is consulted only on the slow path (soft-TLB miss, MMIO, page-crossing, fetch of a
 * new page); a soft-TLB hit counts as a uTLB hit (free, as on the A57) and does not update the
 * model's LRU state.
 *
 * Costs (timing.md §5 rows "tlb_hit", "tlb_miss fixed overhead", "per-descriptor walk fetch"):
 *   uTLB hit                      0   ("L1 uTLB hits are free")
 *   uTLB miss, L2 TLB hit        10   (the fixed overhead row's "main/L2 TLB lookup" [A];
 *                                      A15 analogue: L1-TLB miss that hits L2 is 12)
 *   L2 TLB miss (walk)       10 + 20 × descriptor fetches (up to 24 nested: 490) */
#ifndef FAULTLINE_CPU_TLB_MODEL_H
#define FAULTLINE_CPU_TLB_MODEL_H
#include <stdbool.h>
#include <stdint.h>

#define TLBM_COST_L2_HIT       10
#define TLBM_COST_WALK_FIXED   10
#define TLBM_COST_WALK_PER_DESC 20

#define TLBM_L2_WAYS  4
#define TLBM_L2_SETS  256          /* 1024 entries / 4 ways */
#define TLBM_ITLB_SIZE 48
#define TLBM_DTLB_SIZE 32

enum tlbm_regime { TLBM_EL10 = 0, TLBM_EL2 = 1 };
enum tlbm_side { TLBM_DATA = 0, TLBM_INSN = 1 };
enum tlbm_hit { TLBM_MISS = 0, TLBM_L2_HIT, TLBM_UTLB_HIT };

/* The translation context of a lookup or insertion: what the PE's registers select now. */
struct tlbm_ctx {
    uint8_t regime;          /* enum tlbm_regime */
    bool s2;                 /* stage 2 on (HCR_EL2.VM): entries carry the VMID */
    uint16_t vmid;           /* VTTBR_EL2.VMID (used when s2) */
    uint16_t asid;           /* current ASID (TCR_EL1.A1 selects TTBR0/1, TCR_EL1.AS the width) */
};

/* An entry, in the form the lookup compares: (key & mask) == tag and (ctx & cmask) == ctag,
 * where key is the VA (tlbm_va_key) and ctx the packed context (regime, s2, VMID, ASID). A
 * global entry's cmask leaves the ASID out. tag == TLBM_TAG_INVALID: an empty entry. */
#define TLBM_TAG_INVALID 1ull      /* never equals key & mask: mask clears bits [11:0] */
struct tlbm_entry {
    uint64_t tag, mask;
    uint64_t ctag, cmask;
    uint64_t lru;            /* last use (L2 TLB: the model's counter) */
};

/* Host-side index of a uTLB (no effect on what hits, only on how fast a lookup finds out): a
 * valid entry i of size 2^s sits in bucket tlbm_bucket(VA, s) as bit i of bucket[]; a lookup
 * compares only the entries of the buckets its VA selects, one per size present (shifts). */
#define TLBM_UTLB_BUCKETS 64
struct tlbm_utlb {
    struct tlbm_entry e[TLBM_ITLB_SIZE];   /* the D-uTLB uses the first TLBM_DTLB_SIZE */
    unsigned n, next, last;  /* size, round-robin victim, most recent hit (checked first) */
    uint64_t bucket[TLBM_UTLB_BUCKETS];    /* bit i: valid entry i hashes here */
    uint8_t ebucket[TLBM_ITLB_SIZE];       /* entry i's bucket (when valid) */
    uint8_t shift_n[64];     /* valid entries of size 2^s */
    uint64_t shifts;         /* bit s: shift_n[s] != 0 */
};

struct tlb_model {
    struct tlbm_entry l2[TLBM_L2_SETS][TLBM_L2_WAYS];
    struct tlbm_utlb utlb[2];             /* [TLBM_DATA], [TLBM_INSN] */
    uint64_t l2_shifts;      /* bit n: an L2 entry of size 2^n exists (sets probed per size) */
    uint16_t l2_shift_n[64]; /* valid L2 entries of size 2^n */
    uint64_t clock;          /* LRU counter */
    uint64_t utlb_hits, l2_hits, walks;   /* lookups by outcome (statistics) */
};

/* Which entries a TLBI removes (D8.13.x, C5.5 "A64 TLB maintenance instructions"). */
struct tlbm_match {
    uint8_t regime;          /* enum tlbm_regime */
    bool any_vmid;           /* ALLE1: every VMID; else only entries of (s2, vmid) */
    bool s2;
    uint16_t vmid;
    bool by_asid;            /* only non-global entries of asid ... */
    bool keep_global;        /* ... and global entries survive (ASIDE1); VAE1 removes them */
    uint16_t asid, asid_mask;/* asid_mask: 0xff with TCR_EL1.AS = 0 (8-bit ASIDs), else 0xffff */
    bool by_va;              /* only entries whose range contains va */
    uint64_t va;
};

void tlbm_reset(struct tlb_model *m);
/* Look va up for side; on a uTLB miss that hits the L2 TLB, the uTLB is refilled. */
enum tlbm_hit tlbm_lookup(struct tlb_model *m, const struct tlbm_ctx *ctx, uint64_t va, enum tlbm_side side);
/* After a walk (a TLBM_MISS): cache the translation of va, a 2^shift mapping, in the L2 TLB and
 * the side's uTLB. */
void tlbm_insert(struct tlb_model *m, const struct tlbm_ctx *ctx, uint64_t va, unsigned shift,
                 bool global, enum tlbm_side side);
void tlbm_invalidate(struct tlb_model *m, const struct tlbm_match *w);
unsigned tlbm_count_valid(const struct tlb_model *m);   /* L2 entries (tests) */

#endif
