/* tests/guest/mmu_granules — the same identity + alias mapping built with each translation
 * granule the CPU advertises in ID_AA64MMFR0_EL1 (TGran4 [31:28] != 0xf supported, TGran64 [27:24]
 * != 0xf supported, TGran16 [23:20] != 0 supported; unsupported ones are skipped and named on an INFO
 * line), 48-bit VA (T0SZ = 16; walks start at level 0 for 4K and 16K, level 1 for 64K):
 *  - identity with level-2 blocks (2 MiB / 32 MiB / 512 MiB) for the UART/GIC and RAM;
 *  - a page alias (level 3): reads the right bytes at offset 0 and at granule - 8;
 *  - the next page of the same level-3 table is invalid: translation fault level 3 (DFSC 0x07);
 *  - a level-2 block alias; with 4K also a level-1 block (1 GiB), the only granule where a
 *    level-1 block is legal without 52-bit addressing;
 *  - AT S1E1R on the alias gives the page's PA.
 * Then with the 4K granule: TTBR1_EL1 high half (T1SZ = 16, TG1 = 4K): VA 0xffff000100000000
 * reads the page; an address between the two halves (bits [63:48] neither all 0 nor all 1)
 * faults at level 0; TBI: with TCR_EL1.TBI0 = 1 a pointer with a top-byte tag reads the page,
 * with TBI0 = 0 the same pointer faults (translation fault, level 0); TBI1 likewise for TTBR1. */
#include "rt.h"

static volatile uint64_t f_esr, f_far, f_count;
static int on_sync(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_SYNC || ESR_EC(f->esr) != 0x25) return 0;
    f_esr = f->esr; f_far = f->far; f_count++;
    f->elr += 4;
    return 1;
}

static uint8_t pool[768 * 1024] __attribute__((aligned(65536)));
static size_t pool_off;
static uint8_t tbuf[65536] __attribute__((aligned(65536)));
static volatile uint64_t marker = 0x4d41524b4552ull;

struct gran { const char *name; unsigned s; unsigned start; uint64_t tg0, tg1; };

static uint64_t *new_tbl(unsigned G)
{
    pool_off = (pool_off + G - 1) & ~(size_t)(G - 1);
    if (pool_off + G > sizeof pool) { puts_("FAIL pool exhausted\n"); psci_system_off(); }
    uint64_t *t = (uint64_t *)(pool + pool_off);
    pool_off += G;
    for (unsigned i = 0; i < G / 8; i++) t[i] = 0;
    return t;
}
static unsigned lshift(const struct gran *g, unsigned l) { return g->s + (g->s - 3) * (3 - l); }
static uint64_t *slot(const struct gran *g, uint64_t *root, uint64_t va, unsigned level)
{
    uint64_t *t = root;
    unsigned G = 1u << g->s;
    uint64_t amask = ((1ull << 48) - 1) & ~(uint64_t)(G - 1);
    for (unsigned l = g->start;; l++) {
        unsigned sh = lshift(g, l);
        unsigned bits = l == g->start ? 48 - sh : g->s - 3;
        uint64_t *d = &t[(va >> sh) & ((1ull << bits) - 1)];
        if (l == level) return d;
        if (*d == 0) *d = (uint64_t)new_tbl(G) | 3;
        t = (uint64_t *)(*d & amask);
    }
}
#define NORMAL ((1ull << 2) | (3ull << 8) | (1ull << 10))          /* Attr1, inner shareable, AF */
#define DEVICE ((0ull << 2) | (1ull << 10) | (3ull << 53))
static void map_blocks(const struct gran *g, uint64_t *root, uint64_t lo, uint64_t hi, uint64_t at)
{
    uint64_t bs = 1ull << lshift(g, 2);
    for (uint64_t a = lo & ~(bs - 1); a < hi; a += bs) *slot(g, root, a, 2) = a | at | 1;
}

static void mmu_off(void)
{
    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) & ~1ull);
    ISB();
    __asm__ volatile("tlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");
}
static void mmu_on(uint64_t *root0, uint64_t *root1, uint64_t tcr)
{
    SYSREG_WRITE(mair_el1, 0xff00);
    SYSREG_WRITE(tcr_el1, tcr);
    SYSREG_WRITE(ttbr0_el1, (uint64_t)root0);
    SYSREG_WRITE(ttbr1_el1, (uint64_t)root1);
    __asm__ volatile("dsb ish\n\ttlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");
    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) | 1 | (1 << 2) | (1 << 12));
    ISB();
}
static uint64_t rd(uint64_t va) { return *(volatile uint64_t *)va; }
static uint64_t tcr_for(const struct gran *g)
{
    return 16ull | (1ull << 8) | (1ull << 10) | (3ull << 12) | (g->tg0 << 14) | (1ull << 23) | (2ull << 32);
}

static char nm[64];
static const char *N(const struct gran *g, const char *s)
{
    size_t a = strlen(g->name), b = strlen(s);
    memcpy(nm, g->name, a); nm[a] = '-'; memcpy(nm + a + 1, s, b + 1);
    return nm;
}

static void test_granule(const struct gran *g)
{
    unsigned G = 1u << g->s;
    pool_off = 0;
    uint64_t *root = new_tbl(G);
    map_blocks(g, root, 0x08000000, 0x0a000000, DEVICE);
    map_blocks(g, root, 0x40000000, 0x42000000, NORMAL);
    const uint64_t VP = 0x100000000ull, VB = 0x200000000ull, V1 = 0x8000000000ull;
    *slot(g, root, VP, 3) = (uint64_t)tbuf | NORMAL | 3;
    uint64_t bs = 1ull << lshift(g, 2);
    *slot(g, root, VB, 2) = 0x40000000ull | NORMAL | 1;
    if (g->s == 12) *slot(g, root, V1, 1) = 0x40000000ull | NORMAL | 1;
    for (unsigned i = 0; i < G / 8; i++) ((volatile uint64_t *)tbuf)[i] = 0x1000 + i;
    mmu_on(root, root, tcr_for(g));
    CHECK_EQ(N(g, "mmu-on"), SYSREG_READ(sctlr_el1) & 1, 1);
    CHECK_EQ(N(g, "page-offset-0"), rd(VP), 0x1000);
    CHECK_EQ(N(g, "page-last-word"), rd(VP + G - 8), 0x1000 + G / 8 - 1);
    uint64_t c = f_count;
    rd(VP + G);
    CHECK(N(g, "next-page-l3-fault"), f_count == c + 1 && (f_esr & 0x3f) == 0x07 && f_far == VP + G);
    uint64_t off = (uint64_t)&marker - 0x40000000ull;
    if (off < bs) CHECK_EQ(N(g, "l2-block"), rd(VB + off), 0x4d41524b4552ull);
    if (g->s == 12) CHECK_EQ(N(g, "l1-block"), rd(V1 + off), 0x4d41524b4552ull);
    __asm__ volatile("at s1e1r, %0\n\tisb" :: "r"(VP + 0x18) : "memory");
    CHECK_EQ(N(g, "at-par-pa"), SYSREG_READ(par_el1) & 0x0000fffffffff001ull, (uint64_t)tbuf);
    mmu_off();
}

int main(void)
{
    rt_set_handler(on_sync);
    uint64_t mmfr0 = SYSREG_READ(id_aa64mmfr0_el1);
    int has4 = ((mmfr0 >> 28) & 0xf) != 0xf, has64 = ((mmfr0 >> 24) & 0xf) != 0xf,
        has16 = ((mmfr0 >> 20) & 0xf) != 0;
    printf("INFO ID_AA64MMFR0_EL1=0x%lx granules:%s%s%s\n", mmfr0, has4 ? " 4K" : "", has16 ? " 16K" : "",
           has64 ? " 64K" : "");
    CHECK("4k-granule-supported", has4);
    static const struct gran g4 = { "4k", 12, 0, 0, 2 }, g16 = { "16k", 14, 0, 2, 1 }, g64 = { "64k", 16, 1, 1, 3 };
    if (has4) test_granule(&g4);
    if (has16) test_granule(&g16);
    if (has64) test_granule(&g64);

    /* TTBR1 and TBI with the 4K granule. */
    const struct gran *g = &g4;
    pool_off = 0;
    uint64_t *root0 = new_tbl(4096), *root1 = new_tbl(4096);
    map_blocks(g, root0, 0x08000000, 0x0a000000, DEVICE);
    map_blocks(g, root0, 0x40000000, 0x42000000, NORMAL);
    const uint64_t VP = 0x100000000ull, VH = 0xffff000100000000ull;
    *slot(g, root0, VP, 3) = (uint64_t)tbuf | NORMAL | 3;
    *slot(g, root1, VH, 3) = (uint64_t)tbuf | NORMAL | 3;
    ((volatile uint64_t *)tbuf)[1] = 0xfeedface;
    uint64_t tcr = (tcr_for(g) & ~(1ull << 23)) | (16ull << 16) | (1ull << 24) | (1ull << 26) | (3ull << 28)
        | (g->tg1 << 30);
    mmu_on(root0, root1, tcr);
    CHECK_EQ("ttbr1-high-half-read", rd(VH + 8), 0xfeedface);
    CHECK_EQ("ttbr0-low-half-read", rd(VP + 8), 0xfeedface);
    uint64_t c = f_count;
    rd(VH + 0x1000);
    CHECK(("ttbr1-unmapped-l3-fault"), f_count == c + 1 && (f_esr & 0x3f) == 0x07 && f_far == VH + 0x1000);
    c = f_count;
    rd(0x0001000100000000ull);
    CHECK(("non-canonical-fault-l0"), f_count == c + 1 && (f_esr & 0x3f) == 0x04);
    const uint64_t TAG = 0x5aull << 56;
    c = f_count;
    rd(TAG | (VP + 8));
    CHECK(("tbi0-off-tagged-faults"), f_count == c + 1 && (f_esr & 0x3f) == 0x04 && f_far == (TAG | (VP + 8)));
    mmu_off();
    mmu_on(root0, root1, tcr | (1ull << 37));
    c = f_count;
    CHECK_EQ("tbi0-on-tagged-read", rd(TAG | (VP + 8)), 0xfeedface);
    CHECK_EQ("tbi0-on-no-fault", f_count, c);
    const uint64_t TAG1 = 0xa5ull << 56;     /* bit 55 still 1: TTBR1 */
    rd((VH & ~(0xffull << 56)) | TAG1);
    CHECK_EQ("tbi1-off-tagged-faults", f_count, c + 1);
    mmu_off();
    mmu_on(root0, root1, tcr | (1ull << 37) | (1ull << 38));
    c = f_count;
    CHECK_EQ("tbi1-on-tagged-read", rd(((VH + 8) & ~(0xffull << 56)) | TAG1), 0xfeedface);
    CHECK_EQ("tbi1-on-no-fault", f_count, c);
    mmu_off();
    rt_result();
    return 0;
}
