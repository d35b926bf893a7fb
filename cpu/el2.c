/* cpu/el2.c — the EL2 state a native hypervisor owns (HCR_EL2, VTCR_EL2/VTTBR_EL2, VPIDR/VMPIDR,
 * CNTVOFF/CNTHCTL) and the routing of stage-2 aborts to it (Arm ARM D13.2 "EL2 registers",
 * D17.2.37 ESR_ELx, D17.2.56 HPFAR_EL2). The interpreter never executes EL2 code: a stage-2
 * abort calls cpu_hooks.stage2_abort with the syndrome an EL2 handler would read, and the
 * hypervisor's answer (retry / skip / inject) is applied here. See docs/hv.md. */
#include "cpu/cpu_internal.h"
#include "cpu/translate.h"

void cpu_set_el2_state(struct cpu *c, const struct cpu_el2 *s)
{
    bool s2_config_changed = (c->el2.hcr ^ s->hcr) & HCR_EL2_VM || c->el2.vtcr != s->vtcr;
    bool s2_changed = s2_config_changed || c->el2.vttbr != s->vttbr;
    bool voff_changed = c->el2.cntvoff != s->cntvoff;
    c->el2 = *s;
    if (voff_changed) cpu_timer_update(c);   /* the virtual timer's condition moved */
    c->s2_on = (s->hcr & HCR_EL2_VM) != 0;
    if (c->s2_on) {
        mmu_regime_stage2(&c->s2, s->vtcr, s->vttbr, CPU_PA_BITS);
        if (!c->s2_cache) c->s2_cache = mmu_s2_cache_new();
        c->s2.s2_cache = c->s2_cache;        /* NULL (out of memory): walks uncached */
    }
    /* The fast soft TLBs hold combined results and have no VMID tag: they go. The second level
     * (cpu/ctlb.h) is tagged with VTTBR_EL2: a VMID switch keeps it, a change of HCR_EL2.VM or
     * VTCR_EL2 (what every entry means) flushes it. The cost model's TLB is VMID-tagged: a
     * VTTBR/VTCR write does not invalidate it (a p2m change must be followed by TLBI
     * VMALLS12E1, cpu_tlb_flush_stage2, as the hypervisor's break-before-make does). */
    if (s2_changed) {
        if (s2_config_changed) cpu_tlb_flush_all(c);
        else cpu_tlb_flush_fast(c);
        if (c->s2_cache) mmu_s2_cache_flush(c->s2_cache);
    }
    c->attention = true;             /* IMO/FMO change which interrupt lines are looked at */
}

void cpu_get_el2_state(const struct cpu *c, struct cpu_el2 *s) { *s = c->el2; }

void cpu_tlb_flush_stage2(struct cpu *c)
{
    /* TLBI VMALLS12E1: the soft TLBs hold combined stage-1+2 results (VA → host page), so
     * everything goes; the decoded-code itlb caches VA → PA too. */
    cpu_tlb_flush_fast(c);
    if (c->s2_cache) mmu_s2_cache_flush(c->s2_cache);
    /* The second level: every stage-2 entry, whatever its VMID — the native hypervisor's p2m hook
     * calls this on every vCPU, not only those running the changed VMID. */
    ctlb_flush_all_s2(&c->ctlb);
    /* The modelled TLB: every EL1&0 entry of the current VMID (stage 1 and 2). */
    struct tlbm_ctx ctx;
    cpu_tlbm_ctx(c, &ctx);
    tlbm_invalidate(&c->tlbm, &(struct tlbm_match){ .regime = TLBM_EL10, .s2 = ctx.s2,
                                                     .vmid = ctx.vmid, .asid_mask = 0xffff });
}

uint32_t cpu_s2_abort_esr(const struct cpu *c, const struct dinsn *d, const struct translation *t,
                          bool is_fetch, bool write, bool cm)
{
    (void)c;
    uint32_t ec = is_fetch ? EC_IABT_LOWER : EC_DABT_LOWER;   /* from EL0/EL1 to EL2 */
    uint32_t iss = t->fault_dfsc & 0x3f;
    if (t->fault.s1ptw) iss |= ESR_ISS_S1PTW;                  /* WnR = 0, ISV = 0 on a walk */
    else if (!is_fetch) {
        if (write) iss |= ESR_ISS_WNR;
        if (cm) iss |= ESR_ISS_CM;
        else iss |= a64_dabt_iss_syndrome(d ? d->raw : 0);    /* ISV/SAS/SSE/SRT/SF/AR */
    }
    return ec << ESR_EC_SHIFT | ESR_IL | iss;
}

bool cpu_stage2_abort(struct cpu *c, const struct dinsn *d, uint64_t pc, uint64_t va,
                      const struct translation *t, bool is_fetch, bool write, bool cm)
{
    if (t->fault.stage != MMU_STAGE2) return false;
    struct cpu_s2_abort info = {
        .esr = cpu_s2_abort_esr(c, d, t, is_fetch, write, cm),
        .far = va,
        .hpfar = (t->fault.ipa.v >> 12 & 0xfffffffffull) << 4,      /* FIPA = IPA[47:12] */
        .pc = pc,
    };
    c->stats.s2_aborts++;
    if (c->log_mask & CPU_LOG_MMU && c->logf)
        fprintf(c->logf, "stage-2 abort ESR_EL2=0x%08x FAR_EL2=0x%016llx HPFAR_EL2=0x%llx pc=0x%llx\n",
                info.esr, (unsigned long long)va, (unsigned long long)info.hpfar, (unsigned long long)pc);
    enum cpu_s2_action a = c->hooks.stage2_abort ?
        c->hooks.stage2_abort(c->hooks.opaque, c, &info) : CPU_S2_INJECT;
    switch (a) {
    case CPU_S2_RETRY:   c->pc = pc; break;
    case CPU_S2_SKIP:    c->pc = pc + 4; break;
    case CPU_S2_HANDLED: break;
    case CPU_S2_INJECT: {
        /* xen-arm.md §1.4: EC 0x25/0x21 (from EL1) or 0x24/0x20 (from EL0), IL = 1, ISS = 0. */
        uint32_t ec = is_fetch ? (c->el ? EC_IABT_SAME : EC_IABT_LOWER)
                               : (c->el ? EC_DABT_SAME : EC_DABT_LOWER);
        c->pc = pc;
        cpu_take_sync(c, pc, ec << ESR_EC_SHIFT | ESR_IL, va, true);
        break;
    }
    }
    return true;
}
