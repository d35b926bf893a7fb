/* cpu/sysreg.c — AArch64 system registers (Arm ARM D13 "AArch64 System Register
 * Descriptions"). ONE table maps each MRS/MSR encoding to its name, storage slot in c->sr[],
 * reset value, writable mask, RES1 bits, lowest EL, read-only/write-only, the optional
 * feature it belongs to, and optional access-check/read/write handlers.
 *
 * Values of the identification registers are those of the Arm Cortex-A57 r1p3 (DDI 0488H,
 * Cortex-A57 TRM, chapter 4 "System Control"), without the Cryptographic Extension (not
 * implemented by faultline yet) — see the ID table below for the per-field reasoning. The
 * `max` profile adds the fields of the features it advertises (cpu_has_feature).
 *
 * EL2 and EL3 registers have no row: from EL1 they are UNDEFINED, exactly like unknown
 * encodings (the hypervisor is native C code, D1.1). */
#include <stdlib.h>
#include "cpu/sys_internal.h"
#include "gic/gic.h"

/* ------------------------------------------------------------------ SCTLR_EL1 bits used here */
#define SCTLR_M    (1ull << 0)
#define SCTLR_UMA  (1ull << 9)
#define SCTLR_DZE  (1ull << 14)
#define SCTLR_UCT  (1ull << 15)
#define SCTLR_SPAN (1ull << 23)
/* ARMv8.0 SCTLR_EL1: RES1 bits 29:28, 23:22, 20, 11 (D13.2.118); writable: M A C SA SA0
 * CP15BEN ITD SED UMA I DZE UCT nTWI nTWE WXN E0E EE UCI. Later-architecture bits that Linux
 * sets (IESB, EIS/EOS, EPAN, ITFSB, ...) are RES0/RES1 here: accepted, not stored. */
#define SCTLR_RES1_V80  0x30d00800ull
#define SCTLR_WMASK_V80 0x070dd3bfull
/* CNTKCTL_EL1 */
#define CNTKCTL_EL0PCTEN (1ull << 0)
#define CNTKCTL_EL0VCTEN (1ull << 1)
#define CNTKCTL_EL0VTEN  (1ull << 8)
#define CNTKCTL_EL0PTEN  (1ull << 9)

/* ------------------------------------------------------------------ access checks (EL0 rules) */
static enum sysreg_access acc_daif(struct cpu *c, const struct sysreg *r, bool w)
{   /* DAIF at EL0: trapped unless SCTLR_EL1.UMA */
    return c->el == 0 && !(c->sr[SR_SCTLR_EL1] & SCTLR_UMA) ? SRA_TRAP : SRA_OK;
}
static enum sysreg_access acc_ctr(struct cpu *c, const struct sysreg *r, bool w)
{   /* CTR_EL0 at EL0: trapped unless SCTLR_EL1.UCT */
    return c->el == 0 && !(c->sr[SR_SCTLR_EL1] & SCTLR_UCT) ? SRA_TRAP : SRA_OK;
}
static enum sysreg_access acc_el0_ro(struct cpu *c, const struct sysreg *r, bool w)
{   /* TPIDRRO_EL0, PMUSERENR_EL0: read-only at EL0 (the write encoding is UNDEFINED there) */
    return c->el == 0 && w ? SRA_UNDEF : SRA_OK;
}
static enum sysreg_access acc_fp(struct cpu *c, const struct sysreg *r, bool w)
{   /* FPCR/FPSR: CPACR_EL1.FPEN (D13.2.29): 0b11 no trap, 0b01 traps EL0 only, else both */
    unsigned fpen = (c->sr[SR_CPACR_EL1] >> 20) & 3;
    if (fpen == 3 || (fpen == 1 && c->el == 1)) return SRA_OK;
    return SRA_FP_TRAP;
}
static enum sysreg_access acc_cntfrq(struct cpu *c, const struct sysreg *r, bool w)
{
    return c->el == 0 && !(c->sr[SR_CNTKCTL_EL1] & (CNTKCTL_EL0PCTEN | CNTKCTL_EL0VCTEN)) ? SRA_TRAP : SRA_OK;
}
static enum sysreg_access acc_cntvct(struct cpu *c, const struct sysreg *r, bool w)
{
    return c->el == 0 && !(c->sr[SR_CNTKCTL_EL1] & CNTKCTL_EL0VCTEN) ? SRA_TRAP : SRA_OK;
}
static enum sysreg_access acc_cntpct(struct cpu *c, const struct sysreg *r, bool w)
{
    return c->el == 0 && !(c->sr[SR_CNTKCTL_EL1] & CNTKCTL_EL0PCTEN) ? SRA_TRAP : SRA_OK;
}
static enum sysreg_access acc_cntv(struct cpu *c, const struct sysreg *r, bool w)
{
    return c->el == 0 && !(c->sr[SR_CNTKCTL_EL1] & CNTKCTL_EL0VTEN) ? SRA_TRAP : SRA_OK;
}
static enum sysreg_access acc_cntp(struct cpu *c, const struct sysreg *r, bool w)
{   /* EL0: CNTKCTL_EL1.EL0PTEN first (to EL1); then CNTHCTL_EL2.EL1PCEN == 0 traps EL0/EL1
     * to EL2 (Arm ARM D13, CNTHCTL_EL2.EL1PCEN; EC 0x18) when a hypervisor is attached. */
    if (c->el == 0 && !(c->sr[SR_CNTKCTL_EL1] & CNTKCTL_EL0PTEN)) return SRA_TRAP;
    if (c->hooks.sysreg_el2 && !(c->el2.cnthctl & CNTHCTL_EL2_EL1PCEN)) return SRA_EL2;
    return SRA_OK;
}
static enum sysreg_access acc_pmu(struct cpu *c, const struct sysreg *r, bool w)
{   /* PMU registers at EL0: trapped unless PMUSERENR_EL0.EN */
    return c->el == 0 && !(c->sr[SR_PMUSERENR_EL0] & 1) ? SRA_TRAP : SRA_OK;
}
static enum sysreg_access acc_sp_el0(struct cpu *c, const struct sysreg *r, bool w)
{   /* MRS/MSR SP_EL0 when PSTATE.SP == 0 is UNDEFINED (D13.2.124 SP_EL0 accessibility) */
    return c->spsel == 0 ? SRA_UNDEF : SRA_OK;
}
static enum sysreg_access acc_mdccsr(struct cpu *c, const struct sysreg *r, bool w)
{   /* MDCCSR_EL0 at EL0: trapped when MDSCR_EL1.TDCC */
    return c->el == 0 && (c->sr[SR_MDSCR_EL1] & (1u << 12)) ? SRA_TRAP : SRA_OK;
}

/* ------------------------------------------------------------------ PSTATE and special registers */
static uint64_t rd_nzcv(struct cpu *c, const struct sysreg *r) { return c->nzcv; }
static void wr_nzcv(struct cpu *c, const struct sysreg *r, uint64_t v) { c->nzcv = (uint32_t)v & 0xf0000000u; }
static uint64_t rd_daif(struct cpu *c, const struct sysreg *r) { return c->daif; }
static void wr_daif(struct cpu *c, const struct sysreg *r, uint64_t v) { c->daif = (uint32_t)v & 0x3c0; }
static uint64_t rd_currentel(struct cpu *c, const struct sysreg *r) { return (uint64_t)c->el << 2; }
static uint64_t rd_spsel(struct cpu *c, const struct sysreg *r) { return c->spsel; }
static void wr_spsel(struct cpu *c, const struct sysreg *r, uint64_t v) { cpu_set_el_sp(c, c->el, v & 1); }
static uint64_t rd_pan(struct cpu *c, const struct sysreg *r) { return c->pan ? 1ull << 22 : 0; }
static void wr_pan(struct cpu *c, const struct sysreg *r, uint64_t v) { c->pan = (v >> 22) & 1; }
static uint64_t rd_uao(struct cpu *c, const struct sysreg *r) { return c->uao ? 1ull << 23 : 0; }
static void wr_uao(struct cpu *c, const struct sysreg *r, uint64_t v) { c->uao = (v >> 23) & 1; }
/* SP_EL0: banked in c->sp_el[0] while SP_EL1 is live; live in x[REG_SP] otherwise (debug). */
static uint64_t rd_sp_el0(struct cpu *c, const struct sysreg *r)
{
    return (c->el == 0 || !c->spsel) ? c->x[REG_SP] : c->sp_el[0];
}
static void wr_sp_el0(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    if (c->el == 0 || !c->spsel) c->x[REG_SP] = v;
    else c->sp_el[0] = v;
}
/* ISR_EL1: pending physical A (bit 8), I (7), F (6); with HCR_EL2.IMO/FMO the I/F bits show the
 * virtual IRQ/FIQ instead (D17.2.83). */
static uint64_t rd_isr(struct cpu *c, const struct sysreg *r)
{
    unsigned l = c->irq_lines;
    if (c->el2.hcr & HCR_EL2_IMO) l = (l & ~(1u << CPU_IRQ)) | (l & (1u << CPU_VIRQ) ? 1u << CPU_IRQ : 0);
    if (c->el2.hcr & HCR_EL2_FMO) l = (l & ~(1u << CPU_FIQ)) | (l & (1u << CPU_VFIQ) ? 1u << CPU_FIQ : 0);
    return (l & (1u << CPU_SERROR) ? 1u << 8 : 0) | (l & (1u << CPU_IRQ) ? 1u << 7 : 0) |
           (l & (1u << CPU_FIQ) ? 1u << 6 : 0);
}

/* ------------------------------------------------------------------ translation controls */
static void wr_sctlr(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    uint64_t wmask = SCTLR_WMASK_V80, res1 = SCTLR_RES1_V80;
    if (cpu_has_feature(c, FEAT_PAN)) { wmask |= SCTLR_SPAN; res1 &= ~SCTLR_SPAN; }   /* SPAN */
    c->sr[SR_SCTLR_EL1] = (v & wmask) | res1;
    c->mmu_on = v & SCTLR_M;
    cpu_tlb_flush_all(c);
}
/* TTBRn/TCR/MAIR/CONTEXTIDR: the soft TLB caches translations (flag SRF_FLUSH; raw_write). */

/* ------------------------------------------------------------------ identification */
/* MPIDR_EL1: affinity from the machine, bit 31 RES1, U = 0 (multiprocessor), MT = 0. */
/* With a hypervisor (HCR_EL2.VM) EL1 reads VMPIDR_EL2 instead (D17.2.100). */
static uint64_t rd_mpidr(struct cpu *c, const struct sysreg *r)
{
    if ((c->el2.hcr & HCR_EL2_VM) && c->el2.vmpidr) return c->el2.vmpidr | (1ull << 31);
    return c->cfg.mpidr | (1ull << 31);
}
/* DCZID_EL0: BS = 4 (64-byte blocks); DZP reads 1 at EL0 when SCTLR_EL1.DZE == 0. */
static uint64_t rd_dczid(struct cpu *c, const struct sysreg *r)
{
    return 4 | (c->el == 0 && !(c->sr[SR_SCTLR_EL1] & SCTLR_DZE) ? 1u << 4 : 0);
}
/* AES [7:4] (2 with PMULL), SHA1 [11:8], SHA2 [15:12]: the same fields in ID_AA64ISAR0_EL1
 * and the AArch32 ID_ISAR5_EL1. */
static uint64_t crypto_fields(struct cpu *c)
{
    uint64_t v = 0;
    if (cpu_has_feature(c, FEAT_AES)) v |= cpu_has_feature(c, FEAT_PMULL) ? 2ull << 4 : 1ull << 4;
    if (cpu_has_feature(c, FEAT_SHA1)) v |= 1ull << 8;
    if (cpu_has_feature(c, FEAT_SHA256)) v |= 1ull << 12;
    return v;
}
/* ID_AA64ISAR0_EL1: CRC32 = 1 [19:16]; max: + Atomic = 2 [23:20] (FEAT_LSE). AES/SHA stay 0
 * until the Cryptographic Extension is implemented. */
static uint64_t rd_isar0(struct cpu *c, const struct sysreg *r)
{
    uint64_t v = 0;
    if (cpu_has_feature(c, FEAT_CRC32)) v |= 1ull << 16;
    if (cpu_has_feature(c, FEAT_LSE)) v |= 2ull << 20;
    return v | crypto_fields(c);
}
/* ID_AA64ISAR1_EL1: max: LRCPC = 1 [23:20] (FEAT_LRCPC), DPB = 1 [3:0] (DC CVAP). */
static uint64_t rd_isar1(struct cpu *c, const struct sysreg *r)
{
    uint64_t v = 0;
    if (cpu_has_feature(c, FEAT_LRCPC)) v |= 1ull << 20;
    if (c->cfg.profile == CPU_PROFILE_MAX) v |= 1;
    return v;
}
/* ID_AA64MMFR1_EL1: PAN [23:20]; ID_AA64MMFR2_EL1: UAO [7:4]. */
static uint64_t rd_mmfr1(struct cpu *c, const struct sysreg *r) { return cpu_has_feature(c, FEAT_PAN) ? 1ull << 20 : 0; }
static uint64_t rd_mmfr2(struct cpu *c, const struct sysreg *r) { return cpu_has_feature(c, FEAT_UAO) ? 1ull << 4 : 0; }
/* ID_AA64PFR0_EL1: EL0..EL3 AArch64+AArch32 (0x2222), FP = 0 and AdvSIMD = 0 (implemented)
 * as on the A57; FP/AdvSIMD = 0xF (not implemented) if the profile lacks FEAT_FP. */
static uint64_t rd_pfr0(struct cpu *c, const struct sysreg *r)
{
    return 0x2222 | (cpu_has_feature(c, FEAT_FP) ? 0 : 0xffull << 16) |
           (c->cfg.gicv3_sysregs ? 1ull << 24 : 0);           /* GIC [27:24]: ICC_* present */
}
/* ID_ISAR5_EL1 (AArch32 view): SEVL = 1, CRC32 = 1 [19:16]; AES/SHA1/SHA2 only with crypto. */
static uint64_t rd_id_isar5(struct cpu *c, const struct sysreg *r)
{
    uint64_t v = 1;
    if (cpu_has_feature(c, FEAT_CRC32)) v |= 1ull << 16;
    return v | crypto_fields(c);
}
/* CCSIDR_EL1 for the cache selected by CSSELR_EL1 (A57 TRM 4.3.22): L1D 32 KB 2-way,
 * L1I 48 KB 3-way, L2 2 MB 16-way, all 64-byte lines. Unimplemented levels read 0. */
static uint64_t rd_ccsidr(struct cpu *c, const struct sysreg *r)
{
    switch (c->sr[SR_CSSELR_EL1] & 0xf) {
    case 0: return 0x701fe00a;          /* L1 data */
    case 1: return 0x201fe012;          /* L1 instruction */
    case 2: return 0x70ffe07a;          /* L2 unified */
    default: return 0;
    }
}

/* ------------------------------------------------------------------ PMU (minimal storage)
 * PMCR_EL0: IMP = 0x41, IDCODE = 0x01, N = 6 (A57 TRM 11.4) read-only; E/D/X/DP/LC stored; P and
 * C are write-only actions (C resets PMCCNTR_EL0). No events count yet. */
static void wr_pmcr(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    c->sr[SR_PMCR_EL0] = (v & r->wmask) | r->res1;
    if (v & 4) c->sr[SR_PMCCNTR_EL0] = 0;
}
#define PMU_CNT_MASK 0x8000003full      /* C (cycle counter) + P0..P5 */
static void wr_pm_set(struct cpu *c, const struct sysreg *r, uint64_t v) { c->sr[r->slot] |= v & PMU_CNT_MASK; }
static void wr_pm_clr(struct cpu *c, const struct sysreg *r, uint64_t v) { c->sr[r->slot] &= ~v; }

/* ------------------------------------------------------------------ debug */
/* OSLAR_EL1 write sets OSLSR_EL1.OSLK [1] (OSLM = 0b10 in bits {3,0}). */
static void wr_oslar(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    c->sr[SR_OSLSR_EL1] = 0x8 | (v & 1) << 1;
}

/* ------------------------------------------------------------------ generic timer
 * Virtual count = physical count - CNTVOFF_EL2 (D11.2.2; the hypervisor's cpu_set_el2_state,
 * 0 without one); the virtual timer compares against it. The CTL registers
 * report ISTATUS (bit 2) live: ENABLE && count >= CVAL (D11.2.4). TVAL is the signed 32-bit
 * view of CVAL - count; writing it sets CVAL = count + SignExtend(TVAL). The TVAL rows use the
 * CVAL slot. */
static uint64_t rd_cnt(struct cpu *c, const struct sysreg *r) { return timing_counter(c); }
static uint64_t rd_cntvct(struct cpu *c, const struct sysreg *r) { return timing_counter(c) - c->el2.cntvoff; }
/* The count a timer register compares with: virtual for the CNTV_* slots. */
static uint64_t timer_count(struct cpu *c, unsigned slot)
{
    bool virt = slot == SR_CNTV_CTL_EL0 || slot == SR_CNTV_CVAL_EL0;
    return timing_counter(c) - (virt ? c->el2.cntvoff : 0);
}
static uint64_t rd_cnt_ctl(struct cpu *c, const struct sysreg *r)
{
    uint64_t ctl = c->sr[r->slot] & 3;
    uint64_t cval = c->sr[r->slot == SR_CNTV_CTL_EL0 ? SR_CNTV_CVAL_EL0 : SR_CNTP_CVAL_EL0];
    if ((ctl & 1) && timer_count(c, r->slot) >= cval) ctl |= 4;
    return ctl;
}
static void wr_cnt_ctl(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    c->sr[r->slot] = v & 3;
    sysreg_timer_changed(c);
}
static void wr_cnt_cval(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    c->sr[r->slot] = v;
    sysreg_timer_changed(c);
}
static uint64_t rd_cnt_tval(struct cpu *c, const struct sysreg *r)
{
    return (uint32_t)(c->sr[r->slot] - timer_count(c, r->slot));
}
static void wr_cnt_tval(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    c->sr[r->slot] = timer_count(c, r->slot) + (uint64_t)(int64_t)(int32_t)v;
    sysreg_timer_changed(c);
}
static void wr_cntkctl(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    c->sr[SR_CNTKCTL_EL1] = v & r->wmask;
    sysreg_timer_changed(c);
}
/* The timer outputs are computed in cpu/timer.c. */
void sysreg_timer_changed(struct cpu *c) { cpu_timer_update(c); }

/* ------------------------------------------------------------------ GICv3 CPU interface
 * The ICC_* registers belong to the GIC (gic/): with a GICv3 they are forwarded through the
 * board's hooks; without one (or at EL0) they are UNDEFINED. An MSR leaves the block so that an
 * interrupt it unmasks or makes pending is taken before the next instruction. */
static enum sysreg_access acc_icc(struct cpu *c, const struct sysreg *r, bool write)
{
    if (!c->cfg.gicv3_sysregs || !c->hooks.sysreg_ext_read || c->el == 0) return SRA_UNDEF;
    return SRA_OK;
}
static uint64_t rd_icc(struct cpu *c, const struct sysreg *r)
{
    uint64_t v = 0;
    if (!c->hooks.sysreg_ext_read(c->hooks.opaque, c, r->enc, &v)) v = 0;   /* RAZ */
    return v;
}
static void wr_icc(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    c->hooks.sysreg_ext_write(c->hooks.opaque, c, r->enc, v);              /* WI if absent */
}

/* ================================================================== THE TABLE
 * Row macros (E = SYSREG_ENC(op0, op1, CRn, CRm, op2)):
 *   ID(name, E, value)                    read-only constant, EL1
 *   IDF(name, E, readfn)                  read-only, EL1, value from a function
 *   RW(name, E, slot, reset, wmask, flags) EL1 storage
 *   ROW(name, E, slot, min_el, flags, feat, reset, wmask, res1, access, read, write)  anything */
#define E SYSREG_ENC
#define ROW(n, enc, slot, el, fl, feat, rst, wm, r1, acc, rd, wr) \
    { enc, #n, slot, el, fl, feat, rst, wm, r1, acc, rd, wr },
#define ID(n, enc, val)             ROW(n, enc, -1, 1, SRF_RO, FEAT_BASE, val, 0, 0, NULL, NULL, NULL)
#define IDF(n, enc, fn)             ROW(n, enc, -1, 1, SRF_RO, FEAT_BASE, 0, 0, 0, NULL, fn, NULL)
#define RW(n, enc, slot, rst, wm, fl) ROW(n, enc, slot, 1, fl, FEAT_BASE, rst, wm, 0, NULL, NULL, NULL)
#define ALL ~0ull
#define DBG_BP(n) \
    RW(DBGBVR##n##_EL1, E(2,0,0,n,4), SR_DBGBVR0_EL1 + n, 0, ALL, 0) \
    RW(DBGBCR##n##_EL1, E(2,0,0,n,5), SR_DBGBCR0_EL1 + n, 0, 0x00ffe1e7, 0)
#define DBG_WP(n) \
    RW(DBGWVR##n##_EL1, E(2,0,0,n,6), SR_DBGWVR0_EL1 + n, 0, ~7ull, 0) \
    RW(DBGWCR##n##_EL1, E(2,0,0,n,7), SR_DBGWCR0_EL1 + n, 0, 0x1f1fffff, 0)
#define PMEV(n) \
    ROW(PMEVCNTR##n##_EL0,  E(3,3,14,8,n),  -1, 0, 0, FEAT_BASE, 0, 0, 0, acc_pmu, NULL, NULL) \
    ROW(PMEVTYPER##n##_EL0, E(3,3,14,12,n), -1, 0, 0, FEAT_BASE, 0, 0, 0, acc_pmu, NULL, NULL)
/* ICC_* encodings come from the GIC's public header (one list for the CPU and the GIC). */
#define ICC(n) ROW(n, n, -1, 1, SRF_EXIT, FEAT_BASE, 0, 0, 0, acc_icc, rd_icc, wr_icc)
#define SR_DBGPRCR_EL1 (SR__EXTRA + 0)

static const struct sysreg sysregs[] = {
    /* ---- GICv3 CPU interface system registers (IHI 0069 12.2), served by gic/ */
    ICC(ICC_PMR_EL1)
    ICC(ICC_IAR0_EL1)
    ICC(ICC_EOIR0_EL1)
    ICC(ICC_HPPIR0_EL1)
    ICC(ICC_BPR0_EL1)
    ICC(ICC_AP0R0_EL1)
    ICC(ICC_AP0R1_EL1)
    ICC(ICC_AP0R2_EL1)
    ICC(ICC_AP0R3_EL1)
    ICC(ICC_AP1R0_EL1)
    ICC(ICC_AP1R1_EL1)
    ICC(ICC_AP1R2_EL1)
    ICC(ICC_AP1R3_EL1)
    ICC(ICC_DIR_EL1)
    ICC(ICC_RPR_EL1)
    ICC(ICC_SGI1R_EL1)
    ICC(ICC_ASGI1R_EL1)
    ICC(ICC_SGI0R_EL1)
    ICC(ICC_IAR1_EL1)
    ICC(ICC_EOIR1_EL1)
    ICC(ICC_HPPIR1_EL1)
    ICC(ICC_BPR1_EL1)
    ICC(ICC_CTLR_EL1)
    ICC(ICC_SRE_EL1)
    ICC(ICC_IGRPEN0_EL1)
    ICC(ICC_IGRPEN1_EL1)
    /* ---- identification (op0=3, op1=0, CRn=0): Cortex-A57 r1p3 (TRM 4.3) */
    ID(MIDR_EL1,          E(3,0,0,0,0), 0x411fd073)       /* Arm, variant 1, part 0xD07, revision 3 */
    IDF(MPIDR_EL1,        E(3,0,0,0,5), rd_mpidr)
    ID(REVIDR_EL1,        E(3,0,0,0,6), 0)
    ID(ID_PFR0_EL1,       E(3,0,0,1,0), 0x00000131)       /* State0 A32 = 1, State1 T32 = 3, State2 Jazelle = 1 */
    ID(ID_PFR1_EL1,       E(3,0,0,1,1), 0x00011011)       /* ProgMod, Security, Generic Timer */
    ID(ID_DFR0_EL1,       E(3,0,0,1,2), 0x03010066)
    ID(ID_AFR0_EL1,       E(3,0,0,1,3), 0)
    ID(ID_MMFR0_EL1,      E(3,0,0,1,4), 0x10101105)
    ID(ID_MMFR1_EL1,      E(3,0,0,1,5), 0x40000000)
    ID(ID_MMFR2_EL1,      E(3,0,0,1,6), 0x01260000)
    ID(ID_MMFR3_EL1,      E(3,0,0,1,7), 0x02102211)
    ID(ID_ISAR0_EL1,      E(3,0,0,2,0), 0x02101110)
    ID(ID_ISAR1_EL1,      E(3,0,0,2,1), 0x13112111)
    ID(ID_ISAR2_EL1,      E(3,0,0,2,2), 0x21232042)
    ID(ID_ISAR3_EL1,      E(3,0,0,2,3), 0x01112131)
    ID(ID_ISAR4_EL1,      E(3,0,0,2,4), 0x00011142)
    IDF(ID_ISAR5_EL1,     E(3,0,0,2,5), rd_id_isar5)
    ID(ID_MMFR4_EL1,      E(3,0,0,2,6), 0)
    ID(ID_ISAR6_EL1,      E(3,0,0,2,7), 0)
    ID(MVFR0_EL1,         E(3,0,0,3,0), 0x10110222)
    ID(MVFR1_EL1,         E(3,0,0,3,1), 0x12111111)
    ID(MVFR2_EL1,         E(3,0,0,3,2), 0x00000043)
    ID(ID_PFR2_EL1,       E(3,0,0,3,4), 0)
    ID(ID_DFR1_EL1,       E(3,0,0,3,5), 0)
    ID(ID_MMFR5_EL1,      E(3,0,0,3,6), 0)
    IDF(ID_AA64PFR0_EL1,  E(3,0,0,4,0), rd_pfr0)
    ID(ID_AA64PFR1_EL1,   E(3,0,0,4,1), 0)
    ID(ID_AA64ZFR0_EL1,   E(3,0,0,4,4), 0)                /* no SVE: reads 0 (not UNDEF) */
    ID(ID_AA64SMFR0_EL1,  E(3,0,0,4,5), 0)                /* no SME */
    ID(ID_AA64DFR0_EL1,   E(3,0,0,5,0), 0x10305106)       /* 6 BRPs, 4 WRPs, 2 CTX_CMPs, PMUv3, v8 debug */
    ID(ID_AA64DFR1_EL1,   E(3,0,0,5,1), 0)
    ID(ID_AA64AFR0_EL1,   E(3,0,0,5,4), 0)
    ID(ID_AA64AFR1_EL1,   E(3,0,0,5,5), 0)
    IDF(ID_AA64ISAR0_EL1, E(3,0,0,6,0), rd_isar0)
    IDF(ID_AA64ISAR1_EL1, E(3,0,0,6,1), rd_isar1)
    ID(ID_AA64ISAR2_EL1,  E(3,0,0,6,2), 0)
    /* PARange = 4 (44 bits), ASIDBits = 2 (16), BigEnd = 1, SNSMem = 1, TGran16 = 0 (16 KB
     * granule NOT supported — the A57 has 4 KB and 64 KB only, TRM 4.3.x), TGran64 = 0 and
     * TGran4 = 0 (supported). */
    ID(ID_AA64MMFR0_EL1,  E(3,0,0,7,0), 0x00001124)
    IDF(ID_AA64MMFR1_EL1, E(3,0,0,7,1), rd_mmfr1)
    IDF(ID_AA64MMFR2_EL1, E(3,0,0,7,2), rd_mmfr2)
    IDF(CCSIDR_EL1,       E(3,1,0,0,0), rd_ccsidr)
    ID(CLIDR_EL1,         E(3,1,0,0,1), 0x0a200023)       /* L1 I+D, L2 unified; LoUU 1, LoC 2, LoUIS 1 */
    ID(AIDR_EL1,          E(3,1,0,0,7), 0)
    RW(CSSELR_EL1,        E(3,2,0,0,0), SR_CSSELR_EL1, 0, 0xf, 0)
    ROW(CTR_EL0,          E(3,3,0,0,1), -1, 0, SRF_RO, FEAT_BASE, 0x8444c004, 0, 0, acc_ctr, NULL, NULL)
    ROW(DCZID_EL0,        E(3,3,0,0,7), -1, 0, SRF_RO, FEAT_BASE, 0, 0, 0, NULL, rd_dczid, NULL)

    /* ---- system control */
    ROW(SCTLR_EL1,        E(3,0,1,0,0), SR_SCTLR_EL1, 1, SRF_EXIT | SRF_FLUSH, FEAT_BASE, SCTLR_RES1_V80,
                          SCTLR_WMASK_V80, SCTLR_RES1_V80, NULL, NULL, wr_sctlr)
    RW(ACTLR_EL1,         E(3,0,1,0,1), SR_ACTLR_EL1, 0, ALL, 0)
    RW(CPACR_EL1,         E(3,0,1,0,2), SR_CPACR_EL1, 0, 0x10300000, SRF_EXIT)   /* FPEN, TTA */
    RW(TTBR0_EL1,         E(3,0,2,0,0), SR_TTBR0_EL1, 0, ~1ull, SRF_FLUSH)       /* bit 0 CnP: RES0 in v8.0 */
    RW(TTBR1_EL1,         E(3,0,2,0,1), SR_TTBR1_EL1, 0, ~1ull, SRF_FLUSH)
    /* TCR_EL1 v8.0 fields up to TBI1 [38]; bits 6 and 35 RES0; HA/HD/HPD/... (v8.1+) RES0. */
    RW(TCR_EL1,           E(3,0,2,0,2), SR_TCR_EL1, 0, ((1ull << 39) - 1) & ~(1ull << 6 | 1ull << 35), SRF_FLUSH)
    RW(SPSR_EL1,          E(3,0,4,0,0), SR_SPSR_EL1, 0, 0xf0f003dfull, 0)        /* NZCV UAO PAN SS IL DAIF M */
    RW(ELR_EL1,           E(3,0,4,0,1), SR_ELR_EL1, 0, ALL, 0)
    ROW(SP_EL0,           E(3,0,4,1,0), -1, 1, 0, FEAT_BASE, 0, ALL, 0, acc_sp_el0, rd_sp_el0, wr_sp_el0)
    ROW(SPSel,            E(3,0,4,2,0), -1, 1, 0, FEAT_BASE, 0, 1, 0, NULL, rd_spsel, wr_spsel)
    ROW(CurrentEL,        E(3,0,4,2,2), -1, 1, SRF_RO, FEAT_BASE, 0, 0, 0, NULL, rd_currentel, NULL)
    ROW(PAN,              E(3,0,4,2,3), -1, 1, SRF_EXIT | SRF_FLUSH, FEAT_PAN, 0, 0, 0, NULL, rd_pan, wr_pan)
    ROW(UAO,              E(3,0,4,2,4), -1, 1, SRF_EXIT | SRF_FLUSH, FEAT_UAO, 0, 0, 0, NULL, rd_uao, wr_uao)
    ROW(NZCV,             E(3,3,4,2,0), -1, 0, 0, FEAT_BASE, 0, 0, 0, NULL, rd_nzcv, wr_nzcv)
    ROW(DAIF,             E(3,3,4,2,1), -1, 0, SRF_EXIT, FEAT_BASE, 0, 0, 0, acc_daif, rd_daif, wr_daif)
    ROW(FPCR,             E(3,3,4,4,0), SR_FPCR, 0, 0, FEAT_FP, 0, 0x07c00000, 0, acc_fp, NULL, NULL)  /* AHP DN FZ RMode */
    ROW(FPSR,             E(3,3,4,4,1), SR_FPSR, 0, 0, FEAT_FP, 0, 0xf800009f, 0, acc_fp, NULL, NULL)  /* NZCV QC IDC..IOC */
    RW(AFSR0_EL1,         E(3,0,5,1,0), SR_AFSR0_EL1, 0, 0xffffffff, 0)
    RW(AFSR1_EL1,         E(3,0,5,1,1), SR_AFSR1_EL1, 0, 0xffffffff, 0)
    RW(ESR_EL1,           E(3,0,5,2,0), SR_ESR_EL1, 0, 0xffffffff, 0)
    RW(FAR_EL1,           E(3,0,6,0,0), SR_FAR_EL1, 0, ALL, 0)
    RW(PAR_EL1,           E(3,0,7,4,0), SR_PAR_EL1, 0, ALL, 0)
    RW(MAIR_EL1,          E(3,0,10,2,0), SR_MAIR_EL1, 0, ALL, SRF_FLUSH)
    RW(AMAIR_EL1,         E(3,0,10,3,0), SR_AMAIR_EL1, 0, ALL, 0)
    RW(VBAR_EL1,          E(3,0,12,0,0), SR_VBAR_EL1, 0, ~0x7ffull, 0)
    IDF(ISR_EL1,          E(3,0,12,1,0), rd_isr)
    RW(CONTEXTIDR_EL1,    E(3,0,13,0,1), SR_CONTEXTIDR_EL1, 0, 0xffffffff, SRF_FLUSH)
    RW(TPIDR_EL1,         E(3,0,13,0,4), SR_TPIDR_EL1, 0, ALL, 0)
    ROW(TPIDR_EL0,        E(3,3,13,0,2), SR_TPIDR_EL0, 0, 0, FEAT_BASE, 0, ALL, 0, NULL, NULL, NULL)
    ROW(TPIDRRO_EL0,      E(3,3,13,0,3), SR_TPIDRRO_EL0, 0, 0, FEAT_BASE, 0, ALL, 0, acc_el0_ro, NULL, NULL)

    /* ---- generic timer (D11.2); CNTFRQ_EL0 is writable only at the highest implemented EL,
     * which is not EL1 here (the native EL2/EL3 own it): MSR from EL1 is UNDEFINED. */
    ROW(CNTKCTL_EL1,      E(3,0,14,1,0), SR_CNTKCTL_EL1, 1, 0, FEAT_BASE, 0, 0x3ff, 0, NULL, NULL, wr_cntkctl)
    ROW(CNTFRQ_EL0,       E(3,3,14,0,0), -1, 0, SRF_RO, FEAT_BASE, CNTFRQ_HZ, 0, 0, acc_cntfrq, NULL, NULL)
    ROW(CNTPCT_EL0,       E(3,3,14,0,1), -1, 0, SRF_RO, FEAT_BASE, 0, 0, 0, acc_cntpct, rd_cnt, NULL)
    ROW(CNTVCT_EL0,       E(3,3,14,0,2), -1, 0, SRF_RO, FEAT_BASE, 0, 0, 0, acc_cntvct, rd_cntvct, NULL)
    ROW(CNTP_TVAL_EL0,    E(3,3,14,2,0), SR_CNTP_CVAL_EL0, 0, 0, FEAT_BASE, 0, ALL, 0, acc_cntp, rd_cnt_tval, wr_cnt_tval)
    ROW(CNTP_CTL_EL0,     E(3,3,14,2,1), SR_CNTP_CTL_EL0, 0, 0, FEAT_BASE, 0, 3, 0, acc_cntp, rd_cnt_ctl, wr_cnt_ctl)
    ROW(CNTP_CVAL_EL0,    E(3,3,14,2,2), SR_CNTP_CVAL_EL0, 0, 0, FEAT_BASE, 0, ALL, 0, acc_cntp, NULL, wr_cnt_cval)
    ROW(CNTV_TVAL_EL0,    E(3,3,14,3,0), SR_CNTV_CVAL_EL0, 0, 0, FEAT_BASE, 0, ALL, 0, acc_cntv, rd_cnt_tval, wr_cnt_tval)
    ROW(CNTV_CTL_EL0,     E(3,3,14,3,1), SR_CNTV_CTL_EL0, 0, 0, FEAT_BASE, 0, 3, 0, acc_cntv, rd_cnt_ctl, wr_cnt_ctl)
    ROW(CNTV_CVAL_EL0,    E(3,3,14,3,2), SR_CNTV_CVAL_EL0, 0, 0, FEAT_BASE, 0, ALL, 0, acc_cntv, NULL, wr_cnt_cval)

    /* ---- debug (op0 = 2): storage only; no hardware breakpoints/watchpoints fire yet */
    RW(MDSCR_EL1,         E(2,0,0,2,2), SR_MDSCR_EL1, 0, 0x00ecf041, 0)
    DBG_BP(0) DBG_BP(1) DBG_BP(2) DBG_BP(3) DBG_BP(4) DBG_BP(5)
    DBG_WP(0) DBG_WP(1) DBG_WP(2) DBG_WP(3)
    ID(MDRAR_EL1,         E(2,0,1,0,0), 0)
    ROW(OSLAR_EL1,        E(2,0,1,0,4), -1, 1, SRF_WO, FEAT_BASE, 0, 1, 0, NULL, NULL, wr_oslar)
    ROW(OSLSR_EL1,        E(2,0,1,1,4), SR_OSLSR_EL1, 1, SRF_RO, FEAT_BASE, 0xa, 0, 0, NULL, NULL, NULL) /* OSLK = 1 at cold reset */
    RW(OSDLR_EL1,         E(2,0,1,3,4), SR_OSDLR_EL1, 0, 1, 0)
    RW(DBGPRCR_EL1,       E(2,0,1,4,4), SR_DBGPRCR_EL1, 0, 1, 0)
    RW(DBGCLAIMSET_EL1,   E(2,0,7,8,6), -1, 0, 0, 0)      /* RAZ/WI */
    RW(DBGCLAIMCLR_EL1,   E(2,0,7,9,6), -1, 0, 0, 0)
    ID(DBGAUTHSTATUS_EL1, E(2,0,7,14,6), 0)
    ROW(MDCCSR_EL0,       E(2,3,0,1,0), -1, 0, SRF_RO, FEAT_BASE, 0, 0, 0, acc_mdccsr, NULL, NULL)

    /* ---- PMU (PMUv3, N = 6): storage only */
    ROW(PMCR_EL0,         E(3,3,9,12,0), SR_PMCR_EL0, 0, 0, FEAT_BASE, 0x41013000, 0x79, 0x41013000, acc_pmu, NULL, wr_pmcr)
    ROW(PMCNTENSET_EL0,   E(3,3,9,12,1), SR_PMCNTENSET_EL0, 0, 0, FEAT_BASE, 0, 0, 0, acc_pmu, NULL, wr_pm_set)
    ROW(PMCNTENCLR_EL0,   E(3,3,9,12,2), SR_PMCNTENSET_EL0, 0, 0, FEAT_BASE, 0, 0, 0, acc_pmu, NULL, wr_pm_clr)
    ROW(PMOVSCLR_EL0,     E(3,3,9,12,3), SR_PMOVSSET_EL0, 0, 0, FEAT_BASE, 0, 0, 0, acc_pmu, NULL, wr_pm_clr)
    ROW(PMSWINC_EL0,      E(3,3,9,12,4), -1, 0, SRF_WO, FEAT_BASE, 0, 0, 0, acc_pmu, NULL, NULL)
    ROW(PMSELR_EL0,       E(3,3,9,12,5), SR_PMSELR_EL0, 0, 0, FEAT_BASE, 0, 0x1f, 0, acc_pmu, NULL, NULL)
    ROW(PMCEID0_EL0,      E(3,3,9,12,6), -1, 0, SRF_RO, FEAT_BASE, 0, 0, 0, acc_pmu, NULL, NULL)
    ROW(PMCEID1_EL0,      E(3,3,9,12,7), -1, 0, SRF_RO, FEAT_BASE, 0, 0, 0, acc_pmu, NULL, NULL)
    ROW(PMCCNTR_EL0,      E(3,3,9,13,0), SR_PMCCNTR_EL0, 0, 0, FEAT_BASE, 0, ALL, 0, acc_pmu, NULL, NULL)
    ROW(PMXEVTYPER_EL0,   E(3,3,9,13,1), -1, 0, 0, FEAT_BASE, 0, 0, 0, acc_pmu, NULL, NULL)
    ROW(PMXEVCNTR_EL0,    E(3,3,9,13,2), -1, 0, 0, FEAT_BASE, 0, 0, 0, acc_pmu, NULL, NULL)
    ROW(PMUSERENR_EL0,    E(3,3,9,14,0), SR_PMUSERENR_EL0, 0, 0, FEAT_BASE, 0, 0xf, 0, acc_el0_ro, NULL, NULL)
    ROW(PMINTENSET_EL1,   E(3,0,9,14,1), SR_PMINTENSET_EL1, 1, 0, FEAT_BASE, 0, 0, 0, NULL, NULL, wr_pm_set)
    ROW(PMINTENCLR_EL1,   E(3,0,9,14,2), SR_PMINTENSET_EL1, 1, 0, FEAT_BASE, 0, 0, 0, NULL, NULL, wr_pm_clr)
    ROW(PMOVSSET_EL0,     E(3,3,9,14,3), SR_PMOVSSET_EL0, 0, 0, FEAT_BASE, 0, 0, 0, acc_pmu, NULL, wr_pm_set)
    PMEV(0) PMEV(1) PMEV(2) PMEV(3) PMEV(4) PMEV(5)
    ROW(PMCCFILTR_EL0,    E(3,3,14,15,7), SR_PMCCFILTR_EL0, 0, 0, FEAT_BASE, 0, 0xf8000000, 0, acc_pmu, NULL, NULL)
};
#define NSYSREGS (sizeof sysregs / sizeof *sysregs)

/* Reserved encodings of the ID register space (op0=3, op1=0, CRn=0, CRm=1..7) read as zero
 * (D13.1.5 "Reserved encodings in the ID register space"): future ID registers a kernel
 * probes must not be UNDEFINED. */
static const struct sysreg id_raz = { 0, "ID_RESERVED", -1, 1, SRF_RO, FEAT_BASE, 0, 0, 0, NULL, NULL, NULL };

/* ------------------------------------------------------------------ lookup */
static const struct sysreg *sorted[NSYSREGS];
static int sorted_ready;

static int cmp_enc(const void *a, const void *b)
{
    uint32_t x = (*(const struct sysreg *const *)a)->enc, y = (*(const struct sysreg *const *)b)->enc;
    return x < y ? -1 : x > y;
}
static void sysreg_init(void)
{
    for (unsigned i = 0; i < NSYSREGS; i++) sorted[i] = &sysregs[i];
    qsort(sorted, NSYSREGS, sizeof *sorted, cmp_enc);
    for (unsigned i = 1; i < NSYSREGS; i++)
        if (sorted[i]->enc == sorted[i - 1]->enc) {
            fprintf(stderr, "faultline: internal: sysreg %s and %s share an encoding\n", sorted[i]->name, sorted[i - 1]->name);
            abort();
        }
    sorted_ready = 1;
}
static const struct sysreg *lookup(uint32_t enc)
{
    if (!sorted_ready) sysreg_init();
    unsigned lo = 0, hi = NSYSREGS;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (sorted[mid]->enc == enc) return sorted[mid];
        if (sorted[mid]->enc < enc) lo = mid + 1; else hi = mid;
    }
    unsigned op0 = enc >> 14, op1 = (enc >> 11) & 7, crn = (enc >> 7) & 15, crm = (enc >> 3) & 15;
    /* The unallocated encodings of the ID register space (op0 = 3, op1 = 0, CRn = 0,
     * CRm = 1..7) read as zero; CRm = 8..15 is not ID space and stays UNDEFINED (D18.1). */
    if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7) return &id_raz;
    return NULL;
}
const struct sysreg *sysreg_find(const struct cpu *c, uint32_t enc)
{
    const struct sysreg *r = lookup(enc & 0xffff);
    if (r && r->feat != FEAT_BASE && !cpu_has_feature(c, r->feat)) return NULL;
    return r;
}

/* ------------------------------------------------------------------ access */
static uint64_t raw_read(struct cpu *c, const struct sysreg *r)
{
    if (r->read) return r->read(c, r);
    return r->slot >= 0 ? c->sr[r->slot] : r->reset;
}
static void raw_write(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    if (r->write) r->write(c, r, v);
    else if (r->slot >= 0) c->sr[r->slot] = (v & r->wmask) | r->res1;
    if (r->flags & SRF_FLUSH) {
        /* TTBRn_EL1 (ASID and table base) and CONTEXTIDR_EL1 switch the context: the ASID-tagged
         * second level keeps its entries (cpu/ctlb.h). TCR/MAIR change what every entry means. */
        if (r->slot == SR_TTBR0_EL1 || r->slot == SR_TTBR1_EL1 || r->slot == SR_CONTEXTIDR_EL1)
            cpu_tlb_flush_fast(c);
        else
            cpu_tlb_flush_all(c);
    }
}

/* EC 0x18 syndrome (D17.2.37 "ISS encoding for an exception from MSR, MRS, or System
 * instruction execution"): Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5],
 * CRm [4:1], Direction [0] (1 = read). Works for MSR (immediate) and SYS too. */
const struct dinsn *sysreg_trap(struct cpu *c, const struct dinsn *d)
{
    uint32_t i = d->raw;
    uint32_t iss = ((i >> 19) & 3) << 20 | ((i >> 5) & 7) << 17 | ((i >> 16) & 7) << 14 |
                   ((i >> 12) & 15) << 10 | (i & 31) << 5 | ((i >> 8) & 15) << 1 | ((i >> 21) & 1);
    return cpu_take_sync(c, pc_of(c, d), (uint32_t)EC_SYSREG << 26 | ESR_IL | iss, 0, false);
}

static enum sysreg_access check(struct cpu *c, const struct sysreg *r, bool write)
{
    if (c->el < r->min_el) return SRA_UNDEF;
    if (write && (r->flags & SRF_RO)) return SRA_UNDEF;
    if (!write && (r->flags & SRF_WO)) return SRA_UNDEF;
    return r->access ? r->access(c, r, write) : SRA_OK;
}
static bool raise(struct cpu *c, const struct dinsn *d, enum sysreg_access a)
{
    switch (a) {
    case SRA_TRAP: sysreg_trap(c, d); break;
    case SRA_FP_TRAP:   /* EC 0x07, ISS: CV = 1, COND = 0b1110 (D17.2.37) */
        cpu_take_sync(c, pc_of(c, d), (uint32_t)EC_FP_ACCESS << 26 | ESR_IL | ESR_ISS_CV_COND_AL, 0, false);
        break;
    default: cpu_undef(c, d); break;
    }
    return false;
}
bool sysreg_read_checked(struct cpu *c, const struct dinsn *d, const struct sysreg *r, unsigned rt, uint64_t *val)
{
    enum sysreg_access a = check(c, r, false);
    if (unlikely(a == SRA_EL2)) {
        uint64_t v = 0;
        if (!c->hooks.sysreg_el2(c->hooks.opaque, c, r->enc, false, &v)) return raise(c, d, SRA_UNDEF);
        *val = v;
        return true;
    }
    if (unlikely(a != SRA_OK)) return raise(c, d, a);
    *val = raw_read(c, r);
    return true;
}
bool sysreg_write_checked(struct cpu *c, const struct dinsn *d, const struct sysreg *r, unsigned rt, uint64_t val)
{
    enum sysreg_access a = check(c, r, true);
    if (unlikely(a == SRA_EL2)) {
        if (!c->hooks.sysreg_el2(c->hooks.opaque, c, r->enc, true, &val)) return raise(c, d, SRA_UNDEF);
        return true;
    }
    if (unlikely(a != SRA_OK)) return raise(c, d, a);
    raw_write(c, r, val);
    return true;
}

bool sysreg_mrs(struct cpu *c, const struct dinsn *d, uint32_t enc, uint64_t *val)
{
    const struct sysreg *r = sysreg_find(c, enc);
    if (!r) { cpu_undef(c, d); return false; }
    return sysreg_read_checked(c, d, r, d->raw & 31, val);
}
bool sysreg_msr(struct cpu *c, const struct dinsn *d, uint32_t enc, uint64_t val)
{
    const struct sysreg *r = sysreg_find(c, enc);
    if (!r) { cpu_undef(c, d); return false; }
    return sysreg_write_checked(c, d, r, d->raw & 31, val);
}

void sysreg_reset(struct cpu *c)
{
    memset(c->sr, 0, sizeof c->sr);
    for (unsigned i = 0; i < NSYSREGS; i++)
        if (sysregs[i].slot >= 0 && (sysregs[i].reset | sysregs[i].res1))
            c->sr[sysregs[i].slot] = sysregs[i].reset | sysregs[i].res1;
    c->mmu_on = c->sr[SR_SCTLR_EL1] & SCTLR_M;
}

/* ------------------------------------------------------------------ debug access (no traps) */
bool cpu_read_sysreg(struct cpu *c, uint32_t enc, uint64_t *val)
{
    const struct sysreg *r = sysreg_find(c, enc);
    if (!r || (r->flags & SRF_WO)) return false;
    *val = raw_read(c, r);
    return true;
}
bool cpu_write_sysreg(struct cpu *c, uint32_t enc, uint64_t val)
{
    const struct sysreg *r = sysreg_find(c, enc);
    if (!r || (r->flags & SRF_RO)) return false;
    raw_write(c, r, val);
    return true;
}
const char *cpu_sysreg_name(uint32_t enc)
{
    const struct sysreg *r = lookup(enc & 0xffff);
    return r ? r->name : NULL;
}
