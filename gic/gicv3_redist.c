/* gic/gicv3_redist.c — GICv3 redistributors (IHI 0069, "The GIC Redistributor register map"): one per CPU, two 64 KiB
 * frames each (RD_base, then SGI_base), laid out contiguously from VIRT_GIC_REDIST as QEMU's virt
 * does. No LPIs (GICR_TYPER.PLPIS == 0: GICR_CTLR.EnableLPIs, PROPBASER, PENDBASER are RAZ/WI)
 * and no virtual LPIs.
 *
 * GICR_WAKER: ProcessorSleep resets to 1; while it is 1 the redistributor forwards nothing to
 * its CPU interface. ChildrenAsleep follows ProcessorSleep at once (there is no interface to
 * quiesce), so a kernel's "clear ProcessorSleep, poll ChildrenAsleep == 0" finishes in one read.
 *
 * Sizes: 32-bit; GICR_TYPER 64-bit or two 32-bit halves; GICR_IPRIORITYR also 8-bit. */
#include "gic/gic_internal.h"

#define GICR_FRAME       0x10000
/* RD_base */
#define GICR_CTLR        0x0000
#define GICR_IIDR        0x0004
#define GICR_TYPER       0x0008
#define GICR_STATUSR     0x0010
#define GICR_WAKER       0x0014
/* SGI_base: the GICD family offsets for INTIDs 0..31 (gic_family_access) plus */
#define GICR_NSACR       0x0E00

#define GICR_WAKER_ProcessorSleep  (1u << 1)
#define GICR_WAKER_ChildrenAsleep  (1u << 2)
#define GICR_TYPER_Last            (1u << 4)

#define GICV3_IIDR       0x0000043Bu

void gicv3_redist_reset(struct gic *g, unsigned cpu)
{
    g->cpu[cpu].processor_sleep = true;
    g->priv[cpu].edge = 0x0000FFFF;        /* SGIs are edge-triggered: GICR_ICFGR0 RO */
}

static uint64_t typer(const struct gic *g, unsigned cpu)
{
    /* Affinity_Value [63:32] = Aff3.Aff2.Aff1.Aff0 (Aff0 = cpu), Processor_Number [23:8],
     * Last [4] on the final redistributor of the region (IHI 0069). */
    return (uint64_t)cpu << 32 | (uint64_t)cpu << 8 | (cpu == g->ncpu - 1 ? GICR_TYPER_Last : 0);
}

static struct gic_bank *sgi_bank(struct gic *g, unsigned block, void *arg)
{
    return block == 0 ? &g->priv[*(unsigned *)arg] : NULL;
}

static int redist_access(struct gic *g, uint64_t off, unsigned size, uint64_t *val, bool write)
{
    unsigned cpu = (unsigned)(off / VIRT_GIC_REDIST_STRIDE);
    uint64_t fo = off % VIRT_GIC_REDIST_STRIDE;
    if (cpu >= g->ncpu)
        return BUS_DECODE_ERROR;
    if (fo >= GICR_FRAME) {
        fo -= GICR_FRAME;
        int r = gic_family_access(g, sgi_bank, &cpu, fo, size, val, write);
        if (r >= 0) {
            if (r != BUS_OK)
                gic_log(g, "gicv3: GICR%u SGI_base %s of size %u at %#lx", cpu,
                        write ? "write" : "read", size, (unsigned long)fo);
            return r;
        }
        if (size != 4 || fo % 4)
            goto bad_size;
        if (!write)
            *val = 0;
        if (fo != GICR_NSACR)        /* NSACR: RAZ/WI with DS == 1 */
            gic_log(g, "gicv3: GICR%u SGI_base %s reserved offset %#lx (RAZ/WI)", cpu,
                    write ? "write to" : "read of", (unsigned long)fo);
        return BUS_OK;
    }
    /* RD_base */
    if (fo >= GICR_TYPER && fo < GICR_TYPER + 8) {
        if ((size != 4 && size != 8) || fo % size)
            goto bad_size;
        if (write) {
            gic_log(g, "gicv3: write to read-only GICR_TYPER ignored");
            return BUS_OK;
        }
        uint64_t t = typer(g, cpu);
        *val = size == 8 ? t : (uint32_t)(t >> (fo % 8 ? 32 : 0));
        return BUS_OK;
    }
    if (size != 4 || fo % 4)
        goto bad_size;
    if (!write) {
        *val = 0;
        switch (fo) {
        case GICR_CTLR: case GICR_STATUSR: break;    /* no LPIs; writes take effect at once */
        case GICR_IIDR: *val = GICV3_IIDR; break;
        case GICR_WAKER:
            *val = g->cpu[cpu].processor_sleep ?
                   GICR_WAKER_ProcessorSleep | GICR_WAKER_ChildrenAsleep : 0;
            break;
        default:
            if (fo >= 0xFFD0 && fo <= 0xFFFC)
                *val = gic_id_reg(3, (unsigned)(fo - 0xF000));
            else if (fo < 0x0070 || fo > 0x00B0)   /* LPI registers: RAZ/WI quietly */
                gic_log(g, "gicv3: GICR%u read of reserved offset %#lx (RAZ)", cpu,
                        (unsigned long)fo);
        }
        return BUS_OK;
    }
    switch (fo) {
    case GICR_CTLR: case GICR_STATUSR: break;
    case GICR_WAKER:
        g->cpu[cpu].processor_sleep = *val & GICR_WAKER_ProcessorSleep;
        gic_update(g);
        break;
    default:
        if (fo < 0x0070 || fo > 0x00B0)
            gic_log(g, "gicv3: GICR%u write to %s offset %#lx (WI)", cpu,
                    fo == GICR_IIDR || fo >= 0xFFD0 ? "read-only" : "reserved", (unsigned long)fo);
    }
    return BUS_OK;
bad_size:
    gic_log(g, "gicv3: GICR %s of size %u at %#lx", write ? "write" : "read", size,
            (unsigned long)off);
    return BUS_SLAVE_ERROR;
}

static int v3_redist_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    return redist_access(opaque, off, size, val, false);
}

static int v3_redist_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    return redist_access(opaque, off, size, &val, true);
}

const struct mmio_ops gicv3_redist_mmio = {
    .name = "gicv3-redist",
    .read = v3_redist_read,
    .write = v3_redist_write,
};
