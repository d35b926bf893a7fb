/* tests/bench/bench.c — CPU-bound benchmark guest (built by tests/guest/Makefile as
 * tests/guest/build/bench.elf, -O2, MMU off). Three kernels over deterministic pseudo-random
 * data: table-driven software CRC-32 over a buffer, heapsort of 32-bit values, and a sieve of
 * Eratosthenes. Each prints its result; the last line is "bench: checksum 0x...", which
 * tests/bench/run.sh compares between faultline and QEMU. Sized to run ~1-3 s on QEMU TCG. */
#include "rt.h"

#define CRC_BUF   (256 * 1024)
#define CRC_ROUNDS 48
#define SORT_N    (512 * 1024)
#define SIEVE_N   (16 * 1024 * 1024)

static uint32_t crc_table[256];
static uint8_t crc_buf[CRC_BUF] __attribute__((aligned(8)));
static uint32_t sort_a[SORT_N];
static uint8_t sieve[SIEVE_N];

static uint32_t rng = 2463534242u;
static uint32_t xorshift32(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

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

int main(void)
{
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
