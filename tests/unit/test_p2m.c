/* tests/unit/test_p2m.c — hypervisor-reserved memory and the p2m (hv/hv_mem.c, hv/p2m.c).
 * Everything the p2m writes is checked by the mmu/ stage-2 walker reading the descriptors off
 * the bus, as the CPU and the SMMU will: output PA, level, S2AP, XN, MemAttr, SH and the
 * software bits [58:55] holding the p2m type. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hv/hv.h"
#include "machine/machine.h"

#define RAM_BASE  0x40000000ull
#define RAM_SIZE  (256ull << 20)
#define HV_BASE   0x4f000000ull               /* the top 16 MiB of RAM is reserved for hv */
#define HV_SIZE   (16ull << 20)
#define GiB (1ull << 30)
#define MiB (1ull << 20)
#define KiB (1ull << 10)

static const struct mmu_access RD = { .type = MMU_READ };
static const struct mmu_access WR = { .type = MMU_WRITE };
static const struct mmu_access EX = { .type = MMU_EXEC };

/* ---- fixture: a bus with RAM, the reserved region, one p2m, recorded hook calls ---- */
struct flush_ev { uint16_t vmid; uint64_t ipa, size; bool walk_ok; unsigned fault_level; };
struct change_ev { struct p2m_change c; };

struct fx {
    struct bus *bus;
    struct hv_mem *mem;
    struct p2m *p2m;
    struct flush_ev fl[64];
    unsigned nfl;
    struct change_ev ch[64];
    unsigned nch;
    uint64_t watch_ipa;       /* walked by the tlb_flush hook, to observe break-before-make */
};

static bool walk(const struct p2m *p, uint64_t ipa, const struct mmu_access *a, struct mmu_result *res)
{
    struct mmu_regime r;
    struct mmu_desc_reader rd = p2m_desc_reader(p);
    p2m_regime(p, &r);
    return mmu_walk_s2(&r, mk_ipa(ipa), a, &rd, res);
}

static void on_flush(void *opaque, uint16_t vmid, ipa_t ipa, uint64_t size)
{
    struct fx *f = opaque;
    assert_true(f->nfl < 64);
    struct flush_ev *e = &f->fl[f->nfl++];
    e->vmid = vmid; e->ipa = ipa.v; e->size = size;
    struct mmu_result res;
    e->walk_ok = walk(f->p2m, f->watch_ipa, &RD, &res);
    e->fault_level = res.fault.level;
}

static void on_change(void *opaque, const struct p2m_change *c)
{
    struct fx *f = opaque;
    assert_true(f->nch < 64);
    f->ch[f->nch++].c = *c;
}

static struct fx *fx_new_sized(unsigned ipa_bits, uint16_t vmid, uint64_t hv_base, uint64_t hv_size)
{
    struct fx *f = calloc(1, sizeof *f);
    f->bus = bus_new();
    assert_non_null(bus_map_ram(f->bus, "ram", mk_pa(RAM_BASE), RAM_SIZE, NULL));
    f->mem = hv_mem_new(f->bus, mk_pa(hv_base), hv_size);
    assert_non_null(f->mem);
    struct p2m_config cfg = { .vmid = vmid, .ipa_bits = ipa_bits };
    struct p2m_hooks h = { on_flush, f, on_change, f };
    f->p2m = p2m_new(f->mem, &cfg, &h);
    return f;
}
static struct fx *fx_new(void)
{
    struct fx *f = fx_new_sized(40, 7, HV_BASE, HV_SIZE);
    assert_non_null(f->p2m);
    return f;
}
static void fx_free(struct fx *f)
{
    p2m_free(f->p2m);
    if (f->mem) assert_int_equal(hv_mem_free_pages(f->mem), hv_mem_size(f->mem) >> PAGE_SHIFT);
    hv_mem_free(f->mem);
    bus_free(f->bus);
    free(f);
}

static void expect_map(struct fx *f, uint64_t ipa, uint64_t pa, uint64_t nr, enum p2m_type t)
{
    assert_int_equal(p2m_map(f->p2m, mk_ipa(ipa), mk_pa(pa), nr, t, P2M_REASON_BOOT), 0);
}

/* Check the leaf the walker finds for ipa against the type table. */
static void expect_leaf(struct fx *f, uint64_t ipa, uint64_t pa, unsigned level, enum p2m_type t)
{
    const struct p2m_type_info *ti = p2m_type_info(t);
    assert_non_null(ti);
    struct mmu_result res;
    assert_true(walk(f->p2m, ipa, &RD, &res) || !ti->r);
    assert_int_equal(res.pa.v, pa);
    assert_int_equal(res.level, level);
    assert_int_equal(res.sw, t);                                    /* the type, bits [58:55] */
    assert_int_equal(res.attr, ti->memattr);                        /* MemAttr[3:0] */
    assert_int_equal(res.sh, ti->sh);
    assert_int_equal(!!(res.perms & MMU_PERM_EL1_R), ti->r);        /* S2AP[0] */
    assert_int_equal(!!(res.perms & MMU_PERM_EL1_W), ti->w);        /* S2AP[1] */
    assert_int_equal(!(res.perms & MMU_PERM_EL1_X), ti->xn);        /* XN */
    assert_int_equal(res.perms & MMU_PERM_EL0_R ? 1 : 0, ti->r);     /* one set for EL0 and EL1 */
    assert_true(res.desc & (1ull << 10));                           /* AF always set, as Xen */
    assert_int_equal(res.vmid, p2m_vmid(f->p2m));
    pa_t lpa; enum p2m_type lt;
    assert_true(p2m_lookup(f->p2m, mk_ipa(ipa), &lpa, &lt));
    assert_int_equal(lpa.v, pa);
    assert_int_equal(lt, t);
}

static void expect_hole(struct fx *f, uint64_t ipa, unsigned level)
{
    struct mmu_result res;
    assert_false(walk(f->p2m, ipa, &RD, &res));
    assert_int_equal(res.fault.kind, MMU_FAULT_TRANSLATION);
    assert_int_equal(res.fault.stage, MMU_STAGE2);
    assert_int_equal(res.fault.level, level);
    assert_int_equal(mmu_fault_fsc(&res.fault), 0x04 | level);
    assert_true(res.fault.ipa_valid);
    assert_int_equal(res.fault.ipa.v, ipa);                         /* → HPFAR_EL2.FIPA */
    enum p2m_type t = P2M_RAM_RW;
    assert_false(p2m_lookup(f->p2m, mk_ipa(ipa), NULL, &t));
    assert_int_equal(t, P2M_INVALID);
}

/* ---------------------------------------------------------------- hv_mem */

static void test_hv_mem_alloc(void **st)
{
    struct bus *b = bus_new();
    bus_map_ram(b, "ram", mk_pa(RAM_BASE), RAM_SIZE, NULL);
    /* Not RAM / not aligned: refused. */
    assert_null(hv_mem_new(b, mk_pa(0x09000000), 0x10000));
    assert_null(hv_mem_new(b, mk_pa(RAM_BASE + 0x800), 0x10000));
    assert_null(hv_mem_new(b, mk_pa(RAM_BASE + RAM_SIZE - 0x1000), 0x2000));
    /* Base deliberately not 32K-aligned: aligned blocks must skip the head. */
    struct hv_mem *m = hv_mem_new(b, mk_pa(RAM_BASE + 0x3000), 16 * 0x1000);
    assert_non_null(m);
    assert_int_equal(hv_mem_free_pages(m), 16);
    uint8_t *host = bus_ram_ptr(b, mk_pa(RAM_BASE + 0x3000), 16 * 0x1000);
    memset(host, 0xa5, 16 * 0x1000);                        /* allocation must zero */
    pa_t a, b8, c;
    assert_int_equal(hv_mem_alloc(m, 3, &b8), 0);
    assert_int_equal(b8.v & 0x7fff, 0);                      /* 8 pages aligned to 32K */
    for (unsigned i = 0; i < 8 * 4096; i++) assert_int_equal(host[b8.v - RAM_BASE - 0x3000 + i], 0);
    assert_int_equal(hv_mem_alloc(m, 0, &a), 0);
    assert_int_equal(a.v, RAM_BASE + 0x3000);                /* first free page */
    assert_int_equal(hv_mem_alloc(m, 1, &c), 0);
    assert_int_equal(c.v & 0x1fff, 0);
    assert_int_equal(hv_mem_free_pages(m), 16 - 11);
    assert_true(hv_mem_overlaps(m, mk_pa(RAM_BASE), 0x4000));
    assert_false(hv_mem_overlaps(m, mk_pa(RAM_BASE), 0x3000));
    assert_false(hv_mem_overlaps(m, mk_pa(RAM_BASE + 0x13000), 0x1000));
    /* Exhaustion is a clean error. */
    pa_t x;
    assert_int_equal(hv_mem_alloc(m, 3, &x), -ENOMEM);
    unsigned n = 0;
    while (hv_mem_alloc(m, 0, &x) == 0) n++;
    assert_int_equal(n, 5);
    assert_int_equal(hv_mem_alloc(m, 0, &x), -ENOMEM);
    hv_mem_release(m, b8, 3);
    assert_int_equal(hv_mem_free_pages(m), 8);
    hv_mem_write64(m, mk_pa(b8.v + 8), 0x1122334455667788ull);
    uint64_t v;
    assert_int_equal(bus_read(b, mk_pa(b8.v + 8), 8, &v), BUS_OK);   /* same bytes as the bus */
    assert_int_equal(v, 0x1122334455667788ull);
    assert_int_equal(hv_mem_read64(m, mk_pa(b8.v + 8)), v);
    hv_mem_free(m);
    bus_free(b);
}

/* ---------------------------------------------------------------- layout */

/* Xen's layout for a 40-bit IPA: VTCR_EL2.SL0 = 1 (start at level 1), T0SZ = 24, two
 * concatenated level-1 tables (1024 × 1GB), and the walker agrees. */
static void test_vtcr_vttbr_40bit(void **st)
{
    struct fx *f = fx_new();
    uint64_t vtcr = p2m_vtcr(f->p2m), vttbr = p2m_vttbr(f->p2m);
    assert_int_equal(vtcr & 0x3f, 24);                       /* T0SZ */
    assert_int_equal((vtcr >> 6) & 3, 1);                    /* SL0: level 1 */
    assert_int_equal((vtcr >> 14) & 3, 0);                   /* TG0: 4KB */
    assert_int_equal((vtcr >> 16) & 7, 2);                   /* PS: 40 bits */
    assert_int_equal((vtcr >> 19) & 1, 0);                   /* VS: 8-bit VMID */
    assert_int_equal(vtcr >> 31 & 1, 1);                     /* RES1 */
    assert_int_equal(p2m_root_level(f->p2m), 1);
    assert_int_equal(p2m_root_pages(f->p2m), 2);
    assert_int_equal(vttbr >> 48, 7);
    uint64_t root = vttbr & 0xffffffffffffull;
    assert_int_equal(root & 0x1fff, 0);                      /* aligned to the 8K root */
    assert_true(root >= HV_BASE && root + 0x2000 <= HV_BASE + HV_SIZE);
    assert_int_equal(hv_mem_free_pages(f->mem), (HV_SIZE >> PAGE_SHIFT) - 2);
    struct mmu_regime r;
    p2m_regime(f->p2m, &r);
    assert_true(r.s2_config_ok);
    assert_int_equal(r.start_level, 1);
    assert_int_equal(r.vmid, 7);
    assert_int_equal(r.oa_bits, 40);
    /* The top GB of IPA space is index 1023 of the root: the second concatenated table. */
    uint64_t top = (1ull << 40) - GiB;
    expect_map(f, top + 0x5000, RAM_BASE + 0x5000, 1, P2M_RAM_RW);
    uint64_t d;
    assert_int_equal(bus_read(f->bus, mk_pa(root + 0x1000 + 511 * 8), 8, &d), BUS_OK);
    assert_int_equal(d & 3, 3);                              /* a table descriptor */
    assert_true((d & 0xfffffffff000ull) >= HV_BASE);         /* tables live in hv memory */
    struct mmu_result res;
    assert_true(walk(f->p2m, top + 0x5123, &RD, &res));
    assert_int_equal(res.pa.v, RAM_BASE + 0x5123);
    assert_int_equal(res.desc_reads, 3);                     /* L1, L2, L3 */
    fx_free(f);
}

/* Every supported IPA size: the walker accepts the SL0/T0SZ pair, starts where the p2m says,
 * and finds the last page of the space. */
static void test_sl0_per_ipa_size(void **st)
{
    static const struct { unsigned bits, sl0, level, pages, ps; } want[] = {
        { 32, 1, 1, 1, 0 }, { 36, 1, 1, 1, 1 }, { 40, 1, 1, 2, 2 },
        { 42, 1, 1, 8, 3 }, { 44, 2, 0, 1, 4 }, { 48, 2, 0, 1, 5 },
    };
    for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++) {
        struct fx *f = fx_new_sized(want[i].bits, 3, HV_BASE, HV_SIZE);
        assert_non_null(f->p2m);
        uint64_t vtcr = p2m_vtcr(f->p2m);
        assert_int_equal(vtcr & 0x3f, 64 - want[i].bits);
        assert_int_equal((vtcr >> 6) & 3, want[i].sl0);
        assert_int_equal((vtcr >> 16) & 7, want[i].ps);
        assert_int_equal(p2m_root_pages(f->p2m), want[i].pages);
        assert_int_equal(p2m_vttbr(f->p2m) & (want[i].pages * 0x1000ull - 1), 0);
        struct mmu_regime r;
        p2m_regime(f->p2m, &r);
        assert_true(r.s2_config_ok);
        assert_int_equal(r.start_level, want[i].level);
        uint64_t last = (1ull << want[i].bits) - 0x1000;
        expect_map(f, last, RAM_BASE, 1, P2M_RAM_RW);
        struct mmu_result res;
        assert_true(walk(f->p2m, last + 8, &RD, &res));
        assert_int_equal(res.pa.v, RAM_BASE + 8);
        assert_int_equal(res.desc_reads, 4 - want[i].level);
        /* one past the end: refused by the p2m, level-0 fault in the walker */
        assert_int_equal(p2m_map(f->p2m, mk_ipa(last + 0x1000), mk_pa(RAM_BASE), 1, P2M_RAM_RW,
                                 P2M_REASON_BOOT), -ERANGE);
        expect_hole(f, last + 0x1000, 0);
        fx_free(f);
    }
    /* Unsupported sizes, 16-bit VMIDs */
    struct fx *f = fx_new_sized(39, 1, HV_BASE, HV_SIZE);
    assert_null(f->p2m);
    fx_free(f);
    f = fx_new_sized(40, 0x1234, HV_BASE, HV_SIZE);
    assert_int_equal((p2m_vtcr(f->p2m) >> 19) & 1, 1);
    struct mmu_regime r;
    p2m_regime(f->p2m, &r);
    assert_int_equal(r.vmid, 0x1234);
    fx_free(f);
}

/* ---------------------------------------------------------------- mapping */

/* The hardware domain's RAM 1:1 (IPA = PA): 2MB blocks where aligned, pages at the edges,
 * a 1GB block where IPA and PA allow it. */
static void test_map_ram_1to1(void **st)
{
    struct fx *f = fx_new();
    /* [RAM_BASE + 4K, HV_BASE - 4K): pages, blocks, pages */
    uint64_t s = RAM_BASE + 0x1000, e = HV_BASE - 0x1000;
    assert_int_equal(p2m_map(f->p2m, pa_as_ipa_identity(mk_pa(s)), mk_pa(s), (e - s) >> 12, P2M_RAM_RW,
                             P2M_REASON_BOOT), 0);
    expect_hole(f, RAM_BASE, 3);
    expect_leaf(f, s, s, 3, P2M_RAM_RW);
    expect_leaf(f, RAM_BASE + 0x1ff000, RAM_BASE + 0x1ff000, 3, P2M_RAM_RW);
    expect_leaf(f, RAM_BASE + 0x200000, RAM_BASE + 0x200000, 2, P2M_RAM_RW);
    expect_leaf(f, RAM_BASE + 0x3456789, RAM_BASE + 0x3456789, 2, P2M_RAM_RW);
    expect_leaf(f, HV_BASE - 0x200000, HV_BASE - 0x200000, 3, P2M_RAM_RW);
    expect_leaf(f, e - 0x1000, e - 0x1000, 3, P2M_RAM_RW);
    expect_hole(f, e, 3);
    expect_hole(f, HV_BASE, 2);                              /* never mapped */
    struct mmu_result res;
    assert_true(walk(f->p2m, RAM_BASE + 0x400000, &EX, &res));       /* RAM is executable */
    assert_true(walk(f->p2m, RAM_BASE + 0x400000, &WR, &res));
    assert_int_equal(res.block_shift, 21);
    /* 1GB block: IPA and PA both 1GB aligned (the PA need not be RAM). */
    expect_map(f, 4 * GiB, 8 * GiB, GiB >> 12, P2M_RAM_RW);
    expect_leaf(f, 4 * GiB + 0x12345678, 8 * GiB + 0x12345678, 1, P2M_RAM_RW);
    assert_true(walk(f->p2m, 4 * GiB, &RD, &res));
    assert_int_equal(res.block_shift, 30);
    assert_int_equal(res.desc_reads, 1);
    /* IPA 1GB aligned, PA only 2MB aligned: 2MB blocks */
    expect_map(f, 6 * GiB, 8 * GiB + 2 * MiB, GiB >> 12, P2M_RAM_RW);
    expect_leaf(f, 6 * GiB + 0x3ff000, 8 * GiB + 0x5ff000, 2, P2M_RAM_RW);
    /* One change event per call, with the reason */
    assert_int_equal(f->nch, 3);
    assert_int_equal(f->ch[0].c.op, P2M_OP_MAP);
    assert_int_equal(f->ch[0].c.reason, P2M_REASON_BOOT);
    assert_int_equal(f->ch[0].c.ipa.v, s);
    assert_int_equal(f->ch[0].c.pa.v, s);
    assert_int_equal(f->ch[0].c.size, e - s);
    assert_int_equal(f->ch[0].c.type, P2M_RAM_RW);
    assert_int_equal(f->ch[0].c.vmid, 7);
    /* Nothing was valid before: no invalidation needed. */
    assert_int_equal(f->nfl, 0);
    fx_free(f);
}

/* Each type's S2AP, XN, MemAttr and SH (xen-arm.md §2.2), as pages and as blocks. */
static void test_type_attributes(void **st)
{
    struct fx *f = fx_new();
    for (unsigned t = P2M_RAM_RW; t < P2M_NR_TYPES; t++) {
        uint64_t ipa = 0x10000000ull + t * 0x1000, pa = 0x09000000ull + t * 0x1000;
        expect_map(f, ipa, pa, 1, (enum p2m_type)t);
        expect_leaf(f, ipa, pa, 3, (enum p2m_type)t);
        uint64_t bipa = 2 * GiB + t * 2 * MiB, bpa = 16 * GiB + t * 2 * MiB;
        expect_map(f, bipa, bpa, 512, (enum p2m_type)t);
        expect_leaf(f, bipa + 0x1234, bpa + 0x1234, 2, (enum p2m_type)t);
        const struct p2m_type_info *ti = p2m_type_info((enum p2m_type)t);
        struct mmu_result res;
        /* Permission faults are reported at the leaf level (FSC 0b0011LL). */
        if (ti->xn) {
            assert_false(walk(f->p2m, ipa, &EX, &res));
            assert_int_equal(mmu_fault_fsc(&res.fault), 0x0f);
        } else {
            assert_true(walk(f->p2m, ipa, &EX, &res));
        }
        if (!ti->w) {
            assert_false(walk(f->p2m, bipa, &WR, &res));
            assert_int_equal(mmu_fault_fsc(&res.fault), 0x0e);
            assert_true(res.fault.write);
        }
    }
    /* Spot checks against the table in xen-arm.md, independent of type_info[]. */
    const struct p2m_type_info *d = p2m_type_info(P2M_MMIO_DIRECT_DEV);
    assert_int_equal(d->memattr, 0x1);
    assert_true(d->xn && d->r && d->w);
    assert_int_equal(d->sh, 2);
    assert_int_equal(p2m_type_info(P2M_MMIO_DIRECT_NC)->memattr, 0x5);
    assert_int_equal(p2m_type_info(P2M_MMIO_DIRECT_C)->memattr, 0xf);
    assert_true(p2m_type_info(P2M_MMIO_DIRECT_C)->xn);
    assert_int_equal(p2m_type_info(P2M_RAM_RO)->w, 0);
    assert_int_equal(p2m_type_info(P2M_RAM_RW)->sh, 3);
    assert_false(p2m_type_info(P2M_MMIO_DIRECT_C_RWX)->xn);
    assert_false(p2m_type_info(P2M_MMIO_DIRECT_C_RWX)->xen);   /* flagged: not Xen */
    assert_true(p2m_type_info(P2M_MMIO_DIRECT_C)->xen);
    assert_string_equal(p2m_type_info(P2M_MMIO_DIRECT_C)->name, "p2m_mmio_direct_c");
    assert_null(p2m_type_info(P2M_INVALID));
    assert_null(p2m_type_info(P2M_NR_TYPES));
    fx_free(f);
}

/* Unmapping one page of a 1GB block: the block becomes a level-2 table of 2MB blocks, the
 * 2MB block holding the page becomes a level-3 table, the page is a hole (translation fault at
 * level 3 with the IPA); every neighbour translates as before. */
static void test_unmap_splits_block(void **st)
{
    struct fx *f = fx_new();
    const uint64_t ipa = 4 * GiB, pa = 8 * GiB, hole = ipa + 0x203000;
    expect_map(f, ipa, pa, GiB >> 12, P2M_MMIO_DIRECT_C);
    uint64_t free0 = hv_mem_free_pages(f->mem);
    f->watch_ipa = ipa + 0x7000;
    assert_int_equal(p2m_unmap(f->p2m, mk_ipa(hole), 1, P2M_REASON_HYPERCALL), 0);
    assert_int_equal(hv_mem_free_pages(f->mem), free0 - 2);
    expect_hole(f, hole, 3);
    expect_leaf(f, hole - 0x1000, pa + 0x202000, 3, P2M_MMIO_DIRECT_C);
    expect_leaf(f, hole + 0x1000, pa + 0x204000, 3, P2M_MMIO_DIRECT_C);
    expect_leaf(f, ipa + 0x200000, pa + 0x200000, 3, P2M_MMIO_DIRECT_C);
    expect_leaf(f, ipa + 0x3fffff, pa + 0x3fffff, 3, P2M_MMIO_DIRECT_C);
    expect_leaf(f, ipa, pa, 2, P2M_MMIO_DIRECT_C);
    expect_leaf(f, ipa + 0x400000, pa + 0x400000, 2, P2M_MMIO_DIRECT_C);
    expect_leaf(f, ipa + GiB - 1, pa + GiB - 1, 2, P2M_MMIO_DIRECT_C);
    /* Invalidations: the 1GB block (split), the 2MB block (split), the page (removed). While
     * each ran the old entry was already invalid: the watched IPA (in the 1GB block) faulted
     * at level 1 during the first. */
    assert_int_equal(f->nfl, 3);
    assert_int_equal(f->fl[0].ipa, ipa);
    assert_int_equal(f->fl[0].size, GiB);
    assert_int_equal(f->fl[0].vmid, 7);
    assert_false(f->fl[0].walk_ok);
    assert_int_equal(f->fl[0].fault_level, 1);
    assert_int_equal(f->fl[1].ipa, ipa + 0x200000);
    assert_int_equal(f->fl[1].size, 2 * MiB);
    assert_true(f->fl[1].walk_ok);                           /* other 2MB blocks untouched */
    assert_int_equal(f->fl[2].ipa, hole);
    assert_int_equal(f->fl[2].size, 4 * KiB);
    /* The change event: an unmap with its reason. */
    assert_int_equal(f->nch, 2);
    assert_int_equal(f->ch[1].c.op, P2M_OP_UNMAP);
    assert_int_equal(f->ch[1].c.reason, P2M_REASON_HYPERCALL);
    assert_int_equal(f->ch[1].c.ipa.v, hole);
    assert_int_equal(f->ch[1].c.size, 4096);
    /* A 2MB hole inside a 2MB-aligned part of a block: only the level-1 split was needed... */
    assert_int_equal(p2m_unmap(f->p2m, mk_ipa(ipa + 0x600000), 512, P2M_REASON_HYPERCALL), 0);
    expect_hole(f, ipa + 0x600000, 2);
    expect_hole(f, ipa + 0x7ff000, 2);
    expect_leaf(f, ipa + 0x800000, pa + 0x800000, 2, P2M_MMIO_DIRECT_C);
    /* ...and the 2MB range holding the split page: its level-3 table goes back to hv_mem. */
    assert_int_equal(p2m_unmap(f->p2m, mk_ipa(ipa + 0x200000), 512, P2M_REASON_HYPERCALL), 0);
    expect_hole(f, ipa + 0x202000, 2);
    assert_int_equal(hv_mem_free_pages(f->mem), free0 - 1);
    /* Unmapping what is already a hole changes nothing and flushes nothing. */
    unsigned nfl = f->nfl;
    assert_int_equal(p2m_unmap(f->p2m, mk_ipa(ipa + 0x600000), 16, P2M_REASON_HYPERCALL), 0);
    assert_int_equal(p2m_unmap(f->p2m, mk_ipa(64 * GiB), 1 << 20, P2M_REASON_HYPERCALL), 0);
    assert_int_equal(f->nfl, nfl);
    fx_free(f);
}

/* Remapping with another type: break-before-make. The observer in tlb_flush sees the entry
 * invalid; afterwards the new entry is there. An identical remap changes nothing. */
static void test_remap_break_before_make(void **st)
{
    struct fx *f = fx_new();
    const uint64_t ipa = RAM_BASE, blk = 2 * MiB;
    expect_map(f, ipa, RAM_BASE, 512, P2M_RAM_RW);
    f->watch_ipa = ipa + 0x1000;
    f->nfl = 0;
    assert_int_equal(p2m_map(f->p2m, mk_ipa(ipa), mk_pa(RAM_BASE), 512, P2M_RAM_RO, P2M_REASON_HYPERCALL), 0);
    assert_int_equal(f->nfl, 1);
    assert_int_equal(f->fl[0].ipa, ipa);
    assert_int_equal(f->fl[0].size, blk);
    assert_int_equal(f->fl[0].vmid, 7);
    assert_false(f->fl[0].walk_ok);                          /* invalid before the flush */
    assert_int_equal(f->fl[0].fault_level, 2);
    expect_leaf(f, ipa + 0x1000, RAM_BASE + 0x1000, 2, P2M_RAM_RO);   /* new entry after */
    struct mmu_result res;
    assert_false(walk(f->p2m, ipa + 0x1000, &WR, &res));
    assert_int_equal(res.fault.kind, MMU_FAULT_PERMISSION);
    /* Same mapping again: nothing to do. */
    assert_int_equal(p2m_map(f->p2m, mk_ipa(ipa), mk_pa(RAM_BASE), 512, P2M_RAM_RO, P2M_REASON_HYPERCALL), 0);
    assert_int_equal(f->nfl, 1);
    /* One page of the block as Device: split (flush 2MB) then the page itself (flush 4KB),
     * each time with the old entry already invalid. */
    f->watch_ipa = ipa + 0x5000;
    assert_int_equal(p2m_map(f->p2m, mk_ipa(ipa + 0x5000), mk_pa(0x09000000), 1, P2M_MMIO_DIRECT_DEV,
                             P2M_REASON_FAULT), 0);
    assert_int_equal(f->nfl, 3);
    assert_int_equal(f->fl[1].ipa, ipa);
    assert_int_equal(f->fl[1].size, blk);
    assert_false(f->fl[1].walk_ok);
    assert_int_equal(f->fl[1].fault_level, 2);
    assert_int_equal(f->fl[2].ipa, ipa + 0x5000);
    assert_int_equal(f->fl[2].size, 4 * KiB);
    assert_false(f->fl[2].walk_ok);
    assert_int_equal(f->fl[2].fault_level, 3);
    expect_leaf(f, ipa + 0x5000, 0x09000000, 3, P2M_MMIO_DIRECT_DEV);
    expect_leaf(f, ipa + 0x4000, RAM_BASE + 0x4000, 3, P2M_RAM_RO);
    expect_leaf(f, ipa + 0x6000, RAM_BASE + 0x6000, 3, P2M_RAM_RO);
    /* The whole 2MB as a block again: the level-3 table is replaced (flush 2MB) and freed. */
    uint64_t free0 = hv_mem_free_pages(f->mem);
    expect_map(f, ipa, RAM_BASE, 512, P2M_RAM_RW);
    assert_int_equal(f->nfl, 4);
    assert_int_equal(f->fl[3].size, blk);
    assert_false(f->fl[3].walk_ok);
    assert_int_equal(hv_mem_free_pages(f->mem), free0 + 1);
    expect_leaf(f, ipa + 0x5000, RAM_BASE + 0x5000, 2, P2M_RAM_RW);
    /* Change events carry the reasons. */
    assert_int_equal(f->nch, 4);                             /* the identical remap: none */
    assert_int_equal(f->ch[1].c.reason, P2M_REASON_HYPERCALL);
    assert_int_equal(f->ch[1].c.type, P2M_RAM_RO);
    assert_int_equal(f->ch[2].c.reason, P2M_REASON_FAULT);
    assert_int_equal(f->ch[2].c.type, P2M_MMIO_DIRECT_DEV);
    assert_int_equal(f->ch[2].c.pa.v, 0x09000000);
    assert_int_equal(f->ch[2].c.size, 4096);
    fx_free(f);
}

/* Tables left empty by an unmap go back to the allocator; the root stays. */
static void test_unmap_frees_tables(void **st)
{
    struct fx *f = fx_new();
    const uint64_t base = hv_mem_free_pages(f->mem);
    expect_map(f, RAM_BASE + 0x1000, RAM_BASE + 0x1000, 1, P2M_RAM_RW);
    expect_map(f, RAM_BASE + 0x3000, RAM_BASE + 0x3000, 1, P2M_RAM_RW);
    expect_map(f, RAM_BASE + 0x400000, RAM_BASE + 0x400000, 1, P2M_RAM_RW);
    assert_int_equal(hv_mem_free_pages(f->mem), base - 3);           /* one L2, two L3 */
    f->nfl = 0;
    assert_int_equal(p2m_unmap(f->p2m, mk_ipa(RAM_BASE + 0x1000), 1, P2M_REASON_BOOT), 0);
    assert_int_equal(hv_mem_free_pages(f->mem), base - 3);
    assert_int_equal(p2m_unmap(f->p2m, mk_ipa(RAM_BASE + 0x3000), 1, P2M_REASON_BOOT), 0);
    assert_int_equal(hv_mem_free_pages(f->mem), base - 2);           /* the first L3 */
    /* Its removal was invalidated for the whole 2MB its table entry covered. */
    assert_int_equal(f->fl[f->nfl - 1].ipa, RAM_BASE);
    assert_int_equal(f->fl[f->nfl - 1].size, 2 * MiB);
    expect_hole(f, RAM_BASE + 0x3000, 2);
    assert_int_equal(p2m_unmap(f->p2m, mk_ipa(RAM_BASE), 3 * 512, P2M_REASON_BOOT), 0);
    assert_int_equal(hv_mem_free_pages(f->mem), base);               /* L3 and L2 */
    assert_int_equal(f->fl[f->nfl - 1].size, GiB);
    expect_hole(f, RAM_BASE + 0x400000, 1);
    uint64_t d, root = p2m_vttbr(f->p2m) & 0xffffffffffffull;
    assert_int_equal(bus_read(f->bus, mk_pa(root + 8), 8, &d), BUS_OK);
    assert_int_equal(d, 0);
    fx_free(f);
}

/* The reserved memory runs out: clean errors, nothing half-built, earlier mappings intact. */
static void test_hv_mem_exhausted(void **st)
{
    /* 1 page: not even the 2-page root. */
    struct fx *f = fx_new_sized(40, 1, HV_BASE, 0x1000);
    assert_null(f->p2m);
    fx_free(f);
    /* 5 pages: root (2) + one L2 + one L3, and one spare. */
    f = fx_new_sized(40, 1, HV_BASE, 5 * 0x1000);
    assert_non_null(f->p2m);
    expect_map(f, RAM_BASE, RAM_BASE, 1, P2M_RAM_RW);
    assert_int_equal(hv_mem_free_pages(f->mem), 1);
    /* Another GB needs an L2 and an L3: the L2 is taken, the L3 fails, the L2 comes back. */
    assert_int_equal(p2m_map(f->p2m, mk_ipa(8 * GiB), mk_pa(RAM_BASE), 1, P2M_RAM_RW, P2M_REASON_BOOT), -ENOMEM);
    assert_int_equal(hv_mem_free_pages(f->mem), 1);
    expect_hole(f, 8 * GiB, 1);
    expect_leaf(f, RAM_BASE, RAM_BASE, 3, P2M_RAM_RW);
    assert_int_equal(f->nch, 1);                             /* nothing mapped: no event */
    /* A block can still go in at level 2 of another GB (one L2 table). */
    expect_map(f, 8 * GiB, 2 * GiB, 512, P2M_RAM_RW);
    assert_int_equal(hv_mem_free_pages(f->mem), 0);
    /* Splitting it needs a table: refused, the block still there, no flush. */
    unsigned nfl = f->nfl;
    assert_int_equal(p2m_unmap(f->p2m, mk_ipa(8 * GiB + 0x1000), 1, P2M_REASON_BOOT), -ENOMEM);
    assert_int_equal(f->nfl, nfl);
    expect_leaf(f, 8 * GiB + 0x1000, 2 * GiB + 0x1000, 2, P2M_RAM_RW);
    /* A multi-page map that runs out half-way: the done part is mapped and reported. */
    assert_int_equal(p2m_map(f->p2m, mk_ipa(RAM_BASE + 0x1000), mk_pa(RAM_BASE + 0x1000), 3, P2M_RAM_RW,
                             P2M_REASON_BOOT), 0);                     /* same L3: fine */
    assert_int_equal(p2m_map(f->p2m, mk_ipa(RAM_BASE + 0x1ff000), mk_pa(RAM_BASE + 0x1ff000), 2,
                             P2M_RAM_RW, P2M_REASON_BOOT), -ENOMEM);  /* 2nd page needs an L3 */
    expect_leaf(f, RAM_BASE + 0x1ff000, RAM_BASE + 0x1ff000, 3, P2M_RAM_RW);
    expect_hole(f, RAM_BASE + 0x200000, 2);
    assert_int_equal(f->ch[f->nch - 1].c.size, 0x1000);
    fx_free(f);
}

/* What no domain may have: the hypervisor's own memory, IPAs beyond T0SZ, PAs beyond PS. */
static void test_refusals(void **st)
{
    struct fx *f = fx_new();
    struct p2m *p = f->p2m;
    const enum p2m_reason B = P2M_REASON_BOOT;
    assert_int_equal(p2m_map(p, mk_ipa(HV_BASE), mk_pa(HV_BASE), 1, P2M_RAM_RW, B), -EPERM);
    assert_int_equal(p2m_map(p, mk_ipa(HV_BASE - 0x1000), mk_pa(HV_BASE - 0x1000), 2, P2M_RAM_RW, B), -EPERM);
    assert_int_equal(p2m_map(p, mk_ipa(0), mk_pa(HV_BASE + HV_SIZE - 0x1000), 1, P2M_MMIO_DIRECT_C, B), -EPERM);
    /* RAM 1:1 including the reserved range: refused as a whole. */
    assert_int_equal(p2m_map(p, mk_ipa(RAM_BASE), mk_pa(RAM_BASE), RAM_SIZE >> 12, P2M_RAM_RW, B), -EPERM);
    expect_hole(f, RAM_BASE, 1);
    assert_int_equal(p2m_map(p, mk_ipa(1ull << 40), mk_pa(RAM_BASE), 1, P2M_RAM_RW, B), -ERANGE);
    assert_int_equal(p2m_map(p, mk_ipa((1ull << 40) - 0x1000), mk_pa(RAM_BASE), 2, P2M_RAM_RW, B), -ERANGE);
    assert_int_equal(p2m_map(p, mk_ipa(0), mk_pa(RAM_BASE), 1ull << 40, P2M_RAM_RW, B), -ERANGE);
    assert_int_equal(p2m_map(p, mk_ipa(0), mk_pa(1ull << 40), 1, P2M_RAM_RW, B), -ERANGE);
    assert_int_equal(p2m_map(p, mk_ipa(0), mk_pa((1ull << 40) - 0x1000), 2, P2M_RAM_RW, B), -ERANGE);
    assert_int_equal(p2m_map(p, mk_ipa(0), mk_pa(RAM_BASE), 1, P2M_INVALID, B), -EINVAL);
    assert_int_equal(p2m_map(p, mk_ipa(0), mk_pa(RAM_BASE), 1, P2M_NR_TYPES, B), -EINVAL);
    assert_int_equal(p2m_map(p, mk_ipa(0), mk_pa(RAM_BASE), 0, P2M_RAM_RW, B), -EINVAL);
    assert_int_equal(p2m_map(p, mk_ipa(0x800), mk_pa(RAM_BASE), 1, P2M_RAM_RW, B), -EINVAL);
    assert_int_equal(p2m_map(p, mk_ipa(0), mk_pa(RAM_BASE + 4), 1, P2M_RAM_RW, B), -EINVAL);
    assert_int_equal(p2m_unmap(p, mk_ipa(1ull << 40), 1, B), -ERANGE);
    assert_int_equal(p2m_unmap(p, mk_ipa(0), 0, B), -EINVAL);
    assert_int_equal(f->nch, 0);
    assert_int_equal(f->nfl, 0);
    assert_int_equal(hv_mem_free_pages(f->mem), (HV_SIZE >> 12) - 2);
    fx_free(f);
}

/* No shadow copy: the descriptors in memory are the truth. A write through the bus (as a
 * debugger could do) is what the lookup sees. */
static void test_lookup_reads_descriptors(void **st)
{
    struct fx *f = fx_new();
    expect_map(f, 0x1000, RAM_BASE + 0x1000, 1, P2M_RAM_RW);
    struct mmu_result res;
    assert_true(walk(f->p2m, 0x1000, &RD, &res));
    /* Find the leaf's address: L3 table base from the L2 descriptor. */
    uint64_t root = p2m_vttbr(f->p2m) & 0xffffffffffffull, l1, l2;
    bus_read(f->bus, mk_pa(root), 8, &l1);
    bus_read(f->bus, mk_pa(l1 & 0xfffffffff000ull), 8, &l2);
    uint64_t leaf_pa = (l2 & 0xfffffffff000ull) + 8;
    uint64_t leaf;
    bus_read(f->bus, mk_pa(leaf_pa), 8, &leaf);
    assert_int_equal(leaf, res.desc);
    bus_write(f->bus, mk_pa(leaf_pa), 8, (leaf & ~(0xfull << 55)) | (uint64_t)P2M_MMIO_DIRECT_C << 55);
    enum p2m_type t;
    pa_t pa;
    assert_true(p2m_lookup(f->p2m, mk_ipa(0x1abc), &pa, &t));
    assert_int_equal(t, P2M_MMIO_DIRECT_C);
    assert_int_equal(pa.v, RAM_BASE + 0x1abc);
    bus_write(f->bus, mk_pa(leaf_pa), 8, 0);
    assert_false(p2m_lookup(f->p2m, mk_ipa(0x1abc), &pa, &t));
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hv_mem_alloc),
        cmocka_unit_test(test_vtcr_vttbr_40bit),
        cmocka_unit_test(test_sl0_per_ipa_size),
        cmocka_unit_test(test_map_ram_1to1),
        cmocka_unit_test(test_type_attributes),
        cmocka_unit_test(test_unmap_splits_block),
        cmocka_unit_test(test_remap_break_before_make),
        cmocka_unit_test(test_unmap_frees_tables),
        cmocka_unit_test(test_hv_mem_exhausted),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_lookup_reads_descriptors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
