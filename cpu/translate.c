/* cpu/translate.c — the vCPU's address translation glue. With SCTLR_EL1.M == 0 the EL1&0
 * regime is the identity (Arm ARM D8.2.11 "The effects of disabling a stage of translation"):
 * data accesses are Device-nGnRnE, instruction fetches Normal. With the MMU on, the mmu/
 * walker is consulted (issue 3). */
#include "cpu/translate.h"

bool cpu_translate(struct cpu *c, uint64_t va, enum access_kind ak, bool unpriv, struct translation *t)
{
    (void)unpriv;
    memset(t, 0, sizeof *t);
    if (!(c->sr[SR_SCTLR_EL1] & 1)) {
        /* PA size: addresses above the implemented PA range give an address size fault. */
        if (va >> 44) { t->fault_dfsc = DFSC_ADDR_SIZE_L0; return false; }
        t->pa = va;
        /* Data accesses are Device-nGnRnE, so an unaligned one is an Alignment fault — as the
         * architecture says and QEMU >= 9.0 does (QEMU 7.2 let them through). RAM pages still
         * go in the fast TLB: its tag compare only ever hits aligned accesses. */
        t->device = ak != ACCESS_EXEC;
        t->cacheable_tlb = true;
        t->writable_tlb = true;
        return true;
    }
    /* MMU on: the stage-1 walker arrives with the system-architecture work. */
    if (c->log_mask & CPU_LOG_GUEST_ERRORS && c->logf)
        fprintf(c->logf, "guest error: MMU enabled but stage-1 translation not implemented\n");
    t->fault_dfsc = DFSC_TRANSLATION_L0;
    return false;
}

bool cpu_translate_debug(struct cpu *c, uint64_t va, struct translation *t)
{
    return cpu_translate(c, va, ACCESS_READ, false, t);
}

bool mmu_cpu_translate_fetch(struct cpu *c, uint64_t va, uint64_t *pa, uint32_t *esr)
{
    struct translation t;
    if (cpu_translate(c, va, ACCESS_EXEC, false, &t)) { *pa = t.pa; return true; }
    uint32_t ec = c->el == 0 ? EC_IABT_LOWER : EC_IABT_SAME;
    *esr = ec << 26 | ESR_IL | t.fault_dfsc;
    return false;
}

uint32_t a64_dabt_iss_syndrome(uint32_t insn)
{
    /* Load/store register (unsigned immediate, unscaled, unprivileged, register offset):
     * ISV = 1. Pre/post-indexed forms (writeback), pairs, exclusives and SIMD&FP: ISV = 0. */
    bool gpr_single = false;
    if ((insn & 0x3b000000) == 0x39000000) gpr_single = true;                  /* unsigned imm */
    else if ((insn & 0x3b200000) == 0x38000000) {
        unsigned idx = (insn >> 10) & 3;
        gpr_single = idx == 0 || idx == 2;                                     /* unscaled, unpriv */
    } else if ((insn & 0x3b200c00) == 0x38200800) gpr_single = true;          /* register offset */
    /* Load-Acquire / Store-Release (LDAR, STLR, LDAPR: C6.2; ISV = 1 with AR = 1, ESR_ELx ISS for a Data Abort). */
    bool ldar = (insn & 0x3fa08000) == 0x08808000, ldapr = (insn & 0x3ffffc00) == 0x38bfc000;
    if (ldar || ldapr) {
        unsigned sz = insn >> 30, t = insn & 31;
        return 1u << 24 | sz << 22 | t << 16 | (sz == 3 ? 1u << 15 : 0) | 1u << 14;
    }
    if (!gpr_single || (insn & (1u << 26))) return 0;
    unsigned size = insn >> 30, opc = (insn >> 22) & 3, rt = insn & 31;
    if (size == 3 && opc >= 2) return 0;                                       /* PRFM */
    bool load = opc != 0;
    bool sse = opc >= 2;
    bool sf = load ? (size == 3 || opc == 2) : size == 3;
    return 1u << 24 | size << 22 | (sse ? 1u << 21 : 0) | rt << 16 | (sf ? 1u << 15 : 0);
}
