/* gic/gicv3_cpuif.c — GICv3 CPU interface system registers, the EL1 view with one Security state
 * (GICD_CTLR.DS == 1), IHI 0069 "AArch64 System register descriptions of the CPU
 * interface". ICC_SRE_EL1.SRE is RAO/WI: a system-register-only CPU interface (no GICC frame).
 * 5 priority bits: ICC_CTLR_EL1.PRIbits = 4, only ICC_AP0R0_EL1 and ICC_AP1R0_EL1 exist (the
 * AP<n>R1..3 registers are UNDEFINED with fewer than 6 preemption bits, IHI 0069, ICC_AP0R<n>_EL1 / ICC_AP1R<n>_EL1).
 * EL2 (ICC_SRE_EL2, ICH_*) and the ICV_* view are in gicv3_virt.c (docs/gic.md). */
#include "gic/gic_internal.h"
#include "cpu/cpu.h"       /* SYSREG_ENC only: the encodings the CPU forwards */


#define ICC_CTLR_CBPR      (1u << 0)
#define ICC_CTLR_EOImode   (1u << 1)
#define ICC_CTLR_PRIbits_SHIFT 8
/* SRE | DFB | DIB, all RAO/WI (IHI 0069) */
#define ICC_SRE_VALUE      0x7u

/* ICC_IAR0/1_EL1 (IHI 0069): acknowledge the signalled interrupt if it is of this group. */
static uint64_t iar_read(struct gic *g, unsigned cpu, int want_group)
{
    uint8_t prio;
    int group;
    unsigned id = gic_hppi(g, cpu, &prio, &group);
    if (id == GIC_SPURIOUS || group != want_group || !gic_can_signal(g, cpu, prio, group))
        return GIC_SPURIOUS;
    gic_acknowledge(g, cpu, id);
    return id;
}

/* ICC_HPPIR0/1_EL1 (IHI 0069): not masked by PMR or the running priority. */
static uint64_t hppir_read(const struct gic *g, unsigned cpu, int want_group)
{
    int group;
    unsigned id = gic_hppi(g, cpu, NULL, &group);
    return id != GIC_SPURIOUS && group == want_group ? id : GIC_SPURIOUS;
}

/* ICC_EOIR0/1_EL1 (IHI 0069): priority drop, plus deactivation when EOImode == 0. */
static void eoir_write(struct gic *g, unsigned cpu, uint64_t v)
{
    unsigned id = (unsigned)(v & 0xFFFFFF);
    if (id >= 1020 && id < 1024)
        return;
    if (id >= g->nirq) {
        gic_log(g, "gicv3: ICC_EOIR of INTID %u that does not exist", id);
        return;
    }
    gic_priority_drop(g, cpu);
    if (!g->cpu[cpu].eoimode)
        gic_deactivate(g, cpu, id);
}

/* ICC_SGI0R/SGI1R/ASGI1R_EL1 (IHI 0069): TargetList [15:0], Aff1 [23:16], INTID [27:24],
 * Aff2 [39:32], IRM [40], RS [47:44], Aff3 [55:48]. A CPU's affinity is Aff0 = its number, so
 * only Aff3.Aff2.Aff1 == 0, RS == 0 names CPUs. The SGI pends on a target only if it is
 * configured there in the group the register generates (DS == 1: SGI0R Group 0, SGI1R and
 * ASGI1R Group 1: IHI 0069 "Forwarding an SGI to a target PE"; ASGI1R is our simplification). */
static void sgi_write(struct gic *g, unsigned cpu, uint64_t v, int group)
{
    unsigned intid = (unsigned)(v >> 24 & 0xF);
    uint32_t targets;
    if (v >> 40 & 1) {
        targets = ((1u << g->ncpu) - 1) & ~(1u << cpu);
    } else {
        uint64_t aff321 = (v >> 16 & 0xFF) | (v >> 32 & 0xFF) << 8 | (v >> 48 & 0xFF) << 16;
        unsigned rs = (unsigned)(v >> 44 & 0xF);
        targets = (aff321 == 0 && rs == 0) ? (uint32_t)(v & 0xFFFF) & ((1u << g->ncpu) - 1) : 0;
    }
    for (unsigned t = 0; t < g->ncpu; t++)
        if ((targets >> t & 1) && gic_irq_group(g, t, intid) == group)
            gic_sgi_raise(g, t, intid, cpu);
    gic_update(g);
}

static uint8_t bpr1_read(const struct gic_cpuif *c)
{
    /* With CBPR, ICC_BPR1_EL1 reads as ICC_BPR0_EL1 + 1, saturated (IHI 0069). */
    if (c->cbpr)
        return c->bpr[0] < 7 ? c->bpr[0] + 1 : 7;
    return c->bpr[1];
}

bool gicv3_icc_read(struct gic *g, unsigned cpu, uint32_t enc, uint64_t *val)
{
    struct gic_cpuif *c = &g->cpu[cpu];
    switch (enc) {
    case ICC_PMR_EL1:     *val = c->pmr; return true;
    case ICC_IAR0_EL1:    *val = iar_read(g, cpu, 0); return true;
    case ICC_IAR1_EL1:    *val = iar_read(g, cpu, 1); return true;
    case ICC_HPPIR0_EL1:  *val = hppir_read(g, cpu, 0); return true;
    case ICC_HPPIR1_EL1:  *val = hppir_read(g, cpu, 1); return true;
    case ICC_BPR0_EL1:    *val = c->bpr[0]; return true;
    case ICC_BPR1_EL1:    *val = bpr1_read(c); return true;
    case ICC_AP0R0_EL1:   *val = c->apr[0]; return true;
    case ICC_AP1R0_EL1:   *val = c->apr[1]; return true;
    case ICC_RPR_EL1:     *val = gic_running_priority(g, cpu); return true;
    case ICC_CTLR_EL1:
        /* CBPR, EOImode; PRIbits [10:8] = bits - 1; IDbits [13:11] = 0 (16 bits); SEIS, A3V,
         * RSS, ExtRange 0 (IHI 0069) */
        *val = (c->cbpr ? ICC_CTLR_CBPR : 0) | (c->eoimode ? ICC_CTLR_EOImode : 0) |
               (GIC_PRIO_BITS - 1) << ICC_CTLR_PRIbits_SHIFT;
        return true;
    case ICC_SRE_EL1:     *val = ICC_SRE_VALUE; return true;
    case ICC_IGRPEN0_EL1: *val = c->grp_en[0]; return true;
    case ICC_IGRPEN1_EL1: *val = c->grp_en[1]; return true;
    default:
        /* write-only (EOIR, DIR, SGI*R), AP<n>R1..3 (not implemented), anything else: UNDEFINED */
        return false;
    }
}

bool gicv3_icc_write(struct gic *g, unsigned cpu, uint32_t enc, uint64_t val)
{
    struct gic_cpuif *c = &g->cpu[cpu];
    switch (enc) {
    case ICC_PMR_EL1:     c->pmr = (uint8_t)val & GIC_PRIO_MASK; break;
    case ICC_EOIR0_EL1:
    case ICC_EOIR1_EL1:   eoir_write(g, cpu, val); return true;
    case ICC_DIR_EL1:
        /* ICC_DIR_EL1 (IHI 0069): with EOImode == 0 the write is UNPREDICTABLE; we deactivate */
        if (!c->eoimode)
            gic_log(g, "gicv3: ICC_DIR_EL1 write with ICC_CTLR_EL1.EOImode == 0");
        if ((val & 0xFFFFFF) < g->nirq)
            gic_deactivate(g, cpu, (unsigned)(val & 0xFFFFFF));
        return true;
    /* A BPR below the minimum reads back as the minimum (IHI 0069). */
    case ICC_BPR0_EL1:    c->bpr[0] = (val & 7) < GIC_MIN_BPR0 ? GIC_MIN_BPR0 : (val & 7); break;
    case ICC_BPR1_EL1:
        if (!c->cbpr)
            c->bpr[1] = (val & 7) < GIC_MIN_BPR1 ? GIC_MIN_BPR1 : (val & 7);
        break;
    case ICC_AP0R0_EL1:   c->apr[0] = (uint32_t)val; break;
    case ICC_AP1R0_EL1:   c->apr[1] = (uint32_t)val; break;
    case ICC_CTLR_EL1:
        c->cbpr = val & ICC_CTLR_CBPR;
        c->eoimode = val & ICC_CTLR_EOImode;
        break;
    case ICC_SRE_EL1:     return true;       /* RAO/WI */
    case ICC_IGRPEN0_EL1: c->grp_en[0] = val & 1; break;
    case ICC_IGRPEN1_EL1: c->grp_en[1] = val & 1; break;
    case ICC_SGI0R_EL1:   sgi_write(g, cpu, val, 0); return true;
    case ICC_SGI1R_EL1:
    case ICC_ASGI1R_EL1:  sgi_write(g, cpu, val, 1); return true;
    default:
        return false;     /* read-only (IAR, HPPIR, RPR), AP<n>R1..3, unknown: UNDEFINED */
    }
    gic_update(g);
    return true;
}
