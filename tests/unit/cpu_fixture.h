/* tests/unit/cpu_fixture.h — the cmocka fixture shared by the CPU instruction tests: a bus with
 * 1 MiB of RAM at 0x40000000, one vCPU whose HVC hook stops it (recording the immediate), EL1
 * vectors that end in distinct HVCs, and exec1() to run one instruction at a fresh address.
 * Included by one test file each (static functions). */
#ifndef FAULTLINE_TEST_CPU_FIXTURE_H
#define FAULTLINE_TEST_CPU_FIXTURE_H
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

static __attribute__((unused)) bool hvc_stop(void *opaque, struct cpu *c, bool is_hvc, uint16_t imm)
{
    struct fx *f = opaque;
    if (!is_hvc) { f->smc_imm = imm; return true; }    /* SMC: handled, continue */
    if (imm == 99) return false;                        /* HVC #99: not handled → UNDEFINED */
    f->hvc_imm = imm;
    cpu_set_halted(c, true);
    return true;
}
static __attribute__((unused)) void put(struct fx *f, uint64_t pa, uint32_t insn) { memcpy(f->ram + (pa - RAM), &insn, 4); }

static __attribute__((unused)) int setup_profile(void **state, enum cpu_profile prof)
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
static __attribute__((unused)) int setup(void **state) { return setup_profile(state, CPU_PROFILE_CORTEX_A57); }
static __attribute__((unused)) int setup_max(void **state) { return setup_profile(state, CPU_PROFILE_MAX); }
static __attribute__((unused)) int teardown(void **state)
{
    struct fx *f = *state;
    cpu_free(f->c);
    cpu_shared_free(f->sh);
    bus_free(f->b);
    free(f);
    return 0;
}

static __attribute__((unused)) uint64_t sr(struct fx *f, uint32_t enc);
/* Execute one instruction at a fresh address, followed by hvc #0 (fall through) and hvc #3
 * (a branch to .+8). Returns its address; f->hvc_imm says where execution ended. */
static __attribute__((unused)) uint64_t exec1(struct fx *f, uint32_t insn)
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

static __attribute__((unused)) uint64_t sr(struct fx *f, uint32_t enc)
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
#define TTBR0_EL1 SYSREG_ENC(3, 0, 2, 0, 0)
#define TCR_EL1   SYSREG_ENC(3, 0, 2, 0, 2)
#define MAIR_EL1  SYSREG_ENC(3, 0, 10, 2, 0)
/* VMSAv8-64 descriptor bits (Arm ARM D8.3) for tests that build page tables in RAM. */
#define D_TABLE 3ull
#define D_PAGE  3ull
#define D_BLOCK 1ull
#define D_AF    (1ull << 10)
#define D_NG    (1ull << 11)
#define D_S2_RW (3ull << 6)        /* stage 2 S2AP = read/write */

/* Drop to EL0t (as after an ERET) — the EL1 stack and vectors stay as set up. */
static __attribute__((unused)) void to_el0(struct fx *f) { cpu_set_pstate(f->c, 0); }

/* insn must be UNDEFINED at the current EL: the exception lands at the current-EL or the
 * lower-EL synchronous vector with ESR_EL1 = EC 0, IL 1, ELR_EL1 = insn. */
static __attribute__((unused)) void expect_undef(struct fx *f, uint32_t insn)
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

#endif
