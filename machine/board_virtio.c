/* machine/board_virtio.c — the board's DMA masters: the virtio-mmio transports of -device and
 * the SMMUv2 (MMU-500) in front of them. With no -device nothing is created and the board and
 * its device tree are exactly as without this file.
 *
 * Wiring (documented in docs/virtio.md):
 *   device n (command-line order) = transport n at VIRT_VIRTIO_MMIO + n × 0x200, SPI 16 + n
 *   (level), SMMU stream ID n;
 *   SMMU at VIRT_SMMU, smmu_region_size() bytes (0x20000; 0x10000 and 8 context banks with
 *   -M virt,sram=on, whose SRAM sits at VIRT_SMMU + 0x10000), global fault interrupt SPI 74,
 *   context bank k at SPI 75 + k (16 banks: SPIs 75..90), all level-high;
 *   -M virt,iommu=none: no SMMU, the transports' DMA addresses are PAs.
 * Device work runs in the QueueNotify write and is charged to the vCPU that wrote it.
 *   -device pl330 (docs/dma.md): the DMA-330 at VIRT_DMA, irq_abort SPI 96, irq[n] SPI 97 + n
 *   (8 events), stream ID `sid` (0x20) behind the SMMU unless iommu=off; not a transport (the
 *   transports are numbered without it). Its channels run in the DBGCMD write and continue once
 *   per board round (board_virtio_poll), charged to the vCPU that runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine/board.h"
#include "machine/trace.h"
#include "machine/virtio.h"
#include "machine/pl330.h"
#include "gic/gic.h"
#include "hv/hv.h"

struct board_virtio {
    struct board *b;
    struct smmu *smmu;
    struct irq_line smmu_irq[1 + 16];
    unsigned nt;
    struct virtio_mmio *t[FL_MAX_DEVICES];
    struct virtio_blk *blk[FL_MAX_DEVICES];
    struct virtio_rng *rng[FL_MAX_DEVICES];
    struct pl330 *dma;                 /* -device pl330, or NULL */
    const struct fl_device *dma_dev;
    struct bv_watch { struct hv *hv; char name[32]; } watch[FL_MAX_DEVICES + 1];   /* seed 004 */
};

static void smmu_line(void *opaque, bool level) { irq_line_set(opaque, level); }
static void smmu_log(void *opaque, const char *msg) { mlog_guest_error("%s", msg); }
static void bv_irq_set(void *opaque, unsigned intid, bool level)
{
    struct board *b = opaque;
    gic_set_spi(b->gic, intid, level);
}
/* Virtual time of the device work: the vCPU that wrote QueueNotify pays it. */
static void bv_charge(void *opaque, uint64_t cycles)
{
    struct board *b = opaque;
    unsigned i = gic_current_cpu(b->gic);
    if (i < b->ncpus && b->cpus[i]) cpu_add_cycles(b->cpus[i], cycles);
}

/* smmu_set_trace → SMMU-XLATE records (docs/smmu.md trace hook). */
static void bv_smmu_trace(void *opaque, const struct smmu_trace_event *ev)
{
    struct board *b = opaque;
    if (!TRACE_ON(b->tr)) return;
    uint8_t res = ev->result == SMMU_TRANSLATED ? TRACE_SMMU_OK : ev->result == SMMU_BYPASSED ? TRACE_SMMU_BYPASS :
                  ev->result == SMMU_CONTEXT_FAULT ? TRACE_SMMU_FAULT_CB : TRACE_SMMU_FAULT_UNMATCHED;
    trace_emit_smmu_xlate(b->tr, NULL, &(struct trace_smmu_xlate){ .sid = ev->sid, .fsr = ev->fsr, .fsynr0 = ev->fsynr0,
        .cb = ev->cb < 0 ? 0xffff : (uint16_t)ev->cb, .result = res, .is_write = ev->write,
        .iova = ev->iova, .pa = ev->pa });
}

void board_virtio_set_tracer(struct board *b, struct tracer *tr)
{
    struct board_virtio *v = b->virtio;
    if (!v) return;
    if (v->smmu) smmu_set_trace(v->smmu, tr ? bv_smmu_trace : NULL, b);
    for (unsigned i = 0; i < v->nt; i++) {
        v->t[i]->tr = tr;
        char nm[32];
        snprintf(nm, sizeof nm, "virtio-mmio.%u", i);
        v->t[i]->tr_name = trace_intern(tr, nm);
    }
    if (v->dma) pl330_set_trace(v->dma, tr, trace_intern(tr, "pl330"));
}

/* The DMA-330's channels still Executing continue (once per board round). */
bool board_virtio_poll(struct board *b)
{
    struct board_virtio *v = b->virtio;
    return v && v->dma && pl330_run(v->dma, PL330_BUDGET);
}

static int create_pl330(struct board *b, struct board_virtio *v, const struct fl_device *d, char *err, size_t errlen)
{
    struct pl330_config cfg;
    pl330_default_config(&cfg);
    cfg.num_events = VIRT_DMA_NUM_EVENTS;
    struct irq_line irqs[PL330_NUM_IRQS] = { { 0 } };
    irqs[PL330_IRQ_ABORT] = (struct irq_line){ bv_irq_set, b, 32 + VIRT_SPI_DMA_ABORT };
    for (unsigned e = 0; e < VIRT_DMA_NUM_EVENTS; e++)
        irqs[PL330_IRQ_EVENT(e)] = (struct irq_line){ bv_irq_set, b, 32 + VIRT_SPI_DMA_EVENT + e };
    v->dma = pl330_new(&cfg, b->bus, d->no_iommu ? NULL : v->smmu, d->sid, irqs);
    if (!v->dma || bus_map_mmio(b->bus, "pl330", mk_pa(VIRT_DMA), PL330_SIZE, &pl330_mmio_ops, v->dma) < 0) {
        snprintf(err, errlen, "board: cannot create the PL330");
        return -1;
    }
    pl330_set_charge(v->dma, bv_charge, b);
    v->dma_dev = d;
    return 0;
}

/* The SMMU's shape. QEMU's virt window for the SMMU is 0x20000 bytes at VIRT_SMMU; the SRAM of
 * -M virt,sram=on sits in its upper half (VIRT_SRAM = VIRT_SMMU + 0x10000), so with the SRAM
 * the MMU-500 is configured with 8 context banks: NUMPAGE 8, a 64 KiB register region that ends
 * where the SRAM begins (MMU-500's NUMCB is a configuration choice; ID1 says what it is). */
static void board_smmu_config(const struct fl_options *o, struct smmu_config *cfg)
{
    smmu_default_config(cfg);
    if (o->sram) {
        cfg->num_cb = 8;
        cfg->numpagendxb = 2;
    }
}

int board_virtio_create(struct board *b, char *err, size_t errlen)
{
    const struct fl_options *o = b->o;
    if (!o->ndevices) return 0;
    struct board_virtio *v = calloc(1, sizeof *v);
    if (!v) { snprintf(err, errlen, "board: out of memory"); return -1; }
    b->virtio = v;
    v->b = b;
    if (o->iommu != FL_IOMMU_NONE) {
        struct smmu_config cfg;
        board_smmu_config(o, &cfg);
        v->smmu = smmu_new(b->bus, &cfg);
        if (!v->smmu || smmu_map(v->smmu, b->bus, mk_pa(VIRT_SMMU)) < 0) {
            snprintf(err, errlen, "board: cannot create the SMMU");
            return -1;
        }
        smmu_set_log(v->smmu, smmu_log, NULL);
        for (unsigned i = 0; i <= cfg.num_cb && i < 17; i++) {
            v->smmu_irq[i] = (struct irq_line){ bv_irq_set, b, 32 + VIRT_SPI_SMMU + i };
            smmu_set_irq(v->smmu, i, smmu_line, &v->smmu_irq[i]);
        }
    }
    for (unsigned k = 0; k < o->ndevices; k++) {
        const struct fl_device *d = &o->devices[k];
        if (d->kind == FL_DEV_PL330) {
            if (create_pl330(b, v, d, err, errlen) < 0) return -1;
            continue;
        }
        unsigned n = v->nt;                /* transport index: -device order without the pl330 */
        const struct virtio_device_ops *ops;
        void *dev;
        if (d->kind == FL_DEV_VIRTIO_BLK) {
            const struct fl_drive *dr = &o->drives[d->drive];
            char e2[FL_ERRLEN];
            v->blk[n] = virtio_blk_new(dr->file, dr->id, dr->readonly, dr->snapshot, e2, sizeof e2);
            if (!v->blk[n]) { snprintf(err, errlen, "-drive id=%s: %s", dr->id, e2); return -1; }
            ops = &virtio_blk_ops;
            dev = v->blk[n];
        } else {
            v->rng[n] = virtio_rng_new(o->seed);
            ops = &virtio_rng_ops;
            dev = v->rng[n];
        }
        struct irq_line irq = { bv_irq_set, b, 32 + VIRT_SPI_VIRTIO + n };
        v->t[n] = virtio_mmio_new(ops, dev, b->bus, v->smmu, n, irq);
        if (!v->t[n] || !dev) { snprintf(err, errlen, "board: out of memory"); return -1; }
        v->t[n]->charge = bv_charge;
        v->t[n]->charge_opaque = b;
        bus_map_mmio(b->bus, "virtio-mmio", mk_pa(VIRT_VIRTIO_MMIO + n * VIRTIO_MMIO_SIZE), VIRTIO_MMIO_SIZE,
                     &virtio_mmio_ops, v->t[n]);
        v->nt = n + 1;
    }
    return 0;
}

void board_virtio_reset(struct board *b)
{
    struct board_virtio *v = b->virtio;
    if (!v) return;
    if (v->smmu) smmu_reset(v->smmu);
    for (unsigned n = 0; n < v->nt; n++) virtio_mmio_reset(v->t[n]);
    if (v->dma) pl330_reset(v->dma);
}

void board_virtio_fdt(const struct board *b, struct virt_fdt_config *fc)
{
    const struct board_virtio *v = b->virtio;
    if (!v) return;
    fc->nvirtio = v->nt;
    if (v->smmu) {
        struct smmu_config cfg;
        board_smmu_config(b->o, &cfg);
        fc->has_smmu = true;
        fc->smmu_size = smmu_region_size(v->smmu);
        fc->smmu_ncb = cfg.num_cb;
    }
    if (v->dma) {
        fc->has_pl330 = true;
        fc->pl330_iommu = v->smmu && !v->dma_dev->no_iommu;
        fc->pl330_sid = v->dma_dev->sid;
    }
}

struct smmu *board_virtio_smmu(const struct board *b, uint64_t *base, unsigned *irq_global, unsigned *irq_context)
{
    const struct board_virtio *v = b->virtio;
    if (!v || !v->smmu) return NULL;
    *base = VIRT_SMMU;
    *irq_global = 32 + VIRT_SPI_SMMU;
    *irq_context = 32 + VIRT_SPI_SMMU + 1;
    return v->smmu;
}

/* Seed 004 (docs/hv.md "DMA outside the domain"): under -hv xen every DMA master with no SMMU
 * in front of it belongs to dom0, a direct-mapped domain; its dma_port's watch asks the
 * hypervisor whether each transfer stays in dom0's memory (hv_dma_unprotected). */
static bool bv_dma_watch(void *opaque, pa_t pa, uint64_t len, bool write)
{
    struct bv_watch *w = opaque;
    return hv_dma_unprotected(w->hv, w->name, pa, len, write);
}
static void watch_port(struct bv_watch *w, struct hv *hv, struct dma_port *p, const char *name)
{
    if (p->smmu) return;
    w->hv = hv;
    snprintf(w->name, sizeof w->name, "%s", name);
    dma_port_set_watch(p, bv_dma_watch, w);
}
void board_virtio_watch_dma(struct board *b, struct hv *hv)
{
    struct board_virtio *v = b->virtio;
    if (!v || !hv) return;
    for (unsigned n = 0; n < v->nt; n++) {
        char nm[32];
        snprintf(nm, sizeof nm, "virtio_mmio@%llx", (unsigned long long)(VIRT_VIRTIO_MMIO + n * VIRTIO_MMIO_SIZE));
        watch_port(&v->watch[n], hv, &v->t[n]->dma, nm);
    }
    if (v->dma) {
        char nm[32];
        snprintf(nm, sizeof nm, "dma-controller@%llx", (unsigned long long)VIRT_DMA);
        watch_port(&v->watch[FL_MAX_DEVICES], hv, pl330_dma_port(v->dma), nm);
    }
}

bool board_dma_master(const struct board *b, uint32_t sid, struct smmu **smmu)
{
    const struct board_virtio *v = b->virtio;
    *smmu = NULL;
    if (!v) return false;
    if (v->dma && v->dma_dev->sid == sid) {              /* -device pl330[,sid=N][,iommu=off] */
        *smmu = v->dma_dev->no_iommu ? NULL : v->smmu;
        return true;
    }
    if (sid < v->nt) { *smmu = v->smmu; return true; }   /* transport n: stream ID n */
    return false;
}

void board_virtio_free(struct board *b)
{
    struct board_virtio *v = b->virtio;
    if (!v) return;
    for (unsigned n = 0; n < FL_MAX_DEVICES; n++) {
        if (v->t[n]) virtio_mmio_free(v->t[n]);
        if (v->blk[n]) virtio_blk_free(v->blk[n]);
        if (v->rng[n]) virtio_rng_free(v->rng[n]);
    }
    pl330_free(v->dma);
    if (v->smmu) smmu_free(v->smmu);
    free(v);
    b->virtio = NULL;
}
