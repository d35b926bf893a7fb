/* tests/guest/lib/mmu.c — see mmu.h. */
#include "mmu.h"

#define POOL_PAGES 48
static uint64_t pool[POOL_PAGES][512] __attribute__((aligned(4096)));
static unsigned pool_used;

uint64_t *mmu_new_table(void)
{
    if (pool_used >= POOL_PAGES) {
        puts_("FAIL mmu: table pool exhausted\n");
        psci_system_off();
    }
    uint64_t *t = pool[pool_used++];
    for (int i = 0; i < 512; i++) t[i] = 0;
    return t;
}

uint64_t *mmu_slot(uint64_t *root, uint64_t va, int level)
{
    uint64_t *t = root;
    for (int l = 0; ; l++) {
        uint64_t *d = &t[(va >> (39 - 9 * l)) & 511];
        if (l == level) return d;
        if (*d == 0) *d = (uint64_t)mmu_new_table() | PTE_TABLE;
        else if ((*d & 3) != 3) return 0;
        t = (uint64_t *)(*d & PTE_ADDR_MASK);
    }
}

void mmu_map_pages(uint64_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs)
{
    for (uint64_t o = 0; o < size; o += 4096) {
        uint64_t *d = mmu_slot(root, va + o, 3);
        if (d) *d = ((pa + o) & PTE_ADDR_MASK) | attrs | PTE_PAGE;
    }
}

void mmu_map_block(uint64_t *root, uint64_t va, uint64_t pa, int level, uint64_t attrs)
{
    uint64_t *d = mmu_slot(root, va, level);
    if (d) *d = (pa & PTE_ADDR_MASK) | attrs | PTE_BLOCK;
}

uint64_t *mmu_identity(void)
{
    uint64_t *root = mmu_new_table();
    mmu_map_block(root, 0, 0, 1, PTE_DEVICE);
    uint64_t img0 = (uint64_t)__image_start & ~0x1fffffull;
    uint64_t img1 = ((uint64_t)__image_end + 0x1fffff) & ~0x1fffffull;
    for (uint64_t a = 0x40000000ull; a < 0x80000000ull; a += 0x200000) {
        if (a >= img0 && a < img1) {
            for (uint64_t p = a; p < a + 0x200000; p += 4096) {
                uint64_t at;
                if (p >= (uint64_t)__image_start && p < (uint64_t)__text_end) at = PTE_NORMAL | PTE_AP_RO;
                else if (p >= (uint64_t)__stack_top && p < (uint64_t)__el0_stack_top)
                    at = PTE_NORMAL | PTE_AP_RW | PTE_XN;
                else at = PTE_NORMAL | PTE_XN;
                mmu_map_pages(root, p, p, 4096, at);
            }
        } else {
            mmu_map_block(root, a, a, 2, PTE_NORMAL | PTE_XN);
        }
    }
    return root;
}

void mmu_enable(uint64_t *root, uint64_t tcr)
{
    SYSREG_WRITE(mair_el1, MMU_MAIR);
    SYSREG_WRITE(tcr_el1, tcr);
    SYSREG_WRITE(ttbr0_el1, (uint64_t)root);
    __asm__ volatile("dsb ish\n\ttlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");
    uint64_t sctlr = SYSREG_READ(sctlr_el1);
    SYSREG_WRITE(sctlr_el1, sctlr | 1 | (1 << 2) | (1 << 12));
    ISB();
}

void mmu_disable(void)
{
    uint64_t sctlr = SYSREG_READ(sctlr_el1);
    SYSREG_WRITE(sctlr_el1, sctlr & ~1ull);
    ISB();
    __asm__ volatile("tlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");
}
