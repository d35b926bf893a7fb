/* gic/gic_virt.c — the virtual CPU interface core shared by GICv2 (GICH/GICV, IHI 0048B
 * chapter 5 "GIC Support for Virtualization") and GICv3 (ICH_*_EL2 / ICV_*_EL1, IHI 0069
 * chapter 6 "Virtual Interrupt Handling and Prioritization").
 *
 * The pending set of the virtual CPU interface is the list registers, the virtual CPU interface
 * control state (VMCR) and active priorities (APR) live in a struct gic_cpuif, so masking by the
 * virtual PMR, preemption through the virtual binary points and the running priority are the
 * core's code (gic.c gic_cpuif_*), the same that the physical CPU interfaces use. What is
 * virtualization-only: the list-register state machine, EOICount, the maintenance conditions
 * (MISR/EISR/ELRSR) and the two extra output lines. */
#include <string.h>
#include "gic/gic_internal.h"

void gic_virt_reset(struct gic *g, unsigned cpu)
{
    struct gic_vcpuif *v = &g->virt[cpu];
    bool vline[2] = { v->vline[0], v->vline[1] };
    bool maint = v->maint;
    memset(v, 0, sizeof *v);
    v->vline[0] = vline[0];
    v->vline[1] = vline[1];
    v->maint = maint;
    /* GICH_VMCR / ICH_VMCR_EL2 reset: binary points at their minimum (IHI 0048B 5.3.3). */
    v->vif.bpr[0] = GIC_MIN_BPR0;
    v->vif.bpr[1] = GIC_MIN_BPR1;
}

/* Highest-priority pending virtual interrupt: IHI 0048B 5.3 ("the virtual CPU interface
 * signals the highest priority pending interrupt held in the List registers"), IHI 0069
 * "Virtual interrupt prioritization". Only State == pending competes: a pending-and-active LR
 * is active and cannot be signalled again before its deactivation, as on the physical side. */
int gic_virt_hppi(const struct gic *g, unsigned cpu)
{
    const struct gic_vcpuif *v = &g->virt[cpu];
    int best = -1;
    if (!(v->hcr & GICH_HCR_En))
        return -1;
    for (int n = 0; n < GIC_NR_LR; n++) {
        const struct gic_lr *lr = &v->lr[n];
        if (lr->state != GIC_LR_PENDING || !v->vif.grp_en[lr->group1])
            continue;
        if (best < 0 || lr->prio < v->lr[best].prio)
            best = n;
    }
    return best;
}

void gic_virt_acknowledge(struct gic *g, unsigned cpu, int n)
{
    struct gic_vcpuif *v = &g->virt[cpu];
    struct gic_lr *lr = &v->lr[n];
    lr->state = GIC_LR_ACTIVE;
    /* GICv2 has one GICH_APR for both groups (IHI 0048B 5.3.6); GICv3 has ICH_AP0R/AP1R. */
    gic_cpuif_activate_priority(&v->vif, lr->prio, lr->group1,
                                g->cfg.version == 2 ? 0 : lr->group1);
    gic_virt_update(g, cpu);
}

void gic_virt_deactivate(struct gic *g, unsigned cpu, uint32_t id)
{
    struct gic_vcpuif *v = &g->virt[cpu];
    for (int n = 0; n < GIC_NR_LR; n++) {
        struct gic_lr *lr = &v->lr[n];
        if (lr->vintid != id || !(lr->state & GIC_LR_ACTIVE))
            continue;
        /* active -> invalid, pending and active -> pending (IHI 0048B 5.3.9, IHI 0069
         * ICH_LR<n>_EL2). HW == 1: the physical interrupt is deactivated as by a write of
         * pINTID to GICC_DIR / ICC_DIR_EL1 (IHI 0048B 5.4.1 "Hardware interrupts"). */
        lr->state &= ~GIC_LR_ACTIVE;
        if (lr->hw && lr->pintid < g->nirq)
            gic_deactivate(g, cpu, lr->pintid);
        gic_virt_update(g, cpu);
        return;
    }
    /* Not in a list register: EOICount counts it for the hypervisor (IHI 0048B 5.3.1 GICH_HCR,
     * IHI 0069 ICH_HCR_EL2.EOIcount), 5 bits, wrapping. */
    uint32_t cnt = (v->hcr >> GICH_HCR_EOICount_SHIFT) + 1;
    v->hcr = (v->hcr & ((1u << GICH_HCR_EOICount_SHIFT) - 1)) |
             (cnt & 0x1F) << GICH_HCR_EOICount_SHIFT;
    gic_virt_update(g, cpu);
}

void gic_virt_eoi(struct gic *g, unsigned cpu, uint32_t id)
{
    struct gic_vcpuif *v = &g->virt[cpu];
    gic_cpuif_priority_drop(&v->vif);
    if (!v->vif.eoimode)
        gic_virt_deactivate(g, cpu, id);
    else
        gic_virt_update(g, cpu);
}

/* GICH_EISRn / ICH_EISR_EL2: an LR that is invalid, HW == 0 and EOI == 1 (IHI 0048B 5.3.7). */
uint32_t gic_virt_eisr(const struct gic *g, unsigned cpu)
{
    uint32_t r = 0;
    for (int n = 0; n < GIC_NR_LR; n++) {
        const struct gic_lr *lr = &g->virt[cpu].lr[n];
        if (lr->state == GIC_LR_INVALID && !lr->hw && lr->eoi)
            r |= 1u << n;
    }
    return r;
}

/* GICH_ELRSRn / ICH_ELRSR_EL2: an LR that is invalid and holds no EOI maintenance request
 * (IHI 0048B 5.3.8): the hypervisor may reuse it. */
uint32_t gic_virt_elrsr(const struct gic *g, unsigned cpu)
{
    uint32_t r = 0;
    for (int n = 0; n < GIC_NR_LR; n++) {
        const struct gic_lr *lr = &g->virt[cpu].lr[n];
        if (lr->state == GIC_LR_INVALID && (lr->hw || !lr->eoi))
            r |= 1u << n;
    }
    return r;
}

/* GICH_MISR / ICH_MISR_EL2 (IHI 0048B 5.3.5): EOI whenever an EISR bit is set; the others
 * only with their enable in GICH_HCR. */
uint32_t gic_virt_misr(const struct gic *g, unsigned cpu)
{
    const struct gic_vcpuif *v = &g->virt[cpu];
    uint32_t m = 0, hcr = v->hcr;
    unsigned valid = 0, pending = 0;
    for (int n = 0; n < GIC_NR_LR; n++) {
        valid += v->lr[n].state != GIC_LR_INVALID;
        pending += v->lr[n].state == GIC_LR_PENDING;
    }
    if (gic_virt_eisr(g, cpu))
        m |= GICH_MISR_EOI;
    if ((hcr & GICH_HCR_UIE) && valid <= 1)             /* underflow: zero or one valid LR */
        m |= GICH_MISR_U;
    if ((hcr & GICH_HCR_LRENPIE) && (hcr >> GICH_HCR_EOICount_SHIFT))
        m |= GICH_MISR_LRENP;
    if ((hcr & GICH_HCR_NPIE) && !pending)
        m |= GICH_MISR_NP;
    if ((hcr & GICH_HCR_VGrp0EIE) && v->vif.grp_en[0])
        m |= GICH_MISR_VGrp0E;
    if ((hcr & GICH_HCR_VGrp0DIE) && !v->vif.grp_en[0])
        m |= GICH_MISR_VGrp0D;
    if ((hcr & GICH_HCR_VGrp1EIE) && v->vif.grp_en[1])
        m |= GICH_MISR_VGrp1E;
    if ((hcr & GICH_HCR_VGrp1DIE) && !v->vif.grp_en[1])
        m |= GICH_MISR_VGrp1D;
    return m;
}

/* Outputs. Virtual IRQ/FIQ: the highest-priority pending LR passes the virtual PMR and the
 * virtual running priority (the core's gic_cpuif_can_signal on the VMCR state); Group 0 goes to
 * VFIQ when GICH_VMCR.VMFIQEn (GICv2) and always on GICv3 (ICH_VMCR_EL2.VFIQEn is RES1 with
 * system-register access), Group 1 to VIRQ. Maintenance: GICH_HCR.En and a MISR bit
 * (IHI 0048B 5.3.5, IHI 0069 "Maintenance interrupts"), a level on PPI 25. */
void gic_virt_update(struct gic *g, unsigned cpu)
{
    struct gic_vcpuif *v = &g->virt[cpu];
    bool want[2] = { false, false };
    int n = gic_virt_hppi(g, cpu);
    if (n >= 0 && gic_cpuif_can_signal(&v->vif, v->lr[n].prio, v->lr[n].group1)) {
        bool fiq = !v->lr[n].group1 && (g->cfg.version == 3 || v->vif.fiq_en);
        want[fiq] = true;
    }
    for (int l = 0; l < 2; l++) {
        if (want[l] != v->vline[l]) {
            v->vline[l] = want[l];
            if (g->cfg.set_cpu_line)
                g->cfg.set_cpu_line(g->cfg.opaque, cpu, GIC_LINE_VIRQ + l, want[l]);
        }
    }
    bool maint = (v->hcr & GICH_HCR_En) && gic_virt_misr(g, cpu);
    if (maint != v->maint) {
        v->maint = maint;
        gic_set_ppi(g, cpu, GIC_MAINT_PPI, maint);
    }
}
