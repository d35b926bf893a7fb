/* tests/bench/bench.c — CPU-bound benchmark guest, built by tests/guest/Makefile in three modes
 * (-DBENCH_MODE=N, same runtime and flags, -O2):
 *   0  build/bench.elf      MMU off (every access is Device memory, no translation)
 *   1  build/bench_mmu.elf  MMU on, "TLB-friendly": 4 KiB identity pages (level-3 descriptors,
 *                           no blocks) over RAM, Normal WB, caches on (SCTLR.M|C|I), then the same
 *                           kernels as mode 0 => the same checksum
 *   2  build/bench_tlb.elf  MMU on with the same tables, "TLB-hostile": one word read-modify-
 *                           written per 4 KiB page over HOSTILE_PAGES pages (16x a 256-entry
 *                           direct-mapped TLB, sequentially so every page maps to every TLB slot
 *                           in turn), HOSTILE_PASSES times; its own checksum
 * The kernels of modes 0/1 run over deterministic pseudo-random data: table-driven software
 * CRC-32 over a buffer, heapsort of 32-bit values, and a sieve of Eratosthenes. Each prints its
 * result; the last line is "bench: checksum 0x...", which tests/bench/run.sh compares between
 * faultline and QEMU. Sized to run ~1-3 s on QEMU TCG. */
#include "rt.h"
#include "mmu.h"                /* descriptor and TCR/MAIR constants only (no librtx) */

#ifndef BENCH_MODE
#define BENCH_MODE 0
#endif

#define CRC_BUF   (256 * 1024)
#define CRC_ROUNDS 48
#define SORT_N    (512 * 1024)
#define SIEVE_N   (16 * 1024 * 1024)

#if BENCH_MODE != 2
static uint32_t crc_table[256];
static uint8_t crc_buf[CRC_BUF] __attribute__((aligned(8)));
static uint32_t sort_a[SORT_N];
static uint8_t sieve[SIEVE_N];

#endif

static uint32_t rng = 2463534242u;
static uint32_t xorshift32(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }
#if BENCH_MODE != 2

static uint32_t crc32_sw(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n--) crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static void sift_down(uint32_t *a, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && a[child + 1] > a[child]) child++;
        if (a[root] >= a[child]) return;
        uint32_t t = a[root]; a[root] = a[child]; a[child] = t;
        root = child;
    }
}
static void heapsort(uint32_t *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;) sift_down(a, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        uint32_t t = a[0]; a[0] = a[end]; a[end] = t;
        sift_down(a, 0, end);
    }
}

#endif

#if BENCH_MODE != 0
/* ---- 4 KiB identity tables: RAM from 0x40000000 to the image end as level-3 pages ---- */
#define RAM_BASE   0x40000000ull
#define MAX_L3     96                       /* up to 192 MiB of RAM mapped page by page */
static uint64_t tables[3 + MAX_L3][512] __attribute__((aligned(4096)));

static unsigned map_pages(void)
{
    uint64_t *l0 = tables[0], *l1 = tables[1], *l2 = tables[2];
    uint64_t end = ((uint64_t)__image_end + 0x1fffff) & ~0x1fffffull;
    unsigned nl3 = (unsigned)((end - RAM_BASE) >> 21), pages = 0;
    if (nl3 > MAX_L3) { puts_("bench: image too large for the page-table pool\n"); psci_system_off(); }
    /* tables[] is in BSS: zeroed by start.S. */
    l0[0] = (uint64_t)l1 | PTE_TABLE;
    l1[0] = 0 | PTE_DEVICE | PTE_BLOCK;                     /* 0-1 GiB: devices (PL011) */
    l1[1] = (uint64_t)l2 | PTE_TABLE;                      /* 1-2 GiB: RAM */
    for (unsigned t = 0; t < nl3; t++) {
        uint64_t *l3 = tables[3 + t];
        l2[t] = (uint64_t)l3 | PTE_TABLE;
        for (unsigned i = 0; i < 512; i++, pages++)
            l3[i] = (RAM_BASE + ((uint64_t)t << 21) + ((uint64_t)i << 12)) | PTE_NORMAL | PTE_PAGE;
    }
    __asm__ volatile("dsb sy" ::: "memory");
    SYSREG_WRITE(mair_el1, MMU_MAIR);
    SYSREG_WRITE(tcr_el1, MMU_TCR_4K48);
    SYSREG_WRITE(ttbr0_el1, (uint64_t)l0);
    __asm__ volatile("isb\n\ttlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");
    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) | 1 | (1 << 2) | (1 << 12));   /* M, C, I */
    ISB();
    return pages;
}
#endif

#if BENCH_MODE == 2
/* ---- TLB-hostile kernel ---- */
#define HOSTILE_PAGES  4096                 /* 16 MiB */
#define HOSTILE_PASSES 2048
static uint32_t hostile[HOSTILE_PAGES * 1024] __attribute__((aligned(4096)));

int main(void)
{
    unsigned pages = map_pages();
    printf("bench: MMU on, %u 4 KiB pages mapped, SCTLR_EL1.M=%lu\n", pages, SYSREG_READ(sctlr_el1) & 1);
    for (uint32_t p = 0; p < HOSTILE_PAGES; p++) hostile[p * 1024] = xorshift32();
    uint32_t h = 0;
    for (uint32_t pass = 0; pass < HOSTILE_PASSES; pass++) {
        uint32_t off = (pass * 17) & 1023;              /* a different word of each page per pass */
        for (uint32_t p = 0; p < HOSTILE_PAGES; p++) {
            uint32_t *w = &hostile[p * 1024 + off];
            uint32_t v = *w;
            h = (h ^ v) * 0x01000193u;
            *w = v + h;
        }
    }
    printf("bench: tlb-hostile %u pages x %u passes, one word per page: hash 0x%08x\n",
           HOSTILE_PAGES, HOSTILE_PASSES, h);
    printf("bench: checksum 0x%08x\n", h ^ hostile[0] ^ hostile[(HOSTILE_PAGES - 1) * 1024 + 17]);
    return 0;
}
#else
int main(void)
{
#if BENCH_MODE == 1
    unsigned pages = map_pages();
    printf("bench: MMU on, %u 4 KiB pages mapped, SCTLR_EL1.M=%lu\n", pages, SYSREG_READ(sctlr_el1) & 1);
#endif
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (c & 1 ? 0xEDB88320u : 0);
        crc_table[i] = c;
    }
    for (size_t i = 0; i < CRC_BUF; i++) crc_buf[i] = (uint8_t)xorshift32();
    uint32_t crc = 0;
    for (int r = 0; r < CRC_ROUNDS; r++) crc = crc32_sw(crc, crc_buf, CRC_BUF);
    printf("bench: crc32 %u x %u bytes = 0x%08x\n", CRC_ROUNDS, CRC_BUF, crc);

    for (size_t i = 0; i < SORT_N; i++) sort_a[i] = xorshift32();
    heapsort(sort_a, SORT_N);
    uint32_t sorted = 1, sh = 0;
    for (size_t i = 0; i < SORT_N; i++) {
        if (i && sort_a[i - 1] > sort_a[i]) sorted = 0;
        sh = sh * 31 + sort_a[i];
    }
    printf("bench: heapsort %u values sorted=%u hash=0x%08x\n", SORT_N, sorted, sh);

    uint32_t primes = 0, psum = 0;
    for (size_t i = 2; i < SIEVE_N; i++) {
        if (sieve[i]) continue;
        primes++; psum += (uint32_t)i;
        for (size_t j = i * i; j < SIEVE_N; j += i) sieve[j] = 1;
    }
    printf("bench: sieve below %u: %u primes, sum 0x%08x\n", SIEVE_N, primes, psum);
    printf("bench: checksum 0x%08x\n", crc ^ sh ^ psum ^ primes);
    return 0;
}
#endif
