/* hv/p2m.c — a domain's stage-2 translation tables (the "p2m", physical-to-machine, in Xen's
 * words): real VMSAv8-64 stage-2 descriptors, 4KB granule, in hypervisor-reserved memory.
 *
 * Arm ARM references:
 *   D8.2  stage-2 input size (VTCR_EL2.T0SZ), start level (VTCR_EL2.SL0) and the concatenated
 *         tables of the initial lookup;
 *   D8.3  descriptor formats: table (0b11 at levels 0-2), block (0b01 at levels 1-2), page
 *         (0b11 at level 3); bits [58:55] are reserved for software use;
 *   D8.4  stage-2 permissions: S2AP[1:0] (bits 7:6, write/read) and XN (bit 54);
 *   D8.6  stage-2 MemAttr[3:0] (bits 5:2) with HCR_EL2.FWB == 0, SH[1:0] (bits 9:8);
 *   D8.13/D8.14 "Translation table entry updates" — break-before-make: replacing a valid entry
 *         by another valid entry that differs in output address, size (block ↔ table) or
 *         attributes requires writing an invalid entry, invalidating the TLBs for it, and only
 *         then writing the new entry.
 * Xen's behaviour reproduced (xen-arm.md §2): the p2m type is stored in bits [58:55] of every
 * leaf; AF is always set (no access-flag faults); per-type MemAttr/SH/S2AP/XN as in §2.2;
 * blocks (2MB, 1GB) are used when the IPA, the PA and the size allow; a block partly changed is
 * split into a table of 512 entries that copy it, under break-before-make; empty tables are
 * freed on removal. The descriptors are the only record of what is mapped: lookups walk them
 * with the mmu/ walker through the bus, exactly as the CPU and the SMMU do. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hv/hv.h"
#include "machine/machine.h"

/* Stage-2 descriptor bits (D8.3, 4KB granule, no FEAT_LPA). */
#define S2_VALID        (1ull << 0)
#define S2_TABLE        (1ull << 1)      /* table at levels 0-2, page at level 3 */
#define S2_MEMATTR(m)   ((uint64_t)(m) << 2)
#define S2_S2AP_R       (1ull << 6)      /* S2AP[0] */
#define S2_S2AP_W       (1ull << 7)      /* S2AP[1] */
#define S2_SH(s)        ((uint64_t)(s) << 8)
#define S2_AF           (1ull << 10)
#define S2_XN           (1ull << 54)     /* XN[1]; XN[0] (bit 53) only with FEAT_XNX: left 0 */
#define S2_SW_SHIFT     55               /* bits [58:55]: the p2m type */
#define S2_SW_MASK      (0xfull << S2_SW_SHIFT)
#define S2_OA_MASK      0x0000fffffffff000ull    /* OA[47:12] */

/* VTCR_EL2 fields (D17.2 VTCR_EL2). */
#define VTCR_T0SZ(x)    ((uint64_t)(x))
#define VTCR_SL0(x)     ((uint64_t)(x) << 6)
#define VTCR_IRGN0_WBWA (1ull << 8)
#define VTCR_ORGN0_WBWA (1ull << 10)
#define VTCR_SH0_IS     (3ull << 12)
#define VTCR_TG0_4K     (0ull << 14)
#define VTCR_PS(x)      ((uint64_t)(x) << 16)
#define VTCR_VS         (1ull << 19)
#define VTCR_RES1       (1ull << 31)

#define LEVELS 4
#define ENTRIES 512u

/* Size log2 of what one entry at `level` maps (4KB granule: 39, 30, 21, 12). */
static unsigned lsb(unsigned level) { return PAGE_SHIFT + (3 - level) * 9; }

/* p2m types → stage-2 fields: xen-arm.md §2.2, from Xen's mfn_to_p2m_entry/p2m_set_permission
 * with the default access rwx. MMIO, foreign and grant types are XN: only RAM is executable. */
static const struct p2m_type_info type_info[P2M_NR_TYPES] = {
    [P2M_RAM_RW]          = { "p2m_ram_rw",          S2_MEMATTR_NORMAL_WB,     3, 1, 1, 0, true },
    [P2M_RAM_RO]          = { "p2m_ram_ro",          S2_MEMATTR_NORMAL_WB,     3, 1, 0, 0, true },
    [P2M_MMIO_DIRECT_DEV] = { "p2m_mmio_direct_dev", S2_MEMATTR_DEVICE_nGnRE,  2, 1, 1, 1, true },
    [P2M_MMIO_DIRECT_NC]  = { "p2m_mmio_direct_nc",  S2_MEMATTR_NORMAL_NC,     2, 1, 1, 1, true },
    [P2M_MMIO_DIRECT_C]   = { "p2m_mmio_direct_c",   S2_MEMATTR_NORMAL_WB,     2, 1, 1, 1, true },
    [P2M_MAP_FOREIGN_RW]  = { "p2m_map_foreign_rw",  S2_MEMATTR_NORMAL_WB,     3, 1, 1, 1, true },
    [P2M_MAP_FOREIGN_RO]  = { "p2m_map_foreign_ro",  S2_MEMATTR_NORMAL_WB,     3, 1, 0, 1, true },
    [P2M_GRANT_MAP_RW]    = { "p2m_grant_map_rw",    S2_MEMATTR_NORMAL_WB,     3, 1, 1, 1, true },
    [P2M_GRANT_MAP_RO]    = { "p2m_grant_map_ro",    S2_MEMATTR_NORMAL_WB,     3, 1, 0, 1, true },
    [P2M_IOMMU_MAP_RW]    = { "p2m_iommu_map_rw",    S2_MEMATTR_NORMAL_WB,     3, 1, 1, 1, true },
    [P2M_IOMMU_MAP_RO]    = { "p2m_iommu_map_ro",    S2_MEMATTR_NORMAL_WB,     3, 1, 0, 1, true },
    /* seed 002's "normal cached RWX" SRAM mapping: Normal WB like _direct_c, but executable.
     * Upstream Xen has no such type (xen-arm.md §2.4); it exists for the scenario only. */
    [P2M_MMIO_DIRECT_C_RWX] = { "p2m_mmio_direct_c_rwx", S2_MEMATTR_NORMAL_WB, 2, 1, 1, 0, false },
};

const struct p2m_type_info *p2m_type_info(enum p2m_type t)
{
    if ((unsigned)t >= P2M_NR_TYPES || !type_info[t].name) return NULL;
    return &type_info[t];
}

struct p2m {
    struct hv_mem *mem;
    struct bus *bus;
    struct p2m_hooks hooks;
    uint16_t vmid;
    unsigned ipa_bits, pa_bits, root_level, root_order;
    uint64_t vtcr;
    pa_t root;
};

/* Xen's choice of start level and root concatenation per IPA size (setup_virt_paging's table,
 * from the Arm ARM's "T0SZ minimum and SL0 maximum" for the 4KB granule): the fewest levels the
 * architecture allows, concatenating up to 8 root tables rather than adding a level 0.
 * A 40-bit IPA starts at level 1 with 2 concatenated tables (1024 entries of 1GB). */
static const struct { unsigned bits, ps, root_level, root_order; } ipa_cfg[] = {
    { 32, 0, 1, 0 },   /* 4 level-1 entries used of one table */
    { 36, 1, 1, 0 },   /* 64 entries */
    { 40, 2, 1, 1 },   /* 2 concatenated level-1 tables */
    { 42, 3, 1, 3 },   /* 8 concatenated level-1 tables */
    { 44, 4, 0, 0 },   /* level 0, 32 entries */
    { 48, 5, 0, 0 },   /* level 0, 512 entries */
};

static int find_cfg(unsigned bits)
{
    for (unsigned i = 0; i < sizeof ipa_cfg / sizeof ipa_cfg[0]; i++)
        if (ipa_cfg[i].bits == bits) return (int)i;
    return -1;
}

static bool read_desc_bus(void *opaque, pa_t pa, uint64_t *desc)
{
    return bus_read((struct bus *)opaque, pa, 8, desc) == BUS_OK;
}

struct p2m *p2m_new(struct hv_mem *mem, const struct p2m_config *cfg, const struct p2m_hooks *hooks)
{
    unsigned ipa_bits = cfg && cfg->ipa_bits ? cfg->ipa_bits : 40;
    unsigned pa_bits = cfg && cfg->pa_bits ? cfg->pa_bits : ipa_bits;
    int ci = find_cfg(ipa_bits), cp = find_cfg(pa_bits);
    if (!mem || ci < 0 || cp < 0) return NULL;
    struct p2m *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->mem = mem;
    p->bus = hv_mem_bus(mem);
    if (hooks) p->hooks = *hooks;
    p->vmid = cfg ? cfg->vmid : 0;
    p->ipa_bits = ipa_bits;
    p->pa_bits = pa_bits;
    p->root_level = ipa_cfg[ci].root_level;
    p->root_order = ipa_cfg[ci].root_order;
    if (hv_mem_alloc(mem, p->root_order, &p->root)) { free(p); return NULL; }
    /* VTCR_EL2: SL0 for the 4KB granule encodes the start level as 2 - level (0 → L2, 1 → L1,
     * 2 → L0). Table walks are Inner Shareable, Normal WBWA, as Xen programs them. */
    p->vtcr = VTCR_RES1 | VTCR_T0SZ(64 - ipa_bits) | VTCR_SL0(2 - p->root_level) | VTCR_IRGN0_WBWA |
              VTCR_ORGN0_WBWA | VTCR_SH0_IS | VTCR_TG0_4K | VTCR_PS(ipa_cfg[cp].ps) |
              (p->vmid > 0xff ? VTCR_VS : 0);
    return p;
}

static void free_table(struct p2m *p, pa_t table, unsigned level)
{
    if (level < 3)
        for (unsigned i = 0; i < ENTRIES; i++) {
            uint64_t d = hv_mem_read64(p->mem, mk_pa(table.v + 8ull * i));
            if ((d & (S2_VALID | S2_TABLE)) == (S2_VALID | S2_TABLE))
                free_table(p, mk_pa(d & S2_OA_MASK), level + 1);
        }
    hv_mem_release(p->mem, table, 0);
}

void p2m_free(struct p2m *p)
{
    if (!p) return;
    unsigned n = ENTRIES << p->root_order;
    for (unsigned i = 0; i < n; i++) {
        uint64_t d = hv_mem_read64(p->mem, mk_pa(p->root.v + 8ull * i));
        if (p->root_level < 3 && (d & (S2_VALID | S2_TABLE)) == (S2_VALID | S2_TABLE))
            free_table(p, mk_pa(d & S2_OA_MASK), p->root_level + 1);
    }
    hv_mem_release(p->mem, p->root, p->root_order);
    free(p);
}

uint64_t p2m_vtcr(const struct p2m *p) { return p->vtcr; }
uint64_t p2m_vttbr(const struct p2m *p) { return p->root.v | (uint64_t)p->vmid << 48; }
uint16_t p2m_vmid(const struct p2m *p) { return p->vmid; }
unsigned p2m_ipa_bits(const struct p2m *p) { return p->ipa_bits; }
unsigned p2m_pa_bits(const struct p2m *p) { return p->pa_bits; }
unsigned p2m_root_level(const struct p2m *p) { return p->root_level; }
unsigned p2m_root_pages(const struct p2m *p) { return 1u << p->root_order; }

void p2m_regime(const struct p2m *p, struct mmu_regime *r)
{
    mmu_regime_stage2(r, p2m_vtcr(p), p2m_vttbr(p), p->pa_bits);
}

struct mmu_desc_reader p2m_desc_reader(const struct p2m *p)
{
    return (struct mmu_desc_reader){ read_desc_bus, p->bus };
}

/* ---------------------------------------------------------------- descriptors */

static uint64_t leaf_desc(uint64_t pa, unsigned level, enum p2m_type t)
{
    const struct p2m_type_info *ti = &type_info[t];
    return pa | (level == 3 ? S2_VALID | S2_TABLE : S2_VALID) | S2_MEMATTR(ti->memattr) |
           (ti->r ? S2_S2AP_R : 0) | (ti->w ? S2_S2AP_W : 0) | S2_SH(ti->sh) | S2_AF |
           (ti->xn ? S2_XN : 0) | (uint64_t)t << S2_SW_SHIFT;
}

static bool is_table(uint64_t d, unsigned level)
{
    return level < 3 && (d & (S2_VALID | S2_TABLE)) == (S2_VALID | S2_TABLE);
}

static void tlb_flush(struct p2m *p, uint64_t ipa, unsigned level)
{
    uint64_t size = 1ull << lsb(level);
    if (p->hooks.tlb_flush) p->hooks.tlb_flush(p->hooks.tlb_opaque, p->vmid, mk_ipa(ipa & ~(size - 1)), size);
}

/* Break-before-make (D8.14): a valid entry is replaced by another valid one only through an
 * invalid entry and a TLB invalidation of everything it translated. The flush hook runs while
 * the slot holds 0, so an observer sees: invalid, flush, new. */
static void bbm_replace(struct p2m *p, pa_t slot, uint64_t ipa, unsigned level, uint64_t new_desc)
{
    hv_mem_write64(p->mem, slot, 0);
    tlb_flush(p, ipa, level);
    hv_mem_write64(p->mem, slot, new_desc);
}

/* Split the block `d` at slot (level 1 or 2) into a table of 512 entries one level down that
 * translate exactly as the block did: same attributes, same type bits. The new table is filled
 * before it becomes reachable; the block → table change itself is break-before-make (changing
 * the size of a translation needs it unless FEAT_BBM, which this model does not assume). */
static int split_block(struct p2m *p, pa_t slot, uint64_t ipa, unsigned level, uint64_t d)
{
    pa_t t;
    int rc = hv_mem_alloc(p->mem, 0, &t);
    if (rc) return rc;
    unsigned child = level + 1;
    uint64_t csize = 1ull << lsb(child);
    uint64_t oa = d & S2_OA_MASK, attrs = d & ~S2_OA_MASK & ~(S2_VALID | S2_TABLE);
    uint64_t type_bits = child == 3 ? S2_VALID | S2_TABLE : S2_VALID;
    for (unsigned i = 0; i < ENTRIES; i++)
        hv_mem_write64(p->mem, mk_pa(t.v + 8ull * i), (oa + i * csize) | attrs | type_bits);
    bbm_replace(p, slot, ipa, level, t.v | S2_VALID | S2_TABLE);
    return 0;
}

/* Address of the descriptor translating ipa at table level l, given the table base. The root
 * may be concatenated: its index takes all the IPA bits above lsb(root) (D8.2). */
static pa_t slot_at(const struct p2m *p, pa_t table, uint64_t ipa, unsigned l)
{
    uint64_t idx = ipa >> lsb(l);
    if (l != p->root_level) idx &= ENTRIES - 1;
    return mk_pa(table.v + idx * 8);
}

/* Walk from the root to the entry for ipa at `target`. Records the slot used at each level in
 * path[]. Missing tables are created when `create`; blocks met above `target` are split.
 * Returns 0 with *slot_out, or -ENOENT with *stop = the level of an invalid entry (only when
 * !create: nothing is mapped in that entry's whole span), or -ENOMEM. */
static int walk_to(struct p2m *p, uint64_t ipa, unsigned target, bool create, pa_t path[LEVELS],
                   unsigned *stop)
{
    pa_t table = p->root;
    for (unsigned l = p->root_level;; l++) {
        pa_t s = slot_at(p, table, ipa, l);
        path[l] = s;
        if (l == target) return 0;
        uint64_t d = hv_mem_read64(p->mem, s);
        if (!(d & S2_VALID)) {
            if (!create) { *stop = l; return -ENOENT; }
            pa_t t;
            if (hv_mem_alloc(p->mem, 0, &t)) { *stop = l; return -ENOMEM; }
            /* Invalid → valid needs no invalidation: TLBs never hold invalid entries. */
            d = t.v | S2_VALID | S2_TABLE;
            hv_mem_write64(p->mem, s, d);
        } else if (!is_table(d, l)) {
            int rc = split_block(p, s, ipa, l, d);
            if (rc) { *stop = l; return rc; }
            d = hv_mem_read64(p->mem, s);
        }
        table = mk_pa(d & S2_OA_MASK);
    }
}

static bool table_empty(const struct p2m *p, pa_t table)
{
    for (unsigned i = 0; i < ENTRIES; i++)
        if (hv_mem_read64(p->mem, mk_pa(table.v + 8ull * i)) & S2_VALID) return false;
    return true;
}

/* After the entry at path[level] became invalid: unlink the tables (below the root) that are
 * now empty, then invalidate once for the widest span cleared, and only then give the freed
 * tables and `subtree` (a table the cleared entry pointed to, or 0) back to the allocator —
 * a walker may still hold them in its walk cache until the invalidation. */
static void remove_and_prune(struct p2m *p, uint64_t ipa, unsigned level, pa_t path[LEVELS], pa_t subtree,
                             bool cleared)
{
    pa_t freed[LEVELS];
    unsigned nfreed = 0, top = level;
    for (unsigned l = level; l > p->root_level; l--) {
        pa_t table = mk_pa(path[l].v & ~(PAGE_SIZE - 1));
        if (!table_empty(p, table)) break;
        hv_mem_write64(p->mem, path[l - 1], 0);
        freed[nfreed++] = table;
        top = l - 1;
    }
    /* Nothing valid was removed (a map that failed half-way): no invalidation needed. */
    if (cleared || nfreed) tlb_flush(p, ipa, top);
    for (unsigned i = 0; i < nfreed; i++) hv_mem_release(p->mem, freed[i], 0);
    if (subtree.v) free_table(p, subtree, level + 1);
}

/* Largest leaf level usable at ipa (and pa, unless !use_pa) for `rem` bytes: a 1GB block at
 * level 1, a 2MB block at level 2 (D8.3: 4KB granule blocks exist at levels 1 and 2 only),
 * else a page. */
static unsigned leaf_level(const struct p2m *p, uint64_t ipa, uint64_t pa, uint64_t rem)
{
    for (unsigned l = p->root_level < 1 ? 1 : p->root_level; l < 3; l++) {
        uint64_t sz = 1ull << lsb(l);
        if (!((ipa | pa) & (sz - 1)) && rem >= sz) return l;
    }
    return 3;
}

static void emit(struct p2m *p, enum p2m_op op, enum p2m_reason why, uint64_t ipa, uint64_t pa,
                 uint64_t size, enum p2m_type t)
{
    if (!p->hooks.change || !size) return;
    struct p2m_change c = { .op = op, .reason = why, .vmid = p->vmid, .ipa = mk_ipa(ipa),
                            .pa = mk_pa(pa), .size = size, .type = t };
    p->hooks.change(p->hooks.change_opaque, &c);
}

static int check_ipa_range(const struct p2m *p, ipa_t ipa, uint64_t nr_pages, uint64_t *size)
{
    if (!nr_pages || (ipa.v & (PAGE_SIZE - 1))) return -EINVAL;
    uint64_t limit = 1ull << p->ipa_bits;
    /* IPA beyond VTCR_EL2.T0SZ: the walker would give a level-0 translation fault anyway, so a
     * mapping there could never be used (D8.2). */
    if (nr_pages > (limit >> PAGE_SHIFT) || ipa.v > limit - (nr_pages << PAGE_SHIFT)) return -ERANGE;
    *size = nr_pages << PAGE_SHIFT;
    return 0;
}

int p2m_map(struct p2m *p, ipa_t ipa, pa_t pa, uint64_t nr_pages, enum p2m_type t, enum p2m_reason reason)
{
    uint64_t size;
    if (!p2m_type_info(t) || (unsigned)reason > P2M_REASON_DOMCTL || (pa.v & (PAGE_SIZE - 1))) return -EINVAL;
    int rc = check_ipa_range(p, ipa, nr_pages, &size);
    if (rc) return rc;
    /* Output address beyond VTCR_EL2.PS would be an address size fault on every access. */
    if (pa.v >> p->pa_bits || ((pa.v + size - 1) >> p->pa_bits)) return -ERANGE;
    /* The hypervisor's own memory (its page tables) is never given to a domain: a guest that
     * could write its stage-2 tables would own the machine. */
    if (hv_mem_overlaps(p->mem, pa, size)) return -EPERM;

    uint64_t off = 0;
    bool changed = false;
    while (off < size) {
        uint64_t i = ipa.v + off, o = pa.v + off;
        unsigned level = leaf_level(p, i, o, size - off);
        pa_t path[LEVELS];
        unsigned stop = 0;
        rc = walk_to(p, i, level, true, path, &stop);
        if (rc) {
            /* Tables created on the way that stayed empty are unlinked and freed again. */
            if (stop > p->root_level) remove_and_prune(p, i, stop, path, mk_pa(0), false);
            break;
        }
        uint64_t old = hv_mem_read64(p->mem, path[level]), nd = leaf_desc(o, level, t);
        if (old != nd) {
            changed = true;
            if (old & S2_VALID) {
                bbm_replace(p, path[level], i, level, nd);
                /* A table replaced by a block: its subtree is unreachable since the flush. */
                if (is_table(old, level)) free_table(p, mk_pa(old & S2_OA_MASK), level + 1);
            } else {
                hv_mem_write64(p->mem, path[level], nd);
            }
        }
        off += 1ull << lsb(level);
    }
    if (changed) emit(p, P2M_OP_MAP, reason, ipa.v, pa.v, off, t);
    return rc;
}

int p2m_unmap(struct p2m *p, ipa_t ipa, uint64_t nr_pages, enum p2m_reason reason)
{
    uint64_t size;
    if ((unsigned)reason > P2M_REASON_DOMCTL) return -EINVAL;
    int rc = check_ipa_range(p, ipa, nr_pages, &size);
    if (rc) return rc;
    uint64_t off = 0;
    bool changed = false;
    while (off < size) {
        uint64_t i = ipa.v + off;
        unsigned level = leaf_level(p, i, 0, size - off);
        pa_t path[LEVELS];
        unsigned stop = 0;
        rc = walk_to(p, i, level, false, path, &stop);
        if (rc == -ENOENT) {
            /* Nothing mapped in the whole span of that invalid entry: skip past it. */
            uint64_t span = 1ull << lsb(stop);
            off = ((i | (span - 1)) + 1) - ipa.v;
            rc = 0;
            continue;
        }
        if (rc) break;
        uint64_t old = hv_mem_read64(p->mem, path[level]);
        if (old & S2_VALID) {
            changed = true;
            hv_mem_write64(p->mem, path[level], 0);
            remove_and_prune(p, i, level, path, is_table(old, level) ? mk_pa(old & S2_OA_MASK) : mk_pa(0),
                             true);
        }
        off += 1ull << lsb(level);
    }
    if (off > size) off = size;
    if (changed) emit(p, P2M_OP_UNMAP, reason, ipa.v, 0, off, P2M_INVALID);
    return rc;
}

bool p2m_lookup(const struct p2m *p, ipa_t ipa, pa_t *pa, enum p2m_type *type)
{
    struct mmu_regime r;
    struct mmu_result res;
    struct mmu_desc_reader rd = p2m_desc_reader(p);
    p2m_regime(p, &r);
    /* The debug walk checks no permissions (a lookup is not an access). Stage 1 is absent, so
     * the walker's input is the IPA itself. */
    bool ok = mmu_walk_debug(NULL, &r, mk_va(ipa.v), &rd, &res);
    if (pa) *pa = ok ? res.pa : mk_pa(0);
    if (type) *type = ok ? (enum p2m_type)res.s2_sw : P2M_INVALID;
    return ok;
}
