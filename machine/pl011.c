/* machine/pl011.c — ARM PrimeCell UART (PL011), as on QEMU's virt board (ARM DDI 0183).
 *
 * Transmit is immediate: a byte written to UARTDR goes straight to the host chardev, so the TX
 * FIFO is always empty: FR.TXFE = 1, FR.TXFF = 0 and the transmit interrupt (TXRIS, "TX FIFO at
 * or below its trigger level") is permanently raised; it reaches the interrupt line whenever the
 * driver unmasks it (IMSC.TXIM), which is what Linux's amba-pl011 driver expects: it unmasks TXIM
 * only while it has characters queued.
 *
 * Receive: a 16-entry FIFO (LCR_H.FEN = 1) or a 1-byte holding register (FEN = 0). RXRIS is set
 * when the FIFO fill reaches the IFLS.RXIFLSEL trigger level; the receive timeout (RTRIS, data in
 * the FIFO below the trigger level and no new character for 32 bit periods) is raised as soon as
 * a burst ends, because host input arrives in bursts at block boundaries. Both are cleared by
 * UARTICR or by draining the FIFO below the trigger level / to empty, as in the TRM. No line
 * errors are ever produced (RSR reads 0). DMA (UARTDMACR) is stored but does nothing.
 *
 * Accesses: 8/16/32-bit at a register's word-aligned offset (Linux uses 16-bit accessors for
 * "arm,pl011", earlycon 8- or 32-bit). Other sizes and reserved offsets are guest errors and
 * answered with a slave error. */
#include <stdlib.h>
#include <string.h>
#include "machine/machine.h"

enum {
    UARTDR = 0x000, UARTRSR = 0x004, UARTFR = 0x018, UARTILPR = 0x020, UARTIBRD = 0x024,
    UARTFBRD = 0x028, UARTLCR_H = 0x02c, UARTCR = 0x030, UARTIFLS = 0x034, UARTIMSC = 0x038,
    UARTRIS = 0x03c, UARTMIS = 0x040, UARTICR = 0x044, UARTDMACR = 0x048,
    UARTPeriphID0 = 0xfe0, UARTPCellID0 = 0xff0,
};
/* UARTFR bits */
#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)
/* interrupt bits (RIS/MIS/IMSC/ICR) */
#define INT_RX  (1u << 4)
#define INT_TX  (1u << 5)
#define INT_RT  (1u << 6)
#define INT_ALL 0x7ffu
#define LCR_H_FEN (1u << 4)
#define RX_FIFO_DEPTH 16

struct pl011 {
    struct chardev *chr;
    struct irq_line irq;
    bool irq_level;
    uint8_t rx_fifo[RX_FIFO_DEPTH];
    unsigned rx_head, rx_count;
    uint32_t rsr, ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris_latched, dmacr;
};

static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static unsigned rx_depth(const struct pl011 *s) { return (s->lcr_h & LCR_H_FEN) ? RX_FIFO_DEPTH : 1; }

/* IFLS.RXIFLSEL: 0 = 1/8, 1 = 1/4, 2 = 1/2, 3 = 3/4, 4 = 7/8 full (TRM 3.3.10). */
static unsigned rx_trigger(const struct pl011 *s)
{
    if (!(s->lcr_h & LCR_H_FEN)) return 1;
    static const unsigned lvl[8] = { 2, 4, 8, 12, 14, 14, 14, 14 };
    return lvl[(s->ifls >> 3) & 7];
}

static uint32_t pl011_ris(const struct pl011 *s) { return s->ris_latched | INT_TX; }

static void pl011_update(struct pl011 *s)
{
    bool level = (pl011_ris(s) & s->imsc) != 0;
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_line_set(&s->irq, level);
    }
}

bool pl011_irq_level(const struct pl011 *s) { return s->irq_level; }

size_t pl011_can_receive(void *opaque)
{
    struct pl011 *s = opaque;
    return rx_depth(s) - s->rx_count;
}

void pl011_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct pl011 *s = opaque;
    for (size_t i = 0; i < len; i++) {
        if (s->rx_count >= rx_depth(s)) {   /* overrun: the character is lost (RSR.OE) */
            s->rsr |= 1u << 3;
            s->ris_latched |= 1u << 10;     /* OERIS */
            continue;
        }
        s->rx_fifo[(s->rx_head + s->rx_count) % RX_FIFO_DEPTH] = buf[i];
        s->rx_count++;
    }
    if (s->rx_count >= rx_trigger(s)) s->ris_latched |= INT_RX;
    else if (s->rx_count) s->ris_latched |= INT_RT;
    pl011_update(s);
}

static uint32_t pl011_read_dr(struct pl011 *s)
{
    if (!s->rx_count) return 0;
    uint32_t v = s->rx_fifo[s->rx_head];
    s->rx_head = (s->rx_head + 1) % RX_FIFO_DEPTH;
    s->rx_count--;
    if (s->rx_count < rx_trigger(s)) s->ris_latched &= ~INT_RX;
    if (!s->rx_count) s->ris_latched &= ~INT_RT;
    pl011_update(s);
    return v;
}

static int pl011_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct pl011 *s = opaque;
    uint32_t v;
    if (size > 4 || (off & 3)) {
        mlog_guest_error("pl011: bad read size %u at offset 0x%llx", size, (unsigned long long)off);
        *val = 0;
        return BUS_SLAVE_ERROR;
    }
    switch (off) {
    case UARTDR:    v = pl011_read_dr(s); break;
    case UARTRSR:   v = s->rsr; break;
    case UARTFR:
        v = FR_TXFE;
        if (!s->rx_count) v |= FR_RXFE;
        if (s->rx_count >= rx_depth(s)) v |= FR_RXFF;
        break;
    case UARTILPR:  v = s->ilpr; break;
    case UARTIBRD:  v = s->ibrd; break;
    case UARTFBRD:  v = s->fbrd; break;
    case UARTLCR_H: v = s->lcr_h; break;
    case UARTCR:    v = s->cr; break;
    case UARTIFLS:  v = s->ifls; break;
    case UARTIMSC:  v = s->imsc; break;
    case UARTRIS:   v = pl011_ris(s); break;
    case UARTMIS:   v = pl011_ris(s) & s->imsc; break;
    case UARTDMACR: v = s->dmacr; break;
    default:
        if (off >= UARTPeriphID0 && off < UARTPeriphID0 + 0x20) {
            v = pl011_id[(off - UARTPeriphID0) >> 2];
            break;
        }
        mlog_guest_error("pl011: read of reserved/write-only offset 0x%llx", (unsigned long long)off);
        *val = 0;
        return BUS_SLAVE_ERROR;
    }
    *val = size == 4 ? v : (v & ((1u << (8 * size)) - 1));
    return BUS_OK;
}

static int pl011_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct pl011 *s = opaque;
    uint32_t v = (uint32_t)val;
    if (size > 4 || (off & 3)) {
        mlog_guest_error("pl011: bad write size %u at offset 0x%llx", size, (unsigned long long)off);
        return BUS_SLAVE_ERROR;
    }
    switch (off) {
    case UARTDR: {
        uint8_t ch = (uint8_t)v;
        if (s->chr) chardev_write(s->chr, &ch, 1);
        break;                          /* TXRIS stays set: the FIFO drained at once */
    }
    case UARTRSR:   s->rsr = 0; s->ris_latched &= ~(0xfu << 7); break;  /* ECR: clear errors */
    case UARTILPR:  s->ilpr = v & 0xff; break;
    case UARTIBRD:  s->ibrd = v & 0xffff; break;
    case UARTFBRD:  s->fbrd = v & 0x3f; break;
    case UARTLCR_H:
        if ((s->lcr_h ^ v) & LCR_H_FEN) {   /* FIFO mode change flushes the receive side */
            s->rx_head = s->rx_count = 0;
            s->ris_latched &= ~(INT_RX | INT_RT);
        }
        s->lcr_h = v & 0xff;
        break;
    case UARTCR:    s->cr = v & 0xff87; break;
    case UARTIFLS:  s->ifls = v & 0x3f; break;
    case UARTIMSC:  s->imsc = v & INT_ALL; break;
    case UARTICR:   s->ris_latched &= ~(v & INT_ALL); break;
    case UARTDMACR:
        s->dmacr = v & 7;
        if (v & 3) mlog_guest_error("pl011: DMA requested (DMACR=0x%x): not implemented", v);
        break;
    default:
        mlog_guest_error("pl011: write to reserved/read-only offset 0x%llx", (unsigned long long)off);
        return BUS_SLAVE_ERROR;
    }
    pl011_update(s);
    return BUS_OK;
}

const struct mmio_ops pl011_mmio_ops = { "pl011", pl011_read, pl011_write };

void pl011_reset(struct pl011 *s)
{
    s->rx_head = s->rx_count = 0;
    s->rsr = s->ilpr = s->ibrd = s->fbrd = s->lcr_h = s->imsc = s->ris_latched = s->dmacr = 0;
    s->cr = 0x300;       /* TXE | RXE */
    s->ifls = 0x12;      /* both trigger levels at 1/2 */
    s->irq_level = false;
    irq_line_set(&s->irq, false);
    pl011_update(s);
}

struct pl011 *pl011_new(struct chardev *chr, struct irq_line irq)
{
    struct pl011 *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->chr = chr;
    s->irq = irq;
    if (chr) chardev_set_frontend(chr, pl011_can_receive, pl011_receive, s);
    pl011_reset(s);
    return s;
}

void pl011_free(struct pl011 *s) { free(s); }
