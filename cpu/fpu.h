/* cpu/fpu.h — private to cpu/: the scalar floating-point helper layer used by the SIMD&FP
 * instruction handlers. Every function follows the Arm ARM's shared FP pseudocode
 * (shared/functions/float/...): FPUnpack (input flush-to-zero under FPCR.FZ, FPSR.IDC),
 * FPProcessNaNs (signalling NaNs first, in operand order; quieting; FPCR.DN default NaN),
 * FPRoundBase (rounding per FPCR.RMode, tininess detected *before* rounding, output flush under
 * FPCR.FZ raising only FPSR.UFC). The correctly rounded value itself comes from the host's IEEE
 * arithmetic (SSE on x86-64) run in the requested rounding mode; the Arm-specific parts are done
 * in software around it.
 *
 * Values are passed as raw bit patterns (uint16_t/uint32_t/uint64_t). `struct fpst` carries
 * FPCR in and the cumulative FPSR exception bits out. */
#ifndef FAULTLINE_CPU_FPU_H
#define FAULTLINE_CPU_FPU_H
#include <stdbool.h>
#include <stdint.h>

/* FPSR bits (Arm ARM C5.2.8) */
#define FPSR_IOC (1u << 0)
#define FPSR_DZC (1u << 1)
#define FPSR_OFC (1u << 2)
#define FPSR_UFC (1u << 3)
#define FPSR_IXC (1u << 4)
#define FPSR_IDC (1u << 7)
#define FPSR_QC  (1u << 27)
/* FPCR fields (Arm ARM C5.2.7) */
#define FPCR_AHP (1u << 26)
#define FPCR_DN  (1u << 25)
#define FPCR_FZ  (1u << 24)
#define FPCR_RMODE_SHIFT 22
/* Writable FPCR bits on an implementation without trapped exceptions or FP16:
 * AHP, DN, FZ, RMode (the Stride/Len fields are RES0 in AArch64). */
#define FPCR_MASK 0x07c00000u
#define FPSR_MASK 0xf800009fu

/* FPRounding */
enum fp_rounding { FPR_TIEEVEN = 0, FPR_POSINF = 1, FPR_NEGINF = 2, FPR_ZERO = 3, FPR_TIEAWAY = 4, FPR_ODD = 5 };

struct fpst {
    uint32_t fpcr;
    uint32_t exc;      /* FPSR exception bits raised (ORed into FPSR by the caller) */
};

static inline enum fp_rounding fpcr_rmode(uint32_t fpcr) { return (enum fp_rounding)((fpcr >> FPCR_RMODE_SHIFT) & 3); }

/* Binary operations (FPAdd, FPSub, FPMul, FPDiv, FPMax, FPMin, FPMaxNum, FPMinNum, FPMulX,
 * FPRecipStepFused, FPRSqrtStepFused, FPAbd = FPAbs(FPSub)). */
enum fp_op2 { FOP_ADD, FOP_SUB, FOP_MUL, FOP_DIV, FOP_MAX, FOP_MIN, FOP_MAXNM, FOP_MINNM,
              FOP_MULX, FOP_RECPS, FOP_RSQRTS, FOP_ABD, FOP_NMUL };

uint32_t fp32_op2(enum fp_op2 op, uint32_t a, uint32_t b, struct fpst *s);
uint64_t fp64_op2(enum fp_op2 op, uint64_t a, uint64_t b, struct fpst *s);
/* FPMulAdd(addend, op1, op2) fused: addend + op1*op2 (callers negate for FMSUB/FNMADD). */
uint32_t fp32_muladd(uint32_t addend, uint32_t a, uint32_t b, struct fpst *s);
uint64_t fp64_muladd(uint64_t addend, uint64_t a, uint64_t b, struct fpst *s);
uint32_t fp32_sqrt(uint32_t a, struct fpst *s);
uint64_t fp64_sqrt(uint64_t a, struct fpst *s);
/* FPRoundInt(op, rounding, exact) */
uint32_t fp32_roundint(uint32_t a, enum fp_rounding r, bool exact, struct fpst *s);
uint64_t fp64_roundint(uint64_t a, enum fp_rounding r, bool exact, struct fpst *s);
/* FPCompare: returns NZCV in bits 3:0 (signal_nans: FCMPE). */
unsigned fp32_compare(uint32_t a, uint32_t b, bool signal_nans, struct fpst *s);
unsigned fp64_compare(uint64_t a, uint64_t b, bool signal_nans, struct fpst *s);
/* FPCompareEQ / GE / GT (vector compares): 0 eq, 1 ge, 2 gt. */
bool fp32_cmp(int kind, uint32_t a, uint32_t b, struct fpst *s);
bool fp64_cmp(int kind, uint64_t a, uint64_t b, struct fpst *s);
/* FPToFixed(op, fbits, unsigned, rounding) into an intbits-bit integer (32 or 64), saturating. */
uint64_t fp32_to_fixed(uint32_t a, unsigned fbits, bool is_unsigned, enum fp_rounding r, unsigned intbits, struct fpst *s);
uint64_t fp64_to_fixed(uint64_t a, unsigned fbits, bool is_unsigned, enum fp_rounding r, unsigned intbits, struct fpst *s);
/* FixedToFP(op, fbits, unsigned) of an intbits-bit integer. */
uint32_t fp32_from_fixed(uint64_t v, unsigned fbits, bool is_unsigned, unsigned intbits, struct fpst *s);
uint64_t fp64_from_fixed(uint64_t v, unsigned fbits, bool is_unsigned, unsigned intbits, struct fpst *s);
/* FPConvert between precisions (FCVT). Half precision honours FPCR.AHP. */
uint64_t fp32_to_fp64(uint32_t a, struct fpst *s);
uint32_t fp64_to_fp32(uint64_t a, enum fp_rounding r, struct fpst *s);
uint16_t fp32_to_fp16(uint32_t a, struct fpst *s);
uint16_t fp64_to_fp16(uint64_t a, struct fpst *s);
uint32_t fp16_to_fp32(uint16_t a, struct fpst *s);
uint64_t fp16_to_fp64(uint16_t a, struct fpst *s);
/* FPRecipEstimate, FPRSqrtEstimate, FPRecpX, UnsignedRecipEstimate, UnsignedRSqrtEstimate. */
uint32_t fp32_recpe(uint32_t a, struct fpst *s);
uint64_t fp64_recpe(uint64_t a, struct fpst *s);
uint32_t fp32_rsqrte(uint32_t a, struct fpst *s);
uint64_t fp64_rsqrte(uint64_t a, struct fpst *s);
uint32_t fp32_recpx(uint32_t a, struct fpst *s);
uint64_t fp64_recpx(uint64_t a, struct fpst *s);
uint32_t u32_recpe(uint32_t a);
uint32_t u32_rsqrte(uint32_t a);

static inline uint32_t fp32_abs(uint32_t a) { return a & 0x7fffffffu; }
static inline uint64_t fp64_abs(uint64_t a) { return a & 0x7fffffffffffffffull; }
static inline uint32_t fp32_neg(uint32_t a) { return a ^ 0x80000000u; }
static inline uint64_t fp64_neg(uint64_t a) { return a ^ 0x8000000000000000ull; }

#endif
