/* tests/guest/at_par — address translation instructions AT S1E1R / S1E1W / S1E0R / S1E0W at EL1
 * and the PAR_EL1 result (Arm ARM D13 PAR_EL1):
 *   success: F (bit 0) = 0, PA[47:12], SH[8:7], ATTR[63:56] = the MAIR_EL1 byte of the mapping;
 *   failure: F = 1, FST[6:1] = the fault status code as a data abort would report it (level
 *   included), PTW (bit 8) = 0, S (bit 9) = 0 (stage 1); no exception is taken.
 * Pages: Normal EL1-RW, Normal EL0+EL1-RW, read-only at both ELs, EL1-read-only, AF = 0, Device,
 * an unmapped level-3 slot, an unmapped level-1 slot, a 2 MiB block of the identity map, and
 * AT with the MMU off (flat, PA = VA). */
#include "rt.h"
#include "mmu.h"

static uint8_t tpage[4096] __attribute__((aligned(4096)));

#define AT(op, va) ({ __asm__ volatile("at " op ", %0\n\tisb" :: "r"((uint64_t)(va)) : "memory"); \
    SYSREG_READ(par_el1); })

static void check_ok(const char *name, uint64_t par, uint64_t pa, unsigned attr)
{
    int ok = !(par & 1) && (par & 0x0000fffffffff000ull) == (pa & ~0xfffull) && (par >> 56) == attr;
    if (ok) printf("PASS %s\n", name);
    else { rt_failures++; printf("FAIL %s par=0x%lx want pa=0x%lx attr=0x%x\n", name, par, pa, attr); }
}
static void check_fault(const char *name, uint64_t par, unsigned fst)
{
    int ok = (par & 1) && ((par >> 1) & 0x3f) == fst && !((par >> 8) & 1) && !((par >> 9) & 1);
    if (ok) printf("PASS %s\n", name);
    else { rt_failures++; printf("FAIL %s par=0x%lx want fst=0x%x\n", name, par, fst); }
}

int main(void)
{
    uint64_t tp = (uint64_t)tpage;
    /* MMU off: flat translation. */
    uint64_t par = AT("s1e1r", tp + 0x123);
    CHECK_EQ("mmu-off-s1e1r-f", par & 1, 0);
    CHECK_EQ("mmu-off-s1e1r-pa", par & 0x0000fffffffff000ull, tp);
    printf("INFO mmu-off PAR attr=0x%lx sh=%lu\n", par >> 56, (par >> 7) & 3);

    uint64_t *root = mmu_identity();
    const uint64_t B = 0x100000000ull;
    const uint64_t V_RW1 = B, V_RW0 = B + 0x1000, V_RO = B + 0x2000, V_RO1 = B + 0x3000,
        V_AF = B + 0x4000, V_DEV = B + 0x5000, V_NONE = B + 0x6000, V_NC = B + 0x7000,
        V_L1 = 0x200000000ull;
    mmu_map_pages(root, V_RW1, tp, 4096, PTE_NORMAL | PTE_XN);
    mmu_map_pages(root, V_RW0, tp, 4096, PTE_NORMAL | PTE_AP_RW | PTE_XN);
    mmu_map_pages(root, V_RO, tp, 4096, PTE_NORMAL | PTE_AP_RO | PTE_XN);
    mmu_map_pages(root, V_RO1, tp, 4096, PTE_NORMAL | PTE_AP_EL1_RO | PTE_XN);
    mmu_map_pages(root, V_AF, tp, 4096, (PTE_NORMAL & ~PTE_AF) | PTE_XN);
    mmu_map_pages(root, V_DEV, 0x09000000, 4096, PTE_DEVICE);
    mmu_map_pages(root, V_NC, tp, 4096, PTE_ATTR(ATTR_NC) | PTE_AF | PTE_XN);
    mmu_enable(root, MMU_TCR_4K48);

    check_ok("el1rw-s1e1r", AT("s1e1r", V_RW1 + 0x10), tp, 0xff);
    check_ok("el1rw-s1e1w", AT("s1e1w", V_RW1 + 0x10), tp, 0xff);
    check_fault("el1rw-s1e0r", AT("s1e0r", V_RW1 + 0x10), 0x0f);
    check_fault("el1rw-s1e0w", AT("s1e0w", V_RW1 + 0x10), 0x0f);
    CHECK_EQ("normal-sh-inner", (AT("s1e1r", V_RW1) >> 7) & 3, 3);

    check_ok("allrw-s1e1r", AT("s1e1r", V_RW0), tp, 0xff);
    check_ok("allrw-s1e1w", AT("s1e1w", V_RW0), tp, 0xff);
    check_ok("allrw-s1e0r", AT("s1e0r", V_RW0), tp, 0xff);
    check_ok("allrw-s1e0w", AT("s1e0w", V_RW0), tp, 0xff);

    check_ok("allro-s1e1r", AT("s1e1r", V_RO), tp, 0xff);
    check_fault("allro-s1e1w", AT("s1e1w", V_RO), 0x0f);
    check_ok("allro-s1e0r", AT("s1e0r", V_RO), tp, 0xff);
    check_fault("allro-s1e0w", AT("s1e0w", V_RO), 0x0f);

    check_ok("el1ro-s1e1r", AT("s1e1r", V_RO1), tp, 0xff);
    check_fault("el1ro-s1e1w", AT("s1e1w", V_RO1), 0x0f);
    check_fault("el1ro-s1e0r", AT("s1e0r", V_RO1), 0x0f);

    check_fault("af0-s1e1r", AT("s1e1r", V_AF), 0x0b);
    check_fault("unmapped-l3-s1e1r", AT("s1e1r", V_NONE), 0x07);
    check_fault("unmapped-l3-s1e0w", AT("s1e0w", V_NONE), 0x07);
    check_fault("unmapped-l1-s1e1r", AT("s1e1r", V_L1), 0x05);

    par = AT("s1e1r", V_DEV);
    check_ok("device-s1e1r", par, 0x09000000, 0x00);
    printf("INFO device PAR sh=%lu\n", (par >> 7) & 3);
    check_ok("normal-nc-s1e1r", AT("s1e1r", V_NC), tp, 0x44);
    check_ok("block-2m-s1e1r", AT("s1e1r", 0x40600000ull + 0x5123), 0x40605000ull, 0xff);
    check_ok("identity-uart", AT("s1e1w", 0x09000000ull), 0x09000000ull, 0x00);
    /* No exception: a failed AT only writes PAR_EL1. And PAR_EL1 is overwritten by the next AT. */
    check_ok("par-overwritten", AT("s1e1r", V_RW1), tp, 0xff);
    mmu_disable();
    rt_result();
    return 0;
}
