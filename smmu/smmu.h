/* smmu/smmu.h — public contract of the SMMUv2 (MMU-500 compatible) model.
 *
 * Arm IHI 0062 "ARM System Memory Management Unit Architecture Specification, SMMU
 * architecture version 2.0" (cited below as "SMMUv2 §x"); identity values of an Arm
 * CoreLink MMU-500 (r2p1). AArch64 translation formats only (ID0.PTFS = AArch64-only): the
 * AArch32 short/long descriptor formats and their register views (PRRR/NMRR, TTBCR) are not
 * modelled. Design notes and Linux/Xen usage: docs/smmu.md, /work/shared/design/smmuv2.md.
 *
 * The context banks translate with the VMSAv8-64 walker of mmu/ (ARCHITECTURE.md decision 1):
 * a stage-2 context bank's TTBR0 may point at the very tables the hypervisor gives the CPU in
 * VTTBR_EL2 (the p2m) — descriptors are read from the bus, never copied.
 */
#ifndef FAULTLINE_SMMU_H
#define FAULTLINE_SMMU_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mmu/mmu.h"

struct bus;
struct mmio_ops;
struct smmu;

/* ---- configuration (the identity registers are derived from it) ---- */
struct smmu_config {
    unsigned num_cb;        /* ID1.NUMCB, 1..16 with the default 16 register pages */
    unsigned num_s2cb;      /* ID1.NUMS2CB: CBs 0..num_s2cb-1 are stage-2 only */
    unsigned num_smrg;      /* ID0.NUMSMRG, 1..128 */
    unsigned numpagendxb;   /* ID1.NUMPAGENDXB: NUMPAGE = 2^(n+1) 4KB pages per half */
    bool nested;            /* ID0.NTS: CBAR.TYPE 3 (nested) implemented */
};
/* The MMU-500 shape recommended by smmuv2.md §2.1: 16 CBs, 16 SMRs, 15-bit SIDs, 4KB register
 * pages, NUMPAGE 16 → a 128 KiB region, 48-bit IAS/OAS/UBS, nested supported. */
void smmu_default_config(struct smmu_config *cfg);

/* The bus is where table walks read descriptors and where dma_read/dma_write go. */
struct smmu *smmu_new(struct bus *bus, const struct smmu_config *cfg);
void smmu_free(struct smmu *s);
void smmu_reset(struct smmu *s);      /* reset values: sCR0 = 0x00200001 (CLIENTPD, SMCFCFG) */
/* Size of the register region: 2 × NUMPAGE × 4KB (the DT `reg` size; Xen takes size/2 as the
 * context-bank base, Linux NUMPAGE from ID1 — both agree only with this size). */
uint64_t smmu_region_size(const struct smmu *s);
extern const struct mmio_ops smmu_mmio_ops;   /* opaque = struct smmu * */
int smmu_map(struct smmu *s, struct bus *b, pa_t base);   /* bus_map_mmio of the region */

/* ---- interrupts: line 0 is the global fault interrupt (also used for global configuration
 * faults), line 1 + n is context bank n's interrupt. Level-sensitive: `set(opaque, level)` is
 * called on every change of level. The board wires the lines to GIC SPIs. */
#define SMMU_IRQ_GLOBAL      0u
#define SMMU_IRQ_CONTEXT(n)  (1u + (n))
void smmu_set_irq(struct smmu *s, unsigned line, void (*set)(void *opaque, bool level), void *opaque);
bool smmu_irq_level(const struct smmu *s, unsigned line);

/* ---- guest-error log (`-d guest_errors`): bad offsets and sizes; NULL = silent ---- */
void smmu_set_log(struct smmu *s, void (*log)(void *opaque, const char *msg), void *opaque);
unsigned smmu_guest_errors(const struct smmu *s);   /* count, for tests */

/* ---- translation ---- */
/* Transaction attributes (the client's AxPROT): default = unprivileged data. S2CR.PRIVCFG and
 * S2CR.INSTCFG may override them (SMMUv2 §2.x "Stream-to-Context register"). */
enum { SMMU_ATTR_PRIV = 1u, SMMU_ATTR_INSN = 2u };

enum smmu_outcome {
    SMMU_TRANSLATED = 0,    /* through a context bank */
    SMMU_BYPASSED,          /* CLIENTPD, S2CR bypass, USFCFG = 0 or a disabled (M = 0) stage */
    SMMU_CONTEXT_FAULT,     /* recorded in a context bank's FSR */
    SMMU_GLOBAL_FAULT,      /* recorded in sGFSR */
};

struct smmu_fault {
    enum smmu_outcome outcome;  /* SMMU_CONTEXT_FAULT or SMMU_GLOBAL_FAULT */
    int cb;                     /* context bank that recorded it (-1 for a global fault) */
    uint32_t fsr;               /* FSR bit of this fault (context) or sGFSR bit (global) */
    uint32_t fsynr0;            /* the syndrome as (or as it would have been) recorded */
    uint64_t far;               /* faulting input address */
    struct mmu_fault walk;      /* the walker's view (kind NONE for global faults) */
    bool abort;                 /* the client gets an abort (CFRE/GFRE/GCFGFRE = 1); else the
                                   transaction completes RAZ/WI */
};

struct smmu_xlate {
    enum smmu_outcome outcome;
    pa_t pa;
    int cb;                     /* context bank used (-1: none) */
    bool iotlb_hit;
    unsigned desc_reads;        /* descriptor fetches (0 on an IOTLB hit) */
    unsigned perms;             /* MMU_PERM_* of the mapping (0x3f when bypassed) */
};

/* Translate one transaction of stream `sid` at input address `iova` (an IOVA: a VA for a
 * stage-1 context, an IPA for a stage-2-only one — hence a raw integer). On success returns
 * true and sets *pa (and *x if non-NULL). On a fault returns false, records it in the SMMU's
 * registers (raising the interrupt line) and fills *fault. */
bool smmu_translate(struct smmu *s, uint32_t sid, uint64_t iova, enum mmu_access_type access,
                    unsigned attrs, pa_t *pa, struct smmu_fault *fault, struct smmu_xlate *x);

/* Trace hook: called once for every smmu_translate, translated, bypassed or faulted
 * (ARCHITECTURE.md "SMMU translation and fault (SID, IOVA, context bank, result, FSR)"). */
struct smmu_trace_event {
    uint32_t sid;
    uint64_t iova;
    bool write;
    int cb;                     /* -1 when no context bank was involved */
    enum smmu_outcome result;
    uint32_t fsr;               /* context fault: FSR bit; global fault: sGFSR bit; else 0 */
    uint32_t fsynr0;            /* context fault: FSYNR0 (PLVL = the walk level, WNR, ...); global
                                   fault: sGFSYNR0; else 0 */
    pa_t pa;                    /* valid for SMMU_TRANSLATED / SMMU_BYPASSED */
    bool iotlb_hit;
};
typedef void (*smmu_trace_fn)(void *opaque, const struct smmu_trace_event *ev);
void smmu_set_trace(struct smmu *s, smmu_trace_fn fn, void *opaque);   /* NULL by default */

/* ---- IOTLB statistics (tests, cost model) ---- */
struct smmu_iotlb_stats { uint64_t hits, misses, invalidations; };
void smmu_iotlb_stats(const struct smmu *s, struct smmu_iotlb_stats *st);

/* ==== DMA API: what device models call ====================================================
 * A port is one DMA master: an SMMU and its stream ID, or smmu == NULL for a master with no
 * SMMU in front of it (addresses are PAs). Transfers are translated page by page (4KB IOVA
 * pages) and performed with bus_read_beats/bus_write_beats, which notify the RAM write hook so
 * decoded code in written pages is dropped, and reach MMIO in the master's beats. */
/* The watch of a master with no SMMU (smmu == NULL; ignored otherwise): called once per
 * dma_read/dma_write (not dma_translate) with the PA range [pa, pa+len) before the bytes move;
 * false = the range leaves the memory the master's owner may reach. Nothing in front of the
 * master can stop it, so the transfer still happens; the port records it (outside). The board installs it under -hv xen
 * (the hypervisor's seed-004 check, hv_dma_unprotected); smmu/ only calls it. */
typedef bool (*dma_watch_fn)(void *opaque, pa_t pa, uint64_t len, bool write);
struct dma_port {
    struct bus *bus;
    struct smmu *smmu;          /* NULL: no SMMU */
    uint32_t sid;
    dma_watch_fn watch;         /* NULL: none (dma_port_set_watch) */
    void *watch_opaque;
    /* Filled by every transfer. fault: with DMA_SMMU_FAULT the fault that aborted it, else the
     * first fault the SMMU answered RAZ/WI (outcome 0 if none). fault_iova/done: the page where
     * the transfer stopped (abort or bus error), else that RAZ/WI fault's page. */
    struct smmu_fault fault;
    uint64_t fault_iova;        /* IOVA of that page */
    size_t done;                /* bytes transferred (or answered RAZ/WI) before it */
    bool outside;               /* the last transfer's watch said false (it still completed) */
};
void dma_port_init(struct dma_port *p, struct bus *bus, struct smmu *smmu, uint32_t sid);
void dma_port_set_watch(struct dma_port *p, dma_watch_fn fn, void *opaque);

enum dma_status {
    DMA_OK = 0,
    DMA_SMMU_FAULT,             /* the SMMU aborted the transaction (terminate model) */
    DMA_BUS_ERROR,              /* translated (or no SMMU) but the bus returned an error */
};
/* attrs: SMMU_ATTR_*. A fault the SMMU answers RAZ/WI (CFRE/GFRE = 0) is not an error for
 * the device: reads of that page return zeros, writes are dropped, DMA_OK is returned (the
 * fault is still recorded in p->fault and in the SMMU). */
int dma_read(struct dma_port *p, uint64_t iova, void *buf, size_t len, unsigned attrs);
int dma_write(struct dma_port *p, uint64_t iova, const void *buf, size_t len, unsigned attrs);
/* The same with the master's beats: a device register (MMIO) is reached with accesses of
 * `beat` bytes (1, 2, 4 or 8; each narrowed to its address's alignment and the bytes left, see
 * bus_read_beats), and fixed = true sends every beat to iova (an AXI FIXED burst: a FIFO
 * register) — translated once, on iova's page. dma_read/dma_write are beat 0 (the largest
 * naturally aligned accesses up to 8 bytes), incrementing. RAM is copied either way (fixed:
 * each beat overwrites / rereads the same bytes). */
int dma_read_beats(struct dma_port *p, uint64_t iova, void *buf, size_t len, unsigned attrs, unsigned beat,
                   bool fixed);
int dma_write_beats(struct dma_port *p, uint64_t iova, const void *buf, size_t len, unsigned attrs,
                    unsigned beat, bool fixed);
/* Translate only (the DMA-trace replay, machine/dma_replay.c): the page-by-page path of
 * dma_read (write = false) / dma_write (write = true) — same SMMU lookups, same fault recording
 * and trace events — with no data moved. A translated page with nothing on the bus is
 * DMA_BUS_ERROR. *first_pa (may be NULL) gets the output address of iova (0 if its page
 * faulted). */
int dma_translate(struct dma_port *p, uint64_t iova, size_t len, bool write, unsigned attrs, pa_t *first_pa);

#endif
