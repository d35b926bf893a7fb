/* gic/gic_internal.h — state and core logic shared by the GICv2 and GICv3 blocks (private to gic/).
 *
 * The distributor state of 32 INTIDs is one struct gic_bank of bitmaps (enable, group, pending
 * latch, input level, active, config) plus priority bytes: bank 0 (SGIs and PPIs) is banked per
 * CPU, banks 1.. hold the SPIs. The GICv2 distributor, the GICv3 distributor and the GICv3
 * redistributors all read and write these banks through the same helpers, and the GICv2 memory-
 * mapped CPU interface and the GICv3 ICC_* registers share one acknowledge / priority drop /
 * deactivate / highest-priority-pending / preemption core (gic.c). What differs between versions
 * (SPI routing, which output line a group uses, the enables) goes through struct gic_ops.
 */
#ifndef FAULTLINE_GIC_INTERNAL_H
#define FAULTLINE_GIC_INTERNAL_H
#include "gic/gic.h"
#include "machine/machine.h"

/* 5 bits of priority (32 levels), as GIC-400 and QEMU's GICv3 CPU interface implement:
 * IHI 0048B 3.3 "Interrupt prioritization", IHI 0069 "Interrupt prioritization". */
#define GIC_PRIO_BITS     5
#define GIC_PRIO_MASK     ((uint8_t)(0xFF << (8 - GIC_PRIO_BITS)))   /* 0xF8 */
#define GIC_MIN_BPR0      (7 - GIC_PRIO_BITS)                         /* 2 */
#define GIC_MIN_BPR1      (GIC_MIN_BPR0 + 1)                          /* 3 */
#define GIC_IDLE_PRIO     0xFF

struct gic_bank {
    uint32_t enabled;     /* GICD_ISENABLER / GICR_ISENABLER0 */
    uint32_t group;       /* GICD_IGROUPR: 1 = Group 1 */
    uint32_t grpmod;      /* GICD_IGRPMODR (RAZ/WI with DS == 1, kept for the layout) */
    uint32_t edge;        /* ICFGR Int_config[1]: 1 = edge-triggered */
    uint32_t latch;       /* pending latch: set by an edge, ISPENDR, SGI generation */
    uint32_t level;       /* input line level (level-sensitive interrupts pend while high) */
    uint32_t active;      /* GICD_ISACTIVER */
    uint8_t  prio[32];    /* GICD_IPRIORITYR, implemented bits only */
};

/* Pending state: IHI 0048B 3.2.4 / IHI 0069 "Interrupt lifecycle" — a level-sensitive interrupt is pending while
 * its line is asserted or while the latch (set through ISPENDR) is set; an edge-triggered one
 * only through the latch. */
static inline uint32_t gic_bank_pending(const struct gic_bank *b)
{
    return b->latch | (b->level & ~b->edge);
}

struct gic_cpuif {
    /* CPU interface, shared v2/v3 meaning (GICC_* / ICC_*) */
    bool grp_en[2];       /* GICC_CTLR.EnableGrp0/1, ICC_IGRPEN0/1_EL1.Enable */
    bool ack_ctl, fiq_en; /* GICv2 GICC_CTLR.AckCtl, FIQEn */
    bool cbpr, eoimode;   /* GICC_CTLR.CBPR/EOImodeS, ICC_CTLR_EL1.CBPR/EOImode */
    uint32_t ctlr_other;  /* GICv2 GICC_CTLR bypass-disable bits 5..8, stored only */
    uint8_t pmr;          /* priority mask, implemented bits */
    uint8_t bpr[2];       /* [0] GICC_BPR / ICC_BPR0_EL1, [1] GICC_ABPR / ICC_BPR1_EL1 */
    uint32_t apr[2];      /* active priorities per group: GICC_APR0/NSAPR0, ICC_AP0R0/AP1R0 */
    bool line[2];         /* output levels last reported */
    /* GICv2: per SGI, the CPUs that sent it and whose copy is pending (IHI 0048B 3.2.4) */
    uint8_t sgi_src[GIC_NR_SGIS];
    /* GICv3 redistributor */
    bool processor_sleep; /* GICR_WAKER.ProcessorSleep; ChildrenAsleep follows it at once */
};

/* ---- virtualization (gic_virt.c, gicv2_virt.c, gicv3_virt.c) ------------------------------
 * One list-register model serves GICv2 (GICH_LRn, 32-bit, IHI 0048B 5.3.9) and GICv3
 * (ICH_LR<n>_EL2, 64-bit, IHI 0069): the per-version code packs and unpacks the architectural
 * layouts to and from struct gic_lr. 4 list registers, as GIC-400 and GIC-500 implement. */
#define GIC_NR_LR          4
enum gic_lr_state {        /* GICH_LRn.State / ICH_LR<n>_EL2.State */
    GIC_LR_INVALID = 0, GIC_LR_PENDING = 1, GIC_LR_ACTIVE = 2, GIC_LR_PENDING_ACTIVE = 3,
};
struct gic_lr {
    uint32_t vintid;       /* VirtualID / vINTID */
    uint32_t pintid;       /* PhysicalID / pINTID, meaningful when hw */
    uint8_t prio;          /* implemented bits only (GIC_PRIO_MASK) */
    uint8_t state;         /* enum gic_lr_state */
    bool group1;           /* GICv2 Grp1, GICv3 Group */
    bool hw;               /* the virtual interrupt is tied to physical pintid */
    bool eoi;              /* HW == 0: maintenance interrupt when deactivated */
    uint8_t cpuid;         /* GICv2, HW == 0, SGI: source CPU reported in GICV_IAR[12:10] */
};

struct gic_vcpuif {
    uint32_t hcr;          /* GICH_HCR / ICH_HCR_EL2 */
    /* The virtual CPU interface as the guest sees it (GICV_* / ICV_*): the GICH_VMCR /
     * ICH_VMCR_EL2 fields (grp_en, ack_ctl, fiq_en, cbpr, eoimode, pmr, bpr) and the active
     * priorities (GICv2: GICH_APR in apr[0] for both groups; GICv3: ICH_AP0R0/AP1R0_EL2). It is a
     * struct gic_cpuif so that the core's priority code serves it unchanged. */
    struct gic_cpuif vif;
    struct gic_lr lr[GIC_NR_LR];
    bool vline[2];         /* virtual IRQ, FIQ output levels last reported */
    bool maint;            /* maintenance interrupt level last driven onto PPI 25 */
};

struct gic;
struct gic_ops {
    /* Does SPI intid currently target cpu? */
    bool (*spi_targets)(const struct gic *g, unsigned intid, unsigned cpu);
    /* Output line an interrupt of this group signals on this CPU. */
    int (*group_line)(const struct gic *g, unsigned cpu, int group);
    /* May this CPU's interface receive interrupts at all (GICR_WAKER)? */
    bool (*cpu_awake)(const struct gic *g, unsigned cpu);
};

struct gic {
    struct gic_config cfg;
    const struct gic_ops *ops;
    unsigned ncpu;
    unsigned nirq;                 /* INTIDs 0..nirq-1 */
    unsigned cur_cpu;              /* requester of MMIO accesses (gic_set_current_cpu) */
    uint32_t dist_ctlr;            /* GICD_CTLR */
    struct gic_bank priv[GIC_MAX_CPUS];
    struct gic_bank *spi;          /* (nirq - 32) / 32 banks */
    uint8_t *itargets;             /* GICv2 GICD_ITARGETSR of SPI n at [n - 32] */
    uint64_t *irouter;             /* GICv3 GICD_IROUTER of SPI n at [n - 32] */
    struct gic_cpuif cpu[GIC_MAX_CPUS];
    struct gic_vcpuif virt[GIC_MAX_CPUS];
};

/* GICD_CTLR bits common to the GICv2 (no Security Extensions) and GICv3 (DS == 1) layouts. */
#define GICD_CTLR_EnableGrp0  (1u << 0)
#define GICD_CTLR_EnableGrp1  (1u << 1)

/* ---- gic.c: core ---------------------------------------------------------------------- */
void gic_log(const struct gic *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Bank holding intid as cpu sees it, or NULL if intid does not exist. */
struct gic_bank *gic_bank(struct gic *g, unsigned cpu, unsigned intid);
const struct gic_bank *gic_bank_c(const struct gic *g, unsigned cpu, unsigned intid);
/* Recompute every CPU's IRQ/FIQ output and report changes. Call after any state change. */
void gic_update(struct gic *g);

/* Highest-priority pending interrupt for cpu: pending, enabled, not active, its group enabled in
 * the distributor and the CPU interface, routed to cpu. Ties go to the lowest INTID. Returns
 * GIC_SPURIOUS when there is none. This is what GICC_HPPIR / ICC_HPPIRn report (not masked by
 * PMR or the running priority). */
unsigned gic_hppi(const struct gic *g, unsigned cpu, uint8_t *prio, int *group);
/* The same on any CPU interface state, physical or virtual (see gic.c). */
uint8_t gic_cpuif_group_priority(const struct gic_cpuif *c, uint8_t prio, int group);
uint8_t gic_cpuif_running_priority(const struct gic_cpuif *c);
bool gic_cpuif_can_signal(const struct gic_cpuif *c, uint8_t prio, int group);
/* Set the active-priority bit of prio's group priority in c->apr[apr]. */
void gic_cpuif_activate_priority(struct gic_cpuif *c, uint8_t prio, int group, int apr);
/* Clear the highest active priority; false if none was active. */
bool gic_cpuif_priority_drop(struct gic_cpuif *c);
/* BPR write value v clamped to the minimum of BPR0 (which == 0) or BPR1/ABPR (which == 1). */
uint8_t gic_bpr_clamp(uint64_t v, int which);
/* Running priority (GICC_RPR / ICC_RPR_EL1): the group priority of the highest active priority
 * in the APRs, or 0xFF when idle. */
uint8_t gic_running_priority(const struct gic *g, unsigned cpu);
/* The group priority field of prio for an interrupt of group on cpu (BPR, IHI 0048B 3.3.3,
 * IHI 0069 "Preemption"). */
uint8_t gic_group_priority(const struct gic *g, unsigned cpu, uint8_t prio, int group);
/* Would the hppi be signalled: priority higher than PMR and group priority higher than RPR. */
bool gic_can_signal(const struct gic *g, unsigned cpu, uint8_t prio, int group);
/* Acknowledge: intid (which must be the signalable hppi) becomes active, its latch clears
 * (a level-sensitive one stays pending while its line is high), the APR bit for its group
 * priority is set. For a GICv2 SGI returns the source CPU that is acknowledged. */
unsigned gic_acknowledge(struct gic *g, unsigned cpu, unsigned intid);
/* Priority drop: clear the highest active priority in the APRs (IHI 0048B 3.4, IHI 0069 "Priority drop and interrupt deactivation"). */
void gic_priority_drop(struct gic *g, unsigned cpu);
/* Deactivate intid as cpu sees it. */
void gic_deactivate(struct gic *g, unsigned cpu, unsigned intid);
/* Make SGI intid pending on target cpu (v2: from source cpu src). */
void gic_sgi_raise(struct gic *g, unsigned target, unsigned intid, unsigned src);
/* Does intid belong to group 1 (on cpu's bank for private INTIDs)? */
int gic_irq_group(const struct gic *g, unsigned cpu, unsigned intid);

/* Register-family helpers shared by the distributor(s) and redistributors. */
enum gic_bitreg {
    GIC_IGROUPR, GIC_ISENABLER, GIC_ICENABLER, GIC_ISPENDR, GIC_ICPENDR,
    GIC_ISACTIVER, GIC_ICACTIVER, GIC_IGRPMODR,
};
/* Read one 32-bit register of a bit family for bank b. */
uint32_t gic_bitreg_read(const struct gic_bank *b, enum gic_bitreg r);
/* Write it; only bits in wmask are affected. SGI pending bits (bank 0) are handled by callers. */
void gic_bitreg_write(struct gic_bank *b, enum gic_bitreg r, uint32_t val, uint32_t wmask);
/* ICFGR half h (0: INTIDs 0..15 of the bank, 1: 16..31). */
uint32_t gic_icfgr_read(const struct gic_bank *b, unsigned h);
void gic_icfgr_write(struct gic_bank *b, unsigned h, uint32_t val, uint32_t wmask16);
/* IPRIORITYR bytes [byte, byte+size) of bank b. */
uint64_t gic_prio_read(const struct gic_bank *b, unsigned byte, unsigned size);
void gic_prio_write(struct gic_bank *b, unsigned byte, unsigned size, uint64_t val);
void gic_cpuif_reset(struct gic *g, unsigned cpu);
/* Bank for the 32-INTID block `block` of a frame, or NULL for RAZ/WI. */
typedef struct gic_bank *(*gic_bank_fn)(struct gic *g, unsigned block, void *arg);
/* The families GICD and GICR_SGI_base lay out alike (IGROUPR..ICACTIVER, IPRIORITYR, ICFGR,
 * IGRPMODR). Returns a bus status, or -1 if off is not in one of them. */
int gic_family_access(struct gic *g, gic_bank_fn bankfn, void *arg, uint64_t off, unsigned size,
                      uint64_t *val, bool write);

/* ---- per-version blocks ---------------------------------------------------------------- */
extern const struct gic_ops gicv2_ops, gicv3_ops;
extern const struct mmio_ops gicv2_dist_mmio, gicv2_cpuif_mmio;
extern const struct mmio_ops gicv3_dist_mmio, gicv3_redist_mmio;
void gicv2_dist_reset(struct gic *g);
void gicv3_dist_reset(struct gic *g);
void gicv3_redist_reset(struct gic *g, unsigned cpu);
bool gicv3_icc_read(struct gic *g, unsigned cpu, uint32_t enc, uint64_t *val);
bool gicv3_icc_write(struct gic *g, unsigned cpu, uint32_t enc, uint64_t val);

/* ---- virtualization core (gic_virt.c) ---------------------------------------------------- */
void gic_virt_reset(struct gic *g, unsigned cpu);
/* Recompute cpu's virtual IRQ/FIQ outputs and its maintenance interrupt (PPI 25). Call after
 * any change of the virtual state. */
void gic_virt_update(struct gic *g, unsigned cpu);
/* LR index of the highest-priority pending virtual interrupt (HCR.En, State == pending, group
 * enabled in the VMCR; ties to the lowest LR), or -1. Not filtered by VPMR/running priority. */
int gic_virt_hppi(const struct gic *g, unsigned cpu);
/* Acknowledge LR n (pending -> active, active priority set in apr[v2 ? 0 : group]). */
void gic_virt_acknowledge(struct gic *g, unsigned cpu, int n);
/* EOI of vINTID id: priority drop, and deactivation when EOImode == 0. */
void gic_virt_eoi(struct gic *g, unsigned cpu, uint32_t id);
/* Deactivation of vINTID id (EOIR with EOImode 0, DIR): the LR holding it active loses the
 * active state (HW: the physical INTID is deactivated too); none: EOICount increments. */
void gic_virt_deactivate(struct gic *g, unsigned cpu, uint32_t id);
uint32_t gic_virt_misr(const struct gic *g, unsigned cpu);
uint32_t gic_virt_eisr(const struct gic *g, unsigned cpu);
uint32_t gic_virt_elrsr(const struct gic *g, unsigned cpu);
extern const struct mmio_ops gicv2_gich_mmio, gicv2_gicv_mmio;
int gicv2_gich_access(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *val,
                      bool write);
int gicv2_gicv_access(struct gic *g, unsigned cpu, uint64_t off, unsigned size, uint64_t *val,
                      bool write);
bool gicv3_ich_read(struct gic *g, unsigned cpu, uint32_t enc, uint64_t *val);
bool gicv3_ich_write(struct gic *g, unsigned cpu, uint32_t enc, uint64_t val);
int gicv3_icv_access(struct gic *g, unsigned cpu, uint32_t enc, uint64_t *val, bool write);

/* The ID registers both versions place at 0xFD0..0xFFC of a 4 KiB/64 KiB frame. */
uint32_t gic_id_reg(unsigned version, unsigned off /* 0xFD0..0xFFC */);

#endif
