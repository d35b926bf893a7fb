/* hv/hv.h — public contract of the native hypervisor (EL2), modelled on Xen on Arm.
 *
 * This first part is the foundation the rest of hv/ builds on:
 *   - hv_mem: hypervisor-reserved memory, a page allocator over a range of machine RAM that no
 *     domain may map. The stage-2 tables live there, in memory the bus can read, so the CPU's
 *     walker and the SMMU's walker read the very same bytes (ARCHITECTURE.md decision 1).
 *   - p2m: one domain's stage-2 translation (IPA → PA), in the architectural VMSAv8-64 stage-2
 *     descriptor format, 4KB granule. The p2m type is kept in descriptor bits [58:55] (reserved
 *     for software use), as Xen does; the descriptors are the only source of truth.
 * Every address at this interface is typed (ipa_t, pa_t: decision 6). See docs/p2m.md. */
#ifndef FAULTLINE_HV_H
#define FAULTLINE_HV_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mmu/mmu.h"

struct bus;

/* ==== hypervisor-reserved memory (hv/hv_mem.c) ============================================ */
struct hv_mem;

/* Reserve [base, base+size) of machine RAM (page aligned, one RAM region of the bus) for the
 * hypervisor. Returns NULL if the range is not page aligned or not entirely RAM on the bus. */
struct hv_mem *hv_mem_new(struct bus *bus, pa_t base, uint64_t size);
void hv_mem_free(struct hv_mem *m);
/* Allocate 2^order contiguous pages, aligned to their size (a concatenated stage-2 root must
 * be aligned to its total size), zero-filled. Returns 0 or -ENOMEM. */
int hv_mem_alloc(struct hv_mem *m, unsigned order, pa_t *out);
void hv_mem_release(struct hv_mem *m, pa_t pa, unsigned order);
/* Does [pa, pa+size) overlap the reserved range? */
bool hv_mem_overlaps(const struct hv_mem *m, pa_t pa, uint64_t size);
pa_t hv_mem_base(const struct hv_mem *m);
uint64_t hv_mem_size(const struct hv_mem *m);
uint64_t hv_mem_free_pages(const struct hv_mem *m);
struct bus *hv_mem_bus(const struct hv_mem *m);
/* 64-bit descriptor access inside the reserved range (single-copy atomic, little-endian
 * host assumed like the rest of the emulator). pa must be 8-aligned and inside the range. */
uint64_t hv_mem_read64(const struct hv_mem *m, pa_t pa);
void hv_mem_write64(struct hv_mem *m, pa_t pa, uint64_t v);

/* ==== p2m (hv/p2m.c) ======================================================================= */

/* p2m types. Values 0..11 are Xen's enum p2m_type_t (xen-arm.md §2.2) so that a descriptor dump
 * reads the same as under Xen; faultline's additions follow. At most 16 (4 software bits). */
enum p2m_type {
    P2M_INVALID = 0,             /* nothing mapped */
    P2M_RAM_RW = 1,
    P2M_RAM_RO = 2,
    P2M_MMIO_DIRECT_DEV = 3,     /* Device-nGnRE, RW, XN */
    P2M_MMIO_DIRECT_NC = 4,      /* Normal Non-cacheable, RW, XN */
    P2M_MMIO_DIRECT_C = 5,       /* Normal Write-Back, RW, XN (all hwdom MMIO under Xen) */
    P2M_MAP_FOREIGN_RW = 6,
    P2M_MAP_FOREIGN_RO = 7,
    P2M_GRANT_MAP_RW = 8,
    P2M_GRANT_MAP_RO = 9,
    P2M_IOMMU_MAP_RW = 10,
    P2M_IOMMU_MAP_RO = 11,
    /* Not Xen: Normal Write-Back, RW and *executable* — the "normal cached RWX" mmio-sram
     * request of seed 002, never merged upstream (xen-arm.md §2.4). */
    P2M_MMIO_DIRECT_C_RWX = 12,
    P2M_NR_TYPES
};

/* Stage-2 attributes and permissions of a type (descriptor fields, Arm ARM D8.3/D8.4/D8.6). */
struct p2m_type_info {
    const char *name;            /* Xen's spelling, e.g. "p2m_mmio_direct_c" */
    uint8_t memattr;             /* MemAttr[3:0] (S2_MEMATTR_*), HCR_EL2.FWB == 0 */
    uint8_t sh;                  /* SH[1:0]: 2 Outer, 3 Inner Shareable */
    bool r, w, xn;               /* S2AP[0], S2AP[1], XN */
    bool xen;                    /* false: outside Xen's behaviour (a faultline extension) */
};
/* NULL for P2M_INVALID and out-of-range values. */
const struct p2m_type_info *p2m_type_info(enum p2m_type t);

/* Why a mapping changed (carried into the trace stream). */
enum p2m_reason {
    P2M_REASON_BOOT = 0,         /* domain construction (RAM, eager MMIO) */
    P2M_REASON_FAULT,            /* stage-2 fault handler (lazy MMIO) */
    P2M_REASON_HYPERCALL,        /* XENMEM_add_to_physmap*, remove_from_physmap, ... */
    P2M_REASON_DOMCTL,           /* XEN_DOMCTL_memory_mapping (the toolstack's iomem=) */
};
enum p2m_op { P2M_OP_MAP = 0, P2M_OP_UNMAP };

struct p2m_change {
    enum p2m_op op;
    enum p2m_reason reason;
    uint16_t vmid;
    ipa_t ipa;
    pa_t pa;                     /* P2M_OP_UNMAP: 0 */
    uint64_t size;               /* bytes */
    enum p2m_type type;          /* P2M_OP_UNMAP: P2M_INVALID */
};

/* Hooks. tlb_flush is invoked in the break-before-make sequence after the old entry was
 * replaced by an invalid one and before the new entry (or, for a removal, before the freed
 * tables return to the allocator): the integrator invalidates the CPU soft TLBs and the SMMU
 * IOTLB for [ipa, ipa+size) of that VMID there. (The architecture's minimum is TLBI IPAS2E1IS
 * for the range then TLBI VMALLE1IS; Xen flushes the whole VMID with TLBI VMALLS12E1IS.)
 * change is called once per p2m_map/p2m_unmap call that changed something, after the tables
 * changed (an unmap reports the whole range asked for, holes included). */
struct p2m_hooks {
    void (*tlb_flush)(void *opaque, uint16_t vmid, ipa_t ipa, uint64_t size);
    void *tlb_opaque;
    void (*change)(void *opaque, const struct p2m_change *c);
    void *change_opaque;
};

struct p2m_config {
    uint16_t vmid;               /* > 255 selects 16-bit VMIDs (VTCR_EL2.VS = 1) */
    unsigned ipa_bits;           /* 32, 36, 40, 42, 44 or 48; 0 → 40 (Xen's usual p2m_ipa_bits) */
    unsigned pa_bits;            /* output size for VTCR_EL2.PS; 0 → ipa_bits */
};

struct p2m;
/* Allocates the (possibly concatenated) root table from mem. NULL if the configuration is not
 * supported or mem has no room. */
struct p2m *p2m_new(struct hv_mem *mem, const struct p2m_config *cfg, const struct p2m_hooks *hooks);
/* Frees every table back to mem (no flushes: the VMID must be retired by the caller). */
void p2m_free(struct p2m *p2m);

/* Register values for the vCPUs and the SMMU context banks of this domain. */
uint64_t p2m_vtcr(const struct p2m *p2m);      /* VTCR_EL2 */
uint64_t p2m_vttbr(const struct p2m *p2m);     /* VTTBR_EL2: root PA | VMID << 48 */
uint16_t p2m_vmid(const struct p2m *p2m);
unsigned p2m_ipa_bits(const struct p2m *p2m);
unsigned p2m_pa_bits(const struct p2m *p2m);
unsigned p2m_root_level(const struct p2m *p2m);  /* start level encoded by VTCR_EL2.SL0 */
unsigned p2m_root_pages(const struct p2m *p2m);  /* concatenated root tables */
/* The walker's view: mmu_regime_stage2(p2m_vtcr, p2m_vttbr, pa_bits), and a descriptor reader
 * going through the bus (the same path the CPU and the SMMU walkers take). */
void p2m_regime(const struct p2m *p2m, struct mmu_regime *r);
struct mmu_desc_reader p2m_desc_reader(const struct p2m *p2m);

/* Map nr_pages 4KB pages [ipa, ipa + nr*4K) → [pa, ...) with type t, replacing what was there
 * (break-before-make for every valid entry that changes). 2MB/1GB blocks are used where IPA,
 * PA and size allow. Returns 0, or:
 *   -EINVAL  t is P2M_INVALID/unknown, nr_pages == 0, or reason unknown;
 *   -ERANGE  the IPA range leaves the configured IPA size, or the PA range the PA size;
 *   -EPERM   the PA range overlaps the hypervisor-reserved memory;
 *   -ENOMEM  the reserved memory ran out for a table: pages before the failing one are mapped
 *            (the change hook reports that part), the rest is as it was; no empty table is
 *            left behind and every descriptor stays well-formed. */
int p2m_map(struct p2m *p2m, ipa_t ipa, pa_t pa, uint64_t nr_pages, enum p2m_type t,
            enum p2m_reason reason);
/* Remove [ipa, ipa + nr*4K). Blocks only partly covered are split into tables first; tables
 * left empty are freed back to hv_mem. Returns 0, -EINVAL, -ERANGE, or -ENOMEM (a split needed
 * a table). */
int p2m_unmap(struct p2m *p2m, ipa_t ipa, uint64_t nr_pages, enum p2m_reason reason);
/* Walk the real descriptors (mmu walker, through the bus). true: *pa = the output address of
 * ipa (offset kept), *type from bits [58:55]. false: not mapped (*type = P2M_INVALID). Either
 * out pointer may be NULL. */
bool p2m_lookup(const struct p2m *p2m, ipa_t ipa, pa_t *pa, enum p2m_type *type);

/* ==== the hypervisor core (hv/domain.c, vcpu.c, traps.c, vgic.c): docs/hv.md ===============
 * One domain today: the hardware domain (dom0, VMID 1) with 1:1 RAM over the bottom of machine
 * RAM, every host-DT device region mapped at boot as p2m_mmio_direct_c (the `eager` policy,
 * xen-arm.md §3.4), the GICv2 distributor emulated (stage-2 fault → decode the ESR ISS → emulate
 * → skip), GICV mapped at the guest's GICC IPA, and physical interrupts forwarded through the
 * list registers with HW = 1. The top `reserved` bytes of RAM are the hypervisor's (hv_mem). */
struct gic;
struct cpu;
struct cpu_s2_abort;
struct tracer;

/* How the hardware domain's device memory gets into its stage 2 (seeds 000/001,
 * xen-arm.md §1.3 and §3.4). */
enum hv_mmio_policy {
    HV_MMIO_EAGER = 0,           /* every host-DT device region mapped at boot (Xen, DT boot) */
    HV_MMIO_LAZY,                /* nothing at boot; a data abort (translation fault) at a
                                  * permitted IPA maps it 1:1 and retries (Xen, ACPI boot) */
    HV_MMIO_HYPERCALL,           /* nothing at boot; dom0 asks with XENMEM_add_to_physmap_batch
                                  * (XENMAPSPACE_dev_mmio) — here the hv functions below */
};
#define HV_MAX_OVERRIDES 8
#define HV_MAX_IOMEM     16
#define HV_MAX_REGIONS   64
struct hv_region_type { uint64_t base; enum p2m_type type; };      /* a per-region p2m type */
struct hv_iomem_range { uint64_t base, size; bool deny; };           /* [base, base+size) */
/* Seed 003: a foreign mapping in dom0 (-hv xen,foreign=IPA:PA[:N], hv/passthrough.c): N pages at
 * the dom0 IPA hole `ipa` → machine pages `pa` outside dom0's memory, p2m_map_foreign_rw. It
 * stands for a page of another domain that dom0's backend grant-mapped (reason HYPERCALL). */
#define HV_MAX_FOREIGN   4
struct hv_foreign { uint64_t ipa, pa, pages; };

/* The board's SMMUv2 (smmu/smmu.h), owned by the hypervisor under -hv xen (hv/iommu.c,
 * docs/hv.md "The SMMU"): hv programs it through its registers on the bus, gives dom0 one
 * stage-2 context bank whose TTBR0 is dom0's p2m root, attaches the stream IDs of the host-DT
 * masters (`iommus = <&smmu SID>`), takes its interrupts and hides it from dom0. */
struct smmu;
struct hv_smmu_config {
    struct smmu *smmu;           /* NULL: no SMMU on the board (nothing below is used) */
    uint64_t base;               /* PA of its register region (2 x NUMPAGE x 4 KiB) */
    unsigned irq_global;         /* INTID of the global fault interrupt */
    unsigned irq_context;        /* INTID of context bank 0's interrupt; bank n: + n */
};

/* One host-DT device region of dom0 (a `reg` entry), as the policy sees it. */
struct hv_region {
    char name[32];               /* DT node name, e.g. "pl011@9000000" */
    uint64_t base, size;         /* page-rounded */
    enum p2m_type type;          /* what a mapping of it uses (policy default or override) */
    bool permitted;              /* in dom0's iomem permission (xen-arm.md §3.4) */
    uint64_t faults;             /* stage-2 faults that mapped part of it (lazy) */
    uint64_t pages_mapped;       /* 4 KiB pages mapped (any reason) */
};

struct hv_config {
    struct bus *bus;
    struct gic *gic;             /* the physical GIC: the hypervisor owns it */
    struct cpu *const *cpus;     /* vCPU i of dom0 runs on physical CPU i (pinned, 1:1) */
    unsigned ncpus;
    unsigned gic_version;        /* 2 or 3 */
    pa_t ram_base;
    uint64_t ram_size;           /* all of machine RAM */
    uint64_t reserved;           /* carved off the top for hv_mem (stage-2 tables); 0 → 16 MiB */
    uint64_t dom0_mem;           /* 0 → everything below the reserved chunk */
    bool hypervisor_node;        /* write /hypervisor (compatible "xen,xen-4.17","xen,xen") */
    void (*log)(void *opaque, const char *msg);   /* guest errors (may be NULL) */
    void *log_opaque;
    /* The PSCI/SMCCC implementation the hypervisor answers the domain's HVC #0 / SMC with
     * (the board passes machine/psci.c's psci_smccc). NULL: every call is UNDEFINED. */
    bool (*psci)(void *opaque, struct cpu *c, bool is_hvc, uint16_t imm);
    void *psci_opaque;
    /* MMIO policy (zero = today's eager, _direct_c, page granule, DT permissions only). */
    enum hv_mmio_policy mmio;
    bool mmio_granule_region;    /* lazy: map the whole DT region on its first fault */
    enum p2m_type mmio_type;     /* P2M_INVALID → p2m_mmio_direct_c */
    unsigned noverrides;
    struct hv_region_type overrides[HV_MAX_OVERRIDES];   /* -hv xen,region=BASE:TYPE */
    unsigned niomem;             /* -hv xen,iomem= / iomem_deny=: applied after the DT's */
    struct hv_iomem_range iomem[HV_MAX_IOMEM];
    uint64_t trap_cycles;        /* cycles charged per stage-2 abort handled at EL2 (0: none) */
    struct tracer *tracer;       /* trace stream (machine/trace.h), NULL: off */
    struct hv_smmu_config smmu;  /* the SMMU the hypervisor owns (zero: none) */
    unsigned nforeign;           /* -hv xen,foreign=IPA:PA[:N] (validated by hv_new and hv_dom0_fdt) */
    struct hv_foreign foreign[HV_MAX_FOREIGN];
};

struct hv_stats {
    uint64_t s2_faults;          /* stage-2 aborts taken */
    uint64_t s2_mmio;            /* ... emulated (skip) */
    uint64_t s2_retry;           /* ... retried after a p2m change */
    uint64_t s2_inject;          /* ... injected into EL1 as an abort */
    uint64_t mmio_reads, mmio_writes;
    uint64_t virq_injected;      /* list-register writes (new virtual interrupts) */
    uint64_t virq_hw;            /* ... of which HW = 1 (forwarded physical interrupts) */
    uint64_t pirqs;              /* physical IRQs taken at EL2 */
    uint64_t maintenance;        /* maintenance interrupts */
    uint64_t hvc;                /* HVC/SMC calls from the domain */
    uint64_t sysreg_traps;       /* GICv3: trapped ICC_* accesses (SGIs) */
    uint64_t wfi_traps, wfe_traps; /* HCR_EL2.TWI/TWE: WFI blocked, WFE yielded */
    uint64_t ptimer_traps;       /* CNTHCTL_EL2.EL1PCEN = 0: trapped CNTP_* accesses (vtimer.c) */
    uint64_t ptimer_fired;       /* ... rising edges of the emulated physical timer's output */
    uint64_t s2_map;             /* ... of the faults: mapped by the lazy policy, then retried */
    uint64_t s2_inject_pabt;     /* ... injected as prefetch aborts */
    uint64_t lazy_pages;         /* pages mapped by the fault path */
    uint64_t hcall_pages;        /* pages mapped by add_to_physmap / memory_mapping */
    uint64_t smmu_faults;        /* SMMU context faults handled (FSR read, logged, cleared) */
    uint64_t smmu_global_faults; /* SMMU global faults handled (sGFSR) */
    uint64_t smmu_tlb_flushes;   /* TLBIVMID + sTLBGSYNC for a p2m change */
    uint64_t foreign_pages;      /* pages mapped p2m_map_foreign_rw (-hv xen,foreign=) */
    uint64_t dma_outside;        /* DMA transfers of SMMU-less masters that left the domain (seed 004) */
};

struct hv;
struct hv *hv_new(const struct hv_config *cfg, char *err, size_t errlen);
void hv_free(struct hv *hv);
/* Size of dom0's RAM (from ram_base): where the loader may put kernel, initrd and DTB. */
uint64_t hv_dom0_mem(const struct hv *hv);
/* Build dom0's device tree from the host tree (libfdt): /memory without the reserved chunk,
 * the timer without the hypervisor timer PPI, optionally /hypervisor. Also maps every host
 * device region (reg of the root's children, except memory and the GIC) into dom0's p2m as
 * p2m_mmio_direct_c. *out is malloc'ed. 0 or -1 with err. */
int hv_dom0_fdt(struct hv *hv, const void *host, void **out, size_t *out_size, char *err, size_t errlen);
/* After the machine reset (GIC and vCPUs reset): program the physical GIC for the hypervisor,
 * reset the vGIC and install each vCPU's EL2 state (HCR_EL2.VM/IMO/FMO/TSC, VTCR/VTTBR). */
void hv_reset(struct hv *hv);
/* cpu_hooks entry points (the board forwards to these). */
int hv_stage2_abort(struct hv *hv, struct cpu *c, const struct cpu_s2_abort *info);  /* enum cpu_s2_action */
void hv_wfx(struct hv *hv, struct cpu *c, bool is_wfe, uint32_t esr);                /* WFI/WFE trapped to EL2 */
void hv_irq(struct hv *hv, struct cpu *c, bool irq);
/* cpu_hooks.sysreg_el2: CNTP_CTL/CVAL/TVAL_EL0 trapped by CNTHCTL_EL2.EL1PCEN = 0. */
bool hv_sysreg_el2(struct hv *hv, struct cpu *c, uint32_t enc, bool is_write, uint64_t *val);
/* The emulated physical timer: re-evaluate its output after time advanced (the board calls it
 * with cpu_timer_update), and its next deadline in cycles (UINT64_MAX: none). */
void hv_timer_update(struct hv *hv, struct cpu *c);
uint64_t hv_next_event_cycles(struct hv *hv, struct cpu *c);
/* cpu_hooks.smccc for the domain's vCPUs (traps.c: do_trap_hvc_smccc). false = UNDEFINED. */
bool hv_smccc(struct hv *hv, struct cpu *c, bool is_hvc, uint16_t imm);
/* GICv3 dom0: its ICC_*_EL1 accesses (cpu_hooks.sysreg_ext_*): ICV_* or trapped SGIs.
 * false = UNDEFINED. */
bool hv_icc_access(struct hv *hv, struct cpu *c, uint32_t enc, uint64_t *val, bool write);
const struct hv_stats *hv_get_stats(const struct hv *hv);
struct p2m *hv_dom0_p2m(const struct hv *hv);
/* Test hook: the last stage-2 abort seen (ESR/FAR/HPFAR checked by the unit tests). */
void hv_last_abort(const struct hv *hv, uint32_t *esr, uint64_t *far, uint64_t *hpfar);
/* ---- MMIO policy (xen-arm.md §1.3, §3.4; seeds 000, 001, 002) ---- */
const char *hv_mmio_policy_name(enum hv_mmio_policy p);
/* "mmio_direct_dev" / "p2m_mmio_direct_dev" / "dev", ... "mmio_direct_c_rwx"/"rwx". 0 or -1. */
int hv_p2m_type_parse(const char *s, enum p2m_type *t);
/* The device regions found in the host tree (valid after hv_dom0_fdt). */
unsigned hv_regions(const struct hv *hv, const struct hv_region **out);
/* Xen's iomem_access_permitted(dom0, mfn, mfn) for the page of pa. */
bool hv_iomem_permitted(const struct hv *hv, uint64_t pa);
void hv_set_tracer(struct hv *hv, struct tracer *tr);
/* XENMEM_add_to_physmap_batch with space XENMAPSPACE_dev_mmio (xen-arm.md §3.4, §4.2 row 20):
 * for each i, map gpfns[i] → idxs[i] as p2m_mmio_direct_c. Only the hardware domain into itself
 * (domid 0 / DOMID_SELF 0x7ff0), res0 must be 0 (-EOPNOTSUPP). A page without iomem permission
 * is *not* mapped but reports 0 (Xen's map_dev_mmio_page quirk); errs[i] gets each result.
 * Returns 0 or -errno (-EPERM other domain, -EINVAL bad argument). */
int hv_add_to_physmap_dev_mmio(struct hv *hv, uint16_t domid, uint16_t res0, const uint64_t *idxs,
                               const uint64_t *gpfns, int *errs, unsigned size);
/* XEN_DOMCTL_memory_mapping: add (map [first_gfn, +nr) → [first_mfn, +nr) as
 * p2m_mmio_direct_dev) or remove. The MFN range needs iomem permission (-EPERM). */
int hv_domctl_memory_mapping(struct hv *hv, uint16_t domid, uint64_t first_gfn, uint64_t first_mfn,
                             uint64_t nr_mfns, bool add);

/* ---- the SMMU (hv/iommu.c) ---- */
#define HV_SMMU_MAX_STREAMS 32
struct hv_smmu_info {
    bool owned;                  /* an SMMU is present and the hypervisor programmed it */
    int cb;                      /* dom0's stage-2 context bank (-1: none) */
    uint16_t vmid;               /* its CBAR.VMID (= dom0's p2m VMID) */
    unsigned nstreams;           /* stream IDs attached to it (from the host DT) */
    uint32_t streams[HV_SMMU_MAX_STREAMS];
    unsigned nmasters;           /* host-DT nodes behind the SMMU (protected-devices) */
};
void hv_smmu_info(const struct hv *hv, struct hv_smmu_info *out);
/* Handle what the SMMU reports now (sGFSR, every context bank's FSR) as its interrupt handler at
 * EL2 does — read, log, count, clear (W1C), no retry — without an interrupt being taken: for
 * the DMA-trace replay (machine/dma_replay.c), which runs no CPU. Returns the faults handled. */
unsigned hv_smmu_service(struct hv *hv);

/* ---- what a domain's devices may reach (hv/passthrough.c; docs/hv.md "Foreign mappings" and
 * "DMA outside the domain"; seeds 003, 004) ---- */
/* Is [pa, pa+len) the domain's: its RAM bank or, page by page, its iomem permission? A foreign
 * page (mapped into dom0 at another IPA) is NOT dom0's: it belongs to the domain that granted it.
 * Only dom0 (domid 0) exists; other domids own nothing (false). len 0: false. */
bool hv_pa_in_domain(const struct hv *hv, unsigned domid, pa_t pa, uint64_t len);
/* The seed-004 check of a DMA master with no SMMU in front of it, assigned to the direct-mapped
 * dom0 (the board calls it from the master's dma_port watch, smmu/smmu.h): true if the piece
 * [pa, pa+len) is dom0's. Otherwise the transfer still happens (nothing can stop it) but hv
 * counts it (hv_stats.dma_outside), warns once per master (the hv log and a trace note):
 *   "WARNING: DMA from unprotected device <master> reached 0x<pa> outside dom0's memory"
 * and returns false. `master` names the device (its DT node name); at most HV_MAX_DMA_WARN
 * distinct masters are remembered, later ones are warned about every time. */
#define HV_MAX_DMA_WARN 16
bool hv_dma_unprotected(struct hv *hv, const char *master, pa_t pa, uint64_t len, bool write);

/* Inject virtual interrupt virq into vCPU `vcpu` of dom0 (software, HW = 0). */
void hv_inject_virq(struct hv *hv, unsigned vcpu, unsigned virq);

#endif
