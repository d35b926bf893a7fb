/* cpu/fpu_insn.h — private helpers shared by the SIMD&FP instruction handlers
 * (cpu/insn_fp*.c, cpu/insn_simd*.c). */
#ifndef FAULTLINE_CPU_FPU_INSN_H
#define FAULTLINE_CPU_FPU_INSN_H
#include "cpu/cpu_internal.h"
#include "cpu/fpu.h"

/* CheckFPAdvSIMDEnabled64 (Arm ARM D1.x, CPACR_EL1.FPEN): EL0 needs FPEN == 0b11, EL1 needs
 * FPEN == 0bx1. Bit (el * 4 + FPEN) of 0xa8 says "enabled". No EL2/EL3 traps (CPTR_EL2/EL3)
 * exist here: EL2 and EL3 are native. */
static inline bool fp_access_ok(const struct cpu *c)
{
    unsigned fpen = (unsigned)(c->sr[SR_CPACR_EL1] >> 20) & 3;
    return (0xa8u >> (c->el * 4 + fpen)) & 1;
}
/* Access to SIMD&FP trapped by CPACR_EL1.FPEN: EC 0x07, IL = 1, and for an exception taken from
 * AArch64 state ISS.CV = 1 with ISS.COND = 0b1110 (D17.2.37, ISS encoding for an exception from
 * an access to SIMD or floating-point functionality) — as the MRS/MSR FPCR/FPSR trap in
 * cpu/sysreg.c and as QEMU report it. */
static inline const struct dinsn *fp_trap(struct cpu *c, const struct dinsn *d)
{
    return cpu_take_sync(c, pc_of(c, d), (uint32_t)EC_FP_ACCESS << 26 | ESR_IL | ESR_ISS_CV_COND_AL, 0, false);
}
#define FP_CHECK() do { if (unlikely(!fp_access_ok(c))) return fp_trap(c, d); } while (0)

static inline struct fpst fpst_of(const struct cpu *c) { return (struct fpst){ (uint32_t)c->sr[SR_FPCR], 0 }; }
static inline void fpst_commit(struct cpu *c, const struct fpst *s) { c->sr[SR_FPSR] |= s->exc; }
static inline void set_qc(struct cpu *c) { c->sr[SR_FPSR] |= FPSR_QC; }

/* Scalar writes (B/H/S/D registers, and 64-bit vector results) zero the rest of the V register. */
static inline void vset_d(struct cpu *c, unsigned r, uint64_t v) { c->v[r].d[0] = v; c->v[r].d[1] = 0; }
static inline void vset_s(struct cpu *c, unsigned r, uint32_t v) { vset_d(c, r, v); }
static inline void vset_h(struct cpu *c, unsigned r, uint16_t v) { vset_d(c, r, v); }
/* Store a computed 128-bit vector to Vd, keeping only the low 64 bits when Q = 0. */
static inline void vset_q(struct cpu *c, unsigned r, const union vreg *t, bool q)
{
    c->v[r].d[0] = t->d[0];
    c->v[r].d[1] = q ? t->d[1] : 0;
}

#endif
