/* gic/gicv2_cpuif.c — GICv2 memory-mapped CPU interface (IHI 0048B 4.4), without the Security
 * Extensions: GICC_CTLR is the layout of table 4-31 (EnableGrp0/1, AckCtl, FIQEn, CBPR, the bypass
 * disables, EOImodeS at bit 9 — the only EOImode copy; Linux calls that bit EOImodeNS). The alias
 * registers GICC_ABPR/AIAR/AEOIR/AHPPIR act on Group 1; GICC_APR0 holds the Group 0 active
 * priorities and GICC_NSAPR0 the Group 1 ones (5 priority bits: APR1..3 and NSAPR1..3 RAZ/WI).
 * The banked registers are those of the requesting CPU (gic_set_current_cpu).
 * Word accesses only; other sizes are guest errors (BUS_SLAVE_ERROR). */
#include "gic/gic_internal.h"

#define GICC_CTLR     0x0000
#define GICC_PMR      0x0004
#define GICC_BPR      0x0008
#define GICC_IAR      0x000C
#define GICC_EOIR     0x0010
#define GICC_RPR      0x0014
#define GICC_HPPIR    0x0018
#define GICC_ABPR     0x001C
#define GICC_AIAR     0x0020
#define GICC_AEOIR    0x0024
#define GICC_AHPPIR   0x0028
#define GICC_APR0     0x00D0
#define GICC_NSAPR0   0x00E0
#define GICC_IIDR     0x00FC
#define GICC_DIR      0x1000

#define GICC_CTLR_EnableGrp0  (1u << 0)
#define GICC_CTLR_EnableGrp1  (1u << 1)
#define GICC_CTLR_AckCtl      (1u << 2)
#define GICC_CTLR_FIQEn       (1u << 3)
#define GICC_CTLR_CBPR        (1u << 4)
#define GICC_CTLR_BYPASS      (0xFu << 5)   /* FIQBypDisGrp0 .. IRQBypDisGrp1 */
#define GICC_CTLR_EOImodeS    (1u << 9)

/* GIC-400 GICC_IIDR (GIC-400 TRM 3.3): ProductID 0x02, ArchitectureVersion 2, Arm. */
#define GICV2_GICC_IIDR  0x0202143Bu

static uint32_t ctlr_read(const struct gic_cpuif *c)
{
    return (c->grp_en[0] ? GICC_CTLR_EnableGrp0 : 0) | (c->grp_en[1] ? GICC_CTLR_EnableGrp1 : 0) |
           (c->ack_ctl ? GICC_CTLR_AckCtl : 0) | (c->fiq_en ? GICC_CTLR_FIQEn : 0) |
           (c->cbpr ? GICC_CTLR_CBPR : 0) | c->ctlr_other | (c->eoimode ? GICC_CTLR_EOImodeS : 0);
}

static void ctlr_write(struct gic_cpuif *c, uint32_t v)
{
    c->grp_en[0] = v & GICC_CTLR_EnableGrp0;
    c->grp_en[1] = v & GICC_CTLR_EnableGrp1;
    c->ack_ctl = v & GICC_CTLR_AckCtl;
    c->fiq_en = v & GICC_CTLR_FIQEn;
    c->cbpr = v & GICC_CTLR_CBPR;
    c->ctlr_other = v & GICC_CTLR_BYPASS;
    c->eoimode = v & GICC_CTLR_EOImodeS;
}

/* The INTID field as IAR/HPPIR report it: SGIs carry the source CPU in bits [12:10] (4.4.4). */
static uint32_t with_source(const struct gic *g, unsigned cpu, unsigned id)
{
    const uint8_t src = id < GIC_NR_SGIS ? g->cpu[cpu].sgi_src[id] : 0;
    return id | (src ? (uint32_t)__builtin_ctz(src) << 10 : 0);
}

/* GICC_IAR / GICC_AIAR (4.4.4, 4.4.12): acknowledge the signalled interrupt. alias: Group 1 only. */
static uint32_t iar_read(struct gic *g, unsigned cpu, bool alias)
{
    uint8_t prio;
    int group;
    unsigned id = gic_hppi(g, cpu, &prio, &group);
    if (id == GIC_SPURIOUS || !gic_can_signal(g, cpu, prio, group))
        return GIC_SPURIOUS;
    if (alias && group == 0)
        return GIC_SPURIOUS;
    if (!alias && group == 1 && !g->cpu[cpu].ack_ctl)
        return GIC_SPURIOUS_GRP1;
    unsigned src = gic_acknowledge(g, cpu, id);
    return id | (id < GIC_NR_SGIS ? src << 10 : 0);
}

/* GICC_HPPIR / GICC_AHPPIR (4.4.8, 4.4.14). */
static uint32_t hppir_read(struct gic *g, unsigned cpu, bool alias)
{
    int group;
    unsigned id = gic_hppi(g, cpu, NULL, &group);
    if (id == GIC_SPURIOUS)
        return GIC_SPURIOUS;
    if (alias && group == 0)
        return GIC_SPURIOUS;
    if (!alias && group == 1 && !g->cpu[cpu].ack_ctl)
        return GIC_SPURIOUS_GRP1;
    return with_source(g, cpu, id);
}

/* GICC_EOIR / GICC_AEOIR (4.4.5, 4.4.13): priority drop, and deactivation unless EOImode. */
static void eoir_write(struct gic *g, unsigned cpu, uint32_t v)
{
    unsigned id = v & 0x3FF;
    if (id >= 1020)
        return;                        /* special INTIDs: no effect */
    if (id >= g->nirq) {
        gic_log(g, "gicv2: EOI of INTID %u that does not exist", id);
        return;
    }
    gic_priority_drop(g, cpu);
    if (!g->cpu[cpu].eoimode)
        gic_deactivate(g, cpu, id);
}

static int v2_cpuif_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct gic *g = opaque;
    unsigned cpu = g->cur_cpu;
    struct gic_cpuif *c = &g->cpu[cpu];
    if (size != 4 || off % 4) {
        gic_log(g, "gicv2: GICC read of size %u at %#lx", size, (unsigned long)off);
        return BUS_SLAVE_ERROR;
    }
    switch (off) {
    case GICC_CTLR:   *val = ctlr_read(c); break;
    case GICC_PMR:    *val = c->pmr; break;
    case GICC_BPR:    *val = c->bpr[0]; break;
    case GICC_ABPR:   *val = c->bpr[1]; break;
    case GICC_IAR:    *val = iar_read(g, cpu, false); break;
    case GICC_AIAR:   *val = iar_read(g, cpu, true); break;
    case GICC_RPR:    *val = gic_running_priority(g, cpu); break;
    case GICC_HPPIR:  *val = hppir_read(g, cpu, false); break;
    case GICC_AHPPIR: *val = hppir_read(g, cpu, true); break;
    case GICC_APR0:   *val = c->apr[0]; break;
    case GICC_NSAPR0: *val = c->apr[1]; break;
    case GICC_IIDR:   *val = GICV2_GICC_IIDR; break;
    case GICC_APR0 + 4: case GICC_APR0 + 8: case GICC_APR0 + 12:
    case GICC_NSAPR0 + 4: case GICC_NSAPR0 + 8: case GICC_NSAPR0 + 12:
        *val = 0; break;
    case GICC_EOIR: case GICC_AEOIR: case GICC_DIR:
        gic_log(g, "gicv2: read of write-only GICC register at %#lx", (unsigned long)off);
        *val = 0; break;
    default:
        if (off >= 0xFD0 && off <= 0xFFC) {
            *val = gic_id_reg(2, (unsigned)off);
            break;
        }
        gic_log(g, "gicv2: GICC read of reserved offset %#lx (RAZ)", (unsigned long)off);
        *val = 0;
    }
    return BUS_OK;
}

static int v2_cpuif_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct gic *g = opaque;
    unsigned cpu = g->cur_cpu;
    struct gic_cpuif *c = &g->cpu[cpu];
    uint32_t v = (uint32_t)val;
    if (size != 4 || off % 4) {
        gic_log(g, "gicv2: GICC write of size %u at %#lx", size, (unsigned long)off);
        return BUS_SLAVE_ERROR;
    }
    switch (off) {
    case GICC_CTLR: ctlr_write(c, v); break;
    case GICC_PMR:  c->pmr = (uint8_t)v & GIC_PRIO_MASK; break;
    /* A BPR below the minimum the priority bits allow reads back as the minimum (4.4.3). */
    case GICC_BPR:  c->bpr[0] = (v & 7) < GIC_MIN_BPR0 ? GIC_MIN_BPR0 : (v & 7); break;
    case GICC_ABPR: c->bpr[1] = (v & 7) < GIC_MIN_BPR1 ? GIC_MIN_BPR1 : (v & 7); break;
    case GICC_EOIR: case GICC_AEOIR: eoir_write(g, cpu, v); break;
    case GICC_DIR:
        /* GICC_DIR (4.4.15): deactivation; UNPREDICTABLE with EOImode == 0, we deactivate. */
        if (!c->eoimode)
            gic_log(g, "gicv2: GICC_DIR write with GICC_CTLR.EOImode == 0");
        if ((v & 0x3FF) < g->nirq)
            gic_deactivate(g, cpu, v & 0x3FF);
        break;
    case GICC_APR0:   c->apr[0] = v; break;
    case GICC_NSAPR0: c->apr[1] = v; break;
    case GICC_APR0 + 4: case GICC_APR0 + 8: case GICC_APR0 + 12:
    case GICC_NSAPR0 + 4: case GICC_NSAPR0 + 8: case GICC_NSAPR0 + 12:
        break;
    case GICC_IAR: case GICC_AIAR: case GICC_RPR: case GICC_HPPIR: case GICC_AHPPIR: case GICC_IIDR:
        gic_log(g, "gicv2: write to read-only GICC register at %#lx ignored", (unsigned long)off);
        break;
    default:
        gic_log(g, "gicv2: GICC write to reserved offset %#lx (WI)", (unsigned long)off);
    }
    gic_update(g);
    return BUS_OK;
}

const struct mmio_ops gicv2_cpuif_mmio = {
    .name = "gicv2-cpu",
    .read = v2_cpuif_read,
    .write = v2_cpuif_write,
};
