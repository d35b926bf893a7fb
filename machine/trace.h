/* machine/trace.h — trace stream v1: the one public header for trace points (writer), the
 * reader, and the event vocabulary. hv/, smmu/, gic/ and the cpu glue include it.
 *
 * Why one stream: ARCHITECTURE.md decision 5 — everything the hypervisor and the SMMU decide is
 * an event in one versioned stream, framed so that a run killed mid-way still leaves every
 * complete record readable. The byte layout is specified in docs/trace.md; change it only by
 * bumping TRACE_FORMAT_MINOR (append-only payload growth, new kinds) or TRACE_FORMAT_MAJOR.
 *
 * Trace points are cheap when tracing is off (CONVENTIONS.md "Trace points"): every writer is a
 * static inline wrapper that tests `tr && tr->on` (one predictable branch) before calling the
 * out-of-line encoder. A NULL tracer is accepted everywhere. */
#ifndef FAULTLINE_TRACE_H
#define FAULTLINE_TRACE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "mmu/mmu.h"

#define TRACE_FORMAT_MAJOR 1   /* incompatible layout change: readers refuse other majors */
#define TRACE_FORMAT_MINOR 2   /* compatible growth: new kinds, fields appended to payloads
                                * (1: RR-INPUT, RUN-END per-vCPU tail, header tag 5;
                                *  2: DMA beat size and fixed-address flag) */
#define TRACE_MAGIC        "FLTRACE\x1a"   /* 8 bytes; \x1a stops a `type`d binary, as PNG does */
#define TRACE_MAGIC_LEN    8
#define TRACE_REC_HDR_LEN  40   /* bytes of the per-record frame before the payload */
#define TRACE_MAX_PAYLOAD  (1u << 20)  /* a reader refuses larger lengths: a flipped bit in the
                                        * length must not make it allocate gigabytes */
#define TRACE_MAX_IMAGES   16
#define TRACE_HCALL_NARGS  6
#define TRACE_MAX_VCPUS    8    /* per-vCPU counts in RUN-END */

/* ---- record kinds (u16 on disk; values are frozen once released) ---- */
enum trace_kind {
    TRACE_K_STRING      = 1,   /* interned string: id -> text (device names, notes) */
    TRACE_K_EXC_TAKEN   = 2,
    TRACE_K_EXC_RETURN  = 3,
    TRACE_K_S2_FAULT    = 4,
    TRACE_K_P2M         = 5,
    TRACE_K_MMIO        = 6,
    TRACE_K_IRQ         = 7,
    TRACE_K_HCALL       = 8,   /* PSCI, Xen hypercalls, other SMC/HVC services */
    TRACE_K_TLBI        = 9,
    TRACE_K_SMMU_XLATE  = 10,
    TRACE_K_DMA         = 11,
    TRACE_K_VCPU_SWITCH = 12,
    TRACE_K_CONSOLE_IN  = 13,  /* a true external input (the replay places it by the rrfile's
                                * RR-INPUT round and point: an icount repeats across idle rounds) */
    TRACE_K_RUN_END     = 14,
    TRACE_K_NOTE        = 15,  /* free text from the hypervisor (e.g. "outside Xen behaviour") */
    TRACE_K_RR_INPUT    = 16,  /* v1.1: a non-deterministic input of a recorded run (-icount rr=record) */
    TRACE_K__COUNT
};

/* Record header flags (u16). Bits 0-7 are generic, 8-15 kind-specific. */
enum {
    TRACE_F_NOT_XEN = 1u << 0,  /* this decision is outside what Xen does (seed 002's RWX type) */
};

/* Who stamped the event: cycle and instruction counts of the vCPU it happened on. */
struct trace_ts {
    uint64_t cycle;
    uint64_t icount;
    uint32_t vcpu;
    uint16_t flags;            /* TRACE_F_* for this record */
};

/* ---- event payloads: what the writer takes and what the reader returns ---- */
enum trace_exc_type { TRACE_EXC_SYNC = 0, TRACE_EXC_IRQ = 1, TRACE_EXC_FIQ = 2, TRACE_EXC_SERROR = 3 };

struct trace_exc_taken {       /* Arm ARM D1.10: exception entry */
    uint8_t  from_el, to_el;
    uint8_t  type;             /* enum trace_exc_type */
    uint8_t  ec;               /* ESR_ELx.EC (0 for asynchronous exceptions) */
    uint64_t esr;              /* ESR_ELx as written */
    uint64_t elr;              /* ELR_ELx: preferred return address */
    uint64_t far;              /* FAR_ELx (0 when not valid for this EC) */
};

struct trace_exc_return {      /* ERET */
    uint8_t  from_el, to_el;
    uint64_t elr;              /* the PC returned to */
    uint64_t spsr;
};

enum trace_s2_outcome {
    TRACE_S2_MAPPED = 0,       /* lazy policy mapped the page and retried (seed 000) */
    TRACE_S2_INJECT_DABT,      /* data abort injected into the guest */
    TRACE_S2_INJECT_PABT,      /* prefetch abort injected (instruction fetch from device page) */
    TRACE_S2_EMULATED_MMIO,    /* handled by an emulated device (vGIC, vPL011) */
    TRACE_S2_SPURIOUS,         /* already mapped by another vCPU: just retry */
    TRACE_S2_DOMAIN_CRASH,     /* unrecoverable: the domain was stopped */
    TRACE_S2__COUNT
};
enum trace_fault_class {       /* from ESR ISS DFSC/IFSC, for summaries without decoding ESR */
    TRACE_FC_TRANSLATION = 0, TRACE_FC_ACCESS_FLAG, TRACE_FC_PERMISSION, TRACE_FC_ALIGNMENT,
    TRACE_FC_EXTERNAL, TRACE_FC_ADDRESS_SIZE, TRACE_FC_OTHER, TRACE_FC__COUNT
};

struct trace_s2_fault {        /* a stage-2 abort routed to EL2 (ESR_EL2 EC 0x20/0x24) */
    uint64_t pc;               /* ELR_EL2 */
    va_t     va;               /* FAR_EL2 */
    ipa_t    ipa;              /* HPFAR_EL2.FIPA << 12 | FAR_EL2[11:0] */
    uint64_t esr;              /* ESR_EL2 */
    uint32_t insn;             /* encoding of the faulting instruction if known, else 0 */
    uint8_t  is_insn;          /* 1: instruction abort, 0: data abort */
    uint8_t  size;             /* access size in bytes (0 when ISV=0 and unknown) */
    uint8_t  is_write;         /* ESR_EL2.ISS.WnR */
    uint8_t  outcome;          /* enum trace_s2_outcome */
    uint8_t  fault_class;      /* enum trace_fault_class */
    uint8_t  level;            /* table level of the fault (0-3) */
};

enum trace_p2m_type {          /* Xen's p2m_type_t names; hv/ maps its enum onto these */
    TRACE_P2M_INVALID = 0, TRACE_P2M_RAM_RW, TRACE_P2M_RAM_RO, TRACE_P2M_MMIO_DIRECT_DEV,
    TRACE_P2M_MMIO_DIRECT_NC, TRACE_P2M_MMIO_DIRECT_C, TRACE_P2M_MMIO_DIRECT_C_RWX,
    TRACE_P2M_GRANT, TRACE_P2M_FOREIGN, TRACE_P2M__COUNT
};
enum trace_p2m_reason {
    TRACE_P2M_R_BOOT = 0, TRACE_P2M_R_FAULT, TRACE_P2M_R_HYPERCALL, TRACE_P2M_R_DOMCTL,
    TRACE_P2M_R_TEARDOWN, TRACE_P2M_R__COUNT
};
enum trace_p2m_op { TRACE_P2M_MAP = 0, TRACE_P2M_UNMAP = 1 };

struct trace_p2m {             /* one p2m (stage-2) change */
    ipa_t    ipa;
    pa_t     pa;
    uint64_t size;
    uint32_t domid;
    uint8_t  type;             /* enum trace_p2m_type */
    uint8_t  reason;           /* enum trace_p2m_reason */
    uint8_t  op;               /* enum trace_p2m_op */
};

struct trace_mmio {            /* an access to an emulated device (or a trapped one) */
    uint32_t dev;              /* interned device name (trace_intern) */
    pa_t     pa;               /* physical/IPA address as seen by the device model */
    uint64_t offset;           /* offset inside the device region */
    uint64_t value;            /* value written, or value returned by a read */
    uint8_t  size;             /* 1, 2, 4, 8 */
    uint8_t  is_write;
    uint8_t  status;           /* enum bus_status of the access */
};

enum trace_irq_op { TRACE_IRQ_RAISE = 0, TRACE_IRQ_LOWER, TRACE_IRQ_ACK, TRACE_IRQ_EOI,
                    TRACE_IRQ_INJECT, TRACE_IRQ__COUNT };
struct trace_irq {
    uint32_t intid;
    uint32_t cpu;              /* target (v)CPU interface */
    uint8_t  op;               /* enum trace_irq_op */
    uint8_t  is_virtual;       /* 1: virtual interrupt (list register / vGIC) */
};

enum trace_hcall_class { TRACE_HC_PSCI = 0, TRACE_HC_XEN, TRACE_HC_SMC_OTHER, TRACE_HC_HVC_OTHER };
struct trace_hcall {
    uint64_t func;             /* PSCI function ID / Xen hypercall number */
    uint64_t args[TRACE_HCALL_NARGS];
    int64_t  result;
    uint8_t  cls;              /* enum trace_hcall_class */
    uint8_t  nargs;
};

enum trace_tlbi_op {           /* CPU TLBI ops (Arm ARM C5.5) and SMMUv2 TLB maintenance */
    TRACE_TLBI_VMALLE1 = 0, TRACE_TLBI_VMALLE1IS, TRACE_TLBI_VAE1, TRACE_TLBI_VAE1IS,
    TRACE_TLBI_VALE1, TRACE_TLBI_VALE1IS, TRACE_TLBI_ASIDE1, TRACE_TLBI_ASIDE1IS,
    TRACE_TLBI_VAAE1, TRACE_TLBI_VAAE1IS, TRACE_TLBI_IPAS2E1, TRACE_TLBI_IPAS2E1IS,
    TRACE_TLBI_IPAS2LE1, TRACE_TLBI_IPAS2LE1IS, TRACE_TLBI_VMALLS12E1, TRACE_TLBI_VMALLS12E1IS,
    TRACE_TLBI_ALLE1, TRACE_TLBI_ALLE1IS, TRACE_TLBI_ALLE2, TRACE_TLBI_ALLE2IS,
    TRACE_TLBI_VAE2, TRACE_TLBI_VAE2IS,
    TRACE_TLBI_SMMU_TLBIALLNSNH, TRACE_TLBI_SMMU_TLBIVMID, TRACE_TLBI_SMMU_TLBIASID,
    TRACE_TLBI_SMMU_TLBIVA, TRACE_TLBI_SMMU_TLBIIPAS2, TRACE_TLBI_SMMU_TLBIALL,
    TRACE_TLBI__COUNT
};
struct trace_tlbi {
    uint64_t addr;             /* VA or IPA operand (page address), 0 if none */
    uint16_t op;               /* enum trace_tlbi_op */
    uint16_t vmid;
    uint16_t asid;
    uint16_t cb;               /* SMMU context bank for SMMU ops, else 0 */
};

enum trace_smmu_result {
    TRACE_SMMU_OK = 0,          /* translated */
    TRACE_SMMU_BYPASS,          /* S2CR type bypass */
    TRACE_SMMU_FAULT_CB,        /* context fault: FSR in fsr, no retry (SMMUv2 stalls off) */
    TRACE_SMMU_FAULT_UNMATCHED, /* no SMR matched and sCR0.USFCFG=1: global fault */
    TRACE_SMMU_FAULT_S2CR,      /* S2CR type fault */
    TRACE_SMMU__COUNT
};
struct trace_smmu_xlate {
    uint32_t sid;              /* stream ID */
    uint32_t fsr;              /* SMMU_CBn_FSR (or sGFSR for global faults), 0 if none */
    uint32_t fsynr0;           /* SMMU_CBn_FSYNR0 */
    uint16_t cb;               /* context bank index (0xffff: none) */
    uint8_t  result;           /* enum trace_smmu_result */
    uint8_t  is_write;
    uint64_t iova;
    pa_t     pa;               /* output address when result is OK/BYPASS */
};

enum trace_dma_result {
    TRACE_DMA_OK = 0, TRACE_DMA_SMMU_FAULT, TRACE_DMA_BUS_ERROR,
    TRACE_DMA_OUTSIDE_DOMAIN,  /* completed, but left the domain's memory (seed 004 warning) */
    TRACE_DMA__COUNT
};
struct trace_dma {
    uint32_t sid;
    uint32_t dev;              /* interned name of the DMA master */
    uint64_t iova;
    pa_t     pa;
    uint64_t len;
    uint8_t  is_write;         /* 1: device writes memory */
    uint8_t  result;           /* enum trace_dma_result */
    /* v1.2: the master's beats (smmu.h dma_read_beats). A v1.0/v1.1 record reads as 0, false. */
    uint8_t  beat;             /* bytes per beat: 1, 2, 4, ... 128 (AXI AxSIZE); 0 = not given
                                * (dma_read/dma_write: the largest aligned accesses) */
    bool     fixed;            /* every beat at iova (AXI FIXED burst, a FIFO register); needs beat */
};
#define TRACE_DMA_F_FIXED 1u   /* DMA payload flags byte (v1.2), bit 0 */

struct trace_vcpu_switch {
    uint32_t from_dom, from_vcpu;
    uint32_t to_dom, to_vcpu;
    uint8_t  reason;           /* 0 quantum, 1 WFI/block, 2 wake, 3 start */
};

struct trace_run_end {
    int32_t  exit_status;
    uint32_t reason;           /* interned text, 0 if none */
    uint64_t total_cycles;
    uint64_t total_insns;
    /* v1.1 tail, written when nvcpus > 0: each vCPU's final counts (a replay checks them) */
    uint32_t nvcpus;
    uint64_t vcpu_insns[TRACE_MAX_VCPUS], vcpu_cycles[TRACE_MAX_VCPUS];
};

/* Record/replay (docs/trace.md "Record and replay"): where an input entered the run. The board's
 * main loop is deterministic between its input points, so (round, point) places an input
 * exactly; the record's stamp (vCPU, icount, cycle) is checked by the replay. */
enum trace_rr_type {
    TRACE_RR_CONSOLE = 0,       /* console bytes (as CONSOLE-IN), delivered at (round, point) */
    TRACE_RR_IDLE_CUT = 1,      /* an idle jump cut at wall-clock time: value = target cycle */
    TRACE_RR_RTC_BASE = 2,      /* the PL031's start (Unix time), value */
    TRACE_RR_CONSOLE_EOF = 3,   /* console input ended (stdin closed) */
    TRACE_RR_CONSOLE_STATE = 4, /* at boot: value bit 0 = console input possible */
    TRACE_RR__COUNT
};
enum trace_rr_point {
    TRACE_RR_AT_BOOT = 0,       /* before the first round */
    TRACE_RR_AT_ROUND = 1,      /* the poll after a round of the vCPUs */
    TRACE_RR_AT_IDLE = 2,       /* the wall-clock wait of an idle jump (interactive console) */
    TRACE_RR_AT_BLOCK = 3,      /* the wait for input with no timer event pending */
    TRACE_RR_AT__COUNT
};
struct trace_rr_input {
    uint64_t round;            /* board main-loop iteration, from 1 (0: boot) */
    uint64_t value;            /* per type: target cycle, Unix time, state bits */
    uint32_t dev;              /* interned device name (console), 0 none */
    uint8_t  type;             /* enum trace_rr_type */
    uint8_t  point;            /* enum trace_rr_point */
    const uint8_t *bytes;      /* console bytes */
    size_t   n;
};

/* ---- writer ---- */
struct trace_image {
    char    *name;             /* e.g. "kernel", "initrd", "dtb" + file name */
    uint8_t  sha256[32];
};
struct trace_meta {            /* the file header's fields */
    char    *emulator_version;
    char    *machine_config;   /* full command line / machine config */
    char    *hv_policy;        /* e.g. "xen,mmio=lazy" */
    char    *replay_key;       /* v1.1 tag 5: the command line a replay must repeat (NULL: none) */
    unsigned n_images;
    struct trace_image images[TRACE_MAX_IMAGES];
};
/* Set a string field (copies). Returns 0 or -1 (out of memory). */
int  trace_meta_set(char **field, const char *value);
/* Hash a guest image for the header. */
int  trace_meta_add_image(struct trace_meta *m, const char *name, const void *data, size_t len);
int  trace_meta_add_image_file(struct trace_meta *m, const char *name, const char *path);
void trace_meta_free(struct trace_meta *m);

struct trace_strtab;
struct tracer {
    bool     on;               /* the one flag trace points test */
    bool     sync;             /* write(2) every record (kill tests); else buffer */
    int      fd;
    int      error;            /* first write error (errno), tracing stops on error */
    uint8_t *buf;
    size_t   len, cap;
    uint64_t records;          /* records written (including string records); next seq */
    uint64_t per_kind[TRACE_K__COUNT];
    struct trace_strtab *strings;
    /* Optional clock for writers called with ts == NULL (cpu glue installs it). */
    void   (*clock)(void *opaque, struct trace_ts *ts);
    void    *clock_opaque;
};

/* Create FILE (truncating) and write the header. Returns NULL and fills err on failure. */
struct tracer *tracer_open(const char *path, const struct trace_meta *meta, char *err, size_t errlen);
/* Same, on an already open descriptor (owned by the tracer afterwards). */
struct tracer *tracer_open_fd(int fd, const struct trace_meta *meta, char *err, size_t errlen);
int  tracer_flush(struct tracer *tr);
/* Flush and close; returns 0 or the first write error's errno. NULL is accepted. */
int  tracer_close(struct tracer *tr);
/* Intern a string: the first time, a STRING record is written; returns its id (>0).
 * Returns 0 for a NULL or disabled tracer. Call at registration time, not on hot paths. */
uint32_t trace_intern(struct tracer *tr, const char *s);

/* Out-of-line encoders: call the inline wrappers below, not these. */
void trace_emit_exc_taken(struct tracer *, const struct trace_ts *, const struct trace_exc_taken *);
void trace_emit_exc_return(struct tracer *, const struct trace_ts *, const struct trace_exc_return *);
void trace_emit_s2_fault(struct tracer *, const struct trace_ts *, const struct trace_s2_fault *);
void trace_emit_p2m(struct tracer *, const struct trace_ts *, const struct trace_p2m *);
void trace_emit_mmio(struct tracer *, const struct trace_ts *, const struct trace_mmio *);
void trace_emit_irq(struct tracer *, const struct trace_ts *, const struct trace_irq *);
void trace_emit_hcall(struct tracer *, const struct trace_ts *, const struct trace_hcall *);
void trace_emit_tlbi(struct tracer *, const struct trace_ts *, const struct trace_tlbi *);
void trace_emit_smmu_xlate(struct tracer *, const struct trace_ts *, const struct trace_smmu_xlate *);
void trace_emit_dma(struct tracer *, const struct trace_ts *, const struct trace_dma *);
void trace_emit_vcpu_switch(struct tracer *, const struct trace_ts *, const struct trace_vcpu_switch *);
void trace_emit_console_in(struct tracer *, const struct trace_ts *, uint32_t dev, const void *bytes, size_t n);
void trace_emit_run_end(struct tracer *, const struct trace_ts *, const struct trace_run_end *);
void trace_emit_note(struct tracer *, const struct trace_ts *, const char *text);
void trace_emit_rr_input(struct tracer *, const struct trace_ts *, const struct trace_rr_input *);
/* Any kind with a raw payload (tests, forward-compatibility; kind must not be 0). */
void trace_emit_raw(struct tracer *, const struct trace_ts *, uint16_t kind, const void *payload, uint32_t len);

/* One predictable branch when tracing is off. ts may be NULL: the tracer's clock fills it. */
#define TRACE_ON(tr) __builtin_expect((tr) != NULL && (tr)->on, 0)
#define TRACE_POINT(name, type) \
    static inline void trace_##name(struct tracer *tr, const struct trace_ts *ts, const type *ev) \
    { if (TRACE_ON(tr)) trace_emit_##name(tr, ts, ev); }
TRACE_POINT(exc_taken,   struct trace_exc_taken)
TRACE_POINT(exc_return,  struct trace_exc_return)
TRACE_POINT(s2_fault,    struct trace_s2_fault)
TRACE_POINT(p2m,         struct trace_p2m)
TRACE_POINT(mmio,        struct trace_mmio)
TRACE_POINT(irq,         struct trace_irq)
TRACE_POINT(hcall,       struct trace_hcall)
TRACE_POINT(tlbi,        struct trace_tlbi)
TRACE_POINT(smmu_xlate,  struct trace_smmu_xlate)
TRACE_POINT(dma,         struct trace_dma)
TRACE_POINT(vcpu_switch, struct trace_vcpu_switch)
TRACE_POINT(run_end,     struct trace_run_end)
TRACE_POINT(rr_input,    struct trace_rr_input)
#undef TRACE_POINT
/* For hot paths: the event is built only when tracing is on, so "off" is the test alone.
 *   TRACE(tr, s2_fault, &ts, .pc = elr, .ipa = ipa, .size = 4, .outcome = TRACE_S2_MAPPED);
 * (the inline wrappers above build their argument before the test when inlined.) */
#define TRACE(tr, name, ts, ...) \
    do { if (TRACE_ON(tr)) \
            trace_emit_##name((tr), (ts), &(const struct trace_##name){ __VA_ARGS__ }); } while (0)
static inline void trace_console_in(struct tracer *tr, const struct trace_ts *ts, uint32_t dev,
                                    const void *bytes, size_t n)
{ if (TRACE_ON(tr)) trace_emit_console_in(tr, ts, dev, bytes, n); }
static inline void trace_note(struct tracer *tr, const struct trace_ts *ts, const char *text)
{ if (TRACE_ON(tr)) trace_emit_note(tr, ts, text); }

/* ---- reader ---- */
enum trace_err {
    TRACE_OK = 0,
    TRACE_ERR_IO = -1,         /* read error from the host */
    TRACE_ERR_MAGIC = -2,      /* not a faultline trace */
    TRACE_ERR_VERSION = -3,    /* a major version this reader does not know */
    TRACE_ERR_HEADER = -4,     /* file header malformed or its CRC is wrong */
    TRACE_ERR_TRUNCATED = -5,  /* the file ends inside a record (a killed run) */
    TRACE_ERR_CRC = -6,        /* a record's CRC32 does not match: corruption */
    TRACE_ERR_MALFORMED = -7,  /* CRC good but the payload is too short for its kind */
    TRACE_ERR_NOMEM = -8,
    TRACE_ERR_SEQUENCE = -9,   /* CRCs good but a record is missing or repeated */
};
const char *trace_strerror(int err);

struct trace_rec {
    uint16_t kind, flags;
    uint32_t len;              /* payload length */
    uint64_t cycle, icount;
    uint32_t vcpu;
    uint32_t seq;              /* record sequence number (low 32 bits), from 0 */
    uint64_t offset;           /* file offset of this record's frame */
    const uint8_t *payload;    /* raw payload, valid until the next trace_next */
    union {
        struct trace_exc_taken   exc_taken;
        struct trace_exc_return  exc_return;
        struct trace_s2_fault    s2_fault;
        struct trace_p2m         p2m;
        struct trace_mmio        mmio;
        struct trace_irq         irq;
        struct trace_hcall       hcall;
        struct trace_tlbi        tlbi;
        struct trace_smmu_xlate  smmu_xlate;
        struct trace_dma         dma;
        struct trace_vcpu_switch vcpu_switch;
        struct trace_run_end     run_end;
        struct trace_rr_input    rr_input;          /* bytes point into the payload */
        struct { uint32_t id; const char *text; } string;        /* text NUL-terminated */
        struct { uint32_t dev; const uint8_t *bytes; size_t n; } console_in;
        struct { const char *text; } note;
    } ev;
};

struct trace_reader;
/* Open and check the header. Returns TRACE_OK and *out, or a trace_err (and *out == NULL). */
int trace_open(const char *path, struct trace_reader **out);
int trace_open_mem(const void *buf, size_t len, struct trace_reader **out);
/* 1: a record in *rec; 0: clean end of file; <0: trace_err (sticky: later calls return it).
 * Unknown kinds are returned with their raw payload (rec->kind >= TRACE_K__COUNT) so that
 * callers skip them; STRING records are also absorbed into the reader's string table. */
int trace_next(struct trace_reader *r, struct trace_rec *rec);
const struct trace_meta *trace_reader_meta(const struct trace_reader *r);
void trace_reader_version(const struct trace_reader *r, unsigned *major, unsigned *minor);
/* Interned string by id, or NULL if not (yet) seen. */
const char *trace_string(const struct trace_reader *r, uint32_t id);
uint64_t trace_reader_records(const struct trace_reader *r);   /* records returned so far */
uint64_t trace_reader_offset(const struct trace_reader *r);    /* end of the last good record */
void trace_close(struct trace_reader *r);

/* ---- names (dump tool, summaries) ---- */
const char *trace_kind_name(unsigned kind);
const char *trace_s2_outcome_name(unsigned o);
const char *trace_fault_class_name(unsigned c);
const char *trace_p2m_type_name(unsigned t);
const char *trace_p2m_reason_name(unsigned r);
const char *trace_irq_op_name(unsigned op);
const char *trace_hcall_class_name(unsigned c);
const char *trace_tlbi_op_name(unsigned op);
const char *trace_smmu_result_name(unsigned r);
const char *trace_dma_result_name(unsigned r);
const char *trace_exc_type_name(unsigned t);
const char *trace_rr_type_name(unsigned t);
const char *trace_rr_point_name(unsigned p);

/* ---- checksums (also used by replay tools) ---- */
uint32_t trace_crc32(uint32_t crc, const void *data, size_t len);   /* IEEE 802.3, crc=0 to start */
struct trace_sha256 { uint32_t h[8]; uint64_t nbytes; uint8_t blk[64]; unsigned used; };
void trace_sha256_init(struct trace_sha256 *s);
void trace_sha256_update(struct trace_sha256 *s, const void *data, size_t len);
void trace_sha256_final(struct trace_sha256 *s, uint8_t out[32]);

#endif
