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
};

static inline unsigned soft_tlb_index(uint64_t va) {
    return (unsigned)(va >> PAGE_SHIFT) & (SOFT_TLB_SIZE - 1);
}
void soft_tlb_flush(struct soft_tlb *t);

#endif
