/* mmu/tlb.c — software TLB maintenance helpers (the TLB arrays are in mmu/mmu.h; the CPU owns
 * one per EL, the fast paths in cpu/ read them). */
#include "mmu/mmu.h"

void soft_tlb_flush_page(struct soft_tlb *t, uint64_t va)
{
    /* Direct-mapped and untagged by ASID/VMID: a 4KB page can only live in its one slot per
     * array, and clearing it whatever its tag is allowed — invalidating more than asked is always
     * architecturally permitted (D8.13 "TLB maintenance"). If pages of a larger mapping were
     * installed, the TLBI removes that whole mapping: drop every slot it can occupy. */
    unsigned shift = t->max_shift > PAGE_SHIFT ? t->max_shift : PAGE_SHIFT;
    uint64_t pages = 1ull << (shift - PAGE_SHIFT);
    if (pages >= SOFT_TLB_SIZE) {
        soft_tlb_flush(t);
        t->max_shift = 0;
        return;
    }
    uint64_t base = va & ~((1ull << shift) - 1);
    for (uint64_t p = 0; p < pages; p++) {
        unsigned i = soft_tlb_index(base + (p << PAGE_SHIFT));
        t->r[i].tag = SOFT_TLB_INVALID;
        t->w[i].tag = SOFT_TLB_INVALID;
    }
}

void soft_tlb_flush(struct soft_tlb *t)
{
    for (unsigned i = 0; i < SOFT_TLB_SIZE; i++) t->r[i].tag = t->w[i].tag = SOFT_TLB_INVALID;
    t->max_shift = 0;        /* no block entries remain */
}
