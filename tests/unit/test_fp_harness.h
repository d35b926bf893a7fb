/* tests/unit/test_fp_harness.h — shared by the FP/AdvSIMD unit tests: a vCPU over 1 MiB of RAM
 * at 0x40000000 that runs single instructions placed at fresh addresses (so the decoded-code
 * cache never sees a changed word), with CPACR_EL1.FPEN = 0b11. White-box: reads V registers,
 * FPCR/FPSR and ESR_EL1 from struct cpu directly. */
#ifndef TEST_FP_HARNESS_H
#define TEST_FP_HARNESS_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "cpu/cpu_internal.h"
#include "cpu/fpu.h"
#include "machine/machine.h"

#define RAM      0x40000000ull
#define RAM_SIZE (1u << 20)
#define DATA     (RAM + 0x80000)     /* scratch data area used by load/store tests */

struct fpt {
    struct bus *b;
    uint8_t *ram;
    struct cpu_shared *sh;
    struct cpu *c;
    uint64_t off;                      /* next free code offset */
};
static struct fpt T_;

static int fpt_setup(void **state)
{
    (void)state;
    T_.b = bus_new();
    T_.ram = bus_map_ram(T_.b, "ram", mk_pa(RAM), RAM_SIZE, NULL);
    T_.sh = cpu_shared_new(T_.b);
    struct cpu_config cfg = { .profile = CPU_PROFILE_CORTEX_A57 };
    T_.c = cpu_new(T_.sh, &cfg, NULL);
    cpu_reset(T_.c, RAM);
    T_.c->sr[SR_CPACR_EL1] = 3u << 20;
    T_.c->sr[SR_VBAR_EL1] = RAM + 0x70000;
    T_.off = 0;
    return 0;
}
static int fpt_teardown(void **state)
{
    (void)state;
    cpu_free(T_.c);
    cpu_shared_free(T_.sh);
    bus_free(T_.b);
    return 0;
}
/* Run a sequence of instructions (each executed once, in order). */
static void run_seq(const uint32_t *insns, unsigned n)
{
    uint64_t start = T_.off;
    for (unsigned i = 0; i < n; i++) memcpy(T_.ram + T_.off + 4 * i, &insns[i], 4);
    T_.off += 4 * n;
    assert_true(T_.off < 0x70000);
    cpu_set_pc(T_.c, RAM + start);
    cpu_run(T_.c, n);
}
static void run1(uint32_t insn) { run_seq(&insn, 1); }

static inline union vreg *V(unsigned n) { return &T_.c->v[n]; }
static inline void setd(unsigned n, uint64_t lo) { V(n)->d[0] = lo; V(n)->d[1] = 0; }
static inline void setq(unsigned n, uint64_t lo, uint64_t hi) { V(n)->d[0] = lo; V(n)->d[1] = hi; }
static inline void sets(unsigned n, uint32_t v) { V(n)->d[0] = v; V(n)->d[1] = 0; }
static inline void set_fpcr(uint32_t v) { T_.c->sr[SR_FPCR] = v; }
static inline uint32_t fpsr(void) { return (uint32_t)T_.c->sr[SR_FPSR]; }
static inline void clr_fpsr(void) { T_.c->sr[SR_FPSR] = 0; }
static inline uint64_t dbits(double x) { uint64_t r; memcpy(&r, &x, 8); return r; }
static inline uint32_t fbits(float x) { uint32_t r; memcpy(&r, &x, 4); return r; }
#define RM_RN (0u << 22)
#define RM_RP (1u << 22)
#define RM_RM (2u << 22)
#define RM_RZ (3u << 22)

#endif
