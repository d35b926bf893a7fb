/* machine/board.h — private to machine/: the virt board object used by main.c and tests. */
#ifndef FAULTLINE_MACHINE_BOARD_H
#define FAULTLINE_MACHINE_BOARD_H
#include <stdio.h>
#include "cpu/cpu.h"
#include "machine/machine.h"

#define BOARD_MAX_CPUS 8

/* Exit statuses of the emulator (documented in --help). */
enum { EXIT_GUEST_OFF = 0, EXIT_HOST_ERROR = 1, EXIT_GUEST_STUCK = 2, EXIT_ICOUNT_LIMIT = 3 };

struct board {
    const struct fl_options *o;
    struct bus *bus;
    uint8_t *ram;
    uint8_t *sram;             /* -M virt,sram=on: VIRT_SRAM_SIZE bytes at VIRT_SRAM (bus-owned), or NULL */
    struct cpu_shared *sh;
    struct cpu *cpus[BOARD_MAX_CPUS];
    unsigned ncpus;
    struct psci *psci;
    struct chardev *chr;
    struct pl011 *uart;
    struct pl031 *rtc;
    FILE *logf;
    struct boot_layout bl;
    void *dtb;
    size_t dtb_size;
    struct gic *gic;
    struct gdbstub *gdb;       /* -gdb / -s, or NULL */
    struct hv *hv;             /* -hv xen: the native hypervisor (hv/), or NULL */
    uint64_t rtc_base;         /* Unix time the PL031 started from */
    uint64_t idle_skips;       /* times virtual time jumped to a timer event (all vCPUs idle) */
    unsigned resets;
    double wall_start;
    struct board_virtio *virtio;      /* SMMU + virtio-mmio devices (board_virtio.c), NULL: none */
    struct tracer *tr;         /* -trace file=: the trace stream (o->tracer), NULL: off */
    unsigned cur_cpu;          /* the vCPU running now (trace clock) */
    int last_vcpu;             /* the last one that ran (VCPU-SWITCH records), -1: none yet */
    uint32_t console_id;       /* interned "pl011" (CONSOLE-IN records) */
};

/* chr may be NULL (tests): no console. Returns NULL with err. */
struct board *board_create(const struct fl_options *o, struct chardev *chr, char *err, size_t errlen);
/* Load kernel/initrd/DTB and reset the vCPUs (also used for SYSTEM_RESET). */
int board_load(struct board *b, char *err, size_t errlen);
/* Run until the guest stops; returns the process exit status. */
int board_run(struct board *b);
void board_print_summary(struct board *b, FILE *f);
void board_free(struct board *b);
uint64_t board_now_ns(void *board);
/* machine/board_virtio.c: the SMMU and the virtio-mmio devices of -device (nothing without). */
int board_virtio_create(struct board *b, char *err, size_t errlen);
void board_virtio_reset(struct board *b);
void board_virtio_fdt(const struct board *b, struct virt_fdt_config *fc);
void board_virtio_free(struct board *b);
void board_virtio_set_tracer(struct board *b, struct tracer *tr);
/* -hv xen: the seed-004 watch (hv_dma_unprotected) on every DMA master with no SMMU. */
struct hv;
void board_virtio_watch_dma(struct board *b, struct hv *hv);
/* The board's SMMU (NULL: none), its base and interrupts — what -hv xen takes over. */
struct smmu *board_virtio_smmu(const struct board *b, uint64_t *base, unsigned *irq_global, unsigned *irq_context);
/* The DMA master with stream ID sid (DMA-trace replay): true, and *smmu = the SMMU in front of
 * it (NULL: none, its addresses are PAs); false: no master has that stream ID. */
bool board_dma_master(const struct board *b, uint32_t sid, struct smmu **smmu);
/* Once per board round: DMA work still pending (the PL330's Executing channels) continues.
 * Returns true if it did something (the round made progress). */
bool board_virtio_poll(struct board *b);
/* Trace stream of a run: open FILE with the header (argv as the machine configuration, the
 * -hv policy, SHA-256 of kernel/initrd/dtb); NULL with err on failure. */
struct tracer *board_trace_open(const struct fl_options *o, int argc, char **argv, char *err, size_t errlen);
/* RUN-END record, flush and close. */
void board_trace_close(struct board *b, int status);
/* "xen,mmio=lazy,mmio_granule=page,mmio_type=p2m_mmio_direct_c" etc. */
void board_hv_policy(const struct fl_options *o, char *buf, size_t len);

#endif
