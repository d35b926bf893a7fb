/* tests/guest/gicv2 (and gicv3, which includes this file with WANT_GIC = 3) — the GIC CPU
 * interface and distributor as a guest OS uses them (gic-version=2: GICD + memory-mapped GICC;
 * gic-version=3: GICD + redistributor + ICC_* system registers; lib/gic.c):
 *  - spurious INTID 1023 from IAR when nothing is pending, and when the only pending interrupt is
 *    masked by PMR;
 *  - SGI to self (v2 GICD_SGIR TargetListFilter = 0b10; v3 ICC_SGI1R_EL1), its INTID, the v2
 *    source CPU field, ISACTIVER set while in the handler and clear after EOI, RPR = its priority;
 *  - priority masking: PMR at or above the interrupt's priority value blocks it;
 *  - preemption: with BPR small enough, a higher-priority SGI pended in a handler (IRQs unmasked)
 *    preempts it; a lower one does not (taken after EOI); with BPR = 7 (no group-priority bits)
 *    a higher one does not preempt either (v3 Group 1 uses BPR1 - 1 as the binary point, so
 *    BPR1 = 7 still leaves bit 7 as group priority: the two SGIs, 0x60 and 0x20, share it);
 *  - EOImode = 1 (v2 GICC_CTLR.EOImode, v3 ICC_CTLR_EL1.EOImode): EOIR only drops the running
 *    priority, the interrupt stays active until DIR;
 *  - SPI (INTID 100, no device) pended by ISPENDR, cleared by ICPENDR, enable bits, ICFGR
 *    level/edge read-back and delivery of a software-pended level and edge SPI (pending state
 *    cleared by the acknowledge). */
#include "rt.h"
#include "gic.h"

#ifndef WANT_GIC
#define WANT_GIC 2
#endif
#define SPI 100

static volatile unsigned lg[16], nlog;
static volatile int mode;
static volatile unsigned h_active, h_rpr, h_src, h_rpr_eoi, h_active_eoi, h_active_dir;
static void logv(unsigned v) { if (nlog < 16) lg[nlog++] = v; }
static void irq_on(void) { __asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory"); }
static void irq_off(void) { __asm__ volatile("msr daifset, #2\n\tisb" ::: "memory"); }
static void spin(unsigned n) { for (volatile unsigned i = 0; i < n; i++) { } }

static int on_irq(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_IRQ) return 0;
    unsigned iar = gic_ack(), id = iar & 0x3ff;
    if (id == GIC_SPURIOUS) { logv(1023); return 1; }
    logv(id);
    h_src = (iar >> 10) & 7;
    h_active = gic_is_active(id);
    h_rpr = gic_rpr();
    if ((mode == 1 && id == 2) || (mode == 2 && id == 3)) {
        gic_send_sgi(mode == 1 ? 3 : 2, 0);
        irq_on(); spin(20000); irq_off();
        logv(id | 0x100);
    }
    gic_eoi(iar);
    if (mode == 3) {
        h_rpr_eoi = gic_rpr();
        h_active_eoi = gic_is_active(id);
        gic_dir(iar);
        h_active_dir = gic_is_active(id);
    }
    return 1;
}

static int log_is(const unsigned *want, unsigned n)
{
    if (nlog != n) return 0;
    for (unsigned i = 0; i < n; i++) if (lg[i] != want[i]) return 0;
    return 1;
}
static void print_log(const char *name)
{
    printf("FAIL %s log:", name);
    for (unsigned i = 0; i < nlog; i++) printf(" 0x%x", lg[i]);
    printf("\n");
    rt_failures++;
}
#define CHECK_LOG(name, ...) do { static const unsigned w_[] = { __VA_ARGS__ }; \
    if (log_is(w_, sizeof w_ / sizeof w_[0])) printf("PASS %s\n", name); else print_log(name); } while (0)

int main(void)
{
    rt_set_handler(on_irq);
    gic_init(1);
    CHECK_EQ("gic-version", gic_version, WANT_GIC);
    if (gic_version != WANT_GIC) { rt_result(); return 0; }
    printf("INFO GICD_TYPER=0x%x\n", mmio_read32(GICD_BASE + GICD_TYPER));
    unsigned bpr_min;
    gic_set_bpr(0); bpr_min = gic_get_bpr();
    printf("INFO minimum BPR %u\n", bpr_min);
    mmio_write8(gic_irq_base(SPI) + GICD_IPRIORITYR + SPI, 0xff);
    printf("INFO IPRIORITYR 0xff reads 0x%x\n", mmio_read8(GICD_BASE + GICD_IPRIORITYR + SPI));
    CHECK("priority-top-bits", (mmio_read8(GICD_BASE + GICD_IPRIORITYR + SPI) & 0xf0) == 0xf0);

    /* Spurious: nothing pending. */
    irq_off();
    CHECK_EQ("spurious-nothing-pending", gic_ack() & 0x3ff, GIC_SPURIOUS);
    CHECK_EQ("rpr-idle", gic_rpr(), 0xff);

    /* SGI to self. */
    for (unsigned i = 1; i <= 4; i++) gic_enable(i, i == 3 ? 0x20 : i == 2 ? 0x60 : 0x80);   /* same bit 7: see bpr7 */
    CHECK_EQ("sgi-enabled", (mmio_read32(gic_irq_base(1) + GICD_ISENABLER) >> 1) & 0xf, 0xf);
    CHECK_EQ("sgi-icfgr-edge", gic_icfgr(1), 2);
    nlog = 0;
    gic_send_sgi(1, 0);
    spin(100);
    CHECK_EQ("sgi-pending-while-masked", nlog, 0);
    irq_on(); spin(1000); irq_off();
    CHECK_LOG("sgi-self-taken", 1);
    CHECK_EQ("sgi-source-cpu0", h_src, 0);
    CHECK_EQ("active-in-handler", h_active, 1);
    CHECK_EQ("rpr-in-handler", h_rpr, 0x80);
    CHECK_EQ("inactive-after-eoi", gic_is_active(1), 0);
    CHECK_EQ("rpr-idle-after-eoi", gic_rpr(), 0xff);

    /* PMR masking. */
    gic_set_pmr(0x80);
    CHECK_EQ("pmr-readback", gic_get_pmr(), 0x80);
    nlog = 0;
    gic_send_sgi(1, 0);
    irq_on(); spin(1000); irq_off();
    CHECK_EQ("pmr-masks-equal-priority", nlog, 0);
    CHECK_EQ("pmr-masked-iar-spurious", gic_ack() & 0x3ff, GIC_SPURIOUS);
    gic_set_pmr(0x90);
    irq_on(); spin(1000); irq_off();
    CHECK_LOG("pmr-raised-delivers", 1);
    gic_set_pmr(0xff);

    /* Preemption. */
    gic_set_bpr(2);
    printf("INFO BPR set 2 reads %u\n", gic_get_bpr());
    mode = 1; nlog = 0;
    gic_send_sgi(2, 0);
    irq_on(); spin(1000); irq_off();
    CHECK_LOG("higher-priority-preempts", 2, 3, 0x102);
    mode = 2; nlog = 0;
    gic_send_sgi(3, 0);
    irq_on(); spin(1000); irq_off();
    CHECK_LOG("lower-priority-waits", 3, 0x103, 2);
    gic_set_bpr(7);
    mode = 1; nlog = 0;
    gic_send_sgi(2, 0);
    irq_on(); spin(1000); irq_off();
    CHECK_LOG("bpr7-no-preemption", 2, 0x102, 3);
    gic_set_bpr(bpr_min);
    mode = 0;

    /* EOImode = 1: priority drop and deactivation split. */
    gic_set_eoimode(1);
    mode = 3; nlog = 0;
    gic_send_sgi(4, 0);
    irq_on(); spin(1000); irq_off();
    CHECK_LOG("eoimode1-taken", 4);
    CHECK_EQ("eoimode1-rpr-dropped-by-eoi", h_rpr_eoi, 0xff);
    CHECK_EQ("eoimode1-active-after-eoi", h_active_eoi, 1);
    CHECK_EQ("eoimode1-inactive-after-dir", h_active_dir, 0);
    mode = 0;
    gic_set_eoimode(0);

    /* SPI pended by software. */
    gic_enable(SPI, 0x80);
    CHECK_EQ("spi-enabled", (mmio_read32(GICD_BASE + GICD_ISENABLER + SPI / 32 * 4) >> (SPI % 32)) & 1, 1);
    gic_set_edge(SPI, 0);
    CHECK_EQ("spi-icfgr-level", gic_icfgr(SPI), 0);
    gic_set_edge(SPI, 1);
    CHECK_EQ("spi-icfgr-edge", gic_icfgr(SPI), 2);
    nlog = 0;
    gic_set_pending(SPI);
    CHECK_EQ("spi-ispendr-pending", gic_is_pending(SPI), 1);
    gic_clear_pending(SPI);
    CHECK_EQ("spi-icpendr-cleared", gic_is_pending(SPI), 0);
    irq_on(); spin(1000); irq_off();
    CHECK_EQ("spi-cleared-not-taken", nlog, 0);
    gic_set_pending(SPI);
    irq_on(); spin(1000); irq_off();
    CHECK_LOG("spi-edge-taken", SPI);
    CHECK_EQ("spi-edge-not-pending-after", gic_is_pending(SPI), 0);
    gic_set_edge(SPI, 0);
    nlog = 0;
    gic_set_pending(SPI);
    irq_on(); spin(1000); irq_off();
    CHECK_LOG("spi-level-taken-once", SPI);
    CHECK_EQ("spi-level-not-pending-after", gic_is_pending(SPI), 0);
    gic_disable(SPI);
    CHECK_EQ("spi-disabled", (mmio_read32(GICD_BASE + GICD_ISENABLER + SPI / 32 * 4) >> (SPI % 32)) & 1, 0);
    nlog = 0;
    gic_set_pending(SPI);
    irq_on(); spin(1000); irq_off();
    CHECK_EQ("spi-disabled-not-taken", nlog, 0);
    CHECK_EQ("spi-disabled-stays-pending", gic_is_pending(SPI), 1);
    gic_clear_pending(SPI);
    rt_result();
    return 0;
}
