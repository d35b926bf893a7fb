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
/* GICv3 CPU interface system registers (IHI 0069 12.2), as MRS/MSR encodings (SYSREG_ENC). The
 * ICV_*_EL1 registers a guest reaches under HCR_EL2.IMO/FMO share these encodings. */
#define ICC_PMR_EL1      SYSREG_ENC(3, 0, 4, 6, 0)
#define ICC_IAR0_EL1     SYSREG_ENC(3, 0, 12, 8, 0)
#define ICC_EOIR0_EL1    SYSREG_ENC(3, 0, 12, 8, 1)
#define ICC_HPPIR0_EL1   SYSREG_ENC(3, 0, 12, 8, 2)
#define ICC_BPR0_EL1     SYSREG_ENC(3, 0, 12, 8, 3)
#define ICC_AP0R0_EL1    SYSREG_ENC(3, 0, 12, 8, 4)
#define ICC_AP0R1_EL1    SYSREG_ENC(3, 0, 12, 8, 5)
#define ICC_AP0R2_EL1    SYSREG_ENC(3, 0, 12, 8, 6)
#define ICC_AP0R3_EL1    SYSREG_ENC(3, 0, 12, 8, 7)
#define ICC_AP1R0_EL1    SYSREG_ENC(3, 0, 12, 9, 0)
#define ICC_AP1R1_EL1    SYSREG_ENC(3, 0, 12, 9, 1)
#define ICC_AP1R2_EL1    SYSREG_ENC(3, 0, 12, 9, 2)
#define ICC_AP1R3_EL1    SYSREG_ENC(3, 0, 12, 9, 3)
#define ICC_DIR_EL1      SYSREG_ENC(3, 0, 12, 11, 1)
#define ICC_RPR_EL1      SYSREG_ENC(3, 0, 12, 11, 3)
#define ICC_SGI1R_EL1    SYSREG_ENC(3, 0, 12, 11, 5)
#define ICC_ASGI1R_EL1   SYSREG_ENC(3, 0, 12, 11, 6)
#define ICC_SGI0R_EL1    SYSREG_ENC(3, 0, 12, 11, 7)
#define ICC_IAR1_EL1     SYSREG_ENC(3, 0, 12, 12, 0)
#define ICC_EOIR1_EL1    SYSREG_ENC(3, 0, 12, 12, 1)
#define ICC_HPPIR1_EL1   SYSREG_ENC(3, 0, 12, 12, 2)
#define ICC_BPR1_EL1     SYSREG_ENC(3, 0, 12, 12, 3)
#define ICC_CTLR_EL1     SYSREG_ENC(3, 0, 12, 12, 4)
#define ICC_SRE_EL1      SYSREG_ENC(3, 0, 12, 12, 5)
#define ICC_IGRPEN0_EL1  SYSREG_ENC(3, 0, 12, 12, 6)
#define ICC_IGRPEN1_EL1  SYSREG_ENC(3, 0, 12, 12, 7)

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
enum gic_line { GIC_LINE_IRQ = 0, GIC_LINE_FIQ = 1, GIC_LINE_VIRQ = 2, GIC_LINE_VFIQ = 3 };

struct gic_config {
    unsigned version;      /* 2 or 3 */
    unsigned num_cpus;     /* 1..GIC_MAX_CPUS; CPU n has affinity Aff0 = n (GICv3) */
    unsigned num_spis;     /* multiple of 32, up to 988; 0 = the virt default for the version */
    /* Called when a CPU's IRQ, FIQ, virtual IRQ or virtual FIQ output changes level (never
     * repeated for the same level). The virtual lines only rise once the hypervisor enables the
     * virtual CPU interface (GICH_HCR.En / ICH_HCR_EL2.En). */
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
 * each) from VIRT_GIC_REDIST. GICH/GICV: gic_map_virt / gic_map_gicv_at. 0 ok, -1 error. */
int gic_map(struct gic *g, struct bus *b);
/* The same at chosen bases (second = GICC base for v2, first redistributor for v3). */
int gic_map_at(struct gic *g, struct bus *b, uint64_t dist_base, uint64_t cpu_or_redist_base);

/* The MMIO bus does not say which CPU made an access; banked registers (GICD bank 0, the GICv2
 * CPU interface) use this CPU. The board sets it whenever it switches the running vCPU. */
void gic_set_current_cpu(struct gic *g, unsigned cpu);
unsigned gic_current_cpu(const struct gic *g);   /* the vCPU whose accesses the bus is serving */

/* Interrupt inputs, level-sensitive lines. intid is the INTID (SPI n is INTID 32 + n, a PPI is
 * 16..31). An interrupt configured edge-triggered (ICFGR) latches pending on a rising edge. */
void gic_set_spi(struct gic *g, unsigned intid, bool level);
void gic_set_ppi(struct gic *g, unsigned cpu, unsigned intid, bool level);

/* GICv3 CPU interface, EL1 view. enc is the MRS/MSR encoding as SYSREG_ENC() in cpu/cpu.h packs
 * it. false: no such register (or a read of a write-only / write of a read-only register, or a
 * GICv2 GIC): the CPU makes the instruction UNDEFINED. Reads of ICC_IAR* have side effects. */
bool gic_icc_read(struct gic *g, unsigned cpu, uint32_t enc, uint64_t *val);
bool gic_icc_write(struct gic *g, unsigned cpu, uint32_t enc, uint64_t val);

/* ---- Virtualization (docs/gic.md "Virtualization") ----------------------------------------
 * The hypervisor is native C code: it drives the hypervisor control interface through these
 * calls (the CPU is explicit), not through the bus. The guest sees the virtual CPU interface.
 * Outputs: the virtual IRQ/FIQ of each CPU on set_cpu_line lines 2/3, the maintenance interrupt
 * as PPI 25 (VIRT_PPI_MAINT) of that CPU's physical interface. 4 list registers, 5 priority and
 * preemption bits on both versions. */
#define GIC_MAINT_PPI      25
#define GIC_NUM_LRS        4

/* GICv2 GICH_* register offsets (IHI 0048B table 5-1), as gic_gich_read/write take them. */
#define GICH_HCR         0x000
#define GICH_VTR         0x004
#define GICH_VMCR        0x008
#define GICH_MISR        0x010
#define GICH_EISR0       0x020
#define GICH_EISR1       0x024
#define GICH_ELRSR0      0x030
#define GICH_ELRSR1      0x034
#define GICH_APR         0x0F0
#define GICH_LR(n)       (0x100 + 4 * (n))      /* n = 0..63; GIC_NUM_LRS implemented */
/* GICv2 GICV_* register offsets (IHI 0048B 5.4: the GICC layout of table 4-2). */
#define GICV_CTLR        0x0000
#define GICV_PMR         0x0004
#define GICV_BPR         0x0008
#define GICV_IAR         0x000C
#define GICV_EOIR        0x0010
#define GICV_RPR         0x0014
#define GICV_HPPIR       0x0018
#define GICV_ABPR        0x001C
#define GICV_AIAR        0x0020
#define GICV_AEOIR       0x0024
#define GICV_AHPPIR      0x0028
#define GICV_APR0        0x00D0
#define GICV_IIDR        0x00FC
#define GICV_DIR         0x1000

/* GICv3 ICH_*_EL2 and ICC_SRE_EL2 (IHI 0069 12.4 / 12.2) as MRS/MSR encodings (SYSREG_ENC). */
#define ICH_AP0R0_EL2    SYSREG_ENC(3, 4, 12, 8, 0)
#define ICH_AP0R1_EL2    SYSREG_ENC(3, 4, 12, 8, 1)
#define ICH_AP0R3_EL2    SYSREG_ENC(3, 4, 12, 8, 3)
#define ICH_AP1R0_EL2    SYSREG_ENC(3, 4, 12, 9, 0)
#define ICH_AP1R3_EL2    SYSREG_ENC(3, 4, 12, 9, 3)
#define ICC_SRE_EL2      SYSREG_ENC(3, 4, 12, 9, 5)
#define ICH_HCR_EL2      SYSREG_ENC(3, 4, 12, 11, 0)
#define ICH_VTR_EL2      SYSREG_ENC(3, 4, 12, 11, 1)
#define ICH_MISR_EL2     SYSREG_ENC(3, 4, 12, 11, 2)
#define ICH_EISR_EL2     SYSREG_ENC(3, 4, 12, 11, 3)
#define ICH_ELRSR_EL2    SYSREG_ENC(3, 4, 12, 11, 5)
#define ICH_VMCR_EL2     SYSREG_ENC(3, 4, 12, 11, 7)
#define ICH_LR_EL2(n)    SYSREG_ENC(3, 4, 12, 12 + (n) / 8, (n) % 8)   /* n = 0..15 */

/* GICH_HCR / ICH_HCR_EL2 (IHI 0048B 5.3.1, IHI 0069 ICH_HCR_EL2): the same bits [7:0] and
 * EOICount [31:27] in both; the trap bits are GICv3 only. */
#define GICH_HCR_En        (1u << 0)
#define GICH_HCR_UIE       (1u << 1)
#define GICH_HCR_LRENPIE   (1u << 2)
#define GICH_HCR_NPIE      (1u << 3)
#define GICH_HCR_VGrp0EIE  (1u << 4)
#define GICH_HCR_VGrp0DIE  (1u << 5)
#define GICH_HCR_VGrp1EIE  (1u << 6)
#define GICH_HCR_VGrp1DIE  (1u << 7)
#define ICH_HCR_TC         (1u << 10)
#define ICH_HCR_TALL0      (1u << 11)
#define ICH_HCR_TALL1      (1u << 12)
#define ICH_HCR_TDIR       (1u << 14)
#define GICH_HCR_EOICount_SHIFT 27
/* GICH_MISR / ICH_MISR_EL2 bits (same layout in both). */
#define GICH_MISR_EOI      (1u << 0)
#define GICH_MISR_U        (1u << 1)
#define GICH_MISR_LRENP    (1u << 2)
#define GICH_MISR_NP       (1u << 3)
#define GICH_MISR_VGrp0E   (1u << 4)
#define GICH_MISR_VGrp0D   (1u << 5)
#define GICH_MISR_VGrp1E   (1u << 6)
#define GICH_MISR_VGrp1D   (1u << 7)
/* ICH_VMCR_EL2 fields */
#define ICH_VMCR_VENG0       (1u << 0)
#define ICH_VMCR_VENG1       (1u << 1)
#define ICH_VMCR_VFIQEn      (1u << 3)
#define ICH_VMCR_VCBPR       (1u << 4)
#define ICH_VMCR_VEOIM       (1u << 9)
#define ICH_VMCR_VBPR1_SHIFT 18
#define ICH_VMCR_VBPR0_SHIFT 21
#define ICH_VMCR_VPMR_SHIFT  24

/* GICv2 GICH_* (IHI 0048B 5.3): offset in the 4 KiB GICH frame (GICH_HCR 0x000 .. GICH_LR3
 * 0x10C), 32-bit. Bus status (BUS_OK; BUS_SLAVE_ERROR for a misaligned offset or a GICv3 GIC). */
int gic_gich_read(struct gic *g, unsigned cpu, unsigned offset, uint32_t *val);
int gic_gich_write(struct gic *g, unsigned cpu, unsigned offset, uint32_t val);
/* GICv2 GICV_* (IHI 0048B 5.4, the GICC layout) as CPU cpu's guest accesses it: what the
 * hypervisor calls when it emulates a GICV access itself. size as on the bus; bus status. */
int gic_gicv_read(struct gic *g, unsigned cpu, uint64_t offset, unsigned size, uint64_t *val);
int gic_gicv_write(struct gic *g, unsigned cpu, uint64_t offset, unsigned size, uint64_t val);
/* Map the 64 KiB GICH frame (banked by gic_set_current_cpu) / the 64 KiB GICV frame (idem; 8 KiB
 * used) on a bus. GICV can be mapped at any address, e.g. where the guest's stage 2 puts the
 * GICC IPA; it may be mapped several times. gic_map_virt maps both at VIRT_GIC_HYP/VIRT_GIC_VCPU.
 * GICv2 only; 0 ok, -1 error. */
int gic_map_gich_at(struct gic *g, struct bus *b, uint64_t pa);
int gic_map_gicv_at(struct gic *g, struct bus *b, uint64_t pa);
int gic_map_virt(struct gic *g, struct bus *b);

/* GICv3 ICH_*_EL2 and ICC_SRE_EL2 (IHI 0069), enc as SYSREG_ENC packs it. false = UNDEFINED
 * (unknown, ICH_LR4..15 / AP<n>R1..3 not implemented, write of a read-only register, GICv2). */
bool gic_ich_read(struct gic *g, unsigned cpu, uint32_t enc, uint64_t *val);
bool gic_ich_write(struct gic *g, unsigned cpu, uint32_t enc, uint64_t val);
/* GICv3 ICV_*: the guest's ICC_*_EL1 accesses (same encodings) when it runs at EL1/EL0 with
 * HCR_EL2.IMO/FMO set: the CPU calls these instead of gic_icc_*. GIC_SYSREG_TRAP: the access
 * traps to EL2 (ICC_SGI0R/SGI1R/ASGI1R always; others per ICH_HCR_EL2.TC/TALL0/TALL1/TDIR) —
 * the CPU takes the EC 0x18 trap to the hypervisor, which emulates it. */
enum gic_sysreg_result { GIC_SYSREG_OK = 0, GIC_SYSREG_UNDEF, GIC_SYSREG_TRAP };
enum gic_sysreg_result gic_icv_read(struct gic *g, unsigned cpu, uint32_t enc, uint64_t *val);
enum gic_sysreg_result gic_icv_write(struct gic *g, unsigned cpu, uint32_t enc, uint64_t val);

/* Introspection (debugger, tests, the trace). */
unsigned gic_version(const struct gic *g);
unsigned gic_num_irqs(const struct gic *g);            /* INTIDs 0..n-1 exist */
bool gic_cpu_line(const struct gic *g, unsigned cpu, int line);   /* line 0..3 */
bool gic_maint_level(const struct gic *g, unsigned cpu);          /* maintenance interrupt */
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
