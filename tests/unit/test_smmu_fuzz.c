/* tests/unit/test_smmu_fuzz.c — bad programming never breaks the SMMU model (issue 8).
 *
 * A deterministic fuzzer (splitmix64, fixed seeds) interleaves, many thousands of times per
 * seed:
 *  - register accesses over the whole SMMU region and past its end: well-formed 32/64-bit
 *    accesses with meaningful values (SMRs matching the stream IDs the DMA uses, S2CRs to
 *    existing and non-existing banks, every CBAR.TYPE including nested on a non-stage-2 bank,
 *    TCR/VTCR/TCR2 with odd T0SZ/SL0/TG0/PS/PASize, TTBRs at real tables, at random RAM, at
 *    nothing, at the scratch MMIO device and at the SMMU's own registers, sCR0 toggles, every
 *    TLBI and sync register, W1C and RESTORE registers, read-only registers), random values at
 *    random offsets, wrong sizes and misaligned offsets;
 *  - DMA through dma_read/dma_write (ports with and without the SMMU) and bare smmu_translate
 *    calls for random stream IDs, IOVAs and lengths crossing pages, into RAM, into a scratch
 *    MMIO device, into nothing and into the SMMU's own register pages.
 * After every step it asserts the invariants listed in docs/smmu.md "Robustness": the model
 * answers; ID registers never change; SMR ID/MASK read back what was last written; the IRQ line
 * levels equal what sGFSR/sCR0 and each bank's FSR/SCTLR say; the guest-error count grows by
 * exactly one on each bad access (and not on good ones); every fault a DMA or translation met
 * is recorded (sGFSR or the named bank's FSR, with the stream ID in sGFSYNR1/CBFRSYNRA and the
 * address in sGFAR/FAR when it was the first one); a DMA moved exactly its bytes to/from the PAs
 * smmu_translate produced (trace events), checked against a shadow copy of all RAM and of the
 * scratch device, and stopped where and how its status says. DMA into the SMMU's own register
 * pages is real register access (the DMA API's naturally aligned 4/8-byte accesses; smaller
 * pieces are a slave error that stops it), modelled per access (smmu_page_dma: sizes, guest
 * errors, values read, SMR writes); a DMA that wrote no SMMU register never changes its
 * configuration registers. Nothing in the SMMU issues a DMA, so there is no recursion.
 *
 * SMMU_FUZZ_SEED=n (and SMMU_FUZZ_STEPS=m) in the environment run one seed only, to reproduce a
 * failure: the failure message names the seed, the step and the last operation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "tests/unit/test_smmu_common.h"

#define REGION      (2 * NUMPAGE * PGSZ)            /* 0x20000 */
#define SCRATCH     0x0a000000ull                   /* scratch MMIO device, 2 pages */
#define SCRATCH_SZ  0x2000u
#define NOTHING     0x0b000000ull                   /* nothing mapped here */
#define WIN_BASE    0x400000ull                     /* DMA data window in RAM */
#define WIN_PAGES   32u
#define IOVA_S1     0x10000000ull                   /* stage-1 mapped IOVAs (TTBR0) */
#define IOVA_S1HI   0xffffffffff000000ull           /* stage-1 mapped IOVAs (TTBR1) */
#define IOVA_BLK    0x20000000ull                   /* a stage-1 2 MiB block */
#define IPA_S2      0x80000000ull                   /* stage-2 mapped IPAs */
#define NMAP        48u                             /* pages mapped at each of the above */
#define S1_TCR      0x00803510u                     /* T0SZ 16, 4K, EPD1 = 1 */
#define S1_TCR_BOTH 0x00103510u                     /* T0SZ 16, T1SZ 16, both halves */
#define S2_VTCR     0x80023558u                     /* T0SZ 24, SL0 1, 4K, PS 40 bits */
/* registers test_smmu_common.h does not name */
enum { sCR2 = 0x8, sGFSRRESTORE = 0x4c, CONTEXTIDR = 0x34, PAR = 0x50, TLBIVAAL = 0x628,
       TLBIIPAS2L = 0x638 };

/* ---------------------------------------------------------------- PRNG */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned rn(unsigned n) { return (unsigned)(rnd() % n); }
static bool chance(unsigned pct) { return rn(100) < pct; }

/* ---------------------------------------------------------------- failure reporting */
static uint64_t cur_seed;
static unsigned cur_step;
static char last_op[200];
#define OP(...) snprintf(last_op, sizeof last_op, __VA_ARGS__)
#define CHECK(cond) do { if (!(cond)) fuzz_fail(__LINE__, #cond); } while (0)
static void fuzz_fail(int line, const char *what)
{
    fail_msg("smmu fuzz: seed %llu step %u: invariant at line %d failed: %s (last op: %s); "
             "reproduce with SMMU_FUZZ_SEED=%llu", (unsigned long long)cur_seed, cur_step, line, what,
             last_op, (unsigned long long)cur_seed);
}

/* ---------------------------------------------------------------- scratch MMIO device */
static uint8_t scratch[SCRATCH_SZ], scratch_sh[SCRATCH_SZ];
static int scratch_read(void *o, uint64_t off, unsigned size, uint64_t *val)
{
    *val = 0;
    memcpy(val, scratch + off, size);
    return BUS_OK;
}
static int scratch_write(void *o, uint64_t off, unsigned size, uint64_t val)
{
    memcpy(scratch + off, &val, size);
    return BUS_OK;
}
static const struct mmio_ops scratch_ops = { .name = "scratch", .read = scratch_read, .write = scratch_write };

/* ---------------------------------------------------------------- shadow state */
static uint8_t ram_sh[FM_SIZE];     /* what RAM must hold: only DMA writes change it */
static uint32_t smr_sh[16];
static uint32_t id_sh[4];
static uint64_t s1root, s1root_hi, s2root;

#define MAXEV 16
static struct smmu_trace_event evs[MAXEV];
static unsigned nev;
static void trace_fn(void *opaque, const struct smmu_trace_event *ev)
{
    if (nev < MAXEV) evs[nev] = *ev;
    nev++;
}

/* Register read/write through the bus that must succeed (used by the checks). */
static uint32_t reg_rd(uint64_t off)
{
    uint64_t v;
    CHECK(bus_read(tb, mk_pa(SMMU_BASE + off), 4, &v) == BUS_OK);
    return (uint32_t)v;
}
static uint64_t reg_rdq(uint64_t off)
{
    uint64_t v;
    CHECK(bus_read(tb, mk_pa(SMMU_BASE + off), 8, &v) == BUS_OK);
    return v;
}
#define CB_OFF(n, o)  ((NUMPAGE + (n)) * PGSZ + (o))
#define GR1_OFF(o)    (PGSZ + (o))

/* ---------------------------------------------------------------- the documented access contract */

static bool is_cb_reg64(uint64_t base)
{
    switch (base) {
    case TTBR0: case TTBR1: case PAR: case FAR: case IPAFAR: case TLBIVA: case TLBIVAA:
    case TLBIVAL: case TLBIVAAL: case TLBIIPAS2: case TLBIIPAS2L:
        return true;
    default:
        return false;
    }
}

/* Guest errors a well-formed (4- or 8-byte, naturally aligned, inside the region) access must
 * log, per docs/smmu.md "Register coverage": 64-bit accesses to 32-bit registers, writes to
 * read-only registers, SMR/S2CR/GR1 entries beyond NUMSMRG/NUMCB, a lone high-word TLBI write. */
static unsigned expected_guest_errors(uint64_t off, unsigned size, bool write)
{
    uint64_t page = off / PGSZ, po = off % PGSZ;
    if (page == 0) {
        if (size == 8) return po != 0x40;
        if (!write) return 0;
        if (po >= SMR0 && po < SMR0 + 0x200) return (po - SMR0) / 4 >= 16;
        if (po >= S2CR0 && po < S2CR0 + 0x200) return (po - S2CR0) / 4 >= 16;
        switch (po) {
        case ID0: case ID1: case ID2: case ID7: case sGFSYNR0: case sGFSYNR1: case sGFSYNR2:
        case sTLBGSTATUS:
            return 1;
        }
        return 0;
    }
    if (page == 1) {
        if (size == 8) return 1;
        if (!write) return 0;
        uint64_t area = po & ~0x3ffull, n = (po & 0x3ff) / 4;
        if (area <= CBA2R0 && n >= 16) return 1;
        return area == CBFRSYNRA0;
    }
    if (page < NUMPAGE) return 0;
    uint64_t base = po & ~7ull;
    if (size == 8) return !is_cb_reg64(base);
    if (!write) return 0;
    if (base >= TLBIVA && is_cb_reg64(base) && (po & 4)) return 1;
    return po == TLBSTATUS;
}

/* One access at region offset `off` (may be past the end); checks the bus status and the
 * guest-error count against the contract, keeps the SMR shadow. Returns the bus status. */
static int reg_access(uint64_t off, unsigned size, bool write, uint64_t val, uint64_t *out)
{
    unsigned ge0 = smmu_guest_errors(ts);
    uint64_t v = 0;
    int st = write ? bus_write(tb, mk_pa(SMMU_BASE + off), size, val)
                   : bus_read(tb, mk_pa(SMMU_BASE + off), size, &v);
    unsigned dge = smmu_guest_errors(ts) - ge0;
    if (off + size > REGION) {
        CHECK(st == BUS_DECODE_ERROR);                 /* past the end: nothing answers */
        CHECK(dge == 0);
    } else if ((size != 4 && size != 8) || (off & (size - 1))) {
        CHECK(st == BUS_SLAVE_ERROR);                  /* wrong size or misaligned */
        CHECK(dge == 1);
    } else {
        CHECK(st == BUS_OK);
        CHECK(dge == expected_guest_errors(off, size, write));
        uint64_t page = off / PGSZ;
        if (!write && page >= 2 && page < NUMPAGE) CHECK(v == 0);    /* RAZ pages */
        if (write && page == 0 && size == 4 && off >= SMR0 && off < SMR(16))
            smr_sh[(off - SMR0) / 4] = (uint32_t)val & 0xffff7fffu;   /* VALID, MASK, ID */
    }
    if (out) *out = v;
    return st;
}
static void wr(uint64_t off, uint32_t v) { reg_access(off, 4, true, v, NULL); }
static void wrq64(uint64_t off, uint64_t v)
{
    if (chance(60)) {
        reg_access(off, 8, true, v, NULL);
    } else {                                           /* as two halves, either order */
        bool hi_first = chance(30);
        if (hi_first) reg_access(off + 4, 4, true, v >> 32, NULL);
        if (!chance(10)) reg_access(off, 4, true, (uint32_t)v, NULL);
        if (!hi_first) reg_access(off + 4, 4, true, v >> 32, NULL);
    }
}

/* ---------------------------------------------------------------- invariants after every step */

static void check_invariants(void)
{
    /* the model answers, and the identity never changes */
    CHECK(reg_rd(ID0) == id_sh[0]);
    CHECK(reg_rd(ID1) == id_sh[1]);
    CHECK(reg_rd(ID2) == id_sh[2]);
    CHECK(reg_rd(ID7) == id_sh[3]);
    /* SMR ID/MASK/VALID read back what was written */
    for (unsigned i = 0; i < 16; i++) CHECK(reg_rd(SMR(i)) == smr_sh[i]);
    /* IRQ levels are what the registers say (IHI 0062: global fault interrupt while sGFSR has
     * a fault enabled by GFIE — or, for configuration faults, GCFGFIE; context interrupt while
     * FSR has a fault and SCTLR.CFIE) */
    uint32_t scr0 = reg_rd(sCR0), gfsr = reg_rd(sGFSR);
    const uint32_t cfg = 1u << 0 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 5;   /* ICF SMCF UCBF UCIF CAF */
    bool g = ((gfsr & 0x1ff & ~cfg) && (scr0 & (1u << 2))) || ((gfsr & cfg) && (scr0 & (1u << 5)));
    CHECK(smmu_irq_level(ts, SMMU_IRQ_GLOBAL) == g);
    CHECK(irq_level[SMMU_IRQ_GLOBAL] == g);
    for (unsigned n = 0; n < 16; n++) {
        uint32_t fsr = reg_rd(CB_OFF(n, FSR)), sctlr = reg_rd(CB_OFF(n, SCTLR));
        bool l = fsr != 0 && (sctlr & (1u << 6));
        CHECK(smmu_irq_level(ts, SMMU_IRQ_CONTEXT(n)) == l);
        CHECK(irq_level[SMMU_IRQ_CONTEXT(n)] == l);
    }
    CHECK(reg_rd(sTLBGSTATUS) == 0);
}

/* The configuration registers (what a DMA must never change). */
#define NCFG (1 + 16 * 2 + 16 * 2 + 16 * 9)
static void snapshot_cfg(uint64_t *c)
{
    unsigned k = 0;
    c[k++] = reg_rd(sCR0);
    for (unsigned i = 0; i < 16; i++) { c[k++] = reg_rd(SMR(i)); c[k++] = reg_rd(S2CR(i)); }
    for (unsigned n = 0; n < 16; n++) { c[k++] = reg_rd(GR1_OFF(CBAR(n))); c[k++] = reg_rd(GR1_OFF(CBA2R(n))); }
    for (unsigned n = 0; n < 16; n++) {
        static const unsigned o32[] = { SCTLR, ACTLR, TCR2, TCR, CONTEXTIDR, MAIR0, MAIR1 };
        for (unsigned j = 0; j < 7; j++) c[k++] = reg_rd(CB_OFF(n, o32[j]));
        c[k++] = reg_rdq(CB_OFF(n, TTBR0));
        c[k++] = reg_rdq(CB_OFF(n, TTBR1));
    }
}

/* A recorded fault: `outcome`/`cb`/`bit` as smmu_translate reported it; `gfsr0`/`fsr0` the
 * record registers before the operation, `first` whether no fault of this operation had been
 * recorded in the same place before. */
static void check_fault_recorded(enum smmu_outcome outcome, int cb, uint32_t bit, uint32_t sid,
                                 uint64_t iova, bool first, uint32_t gfsr0, const uint32_t *fsr0)
{
    if (outcome == SMMU_GLOBAL_FAULT) {
        uint32_t gfsr = reg_rd(sGFSR);
        CHECK(gfsr != 0);
        CHECK((gfsr & bit) || (gfsr & (1u << 31)));
        if (first && gfsr0 == 0) {
            CHECK(gfsr & bit);
            CHECK(reg_rd(sGFSYNR1) == (sid & 0xffff));
            CHECK(reg_rdq(sGFAR) == iova);
        }
    } else {
        CHECK(outcome == SMMU_CONTEXT_FAULT);
        CHECK(cb >= 0 && cb < 16);
        uint32_t fsr = reg_rd(CB_OFF(cb, FSR));
        CHECK(fsr != 0);
        CHECK((fsr & bit) || (fsr & (1u << 31)));
        if (first && fsr0[cb] == 0) {
            CHECK(fsr & bit);
            CHECK(reg_rd(GR1_OFF(CBFRSYNRA(cb))) == (sid & 0xffff));
            CHECK(reg_rdq(CB_OFF(cb, FAR)) == iova);
        }
    }
}

/* ---------------------------------------------------------------- value generators */

static const uint32_t sids[] = { 0x10, 0x11, 0x20, 0x30, 0x40, 0x50, 0x7fff, 0x0 };
static uint32_t pick_sid(void)
{
    if (chance(85)) return sids[rn(sizeof sids / sizeof sids[0])];
    return chance(80) ? (uint32_t)rnd() & 0xffff : (uint32_t)rnd();
}
static unsigned pick_cb(void) { return chance(85) ? rn(4) : chance(80) ? rn(16) : 16 + rn(8); }

static uint64_t pick_table_addr(void)
{
    switch (rn(11)) {
    case 0: case 1: return s1root;
    case 2: return s1root_hi;
    case 3: case 4: return s2root;
    case 5: return rnd() % FM_SIZE & ~0xfffull;                   /* random RAM page */
    case 6: return rnd() % FM_SIZE;                               /* misaligned, RES0 bits */
    case 7: return NOTHING;
    case 8: return SCRATCH + rn(2) * PGSZ;
    case 9: return SMMU_BASE + rn(32) * PGSZ + rn(0x100) * 8;    /* the SMMU's own registers */
    default: return chance(50) ? 0 : rnd();
    }
}

/* An IOVA for a DMA/translation: mostly where the tables map something. */
static uint64_t pick_iova(void)
{
    uint64_t off = rnd() & 0xfff;
    if (chance(40)) off = chance(50) ? 0 : 0x1000 - 1 - rn(16);      /* page edges */
    switch (rn(12)) {
    case 0: case 1: case 2: return IOVA_S1 + rn(NMAP) * PGSZ + off;
    case 3: return IOVA_S1HI + rn(NMAP) * PGSZ + off;
    case 4: return IOVA_BLK + rn(512) * PGSZ + off;
    case 5: case 6: return IPA_S2 + rn(NMAP) * PGSZ + off;
    case 7: return WIN_BASE + rn(WIN_PAGES) * PGSZ + off;           /* bypass into the window */
    case 8: return SCRATCH + rn(2) * PGSZ + off;
    case 9: return SMMU_BASE + rn(32) * PGSZ + off;                 /* its own registers */
    case 10: return chance(50) ? NOTHING + off : rnd();
    default: return chance(50) ? 0xfffffffff000ull + off : (uint64_t)0 - PGSZ + off;
    }
}

/* A leaf for a stage-1 (s1 = true) or stage-2 mapping: mostly good, sometimes odd. */
static uint64_t pick_leaf(bool s1)
{
    uint64_t pa;
    switch (rn(10)) {
    case 0: pa = SCRATCH + rn(2) * PGSZ; break;
    case 1: pa = SMMU_BASE + rn(32) * PGSZ; break;
    case 2: pa = chance(50) ? NOTHING : 0x7ff000ull; break;          /* nothing / RAM's last page */
    default: pa = WIN_BASE + rn(WIN_PAGES) * PGSZ; break;
    }
    uint64_t d = s1 ? S1_PAGE(pa, 0) : S2_PAGE_RW(pa);
    switch (rn(20)) {
    case 0: d &= ~D_AF; break;
    case 1: d = s1 ? d | D_AP_RO : d & ~D_S2_W; break;
    case 2: d = s1 ? d & ~D_AP_EL0 : d & ~D_S2_R; break;
    case 3: d = 0; break;
    case 4: d = rnd(); break;
    case 5: d |= D_XN; break;
    case 6: d &= ~2ull; break;                                       /* block at level 3: invalid */
    }
    return d;
}

/* ---------------------------------------------------------------- setup */

static void build_tables(void)
{
    /* stage 1, 4K granule, 48-bit: TTBR0 region, TTBR1 region, a 2 MiB block */
    s1root = fm_alloc(0x1000);
    s1root_hi = fm_alloc(0x1000);
    for (unsigned k = 0; k < NMAP; k++) {
        tt_map(s1root, 12, 48, 0, IOVA_S1 + k * PGSZ, 3, pick_leaf(true), 0);
        tt_map(s1root_hi, 12, 48, 0, IOVA_S1HI + k * PGSZ, 3, pick_leaf(true), 0);
    }
    tt_map(s1root, 12, 48, 0, IOVA_BLK, 2, WIN_BASE | D_BLOCK | D_AF | D_NG | D_SH_IS | D_AP_EL0 | D_ATTR(1), 0);
    /* stage 2, 40-bit IPA from level 1: the first 8 MiB 1:1 as blocks (where stage-1 tables
     * live, for nested walks), the scratch device and the SMMU 1:1, and the IPA_S2 pages */
    s2root = fm_alloc(0x2000);
    for (uint64_t a = 0; a < FM_SIZE; a += 0x200000)
        tt_map(s2root, 12, 40, 1, a, 2, a | D_BLOCK | D_AF | D_S2_R | D_S2_W, 0);
    for (unsigned p = 0; p < 2; p++) tt_map(s2root, 12, 40, 1, SCRATCH + p * PGSZ, 3, S2_PAGE_RW(SCRATCH + p * PGSZ), 0);
    for (unsigned p = 0; p < 32; p++) tt_map(s2root, 12, 40, 1, SMMU_BASE + p * PGSZ, 3, S2_PAGE_RW(SMMU_BASE + p * PGSZ), 0);
    for (unsigned k = 0; k < NMAP; k++) tt_map(s2root, 12, 40, 1, IPA_S2 + k * PGSZ, 3, pick_leaf(false), 0);
}

/* A working configuration as Linux and Xen would leave it: CB0 stage 1 (SID 0x10/0x11), CB1
 * stage 2 (SID 0x20), CB2 nested stage 1 over CB1 (SID 0x30), SID 0x40 bypass, SID 0x50 fault. */
static void program_baseline(void)
{
    for (unsigned i = 0; i < 16; i++) { wr(S2CR(i), 0x20000); wr(SMR(i), 0); }
    wr(sCR0, LINUX_sCR0);
    wr(GR1_OFF(CBA2R(0)), 1);
    wr(GR1_OFF(CBAR(0)), 0x0001f300);
    wr(CB_OFF(0, TCR2), 0x00038015);
    wr(CB_OFF(0, TCR), S1_TCR_BOTH);
    reg_access(CB_OFF(0, TTBR0), 8, true, 1ull << 48 | s1root, NULL);
    reg_access(CB_OFF(0, TTBR1), 8, true, 1ull << 48 | s1root_hi, NULL);
    wr(CB_OFF(0, MAIR0), 0xf404ff44);
    wr(CB_OFF(0, SCTLR), 0x1067);
    wr(GR1_OFF(CBA2R(1)), 1);
    wr(GR1_OFF(CBAR(1)), 5);
    wr(CB_OFF(1, TCR), S2_VTCR);
    reg_access(CB_OFF(1, TTBR0), 8, true, s2root, NULL);
    wr(CB_OFF(1, SCTLR), 0x67);
    wr(GR1_OFF(CBA2R(2)), 1);
    wr(GR1_OFF(CBAR(2)), 3u << 16 | 1u << 8);
    wr(CB_OFF(2, TCR2), 0x00038015);
    wr(CB_OFF(2, TCR), S1_TCR);
    reg_access(CB_OFF(2, TTBR0), 8, true, 2ull << 48 | s1root, NULL);
    wr(CB_OFF(2, MAIR0), 0xf404ff44);
    wr(CB_OFF(2, SCTLR), 0x1067);
    wr(S2CR(0), 0); wr(SMR(0), 0x80010010);        /* SIDs 0x10/0x11 -> CB0 */
    wr(S2CR(1), 1); wr(SMR(1), 0x80000020);
    wr(S2CR(2), 2); wr(SMR(2), 0x80000030);
    wr(S2CR(3), 0x10000); wr(SMR(3), 0x80000040);  /* bypass */
    wr(S2CR(4), 0x20000); wr(SMR(4), 0x80000050);  /* fault */
}

/* ---------------------------------------------------------------- operations */

static void op_meaningful_write(void)
{
    unsigned n = pick_cb(), i = chance(90) ? rn(16) : rn(128);
    switch (rn(17)) {
    case 0: {                                       /* SMR: valid with a known SID, or junk */
        uint32_t v = chance(70) ? 0x80000000u | sids[rn(8)] | (chance(70) ? 0 : (uint32_t)rn(4) << 16)
                                : (uint32_t)rnd();
        OP("SMR%u = 0x%x", i, v); wr(SMR(i), v);
        break;
    }
    case 1: {                                       /* S2CR: translate/bypass/fault/reserved */
        uint32_t v = rn(4) << 16 | pick_cb() | (chance(20) ? (uint32_t)rn(16) << 24 : 0);
        if (chance(5)) v = (uint32_t)rnd();
        OP("S2CR%u = 0x%x", i, v); wr(S2CR(i), v);
        break;
    }
    case 2: {                                       /* CBAR: every TYPE, nested on any bank */
        uint32_t v = rn(4) << 16 | (chance(80) ? rn(4) : (uint32_t)rnd() & 0xff) << 8 | rn(8);
        if (chance(5)) v = (uint32_t)rnd();
        if (n >= 16 && chance(50)) n = 16 + rn(200);
        OP("CBAR%u = 0x%x", n, v); wr(GR1_OFF(CBAR0 + 4 * (n % 256)), v);
        break;
    }
    case 3:
        OP("CBA2R%u", n); wr(GR1_OFF(CBA2R(n)), chance(80) ? 1 : (uint32_t)rnd());
        break;
    case 4: {                                       /* SCTLR: M/CFRE/CFIE combinations */
        static const uint32_t v0[] = { 0, 0x67, 0x1067, 0x21, 0x41, 0x1, 0x61, 0x60 };
        uint32_t v = v0[rn(8)];
        if (chance(5)) v = (uint32_t)rnd();
        OP("CB%u SCTLR = 0x%x", n, v); wr(CB_OFF(n, SCTLR), v);
        break;
    }
    case 5: {                                       /* TCR: stage-1 or VTCR form, odd fields */
        uint32_t v;
        switch (rn(6)) {
        case 0: v = S1_TCR; break;
        case 1: v = S1_TCR_BOTH; break;
        case 2: v = (S1_TCR & ~0x3fu & ~(3u << 14)) | rn(64) | rn(4) << 14 | rn(64) << 16; break;
        case 3: v = S2_VTCR; break;
        case 4: v = (S2_VTCR & ~0x3fu & ~(3u << 6) & ~(3u << 14) & ~(7u << 16)) | rn(64) | rn(4) << 6 |
                    rn(4) << 14 | rn(8) << 16; break;
        default: v = (uint32_t)rnd(); break;
        }
        OP("CB%u TCR = 0x%x", n, v); wr(CB_OFF(n, TCR), v);
        break;
    }
    case 6: {                                       /* TCR2: PASize, AS */
        uint32_t v = chance(50) ? 0x00038015 : rn(8) | (chance(50) ? 0x10 : 0) | (chance(10) ? (uint32_t)rnd() : 0);
        OP("CB%u TCR2 = 0x%x", n, v); wr(CB_OFF(n, TCR2), v);
        break;
    }
    case 7: {                                       /* TTBR0/1: tables, RAM, nothing, MMIO, itself */
        uint64_t v = pick_table_addr() | (chance(50) ? (uint64_t)rn(4) << 48 : 0);
        unsigned o = chance(70) ? TTBR0 : TTBR1;
        OP("CB%u TTBR%u = 0x%llx", n, o == TTBR1, (unsigned long long)v); wrq64(CB_OFF(n, o), v);
        break;
    }
    case 8: {
        static const uint32_t o[] = { MAIR0, MAIR1, ACTLR, CONTEXTIDR, RESUME, FSYNR0, FSYNR1 };
        unsigned r = o[rn(7)];
        OP("CB%u 0x%x = rnd", n, r); wr(CB_OFF(n, r), chance(50) ? 0xf404ff44u : (uint32_t)rnd());
        break;
    }
    case 9: {                                       /* sCR0 toggles */
        static const uint32_t bits[] = { 1u << 0, 1u << 1, 1u << 2, 1u << 4, 1u << 5, 1u << 10, 1u << 21 };
        uint32_t v = chance(60) ? LINUX_sCR0 : reg_rd(sCR0);
        for (unsigned k = 0; k < 7; k++) if (chance(k == 0 ? 10 : 25)) v ^= bits[k];
        if (chance(3)) v = (uint32_t)rnd();
        OP("sCR0 = 0x%x", v); wr(sCR0, v);
        break;
    }
    case 10: {                                      /* global TLB maintenance */
        static const uint32_t o[] = { TLBIVMID, TLBIALLNSNH, TLBIALLH, STLBIALL, sTLBGSYNC };
        unsigned r = o[rn(5)];
        OP("GR0 TLBI 0x%x", r); wr(r, rn(8));
        if (chance(50)) wr(sTLBGSYNC, 0);
        break;
    }
    case 11: {                                      /* context-bank TLB maintenance */
        static const uint32_t o[] = { TLBIVA, TLBIVAA, TLBIVAL, TLBIVAAL, TLBIIPAS2, TLBIIPAS2L };
        uint64_t a = pick_iova();
        if (chance(50)) {
            unsigned r = o[rn(6)];
            uint64_t v = (uint64_t)rn(4) << 48 | ((a >> 12) & ((1ull << 44) - 1));
            OP("CB%u TLBI 0x%x = 0x%llx", n, r, (unsigned long long)v);
            if (chance(70)) reg_access(CB_OFF(n, r), 8, true, v, NULL);
            else reg_access(CB_OFF(n, r) + (chance(20) ? 4 : 0), 4, true, (uint32_t)v, NULL);
        } else {
            OP("CB%u TLBIASID/ALL", n);
            wr(CB_OFF(n, chance(50) ? TLBIASID : TLBIALL), rn(4));
        }
        wr(CB_OFF(n, TLBSYNC), 0);
        uint64_t s;
        reg_access(CB_OFF(n, TLBSTATUS), 4, false, 0, &s);
        if (n < 16) CHECK(s == 0);                  /* SACTIVE clears: maintenance is done */
        break;
    }
    case 12: {                                      /* fault handlers: W1C */
        if (chance(50)) { OP("sGFSR W1C"); wr(sGFSR, chance(80) ? reg_rd(sGFSR) : (uint32_t)rnd()); }
        else {
            OP("CB%u FSR W1C", n);
            wr(CB_OFF(n, FSR), chance(40) ? reg_rd(CB_OFF(n % 16, FSR)) : chance(50) ? 0xc00001feu : (uint32_t)rnd());
        }
        break;
    }
    case 13:                                        /* RESTORE registers */
        if (chance(50)) { OP("sGFSRRESTORE"); wr(sGFSRRESTORE, (uint32_t)rnd()); }
        else { OP("CB%u FSRRESTORE", n); wr(CB_OFF(n, FSRRESTORE), (uint32_t)rnd()); }
        break;
    case 14: {                                      /* read-only registers: ignored + logged */
        static const uint32_t o[] = { ID0, ID1, ID2, ID7, sGFSYNR0, sGFSYNR1, sGFSYNR2, sTLBGSTATUS };
        OP("read-only writes");
        if (chance(50)) wr(o[rn(8)], (uint32_t)rnd());
        else if (chance(50)) wr(GR1_OFF(CBFRSYNRA(n % 16)), (uint32_t)rnd());
        else wr(CB_OFF(n % 16, TLBSTATUS), (uint32_t)rnd());
        break;
    }
    case 15: {                                      /* other 64-bit registers and storage */
        OP("misc 64-bit / storage");
        switch (rn(5)) {
        case 0: wrq64(sGFAR, rnd()); break;
        case 1: wrq64(CB_OFF(n, FAR), rnd()); break;
        case 2: wrq64(CB_OFF(n, IPAFAR), rnd()); break;
        case 3: wrq64(CB_OFF(n, PAR), rnd()); break;
        default: wr(chance(50) ? sACR : sCR2, (uint32_t)rnd()); break;
        }
        break;
    }
    default:
        OP("baseline");
        program_baseline();
        break;
    }
}

static void op_random_access(void)
{
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    uint64_t off = rnd() % (REGION + 0x3000);
    unsigned size = sizes[rn(4)];
    if (chance(70)) off &= ~(uint64_t)(size - 1);
    if (chance(50) && off < REGION) {               /* somewhere a real register lives */
        static const unsigned cbo[] = { SCTLR, TCR2, TTBR0, TTBR0 + 4, TTBR1, TCR, MAIR0, FSR, FSRRESTORE,
                                        FAR, FSYNR0, IPAFAR, TLBIVA, TLBIASID, TLBIALL, TLBIIPAS2, TLBSYNC };
        uint64_t page = off / PGSZ;
        if (page >= NUMPAGE) off = page * PGSZ + cbo[rn(sizeof cbo / sizeof cbo[0])];
        else if (page == 0) off = chance(50) ? rn(0x20) * 4 : SMR0 + rn(0x100) * 4;
        else if (page == 1) off = PGSZ + rn(0x300) * 4;
        if (size < 4) off += rn(4);
    }
    bool write = chance(60);
    uint64_t v = rnd();
    OP("random %u-byte %s at +0x%llx = 0x%llx", size, write ? "write" : "read", (unsigned long long)off,
       (unsigned long long)v);
    reg_access(off, size, write, v, NULL);
}

/* Expected content of `n` bytes at PA `pa` (RAM or scratch); false if neither. */
static bool shadow_ptr(uint64_t pa, size_t n, uint8_t **p)
{
    if (pa < FM_SIZE && n <= FM_SIZE - pa) { *p = ram_sh + pa; return true; }
    if (pa >= SCRATCH && pa - SCRATCH + n <= SCRATCH_SZ) { *p = scratch_sh + (pa - SCRATCH); return true; }
    return false;
}

/* what the fuzzer reached (each must be > 0 per seed: a fuzzer that never translates proves
 * nothing) */
static struct { unsigned translated, bypassed, context_faults, global_faults, bus_errors, aborts, dma_ok,
                smmu_pages, reprogrammed; } cov;

static uint8_t dbuf[4 * 0x1000 + 64], rbuf[4 * 0x1000 + 64];

/* Half the time a stream ID with an IOVA its baseline context maps (so that translations
 * succeed often enough to check data), else anything. */
static void pick_sid_iova(uint32_t *sid, uint64_t *iova)
{
    uint64_t off = rnd() & 0xfff;
    if (chance(50)) {
        switch (rn(5)) {
        case 0: *sid = 0x10 + rn(2); *iova = (chance(70) ? IOVA_S1 : IOVA_S1HI) + rn(NMAP) * PGSZ + off; return;
        case 1: *sid = 0x10; *iova = IOVA_BLK + rn(512) * PGSZ + off; return;
        case 2: *sid = 0x20; *iova = IPA_S2 + rn(NMAP) * PGSZ + off; return;
        case 3: *sid = 0x30; *iova = IOVA_S1 + rn(NMAP) * PGSZ + off; return;
        default: *sid = 0x40; *iova = WIN_BASE + rn(WIN_PAGES) * PGSZ + off; return;
        }
    }
    *sid = pick_sid();
    *iova = pick_iova();
}

/* The SMMU's own register pages as a DMA target. A bus master reaches them as it reaches any
 * slave: the DMA API issues the largest naturally aligned accesses up to 8 bytes, so an aligned
 * part of a transfer is a real register access (architecturally possible: the programming
 * interface is a bus slave any master may reach unless the system prevents it — Xen keeps it
 * out of every p2m). The model, computed here independently of bus.c: the piece sizes; a 1- or
 * 2-byte piece is a slave error that ends the transfer (DMA_BUS_ERROR at that page) with one
 * guest error; a 4/8-byte piece logs what the access contract says; a read returns what the
 * register reads (reads have no side effects); a 4-byte write to SMR0..15 sets the SMR shadow.
 * Returns false when the transfer must have stopped in this chunk. */
static bool smmu_page_dma(uint64_t pa, size_t n, bool write, const uint8_t *data, unsigned *ge)
{
    for (size_t k = 0; k < n;) {
        uint64_t a = pa + k, off = a - SMMU_BASE;
        unsigned sz = 8;
        while (sz > 1 && ((a & (sz - 1)) || sz > n - k)) sz >>= 1;
        if (sz < 4) { (*ge)++; return false; }
        *ge += expected_guest_errors(off, sz, write);
        if (write) {
            if (sz == 4 && off >= SMR0 && off < SMR(16)) {
                uint32_t v;
                memcpy(&v, data + k, 4);
                smr_sh[(off - SMR0) / 4] = v & 0xffff7fffu;
            }
        } else {
            uint64_t v = 0;
            CHECK(bus_read(tb, mk_pa(a), sz, &v) == BUS_OK);   /* (after the DMA's count was taken) */
            CHECK(memcmp(data + k, &v, sz) == 0);
        }
        k += sz;
    }
    return true;
}
static bool in_smmu(uint64_t pa) { return pa >= SMMU_BASE && pa - SMMU_BASE < REGION; }

static void op_dma(void)
{
    uint32_t sid;
    uint64_t iova;
    pick_sid_iova(&sid, &iova);
    size_t len = chance(30) ? 1 + rn(16) : chance(60) ? 1 + rn(0x1000) : 1 + rn(3 * 0x1000 + 64);
    bool write = chance(50), no_smmu = chance(5);
    unsigned attrs = rn(4);
    for (size_t k = 0; k < len; k++) dbuf[k] = (uint8_t)rnd();
    OP("dma_%s sid 0x%x iova 0x%llx len %zu attrs %u%s", write ? "write" : "read", sid,
       (unsigned long long)iova, len, attrs, no_smmu ? " (no smmu)" : "");

    uint64_t cfg0[NCFG], cfg1[NCFG];
    uint32_t fsr0[16], gfsr0 = reg_rd(sGFSR);
    snapshot_cfg(cfg0);
    for (unsigned n = 0; n < 16; n++) fsr0[n] = reg_rd(CB_OFF(n, FSR));

    struct dma_port p;
    dma_port_init(&p, tb, no_smmu ? NULL : ts, sid);
    nev = 0;
    memset(rbuf, 0xa5, sizeof rbuf);
    unsigned ge0 = smmu_guest_errors(ts), ge = 0;
    int st = write ? dma_write(&p, iova, dbuf, len, attrs) : dma_read(&p, iova, rbuf, len, attrs);
    unsigned dge = smmu_guest_errors(ts) - ge0;
    CHECK(st == DMA_OK || st == DMA_SMMU_FAULT || st == DMA_BUS_ERROR);
    CHECK(nev <= MAXEV);
    /* Did a write reach the SMMU's registers? Then it may have reprogrammed the SMMU, cleared
     * or restored fault records (even those this DMA's earlier pages made): the fault-record
     * and "configuration unchanged" checks do not apply to it. */
    bool reprogrammed = false;
    if (write) {
        if (no_smmu) reprogrammed = iova < SMMU_BASE + REGION && SMMU_BASE < iova + len;
        else for (unsigned k = 0; k < nev && k < MAXEV; k++)
            reprogrammed |= (evs[k].result == SMMU_TRANSLATED || evs[k].result == SMMU_BYPASSED) && in_smmu(evs[k].pa.v);
    }

    /* Replay the transfer chunk by chunk against the shadow and the trace events. */
    size_t done = 0;
    unsigned ci = 0;
    bool gfirst = true, cfirst[16];
    for (unsigned n = 0; n < 16; n++) cfirst[n] = true;
    bool stopped = false;
    while (done < len) {
        uint64_t a = iova + done;
        size_t chunk = PGSZ - (a & (PGSZ - 1));
        if (chunk > len - done) chunk = len - done;
        uint64_t pa = a;
        bool faulted = false;
        if (!no_smmu) {
            CHECK(ci < nev);
            const struct smmu_trace_event *ev = &evs[ci];
            CHECK(ev->sid == sid && ev->iova == a && ev->write == write);
            cov.translated += ev->result == SMMU_TRANSLATED;
            cov.bypassed += ev->result == SMMU_BYPASSED;
            cov.context_faults += ev->result == SMMU_CONTEXT_FAULT;
            cov.global_faults += ev->result == SMMU_GLOBAL_FAULT;
            if (ev->result == SMMU_CONTEXT_FAULT || ev->result == SMMU_GLOBAL_FAULT) {
                bool *first = ev->result == SMMU_GLOBAL_FAULT ? &gfirst : &cfirst[ev->cb >= 0 && ev->cb < 16 ? ev->cb : 0];
                if (!reprogrammed) check_fault_recorded(ev->result, ev->cb, ev->fsr, sid, a, *first, gfsr0, fsr0);
                *first = false;
                faulted = true;
                if (ci + 1 == nev && st == DMA_SMMU_FAULT) {      /* the abort */
                    CHECK(p.fault.outcome == ev->result && p.fault.fsr == ev->fsr);
                    CHECK(p.fault.cb == (ev->result == SMMU_GLOBAL_FAULT ? -1 : ev->cb));
                    CHECK(p.fault.abort);
                    CHECK(p.fault_iova == a && p.done == done);
                    ci++;
                    stopped = true;
                    break;
                }
            } else {
                CHECK(ev->result == SMMU_TRANSLATED || ev->result == SMMU_BYPASSED);
                pa = ev->pa.v;
                CHECK((pa & 0xfff) == (a & 0xfff));
            }
        }
        ci++;
        if (faulted) {                               /* RAZ/WI: nothing written, zeros read */
            if (!write) for (size_t k = 0; k < chunk; k++) CHECK(rbuf[done + k] == 0);
            done += chunk;
            continue;
        }
        uint8_t *sh;
        if (in_smmu(pa)) {                           /* the SMMU's registers, in beats */
            if (!smmu_page_dma(pa, chunk, write, write ? dbuf + done : rbuf + done, &ge)) {
                CHECK(st == DMA_BUS_ERROR);
                CHECK(p.fault_iova == a && p.done == done);
                stopped = true;
                break;
            }
            cov.smmu_pages++;
            done += chunk;
            continue;
        }
        if (!shadow_ptr(pa, chunk, &sh)) {           /* nothing */
            CHECK(st == DMA_BUS_ERROR);
            CHECK(p.fault_iova == a && p.done == done);
            stopped = true;
            break;
        }
        if (write) memcpy(sh, dbuf + done, chunk);
        else CHECK(memcmp(rbuf + done, sh, chunk) == 0);
        done += chunk;
    }
    if (!stopped) CHECK(st == DMA_OK);
    /* the register accesses modelled logged their guest errors; table walks may add theirs (a
     * TTBR or descriptor pointing at the SMMU's own registers: 64-bit descriptor reads) */
    CHECK(no_smmu ? dge == ge : dge >= ge);
    cov.dma_ok += st == DMA_OK;
    cov.aborts += st == DMA_SMMU_FAULT;
    cov.bus_errors += st == DMA_BUS_ERROR;
    if (!no_smmu) CHECK(ci == nev);
    if (!write) CHECK(rbuf[len] == 0xa5);            /* nothing past the buffer */
    if (st == DMA_SMMU_FAULT) {                      /* (recorded after any register write) */
        if (p.fault.outcome == SMMU_GLOBAL_FAULT) CHECK(reg_rd(sGFSR) != 0);
        else CHECK(p.fault.cb >= 0 && p.fault.cb < 16 && reg_rd(CB_OFF(p.fault.cb, FSR)) != 0);
    }
    /* the data: exactly the expected bytes in the window and the scratch device */
    CHECK(memcmp(fm + WIN_BASE, ram_sh + WIN_BASE, WIN_PAGES * PGSZ) == 0);
    CHECK(memcmp(scratch, scratch_sh, SCRATCH_SZ) == 0);
    /* a DMA that wrote no SMMU register (reads of them included) leaves its configuration */
    snapshot_cfg(cfg1);
    if (!reprogrammed) CHECK(memcmp(cfg0, cfg1, sizeof cfg0) == 0);
    cov.reprogrammed += reprogrammed;
}

static void op_translate(void)
{
    uint32_t sid;
    uint64_t iova;
    pick_sid_iova(&sid, &iova);
    enum mmu_access_type acc = (enum mmu_access_type)rn(3);
    unsigned attrs = rn(4);
    OP("smmu_translate sid 0x%x iova 0x%llx access %d attrs %u", sid, (unsigned long long)iova, acc, attrs);
    uint32_t fsr0[16], gfsr0 = reg_rd(sGFSR);
    for (unsigned n = 0; n < 16; n++) fsr0[n] = reg_rd(CB_OFF(n, FSR));
    pa_t pa, pa2;
    struct smmu_fault f, f2;
    struct smmu_xlate x, x2;
    nev = 0;
    bool ok = smmu_translate(ts, sid, iova, acc, attrs, &pa, &f, &x);
    CHECK(nev == 1 && evs[0].result == x.outcome && evs[0].cb == x.cb);
    if (ok) {
        CHECK(x.outcome == SMMU_TRANSLATED || x.outcome == SMMU_BYPASSED);
        CHECK((pa.v & 0xfff) == (iova & 0xfff));
        CHECK(evs[0].pa.v == pa.v);
        if (x.outcome == SMMU_BYPASSED) CHECK(pa.v == iova);
    } else {
        CHECK(x.outcome == f.outcome);
        if (f.outcome == SMMU_GLOBAL_FAULT) CHECK(f.cb == -1);   /* (x.cb may name an invalid bank) */
        else CHECK(x.cb == f.cb);
        check_fault_recorded(f.outcome, f.cb, f.fsr, sid, iova, true, gfsr0, fsr0);
    }
    /* the same question again gets the same answer (IOTLB or walk) */
    bool ok2 = smmu_translate(ts, sid, iova, acc, attrs, &pa2, &f2, &x2);
    CHECK(ok2 == ok);
    if (ok) CHECK(pa2.v == pa.v && x2.outcome == x.outcome && x2.cb == x.cb);
    else CHECK(f2.outcome == f.outcome && f2.cb == f.cb && f2.fsr == f.fsr);
}

static void op_reset(void)
{
    OP("smmu_reset");
    smmu_reset(ts);
    memset(smr_sh, 0, sizeof smr_sh);
    CHECK(reg_rd(sCR0) == 0x00200001);
    for (unsigned l = 0; l <= 16; l++) CHECK(!irq_level[l]);
}

/* ---------------------------------------------------------------- driver */

static void fuzz_seed(uint64_t seed, unsigned steps)
{
    cur_seed = seed;
    cur_step = 0;
    rng_state = seed;
    OP("setup");
    smmu_env();
    smmu_set_trace(ts, trace_fn, NULL);
    memset(scratch, 0, sizeof scratch);
    CHECK(bus_map_mmio(tb, "scratch", mk_pa(SCRATCH), SCRATCH_SZ, &scratch_ops, NULL) == 0);
    build_tables();
    for (uint64_t a = WIN_BASE; a < WIN_BASE + WIN_PAGES * PGSZ; a++) fm[a] = (uint8_t)rnd();
    for (unsigned k = 0; k < SCRATCH_SZ; k++) scratch[k] = (uint8_t)rnd();
    memcpy(ram_sh, fm, FM_SIZE);
    memcpy(scratch_sh, scratch, SCRATCH_SZ);
    memset(smr_sh, 0, sizeof smr_sh);
    id_sh[0] = reg_rd(ID0); id_sh[1] = reg_rd(ID1); id_sh[2] = reg_rd(ID2); id_sh[3] = reg_rd(ID7);
    program_baseline();
    check_invariants();
    memset(&cov, 0, sizeof cov);
    for (cur_step = 1; cur_step <= steps; cur_step++) {
        unsigned r = rn(1000);
        /* epochs: every 250 steps a driver reprograms the working configuration and clears
         * the fault records, so that the fuzz keeps reaching the translation path */
        if (cur_step % 250 == 0) {
            OP("epoch: baseline, clear faults");
            program_baseline();
            wr(sGFSR, reg_rd(sGFSR));
            for (unsigned n = 0; n < 16; n++) wr(CB_OFF(n, FSR), reg_rd(CB_OFF(n, FSR)));
        } else if (r < 330) op_meaningful_write();
        else if (r < 480) op_random_access();
        else if (r < 880) op_dma();
        else if (r < 999) op_translate();
        else op_reset();
        check_invariants();
        if (cur_step % 1024 == 0) CHECK(memcmp(fm, ram_sh, FM_SIZE) == 0);
    }
    OP("end of seed");
    CHECK(memcmp(fm, ram_sh, FM_SIZE) == 0);
    struct smmu_iotlb_stats stt;
    smmu_iotlb_stats(ts, &stt);
    /* the fuzzer must actually reach the translation path, the IOTLB and the fault paths */
    if (getenv("SMMU_FUZZ_VERBOSE"))
        fprintf(stderr, "seed %llu: %u steps; pages translated %u, bypassed %u, context faults %u, global "
                "faults %u; DMAs ok %u, aborted %u, bus errors %u; SMMU register pages moved %u, DMA writes "
                "there %u; IOTLB hits %llu misses %llu; guest errors %u\n", (unsigned long long)seed, steps,
                cov.translated, cov.bypassed, cov.context_faults, cov.global_faults, cov.dma_ok, cov.aborts,
                cov.bus_errors, cov.smmu_pages, cov.reprogrammed,
                (unsigned long long)stt.hits, (unsigned long long)stt.misses, smmu_guest_errors(ts));
    CHECK(stt.hits > 0 && stt.misses > 0);
    CHECK(cov.translated > 0 && cov.bypassed > 0 && cov.context_faults > 0 && cov.global_faults > 0);
    CHECK(cov.bus_errors > 0 && cov.aborts > 0 && cov.dma_ok > 0);
    CHECK(cov.smmu_pages > 0 && cov.reprogrammed > 0);           /* DMAs really reached its registers */
    smmu_env_free();
}

static const uint64_t seeds[] = { 1, 2, 3, 0x5eed, 0xdeadbeef, 0x8badf00d, 42, 1234567 };
#define STEPS_PER_SEED 10000

static void test_fuzz(void **st)
{
    const char *e = getenv("SMMU_FUZZ_SEED");
    if (e) {
        const char *n = getenv("SMMU_FUZZ_STEPS");
        fuzz_seed(strtoull(e, NULL, 0), n ? (unsigned)strtoul(n, NULL, 0) : STEPS_PER_SEED);
        return;
    }
    for (unsigned i = 0; i < sizeof seeds / sizeof seeds[0]; i++) fuzz_seed(seeds[i], STEPS_PER_SEED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
