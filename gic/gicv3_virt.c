/* gic/gicv3_virt.c — GICv3 virtualization (IHI 0069): the hypervisor's ICH_*_EL2 registers
 * and ICC_SRE_EL2 ("AArch64 System register descriptions of the virtual registers" and "...
 * of the CPU interface"), and the ICV_*_EL1 view a guest at EL1 gets for its ICC_*_EL1
 * accesses when HCR_EL2.IMO/FMO are set (chapter 6 "Virtual Interrupt Handling and
 * Prioritization"). Served from the list-register core in gic_virt.c.
 *
 * ICH_VTR_EL2 as a GIC-500 CPU interface (Cortex-A57/A72 pairing) reports it: 4 list registers,
 * 5 priority and 5 preemption bits, 16-bit virtual INTIDs (IDbits 0), no Aff3 (A3V 0, like
 * ICC_CTLR_EL1), no SEIs, no direct injection (nV4 1, no GICv4), TDS 1 (ICH_HCR_EL2.TDIR is
 * implemented). With 5 preemption bits only ICH_AP0R0_EL2/ICH_AP1R0_EL2 exist. The system
 * register interface is always on (ICC_SRE_EL2 RAO/WI), so ICH_VMCR_EL2.VFIQEn is RES1 and
 * VAckCtl RES0: virtual Group 0 is always signalled as a virtual FIQ. */
#include "gic/gic_internal.h"
#include "cpu/cpu.h"       /* SYSREG_ENC */

/* ICH_*_EL2 encodings and the ICH_HCR/ICH_MISR/ICH_VMCR fields: gic/gic.h */

/* ICH_HCR_EL2: [7:0], TC, TALL0, TALL1, TDIR, EOIcount [31:27] (TSEI is RES0: SEIS == 0) */
#define ICH_HCR_MASK     0xF8005CFFu
/* ICH_VTR_EL2: PRIbits [31:29], PREbits [28:26], IDbits [25:23] = 0, SEIS [22] = 0,
 * A3V [21] = 0, nV4 [20] = 1, TDS [19] = 1, ListRegs [4:0] */
#define ICH_VTR_VALUE    ((uint64_t)(GIC_PRIO_BITS - 1) << 29 | (uint64_t)(GIC_PRIO_BITS - 1) << 26 | \
                          1u << 20 | 1u << 19 | (GIC_NR_LR - 1))
/* ICC_SRE_EL2: SRE, DFB, DIB, Enable — all RAO/WI */
#define ICC_SRE_EL2_VALUE 0xFu

/* ICH_LR<n>_EL2 fields */
#define LR_pINTID_SHIFT  32
#define LR_pINTID_MASK   0x1FFFull
#define LR_EOI           (1ull << 41)
#define LR_Priority_SHIFT 48
#define LR_Group         (1ull << 60)
#define LR_HW            (1ull << 61)
#define LR_State_SHIFT   62

/* ICC_CTLR_EL1 / ICV_CTLR_EL1 */
#define ICV_CTLR_CBPR    (1u << 0)
#define ICV_CTLR_EOImode (1u << 1)

static uint64_t lr_pack(const struct gic_lr *lr)
{
    uint64_t v = lr->vintid | (uint64_t)lr->prio << LR_Priority_SHIFT |
                 (uint64_t)lr->state << LR_State_SHIFT | (lr->group1 ? LR_Group : 0);
    if (lr->hw)
        v |= LR_HW | (uint64_t)(lr->pintid & LR_pINTID_MASK) << LR_pINTID_SHIFT;
    else if (lr->eoi)
        v |= LR_EOI;
    return v;
}

static void lr_unpack(struct gic_lr *lr, uint64_t v)
{
    lr->vintid = (uint32_t)v;
    lr->prio = (uint8_t)(v >> LR_Priority_SHIFT) & GIC_PRIO_MASK;
    lr->state = (uint8_t)(v >> LR_State_SHIFT & 3);
    lr->group1 = v & LR_Group;
    lr->hw = v & LR_HW;
    lr->pintid = lr->hw ? (uint32_t)(v >> LR_pINTID_SHIFT & LR_pINTID_MASK) : 0;
    lr->eoi = !lr->hw && (v & LR_EOI);
    lr->cpuid = 0;
}

static uint64_t vmcr_read(const struct gic_cpuif *c)
{
    return (c->grp_en[0] ? ICH_VMCR_VENG0 : 0) | (c->grp_en[1] ? ICH_VMCR_VENG1 : 0) | ICH_VMCR_VFIQEn |
           (c->cbpr ? ICH_VMCR_VCBPR : 0) | (c->eoimode ? ICH_VMCR_VEOIM : 0) |
           (uint64_t)c->bpr[1] << ICH_VMCR_VBPR1_SHIFT | (uint64_t)c->bpr[0] << ICH_VMCR_VBPR0_SHIFT |
           (uint64_t)c->pmr << ICH_VMCR_VPMR_SHIFT;
}

static void vmcr_write(struct gic_cpuif *c, uint64_t v)
{
    c->grp_en[0] = v & ICH_VMCR_VENG0;
    c->grp_en[1] = v & ICH_VMCR_VENG1;
    c->fiq_en = true;
    c->ack_ctl = false;
    c->cbpr = v & ICH_VMCR_VCBPR;
    c->eoimode = v & ICH_VMCR_VEOIM;
    c->bpr[1] = gic_bpr_clamp(v >> ICH_VMCR_VBPR1_SHIFT, 1);
    c->bpr[0] = gic_bpr_clamp(v >> ICH_VMCR_VBPR0_SHIFT, 0);
    c->pmr = (uint8_t)(v >> ICH_VMCR_VPMR_SHIFT) & GIC_PRIO_MASK;
}

static int lr_index(uint32_t enc)
{
    if (enc < ICH_LR_EL2(0) || enc > ICH_LR_EL2(15))
        return -1;
    return (int)(enc - ICH_LR_EL2(0));   /* CRm 12 op2 0..7, CRm 13 op2 0..7: contiguous */
}

bool gicv3_ich_read(struct gic *g, unsigned cpu, uint32_t enc, uint64_t *val)
{
    struct gic_vcpuif *v = &g->virt[cpu];
    int n = lr_index(enc);
    if (n >= 0) {
        if (n >= GIC_NR_LR)
            return false;              /* ICH_LR4..15_EL2 not implemented: UNDEFINED */
        *val = lr_pack(&v->lr[n]);
        return true;
    }
    switch (enc) {
    case ICH_HCR_EL2:   *val = v->hcr; return true;
    case ICH_VTR_EL2:   *val = ICH_VTR_VALUE; return true;
    case ICH_VMCR_EL2:  *val = vmcr_read(&v->vif); return true;
    case ICH_MISR_EL2:  *val = gic_virt_misr(g, cpu); return true;
    case ICH_EISR_EL2:  *val = gic_virt_eisr(g, cpu); return true;
    case ICH_ELRSR_EL2: *val = gic_virt_elrsr(g, cpu); return true;
    case ICH_AP0R0_EL2: *val = v->vif.apr[0]; return true;
    case ICH_AP1R0_EL2: *val = v->vif.apr[1]; return true;
    case ICC_SRE_EL2:   *val = ICC_SRE_EL2_VALUE; return true;
    default:
        return false;
    }
}

bool gicv3_ich_write(struct gic *g, unsigned cpu, uint32_t enc, uint64_t val)
{
    struct gic_vcpuif *v = &g->virt[cpu];
    int n = lr_index(enc);
    if (n >= 0) {
        if (n >= GIC_NR_LR)
            return false;
        lr_unpack(&v->lr[n], val);
    } else {
        switch (enc) {
        case ICH_HCR_EL2:   v->hcr = (uint32_t)val & ICH_HCR_MASK; break;
        case ICH_VMCR_EL2:  vmcr_write(&v->vif, val); break;
        case ICH_AP0R0_EL2: v->vif.apr[0] = (uint32_t)val; break;
        case ICH_AP1R0_EL2: v->vif.apr[1] = (uint32_t)val; break;
        case ICC_SRE_EL2:   return true;                 /* RAO/WI */
        default:
            return false;   /* VTR/MISR/EISR/ELRSR are read-only; AP<n>R1..3, unknown */
        }
    }
    gic_virt_update(g, cpu);
    return true;
}

/* ---- ICV_*_EL1 ------------------------------------------------------------------------------ */

/* ICV_IAR0/1_EL1: acknowledge the signalled virtual interrupt if it is of this group. */
static uint64_t icv_iar(struct gic *g, unsigned cpu, int want_group)
{
    struct gic_vcpuif *v = &g->virt[cpu];
    int n = gic_virt_hppi(g, cpu);
    if (n < 0 || v->lr[n].group1 != want_group ||
        !gic_cpuif_can_signal(&v->vif, v->lr[n].prio, v->lr[n].group1))
        return GIC_SPURIOUS;
    uint32_t id = v->lr[n].vintid;
    gic_virt_acknowledge(g, cpu, n);
    return id;
}

static uint64_t icv_hppir(const struct gic *g, unsigned cpu, int want_group)
{
    int n = gic_virt_hppi(g, cpu);
    if (n < 0 || g->virt[cpu].lr[n].group1 != want_group)
        return GIC_SPURIOUS;
    return g->virt[cpu].lr[n].vintid;
}

/* Which ICH_HCR_EL2 trap bit covers an ICV register (0: none). SGI generation always traps:
 * the hypervisor emulates virtual SGIs (IHI 0069, ICC_SGI1R_EL1 "traps to EL2 when
 * HCR_EL2.IMO/FMO"). */
static uint32_t trap_bit(uint32_t enc)
{
    switch (enc) {
    case ICC_CTLR_EL1: case ICC_PMR_EL1: case ICC_RPR_EL1:
        return ICH_HCR_TC;
    case ICC_DIR_EL1:
        return ICH_HCR_TC | ICH_HCR_TDIR;
    case ICC_IAR0_EL1: case ICC_EOIR0_EL1: case ICC_HPPIR0_EL1: case ICC_BPR0_EL1:
    case ICC_AP0R0_EL1: case ICC_IGRPEN0_EL1:
        return ICH_HCR_TALL0;
    case ICC_IAR1_EL1: case ICC_EOIR1_EL1: case ICC_HPPIR1_EL1: case ICC_BPR1_EL1:
    case ICC_AP1R0_EL1: case ICC_IGRPEN1_EL1:
        return ICH_HCR_TALL1;
    default:
        return 0;
    }
}

static bool icv_exists(uint32_t enc, bool write)
{
    switch (enc) {
    case ICC_PMR_EL1: case ICC_BPR0_EL1: case ICC_BPR1_EL1: case ICC_AP0R0_EL1:
    case ICC_AP1R0_EL1: case ICC_CTLR_EL1: case ICC_IGRPEN0_EL1: case ICC_IGRPEN1_EL1:
    case ICC_SRE_EL1:
        return true;
    case ICC_IAR0_EL1: case ICC_IAR1_EL1: case ICC_HPPIR0_EL1: case ICC_HPPIR1_EL1:
    case ICC_RPR_EL1:
        return !write;
    case ICC_EOIR0_EL1: case ICC_EOIR1_EL1: case ICC_DIR_EL1:
    case ICC_SGI0R_EL1: case ICC_SGI1R_EL1: case ICC_ASGI1R_EL1:
        return write;
    default:
        return false;
    }
}

int gicv3_icv_access(struct gic *g, unsigned cpu, uint32_t enc, uint64_t *val, bool write)
{
    struct gic_vcpuif *v = &g->virt[cpu];
    struct gic_cpuif *c = &v->vif;
    if (!icv_exists(enc, write))
        return GIC_SYSREG_UNDEF;
    if (enc == ICC_SGI0R_EL1 || enc == ICC_SGI1R_EL1 || enc == ICC_ASGI1R_EL1 ||
        (v->hcr & trap_bit(enc)))
        return GIC_SYSREG_TRAP;
    if (enc == ICC_SRE_EL1)            /* not virtualized: the EL1 ICC_SRE_EL1 */
        return (write ? gicv3_icc_write(g, cpu, enc, *val) : gicv3_icc_read(g, cpu, enc, val))
               ? GIC_SYSREG_OK : GIC_SYSREG_UNDEF;
    if (!write) {
        switch (enc) {
        case ICC_PMR_EL1:     *val = c->pmr; break;
        case ICC_IAR0_EL1:    *val = icv_iar(g, cpu, 0); break;
        case ICC_IAR1_EL1:    *val = icv_iar(g, cpu, 1); break;
        case ICC_HPPIR0_EL1:  *val = icv_hppir(g, cpu, 0); break;
        case ICC_HPPIR1_EL1:  *val = icv_hppir(g, cpu, 1); break;
        case ICC_BPR0_EL1:    *val = c->bpr[0]; break;
        /* with VCBPR, ICV_BPR1_EL1 reads as ICV_BPR0_EL1 + 1, saturated */
        case ICC_BPR1_EL1:    *val = c->cbpr ? (c->bpr[0] < 7 ? c->bpr[0] + 1 : 7) : c->bpr[1]; break;
        case ICC_AP0R0_EL1:   *val = c->apr[0]; break;
        case ICC_AP1R0_EL1:   *val = c->apr[1]; break;
        case ICC_RPR_EL1:     *val = gic_cpuif_running_priority(c); break;
        case ICC_IGRPEN0_EL1: *val = c->grp_en[0]; break;
        case ICC_IGRPEN1_EL1: *val = c->grp_en[1]; break;
        case ICC_CTLR_EL1:
            /* PRIbits [10:8] and IDbits/SEIS/A3V from ICH_VTR_EL2 (IHI 0069 ICV_CTLR_EL1) */
            *val = (c->cbpr ? ICV_CTLR_CBPR : 0) | (c->eoimode ? ICV_CTLR_EOImode : 0) |
                   (uint64_t)(GIC_PRIO_BITS - 1) << 8;
            break;
        }
        return GIC_SYSREG_OK;
    }
    uint64_t w = *val;
    switch (enc) {
    case ICC_PMR_EL1:     c->pmr = (uint8_t)w & GIC_PRIO_MASK; break;
    case ICC_BPR0_EL1:    c->bpr[0] = gic_bpr_clamp(w, 0); break;
    case ICC_BPR1_EL1:
        if (!c->cbpr)
            c->bpr[1] = gic_bpr_clamp(w, 1);
        break;
    case ICC_AP0R0_EL1:   c->apr[0] = (uint32_t)w; break;
    case ICC_AP1R0_EL1:   c->apr[1] = (uint32_t)w; break;
    case ICC_IGRPEN0_EL1: c->grp_en[0] = w & 1; break;
    case ICC_IGRPEN1_EL1: c->grp_en[1] = w & 1; break;
    case ICC_CTLR_EL1:
        c->cbpr = w & ICV_CTLR_CBPR;
        c->eoimode = w & ICV_CTLR_EOImode;
        break;
    case ICC_EOIR0_EL1:
    case ICC_EOIR1_EL1:
        /* ICV_EOIR<n>_EL1: priority drop, deactivation unless ICH_VMCR_EL2.VEOIM; the special
         * INTIDs 1020..1023 have no effect */
        if ((uint32_t)w < 1020 || (uint32_t)w > 1023)
            gic_virt_eoi(g, cpu, (uint32_t)w);
        return GIC_SYSREG_OK;
    case ICC_DIR_EL1:
        if (!c->eoimode)
            gic_log(g, "gicv3: ICV_DIR_EL1 write with ICH_VMCR_EL2.VEOIM == 0");
        if ((uint32_t)w < 1020 || (uint32_t)w > 1023)
            gic_virt_deactivate(g, cpu, (uint32_t)w);
        return GIC_SYSREG_OK;
    }
    gic_virt_update(g, cpu);
    return GIC_SYSREG_OK;
}
