/* tests/guest/lib/mmu.h — stage-1 EL1&0 translation tables with the 4 KiB granule, 48-bit VA
 * (TCR_EL1.T0SZ = 16, walks start at level 0), TTBR0 only (EPD1 = 1), IPS = 40 bits.
 * MAIR_EL1 = MMU_MAIR: Attr0 Device-nGnRnE, Attr1 Normal WB RWA, Attr2 Normal NC, Attr3 Device-nGnRE.
 * mmu_identity() builds the runtime's identity map:
 *   0x00000000-0x3fffffff  Device-nGnRnE, level-1 block, EL1 RW, XN
 *   image [__image_start, __text_end)          4K pages, Normal, RO at EL0 and EL1, executable
 *   [__text_end, __stack_top) and secondaries' stacks   Normal, EL1 RW, XN
 *   EL0 stack [__stack_top, __el0_stack_top)  Normal, RW at EL0 and EL1, XN
 *   the rest of 0x40000000-0x7fffffff         Normal, EL1 RW, XN, 2 MiB blocks
 * Tables come from a static pool (mmu_new_table), zeroed. */
#ifndef GUEST_MMU_H
#define GUEST_MMU_H
#include "rt.h"

#define MMU_MAIR 0x0444ff00ull
#define ATTR_DEVICE  0
#define ATTR_NORMAL  1
#define ATTR_NC      2
#define ATTR_DEV_NGNRE 3

#define PTE_VALID   (1ull << 0)
#define PTE_TABLE   (3ull)            /* levels 0-2 */
#define PTE_PAGE    (3ull)            /* level 3 */
#define PTE_BLOCK   (1ull)            /* levels 1-2 */
#define PTE_ATTR(i) ((uint64_t)(i) << 2)
#define PTE_AP_EL1_RW (0ull << 6)
#define PTE_AP_RW     (1ull << 6)     /* EL0 and EL1 RW (implies PXN) */
#define PTE_AP_EL1_RO (2ull << 6)
#define PTE_AP_RO     (3ull << 6)     /* EL0 and EL1 RO */
#define PTE_SH_INNER (3ull << 8)
#define PTE_AF      (1ull << 10)
#define PTE_NG      (1ull << 11)
#define PTE_PXN     (1ull << 53)
#define PTE_UXN     (1ull << 54)
#define PTE_XN      (PTE_PXN | PTE_UXN)
#define PTE_NORMAL  (PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF)
#define PTE_DEVICE  (PTE_ATTR(ATTR_DEVICE) | PTE_AF | PTE_XN)
#define PTE_ADDR_MASK 0x0000fffffffff000ull

/* TCR_EL1 for the 4K/48-bit regime: T0SZ 16, IRGN0/ORGN0 WBWA, SH0 inner, TG0 4K, EPD1, IPS 40 bits. */
#define MMU_TCR_4K48 (16ull | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 23) | (2ull << 32))

uint64_t *mmu_new_table(void);
/* Pointer to the descriptor for va at level (0..3) below root, creating (zeroed) tables on the
 * way; returns 0 if a block or invalid-but-nonzero entry is in the way. */
uint64_t *mmu_slot(uint64_t *root, uint64_t va, int level);
/* Maps [va, va+size) to pa with 4 KiB pages; attrs = PTE_* bits without the type bits. */
void mmu_map_pages(uint64_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs);
void mmu_map_block(uint64_t *root, uint64_t va, uint64_t pa, int level, uint64_t attrs);
uint64_t *mmu_identity(void);
/* MAIR, TCR, TTBR0 (with asid), TLBI VMALLE1, SCTLR_EL1.M|C|I. */
void mmu_enable(uint64_t *root, uint64_t tcr);
void mmu_disable(void);
static inline void tlbi_all(void)
{
    __asm__ volatile("dsb ishst\n\ttlbi vmalle1is\n\tdsb ish\n\tisb" ::: "memory");
}
extern char __image_start[], __text_end[], __stack_top[], __el0_stack_top[], __sec_stacks[],
    __sec_stacks_end[], __image_end[];
#endif
