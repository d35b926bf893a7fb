/* machine/pl330.h — the Arm CoreLink DMA-330 (PL330) DMA controller (Arm DDI 0424D, TRM r1p2):
 * a register-level model whose channel threads fetch their microcode and move their data by
 * DMA through a `struct dma_port` (smmu/smmu.h), i.e. through the SMMU with the engine's stream
 * ID, or straight to the bus for a master with no SMMU. The behaviour, the configuration and
 * what is not modelled are described at the top of machine/pl330.c and in docs/dma.md.
 *
 * Interrupt outputs: line PL330_IRQ_ABORT is irq_abort (high while any thread is Faulting);
 * line PL330_IRQ_EVENT(n) is irq[n] (high while INTMIS[n] = 1, cleared by INTCLR). All level. */
#ifndef FAULTLINE_MACHINE_PL330_H
#define FAULTLINE_MACHINE_PL330_H
#include <stdbool.h>
#include <stdint.h>
#include "machine/machine.h"
#include "smmu/smmu.h"

#define PL330_SIZE          0x1000u
#define PL330_MAX_CHANNELS  8u
#define PL330_MAX_EVENTS    32u
#define PL330_IRQ_ABORT     0u
#define PL330_IRQ_EVENT(n)  (1u + (n))
#define PL330_NUM_IRQS      (1u + PL330_MAX_EVENTS)
/* Board defaults (docs/dma.md): stream ID of the engine's AXI master when behind the SMMU. */
#define PL330_DEFAULT_SID   0x20u
/* Instructions the whole engine executes per kick (a DBGCMD write, a register access, a board
 * round) before it returns with the threads still Executing; they continue at the next kick. */
#define PL330_BUDGET        4096u
/* Virtual-time cost charged per kick: 1 cycle per instruction + 1 per 8 bytes moved (one beat
 * of the 64-bit AXI data bus). */
#define PL330_COST_BYTES_SHIFT 3

/* Configuration: what CR0..CR4/CRD report. pl330_default_config gives the board's engine. */
struct pl330_config {
    unsigned num_chnls;        /* CR0.num_chnls + 1: 1..8 */
    unsigned num_events;       /* CR0.num_events + 1: 1..32 (events = interrupt outputs) */
    unsigned data_buf_dep;     /* CRD.data_buffer_dep + 1: MFIFO lines of 8 bytes, 1..1024 */
    uint32_t cr3_ins;          /* CR3: boot_irq_ns — event n may be used by a Non-secure thread */
    bool mgr_ns;               /* CR0.mgr_ns_at_rst: the manager runs Non-secure (DSR.DNS) */
};
void pl330_default_config(struct pl330_config *cfg);   /* 8 channels, 8 events, 128 lines, 0, secure */

struct pl330;
extern const struct mmio_ops pl330_mmio_ops;           /* opaque = struct pl330 * */
/* smmu may be NULL (no SMMU in front of the master). irqs[PL330_NUM_IRQS] (copied; entries of
 * unused events may be zero). Returns NULL on a bad configuration or out of memory. */
struct pl330 *pl330_new(const struct pl330_config *cfg, struct bus *bus, struct smmu *smmu, uint32_t sid,
                        const struct irq_line *irqs);
void pl330_free(struct pl330 *s);
void pl330_reset(struct pl330 *s);
/* Let the threads still Executing run for up to `budget` instructions (the board calls it once
 * per round). Returns true if any instruction was executed. */
bool pl330_run(struct pl330 *s, unsigned budget);
bool pl330_busy(const struct pl330 *s);                /* some thread is Executing */
bool pl330_irq_level(const struct pl330 *s, unsigned line);
struct dma_port *pl330_dma_port(struct pl330 *s);      /* last fault details (tests) */
/* Hooks: trace (one DMA record per DMALD/DMAST/DMASTZ, master name interned by the caller)
 * and the virtual-time cost of each kick (NULL: none). */
void pl330_set_trace(struct pl330 *s, struct tracer *tr, uint32_t name_id);
void pl330_set_charge(struct pl330 *s, void (*charge)(void *opaque, uint64_t cycles), void *opaque);

struct pl330_stats { uint64_t insns, bytes_read, bytes_written, faults, kicks; };
void pl330_get_stats(const struct pl330 *s, struct pl330_stats *st);

#endif
