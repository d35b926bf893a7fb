/* tests/unit/test_sysreg.c — system registers through MRS/MSR: A57 ID values, the max profile, EL0
 * access rules (UNDEFINED vs EC 0x18 traps), SP_EL0/SPSel, SCTLR RES1, the generic-timer
 * counter derived from cycles, FP access traps, debug access and names. */
#include "tests/unit/cpu_fixture.h"
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
