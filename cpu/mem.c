/* cpu/mem.c — the slow paths of guest data accesses: translation (cpu/translate.c), memory-type
 * and alignment checks, bus access, soft-TLB refill and the data-abort syndrome.
 *
 * The fast paths (cpu_internal.h mem_read/mem_write) hit only for aligned accesses to RAM
 * pages that have a TLB entry; everything else comes here. */
#include "cpu/cpu_internal.h"
#include "cpu/translate.h"

bool cpu_code_page_live(struct cpu_shared *s, uint64_t pa);
void cpu_code_invalidate_pa(struct cpu *c, uint64_t pa, uint64_t len);

/* Data Abort syndrome (Arm ARM D17.2.37, ISS encoding for an exception from a Data Abort). */
static uint32_t dabt_esr(const struct cpu *c, const struct dinsn *d, unsigned dfsc, bool write, unsigned flags)
{
    uint32_t ec = c->el == 0 ? EC_DABT_LOWER : EC_DABT_SAME;
    uint32_t iss = dfsc | (write ? 1u << 6 : 0);
    iss |= a64_dabt_iss_syndrome(d ? d->raw : 0);       /* ISV/SAS/SSE/SRT/SF/AR when valid */
    (void)flags;
    return ec << 26 | ESR_IL | iss;
}

static bool raise_dabt(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned dfsc, bool write, unsigned flags)
{
    uint64_t pc = d ? pc_of(c, d) : c->pc;
    c->pc = pc;
    cpu_take_sync(c, pc, dabt_esr(c, d, dfsc, write, flags), va, true);
    return false;
}

/* Bytewise fallback for accesses that cross a page (Normal memory only). */
static bool split_access(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned size,
                         uint64_t *val, bool write, unsigned flags)
{
    uint64_t v = write ? *val : 0;
    for (unsigned i = 0; i < size; i++) {
        if (write) {
            if (!mem_write_slow(c, d, va + i, 1, (v >> (8 * i)) & 0xff, flags)) return false;
        } else {
            uint64_t b;
            if (!mem_read_slow(c, d, va + i, 1, &b, flags)) return false;
            v |= b << (8 * i);
        }
    }
    if (!write) *val = v;
    return true;
}

void cpu_watch_check(struct cpu *c, uint64_t va, unsigned size, bool write);

static bool access_slow(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned size,
                        uint64_t *val, bool write, unsigned flags)
{
    if (unlikely(c->sh->nwp)) cpu_watch_check(c, va, size, write);
    bool unaligned = (va & (size - 1)) != 0;
    if (unaligned && (flags & MEM_ALIGNED)) return raise_dabt(c, d, va, DFSC_ALIGNMENT, write, flags);
    if (unaligned && (c->sr[SR_SCTLR_EL1] & 2))                 /* SCTLR_EL1.A */
        return raise_dabt(c, d, va, DFSC_ALIGNMENT, write, flags);

    struct translation t;
    enum access_kind ak = write ? ACCESS_WRITE : ACCESS_READ;
    if (!cpu_translate(c, va, ak, (flags & MEM_UNPRIV) != 0, &t)) {
        if (cpu_stage2_abort(c, d, d ? pc_of(c, d) : c->pc, va, &t, false, write, false)) return false;
        return raise_dabt(c, d, va, t.fault_dfsc, write, flags);
    }
    /* Device memory: any unaligned access is an Alignment fault (B2.5.2). */
    if (unaligned && t.device) return raise_dabt(c, d, va, DFSC_ALIGNMENT, write, flags);
    if (unaligned && ((va & 0xfff) + size > PAGE_SIZE))
        return split_access(c, d, va, size, val, write, flags);

    const struct bus_region *r = bus_find(c->bus, mk_pa(t.pa));
    if (r && r->ram && !r->readonly && t.pa - r->base + size <= r->size) {
        uint8_t *host = r->ram + (t.pa - r->base);
        uint64_t pa_page = t.pa & PAGE_MASK;
        bool page_in_region = pa_page >= r->base && pa_page + PAGE_SIZE <= r->base + r->size;
        if (write) {
            if (cpu_code_page_live(c->sh, t.pa)) cpu_code_invalidate_pa(c, t.pa, size);
            host_store(host, size, *val);
        } else {
            *val = host_load(host, size);
        }
        /* Refill. The fast path only ever hits aligned accesses, so Device-typed RAM can be
         * cached too: its unaligned accesses still miss and reach the checks above. */
        if (page_in_region && t.cacheable_tlb && !c->sh->nwp) {
            struct soft_tlb *tlb = (flags & MEM_UNPRIV) ? &c->tlb_el[0] : c->tlb;
            struct soft_tlb_entry *e = write ? &tlb->w[soft_tlb_index(va)] : &tlb->r[soft_tlb_index(va)];
            bool ok = write ? t.writable_tlb && !cpu_code_page_live(c->sh, t.pa) : true;
            if (ok) {
                e->tag = va & PAGE_MASK;
                e->addend = (uintptr_t)(r->ram + (pa_page - r->base)) - (va & PAGE_MASK);
            }
            c->stats.tlb_misses++;
        }
        return true;
    }
    /* MMIO or nothing */
    int st;
    c->cycles_extra += c->class_cost[IC_LOAD] * 8;      /* device access latency */
    if (write) st = bus_write(c->bus, mk_pa(t.pa), size, *val);
    else st = bus_read(c->bus, mk_pa(t.pa), size, val);
    if (st != BUS_OK) {
        if (c->log_mask & CPU_LOG_GUEST_ERRORS && c->logf)
            fprintf(c->logf, "guest error: %s of %u bytes at PA 0x%llx (VA 0x%llx): %s\n",
                    write ? "write" : "read", size, (unsigned long long)t.pa, (unsigned long long)va,
                    st == BUS_DECODE_ERROR ? "no device" : "device error");
        return raise_dabt(c, d, va, DFSC_SYNC_EXTERNAL, write, flags);
    }
    if (r && r->ops) c->attention = true;           /* a device may have changed IRQ state */
    return true;
}

bool mem_read_slow(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned size, uint64_t *val, unsigned flags)
{
    return access_slow(c, d, va, size, val, false, flags);
}

bool mem_write_slow(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned size, uint64_t val, unsigned flags)
{
    return access_slow(c, d, va, size, &val, true, flags);
}

uint8_t *mem_host_ptr(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned size, bool write, unsigned flags)
{
    if (unlikely(c->sh->nwp)) cpu_watch_check(c, va, size, write);
    if ((va & (size - 1)) && (flags & MEM_ALIGNED)) { raise_dabt(c, d, va, DFSC_ALIGNMENT, write, flags); return NULL; }
    struct translation t;
    if (!cpu_translate(c, va, write ? ACCESS_WRITE : ACCESS_READ, (flags & MEM_UNPRIV) != 0, &t)) {
        if (cpu_stage2_abort(c, d, d ? pc_of(c, d) : c->pc, va, &t, false, write, false)) return NULL;
        raise_dabt(c, d, va, t.fault_dfsc, write, flags);
        return NULL;
    }
    if ((va & (size - 1)) && t.device) { raise_dabt(c, d, va, DFSC_ALIGNMENT, write, flags); return NULL; }
    if ((flags & MEM_EXCL) && t.device) {
        /* Exclusives/atomics to Device memory: this model makes them alignment-checked bus
         * accesses; the caller falls back to mem_read/mem_write. */
        return NULL;
    }
    uint8_t *host = bus_ram_ptr(c->bus, mk_pa(t.pa), size);
    if (!host) return NULL;
    if (write && cpu_code_page_live(c->sh, t.pa)) cpu_code_invalidate_pa(c, t.pa, size);
    return host;
}


/* Debug access through the current translation, no side effects on TLB or exceptions. */
static size_t debug_access(struct cpu *c, uint64_t va, void *buf, size_t len, bool write)
{
    size_t done = 0;
    while (done < len) {
        struct translation t;
        if (!cpu_translate_debug(c, va + done, &t)) break;
        size_t chunk = PAGE_SIZE - ((va + done) & 0xfff);
        if (chunk > len - done) chunk = len - done;
        int st = write ? bus_write_buf(c->bus, mk_pa(t.pa), (const uint8_t *)buf + done, chunk)
                       : bus_read_buf(c->bus, mk_pa(t.pa), (uint8_t *)buf + done, chunk);
        if (st != BUS_OK) break;
        done += chunk;
    }
    return done;
}
size_t cpu_debug_read(struct cpu *c, uint64_t va, void *buf, size_t len) { return debug_access(c, va, buf, len, false); }
size_t cpu_debug_write(struct cpu *c, uint64_t va, const void *buf, size_t len) { return debug_access(c, va, (void *)buf, len, true); }
