/* tests/unit/test_simd.c — SIMD&FP loads/stores (all addressing modes, LD1-LD4/ST1-ST4, single
 * structure, replicate) and the AdvSIMD idioms Debian's glibc string routines execute (cmeq,
 * shrn #4 nibble mask, fmov x,d, umaxp, cmhs/bit/dup, movi/mvni, sxtl, ext, mov).
 * Breadth against Unicorn: tests/unit/test_fp_unicorn.c. */
#include "tests/unit/test_fp_harness.h"

static uint8_t *mem(uint64_t va) { return T_.ram + (va - RAM); }

static void fill(uint64_t va, unsigned n)
{
    for (unsigned i = 0; i < n; i++) mem(va)[i] = (uint8_t)i;
}

static void test_ldr_str_modes(void **state)
{
    (void)state;
    struct cpu *c = T_.c;
    setq(0, 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull);
    c->x[1] = DATA;
    run1(0x3d800420);                 /* str q0, [x1, #16] */
    assert_int_equal(mem(DATA + 16)[0], 0x00);
    assert_int_equal(mem(DATA + 16)[15], 0x0f);
    run1(0x3dc00422);                 /* ldr q2, [x1, #16] */
    assert_int_equal(V(2)->d[0], 0x0706050403020100ull);
    assert_int_equal(V(2)->d[1], 0x0f0e0d0c0b0a0908ull);
    /* pre-index pair, then post-index pair back */
    setq(1, 0x1111111111111111ull, 0x2222222222222222ull);
    c->x[1] = DATA + 0x100;
    run1(0xadbf0420);                 /* stp q0, q1, [x1, #-32]! */
    assert_int_equal(c->x[1], DATA + 0x100 - 32);
    run1(0xacc11023);                 /* ldp q3, q4, [x1], #32 */
    assert_int_equal(c->x[1], DATA + 0x100);
    assert_int_equal(V(3)->d[1], 0x0f0e0d0c0b0a0908ull);
    assert_int_equal(V(4)->d[0], 0x1111111111111111ull);
    assert_int_equal(V(4)->d[1], 0x2222222222222222ull);
    /* register offsets */
    fill(DATA + 0x200, 64);
    c->x[1] = DATA + 0x200; c->x[2] = 2; c->x[3] = 0xffffffffu;   /* w3 = -1 */
    V(5)->d[1] = 5;
    run1(0xfc627825);                 /* ldr d5, [x1, x2, lsl #3] */
    assert_int_equal(V(5)->d[0], 0x1716151413121110ull);
    assert_int_equal(V(5)->d[1], 0);
    c->x[1] = DATA + 0x208;
    run1(0xbc63d826);                 /* ldr s6, [x1, w3, sxtw #2] */
    assert_int_equal(V(6)->d[0], 0x07060504u);
    run1(0x7c5fe027);                 /* ldur h7, [x1, #-2] (MMU off: Device, so aligned) */
    assert_int_equal(V(7)->d[0], 0x0706u);
    setd(0, 0xaabbccddeeff0011ull);
    run1(0x3d000c20);                 /* str b0, [x1, #3] */
    assert_int_equal(mem(DATA + 0x20b)[0], 0x11);
    run1(0x3d400c28);                 /* ldr b8, [x1, #3] */
    assert_int_equal(V(8)->d[0], 0x11);
    run1(0xfc1f8020);                 /* stur d0, [x1, #-8] */
    assert_int_equal(mem(DATA + 0x200)[7], 0xaa);
    /* literal */
    /* literal: ldr q9, <16-byte aligned literal> (MMU off: Device memory, so keep it aligned) */
    T_.off = (T_.off + 15) & ~15ull;
    uint64_t lit[2] = { 0x1122334455667788ull, 0x99aabbccddeeff00ull };
    memcpy(T_.ram + T_.off + 16, lit, 16);
    uint32_t ldr_lit = 0x9c000009u | (16u / 4) << 5;        /* ldr q9, .+16 */
    memcpy(T_.ram + T_.off, &ldr_lit, 4);
    cpu_set_pc(c, RAM + T_.off);
    cpu_run(c, 1);
    T_.off += 32;
    assert_int_equal(V(9)->d[0], 0x1122334455667788ull);
    assert_int_equal(V(9)->d[1], 0x99aabbccddeeff00ull);
}

static void test_ld1_st1_structures(void **state)
{
    (void)state;
    struct cpu *c = T_.c;
    fill(DATA, 128);
    c->x[1] = DATA;
    run1(0x4c407020);                 /* ld1 {v0.16b}, [x1] */
    assert_int_equal(V(0)->d[0], 0x0706050403020100ull);
    run1(0x4cdf2020);                 /* ld1 {v0.16b-v3.16b}, [x1], #64 */
    assert_int_equal(c->x[1], DATA + 64);
    assert_int_equal(V(3)->b[15], 63);
    assert_int_equal(V(1)->b[0], 16);
    c->x[1] = DATA + 0x400; c->x[2] = 100;
    run1(0x4c82ac20);                 /* st1 {v0.2d, v1.2d}, [x1], x2 */
    assert_int_equal(c->x[1], DATA + 0x400 + 100);
    assert_int_equal(mem(DATA + 0x400)[31], 31);
    /* LD2 de-interleaves halfwords */
    c->x[1] = DATA;
    run1(0x4c408424);                 /* ld2 {v4.8h, v5.8h}, [x1] */
    assert_int_equal(V(4)->h[0], 0x0100);
    assert_int_equal(V(5)->h[0], 0x0302);
    assert_int_equal(V(4)->h[1], 0x0504);
    c->x[1] = DATA + 0x500;
    run1(0x4c008424);                 /* st2 {v4.8h, v5.8h}, [x1]: interleaves back */
    assert_memory_equal(mem(DATA + 0x500), mem(DATA), 32);
    c->x[1] = DATA;
    run1(0x4c404824);                 /* ld3 {v4.4s-v6.4s}, [x1] */
    assert_int_equal(V(4)->s[1], 0x0f0e0d0c);
    assert_int_equal(V(6)->s[0], 0x0b0a0908);
    run1(0x4d40c827);                 /* ld1r {v7.4s}, [x1] */
    assert_int_equal(V(7)->s[3], 0x03020100);
    setq(8, 1, 2);
    run1(0x4d409028);                 /* ld1 {v8.s}[3], [x1]: other lanes kept */
    assert_int_equal(V(8)->s[3], 0x03020100);
    assert_int_equal(V(8)->d[0], 1);
    c->x[1] = DATA + 0x600;
    run1(0x4d008428);                 /* st1 {v8.d}[1], [x1] */
    assert_int_equal(mem(DATA + 0x600)[7], 0x03);
    c->x[1] = DATA;
    V(2)->d[1] = 9;
    run1(0x0dffe020);                 /* ld4r {v0.8b-v3.8b}, [x1], #4 */
    assert_int_equal(c->x[1], DATA + 4);
    assert_int_equal(V(2)->d[0], 0x0202020202020202ull);
    assert_int_equal(V(2)->d[1], 0);
}

/* The shape of glibc's AArch64 strlen/memchr inner step: find the first zero byte of a 16-byte
 * chunk with cmeq, squeeze the mask to 4 bits per byte with shrn #4, move it to a GPR. */
static void test_string_idiom(void **state)
{
    (void)state;
    struct cpu *c = T_.c;
    const char s[16] = "hello, world";    /* zeros from index 12 */
    memcpy(mem(DATA), s, 16);
    c->x[1] = DATA;
    const uint32_t prog[] = {
        0x3dc00020,                   /* ldr q0, [x1] */
        0x4e209800,                   /* cmeq v0.16b, v0.16b, #0 */
        0x0f0c8400,                   /* shrn v0.8b, v0.8h, #4 */
        0x9e660002,                   /* fmov x2, d0 */
    };
    run_seq(prog, 4);
    uint64_t m = cpu_get_x(c, 2);
    assert_int_equal(__builtin_ctzll(m) >> 2, 12);
    assert_int_equal(m, 0xffff000000000000ull);
    assert_int_equal(V(0)->d[1], 0);
    /* umaxp to test "any byte set" */
    setq(0, 0, 0x0000ff0000000000ull);
    run1(0x6e20a400);                 /* umaxp v0.16b, v0.16b, v0.16b */
    assert_true(V(0)->d[0] != 0);
    assert_int_equal(V(0)->b[6], 0xff);     /* pair (12,13) of n */
    assert_int_equal(V(0)->b[14], 0xff);    /* same pair of m */
}

static void test_linux_vector_ops(void **state)
{
    (void)state;
    struct cpu *c = T_.c;
    run1(0x4f03e421);                 /* movi v1.16b, #0x61 */
    assert_int_equal(V(1)->d[0], 0x6161616161616161ull);
    assert_int_equal(V(1)->d[1], 0x6161616161616161ull);
    setq(0, 0x0061626360000000ull, 0xff00000000000000ull);
    run1(0x6e213c02);                 /* cmhs v2.16b, v0.16b, v1.16b */
    assert_int_equal(V(2)->d[0], 0x00ffffff00000000ull);
    assert_int_equal(V(2)->d[1], 0xff00000000000000ull);
    c->x[4] = 0x2e;
    run1(0x4e010c83);                 /* dup v3.16b, w4 */
    assert_int_equal(V(3)->d[1], 0x2e2e2e2e2e2e2e2eull);
    run1(0x6ea21c23);                 /* bit v3.16b, v1.16b, v2.16b */
    assert_int_equal(V(3)->d[0], 0x2e6161612e2e2e2eull);
    setd(1, 0x80ff7f0102030405ull);
    run1(0x0f08a424);                 /* sxtl v4.8h, v1.8b */
    assert_int_equal(V(4)->h[7], 0xff80);
    assert_int_equal(V(4)->h[5], 0x007f);
    assert_int_equal(V(4)->h[0], 0x0005);
    setq(0, 0x1111111111111111ull, 0x2222222222222222ull);
    setq(1, 0x3333333333333333ull, 0x4444444444444444ull);
    run1(0x6e014005);                 /* ext v5.16b, v0.16b, v1.16b, #8 */
    assert_int_equal(V(5)->d[0], 0x2222222222222222ull);
    assert_int_equal(V(5)->d[1], 0x3333333333333333ull);
    run1(0x4ea11c26);                 /* mov v6.16b, v1.16b */
    assert_int_equal(V(6)->d[1], 0x4444444444444444ull);
    setq(0, 0x0102030405060708ull, 0);
    run1(0x4e20bc07);                 /* addp v7.16b, v0.16b, v0.16b */
    assert_int_equal(V(7)->b[0], 0x08 + 0x07);
    assert_int_equal(V(7)->b[8], 0x08 + 0x07);
    run1(0x6e21ac08);                 /* uminp v8.16b, v0.16b, v1.16b */
    assert_int_equal(V(8)->b[0], 0x07);
    assert_int_equal(V(8)->b[8], 0x33);
    run1(0x6f000409);                 /* mvni v9.4s, #0 */
    assert_int_equal(V(9)->d[0], ~0ull);
    assert_int_equal(V(9)->d[1], ~0ull);
}

/* Saturating arithmetic sets the cumulative FPSR.QC; lanes above a 64-bit vector do not. */
static void test_saturation_qc(void **state)
{
    (void)state;
    uint32_t sqadd_8b = 0x0e220c20;   /* sqadd v0.8b, v1.8b, v2.8b */
    setq(1, 0x0000000000000001ull, 0x7f7f7f7f7f7f7f7full);
    setq(2, 0x0000000000000001ull, 0x0101010101010101ull);
    run1(sqadd_8b);
    assert_int_equal(V(0)->d[0], 2);
    assert_int_equal(V(0)->d[1], 0);
    assert_int_equal(fpsr() & FPSR_QC, 0);
    setd(1, 0x7f); setd(2, 0x01);
    run1(sqadd_8b);
    assert_int_equal(V(0)->d[0], 0x7f);
    assert_int_equal(fpsr() & FPSR_QC, FPSR_QC);
}

/* Crypto instructions are not advertised on this cortex-a57: UNDEFINED. */
static void test_crypto_undefined(void **state)
{
    (void)state;
    struct cpu *c = T_.c;
    run1(0x4e284800);                 /* aese v0.16b, v0.16b */
    assert_int_equal(c->sr[SR_ESR_EL1] >> 26, 0);
    assert_int_equal(cpu_get_stats(c)->exceptions_by_ec[0], 1);
    run1(0x5e000000);                 /* sha1c q0, s0, v0.4s */
    assert_int_equal(cpu_get_stats(c)->exceptions_by_ec[0], 2);
    run1(0x0ee0e000);                 /* pmull v0.1q, v0.1d, v0.1d (FEAT_PMULL) */
    assert_int_equal(cpu_get_stats(c)->exceptions_by_ec[0], 3);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fpt_setup, fpt_teardown)
    const struct CMUnitTest tests[] = {
        T(test_ldr_str_modes), T(test_ld1_st1_structures), T(test_string_idiom),
        T(test_linux_vector_ops), T(test_saturation_qc), T(test_crypto_undefined),
    };
    return cmocka_run_group_tests_name("simd", tests, NULL, NULL);
}
