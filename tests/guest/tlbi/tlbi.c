/* tests/guest/tlbi — TLB maintenance and ASIDs (4 KiB granule, 48-bit VA, lib/mmu.c).
 *  - VA X maps page A (nG, ASID 1); after a read, the descriptor is rewritten to page B without
 *    TLBI: the architecture allows either translation to be used until the TLB is invalidated
 *    (Arm ARM D8.13 "TLB maintenance requirements"), so what is seen is printed on an INFO line
 *    (QEMU 7.2 keeps the cached translation: A). After each of TLBI VAE1IS, VALE1, VAAE1,
 *    VMALLE1, ASIDE1 (ASID 1) + DSB ISH + ISB, the new mapping must be used.
 *  - Two ASIDs with two roots mapping VA Y to different pages (nG): switching TTBR0_EL1 (ASID
 *    in bits [63:48]) without TLBI must give each ASID its own mapping, back and forth.
 *  - A global page is seen through both ASIDs. */
#include "rt.h"
#include "mmu.h"

static uint64_t pa_a[512] __attribute__((aligned(4096)));
static uint64_t pa_b[512] __attribute__((aligned(4096)));

static inline uint64_t rd(uint64_t va) { return *(volatile uint64_t *)va; }
#define SYNC_PT() __asm__ volatile("dsb ishst\n\tisb" ::: "memory")
#define TLBI_DONE() __asm__ volatile("dsb ish\n\tisb" ::: "memory")

int main(void)
{
    pa_a[0] = 0xaaaa; pa_b[0] = 0xbbbb;
    const uint64_t X = 0x100000000ull;          /* L0[0] -> L1[4] ... */
    const uint64_t Y = 0x8000000000ull;         /* L0[1]: private per root */
    const uint64_t G = 0x100200000ull;          /* global page */
    const uint64_t nG = PTE_NORMAL | PTE_XN | PTE_NG;
    uint64_t *root1 = mmu_identity();
    mmu_map_pages(root1, X, (uint64_t)pa_a, 4096, nG);
    mmu_map_pages(root1, G, (uint64_t)pa_b, 4096, PTE_NORMAL | PTE_XN);
    uint64_t *root2 = mmu_new_table();
    root2[0] = root1[0];                        /* identity + X + G shared */
    mmu_map_pages(root1, Y, (uint64_t)pa_a, 4096, nG);
    mmu_map_pages(root2, Y, (uint64_t)pa_b, 4096, nG);
    uint64_t *px = mmu_slot(root1, X, 3);
    const uint64_t ASID1 = 1ull << 48, ASID2 = 2ull << 48;

    mmu_enable(root1, MMU_TCR_4K48);
    SYSREG_WRITE(ttbr0_el1, (uint64_t)root1 | ASID1);
    __asm__ volatile("isb\n\ttlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");

    CHECK_EQ("x-maps-a", rd(X), 0xaaaa);
    *px = ((uint64_t)pa_b) | nG | PTE_PAGE; SYNC_PT();
    uint64_t stale = rd(X);
    printf("INFO remap-without-tlbi sees %s\n", stale == 0xaaaa ? "old page A (cached)" : stale == 0xbbbb ? "new page B" : "garbage");
    CHECK("remap-without-tlbi-a-or-b", stale == 0xaaaa || stale == 0xbbbb);
    __asm__ volatile("tlbi vae1is, %0" :: "r"((X >> 12) | ASID1) : "memory"); TLBI_DONE();
    CHECK_EQ("tlbi-vae1is", rd(X), 0xbbbb);

    *px = ((uint64_t)pa_a) | nG | PTE_PAGE; SYNC_PT();
    (void)rd(X);
    __asm__ volatile("tlbi vale1, %0" :: "r"((X >> 12) | ASID1) : "memory"); TLBI_DONE();
    CHECK_EQ("tlbi-vale1", rd(X), 0xaaaa);

    *px = ((uint64_t)pa_b) | nG | PTE_PAGE; SYNC_PT();
    (void)rd(X);
    __asm__ volatile("tlbi vaae1, %0" :: "r"(X >> 12) : "memory"); TLBI_DONE();
    CHECK_EQ("tlbi-vaae1", rd(X), 0xbbbb);

    *px = ((uint64_t)pa_a) | nG | PTE_PAGE; SYNC_PT();
    (void)rd(X);
    __asm__ volatile("tlbi vmalle1" ::: "memory"); TLBI_DONE();
    CHECK_EQ("tlbi-vmalle1", rd(X), 0xaaaa);

    *px = ((uint64_t)pa_b) | nG | PTE_PAGE; SYNC_PT();
    (void)rd(X);
    __asm__ volatile("tlbi aside1, %0" :: "r"(ASID1) : "memory"); TLBI_DONE();
    CHECK_EQ("tlbi-aside1", rd(X), 0xbbbb);

    *px = ((uint64_t)pa_a) | nG | PTE_PAGE; SYNC_PT();
    (void)rd(X);
    __asm__ volatile("tlbi vmalle1is" ::: "memory"); TLBI_DONE();
    CHECK_EQ("tlbi-vmalle1is", rd(X), 0xaaaa);

    /* ASIDs: same VA, two roots. */
    CHECK_EQ("asid1-y-a", rd(Y), 0xaaaa);
    SYSREG_WRITE(ttbr0_el1, (uint64_t)root2 | ASID2); ISB();
    CHECK_EQ("asid2-y-b", rd(Y), 0xbbbb);
    CHECK_EQ("asid2-global-page", rd(G), 0xbbbb);
    SYSREG_WRITE(ttbr0_el1, (uint64_t)root1 | ASID1); ISB();
    CHECK_EQ("asid1-y-a-again", rd(Y), 0xaaaa);
    SYSREG_WRITE(ttbr0_el1, (uint64_t)root2 | ASID2); ISB();
    CHECK_EQ("asid2-y-b-again", rd(Y), 0xbbbb);
    /* Invalidate ASID 2 only, then ASID 1 must still translate Y (re-walk or cached: both A). */
    __asm__ volatile("tlbi aside1, %0" :: "r"(ASID2) : "memory"); TLBI_DONE();
    SYSREG_WRITE(ttbr0_el1, (uint64_t)root1 | ASID1); ISB();
    CHECK_EQ("asid1-after-aside1-asid2", rd(Y), 0xaaaa);
    CHECK_EQ("asid-in-ttbr0", SYSREG_READ(ttbr0_el1) >> 48, 1);
    mmu_disable();
    rt_result();
    return 0;
}
