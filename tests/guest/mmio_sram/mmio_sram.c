/* tests/guest/mmio_sram — seed 002 scenario guest (tests/scenarios/, docs/hv.md "Seed 002"):
 * dom0-like code at EL1 under -hv xen,mmio=eager|lazy,region=0x09060000:TYPE on a board with
 * -M virt,sram=on. Its stage 1 maps the 64 KiB mmio-sram region (found in the DT) as Normal
 * write-back, executable, at VA 0x1_0906_0000; what happens depends only on stage 2's type,
 * because the combined memory type is the stricter of the two (Arm ARM D8.5.5):
 *   - memset with an unaligned start and length (head and tail 8-byte stores that cross the
 *     alignment, as arm64 Linux's memset does), DC ZVA, an unaligned 8-byte store:
 *     p2m_mmio_direct_dev → combined Device-nGnRE → each unaligned store and the DC ZVA take an
 *     Alignment fault at EL1 (ESR EC 0x25, DFSC 0x21; B2.5.2, C5.3.13): 2 + 1 + 1 = 4; the
 *     handler records ESR/FAR and skips the instruction;
 *     p2m_mmio_direct_nc / _c / _c_rwx → combined Normal → all succeed, the bytes are right;
 *   - executing from the SRAM (a `ret` copied there, BLR to it): succeeds only under
 *     p2m_mmio_direct_c_rwx; every other MMIO type is stage-2 XN, so the fetch is a stage-2
 *     permission fault and the hypervisor injects a prefetch abort (EC 0x21, ISS 0 as Xen's
 *     inject_iabt_exception) with FAR = the fetched address; the handler returns to after the BLR.
 * Which type this run expects comes from /chosen/bootargs: "sram=dev|nc|c|rwx". */
#include "rt.h"
#include "mmu.h"

#define SRAM_PA   0x09060000ull
#define SRAM_SIZE 0x10000ull
#define SRAM_VA   (0x100000000ull + SRAM_PA)
#define RET_INSN  0xd65f03c0u

static volatile uint64_t n_align, n_dabt_other, n_pabt, last_esr, last_far, align_esr, align_far;

static int on_sync(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_SYNC) return 0;
    unsigned ec = ESR_EC(f->esr);
    last_esr = f->esr; last_far = f->far;
    if (ec == 0x25) {
        if ((f->esr & 0x3f) == 0x21) { n_align++; align_esr = f->esr; align_far = f->far; }
        else n_dabt_other++;
        f->elr += 4;
        return 1;
    }
    if (ec == 0x21) { n_pabt++; f->elr = f->x[30]; return 1; }     /* back to after the BLR */
    return 0;
}

/* Stores at exact addresses (the compiler must not split or merge them: -mstrict-align would). */
static inline void st64(uint64_t a, uint64_t v) { __asm__ volatile("str %0, [%1]" :: "r"(v), "r"(a) : "memory"); }
static inline void st32(uint64_t a, uint32_t v) { __asm__ volatile("str %w0, [%1]" :: "r"(v), "r"(a) : "memory"); }
static inline uint8_t ld8(uint64_t a) { return *(volatile uint8_t *)a; }
static inline uint64_t ld64(uint64_t a) { return *(volatile uint64_t *)a; }

/* memset as arm64 Linux's (arch/arm64/lib/memset.S) for 8 <= n < 64: an 8-byte store at the
 * start, aligned stores in between, an 8-byte store ending at the last byte; the first and
 * last overlap the middle and are unaligned unless dst and n are. */
static void sram_memset(uint64_t dst, uint8_t c, uint64_t n)
{
    uint64_t v = 0x0101010101010101ull * c, end = dst + n;
    st64(dst, v);
    for (uint64_t a = (dst + 8) & ~7ull; a + 8 <= end; a += 8) st64(a, v);
    st64(end - 8, v);
}

static int want_type(const char *t)
{
    uint32_t len = 0;
    int ch = rt_dtb ? dtb_path_offset((const void *)rt_dtb, "/chosen", 7) : -1;
    const char *ba = ch >= 0 ? dtb_getprop((const void *)rt_dtb, ch, "bootargs", &len) : NULL;
    if (!ba) return 0;
    for (uint32_t i = 0; i + 5 < len; i++)
        if (!memcmp(ba + i, "sram=", 5)) {
            size_t k = strlen(t);
            return !memcmp(ba + i + 5, t, k) && (ba[i + 5 + k] == 0 || ba[i + 5 + k] == ' ');
        }
    return 0;
}

int main(void)
{
    rt_set_handler(on_sync);
    int dev = want_type("dev"), rwx = want_type("rwx");
    int known = dev || rwx || want_type("nc") || want_type("c");
    printf("mmio_sram: start (%s)\n", dev ? "dev" : rwx ? "rwx" : known ? "normal" : "?");
    CHECK("bootargs-sram-type", known);

    /* The host DT's node, passed through to dom0 (Linux mmio-sram binding). */
    int n = dtb_path_offset((const void *)rt_dtb, "/sram@9060000", 13);
    uint32_t len = 0;
    const char *compat = n >= 0 ? dtb_getprop((const void *)rt_dtb, n, "compatible", &len) : NULL;
    CHECK("dt-sram-node", compat && len == 10 && !memcmp(compat, "mmio-sram", 10));
    const uint32_t *reg = n >= 0 ? dtb_getprop((const void *)rt_dtb, n, "reg", &len) : NULL;
    CHECK("dt-sram-reg", reg && len == 16 && __builtin_bswap32(reg[1]) == SRAM_PA && __builtin_bswap32(reg[3]) == SRAM_SIZE);
    uint64_t dczid = SYSREG_READ(dczid_el0);
    CHECK_EQ("dczid-64-bytes", dczid, 4);                  /* BS = 4 (64 bytes), DZP = 0 */

    uint64_t *root = mmu_identity();
    mmu_map_pages(root, SRAM_VA, SRAM_PA, SRAM_SIZE, PTE_NORMAL | PTE_AP_EL1_RW);   /* WB, executable */
    mmu_enable(root, MMU_TCR_4K48);

    /* Aligned accesses: fine under every type (Device allows them). */
    st64(SRAM_VA, 0x1122334455667788ull);
    CHECK_EQ("aligned-store-load", ld64(SRAM_VA), 0x1122334455667788ull);
    CHECK_EQ("aligned-no-fault", n_align + n_dabt_other, 0);

    /* memset(SRAM + 3, 0xa5, 30): head store at +3, aligned +8/+16/+24, tail store at +25. */
    for (uint64_t a = 0; a < 48; a += 8) st64(SRAM_VA + a, 0);
    uint64_t c0 = n_align;
    sram_memset(SRAM_VA + 3, 0xa5, 30);
    if (dev) {
        CHECK_EQ("memset-align-faults", n_align - c0, 2);
        CHECK_EQ("memset-esr-ec", ESR_EC(align_esr), 0x25);
        CHECK_EQ("memset-esr-dfsc", align_esr & 0x3f, 0x21);
        CHECK_EQ("memset-esr-wnr", (align_esr >> 6) & 1, 1);
        CHECK_EQ("memset-far", align_far, SRAM_VA + 25);
        CHECK("memset-partial", ld8(SRAM_VA + 3) == 0 && ld8(SRAM_VA + 8) == 0xa5 && ld8(SRAM_VA + 31) == 0xa5
              && ld8(SRAM_VA + 32) == 0);
    } else {
        int ok = ld8(SRAM_VA + 2) == 0 && ld8(SRAM_VA + 33) == 0;
        for (unsigned i = 3; i < 33; i++) ok &= ld8(SRAM_VA + i) == 0xa5;
        CHECK_EQ("memset-no-fault", n_align - c0, 0);
        CHECK("memset-bytes", ok);
    }

    /* DC ZVA of the 64-byte block at SRAM + 0x100. */
    for (uint64_t a = 0x100; a < 0x140; a += 8) st64(SRAM_VA + a, ~0ull);
    c0 = n_align;
    __asm__ volatile("dc zva, %0" :: "r"(SRAM_VA + 0x110) : "memory");
    if (dev) {
        CHECK_EQ("dczva-align-fault", n_align - c0, 1);
        CHECK_EQ("dczva-esr-dfsc", align_esr & 0x3f, 0x21);
        CHECK_EQ("dczva-far", align_far, SRAM_VA + 0x110);
        CHECK_EQ("dczva-untouched", ld64(SRAM_VA + 0x100), ~0ull);
    } else {
        uint64_t acc = 0;
        for (uint64_t a = 0x100; a < 0x140; a += 8) acc |= ld64(SRAM_VA + a);
        CHECK_EQ("dczva-no-fault", n_align - c0, 0);
        CHECK_EQ("dczva-zeroed", acc, 0);
    }

    /* An unaligned 8-byte store at SRAM + 0x201. */
    st64(SRAM_VA + 0x200, 0); st64(SRAM_VA + 0x208, 0);
    c0 = n_align;
    st64(SRAM_VA + 0x201, 0x0807060504030201ull);
    if (dev) {
        CHECK_EQ("unaligned-align-fault", n_align - c0, 1);
        CHECK_EQ("unaligned-far", align_far, SRAM_VA + 0x201);
        CHECK_EQ("unaligned-untouched", ld64(SRAM_VA + 0x200), 0);
    } else {
        int ok = ld8(SRAM_VA + 0x200) == 0 && ld8(SRAM_VA + 0x209) == 0;
        for (unsigned i = 1; i <= 8; i++) ok &= ld8(SRAM_VA + 0x200 + i) == i;
        CHECK_EQ("unaligned-no-fault", n_align - c0, 0);
        CHECK("unaligned-bytes", ok);
    }
    CHECK_EQ("align-faults-total", n_align, dev ? 4 : 0);
    CHECK_EQ("no-other-data-aborts", n_dabt_other, 0);

    /* Execute from the SRAM: `ret` at SRAM + 0x400. */
    uint64_t code = SRAM_VA + 0x400;
    st32(code, RET_INSN);
    __asm__ volatile("dc cvau, %0\n\tdsb ish\n\tic ivau, %0\n\tdsb ish\n\tisb" :: "r"(code) : "memory");
    uint64_t p0 = n_pabt;
    __asm__ volatile("blr %0" :: "r"(code) : "x30", "memory");
    if (rwx) {
        CHECK_EQ("exec-ok", n_pabt - p0, 0);
    } else {
        CHECK_EQ("exec-prefetch-abort", n_pabt - p0, 1);
        CHECK_EQ("exec-ec", ESR_EC(last_esr), 0x21);
        CHECK_EQ("exec-iss0", ESR_ISS(last_esr), 0);
        CHECK_EQ("exec-far", last_far, code);
    }
    printf("INFO align_faults=%lu prefetch_aborts=%lu exec=%s\n", n_align, n_pabt, n_pabt ? "abort" : "ok");
    mmu_disable();
    rt_result();
    return 0;
}
