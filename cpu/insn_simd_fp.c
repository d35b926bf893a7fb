/* cpu/insn_simd_fp.c — Advanced SIMD floating-point lanes (vector and scalar forms): three same
 * (FADD FSUB FMUL FDIV FMULX FMLA FMLS FMAX FMIN FMAXNM FMINNM FABD FRECPS FRSQRTS, pairwise
 * FADDP FMAXP FMINP FMAXNMP FMINNMP, compares FCMEQ FCMGE FCMGT FACGE FACGT), two-register misc
 * (FABS FNEG FSQRT FRINT* FCVT*S/U SCVTF UCVTF FRECPE FRSQRTE FRECPX FCMxx #0 FCVTN FCVTL
 * FCVTXN), across lanes (FMAXV FMINV FMAXNMV FMINNMV), by element (FMLA FMLS FMUL FMULX),
 * shift-by-immediate fixed-point conversions. Every lane goes through cpu/fpu.c.
 *
 * d->sz: 0 single / 1 double lanes, d->a = Q, d->b = 1 for the scalar forms, d->ra = op. */
#include "cpu/fpu_insn.h"

enum { P_OP2, P_FMLA, P_FMLS, P_CMEQ, P_CMGE, P_CMGT, P_ACGE, P_ACGT };

static inline unsigned fp_lanes(const struct dinsn *d)
{
    return d->b ? 1 : (d->a ? 16u : 8u) >> (2 + d->sz);
}

/* Three same, non-pairwise. d->ra = P_*, d->imm = enum fp_op2 for P_OP2. */
static const struct dinsn *exec_fp3(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    const union vreg *n = &c->v[d->rn], *m = &c->v[d->rm], *dd = &c->v[d->rd];
    union vreg t = { .d = { 0, 0 } };
    unsigned nl = fp_lanes(d);
    enum fp_op2 op = (enum fp_op2)d->imm;
    for (unsigned i = 0; i < nl; i++) {
        if (d->sz) {
            uint64_t a = n->d[i], b = m->d[i], r;
            switch (d->ra) {
            case P_OP2: r = fp64_op2(op, a, b, &s); break;
            case P_FMLA: r = fp64_muladd(dd->d[i], a, b, &s); break;
            case P_FMLS: r = fp64_muladd(dd->d[i], fp64_neg(a), b, &s); break;
            case P_CMEQ: r = fp64_cmp(0, a, b, &s) ? ~0ull : 0; break;
            case P_CMGE: r = fp64_cmp(1, a, b, &s) ? ~0ull : 0; break;
            case P_CMGT: r = fp64_cmp(2, a, b, &s) ? ~0ull : 0; break;
            case P_ACGE: r = fp64_cmp(1, fp64_abs(a), fp64_abs(b), &s) ? ~0ull : 0; break;
            default: r = fp64_cmp(2, fp64_abs(a), fp64_abs(b), &s) ? ~0ull : 0; break;
            }
            t.d[i] = r;
        } else {
            uint32_t a = n->s[i], b = m->s[i], r;
            switch (d->ra) {
            case P_OP2: r = fp32_op2(op, a, b, &s); break;
            case P_FMLA: r = fp32_muladd(dd->s[i], a, b, &s); break;
            case P_FMLS: r = fp32_muladd(dd->s[i], fp32_neg(a), b, &s); break;
            case P_CMEQ: r = fp32_cmp(0, a, b, &s) ? ~0u : 0; break;
            case P_CMGE: r = fp32_cmp(1, a, b, &s) ? ~0u : 0; break;
            case P_CMGT: r = fp32_cmp(2, a, b, &s) ? ~0u : 0; break;
            case P_ACGE: r = fp32_cmp(1, fp32_abs(a), fp32_abs(b), &s) ? ~0u : 0; break;
            default: r = fp32_cmp(2, fp32_abs(a), fp32_abs(b), &s) ? ~0u : 0; break;
            }
            t.s[i] = r;
        }
    }
    c->v[d->rd] = t;
    fpst_commit(c, &s);
    return d + 1;
}

/* Pairwise (vector): result lane i = op(cat[2i], cat[2i+1]) over the concatenation n:m. */
static const struct dinsn *exec_fp3_pairwise(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    union vreg cat[2] = { c->v[d->rn], c->v[d->rm] }, t = { .d = { 0, 0 } };
    unsigned nl = fp_lanes(d), per = 4u >> d->sz;
    enum fp_op2 op = (enum fp_op2)d->imm;
    if (!d->a) cat[0].d[1] = cat[1].d[0];
    for (unsigned i = 0; i < nl; i++) {
        unsigned j0 = 2 * i, j1 = 2 * i + 1;
        if (d->sz) t.d[i] = fp64_op2(op, cat[j0 / per].d[j0 % per], cat[j1 / per].d[j1 % per], &s);
        else t.s[i] = fp32_op2(op, cat[j0 / per].s[j0 % per], cat[j1 / per].s[j1 % per], &s);
    }
    c->v[d->rd] = t;
    fpst_commit(c, &s);
    return d + 1;
}

bool dec_simd_fp3same(const struct cpu *c, struct dinsn *d, uint32_t insn, bool scalar)
{
    unsigned q = (insn >> 30) & 1, u = (insn >> 29) & 1, a = (insn >> 23) & 1, sz = (insn >> 22) & 1;
    unsigned opc = (insn >> 11) & 31;
    int p = P_OP2, op = -1;
    bool pairwise = false, scalar_ok = false;
    switch (u << 6 | a << 5 | opc) {
    case 0x18: op = FOP_MAXNM; break;
    case 0x38: op = FOP_MINNM; break;
    case 0x19: p = P_FMLA; break;
    case 0x39: p = P_FMLS; break;
    case 0x1a: op = FOP_ADD; break;
    case 0x3a: op = FOP_SUB; break;
    case 0x1b: op = FOP_MULX; scalar_ok = true; break;
    case 0x1c: p = P_CMEQ; scalar_ok = true; break;
    case 0x1e: op = FOP_MAX; break;
    case 0x3e: op = FOP_MIN; break;
    case 0x1f: op = FOP_RECPS; scalar_ok = true; break;
    case 0x3f: op = FOP_RSQRTS; scalar_ok = true; break;
    case 0x58: op = FOP_MAXNM; pairwise = true; break;
    case 0x78: op = FOP_MINNM; pairwise = true; break;
    case 0x5a: op = FOP_ADD; pairwise = true; break;
    case 0x7a: op = FOP_ABD; scalar_ok = true; break;
    case 0x5b: op = FOP_MUL; break;
    case 0x5c: p = P_CMGE; scalar_ok = true; break;
    case 0x7c: p = P_CMGT; scalar_ok = true; break;
    case 0x5d: p = P_ACGE; scalar_ok = true; break;
    case 0x7d: p = P_ACGT; scalar_ok = true; break;
    case 0x5e: op = FOP_MAX; pairwise = true; break;
    case 0x7e: op = FOP_MIN; pairwise = true; break;
    case 0x5f: op = FOP_DIV; break;
    default: return false;
    }
    if (scalar && !scalar_ok) return false;
    if (!scalar && sz && !q) return false;
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->rm = (uint8_t)rf(insn, 16);
    d->sz = (uint8_t)sz;
    d->a = (uint8_t)(scalar ? 0 : q);
    d->b = scalar;
    d->ra = (uint8_t)p;
    d->imm = op < 0 ? 0 : (uint64_t)op;
    d->fn = pairwise ? exec_fp3_pairwise : exec_fp3;
    return true;
}

/* ---- two-register misc (FP) ---- */
enum { Q_ABS, Q_NEG, Q_SQRT, Q_RINT, Q_TOINT, Q_SCVTF, Q_UCVTF, Q_RECPE, Q_RSQRTE, Q_RECPX,
       Q_CMGT0, Q_CMEQ0, Q_CMLT0, Q_CMGE0, Q_CMLE0 };

/* d->imm: bits 7:0 rounding (6 = FPCR), bit 8 exact (FRINTX), bit 9 unsigned, bits 23:16 fbits */
static const struct dinsn *exec_fp2(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    const union vreg *n = &c->v[d->rn];
    union vreg t = { .d = { 0, 0 } };
    unsigned nl = fp_lanes(d), rnd = d->imm & 0xff, fbits = (d->imm >> 16) & 0xff;
    enum fp_rounding r = rnd == 6 ? fpcr_rmode(s.fpcr) : (enum fp_rounding)rnd;
    bool exact = (d->imm >> 8) & 1, uns = (d->imm >> 9) & 1;
    for (unsigned i = 0; i < nl; i++) {
        if (d->sz) {
            uint64_t a = n->d[i], x;
            switch (d->ra) {
            case Q_ABS: x = fp64_abs(a); break;
            case Q_NEG: x = fp64_neg(a); break;
            case Q_SQRT: x = fp64_sqrt(a, &s); break;
            case Q_RINT: x = fp64_roundint(a, r, exact, &s); break;
            case Q_TOINT: x = fp64_to_fixed(a, fbits, uns, r, 64, &s); break;
            case Q_SCVTF: x = fp64_from_fixed(a, fbits, false, 64, &s); break;
            case Q_UCVTF: x = fp64_from_fixed(a, fbits, true, 64, &s); break;
            case Q_RECPE: x = fp64_recpe(a, &s); break;
            case Q_RSQRTE: x = fp64_rsqrte(a, &s); break;
            case Q_RECPX: x = fp64_recpx(a, &s); break;
            case Q_CMGT0: x = fp64_cmp(2, a, 0, &s) ? ~0ull : 0; break;
            case Q_CMEQ0: x = fp64_cmp(0, a, 0, &s) ? ~0ull : 0; break;
            case Q_CMLT0: x = fp64_cmp(2, 0, a, &s) ? ~0ull : 0; break;
            case Q_CMGE0: x = fp64_cmp(1, a, 0, &s) ? ~0ull : 0; break;
            default: x = fp64_cmp(1, 0, a, &s) ? ~0ull : 0; break;
            }
            t.d[i] = x;
        } else {
            uint32_t a = n->s[i], x;
            switch (d->ra) {
            case Q_ABS: x = fp32_abs(a); break;
            case Q_NEG: x = fp32_neg(a); break;
            case Q_SQRT: x = fp32_sqrt(a, &s); break;
            case Q_RINT: x = fp32_roundint(a, r, exact, &s); break;
            case Q_TOINT: x = (uint32_t)fp32_to_fixed(a, fbits, uns, r, 32, &s); break;
            case Q_SCVTF: x = fp32_from_fixed(a, fbits, false, 32, &s); break;
            case Q_UCVTF: x = fp32_from_fixed(a, fbits, true, 32, &s); break;
            case Q_RECPE: x = fp32_recpe(a, &s); break;
            case Q_RSQRTE: x = fp32_rsqrte(a, &s); break;
            case Q_RECPX: x = fp32_recpx(a, &s); break;
            case Q_CMGT0: x = fp32_cmp(2, a, 0, &s) ? ~0u : 0; break;
            case Q_CMEQ0: x = fp32_cmp(0, a, 0, &s) ? ~0u : 0; break;
            case Q_CMLT0: x = fp32_cmp(2, 0, a, &s) ? ~0u : 0; break;
            case Q_CMGE0: x = fp32_cmp(1, a, 0, &s) ? ~0u : 0; break;
            default: x = fp32_cmp(1, 0, a, &s) ? ~0u : 0; break;
            }
            t.s[i] = x;
        }
    }
    c->v[d->rd] = t;
    fpst_commit(c, &s);
    return d + 1;
}

/* FCVTN/FCVTXN (narrow, d->ra = 0 / 1), FCVTL (widen, d->ra = 2). d->sz = size<0>. */
static const struct dinsn *exec_fcvt_nl(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    const union vreg *n = &c->v[d->rn];
    union vreg t = { .d = { 0, 0 } };
    if (d->ra == 2) {                            /* FCVTL{2}: lower or upper half of n */
        if (d->sz) { unsigned hi = d->a ? 2 : 0; for (unsigned i = 0; i < 2; i++) t.d[i] = fp32_to_fp64(n->s[hi + i], &s); }
        else { unsigned hi = d->a ? 4 : 0; for (unsigned i = 0; i < 4; i++) t.s[i] = fp16_to_fp32(n->h[hi + i], &s); }
    } else {
        if (d->b) {                              /* scalar FCVTXN Sd, Dn */
            t.s[0] = fp64_to_fp32(n->d[0], FPR_ODD, &s);
        } else {
            if (d->a) t.d[0] = c->v[d->rd].d[0];
            if (d->sz) {
                enum fp_rounding r = d->ra == 1 ? FPR_ODD : fpcr_rmode(s.fpcr);
                for (unsigned i = 0; i < 2; i++) t.s[(d->a ? 2 : 0) + i] = fp64_to_fp32(n->d[i], r, &s);
            } else {
                for (unsigned i = 0; i < 4; i++) t.h[(d->a ? 4 : 0) + i] = fp32_to_fp16(n->s[i], &s);
            }
        }
    }
    c->v[d->rd] = t;
    fpst_commit(c, &s);
    return d + 1;
}

bool dec_simd_fp2misc(const struct cpu *c, struct dinsn *d, uint32_t insn, bool scalar)
{
    unsigned q = (insn >> 30) & 1, u = (insn >> 29) & 1, a = (insn >> 23) & 1, sz = (insn >> 22) & 1;
    unsigned opc = (insn >> 12) & 31;
    int op = -1;
    unsigned rnd = 6, exact = 0, uns = 0;
    bool scalar_ok = false;
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->sz = (uint8_t)sz;
    d->a = (uint8_t)(scalar ? 0 : q);
    d->b = scalar;
    switch (u << 6 | a << 5 | opc) {
    case 0x16: case 0x56:                        /* FCVTN, FCVTXN */
        if (u && !sz) return false;
        if (scalar && !u) return false;
        d->ra = (uint8_t)u;
        d->fn = exec_fcvt_nl;
        return true;
    case 0x17:                                   /* FCVTL */
        if (scalar) return false;
        d->ra = 2;
        d->fn = exec_fcvt_nl;
        return true;
    case 0x2c: op = Q_CMGT0; scalar_ok = true; break;
    case 0x2d: op = Q_CMEQ0; scalar_ok = true; break;
    case 0x2e: op = Q_CMLT0; scalar_ok = true; break;
    case 0x6c: op = Q_CMGE0; scalar_ok = true; break;
    case 0x6d: op = Q_CMLE0; scalar_ok = true; break;
    case 0x2f: op = Q_ABS; break;
    case 0x6f: op = Q_NEG; break;
    case 0x7f: op = Q_SQRT; break;
    case 0x18: op = Q_RINT; rnd = FPR_TIEEVEN; break;
    case 0x38: op = Q_RINT; rnd = FPR_POSINF; break;
    case 0x19: op = Q_RINT; rnd = FPR_NEGINF; break;
    case 0x39: op = Q_RINT; rnd = FPR_ZERO; break;
    case 0x58: op = Q_RINT; rnd = FPR_TIEAWAY; break;
    case 0x59: op = Q_RINT; exact = 1; break;
    case 0x79: op = Q_RINT; break;
    case 0x1a: case 0x3a: case 0x1b: case 0x3b: case 0x5a: case 0x7a: case 0x5b: case 0x7b:
        op = Q_TOINT; scalar_ok = true;
        /* FCVTNS (a0,o0) FCVTPS (a1,o0) FCVTMS (a0,o1) FCVTZS (a1,o1) */
        rnd = (opc & 1) ? (a ? FPR_ZERO : FPR_NEGINF) : (a ? FPR_POSINF : FPR_TIEEVEN);
        uns = u;
        break;
    case 0x1c: case 0x5c: op = Q_TOINT; rnd = FPR_TIEAWAY; uns = u; scalar_ok = true; break;
    case 0x1d: op = Q_SCVTF; scalar_ok = true; break;
    case 0x5d: op = Q_UCVTF; scalar_ok = true; break;
    case 0x3d: op = Q_RECPE; scalar_ok = true; break;
    case 0x7d: op = Q_RSQRTE; scalar_ok = true; break;
    case 0x3f: op = Q_RECPX; if (!scalar) return false; scalar_ok = true; break;
    default: return false;
    }
    if (scalar && !scalar_ok) return false;
    if (!scalar && sz && !q) return false;
    d->ra = (uint8_t)op;
    d->imm = rnd | exact << 8 | uns << 9;
    d->fn = exec_fp2;
    return true;
}

/* ---- shift by immediate: SCVTF/UCVTF/FCVTZS/FCVTZU (fixed point) ---- */
bool dec_simd_fpshimm(const struct cpu *c, struct dinsn *d, uint32_t insn, bool scalar, unsigned sz, unsigned fbits)
{
    unsigned q = (insn >> 30) & 1, u = (insn >> 29) & 1, opc = (insn >> 11) & 31;
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->sz = (uint8_t)(sz - 2);
    d->a = (uint8_t)(scalar ? 0 : q);
    d->b = scalar;
    if (opc == 0x1c) { d->ra = u ? Q_UCVTF : Q_SCVTF; d->imm = (uint64_t)fbits << 16; }
    else { d->ra = Q_TOINT; d->imm = FPR_ZERO | u << 9 | (uint64_t)fbits << 16; }
    d->fn = exec_fp2;
    return true;
}

/* ---- across lanes: FMAXNMV FMINNMV FMAXV FMINV (4S only); Reduce() pairs halves ---- */
static const struct dinsn *exec_fp_across(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    const union vreg *n = &c->v[d->rn];
    enum fp_op2 op = (enum fp_op2)d->imm;
    uint32_t lo = fp32_op2(op, n->s[0], n->s[1], &s);
    uint32_t hi = fp32_op2(op, n->s[2], n->s[3], &s);
    vset_s(c, d->rd, fp32_op2(op, lo, hi, &s));
    fpst_commit(c, &s);
    return d + 1;
}
bool dec_simd_fpacross(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned q = (insn >> 30) & 1, u = (insn >> 29) & 1, a = (insn >> 23) & 1, sz = (insn >> 22) & 1;
    unsigned opc = (insn >> 12) & 31;
    if (!u || !q || sz) return false;
    if (opc == 0x0c) d->imm = a ? FOP_MINNM : FOP_MAXNM;
    else if (opc == 0x0f) d->imm = a ? FOP_MIN : FOP_MAX;
    else return false;
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->fn = exec_fp_across;
    return true;
}

/* ---- scalar pairwise: FADDP, FMAXP, FMINP, FMAXNMP, FMINNMP ---- */
static const struct dinsn *exec_fp_pair_scalar(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    const union vreg *n = &c->v[d->rn];
    enum fp_op2 op = (enum fp_op2)d->imm;
    if (d->sz) vset_d(c, d->rd, fp64_op2(op, n->d[0], n->d[1], &s));
    else vset_s(c, d->rd, fp32_op2(op, n->s[0], n->s[1], &s));
    fpst_commit(c, &s);
    return d + 1;
}
bool dec_simds_fppairwise(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned u = (insn >> 29) & 1, a = (insn >> 23) & 1, sz = (insn >> 22) & 1, opc = (insn >> 12) & 31;
    if (!u) return false;
    switch (a << 5 | opc) {
    case 0x0c: d->imm = FOP_MAXNM; break;
    case 0x2c: d->imm = FOP_MINNM; break;
    case 0x0d: d->imm = FOP_ADD; break;
    case 0x0f: d->imm = FOP_MAX; break;
    case 0x2f: d->imm = FOP_MIN; break;
    default: return false;
    }
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->sz = (uint8_t)sz;
    d->fn = exec_fp_pair_scalar;
    return true;
}

/* ---- by element: FMLA, FMLS, FMUL, FMULX. d->ra = P_FMLA/P_FMLS/P_OP2, d->imm = fp_op2,
 * d->ra high bits unused; index in d->b. Encoded through the three-same handler by splatting
 * the element into a temporary. */
static const struct dinsn *exec_fp_elem(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    struct fpst s = fpst_of(c);
    const union vreg *n = &c->v[d->rn], *dd = &c->v[d->rd];
    union vreg t = { .d = { 0, 0 } };
    unsigned nl = fp_lanes(d);
    enum fp_op2 op = (enum fp_op2)d->imm;
    if (d->sz) {
        uint64_t m = c->v[d->rm].d[d->ra >> 4];
        for (unsigned i = 0; i < nl; i++) {
            switch (d->ra & 15) {
            case P_FMLA: t.d[i] = fp64_muladd(dd->d[i], n->d[i], m, &s); break;
            case P_FMLS: t.d[i] = fp64_muladd(dd->d[i], fp64_neg(n->d[i]), m, &s); break;
            default: t.d[i] = fp64_op2(op, n->d[i], m, &s); break;
            }
        }
    } else {
        uint32_t m = c->v[d->rm].s[d->ra >> 4];
        for (unsigned i = 0; i < nl; i++) {
            switch (d->ra & 15) {
            case P_FMLA: t.s[i] = fp32_muladd(dd->s[i], n->s[i], m, &s); break;
            case P_FMLS: t.s[i] = fp32_muladd(dd->s[i], fp32_neg(n->s[i]), m, &s); break;
            default: t.s[i] = fp32_op2(op, n->s[i], m, &s); break;
            }
        }
    }
    c->v[d->rd] = t;
    fpst_commit(c, &s);
    return d + 1;
}
bool dec_simd_fpelem(const struct cpu *c, struct dinsn *d, uint32_t insn, bool scalar)
{
    unsigned q = (insn >> 30) & 1, u = (insn >> 29) & 1, size = (insn >> 22) & 3, opc = (insn >> 12) & 15;
    unsigned L = (insn >> 21) & 1, M = (insn >> 20) & 1, H = (insn >> 11) & 1;
    unsigned p;
    switch (u << 4 | opc) {
    case 0x01: p = P_FMLA; d->imm = 0; break;
    case 0x05: p = P_FMLS; d->imm = 0; break;
    case 0x09: p = P_OP2; d->imm = FOP_MUL; break;
    case 0x19: p = P_OP2; d->imm = FOP_MULX; break;
    default: return false;
    }
    if (!(size & 2)) return false;               /* size 00/01: FP16 forms (FEAT_FP16) */
    unsigned sz = size & 1, index;
    if (sz) { if (L) return false; index = H; if (!scalar && !q) return false; }
    else index = H << 1 | L;
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->rm = (uint8_t)(M << 4 | ((insn >> 16) & 15));
    d->sz = (uint8_t)sz;
    d->a = (uint8_t)(scalar ? 0 : q);
    d->b = scalar;
    d->ra = (uint8_t)(index << 4 | p);
    d->fn = exec_fp_elem;
    return true;
}
