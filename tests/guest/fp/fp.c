/* tests/guest/fp/fp.c — FP/AdvSIMD on the bare-metal virt board.
 *  1. Lazy FP trap: CPACR_EL1.FPEN = 0b00 (and 0b10) traps the first SIMD&FP instruction at
 *     EL1, FPEN = 0b01 traps it at EL0 only: EC 0x07, IL = 1, ELR = the instruction; the handler
 *     sets FPEN = 0b11 and returns, the instruction re-executes and the result is right.
 *  2. Context switch: V0-V31 + FPCR/FPSR saved with stp q / str w (as Linux's
 *     fpsimd_save_state), clobbered, restored with ldp q, every bit checked (fpasm.S).
 *  3. Known-answer vectors (kat_* below): estimates, step functions, ties-to-away vs
 *     ties-to-even, fused vs unfused, default NaN, flush-to-zero, cumulative FPSR flags and a
 *     few AdvSIMD integer ops. Expected values: see the comment above each table.
 * This directory is compiled with FP/SIMD allowed (tests/guest/Makefile: FP_DIRS); the runtime
 * stays general-regs-only. main() and the exception handler are general-regs-only too, so that
 * nothing executes an FP instruction before the trap tests have set CPACR_EL1 on purpose. */
#include "rt.h"

#define GRO __attribute__((target("general-regs-only")))

extern char fp_trap_el1_insn[], fp_trap_simd_el1_insn[], fp_el0_insn[];
uint64_t fp_trap_el1(uint64_t a, uint64_t b);
uint64_t fp_trap_simd_el1(const void *p16);
void fp_el0_prog(void);
void fp_ctx_roundtrip(const void *pat, void *save, void *dump, uint64_t fpcr, uint64_t fpsr);

static volatile unsigned traps;
static volatile uint64_t trap_esr, trap_elr, trap_kind, trap_cpacr;

GRO static int handler(struct rt_frame *f, unsigned kind)
{
    unsigned ec = ESR_EC(f->esr);
    if (RT_KIND_TYPE(kind) != RT_SYNC) return 0;
    if (ec == 0x07) {
        traps++;
        trap_esr = f->esr; trap_elr = f->elr; trap_kind = kind;
        trap_cpacr = SYSREG_READ(cpacr_el1);
        SYSREG_WRITE(cpacr_el1, 3ull << 20);        /* FPEN = 0b11, return to re-execute */
        ISB();
        return 1;
    }
    if (ec == 0x15 && RT_KIND_GROUP(kind) == 2) {   /* SVC from EL0: end of the excursion */
        rt_el0_return(f, f->x[0]);
        return 1;
    }
    return 0;
}

GRO static void set_fpen(unsigned fpen)
{
    SYSREG_WRITE(cpacr_el1, (uint64_t)fpen << 20);
    ISB();
}

/* ESR_EL1 for a trapped A64 SIMD&FP instruction: EC 0x07, IL = 1 and ISS = CV 1, COND 0b1110
 * (Arm ARM D17.2.37 "ISS encoding for an exception from an access to SIMD or floating-point
 * functionality": for traps from AArch64 state CV is 1 and COND is 0xE; it is what QEMU reports). */
#define ESR_FP_TRAP ((0x07ull << 26) | (1ull << 25) | (1ull << 24) | (0xeull << 20))

static uint64_t simd_buf[2] __attribute__((aligned(16))) = { 0x1111111122222222ull, 0x0101010102020202ull };

GRO static void test_lazy_trap(void)
{
    /* EL1, FPEN = 0b00 */
    set_fpen(0);
    traps = 0;
    uint64_t r = fp_trap_el1(0x3ff8000000000000ull, 0x4002000000000000ull);   /* 1.5 + 2.25 */
    CHECK_EQ("trap-el1-count", traps, 1);
    CHECK_EQ("trap-el1-esr", trap_esr, ESR_FP_TRAP);
    CHECK_EQ("trap-el1-elr", trap_elr, (uint64_t)fp_trap_el1_insn);
    CHECK_EQ("trap-el1-vector-cur-spx", trap_kind, 1 * 4 + RT_SYNC);
    CHECK_EQ("trap-el1-cpacr-seen", (trap_cpacr >> 20) & 3, 0);
    CHECK_EQ("trap-el1-result", r, 0x400e000000000000ull);                     /* 3.75 */
    CHECK_EQ("trap-el1-fpen-now", (SYSREG_READ(cpacr_el1) >> 20) & 3, 3);
    /* no further trap once enabled */
    r = fp_trap_el1(0x3ff0000000000000ull, 0x3ff0000000000000ull);
    CHECK_EQ("trap-el1-enabled-no-trap", traps, 1);
    CHECK_EQ("trap-el1-enabled-result", r, 0x4000000000000000ull);

    /* EL1, FPEN = 0b10 (also "trap EL0 and EL1"), a SIMD&FP load as the first instruction */
    set_fpen(2);
    traps = 0;
    r = fp_trap_simd_el1(simd_buf);
    CHECK_EQ("trap-el1-fpen10-count", traps, 1);
    CHECK_EQ("trap-el1-fpen10-esr", trap_esr, ESR_FP_TRAP);
    CHECK_EQ("trap-el1-ldr-q-elr", trap_elr, (uint64_t)fp_trap_simd_el1_insn);
    CHECK_EQ("trap-el1-ldr-q-result", r, 0x1212121224242424ull);

    /* FPEN = 0b01: EL1 runs FP untrapped, EL0 traps */
    set_fpen(1);
    traps = 0;
    r = fp_trap_el1(0x3ff8000000000000ull, 0x3ff8000000000000ull);
    CHECK_EQ("fpen01-el1-no-trap", traps, 0);
    CHECK_EQ("fpen01-el1-result", r, 0x4008000000000000ull);
    r = rt_enter_el0(fp_el0_prog);
    CHECK_EQ("trap-el0-count", traps, 1);
    CHECK_EQ("trap-el0-esr", trap_esr, ESR_FP_TRAP);
    CHECK_EQ("trap-el0-elr", trap_elr, (uint64_t)fp_el0_insn);
    CHECK_EQ("trap-el0-vector-lower-a64", trap_kind, 2 * 4 + RT_SYNC);
    CHECK_EQ("trap-el0-cpacr-seen", (trap_cpacr >> 20) & 3, 1);
    CHECK_EQ("trap-el0-result", r, 0x4024000000000000ull);                   /* 10.0 */
    set_fpen(3);
}

/* ---- context switch ---------------------------------------------------------------------- */
static uint8_t ctx_pat[512] __attribute__((aligned(16)));
static uint8_t ctx_save[528] __attribute__((aligned(16)));
static uint8_t ctx_dump[528] __attribute__((aligned(16)));

GRO static void test_ctx(void)
{
    /* distinct patterns: byte j of V[i] = i * 16 + j mixed so that every register and byte
     * differs and no byte is 0xa5 (the clobber value) */
    for (int i = 0; i < 512; i++) {
        uint8_t b = (uint8_t)(i * 7 + (i >> 4) * 13 + 1);
        if (b == 0xa5) b = 0x5a;
        ctx_pat[i] = b;
    }
    const uint64_t fpcr = 0x07c00000ull;    /* AHP, DN, FZ, RMode = RZ */
    const uint64_t fpsr = 0x0800009full;    /* QC, IDC, IXC, UFC, OFC, DZC, IOC */
    fp_ctx_roundtrip(ctx_pat, ctx_save, ctx_dump, fpcr, fpsr);
    unsigned bad_save = 0, bad_dump = 0, first = 512;
    for (int i = 0; i < 512; i++) {
        if (ctx_save[i] != ctx_pat[i]) bad_save++;
        if (ctx_dump[i] != ctx_pat[i]) { bad_dump++; if (first == 512) first = i; }
    }
    CHECK_EQ("ctx-save-area-stp-q", bad_save, 0);
    CHECK_EQ("ctx-v0-v31-restored", bad_dump, 0);
    if (bad_dump) printf("INFO first differing byte %u (V%u)\n", first, first / 16);
    uint32_t s_fpsr, s_fpcr, d_fpsr, d_fpcr;
    memcpy(&s_fpsr, ctx_save + 512, 4); memcpy(&s_fpcr, ctx_save + 516, 4);
    memcpy(&d_fpsr, ctx_dump + 512, 4); memcpy(&d_fpcr, ctx_dump + 516, 4);
    CHECK_EQ("ctx-fpsr-saved", s_fpsr, fpsr);
    CHECK_EQ("ctx-fpcr-saved", s_fpcr, fpcr);
    CHECK_EQ("ctx-fpsr-restored", d_fpsr, fpsr);
    CHECK_EQ("ctx-fpcr-restored", d_fpcr, fpcr);
}

void fp_kat(void);

GRO int main(void)
{
    rt_set_handler(handler);
    test_lazy_trap();
    test_ctx();
    fp_kat();
    rt_result();
    return 0;
}
