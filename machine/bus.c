/* machine/bus.c — the physical bus: a sorted list of RAM and MMIO regions.
 * An access to no region is BUS_DECODE_ERROR, which the requester turns into an external abort
 * (a guest error, never a crash). */
#include <stdlib.h>
#include <string.h>
#include "machine/machine.h"

#define BUS_MAX_REGIONS 64

struct bus {
    struct bus_region r[BUS_MAX_REGIONS];
    size_t n;
    const struct bus_region *last;          /* one-entry lookup cache */
    void (*write_hook)(void *opaque, pa_t pa, uint64_t len);
    void *write_hook_opaque;
    uint8_t *owned[BUS_MAX_REGIONS];
    size_t nowned;
};

struct bus *bus_new(void) { return calloc(1, sizeof(struct bus)); }

void bus_free(struct bus *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->nowned; i++) free(b->owned[i]);
    free(b);
}

static int bus_insert(struct bus *b, const struct bus_region *nr)
{
    if (b->n == BUS_MAX_REGIONS || nr->size == 0 || nr->base + nr->size < nr->base) return -1;
    for (size_t i = 0; i < b->n; i++)
        if (nr->base < b->r[i].base + b->r[i].size && b->r[i].base < nr->base + nr->size)
            return -1;                                   /* overlap */
    size_t i = b->n;
    while (i > 0 && b->r[i - 1].base > nr->base) { b->r[i] = b->r[i - 1]; i--; }
    b->r[i] = *nr;
    b->n++;
    b->last = NULL;
    return 0;
}

uint8_t *bus_map_ram(struct bus *b, const char *name, pa_t base, uint64_t size, uint8_t *host)
{
    if (!host) {
        host = calloc(1, size);
        if (!host) return NULL;
        b->owned[b->nowned++] = host;
    }
    struct bus_region r = { .name = name, .base = base.v, .size = size, .ram = host };
    return bus_insert(b, &r) ? NULL : host;
}

int bus_map_mmio(struct bus *b, const char *name, pa_t base, uint64_t size,
                 const struct mmio_ops *ops, void *opaque)
{
    struct bus_region r = { .name = name, .base = base.v, .size = size, .ops = ops, .opaque = opaque };
    return bus_insert(b, &r);
}

const struct bus_region *bus_find(const struct bus *b, pa_t pa)
{
    const struct bus_region *l = b->last;
    if (l && pa.v - l->base < l->size) return l;
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct bus_region *r = &b->r[mid];
        if (pa.v < r->base) hi = mid;
        else if (pa.v - r->base >= r->size) lo = mid + 1;
        else { ((struct bus *)b)->last = r; return r; }
    }
    return NULL;
}

uint8_t *bus_ram_ptr(const struct bus *b, pa_t pa, uint64_t len)
{
    const struct bus_region *r = bus_find(b, pa);
    if (!r || !r->ram) return NULL;
    uint64_t off = pa.v - r->base;
    if (len > r->size - off) return NULL;
    return r->ram + off;
}

static uint64_t ld_le(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

int bus_read(struct bus *b, pa_t pa, unsigned size, uint64_t *val)
{
    const struct bus_region *r = bus_find(b, pa);
    if (!r) { *val = 0; return BUS_DECODE_ERROR; }
    uint64_t off = pa.v - r->base;
    if (size > r->size - off) { *val = 0; return BUS_DECODE_ERROR; }
    if (r->ram) { *val = ld_le(r->ram + off, size); return BUS_OK; }
    *val = 0;
    return r->ops->read ? r->ops->read(r->opaque, off, size, val) : BUS_SLAVE_ERROR;
}

int bus_write(struct bus *b, pa_t pa, unsigned size, uint64_t val)
{
    const struct bus_region *r = bus_find(b, pa);
    if (!r) return BUS_DECODE_ERROR;
    uint64_t off = pa.v - r->base;
    if (size > r->size - off) return BUS_DECODE_ERROR;
    if (r->ram) {
        if (r->readonly) return BUS_SLAVE_ERROR;
        memcpy(r->ram + off, &val, size);
        bus_notify_ram_write(b, pa, size);
        return BUS_OK;
    }
    return r->ops->write ? r->ops->write(r->opaque, off, size, val) : BUS_SLAVE_ERROR;
}

/* The size of the next beat to an MMIO region at address a with n bytes left: the largest
 * power of two <= beat (0: 8) that a is aligned to and that n holds — an AXI master's narrow
 * first/last transfers of an unaligned or short burst, each a bus access of its own. */
static unsigned beat_size(uint64_t a, uint64_t n, unsigned beat)
{
    unsigned s = beat && beat < 8 ? beat : 8;
    while (s > 1 && ((a & (s - 1)) || s > n)) s >>= 1;
    return s;
}

/* One MMIO region's share of a transfer, as beats: incrementing — pa, pa+size, ...; fixed —
 * every beat of `beat` bytes at pa (itself split as above if pa is not aligned to it). */
static int mmio_beats(struct bus *b, pa_t pa, uint8_t *rbuf, const uint8_t *wbuf, uint64_t len,
                      unsigned beat, bool fixed)
{
    uint64_t done = 0, window = fixed && beat ? beat : len, w = 0;
    while (done < len) {
        uint64_t a = pa.v + w;
        unsigned s = beat_size(a, (window - w < len - done ? window - w : len - done), beat);
        int st;
        if (rbuf) {
            uint64_t v;
            st = bus_read(b, mk_pa(a), s, &v);
            if (st) return st;
            memcpy(rbuf + done, &v, s);
        } else {
            uint64_t v = 0;
            memcpy(&v, wbuf + done, s);
            st = bus_write(b, mk_pa(a), s, v);
            if (st) return st;
        }
        done += s;
        w += s;
        if (w == window) w = 0;            /* fixed: the next beat starts at pa again */
    }
    return BUS_OK;
}

static int bus_xfer(struct bus *b, pa_t pa, uint8_t *rbuf, const uint8_t *wbuf, size_t len, unsigned beat,
                    bool fixed)
{
    if (beat > 8) beat = 8;
    if (fixed && !beat) fixed = false;                  /* no beat size: nothing to repeat */
    while (len) {
        const struct bus_region *r = bus_find(b, pa);
        if (!r) return BUS_DECODE_ERROR;
        uint64_t off = pa.v - r->base, chunk = r->size - off;
        if (fixed) {
            /* every beat at pa: the region must hold one beat; a beat running off its end
             * is the bus error an access past the region is */
            if (beat > chunk) return BUS_DECODE_ERROR;
            chunk = len;
        } else if (chunk > len) chunk = len;
        if (r->ram) {
            if (wbuf && r->readonly) return BUS_SLAVE_ERROR;
            if (!fixed) {
                if (rbuf) memcpy(rbuf, r->ram + off, chunk);
                else memcpy(r->ram + off, wbuf, chunk);
            } else {
                /* each beat replaces the last (write) or reads the same bytes again (read) */
                for (uint64_t i = 0; i < chunk; i += beat) {
                    uint64_t n = chunk - i < beat ? chunk - i : beat;
                    if (rbuf) memcpy(rbuf + i, r->ram + off, n);
                    else memcpy(r->ram + off, wbuf + i, n);
                }
            }
            if (wbuf) bus_notify_ram_write(b, pa, fixed ? beat : chunk);
        } else {
            int s = mmio_beats(b, pa, rbuf, wbuf, chunk, beat, fixed);
            if (s) return s;
        }
        if (rbuf) rbuf += chunk; else wbuf += chunk;
        if (!fixed) pa.v += chunk;
        len -= chunk;
    }
    return BUS_OK;
}

int bus_read_beats(struct bus *b, pa_t pa, void *buf, size_t len, unsigned beat, bool fixed)
{
    return bus_xfer(b, pa, buf, NULL, len, beat, fixed);
}

int bus_write_beats(struct bus *b, pa_t pa, const void *buf, size_t len, unsigned beat, bool fixed)
{
    return bus_xfer(b, pa, NULL, buf, len, beat, fixed);
}

int bus_read_buf(struct bus *b, pa_t pa, void *buf, size_t len) { return bus_xfer(b, pa, buf, NULL, len, 0, false); }

int bus_write_buf(struct bus *b, pa_t pa, const void *buf, size_t len) { return bus_xfer(b, pa, NULL, buf, len, 0, false); }

void bus_set_ram_write_hook(struct bus *b, void (*hook)(void *, pa_t, uint64_t), void *opaque)
{
    b->write_hook = hook;
    b->write_hook_opaque = opaque;
}

void bus_notify_ram_write(struct bus *b, pa_t pa, uint64_t len)
{
    if (b->write_hook) b->write_hook(b->write_hook_opaque, pa, len);
}

size_t bus_region_count(const struct bus *b) { return b->n; }
const struct bus_region *bus_region_at(const struct bus *b, size_t i) { return i < b->n ? &b->r[i] : NULL; }
