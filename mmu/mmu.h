/* mmu/mmu.h — public contract of the VMSAv8-64 translation block.
 *
 * Typed addresses (ARCHITECTURE.md decision 6): a VA, an IPA and a PA are distinct C types so that
 * a stage-1 output cannot be handed where an IPA is expected without a visible conversion.
 * The table walker (stage 1 of the EL1&0 and EL2 regimes, stage 2) and the software TLB live here;
 * the CPU, the hypervisor and the SMMU all use the same walker.
 */
#ifndef FAULTLINE_MMU_H
#define FAULTLINE_MMU_H
#include <stdbool.h>
#include <stdint.h>

typedef struct { uint64_t v; } va_t;   /* virtual address (stage-1 input)              */
typedef struct { uint64_t v; } ipa_t;  /* intermediate physical address (stage-2 input) */
typedef struct { uint64_t v; } pa_t;   /* physical address (bus address)                */

static inline va_t  mk_va(uint64_t v)  { return (va_t){ v }; }
static inline ipa_t mk_ipa(uint64_t v) { return (ipa_t){ v }; }
static inline pa_t  mk_pa(uint64_t v)  { return (pa_t){ v }; }
/* The one place where "stage 2 is off" lets an IPA be used as a PA (and the 1:1 hardware
 * domain lets a PA be named as an IPA): keep these conversions visible. */
static inline pa_t  ipa_as_pa_identity(ipa_t a) { return (pa_t){ a.v }; }
static inline ipa_t pa_as_ipa_identity(pa_t a)  { return (ipa_t){ a.v }; }

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ull << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/* ---- Software TLB (per vCPU, per translation regime) -------------------------------------
 * Direct-mapped; one array per access kind. `tag` is the page-aligned VA of the entry (or
 * SOFT_TLB_INVALID); host = va + addend. An access whose low bits are not aligned to its size
 * misses the tag compare and takes the slow path, which handles unaligned and Device accesses. */
#define SOFT_TLB_BITS    8
#define SOFT_TLB_SIZE    (1u << SOFT_TLB_BITS)
#define SOFT_TLB_INVALID (~0ull)

struct soft_tlb_entry {
    uint64_t  tag;
    uintptr_t addend;
};

struct soft_tlb {
    struct soft_tlb_entry r[SOFT_TLB_SIZE];
    struct soft_tlb_entry w[SOFT_TLB_SIZE];
    /* log2 of the largest mapping (page or block) whose pages may have been installed since the
     * last flush through soft_tlb_flush_page/cpu_tlb_flush_*: a TLBI by VA must then drop every
     * page of that mapping, not just one slot. 0 = only 4KB mappings. */
    uint8_t max_shift;
};

static inline unsigned soft_tlb_index(uint64_t va) {
    return (unsigned)(va >> PAGE_SHIFT) & (SOFT_TLB_SIZE - 1);
}
void soft_tlb_flush(struct soft_tlb *t);
/* Invalidate every entry that may translate va: its slot, or all slots of the largest mapping
 * recorded in max_shift (D8.13: a TLBI by VA removes the whole block entry holding va). */
void soft_tlb_flush_page(struct soft_tlb *t, uint64_t va);
/* Record that pages of a 2^shift mapping may be installed (called before a refill). */
static inline void soft_tlb_note_mapping(struct soft_tlb *t, unsigned shift)
{
    if (shift > PAGE_SHIFT && shift > t->max_shift) t->max_shift = (uint8_t)shift;
}

/* ==== VMSAv8-64 translation table walker (mmu/walk.c) ======================================
 * Arm ARM D8 "The AArch64 Virtual Memory System Architecture". One descriptor-walk loop serves
 * stage 1 of the EL1&0 regime (two VA ranges, TTBR0/TTBR1), stage 1 of the EL2 regime (one
 * range) and stage 2 (VTCR_EL2/VTTBR_EL2, or an SMMU context bank's TCR/TTBR0 in VTCR form);
 * only the start-level rules and the permission/attribute decoding differ per stage.
 * Only 64-bit descriptors, no FEAT_LPA/LPA2 (52-bit), no FEAT_HAFDBS (HA/HD are ignored: the
 * access flag is never set by hardware, so AF == 0 always faults), no FEAT_HPDS, no FEAT_XNX. */

enum mmu_stage { MMU_STAGE1 = 1, MMU_STAGE2 = 2 };

/* One input-address range of a regime (one TTBR and its TCR fields). */
struct mmu_range {
    uint64_t ttbr;            /* TTBRn_ELx / VTTBR_EL2: BADDR in [47:1]; ASID/VMID bits ignored */
    unsigned txsz;            /* TCR.TnSZ / VTCR.T0SZ: input address size = 64 - txsz */
    unsigned granule_shift;   /* 12 (4KB), 14 (16KB), 16 (64KB) — decoded TGn */
    bool epd;                 /* TCR_EL1.EPDn: walks for this range are disabled */
    bool tbi;                 /* TCR.TBIn: top byte ignored (stage 1 only) */
};

struct mmu_s2_cache;

/* A translation regime, as the walker sees it. Fill with mmu_regime_el10/el2/stage2 from the
 * architectural register values, or by hand (the SMMU's context banks). */
struct mmu_regime {
    enum mmu_stage stage;
    bool two_ranges;          /* EL1&0: VA[55] selects TTBR0 (0) or TTBR1 (1) */
    bool el2;                 /* stage-1 EL2 regime: one privilege level, AP[1] and APTable[0] RES */
    struct mmu_range range[2];
    unsigned oa_bits;         /* output address size: min(TCR.IPS / VTCR.PS, implemented PA size) */
    unsigned start_level;     /* stage 2: from VTCR_EL2.SL0 (computed; stage 1 derives it per range) */
    bool s2_config_ok;        /* stage 2: SL0/T0SZ/granule are consistent (else level-0 fault) */
    uint64_t mair;            /* MAIR_ELx (stage 1) */
    uint16_t asid;            /* current ASID (TCR.A1 selects TTBR0/1, TCR.AS 8 or 16 bits) */
    uint16_t vmid;            /* stage 2: VTTBR_EL2.VMID */
    bool wxn;                 /* SCTLR_ELx.WXN */
    /* Stage 2 only, optional: a walk cache the regime's owner keeps (see mmu_s2_cache). */
    struct mmu_s2_cache *s2_cache;
};

/* Decode register values into a regime. pa_bits = implemented PA size (ID_AA64MMFR0.PARange). */
void mmu_regime_el10(struct mmu_regime *r, uint64_t tcr_el1, uint64_t ttbr0, uint64_t ttbr1,
                     uint64_t mair, uint64_t sctlr, unsigned pa_bits);
void mmu_regime_el2(struct mmu_regime *r, uint64_t tcr_el2, uint64_t ttbr0_el2, uint64_t mair_el2,
                    uint64_t sctlr_el2, unsigned pa_bits);
void mmu_regime_stage2(struct mmu_regime *r, uint64_t vtcr_el2, uint64_t vttbr_el2, unsigned pa_bits);
/* TCR.{I}PS / VTCR.PS encoding → bits (reserved encodings read as the largest, 48). */
unsigned mmu_ps_bits(unsigned ps);

/* The access being translated. */
enum mmu_access_type { MMU_READ = 0, MMU_WRITE = 1, MMU_EXEC = 2 };
struct mmu_access {
    enum mmu_access_type type;
    bool el0;                 /* checked with EL0 (unprivileged) permissions: EL0, LDTR/STTR */
    bool pan;                 /* PSTATE.PAN (FEAT_PAN) for privileged data accesses */
};

/* Descriptor fetch. `pa` is the physical address of the 64-bit descriptor (always 8-aligned).
 * Returns false if the read failed: a synchronous external abort on the table walk. */
struct mmu_desc_reader {
    bool (*read_desc)(void *opaque, pa_t pa, uint64_t *desc);
    void *opaque;
};

/* Fault kinds, with the FSC of D17.2.37 (ESR_ELx.ISS DFSC/IFSC) given by mmu_fault_fsc(). */
enum mmu_fault_kind {
    MMU_FAULT_NONE = 0,
    MMU_FAULT_ADDR_SIZE,      /* 0b0000LL */
    MMU_FAULT_TRANSLATION,    /* 0b0001LL */
    MMU_FAULT_ACCESS_FLAG,    /* 0b0010LL */
    MMU_FAULT_PERMISSION,     /* 0b0011LL */
    MMU_FAULT_EXT_WALK,       /* 0b0101LL synchronous external abort on translation table walk */
};
struct mmu_fault {
    enum mmu_fault_kind kind;
    unsigned level;           /* 0..3 */
    enum mmu_stage stage;     /* which stage faulted (2 → the hypervisor's business) */
    bool s1ptw;               /* stage-2 fault on a stage-1 translation table walk (ISS.S1PTW) */
    bool ipa_valid;           /* stage-2 fault: ipa is the faulting IPA (HPFAR_EL2.FIPA = ipa>>12) */
    ipa_t ipa;
    bool write;               /* the access was a write (ISS.WnR; 0 for S1PTW faults) */
};
unsigned mmu_fault_fsc(const struct mmu_fault *f);

/* Permission bits of a translation (after AP/S2AP, UXN/PXN/XN, APTable/UXNTable/PXNTable, WXN
 * and "EL0-writable is PXN"; PAN is a property of the access, not of the mapping). */
enum {
    MMU_PERM_EL0_R = 1, MMU_PERM_EL0_W = 2, MMU_PERM_EL0_X = 4,
    MMU_PERM_EL1_R = 8, MMU_PERM_EL1_W = 16, MMU_PERM_EL1_X = 32,
};
/* Stage 2 has one set (S2AP, XN): it is reported in both the EL0 and the EL1 bits. */

struct mmu_result {
    /* Output address. A stage-1 walk outputs an IPA (use ipa_as_pa_identity when stage 2 is
     * off); a stage-2 walk and mmu_translate output a PA. Only the one for the walk is set. */
    ipa_t ipa;
    pa_t  pa;
    unsigned level;           /* level of the leaf descriptor */
    unsigned block_shift;     /* log2 of the block/page size (12..39) */
    uint64_t desc;            /* the leaf descriptor as read */
    uint8_t attr;             /* stage 1: MAIR attribute byte (AttrIndx); stage 2: MemAttr[3:0];
                                 mmu_translate with both stages: the combined attribute, MAIR form */
    unsigned sh;              /* SH[1:0]: 0 non-, 2 outer, 3 inner shareable */
    unsigned perms;           /* MMU_PERM_* */
    bool ng;                  /* stage 1 nG: entry is tagged with asid */
    uint16_t asid, vmid;
    unsigned sw;              /* descriptor bits [58:55] (software use; Xen's p2m type) */
    bool contiguous;
    unsigned desc_reads;      /* descriptor fetches done (cost model: up to 24 nested) */
    struct mmu_fault fault;   /* kind == MMU_FAULT_NONE on success */
    /* mmu_translate with stage 2: the stage-2 leaf of the final IPA */
    unsigned s2_level, s2_block_shift, s2_sw, s2_perms;
    uint8_t s2_memattr;
};

/* ---- stage-2 walk cache --------------------------------------------------------------------
 * A vCPU's cache of successful stage-2 walks, by 4KB IPA page (a TLB holding stage-2-only
 * entries, as D8.13 allows for a VMID), consulted by every stage-2 walk of a regime whose
 * s2_cache points to it — the nested walks of stage-1 table addresses included, which is what
 * makes two-stage translation cost several walks. Each entry keeps the descriptor-read count
 * of the walk it remembers, so desc_reads (the cost model) is the same with or without it.
 * Faults are never cached. The owner must flush it whenever the stage-2 tables change (the
 * p2m's break-before-make hook) or VTTBR/VTCR change. */
#define MMU_S2_CACHE_SIZE 256
struct mmu_result;
struct mmu_s2_cache_entry;
struct mmu_s2_cache { struct mmu_s2_cache_entry *e; };   /* MMU_S2_CACHE_SIZE entries */
struct mmu_s2_cache *mmu_s2_cache_new(void);
void mmu_s2_cache_free(struct mmu_s2_cache *c);
void mmu_s2_cache_flush(struct mmu_s2_cache *c);

/* Stage-1 walk of va under regime r (r->stage == MMU_STAGE1). Table addresses are IPAs; with
 * s2 != NULL (nested) each is translated by stage 2 first (a fault there is a stage-2 fault
 * with S1PTW = 1), else they are used as PAs. The output IPA is NOT run through stage 2 (see
 * mmu_translate). Returns true on success. No side effects besides descriptor reads. */
bool mmu_walk_s1(const struct mmu_regime *r, const struct mmu_regime *s2, va_t va,
                 const struct mmu_access *acc, const struct mmu_desc_reader *rd, struct mmu_result *res);
/* Stage-2 walk of ipa under regime r (r->stage == MMU_STAGE2). */
bool mmu_walk_s2(const struct mmu_regime *r, ipa_t ipa, const struct mmu_access *acc,
                 const struct mmu_desc_reader *rd, struct mmu_result *res);
/* Full translation VA → PA: stage 1 (s1 may be NULL: stage 1 disabled, VA = IPA, data
 * Device-nGnRnE and fetches Normal WB per D8.2.11), then stage 2 (s2 may be NULL). Attributes
 * are combined (mmu_combine_s1s2), perms are the intersection, block_shift the smaller mapping.
 * A stage-2 fault on the final IPA has fault.stage == 2, s1ptw == 0 and fault.ipa set. */
bool mmu_translate(const struct mmu_regime *s1, const struct mmu_regime *s2, va_t va,
                   const struct mmu_access *acc, const struct mmu_desc_reader *rd, struct mmu_result *res);
/* Debug walk (gdb, UI, AT-like queries): mmu_translate without permission checks (perms are
 * still reported). The walker never has side effects (no AF/dirty updates, no TLB fills). */
bool mmu_walk_debug(const struct mmu_regime *s1, const struct mmu_regime *s2, va_t va,
                    const struct mmu_desc_reader *rd, struct mmu_result *res);

/* ---- memory attributes ----
 * MAIR-form attribute byte (D17.2.97 MAIR_ELx): [7:4] == 0 → Device (dd in [3:2]:
 * 00 nGnRnE, 01 nGnRE, 10 nGRE, 11 GRE); else Normal, outer [7:4], inner [3:0]
 * (0b0100 Non-cacheable, 0b00RW/0b10RW Write-through, 0b01RW/0b11RW Write-back, RW ≠ 00). */
#define MAIR_DEVICE_nGnRnE 0x00
#define MAIR_DEVICE_nGnRE  0x04
#define MAIR_DEVICE_nGRE   0x08
#define MAIR_DEVICE_GRE    0x0c
#define MAIR_NORMAL_NC     0x44
#define MAIR_NORMAL_WT     0xbb
#define MAIR_NORMAL_WB     0xff
/* Stage-2 MemAttr[3:0] (D8.6.5, HCR_EL2.FWB == 0). */
#define S2_MEMATTR_DEVICE_nGnRnE 0x0
#define S2_MEMATTR_DEVICE_nGnRE  0x1
#define S2_MEMATTR_DEVICE_nGRE   0x2
#define S2_MEMATTR_DEVICE_GRE    0x3
#define S2_MEMATTR_NORMAL_NC     0x5
#define S2_MEMATTR_NORMAL_WT     0xa
#define S2_MEMATTR_NORMAL_WB     0xf
static inline bool mmu_attr_is_device(uint8_t mair_attr) { return (mair_attr & 0xf0) == 0; }
/* Stage-2 MemAttr → MAIR form (no allocation hints: cacheable halves get RW = 11). */
uint8_t mmu_s2_memattr_to_mair(unsigned memattr);
/* Combine stage-1 and stage-2 attributes (D8.6.? "Combining the stage 1 and stage 2 attributes",
 * HCR_EL2.FWB == 0): Device beats Normal; among Device the more restrictive of
 * nGnRnE < nGnRE < nGRE < GRE; for Normal, per inner/outer the weaker of NC < WT < WB; the
 * shareability is the more shareable, and Device or Normal Non-cacheable is Outer Shareable.
 * Returns the MAIR-form attribute; *sh_out gets the combined SH. */
uint8_t mmu_combine_s1s2(uint8_t s1_mair_attr, unsigned s1_sh, unsigned s2_memattr, unsigned s2_sh,
                         unsigned *sh_out);

#endif
