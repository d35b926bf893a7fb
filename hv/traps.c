/* hv/traps.c — traps from the domain into the hypervisor, laid out as Xen's arch/arm/traps.c:
 * the stage-2 abort handler (do_trap_stage2_abort_guest, xen-arm.md §1.2), MMIO emulation
 * decoded from the ESR_EL2 ISS (Arm ARM D17.2.37: ISV, SAS, SSE, SRT, SF, WnR), and physical
 * interrupts taken at EL2 (do_IRQ → vGIC), and HVC/SMC (do_trap_hvc_smccc: PSCI answered by
 * the PSCI model the board hands over, machine/psci.c). */
#include "hv/hv_internal.h"

/* Emulated MMIO handlers of a domain: the vGIC distributor and (GICv3) redistributors
 * (xen-arm.md §3.4: never mapped). */
static bool find_mmio(const struct hv *hv, uint64_t ipa, uint64_t *off)
{
    *off = ipa;
    return vgic_handles(hv, ipa);
}

/* try_handle_mmio with a decoded ISS: do the access, write Rt for a load. */
static bool handle_mmio(struct hv *hv, struct vcpu *v, struct cpu *c, uint32_t esr, uint64_t off)
{
    unsigned size = 1u << ESR_ISS_SAS(esr), rt = ESR_ISS_SRT(esr);
    bool write = esr & ESR_ISS_WNR;
    uint64_t val = 0;
    if (write) {
        val = rt == 31 ? 0 : cpu_get_x(c, rt);
        if (size < 8) val &= (1ull << (8 * size)) - 1;
        hv->stats.mmio_writes++;
        return vgic_mmio(hv, v, off, size, &val, true);
    }
    hv->stats.mmio_reads++;
    if (!vgic_mmio(hv, v, off, size, &val, false)) return false;
    if (size < 8) val &= (1ull << (8 * size)) - 1;
    if ((esr & ESR_ISS_SSE) && size < 8 && (val >> (8 * size - 1) & 1))
        val |= ~0ull << (8 * size);                       /* sign-extend (LDRS*) */
    if (!(esr & ESR_ISS_SF)) val &= 0xffffffffull;        /* W register */
    if (rt != 31) cpu_set_x(c, rt, val);
    return true;
}

int hv_stage2_abort(struct hv *hv, struct cpu *c, const struct cpu_s2_abort *info)
{
    uint32_t esr = info->esr;
    unsigned ec = esr >> ESR_EC_SHIFT, fsc = ESR_ISS_DFSC(esr) & ~3u;
    bool is_data = ec == 0x24;
    /* HPFAR_EL2 is valid for translation faults and S1PTW: gpa = FIPA << 12 | FAR[11:0]. */
    uint64_t gpa = (info->hpfar >> 4) << 12 | (info->far & 0xfff);
    hv->stats.s2_faults++;
    hv->last_esr = esr; hv->last_far = info->far; hv->last_hpfar = info->hpfar;
    struct vcpu *v = hv_vcpu_of(hv, c);
    const char *why = NULL;
    if (!v) why = "not a vCPU of dom0";
    else if (fsc == 0x0c) why = "stage-2 permission fault";   /* Xen livelocks here: model injects */
    else if (fsc != 0x04) why = "unsupported FSC";
    else if (!is_data) why = "instruction abort on an unmapped IPA";   /* MMIO never mapped on fetch */
    else if (esr & ESR_ISS_S1PTW) why = "stage-1 table walk hit an unmapped IPA";
    else {
        uint64_t off;
        if (!find_mmio(hv, gpa, &off)) why = "data abort on an unmapped IPA";
        else if (!(esr & ESR_ISS_ISV)) why = "emulated MMIO access without a valid syndrome (ISV = 0)";
        else if (!handle_mmio(hv, v, c, esr, off)) why = "emulated MMIO access failed";
        else {
            hv->stats.s2_mmio++;
            return CPU_S2_SKIP;
        }
    }
    hv->stats.s2_inject++;
    hv_log(hv, "hv: d0v%u: %s: ESR_EL2 0x%08x FAR_EL2 0x%llx IPA 0x%llx pc 0x%llx: injecting an abort",
           v ? v->id : 0, why, esr, (unsigned long long)info->far, (unsigned long long)gpa,
           (unsigned long long)info->pc);
    return CPU_S2_INJECT;
}

void hv_irq(struct hv *hv, struct cpu *c, bool irq)
{
    struct vcpu *v = hv_vcpu_of(hv, c);
    if (!v || !irq) return;        /* FIQs: nothing is Group 0 FIQ on the hypervisor's GICv2 */
    vgic_do_irq(hv, v);
}

/* HVC #0 and SMC (HCR_EL2.TSC) are SMCCC calls: PSCI. Any other HVC immediate is UNDEFINED to
 * the guest, as Xen injects an UNDEF for it (xen-arm.md §4.1; the Xen hypercall ABI, HVC
 * #0xEA1, is not implemented yet). */
bool hv_smccc(struct hv *hv, struct cpu *c, bool is_hvc, uint16_t imm)
{
    hv->stats.hvc++;
    if (is_hvc && imm != 0) {
        hv_log(hv, "hv: d0v%u: HVC #0x%x: not an SMCCC call, UNDEFINED", cpu_index(c), imm);
        return false;
    }
    return hv->cfg.psci && hv->cfg.psci(hv->cfg.psci_opaque, c, is_hvc, imm);
}
