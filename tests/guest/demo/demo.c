/* tests/guest/demo — the `make run` guest: a banner through the PL011, the CPU's identity read
 * with mrs, a small computed checksum, then PSCI SYSTEM_OFF. MIDR differs between CPUs, so the
 * runner masks the "MIDR_EL1" line when comparing with QEMU. */
#include "rt.h"

/* Fletcher-32 over a generated buffer: exercises loads, stores, adds and modulo. */
static uint32_t fletcher32(const uint16_t *d, size_t n)
{
    uint32_t a = 0xffff, b = 0xffff;
    while (n) {
        size_t blk = n > 359 ? 359 : n;
        n -= blk;
        do { a += *d++; b += a; } while (--blk);
        a = (a & 0xffff) + (a >> 16);
        b = (b & 0xffff) + (b >> 16);
    }
    a = (a & 0xffff) + (a >> 16);
    b = (b & 0xffff) + (b >> 16);
    return b << 16 | a;
}

static uint16_t buf[1024];

int main(void)
{
    puts("faultline demo guest: hello from EL1 on the virt board\n");
    uint64_t midr = SYSREG_READ(midr_el1);
    uint64_t el = (SYSREG_READ(CurrentEL) >> 2) & 3;
    printf("MIDR_EL1 = 0x%08lx (implementer 0x%02lx, part 0x%03lx)\n",
           midr, (midr >> 24) & 0xff, (midr >> 4) & 0xfff);
    printf("CurrentEL = EL%lu\n", el);
    uint32_t x = 12345;
    for (unsigned i = 0; i < 1024; i++) { x = x * 1103515245u + 12345u; buf[i] = (uint16_t)(x >> 16); }
    printf("checksum = 0x%08x\n", fletcher32(buf, 1024));
    puts("powering off via PSCI SYSTEM_OFF\n");
    return 0;
}
