/* cpu/insn_fp.c — scalar floating-point instructions (Arm ARM C4.1.69 "Data Processing --
 * Scalar Floating-Point and Advanced SIMD", the floating-point groups): FMOV (register, general,
 * top half, immediate), 1-source (FABS FNEG FSQRT FCVT FRINT*), 2-source (FADD FSUB FMUL FDIV
 * FMAX FMIN FMAXNM FMINNM FNMUL), 3-source (FMADD FMSUB FNMADD FNMSUB), FCMP/FCMPE, FCCMP/FCCMPE,
 * FCSEL, and the conversions to/from integer and fixed point.
 *
 * Operand fields: d->rd, d->rn, d->rm, d->ra register numbers (V or X as the form says; X
 * fields use the REG_* mapping), d->sz = 0 single / 1 double (ftype), d->a = operation,
 * d->b = cond / nzcv / fbits etc. */
#include "cpu/fpu_insn.h"

/* ---- FMOV and friends (no FP arithmetic: no flush, no exceptions) ---- */
static const struct dinsn *exec_fmov_reg(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint64_t v = d->sz ? c->v[d->rn].d[0] : c->v[d->rn].s[0];
    vset_d(c, d->rd, v);
    return d + 1;
}
static const struct dinsn *exec_fabs(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    if (d->sz) vset_d(c, d->rd, fp64_abs(c->v[d->rn].d[0]));
    else vset_s(c, d->rd, fp32_abs(c->v[d->rn].s[0]));
    return d + 1;
}
static const struct dinsn *exec_fneg(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    if (d->sz) vset_d(c, d->rd, fp64_neg(c->v[d->rn].d[0]));
    else vset_s(c, d->rd, fp32_neg(c->v[d->rn].s[0]));
    return d + 1;
}
static const struct dinsn *exec_fmov_imm(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    vset_d(c, d->rd, d->imm);
    return d + 1;
}
/* FMOV Wd,Sn / Xd,Dn / Xd,Vn.D[1] : d->a = 0: 32 bits, 1: 64 bits, 2: top half */
static const struct dinsn *exec_fmov_to_gpr(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint64_t v = d->a == 0 ? c->v[d->rn].s[0] : d->a == 1 ? c->v[d->rn].d[0] : c->v[d->rn].d[1];
    c->x[d->rd] = v;
    return d + 1;
}
static const struct dinsn *exec_fmov_from_gpr(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint64_t v = c->x[d->rn];
    if (d->a == 0) vset_s(c, d->rd, (uint32_t)v);
    else if (d->a == 1) vset_d(c, d->rd, v);
    else c->v[d->rd].d[1] = v;                 /* FMOV Vd.D[1], Xn keeps the low half */
    return d + 1;
}

/* VFPExpandImm */
uint64_t vfp_expand_imm(unsigned imm8, unsigned n)
{
    uint64_t sign = imm8 >> 7, b6 = (imm8 >> 6) & 1, e54 = (imm8 >> 4) & 3, f = imm8 & 15;
    if (n == 16)
        return sign << 15 | (b6 ^ 1) << 14 | (b6 ? 3ull : 0) << 12 | e54 << 10 | f << 6;
    if (n == 32)
        return sign << 31 | (b6 ^ 1) << 30 | (b6 ? 0x1full : 0) << 25 | e54 << 23 | f << 19;
    return sign << 63 | (b6 ^ 1) << 62 | (b6 ? 0xffull : 0) << 54 | e54 << 52 | f << 48;
}

/* ---- arithmetic ---- */
static const struct dinsn *exec_fp_dp2(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    if (d->sz) vset_d(c, d->rd, fp64_op2((enum fp_op2)d->a, c->v[d->rn].d[0], c->v[d->rm].d[0], &s));
    else vset_s(c, d->rd, fp32_op2((enum fp_op2)d->a, c->v[d->rn].s[0], c->v[d->rm].s[0], &s));
    fpst_commit(c, &s);
    return d + 1;
}
/* d->a bit 0: negate product operand (op1), bit 1: negate addend */
static const struct dinsn *exec_fp_dp3(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    if (d->sz) {
        uint64_t a = c->v[d->ra].d[0], n = c->v[d->rn].d[0], m = c->v[d->rm].d[0];
        if (d->a & 1) n = fp64_neg(n);
        if (d->a & 2) a = fp64_neg(a);
        vset_d(c, d->rd, fp64_muladd(a, n, m, &s));
    } else {
        uint32_t a = c->v[d->ra].s[0], n = c->v[d->rn].s[0], m = c->v[d->rm].s[0];
        if (d->a & 1) n = fp32_neg(n);
        if (d->a & 2) a = fp32_neg(a);
        vset_s(c, d->rd, fp32_muladd(a, n, m, &s));
    }
    fpst_commit(c, &s);
    return d + 1;
}
static const struct dinsn *exec_fsqrt(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    if (d->sz) vset_d(c, d->rd, fp64_sqrt(c->v[d->rn].d[0], &s));
    else vset_s(c, d->rd, fp32_sqrt(c->v[d->rn].s[0], &s));
    fpst_commit(c, &s);
    return d + 1;
}
/* FRINT*: d->a = rounding (FPR_*, 6 = FPCR's), d->b = exact (FRINTX) */
static const struct dinsn *exec_frint(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    enum fp_rounding r = d->a == 6 ? fpcr_rmode(s.fpcr) : (enum fp_rounding)d->a;
    if (d->sz) vset_d(c, d->rd, fp64_roundint(c->v[d->rn].d[0], r, d->b, &s));
    else vset_s(c, d->rd, fp32_roundint(c->v[d->rn].s[0], r, d->b, &s));
    fpst_commit(c, &s);
    return d + 1;
}
/* FCVT between precisions: d->a = source (0 S, 1 D, 3 H), d->b = destination */
static const struct dinsn *exec_fcvt(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    const union vreg *n = &c->v[d->rn];
    switch (d->a << 2 | d->b) {
    case 0 << 2 | 1: vset_d(c, d->rd, fp32_to_fp64(n->s[0], &s)); break;
    case 0 << 2 | 3: vset_h(c, d->rd, fp32_to_fp16(n->s[0], &s)); break;
    case 1 << 2 | 0: vset_s(c, d->rd, fp64_to_fp32(n->d[0], fpcr_rmode(s.fpcr), &s)); break;
    case 1 << 2 | 3: vset_h(c, d->rd, fp64_to_fp16(n->d[0], &s)); break;
    case 3 << 2 | 0: vset_s(c, d->rd, fp16_to_fp32(n->h[0], &s)); break;
    default: vset_d(c, d->rd, fp16_to_fp64(n->h[0], &s)); break;
    }
    fpst_commit(c, &s);
    return d + 1;
}

/* FP data-processing (1 source): M 0 S 11110 ptype 1 opcode(6) 10000 Rn Rd */
bool dec_fp_dp1(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned ptype = (insn >> 22) & 3, opc = (insn >> 15) & 63;
    if (insn >> 29) return false;               /* M, S */
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->sz = (uint8_t)(ptype & 1);
    if (opc == 4 || opc == 5 || opc == 7) {     /* FCVT: destination type = opc<1:0> */
        unsigned dst = opc & 3;
        if (ptype == 2 || dst == ptype) return false;
        d->a = (uint8_t)ptype;
        d->b = (uint8_t)dst;
        d->fn = exec_fcvt;
        return true;
    }
    if (ptype > 1) return false;                /* half-precision arithmetic needs FEAT_FP16 */
    switch (opc) {
    case 0: d->fn = exec_fmov_reg; return true;
    case 1: d->fn = exec_fabs; return true;
    case 2: d->fn = exec_fneg; return true;
    case 3: d->fn = exec_fsqrt; return true;
    case 8: case 9: case 10: case 11: case 12: case 14: case 15: {
        static const uint8_t rm[8] = { FPR_TIEEVEN, FPR_POSINF, FPR_NEGINF, FPR_ZERO, FPR_TIEAWAY, 0, 6, 6 };
        d->a = rm[opc & 7];
        d->b = opc == 14;
        d->fn = exec_frint;
        return true;
    }
    default: return false;
    }
}

/* FP data-processing (2 source): M 0 S 11110 ptype 1 Rm opcode(4) 10 Rn Rd */
bool dec_fp_dp2(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    static const uint8_t ops[9] = { FOP_MUL, FOP_DIV, FOP_ADD, FOP_SUB, FOP_MAX, FOP_MIN, FOP_MAXNM, FOP_MINNM, FOP_NMUL };
    unsigned ptype = (insn >> 22) & 3, opc = (insn >> 12) & 15;
    if ((insn >> 29) || ptype > 1 || opc > 8) return false;
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->rm = (uint8_t)rf(insn, 16);
    d->sz = (uint8_t)ptype;
    d->a = ops[opc];
    d->fn = exec_fp_dp2;
    return true;
}

/* FP data-processing (3 source): M 0 S 11111 ptype o1 Rm o0 Ra Rn Rd */
bool dec_fp_dp3(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned ptype = (insn >> 22) & 3, o1 = (insn >> 21) & 1, o0 = (insn >> 15) & 1;
    if ((insn >> 29) || ptype > 1) return false;
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->rm = (uint8_t)rf(insn, 16);
    d->ra = (uint8_t)rf(insn, 10);
    d->sz = (uint8_t)ptype;
    /* FMADD: a + n*m; FMSUB: a - n*m; FNMADD: -a - n*m; FNMSUB: -a + n*m */
    d->a = (uint8_t)((o1 ? 2 : 0) | (o0 != o1 ? 1 : 0));
    d->fn = exec_fp_dp3;
    return true;
}

/* ---- compares and selects ---- */
/* d->a bit 0: FCMPE (signalling), bit 1: compare with +0.0 */
static const struct dinsn *exec_fcmp(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    unsigned nzcv;
    bool e = d->a & 1, z = d->a & 2;
    if (d->sz) nzcv = fp64_compare(c->v[d->rn].d[0], z ? 0 : c->v[d->rm].d[0], e, &s);
    else nzcv = fp32_compare(c->v[d->rn].s[0], z ? 0 : c->v[d->rm].s[0], e, &s);
    c->nzcv = nzcv << 28;
    fpst_commit(c, &s);
    return d + 1;
}
/* FCCMP/FCCMPE: d->a bit 0 = signalling, d->b = cond, d->imm = nzcv */
static const struct dinsn *exec_fccmp(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    if (!cond_holds(c->nzcv, d->b)) {
        c->nzcv = (uint32_t)d->imm << 28;
        return d + 1;
    }
    struct fpst s = fpst_of(c);
    unsigned nzcv;
    if (d->sz) nzcv = fp64_compare(c->v[d->rn].d[0], c->v[d->rm].d[0], d->a & 1, &s);
    else nzcv = fp32_compare(c->v[d->rn].s[0], c->v[d->rm].s[0], d->a & 1, &s);
    c->nzcv = nzcv << 28;
    fpst_commit(c, &s);
    return d + 1;
}
static const struct dinsn *exec_fcsel(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    unsigned r = cond_holds(c->nzcv, d->b) ? d->rn : d->rm;
    vset_d(c, d->rd, d->sz ? c->v[r].d[0] : c->v[r].s[0]);
    return d + 1;
}

/* FP compare: M 0 S 11110 ptype 1 Rm op(2) 1000 Rn opcode2(5) */
bool dec_fp_cmp(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned ptype = (insn >> 22) & 3, op = (insn >> 14) & 3, opc2 = insn & 31;
    if ((insn >> 29) || ptype > 1 || op || (opc2 & 7)) return false;
    d->rn = (uint8_t)rf(insn, 5);
    d->rm = (uint8_t)rf(insn, 16);
    d->sz = (uint8_t)ptype;
    d->a = (uint8_t)((opc2 >> 4) & 1) | (uint8_t)(((opc2 >> 3) & 1) << 1);
    d->fn = exec_fcmp;
    return true;
}
/* FP conditional compare: M 0 S 11110 ptype 1 Rm cond 01 Rn op nzcv */
bool dec_fp_ccmp(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned ptype = (insn >> 22) & 3;
    if ((insn >> 29) || ptype > 1) return false;
    d->rn = (uint8_t)rf(insn, 5);
    d->rm = (uint8_t)rf(insn, 16);
    d->sz = (uint8_t)ptype;
    d->a = (insn >> 4) & 1;
    d->b = (insn >> 12) & 15;
    d->imm = insn & 15;
    d->fn = exec_fccmp;
    return true;
}
/* FP conditional select: M 0 S 11110 ptype 1 Rm cond 11 Rn Rd */
bool dec_fp_csel(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned ptype = (insn >> 22) & 3;
    if ((insn >> 29) || ptype > 1) return false;
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->rm = (uint8_t)rf(insn, 16);
    d->sz = (uint8_t)ptype;
    d->b = (insn >> 12) & 15;
    d->fn = exec_fcsel;
    return true;
}
/* FP immediate: M 0 S 11110 ptype 1 imm8 100 imm5 Rd */
bool dec_fp_imm(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned ptype = (insn >> 22) & 3;
    if ((insn >> 29) || ptype > 1 || ((insn >> 5) & 31)) return false;
    d->rd = (uint8_t)rf(insn, 0);
    d->imm = vfp_expand_imm((insn >> 13) & 0xff, ptype ? 64 : 32);
    d->fn = exec_fmov_imm;
    return true;
}

/* ---- conversions ---- */
/* FP -> integer / fixed: d->a = rounding, d->b = fbits, d->ra: bit 0 unsigned, bit 1 64-bit int */
static const struct dinsn *exec_fcvt_to_int(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    bool uns = d->ra & 1;
    unsigned ib = d->ra & 2 ? 64 : 32;
    enum fp_rounding r = d->a == 6 ? fpcr_rmode(s.fpcr) : (enum fp_rounding)d->a;
    uint64_t v = d->sz ? fp64_to_fixed(c->v[d->rn].d[0], d->b, uns, r, ib, &s)
                       : fp32_to_fixed(c->v[d->rn].s[0], d->b, uns, r, ib, &s);
    c->x[d->rd] = v;
    fpst_commit(c, &s);
    return d + 1;
}
static const struct dinsn *exec_cvtf_from_int(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    bool uns = d->ra & 1;
    unsigned ib = d->ra & 2 ? 64 : 32;
    uint64_t x = c->x[d->rn];
    if (d->sz) vset_d(c, d->rd, fp64_from_fixed(x, d->b, uns, ib, &s));
    else vset_s(c, d->rd, fp32_from_fixed(x, d->b, uns, ib, &s));
    fpst_commit(c, &s);
    return d + 1;
}

/* Conversion between FP and integer: sf 0 S 11110 ptype 1 rmode opcode(3) 000000 Rn Rd */
bool dec_fp_int(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned sf = insn >> 31, ptype = (insn >> 22) & 3, rmode = (insn >> 19) & 3, opc = (insn >> 16) & 7;
    if ((insn >> 29) & 1) return false;
    if (opc == 6 || opc == 7) {                 /* FMOV (general) */
        bool to_gpr = opc == 6;
        if (!sf && ptype == 0 && rmode == 0) d->a = 0;
        else if (sf && ptype == 1 && rmode == 0) d->a = 1;
        else if (sf && ptype == 2 && rmode == 1) d->a = 2;
        else return false;
        if (to_gpr) { d->rd = reg_dst(rf(insn, 0)); d->rn = (uint8_t)rf(insn, 5); d->fn = exec_fmov_to_gpr; }
        else { d->rd = (uint8_t)rf(insn, 0); d->rn = reg_zr(rf(insn, 5)); d->fn = exec_fmov_from_gpr; }
        return true;
    }
    if (ptype > 1) return false;
    d->sz = (uint8_t)ptype;
    d->b = 0;
    d->ra = (uint8_t)((sf << 1) | (opc & 1));
    if (opc == 2 || opc == 3) {                 /* SCVTF / UCVTF */
        if (rmode) return false;
        d->rd = (uint8_t)rf(insn, 0);
        d->rn = reg_zr(rf(insn, 5));
        d->fn = exec_cvtf_from_int;
        return true;
    }
    if (opc >= 4) {                             /* FCVTAS / FCVTAU */
        if (rmode) return false;
        d->a = FPR_TIEAWAY;
    } else {                                    /* FCVTN/P/M/Z S/U */
        static const uint8_t rm[4] = { FPR_TIEEVEN, FPR_POSINF, FPR_NEGINF, FPR_ZERO };
        d->a = rm[rmode];
    }
    d->rd = reg_dst(rf(insn, 0));
    d->rn = (uint8_t)rf(insn, 5);
    d->fn = exec_fcvt_to_int;
    return true;
}

/* Conversion between FP and fixed point: sf 0 S 11110 ptype 0 rmode opcode(3) scale Rn Rd */
bool dec_fp_fixed(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned sf = insn >> 31, ptype = (insn >> 22) & 3, rmode = (insn >> 19) & 3, opc = (insn >> 16) & 7;
    unsigned scale = (insn >> 10) & 63;
    if (((insn >> 29) & 1) || ptype > 1 || (!sf && scale < 32)) return false;
    d->sz = (uint8_t)ptype;
    d->b = (uint8_t)(64 - scale);
    d->ra = (uint8_t)((sf << 1) | (opc & 1));
    if (rmode == 3 && (opc == 0 || opc == 1)) {
        d->a = FPR_ZERO;
        d->rd = reg_dst(rf(insn, 0));
        d->rn = (uint8_t)rf(insn, 5);
        d->fn = exec_fcvt_to_int;
        return true;
    }
    if (rmode == 0 && (opc == 2 || opc == 3)) {
        d->rd = (uint8_t)rf(insn, 0);
        d->rn = reg_zr(rf(insn, 5));
        d->fn = exec_cvtf_from_int;
        return true;
    }
    return false;
}
