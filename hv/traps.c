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

/* An MMIO record for an access to an emulated device (the vGIC distributor/redistributors). */
static void trace_vgic_mmio(struct hv *hv, struct cpu *c, uint64_t ipa, unsigned size, uint64_t val, bool write, bool ok)
{
    if (!TRACE_ON(hv->tr)) return;
    if (!hv->vgic_name_id) {
        hv->vgic_name_id = trace_intern(hv->tr, "vgic-dist");
        hv->vgicr_name_id = trace_intern(hv->tr, "vgic-redist");
    }
    bool dist = ipa >= HV_GICD_BASE && ipa < HV_GICD_BASE + HV_GIC_SIZE;
    struct trace_ts ts = HV_TS(c, 0);
    trace_emit_mmio(hv->tr, &ts, &(struct trace_mmio){ .dev = dist ? hv->vgic_name_id : hv->vgicr_name_id,
        .pa = mk_pa(ipa), .offset = ipa - (dist ? HV_GICD_BASE : HV_GICR_BASE), .value = val,
        .size = (uint8_t)size, .is_write = write, .status = ok ? 0 : 2 });
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
        bool ok = vgic_mmio(hv, v, off, size, &val, true);
        trace_vgic_mmio(hv, c, off, size, val, true, ok);
        return ok;
    }
    hv->stats.mmio_reads++;
    bool ok = vgic_mmio(hv, v, off, size, &val, false);
    trace_vgic_mmio(hv, c, off, size, val, false, ok);
    if (!ok) return false;
    if (size < 8) val &= (1ull << (8 * size)) - 1;
    if ((esr & ESR_ISS_SSE) && size < 8 && (val >> (8 * size - 1) & 1))
        val |= ~0ull << (8 * size);                       /* sign-extend (LDRS*) */
    if (!(esr & ESR_ISS_SF)) val &= 0xffffffffull;        /* W register */
    if (rt != 31) cpu_set_x(c, rt, val);
    return true;
}

static uint8_t fault_class(unsigned fsc)
{
    switch (fsc & 0x3c) {
    case 0x00: return TRACE_FC_ADDRESS_SIZE;
    case 0x04: return TRACE_FC_TRANSLATION;
    case 0x08: return TRACE_FC_ACCESS_FLAG;
    case 0x0c: return TRACE_FC_PERMISSION;
    case 0x10: case 0x14: return TRACE_FC_EXTERNAL;
    case 0x20: return fsc == 0x21 ? TRACE_FC_ALIGNMENT : TRACE_FC_OTHER;
    default: return TRACE_FC_OTHER;
    }
}

/* EL2 entry/exit around the handling, so that a trace shows the time spent at EL2 as a slice
 * (docs/trace.md "EL2 duration slice"); the cost itself is cfg.trap_cycles. */
static void el2_enter(struct hv *hv, struct cpu *c, uint8_t type, uint32_t esr, uint64_t pc, uint64_t far)
{
    if (TRACE_ON(hv->tr)) {
        struct trace_ts ts = HV_TS(c, 0);
        trace_emit_exc_taken(hv->tr, &ts, &(struct trace_exc_taken){ .from_el = 1, .to_el = 2, .type = type,
            .ec = (uint8_t)(esr >> ESR_EC_SHIFT), .esr = esr, .elr = pc, .far = far });
    }
}
static void el2_leave(struct hv *hv, struct cpu *c, uint64_t pc)
{
    if (hv->cfg.trap_cycles) cpu_add_cycles(c, hv->cfg.trap_cycles);
    if (TRACE_ON(hv->tr)) {
        struct trace_ts ts = HV_TS(c, 0);
        trace_emit_exc_return(hv->tr, &ts, &(struct trace_exc_return){ .from_el = 2, .to_el = 1, .elr = pc });
    }
}

/* do_trap_stage2_abort_guest (xen-arm.md §1.2) with the MMIO policy of the hardware domain:
 * translation fault + data abort → check_p2m/try_map_mmio (lazy policy, seed 000) before the
 * emulated handlers (§1.2 c); instruction aborts never map MMIO; permission faults and anything
 * unresolved inject an abort into EL1 (§1.4, done by the CPU on CPU_S2_INJECT). */
int hv_stage2_abort(struct hv *hv, struct cpu *c, const struct cpu_s2_abort *info)
{
    uint32_t esr = info->esr;
    unsigned ec = esr >> ESR_EC_SHIFT, dfsc = ESR_ISS_DFSC(esr), fsc = dfsc & ~3u;
    bool is_data = ec == 0x24;
    /* HPFAR_EL2 is valid for translation faults and S1PTW: gpa = FIPA << 12 | FAR[11:0]. */
    uint64_t gpa = (info->hpfar >> 4) << 12 | (info->far & 0xfff);
    hv->stats.s2_faults++;
    hv->last_esr = esr; hv->last_far = info->far; hv->last_hpfar = info->hpfar;
    el2_enter(hv, c, TRACE_EXC_SYNC, esr, info->pc, info->far);
    struct vcpu *v = hv_vcpu_of(hv, c);
    const char *why = NULL;
    int action = CPU_S2_INJECT;
    uint8_t outcome = is_data ? TRACE_S2_INJECT_DABT : TRACE_S2_INJECT_PABT;
    if (!v) why = "not a vCPU of dom0";
    else if (fsc == 0x0c) why = "stage-2 permission fault";   /* Xen livelocks here: model injects */
    else if (fsc != 0x04) why = "unsupported FSC";
    else if (!is_data) why = "instruction abort on an unmapped IPA";   /* MMIO never mapped on fetch */
    else if (esr & ESR_ISS_S1PTW) why = "stage-1 table walk hit an unmapped IPA";
    else if (hv_try_map_mmio(hv, gpa)) {
        hv->stats.s2_retry++;
        hv->stats.s2_map++;
        action = CPU_S2_RETRY;
        outcome = TRACE_S2_MAPPED;
    } else {
        uint64_t off;
        if (!find_mmio(hv, gpa, &off)) why = "data abort on an unmapped IPA";
        else if (!(esr & ESR_ISS_ISV)) why = "emulated MMIO access without a valid syndrome (ISV = 0)";
        else if (!handle_mmio(hv, v, c, esr, off)) why = "emulated MMIO access failed";
        else {
            hv->stats.s2_mmio++;
            action = CPU_S2_SKIP;
            outcome = TRACE_S2_EMULATED_MMIO;
        }
    }
    if (action == CPU_S2_INJECT) {
        hv->stats.s2_inject++;
        if (!is_data) hv->stats.s2_inject_pabt++;
        hv_log(hv, "hv: d0v%u: %s: ESR_EL2 0x%08x FAR_EL2 0x%llx IPA 0x%llx pc 0x%llx: injecting an abort",
               v ? v->id : 0, why, esr, (unsigned long long)info->far, (unsigned long long)gpa,
               (unsigned long long)info->pc);
    }
    if (TRACE_ON(hv->tr)) {
        struct trace_ts ts = HV_TS(c, 0);
        /* The faulting instruction for the dump's disassembly: a data abort's instruction can
         * be read through the guest's translation (no side effects); an instruction abort's
         * cannot (that fetch is what faulted). */
        uint32_t insn = 0;
        if (is_data && cpu_debug_read(c, info->pc, &insn, 4) != 4) insn = 0;
        bool isv = is_data && (esr & ESR_ISS_ISV);
        trace_emit_s2_fault(hv->tr, &ts, &(struct trace_s2_fault){
            .pc = info->pc, .va = mk_va(info->far), .ipa = mk_ipa(gpa), .esr = esr, .insn = insn,
            .is_insn = !is_data, .size = isv ? (uint8_t)(1u << ESR_ISS_SAS(esr)) : 0,
            .is_write = is_data && (esr & ESR_ISS_WNR) ? 1 : 0, .outcome = outcome,
            .fault_class = fault_class(dfsc), .level = (uint8_t)(dfsc & 3) });
    }
    el2_leave(hv, c, action == CPU_S2_SKIP ? info->pc + 4 : info->pc);
    return action;
}

void hv_irq(struct hv *hv, struct cpu *c, bool irq)
{
    struct vcpu *v = hv_vcpu_of(hv, c);
    if (!v || !irq) return;        /* FIQs: nothing is Group 0 FIQ on the hypervisor's GICv2 */
    el2_enter(hv, c, TRACE_EXC_IRQ, 0, cpu_get_pc(c), 0);
    vgic_do_irq(hv, v);
    if (TRACE_ON(hv->tr)) {
        struct trace_ts ts = HV_TS(c, 0);
        trace_emit_exc_return(hv->tr, &ts, &(struct trace_exc_return){ .from_el = 2, .to_el = 1, .elr = cpu_get_pc(c) });
    }
}

/* HVC #0 and SMC (HCR_EL2.TSC) are SMCCC calls: PSCI. Any other HVC immediate is UNDEFINED to
 * the guest, as Xen injects an UNDEF for it (xen-arm.md §4.1; the Xen hypercall ABI, HVC
 * #0xEA1, is not implemented yet). */
bool hv_smccc(struct hv *hv, struct cpu *c, bool is_hvc, uint16_t imm)
{
    hv->stats.hvc++;
    uint64_t func = cpu_get_x(c, 0), a[3] = { cpu_get_x(c, 1), cpu_get_x(c, 2), cpu_get_x(c, 3) };
    bool ok;
    if (is_hvc && imm != 0) {
        hv_log(hv, "hv: d0v%u: HVC #0x%x: not an SMCCC call, UNDEFINED", cpu_index(c), imm);
        ok = false;
    } else ok = hv->cfg.psci && hv->cfg.psci(hv->cfg.psci_opaque, c, is_hvc, imm);
    if (TRACE_ON(hv->tr)) {
        /* PSCI function IDs are 0x84000000-0x8400001F / 0xC4000000-0xC400001F (DEN0022). */
        bool psci = ((func & 0xbfffffe0u) == 0x84000000u) && imm == 0;
        struct trace_ts ts = HV_TS(c, 0);
        trace_emit_hcall(hv->tr, &ts, &(struct trace_hcall){ .func = func, .args = { a[0], a[1], a[2] },
            .result = ok ? (int64_t)cpu_get_x(c, 0) : -1, .nargs = 3,
            .cls = psci ? TRACE_HC_PSCI : is_hvc ? TRACE_HC_HVC_OTHER : TRACE_HC_SMC_OTHER });
    }
    return ok;
}

/* Trapped WFI/WFE (Xen's do_trap_wfi_wfe, xen-arm.md): a WFI blocks the vCPU until an interrupt
 * is pending for it (vcpu_block); a WFE yields the rest of its time slice (vcpu_yield). Either
 * way the guest resumes after the instruction. */
void hv_wfx(struct hv *hv, struct cpu *c, bool is_wfe, uint32_t esr)
{
    uint64_t pc = cpu_get_pc(c) - 4;
    el2_enter(hv, c, TRACE_EXC_SYNC, esr, pc, 0);
    if (is_wfe) {
        hv->stats.wfe_traps++;
        cpu_request_exit(c);
    } else {
        hv->stats.wfi_traps++;
        cpu_wait_for_interrupt(c);
    }
    el2_leave(hv, c, pc + 4);
}

/* MRS/MSR of CNTP_CTL/CVAL/TVAL_EL0 trapped to EL2 (CNTHCTL_EL2.EL1PCEN = 0, ESR_EL2.EC 0x18):
 * Xen's vtimer_emulate — the emulated physical timer of the vCPU (vtimer.c). */
bool hv_sysreg_el2(struct hv *hv, struct cpu *c, uint32_t enc, bool is_write, uint64_t *val)
{
    struct vcpu *v = hv_vcpu_of(hv, c);
    if (!v) return false;
    hv->stats.ptimer_traps++;
    bool ok = vtimer_access(hv, v, enc, is_write, val);
    if (hv->cfg.trap_cycles) cpu_add_cycles(c, hv->cfg.trap_cycles);
    return ok;
}
