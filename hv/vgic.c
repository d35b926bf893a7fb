/* hv/vgic.c — the virtual GICv2 of a domain, after Xen's vgic-v2.c / gic-vgic.c:
 *  - the distributor is emulated (state below, per vIRQ: enable, pending, priority, config,
 *    target), reached through stage-2 data aborts on the GICD IPA (traps.c);
 *  - the CPU interface is the hardware's GICV frame, mapped by stage 2 at the GICC IPA;
 *  - physical interrupts of the domain's devices (every SPI, and the timer PPIs 27/30) are
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

/* GICv2 register offsets (IHI 0048B 4.1.2, 4.1.3, 5.3.1). */
enum {
    GICD_CTLR = 0x000, GICD_TYPER = 0x004, GICD_IIDR = 0x008, GICD_IGROUPR = 0x080,
    GICD_ISENABLER = 0x100, GICD_ICENABLER = 0x180, GICD_ISPENDR = 0x200, GICD_ICPENDR = 0x280,
    GICD_ISACTIVER = 0x300, GICD_ICACTIVER = 0x380, GICD_IPRIORITYR = 0x400,
    GICD_ITARGETSR = 0x800, GICD_ICFGR = 0xc00, GICD_SGIR = 0xf00, GICD_ID = 0xfd0,
    GICC_CTLR = 0x00, GICC_PMR = 0x04, GICC_IAR = 0x0c, GICC_EOIR = 0x10, GICC_DIR = 0x1000,
    GICH_HCR = 0x000, GICH_MISR = 0x010, GICH_EISR0 = 0x020, GICH_ELRSR0 = 0x030, GICH_LR0 = 0x100,
};
#define LR_HW        (1u << 31)
#define LR_STATE_SHIFT 28
#define LR_PENDING   1u
#define LR_ACTIVE    2u
#define HCR_EN       1u
#define HCR_UIE      2u

uint32_t pgic_read(struct hv *hv, uint64_t pa)
{
    uint64_t v = 0;
    bus_read(hv->cfg.bus, mk_pa(pa), 4, &v);
    return (uint32_t)v;
}
void pgic_write(struct hv *hv, uint64_t pa, uint32_t v) { bus_write(hv->cfg.bus, mk_pa(pa), 4, v); }

static struct vgic_irq *irq_of(struct hv *hv, struct vcpu *v, unsigned intid)
{
    struct domain *d = &hv->dom0;
    if (intid < 32) return &v->priv[intid];
    if (intid < d->nr_irqs) return &d->spi[intid - 32];
    return NULL;
}

/* Which vCPU an SPI goes to: the lowest CPU of its ITARGETSR byte (vCPU 0 if none). */
static struct vcpu *spi_vcpu(struct hv *hv, const struct vgic_irq *q)
{
    struct domain *d = &hv->dom0;
    for (unsigned i = 0; i < d->nvcpus; i++) if (q->target & (1u << i)) return &d->vcpu[i];
    return &d->vcpu[0];
}

static uint32_t gich_read(struct hv *hv, struct vcpu *v, unsigned off)
{
    uint32_t val = 0;
    gic_gich_read(hv->cfg.gic, v->id, off, &val);
    return val;
}
static void gich_write(struct hv *hv, struct vcpu *v, unsigned off, uint32_t val)
{
    gic_gich_write(hv->cfg.gic, v->id, off, val);
}

/* Put one vIRQ into an LR. Returns false if no LR is free. A vIRQ already in an LR is merged:
 * an active HW = 0 one becomes pending+active (a second SGI while the first is handled). */
static bool lr_place(struct hv *hv, struct vcpu *v, unsigned virq, struct vgic_irq *q)
{
    int free_lr = -1;
    uint32_t elrsr = gich_read(hv, v, GICH_ELRSR0);
    for (unsigned i = 0; i < GIC_NUM_LRS; i++) {
        if (elrsr & (1u << i)) { if (free_lr < 0) free_lr = (int)i; continue; }
        uint32_t lr = gich_read(hv, v, GICH_LR0 + 4 * i);
        if ((lr & 0x3ff) != virq) continue;
        unsigned st = (lr >> LR_STATE_SHIFT) & 3;
        if (!(lr & LR_HW) && st == LR_ACTIVE)
            gich_write(hv, v, GICH_LR0 + 4 * i, lr | LR_PENDING << LR_STATE_SHIFT);
        return true;                                  /* pending already, or merged */
    }
    if (free_lr < 0) return false;
    uint32_t lr = virq | (uint32_t)(q->priority >> 3) << 23 | LR_PENDING << LR_STATE_SHIFT;
    if (q->hw) lr |= LR_HW | (uint32_t)virq << 10;    /* pINTID = vINTID */
    else if (virq < 16) lr |= (uint32_t)(q->sgi_src & 7) << 10;   /* CPUID of a vSGI */
    gich_write(hv, v, GICH_LR0 + 4 * free_lr, lr);
    hv->stats.virq_injected++;
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
    uint32_t hcr = gich_read(hv, v, GICH_HCR);
    uint32_t want = HCR_EN | (left ? HCR_UIE : 0);
    if ((hcr & (HCR_EN | HCR_UIE)) != want) gich_write(hv, v, GICH_HCR, (hcr & ~(HCR_EN | HCR_UIE)) | want);
}

void vgic_inject(struct hv *hv, struct vcpu *v, unsigned virq)
{
    struct vgic_irq *q = irq_of(hv, v, virq);
    if (!q) return;
    q->pending = true;
    if (virq >= 32) v = spi_vcpu(hv, q);
    vgic_flush(hv, v);
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

/* do_IRQ: acknowledge the physical interrupt and route it. */
void vgic_do_irq(struct hv *hv, struct vcpu *v)
{
    uint32_t iar = pgic_read(hv, HV_GICC_BASE + GICC_IAR);
    unsigned intid = iar & 0x3ff;
    if (intid >= 1020) return;                         /* spurious */
    hv->stats.pirqs++;
    pgic_write(hv, HV_GICC_BASE + GICC_EOIR, iar);     /* priority drop (EOImode = 1) */
    if (intid == GICV2_MAINT_PPI) {
        pgic_write(hv, HV_GICC_BASE + GICC_DIR, iar);  /* the hypervisor's own: deactivate */
        vgic_maintenance(hv, v);
        return;
    }
    struct vgic_irq *q = irq_of(hv, v, intid);
    if (!q || !q->hw) {                                /* not routed to the domain */
        pgic_write(hv, HV_GICC_BASE + GICC_DIR, iar);
        hv_log(hv, "hv: physical IRQ %u not routed to a domain", intid);
        return;
    }
    /* Stays active at the physical GIC until the guest's EOI deactivates it (LR.HW). */
    vgic_inject(hv, v, intid);
}

/* ---- the emulated distributor (IHI 0048B 4.3) ---------------------------------------------- */

/* Mirror a guest change of a forwarded interrupt to the physical distributor (Xen enables and
 * configures the physical IRQ when the guest does: vgic_enable_irqs → irq desc enable). The
 * banked INTID 0..31 registers act on the current CPU, which is the accessing vCPU's. */
static void phys_enable(struct hv *hv, unsigned intid, bool on)
{
    pgic_write(hv, HV_GICD_BASE + (on ? GICD_ISENABLER : GICD_ICENABLER) + 4 * (intid / 32),
               1u << (intid % 32));
}

static uint32_t bits_read(struct hv *hv, struct vcpu *v, unsigned first, int field)
{
    uint32_t r = 0;
    for (unsigned b = 0; b < 32; b++) {
        struct vgic_irq *q = irq_of(hv, v, first + b);
        if (!q) break;
        bool on = field == 0 ? q->enabled : q->pending;
        if (field == 0 && first + b < 16) on = true;          /* SGIs always enabled */
        if (on) r |= 1u << b;
    }
    return r;
}

static void reg32_write(struct hv *hv, struct vcpu *v, unsigned off, uint32_t val)
{
    struct domain *d = &hv->dom0;
    if (off >= GICD_ISENABLER && off < GICD_ICENABLER + 0x80) {
        bool set = off < GICD_ICENABLER;
        unsigned first = 32 * ((off & 0x7f) / 4);
        for (unsigned b = 0; b < 32; b++) {
            if (!(val & (1u << b))) continue;
            struct vgic_irq *q = irq_of(hv, v, first + b);
            if (!q || first + b < 16) continue;
            if (q->enabled != set && q->hw) phys_enable(hv, first + b, set);
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
            if (!q || first + b < 16 || q->hw) continue;        /* HW state belongs to the device */
            if (set) vgic_inject(hv, v, first + b); else q->pending = false;
        }
    } else if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
        unsigned first = 16 * ((off - GICD_ICFGR) / 4);
        for (unsigned k = 0; k < 16; k++) {
            struct vgic_irq *q = irq_of(hv, v, first + k);
            if (q && first + k >= 32) q->edge = (val >> (2 * k + 1)) & 1;
        }
        if (first >= 32) pgic_write(hv, HV_GICD_BASE + off, val);   /* SPIs: the device's trigger */
    } else if (off == GICD_SGIR) {
        unsigned sgi = val & 15, filter = (val >> 24) & 3, list = (val >> 16) & 0xff;
        for (unsigned i = 0; i < d->nvcpus; i++) {
            bool to = filter == 0 ? (list >> i) & 1 : filter == 1 ? i != v->id : i == v->id;
            if (!to) continue;
            d->vcpu[i].priv[sgi].sgi_src = (uint8_t)v->id;
            vgic_inject(hv, &d->vcpu[i], sgi);
        }
    }
    /* IGROUPR (all Group 0), ISACTIVER/ICACTIVER, CPENDSGIR/SPENDSGIR: RAZ/WI. */
}

static uint32_t reg32_read(struct hv *hv, struct vcpu *v, unsigned off)
{
    struct domain *d = &hv->dom0;
    if (off == GICD_CTLR) return d->vgic_enabled;
    if (off == GICD_TYPER) return ((d->nr_irqs / 32) - 1) | (d->nvcpus - 1) << 5;
    if (off == GICD_IIDR) return pgic_read(hv, HV_GICD_BASE + GICD_IIDR);
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
    if (off >= GICD_ID) return pgic_read(hv, HV_GICD_BASE + off);   /* GIC-400 ID registers */
    return 0;
}

bool vgic_dist_mmio(struct hv *hv, struct vcpu *v, uint64_t off64, unsigned size, uint64_t *val, bool write)
{
    struct domain *d = &hv->dom0;
    unsigned off = (unsigned)off64;
    if (off64 >= 0x1000 || (off & (size - 1))) return false;
    /* Byte-accessible: IPRIORITYR and ITARGETSR (IHI 0048B 4.1.4). */
    if ((off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) ||
        (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 0x400)) {
        if (size != 1 && size != 4) return false;
        bool prio = off < GICD_ITARGETSR;
        unsigned first = off - (prio ? GICD_IPRIORITYR : GICD_ITARGETSR);
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
    if (size != 4) return false;
    if (write) {
        if (off == GICD_CTLR) {
            d->vgic_enabled = *val & 1;
            for (unsigned i = 0; i < d->nvcpus; i++) vgic_flush(hv, &d->vcpu[i]);
        } else reg32_write(hv, v, off, (uint32_t)*val);
    } else {
        *val = reg32_read(hv, v, off);
    }
    return true;
}

/* ---- set-up ------------------------------------------------------------------------------- */

void vgic_init(struct hv *hv)
{
    struct domain *d = &hv->dom0;
    d->nr_irqs = gic_num_irqs(hv->cfg.gic);
    if (d->nr_irqs > VGIC_MAX_IRQS) d->nr_irqs = VGIC_MAX_IRQS;
}

void vgic_reset(struct hv *hv)
{
    struct domain *d = &hv->dom0;
    d->vgic_enabled = false;
    memset(d->spi, 0, sizeof d->spi);
    /* Route every SPI to dom0 as vIRQ == pIRQ (what Xen does for ACPI; for DT it routes the
     * SPIs of dom0's device nodes, which on this board is every used SPI). */
    for (unsigned i = 32; i < d->nr_irqs; i++) { d->spi[i - 32].hw = true; d->spi[i - 32].target = 1; }
    for (unsigned c = 0; c < d->nvcpus; c++) {
        struct vcpu *v = &d->vcpu[c];
        memset(v->priv, 0, sizeof v->priv);
        v->priv[27].hw = v->priv[30].hw = true;        /* virtual / EL1 physical timer PPIs */
        for (unsigned i = 0; i < 16; i++) { v->priv[i].enabled = true; v->priv[i].edge = true; }
        /* Physical CPU interface of CPU c (banked by the current CPU): enabled, EOImode = 1
         * (priority drop and deactivation split: Xen's GICC_CTLR_EL2_EOImode), PMR open;
         * the maintenance interrupt enabled (docs/gic.md step 1). */
        gic_set_current_cpu(hv->cfg.gic, c);
        pgic_write(hv, HV_GICC_BASE + GICC_CTLR, 1u | 1u << 9);
        pgic_write(hv, HV_GICC_BASE + GICC_PMR, 0xff);
        pgic_write(hv, HV_GICD_BASE + GICD_ICENABLER, 0xffff0000u);
        pgic_write(hv, HV_GICD_BASE + GICD_ISENABLER, 1u << GICV2_MAINT_PPI);
        gich_write(hv, v, GICH_HCR, HCR_EN);
        for (unsigned i = 0; i < GIC_NUM_LRS; i++) gich_write(hv, v, GICH_LR0 + 4 * i, 0);
    }
    gic_set_current_cpu(hv->cfg.gic, 0);
    for (unsigned i = 32; i < d->nr_irqs; i += 32)
        pgic_write(hv, HV_GICD_BASE + GICD_ICENABLER + i / 8, 0xffffffffu);
    for (unsigned i = 32; i < d->nr_irqs; i += 4)
        pgic_write(hv, HV_GICD_BASE + GICD_ITARGETSR + i, 0x01010101u);
    pgic_write(hv, HV_GICD_BASE + GICD_CTLR, 1);
}
