/* tests/unit/test_psci.c — PSCI 1.1 answers (linux-coverage.md section 8) and CPU power state. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "cpu/cpu.h"
#include "machine/machine.h"

static struct bus *bus;
static struct cpu_shared *sh;
static struct cpu *cpus[2];
static struct psci *psci;

static int setup(void **st)
{
    bus = bus_new();
    bus_map_ram(bus, "ram", mk_pa(VIRT_RAM_BASE), 16u << 20, NULL);
    sh = cpu_shared_new(bus);
    psci = psci_new(cpus, 2);
    struct cpu_hooks h = { .opaque = psci, .smccc = psci_smccc };
    for (unsigned i = 0; i < 2; i++) {
        struct cpu_config cfg = { .profile = CPU_PROFILE_CORTEX_A57, .index = i, .mpidr = i };
        cpus[i] = cpu_new(sh, &cfg, &h);
    }
    cpu_set_halted(cpus[1], true);
    return 0;
}
static int teardown(void **st)
{
    cpu_free(cpus[0]); cpu_free(cpus[1]); cpu_shared_free(sh); psci_free(psci); bus_free(bus);
    return 0;
}

static int64_t call(struct cpu *c, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    cpu_set_x(c, 0, fn); cpu_set_x(c, 1, a1); cpu_set_x(c, 2, a2); cpu_set_x(c, 3, a3);
    assert_true(psci_smccc(psci, c, true, 0));
    return (int64_t)cpu_get_x(c, 0);
}

static void test_version_and_features(void **st)
{
    struct cpu *c = cpus[0];
    assert_int_equal(call(c, 0x84000000, 0, 0, 0), 0x10001);
    assert_int_equal(call(c, 0x84000006, 0, 0, 0), 2);
    assert_int_equal(call(c, 0x8400000a, 0x80000000, 0, 0), -1);      /* SMCCC_VERSION */
    assert_int_equal(call(c, 0x8400000a, 0xc4000001, 0, 0), 0);       /* CPU_SUSPEND64 */
    assert_int_equal(call(c, 0x8400000a, 0xc400000e, 0, 0), -1);      /* SYSTEM_SUSPEND64 */
    assert_int_equal(call(c, 0x8400000a, 0xc4000012, 0, 0), -1);      /* SYSTEM_RESET2_64 */
    assert_int_equal(call(c, 0x8400000a, 0x84000008, 0, 0), 0);
    assert_int_equal(call(c, 0x80000000, 0, 0, 0), -1);               /* SMCCC_VERSION itself */
    assert_int_equal(call(c, 0xc4000005, 0, 0, 0), -1);               /* MIGRATE */
    assert_int_equal(call(c, 0x12345678, 0, 0, 0), -1);
    assert_int_equal(call(c, 0xc4000001, 0, 0, 0), 0);                /* CPU_SUSPEND standby */
    assert_false(cpu_is_halted(c));
}

static void test_cpu_on_off_affinity(void **st)
{
    struct cpu *c = cpus[0];
    assert_int_equal(call(c, 0xc4000004, 1, 0, 0), 1);                /* AFFINITY_INFO: OFF */
    assert_int_equal(call(c, 0xc4000004, 0, 0, 0), 0);                /* ON */
    assert_int_equal(call(c, 0xc4000004, 0, 1, 0), -2);               /* level != 0 */
    assert_int_equal(call(c, 0xc4000003, 7, 0x40001000, 0), -2);      /* no such CPU */
    assert_int_equal(call(c, 0xc4000003, 1, 0x40001000, 0xabcd), 0);
    assert_false(cpu_is_halted(cpus[1]));
    assert_int_equal(cpu_get_pc(cpus[1]), 0x40001000);
    assert_int_equal(cpu_get_x(cpus[1], 0), 0xabcd);
    assert_int_equal(cpu_current_el(cpus[1]), 1);
    assert_int_equal(call(c, 0xc4000003, 1, 0x40001000, 0), -4);      /* ALREADY_ON */
    assert_int_equal(call(c, 0x84000003, 0, 0x40001000, 0), -4);      /* SMC32 form, self */
    assert_int_equal(call(c, 0xc4000004, 1, 0, 0), 0);
    cpu_set_x(cpus[1], 0, 0x84000002);                                /* CPU_OFF on cpu1 */
    assert_true(psci_smccc(psci, cpus[1], true, 0));
    assert_true(cpu_is_halted(cpus[1]));
    assert_int_equal(call(c, 0x84000004, 1, 0, 0), 1);
}

static void test_system_off_reset(void **st)
{
    assert_int_equal(psci_take_request(psci), PSCI_REQ_NONE);
    cpu_set_x(cpus[0], 0, 0x84000009);
    assert_true(psci_smccc(psci, cpus[0], false, 0));                 /* via SMC too */
    assert_int_equal(psci_take_request(psci), PSCI_REQ_SYSTEM_RESET);
    assert_int_equal(psci_take_request(psci), PSCI_REQ_NONE);
    cpu_set_halted(cpus[0], false);
    cpu_set_x(cpus[0], 0, 0x84000008);
    assert_true(psci_smccc(psci, cpus[0], true, 0));
    assert_int_equal(psci_take_request(psci), PSCI_REQ_SYSTEM_OFF);
    assert_true(cpu_is_halted(cpus[0]));
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_version_and_features), cmocka_unit_test(test_cpu_on_off_affinity),
        cmocka_unit_test(test_system_off_reset),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
