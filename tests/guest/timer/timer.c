/* tests/guest/timer — the generic timer through the GIC (v2 or v3, found from GICD_PIDR2; the
 * runner runs it with gic-version=2 and =3).
 *  - CNTFRQ_EL0 = 62.5 MHz (virt), CNTVCT_EL0/CNTPCT_EL0 advance;
 *  - virtual timer (CNTV_*, PPI 27) and EL1 physical timer (CNTP_*, PPI 30): CVAL and TVAL
 *    programming (TVAL reads CVAL - count, signed), the interrupt arrives through the GIC only
 *    once the counter has reached CVAL (count read in the handler), ISTATUS = 1 in the handler;
 *  - IMASK = 1: ISTATUS still 1 but the PPI is not pending and no IRQ is taken; clearing IMASK
 *    delivers it; ENABLE = 0: no interrupt;
 *  - WFI with PSTATE.I = 1 wakes when the timer interrupt becomes pending (Arm ARM D1.16.2 —
 *    WFI wake-up does not depend on PSTATE.I), then the IRQ is taken once unmasked.
 * The handler masks the timer (IMASK) before EOI: the timer output is level-sensitive. */
#include "rt.h"
#include "gic.h"

#define VIRT_PPI 27
#define PHYS_PPI 30
static volatile uint64_t irq_count, irq_id, irq_cnt, irq_ctl, irq_pend_after_eoi;
static volatile int which;                  /* 0 virtual, 1 physical */

static uint64_t cnt(int p) { ISB(); return p ? SYSREG_READ(cntpct_el0) : SYSREG_READ(cntvct_el0); }
static uint64_t ctl_r(int p) { return p ? SYSREG_READ(cntp_ctl_el0) : SYSREG_READ(cntv_ctl_el0); }
static void ctl_w(int p, uint64_t v) { if (p) SYSREG_WRITE(cntp_ctl_el0, v); else SYSREG_WRITE(cntv_ctl_el0, v); ISB(); }
static void cval_w(int p, uint64_t v) { if (p) SYSREG_WRITE(cntp_cval_el0, v); else SYSREG_WRITE(cntv_cval_el0, v); ISB(); }
static uint64_t cval_r(int p) { return p ? SYSREG_READ(cntp_cval_el0) : SYSREG_READ(cntv_cval_el0); }
static void tval_w(int p, uint64_t v) { if (p) SYSREG_WRITE(cntp_tval_el0, v); else SYSREG_WRITE(cntv_tval_el0, v); ISB(); }
static int32_t tval_r(int p) { return (int32_t)(p ? SYSREG_READ(cntp_tval_el0) : SYSREG_READ(cntv_tval_el0)); }

static int on_irq(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_IRQ) return 0;
    unsigned iar = gic_ack(), id = iar & 0x3ff;
    if (id == GIC_SPURIOUS) return 1;
    irq_id = id;
    irq_count++;
    int p = id == PHYS_PPI;
    irq_cnt = cnt(p);
    irq_ctl = ctl_r(p);
    ctl_w(p, 3);                            /* ENABLE | IMASK: deassert the output */
    gic_eoi(iar);
    irq_pend_after_eoi = gic_is_pending(id);
    return 1;
}
static void irq_on(void) { __asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory"); }
static void irq_off(void) { __asm__ volatile("msr daifset, #2\n\tisb" ::: "memory"); }
static void spin(unsigned n) { for (volatile unsigned i = 0; i < n; i++) { } }

static void one_timer(int p)
{
    const char *t = p ? "phys" : "virt";
    unsigned ppi = p ? PHYS_PPI : VIRT_PPI;
    char n[64];
#define NAME(s) (memcpy(n, t, 4), memcpy(n + 4, s, strlen(s) + 1), n)
    ctl_w(p, 0);
    gic_enable(ppi, 0x80);

    /* CVAL 1 ms ahead, wait with IRQs on. */
    uint64_t c0 = irq_count;
    uint64_t cv = cnt(p) + 62500;
    cval_w(p, cv);
    CHECK_EQ(NAME("-cval-readback"), cval_r(p), cv);
    ctl_w(p, 1);
    irq_on();
    for (unsigned i = 0; i < 100000000 && irq_count == c0; i++) __asm__ volatile("wfi");
    irq_off();
    CHECK_EQ(NAME("-cval-irq-taken"), irq_count, c0 + 1);
    CHECK_EQ(NAME("-cval-irq-id"), irq_id, ppi);
    CHECK(NAME("-cval-count-reached"), irq_cnt >= cv);
    CHECK_EQ(NAME("-istatus-in-handler"), irq_ctl & 7, 5);
    CHECK_EQ(NAME("-not-pending-after-mask"), irq_pend_after_eoi, 0);
    CHECK(NAME("-tval-negative-after"), tval_r(p) < 0);

    /* TVAL: CVAL = count + TVAL. */
    uint64_t before = cnt(p);
    tval_w(p, 1000000);
    uint64_t after = cnt(p), cv2 = cval_r(p);
    CHECK(NAME("-tval-sets-cval"), cv2 >= before + 1000000 && cv2 <= after + 1000000);
    int32_t tv = tval_r(p);
    CHECK(NAME("-tval-counts-down"), tv > 0 && tv <= 1000000);

    /* IMASK: condition met, output masked. */
    cval_w(p, cnt(p));
    ctl_w(p, 3);
    spin(1000);
    CHECK_EQ(NAME("-imask-istatus"), ctl_r(p) & 7, 7);
    CHECK_EQ(NAME("-imask-not-pending"), gic_is_pending(ppi), 0);
    c0 = irq_count;
    irq_on(); spin(10000); irq_off();
    CHECK_EQ(NAME("-imask-no-irq"), irq_count, c0);
    ctl_w(p, 1);                          /* unmask: delivered */
    irq_on(); spin(10000); irq_off();
    CHECK_EQ(NAME("-unmask-irq"), irq_count, c0 + 1);

    /* ENABLE = 0: no interrupt even though CVAL has passed. */
    ctl_w(p, 0);
    cval_w(p, 0);
    spin(1000);
    CHECK_EQ(NAME("-disabled-not-pending"), gic_is_pending(ppi), 0);
    c0 = irq_count;
    irq_on(); spin(10000); irq_off();
    CHECK_EQ(NAME("-disabled-no-irq"), irq_count, c0);

    /* WFI with IRQs masked wakes on the pending timer interrupt. */
    tval_w(p, 62500);
    cv = cval_r(p);
    ctl_w(p, 1);
    unsigned loops = 0;
    while (!gic_is_pending(ppi) && loops < 100000000) { __asm__ volatile("wfi"); loops++; }
    uint64_t woke = cnt(p);
    CHECK(NAME("-wfi-woke-after-cval"), woke >= cv);
    CHECK_EQ(NAME("-wfi-irq-pending"), gic_is_pending(ppi), 1);
    c0 = irq_count;
    irq_on(); spin(100); irq_off();
    CHECK_EQ(NAME("-wfi-then-irq"), irq_count, c0 + 1);
    ctl_w(p, 0);
    gic_disable(ppi);
}

int main(void)
{
    rt_set_handler(on_irq);
    gic_init(1);
    printf("INFO gic-version %u\n", gic_version);
    CHECK("gic-found", gic_version == 2 || gic_version == 3);
    CHECK_EQ("cntfrq-62.5MHz", SYSREG_READ(cntfrq_el0), 62500000);
    uint64_t a = cnt(0), b;
    spin(1000);
    b = cnt(0);
    CHECK("cntvct-advances", b > a);
    a = cnt(1); spin(1000); b = cnt(1);
    CHECK("cntpct-advances", b > a);
    a = cnt(1); b = cnt(0);
    CHECK("no-el2-cntvoff-zero", b >= a && b - a < 62500000);
    one_timer(0);
    one_timer(1);
    rt_result();
    return 0;
}
