/* gic/gic.h — public contract of the interrupt controllers: GICv2 (IHI 0048B) and GICv3
 * (IHI 0069) as a kernel at non-secure EL1 sees them on the QEMU `virt` board.
 *
 * The GIC is a device on the physical bus (distributor, CPU interface or redistributors) plus, for
 * GICv3, the ICC_* system-register CPU interface that the CPU forwards MRS/MSR to. Its outputs are
 * the per-CPU IRQ and FIQ lines, delivered through a callback so that this block knows nothing of
 * the CPU's internals (the board connects it to cpu_set_irq_line). Both models have no Security
 * Extensions (GICv2) / a single Security state (GICv3, GICD_CTLR.DS == 1), as QEMU's virt board
 * without secure=on: see docs/gic.md.
 *
 * Single guest thread: every call comes from the machine loop; nothing here locks.
 */
#ifndef FAULTLINE_GIC_H
#define FAULTLINE_GIC_H
#include <stdbool.h>
#include <stdint.h>

struct bus;
struct gic;

#define GIC_MAX_CPUS       8
#define GIC_NR_SGIS        16
#define GIC_NR_INTERNAL    32      /* SGIs + PPIs: INTIDs 0..31, banked per CPU */
#define GIC_SPURIOUS       1023    /* IAR value when nothing is acknowledged */
#define GIC_SPURIOUS_GRP1  1022    /* GICv2: HPPI is Group 1 but GICC_CTLR.AckCtl == 0 */

/* SPIs on QEMU virt (docs/gic.md): gic-version=2 reports ITLinesNumber 8 (288 INTIDs);
 * gic-version=3 reports ITLinesNumber 7, which Linux prints as "GICv3: 224 SPIs implemented". */
#define GIC_VIRT_V2_SPIS   256
#define GIC_VIRT_V3_SPIS   224

/* Output lines, as the `line` argument of set_cpu_line (same numbering as enum cpu_irq_line). */
enum gic_line { GIC_LINE_IRQ = 0, GIC_LINE_FIQ = 1 };

struct gic_config {
    unsigned version;      /* 2 or 3 */
    unsigned num_cpus;     /* 1..GIC_MAX_CPUS; CPU n has affinity Aff0 = n (GICv3) */
    unsigned num_spis;     /* multiple of 32, up to 988; 0 = the virt default for the version */
    /* Called when a CPU's IRQ or FIQ output changes level (never repeated for the same level). */
    void (*set_cpu_line)(void *opaque, unsigned cpu, int line /* enum gic_line */, bool level);
    /* Guest errors (bad offsets, sizes, writes to read-only registers); may be NULL. */
    void (*log)(void *opaque, const char *msg);
    void *opaque;
};

/* NULL if the configuration is invalid. The new GIC is in its reset state. */
struct gic *gic_new(const struct gic_config *cfg);
void gic_free(struct gic *g);
/* Reset every register to its architectural reset value; lines go low. Input line levels
 * (gic_set_spi/ppi) are kept: they belong to the devices, not to the GIC. */
void gic_reset(struct gic *g);

/* Map onto the bus at the virt addresses: GICv2 distributor at VIRT_GIC_DIST and CPU interface at
 * VIRT_GIC_CPU; GICv3 distributor at VIRT_GIC_DIST and num_cpus redistributors (2 x 64 KiB frames
 * each) from VIRT_GIC_REDIST. GICH/GICV are left for the virtualization work. 0 ok, -1 error. */
int gic_map(struct gic *g, struct bus *b);
/* The same at chosen bases (second = GICC base for v2, first redistributor for v3). */
int gic_map_at(struct gic *g, struct bus *b, uint64_t dist_base, uint64_t cpu_or_redist_base);

/* The MMIO bus does not say which CPU made an access; banked registers (GICD bank 0, the GICv2
 * CPU interface) use this CPU. The board sets it whenever it switches the running vCPU. */
void gic_set_current_cpu(struct gic *g, unsigned cpu);

/* Interrupt inputs, level-sensitive lines. intid is the INTID (SPI n is INTID 32 + n, a PPI is
 * 16..31). An interrupt configured edge-triggered (ICFGR) latches pending on a rising edge. */
void gic_set_spi(struct gic *g, unsigned intid, bool level);
void gic_set_ppi(struct gic *g, unsigned cpu, unsigned intid, bool level);

/* GICv3 CPU interface, EL1 view. enc is the MRS/MSR encoding as SYSREG_ENC() in cpu/cpu.h packs
 * it. false: no such register (or a read of a write-only / write of a read-only register, or a
 * GICv2 GIC): the CPU makes the instruction UNDEFINED. Reads of ICC_IAR* have side effects. */
bool gic_icc_read(struct gic *g, unsigned cpu, uint32_t enc, uint64_t *val);
bool gic_icc_write(struct gic *g, unsigned cpu, uint32_t enc, uint64_t val);

/* Introspection (debugger, tests, the trace). */
unsigned gic_version(const struct gic *g);
unsigned gic_num_irqs(const struct gic *g);            /* INTIDs 0..n-1 exist */
bool gic_cpu_line(const struct gic *g, unsigned cpu, int line);
struct gic_irq_state {
    bool enabled, pending, active, edge, group1, level;
    uint8_t priority;
    uint8_t targets;        /* GICv2 SPIs: ITARGETSR; GICv3 SPIs: the CPU IROUTER selects */
};
/* cpu selects the bank for INTIDs < 32. false if intid does not exist. */
bool gic_irq_state(const struct gic *g, unsigned cpu, unsigned intid, struct gic_irq_state *st);
/* Human-readable state dump (FILE * as void * so that this header needs no stdio.h). */
void gic_dump(const struct gic *g, void *file);

#endif
