/* hv/vgic.c — the virtual GICv2 of a domain, after Xen's vgic-v2.c / gic-vgic.c:
 *  - the distributor is emulated (state below, per vIRQ: enable, pending, priority, config,
 *    target), reached through stage-2 data aborts on the GICD IPA (traps.c);
 *  - the CPU interface is the hardware's GICV frame, mapped by stage 2 at the GICC IPA;
 *  - physical interrupts of the domain's devices (every SPI, and the virtual timer PPI 27;
 *    PPI 30 is the emulated physical timer of vtimer.c, HW = 0) are
 *    taken by the hypervisor (HCR_EL2.IMO), acknowledged and priority-dropped at the physical
 *    GICC (GICC_CTLR.EOImode = 1), then written into a list register with HW = 1 and
 *    pINTID = vINTID: the guest's EOI through GICV deactivates the physical interrupt
 *    (IHI 0048B 5.3.4 and docs/gic.md "How the hypervisor drives it", xen-arm.md §3.5);
 *  - virtual SGIs (GICD_SGIR writes) are purely virtual LRs (HW = 0, CPUID = source);
 *  - when more vIRQs are pending than LRs are free, GICH_HCR.UIE asks for the maintenance
 *    interrupt (PPI 25), whose handler refills the LRs.
 * vCPU i is pinned to physical CPU i, so its LRs never need saving. */
#include <string.h>
#include "hv/hv_internal.h"
#include "machine/machine.h"

/* GICv2 register offsets (IHI 0048B 4.1.2, 4.1.3, 5.3.1) and the GICv3 ones that differ
 * (IHI 0069 8.9, 8.11, 12.5). */
enum {
    GICD_CTLR = 0x000, GICD_TYPER = 0x004, GICD_IIDR = 0x008, GICD_IGROUPR = 0x080,
    GICD_ISENABLER = 0x100, GICD_ICENABLER = 0x180, GICD_ISPENDR = 0x200, GICD_ICPENDR = 0x280,
    GICD_ISACTIVER = 0x300, GICD_ICACTIVER = 0x380, GICD_IPRIORITYR = 0x400,
    GICD_ITARGETSR = 0x800, GICD_ICFGR = 0xc00, GICD_SGIR = 0xf00, GICD_ID = 0xfd0,
    GICD_IROUTER = 0x6000, GICD_IROUTER_END = 0x7fe0, GICD_V3_ID = 0xffd0,
    GICR_CTLR = 0x0000, GICR_IIDR = 0x0004, GICR_TYPER = 0x0008, GICR_WAKER = 0x0014,
    GICR_SGI = 0x10000,
    GICC_CTLR = 0x00, GICC_PMR = 0x04, GICC_IAR = 0x0c, GICC_EOIR = 0x10, GICC_DIR = 0x1000,
};
/* GICH_* offsets, ICH_*_EL2 and ICC_*_EL1 encodings: gic/gic.h. */
#define LR_HW        (1u << 31)
#define LR_STATE_SHIFT 28
#define LR_PENDING   1u
#define LR_ACTIVE    2u
#define HCR_EN       1u
#define HCR_UIE      2u

static bool v3(const struct hv *hv) { return hv->cfg.gic_version == 3; }

uint32_t pgic_read(struct hv *hv, uint64_t pa)
{
    uint64_t v = 0;
    bus_read(hv->cfg.bus, mk_pa(pa), 4, &v);
    return (uint32_t)v;
}
void pgic_write(struct hv *hv, uint64_t pa, uint32_t v) { bus_write(hv->cfg.bus, mk_pa(pa), 4, v); }
/* The physical redistributor frame of CPU cpu (identity: also the IPA dom0 uses for it). */
static uint64_t gicr_base(unsigned cpu) { return HV_GICR_BASE + (uint64_t)cpu * HV_GICR_STRIDE; }

static struct vgic_irq *irq_of(struct hv *hv, struct vcpu *v, unsigned intid)
{
    struct domain *d = &hv->dom0;
    if (intid < 32) return &v->priv[intid];
    if (intid < d->nr_irqs) return &d->spi[intid - 32];
    return NULL;
}

/* Which vCPU an SPI goes to: the lowest CPU of its target set (vCPU 0 if none). */
static struct vcpu *spi_vcpu(struct hv *hv, const struct vgic_irq *q)
{
    struct domain *d = &hv->dom0;
    for (unsigned i = 0; i < d->nvcpus; i++) if (q->target & (1u << i)) return &d->vcpu[i];
    return &d->vcpu[0];
}

/* ---- the list registers, GICv2 GICH_* or GICv3 ICH_*_EL2, in one neutral form ------------- */
struct lr { unsigned virq, state; bool hw; };

static uint32_t ich_hcr(struct hv *hv, struct vcpu *v)
{
    if (v3(hv)) { uint64_t x = 0; gic_ich_read(hv->cfg.gic, v->id, ICH_HCR_EL2, &x); return (uint32_t)x; }
    uint32_t x = 0; gic_gich_read(hv->cfg.gic, v->id, GICH_HCR, &x); return x;
}
static void ich_hcr_set(struct hv *hv, struct vcpu *v, uint32_t x)
{
    if (v3(hv)) gic_ich_write(hv->cfg.gic, v->id, ICH_HCR_EL2, x);
    else gic_gich_write(hv->cfg.gic, v->id, GICH_HCR, x);
}
static uint32_t ich_elrsr(struct hv *hv, struct vcpu *v)
{
    if (v3(hv)) { uint64_t x = 0; gic_ich_read(hv->cfg.gic, v->id, ICH_ELRSR_EL2, &x); return (uint32_t)x; }
    uint32_t x = 0; gic_gich_read(hv->cfg.gic, v->id, GICH_ELRSR0, &x); return x;
}
static struct lr lr_get(struct hv *hv, struct vcpu *v, unsigned i)
{
    if (v3(hv)) {   /* ICH_LR<n>_EL2: vINTID [31:0], HW [61], State [63:62] */
        uint64_t x = 0;
        gic_ich_read(hv->cfg.gic, v->id, ICH_LR_EL2(i), &x);
        return (struct lr){ (unsigned)(x & 0xffffffffu), (unsigned)(x >> 62), (x >> 61) & 1 };
    }
    uint32_t x = 0;   /* GICH_LR: VirtualID [9:0], State [29:28], HW [31] */
    gic_gich_read(hv->cfg.gic, v->id, GICH_LR(i), &x);
    return (struct lr){ x & 0x3ff, (x >> LR_STATE_SHIFT) & 3, (x & LR_HW) != 0 };
}
static void lr_set_state(struct hv *hv, struct vcpu *v, unsigned i, unsigned state)
{
    if (v3(hv)) {
        uint64_t x = 0;
        gic_ich_read(hv->cfg.gic, v->id, ICH_LR_EL2(i), &x);
        gic_ich_write(hv->cfg.gic, v->id, ICH_LR_EL2(i), (x & ~(3ull << 62)) | (uint64_t)state << 62);
        return;
    }
    uint32_t x = 0;
    gic_gich_read(hv->cfg.gic, v->id, GICH_LR(i), &x);
    gic_gich_write(hv->cfg.gic, v->id, GICH_LR(i), (x & ~(3u << LR_STATE_SHIFT)) | state << LR_STATE_SHIFT);
}
static void lr_write(struct hv *hv, struct vcpu *v, unsigned i, unsigned virq, const struct vgic_irq *q)
{
    if (v3(hv)) {   /* pINTID [44:32], Priority [55:48], Group [60], HW [61], State [63:62] */
        uint64_t x = virq | (uint64_t)q->priority << 48 | (uint64_t)LR_PENDING << 62 |
                     (q->group1 ? 1ull << 60 : 0);
        if (q->hw) x |= 1ull << 61 | (uint64_t)virq << 32;
        gic_ich_write(hv->cfg.gic, v->id, ICH_LR_EL2(i), x);
        return;
    }
    uint32_t x = virq | (uint32_t)(q->priority >> 3) << 23 | LR_PENDING << LR_STATE_SHIFT |
                 (q->group1 ? 1u << 30 : 0);
    if (q->hw) x |= LR_HW | (uint32_t)virq << 10;            /* pINTID = vINTID */
    else if (virq < 16) x |= (uint32_t)(q->sgi_src & 7) << 10; /* CPUID of a vSGI */
    gic_gich_write(hv->cfg.gic, v->id, GICH_LR(i), x);
}

/* Put one vIRQ into an LR. Returns false if no LR is free. A vIRQ already in an LR is merged:
 * an active HW = 0 one becomes pending+active (a second SGI while the first is handled). */
static bool lr_place(struct hv *hv, struct vcpu *v, unsigned virq, struct vgic_irq *q)
{
    int free_lr = -1;
    uint32_t elrsr = ich_elrsr(hv, v);
    for (unsigned i = 0; i < GIC_NUM_LRS; i++) {
        if (elrsr & (1u << i)) { if (free_lr < 0) free_lr = (int)i; continue; }
        struct lr l = lr_get(hv, v, i);
        if (l.virq != virq) continue;
        if (!l.hw && l.state == LR_ACTIVE) lr_set_state(hv, v, i, LR_ACTIVE | LR_PENDING);
        return true;                                  /* pending already, or merged */
    }
    if (free_lr < 0) return false;
    lr_write(hv, v, (unsigned)free_lr, virq, q);
    hv->stats.virq_injected++;
    TRACE(hv->tr, irq, v->cpu ? &HV_TS(v->cpu, 0) : NULL, .intid = virq, .cpu = v->id,
          .op = TRACE_IRQ_INJECT, .is_virtual = 1);
    if (q->hw) hv->stats.virq_hw++;
    return true;
}

/* Move every deliverable pending vIRQ of v into the LRs (gic_vgic.c: vgic_sync_to_lrs). */
static void vgic_flush(struct hv *hv, struct vcpu *v)
{
    struct domain *d = &hv->dom0;
    bool left = false;
    for (unsigned i = 0; i < d->nr_irqs; i++) {
        struct vgic_irq *q = irq_of(hv, v, i);
        if (!q->pending) continue;
        if (i >= 32 && spi_vcpu(hv, q) != v) continue;
        if (!q->enabled || !d->vgic_enabled) continue;     /* stays pending in the distributor */
        if (lr_place(hv, v, i, q)) q->pending = false;
        else left = true;
    }
    uint32_t hcr = ich_hcr(hv, v);
    uint32_t want = HCR_EN | (left ? HCR_UIE : 0);
    if ((hcr & (HCR_EN | HCR_UIE)) != want) ich_hcr_set(hv, v, (hcr & ~(HCR_EN | HCR_UIE)) | want);
}

void vgic_inject(struct hv *hv, struct vcpu *v, unsigned virq)
{
    struct vgic_irq *q = irq_of(hv, v, virq);
    if (!q) return;
    q->pending = true;
    if (virq >= 32) v = spi_vcpu(hv, q);
    vgic_flush(hv, v);
}

void vgic_assert(struct hv *hv, struct vcpu *v, unsigned virq)
{
    struct vgic_irq *q = irq_of(hv, v, virq);
    if (!q || q->pending) return;
    uint32_t elrsr = ich_elrsr(hv, v);
    for (unsigned i = 0; i < GIC_NUM_LRS; i++)
        if (!(elrsr & (1u << i)) && lr_get(hv, v, i).virq == virq) return;   /* pending or active */
    vgic_inject(hv, v, virq);
}
void vgic_deassert(struct hv *hv, struct vcpu *v, unsigned virq)
{
    struct vgic_irq *q = irq_of(hv, v, virq);
    if (!q) return;
    q->pending = false;
    uint32_t elrsr = ich_elrsr(hv, v);
    for (unsigned i = 0; i < GIC_NUM_LRS; i++) {
        if (elrsr & (1u << i)) continue;
        struct lr l = lr_get(hv, v, i);
        if (l.virq == virq && (l.state & LR_PENDING)) lr_set_state(hv, v, i, l.state & ~LR_PENDING);
    }
}

void hv_inject_virq(struct hv *hv, unsigned vcpu, unsigned virq)
{
    if (vcpu < hv->dom0.nvcpus) vgic_inject(hv, &hv->dom0.vcpu[vcpu], virq);
}

void vgic_maintenance(struct hv *hv, struct vcpu *v)
{
    hv->stats.maintenance++;
    /* EOI maintenance is never requested (no LR has EOI = 1); underflow: refill. */
    vgic_flush(hv, v);
}

/* The physical CPU interface of the running CPU: acknowledge, priority drop (EOImode = 1),
 * deactivate. GICv2 through the GICC frame, GICv3 through ICC_*_EL1 (Group 1). */
static uint32_t phys_ack(struct hv *hv, struct vcpu *v)
{
    if (v3(hv)) { uint64_t x = 1023; gic_icc_read(hv->cfg.gic, v->id, ICC_IAR1_EL1, &x); return (uint32_t)x; }
    return pgic_read(hv, HV_GICC_BASE + GICC_IAR);
}
static void phys_eoi(struct hv *hv, struct vcpu *v, uint32_t iar)
{
    if (v3(hv)) gic_icc_write(hv->cfg.gic, v->id, ICC_EOIR1_EL1, iar);
    else pgic_write(hv, HV_GICC_BASE + GICC_EOIR, iar);
}
static void phys_dir(struct hv *hv, struct vcpu *v, uint32_t iar)
{
    if (v3(hv)) gic_icc_write(hv->cfg.gic, v->id, ICC_DIR_EL1, iar);
    else pgic_write(hv, HV_GICC_BASE + GICC_DIR, iar);
}

/* do_IRQ: acknowledge the physical interrupt and route it. */
void vgic_do_irq(struct hv *hv, struct vcpu *v)
{
    uint32_t iar = phys_ack(hv, v);
    unsigned intid = iar & 0xffffff;
    if (intid >= 1020) return;                         /* spurious */
    hv->stats.pirqs++;
    TRACE(hv->tr, irq, &HV_TS(v->cpu, 0), .intid = intid, .cpu = v->id, .op = TRACE_IRQ_ACK);
    phys_eoi(hv, v, iar);                              /* priority drop (EOImode = 1) */
    TRACE(hv->tr, irq, &HV_TS(v->cpu, 0), .intid = intid, .cpu = v->id, .op = TRACE_IRQ_EOI);
    if (intid == GICV2_MAINT_PPI) {
        phys_dir(hv, v, iar);                          /* the hypervisor's own: deactivate */
        vgic_maintenance(hv, v);
        return;
    }
    struct vgic_irq *q = irq_of(hv, v, intid);
    if (hv_iommu_owns_irq(hv, intid)) {               /* the SMMU's: the hypervisor's own */
        hv_iommu_irq(hv, intid);                       /* clears the fault: the level drops */
        phys_dir(hv, v, iar);
        return;
    }
    if (!q || !q->hw) {                                /* not routed to the domain */
        phys_dir(hv, v, iar);
        hv_log(hv, "hv: physical IRQ %u not routed to a domain", intid);
        return;
    }
    /* Stays active at the physical GIC until the guest's EOI deactivates it (LR.HW). */
    vgic_inject(hv, v, intid);
}

/* GICv3 guests: ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 trap to the hypervisor (gic_icv_* answers
 * GIC_SYSREG_TRAP): TargetList [15:0] of Aff1 [23:16] (Aff2/Aff3 are 0 on this board),
 * INTID [27:24], IRM [40] (all but self). ICC_SGI0R_EL1: Group 0 SGIs, the same. */
void vgic_sgi1r(struct hv *hv, struct vcpu *v, uint64_t val)
{
    struct domain *d = &hv->dom0;
    unsigned sgi = (val >> 24) & 15, aff1 = (val >> 16) & 0xff;
    bool irm = (val >> 40) & 1;
    for (unsigned i = 0; i < d->nvcpus; i++) {
        bool to = irm ? i != v->id : aff1 == 0 && ((val >> i) & 1);
        if (!to) continue;
        d->vcpu[i].priv[sgi].sgi_src = (uint8_t)v->id;
        vgic_inject(hv, &d->vcpu[i], sgi);
    }
}

/* ---- the emulated distributor and redistributors (IHI 0048B 4.3, IHI 0069 12) -------------- */

/* Mirror a guest change of a forwarded interrupt to the physical GIC (Xen enables and
 * configures the physical IRQ when the guest does: vgic_enable_irqs → irq desc enable). For
 * INTID 0..31 the physical bank is that of vCPU v's CPU: GICv2's banked GICD (the current CPU
 * is the accessing vCPU), GICv3's redistributor v (dom0's GICR IPA is the PA, 1:1). */
static void phys_enable(struct hv *hv, struct vcpu *v, unsigned intid, bool on)
{
    unsigned reg = (on ? GICD_ISENABLER : GICD_ICENABLER);
    if (v3(hv) && intid < 32) pgic_write(hv, gicr_base(v->id) + GICR_SGI + reg, 1u << intid);
    else pgic_write(hv, HV_GICD_BASE + reg + 4 * (intid / 32), 1u << (intid % 32));
}

static uint32_t bits_read(struct hv *hv, struct vcpu *v, unsigned first, int field)
{
    uint32_t r = 0;
    for (unsigned b = 0; b < 32; b++) {
        struct vgic_irq *q = irq_of(hv, v, first + b);
        if (!q) break;
        bool on = field == 0 ? q->enabled : field == 1 ? q->pending : q->group1;
        if (field == 0 && first + b < 16 && !v3(hv)) on = true;   /* GICv2: SGIs always enabled */
        if (on) r |= 1u << b;
    }
    return r;
}

/* The registers GICD and GICR_SGI_base lay out alike, at offset off, for the bank of vCPU v
 * (INTIDs 0..31) or the SPIs. */
static void reg32_write(struct hv *hv, struct vcpu *v, unsigned off, uint32_t val)
{
    struct domain *d = &hv->dom0;
    if (off >= GICD_IGROUPR && off < GICD_IGROUPR + 0x80) {
        unsigned first = 32 * ((off & 0x7f) / 4);
        for (unsigned b = 0; b < 32; b++) {
            struct vgic_irq *q = irq_of(hv, v, first + b);
            if (q) q->group1 = (val >> b) & 1;
        }
    } else if (off >= GICD_ISENABLER && off < GICD_ICENABLER + 0x80) {
        bool set = off < GICD_ICENABLER;
        unsigned first = 32 * ((off & 0x7f) / 4);
        for (unsigned b = 0; b < 32; b++) {
            if (!(val & (1u << b))) continue;
            struct vgic_irq *q = irq_of(hv, v, first + b);
            if (!q || (first + b < 16 && !v3(hv))) continue;
            if (q->enabled != set && q->hw) phys_enable(hv, v, first + b, set);
            q->enabled = set;
        }
        if (set) {
            if (first) { for (unsigned i = 0; i < d->nvcpus; i++) vgic_flush(hv, &d->vcpu[i]); }
            else vgic_flush(hv, v);
        }
    } else if (off >= GICD_ISPENDR && off < GICD_ICPENDR + 0x80) {
        bool set = off < GICD_ICPENDR;
        unsigned first = 32 * ((off & 0x7f) / 4);
        for (unsigned b = 0; b < 32; b++) {
            if (!(val & (1u << b))) continue;
            struct vgic_irq *q = irq_of(hv, v, first + b);
            if (!q || (first + b < 16 && !v3(hv)) || q->hw) continue;   /* HW state belongs to the device */
            if (set) vgic_inject(hv, v, first + b); else q->pending = false;
        }
    } else if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
        unsigned first = 16 * ((off - GICD_ICFGR) / 4);
        for (unsigned k = 0; k < 16; k++) {
            struct vgic_irq *q = irq_of(hv, v, first + k);
            if (q && first + k >= 32) q->edge = (val >> (2 * k + 1)) & 1;
        }
        if (first >= 32) pgic_write(hv, HV_GICD_BASE + off, val);   /* SPIs: the device's trigger */
    } else if (off == GICD_SGIR && !v3(hv)) {
        unsigned sgi = val & 15, filter = (val >> 24) & 3, list = (val >> 16) & 0xff;
        for (unsigned i = 0; i < d->nvcpus; i++) {
            bool to = filter == 0 ? (list >> i) & 1 : filter == 1 ? i != v->id : i == v->id;
            if (!to) continue;
            d->vcpu[i].priv[sgi].sgi_src = (uint8_t)v->id;
            vgic_inject(hv, &d->vcpu[i], sgi);
        }
    }
    /* I[SC]ACTIVER, [SC]PENDSGIR, IGRPMODR, NSACR: RAZ/WI. */
}

static uint32_t reg32_read(struct hv *hv, struct vcpu *v, unsigned off)
{
    if (off >= GICD_IGROUPR && off < GICD_IGROUPR + 0x80) return bits_read(hv, v, 32 * ((off & 0x7f) / 4), 2);
    if (off >= GICD_ISENABLER && off < GICD_ICENABLER + 0x80) return bits_read(hv, v, 32 * ((off & 0x7f) / 4), 0);
    if (off >= GICD_ISPENDR && off < GICD_ICPENDR + 0x80) return bits_read(hv, v, 32 * ((off & 0x7f) / 4), 1);
    if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
        unsigned first = 16 * ((off - GICD_ICFGR) / 4);
        uint32_t r = 0;
        for (unsigned k = 0; k < 16; k++) {
            struct vgic_irq *q = irq_of(hv, v, first + k);
            if (!q) break;
            if (first + k < 16 || q->edge) r |= 2u << (2 * k);   /* SGIs edge */
        }
        return r;
    }
    return 0;
}

/* IPRIORITYR (both) and, GICv2 only, ITARGETSR: byte-accessible (IHI 0048B 4.1.4). */
static bool byte_regs(struct hv *hv, struct vcpu *v, unsigned off, unsigned size, uint64_t *val, bool write)
{
    struct domain *d = &hv->dom0;
    bool prio = off < GICD_ITARGETSR;
    unsigned first = off - (prio ? GICD_IPRIORITYR : GICD_ITARGETSR);
    if (size != 1 && size != 4) return false;
    if (!prio && v3(hv)) { if (!write) *val = 0; return true; }   /* ARE: ITARGETSR RAZ/WI */
    uint64_t r = 0;
    for (unsigned k = 0; k < size; k++) {
        struct vgic_irq *q = irq_of(hv, v, first + k);
        if (!q) continue;
        if (write) {
            uint8_t b = (uint8_t)(*val >> (8 * k));
            if (prio) {
                q->priority = b & 0xf8;
            } else if (first + k >= 32) {
                q->target = b & (uint8_t)((1u << d->nvcpus) - 1);
                if (q->hw) {   /* route the physical SPI to the same (pinned) CPU */
                    uint64_t pa = HV_GICD_BASE + GICD_ITARGETSR + first + k;
                    bus_write(hv->cfg.bus, mk_pa(pa), 1, q->target ? q->target : 1);
                }
            }
        } else {
            uint8_t b = prio ? q->priority : first + k < 32 ? (uint8_t)(1u << v->id) : q->target;
            r |= (uint64_t)b << (8 * k);
        }
    }
    if (!write) *val = r;
    return true;
}

/* GICv3 with affinity routing: the distributor's registers for INTIDs 0..31 are RAZ/WI (the
 * redistributors own them, IHI 0069 12.9). */
static bool are_bank0(const struct hv *hv, unsigned off)
{
    return v3(hv) && ((off >= GICD_IGROUPR && off < GICD_IPRIORITYR && (off & 0x7f) < 4) ||
                      off == GICD_ICFGR || off == GICD_ICFGR + 4);
}

static bool dist_mmio(struct hv *hv, struct vcpu *v, unsigned off, unsigned size, uint64_t *val, bool write)
{
    struct domain *d = &hv->dom0;
    if (off & (size - 1)) return false;
    if ((off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) ||
        (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 0x400))
        return byte_regs(hv, v, off, size, val, write);
    if (v3(hv) && off >= GICD_IROUTER && off < GICD_IROUTER_END + 8) {
        /* GICD_IROUTER<n>: 64-bit, or 32-bit halves. Aff0 selects the vCPU; IRM (1-of-N) → 0. */
        if (size != 4 && size != 8) return false;
        unsigned intid = (off - GICD_IROUTER) / 8;
        struct vgic_irq *q = irq_of(hv, v, intid);
        if (!q || intid < 32) { if (!write) *val = 0; return true; }
        uint64_t cur = q->irouter;
        if (!write) {
            *val = size == 8 ? cur : (off & 4) ? cur >> 32 : (uint32_t)cur;
            return true;
        }
        if (size == 8) cur = *val;
        else if (off & 4) cur = (cur & 0xffffffffull) | *val << 32;
        else cur = (cur & ~0xffffffffull) | (uint32_t)*val;
        q->irouter = cur & 0xff800000ffull;            /* Aff3 RES0 here, IRM, Aff2..0 */
        unsigned aff0 = cur & 0xff;
        q->target = (cur >> 31 & 1) || aff0 >= d->nvcpus ? 1 : (uint8_t)(1u << aff0);
        if (q->hw)   /* route the physical SPI to the same (pinned) CPU */
            bus_write(hv->cfg.bus, mk_pa(HV_GICD_BASE + GICD_IROUTER + 8ull * intid), 8,
                      (uint64_t)(31 - __builtin_clz(q->target)));
        return true;
    }
    if (size != 4) return false;
    if (off == GICD_CTLR) {
        if (write) {
            /* GICv2: Enable; GICv3 (DS = 1, ARE RAO): EnableGrp0 | EnableGrp1. */
            d->gicd_ctlr = (uint32_t)*val & (v3(hv) ? 3u : 1u);
            d->vgic_enabled = d->gicd_ctlr != 0;
            for (unsigned i = 0; i < d->nvcpus; i++) vgic_flush(hv, &d->vcpu[i]);
        } else *val = d->gicd_ctlr | (v3(hv) ? 0x50u : 0);           /* ARE | DS */
        return true;
    }
    if (are_bank0(hv, off)) { if (!write) *val = 0; return true; }
    if (write) {
        reg32_write(hv, v, off, (uint32_t)*val);
        return true;
    }
    if (off == GICD_TYPER) {
        if (v3(hv)) *val = pgic_read(hv, HV_GICD_BASE + GICD_TYPER);          /* ITLines, IDbits */
        else *val = ((d->nr_irqs / 32) - 1) | (d->nvcpus - 1) << 5;
    } else if (off == GICD_IIDR) *val = pgic_read(hv, HV_GICD_BASE + GICD_IIDR);
    else if (off >= (v3(hv) ? GICD_V3_ID : GICD_ID)) *val = pgic_read(hv, HV_GICD_BASE + off);  /* ID regs */
    else *val = reg32_read(hv, v, off);
    return true;
}

/* A GICv3 redistributor (IHI 0069 12.10, 12.11): RD_base (CTLR, IIDR, TYPER, WAKER, ID
 * registers as the physical one of the same CPU — dom0's vCPU n is CPU n) and SGI_base (the
 * bank-0 registers of vCPU n, laid out as in the distributor). Frames past the last vCPU: RAZ. */
static bool redist_mmio(struct hv *hv, struct vcpu *accessor, unsigned off, unsigned size, uint64_t *val, bool write)
{
    struct domain *d = &hv->dom0;
    unsigned n = off / (unsigned)HV_GICR_STRIDE, r = off % (unsigned)HV_GICR_STRIDE;
    (void)accessor;
    if (off & (size - 1) || (size != 4 && size != 8)) return false;
    if (n >= d->nvcpus) { if (!write) *val = 0; return true; }
    struct vcpu *v = &d->vcpu[n];
    uint64_t pa = gicr_base(n) + r;
    if (r < GICR_SGI) {
        if (r == GICR_WAKER) {
            if (write) v->gicr_sleep = (*val >> 1) & 1;
            else *val = v->gicr_sleep ? 6 : 0;                 /* ProcessorSleep, ChildrenAsleep */
            return true;
        }
        if (write) return true;                                /* CTLR, PROPBASER, ...: WI */
        if (r == GICR_TYPER || r == GICR_TYPER + 4 || r == GICR_IIDR || r >= 0xffd0) {
            uint64_t x = 0;
            bus_read(hv->cfg.bus, mk_pa(pa), size, &x);
            *val = x;
        } else *val = 0;
        return true;
    }
    r -= GICR_SGI;
    if (r >= GICD_IPRIORITYR && r < GICD_IPRIORITYR + 0x20) return byte_regs(hv, v, r, size, val, write);
    if (size != 4) return false;
    if (r >= 0x80 && r < 0x84) {} else if (!(r >= 0x100 && r < 0x104) && !(r >= 0x180 && r < 0x184) &&
        !(r >= 0x200 && r < 0x204) && !(r >= 0x280 && r < 0x284) && !(r >= 0xc00 && r < 0xc08)) {
        if (!write) *val = 0;                                  /* I[SC]ACTIVER0, IGRPMODR0, NSACR */
        return true;
    }
    if (write) reg32_write(hv, v, r, (uint32_t)*val);
    else *val = reg32_read(hv, v, r);
    return true;
}

bool vgic_handles(const struct hv *hv, uint64_t ipa)
{
    if (ipa >= HV_GICD_BASE && ipa < HV_GICD_BASE + HV_GIC_SIZE) return true;
    return v3(hv) && ipa >= HV_GICR_BASE && ipa < HV_GICR_BASE + HV_GICR_SIZE;
}

bool vgic_mmio(struct hv *hv, struct vcpu *v, uint64_t ipa, unsigned size, uint64_t *val, bool write)
{
    if (ipa >= HV_GICD_BASE && ipa < HV_GICD_BASE + HV_GIC_SIZE) {
        unsigned off = (unsigned)(ipa - HV_GICD_BASE);
        if (!v3(hv) && off >= 0x1000) { if (!write) *val = 0; return true; }   /* GIC-400: 4 KiB */
        return dist_mmio(hv, v, off, size, val, write);
    }
    if (v3(hv) && ipa >= HV_GICR_BASE && ipa < HV_GICR_BASE + HV_GICR_SIZE)
        return redist_mmio(hv, v, (unsigned)(ipa - HV_GICR_BASE), size, val, write);
    return false;
}

/* GICv3: the guest's ICC_*_EL1 accesses with HCR_EL2.IMO/FMO set are served by the virtual CPU
 * interface (ICV_*); what traps (SGI generation) is emulated here (Xen: vgic_v3_emulate_sysreg);
 * ICC_SRE_EL1 is not virtualized. false = UNDEFINED. */
bool hv_icc_access(struct hv *hv, struct cpu *c, uint32_t enc, uint64_t *val, bool write)
{
    struct vcpu *v = hv_vcpu_of(hv, c);
    if (!v || !v3(hv)) return false;
    enum gic_sysreg_result r = write ? gic_icv_write(hv->cfg.gic, v->id, enc, *val)
                                     : gic_icv_read(hv->cfg.gic, v->id, enc, val);
    if (r == GIC_SYSREG_OK) return true;
    if (r == GIC_SYSREG_TRAP) {
        hv->stats.sysreg_traps++;
        if (write && (enc == ICC_SGI1R_EL1 || enc == ICC_ASGI1R_EL1 || enc == ICC_SGI0R_EL1)) {
            vgic_sgi1r(hv, v, *val);
            return true;
        }
        return false;
    }
    if (enc == ICC_SRE_EL1)
        return write ? gic_icc_write(hv->cfg.gic, v->id, enc, *val) : gic_icc_read(hv->cfg.gic, v->id, enc, val);
    return false;
}

/* ---- set-up ------------------------------------------------------------------------------- */

void vgic_init(struct hv *hv)
{
    struct domain *d = &hv->dom0;
    d->nr_irqs = gic_num_irqs(hv->cfg.gic);
    if (d->nr_irqs > VGIC_MAX_IRQS) d->nr_irqs = VGIC_MAX_IRQS;
}

/* The hypervisor's own view of the physical GIC of CPU c (docs/gic.md "How the hypervisor
 * drives it", step 1): CPU interface enabled with EOImode = 1 (priority drop and deactivation
 * split), PMR open, every INTID 0..31 disabled but the maintenance PPI. GICv3: redistributor
 * awake, everything Group 1 (IRQ). */
static void phys_cpu_init(struct hv *hv, struct vcpu *v)
{
    unsigned c = v->id;
    gic_set_current_cpu(hv->cfg.gic, c);
    if (v3(hv)) {
        uint64_t rd = gicr_base(c);
        pgic_write(hv, rd + GICR_WAKER, 0);
        pgic_write(hv, rd + GICR_SGI + GICD_IGROUPR, 0xffffffffu);
        pgic_write(hv, rd + GICR_SGI + GICD_ICENABLER, 0xffffffffu);
        pgic_write(hv, rd + GICR_SGI + GICD_ISENABLER, 1u << GICV2_MAINT_PPI);
        gic_icc_write(hv->cfg.gic, c, ICC_CTLR_EL1, 2);       /* EOImode */
        gic_icc_write(hv->cfg.gic, c, ICC_PMR_EL1, 0xff);
        gic_icc_write(hv->cfg.gic, c, ICC_IGRPEN1_EL1, 1);
        for (unsigned i = 0; i < GIC_NUM_LRS; i++) gic_ich_write(hv->cfg.gic, c, ICH_LR_EL2(i), 0);
    } else {
        pgic_write(hv, HV_GICC_BASE + GICC_CTLR, 1u | 1u << 9);
        pgic_write(hv, HV_GICC_BASE + GICC_PMR, 0xff);
        pgic_write(hv, HV_GICD_BASE + GICD_ICENABLER, 0xffff0000u);
        pgic_write(hv, HV_GICD_BASE + GICD_ISENABLER, 1u << GICV2_MAINT_PPI);
        for (unsigned i = 0; i < GIC_NUM_LRS; i++) gic_gich_write(hv->cfg.gic, c, GICH_LR(i), 0);
    }
    ich_hcr_set(hv, v, HCR_EN);
}

void vgic_reset(struct hv *hv)
{
    struct domain *d = &hv->dom0;
    d->vgic_enabled = false;
    d->gicd_ctlr = 0;
    memset(d->spi, 0, sizeof d->spi);
    /* Route every SPI to dom0 as vIRQ == pIRQ (what Xen does for ACPI; for DT it routes the
     * SPIs of dom0's device nodes, which on this board is every used SPI). */
    for (unsigned i = 32; i < d->nr_irqs; i++) { d->spi[i - 32].hw = true; d->spi[i - 32].target = 1; }
    for (unsigned c = 0; c < d->nvcpus; c++) {
        struct vcpu *v = &d->vcpu[c];
        memset(v->priv, 0, sizeof v->priv);
        v->gicr_sleep = true;
        /* The virtual timer PPI is forwarded (HW = 1); the EL1 physical timer's PPI 30 is
         * emulated (vtimer.c, HW = 0): the physical one is not the guest's. */
        v->priv[27].hw = true;
        for (unsigned i = 0; i < 16; i++) { v->priv[i].enabled = !v3(hv); v->priv[i].edge = true; }
        phys_cpu_init(hv, v);
    }
    gic_set_current_cpu(hv->cfg.gic, 0);
    for (unsigned i = 32; i < d->nr_irqs; i += 32) {
        pgic_write(hv, HV_GICD_BASE + GICD_ICENABLER + i / 8, 0xffffffffu);
        if (v3(hv)) pgic_write(hv, HV_GICD_BASE + GICD_IGROUPR + i / 8, 0xffffffffu);
    }
    /* The SMMU's interrupts are the hypervisor's (xen-arm.md §3.5: every SPI but the ones Xen
     * uses): not forwarded, enabled here for EL2 (routed to CPU 0 below). */
    for (unsigned i = 32; i < d->nr_irqs; i++)
        if (hv_iommu_owns_irq(hv, i)) {
            d->spi[i - 32].hw = false;
            pgic_write(hv, HV_GICD_BASE + GICD_ISENABLER + 4 * (i / 32), 1u << (i % 32));
        }
    if (v3(hv)) {
        for (unsigned i = 32; i < d->nr_irqs; i++)
            bus_write(hv->cfg.bus, mk_pa(HV_GICD_BASE + GICD_IROUTER + 8ull * i), 8, 0);
        pgic_write(hv, HV_GICD_BASE + GICD_CTLR, 2);   /* EnableGrp1 (ARE, DS RAO) */
    } else {
        for (unsigned i = 32; i < d->nr_irqs; i += 4)
            pgic_write(hv, HV_GICD_BASE + GICD_ITARGETSR + i, 0x01010101u);
        pgic_write(hv, HV_GICD_BASE + GICD_CTLR, 1);
    }
}
