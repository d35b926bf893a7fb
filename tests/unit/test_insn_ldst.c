/* tests/unit/test_insn_ldst.c — integer loads and stores (cpu/insn_ldst.c, cpu/a64_ldst.def):
 * decode rows and feature gating, every addressing mode and size, sign extension, writeback,
 * pairs and their faults, exclusives, acquire/release, LSE atomics, alignment and external
 * aborts. Encodings come from aarch64-linux-gnu-as (the comment is the source line).
 * The machine runs with the MMU off (data accesses Device-nGnRnE, Arm ARM D8.2.11). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cpu/cpu.h"
#include "machine/machine.h"

#define RAM      0x40000000ull
#define RAM_SIZE (1u << 20)
#define DATA     (RAM + 0x10000)          /* data area used by the tests */
#define HVC0     0xd4000002u
#define NOWHERE  0x10000000ull            /* nothing on the bus there */
#define MMIO     0x09060000ull            /* a test device (one 64-bit register, mirrored) */
#define ESR_EL1  SYSREG_ENC(3, 0, 5, 2, 0)

struct env {
    struct bus *b;
    uint8_t *ram;
    struct cpu_shared *sh;
    struct cpu *c, *c2;
    int hvcs;
    uint64_t mmio_reg;
    unsigned mmio_reads, mmio_writes;
};

static bool hvc_stop(void *opaque, struct cpu *c, bool is_hvc, uint16_t imm)
{
    ((struct env *)opaque)->hvcs++;
    cpu_set_halted(c, true);
    return true;
}
static int dev_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    struct env *e = opaque;
    e->mmio_reads++;
    *v = size == 8 ? e->mmio_reg : e->mmio_reg & ((1ull << (8 * size)) - 1);
    return BUS_OK;
}
static int dev_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    struct env *e = opaque;
    e->mmio_writes++;
    e->mmio_reg = v;
    return BUS_OK;
}
static const struct mmio_ops dev_ops = { "testdev", dev_read, dev_write };

static struct env *env_new(enum cpu_profile p)
{
    struct env *e = calloc(1, sizeof *e);
    e->b = bus_new();
    e->ram = bus_map_ram(e->b, "ram", mk_pa(RAM), RAM_SIZE, NULL);
    bus_map_mmio(e->b, "testdev", mk_pa(MMIO), 0x1000, &dev_ops, e);
    e->sh = cpu_shared_new(e->b);
    struct cpu_hooks h = { .opaque = e, .smccc = hvc_stop };
    struct cpu_config cfg = { .profile = p };
    e->c = cpu_new(e->sh, &cfg, &h);
    cfg.index = 1;
    e->c2 = cpu_new(e->sh, &cfg, &h);
    cpu_reset(e->c, RAM);
    cpu_reset(e->c2, RAM);
    return e;
}
static void env_free(struct env *e)
{
    cpu_free(e->c);
    cpu_free(e->c2);
    cpu_shared_free(e->sh);
    bus_free(e->b);
    free(e);
}

/* Load code at RAM + off (followed by HVC #0) */
static void load_code(struct env *e, uint64_t off, const uint32_t *code, size_t n)
{
    /* Through the bus so that the decoded-code cache drops what ran there before. */
    uint32_t hvc = HVC0;
    bus_write_buf(e->b, mk_pa(RAM + off), code, n * 4);
    bus_write_buf(e->b, mk_pa(RAM + off + n * 4), &hvc, 4);
}
/* Run code to its HVC: the run must end there, with no exception taken. */
static void run_ok(struct env *e, const uint32_t *code, size_t n)
{
    load_code(e, 0, code, n);
    cpu_set_pc(e->c, RAM);
    cpu_set_halted(e->c, false);
    enum cpu_exit x;
    while ((x = cpu_run(e->c, 10000)) == CPU_EXIT_REQUEST) continue;   /* MMIO accesses */
    assert_int_equal(x, CPU_EXIT_HALTED);
    assert_int_equal(cpu_get_pc(e->c), RAM + 4 * n + 4);
}
/* Run exactly n instructions; the last one is expected to take a synchronous exception with
 * class ec to EL1's current-EL/SPx vector at VBAR_EL1 (0) + 0x200. */
static void run_fault(struct env *e, const uint32_t *code, size_t n, unsigned ec, unsigned dfsc)
{
    load_code(e, 0, code, n);
    cpu_set_pc(e->c, RAM);
    cpu_set_halted(e->c, false);
    uint64_t before = cpu_get_stats(e->c)->exceptions_by_ec[ec];
    cpu_run(e->c, n);
    assert_int_equal(cpu_get_pc(e->c), 0x200);
    assert_int_equal(cpu_get_stats(e->c)->exceptions_by_ec[ec], before + 1);
    uint64_t esr;
    if (cpu_read_sysreg(e->c, ESR_EL1, &esr)) {          /* once sysreg.c implements it */
        assert_int_equal(esr >> 26, ec);
        if (ec != 0) assert_int_equal(esr & 0x3f, dfsc);
    }
}
static uint64_t rd64(struct env *e, uint64_t pa) { uint64_t v; memcpy(&v, e->ram + (pa - RAM), 8); return v; }
static void wr64(struct env *e, uint64_t pa, uint64_t v) { memcpy(e->ram + (pa - RAM), &v, 8); }
static uint64_t X(struct env *e, unsigned n) { return cpu_get_x(e->c, n); }
#define N(a) (sizeof(a) / sizeof *(a))

/* ---------------------------------------------------------------- decode */

struct dec_case { uint32_t insn; const char *a57, *max; };
static void test_decode_rows(void **state)
{
    static const struct dec_case cases[] = {
        { 0x39000441, "STR_uimm", "STR_uimm" },     /* strb w1, [x2, #1] */
        { 0x798007e1, "LDR_uimm", "LDR_uimm" },     /* ldrsh x1, [sp, #2] */
        { 0xf9800440, "PRFM_uimm", "PRFM_uimm" },   /* prfm pldl1keep, [x2, #8] */
        { 0xf81ff041, "STUR", "STUR" },             /* stur x1, [x2, #-1] */
        { 0xb89fd041, "LDUR", "LDUR" },             /* ldursw x1, [x2, #-3] */
        { 0xf89ff040, "PRFUM", "PRFUM" },           /* prfum pldl1keep, [x2, #-1] */
        { 0xf85f8441, "LDR_post", "LDR_post" },     /* ldr x1, [x2], #-8 */
        { 0x78002c41, "STR_pre", "STR_pre" },       /* strh w1, [x2, #2]! */
        { 0x38c03841, "LDTR", "LDTR" },             /* ldtrsb w1, [x2, #3] */
        { 0xf8000841, "STTR", "STTR" },             /* sttr x1, [x2] */
        { 0xb8637841, "LDR_reg", "LDR_reg" },       /* ldr w1, [x2, x3, lsl #2] */
        { 0x3823c841, "STR_reg", "STR_reg" },       /* strb w1, [x2, w3, sxtw] */
        { 0xf8a36840, "PRFM_reg", "PRFM_reg" },     /* prfm pldl1keep, [x2, x3] */
        { 0x58000001, "LDR_lit", "LDR_lit" },       /* ldr x1, . */
        { 0x98000001, "LDR_lit", "LDR_lit" },       /* ldrsw x1, . */
        { 0xd8000000, "PRFM_lit", "PRFM_lit" },     /* prfm pldl1keep, . */
        { 0xa9bf0be1, "STP_pre", "STP_pre" },       /* stp x1, x2, [sp, #-16]! */
        { 0xa8c10be1, "LDP_post", "LDP_post" },     /* ldp x1, x2, [sp], #16 */
        { 0x29410861, "LDP_off", "LDP_off" },       /* ldp w1, w2, [x3, #8] */
        { 0x69410861, "LDP_off", "LDP_off" },       /* ldpsw x1, x2, [x3, #8] */
        { 0xa8000861, "STNP", "STNP" },             /* stnp x1, x2, [x3] */
        { 0x28400861, "LDNP", "LDNP" },             /* ldnp w1, w2, [x3] */
        { 0xc85f7c41, "LDXR", "LDXR" },             /* ldxr x1, [x2] */
        { 0x085ffc41, "LDXR", "LDXR" },             /* ldaxrb w1, [x2] */
        { 0xc803fc41, "STXR", "STXR" },             /* stlxr w3, x1, [x2] */
        { 0x48037c41, "STXR", "STXR" },             /* stxrh w3, w1, [x2] */
        { 0xc87f0861, "LDXP", "LDXP" },             /* ldxp x1, x2, [x3] */
        { 0x88248861, "STXP", "STXP" },             /* stlxp w4, w1, w2, [x3] */
        { 0xc8dffc41, "LDAR", "LDAR" },             /* ldar x1, [x2] */
        { 0x089ffc41, "STLR", "STLR" },             /* stlrb w1, [x2] */
        { 0xf8bfc041, NULL, "LDAPR" },              /* ldapr x1, [x2] */
        { 0x38bfc041, NULL, "LDAPR" },              /* ldaprb w1, [x2] */
        { 0xc8a17c62, NULL, "CAS" },                /* cas x1, x2, [x3] */
        { 0x08e1fc62, NULL, "CAS" },                /* casalb w1, w2, [x3] */
        { 0x48207c82, NULL, "CASP" },               /* casp x0, x1, x2, x3, [x4] */
        { 0x0860ffe2, NULL, "CASP" },               /* caspal w0, w1, w2, w3, [sp] */
        { 0xf8210062, NULL, "LDATOMIC" },           /* ldadd x1, x2, [x3] */
        { 0x7861307f, NULL, "LDATOMIC" },           /* stsetlh w1, [x3] */
        { 0x38a16062, NULL, "LDATOMIC" },           /* ldumaxab w1, w2, [x3] */
        { 0xf8e183e2, NULL, "LDATOMIC" },           /* swpal x1, x2, [sp] */
        /* unallocated / not advertised */
        { 0xc8df7c41, NULL, NULL },                 /* ldlar x1, [x2] (FEAT_LOR) */
        { 0xc89f7c41, NULL, NULL },                 /* stllr x1, [x2] (FEAT_LOR) */
        { 0xb9c00000, NULL, NULL },                 /* size 10 opc 11 (uimm) */
        { 0xf9c00000, NULL, NULL },                 /* size 11 opc 11 (uimm) */
        { 0xf8800c00, NULL, NULL },                 /* PRFM slot, pre-index */
        { 0xf8800400, NULL, NULL },                 /* PRFM slot, post-index */
        { 0xf8800800, NULL, NULL },                 /* PRFM slot, unprivileged */
        { 0xb8621841, NULL, NULL },                 /* ldr w1, [x2, w2, uxtb] option 000 */
        { 0xf8a29840, NULL, NULL },                 /* prfm, option 100 */
        { 0x68400861, NULL, NULL },                 /* LDNP opc 01 */
        { 0xe9400861, NULL, NULL },                 /* LDP opc 11 */
        { 0x69010861, NULL, NULL },                 /* STGP slot (opc 01, L 0) */
        { 0x48217c82, NULL, NULL },                 /* casp with odd Rs */
        { 0x48207c83, NULL, NULL },                 /* casp with odd Rt */
        { 0xc8a17462, NULL, NULL },                 /* cas with Rt2 != 11111 */
        { 0xf8a1c041, NULL, NULL },                 /* ldapr with Rs != 11111 */
        { 0xf8219062, NULL, NULL },                 /* o3 = 1, opc = 001 */
    };
    struct env *a = env_new(CPU_PROFILE_CORTEX_A57), *m = env_new(CPU_PROFILE_MAX);
    for (size_t i = 0; i < N(cases); i++) {
        const char *na = cpu_decode_name(a->c, cases[i].insn), *nm = cpu_decode_name(m->c, cases[i].insn);
        if ((na == NULL) != (cases[i].a57 == NULL) || (na && strcmp(na, cases[i].a57)) ||
            (nm == NULL) != (cases[i].max == NULL) || (nm && strcmp(nm, cases[i].max)))
            fail_msg("insn %08x: a57 %s (want %s), max %s (want %s)", cases[i].insn,
                     na ? na : "UNDEF", cases[i].a57 ? cases[i].a57 : "UNDEF",
                     nm ? nm : "UNDEF", cases[i].max ? cases[i].max : "UNDEF");
    }
    /* Every row of a64_ldst.def has V (bit 26) fixed at 0 (SIMD&FP rows own V = 1). */
    static const char *const rows[] = {
        "STXR", "LDXR", "STXP", "LDXP", "CASP", "STLR", "LDAR", "CAS", "PRFM_lit", "LDR_lit",
        "STNP", "LDNP", "STP_post", "LDP_post", "STP_off", "LDP_off", "STP_pre", "LDP_pre",
        "STUR", "PRFUM", "LDUR", "STR_post", "LDR_post", "STTR", "LDTR", "STR_pre", "LDR_pre",
        "LDAPR", "LDATOMIC", "STR_reg", "PRFM_reg", "LDR_reg", "STR_uimm", "PRFM_uimm", "LDR_uimm",
    };
    unsigned seen = 0;
    uint32_t mask, value;
    const char *n;
    for (unsigned i = 0; (n = a64_pattern_row(i, &mask, &value)) != NULL; i++)
        for (size_t k = 0; k < N(rows); k++)
            if (!strcmp(n, rows[k])) {
                seen++;
                assert_true(mask & (1u << 26));
                assert_int_equal(value & (1u << 26), 0);
            }
    assert_int_equal(seen, N(rows));
    env_free(a);
    env_free(m);
}

/* ---------------------------------------------------------------- single register */

static void test_uimm_sizes_and_sign_extension(void **state)
{
    struct env *e = env_new(CPU_PROFILE_CORTEX_A57);
    static const uint32_t code[] = {
        0x39400024, /* ldrb w4, [x1] */
        0x79400025, /* ldrh w5, [x1] */
        0xb9400026, /* ldr w6, [x1] */
        0xf9400027, /* ldr x7, [x1] */
        0x39800028, /* ldrsb x8, [x1] */
        0x39c00029, /* ldrsb w9, [x1] */
        0x7980002a, /* ldrsh x10, [x1] */
        0x79c0002b, /* ldrsh w11, [x1] */
        0xb980002c, /* ldrsw x12, [x1] */
        0x39004022, /* strb w2, [x1, #16] */
        0x79002422, /* strh w2, [x1, #18] */
        0xb9001422, /* str w2, [x1, #20] */
        0xf9000c22, /* str x2, [x1, #24] */
        0xf900103f, /* str xzr, [x1, #32] */
        0xf97ffc2d, /* ldr x13, [x1, #32760] */
    };
    wr64(e, DATA, 0x8182838485868788ull);
    wr64(e, DATA + 32, ~0ull);
    wr64(e, DATA + 32760, 0x1122334455667788ull);
    cpu_set_x(e->c, 1, DATA);
    cpu_set_x(e->c, 2, 0xa1a2a3a4a5a6a7a8ull);
    run_ok(e, code, N(code));
    assert_int_equal(X(e, 4), 0x88);
    assert_int_equal(X(e, 5), 0x8788);
    assert_int_equal(X(e, 6), 0x85868788);
    assert_int_equal(X(e, 7), 0x8182838485868788ull);
    assert_int_equal(X(e, 8), 0xffffffffffffff88ull);
    assert_int_equal(X(e, 9), 0xffffff88ull);
    assert_int_equal(X(e, 10), 0xffffffffffff8788ull);
    assert_int_equal(X(e, 11), 0xffff8788ull);
    assert_int_equal(X(e, 12), 0xffffffff85868788ull);
    assert_int_equal(e->ram[0x10010], 0xa8);
    assert_int_equal(rd64(e, DATA + 16), 0xa5a6a7a8a7a800a8ull);  /* strb@16, strh@18, str w@20 */
    assert_int_equal(rd64(e, DATA + 16) >> 32, 0xa5a6a7a8);
    assert_int_equal(rd64(e, DATA + 24), 0xa1a2a3a4a5a6a7a8ull);
    assert_int_equal(rd64(e, DATA + 32), 0);
    assert_int_equal(X(e, 13), 0x1122334455667788ull);
    env_free(e);
}

static void test_unscaled_pre_post(void **state)
{
    struct env *e = env_new(CPU_PROFILE_CORTEX_A57);
    static const uint32_t code[] = {
        0xf85f8024, /* ldur x4, [x1, #-8] */
        0xf8408c25, /* ldr x5, [x1, #8]! */
        0xf85f0426, /* ldr x6, [x1], #-16 */
        0x381fffe2, /* strb w2, [sp, #-1]! */
        0x78c0e027, /* ldursh w7, [x1, #14] */
        0xf8018422, /* str x2, [x1], #24 */
    };
    wr64(e, DATA - 8, 0x1111);
    wr64(e, DATA + 8, 0x2222);
    wr64(e, DATA, 0xfedc000000000000ull);    /* halfword at DATA - 8 + 15 = DATA + 7: 0xfe?? */
    cpu_set_x(e->c, 1, DATA);
    cpu_set_x(e->c, 2, 0x77);
    cpu_set_sp(e->c, DATA + 0x100);
    run_ok(e, code, N(code));
    assert_int_equal(X(e, 4), 0x1111);
    assert_int_equal(X(e, 5), 0x2222);
    assert_int_equal(X(e, 6), 0x2222);        /* post-index: loaded from DATA + 8 */
    assert_int_equal(cpu_get_sp(e->c), DATA + 0xff);
    assert_int_equal(e->ram[0x100ff], 0x77);
    assert_int_equal(X(e, 7), 0xfffffedc);   /* [DATA - 8 + 14], sign-extended to W */
    assert_int_equal(rd64(e, DATA - 8), 0x77);
    assert_int_equal(X(e, 1), DATA + 16);
    env_free(e);
}

static void test_register_offset(void **state)
{
    struct env *e = env_new(CPU_PROFILE_CORTEX_A57);
    static const uint32_t code[] = {
        0xf8627824, /* ldr x4, [x1, x2, lsl #3]   DATA + 32 */
        0x3863c826, /* ldrb w6, [x1, w3, sxtw]    DATA - 4 */
        0x7862f827, /* ldrh w7, [x1, x2, sxtx #1] DATA + 8 */
        0xb8a26828, /* ldrsw x8, [x1, x2]         DATA + 4 */
        0xf823d829, /* str x9, [x1, w3, sxtw #3]  DATA - 32 */
    };
    for (unsigned i = 0; i < 64; i++) e->ram[0x10000 - 32 + i] = (uint8_t)(0x80 + i);
    wr64(e, DATA + 32, 0xabcdef0123456789ull);
    cpu_set_x(e->c, 1, DATA);
    cpu_set_x(e->c, 2, 4);
    cpu_set_x(e->c, 3, 0x12345678fffffffcull);     /* as W: -4 */
    cpu_set_x(e->c, 9, 0x5a5a);
    run_ok(e, code, N(code));
    assert_int_equal(X(e, 4), 0xabcdef0123456789ull);
    assert_int_equal(X(e, 6), 0x80 + 28);
    assert_int_equal(X(e, 7), 0xa9a8);
    assert_int_equal(X(e, 8), 0xffffffffa7a6a5a4ull);
    assert_int_equal(rd64(e, DATA - 32), 0x5a5a);
    /* UXTW: the 32-bit index is zero-extended (the upper half of Xm is ignored). */
    static const uint32_t code2[] = { 0xb8635825 /* ldr w5, [x1, w3, uxtw #2] */ };
    cpu_set_x(e->c, 3, 0xffffffff00000003ull);
    run_ok(e, code2, N(code2));
    assert_int_equal(X(e, 5), 0xafaeadac);                          /* DATA + 12 */
    env_free(e);
}

static void test_literal_and_prefetch(void **state)
{
    struct env *e = env_new(CPU_PROFILE_CORTEX_A57);
    static const uint32_t code[] = {
        0x580000c4, /* ldr x4, lit (+0x18: 8-aligned, data accesses are Device) */
        0x980000a5, /* ldrsw x5, lit */
        0x18000086, /* ldr w6, lit */
        0xd8000060, /* prfm pldl1keep, lit */
        0xd2800000, /* movz x0, #0 */
        0xd4000002, /* hvc #0 */
        0x80000001, /* lit: .word 0x80000001 */
        0x7fff0000, /*      .word 0x7fff0000 */
    };
    bus_write_buf(e->b, mk_pa(RAM), code, sizeof code);
    cpu_set_pc(e->c, RAM);
    assert_int_equal(cpu_run(e->c, 100), CPU_EXIT_HALTED);
    assert_int_equal(X(e, 4), 0x7fff000080000001ull);
    assert_int_equal(X(e, 5), 0xffffffff80000001ull);
    assert_int_equal(X(e, 6), 0x80000001ull);
    /* PRFM never faults, whatever the address. */
    static const uint32_t pf[] = {
        0xf9800020, /* prfm pldl1keep, [x1] */
        0xf89fd033, /* prfum pstl2strm, [x1, #-3] */
        0xf8a2782c, /* prfm plil3keep, [x1, x2, lsl #3] */
    };
    cpu_set_x(e->c, 1, NOWHERE);
    cpu_set_x(e->c, 2, 3);
    cpu_set_halted(e->c, false);
    run_ok(e, pf, N(pf));
    assert_int_equal(cpu_get_stats(e->c)->exceptions_by_ec[0x25], 0);
    env_free(e);
}

static void test_unprivileged(void **state)
{
    struct env *e = env_new(CPU_PROFILE_CORTEX_A57);
    static const uint32_t code[] = {
        0xf8408824, /* ldtr x4, [x1, #8] */
        0x38003822, /* sttrb w2, [x1, #3] */
        0x789fe825, /* ldtrsh x5, [x1, #-2] */
    };
    wr64(e, DATA + 8, 0x123456789abcdef0ull);
    wr64(e, DATA - 8, 0x8001000000000000ull);
    cpu_set_x(e->c, 1, DATA);
    cpu_set_x(e->c, 2, 0x3c);
    run_ok(e, code, N(code));
    assert_int_equal(X(e, 4), 0x123456789abcdef0ull);
    assert_int_equal(e->ram[0x10003], 0x3c);
    assert_int_equal(X(e, 5), 0xffffffffffff8001ull);
    env_free(e);
}

/* Writeback with Rn == Rt (CONSTRAINED UNPREDICTABLE): executed as QEMU/Unicorn do. */
static void test_writeback_overlap(void **state)
{
    struct env *e = env_new(CPU_PROFILE_CORTEX_A57);
    static const uint32_t code[] = {
        0xf8408421, /* ldr x1, [x1], #8     -> x1 = address + 8 (writeback wins) */
        0xf8008c42, /* str x2, [x2, #8]!    -> stores the old x2 */
        0xa9c11063, /* ldp x3, x4, [x3, #16]!  -> x3 = written-back address */
        0xa94014c5, /* ldp x5, x5, [x6]     -> x5 = first element */
    };
    wr64(e, DATA, 0x1234);
    wr64(e, DATA + 0x210, 0xaaaa);
    wr64(e, DATA + 0x218, 0xbbbb);
    wr64(e, DATA + 0x300, 0x5555);
    wr64(e, DATA + 0x308, 0x6666);
    cpu_set_x(e->c, 1, DATA);
    cpu_set_x(e->c, 2, DATA + 0x100);
    cpu_set_x(e->c, 3, DATA + 0x200);
    cpu_set_x(e->c, 6, DATA + 0x300);
    run_ok(e, code, N(code));
    assert_int_equal(X(e, 1), DATA + 8);
    assert_int_equal(X(e, 2), DATA + 0x108);
    assert_int_equal(rd64(e, DATA + 0x108), DATA + 0x100);
    assert_int_equal(X(e, 3), DATA + 0x210);
    assert_int_equal(X(e, 4), 0xbbbb);
    assert_int_equal(X(e, 5), 0x5555);
    env_free(e);
}

static void test_external_abort_unmapped(void **state)
{
    struct env *e = env_new(CPU_PROFILE_CORTEX_A57);
    static const uint32_t code[] = { 0xf9400027 /* ldr x7, [x1] */ };
    cpu_set_x(e->c, 1, NOWHERE);
    cpu_set_x(e->c, 7, 0x77);
    run_fault(e, code, 1, 0x25, 0x10);
    assert_int_equal(X(e, 7), 0x77);
    static const uint32_t st[] = { 0xf8018422 /* str x2, [x1], #24 */ };
    run_fault(e, st, 1, 0x25, 0x10);
    assert_int_equal(X(e, 1), NOWHERE);       /* no writeback on a fault */
    env_free(e);
}

/* ---------------------------------------------------------------- pairs */

static void test_pairs(void **state)
{
    struct env *e = env_new(CPU_PROFILE_CORTEX_A57);
    static const uint32_t code[] = {
        0xa9010c22, /* stp x2, x3, [x1, #16] */
        0xa9411424, /* ldp x4, x5, [x1, #16] */
        0x29bf0c22, /* stp w2, w3, [x1, #-8]! */
        0x28c11c26, /* ldp w6, w7, [x1], #8 */
        0x697f2428, /* ldpsw x8, x9, [x1, #-8] */
        0xa83e0fff, /* stnp xzr, x3, [sp, #-32] */
        0xa87e2fea, /* ldnp x10, x11, [sp, #-32] */
        0xa9bf0fe2, /* stp x2, x3, [sp, #-16]! */
        0xa8c137ec, /* ldp x12, x13, [sp], #16 */
    };
    cpu_set_x(e->c, 1, DATA);
    cpu_set_x(e->c, 2, 0x8000000180000002ull);
    cpu_set_x(e->c, 3, 0x0000000370000004ull);
    cpu_set_sp(e->c, DATA + 0x400);
    wr64(e, DATA + 0x400 - 32, ~0ull);
    run_ok(e, code, N(code));
    assert_int_equal(X(e, 4), 0x8000000180000002ull);
    assert_int_equal(X(e, 5), 0x0000000370000004ull);
    assert_int_equal(rd64(e, DATA - 8), 0x7000000480000002ull);
    assert_int_equal(X(e, 6), 0x80000002u);
    assert_int_equal(X(e, 7), 0x70000004u);
    assert_int_equal(X(e, 1), DATA);            /* -8 pre, +8 post */
    assert_int_equal(X(e, 8), 0xffffffff80000002ull);
    assert_int_equal(X(e, 9), 0x70000004u);
    assert_int_equal(X(e, 10), 0);
    assert_int_equal(X(e, 11), 0x0000000370000004ull);
    assert_int_equal(X(e, 12), 0x8000000180000002ull);
    assert_int_equal(X(e, 13), 0x0000000370000004ull);
    assert_int_equal(cpu_get_sp(e->c), DATA + 0x400);
    env_free(e);
}

/* The second element of a pair faults (it is past the end of RAM): the registers, and the base
 * register of a writeback form, are unchanged. For STP the first element has been written
 * (the choice documented in insn_ldst.c). */
static void test_pair_second_half_faults(void **state)
{
    struct env *e = env_new(CPU_PROFILE_CORTEX_A57);
    uint64_t last = RAM + RAM_SIZE - 8;
    wr64(e, last, 0x4242);
    static const uint32_t ldp[] = { 0xa9c11063 /* ldp x3, x4, [x3, #16]! */ };
    cpu_set_x(e->c, 3, last - 16);
    cpu_set_x(e->c, 4, 0x44);
    run_fault(e, ldp, 1, 0x25, 0x10);
    assert_int_equal(X(e, 3), last - 16);
    assert_int_equal(X(e, 4), 0x44);
    static const uint32_t ldp2[] = { 0xa9401464 /* ldp x4, x5, [x3] */ };
    cpu_set_x(e->c, 3, last);
    cpu_set_x(e->c, 5, 0x55);
    run_fault(e, ldp2, 1, 0x25, 0x10);
    assert_int_equal(X(e, 4), 0x44);
    assert_int_equal(X(e, 5), 0x55);
    static const uint32_t stp[] = { 0xa9bf0861 /* stp x1, x2, [x3, #-16]! */ };
    cpu_set_x(e->c, 3, last + 16);
    cpu_set_x(e->c, 1, 0x1111);
    cpu_set_x(e->c, 2, 0x2222);
    run_fault(e, stp, 1, 0x25, 0x10);
    assert_int_equal(X(e, 3), last + 16);
    assert_int_equal(rd64(e, last), 0x1111);
    env_free(e);
}

/* ---------------------------------------------------------------- exclusives */

static void test_exclusive_success_and_failure(void **state)
{
    struct env *e = env_new(CPU_PROFILE_CORTEX_A57);
    static const uint32_t code[] = {
        0xc85f7c24, /* ldxr x4, [x1] */
        0xc8057c22, /* stxr w5, x2, [x1]   -> 0 */
        0xc8067c23, /* stxr w6, x3, [x1]   -> 1: the monitor was cleared */
        0x085ffc27, /* ldaxrb w7, [x1] */
        0x0808fc22, /* stlxrb w8, w2, [x1] -> 0 */
        0xc87f2829, /* ldxp x9, x10, [x1] */
        0xc82b0c22, /* stxp w11, x2, x3, [x1] -> 0 */
        0x887f342c, /* ldxp w12, w13, [x1] */
        0x882e8c22, /* stlxp w14, w2, w3, [x1] -> 0 */
        0xc8dffc2f, /* ldar x15, [x1] */
        0x489ffc22, /* stlrh w2, [x1] */
        0x48dffc30, /* ldarh w16, [x1] */
    };
    wr64(e, DATA, 0x1122334455667788ull);
    wr64(e, DATA + 8, 0x99);
    cpu_set_x(e->c, 1, DATA);
    cpu_set_x(e->c, 2, 0xa0a1a2a3a4a5a6a7ull);
    cpu_set_x(e->c, 3, 0xb0b1b2b3b4b5b6b7ull);
    for (unsigned r = 5; r <= 14; r++) cpu_set_x(e->c, r, 0x77);
    run_ok(e, code, N(code));
    assert_int_equal(X(e, 4), 0x1122334455667788ull);
    assert_int_equal(X(e, 5), 0);
    assert_int_equal(X(e, 6), 1);
    assert_int_equal(X(e, 7), 0xa7);
    assert_int_equal(X(e, 8), 0);
    assert_int_equal(X(e, 9), 0xa0a1a2a3a4a5a6a7ull);
    assert_int_equal(X(e, 10), 0x99);
    assert_int_equal(X(e, 11), 0);
    assert_int_equal(X(e, 12), 0xa4a5a6a7u);
    assert_int_equal(X(e, 13), 0xa0a1a2a3u);
    assert_int_equal(X(e, 14), 0);
    assert_int_equal(X(e, 15), 0xb4b5b6b7a4a5a6a7ull);
    assert_int_equal(X(e, 16), 0xa6a7);
    assert_int_equal(rd64(e, DATA + 8), 0xb0b1b2b3b4b5b6b7ull);
    env_free(e);
}

static void test_exclusive_monitor_cleared(void **state)
{
    struct env *e = env_new(CPU_PROFILE_CORTEX_A57);
    static const uint32_t ldx[] = { 0xc85f7c24 /* ldxr x4, [x1] */ };
    static const uint32_t stx[] = { 0xc8057c22 /* stxr w5, x2, [x1] */ };
    cpu_set_x(e->c, 1, DATA);
    cpu_set_x(e->c, 2, 0x42);
    wr64(e, DATA, 7);
    /* 1. A plain store to the location between LDXR and STXR: STXR fails. */
    run_ok(e, ldx, 1);
    wr64(e, DATA, 8);
    run_ok(e, stx, 1);
    assert_int_equal(X(e, 5), 1);
    assert_int_equal(rd64(e, DATA), 8);
    /* 2. STXR to another address than the one monitored: fails, memory untouched. */
    run_ok(e, ldx, 1);
    cpu_set_x(e->c, 1, DATA + 8);
    run_ok(e, stx, 1);
    assert_int_equal(X(e, 5), 1);
    assert_int_equal(rd64(e, DATA + 8), 0);
    cpu_set_x(e->c, 1, DATA);
    /* 3. Another vCPU's successful STXR to the same granule clears our reservation, even
     *    when it stored the value we had read. */
    run_ok(e, ldx, 1);
    struct cpu *c2 = e->c2;
    static const uint32_t other[] = {
        0xc85f7c24, /* ldxr x4, [x1] */
        0xc8057c24, /* stxr w5, x4, [x1] (same value) */
    };
    load_code(e, 0x100, other, N(other));
    cpu_set_x(c2, 1, DATA + 16);                       /* same 64-byte granule */
    wr64(e, DATA + 16, 5);
    cpu_set_pc(c2, RAM + 0x100);
    assert_int_equal(cpu_run(c2, 100), CPU_EXIT_HALTED);
    assert_int_equal(cpu_get_x(c2, 5), 0);
    run_ok(e, stx, 1);
    assert_int_equal(X(e, 5), 1);
    assert_int_equal(rd64(e, DATA), 8);
    /* 4. An exception between LDXR and STXR clears the local monitor (here: an
     *    external abort), so the STXR after it fails. */
    run_ok(e, ldx, 1);
    static const uint32_t bad[] = { 0xf9400067 /* ldr x7, [x3] */ };
    cpu_set_x(e->c, 3, NOWHERE);
    run_fault(e, bad, 1, 0x25, 0x10);
    run_ok(e, stx, 1);
    assert_int_equal(X(e, 5), 1);
    /* 5. And the plain path works again. */
    run_ok(e, ldx, 1);
    run_ok(e, stx, 1);
    assert_int_equal(X(e, 5), 0);
    assert_int_equal(rd64(e, DATA), 0x42);
    env_free(e);
}

/* Exclusives and acquire/release need natural alignment (LDXP X: 16 bytes): Alignment fault,
 * DFSC 0x21, registers unchanged. */
static void test_alignment_faults(void **state)
{
    struct env *e = env_new(CPU_PROFILE_MAX);
    static const uint32_t ldxr[] = { 0x885f7c24 /* ldxr w4, [x1] */ };
    static const uint32_t ldar[] = { 0xc8dffc24 /* ldar x4, [x1] */ };
    static const uint32_t ldxp[] = { 0xc87f1424 /* ldxp x4, x5, [x1] */ };
    static const uint32_t casp[] = { 0x48247c26 /* casp x4, x5, x6, x7, [x1] */ };
    static const uint32_t stlr[] = { 0x889ffc22 /* stlr w2, [x1] */ };
    static const uint32_t ldapr[] = { 0xb8bfc024 /* ldapr w4, [x1] */ };
    static const uint32_t ldadd[] = { 0xf8220024 /* ldadd x2, x4, [x1] */ };
    static const uint32_t cas[] = { 0xc8a47c22 /* cas x4, x2, [x1] */ };
    cpu_set_x(e->c, 4, 0x44);
    cpu_set_x(e->c, 1, DATA + 2);
    run_fault(e, ldxr, 1, 0x25, 0x21);
    run_fault(e, ldar, 1, 0x25, 0x21);
    run_fault(e, stlr, 1, 0x25, 0x21);
    run_fault(e, ldapr, 1, 0x25, 0x21);
    run_fault(e, ldadd, 1, 0x25, 0x21);
    run_fault(e, cas, 1, 0x25, 0x21);
    cpu_set_x(e->c, 1, DATA + 8);
    run_fault(e, ldxp, 1, 0x25, 0x21);
    run_fault(e, casp, 1, 0x25, 0x21);
    assert_int_equal(X(e, 4), 0x44);
    env_free(e);
}

/* ---------------------------------------------------------------- LSE, LRCPC */

static void test_lse_atomics(void **state)
{
    struct env *e = env_new(CPU_PROFILE_MAX);
    static const uint32_t code[] = {
        0xf8220024, /* ldadd x2, x4, [x1]   mem 10 -> 13 */
        0xf8231025, /* ldclr x3, x5, [x1]   13 & ~0xc = 1 */
        0xf8222026, /* ldeor x2, x6, [x1]   1 ^ 3 = 2 */
        0xf8233027, /* ldset x3, x7, [x1]   2 | 0xc = 0xe */
        0xf8e28028, /* swpal x2, x8, [x1]   -> 3 */
        0xf823003f, /* stadd x3, [x1]       3 + 0xc = 0xf */
    };
    wr64(e, DATA, 10);
    cpu_set_x(e->c, 1, DATA);
    cpu_set_x(e->c, 2, 3);
    cpu_set_x(e->c, 3, 0xc);
    run_ok(e, code, N(code));
    assert_int_equal(X(e, 4), 10);
    assert_int_equal(X(e, 5), 13);
    assert_int_equal(X(e, 6), 1);
    assert_int_equal(X(e, 7), 2);
    assert_int_equal(X(e, 8), 0xe);
    assert_int_equal(rd64(e, DATA), 0xf);

    /* Signed/unsigned min/max at the access size: one instruction per case. */
    static const struct { uint32_t insn; unsigned rs, rt; uint64_t mem, s, old, after; } mm[] = {
        { 0x38224024, 2, 4, 0x80, 0x01, 0x80, 0x01 },             /* ldsmaxb w2, w4, [x1] */
        { 0x38224024, 2, 4, 0x7f, 0x80, 0x7f, 0x7f },             /* ldsmaxb */
        { 0x38225025, 2, 5, 0x7f, 0x80, 0x7f, 0x80 },             /* ldsminb w2, w5, [x1] */
        { 0x38226026, 2, 6, 0x7f, 0x80, 0x7f, 0x80 },             /* ldumaxb w2, w6, [x1] */
        { 0x38227027, 2, 7, 0x17f, 0xff80, 0x7f, 0x17f },         /* lduminb w2, w7, [x1] */
        { 0x78234028, 3, 8, 0x1234567800008001ull, 0x7000, 0x8001, 0x1234567800007000ull }, /* ldsmaxh */
        { 0xb8237029, 3, 9, 0xffffffff80000000ull, 0xdeadbeef00007000ull, 0x80000000,
          0xffffffff00007000ull },                                   /* ldumin w3, w9, [x1] */
    };
    for (size_t i = 0; i < N(mm); i++) {
        wr64(e, DATA, mm[i].mem);
        cpu_set_x(e->c, mm[i].rs, mm[i].s);
        cpu_set_halted(e->c, false);
        run_ok(e, &mm[i].insn, 1);
        assert_int_equal(X(e, mm[i].rt), mm[i].old);
        assert_int_equal(rd64(e, DATA), mm[i].after);
    }

    /* CAS / CASP: success and failure. */
    wr64(e, DATA, 100);
    wr64(e, DATA + 16, 1);
    wr64(e, DATA + 24, 2);
    cpu_set_x(e->c, 2, 200);
    cpu_set_x(e->c, 3, 300);
    cpu_set_x(e->c, 4, 100);
    cpu_set_x(e->c, 5, 999);
    cpu_set_x(e->c, 6, 0x1c8);                 /* low byte 0xc8 == 200 */
    cpu_set_x(e->c, 8, 1);
    cpu_set_x(e->c, 9, 2);
    cpu_set_x(e->c, 10, 0xaa);
    cpu_set_x(e->c, 11, 0xbb);
    static const uint32_t cs2[] = {
        0xc8a47c22, /* cas x4, x2, [x1]: x4 == mem -> mem = x2, x4 = old */
        0xc8e57c23, /* casa x5, x3, [x1]: x5 != mem -> x5 = mem */
        0x08e6fc22, /* casalb w6, w2, [x1] */
        0x48287d8a, /* casp x8, x9, x10, x11, [x12] */
    };
    cpu_set_x(e->c, 12, DATA + 16);
    run_ok(e, cs2, N(cs2));
    assert_int_equal(X(e, 4), 100);
    assert_int_equal(X(e, 5), 200);
    assert_int_equal(X(e, 6), 200);            /* byte compare succeeded: mem byte = w2 = 0xc8 */
    assert_int_equal(rd64(e, DATA), 200);
    assert_int_equal(X(e, 8), 1);
    assert_int_equal(X(e, 9), 2);
    assert_int_equal(rd64(e, DATA + 16), 0xaa);
    assert_int_equal(rd64(e, DATA + 24), 0xbb);
    /* CASP failing: the registers get the memory pair, memory unchanged. */
    cpu_set_x(e->c, 8, 5);
    static const uint32_t cs3[] = { 0x48287d8a };
    run_ok(e, cs3, N(cs3));
    assert_int_equal(X(e, 8), 0xaa);
    assert_int_equal(X(e, 9), 0xbb);
    assert_int_equal(rd64(e, DATA + 16), 0xaa);
    env_free(e);
}

/* Atomics and store-exclusives on MMIO use the slow read + write path. */
static void test_atomics_on_mmio(void **state)
{
    struct env *e = env_new(CPU_PROFILE_MAX);
    static const uint32_t code[] = {
        0xf8220024, /* ldadd x2, x4, [x1] */
        0xc85f7c25, /* ldxr x5, [x1] */
        0xc8067c22, /* stxr w6, x2, [x1] */
    };
    e->mmio_reg = 40;
    cpu_set_x(e->c, 1, MMIO);
    cpu_set_x(e->c, 2, 2);
    run_ok(e, code, N(code));
    assert_int_equal(X(e, 4), 40);
    assert_int_equal(X(e, 5), 42);
    assert_int_equal(X(e, 6), 0);
    assert_int_equal(e->mmio_reg, 2);
    env_free(e);
}

static void test_lse_lrcpc_undefined_on_a57(void **state)
{
    struct env *e = env_new(CPU_PROFILE_CORTEX_A57);
    static const uint32_t insns[] = {
        0xf8220024, /* ldadd x2, x4, [x1] */
        0xc8a47c22, /* cas x4, x2, [x1] */
        0x48247c26, /* casp x4, x5, x6, x7, [x1] */
        0xb8bfc024, /* ldapr w4, [x1] */
        0xc8df7c41, /* ldlar x1, [x2] */
    };
    cpu_set_x(e->c, 1, DATA);
    for (size_t i = 0; i < N(insns); i++) {
        run_fault(e, &insns[i], 1, 0x00, 0);
        assert_int_equal(cpu_get_stats(e->c)->exceptions_by_ec[0], i + 1);
    }
    env_free(e);
    /* ... and they execute under `max`. */
    e = env_new(CPU_PROFILE_MAX);
    static const uint32_t ok[] = {
        0x78bfc024, /* ldaprh w4, [x1] */
        0xf8bfc025, /* ldapr x5, [x1] */
    };
    wr64(e, DATA, 0x0102030405060708ull);
    cpu_set_x(e->c, 1, DATA);
    run_ok(e, ok, N(ok));
    assert_int_equal(X(e, 4), 0x0708);
    assert_int_equal(X(e, 5), 0x0102030405060708ull);
    env_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_rows),
        cmocka_unit_test(test_uimm_sizes_and_sign_extension),
        cmocka_unit_test(test_unscaled_pre_post),
        cmocka_unit_test(test_register_offset),
        cmocka_unit_test(test_literal_and_prefetch),
        cmocka_unit_test(test_unprivileged),
        cmocka_unit_test(test_writeback_overlap),
        cmocka_unit_test(test_external_abort_unmapped),
        cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_pair_second_half_faults),
        cmocka_unit_test(test_exclusive_success_and_failure),
        cmocka_unit_test(test_exclusive_monitor_cleared),
        cmocka_unit_test(test_alignment_faults),
        cmocka_unit_test(test_lse_atomics),
        cmocka_unit_test(test_atomics_on_mmio),
        cmocka_unit_test(test_lse_lrcpc_undefined_on_a57),
    };
    return cmocka_run_group_tests_name("insn_ldst", tests, NULL, NULL);
}
