/* machine/pl031.c — ARM PrimeCell real-time clock (PL031, ARM DDI 0224), minimal and
 * deterministic: the counter is a fixed epoch plus the machine's virtual time (never the host
 * clock), so a run reads the same dates every time. The match interrupt is computed on access
 * only (no scheduled event yet): RIS is set once RTCDR >= RTCMR. */
#include <stdlib.h>
#include "machine/machine.h"

enum { RTCDR = 0x00, RTCMR = 0x04, RTCLR = 0x08, RTCCR = 0x0c, RTCIMSC = 0x10, RTCRIS = 0x14,
       RTCMIS = 0x18, RTCICR = 0x1c, RTCPeriphID0 = 0xfe0 };

static const uint8_t pl031_id[8] = { 0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

struct pl031 {
    uint64_t (*now_ns)(void *);
    void *now_opaque;
    struct irq_line irq;
    uint32_t epoch;          /* value of RTCDR at virtual time 0 (after load adjustment) */
    uint64_t base_ns;        /* virtual time when RTCLR was last written */
    uint32_t mr, imsc, ris;
    bool level;
};

static uint32_t pl031_count(struct pl031 *s)
{
    uint64_t ns = s->now_ns ? s->now_ns(s->now_opaque) : 0;
    return s->epoch + (uint32_t)((ns - s->base_ns) / 1000000000ull);
}

static void pl031_update(struct pl031 *s)
{
    if (pl031_count(s) >= s->mr && s->mr) s->ris |= 1;
    bool level = (s->ris & s->imsc) != 0;
    if (level != s->level) { s->level = level; irq_line_set(&s->irq, level); }
}

static int pl031_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct pl031 *s = opaque;
    if (size != 4 || (off & 3)) {
        mlog_guest_error("pl031: bad read size %u at offset 0x%llx", size, (unsigned long long)off);
        return BUS_SLAVE_ERROR;
    }
    pl031_update(s);
    switch (off) {
    case RTCDR: *val = pl031_count(s); break;
    case RTCMR: *val = s->mr; break;
    case RTCLR: *val = pl031_count(s); break;
    case RTCCR: *val = 1; break;           /* always enabled */
    case RTCIMSC: *val = s->imsc; break;
    case RTCRIS: *val = s->ris; break;
    case RTCMIS: *val = s->ris & s->imsc; break;
    default:
        if (off >= RTCPeriphID0 && off < RTCPeriphID0 + 0x20) { *val = pl031_id[(off - RTCPeriphID0) >> 2]; break; }
        mlog_guest_error("pl031: read of reserved offset 0x%llx", (unsigned long long)off);
        return BUS_SLAVE_ERROR;
    }
    return BUS_OK;
}

static int pl031_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct pl031 *s = opaque;
    if (size != 4 || (off & 3)) {
        mlog_guest_error("pl031: bad write size %u at offset 0x%llx", size, (unsigned long long)off);
        return BUS_SLAVE_ERROR;
    }
    switch (off) {
    case RTCMR: s->mr = (uint32_t)val; break;
    case RTCLR:
        s->epoch = (uint32_t)val;
        s->base_ns = s->now_ns ? s->now_ns(s->now_opaque) : 0;
        break;
    case RTCCR: break;                      /* writing 0 cannot stop the RTC (TRM 3.3.4) */
    case RTCIMSC: s->imsc = (uint32_t)val & 1; break;
    case RTCICR: s->ris &= ~((uint32_t)val & 1); break;
    default:
        mlog_guest_error("pl031: write to reserved/read-only offset 0x%llx", (unsigned long long)off);
        return BUS_SLAVE_ERROR;
    }
    pl031_update(s);
    return BUS_OK;
}

const struct mmio_ops pl031_mmio_ops = { "pl031", pl031_read, pl031_write };

struct pl031 *pl031_new(uint32_t epoch, uint64_t (*now_ns)(void *), void *now_opaque, struct irq_line irq)
{
    struct pl031 *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->epoch = epoch;
    s->now_ns = now_ns;
    s->now_opaque = now_opaque;
    s->irq = irq;
    return s;
}

void pl031_free(struct pl031 *s) { free(s); }
