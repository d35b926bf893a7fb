/* tests/unit/test_smmu_common.h — an SMMU on a bus whose RAM is the walker tests' fake memory
 * (test_mmu_common.h: `fm` at PA 0, tables built with tt_map), plus register accessors that go
 * through the bus like a CPU's MMIO accesses. Header-only; each SMMU test includes it. */
#ifndef TEST_SMMU_COMMON_H
#define TEST_SMMU_COMMON_H
#include "tests/unit/test_mmu_common.h"
#include "machine/machine.h"
#include "smmu/smmu.h"

#define SMMU_BASE  VIRT_SMMU
#define PGSZ       0x1000ull
#define NUMPAGE    16ull
#define CB_BASE(n) (SMMU_BASE + (NUMPAGE + (n)) * PGSZ)
#define GR1_BASE   (SMMU_BASE + PGSZ)

static struct bus *tb;
static struct smmu *ts;
static bool irq_level[17];
static unsigned irq_edges[17];
static unsigned ram_writes;

static void irq_cb(void *opaque, bool level)
{
    unsigned line = (unsigned)(uintptr_t)opaque;
    irq_level[line] = level;
    irq_edges[line]++;
}
static void ram_hook(void *opaque, pa_t pa, uint64_t len) { (void)opaque; (void)pa; (void)len; ram_writes++; }

static inline void smmu_env_cfg(const struct smmu_config *cfg)
{
    fm_reset();
    tb = bus_new();
    bus_map_ram(tb, "ram", mk_pa(0), FM_SIZE, fm);
    bus_set_ram_write_hook(tb, ram_hook, NULL);
    ts = smmu_new(tb, cfg);
    assert_int_equal(smmu_map(ts, tb, mk_pa(SMMU_BASE)), 0);
    memset(irq_level, 0, sizeof irq_level);
    memset(irq_edges, 0, sizeof irq_edges);
    ram_writes = 0;
    for (unsigned i = 0; i < 17; i++) smmu_set_irq(ts, i, irq_cb, (void *)(uintptr_t)i);
}
static inline void smmu_env(void) { smmu_env_cfg(NULL); }
static inline void smmu_env_free(void) { smmu_free(ts); bus_free(tb); ts = NULL; tb = NULL; }

static inline uint32_t rd32(uint64_t pa) { uint64_t v; assert_int_equal(bus_read(tb, mk_pa(pa), 4, &v), BUS_OK); return (uint32_t)v; }
static inline void wr32(uint64_t pa, uint32_t v) { assert_int_equal(bus_write(tb, mk_pa(pa), 4, v), BUS_OK); }
static inline uint64_t rdq(uint64_t pa) { uint64_t v; assert_int_equal(bus_read(tb, mk_pa(pa), 8, &v), BUS_OK); return v; }
static inline void wrq(uint64_t pa, uint64_t v) { assert_int_equal(bus_write(tb, mk_pa(pa), 8, v), BUS_OK); }
#define GR0R(o)       rd32(SMMU_BASE + (o))
#define GR0W(o, v)    wr32(SMMU_BASE + (o), (v))
#define GR1R(o)       rd32(GR1_BASE + (o))
#define GR1W(o, v)    wr32(GR1_BASE + (o), (v))
#define CBR(n, o)     rd32(CB_BASE(n) + (o))
#define CBW(n, o, v)  wr32(CB_BASE(n) + (o), (v))
#define CBRQ(n, o)    rdq(CB_BASE(n) + (o))
#define CBWQ(n, o, v) wrq(CB_BASE(n) + (o), (v))

/* Register offsets (IHI 0062 names) */
enum {
    sCR0 = 0x0, sACR = 0x10, ID0 = 0x20, ID1 = 0x24, ID2 = 0x28, ID3 = 0x2c, ID7 = 0x3c, sGFAR = 0x40,
    sGFSR = 0x48, sGFSYNR0 = 0x50, sGFSYNR1 = 0x54, sGFSYNR2 = 0x58, STLBIALL = 0x60,
    TLBIVMID = 0x64, TLBIALLNSNH = 0x68, TLBIALLH = 0x6c, sTLBGSYNC = 0x70, sTLBGSTATUS = 0x74,
    SMR0 = 0x800, S2CR0 = 0xc00,
    CBAR0 = 0x0, CBFRSYNRA0 = 0x400, CBA2R0 = 0x800,
    SCTLR = 0x0, ACTLR = 0x4, RESUME = 0x8, TCR2 = 0x10, TTBR0 = 0x20, TTBR1 = 0x28, TCR = 0x30,
    MAIR0 = 0x38, MAIR1 = 0x3c, FSR = 0x58, FSRRESTORE = 0x5c, FAR = 0x60, FSYNR0 = 0x68,
    FSYNR1 = 0x6c, IPAFAR = 0x70, TLBIVA = 0x600, TLBIVAA = 0x608, TLBIASID = 0x610,
    TLBIALL = 0x618, TLBIVAL = 0x620, TLBIIPAS2 = 0x630, TLBSYNC = 0x7f0, TLBSTATUS = 0x7f4,
};
#define SMR(i)   (SMR0 + 4 * (i))
#define S2CR(i)  (S2CR0 + 4 * (i))
#define CBAR(n)  (CBAR0 + 4 * (n))
#define CBA2R(n) (CBA2R0 + 4 * (n))
#define CBFRSYNRA(n) (CBFRSYNRA0 + 4 * (n))

/* sCR0 as Linux 6.1 leaves it after reset from 0x00200001 (smmuv2.md §2.2 step 5). */
#define LINUX_sCR0 0x00201c36u

/* Bring the SMMU up the way Linux's reset does (S2CRs fault, SMRs 0, sCR0 live). */
static inline void linux_enable(void)
{
    for (unsigned i = 0; i < 16; i++) { GR0W(S2CR(i), 0x20000); GR0W(SMR(i), 0); }
    GR0W(sCR0, LINUX_sCR0);
}

/* Program context bank n as Linux's write_context_bank does for a 48-bit stage-1 domain with
 * ASID asid and page-table root `root`, then route stream `sid` to it through SME `sme`. */
static inline void linux_s1_domain(unsigned n, uint16_t asid, uint64_t root, unsigned sme, uint32_t sid)
{
    GR1W(CBA2R(n), 1);                      /* VA64 */
    GR1W(CBAR(n), 0x0001f300);              /* TYPE 1, BPSHCFG NSH, MemAttr WB */
    CBW(n, TCR2, 0x00038015);
    CBW(n, TCR, 0x00803510);                /* T0SZ 16, WBWA, inner shareable, 4K, EPD1 */
    CBWQ(n, TTBR0, (uint64_t)asid << 48 | root);
    CBWQ(n, TTBR1, (uint64_t)asid << 48);
    CBW(n, MAIR0, 0xf404ff44);
    CBW(n, MAIR1, 0);
    CBW(n, SCTLR, 0x00001067);              /* M TRE AFE CFRE CFIE ASIDPNE */
    GR0W(S2CR(sme), n);                     /* TYPE translate, CBNDX n */
    GR0W(SMR(sme), 0x80000000u | sid);
}

/* Xen-style stage-2 bank: VTCR-form TCR, TTBR0 = p2m root, VMID in CBAR. */
static inline void xen_s2_bank(unsigned n, uint8_t vmid, uint64_t root, uint32_t vtcr)
{
    GR1W(CBA2R(n), 1);
    GR1W(CBAR(n), vmid);                    /* TYPE 0 (stage 2), VMID */
    CBW(n, TCR, vtcr);
    CBW(n, TTBR0, (uint32_t)root);
    CBW(n, TTBR0 + 4, (uint32_t)(root >> 32));
    CBW(n, SCTLR, 0x67);
}

#define S1_PAGE(pa, extra) ((pa) | D_PAGE | D_AF | D_NG | D_SH_IS | D_AP_EL0 | D_ATTR(1) | (extra))
#define S2_PAGE_RW(pa)     ((pa) | D_PAGE | D_AF | D_S2_R | D_S2_W | D_SH_IS | D_MEMATTR(0xf))

#endif
