/* cpu/cpu.h — public contract of the A64 vCPU: state access, running, interrupt lines and the
 * native-firmware/hypervisor hooks. EL2 and EL3 are not interpreted: what the architecture
 * routes there (HVC, SMC, later stage-2 aborts) is handed to C code through cpu_hooks. */
#ifndef FAULTLINE_CPU_H
#define FAULTLINE_CPU_H
#include <stdbool.h>
#include <stdint.h>
#include "mmu/mmu.h"

struct bus;
struct cpu;
struct cpu_shared;

/* -cpu profiles: decide the ID registers and so which optional instructions decode. */
enum cpu_profile {
    CPU_PROFILE_CORTEX_A57 = 0,   /* ARMv8.0-A: what Debian's kernel was measured running */
    CPU_PROFILE_MAX,              /* everything faultline implements beyond v8.0 (LSE, ...) */
};
int cpu_profile_parse(const char *name, enum cpu_profile *out);  /* 0 ok, -1 unknown */
const char *cpu_profile_name(enum cpu_profile p);

/* Optional architecture features, gated at decode (ARCHITECTURE.md decision 7). */
enum cpu_feature {
    FEAT_BASE = 0,   /* always present */
    FEAT_CRC32,
    FEAT_LSE,        /* ARMv8.1 atomics */
    FEAT_LRCPC,      /* LDAPR */
    FEAT_FP,         /* FP and AdvSIMD */
    FEAT_AES, FEAT_PMULL, FEAT_SHA1, FEAT_SHA256,
    FEAT_PAN, FEAT_UAO,
    FEAT__COUNT
};
bool cpu_has_feature(const struct cpu *c, enum cpu_feature f);

/* ---- EL2 state owned by the native hypervisor (docs/hv.md) --------------------------------
 * The interpreter never runs EL2 code: these are the EL2 registers that change how EL1/EL0
 * execute, written only by the C hypervisor through cpu_set_el2_state(). From EL1 every EL2
 * register stays UNDEFINED (no sysreg row). All zero (the reset value) = no hypervisor. */
#define HCR_EL2_VM   (1ull << 0)    /* stage 2 on (Arm ARM D13.2.46) */
#define HCR_EL2_FMO  (1ull << 3)    /* physical FIQ → EL2, virtual FIQ to EL1 */
#define HCR_EL2_IMO  (1ull << 4)    /* physical IRQ → EL2, virtual IRQ to EL1 */
#define HCR_EL2_TWI  (1ull << 13)   /* WFI at EL0/EL1 traps to EL2 (the wfx_el2 hook) */
#define HCR_EL2_TWE  (1ull << 14)   /* WFE at EL0/EL1 traps to EL2 (the wfx_el2 hook) */
#define HCR_EL2_TSC  (1ull << 19)   /* SMC from EL1 traps to EL2 (the smccc hook, is_hvc = 0) */
struct cpu_el2 {
    uint64_t hcr;          /* HCR_EL2 */
    uint64_t vtcr, vttbr;  /* VTCR_EL2, VTTBR_EL2 (VMID in [63:48] / [55:48]) */
    uint64_t vpidr;        /* VPIDR_EL2: what MIDR_EL1 reads at EL1 (0: the real MIDR) */
    uint64_t vmpidr;       /* VMPIDR_EL2: what MPIDR_EL1 reads at EL1 (used when HCR_EL2.VM) */
    uint64_t cntvoff;      /* CNTVOFF_EL2: virtual count = physical count - cntvoff (CNTVCT_EL0,
                              the virtual timer; not the WFE event stream) */
    uint64_t cnthctl;      /* CNTHCTL_EL2: EL1PCEN = 0 traps EL0/EL1 accesses to CNTP_CTL/CVAL/
                              TVAL_EL0 to EL2 (the sysreg_el2 hook); EL1PCTEN is recorded */
};
#define CNTHCTL_EL2_EL1PCTEN (1ull << 0)
#define CNTHCTL_EL2_EL1PCEN  (1ull << 1)
/* Install the EL2 state; a change of HCR_EL2.VM, VTCR_EL2 or VTTBR_EL2 flushes the vCPU's soft
 * TLBs and decoded-code TLB (as TLBI VMALLS12E1 would). */
void cpu_set_el2_state(struct cpu *c, const struct cpu_el2 *s);
void cpu_get_el2_state(const struct cpu *c, struct cpu_el2 *s);
/* TLBI VMALLS12E1 from the hypervisor (after a p2m change). */
void cpu_tlb_flush_stage2(struct cpu *c);

/* A stage-2 abort (ESR_EL2.EC 0x24 data / 0x20 instruction abort from a lower EL, Arm ARM
 * D17.2.37) handed to the hypervisor instead of the guest's EL1 vector. */
struct cpu_s2_abort {
    uint32_t esr;          /* ESR_EL2: EC, IL, ISS (ISV/SAS/SSE/SRT/SF/AR when ISV, WnR, S1PTW, CM, DFSC) */
    uint64_t far;          /* FAR_EL2: the faulting VA */
    uint64_t hpfar;        /* HPFAR_EL2: FIPA = IPA[47:12] in bits [43:4] */
    uint64_t pc;           /* the faulting instruction (ELR_EL2) */
};
enum cpu_s2_action {
    CPU_S2_RETRY = 0,      /* the hypervisor fixed the p2m: re-execute the instruction */
    CPU_S2_SKIP,           /* emulated (MMIO done, Rt written): continue after it */
    CPU_S2_INJECT,         /* inject an abort into EL1 (xen-arm.md §1.4: ISS = 0, FAR_EL1 = VA) */
    CPU_S2_HANDLED,        /* the hypervisor already set PC/PSTATE itself */
};
/* ESR_EL2 fields (D17.2.37, ISS encoding for a Data Abort). */
#define ESR_EC_SHIFT   26
#define ESR_ISS_ISV    (1u << 24)
#define ESR_ISS_SAS(e) (((e) >> 22) & 3)
#define ESR_ISS_SSE    (1u << 21)
#define ESR_ISS_SRT(e) (((e) >> 16) & 31)
#define ESR_ISS_SF     (1u << 15)
#define ESR_ISS_AR     (1u << 14)
#define ESR_ISS_FNV    (1u << 10)
#define ESR_ISS_CM     (1u << 8)
#define ESR_ISS_S1PTW  (1u << 7)
#define ESR_ISS_WNR    (1u << 6)
#define ESR_ISS_DFSC(e) ((e) & 0x3f)

/* Hooks from the CPU to the board / native hypervisor. */
struct cpu_hooks {
    void *opaque;
    /* HVC or SMC #imm executed at EL1 and routed to the native firmware (PSCI/SMCCC) or to the
     * native hypervisor. The handler reads/writes X0..X17 with cpu_get_x/cpu_set_x. Return true
     * if it was handled (execution continues after the instruction); false makes it UNDEFINED
     * to the guest (as on a machine without EL2/EL3). */
    bool (*smccc)(void *opaque, struct cpu *c, bool is_hvc, uint16_t imm);
    /* Console / logging of guest errors (may be NULL). */
    void (*log)(void *opaque, const char *msg);
    /* Generic timer output: the level of this vCPU's timer interrupt `intid` (PPI 27 virtual,
     * 30 EL1 physical) changed. */
    void (*timer_irq)(void *opaque, struct cpu *c, unsigned intid, bool level);
    /* System registers that live outside the PE: the GICv3 CPU interface (ICC_*). Return false
     * if the register does not exist (the access is UNDEFINED). */
    bool (*sysreg_ext_read)(void *opaque, struct cpu *c, uint32_t enc, uint64_t *val);
    bool (*sysreg_ext_write)(void *opaque, struct cpu *c, uint32_t enc, uint64_t val);
    /* Native hypervisor (may be NULL: then a stage-2 abort is injected into EL1 as under
     * CPU_S2_INJECT, and a physical IRQ routed to EL2 is left pending). */
    enum cpu_s2_action (*stage2_abort)(void *opaque, struct cpu *c, const struct cpu_s2_abort *info);
    /* A physical IRQ (irq = true) or FIQ taken to EL2 (HCR_EL2.IMO/FMO, whatever PSTATE.I/F):
     * the hypervisor acknowledges it at the physical GIC. */
    void (*irq_el2)(void *opaque, struct cpu *c, bool irq);
    /* WFI/WFE trapped to EL2 by HCR_EL2.TWI/TWE (ESR_EL2.EC 0x01, ISS.TI = 1 for WFE). The
     * vCPU's PC is already past the instruction; the hypervisor blocks the vCPU
     * (cpu_wait_for_interrupt) or lets it yield its time slice (cpu_request_exit). */
    void (*wfx_el2)(void *opaque, struct cpu *c, bool is_wfe, uint32_t esr);
    /* An MRS/MSR trapped to EL2 (ESR_EL2.EC 0x18): CNTP_CTL_EL0/CNTP_CVAL_EL0/CNTP_TVAL_EL0 at
     * EL1 (or at EL0 when CNTKCTL_EL1.EL0PTEN allows it) while CNTHCTL_EL2.EL1PCEN == 0. The
     * hypervisor emulates it: *val is the value written, or receives the value read. Return
     * false to make the access UNDEFINED. NULL: no EL2 (CNTHCTL_EL2 is not looked at). */
    bool (*sysreg_el2)(void *opaque, struct cpu *c, uint32_t enc, bool is_write, uint64_t *val);
};
/* Put the vCPU in the WFI low-power state: it runs again when an interrupt (physical or
 * virtual) is pending for it — what a hypervisor's vcpu_block does for a trapped WFI. */
void cpu_wait_for_interrupt(struct cpu *c);

struct cpu_config {
    enum cpu_profile profile;
    unsigned index;          /* vCPU number 0..N-1 */
    uint64_t mpidr;          /* MPIDR_EL1 affinity value */
    bool gicv3_sysregs;      /* the GICv3 system-register CPU interface exists (ICC_*,
                                ID_AA64PFR0_EL1.GIC = 1) */
};

/* Generic timer (D11.2): re-evaluate the timer outputs after time advanced, and the cycle
 * count at which the next unmasked timer fires (UINT64_MAX: none armed). */
void cpu_timer_update(struct cpu *c);
uint64_t cpu_timer_next_cycles(const struct cpu *c);
/* The physical count (CNTPCT_EL0) of this vCPU, and the first cycle count at which the
 * physical count reaches `count` (for a software timer's deadline). */
uint64_t cpu_counter(const struct cpu *c);
uint64_t cpu_counter_cycles(uint64_t count);

/* A cpu_shared holds what all vCPUs of one machine share: the decoded-code cache and the
 * global exclusive monitor. */
struct cpu_shared *cpu_shared_new(struct bus *bus);
void cpu_shared_free(struct cpu_shared *s);

struct cpu *cpu_new(struct cpu_shared *s, const struct cpu_config *cfg, const struct cpu_hooks *hooks);
void cpu_free(struct cpu *c);
/* Architectural reset into AArch64 EL1h with MMU off, DAIF masked, PC = entry. */
void cpu_reset(struct cpu *c, uint64_t entry);

/* Why cpu_run returned. */
enum cpu_exit {
    CPU_EXIT_BUDGET = 0,     /* ran the requested number of instructions */
    CPU_EXIT_WFI,            /* executing WFI/WFE with nothing pending: idle until an event */
    CPU_EXIT_HALTED,         /* powered off (PSCI CPU_OFF/SYSTEM_OFF) or not yet started */
    CPU_EXIT_REQUEST,        /* cpu_request_exit() or a hook asked the machine loop to look */
    CPU_EXIT_DEBUG,          /* breakpoint / watchpoint / single-step (gdb stub) */
};
/* Run at most max_insns instructions. Interrupts are taken at block boundaries. */
enum cpu_exit cpu_run(struct cpu *c, uint64_t max_insns);
void cpu_request_exit(struct cpu *c);

/* Power state (PSCI). */
void cpu_set_halted(struct cpu *c, bool halted);
bool cpu_is_halted(const struct cpu *c);

/* Interrupt lines into the PE (level-sensitive). */
enum cpu_irq_line { CPU_IRQ = 0, CPU_FIQ, CPU_VIRQ, CPU_VFIQ, CPU_VSERROR, CPU_SERROR };
void cpu_set_irq_line(struct cpu *c, enum cpu_irq_line line, bool level);
/* Wake a vCPU in WFE (SEV / event stream). */
void cpu_send_event(struct cpu *c);

/* Register state. n = 0..30; 31 reads as zero. */
uint64_t cpu_get_x(const struct cpu *c, unsigned n);
void cpu_set_x(struct cpu *c, unsigned n, uint64_t v);
uint64_t cpu_get_sp(const struct cpu *c);             /* current SP */
void cpu_set_sp(struct cpu *c, uint64_t v);
uint64_t cpu_get_pc(const struct cpu *c);
void cpu_set_pc(struct cpu *c, uint64_t pc);
uint32_t cpu_get_nzcv(const struct cpu *c);           /* bits 31:28 */
void cpu_set_nzcv(struct cpu *c, uint32_t nzcv);
uint64_t cpu_get_pstate(const struct cpu *c);         /* SPSR layout: NZCV, DAIF, EL, SP, ... */
void cpu_set_pstate(struct cpu *c, uint64_t spsr_layout);
unsigned cpu_current_el(const struct cpu *c);
/* SIMD&FP state (cpu/fp_state.c). V registers as 16 bytes, lane 0 first (little-endian);
 * n = 0..31. FPCR/FPSR setters keep only the bits MSR can write (AHP DN FZ RMode; NZCV QC
 * IDC IXC UFC OFC DZC IOC). No CPACR_EL1.FPEN check: debugger/test access. */
void cpu_get_v(const struct cpu *c, unsigned n, uint8_t out[16]);
void cpu_set_v(struct cpu *c, unsigned n, const uint8_t in[16]);
uint32_t cpu_get_fpcr(const struct cpu *c);
uint32_t cpu_get_fpsr(const struct cpu *c);
void cpu_set_fpcr(struct cpu *c, uint32_t fpcr);
void cpu_set_fpsr(struct cpu *c, uint32_t fpsr);
/* System register by MRS/MSR encoding (op0:op1:CRn:CRm:op2 packed as in sysreg_enc()). Returns
 * false if the register does not exist. Debug access: no traps, no side effects on reads. */
#define SYSREG_ENC(op0, op1, crn, crm, op2) \
    ((uint32_t)(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2)))
bool cpu_read_sysreg(struct cpu *c, uint32_t enc, uint64_t *val);
bool cpu_write_sysreg(struct cpu *c, uint32_t enc, uint64_t val);
const char *cpu_sysreg_name(uint32_t enc);

/* Counters: instructions retired and cycles from the cost model. Guest time derives from
 * cycles (never the host clock). */
uint64_t cpu_icount(const struct cpu *c);
uint64_t cpu_cycles(const struct cpu *c);
void cpu_add_cycles(struct cpu *c, uint64_t n);
unsigned cpu_index(const struct cpu *c);

/* Statistics for the exit summary. */
struct cpu_stats {
    uint64_t exceptions_by_ec[64];   /* synchronous exceptions taken, by ESR.EC */
    uint64_t irqs, fiqs, serrors;    /* asynchronous exceptions taken */
    uint64_t tlb_misses, decoded_insns, code_invalidations;
    uint64_t s2_aborts;              /* stage-2 aborts handed to the hypervisor */
    uint64_t el2_irqs, virqs;        /* physical IRQs taken to EL2; virtual IRQs taken at EL1 */
};
const struct cpu_stats *cpu_get_stats(const struct cpu *c);

/* Debugger support (gdb stub, UI). Breakpoints and watchpoints are shared by all vCPUs of a
 * machine, by guest virtual address. While any is set, or a vCPU is single-stepping, cpu_run
 * runs instruction by instruction and returns CPU_EXIT_DEBUG when one hits: a breakpoint
 * before the instruction at its address executes, a watchpoint after the accessing
 * instruction completes. */
enum cpu_watch_kind { CPU_WATCH_WRITE = 1, CPU_WATCH_READ = 2, CPU_WATCH_ACCESS = 3 };
int cpu_breakpoint_insert(struct cpu *c, uint64_t va);
int cpu_breakpoint_remove(struct cpu *c, uint64_t va);
int cpu_watchpoint_insert(struct cpu *c, uint64_t va, uint64_t len, enum cpu_watch_kind kind);
int cpu_watchpoint_remove(struct cpu *c, uint64_t va, uint64_t len, enum cpu_watch_kind kind);
void cpu_set_single_step(struct cpu *c, bool on);
/* After CPU_EXIT_DEBUG: what hit (0 none/step, 1 breakpoint, 2 watchpoint) and the data
 * address for a watchpoint. */
int cpu_debug_stop_reason(const struct cpu *c, uint64_t *addr, enum cpu_watch_kind *kind);

/* Debug access to guest memory through the current translation (gdb, UI). Returns bytes done. */
size_t cpu_debug_read(struct cpu *c, uint64_t va, void *buf, size_t len);
size_t cpu_debug_write(struct cpu *c, uint64_t va, const void *buf, size_t len);

/* Decode-table introspection (differential tests, coverage reports). */
unsigned a64_pattern_count(void);
/* Row i of the encoding tables: its name, and the fixed bits (mask/value). NULL past the end. */
const char *a64_pattern_row(unsigned i, uint32_t *mask, uint32_t *value);
/* Name of the table row that decodes insn under c's profile, or NULL if UNDEFINED. */
const char *cpu_decode_name(const struct cpu *c, uint32_t insn);

/* Disassemble one instruction to f in QEMU's `-d in_asm` style (cpu/disas.c, capstone). */
void cpu_disas_log(void *f /* FILE* */, uint64_t pc, uint32_t insn);

/* Logging (-d): bit flags set by the machine. */
enum { CPU_LOG_IN_ASM = 1, CPU_LOG_INT = 2, CPU_LOG_MMU = 4, CPU_LOG_GUEST_ERRORS = 8 };
void cpu_set_log(struct cpu *c, unsigned mask, void *logfile /* FILE* */);
/* Trace stream (machine/trace.h): EXC-TAKEN / EXC-RETURN records for EL1 exception entry and
 * ERET. NULL (the default) costs one predictable branch per exception. */
struct tracer;
void cpu_set_tracer(struct cpu *c, struct tracer *tr);

#endif
