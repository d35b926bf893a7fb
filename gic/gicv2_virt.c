/* gic/gicv2_virt.c — GICv2 virtualization extensions (IHI 0048B chapter 5): the virtual
 * interface control registers GICH_* (5.3) that the hypervisor programs, and the virtual CPU
 * interface GICV_* (5.4) that the guest sees in place of GICC, with the GICC register layout.
 * GIC-400 configuration: 4 list registers, 5 priority bits and 5 preemption bits (GICH_VTR).
 *
 * GICH is a 4 KiB frame banked by the accessing CPU (the native hypervisor calls
 * gic_gich_read/write with an explicit CPU; on the bus it is gic_set_current_cpu's CPU). The
 * GIC-400 per-CPU GICH aliases are not modelled. GICV is served from the list registers and
 * GICH_VMCR/GICH_APR, through the core in gic_virt.c. Word accesses only; other sizes are guest
 * errors (BUS_SLAVE_ERROR). */
#include "gic/gic_internal.h"

/* GICH_* and GICV_* offsets: gic/gic.h */
#define GICH_LR_LAST  GICH_LR(63)

/* GICH_HCR: the architected bits (5.3.1); bits [26:8] are reserved. */
#define GICH_HCR_MASK 0xF80000FFu

/* GICH_VTR (5.3.2): PRIbits [31:29] and PREbits [28:26] = bits - 1, ListRegs [5:0] = n - 1. */
#define GICH_VTR_VALUE ((uint32_t)(GIC_PRIO_BITS - 1) << 29 | (uint32_t)(GIC_PRIO_BITS - 1) << 26 | \
                        (GIC_NR_LR - 1))

/* GICH_VMCR (5.3.3) fields */
#define VMCR_VMEnableGrp0  (1u << 0)
#define VMCR_VMEnableGrp1  (1u << 1)
#define VMCR_VMAckCtl      (1u << 2)
#define VMCR_VMFIQEn       (1u << 3)
#define VMCR_VMCBPR        (1u << 4)
#define VMCR_VEM           (1u << 9)
#define VMCR_VMABP_SHIFT   18
#define VMCR_VMBP_SHIFT    21
#define VMCR_VMPriMask_SHIFT 27

/* GICH_LRn (5.3.9) */
#define LR_VirtualID_MASK  0x3FFu
#define LR_PhysicalID_SHIFT 10
#define LR_EOI             (1u << 19)
#define LR_Priority_SHIFT  23
#define LR_State_SHIFT     28
#define LR_Grp1            (1u << 30)
#define LR_HW              (1u << 31)

/* GICV_CTLR (5.4.1 / table 4-31 without the bypass bits) */
#define GICV_CTLR_EnableGrp0  (1u << 0)
#define GICV_CTLR_EnableGrp1  (1u << 1)
#define GICV_CTLR_AckCtl      (1u << 2)
#define GICV_CTLR_FIQEn       (1u << 3)
#define GICV_CTLR_CBPR        (1u << 4)
#define GICV_CTLR_EOImode     (1u << 9)

/* GIC-400 GICV_IIDR (GIC-400 TRM, "Virtual CPU interface"): the GICC_IIDR value. */
#define GICV2_GICV_IIDR  0x0202143Bu

static uint32_t lr_pack(const struct gic_lr *lr)
{
    uint32_t v = (lr->vintid & LR_VirtualID_MASK) |
                 (uint32_t)(lr->prio >> (8 - GIC_PRIO_BITS)) << LR_Priority_SHIFT |
                 (uint32_t)lr->state << LR_State_SHIFT | (lr->group1 ? LR_Grp1 : 0);
    if (lr->hw)
        v |= LR_HW | (lr->pintid & 0x3FF) << LR_PhysicalID_SHIFT;
    else
        v |= (lr->eoi ? LR_EOI : 0) | (uint32_t)(lr->cpuid & 7) << LR_PhysicalID_SHIFT;
    return v;
}

static void lr_unpack(struct gic_lr *lr, uint32_t v)
{
    lr->vintid = v & LR_VirtualID_MASK;
    lr->prio = (uint8_t)((v >> LR_Priority_SHIFT & 0x1F) << (8 - GIC_PRIO_BITS));
    lr->state = (uint8_t)(v >> LR_State_SHIFT & 3);
    lr->group1 = v & LR_Grp1;
    lr->hw = v & LR_HW;
    lr->pintid = lr->hw ? (v >> LR_PhysicalID_SHIFT & 0x3FF) : 0;
    lr->eoi = !lr->hw && (v & LR_EOI);
    lr->cpuid = lr->hw ? 0 : (uint8_t)(v >> LR_PhysicalID_SHIFT & 7);
}

static uint32_t vmcr_read(const struct gic_cpuif *c)
{
    return (c->grp_en[0] ? VMCR_VMEnableGrp0 : 0) | (c->grp_en[1] ? VMCR_VMEnableGrp1 : 0) |
           (c->ack_ctl ? VMCR_VMAckCtl : 0) | (c->fiq_en ? VMCR_VMFIQEn : 0) |
           (c->cbpr ? VMCR_VMCBPR : 0) | (c->eoimode ? VMCR_VEM : 0) |
           (uint32_t)c->bpr[1] << VMCR_VMABP_SHIFT | (uint32_t)c->bpr[0] << VMCR_VMBP_SHIFT |
           (uint32_t)(c->pmr >> (8 - GIC_PRIO_BITS)) << VMCR_VMPriMask_SHIFT;
}

static void vmcr_write(struct gic_cpuif *c, uint32_t v)
{
    c->grp_en[0] = v & VMCR_VMEnableGrp0;
    c->grp_en[1] = v & VMCR_VMEnableGrp1;
    c->ack_ctl = v & VMCR_VMAckCtl;
    c->fiq_en = v & VMCR_VMFIQEn;
    c->cbpr = v & VMCR_VMCBPR;
    c->eoimode = v & VMCR_VEM;
    c->bpr[1] = gic_bpr_clamp(v >> VMCR_VMABP_SHIFT, 1);
    c->bpr[0] = gic_bpr_clamp(v >> VMCR_VMBP_SHIFT, 0);
    c->pmr = (uint8_t)((v >> VMCR_VMPriMask_SHIFT) << (8 - GIC_PRIO_BITS));
}

int gicv2_gich_access(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *val,
                      bool write)
{
    struct gic_vcpuif *v = &g->virt[cpu];
    if (size != 4 || off % 4) {
        gic_log(g, "gicv2: GICH %s of size %u at %#lx", write ? "write" : "read", size,
                (unsigned long)off);
        return BUS_SLAVE_ERROR;
    }
    uint32_t w = (uint32_t)*val;
    if (!write)
        *val = 0;
    switch (off) {
    case GICH_HCR:
        if (write)
            v->hcr = w & GICH_HCR_MASK;
        else
            *val = v->hcr;
        break;
    case GICH_VMCR:
        if (write)
            vmcr_write(&v->vif, w);
        else
            *val = vmcr_read(&v->vif);
        break;
    case GICH_APR:
        /* one bit per group priority; 5 preemption bits use all 32 (5.3.6) */
        if (write)
            v->vif.apr[0] = w;
        else
            *val = v->vif.apr[0];
        break;
    case GICH_VTR: case GICH_MISR: case GICH_EISR0: case GICH_EISR1:
    case GICH_ELRSR0: case GICH_ELRSR1:
        if (write) {
            gic_log(g, "gicv2: write to read-only GICH register at %#lx ignored",
                    (unsigned long)off);
            break;
        }
        *val = off == GICH_VTR    ? GICH_VTR_VALUE
             : off == GICH_MISR   ? gic_virt_misr(g, cpu)
             : off == GICH_EISR0  ? gic_virt_eisr(g, cpu)
             : off == GICH_ELRSR0 ? gic_virt_elrsr(g, cpu)
             : 0;                  /* EISR1/ELRSR1: LRs 32..63 do not exist */
        break;
    default:
        if (off >= GICH_LR(0) && off < GICH_LR(0) + 4 * GIC_NR_LR) {
            struct gic_lr *lr = &v->lr[(off - GICH_LR(0)) / 4];
            if (write)
                lr_unpack(lr, w);
            else
                *val = lr_pack(lr);
        } else if (off >= GICH_LR(0) && off <= GICH_LR_LAST) {
            /* GICH_LR4..63: not implemented (ListRegs = 3), RAZ/WI */
            gic_log(g, "gicv2: GICH_LR%u does not exist (RAZ/WI)", (unsigned)(off - GICH_LR(0)) / 4);
        } else {
            gic_log(g, "gicv2: GICH %s of reserved offset %#lx", write ? "write" : "read",
                    (unsigned long)off);
        }
    }
    if (write)
        gic_virt_update(g, cpu);
    return BUS_OK;
}

/* ---- GICV ---------------------------------------------------------------------------------- */

static uint32_t gicv_ctlr_read(const struct gic_cpuif *c)
{
    return (c->grp_en[0] ? GICV_CTLR_EnableGrp0 : 0) | (c->grp_en[1] ? GICV_CTLR_EnableGrp1 : 0) |
           (c->ack_ctl ? GICV_CTLR_AckCtl : 0) | (c->fiq_en ? GICV_CTLR_FIQEn : 0) |
           (c->cbpr ? GICV_CTLR_CBPR : 0) | (c->eoimode ? GICV_CTLR_EOImode : 0);
}

static void gicv_ctlr_write(struct gic_cpuif *c, uint32_t v)
{
    c->grp_en[0] = v & GICV_CTLR_EnableGrp0;
    c->grp_en[1] = v & GICV_CTLR_EnableGrp1;
    c->ack_ctl = v & GICV_CTLR_AckCtl;
    c->fiq_en = v & GICV_CTLR_FIQEn;
    c->cbpr = v & GICV_CTLR_CBPR;
    c->eoimode = v & GICV_CTLR_EOImode;
}

/* The ID GICV_IAR/HPPIR report for LR n: a software-generated (HW == 0) virtual SGI carries
 * the CPUID field of the LR in bits [12:10] (5.3.9). */
static uint32_t lr_iar_value(const struct gic_lr *lr)
{
    uint32_t id = lr->vintid;
    if (!lr->hw && id < GIC_NR_SGIS)
        id |= (uint32_t)lr->cpuid << 10;
    return id;
}

/* GICV_IAR / GICV_AIAR: as GICC_IAR/AIAR (4.4.4, 4.4.12) on the list registers. */
static uint32_t gicv_iar_read(struct gic *g, unsigned cpu, bool alias)
{
    struct gic_vcpuif *v = &g->virt[cpu];
    int n = gic_virt_hppi(g, cpu);
    if (n < 0 || !gic_cpuif_can_signal(&v->vif, v->lr[n].prio, v->lr[n].group1))
        return GIC_SPURIOUS;
    if (alias && !v->lr[n].group1)
        return GIC_SPURIOUS;
    if (!alias && v->lr[n].group1 && !v->vif.ack_ctl)
        return GIC_SPURIOUS_GRP1;
    uint32_t id = lr_iar_value(&v->lr[n]);
    gic_virt_acknowledge(g, cpu, n);
    return id;
}

/* GICV_HPPIR / GICV_AHPPIR: not filtered by GICV_PMR or the running priority. */
static uint32_t gicv_hppir_read(const struct gic *g, unsigned cpu, bool alias)
{
    const struct gic_vcpuif *v = &g->virt[cpu];
    int n = gic_virt_hppi(g, cpu);
    if (n < 0 || (alias && !v->lr[n].group1))
        return GIC_SPURIOUS;
    if (!alias && v->lr[n].group1 && !v->vif.ack_ctl)
        return GIC_SPURIOUS_GRP1;
    return lr_iar_value(&v->lr[n]);
}

int gicv2_gicv_access(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *val,
                      bool write)
{
    struct gic_vcpuif *v = &g->virt[cpu];
    struct gic_cpuif *c = &v->vif;
    if (size != 4 || off % 4) {
        gic_log(g, "gicv2: GICV %s of size %u at %#lx", write ? "write" : "read", size,
                (unsigned long)off);
        return BUS_SLAVE_ERROR;
    }
    uint32_t w = (uint32_t)*val;
    if (!write) {
        switch (off) {
        case GICV_CTLR:   *val = gicv_ctlr_read(c); break;
        case GICV_PMR:    *val = c->pmr; break;
        case GICV_BPR:    *val = c->bpr[0]; break;
        case GICV_ABPR:   *val = c->bpr[1]; break;
        case GICV_IAR:    *val = gicv_iar_read(g, cpu, false); break;
        case GICV_AIAR:   *val = gicv_iar_read(g, cpu, true); break;
        case GICV_RPR:    *val = gic_cpuif_running_priority(c); break;
        case GICV_HPPIR:  *val = gicv_hppir_read(g, cpu, false); break;
        case GICV_AHPPIR: *val = gicv_hppir_read(g, cpu, true); break;
        case GICV_APR0:   *val = c->apr[0]; break;         /* = GICH_APR (5.4.1) */
        case GICV_APR0 + 4: case GICV_APR0 + 8: case GICV_APR0 + 12:
            *val = 0; break;
        case GICV_IIDR:   *val = GICV2_GICV_IIDR; break;
        case GICV_EOIR: case GICV_AEOIR: case GICV_DIR:
            gic_log(g, "gicv2: read of write-only GICV register at %#lx", (unsigned long)off);
            *val = 0; break;
        default:
            if (off >= 0xFD0 && off <= 0xFFC) {
                *val = gic_id_reg(2, (unsigned)off);
                break;
            }
            gic_log(g, "gicv2: GICV read of reserved offset %#lx (RAZ)", (unsigned long)off);
            *val = 0;
        }
        return BUS_OK;
    }
    switch (off) {
    case GICV_CTLR: gicv_ctlr_write(c, w); break;
    case GICV_PMR:  c->pmr = (uint8_t)w & GIC_PRIO_MASK; break;
    case GICV_BPR:  c->bpr[0] = gic_bpr_clamp(w, 0); break;
    case GICV_ABPR: c->bpr[1] = gic_bpr_clamp(w, 1); break;
    case GICV_EOIR: case GICV_AEOIR:
        /* 5.4.1: priority drop, deactivation of the LR unless GICV_CTLR.EOImode. INTIDs
         * 1020..1023 have no effect. */
        if ((w & 0x3FF) < 1020)
            gic_virt_eoi(g, cpu, w & 0x3FF);
        break;
    case GICV_DIR:
        if (!c->eoimode)
            gic_log(g, "gicv2: GICV_DIR write with GICV_CTLR.EOImode == 0");
        if ((w & 0x3FF) < 1020)
            gic_virt_deactivate(g, cpu, w & 0x3FF);
        break;
    case GICV_APR0: c->apr[0] = w; break;
    case GICV_APR0 + 4: case GICV_APR0 + 8: case GICV_APR0 + 12:
        break;
    case GICV_IAR: case GICV_AIAR: case GICV_RPR: case GICV_HPPIR: case GICV_AHPPIR:
    case GICV_IIDR:
        gic_log(g, "gicv2: write to read-only GICV register at %#lx ignored", (unsigned long)off);
        break;
    default:
        gic_log(g, "gicv2: GICV write to reserved offset %#lx (WI)", (unsigned long)off);
    }
    gic_virt_update(g, cpu);
    return BUS_OK;
}

static int gich_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct gic *g = opaque;
    return gicv2_gich_access(g, g->cur_cpu, off, size, val, false);
}

static int gich_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct gic *g = opaque;
    return gicv2_gich_access(g, g->cur_cpu, off, size, &val, true);
}

static int gicv_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct gic *g = opaque;
    return gicv2_gicv_access(g, g->cur_cpu, off, size, val, false);
}

static int gicv_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct gic *g = opaque;
    return gicv2_gicv_access(g, g->cur_cpu, off, size, &val, true);
}

const struct mmio_ops gicv2_gich_mmio = { .name = "gicv2-hyp", .read = gich_read, .write = gich_write };
const struct mmio_ops gicv2_gicv_mmio = { .name = "gicv2-vcpu", .read = gicv_read, .write = gicv_write };
