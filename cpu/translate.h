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
    bool device;            /* final memory type is Device-* */
    bool cacheable_tlb;     /* may be installed in the fast TLB */
    bool writable_tlb;      /* write entry may be installed */
    unsigned fault_dfsc;    /* on failure */
    unsigned attr;          /* MAIR attribute byte of the final translation */
};

/* Translate for the current regime (or EL0's for unprivileged accesses). */
bool cpu_translate(struct cpu *c, uint64_t va, enum access_kind ak, bool unpriv, struct translation *t);
bool cpu_translate_debug(struct cpu *c, uint64_t va, struct translation *t);
/* ISV/SAS/SSE/SRT/SF/AR bits of a data-abort ISS for the instruction `insn` (0 if the
 * instruction is not a single-register load/store, ISV = 0). */
uint32_t a64_dabt_iss_syndrome(uint32_t insn);

#endif
