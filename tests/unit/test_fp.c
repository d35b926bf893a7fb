/* tests/unit/test_fp.c — scalar floating point: FMOV, arithmetic with special values, NaN
 * propagation, default NaN, flush-to-zero, rounding modes, fused multiply-add, conversions,
 * compares, estimates, half precision, and the CPACR_EL1.FPEN trap. Expected values follow the
 * Arm ARM pseudocode (FPProcessNaNs, FPRoundBase, FPToFixed, FPRecipEstimate ...). */
#include "tests/unit/test_fp_harness.h"

#define FADD_D  0x1e622820u  /* fadd d0, d1, d2 */
#define FSUB_D  0x1e623820u  /* fsub d0, d1, d2 */
#define FMUL_D  0x1e620820u  /* fmul d0, d1, d2 */
#define FDIV_D  0x1e621820u  /* fdiv d0, d1, d2 */
#define FADD_S  0x1e222820u  /* fadd s0, s1, s2 */
#define FMUL_S  0x1e220820u  /* fmul s0, s1, s2 */
#define FMADD_D 0x1f420c20u  /* fmadd d0, d1, d2, d3 */
#define FMADD_S 0x1f020c20u  /* fmadd s0, s1, s2, s3 */
#define FMSUB_S 0x1f028c20u  /* fmsub s0, s1, s2, s3 */
#define FCMP_D  0x1e622020u  /* fcmp d1, d2 */
#define FCMPE_D 0x1e622030u  /* fcmpe d1, d2 */
#define FCMP0_D 0x1e602028u  /* fcmp d1, #0.0 */

static const uint64_t QNAN2 = 0x7ff8000000000002ull, SNAN1 = 0x7ff0000000000001ull;
static const uint64_t DNAN = 0x7ff8000000000000ull;

static void test_fmov_forms(void **state)
{
    (void)state;
    cpu_set_x(T_.c, 1, 0x123456789abcdef0ull);
    V(0)->d[1] = 0xdead;
    run1(0x9e670020);                 /* fmov d0, x1: upper half cleared */
    assert_int_equal(V(0)->d[0], 0x123456789abcdef0ull);
    assert_int_equal(V(0)->d[1], 0);
    run1(0x9e660002);                 /* fmov x2, d0 */
    assert_int_equal(cpu_get_x(T_.c, 2), 0x123456789abcdef0ull);
    run1(0x9eaf0020);                 /* fmov v0.d[1], x1: low half kept */
    assert_int_equal(V(0)->d[1], 0x123456789abcdef0ull);
    assert_int_equal(V(0)->d[0], 0x123456789abcdef0ull);
    run1(0x9eae0003);                 /* fmov x3, v0.d[1] */
    assert_int_equal(cpu_get_x(T_.c, 3), 0x123456789abcdef0ull);
    run1(0x1e270021);                 /* fmov s1, w1 */
    assert_int_equal(V(1)->d[0], 0x9abcdef0u);
    run1(0x1e260024);                 /* fmov w4, s1 */
    assert_int_equal(cpu_get_x(T_.c, 4), 0x9abcdef0u);
    run1(0x1e6f1002);                 /* fmov d2, #1.5 */
    assert_int_equal(V(2)->d[0], dbits(1.5));
    run1(0x1e301003);                 /* fmov s3, #-2.0 */
    assert_int_equal(V(3)->d[0], fbits(-2.0f));
    V(2)->d[1] = 7;
    run1(0x1e604044);                 /* fmov d4, d2 */
    assert_int_equal(V(4)->d[0], dbits(1.5));
    assert_int_equal(V(4)->d[1], 0);
    assert_int_equal(fpsr(), 0);
}

static void test_basic_arith(void **state)
{
    (void)state;
    setq(1, dbits(1.5), 99); setd(2, dbits(2.25)); V(0)->d[1] = 55;
    run1(FADD_D);
    assert_int_equal(V(0)->d[0], dbits(3.75));
    assert_int_equal(V(0)->d[1], 0);
    run1(FSUB_D);
    assert_int_equal(V(0)->d[0], dbits(-0.75));
    run1(FMUL_D);
    assert_int_equal(V(0)->d[0], dbits(3.375));
    assert_int_equal(fpsr(), 0);
    setd(1, dbits(1.0)); setd(2, dbits(3.0));
    run1(FDIV_D);
    assert_int_equal(V(0)->d[0], dbits(1.0 / 3.0));
    assert_int_equal(fpsr(), FPSR_IXC);
    clr_fpsr();
    setd(2, 0);
    run1(FDIV_D);                     /* 1/0 = +inf, DZC */
    assert_int_equal(V(0)->d[0], 0x7ff0000000000000ull);
    assert_int_equal(fpsr(), FPSR_DZC);
    clr_fpsr();
    sets(1, fbits(1e30f)); sets(2, fbits(1e30f));
    run1(FMUL_S);                     /* overflow */
    assert_int_equal(V(0)->d[0], 0x7f800000u);
    assert_int_equal(fpsr(), FPSR_OFC | FPSR_IXC);
}

static void test_nan_propagation(void **state)
{
    (void)state;
    /* FPProcessNaNs: a signalling NaN wins over a quiet one regardless of order, and is quieted */
    setd(1, QNAN2); setd(2, SNAN1);
    run1(FADD_D);
    assert_int_equal(V(0)->d[0], 0x7ff8000000000001ull);
    assert_int_equal(fpsr(), FPSR_IOC);
    clr_fpsr();
    /* two quiet NaNs: the first operand */
    setd(1, 0xfff8000000000005ull); setd(2, QNAN2);
    run1(FMUL_D);
    assert_int_equal(V(0)->d[0], 0xfff8000000000005ull);
    assert_int_equal(fpsr(), 0);
    /* default NaN mode */
    set_fpcr(FPCR_DN);
    run1(FMUL_D);
    assert_int_equal(V(0)->d[0], DNAN);
    set_fpcr(0);
    /* invalid operation: the Arm default NaN is positive (x86's is negative) */
    setd(1, 0x7ff0000000000000ull); setd(2, 0x7ff0000000000000ull);
    run1(FSUB_D);
    assert_int_equal(V(0)->d[0], DNAN);
    assert_int_equal(fpsr(), FPSR_IOC);
    clr_fpsr();
    setd(1, 0); setd(2, 0);
    run1(FDIV_D);
    assert_int_equal(V(0)->d[0], DNAN);
    assert_int_equal(fpsr(), FPSR_IOC);
    clr_fpsr();
    /* FPMulAdd: a quiet NaN addend with infinity * zero still raises Invalid, default NaN */
    setd(3, QNAN2); setd(1, 0x7ff0000000000000ull); setd(2, 0);
    run1(FMADD_D);
    assert_int_equal(V(0)->d[0], DNAN);
    assert_int_equal(fpsr(), FPSR_IOC);
    clr_fpsr();
    /* FPMulAdd NaN order: addend first */
    setd(3, QNAN2); setd(1, 0x7ff8000000000007ull); setd(2, dbits(1.0));
    run1(FMADD_D);
    assert_int_equal(V(0)->d[0], QNAN2);
    /* FMSUB negates op1 before NaN processing: the NaN comes back with its sign flipped */
    sets(3, fbits(1.0f)); sets(1, 0x7fc00001u); sets(2, fbits(1.0f));
    run1(FMSUB_S);
    assert_int_equal(V(0)->d[0], 0xffc00001u);
}

static void test_flush_to_zero(void **state)
{
    (void)state;
    /* input flush: denormal operand becomes zero, IDC */
    setd(1, 1); setd(2, 0);
    run1(FADD_D);
    assert_int_equal(V(0)->d[0], 1);
    assert_int_equal(fpsr(), 0);
    set_fpcr(FPCR_FZ);
    run1(FADD_D);
    assert_int_equal(V(0)->d[0], 0);
    assert_int_equal(fpsr(), FPSR_IDC);
    clr_fpsr();
    /* output flush: a tiny result becomes zero, only UFC (no IXC) */
    sets(1, 0x00800001u); sets(2, fbits(0.5f));
    run1(FMUL_S);
    assert_int_equal(V(0)->d[0], 0);
    assert_int_equal(fpsr(), FPSR_UFC);
    clr_fpsr();
    set_fpcr(0);
    run1(FMUL_S);                     /* without FZ: denormal result, inexact: UFC|IXC */
    assert_int_equal(V(0)->d[0], 0x00400000u);
    assert_int_equal(fpsr(), FPSR_UFC | FPSR_IXC);
    clr_fpsr();
    /* exact denormal result without FZ: no underflow */
    sets(1, 0x00800002u); sets(2, fbits(0.5f));
    run1(FMUL_S);
    assert_int_equal(V(0)->d[0], 0x00400001u);
    assert_int_equal(fpsr(), 0);
    /* negative tiny result flushes to -0 */
    set_fpcr(FPCR_FZ);
    sets(1, 0x80800001u);
    run1(FMUL_S);
    assert_int_equal(V(0)->d[0], 0x80000000u);
    set_fpcr(0);
    clr_fpsr();
}

/* Tininess is detected before rounding (FPRoundBase): a result that rounds up to the smallest
 * normal still underflows. x86 detects after rounding and would not flag it. */
static void test_tininess_before_rounding(void **state)
{
    (void)state;
    sets(3, 0x00800000u);              /* 2^-126 */
    sets(1, 0x99800000u);              /* -2^-76 */
    sets(2, 0x1a000000u);              /* 2^-75 */
    run1(FMADD_S);                     /* 2^-126 - 2^-151 -> rounds to 2^-126 */
    assert_int_equal(V(0)->d[0], 0x00800000u);
    assert_int_equal(fpsr(), FPSR_UFC | FPSR_IXC);
    clr_fpsr();
    set_fpcr(FPCR_FZ);
    run1(FMADD_S);
    assert_int_equal(V(0)->d[0], 0);
    assert_int_equal(fpsr(), FPSR_UFC);
    set_fpcr(0);
    clr_fpsr();
}

static void test_rounding_modes(void **state)
{
    (void)state;
    double tiny = 0x1p-60;
    setd(1, dbits(1.0)); setd(2, dbits(tiny));
    set_fpcr(RM_RN); run1(FADD_D); assert_int_equal(V(0)->d[0], dbits(1.0));
    set_fpcr(RM_RP); run1(FADD_D); assert_int_equal(V(0)->d[0], 0x3ff0000000000001ull);
    set_fpcr(RM_RM); run1(FADD_D); assert_int_equal(V(0)->d[0], dbits(1.0));
    set_fpcr(RM_RZ); run1(FADD_D); assert_int_equal(V(0)->d[0], dbits(1.0));
    setd(1, dbits(-1.0)); setd(2, dbits(-tiny));
    set_fpcr(RM_RM); run1(FADD_D); assert_int_equal(V(0)->d[0], 0xbff0000000000001ull);
    set_fpcr(RM_RZ); run1(FADD_D); assert_int_equal(V(0)->d[0], dbits(-1.0));
    set_fpcr(RM_RP); run1(FADD_D); assert_int_equal(V(0)->d[0], dbits(-1.0));
    assert_int_equal(fpsr(), FPSR_IXC);
    /* x + (-x) is -0 only when rounding towards minus infinity */
    setd(1, dbits(2.0)); setd(2, dbits(-2.0));
    set_fpcr(RM_RM); run1(FADD_D); assert_int_equal(V(0)->d[0], 0x8000000000000000ull);
    set_fpcr(RM_RN); run1(FADD_D); assert_int_equal(V(0)->d[0], 0);
    /* overflow: RZ gives the largest finite number */
    setd(1, 0x7fefffffffffffffull); setd(2, 0x7fefffffffffffffull);
    set_fpcr(RM_RZ); run1(FADD_D); assert_int_equal(V(0)->d[0], 0x7fefffffffffffffull);
    set_fpcr(0);
    clr_fpsr();
}

static void test_fused(void **state)
{
    (void)state;
    double a = 1.0 + 0x1p-30, b = 1.0 - 0x1p-30;
    setd(1, dbits(a)); setd(2, dbits(b)); setd(3, dbits(-1.0));
    run1(FMADD_D);                     /* exact: -2^-60 (unfused would give 0) */
    assert_int_equal(V(0)->d[0], dbits(-0x1p-60));
    assert_int_equal(fpsr(), 0);
    run1(FMUL_D);
    assert_int_equal(V(0)->d[0], dbits(1.0));
    assert_int_equal(fpsr(), FPSR_IXC);
    clr_fpsr();
}

static void test_compare(void **state)
{
    (void)state;
    setd(1, dbits(1.0)); setd(2, dbits(2.0));
    run1(FCMP_D); assert_int_equal(cpu_get_nzcv(T_.c), 0x80000000u);
    setd(1, dbits(3.0));
    run1(FCMP_D); assert_int_equal(cpu_get_nzcv(T_.c), 0x20000000u);
    setd(2, dbits(3.0));
    run1(FCMP_D); assert_int_equal(cpu_get_nzcv(T_.c), 0x60000000u);
    setd(1, 0x8000000000000000ull);
    run1(FCMP0_D); assert_int_equal(cpu_get_nzcv(T_.c), 0x60000000u);   /* -0 == +0 */
    setd(1, QNAN2);
    run1(FCMP_D); assert_int_equal(cpu_get_nzcv(T_.c), 0x30000000u);
    assert_int_equal(fpsr(), 0);
    run1(FCMPE_D); assert_int_equal(cpu_get_nzcv(T_.c), 0x30000000u);
    assert_int_equal(fpsr(), FPSR_IOC);
    clr_fpsr();
    setd(1, SNAN1);
    run1(FCMP_D);
    assert_int_equal(fpsr(), FPSR_IOC);
    clr_fpsr();
    /* FCCMP: condition false -> flags from the immediate */
    cpu_set_nzcv(T_.c, 0);
    setd(1, dbits(1.0)); setd(2, dbits(1.0));
    run1(0x1e620424);                 /* fccmp d1, d2, #4, eq  (Z=0: eq false) */
    assert_int_equal(cpu_get_nzcv(T_.c), 0x40000000u);
    cpu_set_nzcv(T_.c, 0x40000000u);
    run1(0x1e620424);                 /* eq true: compare -> 0110 */
    assert_int_equal(cpu_get_nzcv(T_.c), 0x60000000u);
    /* FCSEL */
    setd(1, dbits(5.0)); setd(2, dbits(6.0));
    cpu_set_nzcv(T_.c, 0x40000000u);
    run1(0x1e621c20);                 /* fcsel d0, d1, d2, ne -> d2 */
    assert_int_equal(V(0)->d[0], dbits(6.0));
}

static void test_max_min(void **state)
{
    (void)state;
    setd(1, QNAN2); setd(2, dbits(3.0));
    run1(0x1e626820);                 /* fmaxnm: quiet NaN loses */
    assert_int_equal(V(0)->d[0], dbits(3.0));
    run1(0x1e625820);                 /* fmin: NaN propagates */
    assert_int_equal(V(0)->d[0], QNAN2);
    setd(1, 0x8000000000000000ull); setd(2, 0);
    run1(0x1e625820);                 /* fmin(-0, +0) = -0 */
    assert_int_equal(V(0)->d[0], 0x8000000000000000ull);
    run1(0x1e626820);                 /* fmaxnm(-0, +0) = +0 */
    assert_int_equal(V(0)->d[0], 0);
    setd(1, SNAN1); setd(2, dbits(1.0));
    run1(0x1e626820);                 /* fmaxnm with a signalling NaN: NaN, IOC */
    assert_int_equal(V(0)->d[0], 0x7ff8000000000001ull);
    assert_int_equal(fpsr(), FPSR_IOC);
    clr_fpsr();
}

static void test_conversions(void **state)
{
    (void)state;
    setd(1, dbits(1e20));
    run1(0x9e780020);                 /* fcvtzs x0, d1: saturates */
    assert_int_equal(cpu_get_x(T_.c, 0), 0x7fffffffffffffffull);
    assert_int_equal(fpsr(), FPSR_IOC);
    clr_fpsr();
    setd(1, dbits(-1e20));
    run1(0x9e780020);
    assert_int_equal(cpu_get_x(T_.c, 0), 0x8000000000000000ull);
    clr_fpsr();
    setd(1, DNAN);
    run1(0x9e780020);
    assert_int_equal(cpu_get_x(T_.c, 0), 0);
    assert_int_equal(fpsr(), FPSR_IOC);
    clr_fpsr();
    setd(1, dbits(-1.5));
    run1(0x9e780020);
    assert_int_equal(cpu_get_x(T_.c, 0), (uint64_t)-1);
    assert_int_equal(fpsr(), FPSR_IXC);
    clr_fpsr();
    run1(0x1e790020);                 /* fcvtzu w0, d1 with -1.5: 0, IOC */
    assert_int_equal(cpu_get_x(T_.c, 0), 0);
    assert_int_equal(fpsr(), FPSR_IOC);
    clr_fpsr();
    setd(1, dbits(-0.5));
    run1(0x1e790020);                 /* -0.5 truncates to 0: only inexact */
    assert_int_equal(fpsr(), FPSR_IXC);
    clr_fpsr();
    setd(1, dbits(5e9));
    run1(0x1e790020);
    assert_int_equal(cpu_get_x(T_.c, 0), 0xffffffffu);
    assert_int_equal(fpsr(), FPSR_IOC);
    clr_fpsr();
    setd(1, dbits(2.5));
    run1(0x9e600020);                 /* fcvtns x0, d1: ties to even -> 2 */
    assert_int_equal(cpu_get_x(T_.c, 0), 2);
    run1(0x9e650020);                 /* fcvtau x0, d1: ties away -> 3 */
    assert_int_equal(cpu_get_x(T_.c, 0), 3);
    clr_fpsr();
    sets(1, fbits(1.5f));
    run1(0x1e18e020);                 /* fcvtzs w0, s1, #8 */
    assert_int_equal(cpu_get_x(T_.c, 0), 384);
    cpu_set_x(T_.c, 1, (uint64_t)-3);
    run1(0x9e620020);                 /* scvtf d0, x1 */
    assert_int_equal(V(0)->d[0], dbits(-3.0));
    run1(0x9e630020);                 /* ucvtf d0, x1: 2^64 - 3 rounds to 2^64 */
    assert_int_equal(V(0)->d[0], dbits(18446744073709551616.0));
    assert_int_equal(fpsr(), FPSR_IXC);
    clr_fpsr();
    set_fpcr(RM_RZ);
    run1(0x9e630020);
    assert_int_equal(V(0)->d[0], 0x43efffffffffffffull);
    set_fpcr(0);
    clr_fpsr();
}

static void test_precision_conversions(void **state)
{
    (void)state;
    setd(1, dbits(1.0 / 3.0));
    run1(0x1e624020);                 /* fcvt s0, d1 */
    assert_int_equal(V(0)->d[0], fbits((float)(1.0 / 3.0)));
    assert_int_equal(fpsr(), FPSR_IXC);
    clr_fpsr();
    setd(1, 0x7ff0000000000001ull << 0 | 0x0000080000000000ull);  /* sNaN with payload */
    run1(0x1e624020);
    assert_int_equal(V(0)->d[0], 0x7fc00000u | (uint32_t)((0x0000080000000001ull >> 29) & 0x3fffff));
    assert_int_equal(fpsr(), FPSR_IOC);
    clr_fpsr();
    sets(1, fbits(1.0f));
    run1(0x1e23c020);                 /* fcvt h0, s1 */
    assert_int_equal(V(0)->d[0], 0x3c00);
    sets(1, fbits(65520.0f));         /* rounds to infinity in IEEE half */
    run1(0x1e23c020);
    assert_int_equal(V(0)->d[0], 0x7c00);
    assert_int_equal(fpsr(), FPSR_OFC | FPSR_IXC);
    clr_fpsr();
    set_fpcr(FPCR_AHP);
    run1(0x1e23c020);                 /* alternative half precision: 65520 is representable */
    assert_int_equal(V(0)->d[0], 0x7bff + 1);
    clr_fpsr();
    sets(1, 0x7f800000u);
    run1(0x1e23c020);                 /* AHP: infinity -> max, IOC */
    assert_int_equal(V(0)->d[0], 0x7fff);
    assert_int_equal(fpsr(), FPSR_IOC);
    set_fpcr(0);
    clr_fpsr();
    setd(1, 0x3c00);
    run1(0x1ee24020);                 /* fcvt s0, h1 */
    assert_int_equal(V(0)->d[0], fbits(1.0f));
    setd(1, 0x0001);                  /* smallest half denormal, never flushed */
    set_fpcr(FPCR_FZ);
    run1(0x1ee24020);
    assert_int_equal(V(0)->d[0], fbits(0x1p-24f));
    set_fpcr(0);
    sets(1, fbits(1.0f));
    run1(0x1e22c020);                 /* fcvt d0, s1 */
    assert_int_equal(V(0)->d[0], dbits(1.0));
}

static void test_round_int_sqrt(void **state)
{
    (void)state;
    setd(1, dbits(2.5));
    run1(0x1e664020);                 /* frinta d0, d1 */
    assert_int_equal(V(0)->d[0], dbits(3.0));
    assert_int_equal(fpsr(), 0);
    run1(0x1e674020);                 /* frintx d0, d1: ties even, IXC */
    assert_int_equal(V(0)->d[0], dbits(2.0));
    assert_int_equal(fpsr(), FPSR_IXC);
    clr_fpsr();
    setd(1, dbits(-0.25));
    run1(0x1e664020);                 /* -0.25 -> -0 */
    assert_int_equal(V(0)->d[0], 0x8000000000000000ull);
    setd(1, dbits(2.0));
    run1(0x1e61c020);                 /* fsqrt */
    assert_int_equal(V(0)->d[0], dbits(1.4142135623730951));
    clr_fpsr();
    setd(1, dbits(-1.0));
    run1(0x1e61c020);
    assert_int_equal(V(0)->d[0], DNAN);
    assert_int_equal(fpsr(), FPSR_IOC);
    clr_fpsr();
    setd(1, 0x8000000000000000ull);
    run1(0x1e61c020);                 /* sqrt(-0) = -0 */
    assert_int_equal(V(0)->d[0], 0x8000000000000000ull);
    assert_int_equal(fpsr(), 0);
}

static void test_estimates(void **state)
{
    (void)state;
    setd(1, dbits(2.0));
    run1(0x5ee1d820);                 /* frecpe d0, d1 */
    assert_int_equal(V(0)->d[0], 0x3fdff00000000000ull);
    sets(1, fbits(4.0f));
    run1(0x7ea1d820);                 /* frsqrte s0, s1 */
    assert_int_equal(V(0)->d[0], 0x3eff8000u);   /* RecipSqrtEstimate(128) = 511 */
    setd(1, 0);
    run1(0x5ee1d820);                 /* 1/0: inf, DZC */
    assert_int_equal(V(0)->d[0], 0x7ff0000000000000ull);
    assert_int_equal(fpsr(), FPSR_DZC);
    clr_fpsr();
}

/* CPACR_EL1.FPEN: FP disabled at the current EL -> EC 0x07, IL = 1, CV = 1, COND = 0b1110, nothing changed. */
static void test_fpen_trap(void **state)
{
    (void)state;
    struct cpu *c = T_.c;
    setd(1, dbits(1.0)); setd(2, dbits(2.0)); setd(0, 77);
    c->sr[SR_CPACR_EL1] = 0;
    uint64_t pc = RAM + T_.off;
    run1(FADD_D);
    assert_int_equal(V(0)->d[0], 77);
    assert_int_equal(c->sr[SR_ESR_EL1], 0x1fe00000u);
    assert_int_equal(c->sr[SR_ELR_EL1], pc);
    assert_int_equal(cpu_get_pc(c), RAM + 0x70000 + 0x200);
    assert_int_equal(cpu_get_stats(c)->exceptions_by_ec[0x07], 1);
    /* FPEN = 01: enabled at EL1 ... */
    c->sr[SR_CPACR_EL1] = 1u << 20;
    run1(FADD_D);
    assert_int_equal(V(0)->d[0], dbits(3.0));
    /* ... but trapped at EL0 (loads/stores too) */
    cpu_set_el_sp(c, 0, 0);
    c->x[1] = DATA;
    pc = RAM + T_.off;
    run1(0x3dc00020);                 /* ldr q0, [x1] */
    assert_int_equal(c->sr[SR_ESR_EL1], 0x1fe00000u);
    assert_int_equal(c->sr[SR_ELR_EL1], pc);
    assert_int_equal(cpu_current_el(c), 1);
    assert_int_equal(cpu_get_stats(c)->exceptions_by_ec[0x07], 2);
    c->sr[SR_CPACR_EL1] = 3u << 20;
}

/* The public SIMD&FP state API (cpu/cpu.h, cpu/fp_state.c) the differential tester uses. */
static void test_public_fp_state(void **state)
{
    (void)state;
    uint8_t in[16], out[16];
    for (unsigned i = 0; i < 16; i++) in[i] = (uint8_t)(0xa0 + i);
    cpu_set_v(T_.c, 31, in);
    assert_int_equal(V(31)->d[0], 0xa7a6a5a4a3a2a1a0ull);      /* byte 0 = bits 7:0 */
    assert_int_equal(V(31)->d[1], 0xafaeadacabaaa9a8ull);
    cpu_get_v(T_.c, 31, out);
    assert_memory_equal(in, out, 16);
    cpu_set_fpcr(T_.c, 0xffffffffu);                            /* only AHP DN FZ RMode */
    assert_int_equal(cpu_get_fpcr(T_.c), 0x07c00000u);
    cpu_set_fpsr(T_.c, 0xffffffffu);                            /* NZCV QC IDC IXC..IOC */
    assert_int_equal(cpu_get_fpsr(T_.c), 0xf800009fu);
    /* The values reach the instructions: 1 + 2^-60 rounds up under RMode = +inf, IXC. */
    cpu_set_fpcr(T_.c, 1u << 22);
    cpu_set_fpsr(T_.c, 0);
    setd(1, dbits(1.0)); setd(2, dbits(0x1p-60));
    run1(FADD_D);
    assert_int_equal(V(0)->d[0], dbits(1.0) + 1);
    assert_int_equal(cpu_get_fpsr(T_.c), FPSR_IXC);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fpt_setup, fpt_teardown)
    const struct CMUnitTest tests[] = {
        T(test_fmov_forms), T(test_basic_arith), T(test_nan_propagation), T(test_flush_to_zero),
        T(test_tininess_before_rounding), T(test_rounding_modes), T(test_fused), T(test_compare),
        T(test_max_min), T(test_conversions), T(test_precision_conversions), T(test_round_int_sqrt),
        T(test_estimates), T(test_fpen_trap), T(test_public_fp_state),
    };
    return cmocka_run_group_tests_name("fp", tests, NULL, NULL);
}
