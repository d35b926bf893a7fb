/* tests/unit/test_chaos.c — "a guest doing anything at all never crashes the emulator".
 * RAM filled with random words (random code, random vector table, random page tables), a
 * device region that rejects every access, and a vCPU started at EL1 at a random address: it runs
 * millions of instructions of whatever the bytes decode to — UNDEFINED encodings, system
 * register writes (including SCTLR_EL1.M with random tables, VBAR, TCR...), faults of every kind,
 * exception storms, WFI. The test asserts that the run completes, retires instructions and takes
 * exceptions; the asan build (make asan) runs the same code under AddressSanitizer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cpu/cpu.h"
#include "machine/machine.h"

#define RAM      0x40000000ull
#define RAM_SIZE (256u << 10)

static int reject(void *o, uint64_t off, unsigned size, uint64_t *v) { *v = 0; return BUS_SLAVE_ERROR; }
static int reject_w(void *o, uint64_t off, unsigned size, uint64_t v) { return BUS_SLAVE_ERROR; }
static const struct mmio_ops rejecting = { "reject", reject, reject_w };

static bool smccc_any(void *opaque, struct cpu *c, bool is_hvc, uint16_t imm)
{
    return imm & 1;            /* half the HVC/SMC immediates "handled", half UNDEFINED */
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    return *s = x;
}

static void run_seed(uint64_t seed, enum cpu_profile prof, uint64_t *insns, uint64_t *exc)
{
    struct bus *b = bus_new();
    uint8_t *ram = bus_map_ram(b, "ram", mk_pa(RAM), RAM_SIZE, NULL);
    bus_map_mmio(b, "reject", mk_pa(0x09000000), 0x1000, &rejecting, NULL);
    struct cpu_shared *sh = cpu_shared_new(b);
    struct cpu_hooks h = { .smccc = smccc_any };
    struct cpu_config cfg = { .profile = prof };
    struct cpu *c = cpu_new(sh, &cfg, &h);
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    for (unsigned i = 0; i < RAM_SIZE; i += 8) {
        uint64_t w = xorshift(&s);
        /* Bias a quarter of the words towards system instructions (MSR/MRS/SYS, op0 = 1..3)
         * and loads/stores so that the system paths get exercised, not just UNDEFINED. */
        if ((w & 3) == 0) w = (w & ~0xffe00000ull) | 0xd5000000ull;
        memcpy(ram + i, &w, 8);
    }
    cpu_reset(c, RAM + (xorshift(&s) % RAM_SIZE & ~3ull));
    /* Random VBAR inside RAM, FP on, and sometimes the MMU on with the random "tables". */
    cpu_write_sysreg(c, SYSREG_ENC(3, 0, 12, 0, 0), RAM + (xorshift(&s) % RAM_SIZE & ~0x7ffull));
    cpu_write_sysreg(c, SYSREG_ENC(3, 0, 1, 0, 2), 3u << 20);
    if (seed & 1) {
        cpu_write_sysreg(c, SYSREG_ENC(3, 0, 2, 0, 0), RAM + (xorshift(&s) % RAM_SIZE & ~0xfffull));
        cpu_write_sysreg(c, SYSREG_ENC(3, 0, 2, 0, 2), xorshift(&s) & 0x7fffffffffull);
        cpu_write_sysreg(c, SYSREG_ENC(3, 0, 1, 0, 0), 0x30d00801 | (xorshift(&s) & 0x1004));
    }
    uint64_t budget = 2000000;
    for (unsigned round = 0; round < 40 && cpu_icount(c) < budget; round++) {
        enum cpu_exit e = cpu_run(c, budget / 40);
        if (e == CPU_EXIT_WFI || e == CPU_EXIT_HALTED) {
            /* Wake it as an interrupt would (the pulse is taken if unmasked). */
            cpu_set_halted(c, false);
            cpu_set_irq_line(c, CPU_IRQ, true);
            cpu_run(c, 1);
            cpu_set_irq_line(c, CPU_IRQ, false);
        }
    }
    const struct cpu_stats *st = cpu_get_stats(c);
    uint64_t n = 0;
    for (unsigned ec = 0; ec < 64; ec++) n += st->exceptions_by_ec[ec];
    *insns += cpu_icount(c);
    *exc += n + st->irqs;
    cpu_free(c);
    cpu_shared_free(sh);
    bus_free(b);
}

static void test_chaos(void **state)
{
    for (enum cpu_profile p = CPU_PROFILE_CORTEX_A57; p <= CPU_PROFILE_MAX; p++) {
        uint64_t insns = 0, exc = 0;
        for (uint64_t seed = 1; seed <= 8; seed++) run_seed(seed + 100 * p, p, &insns, &exc);
        print_message("profile %s: %llu instructions, %llu exceptions over 8 random guests\n",
                      cpu_profile_name(p), (unsigned long long)insns, (unsigned long long)exc);
        assert_true(insns > 100000);       /* it ran, and ran on after faults */
        assert_true(exc > 1000);           /* random code faults a lot: the paths were taken */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_chaos) };
    return cmocka_run_group_tests_name("chaos", tests, NULL, NULL);
}
