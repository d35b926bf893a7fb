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

int bus_read_buf(struct bus *b, pa_t pa, void *buf, size_t len)
{
    uint8_t *out = buf;
    while (len) {
        const struct bus_region *r = bus_find(b, pa);
        if (!r) return BUS_DECODE_ERROR;
        uint64_t off = pa.v - r->base, chunk = r->size - off;
        if (chunk > len) chunk = len;
        if (r->ram) memcpy(out, r->ram + off, chunk);
        else {
            for (uint64_t i = 0; i < chunk; i++) {
                uint64_t v;
                int s = bus_read(b, mk_pa(pa.v + i), 1, &v);
                if (s) return s;
                out[i] = (uint8_t)v;
            }
        }
        out += chunk; pa.v += chunk; len -= chunk;
    }
    return BUS_OK;
}

int bus_write_buf(struct bus *b, pa_t pa, const void *buf, size_t len)
{
    const uint8_t *in = buf;
    while (len) {
        const struct bus_region *r = bus_find(b, pa);
        if (!r) return BUS_DECODE_ERROR;
        uint64_t off = pa.v - r->base, chunk = r->size - off;
        if (chunk > len) chunk = len;
        if (r->ram) {
            if (r->readonly) return BUS_SLAVE_ERROR;
            memcpy(r->ram + off, in, chunk);
            bus_notify_ram_write(b, pa, chunk);
        } else {
            for (uint64_t i = 0; i < chunk; i++) {
                int s = bus_write(b, mk_pa(pa.v + i), 1, in[i]);
                if (s) return s;
            }
        }
        in += chunk; pa.v += chunk; len -= chunk;
    }
    return BUS_OK;
}

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
