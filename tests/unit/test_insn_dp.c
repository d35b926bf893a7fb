/* tests/unit/test_insn_dp.c — A64 data processing (immediate and register): results, NZCV,
 * zero-extension of W forms, SP operands, and UNDEFINED for unallocated encodings. Encodings
 * were produced with aarch64-linux-gnu-as -march=armv8-a+crc and objdump; expected values are
 * worked out by hand from the Arm ARM pseudocode (and CRC check values from the CRC catalogue:
 * CRC-32 "123456789" = 0xCBF43926, CRC-32C = 0xE3069283). */
#include "tests/unit/cpu_fixture.h"

/* UNDEFINED at decode (no table row accepts it) and when executed. */
static void expect_undef_dp(struct fx *f, uint32_t insn)
{
    assert_null(cpu_decode_name(f->c, insn));
    expect_undef(f, insn);
}

static void test_addsub_imm(void **state)
{
    struct fx *f = *state;
    SETX(1, 0x7fffffffffffffffull); exec1(f, 0xb1000420);          /* adds x0, x1, #1 */
    assert_int_equal(X(0), 0x8000000000000000ull); assert_int_equal(NZCV(), N_ | V_);
    SETX(3, 0xffffffff); SETX(2, ~0ull); exec1(f, 0x31000462);      /* adds w2, w3, #1 */
    assert_int_equal(X(2), 0); assert_int_equal(NZCV(), Z_ | C_);
    SETX(5, 0x10000); exec1(f, 0xf14040a4);                         /* subs x4, x5, #0x10, lsl #12 */
    assert_int_equal(X(4), 0); assert_int_equal(NZCV(), Z_ | C_);
    SETX(6, 5); exec1(f, 0x710000df);                                /* cmp w6, #0 */
    assert_int_equal(NZCV(), C_);
    cpu_set_sp(f->c, RAM + 0x1000); exec1(f, 0x910083ff);           /* add sp, sp, #0x20 */
    assert_int_equal(cpu_get_sp(f->c), RAM + 0x1020);
    exec1(f, 0xd10023e7);                                            /* sub x7, sp, #8 */
    assert_int_equal(X(7), RAM + 0x1018);
}

static void test_logical_imm_movewide(void **state)
{
    struct fx *f = *state;
    SETX(9, 0x123456789abcdef0ull); exec1(f, 0x92089d28);           /* and x8, x9, #0xff00ff00ff00ff00 */
    assert_int_equal(X(8), 0x120056009a00de00ull);
    SETX(10, ~0ull); exec1(f, 0x320107ea);                          /* mov w10, #0x80000001 */
    assert_int_equal(X(10), 0x80000001);
    SETX(12, 0xffffffff00000000ull); exec1(f, 0xd200f18b);          /* eor x11, x12, #0x5555... */
    assert_int_equal(X(11), 0xaaaaaaaa55555555ull);
    cpu_set_nzcv(f->c, 0xb0000000); SETX(14, 0xffffffff0000000full);
    exec1(f, 0x721c0dcd);                                            /* ands w13, w14, #0xf0 */
    assert_int_equal(X(13), 0); assert_int_equal(NZCV(), Z_);
    exec1(f, 0xd2e2468f);                                            /* mov x15, #0x1234 << 48 */
    assert_int_equal(X(15), 0x1234000000000000ull);
    SETX(16, ~0ull); exec1(f, 0x12800010);                          /* movn w16, #0 */
    assert_int_equal(X(16), 0xffffffff);
    SETX(17, 0x1111111111111111ull); exec1(f, 0xf2b7ddf1);          /* movk x17, #0xbeef, lsl #16 */
    assert_int_equal(X(17), 0x11111111beef1111ull);
}

static void test_bitfield_extr(void **state)
{
    struct fx *f = *state;
    SETX(19, 0x8000000000000001ull); exec1(f, 0xd37cee72);          /* lsl x18, x19, #4 */
    assert_int_equal(X(18), 0x10);
    SETX(21, 0xffffffff80000000ull); exec1(f, 0x531f7eb4);          /* lsr w20, w21, #31 */
    assert_int_equal(X(20), 1);
    SETX(23, 0x8000000000000000ull); exec1(f, 0x937ffef6);          /* asr x22, x23, #63 */
    assert_int_equal(X(22), ~0ull);
    SETX(25, 0x0123456789abcdefull); exec1(f, 0xd3485f38);          /* ubfx x24, x25, #8, #16 */
    assert_int_equal(X(24), 0xabcd);
    SETX(27, 0xff0); exec1(f, 0x13042f7a);                          /* sbfx w26, w27, #4, #8 */
    assert_int_equal(X(26), 0xffffffff);
    SETX(28, 0); SETX(29, 0x1ab); exec1(f, 0xb3601fbc);             /* bfi x28, x29, #32, #8 */
    assert_int_equal(X(28), 0xab00000000ull);
    SETX(0, ~0ull); SETX(1, 0xa0000000); exec1(f, 0x331c7c20);      /* bfxil w0, w1, #28, #4 */
    assert_int_equal(X(0), 0xfffffffa);
    SETX(3, 0x80000000); exec1(f, 0x93407c62);                      /* sxtw x2, w3 */
    assert_int_equal(X(2), 0xffffffff80000000ull);
    SETX(5, 0x1234); exec1(f, 0x53001ca4);                          /* uxtb w4, w5 */
    assert_int_equal(X(4), 0x34);
    SETX(7, 1); SETX(8, 0xf000000000000000ull); exec1(f, 0x93c8f0e6); /* extr x6, x7, x8, #60 */
    assert_int_equal(X(6), 0x1f);
    SETX(10, 0xffffffff12345678ull); exec1(f, 0x138a2149);          /* ror w9, w10, #8 */
    assert_int_equal(X(9), 0x78123456);
}

static void test_logical_shifted(void **state)
{
    struct fx *f = *state;
    SETX(1, ~0ull); SETX(2, 0xf); exec1(f, 0x8a221020);             /* bic x0, x1, x2, lsl #4 */
    assert_int_equal(X(0), 0xffffffffffffff0full);
    SETX(4, 0); SETX(5, 0xff); exec1(f, 0x2ae52083);                /* orn w3, w4, w5, ror #8 */
    assert_int_equal(X(3), 0x00ffffff);
    SETX(7, 0); SETX(8, 0x8000000000000000ull); exec1(f, 0xcaa804e6); /* eon x6, x7, x8, asr #1 */
    assert_int_equal(X(6), 0x3fffffffffffffffull);
    SETX(10, 0xf0); SETX(11, 0xf0); exec1(f, 0x6a2b0149);           /* bics w9, w10, w11 */
    assert_int_equal(X(9), 0); assert_int_equal(NZCV(), Z_);
    cpu_set_nzcv(f->c, 0xf0000000); SETX(13, ~0ull); SETX(14, 0x8000000000000000ull);
    exec1(f, 0xea4efdac);                                            /* ands x12, x13, x14, lsr #63 */
    assert_int_equal(X(12), 1); assert_int_equal(NZCV(), 0);        /* C and V cleared */
    SETX(16, 0xdeadbeefcafef00dull); exec1(f, 0xaa1003ef);          /* mov x15, x16 */
    assert_int_equal(X(15), 0xdeadbeefcafef00dull);
    SETX(18, 0xffffffff0f0f0f0full); exec1(f, 0x2a3203f1);          /* mvn w17, w18 */
    assert_int_equal(X(17), 0xf0f0f0f0);
}

static void test_addsub_shifted_extended(void **state)
{
    struct fx *f = *state;
    SETX(1, 1); SETX(2, 2); exec1(f, 0x8b020c20);                   /* add x0, x1, x2, lsl #3 */
    assert_int_equal(X(0), 17);
    cpu_set_nzcv(f->c, 0xf0000000); SETX(4, 0); SETX(5, 0x80000000);
    exec1(f, 0x6b851083);                                            /* subs w3, w4, w5, asr #4 */
    assert_int_equal(X(3), 0x08000000); assert_int_equal(NZCV(), 0);
    SETX(7, 0x8000000000000000ull); SETX(8, 0); exec1(f, 0xab4804e6); /* adds x6, x7, x8, lsr #1 */
    assert_int_equal(X(6), 0x8000000000000000ull); assert_int_equal(NZCV(), N_);
    SETX(9, 1); SETX(10, 2); exec1(f, 0xeb0a013f);                  /* cmp x9, x10 */
    assert_int_equal(NZCV(), N_);
    SETX(9, 2); SETX(10, 1); exec1(f, 0xeb0a013f);
    assert_int_equal(NZCV(), C_);
    SETX(9, 0x8000000000000000ull); SETX(10, 1); exec1(f, 0xeb0a013f);
    assert_int_equal(NZCV(), C_ | V_);                               /* INT64_MIN - 1 overflows */
    SETX(12, 1); exec1(f, 0x4b0c03eb);                              /* neg w11, w12 */
    assert_int_equal(X(11), 0xffffffff);
    /* extended register: SP as Rn and Rd */
    cpu_set_sp(f->c, RAM + 0x1000); SETX(1, 0xffffffff00000004ull);
    exec1(f, 0x8b214be0);                                            /* add x0, sp, w1, uxtw #2 */
    assert_int_equal(X(0), RAM + 0x1010);
    SETX(2, 0x10); exec1(f, 0xcb22e3ff);                            /* sub sp, sp, x2, sxtx */
    assert_int_equal(cpu_get_sp(f->c), RAM + 0xff0);
    SETX(4, 1); SETX(5, 0xff); exec1(f, 0x2b258083);                /* adds w3, w4, w5, sxtb */
    assert_int_equal(X(3), 0); assert_int_equal(NZCV(), Z_ | C_);
    cpu_set_nzcv(f->c, 0xf0000000); SETX(6, 0); SETX(7, 0x8000);
    exec1(f, 0xeb27a4df);                                            /* cmp x6, w7, sxth #1 */
    assert_int_equal(NZCV(), 0);
    SETX(9, 0x1000); SETX(10, 0x1ff); exec1(f, 0xcb2a1128);         /* sub x8, x9, w10, uxtb #4 */
    assert_int_equal(X(8), 0x10);
}

static void test_carry_ccmp_csel(void **state)
{
    struct fx *f = *state;
    cpu_set_nzcv(f->c, C_); SETX(1, 1); SETX(2, 2); exec1(f, 0x9a020020);   /* adc x0, x1, x2 */
    assert_int_equal(X(0), 4);
    cpu_set_nzcv(f->c, C_); SETX(4, 0xffffffff); SETX(5, 0); exec1(f, 0x3a050083); /* adcs w3, w4, w5 */
    assert_int_equal(X(3), 0); assert_int_equal(NZCV(), Z_ | C_);
    cpu_set_nzcv(f->c, 0); SETX(7, 5); SETX(8, 3); exec1(f, 0xda0800e6);    /* sbc x6, x7, x8 */
    assert_int_equal(X(6), 1);
    cpu_set_nzcv(f->c, 0); SETX(10, 0); SETX(11, 0); exec1(f, 0x7a0b0149);  /* sbcs w9, w10, w11 */
    assert_int_equal(X(9), 0xffffffff); assert_int_equal(NZCV(), N_);
    /* CCMP/CCMN */
    cpu_set_nzcv(f->c, Z_); SETX(0, 5); SETX(1, 5); exec1(f, 0xfa410004);   /* ccmp x0, x1, #4, eq */
    assert_int_equal(NZCV(), Z_ | C_);
    cpu_set_nzcv(f->c, 0); SETX(0, 5); SETX(1, 6); exec1(f, 0xfa410004);
    assert_int_equal(NZCV(), 0x40000000);                             /* cond false: #nzcv = 0b0100 */
    cpu_set_nzcv(f->c, 0); SETX(2, 0xfffffffb); exec1(f, 0x3a451842);       /* ccmn w2, #5, #2, ne */
    assert_int_equal(NZCV(), Z_ | C_);
    cpu_set_nzcv(f->c, N_); SETX(3, 0); exec1(f, 0xfa5fa86f);               /* ccmp x3, #31, #0xf, ge */
    assert_int_equal(NZCV(), 0xf0000000);
    /* conditional select */
    cpu_set_nzcv(f->c, N_); SETX(1, 11); SETX(2, 22); exec1(f, 0x9a82b020); /* csel x0, x1, x2, lt */
    assert_int_equal(X(0), 11);
    cpu_set_nzcv(f->c, 0); SETX(5, 0xffffffff); exec1(f, 0x1a850483);       /* csinc w3, w4, w5, eq */
    assert_int_equal(X(3), 0);
    cpu_set_nzcv(f->c, Z_); SETX(8, 0); exec1(f, 0xda8810e6);               /* csinv x6, x7, x8, ne */
    assert_int_equal(X(6), ~0ull);
    cpu_set_nzcv(f->c, 0); SETX(11, 1); exec1(f, 0x5a8b2549);               /* csneg w9, w10, w11, cs */
    assert_int_equal(X(9), 0xffffffff);
    cpu_set_nzcv(f->c, 0); exec1(f, 0x9a9fd7ec);                            /* cset x12, gt */
    assert_int_equal(X(12), 1);
    cpu_set_nzcv(f->c, V_); exec1(f, 0x5a9f73ed);                           /* csetm w13, vs */
    assert_int_equal(X(13), 0xffffffff);
    cpu_set_nzcv(f->c, N_); SETX(15, 5); exec1(f, 0xda8f55ee);              /* cneg x14, x15, mi */
    assert_int_equal(X(14), (uint64_t)-5);
}

static void test_dp_1src(void **state)
{
    struct fx *f = *state;
    SETX(1, 1); exec1(f, 0xdac00020);                                /* rbit x0, x1 */
    assert_int_equal(X(0), 0x8000000000000000ull);
    SETX(3, 0xffffffff00000001ull); exec1(f, 0x5ac00062);           /* rbit w2, w3 */
    assert_int_equal(X(2), 0x80000000);
    SETX(5, 0x0011223344556677ull); exec1(f, 0xdac004a4);           /* rev16 x4, x5 */
    assert_int_equal(X(4), 0x1100332255447766ull);
    SETX(7, 0xffffffff11223344ull); exec1(f, 0x5ac004e6);           /* rev16 w6, w7 */
    assert_int_equal(X(6), 0x22114433);
    SETX(9, 0x0011223344556677ull); exec1(f, 0xdac00928);           /* rev32 x8, x9 */
    assert_int_equal(X(8), 0x3322110077665544ull);
    SETX(11, 0x0011223344556677ull); exec1(f, 0xdac00d6a);          /* rev x10, x11 */
    assert_int_equal(X(10), 0x7766554433221100ull);
    SETX(13, 0xffffffff11223344ull); exec1(f, 0x5ac009ac);          /* rev w12, w13 */
    assert_int_equal(X(12), 0x44332211);
    SETX(15, 0); exec1(f, 0xdac011ee); assert_int_equal(X(14), 64); /* clz x14, x15 */
    SETX(15, 1); exec1(f, 0xdac011ee); assert_int_equal(X(14), 63);
    SETX(17, 0xffffffff00000000ull); exec1(f, 0x5ac01230);          /* clz w16, w17 */
    assert_int_equal(X(16), 32);
    SETX(19, ~0ull); exec1(f, 0xdac01672); assert_int_equal(X(18), 63);       /* cls x18, x19 */
    SETX(19, 0x0000ffffffffffffull); exec1(f, 0xdac01672); assert_int_equal(X(18), 15);
    SETX(21, 0xc0000000); exec1(f, 0x5ac016b4); assert_int_equal(X(20), 1);   /* cls w20, w21 */
    SETX(21, 0xffffffff00000000ull); exec1(f, 0x5ac016b4); assert_int_equal(X(20), 31);
}

static void test_dp_2src(void **state)
{
    struct fx *f = *state;
    SETX(1, 100); SETX(2, 7); exec1(f, 0x9ac20820); assert_int_equal(X(0), 14);      /* udiv x0, x1, x2 */
    SETX(2, 0); exec1(f, 0x9ac20820); assert_int_equal(X(0), 0);                     /* divide by zero */
    SETX(4, 0xffffffff); SETX(5, 2); exec1(f, 0x1ac50883); assert_int_equal(X(3), 0x7fffffff);
    SETX(7, (uint64_t)-7); SETX(8, 2); exec1(f, 0x9ac80ce6);                         /* sdiv x6, x7, x8 */
    assert_int_equal(X(6), (uint64_t)-3);                                             /* toward zero */
    SETX(7, 0x8000000000000000ull); SETX(8, ~0ull); exec1(f, 0x9ac80ce6);
    assert_int_equal(X(6), 0x8000000000000000ull);                                    /* INT64_MIN / -1 */
    SETX(10, 0x80000000); SETX(11, 0xffffffff); exec1(f, 0x1acb0d49);                 /* sdiv w9, w10, w11 */
    assert_int_equal(X(9), 0x80000000);
    SETX(11, 0); exec1(f, 0x1acb0d49); assert_int_equal(X(9), 0);
    SETX(13, 1); SETX(14, 65); exec1(f, 0x9ace21ac); assert_int_equal(X(12), 2);     /* lsl: amount mod 64 */
    SETX(16, 0x80000000); SETX(17, 33); exec1(f, 0x1ad1260f);                        /* lsr: amount mod 32 */
    assert_int_equal(X(15), 0x40000000);
    SETX(19, 0x8000000000000000ull); SETX(20, 127); exec1(f, 0x9ad42a72);            /* asr x18, x19, x20 */
    assert_int_equal(X(18), ~0ull);
    SETX(22, 1); SETX(23, 1); exec1(f, 0x1ad72ed5); assert_int_equal(X(21), 0x80000000); /* ror w21 */
}

static void test_crc32(void **state)
{
    struct fx *f = *state;
    const char *msg = "123456789";
    SETX(0, 0xffffffff); SETX(2, 0xffffffff);
    for (unsigned i = 0; i < 9; i++) {
        SETX(1, (uint8_t)msg[i]); exec1(f, 0x1ac14000);              /* crc32b w0, w0, w1 */
        SETX(3, (uint8_t)msg[i] | 0xffffff00u); exec1(f, 0x1ac35042);/* crc32cb w2, w2, w3 (upper bits ignored) */
    }
    assert_int_equal(~X(0) & 0xffffffff, 0xCBF43926);
    assert_int_equal(~X(2) & 0xffffffff, 0xE3069283);
    /* crc32x/crc32cx over "12345678" equal eight byte steps */
    uint64_t w; memcpy(&w, msg, 8);
    SETX(5, 0xffffffff); SETX(6, w); exec1(f, 0x9ac64ca4);           /* crc32x w4, w5, x6 */
    SETX(8, 0xffffffff); SETX(9, w); exec1(f, 0x9ac95d07);           /* crc32cx w7, w8, x9 */
    uint64_t x4 = X(4), x7 = X(7);
    SETX(0, 0xffffffff); SETX(2, 0xffffffff);
    for (unsigned i = 0; i < 8; i++) {
        SETX(1, (uint8_t)msg[i]); exec1(f, 0x1ac14000);
        SETX(3, (uint8_t)msg[i]); exec1(f, 0x1ac35042);
    }
    assert_int_equal(x4, X(0));
    assert_int_equal(x7, X(2));
    /* crc32h = two byte steps; crc32cw = four */
    SETX(11, 0x12345678); SETX(12, 0xffff3231); exec1(f, 0x1acc456a); /* crc32h w10, w11, w12 */
    uint64_t h = X(10);
    SETX(0, 0x12345678); SETX(1, 0x31); exec1(f, 0x1ac14000); SETX(1, 0x32); exec1(f, 0x1ac14000);
    assert_int_equal(h, X(0));
}

static void test_dp_3src(void **state)
{
    struct fx *f = *state;
    SETX(1, 3); SETX(2, 4); SETX(3, 5); exec1(f, 0x9b020c20); assert_int_equal(X(0), 17);   /* madd */
    SETX(5, 3); SETX(6, 4); SETX(7, 10); exec1(f, 0x1b069ca4); assert_int_equal(X(4), 0xfffffffe); /* msub w */
    SETX(9, 0x100000000ull); SETX(10, 0x100000000ull); exec1(f, 0x9b0a7d28); assert_int_equal(X(8), 0);
    SETX(12, 0xfffffffe); SETX(13, 3); SETX(14, 10); exec1(f, 0x9b2d398b); assert_int_equal(X(11), 4); /* smaddl */
    SETX(16, 0xffffffff); SETX(17, 2); SETX(18, 0x200000000ull); exec1(f, 0x9bb1ca0f);     /* umsubl */
    assert_int_equal(X(15), 2);
    SETX(20, ~0ull); SETX(21, 1); exec1(f, 0x9b557e93); assert_int_equal(X(19), ~0ull);    /* smulh */
    SETX(23, ~0ull); SETX(24, ~0ull); exec1(f, 0x9bd87ef6);                                /* umulh */
    assert_int_equal(X(22), 0xfffffffffffffffeull);
    SETX(26, 0x80000000); SETX(27, 0x80000000); exec1(f, 0x9b3b7f59);                     /* smull */
    assert_int_equal(X(25), 0x4000000000000000ull);
}

static void test_pcrel(void **state)
{
    struct fx *f = *state;
    uint64_t pc = exec1(f, 0x10000800);                              /* adr x0, .+0x100 */
    assert_int_equal(X(0), pc + 0x100);
    pc = exec1(f, 0xb0000021);                                       /* adrp x1, .+0x5000 */
    assert_int_equal(X(1), (pc & ~0xfffull) + 0x5000);
    pc = exec1(f, 0x10ffffe2);                                       /* adr x2, .-4 */
    assert_int_equal(X(2), pc - 4);
}

static void test_unallocated(void **state)
{
    struct fx *f = *state;
    static const uint32_t undef[] = {
        0x52c00000,     /* MOVZ W, hw = 2 */
        0x32800000,     /* move wide opc = 01 */
        0x12400000,     /* AND (imm) W with N = 1 */
        0x9240fc00,     /* AND (imm) X, N = 1 imms = 111111: reserved bitmask */
        0x9200fc00,     /* AND (imm) X, N = 0 imms = 111111: len < 1 */
        0x93000000,     /* SBFM X with N = 0 */
        0x53008000,     /* UBFM W with imms<5> = 1 */
        0x13808000,     /* EXTR W with imms<5> = 1 */
        0x8bc00000,     /* ADD (shifted) with shift = ROR */
        0x0b008000,     /* ADD (shifted) W with imm6<5> = 1 */
        0x8b201400,     /* ADD (extended) imm3 = 5 */
        0x8b600000,     /* add/sub extended opt = 01 */
        0x9a800800,     /* conditional select op2 = 10 */
        0xda400000,     /* conditional compare S = 0 */
        0xfa400010,     /* CCMP with o3 = 1 */
        0x5ac00c00,     /* REV (X opcode) with sf = 0 */
        0xdac01800,     /* 1-source opcode 000110 */
        0x9ac01000,     /* 2-source opcode 000100 */
        0x1ac04c00,     /* CRC32X with sf = 0 */
        0x9ac04000,     /* CRC32B with sf = 1 */
        0x9b600000,     /* 3-source op31 = 011 */
        0x1b200000,     /* SMADDL with sf = 0 */
        0x91800000,     /* ADDG (FEAT_MTE not implemented) */
    };
    for (unsigned i = 0; i < sizeof undef / sizeof *undef; i++) expect_undef_dp(f, undef[i]);
}

/* The W forms zero the upper half of the destination. */
static void test_w_zero_extension(void **state)
{
    struct fx *f = *state;
    static const uint32_t w_ops[] = { 0x0b020020 /* add w0, w1, w2 */, 0x2a0203e0 /* mov w0, w2 */,
                                      0x1a820020 /* csel w0, w1, w2, eq */, 0x1b027c20 /* mul w0, w1, w2 */ };
    for (unsigned i = 0; i < 4; i++) {
        SETX(0, ~0ull); SETX(1, 0xffffffff00000001ull); SETX(2, 0xffffffff00000003ull);
        cpu_set_nzcv(f->c, 0);
        exec1(f, w_ops[i]);
        assert_int_equal(X(0) >> 32, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_addsub_imm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logical_imm_movewide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bitfield_extr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logical_shifted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_addsub_shifted_extended, setup, teardown),
        cmocka_unit_test_setup_teardown(test_carry_ccmp_csel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dp_1src, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dp_2src, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crc32, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dp_3src, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pcrel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unallocated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_w_zero_extension, setup, teardown),
    };
    return cmocka_run_group_tests_name("insn_dp", tests, NULL, NULL);
}
