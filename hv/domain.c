/* hv/domain.c — domains: the hardware domain (dom0) with 1:1 RAM, its p2m (VMID 1) over the
 * hypervisor-reserved top of RAM, the `eager` MMIO policy and dom0's device tree (xen-arm.md
 * §3 "Dom0 construction on Arm"; Xen's arch/arm/domain_build.c is the behavioural reference). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "hv/hv_internal.h"

#define HV_DEFAULT_RESERVED (16ull << 20)

void hv_log(struct hv *hv, const char *fmt, ...)
{
    if (!hv->cfg.log) return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    hv->cfg.log(hv->cfg.log_opaque, buf);
}

/* p2m break-before-make hook: TLBI VMALLS12E1IS on every vCPU of the domain (Xen flushes the
 * whole VMID, docs/p2m.md). */
static void hv_tlb_flush(void *opaque, uint16_t vmid, ipa_t ipa, uint64_t size)
{
    struct hv *hv = opaque;
    (void)size;
    TRACE(hv->tr, tlbi, NULL, .op = TRACE_TLBI_VMALLS12E1IS, .vmid = vmid, .addr = ipa.v);
    for (unsigned i = 0; i < hv->cfg.ncpus; i++)
        if (hv->cfg.cpus[i]) cpu_tlb_flush_stage2(hv->cfg.cpus[i]);
    hv_iommu_flush(hv, vmid);          /* the SMMU walks the same tables (iommu.c) */
}

static uint8_t trace_type_of(enum p2m_type t)
{
    switch (t) {
    case P2M_RAM_RW: return TRACE_P2M_RAM_RW;
    case P2M_RAM_RO: return TRACE_P2M_RAM_RO;
    case P2M_MMIO_DIRECT_DEV: return TRACE_P2M_MMIO_DIRECT_DEV;
    case P2M_MMIO_DIRECT_NC: return TRACE_P2M_MMIO_DIRECT_NC;
    case P2M_MMIO_DIRECT_C: return TRACE_P2M_MMIO_DIRECT_C;
    case P2M_MMIO_DIRECT_C_RWX: return TRACE_P2M_MMIO_DIRECT_C_RWX;
    case P2M_GRANT_MAP_RW: case P2M_GRANT_MAP_RO: return TRACE_P2M_GRANT;
    case P2M_MAP_FOREIGN_RW: case P2M_MAP_FOREIGN_RO: return TRACE_P2M_FOREIGN;
    case P2M_IOMMU_MAP_RW: return TRACE_P2M_RAM_RW;
    case P2M_IOMMU_MAP_RO: return TRACE_P2M_RAM_RO;
    default: return TRACE_P2M_INVALID;
    }
}

/* The p2m change hook: one P2M record per change (reason boot / fault / hypercall / domctl),
 * flagged TRACE_F_NOT_XEN for the seed-002 RWX type (xen-arm.md §2.4: upstream has none). The
 * tracer's clock stamps it with the running vCPU. Also counts pages per device region. */
static void hv_p2m_change(void *opaque, const struct p2m_change *c)
{
    struct hv *hv = opaque;
    if (c->op == P2M_OP_MAP && c->type != P2M_RAM_RW)
        for (unsigned i = 0; i < hv->nregions; i++) {
            struct hv_region *r = &hv->regions[i];
            uint64_t b = c->ipa.v > r->base ? c->ipa.v : r->base;
            uint64_t e = c->ipa.v + c->size < r->base + r->size ? c->ipa.v + c->size : r->base + r->size;
            if (b < e) r->pages_mapped += (e - b) >> PAGE_SHIFT;
        }
    if (!TRACE_ON(hv->tr)) return;
    static const uint8_t reason[] = { TRACE_P2M_R_BOOT, TRACE_P2M_R_FAULT, TRACE_P2M_R_HYPERCALL, TRACE_P2M_R_DOMCTL };
    struct trace_ts ts = { 0 };
    if (hv->tr->clock) hv->tr->clock(hv->tr->clock_opaque, &ts);
    const struct p2m_type_info *ti = p2m_type_info(c->type);
    if (ti && !ti->xen) {
        ts.flags |= TRACE_F_NOT_XEN;
        trace_note(hv->tr, &ts, "p2m_mmio_direct_c_rwx: Normal WB and executable MMIO (seed 002), outside Xen's behaviour");
    }
    trace_emit_p2m(hv->tr, &ts, &(struct trace_p2m){
        .ipa = c->ipa, .pa = c->pa, .size = c->size, .domid = 0, .type = trace_type_of(c->type),
        .reason = c->reason < sizeof reason ? reason[c->reason] : TRACE_P2M_R_BOOT,
        .op = c->op == P2M_OP_MAP ? TRACE_P2M_MAP : TRACE_P2M_UNMAP });
}

void hv_set_tracer(struct hv *hv, struct tracer *tr) { hv->tr = tr; }

const char *hv_mmio_policy_name(enum hv_mmio_policy p)
{
    switch (p) {
    case HV_MMIO_EAGER: return "eager";
    case HV_MMIO_LAZY: return "lazy";
    case HV_MMIO_HYPERCALL: return "hypercall";
    }
    return "?";
}

int hv_p2m_type_parse(const char *s, enum p2m_type *t)
{
    static const struct { const char *n; enum p2m_type t; } names[] = {
        { "mmio_direct_dev", P2M_MMIO_DIRECT_DEV }, { "dev", P2M_MMIO_DIRECT_DEV },
        { "mmio_direct_nc", P2M_MMIO_DIRECT_NC }, { "nc", P2M_MMIO_DIRECT_NC },
        { "mmio_direct_c", P2M_MMIO_DIRECT_C }, { "c", P2M_MMIO_DIRECT_C },
        { "mmio_direct_c_rwx", P2M_MMIO_DIRECT_C_RWX }, { "rwx", P2M_MMIO_DIRECT_C_RWX },
    };
    if (!strncmp(s, "p2m_", 4)) s += 4;
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(s, names[i].n)) { *t = names[i].t; return 0; }
    return -1;
}

struct hv *hv_new(const struct hv_config *cfg, char *err, size_t errlen)
{
    if (cfg->gic_version != 2 && cfg->gic_version != 3) {
        snprintf(err, errlen, "-hv xen: gic-version must be 2 or 3");
        return NULL;
    }
    if (cfg->ncpus == 0 || cfg->ncpus > HV_MAX_VCPUS) {
        snprintf(err, errlen, "-hv xen: 1..%u vCPUs", HV_MAX_VCPUS);
        return NULL;
    }
    struct hv *hv = calloc(1, sizeof *hv);
    if (!hv) { snprintf(err, errlen, "hv: out of memory"); return NULL; }
    hv->cfg = *cfg;
    uint64_t resv = cfg->reserved ? cfg->reserved : HV_DEFAULT_RESERVED;
    if (resv >= cfg->ram_size / 2 || (resv & (PAGE_SIZE - 1))) {
        snprintf(err, errlen, "-hv xen: RAM too small for the hypervisor's %llu MiB",
                 (unsigned long long)(resv >> 20));
        free(hv);
        return NULL;
    }
    /* The reserved chunk: the top of RAM, never described to dom0 (xen-arm.md §3.1: host RAM
     * outside dom0's banks is an IPA hole for dom0). */
    pa_t rbase = mk_pa(cfg->ram_base.v + cfg->ram_size - resv);
    hv->mem = hv_mem_new(cfg->bus, rbase, resv);
    uint64_t avail = cfg->ram_size - resv;
    uint64_t dmem = cfg->dom0_mem ? cfg->dom0_mem : avail;
    if (!hv->mem || dmem > avail || dmem < (32ull << 20) || (dmem & ((2ull << 20) - 1))) {
        snprintf(err, errlen, "-hv xen: dom0_mem=%lluM must be a multiple of 2M between 32M and %lluM",
                 (unsigned long long)(dmem >> 20), (unsigned long long)(avail >> 20));
        hv_free(hv);
        return NULL;
    }
    struct domain *d = &hv->dom0;
    d->domid = 0;
    d->ram_base = cfg->ram_base;
    d->ram_size = dmem;
    struct p2m_config pc = { .vmid = 1, .ipa_bits = 40, .pa_bits = 40 };
    hv->tr = cfg->tracer;
    if (!hv->cfg.mmio_type) hv->cfg.mmio_type = P2M_MMIO_DIRECT_C;
    struct p2m_hooks ph = { .tlb_flush = hv_tlb_flush, .tlb_opaque = hv,
                            .change = hv_p2m_change, .change_opaque = hv };
    d->p2m = p2m_new(hv->mem, &pc, &ph);
    if (!d->p2m) { snprintf(err, errlen, "hv: cannot create dom0's p2m"); hv_free(hv); return NULL; }
    /* RAM 1:1 as p2m_ram_rw (allocate_memory_11). */
    int rc = p2m_map(d->p2m, pa_as_ipa_identity(d->ram_base), d->ram_base, dmem >> PAGE_SHIFT,
                     P2M_RAM_RW, P2M_REASON_BOOT);
    /* GICv2: the guest's GICC IPA → the GICV frame, p2m_mmio_direct_dev (xen-arm.md §1.3 rule 1;
     * Xen maps it on the first fault, this model at boot). */
    if (!rc && cfg->gic_version == 2)
        rc = p2m_map(d->p2m, mk_ipa(HV_GICC_BASE), mk_pa(HV_GICV_BASE), HV_GIC_SIZE >> PAGE_SHIFT,
                     P2M_MMIO_DIRECT_DEV, P2M_REASON_BOOT);
    if (rc) { snprintf(err, errlen, "hv: dom0 p2m: error %d", rc); hv_free(hv); return NULL; }
    if (hv_iommu_init(hv, err, errlen) < 0 || hv_foreign_check(hv, err, errlen) < 0) { hv_free(hv); return NULL; }
    d->nvcpus = cfg->ncpus;
    for (unsigned i = 0; i < cfg->ncpus; i++) hv_vcpu_init(hv, &d->vcpu[i], i, cfg->cpus[i]);
    vgic_init(hv);
    return hv;
}

void hv_free(struct hv *hv)
{
    if (!hv) return;
    if (hv->dom0.p2m) p2m_free(hv->dom0.p2m);
    if (hv->mem) hv_mem_free(hv->mem);
    free(hv);
}

uint64_t hv_dom0_mem(const struct hv *hv) { return hv->dom0.ram_size; }
struct p2m *hv_dom0_p2m(const struct hv *hv) { return hv->dom0.p2m; }
const struct hv_stats *hv_get_stats(const struct hv *hv) { return &hv->stats; }
void hv_last_abort(const struct hv *hv, uint32_t *esr, uint64_t *far, uint64_t *hpfar)
{
    if (esr) *esr = hv->last_esr;
    if (far) *far = hv->last_far;
    if (hpfar) *hpfar = hv->last_hpfar;
}

static bool is_gic_node(const void *fdt, int node)
{
    return fdt_getprop(fdt, node, "interrupt-controller", NULL) != NULL;
}

/* ---- dom0's device regions, iomem permission and the MMIO policies -------------------------- */

unsigned hv_regions(const struct hv *hv, const struct hv_region **out)
{
    *out = hv->regions;
    return hv->nregions;
}

/* iomem_access_permitted(d, mfn, mfn) (xen-arm.md §1.3 rule 4): the last range that covers the
 * page decides (DT ranges first, then -hv xen,iomem= / iomem_deny= in command-line order). */
bool hv_iomem_permitted(const struct hv *hv, uint64_t pa)
{
    bool ok = false;
    pa &= PAGE_MASK;
    for (unsigned i = 0; i < hv->niomem; i++)
        if (pa >= hv->iomem[i].base && pa - hv->iomem[i].base < hv->iomem[i].size) ok = !hv->iomem[i].deny;
    return ok;
}

static struct hv_region *region_of(struct hv *hv, uint64_t ipa)
{
    for (unsigned i = 0; i < hv->nregions; i++)
        if (ipa >= hv->regions[i].base && ipa - hv->regions[i].base < hv->regions[i].size) return &hv->regions[i];
    return NULL;
}

/* Map [b, e) 1:1 with the region's type; the RWX type of seed 002 is flagged by the change hook. */
static int map_region_range(struct hv *hv, const struct hv_region *r, uint64_t b, uint64_t e, enum p2m_reason why)
{
    return p2m_map(hv->dom0.p2m, mk_ipa(b), mk_pa(b), (e - b) >> PAGE_SHIFT, r ? r->type : hv->cfg.mmio_type, why);
}

/* The lazy policy's fault path, Xen's try_map_mmio (xen-arm.md §1.3 rules 4-5, seed 000): the
 * page (or, with mmio_granule=region, the whole DT region) of a permitted IPA, 1:1. Emulated
 * ranges never have permission (§3.5), so they never get here. true: mapped, retry. */
bool hv_try_map_mmio(struct hv *hv, uint64_t gpa)
{
    if (hv->cfg.mmio != HV_MMIO_LAZY || !hv_iomem_permitted(hv, gpa) || vgic_handles(hv, gpa)) return false;
    struct hv_region *r = region_of(hv, gpa);
    uint64_t b = gpa & PAGE_MASK, e = b + PAGE_SIZE;
    if (r && hv->cfg.mmio_granule_region) { b = r->base; e = r->base + r->size; }
    if (map_region_range(hv, r, b, e, P2M_REASON_FAULT)) return false;
    if (r) r->faults++;
    hv->stats.lazy_pages += (e - b) >> PAGE_SHIFT;
    return true;
}

/* Every `reg` range of the root's device nodes, except memory and the GIC (emulated / GICV),
 * becomes a region with iomem permission (xen-arm.md §3.4); the eager policy maps it 1:1 as
 * p2m_mmio_direct_c (or the configured / overridden type) now. A node's p2m type can also come
 * from the host tree: `faultline,p2m-type = "mmio_direct_dev"` (seed 002: mmio-sram). Root
 * cells 2/2. Rebuilt on every call (SYSTEM_RESET reloads the tree). */
static int map_host_devices(struct hv *hv, const void *fdt, char *err, size_t errlen)
{
    int node;
    hv->nregions = 0;
    hv->niomem = 0;
    fdt_for_each_subnode(node, fdt, 0) {
        const char *dt = fdt_getprop(fdt, node, "device_type", NULL);
        if (dt && !strcmp(dt, "memory")) continue;
        if (is_gic_node(fdt, node)) continue;
        if (hv_iommu_is_node(hv, fdt, node)) continue;   /* the hypervisor's SMMU (iommu.c) */
        int len;
        const fdt64_t *reg = fdt_getprop(fdt, node, "reg", &len);
        if (!reg || len < 16) continue;
        enum p2m_type node_type = hv->cfg.mmio_type;
        const char *pt = fdt_getprop(fdt, node, "faultline,p2m-type", NULL);
        if (pt && hv_p2m_type_parse(pt, &node_type) < 0) {
            snprintf(err, errlen, "hv: %s: faultline,p2m-type \"%s\": unknown p2m type", fdt_get_name(fdt, node, NULL), pt);
            return -1;
        }
        for (int k = 0; k + 16 <= len; k += 16) {
            /* FDT cells are only 4-byte aligned: fdt64_ld reads them bytewise. */
            uint64_t base = fdt64_ld(&reg[k / 8]), size = fdt64_ld(&reg[k / 8 + 1]);
            uint64_t b = base & PAGE_MASK, e = (base + size + PAGE_SIZE - 1) & PAGE_MASK;
            if (e <= b) continue;
            if (hv->nregions == HV_MAX_REGIONS) { snprintf(err, errlen, "hv: more than %u device regions", HV_MAX_REGIONS); return -1; }
            struct hv_region *r = &hv->regions[hv->nregions++];
            memset(r, 0, sizeof *r);
            snprintf(r->name, sizeof r->name, "%s", fdt_get_name(fdt, node, NULL));
            r->base = b; r->size = e - b; r->type = node_type; r->permitted = true;
            for (unsigned o = 0; o < hv->cfg.noverrides; o++)
                if (hv->cfg.overrides[o].base >= b && hv->cfg.overrides[o].base < e) r->type = hv->cfg.overrides[o].type;
            hv->iomem[hv->niomem++] = (struct hv_iomem_range){ b, e - b, false };
        }
    }
    for (unsigned i = 0; i < hv->cfg.niomem; i++) hv->iomem[hv->niomem++] = hv->cfg.iomem[i];
    /* The SMMU is the hypervisor's: never in dom0's permission, whatever iomem= says (Xen
     * denies the iomem of the devices it uses; xen-arm.md §3.5). */
    if (hv->iommu.present)
        hv->iomem[hv->niomem++] = (struct hv_iomem_range){ hv->iommu.base, hv->iommu.size, true };
    for (unsigned i = 0; i < hv->nregions; i++) {
        struct hv_region *r = &hv->regions[i];
        r->permitted = hv_iomem_permitted(hv, r->base);
        if (hv->cfg.mmio != HV_MMIO_EAGER || !r->permitted) continue;
        int rc = map_region_range(hv, r, r->base, r->base + r->size, P2M_REASON_BOOT);
        if (rc) {
            snprintf(err, errlen, "hv: mapping %s [0x%llx, 0x%llx) for dom0: error %d", r->name,
                     (unsigned long long)r->base, (unsigned long long)(r->base + r->size), rc);
            return -1;
        }
    }
    return 0;
}

#define DOMID_SELF 0x7ff0u

/* XENMEM_add_to_physmap_batch, XENMAPSPACE_dev_mmio (Xen's xenmem_add_to_physmap_one →
 * map_dev_mmio_page; xen-arm.md §2.3, §3.4): hardware domain into itself only; always
 * p2m_mmio_direct_c (the call carries no attribute; res0 is reserved for one: -EOPNOTSUPP). */
int hv_add_to_physmap_dev_mmio(struct hv *hv, uint16_t domid, uint16_t res0, const uint64_t *idxs,
                               const uint64_t *gpfns, int *errs, unsigned size)
{
    if (domid != 0 && domid != DOMID_SELF) return -EPERM;       /* xatp_permission_check */
    if (res0) return -EOPNOTSUPP;
    if (size && (!idxs || !gpfns)) return -EINVAL;
    for (unsigned i = 0; i < size; i++) {
        uint64_t mfn = idxs[i], gfn = gpfns[i];
        int rc = 0;
        /* Quirk kept: no permission → 0 without mapping (map_dev_mmio_page). */
        if (hv_iomem_permitted(hv, mfn << PAGE_SHIFT) && !vgic_handles(hv, gfn << PAGE_SHIFT)) {
            rc = p2m_map(hv->dom0.p2m, mk_ipa(gfn << PAGE_SHIFT), mk_pa(mfn << PAGE_SHIFT), 1,
                         P2M_MMIO_DIRECT_C, P2M_REASON_HYPERCALL);
            if (!rc) hv->stats.hcall_pages++;
        }
        if (errs) errs[i] = rc;
    }
    return 0;
}

/* XEN_DOMCTL_memory_mapping (map_mmio_regions / unmap_mmio_regions): p2m_mmio_direct_dev, no
 * attribute either; the MFN range must be in the domain's iomem permission. */
int hv_domctl_memory_mapping(struct hv *hv, uint16_t domid, uint64_t first_gfn, uint64_t first_mfn,
                             uint64_t nr_mfns, bool add)
{
    if (domid != 0) return -ESRCH;                       /* one domain today */
    if (!nr_mfns || first_gfn + nr_mfns < first_gfn || first_mfn + nr_mfns < first_mfn) return -EINVAL;
    for (uint64_t i = 0; i < nr_mfns; i++)
        if (!hv_iomem_permitted(hv, (first_mfn + i) << PAGE_SHIFT)) return -EPERM;
    if (!add) return p2m_unmap(hv->dom0.p2m, mk_ipa(first_gfn << PAGE_SHIFT), nr_mfns, P2M_REASON_DOMCTL);
    int rc = p2m_map(hv->dom0.p2m, mk_ipa(first_gfn << PAGE_SHIFT), mk_pa(first_mfn << PAGE_SHIFT), nr_mfns,
                     P2M_MMIO_DIRECT_DEV, P2M_REASON_DOMCTL);
    if (!rc) hv->stats.hcall_pages += nr_mfns;
    return rc;
}

int hv_dom0_fdt(struct hv *hv, const void *host, void **out, size_t *out_size, char *err, size_t errlen)
{
    if (map_host_devices(hv, host, err, errlen) < 0) return -1;
    if (hv_foreign_map(hv, host, err, errlen) < 0) return -1;          /* seed 003 (passthrough.c) */
    if (hv_iommu_scan_fdt(hv, host, err, errlen) < 0) return -1;
    size_t size = fdt_totalsize(host) + 4096;
    void *fdt = malloc(size);
    if (!fdt || fdt_open_into(host, fdt, (int)size) < 0) {
        free(fdt);
        snprintf(err, errlen, "hv: dom0 device tree: cannot open the host tree");
        return -1;
    }
    int rc = 0, node;
    /* /memory: dom0's one bank (the reserved chunk and anything above dom0_mem are holes). */
    fdt_for_each_subnode(node, fdt, 0) {
        const char *dt = fdt_getprop(fdt, node, "device_type", NULL);
        if (!dt || strcmp(dt, "memory")) continue;
        fdt64_t r[2] = { cpu_to_fdt64(hv->dom0.ram_base.v), cpu_to_fdt64(hv->dom0.ram_size) };
        rc |= fdt_setprop(fdt, node, "reg", r, sizeof r);
    }
    /* Timer: secure-phys, NS-phys and virt PPIs only; the hypervisor timer PPI is EL2's. */
    node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
    if (node >= 0) {
        int len;
        const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
        if (irq && len == 48) {
            fdt32_t cp[9];
            memcpy(cp, irq, sizeof cp);
            rc |= fdt_setprop(fdt, node, "interrupts", cp, sizeof cp);
        }
    }
    /* The SMMU hidden: its node, the masters' iommus (iommu.c). */
    uint32_t prot[HV_SMMU_MAX_MASTERS];
    unsigned nprot = 0;
    rc |= hv_iommu_dom0_fdt(hv, fdt, prot, &nprot);
    /* /hypervisor (xen-arm.md §3.3; reference/xen-4.17-dom0.dts). Off by default: Linux then
     * expects Xen's hypercall ABI (grant table, shared info, event channels), not implemented
     * yet (issue 6 §6). */
    if (hv->cfg.hypervisor_node) {
        /* The GIC's phandle first: adding a node moves the offsets of the nodes after it. */
        uint32_t gic_phandle = 0;
        fdt_for_each_subnode(node, fdt, 0)
            if (is_gic_node(fdt, node)) { gic_phandle = fdt_get_phandle(fdt, node); break; }
        int h = fdt_add_subnode(fdt, 0, "hypervisor");
        if (h >= 0) {
            static const char compat[] = "xen,xen-4.17\0xen,xen";
            rc |= fdt_setprop(fdt, h, "compatible", compat, sizeof compat);
            /* Grant-table window: an IPA hole above dom0's RAM (the reserved chunk's IPA is never
             * mapped for dom0), 64 frames. */
            fdt64_t r[2] = { cpu_to_fdt64(hv->dom0.ram_base.v + hv->cfg.ram_size), cpu_to_fdt64(64 * PAGE_SIZE) };
            rc |= fdt_setprop(fdt, h, "reg", r, sizeof r);
            fdt32_t irq[3] = { cpu_to_fdt32(1), cpu_to_fdt32(0), cpu_to_fdt32(0xf08) };
            rc |= fdt_setprop(fdt, h, "interrupts", irq, sizeof irq);
            if (gic_phandle) rc |= fdt_setprop_u32(fdt, h, "interrupt-parent", gic_phandle);
            /* Seed 003: the phandles of the devices the SMMU protects (dom0 then needs no
             * swiotlb bounce for them). */
            if (nprot) {
                fdt32_t pv[HV_SMMU_MAX_MASTERS];
                for (unsigned i = 0; i < nprot; i++) pv[i] = cpu_to_fdt32(prot[i]);
                rc |= fdt_setprop(fdt, h, "protected-devices", pv, (int)(nprot * sizeof pv[0]));
            }
        } else rc |= h;
    }
    if (rc || fdt_pack(fdt) < 0) {
        free(fdt);
        snprintf(err, errlen, "hv: dom0 device tree: libfdt error");
        return -1;
    }
    *out = fdt;
    *out_size = fdt_totalsize(fdt);
    return 0;
}

void hv_reset(struct hv *hv)
{
    hv_iommu_reset(hv);                     /* after the board reset the SMMU */
    vgic_reset(hv);
    for (unsigned i = 0; i < hv->dom0.nvcpus; i++) hv_vcpu_reset(hv, &hv->dom0.vcpu[i]);
}
