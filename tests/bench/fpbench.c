/* tests/bench/fpbench.c — FP/AdvSIMD-bound benchmark guest (built by tests/guest/Makefile as
 * tests/guest/build/fpbench.elf, -O2 with FP/SIMD allowed for this file only; MMU off, so every
 * buffer is 16-byte aligned and accessed naturally aligned). Kernels over deterministic data:
 *   dgemm   double-precision matrix multiply, scalar FMADD inner loop
 *   fir     single-precision FIR filter, FMLA v.4s (intrinsics) + FADDP reduction
 *   dot     single-precision dot product, 4 FMLA v.4s accumulators
 *   scan    NEON byte scan as glibc memchr/strlen: CMEQ + UMAXV, SHRN #4 nibble mask + RBIT/CLZ
 * Each prints its result bits; the last line is "bench: checksum 0x...", which
 * tests/bench/run.sh compares between faultline and QEMU. Sized to run ~1 s on QEMU TCG. */
#include "rt.h"
#include <arm_neon.h>

#define GRO __attribute__((target("general-regs-only")))

#define MN        64          /* dgemm: MN x MN doubles */
#define MM_REPS   80
#define FIR_N     8192
#define FIR_TAPS  32
#define FIR_REPS  96
#define DOT_N     16384
#define DOT_REPS  384
#define SCAN_N    (64 * 1024)
#define SCAN_REPS 96

static double ma[MN * MN] __attribute__((aligned(16)));
static double mb[MN * MN] __attribute__((aligned(16)));
static double mc[MN * MN] __attribute__((aligned(16)));
static float fir_in[FIR_N + FIR_TAPS] __attribute__((aligned(16)));
static float fir_out[FIR_N] __attribute__((aligned(16)));
static float fir_h[FIR_TAPS] __attribute__((aligned(16)));
static float dx[DOT_N] __attribute__((aligned(16)));
static float dy[DOT_N] __attribute__((aligned(16)));
static uint8_t scan_buf[SCAN_N + 16] __attribute__((aligned(16)));

static uint32_t rng = 0x9e3779b9u;
static uint32_t xorshift32(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }
/* value in [-1, 1) built exactly from 16 random bits */
static double rnd_unit(void) { return ((int32_t)(xorshift32() >> 16) - 32768) / 32768.0; }

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

__attribute__((noinline)) static void dgemm(void)
{
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++) {
            double s = mc[i * MN + j];
            for (int k = 0; k < MN; k++) s = __builtin_fma(ma[i * MN + k], mb[k * MN + j], s);
            mc[i * MN + j] = s * 0.5;
        }
}

__attribute__((noinline)) static void fir(void)
{
    for (int n = 0; n < FIR_N; n += 4) {
        float32x4_t acc = vdupq_n_f32(0.0f);
        for (int t = 0; t < FIR_TAPS; t++) acc = vfmaq_n_f32(acc, vld1q_f32(&fir_in[n + t]), fir_h[t]);
        vst1q_f32(&fir_out[n], acc);
    }
}

__attribute__((noinline)) static float dot(void)
{
    float32x4_t a0 = vdupq_n_f32(0), a1 = a0, a2 = a0, a3 = a0;
    for (int i = 0; i < DOT_N; i += 16) {
        a0 = vfmaq_f32(a0, vld1q_f32(dx + i), vld1q_f32(dy + i));
        a1 = vfmaq_f32(a1, vld1q_f32(dx + i + 4), vld1q_f32(dy + i + 4));
        a2 = vfmaq_f32(a2, vld1q_f32(dx + i + 8), vld1q_f32(dy + i + 8));
        a3 = vfmaq_f32(a3, vld1q_f32(dx + i + 12), vld1q_f32(dy + i + 12));
    }
    float32x4_t s = vaddq_f32(vaddq_f32(a0, a1), vaddq_f32(a2, a3));
    return vaddvq_f32(s);
}

/* glibc-style memchr over 16-byte chunks: index of the first byte == c, or n */
__attribute__((noinline)) static size_t scan(const uint8_t *p, size_t n, uint8_t c)
{
    uint8x16_t vc = vdupq_n_u8(c);
    for (size_t i = 0; i < n; i += 16) {
        uint8x16_t eq = vceqq_u8(vld1q_u8(p + i), vc);
        if (vmaxvq_u8(eq)) {
            uint64_t mask = vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(eq), 4)), 0);
            return i + (__builtin_ctzll(mask) >> 2);
        }
    }
    return n;
}

__attribute__((noinline)) static void bench(void)
{
    for (int i = 0; i < MN * MN; i++) { ma[i] = rnd_unit(); mb[i] = rnd_unit(); mc[i] = 0; }
    for (int r = 0; r < MM_REPS; r++) dgemm();
    uint64_t mh = 0;
    for (int i = 0; i < MN * MN; i++) mh = mh * 31 + dbits(mc[i]);
    printf("bench: dgemm %ux%u x %u hash=0x%016lx c[0]=0x%016lx\n", MN, MN, MM_REPS, mh, dbits(mc[0]));

    for (int i = 0; i < FIR_N + FIR_TAPS; i++) fir_in[i] = (float)rnd_unit();
    for (int t = 0; t < FIR_TAPS; t++) fir_h[t] = (float)rnd_unit() / FIR_TAPS;
    uint32_t fh = 0;
    for (int r = 0; r < FIR_REPS; r++) {
        fir();
        fir_in[r] = fir_out[FIR_N - 1 - r];        /* feed back so each round differs */
        fh = fh * 31 + fbits(fir_out[r * 7]);
    }
    for (int i = 0; i < FIR_N; i++) fh = fh * 31 + fbits(fir_out[i]);
    printf("bench: fir %u taps x %u samples x %u hash=0x%08x\n", FIR_TAPS, FIR_N, FIR_REPS, fh);

    for (int i = 0; i < DOT_N; i++) { dx[i] = (float)rnd_unit(); dy[i] = (float)rnd_unit(); }
    uint32_t dh = 0;
    for (int r = 0; r < DOT_REPS; r++) {
        float d = dot();
        dx[r] = d;
        dh = dh * 31 + fbits(d);
    }
    printf("bench: dot %u x %u hash=0x%08x\n", DOT_N, DOT_REPS, dh);

    for (int i = 0; i < SCAN_N; i++) scan_buf[i] = (uint8_t)(1 + xorshift32() % 255);
    scan_buf[SCAN_N] = 0;
    uint32_t sh = 0;
    for (int r = 0; r < SCAN_REPS; r++) {
        size_t len = scan(scan_buf, SCAN_N + 16, 0);           /* strlen: the whole buffer */
        size_t pos = scan(scan_buf, SCAN_N, (uint8_t)(r * 37 + 1));  /* memchr: an early hit */
        sh = sh * 31 + (uint32_t)len * 7 + (uint32_t)pos;
        scan_buf[(r * 4099) % SCAN_N] = 0;             /* shorten the string for the next round */
        scan_buf[(r * 4099) % SCAN_N] = (uint8_t)(r + 1);
    }
    printf("bench: scan %u bytes x %u hash=0x%08x\n", SCAN_N, SCAN_REPS, sh);
    printf("bench: checksum 0x%08x\n", (uint32_t)(mh ^ (mh >> 32)) ^ fh ^ dh ^ sh);
}

GRO int main(void)
{
    SYSREG_WRITE(cpacr_el1, 3ull << 20);      /* FPEN = 0b11: no FP/SIMD traps at EL0/EL1 */
    ISB();
    bench();
    return 0;
}
