/* tests/guest/lib/gic.h — minimal GICv2 / GICv3 driver for the virt board (fixed addresses:
 * GICD 0x08000000, GICv2 GICC 0x08010000, GICv3 redistributors 0x080A0000 + 128 KiB per CPU).
 * The version is read from GICD_PIDR2.ArchRev (2 or 3). QEMU's virt GIC has no security
 * extensions enabled (no EL3): v2 uses Group 0 signalled as IRQ; v3 (DS = 1) puts everything
 * in Group 1 and uses the ICC_*1_EL1 system registers. */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H
#include "rt.h"

#define GICD_BASE  0x08000000ull
#define GICC_BASE  0x08010000ull
#define GICR_BASE  0x080A0000ull
#define GICR_STRIDE 0x20000ull
#define GICR_SGI   0x10000ull

#define GICD_CTLR      0x000
#define GICD_TYPER     0x004
#define GICD_IGROUPR   0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR   0x200
#define GICD_ICPENDR   0x280
#define GICD_ISACTIVER 0x300
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR     0xc00
#define GICD_SGIR      0xf00
#define GICD_PIDR2     0xffe8
#define GICD_IROUTER   0x6000

#define GICC_CTLR 0x00
#define GICC_PMR  0x04
#define GICC_BPR  0x08
#define GICC_IAR  0x0c
#define GICC_EOIR 0x10
#define GICC_RPR  0x14
#define GICC_HPPIR 0x18
#define GICC_DIR  0x1000

#define GIC_SPURIOUS 1023

extern unsigned gic_version;          /* 2 or 3, set by gic_init */

static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint8_t mmio_read8(uint64_t a) { return *(volatile uint8_t *)a; }
static inline void mmio_write8(uint64_t a, uint8_t v) { *(volatile uint8_t *)a = v; }

unsigned gic_detect(void);            /* 2, 3 or 0 */
/* Distributor (only when primary) and this CPU's interface; PMR = 0xff, all SGIs/PPIs disabled. */
void gic_init(int primary);
/* Base of the register block holding interrupt `id`'s per-interrupt registers
 * (v2 or SPI: GICD; v3 SGI/PPI: this CPU's redistributor SGI frame). */
uint64_t gic_irq_base(unsigned id);
void gic_enable(unsigned id, unsigned prio);   /* priority, Group (v3: 1), route to CPU0 for SPI, enable */
void gic_disable(unsigned id);
void gic_set_pending(unsigned id);
void gic_clear_pending(unsigned id);
int  gic_is_pending(unsigned id);
int  gic_is_active(unsigned id);
void gic_set_edge(unsigned id, int edge);
uint32_t gic_icfgr(unsigned id);             /* the 2-bit Int_config field */
unsigned gic_ack(void);                      /* IAR (returns INTID, for v2 with the CPUID bits) */
void gic_eoi(unsigned iar);
void gic_dir(unsigned iar);
void gic_set_pmr(unsigned pmr);
unsigned gic_get_pmr(void);
void gic_set_bpr(unsigned bpr);
unsigned gic_get_bpr(void);
unsigned gic_rpr(void);
void gic_set_eoimode(int split);
/* SGI `id` to the CPUs whose Aff0 bits are in target_mask (Aff1..3 = 0), or to self if mask==0. */
void gic_send_sgi(unsigned id, unsigned target_mask);
unsigned gic_cpu_index(void);                /* MPIDR_EL1.Aff0 */
#endif
