/* tests/unit/test_cpu_core.c — the run loop, decoded-code cache and memory slow paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "cpu/cpu.h"
#include "machine/machine.h"

#define RAM 0x40000000ull

static bool hvc_stop(void *opaque, struct cpu *c, bool is_hvc, uint16_t imm)
{
    *(int *)opaque += 1;
    cpu_set_halted(c, true);
    return true;
}

static void put(uint8_t *ram, uint64_t off, uint32_t insn) { memcpy(ram + off, &insn, 4); }

/* One machine per test: 1 MiB of RAM at RAM and one Cortex-A57 vCPU; with_hvc: an HVC or SMC
 * halts it and counts in calls (without: no hooks at all). */
struct core {
    struct bus *b;
    uint8_t *ram;
    struct cpu_shared *sh;
    struct cpu *c;
    int calls;
};

static void core_init(struct core *k, bool with_hvc)
{
    memset(k, 0, sizeof *k);
    k->b = bus_new();
    k->ram = bus_map_ram(k->b, "ram", mk_pa(RAM), 1 << 20, NULL);
    k->sh = cpu_shared_new(k->b);
    struct cpu_hooks h = { .opaque = &k->calls, .smccc = hvc_stop };
    struct cpu_config cfg = { .profile = CPU_PROFILE_CORTEX_A57 };
    k->c = cpu_new(k->sh, &cfg, with_hvc ? &h : NULL);
}

static void core_free(struct core *k)
{
    cpu_free(k->c);
    cpu_shared_free(k->sh);
    bus_free(k->b);
}

static void test_store_then_hvc(void **state)
{
    struct core m;
    core_init(&m, true);
    uint8_t *ram = m.ram;
    struct cpu *c = m.c;
    put(ram, 0, 0xd2800840);      /* movz x0, #0x42 */
    put(ram, 4, 0xd2a80001);      /* movz x1, #0x4000, lsl #16 */
    put(ram, 8, 0xf9080020);      /* str x0, [x1, #0x1000] */
    put(ram, 12, 0xf9480022);     /* ldr x2, [x1, #0x1000] */
    put(ram, 16, 0xd4000002);     /* hvc #0 */
    cpu_reset(c, RAM);
    enum cpu_exit e = cpu_run(c, 100);
    assert_int_equal(e, CPU_EXIT_HALTED);
    assert_int_equal(m.calls, 1);
    assert_int_equal(cpu_get_x(c, 2), 0x42);
    assert_int_equal(ram[0x1000], 0x42);
    assert_int_equal(cpu_icount(c), 5);
    assert_int_equal(cpu_get_pc(c), RAM + 20);
    core_free(&m);
}

/* A store into the page being executed drops its decoded code: the new instruction runs. */
static void test_self_modifying_code(void **state)
{
    struct core m;
    core_init(&m, true);
    uint8_t *ram = m.ram;
    struct cpu *c = m.c;
    put(ram, 0, 0x14000003);      /* b +12 */
    put(ram, 4, 0xd2800020);      /* movz x0, #1  (to be patched to movz x0,#2) */
    put(ram, 8, 0xd4000002);      /* hvc #0 */
    put(ram, 12, 0xd2a80001);     /* movz x1, #0x4000, lsl #16 */
    put(ram, 16, 0xb9000423);     /* str w3, [x1, #4] */
    put(ram, 20, 0x17fffffc);     /* b -16 -> offset 4 */
    cpu_reset(c, RAM);
    cpu_set_x(c, 3, 0xd2800040);  /* movz x0, #2 */
    /* First decode the old instruction at +4 by running it once via a separate entry. */
    cpu_set_pc(c, RAM + 4);
    cpu_run(c, 1);
    assert_int_equal(cpu_get_x(c, 0), 1);
    cpu_set_pc(c, RAM);
    assert_int_equal(cpu_run(c, 100), CPU_EXIT_HALTED);
    assert_int_equal(cpu_get_x(c, 0), 2);
    core_free(&m);
}

/* A load from an address with nothing behind it is a synchronous external abort at EL1. */
static void test_external_abort(void **state)
{
    struct core m;
    core_init(&m, false);
    uint8_t *ram = m.ram;
    struct cpu *c = m.c;
    put(ram, 0, 0xd2a20001);      /* movz x1, #0x1000, lsl #16  -> 0x10000000 (nothing there) */
    put(ram, 4, 0xf9400022);      /* ldr x2, [x1] */
    cpu_reset(c, RAM);
    cpu_run(c, 2);
    uint64_t esr = 0, far = 0, elr = 0;
    /* ESR_EL1, FAR_EL1, ELR_EL1 read through the public API once sysreg.c lands; check PC. */
    (void)esr; (void)far; (void)elr;
    assert_int_equal(cpu_get_pc(c), 0x200);          /* VBAR_EL1 = 0, current EL with SPx */
    assert_int_equal(cpu_get_stats(c)->exceptions_by_ec[0x25], 1);
    core_free(&m);
}

/* Breakpoints stop before the instruction, watchpoints after the access, steps after one. */
static void test_debug_stops(void **state)
{
    struct core m;
    core_init(&m, true);
    uint8_t *ram = m.ram;
    struct cpu *c = m.c;
    put(ram, 0, 0xd2800840);      /* movz x0, #0x42 */
    put(ram, 4, 0xd2a80001);      /* movz x1, #0x4000, lsl #16 */
    put(ram, 8, 0xf9080020);      /* str x0, [x1, #0x1000] */
    put(ram, 12, 0xf9480022);     /* ldr x2, [x1, #0x1000] */
    put(ram, 16, 0xd4000002);     /* hvc #0 */
    cpu_reset(c, RAM);
    assert_int_equal(cpu_breakpoint_insert(c, RAM + 4), 0);
    assert_int_equal(cpu_run(c, 100), CPU_EXIT_DEBUG);
    assert_int_equal(cpu_debug_stop_reason(c, NULL, NULL), 1);
    assert_int_equal(cpu_get_pc(c), RAM + 4);
    assert_int_equal(cpu_get_x(c, 0), 0x42);
    assert_int_equal(cpu_breakpoint_remove(c, RAM + 4), 0);
    assert_int_equal(cpu_watchpoint_insert(c, RAM + 0x1000, 8, CPU_WATCH_WRITE), 0);
    assert_int_equal(cpu_run(c, 100), CPU_EXIT_DEBUG);
    uint64_t a = 0;
    enum cpu_watch_kind k = 0;
    assert_int_equal(cpu_debug_stop_reason(c, &a, &k), 2);
    assert_int_equal(a, RAM + 0x1000);
    assert_int_equal(k, CPU_WATCH_WRITE);
    assert_int_equal(cpu_get_pc(c), RAM + 12);    /* after the store */
    assert_int_equal(cpu_watchpoint_remove(c, RAM + 0x1000, 8, CPU_WATCH_WRITE), 0);
    cpu_set_single_step(c, true);
    assert_int_equal(cpu_run(c, 100), CPU_EXIT_DEBUG);
    assert_int_equal(cpu_get_pc(c), RAM + 16);
    assert_int_equal(cpu_get_x(c, 2), 0x42);
    cpu_set_single_step(c, false);
    assert_int_equal(cpu_run(c, 100), CPU_EXIT_HALTED);
    core_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_then_hvc),
        cmocka_unit_test(test_self_modifying_code),
        cmocka_unit_test(test_external_abort),
        cmocka_unit_test(test_debug_stops),
    };
    return cmocka_run_group_tests_name("cpu_core", tests, NULL, NULL);
}
