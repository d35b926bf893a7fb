/* cpu/insn_dp.c — data processing, immediate and register (Arm ARM C4.1.86, C4.1.88; the
 * instruction pages in C6.2).
 *
 * Everything that depends only on the instruction word is worked out at decode time: the
 * immediate (including DecodeBitMasks), shift amounts, the register indices (REG_ZR / REG_SP /
 * REG_SINK already resolved), and a handler specialised for the operand size, flag setting
 * and shift kind. A handler is then a handful of host instructions with no calls.
 *
 * Operand fields used by the handlers:
 *   rd, rn, rm, ra  register indices
 *   imm             immediate / mask / inversion mask
 *   a, b            small operands (shift amount, cond, nzcv, extend width) — per handler
 * 32-bit (W) forms write the low 32 bits and zero the upper half of the X register
 * (Arm ARM C1.2.5 "Register names": writes to Wn zero-extend). */
#include "cpu/cpu_internal.h"

#define DP(name) static const struct dinsn *name(struct cpu *c, const struct dinsn *d)

/* ------------------------------------------------------------------ flags helpers */

/* PSTATE.NZCV lives in c->nzcv bits 31:28. */
#define NZCV_N (1u << 31)
#define NZCV_Z (1u << 30)
#define NZCV_C (1u << 29)
#define NZCV_V (1u << 28)

static inline uint32_t nz64(uint64_t r) { return (uint32_t)(r >> 63) << 31 | (r == 0) << 30; }
static inline uint32_t nz32(uint32_t r) { return (r >> 31) << 31 | (uint32_t)(r == 0) << 30; }
static inline uint64_t carry_in(const struct cpu *c) { return (c->nzcv >> 29) & 1; }

/* AddWithCarry (Arm ARM J1.1.3 shared/functions/integer/AddWithCarry): returns the N-bit
 * result and sets NZCV. SUB is x + NOT(y) + 1. */
static inline uint64_t awc64(struct cpu *c, uint64_t x, uint64_t y, uint64_t cin)
{
    unsigned __int128 s = (unsigned __int128)x + y + cin;
    uint64_t r = (uint64_t)s;
    c->nzcv = nz64(r) | (uint32_t)(s >> 64) << 29 | (uint32_t)(((x ^ r) & (y ^ r)) >> 63) << 28;
    return r;
}
static inline uint32_t awc32(struct cpu *c, uint32_t x, uint32_t y, uint64_t cin)
{
    uint64_t s = (uint64_t)x + y + cin;
    uint32_t r = (uint32_t)s;
    c->nzcv = nz32(r) | (uint32_t)(s >> 32) << 29 | (((x ^ r) & (y ^ r)) >> 31) << 28;
    return r;
}

/* ------------------------------------------------------------------ shift helpers */
/* DecodeShift / ShiftReg (Arm ARM J1 aarch64/instrs/integer/shiftreg). The amount-0 forms are
 * separate handlers, so ROR never sees 0 here. */
#define NOSH(v, s)  (v)
#define LSL64(v, s) ((uint64_t)(v) << (s))
#define LSR64(v, s) ((uint64_t)(v) >> (s))
#define ASR64(v, s) ((uint64_t)((int64_t)(v) >> (s)))
#define ROR64(v, s) (((uint64_t)(v) >> (s)) | ((uint64_t)(v) << ((64 - (s)) & 63)))
#define LSL32(v, s) ((uint32_t)((uint32_t)(v) << (s)))
#define LSR32(v, s) ((uint32_t)(v) >> (s))
#define ASR32(v, s) ((uint32_t)((int32_t)(v) >> (s)))
#define ROR32(v, s) (((uint32_t)(v) >> (s)) | (uint32_t)((uint32_t)(v) << ((32 - (s)) & 31)))

static inline uint64_t ror64(uint64_t v, unsigned s) { return s ? ROR64(v, s) : v; }
static inline uint32_t ror32(uint32_t v, unsigned s) { return s ? ROR32(v, s) : v; }
static inline uint64_t ones(unsigned n) { return n >= 64 ? ~0ull : (1ull << n) - 1; }

/* ================================================================== PC-relative: ADR, ADRP */
DP(exec_adr)  { c->x[d->rd] = pc_of(c, d) + d->imm; return d + 1; }
DP(exec_adrp) { c->x[d->rd] = (pc_of(c, d) & ~0xfffull) + d->imm; return d + 1; }

bool dec_pcrel(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    uint64_t imm = ((insn >> 5) & 0x7ffff) << 2 | ((insn >> 29) & 3);
    d->rd = reg_dst(rf(insn, 0));
    if (insn >> 31) { d->imm = (uint64_t)sext64(imm, 21) << 12; d->fn = exec_adrp; }
    else { d->imm = (uint64_t)sext64(imm, 21); d->fn = exec_adr; }
    return true;
}

/* ================================================================== ADD/SUB (immediate)
 * Non-flag-setting forms: Rd and Rn may be SP; SUB is ADD of the negated immediate.
 * Flag-setting forms: Rd = XZR when 31 (CMP/CMN), Rn may be SP. */
DP(exec_add_imm64)  { c->x[d->rd] = c->x[d->rn] + d->imm; return d + 1; }
DP(exec_add_imm32)  { c->x[d->rd] = (uint32_t)(c->x[d->rn] + d->imm); return d + 1; }
DP(exec_mov_sp)     { c->x[d->rd] = c->x[d->rn]; return d + 1; }            /* MOV to/from SP, 64 */
DP(exec_adds_imm64) { c->x[d->rd] = awc64(c, c->x[d->rn], d->imm, 0); return d + 1; }
DP(exec_adds_imm32) { c->x[d->rd] = awc32(c, (uint32_t)c->x[d->rn], (uint32_t)d->imm, 0); return d + 1; }
DP(exec_subs_imm64) { c->x[d->rd] = awc64(c, c->x[d->rn], ~d->imm, 1); return d + 1; }
DP(exec_subs_imm32) { c->x[d->rd] = awc32(c, (uint32_t)c->x[d->rn], ~(uint32_t)d->imm, 1); return d + 1; }

bool dec_addsub_imm(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool sf = insn >> 31, sub = (insn >> 30) & 1, s = (insn >> 29) & 1;
    uint64_t imm = (insn >> 10) & 0xfff;
    if ((insn >> 22) & 1) imm <<= 12;
    d->rn = reg_sp(rf(insn, 5));
    if (!s) {
        d->rd = reg_sp(rf(insn, 0));
        d->imm = sub ? (uint64_t)-imm : imm;
        d->fn = sf ? (imm == 0 ? exec_mov_sp : exec_add_imm64) : exec_add_imm32;
    } else {
        d->rd = reg_dst(rf(insn, 0));
        d->imm = imm;
        d->fn = sub ? (sf ? exec_subs_imm64 : exec_subs_imm32) : (sf ? exec_adds_imm64 : exec_adds_imm32);
    }
    return true;
}

/* ================================================================== Logical (immediate) */

/* DecodeBitMasks (Arm ARM J1 aarch64/instrs/integer/bitmasks). Returns false for the reserved
 * encodings (len < 1, or imms all ones at the element size when `immediate`). */
static bool decode_bit_masks(unsigned n, unsigned imms, unsigned immr, bool immediate, unsigned datasize,
                             uint64_t *wmask, uint64_t *tmask)
{
    unsigned combined = (n << 6) | (~imms & 0x3f);
    if (!combined) return false;
    int len = 31 - __builtin_clz(combined);               /* HighestSetBit(immN:NOT(imms)) */
    if (len < 1) return false;
    unsigned esize = 1u << len;
    if (esize > datasize) return false;
    unsigned levels = esize - 1;
    if (immediate && (imms & levels) == levels) return false;
    unsigned s = imms & levels, r = immr & levels;
    int diff = (int)s - (int)r;                            /* 6-bit subtract, mod esize */
    unsigned dd = (unsigned)diff & levels;
    uint64_t emask = ones(esize);
    uint64_t welem = ones(s + 1);
    uint64_t telem = ones(dd + 1);
    /* ROR(welem, R) within esize bits */
    uint64_t w = r ? (((welem >> r) | (welem << (esize - r))) & emask) : welem;
    uint64_t wm = 0, tm = 0;
    for (unsigned i = 0; i < datasize; i += esize) { wm |= w << i; tm |= telem << i; }
    *wmask = wm;
    if (tmask) *tmask = tm;
    return true;
}

DP(exec_and_imm)    { c->x[d->rd] = c->x[d->rn] & d->imm; return d + 1; }   /* imm zero above W */
DP(exec_orr_imm64)  { c->x[d->rd] = c->x[d->rn] | d->imm; return d + 1; }
DP(exec_orr_imm32)  { c->x[d->rd] = (uint32_t)(c->x[d->rn] | d->imm); return d + 1; }
DP(exec_mov_const)  { c->x[d->rd] = d->imm; return d + 1; }                  /* MOV (bitmask/wide) */
DP(exec_eor_imm64)  { c->x[d->rd] = c->x[d->rn] ^ d->imm; return d + 1; }
DP(exec_eor_imm32)  { c->x[d->rd] = (uint32_t)(c->x[d->rn] ^ d->imm); return d + 1; }
DP(exec_ands_imm64) { uint64_t r = c->x[d->rn] & d->imm; c->x[d->rd] = r; c->nzcv = nz64(r); return d + 1; }
DP(exec_ands_imm32) { uint32_t r = (uint32_t)(c->x[d->rn] & d->imm); c->x[d->rd] = r; c->nzcv = nz32(r); return d + 1; }

bool dec_log_imm(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned opc = (insn >> 29) & 3, n = (insn >> 22) & 1;
    if (!sf && n) return false;                            /* sf == 0 && N != 0: UNDEFINED */
    uint64_t imm;
    if (!decode_bit_masks(n, (insn >> 10) & 0x3f, (insn >> 16) & 0x3f, true, sf ? 64 : 32, &imm, NULL))
        return false;
    unsigned rn = rf(insn, 5);
    d->rn = reg_zr(rn);
    d->imm = imm;
    d->rd = opc == 3 ? reg_dst(rf(insn, 0)) : reg_sp(rf(insn, 0));   /* AND/ORR/EOR: Rd may be SP */
    switch (opc) {
    case 0: d->fn = exec_and_imm; break;
    case 1: d->fn = rn == 31 ? exec_mov_const : sf ? exec_orr_imm64 : exec_orr_imm32; break;
    case 2: d->fn = sf ? exec_eor_imm64 : exec_eor_imm32; break;
    default: d->fn = sf ? exec_ands_imm64 : exec_ands_imm32; break;
    }
    return true;
}

/* ================================================================== Move wide */
DP(exec_movk64) { c->x[d->rd] = (c->x[d->rd] & ~(0xffffull << d->b)) | d->imm; return d + 1; }
DP(exec_movk32) { c->x[d->rd] = (uint32_t)((c->x[d->rd] & ~(0xffffull << d->b)) | d->imm); return d + 1; }

bool dec_movewide(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned opc = (insn >> 29) & 3, hw = (insn >> 21) & 3;
    if (!sf && hw >= 2) return false;                      /* sf == 0 && hw<1> == 1: UNDEFINED */
    d->rd = reg_dst(rf(insn, 0));
    d->b = (uint8_t)(16 * hw);
    uint64_t imm = (uint64_t)((insn >> 5) & 0xffff) << d->b;
    switch (opc) {
    case 0: d->imm = sf ? ~imm : (uint32_t)~imm; d->fn = exec_mov_const; break;   /* MOVN */
    case 2: d->imm = imm; d->fn = exec_mov_const; break;                             /* MOVZ */
    default: d->imm = imm; d->fn = sf ? exec_movk64 : exec_movk32; break;            /* MOVK */
    }
    return true;
}

/* ================================================================== Bitfield
 * SBFM/UBFM are computed with one left and one right shift:
 *   imms >= immr (SBFX/UBFX, LSR, ASR):  field src<imms:immr> moved to bit 0
 *   imms <  immr (SBFIZ/UBFIZ, LSL):     field src<imms:0> moved to bit W-immr
 * In both cases: r = (src << L) >> R with L = 63-imms, R = L+immr (extract) or
 * L-(W-immr) (insert), the right shift arithmetic for SBFM. The field never reaches above
 * bit W-1, so UBFM needs no truncation even for W forms; SBFM W truncates the sign fill.
 * BFM: dst = (dst & ~mask) | (ROR(src, immr) & mask), mask precomputed (BFXIL and BFI). */
DP(exec_ubfm)    { c->x[d->rd] = (c->x[d->rn] << d->a) >> d->b; return d + 1; }
DP(exec_sbfm64)  { c->x[d->rd] = (uint64_t)((int64_t)(c->x[d->rn] << d->a) >> d->b); return d + 1; }
DP(exec_sbfm32)  { c->x[d->rd] = (uint32_t)((int64_t)(c->x[d->rn] << d->a) >> d->b); return d + 1; }
DP(exec_bfm64)
{
    uint64_t src = ror64(c->x[d->rn], d->b);
    c->x[d->rd] = (c->x[d->rd] & ~d->imm) | (src & d->imm);
    return d + 1;
}
DP(exec_bfm32)
{
    uint32_t src = ror32((uint32_t)c->x[d->rn], d->b);
    c->x[d->rd] = (uint32_t)((c->x[d->rd] & ~d->imm) | (src & d->imm));
    return d + 1;
}

bool dec_bitfield(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned opc = (insn >> 29) & 3, n = (insn >> 22) & 1;
    unsigned immr = (insn >> 16) & 0x3f, imms = (insn >> 10) & 0x3f;
    if (sf != n) return false;                             /* sf == 1 && N != 1, sf == 0 && N != 0 */
    if (!sf && ((immr | imms) & 0x20)) return false;       /* W form: immr<5>/imms<5> must be 0 */
    unsigned w = sf ? 64 : 32;
    d->rd = reg_dst(rf(insn, 0));
    d->rn = reg_zr(rf(insn, 5));
    if (opc == 1) {                                        /* BFM */
        uint64_t mask = imms >= immr ? ones(imms - immr + 1) : ones(imms + 1) << (w - immr);
        d->imm = mask;
        d->b = (uint8_t)immr;
        d->fn = sf ? exec_bfm64 : exec_bfm32;
        return true;
    }
    unsigned l = 63 - imms;
    d->a = (uint8_t)l;
    d->b = (uint8_t)(imms >= immr ? l + immr : l - (w - immr));
    if (opc == 2) d->fn = exec_ubfm;
    else d->fn = sf ? exec_sbfm64 : exec_sbfm32;
    return true;
}

/* ================================================================== EXTR (and ROR immediate) */
DP(exec_extr64) { c->x[d->rd] = (c->x[d->rm] >> d->b) | (c->x[d->rn] << (64 - d->b)); return d + 1; }
DP(exec_extr32)
{
    uint64_t cat = (uint64_t)(uint32_t)c->x[d->rn] << 32 | (uint32_t)c->x[d->rm];
    c->x[d->rd] = (uint32_t)(cat >> d->b);
    return d + 1;
}
DP(exec_mov_reg64) { c->x[d->rd] = c->x[d->rm]; return d + 1; }
DP(exec_mov_reg32) { c->x[d->rd] = (uint32_t)c->x[d->rm]; return d + 1; }

bool dec_extr(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned n = (insn >> 22) & 1, lsb = (insn >> 10) & 0x3f;
    if (sf != n) return false;
    if (!sf && (lsb & 0x20)) return false;                 /* sf == 0 && imms<5> == 1 */
    d->rd = reg_dst(rf(insn, 0));
    d->rn = reg_zr(rf(insn, 5));
    d->rm = reg_zr(rf(insn, 16));
    d->b = (uint8_t)lsb;
    if (lsb == 0) d->fn = sf ? exec_mov_reg64 : exec_mov_reg32;   /* result = Rm */
    else d->fn = sf ? exec_extr64 : exec_extr32;
    return true;
}

/* ================================================================== Logical (shifted register)
 * op2 = ShiftReg(Rm, shift, amount) XOR invert (invert = all ones for BIC/ORN/EON/BICS). */
#define LOG_SHIFT(name, T, SH, OP) \
    DP(name) { T m = (T)(SH((T)c->x[d->rm], d->b) ^ (T)d->imm); c->x[d->rd] = (T)((T)c->x[d->rn] OP m); return d + 1; }
#define LOG_SHIFT_S(name, T, SH, NZ) \
    DP(name) { T m = (T)(SH((T)c->x[d->rm], d->b) ^ (T)d->imm); T r = (T)((T)c->x[d->rn] & m); \
               c->x[d->rd] = r; c->nzcv = NZ(r); return d + 1; }
#define LOG_SHIFT_ALL(sh, SH64, SH32) \
    LOG_SHIFT(exec_and_##sh##64, uint64_t, SH64, &) LOG_SHIFT(exec_and_##sh##32, uint32_t, SH32, &) \
    LOG_SHIFT(exec_orr_##sh##64, uint64_t, SH64, |) LOG_SHIFT(exec_orr_##sh##32, uint32_t, SH32, |) \
    LOG_SHIFT(exec_eor_##sh##64, uint64_t, SH64, ^) LOG_SHIFT(exec_eor_##sh##32, uint32_t, SH32, ^) \
    LOG_SHIFT_S(exec_ands_##sh##64, uint64_t, SH64, nz64) LOG_SHIFT_S(exec_ands_##sh##32, uint32_t, SH32, nz32)
LOG_SHIFT_ALL(none, NOSH, NOSH)
LOG_SHIFT_ALL(lsl, LSL64, LSL32)
LOG_SHIFT_ALL(lsr, LSR64, LSR32)
LOG_SHIFT_ALL(asr, ASR64, ASR32)
LOG_SHIFT_ALL(ror, ROR64, ROR32)

#define ROW4(op) { exec_##op##_none64, exec_##op##_lsl64, exec_##op##_lsr64, exec_##op##_asr64, exec_##op##_ror64, \
                   exec_##op##_none32, exec_##op##_lsl32, exec_##op##_lsr32, exec_##op##_asr32, exec_##op##_ror32 }
static const exec_fn log_shift_fns[4][10] = { ROW4(and), ROW4(orr), ROW4(eor), ROW4(ands) };

DP(exec_mvn_reg64) { c->x[d->rd] = ~c->x[d->rm]; return d + 1; }

bool dec_log_shift(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool sf = insn >> 31, inv = (insn >> 21) & 1;
    unsigned opc = (insn >> 29) & 3, shift = (insn >> 22) & 3, amt = (insn >> 10) & 0x3f;
    if (!sf && (amt & 0x20)) return false;                 /* sf == 0 && imm6<5> == 1 */
    d->rd = reg_dst(rf(insn, 0));
    d->rn = reg_zr(rf(insn, 5));
    d->rm = reg_zr(rf(insn, 16));
    d->b = (uint8_t)amt;
    d->imm = inv ? ~0ull : 0;
    unsigned k = amt ? 1 + shift : 0;
    d->fn = log_shift_fns[opc][k + (sf ? 0 : 5)];
    /* MOV (register) = ORR Rd, ZR, Rm; MVN = ORN Rd, ZR, Rm: the hottest forms. */
    if (opc == 1 && rf(insn, 5) == 31 && amt == 0)
        d->fn = inv ? (sf ? exec_mvn_reg64 : d->fn) : (sf ? exec_mov_reg64 : exec_mov_reg32);
    return true;
}

/* ================================================================== Add/subtract (shifted register) */
#define AS_SHIFT(name, T, SH, OP) \
    DP(name) { T m = SH((T)c->x[d->rm], d->b); c->x[d->rd] = (T)((T)c->x[d->rn] OP m); return d + 1; }
#define AS_SHIFT_S(name, T, SH, AWC, SUB) \
    DP(name) { T m = SH((T)c->x[d->rm], d->b); \
               c->x[d->rd] = AWC(c, (T)c->x[d->rn], SUB ? (T)~m : m, SUB); return d + 1; }
#define AS_SHIFT_ALL(sh, SH64, SH32) \
    AS_SHIFT(exec_add_##sh##64, uint64_t, SH64, +) AS_SHIFT(exec_add_##sh##32, uint32_t, SH32, +) \
    AS_SHIFT(exec_sub_##sh##64, uint64_t, SH64, -) AS_SHIFT(exec_sub_##sh##32, uint32_t, SH32, -) \
    AS_SHIFT_S(exec_adds_##sh##64, uint64_t, SH64, awc64, 0) AS_SHIFT_S(exec_adds_##sh##32, uint32_t, SH32, awc32, 0) \
    AS_SHIFT_S(exec_subs_##sh##64, uint64_t, SH64, awc64, 1) AS_SHIFT_S(exec_subs_##sh##32, uint32_t, SH32, awc32, 1)
AS_SHIFT_ALL(none, NOSH, NOSH)
AS_SHIFT_ALL(lsl, LSL64, LSL32)
AS_SHIFT_ALL(lsr, LSR64, LSR32)
AS_SHIFT_ALL(asr, ASR64, ASR32)

#define ROW3(op) { exec_##op##_none64, exec_##op##_lsl64, exec_##op##_lsr64, exec_##op##_asr64, \
                   exec_##op##_none32, exec_##op##_lsl32, exec_##op##_lsr32, exec_##op##_asr32 }
static const exec_fn as_shift_fns[4][8] = { ROW3(add), ROW3(adds), ROW3(sub), ROW3(subs) };

bool dec_addsub_shift(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool sf = insn >> 31;
    unsigned op_s = (insn >> 29) & 3, shift = (insn >> 22) & 3, amt = (insn >> 10) & 0x3f;
    if (shift == 3) return false;                          /* shift == 11 (ROR): UNDEFINED */
    if (!sf && (amt & 0x20)) return false;
    d->rd = reg_dst(rf(insn, 0));
    d->rn = reg_zr(rf(insn, 5));
    d->rm = reg_zr(rf(insn, 16));
    d->b = (uint8_t)amt;
    unsigned k = amt ? 1 + shift : 0;
    d->fn = as_shift_fns[op_s][k + (sf ? 0 : 4)];
    return true;
}

/* ================================================================== Add/subtract (extended register)
 * ExtendReg (Arm ARM J1 aarch64/instrs/integer/extendreg): op2 = Extend(Rm<len-1:0>) << imm3.
 * Unsigned extends mask with imm; signed extends shift left then arithmetic right by a.
 * Rd is SP-capable in the non-flag forms, Rn always. */
#define EXT_U(d, c) ((c->x[d->rm] & d->imm) << d->b)
#define EXT_S(d, c) ((uint64_t)((int64_t)(c->x[d->rm] << d->a) >> d->a) << d->b)
#define AS_EXT(name, EXT) \
    DP(name##64) { c->x[d->rd] = c->x[d->rn] + EXT(d, c); return d + 1; } \
    DP(name##32) { c->x[d->rd] = (uint32_t)(c->x[d->rn] + EXT(d, c)); return d + 1; }
#define AS_EXT_SUB(name, EXT) \
    DP(name##64) { c->x[d->rd] = c->x[d->rn] - EXT(d, c); return d + 1; } \
    DP(name##32) { c->x[d->rd] = (uint32_t)(c->x[d->rn] - EXT(d, c)); return d + 1; }
#define AS_EXT_S(name, EXT, SUB) \
    DP(name##64) { uint64_t m = EXT(d, c); c->x[d->rd] = awc64(c, c->x[d->rn], SUB ? ~m : m, SUB); return d + 1; } \
    DP(name##32) { uint32_t m = (uint32_t)EXT(d, c); c->x[d->rd] = awc32(c, (uint32_t)c->x[d->rn], SUB ? ~m : m, SUB); return d + 1; }
AS_EXT(exec_add_uxt, EXT_U)      AS_EXT(exec_add_sxt, EXT_S)
AS_EXT_SUB(exec_sub_uxt, EXT_U)  AS_EXT_SUB(exec_sub_sxt, EXT_S)
AS_EXT_S(exec_adds_uxt, EXT_U, 0) AS_EXT_S(exec_adds_sxt, EXT_S, 0)
AS_EXT_S(exec_subs_uxt, EXT_U, 1) AS_EXT_S(exec_subs_sxt, EXT_S, 1)

static const exec_fn as_ext_fns[4][4] = {
    { exec_add_uxt64, exec_add_sxt64, exec_add_uxt32, exec_add_sxt32 },
    { exec_adds_uxt64, exec_adds_sxt64, exec_adds_uxt32, exec_adds_sxt32 },
    { exec_sub_uxt64, exec_sub_sxt64, exec_sub_uxt32, exec_sub_sxt32 },
    { exec_subs_uxt64, exec_subs_sxt64, exec_subs_uxt32, exec_subs_sxt32 },
};

bool dec_addsub_ext(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool sf = insn >> 31, s = (insn >> 29) & 1;
    unsigned op_s = (insn >> 29) & 3, option = (insn >> 13) & 7, imm3 = (insn >> 10) & 7;
    if (imm3 > 4) return false;                            /* shift > 4: UNDEFINED */
    d->rd = s ? reg_dst(rf(insn, 0)) : reg_sp(rf(insn, 0));
    d->rn = reg_sp(rf(insn, 5));
    d->rm = reg_zr(rf(insn, 16));
    d->b = (uint8_t)imm3;
    unsigned len = 8u << (option & 3);                     /* B, H, W, X */
    bool is_signed = option & 4;
    if (is_signed) d->a = (uint8_t)(64 - len);
    else d->imm = ones(len);
    d->fn = as_ext_fns[op_s][(is_signed ? 1 : 0) + (sf ? 0 : 2)];
    return true;
}

/* ================================================================== ADC/ADCS/SBC/SBCS */
DP(exec_adc64)  { c->x[d->rd] = c->x[d->rn] + c->x[d->rm] + carry_in(c); return d + 1; }
DP(exec_adc32)  { c->x[d->rd] = (uint32_t)(c->x[d->rn] + c->x[d->rm] + carry_in(c)); return d + 1; }
DP(exec_sbc64)  { c->x[d->rd] = c->x[d->rn] + ~c->x[d->rm] + carry_in(c); return d + 1; }
DP(exec_sbc32)  { c->x[d->rd] = (uint32_t)(c->x[d->rn] + ~c->x[d->rm] + carry_in(c)); return d + 1; }
DP(exec_adcs64) { c->x[d->rd] = awc64(c, c->x[d->rn], c->x[d->rm], carry_in(c)); return d + 1; }
DP(exec_adcs32) { c->x[d->rd] = awc32(c, (uint32_t)c->x[d->rn], (uint32_t)c->x[d->rm], carry_in(c)); return d + 1; }
DP(exec_sbcs64) { c->x[d->rd] = awc64(c, c->x[d->rn], ~c->x[d->rm], carry_in(c)); return d + 1; }
DP(exec_sbcs32) { c->x[d->rd] = awc32(c, (uint32_t)c->x[d->rn], ~(uint32_t)c->x[d->rm], carry_in(c)); return d + 1; }

bool dec_adc(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    static const exec_fn fns[4][2] = { { exec_adc32, exec_adc64 }, { exec_adcs32, exec_adcs64 },
                                       { exec_sbc32, exec_sbc64 }, { exec_sbcs32, exec_sbcs64 } };
    d->rd = reg_dst(rf(insn, 0));
    d->rn = reg_zr(rf(insn, 5));
    d->rm = reg_zr(rf(insn, 16));
    d->fn = fns[(insn >> 29) & 3][insn >> 31];
    return true;
}

/* ================================================================== CCMN/CCMP
 * If ConditionHolds(cond): NZCV from Rn + op2 (CCMN) or Rn - op2 (CCMP); else NZCV = #nzcv.
 * a = cond, b = nzcv immediate; op2 = Rm (register form) or imm (immediate form). */
#define CCMP_FN(name, T, AWC, OP2, SUB) \
    DP(name) { \
        if (cond_holds(c->nzcv, d->a)) { T m = (T)(OP2); AWC(c, (T)c->x[d->rn], SUB ? (T)~m : m, SUB); } \
        else c->nzcv = (uint32_t)d->b << 28; \
        return d + 1; }
CCMP_FN(exec_ccmn_reg64, uint64_t, awc64, c->x[d->rm], 0)
CCMP_FN(exec_ccmn_reg32, uint32_t, awc32, c->x[d->rm], 0)
CCMP_FN(exec_ccmp_reg64, uint64_t, awc64, c->x[d->rm], 1)
CCMP_FN(exec_ccmp_reg32, uint32_t, awc32, c->x[d->rm], 1)
CCMP_FN(exec_ccmn_imm64, uint64_t, awc64, d->imm, 0)
CCMP_FN(exec_ccmn_imm32, uint32_t, awc32, d->imm, 0)
CCMP_FN(exec_ccmp_imm64, uint64_t, awc64, d->imm, 1)
CCMP_FN(exec_ccmp_imm32, uint32_t, awc32, d->imm, 1)

bool dec_ccmp(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    static const exec_fn fns[2][2][2] = {           /* [imm][op][sf] */
        { { exec_ccmn_reg32, exec_ccmn_reg64 }, { exec_ccmp_reg32, exec_ccmp_reg64 } },
        { { exec_ccmn_imm32, exec_ccmn_imm64 }, { exec_ccmp_imm32, exec_ccmp_imm64 } },
    };
    bool is_imm = (insn >> 11) & 1;
    d->rn = reg_zr(rf(insn, 5));
    d->rm = reg_zr(rf(insn, 16));
    d->imm = (insn >> 16) & 31;
    d->a = (uint8_t)((insn >> 12) & 15);
    d->b = (uint8_t)(insn & 15);
    d->fn = fns[is_imm][(insn >> 30) & 1][insn >> 31];
    return true;
}

/* ================================================================== CSEL/CSINC/CSINV/CSNEG (a = cond) */
#define CSEL_FN(name, T, EXPR) \
    DP(name) { c->x[d->rd] = cond_holds(c->nzcv, d->a) ? (T)c->x[d->rn] : (T)(EXPR); return d + 1; }
CSEL_FN(exec_csel64,  uint64_t, c->x[d->rm])
CSEL_FN(exec_csel32,  uint32_t, c->x[d->rm])
CSEL_FN(exec_csinc64, uint64_t, c->x[d->rm] + 1)
CSEL_FN(exec_csinc32, uint32_t, c->x[d->rm] + 1)
CSEL_FN(exec_csinv64, uint64_t, ~c->x[d->rm])
CSEL_FN(exec_csinv32, uint32_t, ~c->x[d->rm])
CSEL_FN(exec_csneg64, uint64_t, -c->x[d->rm])
CSEL_FN(exec_csneg32, uint32_t, -c->x[d->rm])

bool dec_csel(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    static const exec_fn fns[2][2][2] = {           /* [op][o2][sf] */
        { { exec_csel32, exec_csel64 }, { exec_csinc32, exec_csinc64 } },
        { { exec_csinv32, exec_csinv64 }, { exec_csneg32, exec_csneg64 } },
    };
    d->rd = reg_dst(rf(insn, 0));
    d->rn = reg_zr(rf(insn, 5));
    d->rm = reg_zr(rf(insn, 16));
    d->a = (uint8_t)((insn >> 12) & 15);
    d->fn = fns[(insn >> 30) & 1][(insn >> 10) & 1][insn >> 31];
    return true;
}

/* ================================================================== Data-processing (1 source) */
static inline uint64_t rbit64(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
    return __builtin_bswap64(v);
}
static inline uint64_t rev16_64(uint64_t v)
{
    return ((v >> 8) & 0x00ff00ff00ff00ffull) | ((v & 0x00ff00ff00ff00ffull) << 8);
}
DP(exec_rbit64)  { c->x[d->rd] = rbit64(c->x[d->rn]); return d + 1; }
DP(exec_rbit32)  { c->x[d->rd] = rbit64(c->x[d->rn]) >> 32; return d + 1; }
DP(exec_rev16_64){ c->x[d->rd] = rev16_64(c->x[d->rn]); return d + 1; }
DP(exec_rev16_32){ c->x[d->rd] = (uint32_t)rev16_64(c->x[d->rn]); return d + 1; }
DP(exec_rev32)   { c->x[d->rd] = ROR64(__builtin_bswap64(c->x[d->rn]), 32); return d + 1; }
DP(exec_rev64)   { c->x[d->rd] = __builtin_bswap64(c->x[d->rn]); return d + 1; }
DP(exec_rev_w)   { c->x[d->rd] = __builtin_bswap32((uint32_t)c->x[d->rn]); return d + 1; }
DP(exec_clz64)   { uint64_t v = c->x[d->rn]; c->x[d->rd] = v ? (uint64_t)__builtin_clzll(v) : 64; return d + 1; }
DP(exec_clz32)   { uint32_t v = (uint32_t)c->x[d->rn]; c->x[d->rd] = v ? (uint64_t)__builtin_clz(v) : 32; return d + 1; }
/* CLS = CountLeadingZeroBits(x<N-1:1> EOR x<N-2:0>): the OR with 1 bounds the count at N-1. */
DP(exec_cls64)   { uint64_t v = c->x[d->rn]; c->x[d->rd] = (uint64_t)__builtin_clzll((v ^ (v << 1)) | 1); return d + 1; }
DP(exec_cls32)   { uint32_t v = (uint32_t)c->x[d->rn]; c->x[d->rd] = (uint64_t)__builtin_clz((v ^ (v << 1)) | 1); return d + 1; }

bool dec_dp1(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool sf = insn >> 31;
    d->rd = reg_dst(rf(insn, 0));
    d->rn = reg_zr(rf(insn, 5));
    switch ((insn >> 10) & 0x3f) {
    case 0: d->fn = sf ? exec_rbit64 : exec_rbit32; break;
    case 1: d->fn = sf ? exec_rev16_64 : exec_rev16_32; break;
    case 2: d->fn = sf ? exec_rev32 : exec_rev_w; break;
    case 3: d->fn = exec_rev64; break;                     /* row requires sf = 1 */
    case 4: d->fn = sf ? exec_clz64 : exec_clz32; break;
    case 5: d->fn = sf ? exec_cls64 : exec_cls32; break;
    default: return false;
    }
    return true;
}

/* ================================================================== Data-processing (2 source)
 * UDIV/SDIV: division by zero gives 0 (Arm ARM C6.2 UDIV/SDIV: "if operand2 == 0 then 0");
 * SDIV INT_MIN / -1 overflows to INT_MIN (RoundTowardsZero of 2^(N-1), truncated to N bits).
 * Shifts by register use Rm MOD datasize. */
DP(exec_udiv64) { uint64_t m = c->x[d->rm]; c->x[d->rd] = m ? c->x[d->rn] / m : 0; return d + 1; }
DP(exec_udiv32) { uint32_t m = (uint32_t)c->x[d->rm]; c->x[d->rd] = m ? (uint32_t)c->x[d->rn] / m : 0; return d + 1; }
DP(exec_sdiv64)
{
    int64_t n = (int64_t)c->x[d->rn], m = (int64_t)c->x[d->rm];
    c->x[d->rd] = m == 0 ? 0 : (m == -1 ? -(uint64_t)n : (uint64_t)(n / m));
    return d + 1;
}
DP(exec_sdiv32)
{
    int32_t n = (int32_t)c->x[d->rn], m = (int32_t)c->x[d->rm];
    c->x[d->rd] = m == 0 ? 0 : (m == -1 ? (uint32_t)-(uint32_t)n : (uint32_t)(n / m));
    return d + 1;
}
DP(exec_lslv64) { c->x[d->rd] = c->x[d->rn] << (c->x[d->rm] & 63); return d + 1; }
DP(exec_lslv32) { c->x[d->rd] = (uint32_t)((uint32_t)c->x[d->rn] << (c->x[d->rm] & 31)); return d + 1; }
DP(exec_lsrv64) { c->x[d->rd] = c->x[d->rn] >> (c->x[d->rm] & 63); return d + 1; }
DP(exec_lsrv32) { c->x[d->rd] = (uint32_t)c->x[d->rn] >> (c->x[d->rm] & 31); return d + 1; }
DP(exec_asrv64) { c->x[d->rd] = (uint64_t)((int64_t)c->x[d->rn] >> (c->x[d->rm] & 63)); return d + 1; }
DP(exec_asrv32) { c->x[d->rd] = (uint32_t)((int32_t)c->x[d->rn] >> (c->x[d->rm] & 31)); return d + 1; }
DP(exec_rorv64) { c->x[d->rd] = ror64(c->x[d->rn], c->x[d->rm] & 63); return d + 1; }
DP(exec_rorv32) { c->x[d->rd] = ror32((uint32_t)c->x[d->rn], c->x[d->rm] & 31); return d + 1; }

bool dec_dp2(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool sf = insn >> 31;
    d->rd = reg_dst(rf(insn, 0));
    d->rn = reg_zr(rf(insn, 5));
    d->rm = reg_zr(rf(insn, 16));
    switch ((insn >> 10) & 0x3f) {
    case 2:  d->fn = sf ? exec_udiv64 : exec_udiv32; break;
    case 3:  d->fn = sf ? exec_sdiv64 : exec_sdiv32; break;
    case 8:  d->fn = sf ? exec_lslv64 : exec_lslv32; break;
    case 9:  d->fn = sf ? exec_lsrv64 : exec_lsrv32; break;
    case 10: d->fn = sf ? exec_asrv64 : exec_asrv32; break;
    case 11: d->fn = sf ? exec_rorv64 : exec_rorv32; break;
    default: return false;
    }
    return true;
}

/* ---- CRC32 / CRC32C (FEAT_CRC32; Arm ARM C6.2 CRC32B..X, CRC32CB..CX). The pseudocode
 * bit-reverses accumulator and data, takes the polynomial remainder and reverses the result:
 * that is the reflected CRC update with no pre/post inversion, done here a byte at a time
 * with the reflected polynomials 0xEDB88320 (0x04C11DB7) and 0x82F63B78 (0x1EDC6F41). The
 * tables are built at decode time, so the handlers make no calls. */
static uint32_t crc_tab[2][256];
static void crc_tables_init(void)
{
    static const uint32_t poly[2] = { 0xEDB88320u, 0x82F63B78u };
    if (crc_tab[0][128]) return;
    for (unsigned p = 0; p < 2; p++)
        for (unsigned i = 0; i < 256; i++) {
            uint32_t r = i;
            for (int k = 0; k < 8; k++) r = (r >> 1) ^ (poly[p] & -(r & 1));
            crc_tab[p][i] = r;
        }
}
/* d->a = polynomial (0 CRC32, 1 CRC32C), d->b = bytes of Rm consumed (1, 2, 4, 8). */
DP(exec_crc32)
{
    const uint32_t *t = crc_tab[d->a];
    uint32_t acc = (uint32_t)c->x[d->rn];
    uint64_t v = c->x[d->rm];
    for (unsigned i = 0; i < d->b; i++, v >>= 8) acc = (acc >> 8) ^ t[(acc ^ v) & 0xff];
    c->x[d->rd] = acc;
    return d + 1;
}

bool dec_crc32(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    crc_tables_init();
    d->rd = reg_dst(rf(insn, 0));
    d->rn = reg_zr(rf(insn, 5));
    d->rm = reg_zr(rf(insn, 16));
    d->a = (uint8_t)((insn >> 12) & 1);                    /* C bit */
    d->b = (uint8_t)(1u << ((insn >> 10) & 3));            /* sz */
    d->fn = exec_crc32;
    return true;
}

/* ================================================================== Data-processing (3 source) */
DP(exec_madd64)  { c->x[d->rd] = c->x[d->ra] + c->x[d->rn] * c->x[d->rm]; return d + 1; }
DP(exec_madd32)  { c->x[d->rd] = (uint32_t)(c->x[d->ra] + c->x[d->rn] * c->x[d->rm]); return d + 1; }
DP(exec_mul64)   { c->x[d->rd] = c->x[d->rn] * c->x[d->rm]; return d + 1; }
DP(exec_mul32)   { c->x[d->rd] = (uint32_t)(c->x[d->rn] * c->x[d->rm]); return d + 1; }
DP(exec_msub64)  { c->x[d->rd] = c->x[d->ra] - c->x[d->rn] * c->x[d->rm]; return d + 1; }
DP(exec_msub32)  { c->x[d->rd] = (uint32_t)(c->x[d->ra] - c->x[d->rn] * c->x[d->rm]); return d + 1; }
DP(exec_smaddl)  { c->x[d->rd] = c->x[d->ra] + (uint64_t)((int64_t)(int32_t)c->x[d->rn] * (int32_t)c->x[d->rm]); return d + 1; }
DP(exec_smsubl)  { c->x[d->rd] = c->x[d->ra] - (uint64_t)((int64_t)(int32_t)c->x[d->rn] * (int32_t)c->x[d->rm]); return d + 1; }
DP(exec_umaddl)  { c->x[d->rd] = c->x[d->ra] + (uint64_t)(uint32_t)c->x[d->rn] * (uint32_t)c->x[d->rm]; return d + 1; }
DP(exec_umsubl)  { c->x[d->rd] = c->x[d->ra] - (uint64_t)(uint32_t)c->x[d->rn] * (uint32_t)c->x[d->rm]; return d + 1; }
DP(exec_smulh)   { c->x[d->rd] = (uint64_t)(((__int128)(int64_t)c->x[d->rn] * (int64_t)c->x[d->rm]) >> 64); return d + 1; }
DP(exec_umulh)   { c->x[d->rd] = (uint64_t)(((unsigned __int128)c->x[d->rn] * c->x[d->rm]) >> 64); return d + 1; }

bool dec_dp3(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool sf = insn >> 31, o0 = (insn >> 15) & 1;
    unsigned ra = rf(insn, 10);
    d->rd = reg_dst(rf(insn, 0));
    d->rn = reg_zr(rf(insn, 5));
    d->rm = reg_zr(rf(insn, 16));
    d->ra = reg_zr(ra);
    switch ((insn >> 21) & 7) {
    case 0:
        if (!o0) d->fn = ra == 31 ? (sf ? exec_mul64 : exec_mul32) : (sf ? exec_madd64 : exec_madd32);
        else d->fn = sf ? exec_msub64 : exec_msub32;
        break;
    case 1: d->fn = o0 ? exec_smsubl : exec_smaddl; break;
    case 2: d->fn = exec_smulh; break;                     /* Ra is (1)(1)(1)(1)(1): ignored */
    case 5: d->fn = o0 ? exec_umsubl : exec_umaddl; break;
    case 6: d->fn = exec_umulh; break;
    default: return false;
    }
    return true;
}
