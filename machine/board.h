/* machine/board.h — private to machine/: the virt board object used by main.c and tests. */
#ifndef FAULTLINE_MACHINE_BOARD_H
#define FAULTLINE_MACHINE_BOARD_H
#include <stdio.h>
#include "cpu/cpu.h"
#include "machine/machine.h"

#define BOARD_MAX_CPUS 8

/* Exit statuses of the emulator (documented in --help). */
enum { EXIT_GUEST_OFF = 0, EXIT_HOST_ERROR = 1, EXIT_GUEST_STUCK = 2, EXIT_ICOUNT_LIMIT = 3,
       EXIT_REPLAY_DIVERGED = 4 };

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
    struct rr *rr;             /* -icount rr=record|replay (o->rr_ctx), NULL: off */
    uint64_t round;            /* main-loop iterations so far: where inputs are placed */
    uint8_t rr_point;          /* enum trace_rr_point of the console poll in progress */
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
/* The header of a run's trace (rr: also the replay key and every -drive's SHA-256). 0, or -1
 * with err; trace_meta_free it. */
struct trace_meta;
int board_trace_meta(const struct fl_options *o, int argc, char **argv, bool rr, struct trace_meta *m,
                     char *err, size_t errlen);
/* The stamp (vCPU, icount, cycle) of the vCPU that runs now. */
struct trace_ts;
void board_clock(struct board *b, struct trace_ts *ts);

/* machine/replay.c — record/replay (-icount rr=...; docs/trace.md "Record and replay"). */
struct rr;
struct trace_rr_input;
/* Record: create rrfile with the header. Replay: read it whole, refuse another command line,
 * other images or a damaged file. NULL with err. */
struct rr *rr_open(const struct fl_options *o, int argc, char **argv, char *err, size_t errlen);
bool rr_replaying(const struct rr *rr);
void rr_record(struct rr *rr, const struct trace_ts *ts, const struct trace_rr_input *in);  /* record mode */
void rr_flush(struct rr *rr);
/* Replay: the next recorded input (and its stamp), NULL when none are left; rr_pop consumes it. */
const struct trace_rr_input *rr_peek(struct rr *rr, struct trace_ts *ts);
void rr_pop(struct rr *rr);
bool rr_have_end(const struct rr *rr);
/* Replay, every inputs delivered: has a vCPU run past the recorded end? (Then the runs went
 * apart: a replay must not idle on forever.) Reports the divergence. */
bool rr_past_end(struct rr *rr, struct board *b);
void rr_diverged(struct rr *rr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* End of the run. Record: RUN-END with every vCPU's counts. Replay: compare with the recording,
 * print "replay: identical (...)" or the divergence. Returns the exit status. */
int rr_finish(struct rr *rr, struct board *b, int status);
void rr_free(struct rr *rr);

/* "xen,mmio=lazy,mmio_granule=page,mmio_type=p2m_mmio_direct_c" etc. */
void board_hv_policy(const struct fl_options *o, char *buf, size_t len);

#endif
