/* hv/hv_mem.c — hypervisor-reserved memory: a page allocator over a range of machine RAM.
 *
 * Xen keeps its p2m tables in its own heap (domheap pages it never gives to a domain); here the
 * heap is a range of the board's RAM that the p2m refuses to map into any domain (p2m_map
 * returns -EPERM). Because the range is ordinary bus RAM, the stage-2 tables written here are
 * read by the CPU walker and the SMMU walker through the bus, byte for byte the same — and the
 * debugger can dump them (ARCHITECTURE.md decision 1).
 *
 * The allocator is a bitmap, one bit per 4KB page, with naturally aligned power-of-two blocks:
 * a concatenated stage-2 root of 2^n tables must be aligned to its total size (Arm ARM D8.2
 * "Concatenated translation tables for the initial lookup": VTTBR_EL2.BADDR is aligned to the
 * size of the concatenated tables). A p2m allocates at most a few hundred tables, so a linear
 * scan is enough and nothing here is on a hot path. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hv/hv.h"
#include "machine/machine.h"

struct hv_mem {
    struct bus *bus;
    uint64_t base, size, npages, nfree;
    uint8_t *host;               /* host pointer of [base, base+size): one RAM region */
    uint64_t *used;              /* bitmap, 1 = allocated */
};

struct hv_mem *hv_mem_new(struct bus *bus, pa_t base, uint64_t size)
{
    if (!bus || !size || (base.v | size) & (PAGE_SIZE - 1) || base.v + size < base.v) return NULL;
    uint8_t *host = bus_ram_ptr(bus, base, size);
    if (!host) return NULL;
    struct hv_mem *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->bus = bus;
    m->base = base.v;
    m->size = size;
    m->npages = m->nfree = size >> PAGE_SHIFT;
    m->host = host;
    m->used = calloc((m->npages + 63) / 64, sizeof(uint64_t));
    if (!m->used) { free(m); return NULL; }
    return m;
}

void hv_mem_free(struct hv_mem *m)
{
    if (!m) return;
    free(m->used);
    free(m);
}

static bool bit(const struct hv_mem *m, uint64_t i) { return (m->used[i / 64] >> (i % 64)) & 1; }
static void set_bits(struct hv_mem *m, uint64_t i, uint64_t n, bool v)
{
    for (uint64_t k = i; k < i + n; k++) {
        if (v) m->used[k / 64] |= 1ull << (k % 64);
        else m->used[k / 64] &= ~(1ull << (k % 64));
    }
}

int hv_mem_alloc(struct hv_mem *m, unsigned order, pa_t *out)
{
    if (order > 20) return -ENOMEM;
    uint64_t n = 1ull << order;
    if (n > m->nfree) return -ENOMEM;
    /* Natural alignment in physical addresses, not page indices: the base may be any page. */
    uint64_t align = n << PAGE_SHIFT;
    uint64_t first = ((m->base + align - 1) & ~(align - 1)) - m->base;
    for (uint64_t off = first; off + (n << PAGE_SHIFT) <= m->size; off += align) {
        uint64_t i = off >> PAGE_SHIFT, k;
        for (k = 0; k < n && !bit(m, i + k); k++) {}
        if (k < n) continue;
        set_bits(m, i, n, true);
        m->nfree -= n;
        memset(m->host + off, 0, n << PAGE_SHIFT);    /* a new table starts all-invalid */
        *out = mk_pa(m->base + off);
        return 0;
    }
    return -ENOMEM;
}

void hv_mem_release(struct hv_mem *m, pa_t pa, unsigned order)
{
    uint64_t n = 1ull << order;
    /* Freeing what was never allocated is a hypervisor bug, not guest behaviour. */
    if (pa.v < m->base || pa.v + (n << PAGE_SHIFT) > m->base + m->size || (pa.v & (PAGE_SIZE - 1))) abort();
    uint64_t i = (pa.v - m->base) >> PAGE_SHIFT;
    for (uint64_t k = 0; k < n; k++) if (!bit(m, i + k)) abort();
    set_bits(m, i, n, false);
    m->nfree += n;
}

bool hv_mem_overlaps(const struct hv_mem *m, pa_t pa, uint64_t size)
{
    return size && pa.v < m->base + m->size && m->base < pa.v + size;
}

pa_t hv_mem_base(const struct hv_mem *m) { return mk_pa(m->base); }
uint64_t hv_mem_size(const struct hv_mem *m) { return m->size; }
uint64_t hv_mem_free_pages(const struct hv_mem *m) { return m->nfree; }
struct bus *hv_mem_bus(const struct hv_mem *m) { return m->bus; }

static uint64_t *slot(const struct hv_mem *m, pa_t pa)
{
    if (pa.v < m->base || pa.v + 8 > m->base + m->size || (pa.v & 7)) abort();
    return (uint64_t *)(void *)(m->host + (pa.v - m->base));
}

/* Descriptor updates are single 64-bit stores (Arm ARM D8.2.? "Atomicity of translation table
 * updates": a walker must see either the old or the new descriptor, never a mix). */
uint64_t hv_mem_read64(const struct hv_mem *m, pa_t pa)
{
    return __atomic_load_n(slot(m, pa), __ATOMIC_RELAXED);
}

void hv_mem_write64(struct hv_mem *m, pa_t pa, uint64_t v)
{
    __atomic_store_n(slot(m, pa), v, __ATOMIC_RELEASE);
}
