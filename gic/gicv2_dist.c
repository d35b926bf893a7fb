/* gic/gicv2_dist.c — GICv2 distributor (IHI 0048B 4.3), GIC-400-like, without the Security
 * Extensions (as QEMU's virt board without secure=on): GICD_CTLR has EnableGrp0/EnableGrp1,
 * GICD_TYPER.SecurityExtn = 0, GICD_NSACR is RAZ/WI and GICD_SGIR.NSATT is ignored.
 *
 * Accesses: every register is word-accessible; IPRIORITYR, ITARGETSR, CPENDSGIR and SPENDSGIR
 * also byte-accessible (IHI 0048B 4.1.4). Another size, or a misaligned access, is a guest error
 * answered with BUS_SLAVE_ERROR; reserved offsets are RAZ/WI (4.1.2) and logged. */
#include "gic/gic_internal.h"

#define GICD_CTLR        0x000
#define GICD_TYPER       0x004
#define GICD_IIDR        0x008
#define GICD_ITARGETSR   0x800
#define GICD_SGIR        0xF00
#define GICD_CPENDSGIR   0xF10
#define GICD_SPENDSGIR   0xF20

/* GIC-400 r0p1 GICD_IIDR (GIC-400 TRM 3.2): ProductID 0x02, Implementer 0x43B (Arm). */
#define GICV2_GICD_IIDR  0x0200143Bu

static bool v2_spi_targets(const struct gic *g, unsigned intid, unsigned cpu)
{
    /* A uniprocessor GIC forwards every SPI to the one CPU (IHI 0048B 4.3.12). */
    if (g->ncpu == 1)
        return cpu == 0;
    return g->itargets[intid - GIC_NR_INTERNAL] >> cpu & 1;
}

static int v2_group_line(const struct gic *g, unsigned cpu, int group)
{
    /* Group 0 is signalled as FIQ only with GICC_CTLR.FIQEn (IHI 0048B 3.6.1 / 4.4.1). */
    return group == 0 && g->cpu[cpu].fiq_en ? GIC_LINE_FIQ : GIC_LINE_IRQ;
}

static bool v2_cpu_awake(const struct gic *g, unsigned cpu) { return true; }

const struct gic_ops gicv2_ops = {
    .spi_targets = v2_spi_targets,
    .group_line = v2_group_line,
    .cpu_awake = v2_cpu_awake,
};

void gicv2_dist_reset(struct gic *g)
{
    for (unsigned c = 0; c < g->ncpu; c++) {
        g->priv[c].enabled = 0x0000FFFF;   /* GIC-400: SGIs always enabled */
        g->priv[c].edge = 0x0000FFFF;      /* SGIs are edge-triggered (ICFGR0 reads 0xAAAAAAAA) */
    }
}

/* Bank 0 is banked: the requesting CPU's copy (gic_set_current_cpu). */
static struct gic_bank *v2_bank(struct gic *g, unsigned block, void *arg)
{
    return gic_bank(g, g->cur_cpu, block * 32);
}

/* GICD_SGIR (IHI 0048B 4.3.15). */
static void v2_sgir_write(struct gic *g, uint32_t v)
{
    unsigned filter = v >> 24 & 3, list = v >> 16 & 0xFF, intid = v & 0xF;
    unsigned self = g->cur_cpu;
    uint32_t targets;
    switch (filter) {
    case 0: targets = list; break;                          /* CPUTargetList */
    case 1: targets = ((1u << g->ncpu) - 1) & ~(1u << self); break;  /* all but self */
    case 2: targets = 1u << self; break;                    /* self only */
    default:
        gic_log(g, "gicv2: GICD_SGIR TargetListFilter 0b11 is reserved; write ignored");
        return;
    }
    targets &= (1u << g->ncpu) - 1;
    for (unsigned t = 0; t < g->ncpu; t++)
        if (targets >> t & 1)
            gic_sgi_raise(g, t, intid, self);
    gic_update(g);
}

static int v2_dist_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct gic *g = opaque;
    uint64_t v = 0;
    int r = gic_family_access(g, v2_bank, NULL, off, size, &v, false);
    if (r >= 0) {
        *val = v;
        if (r != BUS_OK)
            gic_log(g, "gicv2: GICD read of size %u at %#lx", size, (unsigned long)off);
        return r;
    }
    bool bytes_ok = (off >= GICD_ITARGETSR && off < 0xC00) ||
                    (off >= GICD_CPENDSGIR && off < 0xF30);
    if (!((size == 4) || (size == 1 && bytes_ok)) || off % size) {
        gic_log(g, "gicv2: GICD read of size %u at %#lx", size, (unsigned long)off);
        return BUS_SLAVE_ERROR;
    }
    *val = 0;
    if (off == GICD_CTLR) {
        *val = g->dist_ctlr;
    } else if (off == GICD_TYPER) {
        /* ITLinesNumber [4:0], CPUNumber [7:5], SecurityExtn [10] = 0 */
        *val = (g->nirq / 32 - 1) | (g->ncpu - 1) << 5;
    } else if (off == GICD_IIDR) {
        *val = GICV2_GICD_IIDR;
    } else if (off >= GICD_ITARGETSR && off < 0xC00) {
        for (unsigned i = 0; i < size; i++) {
            unsigned id = (unsigned)(off - GICD_ITARGETSR) + i;
            uint8_t t = 0;
            if (g->ncpu == 1 || id >= g->nirq)
                t = 0;        /* uniprocessor: RAZ/WI (4.3.12) */
            else if (id < GIC_NR_INTERNAL)
                t = (uint8_t)(1u << g->cur_cpu);   /* the reading CPU's own bit */
            else
                t = g->itargets[id - GIC_NR_INTERNAL];
            *val |= (uint64_t)t << (8 * i);
        }
    } else if (off >= GICD_CPENDSGIR && off < 0xF30) {
        /* One byte per SGI: bit n = pending from CPU n (4.3.16/4.3.17) */
        for (unsigned i = 0; i < size; i++)
            *val |= (uint64_t)g->cpu[g->cur_cpu].sgi_src[(off + i) % 16] << (8 * i);
    } else if (off >= 0xFD0 && off <= 0xFFC) {
        *val = gic_id_reg(2, (unsigned)off);
    } else if (off == GICD_SGIR) {
        gic_log(g, "gicv2: read of write-only GICD_SGIR");
    } else {
        gic_log(g, "gicv2: GICD read of reserved offset %#lx (RAZ)", (unsigned long)off);
    }
    return BUS_OK;
}

static int v2_dist_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct gic *g = opaque;
    int r = gic_family_access(g, v2_bank, NULL, off, size, &val, true);
    if (r >= 0) {
        if (r != BUS_OK)
            gic_log(g, "gicv2: GICD write of size %u at %#lx", size, (unsigned long)off);
        return r;
    }
    bool bytes_ok = (off >= GICD_ITARGETSR && off < 0xC00) ||
                    (off >= GICD_CPENDSGIR && off < 0xF30);
    if (!((size == 4) || (size == 1 && bytes_ok)) || off % size) {
        gic_log(g, "gicv2: GICD write of size %u at %#lx", size, (unsigned long)off);
        return BUS_SLAVE_ERROR;
    }
    if (off == GICD_CTLR) {
        g->dist_ctlr = (uint32_t)val & (GICD_CTLR_EnableGrp0 | GICD_CTLR_EnableGrp1);
    } else if (off >= GICD_ITARGETSR && off < 0xC00) {
        for (unsigned i = 0; i < size; i++) {
            unsigned id = (unsigned)(off - GICD_ITARGETSR) + i;
            /* SGI/PPI targets are read-only; uniprocessor: WI */
            if (g->ncpu > 1 && id >= GIC_NR_INTERNAL && id < g->nirq)
                g->itargets[id - GIC_NR_INTERNAL] = (uint8_t)(val >> (8 * i)) & ((1u << g->ncpu) - 1);
        }
    } else if (off >= GICD_CPENDSGIR && off < 0xF30) {
        bool set = off >= GICD_SPENDSGIR;
        struct gic_cpuif *c = &g->cpu[g->cur_cpu];
        for (unsigned i = 0; i < size; i++) {
            unsigned sgi = (unsigned)(off + i) % 16;
            uint8_t bits = (uint8_t)(val >> (8 * i)) & ((1u << g->ncpu) - 1);
            if (set)
                c->sgi_src[sgi] |= bits;
            else
                c->sgi_src[sgi] &= ~bits;
            if (c->sgi_src[sgi])
                g->priv[g->cur_cpu].latch |= 1u << sgi;
            else
                g->priv[g->cur_cpu].latch &= ~(1u << sgi);
        }
    } else if (off == GICD_SGIR) {
        v2_sgir_write(g, (uint32_t)val);
    } else if (off == GICD_TYPER || off == GICD_IIDR || (off >= 0xFD0 && off <= 0xFFC)) {
        gic_log(g, "gicv2: write to read-only GICD register at %#lx ignored", (unsigned long)off);
    } else {
        gic_log(g, "gicv2: GICD write to reserved offset %#lx (WI)", (unsigned long)off);
    }
    gic_update(g);
    return BUS_OK;
}

const struct mmio_ops gicv2_dist_mmio = {
    .name = "gicv2-dist",
    .read = v2_dist_read,
    .write = v2_dist_write,
};
