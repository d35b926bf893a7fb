/* hv/passthrough.c — what the hardware domain's devices may reach (seeds 003 and 004,
 * docs/hv.md "Foreign mappings" and "DMA outside the domain").
 *
 * Foreign mappings (seed 003). A Xen backend in dom0 maps a page of another domain with a grant
 * map; on Arm the page lands in dom0's p2m as p2m_map_foreign_rw (or p2m_grant_map_rw) at an IPA
 * hole, pointing at a machine page that is NOT dom0's. dom0 is direct-mapped (IPA = PA for its
 * RAM), but that page's IPA is not its PA. swiotlb-xen, which bounces such pages for DMA,
 * programs the device with the machine address (PA): right for a device with no IOMMU, wrong for
 * one behind the SMMU, which translates the address it is given as an IPA of dom0 — hence the
 * `protected-devices` list in /hypervisor. Here `-hv xen,foreign=IPA:PA[:N]` stands for such a
 * grant map (there is no grant-table ABI yet): N pages at a dom0 IPA hole → machine RAM outside
 * dom0's bank and outside the hypervisor's chunk, mapped at boot with reason HYPERCALL.
 *
 * DMA outside the domain (seed 004). A device with no IOMMU assigned to a direct-mapped domain
 * emits physical addresses; nothing stops it from reaching memory that is not the domain's
 * (Xen's docs/misc/arm/passthrough-noiommu.txt: "it is not always secure to assign a device
 * without IOMMU protection"). The hypervisor cannot prevent it, but this model can see it: the
 * board hooks hv_dma_unprotected into the dma_port of every SMMU-less master, and a transfer
 * whose PA range is not the domain's (hv_pa_in_domain: its RAM bank, its iomem permission) is
 * counted, warned about once per master, and flagged in the trace (TRACE_DMA_OUTSIDE_DOMAIN).
 * dom0 stands in for seed 004's direct-mapped domU (dom0less domUs are not modelled). */
#include <string.h>
#include <libfdt.h>
#include "hv/hv_internal.h"
#include "machine/machine.h"

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
    return as && bs && a < b + bs && b < a + as;
}

/* The RAM side, known in hv_new: the PA range must be machine RAM, outside dom0's bank and the
 * hypervisor's chunk; the IPA range must not overlap dom0's RAM (nor another foreign range). */
int hv_foreign_check(const struct hv *hv, char *err, size_t errlen)
{
    const struct hv_config *c = &hv->cfg;
    if (c->nforeign > HV_MAX_FOREIGN) {
        snprintf(err, errlen, "-hv xen: at most %u foreign= mappings", HV_MAX_FOREIGN);
        return -1;
    }
    uint64_t rb = c->ram_base.v, rs = c->ram_size;
    uint64_t db = hv->dom0.ram_base.v, ds = hv->dom0.ram_size;
    for (unsigned i = 0; i < c->nforeign; i++) {
        const struct hv_foreign *f = &c->foreign[i];
        uint64_t size = f->pages << PAGE_SHIFT;
        const char *why = NULL;
        if (!f->pages || f->pages > (1ull << 20) || (f->ipa | f->pa) & (PAGE_SIZE - 1))
            why = "IPA and PA must be 4 KiB aligned and N between 1 and 1048576 pages";
        else if (f->pa < rb || f->pa + size > rb + rs || f->pa + size < f->pa)
            why = "the PA range is not machine RAM";
        else if (overlaps(f->pa, size, db, ds))
            why = "the PA range is dom0's own RAM (a foreign page belongs to another domain)";
        else if (hv_mem_overlaps(hv->mem, mk_pa(f->pa), size))
            why = "the PA range is the hypervisor's reserved memory (its page tables)";
        else if (f->ipa + size < f->ipa || (f->ipa + size - 1) >> p2m_ipa_bits(hv->dom0.p2m))
            why = "the IPA range is beyond dom0's IPA size";
        else if (overlaps(f->ipa, size, db, ds))
            why = "the IPA range overlaps dom0's RAM";
        for (unsigned k = 0; !why && k < i; k++)
            if (overlaps(f->ipa, size, c->foreign[k].ipa, c->foreign[k].pages << PAGE_SHIFT))
                why = "the IPA range overlaps another foreign= mapping";
        if (why) {
            snprintf(err, errlen, "-hv xen,foreign=0x%llx:0x%llx:%llu: %s", (unsigned long long)f->ipa,
                     (unsigned long long)f->pa, (unsigned long long)f->pages, why);
            return -1;
        }
    }
    return 0;
}

/* The device side, known with the host tree: the IPA range must be a hole — no `reg` of any of
 * the root's device nodes (the GIC and the SMMU included), no vGIC-emulated frame, not the
 * grant-table window of /hypervisor. Then the mapping itself. Rerun on every tree rebuild. */
int hv_foreign_map(struct hv *hv, const void *host, char *err, size_t errlen)
{
    const struct hv_config *c = &hv->cfg;
    for (unsigned i = 0; i < c->nforeign; i++) {
        const struct hv_foreign *f = &c->foreign[i];
        uint64_t size = f->pages << PAGE_SHIFT;
        char why[96] = "";
        int node;
        fdt_for_each_subnode(node, host, 0) {
            const char *dt = fdt_getprop(host, node, "device_type", NULL);
            if (dt && !strcmp(dt, "memory")) continue;
            int len;
            const fdt64_t *reg = fdt_getprop(host, node, "reg", &len);
            for (int k = 0; reg && k + 16 <= len && !why[0]; k += 16)
                if (overlaps(f->ipa, size, fdt64_ld(&reg[k / 8]), fdt64_ld(&reg[k / 8 + 1])))
                    snprintf(why, sizeof why, "the IPA range overlaps device %s", fdt_get_name(host, node, NULL));
            if (why[0]) break;
        }
        for (uint64_t o = 0; !why[0] && o < size; o += PAGE_SIZE)
            if (vgic_handles(hv, f->ipa + o)) snprintf(why, sizeof why, "the IPA range overlaps the emulated GIC");
        if (!why[0] && c->hypervisor_node &&
            overlaps(f->ipa, size, hv->dom0.ram_base.v + c->ram_size, 64 * PAGE_SIZE))
            snprintf(why, sizeof why, "the IPA range overlaps /hypervisor's grant-table window");
        int rc = 0;
        if (!why[0]) {
            rc = p2m_map(hv->dom0.p2m, mk_ipa(f->ipa), mk_pa(f->pa), f->pages, P2M_MAP_FOREIGN_RW,
                         P2M_REASON_HYPERCALL);
            if (rc) snprintf(why, sizeof why, "p2m_map error %d", rc);
        }
        if (why[0]) {
            snprintf(err, errlen, "-hv xen,foreign=0x%llx:0x%llx:%llu: %s", (unsigned long long)f->ipa,
                     (unsigned long long)f->pa, (unsigned long long)f->pages, why);
            return -1;
        }
        hv->stats.foreign_pages += f->pages;
    }
    return 0;
}

bool hv_pa_in_domain(const struct hv *hv, unsigned domid, pa_t pa, uint64_t len)
{
    if (domid != 0 || !len || pa.v + len < pa.v) return false;
    const struct domain *d = &hv->dom0;
    if (pa.v >= d->ram_base.v && pa.v + len <= d->ram_base.v + d->ram_size) return true;
    /* Not (all) RAM: every page must be RAM of the domain or in its iomem permission. */
    for (uint64_t p = pa.v & PAGE_MASK; p < pa.v + len; p += PAGE_SIZE) {
        bool ram = p >= d->ram_base.v && p - d->ram_base.v < d->ram_size;
        if (!ram && !hv_iomem_permitted(hv, p)) return false;
    }
    return true;
}

bool hv_dma_unprotected(struct hv *hv, const char *master, pa_t pa, uint64_t len, bool write)
{
    if (hv_pa_in_domain(hv, 0, pa, len)) return true;
    hv->stats.dma_outside++;
    const char *name = master ? master : "?";
    for (unsigned i = 0; i < hv->ndma_warned; i++)
        if (!strcmp(hv->dma_warned[i], name)) return false;
    if (hv->ndma_warned < HV_MAX_DMA_WARN)
        snprintf(hv->dma_warned[hv->ndma_warned++], sizeof hv->dma_warned[0], "%s", name);
    char msg[200];
    snprintf(msg, sizeof msg, "WARNING: DMA from unprotected device %s reached 0x%llx outside dom0's memory "
             "(%s of %llu bytes; no IOMMU protects it)", name, (unsigned long long)pa.v,
             write ? "a write" : "a read", (unsigned long long)len);
    hv_log(hv, "%s", msg);
    if (TRACE_ON(hv->tr)) trace_note(hv->tr, NULL, msg);
    return false;
}
