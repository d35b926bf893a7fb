/* cpu/insn_ldst.c — the integer loads and stores (Arm ARM "Loads and stores", A64 encodings
 * index chapter C4; rows in cpu/a64_ldst.def).
 *
 * Handler operands (struct dinsn):
 *   rd  Rt (reg_dst for loads, reg_zr for stores)     rn  Rn (reg_sp)
 *   ra  Rt2 (pairs), or the second status/destination register (CASP)
 *   rm  Rm (register offset) or Rs (exclusives, atomics)
 *   sz  access size in bytes (element size for pairs)
 *   a   addressing mode / atomic operation         b   shift amount, or kind
 *   imm pre-scaled, sign-extended offset
 *
 * Single-threaded model: all vCPUs run on one host thread, so a read-modify-write done by one
 * handler is single-copy atomic with respect to every other observer; acquire/release and the
 * ordering bits (A, L, o0) need no barrier and only add their alignment requirement.
 *
 * CONSTRAINED UNPREDICTABLE choices follow QEMU (and so Unicorn, which the differential tester
 * compares against):
 *   - load with writeback and Rn == Rt: Rt is written, then the writeback; Rn ends up holding
 *     the written-back address (one of the behaviours the Arm ARM appendix "Architectural Constraints on UNPREDICTABLE behaviors" permits).
 *   - store with writeback and Rn == Rt: the value stored is Rt before the writeback.
 *   - LDP with Rt == Rt2: Rt2 is written first, so Rt's (first element's) value remains.
 *   - LDXP with Rt == Rt2: the second element wins (QEMU writes Rt then Rt2).
 *   - STXR/STXP with Rs == Rt or Rs == Rn: the store uses the register values from before the
 *     status write; the status register is written last.
 *   - Should-be-one fields (Rs/Rt2 of exclusives, LDAR, STLR) are ignored, as QEMU does; Rt2
 *     of CAS/CASP and Rs of LDAPR must be 11111 (QEMU: UNDEFINED otherwise).
 *   - SP alignment checking (SCTLR_EL1.SA) is not performed for SP-based addressing, like
 *     QEMU ("omitted for the sake of guest performance").
 *
 * Faults: registers (including the base on writeback) are written only after every access of
 * the instruction succeeded. A store pair whose second element faults (the elements are in
 * different pages, or an MMIO device rejects it) leaves the first element written, as QEMU
 * does: the Arm ARM permits it, the memory written by a store that generates a synchronous
 * Data Abort being UNKNOWN (Arm ARM, "Single-copy atomicity" and the
 * description of Data Aborts on multi-register stores). */
#include "cpu/cpu_internal.h"
#include "cpu/translate.h"

/* ------------------------------------------------------------------ access helpers */

/* Like mem_read/mem_write, with an explicit TLB (EL0's for unprivileged accesses) and slow-path
 * flags. The fast path hits only aligned RAM accesses, so MEM_ALIGNED needs no check here. */
static inline bool ld_flags(struct cpu *c, const struct dinsn *d, struct soft_tlb *tlb, uint64_t va,
                            unsigned size, uint64_t *val, unsigned flags)
{
    const struct soft_tlb_entry *e = &tlb->r[soft_tlb_index(va)];
    if (likely(e->tag == (va & (PAGE_MASK | (size - 1))))) {
        *val = host_load((const void *)(uintptr_t)(va + e->addend), size);
        return true;
    }
    return mem_read_slow(c, d, va, size, val, flags);
}
static inline bool st_flags(struct cpu *c, const struct dinsn *d, struct soft_tlb *tlb, uint64_t va,
                            unsigned size, uint64_t val, unsigned flags)
{
    const struct soft_tlb_entry *e = &tlb->w[soft_tlb_index(va)];
    if (likely(e->tag == (va & (PAGE_MASK | (size - 1))))) {
        host_store((void *)(uintptr_t)(va + e->addend), size, val);
        return true;
    }
    return mem_write_slow(c, d, va, size, val, flags);
}

/* Host pointer for a read-modify-write of `size` bytes (up to 16) at va when the fast write TLB
 * maps it: the entry implies an aligned access inside one writable RAM page with no decoded
 * code. NULL: take the slow path. */
static inline uint8_t *rmw_fast(struct cpu *c, uint64_t va, unsigned size)
{
    const struct soft_tlb_entry *e = &c->tlb->w[soft_tlb_index(va)];
    if (likely(e->tag == (va & (PAGE_MASK | (size - 1)))))
        return (uint8_t *)(uintptr_t)(va + e->addend);
    return NULL;
}

/* Alignment fault for an access wider than 8 bytes (LDXP/STXP/CASP of X pairs: alignment to
 * the pair size, C6.2 LDXP). mem_host_ptr raises the Alignment fault (DFSC 0x21) itself
 * for a misaligned va with MEM_ALIGNED, through the same syndrome path as every data abort. */
static const struct dinsn *pair_alignment_fault(struct cpu *c, const struct dinsn *d, uint64_t va,
                                                unsigned size, bool write)
{
    (void)mem_host_ptr(c, d, va, size, write, MEM_ALIGNED | MEM_EXCL);
    return NULL;
}

static inline uint64_t size_mask(unsigned size) { return size == 8 ? ~0ull : (1ull << (8 * size)) - 1; }

/* A write that other PEs' exclusive monitors observe: clear their reservations on the same
 * Exclusives reservation granule (Arm ARM "Exclusive access instructions and shareable memory locations"; this model's ERG is 64 bytes, CTR_EL0.ERG = 4). */
#define ERG_MASK (~63ull)
static void monitor_clear_others(struct cpu *c, uint64_t va)
{
    struct cpu_shared *s = c->sh;
    for (unsigned i = 0; i < s->ncpus; i++) {
        struct cpu *o = s->cpus[i];
        if (o != c && o->excl_valid && ((o->excl_addr ^ va) & ERG_MASK) == 0) {
            o->excl_valid = false;
            cpu_send_event(o);   /* a global monitor leaving Exclusive Access sends an event (D1.16.1) */
        }
    }
}

/* ------------------------------------------------------------------ single register */

/* Access kinds of the single-register forms (size:opc, Arm ARM "Loads and Stores" encoding tables). */
enum { K_ST, K_LD, K_LDS64, K_LDS32, K_PRFM, K_BAD };
static unsigned ldst_kind(unsigned size, unsigned opc)
{
    if (opc == 0) return K_ST;
    if (opc == 1) return K_LD;
    if (size == 3) return opc == 2 ? K_PRFM : K_BAD;
    if (size == 2) return opc == 2 ? K_LDS64 : K_BAD;       /* LDRSW */
    return opc == 2 ? K_LDS64 : K_LDS32;                    /* LDRSB/LDRSH to X, to W */
}

/* Addressing modes. */
enum { M_OFF, M_PRE, M_POST, M_REG, M_UXTW, M_SXTW, M__COUNT };

#define EA_M_OFF   uint64_t va = c->x[d->rn] + d->imm;
#define EA_M_PRE   uint64_t va = c->x[d->rn] + d->imm;
#define EA_M_POST  uint64_t va = c->x[d->rn];
#define EA_M_REG   uint64_t va = c->x[d->rn] + (c->x[d->rm] << d->b);
#define EA_M_UXTW  uint64_t va = c->x[d->rn] + ((uint64_t)(uint32_t)c->x[d->rm] << d->b);
#define EA_M_SXTW  uint64_t va = c->x[d->rn] + ((uint64_t)(int64_t)(int32_t)c->x[d->rm] << d->b);
#define WB_M_OFF
#define WB_M_PRE   c->x[d->rn] = va;
#define WB_M_POST  c->x[d->rn] = va + d->imm;
#define WB_M_REG
#define WB_M_UXTW
#define WB_M_SXTW

#define EXT_K_LD(v, sz)    (v)
#define EXT_K_LDS64(v, sz) ((uint64_t)sext64((v), 8 * (sz)))
#define EXT_K_LDS32(v, sz) ((uint64_t)(uint32_t)sext64((v), 8 * (sz)))

#define DEF_LD(M, K, SZ)                                                                     \
    static const struct dinsn *exec_##K##_##SZ##_##M(struct cpu *c, const struct dinsn *d)  \
    {                                                                                        \
        EA_##M                                                                               \
        uint64_t v;                                                                          \
        if (!mem_read(c, d, va, SZ, &v)) return NULL;                                        \
        c->x[d->rd] = EXT_##K(v, SZ);                                                        \
        WB_##M                                                                               \
        return d + 1;                                                                        \
    }
#define DEF_ST(M, SZ)                                                                        \
    static const struct dinsn *exec_K_ST_##SZ##_##M(struct cpu *c, const struct dinsn *d)   \
    {                                                                                        \
        EA_##M                                                                               \
        if (!mem_write(c, d, va, SZ, c->x[d->rd])) return NULL;                              \
        WB_##M                                                                               \
        return d + 1;                                                                        \
    }
#define DEF_MODE(M)                                                                          \
    DEF_ST(M, 1) DEF_ST(M, 2) DEF_ST(M, 4) DEF_ST(M, 8)                                      \
    DEF_LD(M, K_LD, 1) DEF_LD(M, K_LD, 2) DEF_LD(M, K_LD, 4) DEF_LD(M, K_LD, 8)              \
    DEF_LD(M, K_LDS64, 1) DEF_LD(M, K_LDS64, 2) DEF_LD(M, K_LDS64, 4)                        \
    DEF_LD(M, K_LDS32, 1) DEF_LD(M, K_LDS32, 2)
DEF_MODE(M_OFF)
DEF_MODE(M_PRE)
DEF_MODE(M_POST)
DEF_MODE(M_REG)
DEF_MODE(M_UXTW)
DEF_MODE(M_SXTW)

#define ROW(M) {                                                                              \
    { exec_K_ST_1_##M, exec_K_ST_2_##M, exec_K_ST_4_##M, exec_K_ST_8_##M },                   \
    { exec_K_LD_1_##M, exec_K_LD_2_##M, exec_K_LD_4_##M, exec_K_LD_8_##M },                   \
    { exec_K_LDS64_1_##M, exec_K_LDS64_2_##M, exec_K_LDS64_4_##M, NULL },                     \
    { exec_K_LDS32_1_##M, exec_K_LDS32_2_##M, NULL, NULL } }
/* [mode][kind][log2 size]; NULL where the kind/size pair is unallocated (filtered earlier). */
static const exec_fn ldst_fns[M__COUNT][4][4] = {
    [M_OFF] = ROW(M_OFF), [M_PRE] = ROW(M_PRE), [M_POST] = ROW(M_POST),
    [M_REG] = ROW(M_REG), [M_UXTW] = ROW(M_UXTW), [M_SXTW] = ROW(M_SXTW),
};

/* Register fields of a single-register form: Rt is a source (XZR) for stores and a
 * destination (discarded) for loads; Rn = 31 is SP. */
static bool dec_single(struct dinsn *d, uint32_t insn, unsigned mode)
{
    unsigned size = insn >> 30, kind = ldst_kind(size, (insn >> 22) & 3);
    if (kind == K_BAD || kind == K_PRFM) return false;      /* PRFM rows come first */
    d->sz = (uint8_t)(1u << size);
    d->rn = reg_sp(rf(insn, 5));
    d->rd = kind == K_ST ? reg_zr(rf(insn, 0)) : reg_dst(rf(insn, 0));
    d->fn = ldst_fns[mode][kind][size];
    d->b = (uint8_t)kind;
    return d->fn != NULL;
}

/* LDR/STR (unsigned immediate): imm12 scaled by the access size, pre-computed here. */
bool dec_ldst_uimm(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    d->imm = (uint64_t)((insn >> 10) & 0xfff) << (insn >> 30);
    return dec_single(d, insn, M_OFF);
}

/* Unprivileged LDTR/STTR family (C6.2 LDTR): at EL1 the access is checked with EL0's
 * permissions (AArch64.CheckPermission with acctype UNPRIV) unless PSTATE.UAO is set
 * (FEAT_UAO); at EL0 it is an ordinary access. EL0 permissions use EL0's fast TLB. */
static const struct dinsn *exec_ldst_unpriv(struct cpu *c, const struct dinsn *d)
{
    uint64_t va = c->x[d->rn] + d->imm, v;
    bool unpriv = c->el == 1 && !c->uao;
    struct soft_tlb *tlb = unpriv ? &c->tlb_el[0] : c->tlb;
    unsigned flags = unpriv ? MEM_UNPRIV : 0;
    unsigned sz = d->sz;
    switch (d->b) {
    case K_ST:
        if (!st_flags(c, d, tlb, va, sz, c->x[d->rd], flags)) return NULL;
        return d + 1;
    case K_LD:
        if (!ld_flags(c, d, tlb, va, sz, &v, flags)) return NULL;
        break;
    case K_LDS64:
        if (!ld_flags(c, d, tlb, va, sz, &v, flags)) return NULL;
        v = (uint64_t)sext64(v, 8 * sz);
        break;
    default:
        if (!ld_flags(c, d, tlb, va, sz, &v, flags)) return NULL;
        v = (uint32_t)sext64(v, 8 * sz);
        break;
    }
    c->x[d->rd] = v;
    return d + 1;
}

/* 9-bit signed immediate forms: unscaled (LDUR/STUR), post-index, unprivileged, pre-index. */
bool dec_ldst_imm9(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    static const unsigned modes[4] = { M_OFF, M_POST, M_OFF, M_PRE };
    unsigned idx = (insn >> 10) & 3;
    d->imm = (uint64_t)sext64((insn >> 12) & 0x1ff, 9);
    if (!dec_single(d, insn, modes[idx])) return false;
    if (idx == 2) d->fn = exec_ldst_unpriv;
    return true;
}

/* Register offset: option<1> = 0 is unallocated (UXTB/UXTH/SXTB/SXTH are not offsets);
 * LSL and SXTX use the full Xm; S shifts by log2(size) (C6.2 LDR (register)). */
bool dec_ldst_regoff(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned option = (insn >> 13) & 7, size = insn >> 30;
    if (!(option & 2)) return false;
    unsigned mode = option == 2 ? M_UXTW : option == 6 ? M_SXTW : M_REG;
    d->rm = reg_zr(rf(insn, 16));
    if (!dec_single(d, insn, mode)) return false;
    d->b = (uint8_t)(((insn >> 12) & 1) ? size : 0);     /* dec_single used b for the kind */
    return true;
}

/* PRFM/PRFUM (all forms): hints; they never fault (C6.2 PRFM: "a PRFM to an address that
 * would fault does not generate an exception"). Only the register form's option is checked
 * for allocation, as for any register-offset load. */
static const struct dinsn *exec_prfm(struct cpu *c, const struct dinsn *d) { return d + 1; }
bool dec_prfm(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool regoff = (insn & 0x3b200c00) == 0x38200800;
    if (regoff && !((insn >> 13) & 2)) return false;
    d->fn = exec_prfm;
    return true;
}

/* LDR (literal): PC-relative, imm19 * 4. opc 00 LDR Wt, 01 LDR Xt, 10 LDRSW. */
static const struct dinsn *exec_ldr_lit(struct cpu *c, const struct dinsn *d)
{
    uint64_t v;
    if (!mem_read(c, d, pc_of(c, d) + d->imm, d->sz, &v)) return NULL;
    c->x[d->rd] = d->b ? (uint64_t)sext64(v, 32) : v;
    return d + 1;
}
bool dec_ldr_lit(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned opc = insn >> 30;
    d->imm = (uint64_t)sext64((insn >> 5) & 0x7ffff, 19) << 2;
    d->rd = reg_dst(rf(insn, 0));
    d->sz = opc == 1 ? 8 : 4;
    d->b = opc == 2;
    d->fn = exec_ldr_lit;
    return true;
}

/* ------------------------------------------------------------------ pairs */

/* Pair modes in d->a. */
enum { P_OFF, P_POST, P_PRE };

/* Generic pair load (LDP W/X, LDPSW, LDNP; any index mode). Both elements are read before any
 * register is written (C6.2 LDP: a fault on either leaves the registers unchanged). */
static const struct dinsn *exec_ldp(struct cpu *c, const struct dinsn *d)
{
    uint64_t base = c->x[d->rn];
    uint64_t va = d->a == P_POST ? base : base + d->imm;
    unsigned sz = d->sz;
    uint64_t v1, v2;
    if (!mem_read(c, d, va, sz, &v1)) return NULL;
    if (!mem_read(c, d, va + sz, sz, &v2)) return NULL;
    if (d->b) { v1 = (uint64_t)sext64(v1, 32); v2 = (uint64_t)sext64(v2, 32); }   /* LDPSW */
    c->x[d->ra] = v2;
    c->x[d->rd] = v1;
    if (d->a == P_POST) c->x[d->rn] = base + d->imm;
    else if (d->a == P_PRE) c->x[d->rn] = va;
    return d + 1;
}

static const struct dinsn *exec_stp(struct cpu *c, const struct dinsn *d)
{
    uint64_t base = c->x[d->rn];
    uint64_t va = d->a == P_POST ? base : base + d->imm;
    unsigned sz = d->sz;
    uint64_t v1 = c->x[d->rd], v2 = c->x[d->ra];
    if (!mem_write(c, d, va, sz, v1)) return NULL;
    if (!mem_write(c, d, va + sz, sz, v2)) return NULL;    /* first element stays written */
    if (d->a == P_POST) c->x[d->rn] = base + d->imm;
    else if (d->a == P_PRE) c->x[d->rn] = va;
    return d + 1;
}

/* The hot forms (function prologues/epilogues, struct copies): LDP/STP X with a signed offset
 * or pre/post-index. One TLB compare covers both elements when the pair does not cross the
 * page (the tag check makes va 8-aligned, so va + 8 is in the page iff offset <= 0xff0). */
#define DEF_PAIR_X(M, EA, WB)                                                                 \
    static const struct dinsn *exec_ldp_x_##M(struct cpu *c, const struct dinsn *d)          \
    {                                                                                         \
        uint64_t base = c->x[d->rn], va = EA;                                                 \
        const struct soft_tlb_entry *e = &c->tlb->r[soft_tlb_index(va)];                      \
        if (likely(e->tag == (va & (PAGE_MASK | 7)) && (va & 0xfff) <= 0xff0)) {              \
            const uint8_t *p = (const uint8_t *)(uintptr_t)(va + e->addend);                  \
            uint64_t v1 = host_load(p, 8), v2 = host_load(p + 8, 8);                          \
            c->x[d->ra] = v2;                                                                 \
            c->x[d->rd] = v1;                                                                 \
            WB                                                                                \
            return d + 1;                                                                     \
        }                                                                                     \
        return exec_ldp(c, d);                                                                \
    }                                                                                         \
    static const struct dinsn *exec_stp_x_##M(struct cpu *c, const struct dinsn *d)          \
    {                                                                                         \
        uint64_t base = c->x[d->rn], va = EA;                                                 \
        const struct soft_tlb_entry *e = &c->tlb->w[soft_tlb_index(va)];                      \
        if (likely(e->tag == (va & (PAGE_MASK | 7)) && (va & 0xfff) <= 0xff0)) {              \
            uint8_t *p = (uint8_t *)(uintptr_t)(va + e->addend);                              \
            host_store(p, 8, c->x[d->rd]);                                                    \
            host_store(p + 8, 8, c->x[d->ra]);                                                \
            WB                                                                                \
            return d + 1;                                                                     \
        }                                                                                     \
        return exec_stp(c, d);                                                                \
    }
DEF_PAIR_X(off, base + d->imm, (void)base;)
DEF_PAIR_X(pre, base + d->imm, c->x[d->rn] = va;)
DEF_PAIR_X(post, base, c->x[d->rn] = base + d->imm;)

/* LDP/STP/LDPSW/LDNP/STNP (Arm ARM encoding index "Load/store register pair"): opc 00 32-bit, 10 64-bit,
 * 01 LDPSW (load, not the no-allocate slot; 01 with L = 0 is STGP, FEAT_MTE), 11 unallocated.
 * LDP with Rt == Rt2 and writeback with Rn == Rt/Rt2 are CONSTRAINED UNPREDICTABLE: executed
 * as QEMU does (see the top of the file). */
bool dec_ldst_pair(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned opc = insn >> 30, idx = (insn >> 23) & 7, load = (insn >> 22) & 1;
    if (opc == 3) return false;
    if (opc == 1 && (!load || idx == 0)) return false;
    unsigned scale = opc == 2 ? 3 : 2;
    d->sz = (uint8_t)(1u << scale);
    d->b = opc == 1;
    d->imm = (uint64_t)sext64((insn >> 15) & 0x7f, 7) << scale;
    d->rn = reg_sp(rf(insn, 5));
    d->rd = load ? reg_dst(rf(insn, 0)) : reg_zr(rf(insn, 0));
    d->ra = load ? reg_dst(rf(insn, 10)) : reg_zr(rf(insn, 10));
    d->a = idx == 1 ? P_POST : idx == 3 ? P_PRE : P_OFF;
    if (opc == 2) {
        static const exec_fn ldx[3] = { exec_ldp_x_off, exec_ldp_x_post, exec_ldp_x_pre };
        static const exec_fn stx[3] = { exec_stp_x_off, exec_stp_x_post, exec_stp_x_pre };
        d->fn = load ? ldx[d->a] : stx[d->a];
    } else {
        d->fn = load ? exec_ldp : exec_stp;
    }
    return true;
}

/* ------------------------------------------------------------------ exclusives, ordered */

/* Exclusive monitor (Arm ARM "Synchronization and semaphores"). The local monitor is
 * c->excl_valid/excl_addr/excl_size, holding the VA (as QEMU does; the model's vCPUs share one
 * address space view per machine). A store-exclusive succeeds when the monitor holds the same
 * address and size AND memory still holds the value LDXR read (excl_val): with one host thread,
 * another vCPU's plain store between our LDXR and STXR would otherwise go unnoticed (the global
 * monitor would have been cleared by it on hardware). A successful store-exclusive clears the
 * other vCPUs' reservations on the same granule. */
static const struct dinsn *exec_ldxr(struct cpu *c, const struct dinsn *d)
{
    uint64_t va = c->x[d->rn], v;
    if (!ld_flags(c, d, c->tlb, va, d->sz, &v, MEM_ALIGNED | MEM_EXCL)) return NULL;
    c->excl_valid = true;
    c->excl_addr = va;
    c->excl_size = d->sz;
    c->excl_val[0] = v;
    c->x[d->rd] = v;
    return d + 1;
}

static const struct dinsn *exec_stxr(struct cpu *c, const struct dinsn *d)
{
    uint64_t va = c->x[d->rn], v = c->x[d->rd] & size_mask(d->sz);
    unsigned sz = d->sz;
    /* No access at all when the monitor does not match (QEMU; the Arm ARM leaves whether a
     * failing store-exclusive can abort CONSTRAINED UNPREDICTABLE). */
    if (!c->excl_valid || c->excl_addr != va || c->excl_size != sz) {
        c->excl_valid = false;
        c->x[d->rm] = 1;
        return d + 1;
    }
    uint64_t status = 1;
    uint8_t *p = rmw_fast(c, va, sz);
    if (p) {
        if (host_load(p, sz) == c->excl_val[0]) { host_store(p, sz, v); status = 0; }
    } else {
        /* Slow path (first touch, MMIO, code page). A translation fault here is reported as a
         * read (WnR = 0); a read-only page faults on the write with WnR = 1. */
        uint64_t cur;
        if (!mem_read_slow(c, d, va, sz, &cur, MEM_ALIGNED | MEM_EXCL)) return NULL;
        if (cur == c->excl_val[0]) {
            if (!mem_write_slow(c, d, va, sz, v, MEM_ALIGNED | MEM_EXCL)) return NULL;
            status = 0;
        }
    }
    c->excl_valid = false;
    if (!status) monitor_clear_others(c, va);
    c->x[d->rm] = status;
    return d + 1;
}

/* LDXP/LDAXP: 2 x 32 bits is one 64-bit single-copy atomic access; 2 x 64 bits must be
 * 16-byte aligned (C6.2 LDXP: alignment to the total size). */
static const struct dinsn *exec_ldxp(struct cpu *c, const struct dinsn *d)
{
    uint64_t va = c->x[d->rn], v1, v2;
    if (d->sz == 4) {
        uint64_t v;
        if (!ld_flags(c, d, c->tlb, va, 8, &v, MEM_ALIGNED | MEM_EXCL)) return NULL;
        v1 = (uint32_t)v;
        v2 = v >> 32;
        c->excl_val[0] = v;
        c->excl_size = 8;
    } else {
        if (va & 15) return pair_alignment_fault(c, d, va, 16, false);
        if (!ld_flags(c, d, c->tlb, va, 8, &v1, MEM_ALIGNED | MEM_EXCL)) return NULL;
        if (!ld_flags(c, d, c->tlb, va + 8, 8, &v2, MEM_ALIGNED | MEM_EXCL)) return NULL;
        c->excl_val[0] = v1;
        c->excl_val[1] = v2;
        c->excl_size = 16;
    }
    c->excl_valid = true;
    c->excl_addr = va;
    c->x[d->rd] = v1;
    c->x[d->ra] = v2;
    return d + 1;
}

static const struct dinsn *exec_stxp(struct cpu *c, const struct dinsn *d)
{
    uint64_t va = c->x[d->rn];
    unsigned total = 2u * d->sz;
    uint64_t v1 = c->x[d->rd], v2 = c->x[d->ra];
    if (!c->excl_valid || c->excl_addr != va || c->excl_size != total) {
        c->excl_valid = false;
        c->x[d->rm] = 1;
        return d + 1;
    }
    uint64_t status = 1;
    if (total == 8) {
        uint64_t v = (uint32_t)v1 | v2 << 32;
        uint8_t *p = rmw_fast(c, va, 8);
        if (p) {
            if (host_load(p, 8) == c->excl_val[0]) { host_store(p, 8, v); status = 0; }
        } else {
            uint64_t cur;
            if (!mem_read_slow(c, d, va, 8, &cur, MEM_ALIGNED | MEM_EXCL)) return NULL;
            if (cur == c->excl_val[0]) {
                if (!mem_write_slow(c, d, va, 8, v, MEM_ALIGNED | MEM_EXCL)) return NULL;
                status = 0;
            }
        }
    } else {
        uint8_t *p = rmw_fast(c, va, 16);
        if (p) {
            if (host_load(p, 8) == c->excl_val[0] && host_load(p + 8, 8) == c->excl_val[1]) {
                host_store(p, 8, v1);
                host_store(p + 8, 8, v2);
                status = 0;
            }
        } else {
            uint64_t c1, c2;
            if (!mem_read_slow(c, d, va, 8, &c1, MEM_ALIGNED | MEM_EXCL)) return NULL;
            if (!mem_read_slow(c, d, va + 8, 8, &c2, MEM_ALIGNED | MEM_EXCL)) return NULL;
            if (c1 == c->excl_val[0] && c2 == c->excl_val[1]) {
                if (!mem_write_slow(c, d, va, 8, v1, MEM_ALIGNED | MEM_EXCL)) return NULL;
                if (!mem_write_slow(c, d, va + 8, 8, v2, MEM_ALIGNED | MEM_EXCL)) return NULL;
                status = 0;
            }
        }
    }
    c->excl_valid = false;
    if (!status) monitor_clear_others(c, va);
    c->x[d->rm] = status;
    return d + 1;
}

/* STXR, STLXR, LDXR, LDAXR (size 00..11) and STXP, STLXP, LDXP, LDAXP (sz = bit 30). */
bool dec_ldst_excl(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool load = (insn >> 22) & 1, pair = (insn >> 21) & 1;
    unsigned size = insn >> 30;
    d->rn = reg_sp(rf(insn, 5));
    d->rm = reg_dst(rf(insn, 16));                  /* Rs: status of store-exclusives */
    d->rd = load ? reg_dst(rf(insn, 0)) : reg_zr(rf(insn, 0));
    d->ra = load ? reg_dst(rf(insn, 10)) : reg_zr(rf(insn, 10));
    if (pair) {
        d->sz = (size & 1) ? 8 : 4;
        d->fn = load ? exec_ldxp : exec_stxp;
    } else {
        d->sz = (uint8_t)(1u << size);
        d->fn = load ? exec_ldxr : exec_stxr;
    }
    return true;
}

/* LDAR/STLR/LDAPR: ordinary accesses that must be naturally aligned whatever the memory type
 * (Arm ARM "Load-Acquire, Store-Release"; Alignment fault otherwise). */
static const struct dinsn *exec_ldar(struct cpu *c, const struct dinsn *d)
{
    uint64_t v;
    if (!ld_flags(c, d, c->tlb, c->x[d->rn], d->sz, &v, MEM_ALIGNED | MEM_ACQREL)) return NULL;
    c->x[d->rd] = v;
    return d + 1;
}
static const struct dinsn *exec_stlr(struct cpu *c, const struct dinsn *d)
{
    if (!st_flags(c, d, c->tlb, c->x[d->rn], d->sz, c->x[d->rd], MEM_ALIGNED | MEM_ACQREL)) return NULL;
    return d + 1;
}
bool dec_ldst_ordered(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    bool load = (insn >> 22) & 1;
    d->sz = (uint8_t)(1u << (insn >> 30));
    d->rn = reg_sp(rf(insn, 5));
    d->rd = load ? reg_dst(rf(insn, 0)) : reg_zr(rf(insn, 0));
    d->fn = load ? exec_ldar : exec_stlr;
    return true;
}
/* LDAPR/LDAPRH/LDAPRB (FEAT_LRCPC): RCpc acquire, the same as LDAR on a single thread. */
bool dec_ldapr(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    d->sz = (uint8_t)(1u << (insn >> 30));
    d->rn = reg_sp(rf(insn, 5));
    d->rd = reg_dst(rf(insn, 0));
    d->fn = exec_ldar;
    return true;
}

/* ------------------------------------------------------------------ LSE atomics (FEAT_LSE) */

/* Atomic operations in d->a: o3:opc. */
enum { AOP_ADD, AOP_CLR, AOP_EOR, AOP_SET, AOP_SMAX, AOP_SMIN, AOP_UMAX, AOP_UMIN, AOP_SWP };

static inline uint64_t atomic_op(unsigned op, uint64_t old, uint64_t s, unsigned sz)
{
    unsigned bits = 8 * sz;
    switch (op) {
    case AOP_ADD: return old + s;
    case AOP_CLR: return old & ~s;
    case AOP_EOR: return old ^ s;
    case AOP_SET: return old | s;
    case AOP_SMAX: return sext64(old, bits) > sext64(s, bits) ? old : s;
    case AOP_SMIN: return sext64(old, bits) < sext64(s, bits) ? old : s;
    case AOP_UMAX: return (old & size_mask(sz)) > (s & size_mask(sz)) ? old : s;
    case AOP_UMIN: return (old & size_mask(sz)) < (s & size_mask(sz)) ? old : s;
    default: return s;                              /* SWP */
    }
}

/* LD<op>{A,L,AL}{B,H,,} and SWP{A,L,AL}{B,H,,} (C6.2 LDADD etc.; ST<op> is Rt = XZR).
 * The access is a read-modify-write that must be aligned (MEM_ALIGNED: Alignment fault
 * otherwise). On the slow path it is a read followed by a write, which also yields the
 * architectural WnR: 0 when the read would fault, 1 when only the write does (ESR_ELx ISS
 * WnR, "for atomic instructions that both read and write"). */
static const struct dinsn *exec_atomic(struct cpu *c, const struct dinsn *d)
{
    uint64_t va = c->x[d->rn], s = c->x[d->rm], old;
    unsigned sz = d->sz;
    uint8_t *p = rmw_fast(c, va, sz);
    if (likely(p != NULL)) {
        old = host_load(p, sz);
        host_store(p, sz, atomic_op(d->a, old, s, sz));
    } else {
        if (!mem_read_slow(c, d, va, sz, &old, MEM_ALIGNED | MEM_EXCL)) return NULL;
        if (!mem_write_slow(c, d, va, sz, atomic_op(d->a, old, s, sz) & size_mask(sz), MEM_ALIGNED | MEM_EXCL))
            return NULL;
    }
    if (c->sh->ncpus > 1) monitor_clear_others(c, va);
    c->x[d->rd] = old;
    return d + 1;
}

bool dec_atomic(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned o3 = (insn >> 15) & 1, opc = (insn >> 12) & 7;
    if (o3 && opc != 0) return false;               /* LDAPR has its own row; rest unallocated */
    d->a = (uint8_t)(o3 ? AOP_SWP : opc);
    d->sz = (uint8_t)(1u << (insn >> 30));
    d->rm = reg_zr(rf(insn, 16));
    d->rn = reg_sp(rf(insn, 5));
    d->rd = reg_dst(rf(insn, 0));
    d->fn = exec_atomic;
    return true;
}

/* CAS{A,L,AL}{B,H,,} (C6.2 CAS): Rs holds the compare value and receives the old value; Rt is
 * the new value. The access is checked for read and write permission whether or not the
 * comparison succeeds (AccType_ATOMICRW in AArch64.CheckPermission), so the slow path writes
 * the old value back when the comparison fails; the fast path only hits writable pages. */
static const struct dinsn *exec_cas(struct cpu *c, const struct dinsn *d)
{
    uint64_t va = c->x[d->rn], cmp = c->x[d->rm] & size_mask(d->sz), nv = c->x[d->rd], old;
    unsigned sz = d->sz;
    uint8_t *p = rmw_fast(c, va, sz);
    if (likely(p != NULL)) {
        old = host_load(p, sz);
        if (old == cmp) host_store(p, sz, nv);
    } else {
        if (!mem_read_slow(c, d, va, sz, &old, MEM_ALIGNED | MEM_EXCL)) return NULL;
        uint64_t w = old == cmp ? nv & size_mask(sz) : old;
        if (!mem_write_slow(c, d, va, sz, w, MEM_ALIGNED | MEM_EXCL)) return NULL;
    }
    if (old == cmp && c->sh->ncpus > 1) monitor_clear_others(c, va);
    c->x[d->ra] = old;
    return d + 1;
}
bool dec_cas(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned rs = rf(insn, 16);
    d->sz = (uint8_t)(1u << (insn >> 30));
    d->rm = reg_zr(rs);
    d->ra = reg_dst(rs);
    d->rn = reg_sp(rf(insn, 5));
    d->rd = reg_zr(rf(insn, 0));
    d->fn = exec_cas;
    return true;
}

/* CASP{A,L,AL} (C6.2 CASP): <Rs,Rs+1> compared with and receiving the pair at [Xn],
 * <Rt,Rt+1> the new pair; 32-bit pairs are one 64-bit access, 64-bit pairs need 16-byte
 * alignment. Rs or Rt odd is UNDEFINED. Rs+1 / Rt+1 = 31 name XZR. */
static const struct dinsn *exec_casp(struct cpu *c, const struct dinsn *d)
{
    uint64_t va = c->x[d->rn];
    uint64_t s1 = c->x[d->rm], s2 = c->x[d->b], t1 = c->x[d->rd], t2 = c->x[d->rd + 1];
    uint64_t o1, o2;
    if (d->sz == 4) {
        uint64_t cmp = (uint32_t)s1 | s2 << 32, nv = (uint32_t)t1 | t2 << 32, old;
        uint8_t *p = rmw_fast(c, va, 8);
        if (p) {
            old = host_load(p, 8);
            if (old == cmp) host_store(p, 8, nv);
        } else {
            if (!mem_read_slow(c, d, va, 8, &old, MEM_ALIGNED | MEM_EXCL)) return NULL;
            if (!mem_write_slow(c, d, va, 8, old == cmp ? nv : old, MEM_ALIGNED | MEM_EXCL)) return NULL;
        }
        o1 = (uint32_t)old;
        o2 = old >> 32;
    } else {
        if (va & 15) return pair_alignment_fault(c, d, va, 16, true);
        uint8_t *p = rmw_fast(c, va, 16);
        if (p) {
            o1 = host_load(p, 8);
            o2 = host_load(p + 8, 8);
            if (o1 == s1 && o2 == s2) { host_store(p, 8, t1); host_store(p + 8, 8, t2); }
        } else {
            if (!mem_read_slow(c, d, va, 8, &o1, MEM_ALIGNED | MEM_EXCL)) return NULL;
            if (!mem_read_slow(c, d, va + 8, 8, &o2, MEM_ALIGNED | MEM_EXCL)) return NULL;
            bool eq = o1 == s1 && o2 == s2;
            if (!mem_write_slow(c, d, va, 8, eq ? t1 : o1, MEM_ALIGNED | MEM_EXCL)) return NULL;
            if (!mem_write_slow(c, d, va + 8, 8, eq ? t2 : o2, MEM_ALIGNED | MEM_EXCL)) return NULL;
        }
    }
    if (c->sh->ncpus > 1) monitor_clear_others(c, va);
    c->x[d->ra] = o2;
    c->x[d->rm] = o1;
    return d + 1;
}
bool dec_casp(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned rs = rf(insn, 16), rt = rf(insn, 0);
    if ((rs | rt) & 1) return false;
    d->sz = ((insn >> 30) & 1) ? 8 : 4;
    d->rm = (uint8_t)rs;                    /* even, so never 31 */
    d->b = reg_zr(rs + 1);                  /* Rs+1 as a source: 31 reads as zero */
    d->ra = reg_dst(rs + 1);                /* Rs+1 as a destination: 31 is discarded */
    d->rd = (uint8_t)rt;                    /* Rt+1 = rd + 1; 31 reads as zero */
    d->rn = reg_sp(rf(insn, 5));
    d->fn = exec_casp;
    return true;
}
