/* tests/unit/test_sysreg.c — system registers through MRS/MSR: A57 ID values, the max profile, EL0
 * access rules (UNDEFINED vs EC 0x18 traps), SP_EL0/SPSel, SCTLR RES1, the generic-timer
 * counter derived from cycles, FP access traps, debug access and names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cpu/cpu.h"
#include "machine/machine.h"
#define RAM   0x40000000ull
#define VBAR  (RAM + 0x80000)
#define N_ 0x80000000u
#define Z_ 0x40000000u
#define C_ 0x20000000u
#define V_ 0x10000000u

struct fx {
    struct bus *b;
    uint8_t *ram;
    struct cpu_shared *sh;
    struct cpu *c;
    uint64_t slot;          /* next free code slot (fresh addresses: no stale decoded code) */
    int hvc_imm;
    int smc_imm;            /* last SMC immediate seen by the hook */
};

static bool hvc_stop(void *opaque, struct cpu *c, bool is_hvc, uint16_t imm)
{
    struct fx *f = opaque;
    if (!is_hvc) { f->smc_imm = imm; return true; }    /* SMC: handled, continue */
    if (imm == 99) return false;                        /* HVC #99: not handled → UNDEFINED */
    f->hvc_imm = imm;
    cpu_set_halted(c, true);
    return true;
}
static void put(struct fx *f, uint64_t pa, uint32_t insn) { memcpy(f->ram + (pa - RAM), &insn, 4); }

static int setup_profile(void **state, enum cpu_profile prof)
{
    struct fx *f = calloc(1, sizeof *f);
    f->b = bus_new();
    f->ram = bus_map_ram(f->b, "ram", mk_pa(RAM), 1 << 20, NULL);
    f->sh = cpu_shared_new(f->b);
    struct cpu_hooks h = { .opaque = f, .smccc = hvc_stop };
    struct cpu_config cfg = { .profile = prof, .mpidr = 0x80000102 & 0xffffff };
    f->c = cpu_new(f->sh, &cfg, &h);
    cpu_reset(f->c, RAM);
    assert_true(cpu_write_sysreg(f->c, SYSREG_ENC(3, 0, 12, 0, 0), VBAR));   /* VBAR_EL1 */
    put(f, VBAR + 0x000, 0xd4000102);          /* hvc #8: synchronous, current EL with SP0 */
    put(f, VBAR + 0x200, 0xd4000022);          /* hvc #1: synchronous, current EL with SPx */
    put(f, VBAR + 0x280, 0xd40000c2);          /* hvc #6: IRQ, current EL with SPx */
    put(f, VBAR + 0x400, 0xd4000082);          /* hvc #4: synchronous, lower EL (AArch64) */
    f->slot = RAM + 0x1000;
    *state = f;
    return 0;
}
static int setup(void **state) { return setup_profile(state, CPU_PROFILE_CORTEX_A57); }
static int setup_max(void **state) { return setup_profile(state, CPU_PROFILE_MAX); }
static int teardown(void **state)
{
    struct fx *f = *state;
    cpu_free(f->c);
    cpu_shared_free(f->sh);
    bus_free(f->b);
    free(f);
    return 0;
}

static uint64_t sr(struct fx *f, uint32_t enc);
/* Execute one instruction at a fresh address, followed by hvc #0 (fall through) and hvc #3
 * (a branch to .+8). Returns its address; f->hvc_imm says where execution ended. */
static uint64_t exec1(struct fx *f, uint32_t insn)
{
    uint64_t pc = f->slot;
    f->slot += 16;
    put(f, pc, insn);
    put(f, pc + 4, 0xd4000002);                /* hvc #0 */
    put(f, pc + 8, 0xd4000062);                /* hvc #3 */
    f->hvc_imm = -1;
    cpu_set_halted(f->c, false);
    cpu_set_pc(f->c, pc);
    assert_int_equal(cpu_run(f->c, 10), CPU_EXIT_HALTED);
    return pc;
}
#define X(n) cpu_get_x(f->c, n)
#define SETX(n, v) cpu_set_x(f->c, n, v)
#define NZCV() cpu_get_nzcv(f->c)

static uint64_t sr(struct fx *f, uint32_t enc)
{
    uint64_t v = 0xdeadbeef;
    assert_true(cpu_read_sysreg(f->c, enc, &v));
    return v;
}
#define ESR_EL1  SYSREG_ENC(3, 0, 5, 2, 0)
#define ELR_EL1  SYSREG_ENC(3, 0, 4, 0, 1)
#define SPSR_EL1 SYSREG_ENC(3, 0, 4, 0, 0)
#define FAR_EL1  SYSREG_ENC(3, 0, 6, 0, 0)
#define SCTLR_EL1 SYSREG_ENC(3, 0, 1, 0, 0)

/* Drop to EL0t (as after an ERET) — the EL1 stack and vectors stay as set up. */
static void to_el0(struct fx *f) { cpu_set_pstate(f->c, 0); }

/* insn must be UNDEFINED at the current EL: the exception lands at the current-EL or the
 * lower-EL synchronous vector with ESR_EL1 = EC 0, IL 1, ELR_EL1 = insn. */
static void expect_undef(struct fx *f, uint32_t insn)
{
    bool from_el0 = cpu_current_el(f->c) == 0;
    uint64_t pc = exec1(f, insn);
    assert_int_equal(f->hvc_imm, from_el0 ? 4 : 1);
    uint64_t esr = 0, elr = 0;
    esr = sr(f, ESR_EL1);
    elr = sr(f, ELR_EL1);
    assert_int_equal(esr >> 26, 0);            /* EC = Unknown reason */
    assert_int_equal(esr, 1u << 25);           /* IL = 1, ISS = 0 */
    assert_int_equal(elr, pc);
}

/* MRS Xt, <enc> as an instruction word. */
static uint32_t mrs(uint32_t enc, unsigned rt) { return 0xd5300000u | enc << 5 | rt; }
static uint32_t msr(uint32_t enc, unsigned rt) { return 0xd5100000u | enc << 5 | rt; }
/* Run MRS X5 and return X5. At EL0 the terminating HVC is itself UNDEFINED: the run then
 * ends at the lower-EL vector with ELR_EL1 = the HVC, which proves the MRS completed. */
static uint64_t mrs_run(struct fx *f, uint32_t enc)
{
    bool el0 = cpu_current_el(f->c) == 0;
    SETX(5, 0xdeadbeef);
    uint64_t pc = exec1(f, mrs(enc, 5));
    if (el0) {
        assert_int_equal(f->hvc_imm, 4);
        assert_int_equal(sr(f, ELR_EL1), pc + 4);
    } else {
        assert_int_equal(f->hvc_imm, 0);
    }
    return X(5);
}
#define MIDR      SYSREG_ENC(3, 0, 0, 0, 0)
#define MPIDR     SYSREG_ENC(3, 0, 0, 0, 5)
#define PFR0      SYSREG_ENC(3, 0, 0, 4, 0)
#define ZFR0      SYSREG_ENC(3, 0, 0, 4, 4)
#define DFR0      SYSREG_ENC(3, 0, 0, 5, 0)
#define ISAR0     SYSREG_ENC(3, 0, 0, 6, 0)
#define ISAR1     SYSREG_ENC(3, 0, 0, 6, 1)
#define MMFR0     SYSREG_ENC(3, 0, 0, 7, 0)
#define MMFR1     SYSREG_ENC(3, 0, 0, 7, 1)
#define MMFR2     SYSREG_ENC(3, 0, 0, 7, 2)
#define CTR       SYSREG_ENC(3, 3, 0, 0, 1)
#define DCZID     SYSREG_ENC(3, 3, 0, 0, 7)
#define CURRENTEL SYSREG_ENC(3, 0, 4, 2, 2)
#define CNTFRQ    SYSREG_ENC(3, 3, 14, 0, 0)
#define CNTVCT    SYSREG_ENC(3, 3, 14, 0, 2)
#define CNTKCTL   SYSREG_ENC(3, 0, 14, 1, 0)
#define CNTV_TVAL SYSREG_ENC(3, 3, 14, 3, 0)
#define CNTV_CTL  SYSREG_ENC(3, 3, 14, 3, 1)
#define CNTV_CVAL SYSREG_ENC(3, 3, 14, 3, 2)
#define TPIDR_EL0 SYSREG_ENC(3, 3, 13, 0, 2)
#define TPIDRRO   SYSREG_ENC(3, 3, 13, 0, 3)
#define SP_EL0    SYSREG_ENC(3, 0, 4, 1, 0)
#define NZCV_R    SYSREG_ENC(3, 3, 4, 2, 0)
#define FPCR      SYSREG_ENC(3, 3, 4, 4, 0)
#define CPACR     SYSREG_ENC(3, 0, 1, 0, 2)
#define OSLAR     SYSREG_ENC(2, 0, 1, 0, 4)
#define OSLSR     SYSREG_ENC(2, 0, 1, 1, 4)
#define CSSELR    SYSREG_ENC(3, 2, 0, 0, 0)
#define CCSIDR    SYSREG_ENC(3, 1, 0, 0, 0)
#define SCTLR_EL2 SYSREG_ENC(3, 4, 1, 0, 0)

static void test_id_registers_a57(void **state)
{
    struct fx *f = *state;
    assert_int_equal(mrs_run(f, MIDR), 0x411fd073);
    assert_int_equal(mrs_run(f, MPIDR), 0x80000102);                          /* aff 0x000102, bit 31 RES1 */
    assert_int_equal(mrs_run(f, PFR0), 0x2222);
    assert_int_equal(mrs_run(f, DFR0), 0x10305106);
    assert_int_equal(mrs_run(f, ISAR0), 0x10000);                             /* CRC32 only */
    assert_int_equal(mrs_run(f, ISAR1), 0);
    assert_int_equal(mrs_run(f, MMFR0), 0x1124);
    assert_int_equal(mrs_run(f, MMFR1), 0);
    assert_int_equal(mrs_run(f, ZFR0), 0);                                    /* RAZ, not UNDEF */
    assert_int_equal(mrs_run(f, SYSREG_ENC(3, 0, 0, 6, 2)), 0);               /* ISAR2 */
    assert_int_equal(mrs_run(f, SYSREG_ENC(3, 0, 0, 7, 3)), 0);               /* reserved ID space */
    assert_int_equal(mrs_run(f, CTR), 0x8444c004);
    assert_int_equal(mrs_run(f, DCZID), 4);
    assert_int_equal(mrs_run(f, CURRENTEL), 4);
    assert_int_equal(mrs_run(f, CNTFRQ), 62500000);
    assert_int_equal(mrs_run(f, SYSREG_ENC(3, 1, 0, 0, 1)), 0x0a200023);      /* CLIDR_EL1 */
    exec1(f, msr(CSSELR, 31));                                                /* csselr = xzr: L1D */
    assert_int_equal(mrs_run(f, CCSIDR), 0x701fe00a);
    SETX(1, 2); exec1(f, msr(CSSELR, 1));                                     /* L2 */
    assert_int_equal(mrs_run(f, CCSIDR), 0x70ffe07a);
    /* read-only: MSR to an ID register is UNDEFINED */
    expect_undef(f, msr(MIDR, 0));
    assert_null(cpu_decode_name(f->c, msr(MIDR, 0)));
}

static void test_id_registers_max(void **state)
{
    struct fx *f = *state;
    assert_int_equal(mrs_run(f, ISAR0), 0x210000);                            /* CRC32 + Atomic = 2 */
    assert_int_equal(mrs_run(f, ISAR1), 0x100001);                            /* LRCPC, DPB */
    assert_int_equal(mrs_run(f, MMFR1), 0x100000);                            /* PAN */
    assert_int_equal(mrs_run(f, MMFR2), 0x10);                                /* UAO */
    assert_int_equal(mrs_run(f, SYSREG_ENC(3, 0, 4, 2, 3)), 0);               /* PAN register exists */
}

static void test_undefined_encodings(void **state)
{
    struct fx *f = *state;
    expect_undef(f, mrs(SCTLR_EL2, 0));                                       /* EL2 register from EL1 */
    expect_undef(f, mrs(SYSREG_ENC(3, 0, 15, 15, 7), 0));                     /* unknown encoding */
    expect_undef(f, mrs(SYSREG_ENC(3, 0, 4, 2, 3), 0));                       /* PAN: no FEAT_PAN on A57 */
    expect_undef(f, mrs(OSLAR, 0));                                           /* write-only */
    expect_undef(f, msr(CNTFRQ, 0));                                          /* not writable from EL1 */
    assert_null(cpu_sysreg_name(SYSREG_ENC(3, 0, 15, 15, 7)));
    assert_string_equal(cpu_sysreg_name(MIDR), "MIDR_EL1");
    assert_string_equal(cpu_sysreg_name(SYSREG_ENC(2, 0, 0, 5, 5)), "DBGBCR5_EL1");
    uint64_t v;
    assert_false(cpu_read_sysreg(f->c, SCTLR_EL2, &v));
}

static void test_el0_access(void **state)
{
    struct fx *f = *state;
    /* EL1-only register from EL0: UNDEFINED, EC 0, taken to the lower-EL vector */
    to_el0(f); expect_undef(f, mrs(SCTLR_EL1, 3));
    to_el0(f); expect_undef(f, mrs(MIDR, 3));
    to_el0(f); expect_undef(f, mrs(CURRENTEL, 3));
    to_el0(f); expect_undef(f, msr(TPIDRRO, 3));                              /* RO at EL0 */
    /* CTR_EL0 with SCTLR_EL1.UCT = 0: trapped, EC 0x18, ISS names the register and Rt */
    to_el0(f); exec1(f, mrs(CTR, 7));
    assert_int_equal(f->hvc_imm, 4);
    assert_int_equal(sr(f, ESR_EL1), 0x18u << 26 | 1u << 25 | 3u << 20 | 1u << 17 | 3u << 14 | 0u << 10 | 7u << 5 | 0u << 1 | 1);
    /* allowed at EL0 */
    assert_true(cpu_write_sysreg(f->c, SCTLR_EL1, 0x30d00800 | 1u << 15));   /* UCT */
    to_el0(f); assert_int_equal(mrs_run(f, CTR), 0x8444c004);
    to_el0(f); SETX(3, 0x5555); exec1(f, msr(TPIDR_EL0, 3)); assert_int_equal(mrs_run(f, TPIDR_EL0), 0x5555);
    assert_true(cpu_write_sysreg(f->c, TPIDRRO, 0x7777));
    to_el0(f); assert_int_equal(mrs_run(f, TPIDRRO), 0x7777);
    to_el0(f); SETX(3, 0x60000000); exec1(f, msr(NZCV_R, 3));
    assert_int_equal(sr(f, SPSR_EL1), 0x60000000);        /* NZCV written at EL0, saved by the HVC UNDEF */
}

static void test_sp_el0_spsel(void **state)
{
    struct fx *f = *state;
    cpu_set_sp(f->c, RAM + 0x8000);
    SETX(9, 0x1230); exec1(f, msr(SP_EL0, 9));
    assert_int_equal(mrs_run(f, SP_EL0), 0x1230);
    assert_int_equal(cpu_get_sp(f->c), RAM + 0x8000);                         /* SP_EL1 untouched */
    SETX(1, 0); exec1(f, msr(SYSREG_ENC(3, 0, 4, 2, 0), 1));                  /* msr spsel, x1 = 0 */
    assert_int_equal(cpu_get_sp(f->c), 0x1230);
    /* PSTATE.SP == 0: UNDEFINED; taken to the current-EL-with-SP_EL0 vector (VBAR + 0) */
    uint64_t pc = exec1(f, mrs(SP_EL0, 8));
    assert_int_equal(f->hvc_imm, 8);
    assert_int_equal(sr(f, ESR_EL1), 1u << 25);
    assert_int_equal(sr(f, ELR_EL1), pc);
}

static void test_sctlr_res1_and_masks(void **state)
{
    struct fx *f = *state;
    SETX(5, 0); exec1(f, msr(SCTLR_EL1, 5));
    assert_int_equal(sr(f, SCTLR_EL1), 0x30d00800);                           /* RES1 bits stay set */
    SETX(5, ~0ull & ~1ull); exec1(f, msr(SCTLR_EL1, 5));                      /* all but M */
    assert_int_equal(sr(f, SCTLR_EL1), 0x30d00800 | 0x070dd3be);
    SETX(5, ~0ull); exec1(f, msr(SYSREG_ENC(3, 0, 12, 0, 0), 5));             /* VBAR_EL1: bits 10:0 RES0 */
    assert_int_equal(sr(f, SYSREG_ENC(3, 0, 12, 0, 0)), ~0x7ffull);
    assert_int_equal(sr(f, OSLSR), 0xa);                                      /* OS lock set at reset */
    SETX(5, 0); exec1(f, msr(OSLAR, 5));
    assert_int_equal(sr(f, OSLSR), 0x8);
}

static void test_generic_timer(void **state)
{
    struct fx *f = *state;
    uint64_t t0 = mrs_run(f, CNTVCT);
    cpu_add_cycles(f->c, 16000000);                                           /* 16 ms at 1 GHz */
    uint64_t t1 = mrs_run(f, CNTVCT);
    assert_true(t1 - t0 >= 1000000 && t1 - t0 < 1000100);                    /* 1e6 ticks at 62.5 MHz */
    /* EL0 access needs CNTKCTL_EL1.EL0VCTEN */
    to_el0(f); exec1(f, mrs(CNTVCT, 2));
    assert_int_equal(f->hvc_imm, 4); assert_int_equal(sr(f, ESR_EL1) >> 26, 0x18);
    SETX(1, 2); exec1(f, msr(CNTKCTL, 1));
    to_el0(f); assert_true(mrs_run(f, CNTVCT) >= t1);
    /* CVAL / TVAL / CTL.ISTATUS */
    uint64_t now = mrs_run(f, CNTVCT);
    SETX(1, now + 1000000); exec1(f, msr(CNTV_CVAL, 1));
    uint64_t tval = mrs_run(f, CNTV_TVAL);
    assert_true(tval <= 1000000 && tval > 999000);
    SETX(1, 1); exec1(f, msr(CNTV_CTL, 1));
    assert_int_equal(mrs_run(f, CNTV_CTL), 1);                                /* enabled, not fired */
    cpu_add_cycles(f->c, 32000000);
    assert_int_equal(mrs_run(f, CNTV_CTL), 5);                                /* ISTATUS */
    SETX(1, 100); exec1(f, msr(CNTV_TVAL, 1));
    assert_true(sr(f, CNTV_CVAL) >= now + 2000000);
}

static void test_fp_access_trap(void **state)
{
    struct fx *f = *state;
    exec1(f, mrs(FPCR, 1));                                                   /* CPACR_EL1.FPEN = 0: trap */
    assert_int_equal(f->hvc_imm, 1);
    assert_int_equal(sr(f, ESR_EL1), 0x07u << 26 | 1u << 25 | 1u << 24 | 0xeu << 20);
    SETX(2, 3u << 20); exec1(f, msr(CPACR, 2));
    SETX(3, 0x03c00000); exec1(f, msr(FPCR, 3));
    assert_int_equal(mrs_run(f, FPCR), 0x03c00000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_id_registers_a57, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_registers_max, setup_max, teardown),
        cmocka_unit_test_setup_teardown(test_undefined_encodings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_el0_access, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sp_el0_spsel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sctlr_res1_and_masks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_generic_timer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fp_access_trap, setup, teardown),
    };
    return cmocka_run_group_tests_name("sysreg", tests, NULL, NULL);
}
