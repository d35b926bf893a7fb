/* cpu/timer.c — the generic timer's interrupt outputs (Arm ARM D11.2 "The AArch64 view of the
 * Generic Timer"). The count is derived from the vCPU's cycle count (timing_counter: never
 * the host clock), so a timer fires at the same instruction in every run. The EL1 virtual
 * timer drives PPI 27 and the EL1 physical timer PPI 30 (QEMU virt's wiring). */
#include "cpu/cpu_internal.h"
#include "cpu/sys_internal.h"

#define CNT_ENABLE  1u
#define CNT_IMASK   2u

static const struct { unsigned ctl, cval, intid; } timers[2] = {
    { SR_CNTV_CTL_EL0, SR_CNTV_CVAL_EL0, 27 },
    { SR_CNTP_CTL_EL0, SR_CNTP_CVAL_EL0, 30 },
};

void cpu_timer_update(struct cpu *c)
{
    uint64_t now = timing_counter(c);
    for (unsigned i = 0; i < 2; i++) {
        uint64_t ctl = c->sr[timers[i].ctl];
        /* ISTATUS = ENABLE && CompareValue <= Count; the output is ISTATUS && !IMASK. The
         * virtual timer counts physical - CNTVOFF_EL2 (D11.2.2). */
        uint64_t count = i == 0 ? now - c->el2.cntvoff : now;
        bool level = (ctl & CNT_ENABLE) && !(ctl & CNT_IMASK) && count >= c->sr[timers[i].cval];
        if (level != c->timer_level[i]) {
            c->timer_level[i] = level;
            if (c->hooks.timer_irq) c->hooks.timer_irq(c->hooks.opaque, c, timers[i].intid, level);
        }
    }
}

/* Event stream (D11.2.3): with CNTKCTL_EL1.EVNTEN, an event is generated whenever bit EVNTI of
 * the virtual count makes the transition EVNTDIR selects (0: 0->1, 1: 1->0). First such count
 * value greater than x. */
static uint64_t evstream_next(const struct cpu *c, uint64_t x)
{
    uint64_t k = c->sr[SR_CNTKCTL_EL1];
    unsigned n = (k >> 4) & 15;
    uint64_t period = 2ull << n, phase = (k >> 3) & 1 ? 0 : 1ull << n;
    uint64_t base = x - (x % period) + phase;
    return base > x ? base : base + period;
}
static bool evstream_on(const struct cpu *c) { return (c->sr[SR_CNTKCTL_EL1] >> 2) & 1; }

/* A vCPU waiting in WFE wakes on an event: the event stream, or its exclusive reservation
 * being lost because another PE wrote the reserved location (D1.16.1, the global monitor
 * changing state). Checked between blocks, so the wake-up point is deterministic. */
bool cpu_wfe_woken(struct cpu *c)
{
    if (evstream_on(c) && evstream_next(c, c->wfe_since) <= timing_counter(c)) return true;
    if (c->excl_valid) {
        uint64_t cur[2] = { 0, 0 };
        unsigned sz = c->excl_size > 16 ? 16 : (unsigned)c->excl_size;
        if (cpu_debug_read(c, c->excl_addr, cur, sz) != sz ||
            memcmp(cur, c->excl_val, sz)) {
            c->excl_valid = false;
            return true;
        }
    }
    return false;
}

uint64_t cpu_counter(const struct cpu *c) { return timing_counter(c); }
/* First cycle count whose counter value reaches `count`: ceil(count * CPU_HZ / CNTFRQ). */
uint64_t cpu_counter_cycles(uint64_t count)
{
    unsigned __int128 cyc = ((unsigned __int128)count * CPU_HZ + CNTFRQ_HZ - 1) / CNTFRQ_HZ;
    return cyc > UINT64_MAX ? UINT64_MAX : (uint64_t)cyc;
}

uint64_t cpu_timer_next_cycles(const struct cpu *c)
{
    uint64_t next = UINT64_MAX, now = timing_counter(c);
    if (c->wfi && c->wfe && evstream_on(c)) next = cpu_counter_cycles(evstream_next(c, c->wfe_since));
    for (unsigned i = 0; i < 2; i++) {
        uint64_t ctl = c->sr[timers[i].ctl], cval = c->sr[timers[i].cval];
        if (i == 0) {                                /* as a physical count */
            if (cval > UINT64_MAX - c->el2.cntvoff) continue;
            cval += c->el2.cntvoff;
        }
        if (!(ctl & CNT_ENABLE) || (ctl & CNT_IMASK) || cval <= now) continue;
        uint64_t cyc = cpu_counter_cycles(cval);
        if (cyc < next) next = cyc;
    }
    return next;
}
