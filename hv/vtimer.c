/* hv/vtimer.c — the EL1 physical timer of dom0, emulated (Xen's arch/arm/vtimer.c): the
 * virtual timer (CNTV_*) belongs to the guest, with its PPI 27 forwarded (LR.HW = 1); the
 * physical one is trapped by CNTHCTL_EL2.EL1PCEN = 0 (cpu_hooks.sysreg_el2, ESR_EL2.EC 0x18)
 * and kept here per vCPU: CNTP_CTL_EL0 (ENABLE, IMASK, ISTATUS), CNTP_CVAL_EL0 against the
 * physical count (the vCPU's CNTPCT_EL0), CNTP_TVAL_EL0 as the signed 32-bit CVAL - count.
 * Its output, ISTATUS && !IMASK, is a level that drives virtual PPI 30 through the vGIC with
 * HW = 0 list registers (Arm ARM D11.2.4 "Timers"). The board's run loop asks
 * hv_next_event_cycles for the deadline so that a guest idling on this timer wakes at the
 * right virtual time. */
#include <string.h>
#include "hv/hv_internal.h"

#define CTL_ENABLE  1u
#define CTL_IMASK   2u
#define CTL_ISTATUS 4u

#define ENC_CNTP_TVAL SYSREG_ENC(3, 3, 14, 2, 0)
#define ENC_CNTP_CTL  SYSREG_ENC(3, 3, 14, 2, 1)
#define ENC_CNTP_CVAL SYSREG_ENC(3, 3, 14, 2, 2)

static bool istatus(const struct vtimer *t, uint64_t now)
{
    return (t->ctl & CTL_ENABLE) && now >= t->cval;
}

void vtimer_reset(struct hv *hv, struct vcpu *v)
{
    (void)hv;
    memset(&v->ptimer, 0, sizeof v->ptimer);
}

/* Re-evaluate the output and drive the virtual PPI (level: asserted while high; if the guest
 * deactivated it while the condition still holds, it is pending again). */
void vtimer_update(struct hv *hv, struct vcpu *v)
{
    struct vtimer *t = &v->ptimer;
    bool level = istatus(t, cpu_counter(v->cpu)) && !(t->ctl & CTL_IMASK);
    if (level) {
        if (!t->level) hv->stats.ptimer_fired++;
        vgic_assert(hv, v, HV_PTIMER_PPI);
    } else if (t->level) {
        vgic_deassert(hv, v, HV_PTIMER_PPI);
    }
    t->level = level;
}

bool vtimer_access(struct hv *hv, struct vcpu *v, uint32_t enc, bool is_write, uint64_t *val)
{
    struct vtimer *t = &v->ptimer;
    uint64_t now = cpu_counter(v->cpu);
    switch (enc) {
    case ENC_CNTP_CTL:
        if (!is_write) { *val = (t->ctl & (CTL_ENABLE | CTL_IMASK)) | (istatus(t, now) ? CTL_ISTATUS : 0); return true; }
        t->ctl = *val & (CTL_ENABLE | CTL_IMASK);             /* ISTATUS is read-only */
        break;
    case ENC_CNTP_CVAL:
        if (!is_write) { *val = t->cval; return true; }
        t->cval = *val;
        break;
    case ENC_CNTP_TVAL:
        if (!is_write) { *val = (uint32_t)(t->cval - now); return true; }
        t->cval = now + (uint64_t)(int64_t)(int32_t)*val;
        break;
    default:
        return false;
    }
    vtimer_update(hv, v);
    cpu_request_exit(v->cpu);        /* a vIRQ it made pending is taken before going on */
    return true;
}

/* First cycle count at which v's timer output rises, or UINT64_MAX. */
uint64_t vtimer_next_cycles(const struct vcpu *v)
{
    const struct vtimer *t = &v->ptimer;
    if (!(t->ctl & CTL_ENABLE) || (t->ctl & CTL_IMASK) || !v->cpu) return UINT64_MAX;
    if (t->cval <= cpu_counter(v->cpu)) return UINT64_MAX;   /* already high */
    return cpu_counter_cycles(t->cval);
}

void hv_timer_update(struct hv *hv, struct cpu *c)
{
    struct vcpu *v = hv_vcpu_of(hv, c);
    if (v) vtimer_update(hv, v);
}

uint64_t hv_next_event_cycles(struct hv *hv, struct cpu *c)
{
    struct vcpu *v = hv_vcpu_of(hv, c);
    return v ? vtimer_next_cycles(v) : UINT64_MAX;
}
