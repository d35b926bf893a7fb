/* mmu/walk.c — the VMSAv8-64 translation table walker, written once for every regime.
 *
 * Arm ARM D8 "The AArch64 Virtual Memory System Architecture":
 *   D8.1/D8.2  translation regimes, input address ranges, TxSZ, TBI, EPDn, the start level;
 *   D8.3       descriptor formats (table, block, page; reserved encodings fault);
 *   D8.4       memory access control: AP[2:1], UXN/PXN, APTable/UXNTable/PXNTable, WXN, PAN,
 *              and stage 2 S2AP / XN;
 *   D8.5/D8.6  memory attributes: MAIR AttrIndx at stage 1, MemAttr at stage 2, combining;
 *   D8.14/D17.2.37 fault kinds and the DFSC/IFSC encodings.
 * The ordering of checks follows the architecture's pseudocode: translation fault (range, EPD,
 * invalid or reserved descriptor) < address size fault (TTBR, table and output addresses beyond
 * {I}PS) < access flag fault < permission fault; a stage-1 fault has priority over a stage-2 fault
 * on the final IPA, while a stage-2 fault on a stage-1 table walk (S1PTW) is reported when met.
 *
 * The walker keeps no state: it reads descriptors through the caller's mmu_desc_reader and
 * fills a struct mmu_result. Caching lives in the users' TLBs. */
#include <stdlib.h>
#include <string.h>
#include "mmu/mmu.h"

/* Descriptor bits (D8.3). */
#define DESC_VALID      (1ull << 0)
#define DESC_TABLE      (1ull << 1)      /* table (levels 0-2) or page (level 3) */
#define DESC_AF         (1ull << 10)
#define DESC_NG         (1ull << 11)
#define DESC_CONTIG     (1ull << 52)
#define DESC_PXN        (1ull << 53)
#define DESC_UXN        (1ull << 54)     /* UXN for two-range regimes, XN for EL2 and stage 2 */
#define TABLE_PXNTABLE  (1ull << 59)
#define TABLE_UXNTABLE  (1ull << 60)     /* XNTable in the EL2 regime */
#define TABLE_APT_NOEL0 (1ull << 61)     /* APTable[0]: no EL0 access below (RES0 at EL2) */
#define TABLE_APT_RO    (1ull << 62)     /* APTable[1]: no write access below */
#define OA_TOP_BIT      47               /* no FEAT_LPA: output address bits [47:n] */

static inline uint64_t bits_from(unsigned lo) { return ~0ull << lo; }
static inline uint64_t oa_mask(unsigned lo) { return bits_from(lo) & ((2ull << OA_TOP_BIT) - 1); }

unsigned mmu_ps_bits(unsigned ps)
{
    /* D17.2.131 TCR_EL1.IPS: 000 32, 001 36, 010 40, 011 42, 100 44, 101 48, 110 52 (only with
     * FEAT_LPA; without it this walker treats it, and reserved values, as 48). */
    static const unsigned bits[8] = { 32, 36, 40, 42, 44, 48, 48, 48 };
    return bits[ps & 7];
}

static unsigned min_u(unsigned a, unsigned b) { return a < b ? a : b; }

/* TxSZ limits for 64-bit descriptors without FEAT_LVA/FEAT_TTST: 16 ≤ TxSZ ≤ 39. Out-of-range
 * values are CONSTRAINED UNPREDICTABLE; this model takes the "behave as the nearest limit"
 * choice (D8.2.? "Input address size configuration"). */
static unsigned clamp_txsz(unsigned t) { return t < 16 ? 16 : t > 39 ? 39 : t; }

static unsigned tg0_shift(unsigned tg0)   /* TCR.TG0/VTCR.TG0: 00 4K, 01 64K, 10 16K */
{
    return tg0 == 1 ? 16 : tg0 == 2 ? 14 : 12;   /* 11 reserved: IMPLEMENTATION DEFINED → 4K */
}
static unsigned tg1_shift(unsigned tg1)   /* TCR_EL1.TG1: 01 16K, 10 4K, 11 64K */
{
    return tg1 == 1 ? 14 : tg1 == 3 ? 16 : 12;   /* 00 reserved → 4K */
}

void mmu_regime_el10(struct mmu_regime *r, uint64_t tcr, uint64_t ttbr0, uint64_t ttbr1,
                     uint64_t mair, uint64_t sctlr, unsigned pa_bits)
{
    memset(r, 0, sizeof *r);
    r->stage = MMU_STAGE1;
    r->two_ranges = true;
    r->range[0] = (struct mmu_range){
        .ttbr = ttbr0, .txsz = clamp_txsz(tcr & 0x3f), .granule_shift = tg0_shift((tcr >> 14) & 3),
        .epd = (tcr >> 7) & 1, .tbi = (tcr >> 37) & 1 };
    r->range[1] = (struct mmu_range){
        .ttbr = ttbr1, .txsz = clamp_txsz((tcr >> 16) & 0x3f), .granule_shift = tg1_shift((tcr >> 30) & 3),
        .epd = (tcr >> 23) & 1, .tbi = (tcr >> 38) & 1 };
    r->oa_bits = min_u(mmu_ps_bits((tcr >> 32) & 7), pa_bits);
    r->mair = mair;
    /* TCR_EL1.A1 selects the TTBR holding the ASID, TCR_EL1.AS its width (8 or 16 bits). */
    uint64_t asid = ((tcr >> 22) & 1 ? ttbr1 : ttbr0) >> 48;
    r->asid = (uint16_t)((tcr >> 36) & 1 ? asid : asid & 0xff);
    r->wxn = (sctlr >> 19) & 1;
}

void mmu_regime_el2(struct mmu_regime *r, uint64_t tcr, uint64_t ttbr0, uint64_t mair,
                    uint64_t sctlr, unsigned pa_bits)
{
    /* TCR_EL2 with HCR_EL2.E2H == 0: one range, TBI in bit 20, PS in [18:16]. */
    memset(r, 0, sizeof *r);
    r->stage = MMU_STAGE1;
    r->el2 = true;
    r->range[0] = (struct mmu_range){
        .ttbr = ttbr0, .txsz = clamp_txsz(tcr & 0x3f), .granule_shift = tg0_shift((tcr >> 14) & 3),
        .tbi = (tcr >> 20) & 1 };
    r->oa_bits = min_u(mmu_ps_bits((tcr >> 16) & 7), pa_bits);
    r->mair = mair;
    r->wxn = (sctlr >> 19) & 1;
}

void mmu_regime_stage2(struct mmu_regime *r, uint64_t vtcr, uint64_t vttbr, unsigned pa_bits)
{
    memset(r, 0, sizeof *r);
    r->stage = MMU_STAGE2;
    unsigned t0sz = vtcr & 0x3f;
    unsigned g = tg0_shift((vtcr >> 14) & 3);
    r->range[0] = (struct mmu_range){ .ttbr = vttbr, .txsz = t0sz < 16 ? 16 : t0sz, .granule_shift = g };
    r->oa_bits = min_u(mmu_ps_bits((vtcr >> 16) & 7), pa_bits);
    r->vmid = (uint16_t)((vtcr >> 19) & 1 ? vttbr >> 48 : (vttbr >> 48) & 0xff);   /* VTCR_EL2.VS */
    /* VTCR_EL2.SL0 (D17.2.? VTCR_EL2): 4K: 0 → level 2, 1 → level 1, 2 → level 0;
     * 16K/64K: 0 → level 3, 1 → level 2, 2 → level 1; 3 is reserved (FEAT_TTST/LPA2 only). */
    unsigned sl0 = (vtcr >> 6) & 3;
    bool ok = sl0 != 3;
    unsigned sl = g == 12 ? 2 - (sl0 & 3) : 3 - (sl0 & 3);
    if (!ok) sl = 0;
    /* The start level must leave between 1 and stride+4 bits to resolve there, i.e. a root of
     * at most 16 concatenated tables (AArch64.S2InconsistentSL in the pseudocode). */
    unsigned stride = g - 3, isz = 64 - r->range[0].txsz;
    int startsize = (int)isz - (int)((3 - sl) * stride + g);
    if (startsize < 1 || startsize > (int)stride + 4) ok = false;
    if (isz > 48) ok = false;
    r->start_level = sl;
    r->s2_config_ok = ok;
}

unsigned mmu_fault_fsc(const struct mmu_fault *f)
{
    unsigned lvl = f->level & 3;
    switch (f->kind) {
    case MMU_FAULT_ADDR_SIZE:   return 0x00 | lvl;
    case MMU_FAULT_TRANSLATION: return 0x04 | lvl;
    case MMU_FAULT_ACCESS_FLAG: return 0x08 | lvl;
    case MMU_FAULT_PERMISSION:  return 0x0c | lvl;
    case MMU_FAULT_EXT_WALK:    return 0x14 | lvl;
    default:                    return 0;
    }
}

/* ---------------------------------------------------------------- permissions */

/* Stage 1 leaf permissions (D8.4.1 "Data access permissions", D8.4.2 "Instruction access
 * permissions", with the hierarchical controls of D8.4.? applied by the caller to `ap`/`xn`). */
static unsigned s1_perms(const struct mmu_regime *r, bool ap1_el0, bool ap2_ro, bool uxn, bool pxn)
{
    if (r->el2) {
        /* One privilege level: AP[1] is RES1, PXN RES0, UXN is XN. Reported as EL1 ("privileged")
         * rights. */
        bool w = !ap2_ro;
        bool x = !uxn && !(r->wxn && w);
        return MMU_PERM_EL1_R | (w ? MMU_PERM_EL1_W : 0) | (x ? MMU_PERM_EL1_X : 0);
    }
    bool user_r = ap1_el0, user_w = ap1_el0 && !ap2_ro;
    bool priv_w = !ap2_ro;
    /* SCTLR_EL1.WXN: writable regions are XN at that EL. A region writable at EL0 is always
     * PXN (D8.4.2: "privileged execute-never for EL0-writable memory"). */
    bool user_x = !uxn && !(r->wxn && user_w);
    bool priv_x = !pxn && !user_w && !(r->wxn && priv_w);
    return (user_r ? MMU_PERM_EL0_R : 0) | (user_w ? MMU_PERM_EL0_W : 0) | (user_x ? MMU_PERM_EL0_X : 0) |
           MMU_PERM_EL1_R | (priv_w ? MMU_PERM_EL1_W : 0) | (priv_x ? MMU_PERM_EL1_X : 0);
}

static bool access_permitted(const struct mmu_regime *r, unsigned perms, const struct mmu_access *acc)
{
    unsigned shift = (acc->el0 && r->stage == MMU_STAGE1 && !r->el2) ? 0 : 3;
    unsigned need = acc->type == MMU_WRITE ? MMU_PERM_EL0_W : acc->type == MMU_EXEC ? MMU_PERM_EL0_X : MMU_PERM_EL0_R;
    if (!((perms >> shift) & need)) return false;
    /* PSTATE.PAN (FEAT_PAN, D8.4.?): a privileged data access to memory that EL0 can access
     * (AP[1] == 1) faults. Not instruction fetches; LDTR/STTR check EL0 rights (acc->el0). */
    if (shift == 3 && acc->pan && acc->type != MMU_EXEC && r->stage == MMU_STAGE1 && !r->el2 &&
        (perms & MMU_PERM_EL0_R))
        return false;
    return true;
}

/* ---------------------------------------------------------------- the walk loop */

static void set_fault(struct mmu_result *res, enum mmu_fault_kind k, unsigned level, enum mmu_stage st,
                      const struct mmu_access *acc)
{
    res->fault = (struct mmu_fault){ .kind = k, .level = level, .stage = st,
                                     .write = acc && acc->type == MMU_WRITE };
}

/* Block descriptors are legal at these levels (D8.3.1): 4KB L1, L2; 16KB L2; 64KB L2 (L1 only
 * with 52-bit output addresses, not implemented). Level 3 only has pages. */
static bool block_legal(unsigned g, unsigned level)
{
    if (g == 12) return level == 1 || level == 2;
    return level == 2;
}

/* With the 64KB granule, descriptor bits [15:12] hold OA[51:48] (FEAT_LPA). With a PS below 52
 * bits they must be zero, else an address size fault (as in the pseudocode's table and output
 * address checks). */
static bool oa_bits_52(unsigned g, uint64_t desc) { return g == 16 && (desc & 0xf000); }

struct walk_params {
    enum mmu_stage stage;
    unsigned g, level, isz, oa_bits;
    uint64_t table;                   /* base of the start-level table (IPA for stage 1) */
    uint64_t ia;                      /* input address, top bits removed */
};

static bool walk_s2(const struct mmu_regime *r, ipa_t ipa, const struct mmu_access *acc,
                    const struct mmu_desc_reader *rd, struct mmu_result *res, bool check);

/* Read the descriptor at table address `addr` (an IPA for stage 1: translated by s2 if given). */
static bool fetch_desc(const struct walk_params *p, const struct mmu_regime *s2, uint64_t addr,
                       const struct mmu_desc_reader *rd, struct mmu_result *res, uint64_t *desc)
{
    pa_t pa = mk_pa(addr);
    if (p->stage == MMU_STAGE1 && s2) {
        /* The table address is an IPA: stage 2 translates it as a read (D8.? "Stage 2
         * translation of stage 1 translation table walks"); a fault there is a stage-2 fault
         * with S1PTW = 1, reported against that IPA. */
        struct mmu_result r2;
        const struct mmu_access a2 = { .type = MMU_READ };
        bool ok = walk_s2(s2, mk_ipa(addr), &a2, rd, &r2, true);
        res->desc_reads += r2.desc_reads;
        if (!ok) {
            res->fault = r2.fault;
            res->fault.s1ptw = true;
            res->fault.write = false;
            res->fault.ipa_valid = true;
            res->fault.ipa = mk_ipa(addr);
            return false;
        }
        pa = r2.pa;
    }
    res->desc_reads++;
    if (!rd->read_desc(rd->opaque, pa, desc)) {
        set_fault(res, MMU_FAULT_EXT_WALK, p->level, p->stage, NULL);
        return false;
    }
    return true;
}

/* The shared descriptor walk. On success res->{level, block_shift, desc, ...} describe the
 * leaf, *oa is the output address; permissions are left to the stage-specific decoder, with
 * the hierarchical table controls gathered in *table_bits (stage 1 only). */
static bool walk_tables(struct walk_params *p, const struct mmu_regime *s2, const struct mmu_access *acc,
                        const struct mmu_desc_reader *rd, struct mmu_result *res,
                        uint64_t *oa, uint64_t *table_bits)
{
    unsigned g = p->g, stride = g - 3, start = p->level;
    uint64_t table = p->table, tbits = 0;
    for (;;) {
        unsigned level = p->level;
        unsigned lsb = g + (3 - level) * stride;
        unsigned width = level == start ? p->isz - lsb : stride;
        uint64_t idx = (p->ia >> lsb) & ((1ull << width) - 1);
        uint64_t desc;
        if (!fetch_desc(p, s2, table + idx * 8, rd, res, &desc)) return false;
        if (!(desc & DESC_VALID)) { set_fault(res, MMU_FAULT_TRANSLATION, level, p->stage, acc); return false; }
        if (level < 3 && (desc & DESC_TABLE)) {
            uint64_t next = desc & oa_mask(g);
            if ((next >> p->oa_bits) || oa_bits_52(g, desc)) { set_fault(res, MMU_FAULT_ADDR_SIZE, level, p->stage, acc); return false; }
            tbits |= desc;                    /* hierarchical controls accumulate (only ever restrict) */
            table = next;
            p->level++;
            continue;
        }
        /* Leaf: a page at level 3 (bits[1:0] = 11), a block at a legal level (01). */
        if (level == 3 ? !(desc & DESC_TABLE) : !block_legal(g, level)) {
            set_fault(res, MMU_FAULT_TRANSLATION, level, p->stage, acc);   /* reserved encoding */
            return false;
        }
        uint64_t out = desc & oa_mask(lsb);
        if ((out >> p->oa_bits) || oa_bits_52(g, desc)) { set_fault(res, MMU_FAULT_ADDR_SIZE, level, p->stage, acc); return false; }
        /* No FEAT_HAFDBS: the access flag is managed by software, AF == 0 faults (D8.4.?). */
        if (!(desc & DESC_AF)) { set_fault(res, MMU_FAULT_ACCESS_FLAG, level, p->stage, acc); return false; }
        res->level = level;
        res->block_shift = lsb;
        res->desc = desc;
        res->sh = (desc >> 8) & 3;
        res->sw = (desc >> 55) & 0xf;
        res->contiguous = (desc & DESC_CONTIG) != 0;
        *oa = out | (p->ia & ((1ull << lsb) - 1));
        *table_bits = tbits;
        return true;
    }
}

static bool s1_setup(const struct mmu_regime *r, uint64_t va, const struct mmu_access *acc,
                     struct walk_params *p, struct mmu_result *res)
{
    /* Range selection (D8.2.?): in the EL1&0 regime VA[55] selects TTBR0 or TTBR1 — with TBI
     * the top byte is ignored, without it bits [63:56] must equal bit 55 anyway. */
    unsigned sel = r->two_ranges ? (va >> 55) & 1 : 0;
    const struct mmu_range *rg = &r->range[sel];
    unsigned top = rg->tbi ? 55 : 63;
    p->stage = MMU_STAGE1;
    p->g = rg->granule_shift;
    p->isz = 64 - rg->txsz;
    p->oa_bits = r->oa_bits;
    /* Input address above the range (I_THCZK) or a disabled range (EPDn, I_ZFSYQ): translation
     * fault at level 0. */
    uint64_t upper = (va & (top == 63 ? ~0ull : (2ull << top) - 1)) >> p->isz;
    uint64_t want = sel ? ((top == 63 ? ~0ull : (2ull << top) - 1) >> p->isz) : 0;
    if (upper != want || (r->two_ranges && rg->epd)) {
        set_fault(res, MMU_FAULT_TRANSLATION, 0, MMU_STAGE1, acc);
        return false;
    }
    unsigned stride = p->g - 3;
    p->level = 3 - ((p->isz - 1 - p->g) / stride);            /* AArch64.S1StartLevel */
    unsigned lsb = p->g + (3 - p->level) * stride;
    uint64_t table_size = 8ull << (p->isz - lsb);
    /* TTBR.BADDR beyond {I}PS: address size fault at level 0 (R_VPBBF). */
    uint64_t baddr = rg->ttbr & oa_mask(1);
    if (baddr >> p->oa_bits) { set_fault(res, MMU_FAULT_ADDR_SIZE, 0, MMU_STAGE1, acc); return false; }
    p->table = baddr & ~(table_size - 1);
    p->ia = va & ((1ull << p->isz) - 1);
    return true;
}

static bool walk_s1(const struct mmu_regime *r, const struct mmu_regime *s2, va_t va,
                    const struct mmu_access *acc, const struct mmu_desc_reader *rd, struct mmu_result *res,
                    bool check)
{
    memset(res, 0, sizeof *res);
    struct walk_params p;
    if (!s1_setup(r, va.v, acc, &p, res)) return false;
    uint64_t oa, tb;
    if (!walk_tables(&p, s2, acc, rd, res, &oa, &tb)) return false;
    uint64_t d = res->desc;
    /* Hierarchical controls (D8.4.?): APTable, UXNTable/XNTable, PXNTable of every table
     * descriptor on the way down restrict the leaf. APTable[0] is RES0 in the EL2 regime. */
    bool ap1 = (d >> 6) & 1, ap2 = (d >> 7) & 1;
    if (!r->el2 && (tb & TABLE_APT_NOEL0)) ap1 = false;
    if (tb & TABLE_APT_RO) ap2 = true;
    bool uxn = (d & DESC_UXN) || (tb & TABLE_UXNTABLE);
    bool pxn = !r->el2 && ((d & DESC_PXN) || (tb & TABLE_PXNTABLE));
    res->perms = s1_perms(r, ap1, ap2, uxn, pxn);
    res->attr = (uint8_t)(r->mair >> (8 * ((d >> 2) & 7)));
    res->ng = !r->el2 && (d & DESC_NG);
    res->asid = r->asid;
    res->ipa = mk_ipa(oa);
    if (check && !access_permitted(r, res->perms, acc)) {
        set_fault(res, MMU_FAULT_PERMISSION, res->level, MMU_STAGE1, acc);
        return false;
    }
    return true;
}

struct mmu_s2_cache_entry {
    uint64_t tag;                     /* IPA >> 12, or ~0: empty */
    struct mmu_result res;            /* pa of the page (offset 0), desc_reads of the walk */
};
struct mmu_s2_cache *mmu_s2_cache_new(void)
{
    struct mmu_s2_cache *c = malloc(sizeof *c);
    if (!c) return NULL;
    c->e = malloc(MMU_S2_CACHE_SIZE * sizeof *c->e);
    if (!c->e) { free(c); return NULL; }
    mmu_s2_cache_flush(c);
    return c;
}
void mmu_s2_cache_free(struct mmu_s2_cache *c) { if (c) { free(c->e); free(c); } }
void mmu_s2_cache_flush(struct mmu_s2_cache *c)
{
    for (unsigned i = 0; i < MMU_S2_CACHE_SIZE; i++) c->e[i].tag = ~0ull;
}

static bool walk_s2_uncached(const struct mmu_regime *r, ipa_t ipa, const struct mmu_access *acc,
                             const struct mmu_desc_reader *rd, struct mmu_result *res, bool check);

static bool walk_s2(const struct mmu_regime *r, ipa_t ipa, const struct mmu_access *acc,
                    const struct mmu_desc_reader *rd, struct mmu_result *res, bool check)
{
    struct mmu_s2_cache *c = r->s2_cache;
    if (!c) return walk_s2_uncached(r, ipa, acc, rd, res, check);
    uint64_t tag = ipa.v >> PAGE_SHIFT;
    struct mmu_s2_cache_entry *e = &c->e[tag & (MMU_S2_CACHE_SIZE - 1)];
    if (e->tag == tag) {
        *res = e->res;
        res->pa = mk_pa(res->pa.v | (ipa.v & (PAGE_SIZE - 1)));
        if (check && !access_permitted(r, res->perms, acc)) {
            set_fault(res, MMU_FAULT_PERMISSION, res->level, MMU_STAGE2, acc);
            res->fault.ipa_valid = true;
            res->fault.ipa = ipa;
            return false;
        }
        return true;
    }
    /* Walk without the permission check, remember, then check (the entry serves any access). */
    if (!walk_s2_uncached(r, ipa, acc, rd, res, false)) return false;   /* not a permission fault */
    e->tag = tag;
    e->res = *res;
    e->res.pa = mk_pa(res->pa.v & PAGE_MASK);
    if (check && !access_permitted(r, res->perms, acc)) {
        set_fault(res, MMU_FAULT_PERMISSION, res->level, MMU_STAGE2, acc);
        res->fault.ipa_valid = true;
        res->fault.ipa = ipa;
        return false;
    }
    return true;
}

static bool walk_s2_uncached(const struct mmu_regime *r, ipa_t ipa, const struct mmu_access *acc,
                             const struct mmu_desc_reader *rd, struct mmu_result *res, bool check)
{
    memset(res, 0, sizeof *res);
    const struct mmu_range *rg = &r->range[0];
    struct walk_params p = { .stage = MMU_STAGE2, .g = rg->granule_shift, .isz = 64 - rg->txsz,
                             .oa_bits = r->oa_bits, .level = r->start_level };
    res->vmid = r->vmid;
    /* IPA beyond VTCR_EL2.T0SZ, or an inconsistent SL0/T0SZ: stage-2 translation fault at
     * level 0, reported with the IPA for HPFAR_EL2. */
    if (!r->s2_config_ok || (ipa.v >> p.isz)) {
        set_fault(res, MMU_FAULT_TRANSLATION, 0, MMU_STAGE2, acc);
        goto fault;
    }
    unsigned lsb = p.g + (3 - p.level) * (p.g - 3);
    uint64_t baddr = rg->ttbr & oa_mask(1);
    if (baddr >> p.oa_bits) { set_fault(res, MMU_FAULT_ADDR_SIZE, 0, MMU_STAGE2, acc); goto fault; }
    p.table = baddr & ~((8ull << (p.isz - lsb)) - 1);   /* concatenated root: up to 16 pages */
    p.ia = ipa.v;
    uint64_t oa, tb;
    if (!walk_tables(&p, NULL, acc, rd, res, &oa, &tb)) goto fault;
    uint64_t d = res->desc;
    /* Stage-2 leaf (D8.4.? "Stage 2 access permissions"): S2AP[0] (bit 6) read, S2AP[1]
     * (bit 7) write, XN (bit 54; bit 53 only with FEAT_XNX) — one set for EL0 and EL1. */
    bool rr = (d >> 6) & 1, ww = (d >> 7) & 1, xx = !(d & DESC_UXN);
    res->perms = (rr ? MMU_PERM_EL0_R | MMU_PERM_EL1_R : 0) | (ww ? MMU_PERM_EL0_W | MMU_PERM_EL1_W : 0) |
                 (xx ? MMU_PERM_EL0_X | MMU_PERM_EL1_X : 0);
    res->attr = (d >> 2) & 0xf;                       /* MemAttr[3:0] */
    res->pa = mk_pa(oa);
    if (check && !access_permitted(r, res->perms, acc)) {
        set_fault(res, MMU_FAULT_PERMISSION, res->level, MMU_STAGE2, acc);
        goto fault;
    }
    return true;
fault:
    res->fault.ipa_valid = true;
    res->fault.ipa = ipa;
    return false;
}

bool mmu_walk_s1(const struct mmu_regime *r, const struct mmu_regime *s2, va_t va,
                 const struct mmu_access *acc, const struct mmu_desc_reader *rd, struct mmu_result *res)
{
    return walk_s1(r, s2, va, acc, rd, res, true);
}

bool mmu_walk_s2(const struct mmu_regime *r, ipa_t ipa, const struct mmu_access *acc,
                 const struct mmu_desc_reader *rd, struct mmu_result *res)
{
    return walk_s2(r, ipa, acc, rd, res, true);
}

static bool translate(const struct mmu_regime *s1, const struct mmu_regime *s2, va_t va,
                      const struct mmu_access *acc, const struct mmu_desc_reader *rd, struct mmu_result *res,
                      bool check)
{
    ipa_t ipa;
    if (s1) {
        if (!walk_s1(s1, s2, va, acc, rd, res, check)) return false;
        ipa = res->ipa;
    } else {
        /* Stage 1 disabled (D8.2.11): VA = IPA; data accesses Device-nGnRnE, fetches Normal. */
        memset(res, 0, sizeof *res);
        ipa = mk_ipa(va.v);
        res->ipa = ipa;
        res->attr = acc->type == MMU_EXEC ? MAIR_NORMAL_WB : MAIR_DEVICE_nGnRnE;
        res->sh = 2;
        res->perms = 0x3f;
        res->block_shift = PAGE_SHIFT;
        res->level = 3;
    }
    if (!s2) { res->pa = ipa_as_pa_identity(ipa); return true; }
    struct mmu_result r2;
    bool ok = walk_s2(s2, ipa, acc, rd, &r2, check);
    res->desc_reads += r2.desc_reads;
    if (!ok) { res->fault = r2.fault; return false; }
    res->pa = r2.pa;
    res->perms &= r2.perms;
    res->vmid = r2.vmid;
    res->s2_level = r2.level;
    res->s2_block_shift = r2.block_shift;
    res->s2_sw = r2.sw;
    res->s2_perms = r2.perms;
    res->s2_memattr = r2.attr;
    res->attr = mmu_combine_s1s2(res->attr, res->sh, r2.attr, r2.sh, &res->sh);
    /* A TLB entry built from this covers the smaller of the two mappings. */
    if (r2.block_shift < res->block_shift) res->block_shift = r2.block_shift;
    return true;
}

bool mmu_translate(const struct mmu_regime *s1, const struct mmu_regime *s2, va_t va,
                   const struct mmu_access *acc, const struct mmu_desc_reader *rd, struct mmu_result *res)
{
    return translate(s1, s2, va, acc, rd, res, true);
}

bool mmu_walk_debug(const struct mmu_regime *s1, const struct mmu_regime *s2, va_t va,
                    const struct mmu_desc_reader *rd, struct mmu_result *res)
{
    /* Same walk, no permission checks: the debugger sees what is mapped and with which rights. */
    const struct mmu_access acc = { .type = MMU_READ };
    return translate(s1, s2, va, &acc, rd, res, false);
}

/* ---------------------------------------------------------------- attributes */

uint8_t mmu_s2_memattr_to_mair(unsigned memattr)
{
    memattr &= 0xf;
    if (!(memattr & 0xc)) return (uint8_t)((memattr & 3) << 2);      /* Device: 0b0000dd00 */
    static const uint8_t half[4] = { 0x4, 0x4, 0xb, 0xf };            /* -, NC, WT, WB (RW = 11) */
    unsigned outer = (memattr >> 2) & 3, inner = memattr & 3;
    return (uint8_t)(half[outer] << 4 | (inner ? half[inner] : 0x4));
}

/* Cacheability rank of a MAIR Normal-memory nibble: 0 Non-cacheable, 1 Write-through,
 * 2 Write-back. (0b00RW with RW ≠ 00 is WT transient, 0b01RW WB transient.) */
static unsigned cache_rank(unsigned n)
{
    if (n == 0x4 || n == 0x0) return 0;
    unsigned hi = n >> 2;
    return (hi == 0 || hi == 2) ? 1 : 2;
}
static unsigned weaker_nibble(unsigned s1n, unsigned s2n)
{
    unsigned r1 = cache_rank(s1n), r2 = cache_rank(s2n);
    if (r1 <= r2) return s1n;                         /* keep stage 1's allocation hints */
    if (r2 == 0) return 0x4;
    return 0x8 | (s1n & 3);                           /* WT non-transient with stage 1's RW */
}
static unsigned sh_rank(unsigned sh) { return sh == 2 ? 2 : sh == 3 ? 1 : 0; }  /* OSH > ISH > NSH */

uint8_t mmu_combine_s1s2(uint8_t s1, unsigned s1_sh, unsigned s2_memattr, unsigned s2_sh, unsigned *sh_out)
{
    uint8_t s2 = mmu_s2_memattr_to_mair(s2_memattr);
    bool d1 = mmu_attr_is_device(s1), d2 = mmu_attr_is_device(s2);
    if (d1 || d2) {
        /* The more restrictive Device type: nGnRnE (00) < nGnRE (01) < nGRE (10) < GRE (11). */
        unsigned t1 = d1 ? (s1 >> 2) & 3 : 3, t2 = d2 ? (s2 >> 2) & 3 : 3;
        if (sh_out) *sh_out = 2;                      /* Device is Outer Shareable */
        return (uint8_t)((t1 < t2 ? t1 : t2) << 2);
    }
    unsigned outer = weaker_nibble(s1 >> 4, s2 >> 4), inner = weaker_nibble(s1 & 0xf, s2 & 0xf);
    uint8_t out = (uint8_t)(outer << 4 | inner);
    if (sh_out) {
        if (outer == 0x4 && inner == 0x4) *sh_out = 2;   /* Normal Non-cacheable: Outer Shareable */
        else *sh_out = sh_rank(s1_sh) >= sh_rank(s2_sh) ? s1_sh : s2_sh;
    }
    return out;
}
