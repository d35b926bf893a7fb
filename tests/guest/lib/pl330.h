/* tests/guest/lib/pl330.h — programming the DMA-330 (PL330) of faultline's -device pl330 at
 * 0x09070000 (docs/dma.md), shared by the guests that drive it (pl330_dma, protected, dma_touch):
 * register offsets (Arm DDI 0424D, TRM r1p2, chapter 3), a microcode assembler for the few
 * instructions they use (chapter 4 encodings) and DMAGO / DMAKILL through the debug interface
 * (DBGINST0/1, DBGCMD). One program buffer at a time: pl330_asm_begin(buf) then the dma*()
 * emitters append to it; pl330_pc is the offset of the next instruction. Interrupts: irq_abort
 * on SPI 96, irq[n] on SPI 97 + n; pl330_irqs_on installs an IRQ handler that records them in
 * pl330_irq. */
#ifndef GUEST_PL330_H
#define GUEST_PL330_H
#include "rt.h"
#include "gic.h"

#define PL330_BASE        0x09070000ull
#define PL330_SPI_ABORT   96
#define PL330_SPI_EVENT   97
#define PL330_INTID_ABORT (32 + PL330_SPI_ABORT)
#define PL330_INTID_EV(n) (32 + PL330_SPI_EVENT + (n))

enum { PL330_DSR = 0x000, PL330_INTEN = 0x020, PL330_INT_EVENT_RIS = 0x024, PL330_INTMIS = 0x028,
       PL330_INTCLR = 0x02c, PL330_FSRD = 0x030, PL330_FSRC = 0x034, PL330_DBGSTATUS = 0xd00,
       PL330_DBGCMD = 0xd04, PL330_DBGINST0 = 0xd08, PL330_DBGINST1 = 0xd0c, PL330_CR0 = 0xe00,
       PL330_CRD = 0xe14 };
#define PL330_FTR(n) (0x040 + 4 * (n))
#define PL330_CSR(n) (0x100 + 8 * (n))
#define PL330_CPC(n) (0x104 + 8 * (n))
#define PL330_SAR(n) (0x400 + 0x20 * (n))
#define PL330_DAR(n) (0x404 + 0x20 * (n))
#define PL330_FT_DATA_WRITE_ERR (1u << 17)
#define PL330_FT_DATA_READ_ERR  (1u << 18)

static inline uint32_t pl330_rd(unsigned off) { return mmio_read32(PL330_BASE + off); }
static inline void pl330_wr(unsigned off, uint32_t v) { mmio_write32(PL330_BASE + off, v); }

/* ---- microcode assembler ---- */
static uint8_t *pl330_cur;
static unsigned pl330_pc;
static inline void pl330_asm_begin(uint8_t *buf) { pl330_cur = buf; pl330_pc = 0; }
static inline void pl330_b1(uint8_t v) { pl330_cur[pl330_pc++] = v; }
static inline void pl330_b32(uint32_t v) { for (int i = 0; i < 4; i++) pl330_b1((uint8_t)(v >> (8 * i))); }
enum { PL330_SAR_REG = 0, PL330_CCR_REG = 1, PL330_DAR_REG = 2 };
static inline void dmamov(unsigned rd, uint32_t v) { pl330_b1(0xbc); pl330_b1((uint8_t)rd); pl330_b32(v); }
static inline void dmald(void) { pl330_b1(0x04); }
static inline void dmast(void) { pl330_b1(0x08); }
/* DMALP lc, n: returns the loop body's start for dmalpend. */
static inline unsigned dmalp(unsigned lc, unsigned n) { pl330_b1((uint8_t)(0x20 | lc << 1)); pl330_b1((uint8_t)(n - 1)); return pl330_pc; }
static inline void dmalpend(unsigned lc, unsigned start)
{
    unsigned here = pl330_pc;
    pl330_b1((uint8_t)(0x38 | lc << 2));
    pl330_b1((uint8_t)(here - start));
}
static inline void dmasev(unsigned e) { pl330_b1(0x34); pl330_b1((uint8_t)(e << 3)); }
static inline void dmaend(void) { pl330_b1(0x00); }
/* CCR (TRM 3.3.15): increment flags, burst sizes as log2 bytes, lengths in beats, prot 0b010
 * (Non-secure) on both sides. */
static inline uint32_t pl330_ccr(int sinc, unsigned ssz, unsigned slen, int dinc, unsigned dsz, unsigned dlen)
{
    return (uint32_t)sinc | ssz << 1 | (slen - 1) << 4 | 2u << 8 | (uint32_t)dinc << 14 | dsz << 15 |
           (dlen - 1) << 18 | 2u << 22;
}
/* A memory → memory copy of n bytes (a multiple of 128): bursts of 16 × 8 bytes, then DMASEV ev. */
static inline void pl330_asm_copy(uint32_t src, uint32_t dst, unsigned n, unsigned ev)
{
    dmamov(PL330_SAR_REG, src);
    dmamov(PL330_DAR_REG, dst);
    dmamov(PL330_CCR_REG, pl330_ccr(1, 3, 16, 1, 3, 16));
    unsigned l = dmalp(0, n / 128);
    dmald(); dmast();
    dmalpend(0, l);
    dmasev(ev);
    dmaend();
}

/* DMAGO channel ch at prog (Secure, manager thread), through the debug interface. */
static inline void pl330_start(unsigned ch, const void *prog)
{
    while (pl330_rd(PL330_DBGSTATUS) & 1) { }
    pl330_wr(PL330_DBGINST0, (uint32_t)ch << 24 | 0xa0u << 16);
    pl330_wr(PL330_DBGINST1, (uint32_t)(uint64_t)prog);
    pl330_wr(PL330_DBGCMD, 0);
}
/* DMAKILL of channel thread ch (it leaves Faulting; irq_abort drops with the fault). */
static inline void pl330_kill(unsigned ch)
{
    pl330_wr(PL330_DBGINST0, 0x01u << 16 | ch << 8 | 1);
    pl330_wr(PL330_DBGCMD, 0);
}

/* ---- interrupts ---- */
/* What pl330_on_irq saw. At irq_abort it reads FSRC, FTR0, CPC0 and CSR0, kills channel 0
 * (irq_abort drops with the fault) and reads FSRC and CSR0 again. */
struct pl330_irq_log {
    unsigned ev_seen;                   /* bit n: irq[n] came (the handler clears it with INTCLR) */
    unsigned aborts;                    /* irq_abort taken */
    unsigned other;                     /* any other interrupt */
    uint32_t fsrc, ftr0, cpc0, csr0;    /* at irq_abort */
    uint32_t fsrc_after, csr0_after;    /* after the DMAKILL */
};
static volatile struct pl330_irq_log pl330_irq __attribute__((unused));

static inline int pl330_on_irq(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_IRQ) return 0;
    unsigned iar = gic_ack(), id = iar & 0x3ff;
    if (id == GIC_SPURIOUS) return 1;
    if (id >= PL330_INTID_EV(0) && id < PL330_INTID_EV(8)) {
        unsigned e = id - PL330_INTID_EV(0);
        pl330_irq.ev_seen |= 1u << e;
        pl330_wr(PL330_INTCLR, 1u << e);                             /* the level line drops */
    } else if (id == PL330_INTID_ABORT) {
        pl330_irq.aborts++;
        pl330_irq.fsrc = pl330_rd(PL330_FSRC); pl330_irq.ftr0 = pl330_rd(PL330_FTR(0));
        pl330_irq.cpc0 = pl330_rd(PL330_CPC(0)); pl330_irq.csr0 = pl330_rd(PL330_CSR(0));
        pl330_kill(0);
        pl330_irq.fsrc_after = pl330_rd(PL330_FSRC); pl330_irq.csr0_after = pl330_rd(PL330_CSR(0));
    } else {
        pl330_irq.other++;
    }
    gic_eoi(iar);
    return 1;
}
/* pl330_on_irq as the IRQ handler; the GIC with irq_abort and irq[0 .. nev-1] enabled; IRQs
 * unmasked. (Which events raise irq[n] is still the guest's INTEN.) */
static inline void pl330_irqs_on(unsigned nev)
{
    rt_set_handler(pl330_on_irq);
    gic_init(1);
    gic_enable(PL330_INTID_ABORT, 0x80);
    for (unsigned e = 0; e < nev; e++) gic_enable(PL330_INTID_EV(e), 0x80);
    __asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory");
}

#endif
