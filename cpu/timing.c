/* cpu/timing.c — the cycle cost model: cycles per instruction class for the core profile, and
 * the generic-timer counter derived from cycles.
 *
 * Numbers: /work/shared/design/timing.md §5 "Recommended default cost table", cortex-a57
 * column. That table's rule is cost = (latency + reciprocal throughput) / 2 for pipelined
 * classes (the A57 is out of order, so about half of a latency is hidden) and cost = latency
 * for the non-pipelined dividers; its latencies come from LLVM's AArch64SchedA57.td, which
 * cites the Cortex-A57 Software Optimization Guide (UAN 0015B) section by section [C], and the
 * barrier, system-register and cache-maintenance numbers are assumptions [A].
 * We use that blended number, not the pure issue cost, because the interpreter sums one
 * number per instruction and models no dependencies: an issue-cost-only table would make
 * multiply/divide/load chains free, a latency-only one would ignore the OoO overlap.
 * Costs are whole cycles (struct dinsn.cost is an integer), so the table's quarter cycles are
 * rounded to nearest, half up: ALU 0.75 → 1, ALU shifted/bitfield 1.5 → 2, load 2.5 → 3.
 * This overstates plain ALU code by ~30%; a quarter-cycle fixed point is the upgrade path.
 * The `max` profile shares the A57 numbers.
 *
 * Address translation is charged by cpu/translate.c against a model of the Cortex-A57 TLBs
 * (cpu/tlb_model.h: 48-entry I-uTLB, 32-entry D-uTLB, 1024-entry 4-way L2 TLB tagged by
 * regime, VMID, ASID/global and page size; timing.md §2 rows "L1 I-TLB", "L1 D-TLB", "L2 / main
 * TLB"), consulted whenever the emulator's own soft TLB misses: uTLB hit 0 cycles (§5 tlb_hit),
 * L2-TLB hit 10 (§5 "tlb_miss fixed overhead": main/L2 TLB lookup [A]; A15 analogue 12), and
 * only a modelled miss pays the walk, 10 + 20 per descriptor fetch (§5 rows "tlb_miss fixed
 * overhead" and "per-descriptor walk fetch, L2-hit assumption": 90 for a 4-level stage-1 walk,
 * 490 for a 24-fetch nested one). The modelled TLB is invalidated by TLBI only (not by TTBR,
 * VTTBR, TCR or SCTLR writes), so guest time no longer depends on the soft TLB's direct-mapped
 * index collisions or its flushes. Known limit: soft-TLB hits are taken as uTLB hits and do not
 * refresh the model's LRU state, so a page that stays hot in the soft TLB ages in the model.
 * EL2 software is not executed: the native hypervisor charges its work as a lump per round
 * trip (-hv xen,trap_cycles, default 750 = §5 "hypervisor work charged as a lump", Xen-style,
 * Cortex-A57; machine/cmdline.c). */
#include "cpu/sys_internal.h"

/* Core clock of the cortex-a57 model: 1 GHz (virtual time; never the host clock). */


static const uint8_t cost_a57[IC__COUNT] = {
    [IC_ALU]        = 1,    /* ADD/SUB/logic/MOV/ADR/CCMP imm or plain reg: (1 + 0.5) / 2 */
    [IC_ALU_SHIFT]  = 2,    /* shifted/extended register operand: (2 + 1) / 2 = 1.5 */
    [IC_MOVE]       = 1,    /* MOVZ/MOVN/MOVK: basic ALU */
    [IC_BRANCH]     = 1,    /* B, BL, B.cond, CBZ, TBZ: one branch pipe */
    [IC_BRANCH_REG] = 1,    /* BR, RET (BLR is 2 in LLVM; shares the class) */
    [IC_CSEL]       = 1,    /* CSEL family: basic ALU */
    [IC_MUL]        = 2,    /* MUL/MADD W, SMADDL/UMADDL: (3 + 1) / 2 */
    [IC_MUL64]      = 3,    /* MUL/MADD X: (5 + 1) / 2; SMULH/UMULH (6 + 1) / 2 = 3.5 → 3 */
    [IC_DIV32]      = 12,   /* SDIV/UDIV W: midpoint of the data-dependent range, non-pipelined */
    [IC_DIV64]      = 20,   /* SDIV/UDIV X */
    [IC_BITOP]      = 2,    /* BFM/UBFM/SBFM, EXTR, RBIT/REV/CLZ: 1.5 */
    [IC_CRC]        = 2,    /* CRC32*: (3 + 1) / 2 */
    [IC_LOAD]       = 3,    /* LDR GPR, L1 hit: (4 + 1) / 2 = 2.5 */
    [IC_STORE]      = 1,    /* STR: one store pipe */
    [IC_LOAD_PAIR]  = 3,    /* LDP GPR: 2.5 */
    [IC_STORE_PAIR] = 2,    /* STP X */
    [IC_EXCL]       = 3,    /* LDXR 2.5 / STXR 3 */
    [IC_ATOMIC]     = 6,    /* [A] LSE atomic ≈ LDXR + STXR */
    [IC_BARRIER]    = 10,   /* [A] DMB 10 (DSB 20, ISB 15: DMB dominates Linux's mix, §3.4) */
    [IC_SYSREG]     = 4,    /* [A] no source; MRS/MSR serialise partially */
    [IC_EXC]        = 14,   /* exception entry / ERET (A15 trap round trip, gem5 trapLatency) */
    [IC_NOP]        = 1,    /* hints: issue slot */
    [IC_CACHE]      = 10,   /* [A] DC/IC/TLBI/AT, treated like a barrier */
    [IC_FP]         = 3,    /* FADD/FMUL/FCVT: (5 + 0.5) / 2 = 2.75 */
    [IC_SIMD]       = 2,    /* ASIMD integer basic: 1.75 (D) / 2 (Q) */
};

void timing_init(struct cpu *c)
{
    for (unsigned i = 0; i < IC__COUNT; i++) c->class_cost[i] = cost_a57[i] ? cost_a57[i] : 1;
}

/* System counter (CNTPCT/CNTVCT) in CNTFRQ_EL0 = 62.5 MHz ticks: cycles * CNTFRQ / CPU_HZ with
 * 128-bit intermediate so that it never overflows or loses monotonicity. */
uint64_t timing_counter(const struct cpu *c)
{
    return (uint64_t)((unsigned __int128)cpu_cycles(c) * CNTFRQ_HZ / CPU_HZ);
}
