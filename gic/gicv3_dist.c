/* gic/gicv3_dist.c — GICv3 distributor (IHI 0069 "The GIC Distributor register map"), as QEMU's virt board presents it without secure=on: one Security state
 * (GICD_CTLR.DS == 1, RAO/WI) and affinity routing always enabled (GICD_CTLR.ARE RAO/WI; no legacy
 * operation), no LPIs, no message-based SPIs, no extended SPI range.
 *
 * With affinity routing the INTID 0..31 registers of the distributor (GICD_IGROUPR0,
 * GICD_ISENABLER0, ..., GICD_IPRIORITYR0-7, GICD_ICFGR0/1), GICD_ITARGETSR, GICD_SGIR and
 * GICD_C/SPENDSGIR are RAZ/WI: the redistributors own SGIs and PPIs (IHI 0069, per register).
 *
 * Routing: GICD_IROUTER<n>.Interrupt_Routing_Mode == 1 (1-of-N) is delivered to CPU 0 — an
 * IMPLEMENTATION DEFINED choice of "one PE of the participating set" (IHI 0069, "Routing SPIs and SGIs by PE affinity"). Aff3 is RES0
 * (GICD_TYPER.A3V == 0).
 *
 * Sizes: 32-bit everywhere; IPRIORITYR also 8-bit; IROUTER 64-bit or two 32-bit halves
 * (IHI 0069). Others are guest errors (BUS_SLAVE_ERROR); reserved offsets are RAZ/WI. */
#include "gic/gic_internal.h"

#define GICD_CTLR        0x0000
#define GICD_TYPER       0x0004
#define GICD_IIDR        0x0008
#define GICD_TYPER2      0x000C
#define GICD_STATUSR     0x0010
#define GICD_IROUTER     0x6000
#define GICD_IROUTER_END 0x7FE0

#define GICD_CTLR_ARE    (1u << 4)
#define GICD_CTLR_DS     (1u << 6)
#define GICD_CTLR_RWP    (1u << 31)     /* writes take effect at once: always 0 */

#define GICD_IROUTER_IRM     (1ull << 31)
#define GICD_IROUTER_MASK    0x80FFFFFFull  /* Aff2.Aff1.Aff0, IRM; Aff3 RES0 (A3V == 0) */

/* Arm's JEP106 code as Implementer; ProductID 0: a generic GICv3 (IHI 0069). */
#define GICV3_IIDR       0x0000043Bu

/* The affinity of CPU n is Aff0 = n (docs/gic.md); GICR_TYPER and MPIDR_EL1 must agree. */
static uint64_t v3_cpu_affinity(unsigned cpu) { return cpu; }

static bool v3_spi_targets(const struct gic *g, unsigned intid, unsigned cpu)
{
    uint64_t r = g->irouter[intid - GIC_NR_INTERNAL];
    if (r & GICD_IROUTER_IRM)
        return cpu == 0;
    return (r & 0xFFFFFF) == v3_cpu_affinity(cpu);
}

/* With DS == 1, Group 0 is signalled as FIQ and Group 1 as IRQ (IHI 0069 "Interrupt grouping", the DS == 1 row). */
static int v3_group_line(const struct gic *g, unsigned cpu, int group)
{
    return group == 0 ? GIC_LINE_FIQ : GIC_LINE_IRQ;
}

/* A redistributor whose GICR_WAKER.ProcessorSleep is 1 forwards no interrupts to its CPU
 * interface (IHI 0069, GICR_WAKER; the wake request it would send instead is not modelled). */
static bool v3_cpu_awake(const struct gic *g, unsigned cpu) { return !g->cpu[cpu].processor_sleep; }

const struct gic_ops gicv3_ops = {
    .spi_targets = v3_spi_targets,
    .group_line = v3_group_line,
    .cpu_awake = v3_cpu_awake,
};

void gicv3_dist_reset(struct gic *g)
{
    (void)g;   /* all SPI state resets to 0; IROUTER to 0 (CPU 0) */
}

static struct gic_bank *v3_dist_bank(struct gic *g, unsigned block, void *arg)
{
    if (block == 0)
        return NULL;     /* owned by the redistributors under affinity routing */
    return gic_bank(g, 0, block * 32);
}

static bool is_irouter(uint64_t off)
{
    return off >= GICD_IROUTER && off < GICD_IROUTER_END + 8;
}

/* Access sizes the registers outside the shared bit/byte arrays take, naturally aligned:
 * GICD_IROUTER<n> 4 or 8, ITARGETSR (RAZ/WI) 1 or 4, the rest 4. */
static bool size_ok(uint64_t off, unsigned size)
{
    if (is_irouter(off)) {
        if (size != 4 && size != 8)
            return false;
    } else if (size != 4 && !(size == 1 && off >= 0x800 && off < 0xC00)) {
        return false;
    }
    return off % size == 0;
}

static void irouter_read(struct gic *g, uint64_t off, unsigned size, uint64_t *val)
{
    unsigned n = (unsigned)(off - GICD_IROUTER) / 8;
    uint64_t rv = (n >= GIC_NR_INTERNAL && n < g->nirq) ? g->irouter[n - GIC_NR_INTERNAL] : 0;
    *val = size == 8 ? rv : (uint32_t)(rv >> (off % 8 ? 32 : 0));
}

static void irouter_write(struct gic *g, uint64_t off, unsigned size, uint64_t val)
{
    unsigned n = (unsigned)(off - GICD_IROUTER) / 8;
    if (n < GIC_NR_INTERNAL || n >= g->nirq) {
        gic_log(g, "gicv3: GICD_IROUTER%u does not exist (WI)", n);
        return;
    }
    uint64_t *p = &g->irouter[n - GIC_NR_INTERNAL];
    if (size == 8)
        *p = val;
    else if (off % 8)
        *p = (*p & 0xFFFFFFFFull) | (uint64_t)(uint32_t)val << 32;
    else
        *p = (*p & ~0xFFFFFFFFull) | (uint32_t)val;
    *p &= GICD_IROUTER_MASK;
    gic_update(g);
}

static void ctrl_read(struct gic *g, uint64_t off, uint64_t *val)
{
    *val = 0;
    switch (off) {
    case GICD_CTLR:
        *val = g->dist_ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
        break;
    case GICD_TYPER:
        /* ITLinesNumber [4:0], CPUNumber 0 (ARE), SecurityExtn 0, MBIS 0, LPIS 0,
         * IDbits [23:19] = 9 (10 INTID bits), A3V 0, No1N 0, RSS 0 (IHI 0069) */
        *val = (g->nirq / 32 - 1) | 9u << 19;
        break;
    case GICD_IIDR:
        *val = GICV3_IIDR;
        break;
    case GICD_TYPER2:
    case GICD_STATUSR:
        break;
    default:
        if (off >= 0xFFD0 && off <= 0xFFFC) {
            *val = gic_id_reg(3, (unsigned)(off - 0xF000));
        } else if ((off >= 0x800 && off < 0xC00) || (off >= 0xE00 && off < 0xF30)) {
            /* ITARGETSR, NSACR, SGIR, C/SPENDSGIR: RAZ/WI with ARE and DS == 1 */
        } else {
            gic_log(g, "gicv3: GICD read of reserved offset %#lx (RAZ)", (unsigned long)off);
        }
    }
}

static void ctrl_write(struct gic *g, uint64_t off, uint64_t val)
{
    switch (off) {
    case GICD_CTLR:
        /* EnableGrp0/EnableGrp1; ARE and DS are RAO/WI; RWP is read-only */
        g->dist_ctlr = (uint32_t)val & (GICD_CTLR_EnableGrp0 | GICD_CTLR_EnableGrp1);
        break;
    case GICD_STATUSR:
        break;
    case GICD_TYPER: case GICD_IIDR: case GICD_TYPER2:
        gic_log(g, "gicv3: write to read-only GICD register at %#lx ignored", (unsigned long)off);
        break;
    default:
        if ((off >= 0x800 && off < 0xC00) || (off >= 0xE00 && off < 0xF30))
            break;      /* RAZ/WI with ARE and DS == 1 */
        gic_log(g, "gicv3: GICD write to %s offset %#lx (WI)",
                off >= 0xFFD0 ? "read-only" : "reserved", (unsigned long)off);
    }
    gic_update(g);
}

/* One GICD access: the bit/byte arrays through the shared family code, then IROUTER and the
 * control/ID registers here. */
static int v3_dist_access(struct gic *g, uint64_t off, unsigned size, uint64_t *val, bool write)
{
    int r = gic_family_access(g, v3_dist_bank, NULL, off, size, val, write);
    if (r < 0) {
        r = BUS_OK;
        if (!size_ok(off, size))
            r = BUS_SLAVE_ERROR;
        else if (is_irouter(off) && write)
            irouter_write(g, off, size, *val);
        else if (is_irouter(off))
            irouter_read(g, off, size, val);
        else if (write)
            ctrl_write(g, off, *val);
        else
            ctrl_read(g, off, val);
    }
    if (r != BUS_OK)
        gic_log(g, "gicv3: GICD %s of size %u at %#lx", write ? "write" : "read", size,
                (unsigned long)off);
    return r;
}

static int v3_dist_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    return v3_dist_access(opaque, off, size, val, false);
}

static int v3_dist_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    return v3_dist_access(opaque, off, size, &val, true);
}

const struct mmio_ops gicv3_dist_mmio = {
    .name = "gicv3-dist",
    .read = v3_dist_read,
    .write = v3_dist_write,
};
