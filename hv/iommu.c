/* hv/iommu.c — the SMMUv2 the hypervisor owns (Xen's role in drivers/passthrough/arm/smmu.c,
 * /work/shared/design/smmuv2.md §3; register names from IHI 0062). Under -hv xen the SMMU is
 * the hypervisor's, never dom0's ("two owners, never both"): hv programs it through its
 * registers on the bus, as a driver does — 32-bit accesses only, 64-bit registers as lo/hi
 * halves, like Xen — and
 *   - resets it: sGFSR cleared, every S2CR fault and SMR invalid, every context bank's SCTLR 0
 *     and FSR cleared, TLBIALLNSNH/TLBIALLH + sTLBGSYNC, then sCR0 with GFRE/GFIE/GCFGFRE/
 *     GCFGFIE, USFCFG = 1 (a stream nobody attached faults) and CLIENTPD = 0;
 *   - gives dom0 one stage-2 context bank: CBAR TYPE 0 with dom0's VMID, CBA2R.VA64, TCR =
 *     VTCR_EL2 of the p2m, TTBR0 = the p2m root — the SMMU walks the very descriptors the CPU's
 *     stage 2 walks, nothing is copied — and SCTLR M|TRE|AFE|CFRE|CFIE (Xen's 0x67: faults
 *     terminate, CFCFG stays 0);
 *   - attaches each stream ID found in the host DT (`iommus = <&smmu SID>`, Xen's
 *     iommu_add_dt_device) with SMR(VALID | SID) and S2CR translate → that bank;
 *   - keeps the IOTLB coherent: every p2m break-before-make flush is TLBIVMID(VMID) +
 *     sTLBGSYNC, polling sTLBGSTATUS (Xen's iommu_iotlb_flush is also flush-all);
 *   - takes its interrupts (never routed to dom0): a context fault is read (FSR, FSYNR0, FAR,
 *     CBFRSYNRA), logged as Xen does ("Unhandled context fault"), counted and cleared (W1C) —
 *     no retry, the transaction was already terminated; a global fault likewise from sGFSR;
 *   - hides it from dom0: no iomem permission for its region, its node and the masters'
 *     `iommus`/`iommu-map` removed from dom0's tree, the masters listed in /hypervisor's
 *     `protected-devices` (when that node is written). */
#include <string.h>
#include <libfdt.h>
#include "hv/hv_internal.h"
#include "machine/machine.h"
#include "smmu/smmu.h"

/* GR0 (page 0) */
#define sCR0          0x000u
#define  sCR0_CLIENTPD  (1u << 0)
#define  sCR0_GFRE      (1u << 1)
#define  sCR0_GFIE      (1u << 2)
#define  sCR0_GCFGFRE   (1u << 4)
#define  sCR0_GCFGFIE   (1u << 5)
#define  sCR0_USFCFG    (1u << 10)
#define  sCR0_VMIDPNE   (1u << 11)
#define  sCR0_PTM       (1u << 12)
#define  sCR0_FB        (1u << 13)
#define  sCR0_BSU       (3u << 14)
#define ID0           0x020u
#define  ID0_S2TS       (1u << 29)
#define  ID0_SMS        (1u << 27)
#define ID1           0x024u
#define  ID1_PAGESIZE   (1u << 31)
#define ID2           0x028u
#define  ID2_PTFS_4K    (1u << 12)
#define sGFAR         0x040u
#define sGFSR         0x048u
#define sGFSYNR0      0x050u
#define sGFSYNR1      0x054u
#define sGFSYNR2      0x058u
#define TLBIVMID      0x064u
#define TLBIALLNSNH   0x068u
#define TLBIALLH      0x06cu
#define sTLBGSYNC     0x070u
#define sTLBGSTATUS   0x074u
#define  sTLBGSTATUS_GSACTIVE 1u
#define SMR(n)        (0x800u + 4u * (n))
#define  SMR_VALID      (1u << 31)
#define S2CR(n)       (0xc00u + 4u * (n))
#define  S2CR_TYPE_TRANS 0u
#define  S2CR_TYPE_FAULT (2u << 16)
/* GR1 (page 1) */
#define GR1           0x1000u
#define CBAR(n)       (GR1 + 4u * (n))
#define  CBAR_TYPE_S2   0u
#define CBFRSYNRA(n)  (GR1 + 0x400u + 4u * (n))
#define CBA2R(n)      (GR1 + 0x800u + 4u * (n))
#define  CBA2R_VA64     1u
/* Context bank (page NUMPAGE + n) */
#define CB_SCTLR      0x000u
#define  SCTLR_M        (1u << 0)
#define  SCTLR_TRE      (1u << 1)
#define  SCTLR_AFE      (1u << 2)
#define  SCTLR_CFRE     (1u << 5)
#define  SCTLR_CFIE     (1u << 6)
#define CB_TTBR0      0x020u
#define CB_TCR        0x030u
#define CB_FSR        0x058u
#define  FSR_FAULT      0xc00001feu     /* MULTI, SS, UUT, ASF, TLBLKF, TLBMCF, EF, PF, AFF, TF */
#define CB_FAR        0x060u
#define CB_FSYNR0     0x068u

#define SYNC_POLLS    1000u

static uint32_t rd(struct hv *hv, uint64_t off)
{
    uint64_t v = 0;
    bus_read(hv->cfg.bus, mk_pa(hv->iommu.base + off), 4, &v);
    return (uint32_t)v;
}
static void wr(struct hv *hv, uint64_t off, uint32_t v) { bus_write(hv->cfg.bus, mk_pa(hv->iommu.base + off), 4, v); }
static uint64_t cb_off(const struct hv *hv, unsigned n) { return hv->iommu.size / 2 + (uint64_t)n * 0x1000u; }

static unsigned id2_bits(unsigned enc)
{
    static const unsigned bits[] = { 32, 36, 40, 42, 44, 48 };
    return bits[enc < 5 ? enc : 5];
}

/* Probe (arm_smmu_device_cfg_probe): what the ID registers say, checked against what the
 * hypervisor needs. Failing here stops -hv xen with a clear message. */
int hv_iommu_init(struct hv *hv, char *err, size_t errlen)
{
    struct hv_iommu *m = &hv->iommu;
    memset(m, 0, sizeof *m);
    m->cb = -1;
    if (!hv->cfg.smmu.smmu) return 0;
    m->base = hv->cfg.smmu.base;
    m->size = smmu_region_size(hv->cfg.smmu.smmu);
    uint32_t id0 = rd(hv, ID0), id1 = rd(hv, ID1), id2 = rd(hv, ID2);
    unsigned numpage = 1u << (((id1 >> 28) & 7) + 1);
    const char *why = NULL;
    if (!(id0 & ID0_S2TS)) why = "no stage-2 translation (ID0.S2TS = 0)";
    else if (!(id0 & ID0_SMS)) why = "stream indexing (ID0.SMS = 0) is not supported";
    else if (id1 & ID1_PAGESIZE) why = "64 KiB register pages are not supported";
    else if (2ull * numpage * 0x1000u != m->size) why = "the region size is not 2 x NUMPAGE x 4 KiB";
    else if (!(id2 & ID2_PTFS_4K)) why = "no 4 KiB granule (ID2.PTFS_4K = 0)";
    else if (p2m_ipa_bits(hv->dom0.p2m) > id2_bits(id2 & 0xf)) why = "ID2.IAS is smaller than dom0's IPA size";
    else if (p2m_pa_bits(hv->dom0.p2m) > id2_bits((id2 >> 4) & 0xf)) why = "ID2.OAS is smaller than the p2m's PA size";
    m->num_cb = id1 & 0xff;
    m->num_smrg = id0 & 0xff;
    if (!why && (!m->num_cb || !m->num_smrg)) why = "no context bank or no stream match register";
    if (why) {
        snprintf(err, errlen, "hv: SMMU at 0x%llx: %s (ID0 0x%08x ID1 0x%08x ID2 0x%08x)",
                 (unsigned long long)m->base, why, id0, id1, id2);
        return -1;
    }
    m->present = true;
    return 0;
}

static void tlb_sync(struct hv *hv)
{
    wr(hv, sTLBGSYNC, 0);
    for (unsigned i = 0; i < SYNC_POLLS; i++)
        if (!(rd(hv, sTLBGSTATUS) & sTLBGSTATUS_GSACTIVE)) return;
    hv_log(hv, "smmu: TLB sync timed out -- SMMU may be deadlocked");
}

/* arm_smmu_device_reset, then dom0's context bank (arm_smmu_init_context_bank) and its
 * masters (arm_smmu_domain_add_master). Runs after every machine reset. */
void hv_iommu_reset(struct hv *hv)
{
    struct hv_iommu *m = &hv->iommu;
    m->live = false;
    if (!m->present) return;
    wr(hv, sGFSR, rd(hv, sGFSR));                       /* clear the global fault status */
    for (unsigned i = 0; i < m->num_smrg; i++) {
        wr(hv, S2CR(i), S2CR_TYPE_FAULT);
        wr(hv, SMR(i), 0);
    }
    for (unsigned n = 0; n < m->num_cb; n++) {
        wr(hv, cb_off(hv, n) + CB_SCTLR, 0);
        wr(hv, cb_off(hv, n) + CB_FSR, FSR_FAULT);
    }
    wr(hv, TLBIALLH, 0);
    wr(hv, TLBIALLNSNH, 0);
    tlb_sync(hv);
    uint32_t cr0 = rd(hv, sCR0);
    cr0 |= sCR0_GFRE | sCR0_GFIE | sCR0_GCFGFRE | sCR0_GCFGFIE | sCR0_USFCFG | sCR0_VMIDPNE | sCR0_PTM;
    cr0 &= ~(sCR0_CLIENTPD | sCR0_FB | sCR0_BSU);
    wr(hv, sCR0, cr0);

    /* dom0's stage-2 context bank: bank 0, as Xen allocates from index 0. */
    const struct p2m *p = hv->dom0.p2m;
    unsigned cb = 0;
    uint64_t cbo = cb_off(hv, cb);
    uint64_t root = p2m_vttbr(p) & ((1ull << 48) - 1);        /* VTTBR_EL2 without the VMID */
    wr(hv, CBA2R(cb), CBA2R_VA64);
    wr(hv, CBAR(cb), CBAR_TYPE_S2 | (p2m_vmid(p) & 0xffu));
    wr(hv, cbo + CB_TCR, (uint32_t)p2m_vtcr(p));
    wr(hv, cbo + CB_TTBR0, (uint32_t)root);
    wr(hv, cbo + CB_TTBR0 + 4, (uint32_t)(root >> 32));
    wr(hv, cbo + CB_SCTLR, SCTLR_M | SCTLR_TRE | SCTLR_AFE | SCTLR_CFRE | SCTLR_CFIE);
    m->cb = (int)cb;
    unsigned n = m->nstreams < m->num_smrg ? m->nstreams : m->num_smrg;
    if (n < m->nstreams)
        hv_log(hv, "smmu: %u stream IDs but only %u stream match registers: the rest fault", m->nstreams, m->num_smrg);
    for (unsigned i = 0; i < n; i++) {
        wr(hv, S2CR(i), S2CR_TYPE_TRANS | cb);             /* S2CR first, then the SMR (Linux) */
        wr(hv, SMR(i), SMR_VALID | m->streams[i]);
    }
    m->live = true;
    hv_iommu_flush(hv, p2m_vmid(p));
}

/* The p2m's tlb_flush hook: the IOTLB caches dom0's translations like the CPU's TLBs do. */
void hv_iommu_flush(struct hv *hv, uint16_t vmid)
{
    if (!hv->iommu.live) return;
    wr(hv, TLBIVMID, vmid & 0xffu);
    tlb_sync(hv);
    hv->stats.smmu_tlb_flushes++;
}

bool hv_iommu_is_node(const struct hv *hv, const void *fdt, int node)
{
    if (!hv->cfg.smmu.smmu) return false;
    int len;
    const fdt64_t *reg = fdt_getprop(fdt, node, "reg", &len);
    return reg && len >= 16 && fdt64_ld(reg) == hv->cfg.smmu.base;
}

/* Xen's iommu_add_dt_device for every node: `iommus = <&smmu SID [MASK]>` entries naming this
 * SMMU give the stream IDs to attach (SMR ID/MASK form) and the protected masters. */
int hv_iommu_scan_fdt(struct hv *hv, const void *host, char *err, size_t errlen)
{
    struct hv_iommu *m = &hv->iommu;
    m->nstreams = 0;
    m->nmasters = 0;
    if (!m->present) return 0;
    int sn = -1, node;
    for (node = fdt_next_node(host, -1, NULL); node >= 0; node = fdt_next_node(host, node, NULL))
        if (hv_iommu_is_node(hv, host, node)) { sn = node; break; }
    if (sn < 0) return 0;                              /* no node: nothing attached */
    uint32_t ph = fdt_get_phandle(host, sn);
    int cl;
    const fdt32_t *cp = fdt_getprop(host, sn, "#iommu-cells", &cl);
    unsigned cells = cp && cl == 4 ? fdt32_ld(cp) : 1;
    if (cells < 1 || cells > 2) {
        snprintf(err, errlen, "hv: SMMU node: #iommu-cells = %u (1 or 2 expected)", cells);
        return -1;
    }
    if (!ph) return 0;
    for (node = fdt_next_node(host, -1, NULL); node >= 0; node = fdt_next_node(host, node, NULL)) {
        int len;
        const fdt32_t *io = fdt_getprop(host, node, "iommus", &len);
        if (!io) continue;
        bool mine = false;
        for (int k = 0; (k + 1 + (int)cells) * 4 <= len; k += 1 + (int)cells) {
            if (fdt32_ld(&io[k]) != ph) continue;
            uint32_t sid = fdt32_ld(&io[k + 1]) & 0x7fff;
            uint32_t mask = cells == 2 ? fdt32_ld(&io[k + 2]) & 0x7fff : 0;
            uint32_t smr = mask << 16 | sid;
            mine = true;
            bool dup = false;
            for (unsigned i = 0; i < m->nstreams; i++) dup |= m->streams[i] == smr;
            if (dup) continue;
            if (m->nstreams == HV_SMMU_MAX_STREAMS) {
                snprintf(err, errlen, "hv: more than %u stream IDs behind the SMMU", HV_SMMU_MAX_STREAMS);
                return -1;
            }
            m->streams[m->nstreams++] = smr;
        }
        if (!mine) continue;
        if (m->nmasters == HV_SMMU_MAX_MASTERS ||
            fdt_get_path(host, node, m->masters[m->nmasters], sizeof m->masters[0]) < 0) {
            snprintf(err, errlen, "hv: too many SMMU masters or a path too long");
            return -1;
        }
        m->nmasters++;
    }
    return 0;
}

/* dom0's tree: each master loses `iommus` / `iommu-map` and gets a phandle (returned for
 * /hypervisor's protected-devices), then the SMMU node goes. 0 or a libfdt error. */
int hv_iommu_dom0_fdt(struct hv *hv, void *fdt, uint32_t *phandles, unsigned *nphandles)
{
    struct hv_iommu *m = &hv->iommu;
    *nphandles = 0;
    if (!m->present) return 0;
    int rc = 0;
    for (unsigned i = 0; i < m->nmasters; i++) {
        int n = fdt_path_offset(fdt, m->masters[i]);
        if (n < 0) continue;
        fdt_delprop(fdt, n, "iommus");
        fdt_delprop(fdt, n, "iommu-map");
        uint32_t ph = fdt_get_phandle(fdt, n);
        if (!ph) {
            rc = fdt_generate_phandle(fdt, &ph);
            if (!rc) rc = fdt_setprop_u32(fdt, n, "phandle", ph);
            if (rc) return rc;
        }
        phandles[(*nphandles)++] = ph;
    }
    int node;
    for (node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL))
        if (hv_iommu_is_node(hv, fdt, node)) return fdt_del_node(fdt, node);
    return 0;
}

bool hv_iommu_owns_irq(const struct hv *hv, unsigned intid)
{
    const struct hv_iommu *m = &hv->iommu;
    if (!m->present || intid < 32) return false;
    unsigned c = hv->cfg.smmu.irq_context;
    return intid == hv->cfg.smmu.irq_global || (intid >= c && intid - c < m->num_cb);
}

static void note(struct hv *hv, const char *msg)
{
    hv_log(hv, "%s", msg);
    if (TRACE_ON(hv->tr)) trace_note(hv->tr, NULL, msg);
}

/* arm_smmu_context_fault: FSR, FSYNR0, FAR, CBFRSYNRA; logged; FSR written back (W1C).
 * Returns 1 if there was a fault. */
static unsigned context_fault(struct hv *hv, unsigned cb)
{
    uint64_t o = cb_off(hv, cb);
    uint32_t fsr = rd(hv, o + CB_FSR);
    if (!(fsr & FSR_FAULT)) return 0;
    uint32_t fsynr0 = rd(hv, o + CB_FSYNR0);
    uint64_t far = rd(hv, o + CB_FAR) | (uint64_t)rd(hv, o + CB_FAR + 4) << 32;
    uint32_t sid = rd(hv, CBFRSYNRA(cb)) & 0xffff;
    char msg[200];
    snprintf(msg, sizeof msg, "smmu: %s: Unhandled context fault: fsr=0x%x, iova=0x%llx, fsynr=0x%x, cb=%u, sid=%u",
             (int)cb == hv->iommu.cb ? "dom0" : "unassigned", fsr, (unsigned long long)far, fsynr0, cb, sid);
    note(hv, msg);
    hv->stats.smmu_faults++;
    wr(hv, o + CB_FSR, fsr);
    return 1;
}

/* arm_smmu_global_fault: sGFSR and its syndrome; written back. */
static unsigned global_fault(struct hv *hv)
{
    uint32_t gfsr = rd(hv, sGFSR);
    if (!gfsr) return 0;
    uint32_t s0 = rd(hv, sGFSYNR0), s1 = rd(hv, sGFSYNR1), s2 = rd(hv, sGFSYNR2);
    uint64_t gfar = rd(hv, sGFAR) | (uint64_t)rd(hv, sGFAR + 4) << 32;
    char msg[200];
    snprintf(msg, sizeof msg, "smmu: Unexpected global fault: gfsr=0x%x, gfsynr0=0x%x, gfsynr1=0x%x (sid %u), "
             "gfsynr2=0x%x, gfar=0x%llx", gfsr, s0, s1, s1 & 0xffff, s2, (unsigned long long)gfar);
    note(hv, msg);
    hv->stats.smmu_global_faults++;
    wr(hv, sGFSR, gfsr);
    return 1;
}

void hv_iommu_irq(struct hv *hv, unsigned intid)
{
    if (intid == hv->cfg.smmu.irq_global) global_fault(hv);
    unsigned c = hv->cfg.smmu.irq_context;
    if (intid >= c && intid - c < hv->iommu.num_cb) context_fault(hv, intid - c);
}

unsigned hv_smmu_service(struct hv *hv)
{
    if (!hv->iommu.live) return 0;
    unsigned n = global_fault(hv);
    for (unsigned cb = 0; cb < hv->iommu.num_cb; cb++) n += context_fault(hv, cb);
    return n;
}

void hv_smmu_info(const struct hv *hv, struct hv_smmu_info *out)
{
    const struct hv_iommu *m = &hv->iommu;
    memset(out, 0, sizeof *out);
    out->owned = m->live;
    out->cb = m->live ? m->cb : -1;
    out->vmid = p2m_vmid(hv->dom0.p2m);
    out->nstreams = m->nstreams;
    memcpy(out->streams, m->streams, sizeof out->streams);
    out->nmasters = m->nmasters;
}
