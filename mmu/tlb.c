/* mmu/tlb.c — software TLB maintenance helpers (the TLB arrays are in mmu/mmu.h; the CPU owns
 * one per EL, the fast paths in cpu/ read them). */
#include "mmu/mmu.h"

void soft_tlb_flush_page(struct soft_tlb *t, uint64_t va)
{
    /* Direct-mapped and untagged by ASID/VMID: the page can only live in its one slot per
     * array. Clearing it whatever its tag is allowed — invalidating more than asked is always
     * architecturally permitted (D8.13 "TLB maintenance"). */
    unsigned i = soft_tlb_index(va);
    t->r[i].tag = SOFT_TLB_INVALID;
    t->w[i].tag = SOFT_TLB_INVALID;
}
