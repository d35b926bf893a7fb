/* machine/psci.c — native PSCI 1.1 firmware for the virt board (Arm DEN 0022D), reached by
 * HVC #0 or SMC #0 from EL1 through cpu_hooks.smccc. It answers what QEMU 7.2 answers
 * (linux-coverage.md section 8): PSCI_VERSION = 1.1, MIGRATE_INFO_TYPE = 2 (no migration),
 * PSCI_FEATURES = 0 for the implemented functions and NOT_SUPPORTED for everything else,
 * including SMCCC_VERSION (so Linux assumes SMCCC 1.0 and makes no ARCH_FEATURES calls).
 * Both conduits are accepted whatever the DTB's psci method says; both SMC32 (0x84..) and
 * SMC64 (0xC4..) function IDs work. Any other function ID returns NOT_SUPPORTED (-1) in x0.
 * CPU_SUSPEND is a standby that returns at once (PSCI allows a standby to end early; there is
 * no vCPU API yet to park it in WFI). */
#include <stdlib.h>
#include "cpu/cpu.h"
#include "machine/machine.h"

enum {
    PSCI_VERSION = 0x84000000, PSCI_CPU_SUSPEND = 0x84000001, PSCI_CPU_OFF = 0x84000002,
    PSCI_CPU_ON = 0x84000003, PSCI_AFFINITY_INFO = 0x84000004, PSCI_MIGRATE = 0x84000005,
    PSCI_MIGRATE_INFO_TYPE = 0x84000006, PSCI_MIGRATE_INFO_UP_CPU = 0x84000007,
    PSCI_SYSTEM_OFF = 0x84000008, PSCI_SYSTEM_RESET = 0x84000009, PSCI_FEATURES = 0x8400000a,
};
#define PSCI_FN_64BIT 0x40000000u
#define PSCI_VERSION_1_1 0x10001
/* return codes */
#define PSCI_SUCCESS            0
#define PSCI_NOT_SUPPORTED      (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON         (-4)
/* AFFINITY_INFO states */
#define PSCI_AFF_ON  0
#define PSCI_AFF_OFF 1

struct psci {
    struct cpu *const *cpus;
    unsigned ncpus;
    enum psci_request request;
};

struct psci *psci_new(struct cpu *const *cpus, unsigned ncpus)
{
    struct psci *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->cpus = cpus;
    p->ncpus = ncpus;
    return p;
}
void psci_free(struct psci *p) { free(p); }

enum psci_request psci_take_request(struct psci *p)
{
    enum psci_request r = p->request;
    p->request = PSCI_REQ_NONE;
    return r;
}

/* MPIDR affinity fields Aff3 [39:32], Aff2..Aff0 [23:0]; cpu i has Aff0 = i. */
static struct cpu *find_cpu(struct psci *p, uint64_t mpidr)
{
    if (mpidr & ~0xff00ffffffull) return NULL;
    for (unsigned i = 0; i < p->ncpus; i++)
        if (mpidr == i) return p->cpus[i];
    return NULL;
}

static bool implemented(uint32_t fn)
{
    switch (fn) {
    case PSCI_VERSION: case PSCI_CPU_SUSPEND: case PSCI_CPU_SUSPEND | PSCI_FN_64BIT:
    case PSCI_CPU_OFF: case PSCI_CPU_ON: case PSCI_CPU_ON | PSCI_FN_64BIT:
    case PSCI_AFFINITY_INFO: case PSCI_AFFINITY_INFO | PSCI_FN_64BIT:
    case PSCI_MIGRATE_INFO_TYPE: case PSCI_SYSTEM_OFF: case PSCI_SYSTEM_RESET:
    case PSCI_FEATURES:
        return true;
    default:
        return false;
    }
}

bool psci_smccc(void *opaque, struct cpu *c, bool is_hvc, uint16_t imm)
{
    struct psci *p = opaque;
    uint64_t x0 = cpu_get_x(c, 0);
    uint32_t fn = (uint32_t)x0;
    bool is64 = fn & PSCI_FN_64BIT;
    uint64_t a1 = cpu_get_x(c, 1), a2 = cpu_get_x(c, 2), a3 = cpu_get_x(c, 3);
    int64_t ret;
    if (!is64) { a1 = (uint32_t)a1; a2 = (uint32_t)a2; a3 = (uint32_t)a3; }
    if (x0 >> 32) {                         /* W0 holds the function ID; upper bits must be 0 */
        cpu_set_x(c, 0, (uint64_t)(int64_t)PSCI_NOT_SUPPORTED);
        return true;
    }
    switch (fn) {
    case PSCI_VERSION:
        ret = PSCI_VERSION_1_1;
        break;
    case PSCI_FEATURES:
        ret = implemented((uint32_t)a1) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
        break;
    case PSCI_MIGRATE_INFO_TYPE:
        ret = 2;                            /* trusted OS not present or does not need migration */
        break;
    case PSCI_CPU_ON: case PSCI_CPU_ON | PSCI_FN_64BIT: {
        struct cpu *t = find_cpu(p, a1);
        if (!t) { ret = PSCI_INVALID_PARAMETERS; break; }
        if (!cpu_is_halted(t)) { ret = PSCI_ALREADY_ON; break; }
        /* Warm start: EL1h, MMU and caches off, PC = entry_point_address, x0 = context_id. */
        cpu_reset(t, a2);
        cpu_set_x(t, 0, a3);
        cpu_set_halted(t, false);
        ret = PSCI_SUCCESS;
        break;
    }
    case PSCI_CPU_OFF:
        cpu_set_halted(c, true);
        cpu_request_exit(c);
        return true;                         /* does not return to the caller */
    case PSCI_AFFINITY_INFO: case PSCI_AFFINITY_INFO | PSCI_FN_64BIT: {
        struct cpu *t = find_cpu(p, a1);
        if (!t || a2 != 0) { ret = PSCI_INVALID_PARAMETERS; break; }
        ret = cpu_is_halted(t) ? PSCI_AFF_OFF : PSCI_AFF_ON;
        break;
    }
    case PSCI_CPU_SUSPEND: case PSCI_CPU_SUSPEND | PSCI_FN_64BIT:
        /* power_state: StateID/StateType/affinity level fields beyond the core are unsupported */
        ret = (a1 & 0xfffe0000u) ? PSCI_INVALID_PARAMETERS : PSCI_SUCCESS;
        break;
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
        p->request = fn == PSCI_SYSTEM_OFF ? PSCI_REQ_SYSTEM_OFF : PSCI_REQ_SYSTEM_RESET;
        for (unsigned i = 0; i < p->ncpus; i++) {
            cpu_set_halted(p->cpus[i], true);
            cpu_request_exit(p->cpus[i]);
        }
        return true;
    default:
        ret = PSCI_NOT_SUPPORTED;           /* incl. MIGRATE, SMCCC_VERSION, ARCH_FEATURES */
        break;
    }
    cpu_set_x(c, 0, (uint64_t)ret);
    return true;
}
