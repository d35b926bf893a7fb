/* tests/unit/test_insn_system.c — branches, exception generation (SVC/BRK/HVC/SMC syndromes),
 * ERET to EL0 and SVC back, DAIF masking, WFI/WFE, hints as NOPs, barriers, DC ZVA, IC, TLBI,
 * AT and UNDEFINED system encodings. Encodings from aarch64-linux-gnu-as + objdump. */
#include "tests/unit/cpu_fixture.h"

static void test_branches(void **state)
{
    struct fx *f = *state;
    exec1(f, 0x14000002); assert_int_equal(f->hvc_imm, 3);                   /* b .+8 */
    uint64_t pc = exec1(f, 0x94000002);                                       /* bl .+8 */
    assert_int_equal(f->hvc_imm, 3); assert_int_equal(X(30), pc + 4);
    cpu_set_nzcv(f->c, Z_); exec1(f, 0x54000040); assert_int_equal(f->hvc_imm, 3);   /* b.eq taken */
    cpu_set_nzcv(f->c, 0); exec1(f, 0x54000040); assert_int_equal(f->hvc_imm, 0);    /* not taken */
    SETX(0, 0); exec1(f, 0xb4000040); assert_int_equal(f->hvc_imm, 3);                /* cbz x0 */
    SETX(0, 1ull << 32); exec1(f, 0xb4000040); assert_int_equal(f->hvc_imm, 0);
    exec1(f, 0x35000040); assert_int_equal(f->hvc_imm, 0);                            /* cbnz w0: w0 = 0 */
    SETX(0, 1ull << 63); exec1(f, 0xb6f80040); assert_int_equal(f->hvc_imm, 0);       /* tbz x0, #63 */
    SETX(0, 8); exec1(f, 0x37180040); assert_int_equal(f->hvc_imm, 3);                /* tbnz w0, #3 */
    pc = f->slot; SETX(1, pc + 8); exec1(f, 0xd61f0020); assert_int_equal(f->hvc_imm, 3);  /* br x1 */
    pc = f->slot; SETX(1, pc + 8); exec1(f, 0xd63f0020);                                   /* blr x1 */
    assert_int_equal(f->hvc_imm, 3); assert_int_equal(X(30), pc + 4);
    pc = f->slot; SETX(30, pc + 8); exec1(f, 0xd65f03c0); assert_int_equal(f->hvc_imm, 3); /* ret */
    /* misaligned branch target: PC alignment fault (EC 0x22) at the target */
    pc = f->slot; SETX(1, pc + 10); exec1(f, 0xd61f0020);
    assert_int_equal(f->hvc_imm, 1);
    assert_int_equal(sr(f, ESR_EL1) >> 26, 0x22);
}

static void test_svc_brk_syndromes(void **state)
{
    struct fx *f = *state;
    uint64_t pc = exec1(f, 0xd4024681);                                       /* svc #0x1234 */
    assert_int_equal(f->hvc_imm, 1);
    assert_int_equal(sr(f, ESR_EL1), 0x15u << 26 | 1u << 25 | 0x1234);
    assert_int_equal(sr(f, ELR_EL1), pc + 4);                                  /* preferred return: next */
    pc = exec1(f, 0xd4200840);                                                /* brk #0x42 */
    assert_int_equal(f->hvc_imm, 1);
    assert_int_equal(sr(f, ESR_EL1), 0x3cu << 26 | 1u << 25 | 0x42);
    assert_int_equal(sr(f, ELR_EL1), pc);                                      /* preferred return: the BRK */
}

static void test_hvc_smc_hlt(void **state)
{
    struct fx *f = *state;
    exec1(f, 0xd40000e2); assert_int_equal(f->hvc_imm, 7);                    /* hvc #7 → hook */
    f->smc_imm = -1;
    exec1(f, 0xd4000003); assert_int_equal(f->smc_imm, 0);                    /* smc #0 → hook */
    assert_int_equal(f->hvc_imm, 0);                                           /* and continued */
    expect_undef(f, 0xd4000c62);                                              /* hvc #99: hook refuses */
    expect_undef(f, 0xd4400000);                                              /* hlt #0 */
    expect_undef(f, 0xd4a00001);                                              /* dcps1 */
    expect_undef(f, 0xd50330ff);                                              /* sb (FEAT_SB not advertised) */
    expect_undef(f, 0xd65f0bff);                                              /* retaa (FEAT_PAuth) */
    expect_undef(f, 0xd6bf03e0);                                              /* drps */
    to_el0(f); expect_undef(f, 0xd40000e2);                                   /* hvc at EL0 */
    to_el0(f); expect_undef(f, 0xd4000003);                                   /* smc at EL0 */
    to_el0(f); expect_undef(f, 0xd69f03e0);                                   /* eret at EL0 */
}

/* ERET to EL0 with SPSR_EL1 = EL0t, run SVC there, come back to EL1 through the lower-EL
 * vector with the right syndrome, ELR and SPSR. */
static void test_eret_el0_svc_back(void **state)
{
    struct fx *f = *state;
    uint64_t user = RAM + 0x6000;
    put(f, user, 0xd2800540);                                                 /* movz x0, #42 */
    put(f, user + 4, 0xd40000a1);                                             /* svc #5 */
    assert_true(cpu_write_sysreg(f->c, SPSR_EL1, 0x20000000));                /* EL0t, C set */
    assert_true(cpu_write_sysreg(f->c, ELR_EL1, user));
    cpu_set_sp(f->c, RAM + 0x9000);
    exec1(f, 0xd69f03e0);                                                     /* eret */
    assert_int_equal(f->hvc_imm, 4);                                          /* lower-EL sync vector */
    assert_int_equal(cpu_current_el(f->c), 1);
    assert_int_equal(X(0), 42);
    assert_int_equal(sr(f, ESR_EL1), 0x15u << 26 | 1u << 25 | 5);
    assert_int_equal(sr(f, ELR_EL1), user + 8);
    assert_int_equal(sr(f, SPSR_EL1), 0x20000000);                            /* EL0t, NZCV kept, DAIF 0 */
    assert_int_equal(cpu_get_sp(f->c), RAM + 0x9000);                         /* SP_EL1 banked back */
}

static void test_daif_masking(void **state)
{
    struct fx *f = *state;
    cpu_set_irq_line(f->c, CPU_IRQ, true);
    exec1(f, 0xd503201f);                                                     /* nop: IRQ masked at reset */
    assert_int_equal(f->hvc_imm, 0);
    SETX(10, 0); exec1(f, 0xd53b422a); assert_int_equal(X(10), 0x3c0);       /* mrs x10, daif */
    uint64_t pc = exec1(f, 0xd50342ff);                                       /* msr daifclr, #2 */
    assert_int_equal(f->hvc_imm, 6);                                          /* IRQ taken right after */
    assert_int_equal(sr(f, ELR_EL1), pc + 4);
    assert_int_equal(sr(f, SPSR_EL1) & 0x3c0, 0x340);                         /* D A F still masked, I clear */
    /* The exception masked IRQ again; re-mask explicitly and check nothing is taken. */
    exec1(f, 0xd5034fdf);                                                     /* msr daifset, #0xf */
    assert_int_equal(f->hvc_imm, 0);
    SETX(11, 0); exec1(f, 0xd51b422b);                                        /* msr daif, x11 = 0 */
    assert_int_equal(f->hvc_imm, 6);                                          /* unmasked via register */
    cpu_set_irq_line(f->c, CPU_IRQ, false);
    /* DAIFSet at EL0 with SCTLR_EL1.UMA = 0 traps (EC 0x18) */
    to_el0(f); exec1(f, 0xd5034fdf);
    assert_int_equal(f->hvc_imm, 4);
    assert_int_equal(sr(f, ESR_EL1) >> 26, 0x18);
}

static void test_wfi_wfe(void **state)
{
    struct fx *f = *state;
    uint64_t pc = f->slot;
    put(f, pc, 0xd503207f);                                                   /* wfi */
    put(f, pc + 4, 0xd4000002);                                               /* hvc #0 */
    cpu_set_pc(f->c, pc);
    assert_int_equal(cpu_run(f->c, 100), CPU_EXIT_WFI);
    assert_int_equal(cpu_get_pc(f->c), pc + 4);
    assert_int_equal(cpu_run(f->c, 100), CPU_EXIT_WFI);                       /* still idle */
    cpu_set_irq_line(f->c, CPU_IRQ, true);                                    /* masked IRQ wakes WFI */
    assert_int_equal(cpu_run(f->c, 100), CPU_EXIT_HALTED);
    assert_int_equal(f->hvc_imm, 0);
    cpu_set_irq_line(f->c, CPU_IRQ, false);
    f->slot += 16;
    /* WFE: the event register set by SEVL is consumed, no idling */
    exec1(f, 0xd50320bf);                                                     /* sevl */
    exec1(f, 0xd503205f); assert_int_equal(f->hvc_imm, 0);                    /* wfe */
    pc = f->slot; f->slot += 16;
    put(f, pc, 0xd503205f); put(f, pc + 4, 0xd4000002);
    cpu_set_halted(f->c, false);
    cpu_set_pc(f->c, pc);
    assert_int_equal(cpu_run(f->c, 100), CPU_EXIT_WFI);                       /* now it idles */
    cpu_send_event(f->c);
    assert_int_equal(cpu_run(f->c, 100), CPU_EXIT_HALTED);
    /* WFI at EL0 with SCTLR_EL1.nTWI = 0 traps: EC 0x01, CV = 1, COND = 0xe, TI = 0 */
    to_el0(f); exec1(f, 0xd503207f);
    assert_int_equal(f->hvc_imm, 4);
    assert_int_equal(sr(f, ESR_EL1), 0x01u << 26 | 1u << 25 | 1u << 24 | 0xeu << 20);
}

static void test_hints_barriers(void **state)
{
    struct fx *f = *state;
    static const uint32_t nops[] = { 0xd503201f, 0xd503203f, 0xd503233f, 0xd50323bf, 0xd503245f,
                                     0xd503229f, 0xd5032fff, 0xd50320ff /* xpaclri */,
                                     0xd5033b9f, 0xd50339bf, 0xd5033fdf, 0xd5033f5f };
    for (unsigned i = 0; i < sizeof nops / sizeof *nops; i++) {
        SETX(0, 0x1234);
        exec1(f, nops[i]);
        assert_int_equal(f->hvc_imm, 0);
        assert_int_equal(X(0), 0x1234);
    }
    assert_string_equal(cpu_decode_name(f->c, 0xd503233f), "PACIASP");
    assert_string_equal(cpu_decode_name(f->c, 0xd503245f), "BTI");
    assert_string_equal(cpu_decode_name(f->c, 0xd5032fff), "HINT");
    assert_string_equal(cpu_decode_name(f->c, 0xd5033b9f), "DSB");
    assert_string_equal(cpu_decode_name(f->c, 0xd5033fdf), "ISB");
}

static void test_dc_zva(void **state)
{
    struct fx *f = *state;
    /* MMU off: data accesses are Device-nGnRnE, so DC ZVA is an Alignment fault (DFSC 0x21),
     * reported as a write (WnR) with FAR = the address in Xt. */
    SETX(0, RAM + 0x3013);
    exec1(f, 0xd50b7420);                                                     /* dc zva, x0 */
    assert_int_equal(f->hvc_imm, 1);
    uint64_t esr = sr(f, ESR_EL1);
    assert_int_equal(esr >> 26, 0x25);
    assert_int_equal(esr & 0x3f, 0x21);
    assert_true(esr & (1u << 6));
    assert_int_equal(sr(f, FAR_EL1), RAM + 0x3013);
    /* EL0 with SCTLR_EL1.DZE = 0: trapped (EC 0x18), DCZID_EL0.DZP reads 1 */
    to_el0(f); exec1(f, 0xd50b7420);
    assert_int_equal(f->hvc_imm, 4); assert_int_equal(sr(f, ESR_EL1) >> 26, 0x18);
    to_el0(f); exec1(f, 0xd53b00f1); assert_int_equal(X(17), 0x14);          /* mrs x17, dczid_el0 */
}

/* DC ZVA zeroes a 64-byte block of Normal memory. Needs the stage-1 walker: an identity map of
 * RAM as a 1 GB Normal write-back block; skipped while the walker is not there. */
static void test_dc_zva_normal(void **state)
{
    struct fx *f = *state;
    uint64_t l1 = RAM + 0x90000;
    uint64_t desc = RAM | 1u << 10 | 3u << 8 | 0 << 2 | 1;                    /* AF, ISH, AttrIndx 0, block */
    memcpy(f->ram + (l1 - RAM) + 8, &desc, 8);                               /* L1 index 1: 1-2 GB */
    assert_true(cpu_write_sysreg(f->c, SYSREG_ENC(3, 0, 10, 2, 0), 0xff));    /* MAIR_EL1 attr0 WB */
    assert_true(cpu_write_sysreg(f->c, SYSREG_ENC(3, 0, 2, 0, 2),
                                 25 | 1u << 8 | 1u << 10 | 3u << 12 | 1ull << 23));  /* TCR: T0SZ 25, EPD1 */
    assert_true(cpu_write_sysreg(f->c, SYSREG_ENC(3, 0, 2, 0, 0), l1));       /* TTBR0_EL1 */
    assert_true(cpu_write_sysreg(f->c, SCTLR_EL1, 0x30d00800 | 1 | 4 | 0x1000));
    uint8_t probe;
    if (cpu_debug_read(f->c, RAM, &probe, 1) != 1) skip();                   /* no stage-1 walker yet */
    memset(f->ram + 0x3000, 0xaa, 0x80);
    SETX(0, RAM + 0x3013);
    exec1(f, 0xd50b7420);
    assert_int_equal(f->hvc_imm, 0);
    for (unsigned i = 0; i < 0x40; i++) assert_int_equal(f->ram[0x3000 + i], 0);
    assert_int_equal(f->ram[0x3040], 0xaa);
}

static void test_cache_tlb_at(void **state)
{
    struct fx *f = *state;
    static const uint32_t ops[] = { 0xd50b7e20 /* dc civac */, 0xd50b7b20 /* dc cvau */, 0xd5087620 /* dc ivac */,
                                    0xd5087e40 /* dc cisw */, 0xd50b7520 /* ic ivau */, 0xd508751f /* ic iallu */,
                                    0xd508711f /* ic ialluis */, 0xd508831f /* tlbi vmalle1is */,
                                    0xd5088720 /* tlbi vae1 */, 0xd5088340 /* tlbi aside1is */,
                                    0xd50883e0 /* tlbi vaale1is */ };
    for (unsigned i = 0; i < sizeof ops / sizeof *ops; i++) {
        SETX(0, RAM + 0x100);
        exec1(f, ops[i]);
        assert_int_equal(f->hvc_imm, 0);
    }
    /* IC IALLU drops decoded code: patch an already-decoded instruction behind the decoder's
     * back (host write, no bus hook), invalidate, re-run. */
    uint64_t a = exec1(f, 0xd2800020);                                        /* movz x0, #1 */
    assert_int_equal(X(0), 1);
    put(f, a, 0xd2800040);                                                    /* movz x0, #2 */
    cpu_set_halted(f->c, false); cpu_set_pc(f->c, a); cpu_run(f->c, 10);
    assert_int_equal(X(0), 1);                                                /* stale decode */
    exec1(f, 0xd508751f);                                                     /* ic iallu */
    cpu_set_halted(f->c, false); cpu_set_pc(f->c, a); cpu_run(f->c, 10);
    assert_int_equal(X(0), 2);
    /* AT S1E1R with the MMU off: F = 0, PA, Device (SH = 0b10, ATTR 0) */
    SETX(0, RAM + 0x1234);
    exec1(f, 0xd5087800);                                                     /* at s1e1r, x0 */
    uint64_t par = sr(f, SYSREG_ENC(3, 0, 7, 4, 0));
    assert_int_equal(par & 1, 0);
    assert_int_equal(par & 0xfffffffff000ull, RAM + 0x1000);
    assert_int_equal((par >> 7) & 3, 2);
    /* EL0: DC IVAC, set/way, IC IALLU, TLBI, AT are UNDEFINED; DC CVAU with UCI = 0 traps */
    to_el0(f); expect_undef(f, 0xd5087620);
    to_el0(f); expect_undef(f, 0xd5087e40);
    to_el0(f); expect_undef(f, 0xd508751f);
    to_el0(f); expect_undef(f, 0xd508831f);
    to_el0(f); expect_undef(f, 0xd5087800);
    to_el0(f); exec1(f, 0xd50b7b20);
    assert_int_equal(f->hvc_imm, 4);
    assert_int_equal(sr(f, ESR_EL1), 0x18u << 26 | 1u << 25 | 1u << 20 | 1u << 17 | 3u << 14 | 7u << 10 | 11u << 1);
    /* unknown SYS / SYSL encodings */
    expect_undef(f, 0xd509751f);                                              /* sys #1, c7, c5, #0 */
    expect_undef(f, 0xd50b7c20);                                              /* dc cvap: FEAT_DPB not on A57 */
    expect_undef(f, 0xd52b7420);                                              /* sysl x0, #3, c7, c4, #1 */
    expect_undef(f, 0xd508871f | 6u << 5);                                    /* tlbi op2 = 6 */
}

static void test_pstate_msr_imm(void **state)
{
    struct fx *f = *state;
    cpu_set_sp(f->c, RAM + 0x8000);
    exec1(f, 0xd50040bf);                                                     /* msr spsel, #0 */
    assert_int_equal(cpu_get_pstate(f->c) & 1, 0);
    assert_int_equal(cpu_get_sp(f->c), 0);                                    /* SP_EL0 (reset 0) */
    exec1(f, 0xd50041bf);                                                     /* msr spsel, #1 */
    assert_int_equal(cpu_get_sp(f->c), RAM + 0x8000);
    expect_undef(f, 0xd500419f);                                              /* msr pan: no FEAT_PAN on A57 */
    to_el0(f); expect_undef(f, 0xd50040bf);                                   /* msr spsel at EL0 */
}

static void test_pan_max(void **state)
{
    struct fx *f = *state;
    assert_string_equal(cpu_decode_name(f->c, 0xd500419f), "MSR_PAN");
    exec1(f, 0xd500419f);                                                     /* msr pan, #1 */
    assert_int_equal(f->hvc_imm, 0);
    assert_true(cpu_get_pstate(f->c) & (1u << 22));
}

/* ERET to an EL the PE does not have (SPSR.M = EL2h) is an illegal exception return: PSTATE.IL is
 * set, PC = ELR, and the next instruction takes the Illegal Execution State exception (EC 0x0E)
 * at the current EL with SPSR_EL1.IL = 1 (D1.11.2). */
static void test_illegal_eret(void **state)
{
    struct fx *f = *state;
    uint64_t target = f->slot + 0x100;
    put(f, target, 0xd503201f);                                    /* nop (never executes) */
    assert_true(cpu_write_sysreg(f->c, ELR_EL1, target));
    assert_true(cpu_write_sysreg(f->c, SPSR_EL1, 0x3c9));          /* EL2h, DAIF masked */
    exec1(f, 0xd69f03e0);                                          /* eret */
    assert_int_equal(f->hvc_imm, 1);                               /* EL1 sync vector (SPx) */
    assert_int_equal(sr(f, ESR_EL1), (uint64_t)0x0e << 26 | 1u << 25);
    assert_int_equal(sr(f, ELR_EL1), target);
    assert_true(sr(f, SPSR_EL1) & (1u << 20));                     /* IL was set */
    assert_int_equal(cpu_current_el(f->c), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_illegal_eret, setup, teardown),
        cmocka_unit_test_setup_teardown(test_branches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_svc_brk_syndromes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hvc_smc_hlt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eret_el0_svc_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_daif_masking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wfi_wfe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hints_barriers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dc_zva, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dc_zva_normal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_tlb_at, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pstate_msr_imm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pan_max, setup_max, teardown),
    };
    return cmocka_run_group_tests_name("insn_system", tests, NULL, NULL);
}
