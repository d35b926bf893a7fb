/* tests/diff/difftest_enc.c — what the differential tester knows about A64 encodings, by
 * encoding group (Arm ARM C4.1 "A64 instruction set encoding"), never by faultline's row names:
 * the rows are being written while this runs, and an encoding group is stable.
 *
 *  - which encodings are not executed, and why (dt_excluded);
 *  - PC-relative immediates pulled into the test RAM (dt_fixup_encoding);
 *  - base/index registers of loads and stores, and BR/BLR/RET targets, pointed into the test
 *    RAM, and the CONSTRAINED UNPREDICTABLE register overlaps that are redrawn
 *    (dt_setup_memory_operands). */
#include "tests/diff/difftest.h"

/* ---------------------------------------------------------------- PRNG (xoshiro256**) */

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t dt_rand(struct dt_rng *r)
{
    uint64_t *s = r->s;
    uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 45);
    return res;
}

void dt_rng_seed(struct dt_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {           /* splitmix64 */
        uint64_t z = (seed += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        r->s[i] = z ^ (z >> 31);
    }
}

/* ---------------------------------------------------------------- register values */

static const uint64_t specials[] = {
    0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xfffffffe, 0x100000000,
    0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001, 0xffffffffffffffff,
    0xfffffffffffffffe, 0xffffffff00000000, 0xffffffff80000000, 0x00000000ffffffff,
    0x5555555555555555, 0xaaaaaaaaaaaaaaaa, 63, 64, 31, 32,
};

uint64_t dt_rand_reg(struct dt_rng *r)
{
    unsigned n = sizeof specials / sizeof *specials;
    switch (dt_below(r, 8)) {
    case 0: case 1: return specials[dt_below(r, n)];
    case 2: return -specials[dt_below(r, n)];
    case 3: return dt_below(r, 65);
    case 4: return (uint32_t)dt_rand(r);
    case 5: return specials[dt_below(r, n)] + dt_below(r, 5) - 2;
    default: return dt_rand(r);
    }
}

/* ---------------------------------------------------------------- exclusions */

const char *dt_excluded(uint32_t insn, bool max_profile)
{
    /* Exception generation (C4.1.65 "Exception generation"): SVC/HVC/SMC/BRK/HLT/DCPSn. HVC and
     * SMC go to faultline's native firmware hooks (none installed here: UNDEFINED), Unicorn
     * hands them to its interrupt hook without a vector: nothing comparable but "both trapped". */
    if ((insn & 0xff000000) == 0xd4000000) return "exception generation: routed to hooks, not comparable";
    /* Unconditional branch (register) opc = 0100/0101: ERET/DRPS (and ERETAA/B) read ELR/SPSR,
     * whose values the tester does not set. */
    if ((insn & 0xfe000000) == 0xd6000000) {
        unsigned opc = (insn >> 21) & 15;
        if (opc == 4 || opc == 5) return "ERET/DRPS: depend on ELR/SPSR, not set by the tester";
    }
    /* System instruction class (C4.1.65 "System"): L:op0 at bits 21:19. */
    if ((insn & 0xffc00000) == 0xd5000000) {
        unsigned op0 = (insn >> 19) & 3, op1 = (insn >> 16) & 7, crn = (insn >> 12) & 15;
        unsigned crm = (insn >> 8) & 15, op2 = (insn >> 5) & 7, l = (insn >> 21) & 1;
        if (op0 == 0 && l == 0 && crn == 2 && (insn & 31) == 31) {       /* hints */
            unsigned h = crm << 3 | op2;
            if (h == 1) return "YIELD: Unicorn stops emulation on EXCP_YIELD";
            if (h == 2 || h == 3) return "WFE/WFI: wait for an event, not comparable one step at a time";
            if (max_profile && (h == 7 || h == 8 || h == 10 || h == 12 || h == 14 || (h >= 0x18 && h <= 0x1f)))
                return "PAC hint: Unicorn's max CPU has FEAT_PAuth, faultline's max has not (NOP)";
            return 0;
        }
        if (op0 == 0 && l == 0 && crn == 3 && (insn & 31) == 31) return 0;   /* barriers, CLREX */
        if (op0 == 0 && l == 0 && crn == 4) return "MSR (immediate): changes PSTATE fields not compared (DAIF, SPSel, PAN, UAO)";
        if (op0 == 1 && l == 0 && op1 == 3 && crn == 7 && crm == 4 && op2 == 1) return 0;   /* DC ZVA */
        if (op0 == 1) return "SYS/SYSL: cache, TLB and address-translation maintenance";
        if (op0 == 3 && op1 == 3 && crn == 4 && crm == 2 && op2 == 0) return 0;    /* MRS/MSR NZCV */
        if (op0 >= 2) return "MRS/MSR: system register values differ by design (ID, reset values)";
        return 0;
    }
    return 0;
}

bool dt_unicorn_aborts(uint32_t insn, bool max_profile)
{
    /* QEMU 5 translate-a64.c, disas_simd_three_reg_same_fp16 and disas_simd_two_reg_misc_fp16:
     * with FEAT_FP16 present (Unicorn's max CPU), some unallocated opcodes pass the first
     * switch and reach g_assert_not_reached() in the second (seen: 4ec824e0, 5ef86ad1).
     * Vector and scalar forms of both groups. */
    if (!max_profile) return false;
    if ((insn & 0x9f60c400) == 0x0e400400 || (insn & 0xdf60c400) == 0x5e400400) return true;
    if ((insn & 0x9f7e0c00) == 0x0e780800 || (insn & 0xdf7e0c00) == 0x5e780800) return true;
    /* MRS/MSR of the pointer-authentication keys (op0=3, op1=0, CRn=2, CRm=1..3: APIAKeyLo_EL1
     * ... APGAKeyHi_EL1): Unicorn's max CPU has EL3 with SCR_EL3.APK = 0, so access_pauth
     * returns CP_ACCESS_TRAP_EL3, and helper_access_check_cp_reg then fails
     * assert(!arm_is_secure(env) && arm_current_el(env) != 3) (Unicorn runs EL1 Secure). */
    if ((insn & 0xffdff000) == 0xd5182000) {
        unsigned crm = (insn >> 8) & 15;
        if (crm >= 1 && crm <= 3) return true;
    }
    return false;
}

/* ---------------------------------------------------------------- PC-relative immediates */

static uint32_t put_field(uint32_t insn, unsigned lsb, unsigned width, int64_t v)
{
    uint32_t m = ((1u << width) - 1) << lsb;
    return (insn & ~m) | (((uint32_t)v << lsb) & m);
}

uint32_t dt_fixup_encoding(uint32_t insn, struct dt_rng *r)
{
    if (dt_below(r, 8) == 0) return insn;                       /* keep the random immediate */
    int64_t words = (int64_t)dt_below(r, 0x2000) - 0x1000;     /* +-16 KiB from the PC */
    if ((insn & 0x7c000000) == 0x14000000) return put_field(insn, 0, 26, words);      /* B, BL */
    if ((insn & 0xff000000) == 0x54000000) return put_field(insn, 5, 19, words);      /* B.cond */
    if ((insn & 0x7e000000) == 0x34000000) return put_field(insn, 5, 19, words);      /* CBZ/CBNZ */
    if ((insn & 0x7e000000) == 0x36000000) return put_field(insn, 5, 14, words);      /* TBZ/TBNZ */
    if ((insn & 0x3b000000) == 0x18000000) return put_field(insn, 5, 19, words);      /* LDR (literal) */
    return insn;
}

/* ---------------------------------------------------------------- memory operands */

static int64_t sext(uint64_t v, unsigned width) { return (int64_t)(v << (64 - width)) >> (64 - width); }

/* An effective address inside the RAM, with a guard of 4 KiB each side (pairs, LD4, DC ZVA).
 * Three times in four aligned to 64 bytes so that the accesses themselves are aligned: with the
 * MMU off data accesses are Device-nGnRnE and an unaligned one faults in faultline (see
 * docs/difftest.md, "Unaligned accesses with the MMU off"). */
static uint64_t pick_ea(struct dt_rng *r)
{
    uint64_t off = 0x1000 + dt_below(r, DT_RAM_SIZE - 0x2000);
    if (dt_below(r, 4)) off &= ~63ull;
    return DT_RAM_BASE + off;
}

static void set_reg_or_sp(struct dt_state *s, unsigned n, uint64_t v)
{
    if (n == 31) s->sp = v;
    else s->x[n] = v;
}

bool dt_setup_memory_operands(uint32_t insn, struct dt_state *s, struct dt_rng *r, struct dt_mem_info *mi)
{
    unsigned rt = insn & 31, rn = (insn >> 5) & 31, rt2 = (insn >> 10) & 31, rs = (insn >> 16) & 31;
    mi->kind = DT_MEM_NONE;
    mi->store_fp = false;

    /* BR/BLR/RET (and the PAC forms): a target in RAM, sometimes misaligned. */
    if ((insn & 0xfe000000) == 0xd6000000 && ((insn >> 21) & 15) <= 3) {
        if (rn != 31 && dt_below(r, 8)) {
            uint64_t t = DT_RAM_BASE + 0x2000 + 4 * dt_below(r, 0x3000);
            if (dt_below(r, 16) == 0) t += 1 + dt_below(r, 3);
            s->x[rn] = t;
        }
        return true;
    }
    /* DC ZVA, Xt */
    if ((insn & 0xffffffe0) == 0xd50b7420) {
        if (rt != 31) s->x[rt] = pick_ea(r);
        mi->kind = DT_MEM_GPR;
        return true;
    }
    if ((insn & 0x0a000000) != 0x08000000) return true;             /* not a load/store */

    bool v = (insn >> 26) & 1;
    mi->kind = v ? DT_MEM_FP : DT_MEM_GPR;
    uint64_t ea = pick_ea(r);
    unsigned size = insn >> 30, opc = (insn >> 22) & 3;

    /* AdvSIMD load/store multiple / single structure (post-index Rm is a plain register). */
    if ((insn & 0xbe000000) == 0x0c000000) {
        set_reg_or_sp(s, rn, ea);
        unsigned rm = rs;
        if (((insn >> 23) & 1) && rm != 31 && rm != rn) s->x[rm] = dt_below(r, 128);
        mi->store_fp = !((insn >> 22) & 1);
        return true;
    }
    /* Load/store exclusive, ordered, compare-and-swap (bits 29:24 = 001000). */
    if ((insn & 0x3f000000) == 0x08000000) {
        unsigned o2 = (insn >> 23) & 1, l = (insn >> 22) & 1, o1 = (insn >> 21) & 1;
        bool pair = o1 && size >= 2 && !o2;
        if (!o2 && !l && (!o1 || size >= 2)) {                        /* STXR, STXP */
            if (rs == rt || (rs == rn && rn != 31) || (pair && rs == rt2)) return false;
        }
        if (!o2 && l && pair && rt == rt2) return false;              /* LDXP Rt == Rt2 */
        set_reg_or_sp(s, rn, ea);
        return true;
    }
    /* Load register (literal): the immediate was pulled in by dt_fixup_encoding. */
    if ((insn & 0x3b000000) == 0x18000000) return true;
    /* Load/store pair: no-allocate, post-index, offset, pre-index. */
    if ((insn & 0x3a000000) == 0x28000000) {
        unsigned idx = (insn >> 23) & 3, l = (insn >> 22) & 1;
        unsigned scale = v ? 2 + size : (size >= 2 ? 3 : 2);
        int64_t off = idx == 1 ? 0 : sext((insn >> 15) & 0x7f, 7) * (1 << scale);
        bool wb = idx == 1 || idx == 3;
        if (!v && wb && rn != 31 && (rt == rn || rt2 == rn)) return false;
        if (l && rt == rt2) return false;
        set_reg_or_sp(s, rn, ea - off);
        mi->store_fp = v && !l;
        return true;
    }
    /* Load/store register: immediate (unscaled, post, unprivileged, pre), register offset,
     * atomic memory operations and PAC loads (bits 29:27 = 111, 25:24 = 00). */
    if ((insn & 0x3b000000) == 0x38000000) {
        unsigned scale = v ? ((opc & 2) && size == 0 ? 4 : size) : size;
        unsigned kind = (insn >> 10) & 3;
        mi->store_fp = v && !(opc & 1);
        if (!((insn >> 21) & 1)) {                                    /* imm9 forms */
            int64_t imm = sext((insn >> 12) & 0x1ff, 9);
            bool wb = kind == 1 || kind == 3;
            if (!v && wb && rn != 31 && rt == rn) return false;
            set_reg_or_sp(s, rn, ea - (kind == 1 ? 0 : imm));
            return true;
        }
        if (kind == 2) {                                              /* register offset */
            unsigned rm = rs, option = (insn >> 13) & 7, amount = ((insn >> 12) & 1) ? scale : 0;
            if (rm == rn && rm != 31) return false;                   /* redraw: cannot aim */
            int64_t ext = 0;
            if (rm != 31) {
                uint64_t upper = dt_below(r, 2) ? dt_rand(r) << 32 : 0;
                int64_t small = (int64_t)dt_below(r, 4096) - 2048;
                uint64_t m;
                switch (option) {
                case 2: m = upper | dt_below(r, 4096); ext = (uint32_t)m; break;               /* UXTW */
                case 6: m = upper | (uint32_t)small; ext = (int32_t)(uint32_t)m; break;        /* SXTW */
                default: m = (uint64_t)small; ext = small; break;                               /* LSL/SXTX */
                }
                s->x[rm] = m;
            }
            set_reg_or_sp(s, rn, ea - (uint64_t)(ext << amount));
            return true;
        }
        if (kind == 0) {                                              /* atomics, LDAPR */
            set_reg_or_sp(s, rn, ea);
            return true;
        }
        /* LDRAA/LDRAB: offset S:imm9 scaled by 8, write-back when bit 11 is set. */
        int64_t off = sext((((insn >> 22) & 1) << 9) | ((insn >> 12) & 0x1ff), 10) * 8;
        if ((insn >> 11) & 1 && rn != 31 && rt == rn) return false;
        set_reg_or_sp(s, rn, ea - off);
        return true;
    }
    /* Load/store register (unsigned immediate). */
    if ((insn & 0x3b000000) == 0x39000000) {
        unsigned scale = v ? ((opc & 2) && size == 0 ? 4 : size) : size;
        set_reg_or_sp(s, rn, ea - (((insn >> 10) & 0xfff) << scale));
        mi->store_fp = v && !(opc & 1);
        return true;
    }
    /* LDAPUR/STLUR (RCPC2, bits 29:24 = 011001) and anything newer: Rn = the address. */
    if ((insn & 0x3f200c00) == 0x19000000) {
        set_reg_or_sp(s, rn, ea - sext((insn >> 12) & 0x1ff, 9));
        return true;
    }
    set_reg_or_sp(s, rn, ea);
    return true;
}

/* ---------------------------------------------------------------- known Unicorn bugs */

void dt_avoid_unicorn_bugs(uint32_t insn, struct dt_state *s, uint8_t *const mem[2])
{
    /* LDSMAX/LDSMIN/LDUMAX/LDUMIN (and the STxxx aliases) on bytes, halfwords and words: QEMU 5
     * does the comparison on 64 bits, between the memory operand zero-extended and all of Rs,
     * instead of between the two datasize-bit values (Arm ARM C6.2 LDSMAX: "value =
     * X[s]<datasize-1:0>", compared as signed for SMAX/SMIN). Results are right only when Rs's
     * upper bits are zeros and, for the signed forms, both operands are non-negative: give Rs
     * and the memory operand such values (docs/difftest.md, Unicorn bug 1). */
    if ((insn & 0x3f200c00) == 0x38200000 && !((insn >> 15) & 1) && ((insn >> 12) & 4) && (insn >> 30) != 3) {
        unsigned rs = (insn >> 16) & 31, rn = (insn >> 5) & 31, size = 1u << (insn >> 30);
        bool sign = ((insn >> 12) & 7) <= 5;                          /* SMAX, SMIN */
        uint64_t mask = (1ull << (8 * size)) - 1;
        if (rs != 31) s->x[rs] &= sign ? mask >> 1 : mask;
        uint64_t *base = rn == 31 ? &s->sp : &s->x[rn];
        /* The operand must not be the instruction word (or the B . after it), which is
         * written after this; move it one cache line up (the RAM has a 4 KiB guard). */
        if (*base - s->pc < 8 || s->pc - *base < 8) *base += 64;
        uint64_t ea = *base - DT_RAM_BASE;
        if (sign && ea < DT_RAM_SIZE - 8)
            for (unsigned k = 0; k < 2; k++) mem[k][ea + size - 1] &= 0x7f;
    }
}

/* ---------------------------------------------------------------- SIMD&FP operands */

/* A floating-point lane of ebits exponent and mbits fraction bits, biased to the operands
 * that exercise the special cases of the Arm FP pseudocode. */
static uint64_t rand_fp(struct dt_rng *r, unsigned ebits, unsigned mbits)
{
    uint64_t emax = (1ull << ebits) - 1, bias = emax >> 1, mmask = (1ull << mbits) - 1;
    uint64_t sign = dt_below(r, 2), e, m = 0;
    switch (dt_below(r, 18)) {
    case 0: e = 0; break;                                               /* +-0 */
    case 1: e = emax; break;                                            /* +-inf */
    case 2:                                                             /* quiet NaN */
        e = emax;
        m = (1ull << (mbits - 1)) | (dt_below(r, 4) ? dt_rand(r) & (mmask >> 1) : 0);
        break;
    case 3:                                                             /* signalling NaN */
        e = emax;
        m = dt_rand(r) & (mmask >> 1);
        if (dt_below(r, 4) == 0) m = 1;
        if (!m) m = 1ull << (mbits - 2);
        break;
    case 4: case 5:                                                     /* denormals */
        e = 0;
        switch (dt_below(r, 4)) {
        case 0: m = 1; break;
        case 1: m = mmask - dt_below(r, 2); break;
        case 2: m = (dt_rand(r) & mmask) >> dt_below(r, mbits); break;
        default: m = dt_rand(r) & mmask; break;
        }
        if (!m) m = 1;
        break;
    case 6:                                                             /* max/min normal */
        if (dt_below(r, 2)) { e = emax - 1; m = mmask - dt_below(r, 3); }
        else { e = 1; m = dt_below(r, 3); }
        break;
    case 7: {                                                           /* 1.0, small integers */
        unsigned k = 1 + (unsigned)dt_below(r, dt_below(r, 2) ? 4 : 64), fl = 31 - (unsigned)__builtin_clz(k);
        e = bias + fl;
        m = fl ? ((uint64_t)(k - (1u << fl)) << (mbits - fl)) & mmask : 0;
        break;
    }
    case 8: case 9: {                                                   /* near .5 / integer */
        int ue = (int)dt_below(r, mbits + 2) - 1;                       /* unbiased -1..mbits */
        if ((uint64_t)(ue + (int)bias) >= emax) ue = 0;
        e = bias + (uint64_t)ue;
        m = dt_rand(r) & mmask;
        unsigned fb = ue < 0 ? mbits : mbits - (unsigned)ue;            /* fraction bits below 1 */
        if (fb && ue >= 0) {
            uint64_t fm = (1ull << fb) - 1, half = 1ull << (fb - 1), f;
            switch (dt_below(r, 6)) {
            case 0: f = 0; break;
            case 1: f = half; break;
            case 2: f = half - 1; break;
            case 3: f = half + 1; break;
            case 4: f = fm; break;
            default: f = 1; break;
            }
            m = (m & ~fm) | (f & fm);
        }
        break;
    }
    case 10: {                                                          /* integer boundaries */
        static const unsigned pw[] = { 7, 8, 15, 16, 31, 32, 63, 64 };
        unsigned p = pw[dt_below(r, 8)];
        if (p + bias >= emax) p = (unsigned)(bias / 2);
        e = bias + p - dt_below(r, 2);
        m = dt_below(r, 3) == 0 ? mmask : dt_below(r, 3);
        break;
    }
    case 11: e = 1 + dt_below(r, 3 + mbits / 4); m = dt_rand(r) & mmask; break;   /* near underflow */
    case 12: e = emax - 1 - dt_below(r, 3); m = dt_rand(r) & mmask; break;         /* near overflow */
    case 13: case 14: e = bias - 2 + dt_below(r, 5); m = dt_rand(r) & mmask; break; /* ~0.25..8 */
    case 15: e = 1 + dt_below(r, emax - 1); m = dt_rand(r) & mmask; break;        /* any normal */
    default: return dt_rand(r) & ((1ull << (ebits + mbits + 1)) - 1);     /* any bits */
    }
    return sign << (ebits + mbits) | (e & emax) << mbits | (m & mmask);
}

static uint64_t rand_int(struct dt_rng *r, unsigned bits)
{
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1, top = 1ull << (bits - 1), v;
    switch (dt_below(r, 10)) {
    case 0: v = dt_below(r, 3); break;                                  /* 0, 1, 2 */
    case 1: v = -(uint64_t)dt_below(r, 3); break;                       /* 0, -1, -2 */
    case 2: v = top + dt_below(r, 3) - 1; break;                        /* around INT_MIN */
    case 3: v = top - 1 - dt_below(r, 2); break;                        /* INT_MAX */
    case 4: v = dt_below(r, bits + 2); break;                           /* shift counts */
    case 5: v = -(uint64_t)dt_below(r, bits + 2); break;
    case 6: v = (uint64_t)1 << dt_below(r, bits); v += dt_below(r, 3) - 1; break;
    case 7: v = dt_rand_reg(r); break;
    default: v = dt_rand(r); break;
    }
    return v & mask;
}

enum lane_kind { LK_I8, LK_I16, LK_I32, LK_I64, LK_F16, LK_F32, LK_F64, LK_RANDOM };

static enum lane_kind rand_lane_kind(struct dt_rng *r)
{
    static const enum lane_kind k[] = { LK_F32, LK_F32, LK_F64, LK_F64, LK_F16, LK_I8, LK_I16, LK_I32, LK_I64, LK_RANDOM };
    return k[dt_below(r, sizeof k / sizeof *k)];
}

static void rand_vreg(struct dt_rng *r, uint8_t v[16], enum lane_kind k)
{
    static const unsigned bytes[] = { 1, 2, 4, 8, 2, 4, 8, 8 };
    unsigned n = bytes[k];
    for (unsigned i = 0; i < 16; i += n) {
        uint64_t x;
        if (k == LK_RANDOM || dt_below(r, 8) == 0) x = dt_rand(r);
        else switch (k) {
        case LK_F16: x = rand_fp(r, 5, 10); break;
        case LK_F32: x = rand_fp(r, 8, 23); break;
        case LK_F64: x = rand_fp(r, 11, 52); break;
        default: x = rand_int(r, 8 * n); break;
        }
        for (unsigned j = 0; j < n; j++) v[i + j] = (uint8_t)(x >> (8 * j));
    }
}

void dt_rand_fp_state(struct dt_rng *r, struct dt_state *s)
{
    /* One lane kind dominates (3 registers in 4), so that the operands of a two- or
     * three-operand instruction are often special values of the same width. */
    enum lane_kind dom = rand_lane_kind(r);
    for (unsigned i = 0; i < 32; i++)
        rand_vreg(r, s->v[i], dt_below(r, 4) ? dom : rand_lane_kind(r));
    /* FPCR: RMode (all four), FZ, DN, AHP. */
    s->fpcr = (uint32_t)dt_below(r, 4) << 22 | (uint32_t)dt_below(r, 2) << 24 | (uint32_t)dt_below(r, 2) << 25 |
              (uint32_t)(dt_below(r, 4) == 0) << 26;
    /* FPSR: half the time clear (every flag an instruction raises shows), else random
     * cumulative IOC DZC OFC UFC IXC IDC, QC and the AArch32 NZCV bits. */
    s->fpsr = dt_below(r, 2) ? 0 : (uint32_t)dt_rand(r) & 0xf800009fu;
}
