/* cpu/translate.h — private to cpu/: the glue between the vCPU's translation registers and the
 * mmu/ walker. */
#ifndef FAULTLINE_CPU_TRANSLATE_H
#define FAULTLINE_CPU_TRANSLATE_H
#include "cpu/cpu_internal.h"

/* Fault status codes (DFSC/IFSC, Arm ARM D17.2.37). Level is added for the level-based ones. */
enum {
    DFSC_ADDR_SIZE_L0 = 0x00, DFSC_TRANSLATION_L0 = 0x04, DFSC_ACCESS_FLAG_L0 = 0x08,
    DFSC_PERMISSION_L0 = 0x0c, DFSC_SYNC_EXTERNAL = 0x10, DFSC_ALIGNMENT = 0x21,
};
enum access_kind { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };

struct translation {
    uint64_t pa;
    bool device;            /* final memory type is Device-* (data accesses) */
    bool cacheable_tlb;     /* may be installed in the fast TLB of the EL whose rights were checked */
    bool writable_tlb;      /* write entry may be installed */
    unsigned fault_dfsc;    /* on failure: DFSC/IFSC (D17.2.37), level included */
    unsigned attr;          /* MAIR attribute byte of the final translation */
    /* MMU on (zero/identity otherwise): */
    unsigned level;         /* level of the leaf descriptor, or of the fault */
    unsigned block_shift;   /* log2 of the mapping size */
    unsigned perms;         /* MMU_PERM_* of the mapping */
    bool ng;                /* non-global: tagged with asid */
    uint16_t asid;
    struct mmu_fault fault; /* kind/level/stage/S1PTW/IPA on failure */
};

/* Implemented physical address size (ID_AA64MMFR0_EL1.PARange = 0b0100, 44 bits, as the
 * Cortex-A57). */
#define CPU_PA_BITS 44

/* Translate for the current regime (or EL0's for unprivileged accesses). */
bool cpu_translate(struct cpu *c, uint64_t va, enum access_kind ak, bool unpriv, struct translation *t);
bool cpu_translate_debug(struct cpu *c, uint64_t va, struct translation *t);
/* ---- TLB maintenance (TLBI handlers, MSR to translation registers) ----
 * The soft TLBs (one per EL) are direct-mapped by VA page and carry no ASID/VMID tag, so:
 *  - a VA flush invalidates that page's slot in each array (or, if entries from mappings larger
 *    than 4KB were installed since the last full flush, every slot such a mapping can cover);
 *  - an ASID flush, and any VMID flush, flush everything (over-invalidation is always allowed,
 *    D8.13 "TLB maintenance requirements");
 *  - a write to TTBR0_EL1/TTBR1_EL1 (an ASID switch) flushes them (cpu_tlb_flush_fast); TCR_EL1,
 *    MAIR_EL1 or SCTLR_EL1 written directly must call cpu_translation_changed().
 * The ASID/VMID-tagged second level (cpu/ctlb.h) keeps walks across TTBR/VTTBR switches and is
 * invalidated by these functions as the architecture says (ASID, VA, VMID).
 * Every flush also drops the instruction-fetch itlb (exec.c), which caches VA → decoded page. */
void cpu_tlb_flush_va(struct cpu *c, uint64_t va, uint16_t asid, bool all_asids);   /* TLBI VAE1, VALE1, VAAE1, VAALE1 */
void cpu_tlb_flush_asid(struct cpu *c, uint16_t asid);                              /* TLBI ASIDE1 */
void cpu_tlb_flush_vmall(struct cpu *c);                                            /* TLBI VMALLE1 */
void cpu_translation_changed(struct cpu *c);                                        /* MSR TTBRn/TCR/MAIR/SCTLR_EL1 */
/* The cost model's TLB (cpu/tlb_model.h) follows the architecture: the TLBI functions above
 * invalidate its matching entries (current VMID, by ASID/VA as the operation says); TTBR/TCR/
 * SCTLR/VTTBR writes (cpu_translation_changed, cpu_tlb_flush_all, cpu_set_el2_state) never
 * touch it. cpu_tlbm_ctx: the tags a lookup made now would use. */
void cpu_tlbm_ctx(const struct cpu *c, struct tlbm_ctx *ctx);
void cpu_itlb_flush(struct cpu *c);                                                 /* exec.c */

/* ISV/SAS/SSE/SRT/SF/AR bits of a data-abort ISS for the instruction `insn` (0 if the
 * instruction is not a single-register load/store, ISV = 0). */
uint32_t a64_dabt_iss_syndrome(uint32_t insn);

/* cpu/el2.c: if t is a stage-2 fault, hand it to the hypervisor (cpu_hooks.stage2_abort) and
 * apply its answer (c->pc set); returns false for a stage-1 fault (the caller takes it to EL1).
 * cm: a cache-maintenance instruction (ESR.CM, ISV = 0). */
struct dinsn;
bool cpu_stage2_abort(struct cpu *c, const struct dinsn *d, uint64_t pc, uint64_t va,
                      const struct translation *t, bool is_fetch, bool write, bool cm);
uint32_t cpu_s2_abort_esr(const struct cpu *c, const struct dinsn *d, const struct translation *t,
                          bool is_fetch, bool write, bool cm);

#endif
