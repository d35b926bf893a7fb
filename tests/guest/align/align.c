/* tests/guest/align — alignment faults (ESR_EL1 EC 0x25, DFSC 0x21 "Alignment fault", FAR = the
 * unaligned address, ELR = the instruction):
 *  - MMU on, the same RAM page mapped twice: as Device-nGnRnE an unaligned LDR/STR faults (Arm ARM
 *    B2.5.2: unaligned accesses to any Device memory type generate an Alignment fault), as
 *    Normal it succeeds and reads the right bytes;
 *  - load/store exclusive (LDXR/STXR) and load-acquire LDAR need natural alignment even on Normal
 *    memory (B2.5.2) -> Alignment fault;
 *  - SCTLR_EL1.A = 1: alignment checking makes an unaligned Normal access fault too;
 *  - MMU off: data accesses are Device-nGnRnE (D8.2.x), so an unaligned LDR faults.
 * QEMU 7.2 does not check alignment for Device memory: it performs the access (it only enforces
 * alignment where the instruction requires it or SCTLR.A is set). Those checks are tagged
 * [qemu-differs]; they follow the architecture. */
#include "rt.h"
#include "mmu.h"

static volatile uint64_t f_esr, f_far, f_elr, f_count;
static int on_sync(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_SYNC || ESR_EC(f->esr) != 0x25) return 0;
    f_esr = f->esr; f_far = f->far; f_elr = f->elr; f_count++;
    f->elr += 4;
    return 1;
}

static uint8_t tpage[4096] __attribute__((aligned(4096)));

#define LDR_AT(va, out, lbl) __asm__ volatile(".global " lbl "\n" lbl ": ldr %0, [%1]" : "=r"(out) : "r"(va) : "memory")
extern char a_ldr_dev[], a_str_dev[], a_ldr_norm[], a_ldxr[], a_ldar[], a_ldr_a1[], a_ldr_off[], a_ldrh_dev[];

/* Checks one expected alignment fault (tag "" or " [qemu-differs]"). */
static void check_align(const char *name, const char *tag, uint64_t c0, uint64_t far, const char *elr)
{
    int ok = f_count == c0 + 1 && ESR_EC(f_esr) == 0x25 && (f_esr & 0x3f) == 0x21 && f_far == far
        && f_elr == (uint64_t)elr;
    if (ok) printf("PASS %s%s\n", name, tag);
    else {
        if (!*tag) rt_failures++;
        printf("FAIL %s%s count=%lu esr=0x%lx far=0x%lx\n", name, tag, f_count - c0, f_esr, f_far);
    }
}

int main(void)
{
    rt_set_handler(on_sync);
    for (int i = 0; i < 64; i++) tpage[i] = (uint8_t)(i + 1);
    uint64_t v, c;

    /* MMU off: Device-nGnRnE. */
    c = f_count; v = 0;
    LDR_AT((uint64_t)tpage + 1, v, "a_ldr_off");
    check_align("mmu-off-unaligned-ldr", " [qemu-differs]", c, (uint64_t)tpage + 1, a_ldr_off);

    uint64_t *root = mmu_identity();
    const uint64_t VA_DEV = 0x100000000ull, VA_NORM = 0x100001000ull;
    mmu_map_pages(root, VA_DEV, (uint64_t)tpage, 4096, PTE_DEVICE);
    mmu_map_pages(root, VA_NORM, (uint64_t)tpage, 4096, PTE_NORMAL | PTE_XN);
    mmu_enable(root, MMU_TCR_4K48);

    c = f_count;
    LDR_AT(VA_DEV + 8, v, "a_ldr_dev_aligned");
    CHECK_EQ("device-aligned-ldr", v, 0x100f0e0d0c0b0a09ull);
    CHECK_EQ("device-aligned-no-fault", f_count, c);
    LDR_AT(VA_DEV + 3, v, "a_ldr_dev");
    check_align("device-unaligned-ldr", " [qemu-differs]", c, VA_DEV + 3, a_ldr_dev);
    c = f_count;
    __asm__ volatile(".global a_str_dev\na_str_dev: str %0, [%1]" :: "r"(0ull), "r"(VA_DEV + 0x31) : "memory");
    check_align("device-unaligned-str", " [qemu-differs]", c, VA_DEV + 0x31, a_str_dev);
    c = f_count;
    __asm__ volatile(".global a_ldrh_dev\na_ldrh_dev: ldrh %w0, [%1]" : "=r"(v) : "r"(VA_DEV + 0x21) : "memory");
    check_align("device-unaligned-ldrh", " [qemu-differs]", c, VA_DEV + 0x21, a_ldrh_dev);

    c = f_count;
    LDR_AT(VA_NORM + 3, v, "a_ldr_norm");
    CHECK_EQ("normal-unaligned-ldr-value", v, 0x0b0a090807060504ull);
    CHECK_EQ("normal-unaligned-no-fault", f_count, c);

    c = f_count;
    __asm__ volatile(".global a_ldxr\na_ldxr: ldxr %0, [%1]\n\tclrex" : "=r"(v) : "r"(VA_NORM + 4) : "memory");
    check_align("normal-unaligned-ldxr", "", c, VA_NORM + 4, a_ldxr);
    c = f_count;
    __asm__ volatile(".global a_ldar\na_ldar: ldar %w0, [%1]" : "=r"(v) : "r"(VA_NORM + 2) : "memory");
    check_align("normal-unaligned-ldar", "", c, VA_NORM + 2, a_ldar);

    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) | (1 << 1));
    ISB();
    c = f_count;
    LDR_AT(VA_NORM + 16, v, "a_ldr_a1_aligned");
    CHECK_EQ("sctlr-a-aligned-ok", v, 0x1817161514131211ull);
    LDR_AT(VA_NORM + 5, v, "a_ldr_a1");
    check_align("sctlr-a-normal-unaligned-ldr", "", c, VA_NORM + 5, a_ldr_a1);
    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) & ~(1ull << 1));
    ISB();
    c = f_count;
    LDR_AT(VA_NORM + 5, v, "a_ldr_a0");
    CHECK_EQ("sctlr-a-cleared-ok", v, 0x0d0c0b0a09080706ull);
    CHECK_EQ("sctlr-a-cleared-no-fault", f_count, c);
    mmu_disable();
    rt_result();
    return 0;
}
