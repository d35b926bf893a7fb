/* tests/guest/fp/kat.c — known-answer vectors for scalar FP and a few AdvSIMD integer ops.
 * Each scalar case runs one instruction with the given FPCR after clearing FPSR, and checks the
 * result bits and the FPSR bits. Flags: IOC 0x1, DZC 0x2, OFC 0x4, UFC 0x8, IXC 0x10, IDC 0x80,
 * QC 0x08000000. FPCR: DN 0x02000000, FZ 0x01000000 (RMode 0 = round to nearest even).
 *
 * Provenance of the expected values (see also the report in the commit message):
 *  - FRECPE/FRSQRTE: computed from the Arm ARM pseudocode (FPRecipEstimate/RecipEstimate,
 *    FPRSqrtEstimate/RecipSqrtEstimate, v8.0 without FEAT_RPRES) by a Python transcription,
 *    then cross-checked: identical on qemu-system-aarch64 7.2 (-cpu cortex-a57).
 *  - the other scalar cases: worked out by hand from the IEEE 754 / Arm ARM rules written next
 *    to them (exact binary values), cross-checked on QEMU 7.2.
 *  - AdvSIMD integer cases: computed by hand from the lane definitions, cross-checked on QEMU. */
#include "rt.h"

#define IOC 0x1u
#define DZC 0x2u
#define OFC 0x4u
#define UFC 0x8u
#define IXC 0x10u
#define IDC 0x80u
#define QC  0x08000000u
#define DN  0x02000000u
#define FZ  0x01000000u

enum op {
    FRECPE_S, FRECPE_D, FRSQRTE_S, FRSQRTE_D, FRECPS_S, FRECPS_D, FRSQRTS_S, FRSQRTS_D,
    FCVTAS_XD, FCVTAU_XD, FCVTNS_XD, FCVTAS_WS, FCVTNS_WS,
    FRINTA_D, FRINTN_D, FRINTA_S, FRINTN_S,
    FMADD_D, FMULADD_D, FMADD_S, FMULADD_S,
    FADD_D, FADD_S, FMUL_D, FMUL_S,
};

struct kat { const char *name; enum op op; uint64_t a, b, c; uint32_t fpcr; uint64_t want; uint32_t wfpsr; };

#define ASM_PRE  "msr fpcr, %[fpcr]\n\tmsr fpsr, xzr\n\t"
#define ASM_POST "\n\tmrs %[fs], fpsr\n\tmsr fpcr, xzr"
#define S1(insn) __asm__ volatile(ASM_PRE "fmov s0, %w[a]\n\t" insn " s2, s0\n\tfmov %w[r], s2" ASM_POST \
        : [r] "=&r"(r), [fs] "=&r"(fs) : [a] "r"(a), [fpcr] "r"(fpcr) : "v0", "v2")
#define D1(insn) __asm__ volatile(ASM_PRE "fmov d0, %[a]\n\t" insn " d2, d0\n\tfmov %[r], d2" ASM_POST \
        : [r] "=&r"(r), [fs] "=&r"(fs) : [a] "r"(a), [fpcr] "r"(fpcr) : "v0", "v2")
#define S2(insn) __asm__ volatile(ASM_PRE "fmov s0, %w[a]\n\tfmov s1, %w[b]\n\t" insn " s2, s0, s1\n\tfmov %w[r], s2" ASM_POST \
        : [r] "=&r"(r), [fs] "=&r"(fs) : [a] "r"(a), [b] "r"(b), [fpcr] "r"(fpcr) : "v0", "v1", "v2")
#define D2(insn) __asm__ volatile(ASM_PRE "fmov d0, %[a]\n\tfmov d1, %[b]\n\t" insn " d2, d0, d1\n\tfmov %[r], d2" ASM_POST \
        : [r] "=&r"(r), [fs] "=&r"(fs) : [a] "r"(a), [b] "r"(b), [fpcr] "r"(fpcr) : "v0", "v1", "v2")
#define CVTX(insn) __asm__ volatile(ASM_PRE "fmov d0, %[a]\n\t" insn " %[r], d0" ASM_POST \
        : [r] "=&r"(r), [fs] "=&r"(fs) : [a] "r"(a), [fpcr] "r"(fpcr) : "v0")
#define CVTW(insn) __asm__ volatile(ASM_PRE "fmov s0, %w[a]\n\t" insn " %w[r], s0" ASM_POST \
        : [r] "=&r"(r), [fs] "=&r"(fs) : [a] "r"(a), [fpcr] "r"(fpcr) : "v0")

static uint64_t run(const struct kat *k, uint32_t *fpsr)
{
    uint64_t r = 0, fs = 0, a = k->a, b = k->b, c = k->c, fpcr = k->fpcr;
    switch (k->op) {
    case FRECPE_S:  S1("frecpe"); break;
    case FRECPE_D:  D1("frecpe"); break;
    case FRSQRTE_S: S1("frsqrte"); break;
    case FRSQRTE_D: D1("frsqrte"); break;
    case FRECPS_S:  S2("frecps"); break;
    case FRECPS_D:  D2("frecps"); break;
    case FRSQRTS_S: S2("frsqrts"); break;
    case FRSQRTS_D: D2("frsqrts"); break;
    case FCVTAS_XD: CVTX("fcvtas"); break;
    case FCVTAU_XD: CVTX("fcvtau"); break;
    case FCVTNS_XD: CVTX("fcvtns"); break;
    case FCVTAS_WS: CVTW("fcvtas"); break;
    case FCVTNS_WS: CVTW("fcvtns"); break;
    case FRINTA_D:  D1("frinta"); break;
    case FRINTN_D:  D1("frintn"); break;
    case FRINTA_S:  S1("frinta"); break;
    case FRINTN_S:  S1("frintn"); break;
    case FADD_D:    D2("fadd"); break;
    case FADD_S:    S2("fadd"); break;
    case FMUL_D:    D2("fmul"); break;
    case FMUL_S:    S2("fmul"); break;
    case FMADD_D:
        __asm__ volatile(ASM_PRE "fmov d0, %[a]\n\tfmov d1, %[b]\n\tfmov d3, %[c]\n\t"
                         "fmadd d2, d0, d1, d3\n\tfmov %[r], d2" ASM_POST
                         : [r] "=&r"(r), [fs] "=&r"(fs)
                         : [a] "r"(a), [b] "r"(b), [c] "r"(c), [fpcr] "r"(fpcr) : "v0", "v1", "v2", "v3");
        break;
    case FMULADD_D:
        __asm__ volatile(ASM_PRE "fmov d0, %[a]\n\tfmov d1, %[b]\n\tfmov d3, %[c]\n\t"
                         "fmul d2, d0, d1\n\tfadd d2, d2, d3\n\tfmov %[r], d2" ASM_POST
                         : [r] "=&r"(r), [fs] "=&r"(fs)
                         : [a] "r"(a), [b] "r"(b), [c] "r"(c), [fpcr] "r"(fpcr) : "v0", "v1", "v2", "v3");
        break;
    case FMADD_S:
        __asm__ volatile(ASM_PRE "fmov s0, %w[a]\n\tfmov s1, %w[b]\n\tfmov s3, %w[c]\n\t"
                         "fmadd s2, s0, s1, s3\n\tfmov %w[r], s2" ASM_POST
                         : [r] "=&r"(r), [fs] "=&r"(fs)
                         : [a] "r"(a), [b] "r"(b), [c] "r"(c), [fpcr] "r"(fpcr) : "v0", "v1", "v2", "v3");
        break;
    case FMULADD_S:
        __asm__ volatile(ASM_PRE "fmov s0, %w[a]\n\tfmov s1, %w[b]\n\tfmov s3, %w[c]\n\t"
                         "fmul s2, s0, s1\n\tfadd s2, s2, s3\n\tfmov %w[r], s2" ASM_POST
                         : [r] "=&r"(r), [fs] "=&r"(fs)
                         : [a] "r"(a), [b] "r"(b), [c] "r"(c), [fpcr] "r"(fpcr) : "v0", "v1", "v2", "v3");
        break;
    }
    *fpsr = (uint32_t)fs;
    return r;
}

#define D_1   0x3ff0000000000000ull
#define D_2_5 0x4004000000000000ull
#define D_M2_5 0xc004000000000000ull
#define D_3_5 0x400c000000000000ull
#define D_0_5 0x3fe0000000000000ull
#define D_M0_5 0xbfe0000000000000ull
#define D_INF 0x7ff0000000000000ull
#define D_1E20 0x4415af1d78b58c40ull
#define S_1   0x3f800000u
#define S_INF 0x7f800000u

static const struct kat kats[] = {
    /* FRECPE single (Arm ARM pseudocode, Python transcription; QEMU agrees) */
    { "frecpe-s-1.0",        FRECPE_S, 0x3f800000, 0, 0, 0, 0x3f7f8000, 0 },
    { "frecpe-s-3.0",        FRECPE_S, 0x40400000, 0, 0, 0, 0x3eaa8000, 0 },
    { "frecpe-s-m7.0",       FRECPE_S, 0xc0e00000, 0, 0, 0, 0xbe120000, 0 },
    { "frecpe-s-denorm-min", FRECPE_S, 0x00000001, 0, 0, 0, 0x7f800000, OFC | IXC },
    { "frecpe-s-denorm-2^-127", FRECPE_S, 0x00400000, 0, 0, 0, 0x7eff8000, 0 },
    { "frecpe-s-denorm-2^-128+", FRECPE_S, 0x00200001, 0, 0, 0, 0x7f7f8000, 0 },
    { "frecpe-s-denorm-fz",  FRECPE_S, 0x00400000, 0, 0, FZ, 0x7f800000, DZC | IDC },
    { "frecpe-s-2^126-denorm-result", FRECPE_S, 0x7e800000, 0, 0, 0, 0x007fc000, 0 },
    { "frecpe-s-2^126-fz",   FRECPE_S, 0x7e800000, 0, 0, FZ, 0x00000000, UFC },
    { "frecpe-s-+0",         FRECPE_S, 0x00000000, 0, 0, 0, 0x7f800000, DZC },
    { "frecpe-s--0",         FRECPE_S, 0x80000000, 0, 0, 0, 0xff800000, DZC },
    { "frecpe-s-inf",        FRECPE_S, 0x7f800000, 0, 0, 0, 0x00000000, 0 },
    { "frecpe-s-qnan",       FRECPE_S, 0x7fc12345, 0, 0, 0, 0x7fc12345, 0 },
    { "frecpe-s-snan",       FRECPE_S, 0x7f812345, 0, 0, 0, 0x7fc12345, IOC },
    { "frecpe-s-snan-dn",    FRECPE_S, 0x7f812345, 0, 0, DN, 0x7fc00000, IOC },
    /* FRECPE double */
    { "frecpe-d-1.0",        FRECPE_D, D_1, 0, 0, 0, 0x3feff00000000000ull, 0 },
    { "frecpe-d-3.0",        FRECPE_D, 0x4008000000000000ull, 0, 0, 0, 0x3fd5500000000000ull, 0 },
    { "frecpe-d-m1/3",       FRECPE_D, 0xbfd5555555555555ull, 0, 0, 0, 0xc008000000000000ull, 0 },
    { "frecpe-d-denorm-min", FRECPE_D, 0x0000000000000001ull, 0, 0, 0, D_INF, OFC | IXC },
    { "frecpe-d-denorm-2^-1023", FRECPE_D, 0x0008000000000000ull, 0, 0, 0, 0x7fdff00000000000ull, 0 },
    { "frecpe-d-denorm-2^-1024", FRECPE_D, 0x0004000000000000ull, 0, 0, 0, 0x7feff00000000000ull, 0 },
    { "frecpe-d-+0",         FRECPE_D, 0, 0, 0, 0, D_INF, DZC },
    { "frecpe-d--inf",       FRECPE_D, 0xfff0000000000000ull, 0, 0, 0, 0x8000000000000000ull, 0 },
    { "frecpe-d-snan",       FRECPE_D, 0x7ff0000000000123ull, 0, 0, 0, 0x7ff8000000000123ull, IOC },
    /* FRSQRTE single */
    { "frsqrte-s-1.0",       FRSQRTE_S, 0x3f800000, 0, 0, 0, 0x3f7f8000, 0 },
    { "frsqrte-s-2.0",       FRSQRTE_S, 0x40000000, 0, 0, 0, 0x3f348000, 0 },
    { "frsqrte-s-4.0",       FRSQRTE_S, 0x40800000, 0, 0, 0, 0x3eff8000, 0 },
    { "frsqrte-s-0.25",      FRSQRTE_S, 0x3e800000, 0, 0, 0, 0x3fff8000, 0 },
    { "frsqrte-s-10.0",      FRSQRTE_S, 0x41200000, 0, 0, 0, 0x3ea18000, 0 },
    { "frsqrte-s-denorm-min", FRSQRTE_S, 0x00000001, 0, 0, 0, 0x64b48000, 0 },
    { "frsqrte-s-denorm-2^-127", FRSQRTE_S, 0x00400000, 0, 0, 0, 0x5f348000, 0 },
    { "frsqrte-s-denorm-fz", FRSQRTE_S, 0x00400000, 0, 0, FZ, 0x7f800000, DZC | IDC },
    { "frsqrte-s-+0",        FRSQRTE_S, 0x00000000, 0, 0, 0, 0x7f800000, DZC },
    { "frsqrte-s--0",        FRSQRTE_S, 0x80000000, 0, 0, 0, 0xff800000, DZC },
    { "frsqrte-s--1.0",      FRSQRTE_S, 0xbf800000, 0, 0, 0, 0x7fc00000, IOC },
    { "frsqrte-s-inf",       FRSQRTE_S, 0x7f800000, 0, 0, 0, 0x00000000, 0 },
    { "frsqrte-s-qnan",      FRSQRTE_S, 0x7fc00001, 0, 0, 0, 0x7fc00001, 0 },
    /* FRSQRTE double */
    { "frsqrte-d-1.0",       FRSQRTE_D, D_1, 0, 0, 0, 0x3feff00000000000ull, 0 },
    { "frsqrte-d-2.0",       FRSQRTE_D, 0x4000000000000000ull, 0, 0, 0, 0x3fe6900000000000ull, 0 },
    { "frsqrte-d-10.0",      FRSQRTE_D, 0x4024000000000000ull, 0, 0, 0, 0x3fd4300000000000ull, 0 },
    { "frsqrte-d-denorm-min", FRSQRTE_D, 0x0000000000000001ull, 0, 0, 0, 0x617ff00000000000ull, 0 },
    { "frsqrte-d-denorm-max", FRSQRTE_D, 0x000fffffffffffffull, 0, 0, 0, 0x5fe0000000000000ull, 0 },
    { "frsqrte-d-+0",        FRSQRTE_D, 0, 0, 0, 0, D_INF, DZC },
    { "frsqrte-d--1.0",      FRSQRTE_D, 0xbff0000000000000ull, 0, 0, 0, 0x7ff8000000000000ull, IOC },
    { "frsqrte-d-inf",       FRSQRTE_D, D_INF, 0, 0, 0, 0, 0 },
    { "frsqrte-d-snan",      FRSQRTE_D, 0x7ff4000000000000ull, 0, 0, 0, 0x7ffc000000000000ull, IOC },
    /* FRECPS = 2 - a*b (fused); inf*0 gives 2.0 without IOC. FRSQRTS = (3 - a*b)/2; inf*0 -> 1.5 */
    { "frecps-s-1.5*0.5",    FRECPS_S, 0x3fc00000, 0x3f000000, 0, 0, 0x3fa00000, 0 },
    { "frecps-s-inf*0",      FRECPS_S, S_INF, 0x00000000, 0, 0, 0x40000000, 0 },
    { "frecps-s-inf*1",      FRECPS_S, S_INF, S_1, 0, 0, 0xff800000, 0 },
    { "frecps-d-3*est",      FRECPS_D, 0x4008000000000000ull, 0x3fd5500000000000ull, 0, 0, 0x3ff0040000000000ull, 0 },
    { "frecps-d-0*-inf",     FRECPS_D, 0, 0xfff0000000000000ull, 0, 0, 0x4000000000000000ull, 0 },
    { "frsqrts-s-1*1",       FRSQRTS_S, S_1, S_1, 0, 0, 0x3f800000, 0 },
    { "frsqrts-s-0*inf",     FRSQRTS_S, 0, S_INF, 0, 0, 0x3fc00000, 0 },
    { "frsqrts-d-0.5*3",     FRSQRTS_D, D_0_5, 0x4008000000000000ull, 0, 0, 0x3fe8000000000000ull, 0 },
    { "frsqrts-d-inf*0",     FRSQRTS_D, D_INF, 0, 0, 0, 0x3ff8000000000000ull, 0 },
    /* ties: FCVTAS/FCVTAU away from zero, FCVTNS to even; saturation -> IOC, no IXC */
    { "fcvtas-x-2.5",        FCVTAS_XD, D_2_5, 0, 0, 0, 3, IXC },
    { "fcvtas-x--2.5",       FCVTAS_XD, D_M2_5, 0, 0, 0, (uint64_t)-3, IXC },
    { "fcvtas-x-0.5",        FCVTAS_XD, D_0_5, 0, 0, 0, 1, IXC },
    { "fcvtas-x--0.5",       FCVTAS_XD, D_M0_5, 0, 0, 0, (uint64_t)-1, IXC },
    { "fcvtns-x-2.5",        FCVTNS_XD, D_2_5, 0, 0, 0, 2, IXC },
    { "fcvtns-x-3.5",        FCVTNS_XD, D_3_5, 0, 0, 0, 4, IXC },
    { "fcvtns-x--2.5",       FCVTNS_XD, D_M2_5, 0, 0, 0, (uint64_t)-2, IXC },
    { "fcvtns-x-0.5",        FCVTNS_XD, D_0_5, 0, 0, 0, 0, IXC },
    { "fcvtns-x-1e20-sat",   FCVTNS_XD, D_1E20, 0, 0, 0, 0x7fffffffffffffffull, IOC },
    { "fcvtau-x-2.5",        FCVTAU_XD, D_2_5, 0, 0, 0, 3, IXC },
    { "fcvtau-x--2.5-sat",   FCVTAU_XD, D_M2_5, 0, 0, 0, 0, IOC },
    { "fcvtau-x-1e20-sat",   FCVTAU_XD, D_1E20, 0, 0, 0, 0xffffffffffffffffull, IOC },
    { "fcvtas-w-2.5f",       FCVTAS_WS, 0x40200000, 0, 0, 0, 3, IXC },
    { "fcvtas-w--3.5f",      FCVTAS_WS, 0xc0600000, 0, 0, 0, 0xfffffffc, IXC },
    { "fcvtns-w-4.5f",       FCVTNS_WS, 0x40900000, 0, 0, 0, 4, IXC },
    { "fcvtns-w--3.5f",      FCVTNS_WS, 0xc0600000, 0, 0, 0, 0xfffffffc, IXC },
    { "fcvtns-w-nan-sat",    FCVTNS_WS, 0x7fc00000, 0, 0, 0, 0, IOC },
    /* FRINTA ties away, FRINTN ties to even (no IXC for either) */
    { "frinta-d-2.5",        FRINTA_D, D_2_5, 0, 0, 0, 0x4008000000000000ull, 0 },
    { "frinta-d--0.5",       FRINTA_D, D_M0_5, 0, 0, 0, 0xbff0000000000000ull, 0 },
    { "frintn-d-2.5",        FRINTN_D, D_2_5, 0, 0, 0, 0x4000000000000000ull, 0 },
    { "frintn-d-3.5",        FRINTN_D, D_3_5, 0, 0, 0, 0x4010000000000000ull, 0 },
    { "frintn-d--0.5",       FRINTN_D, D_M0_5, 0, 0, 0, 0x8000000000000000ull, 0 },
    { "frinta-s-0.5f",       FRINTA_S, 0x3f000000, 0, 0, 0, 0x3f800000, 0 },
    { "frintn-s-0.5f",       FRINTN_S, 0x3f000000, 0, 0, 0, 0x00000000, 0 },
    /* fused vs unfused: (1+2^-30)(1-2^-30) - 1 = -2^-60 exactly when fused; the separate product
     * rounds to 1.0 (inexact) and the sum is +0. Single: (1+2^-13)(1-2^-13) - 1 = -2^-26. */
    { "fmadd-d-fused",       FMADD_D, 0x3ff0000000400000ull, 0x3fefffffff800000ull, 0xbff0000000000000ull, 0, 0xbc30000000000000ull, 0 },
    { "fmul+fadd-d-unfused", FMULADD_D, 0x3ff0000000400000ull, 0x3fefffffff800000ull, 0xbff0000000000000ull, 0, 0, IXC },
    { "fmadd-s-fused",       FMADD_S, 0x3f800400, 0x3f7ff800, 0xbf800000, 0, 0xb2800000, 0 },
    { "fmul+fadd-s-unfused", FMULADD_S, 0x3f800400, 0x3f7ff800, 0xbf800000, 0, 0, IXC },
    /* NaN handling and FPCR.DN */
    { "fadd-d-qnan",         FADD_D, 0x7ff8000000000123ull, D_1, 0, 0, 0x7ff8000000000123ull, 0 },
    { "fadd-d-qnan-dn",      FADD_D, 0x7ff8000000000123ull, D_1, 0, DN, 0x7ff8000000000000ull, 0 },
    { "fadd-d-snan",         FADD_D, 0x7ff0000000000123ull, D_1, 0, 0, 0x7ff8000000000123ull, IOC },
    { "fadd-d-snan-dn",      FADD_D, 0x7ff0000000000123ull, D_1, 0, DN, 0x7ff8000000000000ull, IOC },
    { "fadd-d-qnan+snan",    FADD_D, 0x7ff8000000000001ull, 0x7ff0000000000002ull, 0, 0, 0x7ff8000000000002ull, IOC },
    { "fmul-d-0*inf",        FMUL_D, 0, D_INF, 0, 0, 0x7ff8000000000000ull, IOC },
    { "fadd-d-inf-inf",      FADD_D, D_INF, 0xfff0000000000000ull, 0, 0, 0x7ff8000000000000ull, IOC },
    { "fadd-s-neg-qnan",     FADD_S, 0xffc00042, S_1, 0, 0, 0xffc00042, 0 },
    { "fadd-s-neg-qnan-dn",  FADD_S, 0xffc00042, S_1, 0, DN, 0x7fc00000, 0 },
    /* flush-to-zero: denormal input -> IDC; tiny result -> +-0 with UFC only */
    { "fmul-s-denorm-in",    FMUL_S, 0x00000001, S_1, 0, 0, 0x00000001, 0 },
    { "fmul-s-denorm-in-fz", FMUL_S, 0x00000001, S_1, 0, FZ, 0x00000000, IDC },
    { "fmul-d-neg-denorm-in-fz", FMUL_D, 0x8000000000000001ull, D_1, 0, FZ, 0x8000000000000000ull, IDC },
    { "fmul-s-tiny-exact",   FMUL_S, 0x0d800000, 0x30800000, 0, 0, 0x00080000, 0 },
    { "fmul-s-tiny-exact-fz", FMUL_S, 0x0d800000, 0x30800000, 0, FZ, 0x00000000, UFC },
    { "fmul-s-tiny-inexact", FMUL_S, 0x0d800001, 0x30800000, 0, 0, 0x00080000, UFC | IXC },
    { "fmul-s-tiny-inexact-fz", FMUL_S, 0x0d800001, 0x30800000, 0, FZ, 0x00000000, UFC },
};

static void fpsr_cumulative(void)
{
    uint64_t r1, r2, fs1, fs2, fs3;
    __asm__ volatile("msr fpsr, xzr\n\t"
                     "fmov d0, #1.0\n\tmovi d1, #0\n\tfdiv d2, d0, d1\n\tfmov %[r1], d2\n\t"
                     "mrs %[fs1], fpsr\n\t"
                     "fmov d3, #3.0\n\tfdiv d4, d0, d3\n\tfmov %[r2], d4\n\t"
                     "mrs %[fs2], fpsr\n\t"
                     "fadd d5, d0, d0\n\t"            /* exact: flags stay */
                     "mrs %[fs3], fpsr\n\tmsr fpsr, xzr"
                     : [r1] "=&r"(r1), [r2] "=&r"(r2), [fs1] "=&r"(fs1), [fs2] "=&r"(fs2), [fs3] "=&r"(fs3)
                     :: "v0", "v1", "v2", "v3", "v4", "v5");
    CHECK_EQ("fdiv-1/0-result", r1, D_INF);
    CHECK_EQ("fdiv-1/0-fpsr-dzc", fs1, DZC);
    CHECK_EQ("fdiv-1/3-result", r2, 0x3fd5555555555555ull);
    CHECK_EQ("fpsr-cumulative-dzc-ixc", fs2, DZC | IXC);
    CHECK_EQ("fpsr-sticky-after-exact", fs3, DZC | IXC);
}

/* ---- AdvSIMD integer ------------------------------------------------------------------- */
static const uint8_t sq_a[16] __attribute__((aligned(16))) =
    { 0x7f, 0x80, 0x10, 0xf0, 0x7e, 0x81, 0x00, 0xff, 0x40, 0xc0, 0x3f, 0xc1, 0x01, 0x02, 0x03, 0x04 };
static const uint8_t sq_b[16] __attribute__((aligned(16))) =
    { 0x01, 0xff, 0x20, 0x05, 0x01, 0xff, 0x80, 0x80, 0x40, 0xc0, 0x40, 0xbf, 0x01, 0x01, 0x01, 0x01 };
static const uint8_t tbl_t[32] __attribute__((aligned(16))) =
    { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
      0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf };
static const uint8_t tbl_i[16] __attribute__((aligned(16))) =
    { 0x0f, 0x00, 0x10, 0xff, 0x05, 0x1f, 0x20, 0x0a, 0x01, 0x11, 0x80, 0x03, 0x0e, 0x1e, 0x40, 0x07 };
static const uint32_t uzp_a[4] __attribute__((aligned(16))) = { 0xa0, 0xa1, 0xa2, 0xa3 };
static const uint32_t uzp_b[4] __attribute__((aligned(16))) = { 0xb0, 0xb1, 0xb2, 0xb3 };
static const uint16_t shrn_a[8] __attribute__((aligned(16))) =
    { 0x1234, 0xabcd, 0x00ff, 0xff00, 0x0ff0, 0x8001, 0x7ffe, 0x0000 };
static const char str1[16] __attribute__((aligned(16))) = "hello, world\0xyz";
static const char str2[16] __attribute__((aligned(16))) = "0123456789abcdef";

struct q { uint64_t lo, hi; };

static void simd_int(void)
{
    struct q r; uint64_t fs, fs2;
    /* SQADD .16b: some lanes saturate and set QC; a non-saturating SQADD after clearing FPSR
     * leaves QC clear */
    __asm__ volatile("msr fpsr, xzr\n\tldr q0, [%[a]]\n\tldr q1, [%[b]]\n\tsqadd v2.16b, v0.16b, v1.16b\n\t"
                     "mov %[lo], v2.d[0]\n\tmov %[hi], v2.d[1]\n\tmrs %[fs], fpsr\n\t"
                     "sqadd v3.16b, v1.16b, v1.16b\n\t" "msr fpsr, xzr\n\tsqadd v3.8h, v2.8h, v3.8h\n\t"
                     "movi v4.16b, #1\n\tmsr fpsr, xzr\n\tsqadd v5.16b, v4.16b, v4.16b\n\tmrs %[fs2], fpsr"
                     : [lo] "=&r"(r.lo), [hi] "=&r"(r.hi), [fs] "=&r"(fs), [fs2] "=&r"(fs2)
                     : [a] "r"(sq_a), [b] "r"(sq_b) : "v0", "v1", "v2", "v3", "v4", "v5");
    /* lanes (signed): 7f+01 sat 7f, 80+ff sat 80, 10+20=30, f0+05=f5, 7e+01=7f, 81+ff=80,
     * 00+80=80, ff+80 sat 80, 40+40 sat 7f, c0+c0 sat 80, 3f+40=7f, c1+bf=80, then 02 03 04 05 */
    CHECK_EQ("sqadd-16b-lo", r.lo, 0x8080807ff530807full);
    CHECK_EQ("sqadd-16b-hi", r.hi, 0x05040302807f807full);
    CHECK_EQ("sqadd-qc-set", fs, QC);
    CHECK_EQ("sqadd-no-sat-qc-clear", fs2, 0);

    /* TBL one and two registers: indices >= 16*n give 0 */
    struct q t1, t2;
    __asm__ volatile("ldr q0, [%[t]]\n\tldr q1, [%[t], #16]\n\tldr q2, [%[i]]\n\t"
                     "tbl v3.16b, {v0.16b}, v2.16b\n\ttbl v4.16b, {v0.16b, v1.16b}, v2.16b\n\t"
                     "mov %[a], v3.d[0]\n\tmov %[b], v3.d[1]\n\tmov %[c], v4.d[0]\n\tmov %[d], v4.d[1]"
                     : [a] "=&r"(t1.lo), [b] "=&r"(t1.hi), [c] "=&r"(t2.lo), [d] "=&r"(t2.hi)
                     : [t] "r"(tbl_t), [i] "r"(tbl_i) : "v0", "v1", "v2", "v3", "v4");
    CHECK_EQ("tbl1-lo", t1.lo, 0xaa0000a50000a0afull);
    CHECK_EQ("tbl1-hi", t1.hi, 0xa70000aea30000a1ull);
    CHECK_EQ("tbl2-lo", t2.lo, 0xaa00bfa500b0a0afull);
    CHECK_EQ("tbl2-hi", t2.hi, 0xa700beaea300b1a1ull);

    /* UZP1 .4s: even elements of a then of b */
    struct q u;
    __asm__ volatile("ldr q0, [%[a]]\n\tldr q1, [%[b]]\n\tuzp1 v2.4s, v0.4s, v1.4s\n\t"
                     "mov %[lo], v2.d[0]\n\tmov %[hi], v2.d[1]"
                     : [lo] "=&r"(u.lo), [hi] "=&r"(u.hi) : [a] "r"(uzp_a), [b] "r"(uzp_b) : "v0", "v1", "v2");
    CHECK_EQ("uzp1-4s-lo", u.lo, 0x000000a2000000a0ull);
    CHECK_EQ("uzp1-4s-hi", u.hi, 0x000000b2000000b0ull);

    /* SHRN .8b, .8h, #4: low byte of each halfword >> 4; the upper half is zeroed */
    struct q s;
    __asm__ volatile("ldr q0, [%[a]]\n\tmovi v1.16b, #0xff\n\tshrn v1.8b, v0.8h, #4\n\t"
                     "mov %[lo], v1.d[0]\n\tmov %[hi], v1.d[1]"
                     : [lo] "=&r"(s.lo), [hi] "=&r"(s.hi) : [a] "r"(shrn_a) : "v0", "v1");
    CHECK_EQ("shrn-8b-4", s.lo, 0x00ff00fff00fbc23ull);
    CHECK_EQ("shrn-upper-zero", s.hi, 0);

    /* glibc strlen: CMEQ #0 + UMAXV to test for a NUL, SHRN #4 nibble mask + RBIT/CLZ for its index */
    uint64_t m1, m2, mask;
    __asm__ volatile("ldr q0, [%[s1]]\n\tcmeq v1.16b, v0.16b, #0\n\tumaxv b2, v1.16b\n\tfmov %w[m1], s2\n\t"
                     "shrn v3.8b, v1.8h, #4\n\tfmov %[mask], d3\n\t"
                     "ldr q4, [%[s2]]\n\tcmeq v5.16b, v4.16b, #0\n\tumaxv b6, v5.16b\n\tfmov %w[m2], s6"
                     : [m1] "=&r"(m1), [m2] "=&r"(m2), [mask] "=&r"(mask)
                     : [s1] "r"(str1), [s2] "r"(str2) : "v0", "v1", "v2", "v3", "v4", "v5", "v6");
    CHECK_EQ("cmeq-umaxv-nul-found", m1, 0xff);
    CHECK_EQ("cmeq-umaxv-no-nul", m2, 0);
    CHECK_EQ("shrn-nibble-mask", mask, 0x000f000000000000ull);
    CHECK_EQ("strlen-index", (uint64_t)__builtin_ctzll(mask) >> 2, 12);
}

void fp_kat(void)
{
    for (size_t i = 0; i < sizeof kats / sizeof kats[0]; i++) {
        uint32_t fs;
        uint64_t r = run(&kats[i], &fs);
        if (r == kats[i].want && fs == kats[i].wfpsr) printf("PASS %s\n", kats[i].name);
        else {
            rt_failures++;
            printf("FAIL %s got=0x%lx fpsr=0x%x want=0x%lx fpsr=0x%x\n", kats[i].name,
                   r, fs, kats[i].want, kats[i].wfpsr);
        }
    }
    fpsr_cumulative();
    simd_int();
}
