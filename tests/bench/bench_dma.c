/* tests/bench/bench_dma.c — `make bench-dma`: translated DMA throughput through the SMMUv2 model
 * (issue 8). A host program on libfaultline: a bus with 64 MiB of RAM, an SMMU at VIRT_SMMU
 * programmed through its register interface as Linux's arm-smmu and Xen leave it, page tables
 * in RAM, and dma_port masters doing 4 KiB transfers (alternately dma_write and dma_read, one
 * IOVA page each) through dma_read/dma_write → smmu_translate → the bus. Scenarios, for a
 * stage-1 bank, a stage-2 bank and a nested (stage 1 over stage 2) context:
 *   warm IOTLB     the working set (256 pages) fits the IOTLB (128 sets x 4 ways)
 *   + TLBI ...     the same, with the TLB maintenance a driver does on unmap after every
 *                  transfer, written through the register interface: the per-page form
 *                  (CB TLBIVA for stage 1, CB TLBIIPAS2 for stage 2) or the context-wide form
 *                  (CB TLBIASID; TLBIVMID for stage 2), then the sync (CB TLBSYNC + TLBSTATUS
 *                  poll, sTLBGSYNC + sTLBGSTATUS for TLBIVMID)
 *   cold           8192 pages (4x the IOTLB): every transfer walks the tables
 * plus the baselines: no SMMU in front of the master (smmu == NULL) and an SMMU stream in
 * bypass (S2CR TYPE bypass). Each scenario runs BENCH_DMA_RUNS times (default 5) for at least
 * BENCH_DMA_SECONDS (default 0.3) each (BENCH_DMA_FILTER=text: only the scenarios whose name
 * contains it); the table gives the median pages/s, MB/s (10^6 bytes),
 * ns per page and the IOTLB hit rate of the runs (which shows what was measured). Before timing,
 * each scenario's first pages are checked to land at the expected PAs; any fault or bus error
 * fails the benchmark. Exit status 0 on success. Speed is reported, never asserted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "machine/machine.h"
#include "smmu/smmu.h"

#define RAM_BASE   0x40000000ull
#define RAM_SIZE   (64ull << 20)
#define TBL_BASE   (RAM_BASE + 0x100000)          /* page tables from here */
#define DATA_BASE  (RAM_BASE + 0x1000000)         /* the 256 data pages */
#define DATA_PAGES 256u
#define WARM_PAGES 256u                           /* 1/2 of the IOTLB's 512 entries */
#define COLD_PAGES 8192u                          /* 16x the IOTLB */
#define IOVA_S1    0x100000000ull                 /* stage-1 input addresses */
#define IPA_S2     0x80000000ull                  /* stage-2 input addresses */
#define PG         4096ull

/* register offsets (IHI 0062 names) */
#define SMMU_BASE   VIRT_SMMU
#define NUMPAGE     16ull
#define GR1(o)      (PG + (o))
#define CB(n, o)    ((NUMPAGE + (n)) * PG + (o))
enum { sCR0 = 0x0, sGFSR = 0x48, TLBIVMID = 0x64, TLBIALLNSNH = 0x68, sTLBGSYNC = 0x70,
       sTLBGSTATUS = 0x74, SMR0 = 0x800, S2CR0 = 0xc00, CBAR0 = 0x0, CBA2R0 = 0x800,
       SCTLR = 0x0, TCR2 = 0x10, TTBR0 = 0x20, TTBR1 = 0x28, TCR = 0x30, MAIR0 = 0x38, FSR = 0x58,
       TLBIVA = 0x600, TLBIASID = 0x610, TLBIIPAS2 = 0x630, TLBSYNC = 0x7f0, TLBSTATUS = 0x7f4 };

static struct bus *bus;
static struct smmu *smmu;
static uint8_t *ram;
static uint64_t next_tbl = TBL_BASE;

static void die(const char *msg)
{
    fprintf(stderr, "bench-dma: %s\n", msg);
    exit(1);
}

static void wr32(uint64_t off, uint32_t v)
{
    if (bus_write(bus, mk_pa(SMMU_BASE + off), 4, v) != BUS_OK) die("register write failed");
}
static void wr64(uint64_t off, uint64_t v)
{
    if (bus_write(bus, mk_pa(SMMU_BASE + off), 8, v) != BUS_OK) die("register write failed");
}
static uint32_t rd32(uint64_t off)
{
    uint64_t v;
    if (bus_read(bus, mk_pa(SMMU_BASE + off), 4, &v) != BUS_OK) die("register read failed");
    return (uint32_t)v;
}

/* ---------------------------------------------------------------- page tables in RAM */

static uint64_t tbl_alloc(uint64_t size)
{
    uint64_t a = (next_tbl + size - 1) & ~(size - 1);
    next_tbl = a + size;
    if (next_tbl > DATA_BASE) die("out of table space");
    memset(ram + (a - RAM_BASE), 0, size);
    return a;
}
static uint64_t *slot_ptr(uint64_t pa) { return (uint64_t *)(ram + (pa - RAM_BASE)); }

/* Install a 4 KiB leaf for `ia` in the VMSAv8-64 4 KiB-granule tables at `root` (start level
 * `start`, input size `isz` bits), allocating table levels as needed. */
static void map4k(uint64_t root, unsigned start, unsigned isz, uint64_t ia, uint64_t leaf)
{
    uint64_t table = root;
    for (unsigned level = start;; level++) {
        unsigned lsb = 12 + 9 * (3 - level);
        unsigned width = level == start ? isz - lsb : 9;
        uint64_t *slot = slot_ptr(table + ((ia >> lsb) & ((1ull << width) - 1)) * 8);
        if (level == 3) { *slot = leaf; return; }
        if (!(*slot & 1)) *slot = tbl_alloc(PG) | 3;
        table = *slot & 0x0000fffffffff000ull;
    }
}
#define S1_LEAF(pa) ((pa) | 3 | 1ull << 10 | 1ull << 11 | 3ull << 8 | 1ull << 6 | 1ull << 2)   /* AF nG IS EL0 RW, Attr1 */
#define S2_LEAF(pa) ((pa) | 3 | 1ull << 10 | 3ull << 6 | 3ull << 8 | 0xfull << 2)            /* AF S2AP RW IS, WB */
static uint64_t data_pa(unsigned i) { return DATA_BASE + (i % DATA_PAGES) * PG; }

/* ---------------------------------------------------------------- SMMU set-up */

#define S1_TCR   0x00803510u         /* T0SZ 16, 4K, WBWA, IS, EPD1 (Linux's 48-bit stage 1) */
#define S1_TCR2  0x00038015u         /* PASize 48 bits, SEP */
#define S2_VTCR  0x80023558u         /* T0SZ 24 (40-bit IPA), SL0 1, 4K, WBWA, IS, PS 40 bits */
#define ASID_S1  1u
#define ASID_NS  2u
#define VMID_S2  5u
enum { SID_S1 = 0x10, SID_S2 = 0x20, SID_NESTED = 0x30, SID_BYPASS = 0x40 };

static void setup(void)
{
    bus = bus_new();
    ram = bus_map_ram(bus, "ram", mk_pa(RAM_BASE), RAM_SIZE, NULL);
    if (!ram) die("cannot map RAM");
    smmu = smmu_new(bus, NULL);
    if (smmu_map(smmu, bus, mk_pa(SMMU_BASE))) die("cannot map the SMMU");

    /* stage-1 tables (48-bit, from level 0): IOVA_S1 + i pages -> data page i % 256 */
    uint64_t s1root = tbl_alloc(PG);
    for (unsigned i = 0; i < COLD_PAGES; i++) map4k(s1root, 0, 48, IOVA_S1 + i * PG, S1_LEAF(data_pa(i)));
    /* stage-2 tables (40-bit IPA, from level 1, two concatenated root pages): IPA_S2 + i pages
     * -> data page i % 256, and RAM 1:1 up to the end of the data (the stage-1 tables and the
     * stage-1 output addresses of the nested context are IPAs = PAs) */
    uint64_t s2root = tbl_alloc(2 * PG);
    for (unsigned i = 0; i < COLD_PAGES; i++) map4k(s2root, 1, 40, IPA_S2 + i * PG, S2_LEAF(data_pa(i)));
    for (uint64_t a = RAM_BASE; a < DATA_BASE + DATA_PAGES * PG; a += PG) map4k(s2root, 1, 40, a, S2_LEAF(a));

    /* Linux's reset (smmuv2.md §2.2), then the contexts */
    for (unsigned i = 0; i < 16; i++) { wr32(S2CR0 + 4 * i, 0x20000); wr32(SMR0 + 4 * i, 0); }
    wr32(TLBIALLNSNH, 0);
    wr32(sCR0, 0x00201c36);
    /* CB0: stage 1, as arm_smmu_write_context_bank */
    wr32(GR1(CBA2R0 + 0), 1);
    wr32(GR1(CBAR0 + 0), 0x0001f300);
    wr32(CB(0, TCR2), S1_TCR2);
    wr32(CB(0, TCR), S1_TCR);
    wr64(CB(0, TTBR0), (uint64_t)ASID_S1 << 48 | s1root);
    wr64(CB(0, TTBR1), (uint64_t)ASID_S1 << 48);
    wr32(CB(0, MAIR0), 0xf404ff44);
    wr32(CB(0, SCTLR), 0x1067);
    /* CB1: stage 2, as Xen (VTCR-form TCR, TTBR0 = p2m root, VMID in CBAR) */
    wr32(GR1(CBA2R0 + 4), 1);
    wr32(GR1(CBAR0 + 4), VMID_S2);
    wr32(CB(1, TCR), S2_VTCR);
    wr64(CB(1, TTBR0), s2root);
    wr32(CB(1, SCTLR), 0x67);
    /* CB2: nested, stage 1 (same tables as CB0) over CB1's stage 2 */
    wr32(GR1(CBA2R0 + 8), 1);
    wr32(GR1(CBAR0 + 8), 3u << 16 | 1u << 8);
    wr32(CB(2, TCR2), S1_TCR2);
    wr32(CB(2, TCR), S1_TCR);
    wr64(CB(2, TTBR0), (uint64_t)ASID_NS << 48 | s1root);
    wr32(CB(2, MAIR0), 0xf404ff44);
    wr32(CB(2, SCTLR), 0x1067);
    /* stream mapping */
    wr32(S2CR0 + 0, 0);       wr32(SMR0 + 0, 0x80000000u | SID_S1);
    wr32(S2CR0 + 4, 1);       wr32(SMR0 + 4, 0x80000000u | SID_S2);
    wr32(S2CR0 + 8, 2);       wr32(SMR0 + 8, 0x80000000u | SID_NESTED);
    wr32(S2CR0 + 12, 0x10000); wr32(SMR0 + 12, 0x80000000u | SID_BYPASS);
}

/* ---------------------------------------------------------------- scenarios */

enum tlbi { TLBI_NONE, TLBI_PAGE, TLBI_CONTEXT };
struct scenario {
    const char *name;
    bool no_smmu;
    uint32_t sid;
    unsigned cb;            /* the bank TLB maintenance goes to (stage 1 of nested) */
    bool stage2_only;       /* TLBI by IPA / by VMID rather than by VA / ASID */
    uint16_t asid;
    uint64_t base;          /* input address of page 0 */
    unsigned pages;
    enum tlbi tlbi;
};

static const struct scenario scenarios[] = {
    { "no SMMU (smmu = NULL)",           true,  0,          0, false, 0,       DATA_BASE, DATA_PAGES, TLBI_NONE },
    { "SMMU, stream in bypass",          false, SID_BYPASS, 0, false, 0,       DATA_BASE, DATA_PAGES, TLBI_NONE },
    { "stage 1, warm IOTLB",             false, SID_S1,     0, false, ASID_S1, IOVA_S1,   WARM_PAGES, TLBI_NONE },
    { "stage 1, TLBIVA+sync each",       false, SID_S1,     0, false, ASID_S1, IOVA_S1,   WARM_PAGES, TLBI_PAGE },
    { "stage 1, TLBIASID+sync each",     false, SID_S1,     0, false, ASID_S1, IOVA_S1,   WARM_PAGES, TLBI_CONTEXT },
    { "stage 1, cold (8192 pages)",      false, SID_S1,     0, false, ASID_S1, IOVA_S1,   COLD_PAGES, TLBI_NONE },
    { "stage 2, warm IOTLB",             false, SID_S2,     1, true,  0,       IPA_S2,    WARM_PAGES, TLBI_NONE },
    { "stage 2, TLBIIPAS2+sync each",    false, SID_S2,     1, true,  0,       IPA_S2,    WARM_PAGES, TLBI_PAGE },
    { "stage 2, TLBIVMID+sync each",     false, SID_S2,     1, true,  0,       IPA_S2,    WARM_PAGES, TLBI_CONTEXT },
    { "stage 2, cold (8192 pages)",      false, SID_S2,     1, true,  0,       IPA_S2,    COLD_PAGES, TLBI_NONE },
    { "nested, warm IOTLB",              false, SID_NESTED, 2, false, ASID_NS, IOVA_S1,   WARM_PAGES, TLBI_NONE },
    { "nested, TLBIVA+sync each",        false, SID_NESTED, 2, false, ASID_NS, IOVA_S1,   WARM_PAGES, TLBI_PAGE },
    { "nested, TLBIASID+sync each",      false, SID_NESTED, 2, false, ASID_NS, IOVA_S1,   WARM_PAGES, TLBI_CONTEXT },
    { "nested, cold (8192 pages)",       false, SID_NESTED, 2, false, ASID_NS, IOVA_S1,   COLD_PAGES, TLBI_NONE },
};

/* The unmap maintenance, through the register interface as Linux (and Xen, for TLBIVMID) do it. */
static void do_tlbi(const struct scenario *sc, uint64_t ia)
{
    if (sc->tlbi == TLBI_CONTEXT && sc->stage2_only) {
        wr32(TLBIVMID, VMID_S2);
        wr32(sTLBGSYNC, 0);
        while (rd32(sTLBGSTATUS) & 1) { }
        return;
    }
    if (sc->tlbi == TLBI_PAGE)
        wr64(CB(sc->cb, sc->stage2_only ? TLBIIPAS2 : TLBIVA),
             sc->stage2_only ? ia >> 12 : (uint64_t)sc->asid << 48 | ia >> 12);
    else
        wr32(CB(sc->cb, TLBIASID), sc->asid);
    wr32(CB(sc->cb, TLBSYNC), 0);
    while (rd32(CB(sc->cb, TLBSTATUS)) & 1) { }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint8_t buf[PG];

static void check_faults(const char *when)
{
    bool bad = rd32(sGFSR) != 0;
    for (unsigned n = 0; n < 3; n++) bad |= rd32(CB(n, FSR)) != 0;
    if (bad) { fprintf(stderr, "bench-dma: SMMU fault recorded %s\n", when); exit(1); }
}

/* Check that the scenario's pages land where the tables say (the real path, not a shortcut). */
static void verify(const struct scenario *sc)
{
    struct dma_port p;
    dma_port_init(&p, bus, sc->no_smmu ? NULL : smmu, sc->sid);
    for (unsigned i = 0; i < 4; i++) {
        unsigned pg = i * (sc->pages / 4) + 3;
        uint64_t ia = sc->base + pg * PG;
        uint64_t pa = sc->no_smmu || sc->sid == SID_BYPASS ? ia : data_pa(pg);
        uint64_t tag = 0x5eed000000000000ull | ia;
        if (dma_write(&p, ia + 8, &tag, 8, 0) != DMA_OK) die("verification DMA failed");
        if (memcmp(ram + (pa - RAM_BASE) + 8, &tag, 8)) {
            fprintf(stderr, "bench-dma: %s: page %u did not land at PA 0x%llx\n", sc->name, pg, (unsigned long long)pa);
            exit(1);
        }
    }
    check_faults("while verifying");
}

struct result { double pages_per_s, hit_rate; };

static struct result run_once(const struct scenario *sc, double min_s)
{
    struct dma_port p;
    dma_port_init(&p, bus, sc->no_smmu ? NULL : smmu, sc->sid);
    struct smmu_iotlb_stats s0, s1;
    /* warm up: one pass over the working set */
    for (unsigned i = 0; i < sc->pages; i++)
        if (dma_read(&p, sc->base + i * PG, buf, PG, 0) != DMA_OK) die("DMA failed in warm-up");
    smmu_iotlb_stats(smmu, &s0);
    uint64_t n = 0;
    unsigned i = 0;
    double t0 = now(), t;
    for (;;) {
        for (unsigned k = 0; k < 256; k++) {
            uint64_t ia = sc->base + (uint64_t)i * PG;
            int st = n & 1 ? dma_read(&p, ia, buf, PG, 0) : dma_write(&p, ia, buf, PG, 0);
            if (st != DMA_OK) die("DMA failed");
            if (sc->tlbi != TLBI_NONE) do_tlbi(sc, ia);
            n++;
            if (++i == sc->pages) i = 0;
        }
        t = now() - t0;
        if (t >= min_s) break;
    }
    smmu_iotlb_stats(smmu, &s1);
    uint64_t lookups = (s1.hits - s0.hits) + (s1.misses - s0.misses);
    return (struct result){ n / t, lookups ? (double)(s1.hits - s0.hits) / lookups : -1 };
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    const char *e = getenv("BENCH_DMA_RUNS");
    unsigned runs = e ? (unsigned)atoi(e) : 5;
    if (runs < 1 || runs > 101) runs = 5;
    e = getenv("BENCH_DMA_SECONDS");
    double min_s = e ? atof(e) : 0.3;
    if (!(min_s > 0)) min_s = 0.3;
    const char *filter = getenv("BENCH_DMA_FILTER");
    setup();
    memset(buf, 0x5a, sizeof buf);
    printf("bench-dma: translated DMA through the SMMUv2 model: 4 KiB transfers (one IOVA page each,\n"
           "bench-dma: alternately dma_write and dma_read), median of %u runs of >= %.2f s each\n", runs, min_s);
    printf("%-32s %12s %10s %9s %11s\n", "scenario", "pages/s", "MB/s", "ns/page", "IOTLB hits");
    for (size_t s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++) {
        const struct scenario *sc = &scenarios[s];
        if (filter && !strstr(sc->name, filter)) continue;
        verify(sc);
        double v[101], hr = 0;
        for (unsigned r = 0; r < runs; r++) {
            struct result res = run_once(sc, min_s);
            v[r] = res.pages_per_s;
            hr = res.hit_rate;
        }
        check_faults("during the runs");
        qsort(v, runs, sizeof v[0], cmp_double);
        double med = runs % 2 ? v[runs / 2] : (v[runs / 2 - 1] + v[runs / 2]) / 2;
        char hits[16];
        if (sc->no_smmu || sc->sid == SID_BYPASS) snprintf(hits, sizeof hits, "-");
        else snprintf(hits, sizeof hits, "%.1f %%", 100 * hr);
        printf("%-32s %12.0f %10.1f %9.1f %11s\n", sc->name, med, med * PG / 1e6, 1e9 / med, hits);
        fflush(stdout);
    }
    smmu_free(smmu);
    bus_free(bus);
    return 0;
}
