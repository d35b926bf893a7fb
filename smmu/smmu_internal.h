/* smmu/smmu_internal.h — private to smmu/: the SMMU state and the register map.
 * Register and field names as Arm IHI 0062 (SMMUv2) spells them. */
#ifndef FAULTLINE_SMMU_INTERNAL_H
#define FAULTLINE_SMMU_INTERNAL_H
#include "smmu/smmu.h"

#define SMMU_PAGE_SHIFT  12                 /* ID1.PAGESIZE = 0: 4KB register pages */
#define SMMU_MAX_CB      128
#define SMMU_MAX_SMRG    128
#define SMMU_NUMSIDB     15                 /* ID0.NUMSIDB: 15-bit stream IDs */
#define SMMU_SID_MASK    ((1u << SMMU_NUMSIDB) - 1)
#define SMMU_IAS_BITS    48                 /* ID2.IAS/OAS/UBS = 5 (48 bits) */
#define SMMU_OAS_BITS    48

/* ---- GR0 (SMMUv2 §9.6 "Global register space 0") ---- */
#define GR0_sCR0         0x000
#define GR0_sCR1         0x004
#define GR0_sCR2         0x008
#define GR0_sACR         0x010
#define GR0_ID0          0x020
#define GR0_ID1          0x024
#define GR0_ID2          0x028
#define GR0_ID7          0x03c
#define GR0_sGFAR        0x040              /* 64-bit */
#define GR0_sGFSR        0x048
#define GR0_sGFSRRESTORE 0x04c
#define GR0_sGFSYNR0     0x050
#define GR0_sGFSYNR1     0x054
#define GR0_sGFSYNR2     0x058
#define GR0_STLBIALL     0x060
#define GR0_TLBIVMID     0x064
#define GR0_TLBIALLNSNH  0x068
#define GR0_TLBIALLH     0x06c
#define GR0_sTLBGSYNC    0x070
#define GR0_sTLBGSTATUS  0x074
#define GR0_SMR(n)       (0x800 + 4 * (n))
#define GR0_S2CR(n)      (0xc00 + 4 * (n))

/* sCR0 fields */
#define sCR0_CLIENTPD    (1u << 0)
#define sCR0_GFRE        (1u << 1)
#define sCR0_GFIE        (1u << 2)
#define sCR0_EXIDENABLE  (1u << 3)
#define sCR0_GCFGFRE     (1u << 4)
#define sCR0_GCFGFIE     (1u << 5)
#define sCR0_STALLD      (1u << 8)
#define sCR0_GSE         (1u << 9)
#define sCR0_USFCFG      (1u << 10)
#define sCR0_VMIDPNE     (1u << 11)
#define sCR0_PTM         (1u << 12)
#define sCR0_FB          (1u << 13)
#define sCR0_BSU_SHIFT   14
#define sCR0_SMCFCFG     (1u << 21)
#define sCR0_VMID16EN    (1u << 31)
#define sCR0_RESET       (sCR0_CLIENTPD | sCR0_SMCFCFG)   /* MMU-500 reset value 0x00200001 */

/* ID0 fields */
#define ID0_S1TS         (1u << 30)
#define ID0_S2TS         (1u << 29)
#define ID0_NTS          (1u << 28)
#define ID0_SMS          (1u << 27)
#define ID0_ATOSNS       (1u << 26)
#define ID0_PTFS_NO_AARCH32 (1u << 25)
#define ID0_NUMIRPT_SHIFT 16
#define ID0_CTTW         (1u << 14)
#define ID0_NUMSIDB_SHIFT 9
/* ID2 */
#define ID2_PTFS_4K      (1u << 12)
#define ID2_ENC_48       5u
/* ID7: MMU-500 r2p1 */
#define ID7_MMU500       0x21u

/* sGFSR fields (SMMUv2 §9.6.? sGFSR) */
#define sGFSR_ICF        (1u << 0)          /* invalid context fault */
#define sGFSR_USF        (1u << 1)          /* unidentified stream fault */
#define sGFSR_SMCF       (1u << 2)          /* stream match conflict fault */
#define sGFSR_UCBF       (1u << 3)          /* unimplemented context bank fault */
#define sGFSR_UCIF       (1u << 4)          /* unimplemented context interrupt fault */
#define sGFSR_CAF        (1u << 5)          /* configuration access fault */
#define sGFSR_EF         (1u << 6)
#define sGFSR_PF         (1u << 7)
#define sGFSR_UUT        (1u << 8)
#define sGFSR_MULTI      (1u << 31)
#define sGFSR_FAULTS     0x000001ffu
/* Configuration faults (reported under sCR0.GCFGFRE/GCFGFIE); the rest under GFRE/GFIE.
 * (Which sGFSR bits count as configuration faults is from memory of IHI 0062, unverified.) */
#define sGFSR_CFG_FAULTS (sGFSR_ICF | sGFSR_SMCF | sGFSR_UCBF | sGFSR_UCIF | sGFSR_CAF)

/* sGFSYNR0 / FSYNR0 common transaction bits */
#define GFSYNR0_NESTED   (1u << 0)
#define GFSYNR0_WNR      (1u << 1)
#define GFSYNR0_PNU      (1u << 2)
#define GFSYNR0_IND      (1u << 3)
#define GFSYNR0_NSSTATE  (1u << 4)
#define GFSYNR0_NSATTR   (1u << 5)

/* SMRn / S2CRn (SMMUv2 §9.6.? SMRn, S2CRn) */
#define SMR_VALID        (1u << 31)
#define SMR_MASK_SHIFT   16
#define SMR_ID_MASK      0x7fffu            /* NUMSIDB = 15 → ID[14:0], MASK[30:16] */
#define S2CR_TYPE_SHIFT  16
#define S2CR_TYPE_TRANS  0u
#define S2CR_TYPE_BYPASS 1u
#define S2CR_TYPE_FAULT  2u
#define S2CR_CBNDX_MASK  0xffu
#define S2CR_PRIVCFG_SHIFT 24               /* 0 default, 1 reserved, 2 unprivileged, 3 privileged */
#define S2CR_INSTCFG_SHIFT 26               /* 0/1 default, 2 data, 3 instruction */

/* ---- GR1 (SMMUv2 §9.6.? "Global register space 1") ---- */
#define GR1_CBAR(n)      (0x000 + 4 * (n))
#define GR1_CBFRSYNRA(n) (0x400 + 4 * (n))
#define GR1_CBA2R(n)     (0x800 + 4 * (n))
#define CBAR_VMID_MASK   0xffu
#define CBAR_CBNDX_SHIFT 8                  /* TYPE 3 (nested): stage-2 context bank index [15:8] */
#define CBAR_TYPE_SHIFT  16
#define CBAR_TYPE_S2     0u                 /* stage-2 context */
#define CBAR_TYPE_S1_S2BYPASS 1u
#define CBAR_TYPE_S1_S2FAULT  2u
#define CBAR_TYPE_NESTED 3u
#define CBA2R_VA64       (1u << 0)
#define CBA2R_VMID16_SHIFT 16

/* ---- context bank (SMMUv2 §9.8 "Translation context bank address space") ---- */
#define CB_SCTLR         0x000
#define CB_ACTLR         0x004
#define CB_RESUME        0x008
#define CB_TCR2          0x010
#define CB_TTBR0         0x020              /* 64-bit */
#define CB_TTBR1         0x028              /* 64-bit */
#define CB_TCR           0x030
#define CB_CONTEXTIDR    0x034
#define CB_MAIR0         0x038
#define CB_MAIR1         0x03c
#define CB_PAR           0x050              /* 64-bit, RAZ: no ATOS (ID0.ATOSNS = 1) */
#define CB_FSR           0x058
#define CB_FSRRESTORE    0x05c
#define CB_FAR           0x060              /* 64-bit */
#define CB_FSYNR0        0x068
#define CB_FSYNR1        0x06c
#define CB_IPAFAR        0x070              /* 64-bit */
#define CB_TLBIVA        0x600              /* 64-bit */
#define CB_TLBIVAA       0x608              /* 64-bit */
#define CB_TLBIASID      0x610
#define CB_TLBIALL       0x618
#define CB_TLBIVAL       0x620              /* 64-bit */
#define CB_TLBIVAAL      0x628              /* 64-bit */
#define CB_TLBIIPAS2     0x630              /* 64-bit */
#define CB_TLBIIPAS2L    0x638              /* 64-bit */
#define CB_TLBSYNC       0x7f0
#define CB_TLBSTATUS     0x7f4

#define SCTLR_M          (1u << 0)
#define SCTLR_TRE        (1u << 1)
#define SCTLR_AFE        (1u << 2)
#define SCTLR_E          (1u << 4)
#define SCTLR_CFRE       (1u << 5)
#define SCTLR_CFIE       (1u << 6)
#define SCTLR_CFCFG      (1u << 7)
#define SCTLR_HUPCF      (1u << 8)
#define SCTLR_ASIDPNE    (1u << 12)
#define ACTLR_RESET      0x3u               /* MMU-500: CPRE | CMTLB */

#define TCR2_PASIZE_MASK 0x7u
#define TCR2_AS          (1u << 4)
#define TCR2_TBI0        (1u << 5)          /* (bit positions of TBI0/1 unverified) */
#define TCR2_TBI1        (1u << 6)

#define FSR_TF           (1u << 1)
#define FSR_AFF          (1u << 2)
#define FSR_PF           (1u << 3)
#define FSR_EF           (1u << 4)
#define FSR_TLBMCF       (1u << 5)
#define FSR_TLBLKF       (1u << 6)
#define FSR_ASF          (1u << 7)
#define FSR_UUT          (1u << 8)
#define FSR_SS           (1u << 30)
#define FSR_MULTI        (1u << 31)
#define FSR_FAULTS       0xc00001feu        /* any recorded fault (what Linux tests) */

#define FSYNR0_PLVL_MASK 0x3u
#define FSYNR0_WNR       (1u << 4)
#define FSYNR0_PNU       (1u << 5)
#define FSYNR0_IND       (1u << 6)
#define FSYNR0_NSSTATE   (1u << 7)
#define FSYNR0_NSATTR    (1u << 8)
#define FSYNR0_PTWF      (1u << 10)         /* fault on a stage-1 table walk (nested) */
#define FSYNR0_S1CBNDX_SHIFT 16             /* nested stage-2 fault: the stage-1 CB */

/* ---- state ---- */
struct smmu_cb {
    uint32_t sctlr, actlr, tcr2, tcr, contextidr, mair0, mair1;
    uint64_t ttbr0, ttbr1;
    uint32_t fsr, fsynr0, fsynr1;
    uint64_t far, ipafar;
};

struct iotlb_entry {
    bool valid;
    bool global;                /* stage-1 nG = 0: matches any ASID */
    bool has_s1;                /* made through a stage-1 walk (ASID/VA tagged) */
    bool has_s2;                /* made through a stage-2 walk (IPA tagged) */
    uint8_t cb;                 /* the context bank the stream was routed to */
    uint8_t s2cb;               /* nested: the stage-2 context bank (else 0xff) */
    uint8_t shift;              /* log2 of the smaller of the stage-1/stage-2 mappings */
    uint8_t s1_shift, s2_shift; /* log2 of each stage's mapping (TLBI by VA / by IPA) */
    uint8_t s1_level, s2_level; /* leaf levels, for a permission fault served from the TLB */
    uint16_t asid, vmid;
    uint64_t ia;                /* input page (4KB aligned) */
    uint64_t ipa;               /* intermediate page (4KB aligned) */
    uint64_t pa;                /* output page (4KB aligned) */
    unsigned s1_perms, s2_perms;/* MMU_PERM_* per stage (0x3f for an absent stage) */
};
#define IOTLB_SETS  128
#define IOTLB_WAYS  4

struct smmu_irq_line { void (*set)(void *opaque, bool level); void *opaque; bool level; };

struct smmu {
    struct bus *bus;
    struct smmu_config cfg;
    unsigned numpage;           /* 2^(NUMPAGENDXB+1) */
    uint32_t id0, id1, id2, id7;
    /* global registers */
    uint32_t scr0, scr2, sacr;
    uint64_t sgfar;
    uint32_t sgfsr, sgfsynr0, sgfsynr1, sgfsynr2;
    uint32_t smr[SMMU_MAX_SMRG], s2cr[SMMU_MAX_SMRG];
    uint32_t cbar[SMMU_MAX_CB], cba2r[SMMU_MAX_CB], cbfrsynra[SMMU_MAX_CB];
    struct smmu_cb cb[SMMU_MAX_CB];
    /* IOTLB */
    struct iotlb_entry tlb[IOTLB_SETS][IOTLB_WAYS];
    unsigned tlb_victim[IOTLB_SETS];
    struct smmu_iotlb_stats stats;
    /* plumbing */
    struct smmu_irq_line irq[1 + SMMU_MAX_CB];
    void (*log)(void *opaque, const char *msg);
    void *log_opaque;
    unsigned guest_errors;
    smmu_trace_fn trace;
    void *trace_opaque;
};

/* 64-bit registers accept one 8-byte access or two 4-byte halves (lo at +0, hi at +4);
 * `part` is the offset inside the register (0 or 4). */
static inline uint64_t reg64_get(uint64_t reg, unsigned part, unsigned size)
{
    return size == 8 ? reg : (uint32_t)(reg >> (8 * part));
}
static inline uint64_t reg64_put(uint64_t reg, unsigned part, unsigned size, uint64_t val)
{
    if (size == 8) return val;
    uint64_t m = 0xffffffffull << (8 * part);
    return (reg & ~m) | ((val & 0xffffffffull) << (8 * part));
}

/* smmu.c */
void smmu_guest_error(struct smmu *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void smmu_update_irq(struct smmu *s, unsigned line, bool level);
/* smmu_global.c */
int smmu_gr0_read(struct smmu *s, uint64_t off, unsigned size, uint64_t *val);
int smmu_gr0_write(struct smmu *s, uint64_t off, unsigned size, uint64_t val);
int smmu_gr1_read(struct smmu *s, uint64_t off, unsigned size, uint64_t *val);
int smmu_gr1_write(struct smmu *s, uint64_t off, unsigned size, uint64_t val);
void smmu_global_reset(struct smmu *s);
void smmu_global_fault(struct smmu *s, uint32_t bit, uint32_t sid, uint64_t addr, bool write,
                       unsigned attrs);
void smmu_global_update_irq(struct smmu *s);
uint16_t smmu_cb_vmid(const struct smmu *s, unsigned n);
/* stream_match.c */
enum smr_match { SMR_MATCH_NONE, SMR_MATCH_ONE, SMR_MATCH_CONFLICT };
enum smr_match smmu_stream_match(const struct smmu *s, uint32_t sid, unsigned *idx);
uint32_t smmu_smr_write_value(uint32_t val);
/* context_bank.c */
int smmu_cb_read(struct smmu *s, unsigned n, uint64_t off, unsigned size, uint64_t *val);
int smmu_cb_write(struct smmu *s, unsigned n, uint64_t off, unsigned size, uint64_t val);
void smmu_cb_reset(struct smmu *s, unsigned n);
void smmu_cb_regime_s1(const struct smmu *s, unsigned n, struct mmu_regime *r);
void smmu_cb_regime_s2(const struct smmu *s, unsigned n, struct mmu_regime *r);
void smmu_cb_record_fault(struct smmu *s, unsigned n, uint32_t fsr_bit, uint32_t fsynr0,
                          uint64_t far, uint64_t ipafar, uint32_t sid);
void smmu_cb_update_irq(struct smmu *s, unsigned n);
/* iotlb.c */
void iotlb_flush_all(struct smmu *s);
const struct iotlb_entry *iotlb_lookup(struct smmu *s, unsigned cb, uint16_t asid, uint16_t vmid,
                                       uint64_t ia);
void iotlb_insert(struct smmu *s, const struct iotlb_entry *e);
void iotlb_inv_cb(struct smmu *s, unsigned cb);
void iotlb_inv_vmid(struct smmu *s, uint16_t vmid);
void iotlb_inv_asid(struct smmu *s, uint16_t vmid, uint16_t asid);
void iotlb_inv_va(struct smmu *s, uint16_t vmid, uint64_t va, bool match_asid, uint16_t asid);
void iotlb_inv_ipa(struct smmu *s, uint16_t vmid, uint64_t ipa);

#endif
