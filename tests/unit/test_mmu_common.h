/* tests/unit/test_mmu_common.h — a small fake physical memory and a page-table builder for
 * the walker tests (test_mmu_walk.c, test_mmu_stage2.c). Header-only: each test includes it. */
#ifndef TEST_MMU_COMMON_H
#define TEST_MMU_COMMON_H
#include <stdint.h>
#include <string.h>
#include "mmu/mmu.h"

#define FM_SIZE (8u << 20)               /* fake PA space [0, 8 MiB) */
static uint8_t fm[FM_SIZE] __attribute__((aligned(65536)));
static uint64_t fm_next;                 /* bump allocator for tables */
static unsigned fm_reads;

static bool fm_read(void *opaque, pa_t pa, uint64_t *desc)
{
    (void)opaque;
    fm_reads++;
    if (pa.v + 8 > FM_SIZE || (pa.v & 7)) return false;
    memcpy(desc, fm + pa.v, 8);
    return true;
}
static const struct mmu_desc_reader fm_rd = { fm_read, NULL };

static inline void fm_reset(void) { memset(fm, 0, sizeof fm); fm_next = 0x10000; fm_reads = 0; }
static inline uint64_t fm_alloc(uint64_t size)
{
    uint64_t a = (fm_next + size - 1) & ~(size - 1);
    fm_next = a + size;
    return a;
}
static inline uint64_t rd64(uint64_t pa) { uint64_t v; memcpy(&v, fm + pa, 8); return v; }
static inline void wr64(uint64_t pa, uint64_t v) { memcpy(fm + pa, &v, 8); }

/* Descriptor bits */
#define D_VALID  1ull
#define D_TABLE  3ull
#define D_PAGE   3ull
#define D_BLOCK  1ull
#define D_AF     (1ull << 10)
#define D_NG     (1ull << 11)
#define D_AP_EL0 (1ull << 6)     /* AP[1] */
#define D_AP_RO  (1ull << 7)     /* AP[2] */
#define D_S2_R   (1ull << 6)     /* S2AP[0] */
#define D_S2_W   (1ull << 7)     /* S2AP[1] */
#define D_SH_IS  (3ull << 8)
#define D_SH_OS  (2ull << 8)
#define D_PXN    (1ull << 53)
#define D_UXN    (1ull << 54)
#define D_XN     (1ull << 54)
#define D_SW(n)  ((uint64_t)(n) << 55)
#define D_ATTR(i) ((uint64_t)(i) << 2)
#define D_MEMATTR(m) ((uint64_t)(m) << 2)
#define T_PXN    (1ull << 59)
#define T_UXN    (1ull << 60)
#define T_NOEL0  (1ull << 61)
#define T_RO     (1ull << 62)

static inline unsigned tt_start_level(unsigned g, unsigned isz)
{
    return 3 - ((isz - 1 - g) / (g - 3));
}

/* Install `leaf` (OA | type | attributes) for input address ia at leaf_level, creating table
 * descriptors (with extra table bits tbits) as needed from root (start level `start`). */
static inline void tt_map(uint64_t root, unsigned g, unsigned isz, unsigned start, uint64_t ia,
                   unsigned leaf_level, uint64_t leaf, uint64_t tbits)
{
    unsigned stride = g - 3;
    uint64_t table = root;
    for (unsigned level = start;; level++) {
        unsigned lsb = g + (3 - level) * stride;
        unsigned width = level == start ? isz - lsb : stride;
        uint64_t idx = (ia >> lsb) & ((1ull << width) - 1);
        uint64_t slot = table + idx * 8;
        if (level == leaf_level) { wr64(slot, leaf); return; }
        uint64_t d = rd64(slot);
        if (!(d & 1)) {
            d = fm_alloc(1ull << g) | D_TABLE | tbits;
            wr64(slot, d);
        }
        table = d & (((1ull << 48) - 1) & ~((1ull << g) - 1));
    }
}
/* Address of the descriptor slot that translates ia at `level` (tables must exist above). */
static inline uint64_t tt_slot(uint64_t root, unsigned g, unsigned isz, unsigned start, uint64_t ia, unsigned level)
{
    unsigned stride = g - 3;
    uint64_t table = root;
    for (unsigned l = start;; l++) {
        unsigned lsb = g + (3 - l) * stride;
        unsigned width = l == start ? isz - lsb : stride;
        uint64_t slot = table + ((ia >> lsb) & ((1ull << width) - 1)) * 8;
        if (l == level) return slot;
        table = rd64(slot) & (((1ull << 48) - 1) & ~((1ull << g) - 1));
    }
}

static const struct mmu_access ACC_R1 = { .type = MMU_READ };
static const struct mmu_access ACC_W1 = { .type = MMU_WRITE };
static const struct mmu_access ACC_X1 = { .type = MMU_EXEC };
static const struct mmu_access ACC_R0 = { .type = MMU_READ, .el0 = true };
static const struct mmu_access ACC_W0 = { .type = MMU_WRITE, .el0 = true };
static const struct mmu_access ACC_X0 = { .type = MMU_EXEC, .el0 = true };

#endif
