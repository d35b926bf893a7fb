/* tests/guest/ldst — loads and stores in every A64 addressing mode, all naturally aligned (MMU
 * off: data accesses are Device memory, where unaligned accesses fault): unsigned offset,
 * unscaled (LDUR/STUR), pre/post-index with writeback, register offset (LSL, UXTW, SXTW),
 * PC-relative literal, sign/zero-extending sizes, pairs (LDP/STP/LDPSW/LDNP/STNP), exclusives
 * (LDXR/STXR loop, LDAXR/STLXR, LDXP/STXP, CLREX makes STXR fail) and acquire/release
 * (LDAR/STLR and the byte/halfword forms). Exclusives on Device memory: the architecture lets an
 * implementation choose whether the monitors cover it; QEMU and faultline both do. */
#include "rt.h"

static uint64_t buf[32] __attribute__((aligned(64)));

static void fill(void)
{
    for (int i = 0; i < 32; i++) buf[i] = 0x1111111111111111ull * (uint64_t)(i & 15) + (uint64_t)i;
}

int main(void)
{
    uint64_t r, b, t, u;
    char *base = (char *)buf;

    fill();
    /* unsigned scaled offset */
    __asm__ volatile("ldr %0, [%1, #24]" : "=r"(r) : "r"(base) : "memory");
    CHECK_EQ("ldr-uimm", r, buf[3]);
    __asm__ volatile("ldr %w0, [%1, #12]" : "=r"(r) : "r"(base) : "memory");
    CHECK_EQ("ldr-w-uimm", r, buf[1] >> 32);
    __asm__ volatile("str %1, [%2, #248]" :: "r"(0), "r"(0xa5a5ull), "r"(base) : "memory");
    CHECK_EQ("str-uimm", buf[31], 0xa5a5);
    /* unscaled, negative offset */
    __asm__ volatile("ldur %0, [%1, #-8]" : "=r"(r) : "r"(base + 16) : "memory");
    CHECK_EQ("ldur-neg", r, buf[1]);
    __asm__ volatile("stur %w0, [%1, #-4]" :: "r"(0xcafef00dull), "r"(base + 40) : "memory");
    CHECK_EQ("stur-w", buf[4] >> 32, 0xcafef00d);
    /* pre-index and post-index writeback */
    fill();
    b = (uint64_t)base;
    __asm__ volatile("ldr %0, [%1, #16]!" : "=r"(r), "+r"(b) :: "memory");
    CHECK_EQ("ldr-pre-val", r, buf[2]);
    CHECK_EQ("ldr-pre-wb", b, (uint64_t)base + 16);
    __asm__ volatile("ldr %0, [%1], #-8" : "=r"(r), "+r"(b) :: "memory");
    CHECK_EQ("ldr-post-val", r, buf[2]);
    CHECK_EQ("ldr-post-wb", b, (uint64_t)base + 8);
    __asm__ volatile("str %2, [%1, #8]!" : "=m"(buf), "+r"(b) : "r"(0x77ull));
    CHECK_EQ("str-pre", buf[2], 0x77);
    CHECK_EQ("str-pre-wb", b, (uint64_t)base + 16);
    __asm__ volatile("strh %w2, [%1], #2" : "=m"(buf), "+r"(b) : "r"(0xbeefull));
    CHECK_EQ("strh-post", buf[2] & 0xffff, 0xbeef);
    CHECK_EQ("strh-post-wb", b, (uint64_t)base + 18);
    /* register offset */
    fill();
    __asm__ volatile("ldr %0, [%1, %2, lsl #3]" : "=r"(r) : "r"(base), "r"(5ull) : "memory");
    CHECK_EQ("ldr-reg-lsl", r, buf[5]);
    __asm__ volatile("ldr %0, [%1, %2]" : "=r"(r) : "r"(base), "r"(48ull) : "memory");
    CHECK_EQ("ldr-reg", r, buf[6]);
    __asm__ volatile("ldr %0, [%1, %w2, uxtw #3]" : "=r"(r) : "r"(base), "r"(0x100000007ull) : "memory");
    CHECK_EQ("ldr-reg-uxtw", r, buf[7]);
    __asm__ volatile("ldr %0, [%1, %w2, sxtw #3]" : "=r"(r) : "r"(base + 64), "r"(0xfffffffeull) : "memory");
    CHECK_EQ("ldr-reg-sxtw", r, buf[6]);
    __asm__ volatile("ldrh %w0, [%1, %2, lsl #1]" : "=r"(r) : "r"(base), "r"(9ull) : "memory");
    CHECK_EQ("ldrh-reg-lsl", r, (buf[2] >> 16) & 0xffff);
    /* literal */
    __asm__ volatile("ldr %0, 1f\n\tb 2f\n\t.balign 8\n1: .quad 0x0123456789abcdef\n2:" : "=r"(r));
    CHECK_EQ("ldr-literal", r, 0x0123456789abcdefull);
    __asm__ volatile("ldrsw %0, 1f\n\tb 2f\n\t.balign 4\n1: .word 0x80000001\n2:" : "=r"(r));
    CHECK_EQ("ldrsw-literal", r, 0xffffffff80000001ull);
    __asm__ volatile("adr %0, 1f\n\tb 2f\n1: nop\n2:" : "=r"(r));
    __asm__ volatile("adrp %0, buf" : "=r"(t));
    CHECK_EQ("adrp", t, (uint64_t)buf & ~0xfffull);
    /* sizes and extension */
    buf[0] = 0x8081828384858687ull;
    __asm__ volatile("ldrb %w0, [%1]" : "=r"(r) : "r"(base) : "memory");
    CHECK_EQ("ldrb", r, 0x87);
    __asm__ volatile("ldrsb %0, [%1, #1]" : "=r"(r) : "r"(base) : "memory");
    CHECK_EQ("ldrsb-x", r, 0xffffffffffffff86ull);
    __asm__ volatile("ldrsb %w0, [%1, #1]" : "=r"(r) : "r"(base) : "memory");
    CHECK_EQ("ldrsb-w", r, 0xffffff86ull);
    __asm__ volatile("ldrsh %0, [%1, #2]" : "=r"(r) : "r"(base) : "memory");
    CHECK_EQ("ldrsh-x", r, 0xffffffffffff8485ull);
    __asm__ volatile("ldrsh %w0, [%1, #6]" : "=r"(r) : "r"(base) : "memory");
    CHECK_EQ("ldrsh-w", r, 0xffff8081ull);
    __asm__ volatile("ldrsw %0, [%1, #4]" : "=r"(r) : "r"(base) : "memory");
    CHECK_EQ("ldrsw", r, 0xffffffff80818283ull);
    __asm__ volatile("strb %w1, [%2, #7]" : "=m"(buf) : "r"(0x12ull), "r"(base));
    CHECK_EQ("strb", buf[0], 0x1281828384858687ull);
    /* pairs */
    fill();
    __asm__ volatile("ldp %0, %1, [%2, #16]" : "=&r"(r), "=&r"(t) : "r"(base) : "memory");
    CHECK("ldp", r == buf[2] && t == buf[3]);
    b = (uint64_t)base + 64;
    __asm__ volatile("ldp %w0, %w1, [%2, #-8]!" : "=&r"(r), "=&r"(t), "+r"(b) :: "memory");
    CHECK("ldp-w-pre", r == (buf[7] & 0xffffffff) && t == buf[7] >> 32 && b == (uint64_t)base + 56);
    __asm__ volatile("stp %2, %3, [%1], #32" : "=m"(buf), "+r"(b) : "r"(0xaaull), "r"(0xbbull));
    CHECK("stp-post", buf[7] == 0xaa && buf[8] == 0xbb && b == (uint64_t)base + 88);
    buf[10] = 0x80000000fffffffeull;
    __asm__ volatile("ldpsw %0, %1, [%2, #80]" : "=&r"(r), "=&r"(t) : "r"(base) : "memory");
    CHECK("ldpsw", r == 0xfffffffffffffffeull && t == 0xffffffff80000000ull);
    __asm__ volatile("stnp %1, %2, [%3, #96]" : "=m"(buf) : "r"(1ull), "r"(2ull), "r"(base));
    __asm__ volatile("ldnp %0, %1, [%2, #96]" : "=&r"(r), "=&r"(t) : "r"(base) : "memory");
    CHECK("stnp-ldnp", r == 1 && t == 2);
    /* exclusives */
    buf[16] = 100;
    for (int i = 0; i < 10; i++)
        __asm__ volatile("1: ldxr %0, [%2]\n\tadd %0, %0, #3\n\tstxr %w1, %0, [%2]\n\tcbnz %w1, 1b"
                         : "=&r"(r), "=&r"(t) : "r"(&buf[16]) : "memory");
    CHECK_EQ("ldxr-stxr-loop", buf[16], 130);
    __asm__ volatile("1: ldaxr %w0, [%2]\n\tadd %w0, %w0, #1\n\tstlxr %w1, %w0, [%2]\n\tcbnz %w1, 1b"
                     : "=&r"(r), "=&r"(t) : "r"(&buf[16]) : "memory");
    CHECK_EQ("ldaxr-stlxr-w", buf[16], 131);
    buf[18] = 5; buf[19] = 6;
    __asm__ volatile("1: ldxp %0, %1, [%3]\n\tadd %0, %0, %1\n\tstxp %w2, %0, %0, [%3]\n\tcbnz %w2, 1b"
                     : "=&r"(r), "=&r"(u), "=&r"(t) : "r"(&buf[18]) : "memory");
    CHECK("ldxp-stxp", buf[18] == 11 && buf[19] == 11);
    __asm__ volatile("ldxr %0, [%2]\n\tclrex\n\tstxr %w1, %0, [%2]" : "=&r"(r), "=&r"(t) : "r"(&buf[16]) : "memory");
    CHECK_EQ("clrex-stxr-fails", t, 1);
    CHECK_EQ("clrex-mem-unchanged", buf[16], 131);
    /* acquire / release */
    __asm__ volatile("stlr %1, [%2]\n\tldar %0, [%2]" : "=&r"(r) : "r"(0x5555ull), "r"(&buf[20]) : "memory");
    CHECK_EQ("stlr-ldar", r, 0x5555);
    __asm__ volatile("stlrb %w1, [%2]\n\tldarb %w0, [%2]" : "=&r"(r) : "r"(0x1ffull), "r"(&buf[21]) : "memory");
    CHECK_EQ("stlrb-ldarb", r, 0xff);
    __asm__ volatile("stlrh %w1, [%2]\n\tldarh %w0, [%2]" : "=&r"(r) : "r"(0x12345ull), "r"(&buf[22]) : "memory");
    CHECK_EQ("stlrh-ldarh", r, 0x2345);
    __asm__ volatile("prfm pldl1keep, [%0]\n\tdmb ish\n\tdsb sy\n\tisb" :: "r"(base) : "memory");
    CHECK("prfm-barriers", 1);
    rt_result();
    return 0;
}
