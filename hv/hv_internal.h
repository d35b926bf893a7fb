/* hv/hv_internal.h — private to hv/: the domain, vCPU and vGIC structures (after Xen's struct
 * domain / struct vcpu / struct vgic_irq_rank, much reduced). */
#ifndef FAULTLINE_HV_INTERNAL_H
#define FAULTLINE_HV_INTERNAL_H
#include <stdio.h>
#include "hv/hv.h"
#include "cpu/cpu.h"
#include "gic/gic.h"
#include "machine/trace.h"

#define HV_MAX_VCPUS   8
#define VGIC_MAX_IRQS  1020
#define GICV2_MAINT_PPI 25

/* Physical addresses of the virt board's GIC frames (machine/machine.h has the same values;
 * hv/ does not include machine/). GICV is where the hypervisor maps the virtual CPU interface
 * on the bus; the guest's GICC IPA points there through stage 2. */
#define HV_GICD_BASE   0x08000000ull
#define HV_GICC_BASE   0x08010000ull
#define HV_GICV_BASE   0x08040000ull
#define HV_GIC_SIZE    0x10000ull
#define HV_GICR_BASE   0x080A0000ull       /* GICv3 redistributors (2 x 64 KiB per CPU) */
#define HV_GICR_STRIDE 0x20000ull
#define HV_GICR_SIZE   0xf60000ull         /* the region the host DT describes */

/* Virtual distributor state of one interrupt (IHI 0048B 4.3): what the guest wrote. */
struct vgic_irq {
    uint8_t priority;            /* IPRIORITYR byte */
    uint8_t target;              /* ITARGETSR byte (SPIs) */
    bool enabled;                /* ISENABLER */
    bool pending;                /* waiting for a list register */
    bool edge;                   /* ICFGR Int_config[1] */
    bool hw;                     /* forwarded physical interrupt (vIRQ == pIRQ), LR.HW = 1 */
    uint8_t sgi_src;             /* GICv2 SGI: source vCPU (LR CPUID) */
    bool group1;                 /* IGROUPR (the LR's group) */
    uint64_t irouter;            /* GICv3 GICD_IROUTER (SPIs) */
};

/* The emulated EL1 physical timer of a vCPU (vtimer.c). */
struct vtimer {
    uint64_t ctl;                /* CNTP_CTL_EL0 ENABLE | IMASK (ISTATUS is computed) */
    uint64_t cval;               /* CNTP_CVAL_EL0 */
    bool level;                  /* the output (ISTATUS && !IMASK) as last driven */
};
#define HV_PTIMER_PPI 30

struct vcpu {
    unsigned id;
    struct vtimer ptimer;        /* EL1 physical timer (CNTHCTL_EL2.EL1PCEN = 0) */
    struct cpu *cpu;
    struct vgic_irq priv[32];    /* SGIs + PPIs, banked */
    bool gicr_sleep;             /* GICv3 GICR_WAKER.ProcessorSleep */
};

struct domain {
    unsigned domid;
    struct p2m *p2m;
    pa_t ram_base;
    uint64_t ram_size;           /* one 1:1 bank */
    unsigned nvcpus;
    struct vcpu vcpu[HV_MAX_VCPUS];
    /* vGIC (GICv2) */
    bool vgic_enabled;           /* GICD_CTLR.Enable (v2) / EnableGrp0|EnableGrp1 (v3) */
    uint32_t gicd_ctlr;
    unsigned nr_irqs;            /* 32 + SPIs, as the physical GICD_TYPER */
    struct vgic_irq spi[VGIC_MAX_IRQS - 32];
};

/* The SMMU the hypervisor owns (iommu.c): what the probe read from its ID registers and what
 * the host DT says is behind it. */
#define HV_SMMU_MAX_MASTERS 32
struct hv_iommu {
    bool present;                /* cfg.smmu.smmu != NULL and the probe succeeded */
    bool live;                   /* programmed: p2m flushes go to it */
    uint64_t base, size;         /* register region; context bank n at base + size/2 + n*4K */
    unsigned num_cb, num_smrg;
    int cb;                      /* dom0's context bank */
    unsigned nstreams;
    uint32_t streams[HV_SMMU_MAX_STREAMS];
    unsigned nmasters;           /* host-DT nodes with `iommus` pointing at it */
    char masters[HV_SMMU_MAX_MASTERS][48];
};

struct hv {
    struct hv_config cfg;
    struct hv_iommu iommu;
    struct tracer *tr;
    uint32_t vgic_name_id, vgicr_name_id;   /* interned device names (trace MMIO records) */
    unsigned nregions;
    struct hv_region regions[HV_MAX_REGIONS];
    unsigned niomem;             /* the permission rangeset: DT regions, then cfg.iomem */
    struct hv_iomem_range iomem[HV_MAX_REGIONS + HV_MAX_IOMEM + 1];   /* + the SMMU's deny */
    struct hv_mem *mem;
    struct domain dom0;
    struct hv_stats stats;
    unsigned ndma_warned;        /* passthrough.c: masters already warned about (seed 004) */
    char dma_warned[HV_MAX_DMA_WARN][48];
    uint32_t last_esr;
    uint64_t last_far, last_hpfar;
};

/* A trace timestamp from a vCPU (cycle, icount, index). */
#define HV_TS(c, fl) (struct trace_ts){ .cycle = cpu_cycles(c), .icount = cpu_icount(c), .vcpu = cpu_index(c), .flags = (fl) }
void hv_log(struct hv *hv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* iommu.c */
int hv_iommu_init(struct hv *hv, char *err, size_t errlen);   /* probe (ID registers) in hv_new */
void hv_iommu_reset(struct hv *hv);                           /* program it (hv_reset) */
void hv_iommu_flush(struct hv *hv, uint16_t vmid);            /* p2m tlb_flush hook */
bool hv_iommu_is_node(const struct hv *hv, const void *fdt, int node);   /* the SMMU's DT node */
int hv_iommu_scan_fdt(struct hv *hv, const void *host, char *err, size_t errlen);  /* masters, SIDs */
int hv_iommu_dom0_fdt(struct hv *hv, void *fdt, uint32_t *phandles, unsigned *nphandles);
bool hv_iommu_owns_irq(const struct hv *hv, unsigned intid);
void hv_iommu_irq(struct hv *hv, unsigned intid);             /* its interrupt, taken at EL2 */

/* passthrough.c: foreign mappings (seed 003) */
int hv_foreign_check(const struct hv *hv, char *err, size_t errlen);     /* RAM side, in hv_new */
int hv_foreign_map(struct hv *hv, const void *host, char *err, size_t errlen);   /* hv_dom0_fdt */

/* vcpu.c */
void hv_vcpu_init(struct hv *hv, struct vcpu *v, unsigned id, struct cpu *c);
void hv_vcpu_reset(struct hv *hv, struct vcpu *v);
struct vcpu *hv_vcpu_of(struct hv *hv, struct cpu *c);

/* vgic.c */
void vgic_init(struct hv *hv);
void vgic_reset(struct hv *hv);                   /* also programs the physical GIC */
bool vgic_handles(const struct hv *hv, uint64_t ipa);   /* an emulated vGIC range */
/* domain.c: the lazy policy's try_map_mmio */
bool hv_try_map_mmio(struct hv *hv, uint64_t gpa);
bool vgic_mmio(struct hv *hv, struct vcpu *v, uint64_t ipa, unsigned size, uint64_t *val, bool write);
void vgic_sgi1r(struct hv *hv, struct vcpu *v, uint64_t val);
void vgic_inject(struct hv *hv, struct vcpu *v, unsigned virq);
void vgic_maintenance(struct hv *hv, struct vcpu *v);
/* A level-sensitive virtual interrupt of v (HW = 0): assert makes it pending unless it is
 * pending or in a list register already; deassert drops the pending state (distributor and
 * LR), leaving an active one active. */
void vgic_assert(struct hv *hv, struct vcpu *v, unsigned virq);
void vgic_deassert(struct hv *hv, struct vcpu *v, unsigned virq);

/* vtimer.c */
void vtimer_reset(struct hv *hv, struct vcpu *v);
void vtimer_update(struct hv *hv, struct vcpu *v);
bool vtimer_access(struct hv *hv, struct vcpu *v, uint32_t enc, bool is_write, uint64_t *val);
uint64_t vtimer_next_cycles(const struct vcpu *v);
void vgic_do_irq(struct hv *hv, struct vcpu *v);  /* physical IRQ at EL2: acknowledge, route */
/* Physical GIC access through the bus (the hypervisor's own view of GICD / GICC). */
uint32_t pgic_read(struct hv *hv, uint64_t pa);
void pgic_write(struct hv *hv, uint64_t pa, uint32_t v);

#endif
