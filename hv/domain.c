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
    (void)vmid; (void)ipa; (void)size;
    for (unsigned i = 0; i < hv->cfg.ncpus; i++)
        if (hv->cfg.cpus[i]) cpu_tlb_flush_stage2(hv->cfg.cpus[i]);
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
    struct p2m_hooks ph = { .tlb_flush = hv_tlb_flush, .tlb_opaque = hv };
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

/* The eager policy (xen-arm.md §3.4): every `reg` range of the root's device nodes, except
 * memory and the GIC (emulated / GICV), is mapped 1:1 as p2m_mmio_direct_c. Root cells 2/2. */
static int map_host_devices(struct hv *hv, const void *fdt, char *err, size_t errlen)
{
    int node;
    fdt_for_each_subnode(node, fdt, 0) {
        const char *dt = fdt_getprop(fdt, node, "device_type", NULL);
        if (dt && !strcmp(dt, "memory")) continue;
        if (is_gic_node(fdt, node)) continue;
        int len;
        const fdt64_t *reg = fdt_getprop(fdt, node, "reg", &len);
        if (!reg || len < 16) continue;
        for (int k = 0; k + 16 <= len; k += 16) {
            uint64_t base = fdt64_to_cpu(reg[k / 8]), size = fdt64_to_cpu(reg[k / 8 + 1]);
            uint64_t b = base & PAGE_MASK, e = (base + size + PAGE_SIZE - 1) & PAGE_MASK;
            if (e <= b) continue;
            int rc = p2m_map(hv->dom0.p2m, mk_ipa(b), mk_pa(b), (e - b) >> PAGE_SHIFT,
                             P2M_MMIO_DIRECT_C, P2M_REASON_BOOT);
            if (rc) {
                snprintf(err, errlen, "hv: mapping %s [0x%llx, 0x%llx) for dom0: error %d",
                         fdt_get_name(fdt, node, NULL), (unsigned long long)b, (unsigned long long)e, rc);
                return -1;
            }
        }
    }
    return 0;
}

int hv_dom0_fdt(struct hv *hv, const void *host, void **out, size_t *out_size, char *err, size_t errlen)
{
    if (map_host_devices(hv, host, err, errlen) < 0) return -1;
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
    vgic_reset(hv);
    for (unsigned i = 0; i < hv->dom0.nvcpus; i++) hv_vcpu_reset(hv, &hv->dom0.vcpu[i]);
}
