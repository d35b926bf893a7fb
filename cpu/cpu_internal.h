/* cpu/cpu_internal.h — private to cpu/: vCPU state, the decoded-instruction format and the
 * helpers every instruction handler uses. Nothing outside cpu/ includes this. */
#ifndef FAULTLINE_CPU_INTERNAL_H
#define FAULTLINE_CPU_INTERNAL_H
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include "cpu/cpu.h"
#include "machine/machine.h"
#include "mmu/mmu.h"
#include "cpu/tlb_model.h"
#include "cpu/ctlb.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Register file indices. Decoders map the 5-bit register fields onto these so that handlers
 * never test for register 31: a field that names XZR as a *source* reads x[REG_ZR] (always 0),
 * a field that names XZR as a *destination* writes x[REG_SINK] (discarded), and a field where
 * 31 means SP uses x[REG_SP] (the current stack pointer, banked on EL/SPSel changes). */
#define REG_ZR   31
#define REG_SP   32
#define REG_SINK 33
#define NREGS    34

struct cpu;
struct dinsn;
/* An instruction handler executes one decoded instruction and returns the next one to run.
 * It returns NULL when the run loop must leave the fast path; it has then set c->pc to the
 * address to continue at (the next instruction, a branch target, or an exception vector). */
typedef const struct dinsn *(*exec_fn)(struct cpu *c, const struct dinsn *d);

/* A decoded instruction (32 bytes). Decoders fill the operand fields; each handler documents
 * which it uses. */
struct dinsn {
    exec_fn  fn;
    uint32_t raw;        /* the instruction word */
    uint8_t  rd, rn, rm, ra;
    uint8_t  cost;       /* cycles (timing.c), charged when the instruction is dispatched */
    uint8_t  sz, a, b;   /* small operands: size/sf, shift type/amount, cond, option ... */
    uint64_t imm;        /* pre-decoded immediate / mask */
};

/* Decoded page: one 4 KiB guest physical page of instructions, plus a sentinel entry at
 * index 1024 that continues on the next page. Dropped code is re-decoded lazily: an entry
 * whose fn is exec_lazy_decode decodes itself on first execution, so pointers into a page
 * stay valid for the life of the machine (invalidation = reset entries to lazy). */
#define DPAGE_INSNS 1024
struct dpage {
    uint64_t pa;             /* page-aligned PA */
    uint8_t *host;           /* host pointer to the page's bytes (RAM) */
    struct dpage *hnext;     /* hash chain */
    uint32_t live;           /* number of decoded entries (0: page has no live code) */
    struct dinsn insns[DPAGE_INSNS + 1];
};

#define CODE_HASH_BITS 12
struct cpu_shared {
    struct bus *bus;
    struct dpage *hash[1u << CODE_HASH_BITS];
    struct cpu *cpus[16];
    unsigned ncpus;
    uint64_t code_gen;       /* bumped whenever any decoded page is dropped */
    /* debugger state (exec.c): shared by all vCPUs, by VA */
    uint64_t bp[64];
    unsigned nbp;
    struct { uint64_t va, len; unsigned kind; } wp[16];
    unsigned nwp;
    /* global exclusive monitor (one reservation per vCPU lives in struct cpu) */
};

/* Instruction-fetch cache: VA page -> decoded page, for the current regime. */
#define ITLB_SIZE 64
struct itlb_entry {
    uint64_t va;             /* page VA, or SOFT_TLB_INVALID */
    struct dpage *dp;
};

/* Cost-model instruction classes (timing.c maps them to cycles per core profile). */
enum insn_class {
    IC_ALU = 0, IC_ALU_SHIFT, IC_MOVE, IC_BRANCH, IC_BRANCH_REG, IC_CSEL, IC_MUL, IC_MUL64,
    IC_DIV32, IC_DIV64, IC_BITOP, IC_CRC, IC_LOAD, IC_STORE, IC_LOAD_PAIR, IC_STORE_PAIR,
    IC_EXCL, IC_ATOMIC, IC_BARRIER, IC_SYSREG, IC_EXC, IC_NOP, IC_CACHE, IC_FP, IC_SIMD,
    IC__COUNT
};

/* Storage slots of the system registers that have state. sysreg.c maps encodings to these. */
enum sysreg_idx {
    SR_SCTLR_EL1, SR_ACTLR_EL1, SR_CPACR_EL1, SR_TTBR0_EL1, SR_TTBR1_EL1, SR_TCR_EL1,
    SR_MAIR_EL1, SR_AMAIR_EL1, SR_CONTEXTIDR_EL1, SR_VBAR_EL1, SR_ESR_EL1, SR_FAR_EL1,
    SR_ELR_EL1, SR_SPSR_EL1, SR_PAR_EL1, SR_TPIDR_EL0, SR_TPIDRRO_EL0, SR_TPIDR_EL1,
    SR_AFSR0_EL1, SR_AFSR1_EL1, SR_MDSCR_EL1, SR_CNTKCTL_EL1, SR_FPCR, SR_FPSR,
    SR_SPSR_IRQ, SR_SPSR_ABT, SR_SPSR_UND, SR_SPSR_FIQ,
    SR_CSSELR_EL1, SR_OSLSR_EL1, SR_OSDLR_EL1,
    SR_CNTV_CTL_EL0, SR_CNTV_CVAL_EL0, SR_CNTP_CTL_EL0, SR_CNTP_CVAL_EL0,
    SR_PMCR_EL0, SR_PMUSERENR_EL0, SR_PMCNTENSET_EL0, SR_PMINTENSET_EL1, SR_PMOVSSET_EL0,
    SR_PMSELR_EL0, SR_PMCCNTR_EL0, SR_PMCCFILTR_EL0,
    SR_DBGBCR0_EL1, SR_DBGBVR0_EL1 = SR_DBGBCR0_EL1 + 16, SR_DBGWCR0_EL1 = SR_DBGBVR0_EL1 + 16,
    SR_DBGWVR0_EL1 = SR_DBGWCR0_EL1 + 16, SR_DBG_END = SR_DBGWVR0_EL1 + 16,
    SR__EXTRA = SR_DBG_END,
    SR__COUNT = SR__EXTRA + 64,    /* room for registers added later */
};

/* ---- SIMD&FP register file (owned by the fp helper: cpu/insn_fp*.c, cpu/insn_simd*.c) ----
 * V0..V31, 128 bits each, little-endian lane order (lane 0 = least significant bits). FPCR and
 * FPSR live in c->sr[SR_FPCR] / c->sr[SR_FPSR]. */
union vreg {
    uint8_t  b[16];
    uint16_t h[8];
    uint32_t s[4];
    uint64_t d[2];
    int8_t   sb[16];
    int16_t  sh[8];
    int32_t  ss[4];
    int64_t  sd[2];
    float    f[4];
    double   df[2];
} __attribute__((aligned(16)));

struct cpu {
    /* SIMD&FP registers V0-V31 (first, so they keep their 16-byte alignment cheaply). */
    union vreg v[32];
    uint64_t x[NREGS];
    uint32_t nzcv;                 /* PSTATE.NZCV in bits 31:28 */
    /* cached fast-path state */
    uint64_t cur_va;               /* VA of the page that cur_insns decodes */
    struct dinsn *cur_insns;       /* insns[] of the current decoded page */
    struct soft_tlb *tlb;          /* TLB of the current regime (EL0 or EL1 access rights) */

    uint64_t pc;                   /* valid whenever the fast loop is not running */
    unsigned el;                   /* PSTATE.EL: 0 or 1 (EL2/EL3 are native) */
    unsigned spsel;                /* PSTATE.SP */
    uint32_t daif;                 /* PSTATE.DAIF in bits 9:6 */
    bool pan, uao, ss, il;
    uint64_t sp_el[2];             /* banked SP_EL0, SP_EL1 (the live one is in x[REG_SP]) */

    /* system registers: storage indexed by enum sysreg_idx (sysreg.c owns the encodings) */
    uint64_t sr[SR__COUNT];

    uint64_t icount, cycles, cycles_extra;
    unsigned irq_lines;            /* bit per enum cpu_irq_line */
    volatile bool exit_request;    /* return from cpu_run to the machine loop */
    volatile bool attention;       /* leave the current block: re-check interrupts, go on */
    bool timer_level[2];           /* generic timer outputs: [0] virtual, [1] EL1 physical */
    bool wfe;                      /* the wait (c->wfi) is a WFE: events wake it */
    uint64_t wfe_since;            /* system counter when the WFE started (event stream) */
    bool halted, wfi, event_register;
    bool mmu_on;                   /* SCTLR_EL1.M */
    struct cpu_el2 el2;            /* hypervisor-owned EL2 state (cpu_set_el2_state) */
    bool s2_on;                    /* HCR_EL2.VM: s2 is the stage-2 regime */
    struct mmu_regime s2;
    struct mmu_s2_cache *s2_cache; /* stage-2 walk cache of s2 (allocated with HCR_EL2.VM) */

    /* exclusive monitor (local) */
    bool excl_valid;
    uint64_t excl_addr, excl_size;
    uint64_t excl_val[2];          /* value(s) the load-exclusive read (cpu/insn_ldst.c) */

    struct soft_tlb tlb_el[2];     /* per-EL regimes */
    struct itlb_entry itlb[ITLB_SIZE];
    uint64_t itlb_gen;

    struct cpu_shared *sh;
    struct bus *bus;
    struct cpu_config cfg;
    struct cpu_hooks hooks;
    uint64_t features;             /* bitmask of enum cpu_feature */
    uint8_t class_cost[IC__COUNT];
    struct cpu_stats stats;
    unsigned log_mask;
    FILE *logf;
    struct tracer *tr;             /* trace stream (exception taken/returned), NULL: off */
    struct dinsn scratch;          /* for executing an instruction outside a decoded page */
    /* debugger */
    bool single_step;
    int debug_reason;              /* 0 step, 1 breakpoint, 2 watchpoint */
    bool wp_hit;
    uint64_t wp_addr;
    unsigned wp_kind;
    /* cost model: the Cortex-A57 TLBs (cpu/tlb_model.h), consulted on soft-TLB misses only */
    struct tlb_model tlbm;
    /* the soft TLB's ASID/VMID-tagged second level (cpu/ctlb.h): walks kept across TTBR/VTTBR
     * switches, consulted on fast-TLB misses */
    struct ctlb ctlb;
};

/* PC of a decoded instruction of the current page. */
static inline uint64_t pc_of(const struct cpu *c, const struct dinsn *d)
{
    return c->cur_va + ((uint64_t)(d - c->cur_insns) << 2);
}

/* Continue at `target` (branches, exception vectors). Stays on the fast path within a page. */
const struct dinsn *cpu_fetch(struct cpu *c, uint64_t target);
static inline const struct dinsn *cpu_branch(struct cpu *c, uint64_t target)
{
    if (likely((target & ~0xfffull) == c->cur_va && !(target & 3)))
        return c->cur_insns + ((target & 0xfff) >> 2);
    return cpu_fetch(c, target);
}
/* Leave the fast loop, continuing at the next instruction (after MSR DAIF, TLBI, ...). */
static inline const struct dinsn *cpu_exit_next(struct cpu *c, const struct dinsn *d)
{
    c->pc = pc_of(c, d) + 4;
    return NULL;
}

/* ---- exceptions (exception.c) ----
 * ESR exception classes (Arm ARM D17.2.37). */
enum {
    EC_UNKNOWN = 0x00, EC_WFX = 0x01, EC_FP_ACCESS = 0x07, EC_ILLEGAL_STATE = 0x0e,
    EC_SVC64 = 0x15, EC_HVC64 = 0x16, EC_SMC64 = 0x17, EC_SYSREG = 0x18,
    EC_IABT_LOWER = 0x20, EC_IABT_SAME = 0x21, EC_PC_ALIGN = 0x22,
    EC_DABT_LOWER = 0x24, EC_DABT_SAME = 0x25, EC_SP_ALIGN = 0x26, EC_FP_EXC64 = 0x2c,
    EC_SERROR = 0x2f, EC_BRK64 = 0x3c,
};
#define ESR_IL (1u << 25)
/* ISS.CV = 1, ISS.COND = 0b1110 (AL): what a trap of a conditional-capable instruction taken
 * from AArch64 reports (D17.2.37: WFx, SIMD&FP access traps). */
#define ESR_ISS_CV_COND_AL (1u << 24 | 0xeu << 20)
/* Take a synchronous exception to EL1 for the instruction at `pc`. Always returns NULL. */
const struct dinsn *cpu_take_sync(struct cpu *c, uint64_t pc, uint32_t esr, uint64_t far, bool far_valid);
/* The instruction d is UNDEFINED. */
const struct dinsn *cpu_undef(struct cpu *c, const struct dinsn *d);
/* Take a pending, unmasked asynchronous exception if any (called between blocks). */
bool cpu_check_interrupts(struct cpu *c);
/* Change EL / SPSel, re-banking SP and switching the TLB regime. */
void cpu_set_el_sp(struct cpu *c, unsigned el, unsigned spsel);
uint64_t cpu_pack_pstate(const struct cpu *c);
void cpu_eret(struct cpu *c, uint64_t spsr, uint64_t elr);

/* ---- memory (mem.c) ----
 * Access flags for the slow path. */
enum {
    MEM_UNPRIV   = 1,   /* LDTR/STTR: EL0 permissions */
    MEM_EXCL     = 2,   /* exclusive / atomic: Device or unaligned → alignment fault */
    MEM_ACQREL   = 4,
    MEM_ALIGNED  = 8,   /* must be aligned regardless of memory type (exclusives, atomics) */
};
/* Slow paths: translate, check, access. On failure they take the exception (data abort with
 * the right ESR/FAR for the instruction d) and return false. */
bool mem_read_slow(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned size, uint64_t *val, unsigned flags);
bool mem_write_slow(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned size, uint64_t val, unsigned flags);
/* Host pointer for a whole aligned RAM page access (DC ZVA, atomics); NULL + exception taken on
 * fault. */
uint8_t *mem_host_ptr(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned size, bool write, unsigned flags);

static inline uint64_t host_load(const void *p, unsigned size)
{
    switch (size) {
    case 1: return *(const uint8_t *)p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}
static inline void host_store(void *p, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: *(uint8_t *)p = (uint8_t)v; break;
    case 2: { uint16_t t = (uint16_t)v; memcpy(p, &t, 2); break; }
    case 4: { uint32_t t = (uint32_t)v; memcpy(p, &t, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

/* Fast-path load/store: one TLB compare, then a host access. size = 1,2,4,8. */
static inline bool mem_read(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned size, uint64_t *val)
{
    const struct soft_tlb_entry *e = &c->tlb->r[soft_tlb_index(va)];
    if (likely(e->tag == (va & (PAGE_MASK | (size - 1))))) {
        *val = host_load((const void *)(uintptr_t)(va + e->addend), size);
        return true;
    }
    return mem_read_slow(c, d, va, size, val, 0);
}
static inline bool mem_write(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned size, uint64_t val)
{
    const struct soft_tlb_entry *e = &c->tlb->w[soft_tlb_index(va)];
    if (likely(e->tag == (va & (PAGE_MASK | (size - 1))))) {
        host_store((void *)(uintptr_t)(va + e->addend), size, val);
        return true;
    }
    return mem_write_slow(c, d, va, size, val, 0);
}
/* Every cached translation goes: the fast soft TLBs, the itlb and the tagged second level
 * (SCTLR/TCR/MAIR_EL1, PAN/UAO, watchpoints, reset). */
void cpu_tlb_flush_all(struct cpu *c);
/* A context switch (TTBR0/TTBR1/CONTEXTIDR_EL1 write, VTTBR_EL2 VMID/base change): the fast
 * soft TLBs and the itlb go (the cost model sees their misses: guest-visible), the tagged second
 * level stays. */
void cpu_tlb_flush_fast(struct cpu *c);

/* ---- decode (decode.c) ---- */
struct a64_pattern {
    const char *name;
    const char *bits;        /* 32 pattern characters, MSB first ('0'/'1' fixed, others any) */
    enum cpu_feature feat;
    enum insn_class cls;
    /* Fill d (fn and operands); return false if the encoding is unallocated (UNDEFINED). */
    bool (*decode)(const struct cpu *c, struct dinsn *d, uint32_t insn);
    uint32_t mask, value;    /* computed from bits at start-up */
};
/* Decode insn into d (always succeeds: unallocated → the UNDEFINED handler). */
void a64_decode(const struct cpu *c, struct dinsn *d, uint32_t insn);
const char *a64_pattern_name(const struct cpu *c, uint32_t insn);  /* NULL if unallocated */
const struct dinsn *exec_lazy_decode(struct cpu *c, const struct dinsn *d);
const struct dinsn *exec_undefined(struct cpu *c, const struct dinsn *d);

/* Register-field helpers for decoders. */
static inline unsigned rf(uint32_t insn, unsigned lsb) { return (insn >> lsb) & 31; }
static inline uint8_t reg_zr(unsigned r) { return (uint8_t)r; }                    /* source: 31 = XZR */
static inline uint8_t reg_dst(unsigned r) { return (uint8_t)(r == 31 ? REG_SINK : r); } /* dest: 31 = XZR */
static inline uint8_t reg_sp(unsigned r) { return (uint8_t)(r == 31 ? REG_SP : r); }   /* 31 = SP */
static inline uint64_t bits64(uint64_t v, unsigned hi, unsigned lo) { return (v >> lo) & ((2ull << (hi - lo)) - 1); }
static inline int64_t sext64(uint64_t v, unsigned width) { return (int64_t)(v << (64 - width)) >> (64 - width); }

/* Condition check: PSTATE.NZCV against cond (Arm ARM ConditionHolds). */
extern const uint16_t a64_cond_table[16];
static inline bool cond_holds(uint32_t nzcv, unsigned cond)
{
    return (a64_cond_table[cond] >> (nzcv >> 28)) & 1;
}

/* ---- system registers (sysreg.c) ---- */
void sysreg_reset(struct cpu *c);
/* MRS/MSR from the guest: false → the access is UNDEFINED (or trapped) and the exception was
 * taken. */
bool sysreg_mrs(struct cpu *c, const struct dinsn *d, uint32_t enc, uint64_t *val);
bool sysreg_msr(struct cpu *c, const struct dinsn *d, uint32_t enc, uint64_t val);

/* ---- timing (timing.c) ---- */
void timing_init(struct cpu *c);

#endif
