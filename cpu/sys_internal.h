/* cpu/sys_internal.h — private to cpu/insn_system.c, cpu/sysreg.c and cpu/timing.c: the system
 * register descriptor table (so MRS/MSR can be bound to their register at decode time), the
 * generic-timer counter and the decoded-code invalidation entry points of exec.c. */
#ifndef FAULTLINE_CPU_SYS_INTERNAL_H
#define FAULTLINE_CPU_SYS_INTERNAL_H
#include "cpu/cpu_internal.h"

/* Result of an access check (Arm ARM D13 "The AArch64 System Register Descriptions", each
 * register's "Accessibility" pseudocode). */
enum sysreg_access {
    SRA_OK = 0,
    SRA_UNDEF,        /* UNDEFINED: ESR EC 0x00 */
    SRA_TRAP,         /* trapped to EL1 as an MSR/MRS/System instruction: EC 0x18 */
    SRA_FP_TRAP,      /* CPACR_EL1.FPEN trap: EC 0x07 */
    SRA_EL2,          /* trapped to EL2 (EC 0x18 there): emulated by cpu_hooks.sysreg_el2 */
};

enum {
    SRF_RO    = 1,    /* MSR is UNDEFINED (the write encoding is unallocated) */
    SRF_WO    = 2,    /* MRS is UNDEFINED */
    SRF_EXIT  = 4,    /* MSR leaves the fast loop (state the loop caches, pending interrupts) */
    SRF_FLUSH = 8,    /* MSR flushes the TLBs (translation controls) */
};

struct sysreg {
    uint32_t enc;                  /* SYSREG_ENC(op0, op1, CRn, CRm, op2) */
    const char *name;              /* as the Arm ARM spells it */
    int16_t slot;                  /* index into c->sr[] or -1 (constant or handler) */
    uint8_t min_el;                /* 0: accessible from EL0 (subject to `access`), 1: EL1 only */
    uint8_t flags;                 /* SRF_* */
    enum cpu_feature feat;         /* the register exists only with this feature */
    uint64_t reset;                /* reset value of the slot, or the constant if no slot */
    uint64_t wmask;                /* writable bits */
    uint64_t res1;                 /* bits that read as one */
    enum sysreg_access (*access)(struct cpu *c, const struct sysreg *r, bool write);
    uint64_t (*read)(struct cpu *c, const struct sysreg *r);
    void (*write)(struct cpu *c, const struct sysreg *r, uint64_t v);
};

/* The register with this encoding that exists under c's profile, or NULL. */
const struct sysreg *sysreg_find(const struct cpu *c, uint32_t enc);
/* Checked guest access for the instruction d (rt = the Rt field, for the trap syndrome). On
 * failure the exception has been taken and false is returned. */
bool sysreg_read_checked(struct cpu *c, const struct dinsn *d, const struct sysreg *r, unsigned rt, uint64_t *val);
bool sysreg_write_checked(struct cpu *c, const struct dinsn *d, const struct sysreg *r, unsigned rt, uint64_t val);
/* Take the EC 0x18 trap for an MSR/MRS/SYS instruction (ISS from the instruction word). */
const struct dinsn *sysreg_trap(struct cpu *c, const struct dinsn *d);

/* Generic timer (timing.c): the system counter in CNTFRQ_EL0 ticks, derived from the cycle
 * count (ARCHITECTURE.md decision 2: never the host clock). */
#define CNTFRQ_HZ 62500000ull
#define CPU_HZ    1000000000ull   /* modelled core clock: 1 cycle = 1 ns of virtual time */
uint64_t timing_counter(const struct cpu *c);
/* Called after a write to a timer register (CNTV_*, CNTP_*, CNTKCTL): the GIC/timer
 * interrupt wiring will hook here. */
void sysreg_timer_changed(struct cpu *c);

/* exec.c: drop decoded code (IC IALLU[IS], IC IVAU, DC ... to code pages). */
void cpu_code_invalidate_all(struct cpu *c);
void cpu_code_invalidate_pa(struct cpu *c, uint64_t pa, uint64_t len);

#endif
