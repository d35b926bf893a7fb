/* cpu/insn_simd.c — Advanced SIMD integer data processing (Arm ARM C4.1.69, the "Advanced SIMD"
 * groups): three same, three different, two-register miscellaneous, across lanes, copy,
 * modified immediate, shift by immediate, vector x indexed element, permute, EXT, TBL/TBX, and
 * the scalar ("AdvSIMD scalar") forms. Floating-point lanes are in cpu/insn_simd_fp.c.
 *
 * Common operand fields: d->rd/rn/rm V register numbers, d->a = Q (1: 128-bit), d->sz =
 * log2(element bytes), d->b = scalar form flag or sub-operation, d->imm = immediate.
 * Vector results are computed over all 16 bytes (so the loops vectorise), then the upper 64
 * bits are zeroed when Q = 0. */
#include "cpu/fpu_insn.h"

/* ---- lane access for the generic (element-size switched) paths ---- */
static inline uint64_t lane_u(const union vreg *v, unsigned i, unsigned sz)
{
    switch (sz) {
    case 0: return v->b[i];
    case 1: return v->h[i];
    case 2: return v->s[i];
    default: return v->d[i];
    }
}
static inline int64_t lane_s(const union vreg *v, unsigned i, unsigned sz)
{
    switch (sz) {
    case 0: return v->sb[i];
    case 1: return v->sh[i];
    case 2: return v->ss[i];
    default: return v->sd[i];
    }
}
static inline void lane_set(union vreg *v, unsigned i, unsigned sz, uint64_t x)
{
    switch (sz) {
    case 0: v->b[i] = (uint8_t)x; break;
    case 1: v->h[i] = (uint16_t)x; break;
    case 2: v->s[i] = (uint32_t)x; break;
    default: v->d[i] = x; break;
    }
}
static inline uint64_t lane_get(const union vreg *v, unsigned i, unsigned sz, bool sgn)
{
    return sgn ? (uint64_t)lane_s(v, i, sz) : lane_u(v, i, sz);
}

/* Saturate a wide value to an esize-bit signed/unsigned integer (SignedSatQ/UnsignedSatQ). */
static inline uint64_t sat_to(__int128 v, unsigned bits, bool uns, bool *sat)
{
    __int128 lo = uns ? 0 : -((__int128)1 << (bits - 1));
    __int128 hi = uns ? (((__int128)1 << bits) - 1) : (((__int128)1 << (bits - 1)) - 1);
    if (v < lo) { *sat = true; return (uint64_t)lo; }
    if (v > hi) { *sat = true; return (uint64_t)hi; }
    return (uint64_t)v;
}
static inline uint64_t esize_mask(unsigned sz) { return sz == 3 ? ~0ull : (1ull << (8u << sz)) - 1; }

/* Write a lane-wise result to Vd: the upper 64 bits cleared when zero_hi (a 64-bit vector, or a
 * narrowing into the lower half), a scalar keeps only its element, saturation sets FPSR.QC. */
static inline const struct dinsn *vd_write(struct cpu *c, const struct dinsn *d, union vreg t,
                                           unsigned sz, bool zero_hi, bool scalar, bool sat)
{
    if (zero_hi) t.d[1] = 0;
    if (scalar) t.d[0] &= esize_mask(sz);
    c->v[d->rd] = t;
    if (sat) set_qc(c);
    return d + 1;
}

/* SHLL/SSHLL/USHLL: the elements of the lower (Q == 0) or upper half of Vn, extended to twice
 * their size and shifted left. */
static inline const struct dinsn *widen_shl(struct cpu *c, const struct dinsn *d, unsigned sz,
                                            bool sgn, unsigned sh)
{
    const union vreg *n = &c->v[d->rn];
    union vreg t = { .d = { 0, 0 } };
    unsigned nn = 8u >> sz, hi = d->a ? nn : 0;
    for (unsigned i = 0; i < nn; i++)
        lane_set(&t, i, sz + 1, lane_get(n, hi + i, sz, sgn) << sh);
    c->v[d->rd] = t;
    return d + 1;
}

/* Shift by a signed register amount (SSHL/USHL/SRSHL/URSHL/SQSHL/UQSHL/SQRSHL/UQRSHL). */
static inline uint64_t shift_reg(uint64_t x, int sh, unsigned sz, bool uns, bool round, bool satur, bool *sat)
{
    unsigned bits = 8u << sz;
    __int128 v = uns ? (__int128)(x & esize_mask(sz)) : (__int128)sext64(x, bits);
    __int128 r;
    if (sh >= 0) {
        if (sh >= (int)bits) {
            if (satur && v) return sat_to(v < 0 ? -((__int128)1 << 100) : ((__int128)1 << 100), bits, uns, sat);
            return 0;
        }
        r = v * ((__int128)1 << sh);
    } else {
        int rs = -sh > 65 ? 65 : -sh;
        if (round) v += (__int128)1 << (rs - 1);
        r = v >> rs;
    }
    if (satur) return sat_to(r, bits, uns, sat);
    return (uint64_t)r & esize_mask(sz);
}

/* ---- three same (integer), vectorisable macro forms ---- */
#define V3(NAME, TY, FLD, NL, BODY)                                                            \
static const struct dinsn *NAME(struct cpu *c, const struct dinsn *d)                        \
{                                                                                              \
    typedef TY T;                                                                              \
    FP_CHECK();                                                                                \
    union vreg t;                                                                              \
    const T *vn = (const T *)c->v[d->rn].FLD, *vm = (const T *)c->v[d->rm].FLD;               \
    const T *vd = (const T *)c->v[d->rd].FLD;                                                  \
    for (unsigned i = 0; i < NL; i++) {                                                        \
        T a = vn[i], b = vm[i], acc = vd[i], r;                                                \
        (void)acc;                                                                             \
        BODY;                                                                                  \
        ((T *)t.FLD)[i] = r;                                                                   \
    }                                                                                          \
    if (d->b) { t.d[1] = 0; t.d[0] &= esize_mask(__builtin_ctz(sizeof(T))); }                 \
    vset_q(c, d->rd, &t, d->a);                                                                \
    return d + 1;                                                                              \
}
#define V3U(OP, BODY) \
    V3(exec_##OP##_0, uint8_t, b, 16, BODY) V3(exec_##OP##_1, uint16_t, h, 8, BODY) \
    V3(exec_##OP##_2, uint32_t, s, 4, BODY) V3(exec_##OP##_3, uint64_t, d, 2, BODY) \
    static const exec_fn tab_##OP[4] = { exec_##OP##_0, exec_##OP##_1, exec_##OP##_2, exec_##OP##_3 };
#define V3S(OP, BODY) \
    V3(exec_##OP##_0, int8_t, sb, 16, BODY) V3(exec_##OP##_1, int16_t, sh, 8, BODY) \
    V3(exec_##OP##_2, int32_t, ss, 4, BODY) V3(exec_##OP##_3, int64_t, sd, 2, BODY) \
    static const exec_fn tab_##OP[4] = { exec_##OP##_0, exec_##OP##_1, exec_##OP##_2, exec_##OP##_3 };

V3U(add, r = a + b)
V3U(sub, r = a - b)
V3U(mul, r = a * b)
V3U(mla, r = acc + a * b)
V3U(mls, r = acc - a * b)
V3U(cmeq, r = a == b ? (uint64_t)-1 : 0)
V3U(cmtst, r = (a & b) ? (uint64_t)-1 : 0)
V3U(cmhi, r = a > b ? (uint64_t)-1 : 0)
V3U(cmhs, r = a >= b ? (uint64_t)-1 : 0)
V3S(cmgt, r = a > b ? -1 : 0)
V3S(cmge, r = a >= b ? -1 : 0)
V3U(umax, r = a > b ? a : b)
V3U(umin, r = a < b ? a : b)
V3S(smax, r = a > b ? a : b)
V3S(smin, r = a < b ? a : b)
V3U(uabd, r = a > b ? a - b : b - a)
V3S(sabd, r = (T)(a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a))
V3U(uaba, r = acc + (a > b ? a - b : b - a))
V3S(saba, r = (T)((uint64_t)acc + (a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a)))
V3U(uhadd, r = (T)(((unsigned __int128)a + b) >> 1))
V3S(shadd, r = (T)(((__int128)a + b) >> 1))
V3U(urhadd, r = (T)(((unsigned __int128)a + b + 1) >> 1))
V3S(srhadd, r = (T)(((__int128)a + b + 1) >> 1))
V3U(uhsub, r = (T)(((__int128)a - (__int128)b) >> 1))
V3S(shsub, r = (T)(((__int128)a - b) >> 1))

/* Logic (element size irrelevant): d->b selects: 0 AND, 1 BIC, 2 ORR, 3 ORN, 4 EOR, 5 BSL,
 * 6 BIT, 7 BIF. */
#define VLOGIC(NAME, EXPR)                                                                      \
static const struct dinsn *NAME(struct cpu *c, const struct dinsn *d)                         \
{                                                                                               \
    FP_CHECK();                                                                                 \
    union vreg t;                                                                               \
    const union vreg *n = &c->v[d->rn], *m = &c->v[d->rm], *v = &c->v[d->rd];                  \
    for (unsigned i = 0; i < 2; i++) { uint64_t a = n->d[i], b = m->d[i], x = v->d[i]; (void)x; t.d[i] = (EXPR); } \
    vset_q(c, d->rd, &t, d->a);                                                                 \
    return d + 1;                                                                               \
}
VLOGIC(exec_and, a & b)
VLOGIC(exec_bic, a & ~b)
VLOGIC(exec_orr, a | b)
VLOGIC(exec_orn, a | ~b)
VLOGIC(exec_eor, a ^ b)
VLOGIC(exec_bsl, (x & a) | (~x & b))
VLOGIC(exec_bit, (x & ~b) | (a & b))
VLOGIC(exec_bif, (x & b) | (a & ~b))
static const exec_fn tab_logic[8] = { exec_and, exec_bic, exec_orr, exec_orn, exec_eor, exec_bsl, exec_bit, exec_bif };

/* Generic three-same with saturation / shifts: d->b bit 0 = scalar, d->ra = op. */
enum { G_SQADD, G_UQADD, G_SQSUB, G_UQSUB, G_SSHL, G_USHL, G_SQSHL, G_UQSHL, G_SRSHL, G_URSHL,
       G_SQRSHL, G_UQRSHL, G_SQDMULH, G_SQRDMULH, G_PMUL, G_SUQADD, G_USQADD };

static uint64_t g3(unsigned op, uint64_t a, uint64_t b, unsigned sz, bool *sat)
{
    unsigned bits = 8u << sz;
    __int128 sa = (__int128)sext64(a, bits), sb = (__int128)sext64(b, bits);
    __int128 ua = (__int128)(a & esize_mask(sz)), ub = (__int128)(b & esize_mask(sz));
    int sh = (int8_t)(b & 0xff);
    switch (op) {
    case G_SQADD: return sat_to(sa + sb, bits, false, sat);
    case G_UQADD: return sat_to(ua + ub, bits, true, sat);
    case G_SQSUB: return sat_to(sa - sb, bits, false, sat);
    case G_UQSUB: return sat_to(ua - ub, bits, true, sat);
    case G_SUQADD: return sat_to(sa + ub, bits, false, sat);   /* signed acc + unsigned operand */
    case G_USQADD: return sat_to(ua + sb, bits, true, sat);
    case G_SSHL: return shift_reg(a, sh, sz, false, false, false, sat);
    case G_USHL: return shift_reg(a, sh, sz, true, false, false, sat);
    case G_SQSHL: return shift_reg(a, sh, sz, false, false, true, sat);
    case G_UQSHL: return shift_reg(a, sh, sz, true, false, true, sat);
    case G_SRSHL: return shift_reg(a, sh, sz, false, true, false, sat);
    case G_URSHL: return shift_reg(a, sh, sz, true, true, false, sat);
    case G_SQRSHL: return shift_reg(a, sh, sz, false, true, true, sat);
    case G_UQRSHL: return shift_reg(a, sh, sz, true, true, true, sat);
    case G_SQDMULH: return sat_to((2 * sa * sb) >> bits, bits, false, sat);
    case G_SQRDMULH: return sat_to((2 * sa * sb + ((__int128)1 << (bits - 1))) >> bits, bits, false, sat);
    case G_PMUL: {
        uint64_t r = 0;
        for (unsigned i = 0; i < bits; i++) if ((b >> i) & 1) r ^= a << i;
        return r & esize_mask(sz);
    }
    }
    return 0;
}

static const struct dinsn *exec_g3(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    union vreg t = { .d = { 0, 0 } };
    const union vreg *n = &c->v[d->rn], *m = &c->v[d->rm], *dd = &c->v[d->rd];
    unsigned sz = d->sz, nl = d->b & 1 ? 1 : (d->a ? 16u : 8u) >> sz;
    bool sat = false;
    /* SUQADD/USQADD (two-register misc) accumulate into Vd: their "b" operand is Vn. */
    bool acc = d->ra == G_SUQADD || d->ra == G_USQADD;
    for (unsigned i = 0; i < nl; i++) {
        uint64_t a = acc ? lane_u(dd, i, sz) : lane_u(n, i, sz), b = acc ? lane_u(n, i, sz) : lane_u(m, i, sz);
        lane_set(&t, i, sz, g3(d->ra, a, b, sz, &sat));
    }
    c->v[d->rd] = t;
    if (sat) set_qc(c);
    return d + 1;
}

/* Pairwise: ADDP, SMAXP, UMAXP, SMINP, UMINP. d->b = op (0 add, 1 smax, 2 umax, 3 smin, 4 umin). */
static const struct dinsn *exec_pairwise(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    union vreg cat[2] = { c->v[d->rn], c->v[d->rm] }, t = { .d = { 0, 0 } };
    unsigned sz = d->sz, per = 16u >> sz, nl = (d->a ? 16u : 8u) >> sz;
    if (!d->a) cat[0].d[1] = cat[1].d[0];       /* 64-bit: n and m lanes side by side */
    for (unsigned i = 0; i < nl; i++) {
        unsigned j0 = 2 * i, j1 = 2 * i + 1;
        const union vreg *v0 = &cat[j0 / per], *v1 = &cat[j1 / per];
        unsigned i0 = j0 % per, i1 = j1 % per;
        uint64_t ua = lane_u(v0, i0, sz), ub = lane_u(v1, i1, sz), r;
        int64_t sa = lane_s(v0, i0, sz), sb = lane_s(v1, i1, sz);
        switch (d->b) {
        case 0: r = ua + ub; break;
        case 1: r = (uint64_t)(sa > sb ? sa : sb); break;
        case 2: r = ua > ub ? ua : ub; break;
        case 3: r = (uint64_t)(sa < sb ? sa : sb); break;
        default: r = ua < ub ? ua : ub; break;
        }
        lane_set(&t, i, sz, r);
    }
    c->v[d->rd] = t;
    return d + 1;
}

bool dec_simd_fp3same(const struct cpu *c, struct dinsn *d, uint32_t insn, bool scalar);

/* AdvSIMD three same: 0 Q U 01110 size 1 Rm opcode 1 Rn Rd */
static bool dec_3same(const struct cpu *c, struct dinsn *d, uint32_t insn, bool scalar)
{
    unsigned q = (insn >> 30) & 1, u = (insn >> 29) & 1, size = (insn >> 22) & 3, opc = (insn >> 11) & 31;
    if (opc >= 0x18) return dec_simd_fp3same(c, d, insn, scalar);
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->rm = (uint8_t)rf(insn, 16);
    d->a = (uint8_t)(scalar ? 0 : q);
    d->sz = (uint8_t)size;
    d->b = scalar;
    if (!scalar && size == 3 && !q && opc != 3) return false;
    /* size = 11 is reserved for the halving, max/min and absolute-difference groups (C7.2
     * SHADD ... UABA: "size == '11' is RESERVED"). */
    if (!scalar && size == 3 && (opc == 0x00 || opc == 0x02 || opc == 0x04 || (opc >= 0x0c && opc <= 0x0f)))
        return false;
    const exec_fn *tab = NULL;
    int g = -1;
    switch (opc) {
    case 0x00: tab = u ? tab_uhadd : tab_shadd; break;
    case 0x01: g = u ? G_UQADD : G_SQADD; break;
    case 0x02: tab = u ? tab_urhadd : tab_srhadd; break;
    case 0x03:
        if (scalar) return false;
        d->fn = tab_logic[u << 2 | size];
        return true;
    case 0x04: tab = u ? tab_uhsub : tab_shsub; break;
    case 0x05: g = u ? G_UQSUB : G_SQSUB; break;
    case 0x06: tab = u ? tab_cmhi : tab_cmgt; break;
    case 0x07: tab = u ? tab_cmhs : tab_cmge; break;
    case 0x08: g = u ? G_USHL : G_SSHL; break;
    case 0x09: g = u ? G_UQSHL : G_SQSHL; break;
    case 0x0a: g = u ? G_URSHL : G_SRSHL; break;
    case 0x0b: g = u ? G_UQRSHL : G_SQRSHL; break;
    case 0x0c: tab = u ? tab_umax : tab_smax; break;
    case 0x0d: tab = u ? tab_umin : tab_smin; break;
    case 0x0e: tab = u ? tab_uabd : tab_sabd; break;
    case 0x0f: tab = u ? tab_uaba : tab_saba; break;
    case 0x10: tab = u ? tab_sub : tab_add; break;
    case 0x11: tab = u ? tab_cmeq : tab_cmtst; break;
    case 0x12: tab = u ? tab_mls : tab_mla; if (size == 3) return false; break;
    case 0x13:
        if (u) { if (size) return false; g = G_PMUL; }
        else { if (size == 3) return false; tab = tab_mul; }
        break;
    case 0x14: case 0x15: case 0x17:
        if (scalar || (opc == 0x17 && u)) return false;
        if (size == 3 && (opc != 0x17 || !q)) return false;
        d->b = opc == 0x17 ? 0 : opc == 0x14 ? (u ? 2 : 1) : (u ? 4 : 3);
        d->fn = exec_pairwise;
        return true;
    case 0x16:
        if (size == 0 || size == 3) return false;
        g = u ? G_SQRDMULH : G_SQDMULH;
        break;
    default: return false;
    }
    if (scalar) {
        /* Scalar three-same: saturating ops and shifts for any size; the rest are D only. */
        /* SSHL/USHL and SRSHL/URSHL (scalar) exist only for size = 11. */
        if ((opc == 0x08 || opc == 0x0a) && size != 3) return false;
        bool any = g >= 0 || opc == 0x16;
        if (g == G_PMUL) return false;
        if (!any && size != 3) return false;
        if (!any && !(opc == 0x06 || opc == 0x07 || opc == 0x10 || opc == 0x11)) return false;
        if (opc == 0x16 && (size == 0 || size == 3)) return false;
    }
    if (tab) d->fn = tab[size];
    else { d->ra = (uint8_t)g; d->fn = exec_g3; }
    return true;
}
bool dec_simd_3same(const struct cpu *c, struct dinsn *d, uint32_t insn) { return dec_3same(c, d, insn, false); }
bool dec_simds_3same(const struct cpu *c, struct dinsn *d, uint32_t insn) { return dec_3same(c, d, insn, true); }

/* ---- three different ----
 * d->ra = op, d->sz = size (of the narrow elements), d->a = Q ("2" forms: upper halves),
 * d->b bit 0 = U (unsigned), bit 1 = scalar. */
enum { D_ADDL, D_ADDW, D_SUBL, D_SUBW, D_ADDHN, D_ABAL, D_SUBHN, D_ABDL, D_MLAL, D_QDMLAL,
       D_MLSL, D_QDMLSL, D_MULL, D_QDMULL, D_PMULL };

static const struct dinsn *exec_3diff(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    const union vreg *n = &c->v[d->rn], *m = &c->v[d->rm], *dd = &c->v[d->rd];
    union vreg t = { .d = { 0, 0 } };
    unsigned sz = d->sz, bits = 8u << sz, u = d->b & 1, scalar = d->b & 2;
    unsigned nl = scalar ? 1 : 8u >> sz, hi = d->a ? nl : 0;   /* "2" forms read the upper half */
    bool sat = false;
    unsigned op = d->ra;
    if (op == D_ADDHN || op == D_SUBHN) {
        /* narrowing high half: Vd half (lower or upper) gets the top halves of 2*esize sums */
        t = d->a ? *dd : t;
        for (unsigned i = 0; i < nl; i++) {
            uint64_t a = lane_u(n, i, sz + 1), b = lane_u(m, i, sz + 1);
            unsigned __int128 r = op == D_ADDHN ? (unsigned __int128)a + b : (unsigned __int128)a - b;
            if (u) r += (unsigned __int128)1 << (bits - 1);   /* RADDHN / RSUBHN */
            lane_set(&t, hi + i, sz, (uint64_t)(r >> bits));
        }
        if (!d->a) t.d[1] = 0;
        c->v[d->rd] = t;
        return d + 1;
    }
    for (unsigned i = 0; i < nl; i++) {
        __int128 a, b;
        if (op == D_ADDW || op == D_SUBW) a = u ? (__int128)lane_u(n, i, sz + 1) : (__int128)lane_s(n, i, sz + 1);
        else a = u ? (__int128)lane_u(n, hi + i, sz) : (__int128)lane_s(n, hi + i, sz);
        b = u ? (__int128)lane_u(m, hi + i, sz) : (__int128)lane_s(m, hi + i, sz);
        __int128 acc = u ? (__int128)lane_u(dd, i, sz + 1) : (__int128)lane_s(dd, i, sz + 1);
        __int128 r;
        switch (op) {
        case D_ADDL: case D_ADDW: r = a + b; break;
        case D_SUBL: case D_SUBW: r = a - b; break;
        case D_ABAL: r = acc + (a > b ? a - b : b - a); break;
        case D_ABDL: r = a > b ? a - b : b - a; break;
        case D_MLAL: r = acc + a * b; break;
        case D_MLSL: r = acc - a * b; break;
        case D_MULL: r = a * b; break;
        case D_QDMULL: r = sat_to(2 * a * b, 2 * bits, false, &sat); r = sext64((uint64_t)r, 2 * bits); break;
        case D_QDMLAL: case D_QDMLSL: {
            __int128 p = sext64(sat_to(2 * a * b, 2 * bits, false, &sat), 2 * bits);
            acc = lane_s(dd, i, sz + 1);
            r = sat_to(op == D_QDMLAL ? acc + p : acc - p, 2 * bits, false, &sat);
            break;
        }
        default: {                                  /* PMULL (8-bit elements) */
            uint64_t x = (uint64_t)a & 0xff, y = (uint64_t)b & 0xff, pr = 0;
            for (unsigned k = 0; k < 8; k++) if ((y >> k) & 1) pr ^= x << k;
            r = pr;
            break;
        }
        }
        lane_set(&t, i, sz + 1, (uint64_t)r);
    }
    c->v[d->rd] = t;
    if (sat) set_qc(c);
    return d + 1;
}

static bool dec_3diff(const struct cpu *c, struct dinsn *d, uint32_t insn, bool scalar)
{
    unsigned q = (insn >> 30) & 1, u = (insn >> 29) & 1, size = (insn >> 22) & 3, opc = (insn >> 12) & 15;
    if (opc == 15) return false;
    if (scalar) {
        if (u || !(opc == 9 || opc == 11 || opc == 13) || size == 0 || size == 3) return false;
    } else {
        if (opc == 14) {
            if (u || size != 0) return false;   /* PMULL.1Q (size 11) needs FEAT_PMULL (not advertised) */
        } else {
            if (size == 3) return false;
            if ((opc == 9 || opc == 11 || opc == 13) && (u || size == 0)) return false;
        }
    }
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->rm = (uint8_t)rf(insn, 16);
    d->a = (uint8_t)(scalar ? 0 : q);
    d->sz = (uint8_t)size;
    d->b = (uint8_t)(u | (scalar ? 2 : 0));
    d->ra = (uint8_t)opc;
    d->fn = exec_3diff;
    return true;
}
bool dec_simd_3diff(const struct cpu *c, struct dinsn *d, uint32_t insn) { return dec_3diff(c, d, insn, false); }
bool dec_simds_3diff(const struct cpu *c, struct dinsn *d, uint32_t insn) { return dec_3diff(c, d, insn, true); }

/* ---- two-register miscellaneous (integer) ----
 * d->ra = op, d->b bit 0 = scalar. */
enum { M_REV64, M_REV32, M_REV16, M_SADDLP, M_UADDLP, M_SADALP, M_UADALP, M_CLS, M_CLZ, M_CNT,
       M_NOT, M_RBIT, M_SQABS, M_SQNEG, M_ABS, M_NEG, M_CMGT0, M_CMGE0, M_CMEQ0, M_CMLE0, M_CMLT0,
       M_XTN, M_SQXTN, M_UQXTN, M_SQXTUN, M_SHLL, M_URECPE, M_URSQRTE };

static const struct dinsn *exec_2misc(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    const union vreg *n = &c->v[d->rn];
    union vreg t = { .d = { 0, 0 } };
    unsigned sz = d->sz, bits = 8u << sz, op = d->ra, scalar = d->b & 1;
    unsigned nl = scalar ? 1 : (d->a ? 16u : 8u) >> sz;
    bool sat = false;
    switch (op) {
    case M_REV64: case M_REV32: case M_REV16: {
        unsigned cont = op == M_REV64 ? 8 : op == M_REV32 ? 4 : 2, eb = 1u << sz;
        for (unsigned i = 0; i < 16; i += eb) {
            unsigned base = i / cont * cont, off = i % cont;
            memcpy(t.b + base + (cont - eb - off), n->b + i, eb);
        }
        break;
    }
    case M_SADDLP: case M_UADDLP: case M_SADALP: case M_UADALP: {
        bool sg = op == M_SADDLP || op == M_SADALP, accum = op == M_SADALP || op == M_UADALP;
        unsigned nw = nl / 2;
        for (unsigned i = 0; i < nw; i++) {
            uint64_t r = lane_get(n, 2 * i, sz, sg) + lane_get(n, 2 * i + 1, sz, sg);
            if (accum) r += lane_u(&c->v[d->rd], i, sz + 1);
            lane_set(&t, i, sz + 1, r);
        }
        break;
    }
    case M_XTN: case M_SQXTN: case M_UQXTN: case M_SQXTUN: {
        /* narrow 2*esize -> esize into the lower half (or upper half for the "2" forms) */
        unsigned nn = scalar ? 1 : 8u >> sz, hi = (!scalar && d->a) ? nn : 0;
        if (hi) t = c->v[d->rd];
        for (unsigned i = 0; i < nn; i++) {
            uint64_t r;
            if (op == M_XTN) r = lane_u(n, i, sz + 1);
            else if (op == M_SQXTN) r = sat_to(lane_s(n, i, sz + 1), bits, false, &sat);
            else if (op == M_UQXTN) r = sat_to(lane_u(n, i, sz + 1), bits, true, &sat);
            else r = sat_to(lane_s(n, i, sz + 1), bits, true, &sat);
            lane_set(&t, hi + i, sz, r);
        }
        return vd_write(c, d, t, sz, !hi, scalar, sat);
    }
    case M_SHLL:
        return widen_shl(c, d, sz, false, bits);
    default:
        for (unsigned i = 0; i < nl; i++) {
            uint64_t x = lane_u(n, i, sz), r;
            int64_t s = lane_s(n, i, sz);
            switch (op) {
            case M_CLS: r = (uint64_t)(__builtin_clrsbll(s) - (64 - (int)bits)); break;
            case M_CLZ: r = x ? (uint64_t)(__builtin_clzll(x) - (64 - (int)bits)) : bits; break;
            case M_CNT: r = (uint64_t)__builtin_popcountll(x); break;
            case M_NOT: r = ~x; break;
            case M_RBIT: { r = 0; for (unsigned k = 0; k < 8; k++) r |= ((x >> k) & 1) << (7 - k); break; }
            case M_SQABS: r = sat_to(s < 0 ? -(__int128)s : s, bits, false, &sat); break;
            case M_SQNEG: r = sat_to(-(__int128)s, bits, false, &sat); break;
            case M_ABS: r = s < 0 ? 0 - x : x; break;
            case M_NEG: r = 0 - x; break;
            case M_CMGT0: r = s > 0 ? ~0ull : 0; break;
            case M_CMGE0: r = s >= 0 ? ~0ull : 0; break;
            case M_CMEQ0: r = s == 0 ? ~0ull : 0; break;
            case M_CMLE0: r = s <= 0 ? ~0ull : 0; break;
            case M_CMLT0: r = s < 0 ? ~0ull : 0; break;
            case M_URECPE: r = u32_recpe((uint32_t)x); break;
            default: r = u32_rsqrte((uint32_t)x); break;
            }
            lane_set(&t, i, sz, r);
        }
        break;
    }
    return vd_write(c, d, t, sz, !d->a, scalar, sat);
}

bool dec_simd_fp2misc(const struct cpu *c, struct dinsn *d, uint32_t insn, bool scalar);

static bool dec_2misc(const struct cpu *c, struct dinsn *d, uint32_t insn, bool scalar)
{
    unsigned q = (insn >> 30) & 1, u = (insn >> 29) & 1, size = (insn >> 22) & 3, opc = (insn >> 12) & 31;
    int op = -1;
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->a = (uint8_t)(scalar ? 0 : q);
    d->sz = (uint8_t)size;
    d->b = scalar;
    switch (u << 5 | opc) {
    case 0x00: op = M_REV64; break;
    case 0x20: op = M_REV32; break;
    case 0x01: op = M_REV16; break;
    case 0x02: op = M_SADDLP; break;
    case 0x22: op = M_UADDLP; break;
    case 0x06: op = M_SADALP; break;
    case 0x26: op = M_UADALP; break;
    case 0x03: case 0x23:
        if (!scalar && size == 3 && !q) return false;
        d->ra = u ? G_USQADD : G_SUQADD;
        d->fn = exec_g3;
        return true;
    case 0x04: op = M_CLS; break;
    case 0x24: op = M_CLZ; break;
    case 0x05: op = M_CNT; break;
    case 0x25: op = size == 0 ? M_NOT : size == 1 ? M_RBIT : -1; if (op >= 0) d->sz = 0; break;
    case 0x07: op = M_SQABS; break;
    case 0x27: op = M_SQNEG; break;
    case 0x08: op = M_CMGT0; break;
    case 0x28: op = M_CMGE0; break;
    case 0x09: op = M_CMEQ0; break;
    case 0x29: op = M_CMLE0; break;
    case 0x0a: op = M_CMLT0; break;
    case 0x0b: op = M_ABS; break;
    case 0x2b: op = M_NEG; break;
    case 0x12: op = M_XTN; break;
    case 0x14: op = M_SQXTN; break;
    case 0x34: op = M_UQXTN; break;
    case 0x32: op = M_SQXTUN; break;
    case 0x33: op = M_SHLL; break;
    case 0x1c: if (size == 2) op = M_URECPE; else return dec_simd_fp2misc(c, d, insn, scalar); break;
    case 0x3c: if (size == 2) op = M_URSQRTE; else return dec_simd_fp2misc(c, d, insn, scalar); break;
    default: return dec_simd_fp2misc(c, d, insn, scalar);
    }
    if (op < 0) return false;
    /* element-size and form restrictions */
    switch (op) {
    case M_REV64: if (size == 3) return false; break;
    case M_REV32: if (size > 1) return false; break;
    case M_REV16: case M_CNT: if (size != 0) return false; break;
    case M_CLS: case M_CLZ: case M_SADDLP: case M_UADDLP: case M_SADALP: case M_UADALP:
        if (size == 3) return false;
        break;
    case M_XTN: case M_SQXTN: case M_UQXTN: case M_SQXTUN: case M_SHLL:
        if (size == 3) return false;
        break;
    case M_URECPE: case M_URSQRTE: break;
    default: if (size == 3 && !q && !scalar) return false; break;
    }
    if (scalar) {
        switch (op) {
        case M_SQABS: case M_SQNEG: case M_SQXTN: case M_UQXTN: case M_SQXTUN: break;
        case M_ABS: case M_NEG: case M_CMGT0: case M_CMGE0: case M_CMEQ0: case M_CMLE0: case M_CMLT0:
            if (size != 3) return false;
            break;
        default: return false;
        }
    }
    d->ra = (uint8_t)op;
    d->fn = exec_2misc;
    return true;
}
bool dec_simd_2misc(const struct cpu *c, struct dinsn *d, uint32_t insn) { return dec_2misc(c, d, insn, false); }
bool dec_simds_2misc(const struct cpu *c, struct dinsn *d, uint32_t insn) { return dec_2misc(c, d, insn, true); }

/* ---- across lanes: ADDV, SADDLV, UADDLV, SMAXV, UMAXV, SMINV, UMINV (FP: insn_simd_fp.c) ---- */
static const struct dinsn *exec_across(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    const union vreg *n = &c->v[d->rn];
    unsigned sz = d->sz, nl = (d->a ? 16u : 8u) >> sz, op = d->ra;
    bool sg = op == 1 || op == 3 || op == 5;
    uint64_t acc = lane_get(n, 0, sz, sg);
    for (unsigned i = 1; i < nl; i++) {
        uint64_t x = lane_get(n, i, sz, sg);
        switch (op) {
        case 0: case 1: case 2: acc += x; break;                                   /* ADDV, SADDLV, UADDLV */
        case 3: acc = (int64_t)x > (int64_t)acc ? x : acc; break;                 /* SMAXV */
        case 4: acc = x > acc ? x : acc; break;                                    /* UMAXV */
        case 5: acc = (int64_t)x < (int64_t)acc ? x : acc; break;                 /* SMINV */
        default: acc = x < acc ? x : acc; break;                                   /* UMINV */
        }
    }
    unsigned osz = (op == 1 || op == 2) ? sz + 1 : sz;
    vset_d(c, d->rd, acc & esize_mask(osz));
    return d + 1;
}

bool dec_simd_fpacross(const struct cpu *c, struct dinsn *d, uint32_t insn);

bool dec_simd_across(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned q = (insn >> 30) & 1, u = (insn >> 29) & 1, size = (insn >> 22) & 3, opc = (insn >> 12) & 31;
    int op;
    switch (u << 5 | opc) {
    case 0x1b: op = 0; break;
    case 0x03: op = 1; break;
    case 0x23: op = 2; break;
    case 0x0a: op = 3; break;
    case 0x2a: op = 4; break;
    case 0x1a: op = 5; break;
    case 0x3a: op = 6; break;
    default: return dec_simd_fpacross(c, d, insn);
    }
    if (size == 3 || (size == 2 && !q)) return false;
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->a = (uint8_t)q;
    d->sz = (uint8_t)size;
    d->ra = (uint8_t)op;
    d->fn = exec_across;
    return true;
}

/* Scalar pairwise: ADDP (D), and the FP pairwise forms. */
bool dec_simds_fppairwise(const struct cpu *c, struct dinsn *d, uint32_t insn);
static const struct dinsn *exec_addp_scalar(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    const union vreg *n = &c->v[d->rn];
    vset_d(c, d->rd, n->d[0] + n->d[1]);
    return d + 1;
}
bool dec_simds_pairwise(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned u = (insn >> 29) & 1, size = (insn >> 22) & 3, opc = (insn >> 12) & 31;
    if (!u && opc == 0x1b) {
        if (size != 3) return false;
        d->rd = (uint8_t)rf(insn, 0);
        d->rn = (uint8_t)rf(insn, 5);
        d->fn = exec_addp_scalar;
        return true;
    }
    return dec_simds_fppairwise(c, d, insn);
}

/* ---- copy: DUP, INS, UMOV, SMOV ----
 * d->sz = element size, d->b = index (source), d->ra = destination index (INS). */
/* Every lane of t = the low 8 << sz bits of x. */
static inline void vreplicate(union vreg *t, uint64_t x, unsigned sz)
{
    switch (sz) {
    case 0: for (unsigned i = 0; i < 16; i++) t->b[i] = (uint8_t)x; break;
    case 1: for (unsigned i = 0; i < 8; i++) t->h[i] = (uint16_t)x; break;
    case 2: for (unsigned i = 0; i < 4; i++) t->s[i] = (uint32_t)x; break;
    default: t->d[0] = t->d[1] = x; break;
    }
}
static const struct dinsn *exec_dup_elem(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    union vreg t;
    uint64_t x = lane_u(&c->v[d->rn], d->b, d->sz);
    vreplicate(&t, x, d->sz);
    vset_q(c, d->rd, &t, d->a);
    return d + 1;
}
static const struct dinsn *exec_dup_gen(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    union vreg t;
    uint64_t x = c->x[d->rn];
    vreplicate(&t, x, d->sz);
    vset_q(c, d->rd, &t, d->a);
    return d + 1;
}
static const struct dinsn *exec_ins_gen(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    lane_set(&c->v[d->rd], d->ra, d->sz, c->x[d->rn]);
    return d + 1;
}
static const struct dinsn *exec_ins_elem(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    lane_set(&c->v[d->rd], d->ra, d->sz, lane_u(&c->v[d->rn], d->b, d->sz));
    return d + 1;
}
static const struct dinsn *exec_umov(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    c->x[d->rd] = lane_u(&c->v[d->rn], d->b, d->sz);
    return d + 1;
}
static const struct dinsn *exec_smov(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint64_t v = (uint64_t)lane_s(&c->v[d->rn], d->b, d->sz);
    c->x[d->rd] = d->a ? v : (uint32_t)v;
    return d + 1;
}
/* DUP (element), scalar form: MOV Bd/Hd/Sd/Dd, Vn.T[i] */
static const struct dinsn *exec_dup_scalar(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    vset_d(c, d->rd, lane_u(&c->v[d->rn], d->b, d->sz));
    return d + 1;
}

static bool copy_size(unsigned imm5, unsigned *sz)
{
    if (!(imm5 & 15)) return false;
    *sz = (unsigned)__builtin_ctz(imm5);
    return true;
}

/* 0 Q op 01110000 imm5 0 imm4 1 Rn Rd */
bool dec_simd_copy(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned q = (insn >> 30) & 1, op = (insn >> 29) & 1, imm5 = (insn >> 16) & 31, imm4 = (insn >> 11) & 15, sz;
    if (!copy_size(imm5, &sz)) return false;
    d->rd = (uint8_t)rf(insn, 0);
    d->a = (uint8_t)q;
    d->sz = (uint8_t)sz;
    d->b = (uint8_t)(imm5 >> (sz + 1));
    if (op) {                                    /* INS (element) */
        if (!q) return false;
        d->ra = d->b;
        d->b = (uint8_t)(imm4 >> sz);
        d->rn = (uint8_t)rf(insn, 5);
        d->fn = exec_ins_elem;
        return true;
    }
    switch (imm4) {
    case 0:
        if (sz == 3 && !q) return false;
        d->rn = (uint8_t)rf(insn, 5);
        d->fn = exec_dup_elem;
        return true;
    case 1:
        if (sz == 3 && !q) return false;
        d->rn = reg_zr(rf(insn, 5));
        d->fn = exec_dup_gen;
        return true;
    case 3:
        if (!q) return false;
        d->ra = d->b;
        d->rn = reg_zr(rf(insn, 5));
        d->fn = exec_ins_gen;
        return true;
    case 5:                                      /* SMOV */
        if (sz == 3 || (sz == 2 && !q)) return false;
        d->rn = (uint8_t)rf(insn, 5);
        d->rd = reg_dst(rf(insn, 0));
        d->fn = exec_smov;
        return true;
    case 7:                                      /* UMOV */
        if ((sz == 3) != (q == 1)) return false;
        d->rn = (uint8_t)rf(insn, 5);
        d->rd = reg_dst(rf(insn, 0));
        d->fn = exec_umov;
        return true;
    default: return false;
    }
}
bool dec_simds_copy(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned imm5 = (insn >> 16) & 31, sz;
    if (!copy_size(imm5, &sz)) return false;
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->sz = (uint8_t)sz;
    d->b = (uint8_t)(imm5 >> (sz + 1));
    d->fn = exec_dup_scalar;
    return true;
}

/* ---- modified immediate: MOVI, MVNI, ORR, BIC, FMOV (vector, immediate) ----
 * d->imm = the 64-bit pattern (AdvSIMDExpandImm), d->b = 0 move, 1 ORR, 2 BIC. */
static const struct dinsn *exec_movi(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    union vreg t = { .d = { d->imm, d->imm } };
    vset_q(c, d->rd, &t, d->a);
    return d + 1;
}
static const struct dinsn *exec_orr_imm(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    union vreg t = { .d = { c->v[d->rd].d[0] | d->imm, c->v[d->rd].d[1] | d->imm } };
    vset_q(c, d->rd, &t, d->a);
    return d + 1;
}
static const struct dinsn *exec_bic_imm(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    union vreg t = { .d = { c->v[d->rd].d[0] & ~d->imm, c->v[d->rd].d[1] & ~d->imm } };
    vset_q(c, d->rd, &t, d->a);
    return d + 1;
}

uint64_t vfp_expand_imm(unsigned imm8, unsigned n);

/* AdvSIMDExpandImm(op, cmode, imm8) */
static uint64_t simd_expand_imm(unsigned op, unsigned cmode, uint64_t imm8)
{
    switch (cmode >> 1) {
    case 0: return imm8 * 0x0000000100000001ull;
    case 1: return (imm8 << 8) * 0x0000000100000001ull;
    case 2: return (imm8 << 16) * 0x0000000100000001ull;
    case 3: return (imm8 << 24) * 0x0000000100000001ull;
    case 4: return imm8 * 0x0001000100010001ull;
    case 5: return (imm8 << 8) * 0x0001000100010001ull;
    case 6:
        if (!(cmode & 1)) return ((imm8 << 8) | 0xff) * 0x0000000100000001ull;
        return ((imm8 << 16) | 0xffff) * 0x0000000100000001ull;
    default:
        if (!(cmode & 1) && !op) return imm8 * 0x0101010101010101ull;
        if (!(cmode & 1) && op) {
            uint64_t r = 0;
            for (unsigned i = 0; i < 8; i++) if ((imm8 >> i) & 1) r |= 0xffull << (8 * i);
            return r;
        }
        if (!op) return vfp_expand_imm((unsigned)imm8, 32) * 0x0000000100000001ull;
        return vfp_expand_imm((unsigned)imm8, 64);
    }
}

/* 0 Q op 0111100000 a b c cmode o2 1 d e f g h Rd */
bool dec_simd_modimm(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned q = (insn >> 30) & 1, op = (insn >> 29) & 1, cmode = (insn >> 12) & 15, o2 = (insn >> 11) & 1;
    unsigned imm8 = ((insn >> 16) & 7) << 5 | ((insn >> 5) & 31);
    if (o2) return false;                         /* FMOV (half) needs FEAT_FP16 */
    if (cmode == 15 && op && !q) return false;
    d->rd = (uint8_t)rf(insn, 0);
    d->a = (uint8_t)q;
    d->imm = simd_expand_imm(op, cmode, imm8);
    bool orrbic = (cmode & 1) && (cmode >> 2) != 3;
    if (orrbic) d->fn = op ? exec_bic_imm : exec_orr_imm;
    else {
        if (op && cmode != 14 && cmode != 15) d->imm = ~d->imm;   /* MVNI */
        d->fn = exec_movi;
    }
    return true;
}

/* ---- shift by immediate ----
 * d->ra = op, d->b = shift, d->sz = element size (source for long, destination for narrow),
 * d->imm bit 0 = scalar. */
enum { S_SSHR, S_USHR, S_SSRA, S_USRA, S_SRSHR, S_URSHR, S_SRSRA, S_URSRA, S_SRI, S_SHL, S_SLI,
       S_SQSHLU, S_SQSHL, S_UQSHL, S_SHRN, S_RSHRN, S_SQSHRN, S_UQSHRN, S_SQRSHRN, S_UQRSHRN,
       S_SQSHRUN, S_SQRSHRUN, S_SSHLL, S_USHLL };

/* Fast SHRN (the nibble-mask idiom of glibc's string routines: shrn v.8b, v.8h, #4). */
static const struct dinsn *exec_shrn_8(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    const union vreg *n = &c->v[d->rn];
    union vreg t = { .d = { 0, 0 } };
    if (d->a) t.d[0] = c->v[d->rd].d[0];
    uint8_t *o = d->a ? t.b + 8 : t.b;
    for (unsigned i = 0; i < 8; i++) o[i] = (uint8_t)(n->h[i] >> d->b);
    c->v[d->rd] = t;
    return d + 1;
}
/* USHR/SSHR/SHL with element size switched at decode through small loops. */
static const struct dinsn *exec_shimm(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    const union vreg *n = &c->v[d->rn], *dd = &c->v[d->rd];
    union vreg t = { .d = { 0, 0 } };
    unsigned sz = d->sz, bits = 8u << sz, sh = d->b, op = d->ra, scalar = d->imm & 1;
    unsigned nl = scalar ? 1 : (d->a ? 16u : 8u) >> sz;
    bool sat = false;
    if (op >= S_SHRN && op <= S_SQRSHRUN) {
        /* narrowing: source elements 2*esize, results into the lower or upper half */
        unsigned nn = scalar ? 1 : 8u >> sz, hi = (!scalar && d->a) ? nn : 0;
        if (hi) t = *dd;
        for (unsigned i = 0; i < nn; i++) {
            bool sgn = op == S_SQSHRN || op == S_SQRSHRN || op == S_SQSHRUN || op == S_SQRSHRUN;
            __int128 v = sgn ? (__int128)lane_s(n, i, sz + 1) : (__int128)lane_u(n, i, sz + 1);
            bool rnd = op == S_RSHRN || op == S_SQRSHRN || op == S_UQRSHRN || op == S_SQRSHRUN;
            if (rnd) v += (__int128)1 << (sh - 1);
            v >>= sh;
            uint64_t r;
            switch (op) {
            case S_SHRN: case S_RSHRN: r = (uint64_t)v; break;
            case S_SQSHRN: case S_SQRSHRN: r = sat_to(v, bits, false, &sat); break;
            case S_UQSHRN: case S_UQRSHRN: r = sat_to(v, bits, true, &sat); break;
            default: r = sat_to(v, bits, true, &sat); break;    /* SQSHRUN, SQRSHRUN */
            }
            lane_set(&t, hi + i, sz, r);
        }
        return vd_write(c, d, t, sz, !hi, scalar, sat);
    }
    if (op == S_SSHLL || op == S_USHLL)
        return widen_shl(c, d, sz, op == S_SSHLL, sh);
    for (unsigned i = 0; i < nl; i++) {
        uint64_t x = lane_u(n, i, sz), acc = lane_u(dd, i, sz), r;
        __int128 sv = lane_s(n, i, sz), uv = (__int128)x;
        switch (op) {
        case S_SSHR: case S_SSRA: r = (uint64_t)(sv >> sh); if (op == S_SSRA) r += acc; break;
        case S_USHR: case S_USRA: r = (uint64_t)(uv >> sh); if (op == S_USRA) r += acc; break;
        case S_SRSHR: case S_SRSRA: r = (uint64_t)((sv + ((__int128)1 << (sh - 1))) >> sh); if (op == S_SRSRA) r += acc; break;
        case S_URSHR: case S_URSRA: r = (uint64_t)((uv + ((__int128)1 << (sh - 1))) >> sh); if (op == S_URSRA) r += acc; break;
        case S_SRI: {
            uint64_t m = sh >= 64 ? 0 : esize_mask(sz) >> sh;
            r = (acc & ~m) | ((sh >= 64 ? 0 : x >> sh) & m);
            break;
        }
        case S_SHL: r = x << sh; break;
        case S_SLI: { uint64_t m = esize_mask(sz) << sh; r = (acc & ~m) | ((x << sh) & m); break; }
        case S_SQSHLU: r = sat_to(sv * ((__int128)1 << sh), bits, true, &sat); break;
        case S_SQSHL: r = sat_to(sv * ((__int128)1 << sh), bits, false, &sat); break;
        default: r = sat_to(uv << sh, bits, true, &sat); break;   /* UQSHL */
        }
        lane_set(&t, i, sz, r);
    }
    return vd_write(c, d, t, sz, !d->a, scalar, sat);
}

bool dec_simd_fpshimm(const struct cpu *c, struct dinsn *d, uint32_t insn, bool scalar, unsigned sz, unsigned fbits);

static bool dec_shimm(const struct cpu *c, struct dinsn *d, uint32_t insn, bool scalar)
{
    unsigned q = (insn >> 30) & 1, u = (insn >> 29) & 1, immh = (insn >> 19) & 15, immb = (insn >> 16) & 7;
    unsigned opc = (insn >> 11) & 31;
    if (!immh) return false;
    unsigned sz = 31 - (unsigned)__builtin_clz(immh), esize = 8u << sz, immhb = immh << 3 | immb;
    unsigned rshift = 2 * esize - immhb, lshift = immhb - esize;
    int op = -1;
    bool narrow = false, is_long = false, right = false;
    switch (u << 5 | opc) {
    case 0x00: op = S_SSHR; right = true; break;
    case 0x20: op = S_USHR; right = true; break;
    case 0x02: op = S_SSRA; right = true; break;
    case 0x22: op = S_USRA; right = true; break;
    case 0x04: op = S_SRSHR; right = true; break;
    case 0x24: op = S_URSHR; right = true; break;
    case 0x06: op = S_SRSRA; right = true; break;
    case 0x26: op = S_URSRA; right = true; break;
    case 0x28: op = S_SRI; right = true; break;
    case 0x0a: op = S_SHL; break;
    case 0x2a: op = S_SLI; break;
    case 0x2c: op = S_SQSHLU; break;
    case 0x0e: op = S_SQSHL; break;
    case 0x2e: op = S_UQSHL; break;
    case 0x10: op = S_SHRN; narrow = true; break;
    case 0x11: op = S_RSHRN; narrow = true; break;
    case 0x12: op = S_SQSHRN; narrow = true; break;
    case 0x32: op = S_UQSHRN; narrow = true; break;
    case 0x13: op = S_SQRSHRN; narrow = true; break;
    case 0x33: op = S_UQRSHRN; narrow = true; break;
    case 0x30: op = S_SQSHRUN; narrow = true; break;
    case 0x31: op = S_SQRSHRUN; narrow = true; break;
    case 0x14: op = S_SSHLL; is_long = true; break;
    case 0x34: op = S_USHLL; is_long = true; break;
    case 0x1c: case 0x3c: case 0x1f: case 0x3f:     /* SCVTF/UCVTF/FCVTZS/FCVTZU (fixed point) */
        if (sz < 2) return false;
        if (!scalar && sz == 3 && !q) return false;
        return dec_simd_fpshimm(c, d, insn, scalar, sz, rshift);
    default: return false;
    }
    if (narrow || is_long) {
        if (sz == 3) return false;
        if (scalar && (is_long || op == S_SHRN || op == S_RSHRN)) return false;
    } else {
        /* plain shifts */
        if (!scalar && sz == 3 && !q) return false;
        if (scalar && sz != 3 && !(op == S_SQSHLU || op == S_SQSHL || op == S_UQSHL)) return false;
    }
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->a = (uint8_t)(scalar ? 0 : q);
    d->sz = (uint8_t)sz;
    d->ra = (uint8_t)op;
    d->b = (uint8_t)(right || narrow ? rshift : lshift);
    d->imm = scalar;
    d->fn = (op == S_SHRN && sz == 0) ? exec_shrn_8 : exec_shimm;
    return true;
}
bool dec_simd_shimm(const struct cpu *c, struct dinsn *d, uint32_t insn) { return dec_shimm(c, d, insn, false); }
bool dec_simds_shimm(const struct cpu *c, struct dinsn *d, uint32_t insn) { return dec_shimm(c, d, insn, true); }

/* ---- vector x indexed element (integer): MUL, MLA, MLS, SQDMULH, SQRDMULH, (S|U)MULL, (S|U)MLAL,
 * (S|U)MLSL, SQDMULL, SQDMLAL, SQDMLSL. d->ra = op, d->b = index, d->imm bit 0 = scalar. */
enum { E_MUL, E_MLA, E_MLS, E_SQDMULH, E_SQRDMULH, E_SMULL, E_UMULL, E_SMLAL, E_UMLAL, E_SMLSL,
       E_UMLSL, E_SQDMULL, E_SQDMLAL, E_SQDMLSL };

static const struct dinsn *exec_elem(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    const union vreg *n = &c->v[d->rn], *dd = &c->v[d->rd];
    union vreg t = { .d = { 0, 0 } };
    unsigned sz = d->sz, bits = 8u << sz, op = d->ra, scalar = d->imm & 1;
    bool sat = false;
    uint64_t me = lane_u(&c->v[d->rm], d->b, sz);
    int64_t mes = lane_s(&c->v[d->rm], d->b, sz);
    if (op >= E_SMULL) {
        unsigned nn = scalar ? 1 : 8u >> sz, hi = (!scalar && d->a) ? nn : 0;
        bool uns = op == E_UMULL || op == E_UMLAL || op == E_UMLSL;
        for (unsigned i = 0; i < nn; i++) {
            __int128 a = uns ? (__int128)lane_u(n, hi + i, sz) : (__int128)lane_s(n, hi + i, sz);
            __int128 b = uns ? (__int128)me : (__int128)mes, p = a * b;
            __int128 acc = uns ? (__int128)lane_u(dd, i, sz + 1) : (__int128)lane_s(dd, i, sz + 1);
            __int128 r;
            switch (op) {
            case E_SMULL: case E_UMULL: r = p; break;
            case E_SMLAL: case E_UMLAL: r = acc + p; break;
            case E_SMLSL: case E_UMLSL: r = acc - p; break;
            default: {
                __int128 q2 = sext64(sat_to(2 * p, 2 * bits, false, &sat), 2 * bits);
                if (op == E_SQDMULL) r = q2;
                else r = sat_to(op == E_SQDMLAL ? acc + q2 : acc - q2, 2 * bits, false, &sat);
                break;
            }
            }
            lane_set(&t, i, sz + 1, (uint64_t)r);
        }
        if (scalar) { if (sz + 1 < 3) t.d[0] &= esize_mask(sz + 1); t.d[1] = 0; }
    } else {
        unsigned nl = scalar ? 1 : (d->a ? 16u : 8u) >> sz;
        for (unsigned i = 0; i < nl; i++) {
            uint64_t x = lane_u(n, i, sz), acc = lane_u(dd, i, sz), r;
            switch (op) {
            case E_MUL: r = x * me; break;
            case E_MLA: r = acc + x * me; break;
            case E_MLS: r = acc - x * me; break;
            case E_SQDMULH: r = g3(G_SQDMULH, x, me, sz, &sat); break;
            default: r = g3(G_SQRDMULH, x, me, sz, &sat); break;
            }
            lane_set(&t, i, sz, r);
        }
        if (!d->a) t.d[1] = 0;
        if (scalar) t.d[0] &= esize_mask(sz);
    }
    c->v[d->rd] = t;
    if (sat) set_qc(c);
    return d + 1;
}

bool dec_simd_fpelem(const struct cpu *c, struct dinsn *d, uint32_t insn, bool scalar);

static bool dec_elem(const struct cpu *c, struct dinsn *d, uint32_t insn, bool scalar)
{
    unsigned q = (insn >> 30) & 1, u = (insn >> 29) & 1, size = (insn >> 22) & 3, opc = (insn >> 12) & 15;
    unsigned L = (insn >> 21) & 1, M = (insn >> 20) & 1, H = (insn >> 11) & 1, rm = (insn >> 16) & 15;
    int op;
    switch (u << 4 | opc) {
    case 0x08: op = E_MUL; break;
    case 0x10: op = E_MLA; break;
    case 0x14: op = E_MLS; break;
    case 0x0c: op = E_SQDMULH; break;
    case 0x0d: op = E_SQRDMULH; break;
    case 0x0a: op = E_SMULL; break;
    case 0x1a: op = E_UMULL; break;
    case 0x02: op = E_SMLAL; break;
    case 0x12: op = E_UMLAL; break;
    case 0x06: op = E_SMLSL; break;
    case 0x16: op = E_UMLSL; break;
    case 0x0b: op = E_SQDMULL; break;
    case 0x03: op = E_SQDMLAL; break;
    case 0x07: op = E_SQDMLSL; break;
    default: return dec_simd_fpelem(c, d, insn, scalar);
    }
    if (size == 0 || size == 3) return false;
    if (scalar && !(op == E_SQDMULH || op == E_SQRDMULH || op == E_SQDMULL || op == E_SQDMLAL || op == E_SQDMLSL))
        return false;
    unsigned index;
    if (size == 1) { index = H << 2 | L << 1 | M; }
    else { index = H << 1 | L; rm |= M << 4; }
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->rm = (uint8_t)rm;
    d->a = (uint8_t)(scalar ? 0 : q);
    d->sz = (uint8_t)size;
    d->b = (uint8_t)index;
    d->ra = (uint8_t)op;
    d->imm = scalar;
    d->fn = exec_elem;
    return true;
}
bool dec_simd_elem(const struct cpu *c, struct dinsn *d, uint32_t insn) { return dec_elem(c, d, insn, false); }
bool dec_simds_elem(const struct cpu *c, struct dinsn *d, uint32_t insn) { return dec_elem(c, d, insn, true); }

/* ---- permute: UZP1/2, TRN1/2, ZIP1/2 (d->ra = opcode), EXT, TBL/TBX ---- */
static const struct dinsn *exec_permute(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    const union vreg *n = &c->v[d->rn], *m = &c->v[d->rm];
    union vreg t = { .d = { 0, 0 } };
    unsigned sz = d->sz, nl = (d->a ? 16u : 8u) >> sz, part = d->ra >> 2, op = d->ra & 3;
    for (unsigned i = 0; i < nl; i++) {
        uint64_t x;
        switch (op) {
        case 1: {                                 /* UZP: even (part 0) / odd elements of n:m */
            unsigned j = 2 * i + part;
            x = j < nl ? lane_u(n, j, sz) : lane_u(m, j - nl, sz);
            break;
        }
        case 2: {                                 /* TRN */
            unsigned base = i & ~1u;
            x = (i & 1) ? lane_u(m, base + part, sz) : lane_u(n, base + part, sz);
            break;
        }
        default: {                                /* ZIP */
            unsigned j = part * nl / 2 + i / 2;
            x = (i & 1) ? lane_u(m, j, sz) : lane_u(n, j, sz);
            break;
        }
        }
        lane_set(&t, i, sz, x);
    }
    c->v[d->rd] = t;
    return d + 1;
}
bool dec_simd_permute(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned q = (insn >> 30) & 1, size = (insn >> 22) & 3, opc = (insn >> 12) & 7;
    if ((opc & 3) == 0 || (size == 3 && !q)) return false;
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->rm = (uint8_t)rf(insn, 16);
    d->a = (uint8_t)q;
    d->sz = (uint8_t)size;
    d->ra = (uint8_t)opc;
    d->fn = exec_permute;
    return true;
}

static const struct dinsn *exec_ext(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint8_t cat[32];
    unsigned bytes = d->a ? 16 : 8;
    memcpy(cat, c->v[d->rn].b, bytes);
    memcpy(cat + bytes, c->v[d->rm].b, bytes);
    union vreg t = { .d = { 0, 0 } };
    memcpy(t.b, cat + d->b, bytes);
    c->v[d->rd] = t;
    return d + 1;
}
bool dec_simd_ext(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned q = (insn >> 30) & 1, imm4 = (insn >> 11) & 15;
    if (!q && (imm4 & 8)) return false;
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->rm = (uint8_t)rf(insn, 16);
    d->a = (uint8_t)q;
    d->b = (uint8_t)imm4;
    d->fn = exec_ext;
    return true;
}

/* TBL/TBX: d->b = number of table registers, d->ra = 1 for TBX */
static const struct dinsn *exec_tbl(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint8_t table[64];
    unsigned nt = d->b;
    for (unsigned i = 0; i < nt; i++) memcpy(table + 16 * i, c->v[(d->rn + i) & 31].b, 16);
    const union vreg *idx = &c->v[d->rm];
    union vreg t = c->v[d->rd];
    unsigned bytes = d->a ? 16 : 8;
    for (unsigned i = 0; i < bytes; i++) {
        unsigned k = idx->b[i];
        if (k < 16 * nt) t.b[i] = table[k];
        else if (!d->ra) t.b[i] = 0;
    }
    if (!d->a) t.d[1] = 0;
    c->v[d->rd] = t;
    return d + 1;
}
bool dec_simd_tbl(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = (uint8_t)rf(insn, 5);
    d->rm = (uint8_t)rf(insn, 16);
    d->a = (uint8_t)((insn >> 30) & 1);
    d->b = (uint8_t)(((insn >> 13) & 3) + 1);
    d->ra = (uint8_t)((insn >> 12) & 1);
    d->fn = exec_tbl;
    return true;
}
