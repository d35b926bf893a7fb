/* cpu/fpu.c — the floating-point helper layer (see cpu/fpu.h). Host IEEE arithmetic gives the
 * correctly rounded values; Arm's rules (FPProcessNaNs, FPUnpack flush, FPRoundBase underflow
 * and flush, default NaN) are applied here in software. Conversions to integers and to half
 * precision, and the reciprocal estimates, are done entirely in software, the way the
 * pseudocode describes them. */
#include <math.h>
#include <string.h>
#include <fenv.h>
#include "cpu/cpu_internal.h"
#include "cpu/fpu.h"

/* ---- host floating-point environment ----
 * The host runs in round-to-nearest with exceptions masked; host_fp_begin() selects the Arm
 * rounding mode and clears the sticky flags, host_fp_end() collects them and restores. */
enum { HOST_IE = 1, HOST_ZE = 2, HOST_OE = 4, HOST_UE = 8, HOST_PE = 16 };

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
/* MXCSR: flags 5:0 (IE DE ZE OE UE PE), masks 12:7, RC 14:13 (00 nearest, 01 down, 10 up,
 * 11 toward zero). FTZ/DAZ stay off: Arm's flushing is done in software. */
static inline void host_fp_begin(enum fp_rounding rm)
{
    static const unsigned rc[4] = { 0, 2, 1, 3 };   /* TIEEVEN, POSINF, NEGINF, ZERO */
    _mm_setcsr(0x1f80u | rc[rm & 3] << 13);
}
static inline unsigned host_fp_end(void)
{
    unsigned m = _mm_getcsr();
    _mm_setcsr(0x1f80u);
    return (m & 1 ? HOST_IE : 0) | (m & 4 ? HOST_ZE : 0) | (m & 8 ? HOST_OE : 0) |
           (m & 16 ? HOST_UE : 0) | (m & 32 ? HOST_PE : 0);
}
#else
static inline void host_fp_begin(enum fp_rounding rm)
{
    static const int mode[4] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
    fesetround(mode[rm & 3]);
    feclearexcept(FE_ALL_EXCEPT);
}
static inline unsigned host_fp_end(void)
{
    int e = fetestexcept(FE_ALL_EXCEPT);
    fesetround(FE_TONEAREST);
    return (e & FE_INVALID ? HOST_IE : 0) | (e & FE_DIVBYZERO ? HOST_ZE : 0) |
           (e & FE_OVERFLOW ? HOST_OE : 0) | (e & FE_UNDERFLOW ? HOST_UE : 0) |
           (e & FE_INEXACT ? HOST_PE : 0);
}
#endif

static inline uint32_t host_to_fpsr(unsigned fl)
{
    return (fl & HOST_IE ? FPSR_IOC : 0) | (fl & HOST_ZE ? FPSR_DZC : 0) |
           (fl & HOST_OE ? FPSR_OFC : 0) | (fl & HOST_UE ? FPSR_UFC : 0) |
           (fl & HOST_PE ? FPSR_IXC : 0);
}

/* FPToFixed's saturation (SatQ): overflow raises Invalid Operation, not Inexact. */
static uint64_t fixed_saturate(bool sign, uint64_t mag, bool overflow, bool uns, unsigned intbits,
                               struct fpst *s)
{
    uint64_t umax = intbits == 64 ? ~0ull : (1ull << intbits) - 1;
    uint64_t smax = umax >> 1;
    if (uns) {
        if (sign && (mag || overflow)) { s->exc |= FPSR_IOC; return 0; }
        if (overflow || mag > umax) { s->exc |= FPSR_IOC; return umax; }
        return mag;
    }
    if (sign) {
        if (overflow || mag > smax + 1) { s->exc |= FPSR_IOC; return (smax + 1) & umax; }
        return (0 - mag) & umax;
    }
    if (overflow || mag > smax) { s->exc |= FPSR_IOC; return smax; }
    return mag;
}

/* value = (-1)^sign * sig * 2^e; round to an integer per rm, then saturate. */
static uint64_t fixed_round(bool sign, int e, uint64_t sig, bool uns, enum fp_rounding rm,
                            unsigned intbits, struct fpst *s)
{
    uint64_t mag;
    bool inexact = false;
    if (e >= 0) {
        if (e >= 64 || (e && (sig >> (64 - e)))) return fixed_saturate(sign, 0, true, uns, intbits, s);
        mag = sig << e;
    } else {
        unsigned sh = (unsigned)-e;
        uint64_t q, rem, half;
        int cmp;                                 /* remainder vs one half: -1, 0, 1 */
        if (sh >= 64) {
            q = 0; rem = sig; cmp = -1;          /* sig < 2^53 < 2^(sh-1) */
        } else {
            q = sig >> sh;
            rem = sig & ((1ull << sh) - 1);
            half = 1ull << (sh - 1);
            cmp = rem < half ? -1 : rem > half;
        }
        inexact = rem != 0;
        bool up = false;
        switch (rm) {
        case FPR_TIEEVEN: up = cmp > 0 || (cmp == 0 && (q & 1)); break;
        case FPR_POSINF: up = inexact && !sign; break;
        case FPR_NEGINF: up = inexact && sign; break;
        case FPR_ZERO: up = false; break;
        case FPR_TIEAWAY: up = cmp >= 0; break;
        default: up = inexact && !(q & 1); break;  /* FPR_ODD */
        }
        mag = q + up;
    }
    struct fpst t = { s->fpcr, 0 };
    uint64_t r = fixed_saturate(sign, mag, false, uns, intbits, &t);
    /* FPToFixed: Invalid Operation on overflow, otherwise Inexact if the value was not exact */
    s->exc |= t.exc ? t.exc : inexact ? FPSR_IXC : 0;
    return r;
}

#define HFMA   fmaf
#define HSQRT  sqrtf
#define HRINT  nearbyintf
#define HCEIL  ceilf
#define HFLOOR floorf
#define HTRUNC truncf
#define HROUND roundf
#define HLDEXP ldexpf
#define N 32
#define T uint32_t
#define H float
#define F(x) fp32_##x
#define EB 8
#define FB 23
#include "cpu/fpu_tmpl.h"
#undef HFMA
#undef HSQRT
#undef HRINT
#undef HCEIL
#undef HFLOOR
#undef HTRUNC
#undef HROUND
#undef HLDEXP
#undef N
#undef T
#undef H
#undef F
#undef EB
#undef FB

#define HFMA   fma
#define HSQRT  sqrt
#define HRINT  nearbyint
#define HCEIL  ceil
#define HFLOOR floor
#define HTRUNC trunc
#define HROUND round
#define HLDEXP ldexp
#define N 64
#define T uint64_t
#define H double
#define F(x) fp64_##x
#define EB 11
#define FB 52
#include "cpu/fpu_tmpl.h"

/* ---- FPConvert between single and double ---- */

uint64_t fp32_to_fp64(uint32_t a, struct fpst *s)
{
    a = fp32_flush(a, s);
    if (fp32_isnan(a)) {
        uint32_t q = fp32_process_nan(a, s);           /* SNaN: IOC; DN: default NaN */
        /* FPConvertNaN: sign, quiet, the fraction's top bits carried over. */
        return (uint64_t)(q >> 31) << 63 | 0x7ff8000000000000ull | (uint64_t)(q & 0x3fffff) << 29;
    }
    float f; memcpy(&f, &a, 4);
    double d = f;                                        /* exact */
    uint64_t r; memcpy(&r, &d, 8);
    return r;
}

static double fp64_cvt_host(int op, double a, double b, double c, enum fp_rounding rm, unsigned *fl)
{
    (void)op; (void)b; (void)c;
    float r;
    host_fp_begin(rm);
    __asm__ volatile("" : "+x"(a));
    r = (float)a;
    __asm__ volatile("" : "+x"(r));
    *fl = host_fp_end();
    return r;
}

uint32_t fp64_to_fp32(uint64_t a, enum fp_rounding rm, struct fpst *s)
{
    a = fp64_flush(a, s);
    if (fp64_isnan(a)) {
        uint64_t q = fp64_process_nan(a, s);
        return (uint32_t)(q >> 63) << 31 | 0x7fc00000u | (uint32_t)((q >> 29) & 0x3fffff);
    }
    double d; memcpy(&d, &a, 8);
    bool odd = rm == FPR_ODD;                     /* FCVTXN: round to odd = truncate, then jam */
    unsigned fl;
    float f = (float)fp64_cvt_host(0, d, 0, 0, odd ? FPR_ZERO : rm, &fl);
    uint32_t r; memcpy(&r, &f, 4);
    if (odd && (fl & HOST_PE) && !fp32_isinf(r)) r |= 1;
    uint32_t mag = r & 0x7fffffffu;
    if (mag <= 0x00800000u && !fp64_iszero(a)) {
        bool tiny;
        if (mag == 0x00800000u) {
            unsigned fl2;
            float t = (float)fp64_cvt_host(0, d, 0, 0, FPR_ZERO, &fl2);
            uint32_t tb; memcpy(&tb, &t, 4);
            tiny = (fl & HOST_PE) && (tb & 0x7fffffffu) < 0x00800000u;
        } else {
            tiny = true;
        }
        if (tiny) {
            if (s->fpcr & FPCR_FZ) { s->exc |= FPSR_UFC; return r & 0x80000000u; }
            if (fl & HOST_PE) fl |= HOST_UE;
        }
    }
    s->exc |= host_to_fpsr(fl);
    return r;
}

/* ---- half precision (FCVT to/from H, FCVTL/FCVTN with 16-bit lanes) ----
 * ARMv8.0 has no FP16 arithmetic; FPCR.FZ does not apply to half precision, FPCR.AHP selects
 * the IEEE or the alternative format (no infinities or NaNs). */
static uint16_t fp16_round(bool sign, int exp, uint64_t sig, struct fpst *s)
{
    bool ahp = s->fpcr & FPCR_AHP;
    enum fp_rounding rm = fpcr_rmode(s->fpcr);
    int p = 63 - __builtin_clzll(sig);
    int E = exp + p;                          /* value = 1.xxx * 2^E */
    int ulp = E < -14 ? -24 : E - 10;
    int sh = ulp - exp;
    uint64_t q, rem = 0;
    int cmp = -1;
    if (sh <= 0) q = sig << -sh;
    else if (sh >= 64) { q = 0; rem = sig; cmp = -1; }
    else {
        q = sig >> sh;
        rem = sig & ((1ull << sh) - 1);
        uint64_t half = 1ull << (sh - 1);
        cmp = rem < half ? -1 : rem > half;
    }
    bool inexact = rem != 0, up;
    switch (rm) {
    case FPR_TIEEVEN: up = cmp > 0 || (cmp == 0 && (q & 1)); break;
    case FPR_POSINF: up = inexact && !sign; break;
    case FPR_NEGINF: up = inexact && sign; break;
    default: up = false; break;
    }
    q += up;
    uint32_t bits = E < -14 ? (uint32_t)q : (uint32_t)((E + 14) << 10) + (uint32_t)q;
    uint16_t sgn = sign ? 0x8000 : 0;
    if (!ahp) {
        if (bits >= 0x7c00) {
            bool to_inf = rm == FPR_TIEEVEN || (rm == FPR_POSINF && !sign) || (rm == FPR_NEGINF && sign);
            s->exc |= FPSR_OFC | FPSR_IXC;
            return sgn | (to_inf ? 0x7c00 : 0x7bff);
        }
    } else if (bits >= 0x8000) {
        s->exc |= FPSR_IOC;
        return sgn | 0x7fff;
    }
    if (inexact) s->exc |= FPSR_IXC | (E < -14 ? FPSR_UFC : 0);
    return sgn | (uint16_t)bits;
}

uint16_t fp64_to_fp16(uint64_t a, struct fpst *s)
{
    bool ahp = s->fpcr & FPCR_AHP;
    a = fp64_flush(a, s);
    bool sign = a >> 63;
    uint16_t sgn = sign ? 0x8000 : 0;
    if (fp64_isnan(a)) {
        if (ahp) { s->exc |= FPSR_IOC; return sgn; }
        if (fp64_issnan(a)) s->exc |= FPSR_IOC;
        if (s->fpcr & FPCR_DN) return 0x7e00;
        return sgn | 0x7e00 | (uint16_t)((a >> 42) & 0x1ff);
    }
    if (fp64_isinf(a)) {
        if (ahp) { s->exc |= FPSR_IOC; return sgn | 0x7fff; }
        return sgn | 0x7c00;
    }
    if (fp64_iszero(a)) return sgn;
    int e = (int)((a >> 52) & 0x7ff);
    uint64_t sig = a & 0xfffffffffffffull;
    if (e) sig |= 1ull << 52; else e = 1;
    return fp16_round(sign, e - 1023 - 52, sig, s);
}

uint16_t fp32_to_fp16(uint32_t a, struct fpst *s)
{
    bool ahp = s->fpcr & FPCR_AHP;
    a = fp32_flush(a, s);
    bool sign = a >> 31;
    uint16_t sgn = sign ? 0x8000 : 0;
    if (fp32_isnan(a)) {
        if (ahp) { s->exc |= FPSR_IOC; return sgn; }
        if (fp32_issnan(a)) s->exc |= FPSR_IOC;
        if (s->fpcr & FPCR_DN) return 0x7e00;
        return sgn | 0x7e00 | (uint16_t)((a >> 13) & 0x1ff);
    }
    if (fp32_isinf(a)) {
        if (ahp) { s->exc |= FPSR_IOC; return sgn | 0x7fff; }
        return sgn | 0x7c00;
    }
    if (fp32_iszero(a)) return sgn;
    int e = (int)((a >> 23) & 0xff);
    uint64_t sig = a & 0x7fffff;
    if (e) sig |= 1u << 23; else e = 1;
    return fp16_round(sign, e - 127 - 23, sig, s);
}

/* Half to double, exact. Returns the double's bits. */
uint64_t fp16_to_fp64(uint16_t a, struct fpst *s)
{
    bool ahp = s->fpcr & FPCR_AHP;
    uint64_t sgn = (uint64_t)(a >> 15) << 63;
    unsigned e = (a >> 10) & 0x1f, f = a & 0x3ff;
    if (e == 0x1f && !ahp) {
        if (!f) return sgn | 0x7ff0000000000000ull;
        if (!(f & 0x200)) s->exc |= FPSR_IOC;
        if (s->fpcr & FPCR_DN) return 0x7ff8000000000000ull;
        return sgn | 0x7ff8000000000000ull | (uint64_t)(f & 0x1ff) << 42;
    }
    if (!e && !f) return sgn;
    double v = ldexp((double)(e ? (f | 0x400) : f), (int)(e ? e : 1) - 15 - 10);
    uint64_t r; memcpy(&r, &v, 8);
    return r | sgn;
}

uint32_t fp16_to_fp32(uint16_t a, struct fpst *s)
{
    uint64_t d = fp16_to_fp64(a, s);
    if (fp64_isnan(d)) {
        if (s->fpcr & FPCR_DN) return 0x7fc00000u;
        return (uint32_t)(d >> 63) << 31 | 0x7fc00000u | (uint32_t)((d >> 29) & 0x3fffff);
    }
    double v; memcpy(&v, &d, 8);
    float f = (float)v;                          /* exact */
    uint32_t r; memcpy(&r, &f, 4);
    return r;
}

/* ---- reciprocal estimates (Arm ARM shared/functions/float/...) ---- */

/* RecipEstimate: a in [256, 512) is 0.5 <= x < 1 in units of 1/512. */
static unsigned recip_estimate(unsigned a)
{
    a = a * 2 + 1;
    unsigned b = (1u << 19) / a;
    return (b + 1) / 2;
}

/* RecipSqrtEstimate: a in [128, 512) is 0.25 <= x < 1 in units of 1/512. */
static unsigned rsqrt_estimate(unsigned a)
{
    if (a < 256) a = a * 2 + 1;
    else { a = (a >> 1) << 1; a = (a + 1) * 2; }
    unsigned b = 512;
    while ((uint64_t)a * (b + 1) * (b + 1) < (1ull << 28)) b++;
    return (b + 1) / 2;
}

/* FPRecipEstimate, on a double-precision-shaped fraction (52 bits). */
static uint64_t recpe_common(bool sign, int exp, uint64_t frac, int N_, enum fp_rounding rm, uint32_t fpcr,
                             struct fpst *s, bool *special)
{
    (void)rm; (void)fpcr; (void)special;
    if (exp == 0) {
        if (!((frac >> 51) & 1)) { exp = -1; frac = (frac << 2) & 0xfffffffffffffull; }
        else frac = (frac << 1) & 0xfffffffffffffull;
    }
    unsigned scaled = 256 | (unsigned)((frac >> 44) & 0xff);
    int result_exp = (N_ == 32 ? 253 : 2045) - exp;
    unsigned est = recip_estimate(scaled);
    uint64_t f = (uint64_t)(est & 0xff) << 44;
    if (result_exp == 0) f = (1ull << 51) | (f >> 1);
    else if (result_exp == -1) { f = (1ull << 50) | (f >> 2); result_exp = 0; }
    if (N_ == 32)
        return (uint64_t)sign << 31 | (uint64_t)(result_exp & 0xff) << 23 | (f >> 29);
    return (uint64_t)sign << 63 | (uint64_t)(result_exp & 0x7ff) << 52 | f;
}

static bool overflow_to_inf(enum fp_rounding rm, bool sign)
{
    return rm == FPR_TIEEVEN || (rm == FPR_POSINF && !sign) || (rm == FPR_NEGINF && sign);
}

uint32_t fp32_recpe(uint32_t a, struct fpst *s)
{
    a = fp32_flush(a, s);
    bool sign = a >> 31;
    if (fp32_isnan(a)) return fp32_process_nan(a, s);
    if (fp32_isinf(a)) return fp32_zero(sign);
    if (fp32_iszero(a)) { s->exc |= FPSR_DZC; return fp32_inf(sign); }
    uint32_t mag = a & 0x7fffffffu;
    if (mag < 0x00200000u) {                     /* |x| < 2^-128 */
        s->exc |= FPSR_OFC | FPSR_IXC;
        return overflow_to_inf(fpcr_rmode(s->fpcr), sign) ? fp32_inf(sign) : (sign ? 0xff7fffffu : 0x7f7fffffu);
    }
    if ((s->fpcr & FPCR_FZ) && mag >= 0x7e800000u) {   /* |x| >= 2^126 */
        s->exc |= FPSR_UFC;
        return fp32_zero(sign);
    }
    return (uint32_t)recpe_common(sign, (int)((a >> 23) & 0xff), (uint64_t)(a & 0x7fffff) << 29, 32,
                                  FPR_TIEEVEN, s->fpcr, s, NULL);
}

uint64_t fp64_recpe(uint64_t a, struct fpst *s)
{
    a = fp64_flush(a, s);
    bool sign = a >> 63;
    if (fp64_isnan(a)) return fp64_process_nan(a, s);
    if (fp64_isinf(a)) return fp64_zero(sign);
    if (fp64_iszero(a)) { s->exc |= FPSR_DZC; return fp64_inf(sign); }
    uint64_t mag = a & 0x7fffffffffffffffull;
    if (mag < 0x0004000000000000ull) {           /* |x| < 2^-1024 */
        s->exc |= FPSR_OFC | FPSR_IXC;
        return overflow_to_inf(fpcr_rmode(s->fpcr), sign) ? fp64_inf(sign)
               : (sign ? 0xffefffffffffffffull : 0x7fefffffffffffffull);
    }
    if ((s->fpcr & FPCR_FZ) && mag >= 0x7fd0000000000000ull) {   /* |x| >= 2^1022 */
        s->exc |= FPSR_UFC;
        return fp64_zero(sign);
    }
    return recpe_common(sign, (int)((a >> 52) & 0x7ff), a & 0xfffffffffffffull, 64, FPR_TIEEVEN, s->fpcr, s, NULL);
}

static uint64_t rsqrte_common(int exp, uint64_t frac, int N_)
{
    if (exp == 0) {
        while (!((frac >> 51) & 1)) { frac = (frac << 1) & 0xfffffffffffffull; exp--; }
        frac = (frac << 1) & 0xfffffffffffffull;
    }
    unsigned scaled = (exp & 1) == 0 ? (256 | (unsigned)((frac >> 44) & 0xff))
                                     : (128 | (unsigned)((frac >> 45) & 0x7f));
    int result_exp = N_ == 32 ? (380 - exp) / 2 : (3068 - exp) / 2;   /* exp <= 0 only for denormals: numerators stay positive */
    unsigned est = rsqrt_estimate(scaled);
    if (N_ == 32) return (uint64_t)(result_exp & 0xff) << 23 | (uint64_t)(est & 0xff) << 15;
    return (uint64_t)(result_exp & 0x7ff) << 52 | (uint64_t)(est & 0xff) << 44;
}

uint32_t fp32_rsqrte(uint32_t a, struct fpst *s)
{
    a = fp32_flush(a, s);
    if (fp32_isnan(a)) return fp32_process_nan(a, s);
    if (fp32_iszero(a)) { s->exc |= FPSR_DZC; return fp32_inf(a >> 31); }
    if (a >> 31) { s->exc |= FPSR_IOC; return fp32_defnan(); }
    if (fp32_isinf(a)) return 0;
    return (uint32_t)rsqrte_common((int)((a >> 23) & 0xff), (uint64_t)(a & 0x7fffff) << 29, 32);
}

uint64_t fp64_rsqrte(uint64_t a, struct fpst *s)
{
    a = fp64_flush(a, s);
    if (fp64_isnan(a)) return fp64_process_nan(a, s);
    if (fp64_iszero(a)) { s->exc |= FPSR_DZC; return fp64_inf(a >> 63); }
    if (a >> 63) { s->exc |= FPSR_IOC; return fp64_defnan(); }
    if (fp64_isinf(a)) return 0;
    return rsqrte_common((int)((a >> 52) & 0x7ff), a & 0xfffffffffffffull, 64);
}

/* FPRecpX */
uint32_t fp32_recpx(uint32_t a, struct fpst *s)
{
    uint32_t e = (a >> 23) & 0xff;
    a = fp32_flush(a, s);
    if (fp32_isnan(a)) return fp32_process_nan(a, s);
    return (a & 0x80000000u) | (e == 0 ? 0xfeu << 23 : (~e & 0xff) << 23);
}

uint64_t fp64_recpx(uint64_t a, struct fpst *s)
{
    uint64_t e = (a >> 52) & 0x7ff;
    a = fp64_flush(a, s);
    if (fp64_isnan(a)) return fp64_process_nan(a, s);
    return (a & (1ull << 63)) | (e == 0 ? 0x7feull << 52 : (~e & 0x7ff) << 52);
}

/* UnsignedRecipEstimate / UnsignedRSqrtEstimate (URECPE, URSQRTE) */
uint32_t u32_recpe(uint32_t a)
{
    if (!(a >> 31)) return 0xffffffffu;
    return recip_estimate(a >> 23) << 23;
}

uint32_t u32_rsqrte(uint32_t a)
{
    if (!(a >> 30)) return 0xffffffffu;
    return rsqrt_estimate(a >> 23) << 23;
}
