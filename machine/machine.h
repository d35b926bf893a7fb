/* machine/machine.h — public contract of the board: the physical bus, devices and the `virt`
 * memory map. A device is a state struct + read/write handlers + reset, registered on the bus
 * with its range (CONVENTIONS.md). Bad offsets or sizes are guest errors, never asserts. */
#ifndef FAULTLINE_MACHINE_H
#define FAULTLINE_MACHINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mmu/mmu.h"

/* ---- QEMU `virt` memory map (ARCHITECTURE.md) ---- */
#define VIRT_GIC_DIST       0x08000000ull
#define VIRT_GIC_CPU        0x08010000ull
#define VIRT_GIC_HYP        0x08030000ull
#define VIRT_GIC_VCPU       0x08040000ull
#define VIRT_GIC_REDIST     0x080A0000ull
#define VIRT_GIC_REDIST_STRIDE 0x20000ull
#define VIRT_UART           0x09000000ull
#define VIRT_RTC            0x09010000ull
#define VIRT_SMMU           0x09050000ull
#define VIRT_SRAM           0x09060000ull
#define VIRT_SRAM_SIZE      0x10000ull      /* 64 KiB of on-chip SRAM (-M virt,sram=on) */
#define VIRT_DMA            0x09070000ull
#define VIRT_VIRTIO_MMIO    0x0A000000ull
#define VIRT_RAM_BASE       0x40000000ull
/* SPI numbers (INTID = SPI + 32) */
#define VIRT_SPI_UART       1
#define VIRT_SPI_RTC        2
#define VIRT_SPI_VIRTIO     16
#define VIRT_SPI_SMMU       74      /* SMMU global fault; context bank n at 75 + n (QEMU's
                                       SMMUv3 uses 74..77; faultline's SMMUv2 74..90) */
#define VIRT_SPI_DMA_ABORT  96      /* PL330 irq_abort (-device pl330; free in QEMU's virt map) */
#define VIRT_SPI_DMA_EVENT  97      /* PL330 irq[n] (event n) at 97 + n, n = 0..7 */
#define VIRT_DMA_NUM_EVENTS 8
/* PPIs (INTIDs) */
#define VIRT_PPI_HYP_TIMER  26
#define VIRT_PPI_VIRT_TIMER 27
#define VIRT_PPI_MAINT      25
#define VIRT_PPI_SEC_TIMER  29
#define VIRT_PPI_PHYS_TIMER 30

/* ---- physical bus ---- */
enum bus_status {
    BUS_OK = 0,
    BUS_DECODE_ERROR,   /* nothing at that address: an external abort to the requester */
    BUS_SLAVE_ERROR,    /* the device rejected the access (bad size/offset): external abort */
};

struct mmio_ops {
    const char *name;
    /* size is 1, 2, 4 or 8; offset is relative to the region base. Return a bus_status. */
    int (*read)(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
    int (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t value);
};

struct bus_region {
    const char *name;
    uint64_t base, size;
    uint8_t *ram;                 /* non-NULL for RAM/ROM regions */
    bool readonly;
    const struct mmio_ops *ops;   /* MMIO regions */
    void *opaque;
};

struct bus;
struct bus *bus_new(void);
void bus_free(struct bus *b);
/* Map RAM; host == NULL allocates zeroed memory owned by the bus. Returns the host pointer. */
uint8_t *bus_map_ram(struct bus *b, const char *name, pa_t base, uint64_t size, uint8_t *host);
int bus_map_mmio(struct bus *b, const char *name, pa_t base, uint64_t size,
                 const struct mmio_ops *ops, void *opaque);
const struct bus_region *bus_find(const struct bus *b, pa_t pa);
/* Host pointer for [pa, pa+len) if the whole range is RAM, else NULL. */
uint8_t *bus_ram_ptr(const struct bus *b, pa_t pa, uint64_t len);
/* Single access, size 1/2/4/8, little-endian. */
int bus_read(struct bus *b, pa_t pa, unsigned size, uint64_t *val);
int bus_write(struct bus *b, pa_t pa, unsigned size, uint64_t val);
/* Bulk access (loader, DMA, debugger). RAM is copied (writes notify the write hook); an MMIO
 * region gets the beats a bus master would issue: accesses of `beat` bytes (1, 2, 4 or 8; 0 =
 * up to 8), each narrowed to the largest power of two its address is aligned to and the bytes
 * left hold. fixed (beat != 0): every beat goes to pa — a FIFO-style register (AXI FIXED
 * burst) — instead of incrementing. The first failing access ends the transfer with its status.
 * bus_read_buf/bus_write_buf = beat 0, incrementing. */
int bus_read_beats(struct bus *b, pa_t pa, void *buf, size_t len, unsigned beat, bool fixed);
int bus_write_beats(struct bus *b, pa_t pa, const void *buf, size_t len, unsigned beat, bool fixed);
int bus_read_buf(struct bus *b, pa_t pa, void *buf, size_t len);
int bus_write_buf(struct bus *b, pa_t pa, const void *buf, size_t len);
/* Called for every RAM write that does not come from a CPU's fast path (so that decoded code
 * for that page can be dropped). */
void bus_set_ram_write_hook(struct bus *b, void (*hook)(void *opaque, pa_t pa, uint64_t len),
                            void *opaque);
void bus_notify_ram_write(struct bus *b, pa_t pa, uint64_t len);
size_t bus_region_count(const struct bus *b);
const struct bus_region *bus_region_at(const struct bus *b, size_t i);

/* ---- board interrupt wiring ----
 * A device holds an irq_line for each interrupt output and drives it with irq_line_set(). The
 * board fills `set` with the interrupt controller's input (INTID = SPI + 32 or a PPI number);
 * until a controller is attached `set` may be NULL and the device only remembers its level. */
struct irq_line {
    void (*set)(void *opaque, unsigned intid, bool level);
    void *opaque;
    unsigned intid;
};
static inline void irq_line_set(const struct irq_line *l, bool level)
{
    if (l && l->set) l->set(l->opaque, l->intid, level);
}

/* ---- machine-wide logging (-d guest_errors etc.; machine/log.c) ---- */
enum { MLOG_GUEST_ERRORS = 8 /* same bit as CPU_LOG_GUEST_ERRORS */, MLOG_UNIMP = 16 };
void mlog_set(unsigned mask, void *logfile /* FILE*, NULL = stderr */);
unsigned mlog_mask(void);
void mlog_guest_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- host character backends (machine/chardev.c) ---- */
struct chardev;
/* spec: "stdio", "mon:stdio", "file:PATH", "null". mux = Ctrl-A escapes (QEMU's mux, which
 * -nographic and mon: give). Returns NULL with err filled ("what: why") on failure. */
struct chardev *chardev_open(const char *spec, bool mux, char *err, size_t errlen);
void chardev_close(struct chardev *c);               /* restores the terminal */
void chardev_write(struct chardev *c, const uint8_t *buf, size_t len);
/* Frontend (a UART): can_receive says how many bytes it takes now; receive hands them over. */
void chardev_set_frontend(struct chardev *c, size_t (*can_receive)(void *opaque),
                          void (*receive)(void *opaque, const uint8_t *buf, size_t len),
                          void *opaque);
/* Every byte of console input passes through this hook before it reaches the frontend: the
 * record/replay point (console input is an external input of the run). */
void chardev_set_input_hook(struct chardev *c,
                            void (*hook)(void *opaque, const uint8_t *buf, size_t len),
                            void *opaque);
/* Non-blocking: read what the host has, handle escapes, deliver to the frontend. timeout_ms
 * < 0 blocks until input arrives (the board's idle path). Returns bytes read from the host. */
int chardev_poll(struct chardev *c, int timeout_ms);
bool chardev_input_possible(const struct chardev *c);  /* could input ever arrive? */
bool chardev_interactive(const struct chardev *c);     /* input from a terminal (a person) */
bool chardev_quit_requested(const struct chardev *c);   /* Ctrl-A x */
/* Feed input as if it came from the host (tests, replay). */
void chardev_inject(struct chardev *c, const uint8_t *buf, size_t len);
/* Replay (-icount rr=replay): the host is never read again (chardev_poll only hands pending
 * bytes to the frontend), the terminal is left as it was, and whether input is still possible
 * is what the recording says (chardev_set_input_ended). */
void chardev_set_replay(struct chardev *c, bool input_possible);
void chardev_set_input_ended(struct chardev *c);

/* ---- PL011 UART (machine/pl011.c, ARM PrimeCell UART PL011 TRM DDI 0183) ---- */
struct pl011;
extern const struct mmio_ops pl011_mmio_ops;
struct pl011 *pl011_new(struct chardev *chr, struct irq_line irq);   /* chr may be NULL */
void pl011_free(struct pl011 *s);
void pl011_reset(struct pl011 *s);
size_t pl011_can_receive(void *opaque);
void pl011_receive(void *opaque, const uint8_t *buf, size_t len);
bool pl011_irq_level(const struct pl011 *s);

/* ---- PL031 RTC (machine/pl031.c): deterministic, counts virtual seconds from a fixed epoch ---- */
struct pl031;
extern const struct mmio_ops pl031_mmio_ops;
struct pl031 *pl031_new(uint32_t epoch, uint64_t (*now_ns)(void *), void *now_opaque,
                        struct irq_line irq);
void pl031_free(struct pl031 *s);

/* ---- kernel / initrd / DTB placement (machine/loader.c; QEMU hw/arm/boot.c rules) ---- */
#define FL_ERRLEN 256
enum kernel_kind { KERNEL_ELF, KERNEL_IMAGE, KERNEL_RAW };
struct boot_layout {
    uint64_t ram_base, ram_size;            /* in */
    enum kernel_kind kind;                  /* out: what -kernel turned out to be */
    bool is_linux;                          /* Image/raw: Linux boot protocol (initrd, DTB after it) */
    uint64_t entry;
    uint64_t kernel_low, kernel_high;       /* occupied [low, high), high includes Image bss */
    uint64_t initrd_start, initrd_size;     /* initrd_size 0 = none */
    uint64_t dtb_addr, dtb_limit;           /* dtb_limit 0 = end of RAM */
};
/* Load -kernel into RAM through the bus. Returns 0, or -1 with err = "what: why". */
int loader_load_kernel(struct bus *b, const char *path, struct boot_layout *bl, char *err, size_t errlen);
/* Same, from a buffer already in memory (tests, reset). */
int loader_load_kernel_buf(struct bus *b, const char *name, const uint8_t *buf, size_t len,
                           struct boot_layout *bl, char *err, size_t errlen);
/* After the kernel: compute initrd_start and (path != NULL) load the initrd there. */
int loader_load_initrd(struct bus *b, const char *path, struct boot_layout *bl, char *err, size_t errlen);
/* After the initrd: choose dtb_addr for a blob of dtb_size bytes. */
int loader_place_dtb(struct boot_layout *bl, size_t dtb_size, char *err, size_t errlen);
/* Read a whole host file (error text names the file). Caller frees. */
uint8_t *loader_read_file(const char *path, size_t *len, char *err, size_t errlen);

/* ---- device tree for the virt board (machine/fdt.c, libfdt) ---- */
struct virt_fdt_config {
    uint64_t ram_base, ram_size;
    unsigned ncpus;
    bool cpu_max;                      /* -cpu max: "arm,arm-v8", else "arm,cortex-a57" */
    unsigned gic_version;              /* 2 or 3 */
    bool psci_smc;                     /* psci method "smc" (else "hvc") */
    const char *bootargs;              /* -append, NULL = none */
    uint64_t initrd_start, initrd_size;
    uint64_t seed;                     /* kaslr-seed / rng-seed derive from this, never the host */
    bool has_pl031;
    bool has_sram;                     /* sram@9060000, compatible "mmio-sram" (-M virt,sram=on) */
    /* DMA masters (machine/board_virtio.c; all zero = none, the tree is unchanged) */
    unsigned nvirtio;                  /* virtio-mmio transports 0..nvirtio-1 (stream ID = n) */
    bool has_smmu;                     /* iommu@9050000 and `iommus` on the transports */
    uint64_t smmu_size;                /* smmu_region_size() */
    unsigned smmu_ncb;                 /* context banks: one interrupt each after the global one */
    bool has_pl330;                    /* dma-controller@9070000 (-device pl330) */
    bool pl330_iommu;                  /* behind the SMMU: `iommus = <&smmu pl330_sid>` */
    uint32_t pl330_sid;
};
/* Build the board's tree (QEMU 7.2 virt layout). *blob is malloc'ed and packed. */
int virt_fdt_build(const struct virt_fdt_config *cfg, void **blob, size_t *size, char *err, size_t errlen);
/* Load and validate a -dtb file, then patch it as QEMU does (memory node, /chosen bootargs and
 * initrd). Malformed → -1 with err. */
int virt_fdt_load(const char *path, const struct virt_fdt_config *cfg, void **blob, size_t *size,
                  char *err, size_t errlen);
int virt_fdt_check(const void *blob, size_t len, const char *name, char *err, size_t errlen);
int virt_fdt_write(const char *path, const void *blob, size_t size, char *err, size_t errlen);

/* ---- PSCI 1.1 / SMCCC firmware (machine/psci.c), behind cpu_hooks.smccc ---- */
struct cpu;
struct psci;
enum psci_request { PSCI_REQ_NONE = 0, PSCI_REQ_SYSTEM_OFF, PSCI_REQ_SYSTEM_RESET };
/* cpus[i] must have MPIDR affinity i (the board's numbering). */
struct psci *psci_new(struct cpu *const *cpus, unsigned ncpus);
void psci_free(struct psci *p);
bool psci_smccc(void *psci, struct cpu *c, bool is_hvc, uint16_t imm);
/* Pending machine-level request from SYSTEM_OFF / SYSTEM_RESET (cleared by the call). */
enum psci_request psci_take_request(struct psci *p);

/* ---- command line (machine/cmdline.c): qemu-system-aarch64 spellings + faultline's own ---- */
/* -drive file=F,if=none,format=raw,id=ID and -device virtio-blk-device,drive=ID /
 * -device virtio-rng-device: device n (command-line order) is virtio-mmio transport n
 * (VIRT_VIRTIO_MMIO + n × 0x200, SPI 16 + n, SMMU stream ID n). */
#define FL_MAX_DRIVES  8
#define FL_MAX_DEVICES 32
enum fl_iommu { FL_IOMMU_DEFAULT = 0, FL_IOMMU_NONE, FL_IOMMU_SMMUV2 };
/* -device pl330[,sid=N][,iommu=on|off]: the DMA-330 at VIRT_DMA (machine/pl330.h), not a virtio
 * transport (the transports are numbered without it); at most one. */
enum fl_device_kind { FL_DEV_VIRTIO_BLK = 1, FL_DEV_VIRTIO_RNG, FL_DEV_PL330 };
struct fl_drive { char id[32]; char file[1024]; bool readonly;
                  bool snapshot;       /* snapshot=on: writes go to a private in-memory overlay */ };
struct fl_device {
    enum fl_device_kind kind;
    int drive;                           /* index in drives[] (virtio-blk) */
    char drive_id[32];
    uint32_t sid;                        /* pl330: stream ID (default PL330_DEFAULT_SID = 0x20) */
    bool no_iommu;                       /* pl330,iommu=off: no SMMU in front of this master */
};
enum fl_action { FL_RUN = 0, FL_HELP, FL_VERSION, FL_LIST /* -d help, -cpu help, -M help */ };
struct fl_options {
    enum fl_action action;
    const char *list_text;               /* FL_LIST: what to print */
    uint64_t ram_size;                   /* -m, default 128 MiB as QEMU */
    unsigned smp;                        /* -smp, 1..8 */
    unsigned gic_version;                /* -M virt,gic-version=, default 2 as QEMU */
    int cpu_profile;                     /* enum cpu_profile; -cpu, default cortex-a57 */
    const char *kernel, *initrd, *append, *dtb, *dumpdtb, *serial, *logfile;
    bool nographic, no_reboot, summary;
    unsigned log_mask;                   /* CPU_LOG_* from -d */
    uint64_t icount_limit;               /* 0 = none */
    uint64_t quantum;                    /* instructions per vCPU turn */
    uint64_t seed;                       /* -seed: kaslr-seed / rng-seed */
    int64_t rtc_base;                    /* -rtc base=: Unix time at boot; -1 = host time */
    const char *gdb;                     /* -gdb tcp::PORT (-s = tcp::1234), NULL: no stub */
    bool gdb_wait;                       /* -S: stopped at the first instruction until gdb continues */
    enum { FL_HV_NONE = 0, FL_HV_XEN } hv;  /* -hv: the bare machine or the native hypervisor */
    uint64_t hv_dom0_mem;                /* -hv xen,dom0_mem=: 0 = default */
    bool hv_xen_node;                    /* -hv xen,hypervisor-node=on */
    unsigned hv_mmio;                    /* enum hv_mmio_policy: -hv xen,mmio=eager|lazy|hypercall */
    bool hv_granule_region;              /* -hv xen,mmio_granule=region */
    unsigned hv_mmio_type;               /* enum p2m_type, 0 = default (p2m_mmio_direct_c) */
    unsigned hv_noverrides;              /* -hv xen,region=BASE:TYPE (repeatable) */
    struct { uint64_t base; unsigned type; } hv_overrides[8];
    unsigned hv_niomem;                  /* -hv xen,iomem=BASE+SIZE / iomem_deny=BASE+SIZE */
    struct { uint64_t base, size; bool deny; } hv_iomem[16];
    uint64_t hv_trap_cycles;             /* -hv xen,trap_cycles=N (default fl_default_trap_cycles) */
    unsigned hv_nforeign;                /* -hv xen,foreign=IPA:PA[:N] (repeatable, HV_MAX_FOREIGN) */
    struct { uint64_t ipa, pa, pages; } hv_foreign[4];
    const char *hv_arg;                  /* the -hv argument as given (summary, trace header) */
    const char *trace_file;              /* -trace file=FILE */
    bool trace_sync;                     /* -trace ...,sync=on: write(2) every record */
    struct tracer *tracer;               /* opened by main before board_create (NULL: off) */
    struct fl_drive drives[FL_MAX_DRIVES];     /* -drive */
    unsigned ndrives;
    struct fl_device devices[FL_MAX_DEVICES];  /* -device */
    unsigned ndevices;
    enum fl_iommu iommu;                 /* -M virt,iommu=smmuv2|none; default: smmuv2 with devices */
    bool sram;                           /* -M virt,sram=on: 64 KiB mmio-sram at VIRT_SRAM (seed 002) */
    enum { FL_RR_OFF = 0, FL_RR_RECORD, FL_RR_REPLAY } rr;  /* -icount ...,rr=record|replay */
    const char *rr_file;                 /* -icount ...,rrfile=FILE */
    struct rr *rr_ctx;                   /* opened by main before board_create (NULL: off) */
};
/* 0 ok; -1 with err = "what: why" (print as "faultline: <err>", exit 1). */
int fl_parse_args(int argc, char **argv, struct fl_options *o, char *err, size_t errlen);
int fl_parse_size(const char *s, uint64_t *out);     /* QEMU -m syntax; no suffix = MiB */
/* -hv xen,trap_cycles default for a -cpu profile (enum cpu_profile): cycles per EL2 round trip. */
uint64_t fl_default_trap_cycles(int cpu_profile);
void fl_print_help(void *f /* FILE* */);
#define FAULTLINE_VERSION "0.1.0"

/* ---- DMA-trace replay (machine/dma_replay.c; docs/trace.md "Replaying DMA") ----
 * Rebuild the machine of a recorded -hv xen run from its trace header's command line with the
 * MMIO policy replaced, run no CPU, re-apply the recorded CPU-driven p2m changes (FAULT,
 * HYPERCALL, DOMCTL) where the policy has not mapped the page, and re-issue every recorded DMA
 * transfer through the SMMU as translations only, in the recorded order. */
#define DMA_REPLAY_RECORDED (-1)           /* policy: the recorded command line's own */
struct dma_replay_xfer {                   /* one recorded DMA record, replayed */
    uint64_t n;                            /* 1, 2, ... in trace order */
    uint64_t cycle, icount;                /* the recorded stamp */
    uint32_t vcpu, sid;
    const char *dev;                       /* the master's name from the trace (NULL: unknown) */
    uint64_t iova, len;
    uint8_t beat;                          /* recorded bytes per beat (0: not given) */
    bool fixed;                            /* recorded fixed-address burst: replayed on iova's page */
    bool is_write;                         /* the device writes memory */
    uint8_t rec_result, result;            /* enum trace_dma_result: recorded, replayed */
    uint64_t rec_pa;                       /* as recorded (0 when the master did not say) */
    uint64_t pa;                           /* replayed output address of iova (0: its page faulted) */
    uint64_t fault_iova;                   /* replayed: first IOVA that failed (0: none) */
    uint32_t fsr;                          /* replayed SMMU fault: its FSR bit (SMMU_CBn_FSR) */
    int cb;                                /* ... and context bank (-1: none) */
    bool changed;                          /* result != rec_result */
};
struct dma_replay_summary {
    uint64_t records;                      /* recorded records read */
    uint64_t transfers, rec_faults, faults, changed;   /* DMA records; SMMU faults recorded/replayed */
    uint64_t p2m_applied;                  /* recorded CPU-driven p2m changes re-applied */
    uint64_t p2m_pages;                    /* ... 4 KiB pages they mapped or unmapped */
    uint64_t p2m_already;                  /* pages the replay policy had mapped already */
    uint64_t p2m_ignored;                  /* BOOT/TEARDOWN records, other domains */
    uint64_t p2m_failed;                   /* changes the machine did not take (out of range, ...) */
    bool run_end;                          /* the recorded trace ends with RUN-END */
    char recorded_policy[512], replay_policy[512];
};
struct dma_replay_config {
    const char *trace;                     /* the recorded trace file */
    int policy;                            /* enum hv_mmio_policy, or DMA_REPLAY_RECORDED */
    const char *out;                       /* write the replayed records as a trace (NULL: no) */
    void (*xfer)(void *opaque, const struct dma_replay_xfer *x);   /* per transfer (may be NULL) */
    void *opaque;
};
/* 0, or -1 with err ("FILE: why") for bad input: unreadable/malformed/truncated trace, a trace
 * not from -hv xen, missing images or images whose SHA-256 differs, a DMA master the machine
 * lacks. Transfers before an error were already reported. Never crashes on a malformed trace. */
int dma_replay(const struct dma_replay_config *cfg, struct dma_replay_summary *sum, char *err, size_t errlen);

#endif
