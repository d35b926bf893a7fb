/* cpu/insn_simd_ldst.c — SIMD&FP loads and stores (Arm ARM C4.1.66, the rows with V = 1):
 * LDR/STR (immediate, register, literal), LDUR/STUR, LDP/STP/LDNP/STNP of B/H/S/D/Q registers,
 * LD1-LD4/ST1-ST4 (multiple structures, single structure), LD1R-LD4R, and their post-index forms.
 *
 * 16-byte accesses are made as two 8-byte accesses (low address first). Loads update the
 * registers only after every access succeeded, so a Data Abort leaves them unchanged. */
#include "cpu/fpu_insn.h"

/* Access of 1, 2, 4, 8 or 16 bytes between memory and buf. */
static inline bool vmem_read(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned size, uint64_t out[2])
{
    if (size == 16) {
        return mem_read(c, d, va, 8, &out[0]) && mem_read(c, d, va + 8, 8, &out[1]);
    }
    out[1] = 0;
    return mem_read(c, d, va, size, &out[0]);
}
static inline bool vmem_write(struct cpu *c, const struct dinsn *d, uint64_t va, unsigned size, const uint64_t in[2])
{
    if (size == 16) {
        return mem_write(c, d, va, 8, in[0]) && mem_write(c, d, va + 8, 8, in[1]);
    }
    uint64_t v = size == 8 ? in[0] : in[0] & ((1ull << (size * 8)) - 1);
    return mem_write(c, d, va, size, v);
}

/* ---- single register: d->rd = Vt, d->rn = base (SP-able), d->sz = bytes, d->a = mode,
 * d->imm = offset; register-offset forms: d->rm = Xm, d->b = extend (option), d->ra = shift. */
enum { AM_OFFSET = 0, AM_POST = 1, AM_PRE = 2, AM_REG = 3, AM_LIT = 4 };

static inline uint64_t extend_reg(uint64_t x, unsigned option, unsigned shift)
{
    switch (option) {
    case 2: x = (uint32_t)x; break;                 /* UXTW */
    case 6: x = (uint64_t)(int64_t)(int32_t)x; break; /* SXTW */
    default: break;                                 /* LSL (UXTX), SXTX */
    }
    return x << shift;
}

static inline uint64_t ls_address(struct cpu *c, const struct dinsn *d)
{
    switch (d->a) {
    case AM_POST: return c->x[d->rn];
    case AM_REG: return c->x[d->rn] + extend_reg(c->x[d->rm], d->b, d->ra);
    case AM_LIT: return pc_of(c, d) + d->imm;
    default: return c->x[d->rn] + d->imm;
    }
}
static inline void ls_writeback(struct cpu *c, const struct dinsn *d, uint64_t addr)
{
    if (d->a == AM_POST) c->x[d->rn] = addr + d->imm;
    else if (d->a == AM_PRE) c->x[d->rn] = addr;
}

static const struct dinsn *exec_fldr(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint64_t addr = ls_address(c, d), v[2];
    if (!vmem_read(c, d, addr, d->sz, v)) return NULL;
    c->v[d->rd].d[0] = v[0];
    c->v[d->rd].d[1] = v[1];
    ls_writeback(c, d, addr);
    return d + 1;
}
static const struct dinsn *exec_fstr(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint64_t addr = ls_address(c, d);
    if (!vmem_write(c, d, addr, d->sz, c->v[d->rd].d)) return NULL;
    ls_writeback(c, d, addr);
    return d + 1;
}

/* LDR/STR (immediate, unsigned offset): size 111 1 01 opc imm12 Rn Rt */
static bool fls_size(uint32_t insn, unsigned *bytes, unsigned *log2b)
{
    unsigned size = insn >> 30, opc = (insn >> 22) & 3;
    if (opc & 2) {
        if (size != 0) return false;
        *log2b = 4;
    } else {
        *log2b = size;
    }
    *bytes = 1u << *log2b;
    return true;
}
static void fls_common(struct dinsn *d, uint32_t insn, unsigned bytes)
{
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = reg_sp(rf(insn, 5));
    d->sz = (uint8_t)bytes;
    d->fn = (insn >> 22) & 1 ? exec_fldr : exec_fstr;
}
bool dec_fls_uimm(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned bytes, lg;
    if (!fls_size(insn, &bytes, &lg)) return false;
    fls_common(d, insn, bytes);
    d->a = AM_OFFSET;
    d->imm = (uint64_t)((insn >> 10) & 0xfff) << lg;
    return true;
}
/* LDUR/STUR, post-index, pre-index: size 111 1 00 opc 0 imm9 idx Rn Rt (idx 10 = unprivileged:
 * no SIMD&FP form) */
bool dec_fls_imm9(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned bytes, lg, idx = (insn >> 10) & 3;
    if (idx == 2 || !fls_size(insn, &bytes, &lg)) return false;
    fls_common(d, insn, bytes);
    d->a = idx == 0 ? AM_OFFSET : idx == 1 ? AM_POST : AM_PRE;
    d->imm = (uint64_t)sext64((insn >> 12) & 0x1ff, 9);
    return true;
}
/* register offset: size 111 1 00 opc 1 Rm option S 10 Rn Rt */
bool dec_fls_reg(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned bytes, lg, option = (insn >> 13) & 7;
    if (!(option & 2) || !fls_size(insn, &bytes, &lg)) return false;
    fls_common(d, insn, bytes);
    d->a = AM_REG;
    d->rm = reg_zr(rf(insn, 16));
    d->b = (uint8_t)option;
    d->ra = (uint8_t)(((insn >> 12) & 1) ? lg : 0);
    return true;
}
/* LDR (literal, SIMD&FP): opc 011 1 00 imm19 Rt */
bool dec_fls_lit(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned opc = insn >> 30;
    if (opc == 3) return false;
    d->rd = (uint8_t)rf(insn, 0);
    d->sz = (uint8_t)(4u << opc);
    d->a = AM_LIT;
    d->imm = (uint64_t)sext64((insn >> 5) & 0x7ffff, 19) << 2;
    d->fn = exec_fldr;
    return true;
}

/* ---- pairs: d->rd = Vt, d->ra = Vt2 ---- */
static const struct dinsn *exec_fldp(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint64_t addr = ls_address(c, d), v1[2], v2[2];
    if (!vmem_read(c, d, addr, d->sz, v1) || !vmem_read(c, d, addr + d->sz, d->sz, v2)) return NULL;
    c->v[d->rd].d[0] = v1[0]; c->v[d->rd].d[1] = v1[1];
    c->v[d->ra].d[0] = v2[0]; c->v[d->ra].d[1] = v2[1];
    ls_writeback(c, d, addr);
    return d + 1;
}
static const struct dinsn *exec_fstp(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint64_t addr = ls_address(c, d);
    if (!vmem_write(c, d, addr, d->sz, c->v[d->rd].d) || !vmem_write(c, d, addr + d->sz, d->sz, c->v[d->ra].d))
        return NULL;
    ls_writeback(c, d, addr);
    return d + 1;
}
/* LDP/STP/LDNP/STNP (SIMD&FP): opc 101 1 idx(3) L imm7 Rt2 Rn Rt */
bool dec_flsp(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned opc = insn >> 30, idx = (insn >> 23) & 7;
    if (opc == 3 || idx > 3) return false;
    unsigned lg = 2 + opc;
    d->rd = (uint8_t)rf(insn, 0);
    d->ra = (uint8_t)rf(insn, 10);
    d->rn = reg_sp(rf(insn, 5));
    d->sz = (uint8_t)(1u << lg);
    d->a = idx == 1 ? AM_POST : idx == 3 ? AM_PRE : AM_OFFSET;
    d->imm = (uint64_t)sext64((insn >> 15) & 0x7f, 7) << lg;
    d->fn = (insn >> 22) & 1 ? exec_fldp : exec_fstp;
    return true;
}

/* ---- LD1-LD4 / ST1-ST4 (multiple structures) ----
 * d->rd = Vt, d->rn = base, d->rm = Xm for register post-index (REG_ZR: immediate),
 * d->sz = log2(esize bytes), d->a = selem, d->b = rpt, d->ra = Q, d->imm bit 0 = post-index. */
static inline unsigned ldst_total(const struct dinsn *d) { return (unsigned)d->a * d->b * (d->ra ? 16 : 8); }

/* The operand fields both structure forms share: Vt, Rn, Rm and the layout above (b is rpt for
 * multiple structures, the lane index for a single structure). */
static void ldst_struct_operands(struct dinsn *d, uint32_t insn, unsigned sz, unsigned selem,
                                 unsigned b, unsigned q, bool post)
{
    d->rd = (uint8_t)rf(insn, 0);
    d->rn = reg_sp(rf(insn, 5));
    d->rm = reg_zr(rf(insn, 16));
    d->sz = (uint8_t)sz;
    d->a = (uint8_t)selem;
    d->b = (uint8_t)b;
    d->ra = (uint8_t)q;
    d->imm = post;
}

static inline void ldst_post(struct cpu *c, const struct dinsn *d, uint64_t addr, unsigned total)
{
    if (d->imm & 1) c->x[d->rn] = addr + (d->rm == REG_ZR ? total : c->x[d->rm]);
}

/* The architecture makes each element a separate access (LD1-LD4/ST1-ST4 pseudocode), so an
 * element-aligned structure on Device memory must not take an Alignment fault. Doubleword
 * chunks are used when the address allows them (the common, fast case); otherwise the transfer
 * is made element by element. */
static bool vmulti_read(struct cpu *c, const struct dinsn *d, uint64_t addr, unsigned total, uint8_t *buf)
{
    unsigned step = (addr & 7) ? 1u << d->sz : 8;
    for (unsigned i = 0; i < total; i += step) {
        uint64_t v;
        if (!mem_read(c, d, addr + i, step, &v)) return false;
        memcpy(buf + i, &v, step);
    }
    return true;
}
static bool vmulti_write(struct cpu *c, const struct dinsn *d, uint64_t addr, unsigned total, const uint8_t *buf)
{
    unsigned step = (addr & 7) ? 1u << d->sz : 8;
    for (unsigned i = 0; i < total; i += step) {
        uint64_t v = 0;
        memcpy(&v, buf + i, step);
        if (!mem_write(c, d, addr + i, step, v)) return false;
    }
    return true;
}

static const struct dinsn *exec_ldn_multi(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint64_t addr = c->x[d->rn];
    unsigned total = ldst_total(d), regbytes = d->ra ? 16 : 8;
    union { uint64_t q[8]; uint8_t b[64]; } buf;
    if (!vmulti_read(c, d, addr, total, buf.b)) return NULL;
    unsigned selem = d->a, nreg = selem * d->b, eb = 1u << d->sz;
    union vreg t[4];
    if (selem == 1) {
        for (unsigned r = 0; r < nreg; r++) {
            union vreg *v = &c->v[(d->rd + r) & 31];
            memcpy(v->b, buf.b + r * regbytes, 8);
            if (d->ra) memcpy(v->b + 8, buf.b + r * regbytes + 8, 8); else v->d[1] = 0;
        }
    } else {
        memset(t, 0, sizeof t);
        unsigned nelem = regbytes / eb;
        for (unsigned e = 0; e < nelem; e++)
            for (unsigned s = 0; s < selem; s++)
                memcpy(t[s].b + e * eb, buf.b + (e * selem + s) * eb, eb);
        for (unsigned s = 0; s < selem; s++) c->v[(d->rd + s) & 31] = t[s];
    }
    ldst_post(c, d, addr, total);
    return d + 1;
}

static const struct dinsn *exec_stn_multi(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint64_t addr = c->x[d->rn];
    unsigned total = ldst_total(d), regbytes = d->ra ? 16 : 8;
    union { uint64_t q[8]; uint8_t b[64]; } buf;
    unsigned selem = d->a, nreg = selem * d->b, eb = 1u << d->sz;
    if (selem == 1) {
        for (unsigned r = 0; r < nreg; r++) memcpy(buf.b + r * regbytes, c->v[(d->rd + r) & 31].b, regbytes);
    } else {
        unsigned nelem = regbytes / eb;
        for (unsigned e = 0; e < nelem; e++)
            for (unsigned s = 0; s < selem; s++)
                memcpy(buf.b + (e * selem + s) * eb, c->v[(d->rd + s) & 31].b + e * eb, eb);
    }
    if (!vmulti_write(c, d, addr, total, buf.b)) return NULL;
    ldst_post(c, d, addr, total);
    return d + 1;
}

/* 0 Q 0011001 L 0 Rm opcode size Rn Rt (post-index; bit 23 = 0 with Rm = 0 is the plain form) */
bool dec_ldst_multi(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool post = (insn >> 23) & 1;
    unsigned opcode = (insn >> 12) & 15, size = (insn >> 10) & 3, q = (insn >> 30) & 1;
    unsigned rpt, selem;
    if (!post && rf(insn, 16) != 0) return false;
    switch (opcode) {
    case 0: rpt = 1; selem = 4; break;
    case 2: rpt = 4; selem = 1; break;
    case 4: rpt = 1; selem = 3; break;
    case 6: rpt = 3; selem = 1; break;
    case 7: rpt = 1; selem = 1; break;
    case 8: rpt = 1; selem = 2; break;
    case 10: rpt = 2; selem = 1; break;
    default: return false;
    }
    if (size == 3 && !q && selem != 1) return false;
    ldst_struct_operands(d, insn, size, selem, rpt, q, post);
    d->fn = (insn >> 22) & 1 ? exec_ldn_multi : exec_stn_multi;
    return true;
}

/* ---- single structure and replicate ----
 * d->sz = log2(esize bytes), d->a = selem, d->b = index (lane), d->ra = Q (replicate),
 * d->imm bit 0 = post-index. */
static const struct dinsn *exec_ldn_single(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint64_t addr = c->x[d->rn], v[4];
    unsigned eb = 1u << d->sz, selem = d->a;
    for (unsigned s = 0; s < selem; s++)
        if (!mem_read(c, d, addr + s * eb, eb, &v[s])) return NULL;
    for (unsigned s = 0; s < selem; s++) {
        union vreg *r = &c->v[(d->rd + s) & 31];
        switch (d->sz) {
        case 0: r->b[d->b] = (uint8_t)v[s]; break;
        case 1: r->h[d->b] = (uint16_t)v[s]; break;
        case 2: r->s[d->b] = (uint32_t)v[s]; break;
        default: r->d[d->b] = v[s]; break;
        }
    }
    ldst_post(c, d, addr, selem * eb);
    return d + 1;
}
static const struct dinsn *exec_stn_single(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint64_t addr = c->x[d->rn];
    unsigned eb = 1u << d->sz, selem = d->a;
    for (unsigned s = 0; s < selem; s++) {
        const union vreg *r = &c->v[(d->rd + s) & 31];
        uint64_t v;
        switch (d->sz) {
        case 0: v = r->b[d->b]; break;
        case 1: v = r->h[d->b]; break;
        case 2: v = r->s[d->b]; break;
        default: v = r->d[d->b]; break;
        }
        if (!mem_write(c, d, addr + s * eb, eb, v)) return NULL;
    }
    ldst_post(c, d, addr, selem * eb);
    return d + 1;
}
static const struct dinsn *exec_ldnr(struct cpu *c, const struct dinsn *d)
{
    FP_CHECK();
    uint64_t addr = c->x[d->rn], v[4];
    unsigned eb = 1u << d->sz, selem = d->a;
    for (unsigned s = 0; s < selem; s++)
        if (!mem_read(c, d, addr + s * eb, eb, &v[s])) return NULL;
    for (unsigned s = 0; s < selem; s++) {
        union vreg t;
        for (unsigned i = 0; i < 16; i += eb) memcpy(t.b + i, &v[s], eb);
        vset_q(c, (d->rd + s) & 31, &t, d->ra);
    }
    ldst_post(c, d, addr, selem * eb);
    return d + 1;
}

/* 0 Q 0011011 L R Rm opcode(3) S size Rn Rt */
bool dec_ldst_single(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool post = (insn >> 23) & 1, load = (insn >> 22) & 1;
    unsigned q = (insn >> 30) & 1, r = (insn >> 21) & 1, opcode = (insn >> 13) & 7;
    unsigned S = (insn >> 12) & 1, size = (insn >> 10) & 3;
    unsigned scale = opcode >> 1, selem = ((opcode & 1) << 1 | r) + 1, index = 0;
    if (!post && rf(insn, 16) != 0) return false;
    switch (scale) {
    case 3:
        if (!load || S) return false;
        scale = size;
        d->fn = exec_ldnr;
        break;
    case 0:
        index = q << 3 | S << 2 | size;
        break;
    case 1:
        if (size & 1) return false;
        index = q << 2 | S << 1 | size >> 1;
        break;
    case 2:
        if (size & 2) return false;
        if (!(size & 1)) index = q << 1 | S;
        else {
            if (S) return false;
            index = q;
            scale = 3;
        }
        break;
    }
    if (opcode >> 1 != 3) d->fn = load ? exec_ldn_single : exec_stn_single;
    ldst_struct_operands(d, insn, scale, selem, index, q, post);
    return true;
}
