/* tests/diff/difftest.h — shared between the differential tester's driver (difftest.c) and its
 * knowledge of A64 encodings (difftest_enc.c): which encodings are excluded and why, and how to
 * point a load/store's base register into the test RAM. */
#ifndef FAULTLINE_DIFFTEST_H
#define FAULTLINE_DIFFTEST_H
#include <stdbool.h>
#include <stdint.h>

#define DT_RAM_BASE 0x40000000ull
#define DT_RAM_SIZE 0x10000ull          /* 64 KiB, the same bytes mapped in both emulators */
#define DT_CODE_LO  0x6000ull           /* the instruction under test sits in [LO, HI) */
#define DT_CODE_HI  0xa000ull

/* Architectural state the tester sets and compares. */
struct dt_state {
    uint64_t x[31];
    uint64_t sp, pc;
    uint32_t nzcv;                      /* bits 31:28 */
    uint32_t fpcr, fpsr;
    uint8_t v[32][16];                  /* V0-V31, little-endian (lane 0 first) */
};

/* Small, fast PRNG (xoshiro256**). */
struct dt_rng { uint64_t s[4]; };
void dt_rng_seed(struct dt_rng *r, uint64_t seed);
uint64_t dt_rand(struct dt_rng *r);
static inline uint64_t dt_below(struct dt_rng *r, uint64_t n) { return n ? dt_rand(r) % n : 0; }

/* Why an encoding is not executed by the tester (0 = it is). Static strings. */
const char *dt_excluded(uint32_t insn, bool max_profile);

/* Encodings that make Unicorn (QEMU 5) abort the process while translating them
 * (g_assert_not_reached in the decoder): never handed to it. docs/difftest.md. */
bool dt_unicorn_aborts(uint32_t insn, bool max_profile);

/* Rewrite PC-relative immediates (branches, literal loads) so that most targets stay inside the
 * test RAM; the rest keep their random value and test the "target not in RAM" path. */
uint32_t dt_fixup_encoding(uint32_t insn, struct dt_rng *r);

/* What the tester knows about an instruction's memory behaviour. */
enum dt_mem_kind { DT_MEM_NONE = 0, DT_MEM_GPR, DT_MEM_FP };
struct dt_mem_info {
    enum dt_mem_kind kind;
    bool store_fp;                      /* stores SIMD&FP registers */
};
/* Set the base (and index) registers of a load/store in s so that its effective address lands
 * inside the test RAM. Returns false when the encoding is CONSTRAINED UNPREDICTABLE for the
 * register choice (write-back onto a transfer register, ...) and must be redrawn. */
bool dt_setup_memory_operands(uint32_t insn, struct dt_state *s, struct dt_rng *r, struct dt_mem_info *mi);

/* Change the input state so that it does not hit a documented Unicorn bug (docs/difftest.md):
 * the encoding stays tested, only the input values (registers, the two RAM images) that trigger
 * the bug are avoided. */
void dt_avoid_unicorn_bugs(uint32_t insn, struct dt_state *s, uint8_t *const mem[2]);

/* A random register value biased toward the boundary values that break arithmetic. */
uint64_t dt_rand_reg(struct dt_rng *r);

/* Random SIMD&FP state: V0-V31 biased per lane width to special operands (docs/difftest.md,
 * "Operand biasing"), a random FPCR (RMode, FZ, DN, AHP) and FPSR (cumulative bits, QC). */
void dt_rand_fp_state(struct dt_rng *r, struct dt_state *s);

#endif
