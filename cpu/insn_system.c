/* cpu/insn_system.c — branches, exception generation and system instructions (Arm ARM C4.1.85;
 * instruction pages in C6.2; the System instruction class in C5.3).
 *
 * Handlers that change state the fast loop relies on (DAIF unmasking, the translation regime,
 * decoded code, PSTATE.EL) return NULL through cpu_exit_next() or an exception path, so the
 * loop re-checks interrupts and refetches. */
#include "cpu/sys_internal.h"
#include "cpu/translate.h"

#define SYS(name) static const struct dinsn *name(struct cpu *c, const struct dinsn *d)

/* ================================================================== branches (immediate) */
SYS(exec_b)  { return cpu_branch(c, pc_of(c, d) + d->imm); }
SYS(exec_bl)
{
    uint64_t pc = pc_of(c, d);
    c->x[30] = pc + 4;
    return cpu_branch(c, pc + d->imm);
}
bool dec_b_imm(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    d->imm = (uint64_t)sext64(insn & 0x3ffffff, 26) << 2;
    d->fn = (insn >> 31) ? exec_bl : exec_b;
    return true;
}

/* B.cond: a = cond. */
SYS(exec_bcond) { return cond_holds(c->nzcv, d->a) ? cpu_branch(c, pc_of(c, d) + d->imm) : d + 1; }
bool dec_bcond(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    d->imm = (uint64_t)sext64((insn >> 5) & 0x7ffff, 19) << 2;
    d->a = (uint8_t)(insn & 15);
    d->fn = (d->a >= 14) ? exec_b : exec_bcond;           /* AL/NV always branch (C1.2.4) */
    return true;
}

/* CBZ/CBNZ: rd = Rt (XZR reads as zero). */
SYS(exec_cbz64)  { return c->x[d->rd] == 0 ? cpu_branch(c, pc_of(c, d) + d->imm) : d + 1; }
SYS(exec_cbnz64) { return c->x[d->rd] != 0 ? cpu_branch(c, pc_of(c, d) + d->imm) : d + 1; }
SYS(exec_cbz32)  { return (uint32_t)c->x[d->rd] == 0 ? cpu_branch(c, pc_of(c, d) + d->imm) : d + 1; }
SYS(exec_cbnz32) { return (uint32_t)c->x[d->rd] != 0 ? cpu_branch(c, pc_of(c, d) + d->imm) : d + 1; }
bool dec_cb(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    static const exec_fn fns[2][2] = { { exec_cbz32, exec_cbnz32 }, { exec_cbz64, exec_cbnz64 } };
    d->rd = reg_zr(rf(insn, 0));
    d->imm = (uint64_t)sext64((insn >> 5) & 0x7ffff, 19) << 2;
    d->fn = fns[insn >> 31][(insn >> 24) & 1];
    return true;
}

/* TBZ/TBNZ: rd = Rt, b = bit number b5:b40. */
SYS(exec_tbz)  { return !((c->x[d->rd] >> d->b) & 1) ? cpu_branch(c, pc_of(c, d) + d->imm) : d + 1; }
SYS(exec_tbnz) { return ((c->x[d->rd] >> d->b) & 1) ? cpu_branch(c, pc_of(c, d) + d->imm) : d + 1; }
bool dec_tb(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    d->rd = reg_zr(rf(insn, 0));
    d->b = (uint8_t)((insn >> 31) << 5 | ((insn >> 19) & 31));
    d->imm = (uint64_t)sext64((insn >> 5) & 0x3fff, 14) << 2;
    d->fn = ((insn >> 24) & 1) ? exec_tbnz : exec_tbz;
    return true;
}

/* ================================================================== branches (register)
 * BR/BLR/RET: rn = target register. BLR reads the target before writing X30 (BLR X30). */
SYS(exec_br) { return cpu_branch(c, c->x[d->rn]); }
SYS(exec_blr)
{
    uint64_t target = c->x[d->rn];
    c->x[30] = pc_of(c, d) + 4;
    return cpu_branch(c, target);
}
bool dec_br(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    d->rn = reg_zr(rf(insn, 5));
    d->fn = ((insn >> 21) & 3) == 1 ? exec_blr : exec_br;   /* opc 0000 BR, 0001 BLR, 0010 RET */
    return true;
}

/* ERET (C6.2 ERET): UNDEFINED at EL0; at EL1 restore PSTATE from SPSR_EL1 and branch to
 * ELR_EL1 (cpu_eret handles illegal returns). The loop must refetch: EL/regime changed. */
SYS(exec_eret)
{
    if (c->el == 0) return cpu_undef(c, d);
    cpu_eret(c, c->sr[SR_SPSR_EL1], c->sr[SR_ELR_EL1]);
    c->cycles_extra += c->class_cost[IC_EXC];
    return NULL;
}
bool dec_eret(const struct cpu *c, struct dinsn *d, uint32_t insn) { d->fn = exec_eret; return true; }

/* ================================================================== exception generation
 * SVC: EC 0x15, ISS = imm16, to EL1 from EL0 or EL1 (D1.10; preferred return = next insn).
 * HVC/SMC: UNDEFINED at EL0 (C6.2 HVC: "UNDEFINED in EL0"); at EL1 they are routed to the
 * native hypervisor/firmware hook; unhandled → UNDEFINED, as on a PE without EL2/EL3.
 * BRK: EC 0x3c, ISS = imm16, preferred return = this insn. imm = imm16. */
SYS(exec_svc)
{
    return cpu_take_sync(c, pc_of(c, d), (uint32_t)EC_SVC64 << 26 | ESR_IL | (uint32_t)d->imm, 0, false);
}
SYS(exec_brk)
{
    return cpu_take_sync(c, pc_of(c, d), (uint32_t)EC_BRK64 << 26 | ESR_IL | (uint32_t)d->imm, 0, false);
}
static const struct dinsn *smccc_call(struct cpu *c, const struct dinsn *d, bool is_hvc)
{
    uint64_t pc = pc_of(c, d);
    if (c->el == 0) return cpu_undef(c, d);
    c->pc = pc + 4;
    if (c->hooks.smccc && c->hooks.smccc(c->hooks.opaque, c, is_hvc, (uint16_t)d->imm)) return NULL;
    c->pc = pc;
    return cpu_undef(c, d);
}
SYS(exec_hvc) { return smccc_call(c, d, true); }
SYS(exec_smc) { return smccc_call(c, d, false); }
bool dec_exc_gen(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    d->imm = (insn >> 5) & 0xffff;
    if ((insn >> 21) & 7) { d->fn = exec_brk; return true; }     /* opc 001 */
    switch (insn & 3) {
    case 1: d->fn = exec_svc; break;
    case 2: d->fn = exec_hvc; break;
    default: d->fn = exec_smc; break;
    }
    return true;
}

/* ================================================================== hints */
SYS(exec_nop) { return d + 1; }

/* WFI/WFE at EL0 trap to EL1 (EC 0x01) unless SCTLR_EL1.nTWI / nTWE (D1.16.3). ISS: CV=1,
 * COND=0b1110, TI = 0 (WFI) / 1 (WFE). */
#define SCTLR_nTWI (1ull << 16)
#define SCTLR_nTWE (1ull << 18)
/* ESR of a trapped WFI/WFE: EC 0x01, ISS.TI = 1 for WFE. */
static uint32_t wfx_esr(bool wfe) { return (uint32_t)EC_WFX << 26 | ESR_IL | ESR_ISS_CV_COND_AL | wfe; }
static const struct dinsn *wfx_trap(struct cpu *c, const struct dinsn *d, bool wfe)
{
    return cpu_take_sync(c, pc_of(c, d), wfx_esr(wfe), 0, false);
}
/* HCR_EL2.TWI/TWE (D1.16.3): a WFI/WFE that is not trapped to EL1 first traps to EL2, i.e. to
 * the native hypervisor. The WFE's event register is consumed first (a WFE that would
 * complete at once does not trap). */
static const struct dinsn *wfx_trap_el2(struct cpu *c, const struct dinsn *d, bool wfe)
{
    uint32_t esr = wfx_esr(wfe);
    c->pc = pc_of(c, d) + 4;
    c->hooks.wfx_el2(c->hooks.opaque, c, wfe, esr);
    return NULL;
}
/* WFI: idle until an interrupt (even a masked one) is pending. The machine loop sees
 * CPU_EXIT_WFI and skips virtual time to the next event. */
SYS(exec_wfi)
{
    if (unlikely(c->el == 0) && !(c->sr[SR_SCTLR_EL1] & SCTLR_nTWI)) return wfx_trap(c, d, false);
    if (unlikely(c->el2.hcr & HCR_EL2_TWI) && c->hooks.wfx_el2) return wfx_trap_el2(c, d, false);
    c->wfi = true;
    c->wfe = false;
    return cpu_exit_next(c, d);
}
/* WFE: consume the Event Register if set, else idle like WFI (WaitForEvent, D1.16.1). */
SYS(exec_wfe)
{
    if (c->event_register) { c->event_register = false; return d + 1; }
    if (unlikely(c->el == 0) && !(c->sr[SR_SCTLR_EL1] & SCTLR_nTWE)) return wfx_trap(c, d, true);
    if (unlikely(c->el2.hcr & HCR_EL2_TWE) && c->hooks.wfx_el2) return wfx_trap_el2(c, d, true);
    c->wfi = true;
    c->wfe = true;
    c->wfe_since = timing_counter(c);
    return cpu_exit_next(c, d);
}
/* SEV: send an event to every PE of the machine (including this one); SEVL: local only. */
SYS(exec_sev)
{
    for (unsigned i = 0; i < c->sh->ncpus; i++) cpu_send_event(c->sh->cpus[i]);
    c->event_register = true;
    return cpu_exit_next(c, d);                            /* let the machine run the woken PEs */
}
SYS(exec_sevl) { c->event_register = true; return d + 1; }

bool dec_hint(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned n = (insn >> 5) & 0x7f;                       /* CRm:op2 */
    switch (n) {
    case 2: d->fn = exec_wfe; break;
    case 3: d->fn = exec_wfi; break;
    case 4: d->fn = exec_sev; break;
    case 5: d->fn = exec_sevl; break;
    default: d->fn = exec_nop; break;                      /* NOP, YIELD, PAC*, AUT*, BTI, CSDB, ... */
    }
    return true;
}

/* ================================================================== barriers
 * The interpreter is sequentially consistent and single-threaded, so DMB/DSB only cost time.
 * ISB leaves the fast loop so that context-changing operations before it take effect (D7.4).
 * CLREX clears the local exclusive monitor. */
SYS(exec_clrex) { c->excl_valid = false; return d + 1; }
SYS(exec_isb) { return cpu_exit_next(c, d); }
bool dec_barrier(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    switch ((insn >> 5) & 7) {
    case 2: d->fn = exec_clrex; break;
    case 6: d->fn = exec_isb; break;
    default: d->fn = exec_nop; break;                      /* DSB, DMB (incl. SSBB/PSSBB) */
    }
    return true;
}

/* ================================================================== MSR (immediate)
 * a = CRm (the immediate). SPSel/PAN/UAO are UNDEFINED at EL0; DAIFSet/DAIFClr at EL0 trap to
 * EL1 (EC 0x18) unless SCTLR_EL1.UMA (C5.2.2 DAIF, D13.2.118 SCTLR_EL1.UMA). */
#define SCTLR_UMA (1ull << 9)
SYS(exec_msr_spsel)
{
    if (c->el == 0) return cpu_undef(c, d);
    cpu_set_el_sp(c, c->el, d->a & 1);
    return d + 1;
}
SYS(exec_msr_daifset)
{
    if (unlikely(c->el == 0) && !(c->sr[SR_SCTLR_EL1] & SCTLR_UMA)) return sysreg_trap(c, d);
    c->daif |= (uint32_t)d->a << 6;
    return d + 1;
}
SYS(exec_msr_daifclr)
{
    if (unlikely(c->el == 0) && !(c->sr[SR_SCTLR_EL1] & SCTLR_UMA)) return sysreg_trap(c, d);
    c->daif &= ~((uint32_t)d->a << 6);
    return cpu_exit_next(c, d);                            /* an interrupt may now be taken */
}
/* PAN/UAO change the permission checks made on soft-TLB refill: flush and refetch. */
SYS(exec_msr_pan)
{
    if (c->el == 0) return cpu_undef(c, d);
    c->pan = d->a & 1;
    cpu_tlb_flush_all(c);
    return cpu_exit_next(c, d);
}
SYS(exec_msr_uao)
{
    if (c->el == 0) return cpu_undef(c, d);
    c->uao = d->a & 1;
    cpu_tlb_flush_all(c);
    return cpu_exit_next(c, d);
}
bool dec_msr_imm(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned op1 = (insn >> 16) & 7, op2 = (insn >> 5) & 7;
    d->a = (uint8_t)((insn >> 8) & 15);
    if (op1 == 3) { d->fn = op2 == 6 ? exec_msr_daifset : exec_msr_daifclr; return true; }
    switch (op2) {
    case 3: d->fn = exec_msr_uao; break;
    case 4: d->fn = exec_msr_pan; break;
    default: d->fn = exec_msr_spsel; break;
    }
    return true;
}

/* ================================================================== MRS / MSR (register)
 * The register is bound at decode time (d->imm = its descriptor); unknown encodings and
 * registers of features the profile lacks decode as UNDEFINED. Plain EL1 storage registers
 * get a handler that is one EL test and one load/store; everything else goes through the
 * checked accessors in sysreg.c. rd = Rt. */
static inline const struct sysreg *bound(const struct dinsn *d) { return (const struct sysreg *)(uintptr_t)d->imm; }

SYS(exec_mrs_el1_slot)
{
    if (unlikely(c->el == 0)) return cpu_undef(c, d);
    c->x[d->rd] = c->sr[bound(d)->slot];
    return d + 1;
}
SYS(exec_mrs)
{
    uint64_t v;
    if (!sysreg_read_checked(c, d, bound(d), d->raw & 31, &v)) return NULL;
    c->x[d->rd] = v;
    return d + 1;
}
SYS(exec_msr_el1_slot)
{
    const struct sysreg *r = bound(d);
    if (unlikely(c->el == 0)) return cpu_undef(c, d);
    c->sr[r->slot] = (c->x[d->rd] & r->wmask) | r->res1;
    return d + 1;
}
SYS(exec_msr)
{
    const struct sysreg *r = bound(d);
    if (!sysreg_write_checked(c, d, r, d->raw & 31, c->x[d->rd])) return NULL;
    if (r->flags & (SRF_EXIT | SRF_FLUSH)) return cpu_exit_next(c, d);
    return d + 1;
}

static bool plain_el1(const struct sysreg *r)
{
    return r->min_el >= 1 && r->slot >= 0 && !r->access && !(r->flags & ~0u & (SRF_EXIT | SRF_FLUSH));
}
bool dec_mrs(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    const struct sysreg *r = sysreg_find(c, (insn >> 5) & 0xffff);
    if (!r || (r->flags & SRF_WO)) return false;
    d->imm = (uintptr_t)r;
    d->rd = reg_dst(rf(insn, 0));
    d->fn = plain_el1(r) && !r->read ? exec_mrs_el1_slot : exec_mrs;
    return true;
}
bool dec_msr_reg(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    const struct sysreg *r = sysreg_find(c, (insn >> 5) & 0xffff);
    if (!r || (r->flags & SRF_RO)) return false;
    d->imm = (uintptr_t)r;
    d->rd = reg_zr(rf(insn, 0));
    d->fn = plain_el1(r) && !r->write ? exec_msr_el1_slot : exec_msr;
    return true;
}

/* ================================================================== SYS: DC, IC, TLBI, AT
 * (C5.3 "A64 System instructions for cache maintenance, address translation, TLB
 * maintenance"). rd = Xt. EL0 permissions: DC ZVA needs SCTLR_EL1.DZE, DC CVAU/CVAC/CIVAC/
 * CVAP and IC IVAU need SCTLR_EL1.UCI (else trapped, EC 0x18); all other ops are UNDEFINED at
 * EL0. */
#define SCTLR_DZE (1ull << 14)
#define SCTLR_UCI (1ull << 26)

/* DC ZVA: zero the naturally aligned block of DCZID_EL0.BS = 4 → 16 words = 64 bytes.
 * Device memory → Alignment fault (C5.3.13 DC ZVA, "If the memory region being zeroed is any
 * type of Device memory, this instruction generates an Alignment fault"). */
#define DCZVA_BLOCK 64
static const struct dinsn *dc_fault(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned dfsc)
{
    uint32_t ec = c->el == 0 ? EC_DABT_LOWER : EC_DABT_SAME;
    uint64_t pc = pc_of(c, d);
    c->pc = pc;
    /* WnR = 1: DC ZVA is treated as a write (D17.2.37 ISS, CM = 0 for DC ZVA). */
    return cpu_take_sync(c, pc, ec << 26 | ESR_IL | 1u << 6 | dfsc, va, true);
}
SYS(exec_dc_zva)
{
    if (unlikely(c->el == 0) && !(c->sr[SR_SCTLR_EL1] & SCTLR_DZE)) return sysreg_trap(c, d);
    uint64_t va = c->x[d->rd];
    uint64_t blk = va & ~(uint64_t)(DCZVA_BLOCK - 1);
    struct translation t;
    if (!cpu_translate(c, blk, ACCESS_WRITE, false, &t)) {
        /* A stage-2 fault goes to the hypervisor (DC ZVA: WnR = 1, ISV = 0, CM = 0). */
        if (cpu_stage2_abort(c, d, pc_of(c, d), va, &t, false, true, false)) return NULL;
        return dc_fault(c, d, va, t.fault_dfsc);
    }
    if (t.device) return dc_fault(c, d, va, DFSC_ALIGNMENT);
    uint8_t *p = mem_host_ptr(c, d, blk, DCZVA_BLOCK, true, 0);
    if (p) { memset(p, 0, DCZVA_BLOCK); return d + 1; }
    /* Not RAM (e.g. Normal-mapped MMIO SRAM): eight doubleword stores through the bus. */
    for (unsigned i = 0; i < DCZVA_BLOCK; i += 8)
        if (!mem_write_slow(c, d, blk + i, 8, 0, 0)) return NULL;
    return d + 1;
}
/* Clean/invalidate by VA to PoC/PoU/PoP: caches are not modelled (the cost is the class cost). */
SYS(exec_dc_va_user)
{
    if (unlikely(c->el == 0) && !(c->sr[SR_SCTLR_EL1] & SCTLR_UCI)) return sysreg_trap(c, d);
    return d + 1;
}
SYS(exec_dc_el1)     /* DC IVAC, DC ISW/CSW/CISW */
{
    if (unlikely(c->el == 0)) return cpu_undef(c, d);
    return d + 1;
}
/* IC: drop decoded code so that new instructions are fetched. Stores already drop the code
 * of the pages they hit; this also covers code changed behind the CPU's back. */
SYS(exec_ic_iallu)
{
    if (unlikely(c->el == 0)) return cpu_undef(c, d);
    cpu_code_invalidate_all(c);
    return cpu_exit_next(c, d);
}
SYS(exec_ic_ivau)
{
    if (unlikely(c->el == 0) && !(c->sr[SR_SCTLR_EL1] & SCTLR_UCI)) return sysreg_trap(c, d);
    struct translation t;
    if (cpu_translate(c, c->x[d->rd], ACCESS_READ, false, &t)) cpu_code_invalidate_pa(c, t.pa & ~63ull, 64);
    else cpu_code_invalidate_all(c);
    return cpu_exit_next(c, d);
}

/* TLBI, EL1&0 regime. One function per operation group (by ASID from Xt<63:48>, by VA from
 * Xt<43:0>; last-level-only forms act as the full ones): the untagged soft TLB over-invalidates
 * (translate.h), the cost model's TLB removes exactly the matching entries of the current VMID.
 * The inner-shareable (…IS) forms broadcast to every PE of the machine (a = 1). */
static void tlbi_targets(struct cpu *c, const struct dinsn *d, void (*op)(struct cpu *, uint64_t))
{
    if (d->a) for (unsigned i = 0; i < c->sh->ncpus; i++) op(c->sh->cpus[i], c->x[d->rd]);
    else op(c, c->x[d->rd]);
}
static void tlbi_vmalle1(struct cpu *c, uint64_t xt) { (void)xt; cpu_tlb_flush_vmall(c); }
/* Xt of a TLBI by VA (D8.13 / C5.5 "TLBI VAE1"): ASID [63:48], VA[55:12] in [43:0]; the VA's
 * upper bits are a sign extension of bit 55 (the TTBR1 half). */
static uint64_t tlbi_va(uint64_t xt) { return (uint64_t)sext64((xt & ((1ull << 44) - 1)) << 12, 56); }
static uint16_t tlbi_asid(uint64_t xt) { return (uint16_t)(xt >> 48); }
static void tlbi_vae1(struct cpu *c, uint64_t xt)    { cpu_tlb_flush_va(c, tlbi_va(xt), tlbi_asid(xt), false); } /* VAE1, VALE1 */
static void tlbi_aside1(struct cpu *c, uint64_t xt)  { cpu_tlb_flush_asid(c, tlbi_asid(xt)); }
static void tlbi_vaae1(struct cpu *c, uint64_t xt)   { cpu_tlb_flush_va(c, tlbi_va(xt), 0, true); }             /* VAAE1, VAALE1 */
#define TLBI_EXEC(name, op) \
    SYS(name) { if (unlikely(c->el == 0)) return cpu_undef(c, d); tlbi_targets(c, d, op); return cpu_exit_next(c, d); }
TLBI_EXEC(exec_tlbi_vmalle1, tlbi_vmalle1)
TLBI_EXEC(exec_tlbi_vae1, tlbi_vae1)
TLBI_EXEC(exec_tlbi_aside1, tlbi_aside1)
TLBI_EXEC(exec_tlbi_vaae1, tlbi_vaae1)

/* AT S1E1R/W, S1E0R/W: stage-1 translation into PAR_EL1 (D13.2.96 PAR_EL1). a = op2.
 * F=0: PA[47:12], ATTR = MAIR attribute byte, SH = 0b10 for Device/Non-cacheable (reported
 * as Outer Shareable), else 0b11 (the walker does not report SH yet); bit 11 RES1.
 * F=1: FST = fault status code. */
SYS(exec_at)
{
    if (unlikely(c->el == 0)) return cpu_undef(c, d);
    bool user = d->a >= 2, write = d->a & 1;
    struct translation t;
    uint64_t par;
    if (cpu_translate(c, c->x[d->rd], write ? ACCESS_WRITE : ACCESS_READ, user, &t)) {
        bool nc = t.device || (t.attr & 0xf0) == 0x40 || (t.attr & 0x0f) == 0x04;
        par = (t.pa & 0x0000fffffffff000ull) | (uint64_t)t.attr << 56 | (nc ? 2ull : 3ull) << 7 | 1ull << 11;
    } else {
        par = 1 | (uint64_t)(t.fault_dfsc & 0x3f) << 1 | 1ull << 11;
    }
    c->sr[SR_PAR_EL1] = par;
    return d + 1;
}

bool dec_sys(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned op1 = (insn >> 16) & 7, crn = (insn >> 12) & 15, crm = (insn >> 8) & 15, op2 = (insn >> 5) & 7;
    d->rd = reg_zr(rf(insn, 0));
    if (crn == 7) {
        if (op1 == 3) {
            if (crm == 4 && op2 == 1) { d->fn = exec_dc_zva; return true; }
            if (op2 == 1 && (crm == 10 || crm == 11 || crm == 14)) { d->fn = exec_dc_va_user; return true; } /* CVAC CVAU CIVAC */
            /* DC CVAP is FEAT_DPB (ARMv8.2): only the max profile advertises it (ISAR1.DPB). */
            if (op2 == 1 && crm == 12 && c->cfg.profile == CPU_PROFILE_MAX) { d->fn = exec_dc_va_user; return true; }
            if (crm == 5 && op2 == 1) { d->fn = exec_ic_ivau; return true; }
            return false;
        }
        if (op1 != 0) return false;
        if (op2 == 0 && (crm == 1 || crm == 5)) { d->fn = exec_ic_iallu; return true; }  /* IALLUIS, IALLU */
        if (crm == 6 && (op2 == 1 || op2 == 2)) { d->fn = exec_dc_el1; return true; }    /* IVAC, ISW */
        if ((crm == 10 || crm == 14) && op2 == 2) { d->fn = exec_dc_el1; return true; }  /* CSW, CISW */
        if (crm == 8 && op2 <= 3) { d->a = (uint8_t)op2; d->fn = exec_at; return true; } /* AT S1E1R..S1E0W */
        return false;
    }
    if (crn == 8 && op1 == 0 && (crm == 3 || crm == 7)) {
        d->a = crm == 3;                                   /* inner shareable */
        switch (op2) {
        case 0: d->fn = exec_tlbi_vmalle1; return true;
        case 1: case 5: d->fn = exec_tlbi_vae1; return true;
        case 2: d->fn = exec_tlbi_aside1; return true;
        case 3: case 7: d->fn = exec_tlbi_vaae1; return true;
        default: return false;
        }
    }
    return false;
}
