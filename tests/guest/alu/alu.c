/* tests/guest/alu — integer data-processing self-check: add/sub and NZCV, logical, shifts,
 * bitfields, move-wide, multiply/divide, CLZ/CLS/RBIT/REV, CRC32/CRC32C, conditional select and
 * compare. Each case runs one instruction sequence in inline asm (so GCC cannot fold it) and
 * compares with a constant computed on the host by gen_cases.py; then C-level self-consistency
 * checks over pseudo-random values. Prints FAIL lines for mismatches, a PASS line per group. */
#include "rt.h"

static unsigned group_fail;
static void check(int i, const char *name, uint64_t got, uint64_t want)
{
    if (got == want) return;
    group_fail++;
    printf("FAIL alu case %d '%s': got=0x%lx want=0x%lx\n", i, name, got, want);
}

#define CASE_R2(i, name, asm_, a, b, exp) { uint64_t r_, a_ = (a), b_ = (b); \
    __asm__ volatile(asm_ : "=&r"(r_) : "r"(a_), "r"(b_) : "cc"); check(i, name, r_, exp); }
#define CASE_R1(i, name, asm_, a, b, exp) CASE_R2(i, name, asm_, a, b, exp)
#define CASE_FL(i, name, asm_, a, b, exp) { uint64_t r_, a_ = (a), b_ = (b); \
    __asm__ volatile(asm_ "\n\tmrs %0, nzcv" : "=&r"(r_) : "r"(a_), "r"(b_) : "cc"); \
    check(i, name, r_, exp); }

static void asm_cases(void)
{
#include "alu_cases.h"
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)   /* xorshift64* */
{
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}
static uint64_t opaque(uint64_t x) { __asm__ volatile("" : "+r"(x)); return x; }

static void consistency(void)
{
    unsigned bad = 0;
    for (int i = 0; i < 2000; i++) {
        uint64_t a = next(), b = next() >> (i & 63);
        if (!b) b = 1;
        /* division identity, signed and unsigned, 64 and 32 bit */
        if (opaque(a) / b * b + opaque(a) % b != a) bad++;
        int64_t sa = (int64_t)a, sb = (int64_t)b | 1;
        if ((int64_t)opaque(sa) / sb * sb + (int64_t)opaque(sa) % sb != sa) bad++;
        uint32_t wa = (uint32_t)a, wb = (uint32_t)b | 1;
        if ((uint32_t)opaque(wa) / wb * wb + (uint32_t)opaque(wa) % wb != wa) bad++;
        /* popcount by loop vs by bit tricks */
        uint64_t v = a, p = 0;
        while (v) { p += v & 1; v >>= 1; }
        uint64_t x = a - ((a >> 1) & 0x5555555555555555ull);
        x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
        x = (((x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full) * 0x0101010101010101ull) >> 56;
        if (x != p) bad++;
        /* clz vs loop; rbit/rev involutions */
        uint64_t c, r;
        __asm__ volatile("clz %0, %1" : "=r"(c) : "r"(a));
        uint64_t n = 64; for (uint64_t t = a; t; t >>= 1) n--;
        if (c != n) bad++;
        __asm__ volatile("rbit %0, %1\n\trbit %0, %0" : "=&r"(r) : "r"(a));
        if (r != a) bad++;
        __asm__ volatile("rev %0, %1\n\trev %0, %0" : "=&r"(r) : "r"(a));
        if (r != a) bad++;
        /* 128-bit product: umulh/mul against 32-bit limbs */
        uint64_t hi, lo;
        __asm__ volatile("umulh %0, %2, %3\n\tmul %1, %2, %3" : "=&r"(hi), "=&r"(lo) : "r"(a), "r"(b));
        uint64_t al = a & 0xffffffff, ah = a >> 32, bl = b & 0xffffffff, bh = b >> 32;
        uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
        uint64_t mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
        if (lo != (ll & 0xffffffff) + (mid << 32) || hi != hh + (lh >> 32) + (hl >> 32) + (mid >> 32)) bad++;
        /* a shift by register is modulo the width */
        unsigned s = (unsigned)(b & 127);
        uint64_t sh; __asm__ volatile("lsl %0, %1, %2" : "=r"(sh) : "r"(a), "r"((uint64_t)s));
        if (sh != a << (s & 63)) bad++;
    }
    if (bad) { rt_failures++; printf("FAIL alu-consistency %u mismatches\n", bad); }
    else printf("PASS alu-consistency\n");
}

int main(void)
{
    asm_cases();
    if (group_fail) { rt_failures++; printf("FAIL alu-cases %u mismatches\n", group_fail); }
    else printf("PASS alu-cases\n");
    consistency();
    rt_result();
    return 0;
}
