/* machine/virtio.h — virtio 1.x over MMIO ("virtio-mmio", Version 2, the modern register
 * layout of the virtio 1.1 specification §4.2.2) with split virtqueues (§2.6), and the devices
 * behind it: virtio-blk (§5.2) and virtio-rng (§5.4).
 *
 * A transport is one 512-byte window (VIRT_VIRTIO_MMIO + n × 0x200, SPI 16 + n). It is a DMA
 * master with its own stream ID: every ring and buffer access goes through dma_read/dma_write
 * (smmu/smmu.h), so with VIRTIO_F_ACCESS_PLATFORM the addresses the driver writes are IOVAs
 * that the SMMU translates. A DMA that faults (SMMU abort or bus error) is the device's bus
 * error: it sets DEVICE_NEEDS_RESET in Status, raises a configuration-change interrupt and does
 * no more work until the driver resets it (Status = 0).
 *
 * Device work runs synchronously inside the QueueNotify write (deterministic); its cost in
 * virtual time is reported through the transport's `charge` hook (see VIRTIO_COST_*). */
#ifndef FAULTLINE_MACHINE_VIRTIO_H
#define FAULTLINE_MACHINE_VIRTIO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "machine/machine.h"
#include "smmu/smmu.h"

#define VIRTIO_MMIO_SIZE        0x200u
#define VIRTIO_MMIO_MAGIC       0x74726976u     /* "virt" */
#define VIRTIO_MMIO_VENDOR      0x554d4551u     /* "QEMU", as QEMU's transports report */
#define VIRTIO_MAX_QUEUES       4
#define VIRTIO_QUEUE_MAX        256             /* QueueNumMax */
#define VIRTIO_CONFIG_MAX       64              /* bytes of device configuration space */
#define VIRTIO_MAX_SEGS         (VIRTIO_QUEUE_MAX + 8)

/* Register offsets (virtio 1.1 §4.2.2, Table "MMIO Device Register Layout"). */
enum {
    VIRTIO_MMIO_MAGIC_VALUE = 0x000, VIRTIO_MMIO_VERSION = 0x004, VIRTIO_MMIO_DEVICE_ID = 0x008,
    VIRTIO_MMIO_VENDOR_ID = 0x00c, VIRTIO_MMIO_DEVICE_FEATURES = 0x010,
    VIRTIO_MMIO_DEVICE_FEATURES_SEL = 0x014, VIRTIO_MMIO_DRIVER_FEATURES = 0x020,
    VIRTIO_MMIO_DRIVER_FEATURES_SEL = 0x024, VIRTIO_MMIO_QUEUE_SEL = 0x030,
    VIRTIO_MMIO_QUEUE_NUM_MAX = 0x034, VIRTIO_MMIO_QUEUE_NUM = 0x038, VIRTIO_MMIO_QUEUE_READY = 0x044,
    VIRTIO_MMIO_QUEUE_NOTIFY = 0x050, VIRTIO_MMIO_INTERRUPT_STATUS = 0x060,
    VIRTIO_MMIO_INTERRUPT_ACK = 0x064, VIRTIO_MMIO_STATUS = 0x070,
    VIRTIO_MMIO_QUEUE_DESC_LOW = 0x080, VIRTIO_MMIO_QUEUE_DESC_HIGH = 0x084,
    VIRTIO_MMIO_QUEUE_DRIVER_LOW = 0x090, VIRTIO_MMIO_QUEUE_DRIVER_HIGH = 0x094,
    VIRTIO_MMIO_QUEUE_DEVICE_LOW = 0x0a0, VIRTIO_MMIO_QUEUE_DEVICE_HIGH = 0x0a4,
    VIRTIO_MMIO_SHM_SEL = 0x0ac, VIRTIO_MMIO_SHM_LEN_LOW = 0x0b0, VIRTIO_MMIO_SHM_LEN_HIGH = 0x0b4,
    VIRTIO_MMIO_SHM_BASE_LOW = 0x0b8, VIRTIO_MMIO_SHM_BASE_HIGH = 0x0bc,
    VIRTIO_MMIO_CONFIG_GENERATION = 0x0fc, VIRTIO_MMIO_CONFIG = 0x100,
};
/* Device status bits (§2.1) */
enum {
    VIRTIO_STATUS_ACKNOWLEDGE = 1, VIRTIO_STATUS_DRIVER = 2, VIRTIO_STATUS_DRIVER_OK = 4,
    VIRTIO_STATUS_FEATURES_OK = 8, VIRTIO_STATUS_DEVICE_NEEDS_RESET = 64, VIRTIO_STATUS_FAILED = 128,
};
/* InterruptStatus bits (§4.2.2) */
enum { VIRTIO_MMIO_INT_VRING = 1, VIRTIO_MMIO_INT_CONFIG = 2 };
/* Reserved feature bits (§6) */
#define VIRTIO_F_INDIRECT_DESC   28
#define VIRTIO_F_VERSION_1       32
#define VIRTIO_F_ACCESS_PLATFORM 33
/* Split virtqueue descriptor flags (§2.6.5) */
enum { VIRTQ_DESC_F_NEXT = 1, VIRTQ_DESC_F_WRITE = 2, VIRTQ_DESC_F_INDIRECT = 4 };

/* Virtual-time cost of device work (cycles of the notifying vCPU): a fixed cost per
 * QueueNotify plus one cycle per 16 bytes moved by DMA. */
#define VIRTIO_COST_NOTIFY      2000u
#define VIRTIO_COST_BYTES_SHIFT 4

/* One descriptor chain popped from the available ring, flattened (indirect tables expanded):
 * the device-readable segments come first, then the device-writable ones (§2.6.4.2). */
struct virtq_seg { uint64_t addr; uint32_t len; bool write; };
struct virtq_elem {
    uint16_t head;
    unsigned nsegs;
    struct virtq_seg seg[VIRTIO_MAX_SEGS];
    uint64_t in_len, out_len;   /* device-readable bytes, device-writable bytes */
};

struct virtio_mmio;
/* A device behind the transport. */
struct virtio_device_ops {
    const char *name;
    uint32_t device_id;             /* §5: 2 block, 4 entropy */
    uint64_t features;              /* device-specific feature bits (the transport adds VERSION_1,
                                       ACCESS_PLATFORM and INDIRECT_DESC) */
    unsigned num_queues;
    /* Read of the configuration space: fill cfg[0..VIRTIO_CONFIG_MAX). */
    void (*get_config)(void *dev, uint8_t *cfg);
    /* The driver notified queue q (DRIVER_OK set, the queue ready): pop and complete chains with
     * the virtq_* helpers. Returns false when a DMA failed (the transport is then broken). */
    bool (*notify)(void *dev, struct virtio_mmio *t, unsigned q);
    void (*reset)(void *dev);
};

struct virtq {
    uint32_t num;
    bool ready;
    uint64_t desc, driver, device;  /* descriptor table, available ring, used ring */
    uint16_t last_avail;            /* next available-ring entry the device takes */
    uint16_t used_idx;
};

struct virtio_mmio {
    const struct virtio_device_ops *ops;
    void *dev;
    struct dma_port dma;
    struct irq_line irq;
    void (*charge)(void *opaque, uint64_t cycles);   /* virtual-time cost hook, may be NULL */
    void *charge_opaque;
    struct tracer *tr;           /* DMA records (machine/trace.h), NULL: off */
    uint32_t tr_name;            /* interned master name */
    /* registers */
    uint32_t device_features_sel, driver_features_sel, queue_sel, status, interrupt_status;
    uint32_t config_generation;
    uint64_t driver_features;
    struct virtq vq[VIRTIO_MAX_QUEUES];
    /* state and statistics */
    bool broken;                    /* a DMA failed: NEEDS_RESET until Status = 0 */
    uint64_t bytes;                 /* DMA bytes moved during the current notify */
    bool in_notify;                 /* processing a QueueNotify: register writes (the device's
                                       own DMA reaching them) are ignored */
    uint64_t notifies, chains, dma_faults, guest_errors;
};

extern const struct mmio_ops virtio_mmio_ops;      /* opaque = struct virtio_mmio * */
/* smmu may be NULL (a master with no SMMU: the addresses are PAs). */
struct virtio_mmio *virtio_mmio_new(const struct virtio_device_ops *ops, void *dev, struct bus *bus,
                                    struct smmu *smmu, uint32_t stream_id, struct irq_line irq);
void virtio_mmio_free(struct virtio_mmio *t);
void virtio_mmio_reset(struct virtio_mmio *t);     /* also resets the device */
uint64_t virtio_mmio_device_features(const struct virtio_mmio *t);

/* ---- virtqueue helpers for devices (all DMA through the transport's port) ----
 * virtq_pop: 1 = a chain in *e, 0 = the ring is empty, -1 = DMA fault or a malformed chain
 * (the transport is broken). */
int virtq_pop(struct virtio_mmio *t, unsigned q, struct virtq_elem *e);
/* Gather len bytes of the device-readable part from offset `off`; scatter into the writable
 * part. Return false on a DMA failure (the transport is broken) or when out of range. */
bool virtq_read(struct virtio_mmio *t, const struct virtq_elem *e, uint64_t off, void *buf, size_t len);
bool virtq_write(struct virtio_mmio *t, const struct virtq_elem *e, uint64_t off, const void *buf, size_t len);
/* Put the chain in the used ring with `written` bytes written. */
bool virtq_push(struct virtio_mmio *t, unsigned q, const struct virtq_elem *e, uint32_t written);
/* Raise the used-buffer interrupt (InterruptStatus bit 0). */
void virtq_interrupt(struct virtio_mmio *t);
/* Device-side DMA failure: DEVICE_NEEDS_RESET + configuration-change interrupt. */
void virtio_mmio_set_broken(struct virtio_mmio *t);

/* ---- virtio-blk (machine/virtio_blk.c), backed by a host file (raw format) ---- */
struct virtio_blk;
extern const struct virtio_device_ops virtio_blk_ops;
/* id = the -drive id (GET_ID serial). Returns NULL with err = "what: why". */
/* snapshot: writes go to a private copy-on-write mapping, the file is never modified. */
struct virtio_blk *virtio_blk_new(const char *path, const char *id, bool readonly, bool snapshot,
                                  char *err, size_t errlen);
void virtio_blk_free(struct virtio_blk *d);
uint64_t virtio_blk_capacity(const struct virtio_blk *d);   /* 512-byte sectors */
enum { VIRTIO_BLK_T_IN = 0, VIRTIO_BLK_T_OUT = 1, VIRTIO_BLK_T_FLUSH = 4, VIRTIO_BLK_T_GET_ID = 8 };
enum { VIRTIO_BLK_S_OK = 0, VIRTIO_BLK_S_IOERR = 1, VIRTIO_BLK_S_UNSUPP = 2 };
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO       5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9
#define VIRTIO_BLK_ID_BYTES   20

/* ---- virtio-rng (machine/virtio_rng.c): bytes from a generator seeded by -seed ---- */
struct virtio_rng;
extern const struct virtio_device_ops virtio_rng_ops;
struct virtio_rng *virtio_rng_new(uint64_t seed);
void virtio_rng_free(struct virtio_rng *d);

#endif
