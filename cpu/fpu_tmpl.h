/* cpu/fpu_tmpl.h — included by cpu/fpu.c once per precision with
 *   N (32/64), T (uint32_t/uint64_t), H (float/double), F(x) (fp32_x/fp64_x),
 *   EB (exponent bits), FB (fraction bits)
 * defined. See cpu/fpu.h for the contract. */

#define SIGNB   ((T)1 << (N - 1))
#define EXPM    ((((T)1 << EB) - 1) << FB)          /* exponent field all-ones (infinity bits) */
#define FRACM   (((T)1 << FB) - 1)
#define QUIETB  ((T)1 << (FB - 1))
#define MINNORM ((T)1 << FB)
#define BIAS    ((1 << (EB - 1)) - 1)

static inline H F(h)(T a) { H r; memcpy(&r, &a, sizeof r); return r; }
static inline T F(b)(H a) { T r; memcpy(&r, &a, sizeof r); return r; }
static inline bool F(isnan)(T a) { return (a & ~SIGNB) > EXPM; }
static inline bool F(issnan)(T a) { return F(isnan)(a) && !(a & QUIETB); }
static inline bool F(isinf)(T a) { return (a & ~SIGNB) == EXPM; }
static inline bool F(iszero)(T a) { return (a & ~SIGNB) == 0; }
static inline T F(defnan)(void) { return EXPM | QUIETB; }          /* FPDefaultNaN: +, quiet, zero payload */
static inline T F(inf)(bool sign) { return EXPM | (sign ? SIGNB : 0); }
static inline T F(zero)(bool sign) { return sign ? SIGNB : 0; }

/* FPUnpack's flush-to-zero of a denormalized input (FPCR.FZ): FPZero(sign), FPSR.IDC. */
static inline T F(flush)(T a, struct fpst *s)
{
    if ((s->fpcr & FPCR_FZ) && !(a & EXPM) && (a & FRACM)) {
        s->exc |= FPSR_IDC;
        return a & SIGNB;
    }
    return a;
}

/* FPProcessNaN */
static T F(process_nan)(T a, struct fpst *s)
{
    if (!(a & QUIETB)) {
        s->exc |= FPSR_IOC;
        a |= QUIETB;
    }
    if (s->fpcr & FPCR_DN) return F(defnan)();
    return a;
}

/* FPProcessNaNs: signalling NaNs take priority over quiet NaNs, then operand order. */
static inline bool F(process_nans)(T a, T b, T *r, struct fpst *s)
{
    if (likely(!F(isnan)(a) && !F(isnan)(b))) return false;
    if (F(issnan)(a)) *r = F(process_nan)(a, s);
    else if (F(issnan)(b)) *r = F(process_nan)(b, s);
    else if (F(isnan)(a)) *r = F(process_nan)(a, s);
    else *r = F(process_nan)(b, s);
    return true;
}

/* FPProcessNaNs3 */
static inline bool F(process_nans3)(T a, T b, T c, T *r, struct fpst *s)
{
    if (likely(!F(isnan)(a) && !F(isnan)(b) && !F(isnan)(c))) return false;
    if (F(issnan)(a)) *r = F(process_nan)(a, s);
    else if (F(issnan)(b)) *r = F(process_nan)(b, s);
    else if (F(issnan)(c)) *r = F(process_nan)(c, s);
    else if (F(isnan)(a)) *r = F(process_nan)(a, s);
    else if (F(isnan)(b)) *r = F(process_nan)(b, s);
    else *r = F(process_nan)(c, s);
    return true;
}

enum { F(H_ADD), F(H_SUB), F(H_MUL), F(H_DIV), F(H_FMA), F(H_SQRT), F(H_RECPS), F(H_RSQRTS), F(H_RSQRTS2) };

/* The host computation, in rounding mode rm; returns the host IEEE flags (HOST_* bits). */
static H F(host)(int op, H a, H b, H c, enum fp_rounding rm, unsigned *flags)
{
    H r;
    host_fp_begin(rm);
    __asm__ volatile("" : "+x"(a), "+x"(b), "+x"(c));
    switch (op) {
    case F(H_ADD): r = a + b; break;
    case F(H_SUB): r = a - b; break;
    case F(H_MUL): r = a * b; break;
    case F(H_DIV): r = a / b; break;
    case F(H_FMA): r = HFMA(a, b, c); break;          /* c + a*b, one rounding */
    case F(H_SQRT): r = HSQRT(a); break;
    case F(H_RECPS): r = HFMA(a, b, (H)2.0); break;   /* 2 + a*b (a already negated) */
    case F(H_RSQRTS): r = HFMA(a, b, (H)1.5); break;  /* (3 + 2a*b)/2, caller halved a exactly */
    default: r = HFMA(a, b, (H)3.0) * (H)0.5; break;  /* a, b tiny: the sum is near 3, halving exact */
    }
    __asm__ volatile("" : "+x"(r));
    *flags = host_fp_end();
    return r;
}

/* FPRound applied to the host's result: the correctly rounded value comes from the host; this
 * adds Arm's tininess-before-rounding underflow rule and the FPCR.FZ output flush (FPRoundBase:
 * "if FPCR.FZ == '1' && exponent < minimum_exp then FPZero(sign), FPSR.UFC"). Inputs are not
 * NaN. */
static T F(rounded)(int op, H a, H b, H c, struct fpst *s)
{
    enum fp_rounding rm = fpcr_rmode(s->fpcr);
    unsigned fl;
    T r = F(b)(F(host)(op, a, b, c, rm, &fl));
    if (unlikely(F(isnan)(r))) {               /* invalid operation: Arm's default NaN */
        s->exc |= FPSR_IOC;
        return F(defnan)();
    }
    T mag = r & ~SIGNB;
    if (unlikely(mag <= MINNORM)) {
        bool tiny;
        if (mag == MINNORM) {
            /* Rounded up to the smallest normal: tiny before rounding iff the value rounded
             * towards zero is still below it. */
            unsigned fl2;
            tiny = (fl & HOST_PE) && (F(b)(F(host)(op, a, b, c, FPR_ZERO, &fl2)) & ~SIGNB) < MINNORM;
        } else if (mag == 0) {
            tiny = fl & HOST_PE;                 /* underflowed to zero (exact zeros are not) */
        } else {
            tiny = true;
        }
        if (tiny) {
            if (s->fpcr & FPCR_FZ) {
                s->exc |= FPSR_UFC;
                return r & SIGNB;
            }
            if (fl & HOST_PE) fl |= HOST_UE;
        }
    }
    s->exc |= host_to_fpsr(fl);
    return r;
}

static T F(maxmin)(bool is_max, T a, T b, struct fpst *s)
{
    T r;
    a = F(flush)(a, s);
    b = F(flush)(b, s);
    if (F(process_nans)(a, b, &r, s)) return r;
    if (F(iszero)(a) && F(iszero)(b))          /* most positive / most negative sign */
        return is_max ? (a & b) : (a | b);
    bool gt = F(h)(a) > F(h)(b);
    return (gt == is_max) ? a : b;
}

T F(op2)(enum fp_op2 op, T a, T b, struct fpst *s)
{
    T r;
    switch (op) {
    case FOP_ABD: return F(op2)(FOP_SUB, a, b, s) & ~SIGNB;     /* FPAbs(FPSub()), NaNs too */
    case FOP_NMUL: return F(op2)(FOP_MUL, a, b, s) ^ SIGNB;     /* FPNeg(FPMul()), NaNs too */
    case FOP_MAXNM: case FOP_MINNM: {
        /* FPMaxNum / FPMinNum: a single quiet NaN is replaced by the infinity that loses. */
        bool qa = F(isnan)(a) && !F(issnan)(a), qb = F(isnan)(b) && !F(issnan)(b);
        if (qa && !qb) a = F(inf)(op == FOP_MAXNM);
        else if (!qa && qb) b = F(inf)(op == FOP_MAXNM);
        return F(maxmin)(op == FOP_MAXNM, a, b, s);
    }
    case FOP_MAX: return F(maxmin)(true, a, b, s);
    case FOP_MIN: return F(maxmin)(false, a, b, s);
    case FOP_RECPS: case FOP_RSQRTS:
        a ^= SIGNB;                              /* op1 = FPNeg(op1), before FPUnpack */
        break;
    default: break;
    }
    a = F(flush)(a, s);
    b = F(flush)(b, s);
    if (F(process_nans)(a, b, &r, s)) return r;
    switch (op) {
    case FOP_ADD: return F(rounded)(F(H_ADD), F(h)(a), F(h)(b), 0, s);
    case FOP_SUB: return F(rounded)(F(H_SUB), F(h)(a), F(h)(b), 0, s);
    case FOP_MUL: return F(rounded)(F(H_MUL), F(h)(a), F(h)(b), 0, s);
    case FOP_DIV: return F(rounded)(F(H_DIV), F(h)(a), F(h)(b), 0, s);
    case FOP_MULX:
        /* FPMulX: infinity * zero = 2.0 with the product's sign (no Invalid Operation). */
        if ((F(isinf)(a) && F(iszero)(b)) || (F(iszero)(a) && F(isinf)(b)))
            return F(b)((H)2.0) | ((a ^ b) & SIGNB);
        return F(rounded)(F(H_MUL), F(h)(a), F(h)(b), 0, s);
    case FOP_RECPS:
        if ((F(isinf)(a) && F(iszero)(b)) || (F(iszero)(a) && F(isinf)(b))) return F(b)((H)2.0);
        if (F(isinf)(a) || F(isinf)(b)) return F(inf)(((a ^ b) & SIGNB) != 0);
        return F(rounded)(F(H_RECPS), F(h)(a), F(h)(b), 0, s);
    case FOP_RSQRTS:
        if ((F(isinf)(a) && F(iszero)(b)) || (F(iszero)(a) && F(isinf)(b))) return F(b)((H)1.5);
        if (F(isinf)(a) || F(isinf)(b)) return F(inf)(((a ^ b) & SIGNB) != 0);
        /* (3 + a*b)/2 with one rounding: halve an operand whose halving is exact, so the
         * intermediate cannot overflow. */
        if (((a & EXPM) >> FB) >= 2) return F(rounded)(F(H_RSQRTS), F(h)(a) * (H)0.5, F(h)(b), 0, s);
        if (((b & EXPM) >> FB) >= 2) return F(rounded)(F(H_RSQRTS), F(h)(a), F(h)(b) * (H)0.5, 0, s);
        return F(rounded)(F(H_RSQRTS2), F(h)(a), F(h)(b), 0, s);
    default: return F(defnan)();
    }
}

/* FPMulAdd(addend, op1, op2), fused. */
T F(muladd)(T ad, T a, T b, struct fpst *s)
{
    T r;
    ad = F(flush)(ad, s);
    a = F(flush)(a, s);
    b = F(flush)(b, s);
    bool inf_zero = (F(isinf)(a) && F(iszero)(b)) || (F(iszero)(a) && F(isinf)(b));
    if (F(process_nans3)(ad, a, b, &r, s)) {
        /* A quiet NaN addend does not hide the Invalid Operation of infinity * zero. */
        if (F(isnan)(ad) && !F(issnan)(ad) && inf_zero) {
            s->exc |= FPSR_IOC;
            return F(defnan)();
        }
        return r;
    }
    if (inf_zero) { s->exc |= FPSR_IOC; return F(defnan)(); }
    return F(rounded)(F(H_FMA), F(h)(a), F(h)(b), F(h)(ad), s);
}

/* FPSqrt */
T F(sqrt)(T a, struct fpst *s)
{
    a = F(flush)(a, s);
    if (F(isnan)(a)) return F(process_nan)(a, s);
    if (F(iszero)(a)) return a;
    if (a & SIGNB) { s->exc |= FPSR_IOC; return F(defnan)(); }
    if (F(isinf)(a)) return a;
    return F(rounded)(F(H_SQRT), F(h)(a), 0, 0, s);
}

/* FPRoundInt */
T F(roundint)(T a, enum fp_rounding rm, bool exact, struct fpst *s)
{
    a = F(flush)(a, s);
    if (F(isnan)(a)) return F(process_nan)(a, s);
    if (F(isinf)(a) || F(iszero)(a)) return a;
    H x = F(h)(a), r;
    switch (rm) {
    case FPR_TIEEVEN: r = HRINT(x); break;     /* host runs in round-to-nearest-even */
    case FPR_POSINF: r = HCEIL(x); break;
    case FPR_NEGINF: r = HFLOOR(x); break;
    case FPR_ZERO: r = HTRUNC(x); break;
    default: r = HROUND(x); break;             /* ties away from zero */
    }
    if (exact && r != x) s->exc |= FPSR_IXC;
    return F(b)(r);                            /* zero results keep the operand's sign */
}

/* FPCompare: NZCV = 0011 unordered, 0110 equal, 1000 less, 0010 greater. */
unsigned F(compare)(T a, T b, bool signal_nans, struct fpst *s)
{
    a = F(flush)(a, s);
    b = F(flush)(b, s);
    if (F(isnan)(a) || F(isnan)(b)) {
        if (signal_nans || F(issnan)(a) || F(issnan)(b)) s->exc |= FPSR_IOC;
        return 0x3;
    }
    H x = F(h)(a), y = F(h)(b);
    if (x == y) return 0x6;
    return x < y ? 0x8 : 0x2;
}

/* FPCompareEQ (kind 0), FPCompareGE (1), FPCompareGT (2). */
bool F(cmp)(int kind, T a, T b, struct fpst *s)
{
    a = F(flush)(a, s);
    b = F(flush)(b, s);
    if (F(isnan)(a) || F(isnan)(b)) {
        if (kind || F(issnan)(a) || F(issnan)(b)) s->exc |= FPSR_IOC;
        return false;
    }
    H x = F(h)(a), y = F(h)(b);
    return kind == 0 ? x == y : kind == 1 ? x >= y : x > y;
}

/* FPToFixed */
uint64_t F(to_fixed)(T a, unsigned fbits, bool uns, enum fp_rounding rm, unsigned intbits, struct fpst *s)
{
    a = F(flush)(a, s);
    if (F(isnan)(a)) { s->exc |= FPSR_IOC; return 0; }
    bool sign = (a & SIGNB) != 0;
    if (F(isinf)(a)) return fixed_saturate(sign, 0, true, uns, intbits, s);
    if (F(iszero)(a)) return 0;
    int e = (int)((a & EXPM) >> FB);
    uint64_t sig = a & FRACM;
    if (e) sig |= (T)1 << FB; else e = 1;
    return fixed_round(sign, e - BIAS - FB + (int)fbits, sig, uns, rm, intbits, s);
}

/* FixedToFP: the host conversion rounds once (per FPCR.RMode); scaling by 2^-fbits is exact. */
T F(from_fixed)(uint64_t v, unsigned fbits, bool uns, unsigned intbits, struct fpst *s)
{
    H r;
    host_fp_begin(fpcr_rmode(s->fpcr));
    __asm__ volatile("" : "+r"(v));
    if (intbits == 32) {
        if (uns) r = (H)(uint32_t)v; else r = (H)(int32_t)v;
    } else {
        if (uns) r = (H)v; else r = (H)(int64_t)v;
    }
    __asm__ volatile("" : "+x"(r));
    unsigned fl = host_fp_end();
    s->exc |= host_to_fpsr(fl);
    if (fbits) r = r * HLDEXP((H)1.0, -(int)fbits);
    return F(b)(r);
}

#undef SIGNB
#undef EXPM
#undef FRACM
#undef QUIETB
#undef MINNORM
#undef BIAS
