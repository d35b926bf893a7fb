/* hv/vcpu.c — vCPUs: the EL2 state each runs with (Xen's p2m_restore_state / vcpu context:
 * HCR_EL2, VTTBR_EL2, VMPIDR_EL2). vCPU i of dom0 is pinned to physical CPU i: its list
 * registers and GICV live in that CPU's virtual interface, so nothing is saved or restored on
 * a switch (one host thread runs the vCPUs round-robin, deterministically). */
#include "hv/hv_internal.h"

void hv_vcpu_init(struct hv *hv, struct vcpu *v, unsigned id, struct cpu *c)
{
    (void)hv;
    v->id = id;
    v->cpu = c;
}

void hv_vcpu_reset(struct hv *hv, struct vcpu *v)
{
    /* HCR_EL2 as Xen's HCR_GUEST_FLAGS, reduced to what this model implements: VM (stage 2),
     * IMO/FMO (physical interrupts to EL2, virtual ones to the guest), TSC (SMC traps), TWI/TWE
     * (WFI blocks the vCPU, WFE yields: hv_wfx). */
    struct cpu_el2 s = {
        .hcr = HCR_EL2_VM | HCR_EL2_IMO | HCR_EL2_FMO | HCR_EL2_TSC | HCR_EL2_TWI | HCR_EL2_TWE,
        .vtcr = p2m_vtcr(hv->dom0.p2m),
        .vttbr = p2m_vttbr(hv->dom0.p2m),
        .vpidr = 0,                               /* MIDR_EL1 as the hardware's */
        .vmpidr = (1ull << 31) | v->id,           /* Aff0 = vCPU id (xen-arm.md §3.2 cpus) */
        .cntvoff = 0,                             /* dom0 starts with the machine */
        /* The counter is readable; the physical timer traps (EL1PCEN = 0): vtimer.c */
        .cnthctl = CNTHCTL_EL2_EL1PCTEN,
    };
    vtimer_reset(hv, v);
    if (v->cpu) cpu_set_el2_state(v->cpu, &s);
}

struct vcpu *hv_vcpu_of(struct hv *hv, struct cpu *c)
{
    unsigned i = cpu_index(c);
    if (i < hv->dom0.nvcpus && hv->dom0.vcpu[i].cpu == c) return &hv->dom0.vcpu[i];
    for (i = 0; i < hv->dom0.nvcpus; i++) if (hv->dom0.vcpu[i].cpu == c) return &hv->dom0.vcpu[i];
    return NULL;
}
