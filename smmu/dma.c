/* smmu/dma.c — the DMA API device models call: translate each 4KB IOVA page through the
 * SMMU (if the master has one) and move the bytes with bus_read_beats/bus_write_beats (which
 * tell the RAM write hook, so decoded code in a DMA-written page is dropped, and reach MMIO in
 * the master's beats). A fault ends the transfer at the faulting page, as an AXI master would
 * see an error response for that burst; the bytes before it have been transferred. A
 * fixed-address transfer (AXI FIXED burst) stays on one page: translated once, every beat there. */
#include <string.h>
#include "machine/machine.h"
#include "smmu/smmu_internal.h"

void dma_port_init(struct dma_port *p, struct bus *bus, struct smmu *smmu, uint32_t sid)
{
    memset(p, 0, sizeof *p);
    p->bus = bus;
    p->smmu = smmu;
    p->sid = sid;
}

void dma_port_set_watch(struct dma_port *p, dma_watch_fn fn, void *opaque)
{
    p->watch = fn;
    p->watch_opaque = opaque;
}

/* move = false: translate only (dma_translate) — the same pages, the same SMMU lookups and
 * fault recording, no bytes moved; a translated page with nothing on the bus is the bus error
 * the transfer would have met. */
static int dma_xfer(struct dma_port *p, uint64_t iova, uint8_t *rbuf, const uint8_t *wbuf, size_t len,
                    unsigned attrs, bool write, bool move, pa_t *first_pa, unsigned beat, bool fixed)
{
    size_t done = 0;
    if (beat > 8) beat = 8;
    if (!beat) fixed = false;
    /* A fixed-address beat that straddles a page (an unaligned address; the AXI spec forbids a
     * burst crossing 4 KB) is translated per beat: each beat a transfer of its own. */
    if (fixed && (iova & (PAGE_SIZE - 1)) + beat > PAGE_SIZE) {
        bool outside = false;
        struct smmu_fault first = { 0 };
        uint64_t first_iova = 0;
        size_t first_done = 0;
        for (size_t i = 0; i < len; i += beat) {
            size_t n = len - i < beat ? len - i : beat;
            int st = dma_xfer(p, iova, rbuf ? rbuf + i : NULL, wbuf ? wbuf + i : NULL, n, attrs, write, move,
                              i ? NULL : first_pa, beat, false);
            outside |= p->outside;
            p->outside = outside;
            if (st != DMA_OK) { p->done += i; return st; }
            if (p->fault.outcome && !first.outcome) { first = p->fault; first_iova = p->fault_iova; first_done = i; }
        }
        p->fault = first;                       /* the first RAZ/WI fault, as for one transfer */
        p->fault_iova = first_iova;
        p->done = first_done;
        return DMA_OK;
    }
    /* the bytes on the bus: the whole range, or one beat's window at iova when fixed */
    size_t span = fixed && len > beat ? beat : len;
    memset(&p->fault, 0, sizeof p->fault);
    p->fault_iova = 0;
    p->done = 0;
    p->outside = false;
    /* No SMMU: the IOVA is the PA and the range is contiguous — one look at it, then the bytes
     * move regardless (there is no protection: that is what the watch reports). A dry run
     * (dma_translate) moves nothing and is not watched. */
    if (!p->smmu && p->watch && len && move) p->outside = !p->watch(p->watch_opaque, mk_pa(iova), span, write);
    bool faulted = false;
    while (done < len) {
        uint64_t a = iova + done;
        size_t chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));
        if (chunk > len - done) chunk = len - done;
        if (fixed) { a = iova; chunk = len; }           /* every beat on iova's page */
        pa_t pa = mk_pa(a);                 /* no SMMU: the master emits PAs */
        if (first_pa && done == 0) *first_pa = mk_pa(0);
        if (p->smmu) {
            struct smmu_fault f;
            if (!smmu_translate(p->smmu, p->sid, a, write ? MMU_WRITE : MMU_READ, attrs, &pa, &f, NULL)) {
                /* The port describes the fault that ended the transfer (an abort), else
                 * the first fault answered RAZ/WI. */
                if (!faulted || f.abort) { p->fault = f; p->fault_iova = a; p->done = done; faulted = true; }
                if (f.abort) return DMA_SMMU_FAULT;
                /* Fault report disabled (CFRE/GFRE = 0): the transaction completes RAZ/WI. */
                if (!write && move) memset(rbuf + done, 0, chunk);
                done += chunk;
                continue;
            }
        }
        if (first_pa && done == 0) *first_pa = pa;
        int r = !move ? (bus_find(p->bus, pa) ? BUS_OK : BUS_DECODE_ERROR)
              : write ? bus_write_beats(p->bus, pa, wbuf + done, chunk, beat, fixed)
                      : bus_read_beats(p->bus, pa, rbuf + done, chunk, beat, fixed);
        if (r != BUS_OK) {
            p->fault_iova = a;
            p->done = done;
            return DMA_BUS_ERROR;
        }
        done += chunk;
    }
    return DMA_OK;
}

int dma_read(struct dma_port *p, uint64_t iova, void *buf, size_t len, unsigned attrs)
{
    return dma_xfer(p, iova, buf, NULL, len, attrs, false, true, NULL, 0, false);
}

int dma_write(struct dma_port *p, uint64_t iova, const void *buf, size_t len, unsigned attrs)
{
    return dma_xfer(p, iova, NULL, buf, len, attrs, true, true, NULL, 0, false);
}

int dma_read_beats(struct dma_port *p, uint64_t iova, void *buf, size_t len, unsigned attrs, unsigned beat,
                   bool fixed)
{
    return dma_xfer(p, iova, buf, NULL, len, attrs, false, true, NULL, beat, fixed);
}

int dma_write_beats(struct dma_port *p, uint64_t iova, const void *buf, size_t len, unsigned attrs,
                    unsigned beat, bool fixed)
{
    return dma_xfer(p, iova, NULL, buf, len, attrs, true, true, NULL, beat, fixed);
}

int dma_translate(struct dma_port *p, uint64_t iova, size_t len, bool write, unsigned attrs, pa_t *first_pa)
{
    return dma_xfer(p, iova, NULL, NULL, len, attrs, write, false, first_pa, 0, false);
}
