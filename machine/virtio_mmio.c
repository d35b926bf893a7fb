/* machine/virtio_mmio.c — the virtio-mmio transport (virtio 1.1 §4.2, Version 2 only) and the
 * split virtqueue (§2.6) as seen from the device. Every ring and buffer access is a DMA through
 * the transport's dma_port (its stream ID in the SMMU); see machine/virtio.h for the contract.
 *
 * Guest errors (wrong access size, unknown offsets, writes to read-only registers, malformed
 * descriptor chains) are logged with -d guest_errors and never stop the emulator: registers
 * answer RAZ/WI, a malformed chain breaks the device (DEVICE_NEEDS_RESET) as a DMA fault does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine/virtio.h"
#include "machine/trace.h"

#define TRANSPORT_FEATURES ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_ACCESS_PLATFORM) | \
                            (1ull << VIRTIO_F_INDIRECT_DESC))

static void guest_error(struct virtio_mmio *t, const char *fmt, const char *what, uint64_t v)
{
    t->guest_errors++;
    char msg[160];
    snprintf(msg, sizeof msg, fmt, what, (unsigned long long)v);
    mlog_guest_error("virtio-mmio (%s, sid %u): %s", t->ops->name, t->dma.sid, msg);
}

uint64_t virtio_mmio_device_features(const struct virtio_mmio *t)
{
    return t->ops->features | TRANSPORT_FEATURES;
}

static void update_irq(struct virtio_mmio *t)
{
    irq_line_set(&t->irq, t->interrupt_status != 0);
}

void virtio_mmio_reset(struct virtio_mmio *t)
{
    t->device_features_sel = t->driver_features_sel = t->queue_sel = 0;
    t->status = t->interrupt_status = 0;
    t->driver_features = 0;
    memset(t->vq, 0, sizeof t->vq);
    t->broken = false;
    if (t->ops->reset) t->ops->reset(t->dev);
    update_irq(t);
}

struct virtio_mmio *virtio_mmio_new(const struct virtio_device_ops *ops, void *dev, struct bus *bus,
                                    struct smmu *smmu, uint32_t stream_id, struct irq_line irq)
{
    struct virtio_mmio *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->ops = ops;
    t->dev = dev;
    t->irq = irq;
    dma_port_init(&t->dma, bus, smmu, stream_id);
    virtio_mmio_reset(t);
    return t;
}

void virtio_mmio_free(struct virtio_mmio *t) { free(t); }

void virtio_mmio_set_broken(struct virtio_mmio *t)
{
    if (t->broken) return;
    t->broken = true;
    t->dma_faults++;
    /* §2.1.2: the device sets DEVICE_NEEDS_RESET and, if DRIVER_OK is set, notifies the driver
     * with a configuration change notification. */
    t->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    if (t->status & VIRTIO_STATUS_DRIVER_OK) {
        t->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
        t->config_generation++;
        update_irq(t);
    }
}

void virtq_interrupt(struct virtio_mmio *t)
{
    t->interrupt_status |= VIRTIO_MMIO_INT_VRING;
    update_irq(t);
}

/* ---- DMA with failure → broken ---- */
/* One DMA record per transfer (the SMMU's own records, one per page, say where it went);
 * dma_read/dma_write: beat 0, incrementing. */
static void __attribute__((noinline)) trace_dma_rec(struct virtio_mmio *t, uint64_t a, size_t len, bool write, int st)
{
    trace_emit_dma(t->tr, NULL, &(struct trace_dma){ .sid = t->dma.sid, .dev = t->tr_name, .iova = a,
        .pa = mk_pa(t->dma.smmu ? 0 : a), .len = len, .is_write = write, .beat = 0, .fixed = false,
        .result = st == DMA_OK ? (t->dma.outside ? TRACE_DMA_OUTSIDE_DOMAIN : TRACE_DMA_OK)
                : st == DMA_SMMU_FAULT ? TRACE_DMA_SMMU_FAULT : TRACE_DMA_BUS_ERROR });
}
static bool dread(struct virtio_mmio *t, uint64_t a, void *buf, size_t len)
{
    if (t->broken) return false;
    int st = dma_read(&t->dma, a, buf, len, 0);
    if (TRACE_ON(t->tr)) trace_dma_rec(t, a, len, false, st);
    if (st != DMA_OK) { virtio_mmio_set_broken(t); return false; }
    t->bytes += len;
    return true;
}
static bool dwrite(struct virtio_mmio *t, uint64_t a, const void *buf, size_t len)
{
    if (t->broken) return false;
    int st = dma_write(&t->dma, a, buf, len, 0);
    if (TRACE_ON(t->tr)) trace_dma_rec(t, a, len, true, st);
    if (st != DMA_OK) { virtio_mmio_set_broken(t); return false; }
    t->bytes += len;
    return true;
}
static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t le32(const uint8_t *p) { return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16; }
static inline uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

/* ---- split virtqueue (§2.6) ---- */
struct vdesc { uint64_t addr; uint32_t len; uint16_t flags, next; };

static bool read_desc(struct virtio_mmio *t, uint64_t table, unsigned i, struct vdesc *d)
{
    uint8_t b[16];
    if (!dread(t, table + 16ull * i, b, 16)) return false;
    d->addr = le64(b); d->len = le32(b + 8); d->flags = le16(b + 12); d->next = le16(b + 14);
    return true;
}

static int chain_error(struct virtio_mmio *t, const char *what, uint64_t v)
{
    guest_error(t, "malformed descriptor chain: %s (%llu)", what, v);
    virtio_mmio_set_broken(t);
    return -1;
}

static int add_seg(struct virtio_mmio *t, struct virtq_elem *e, const struct vdesc *d)
{
    bool w = d->flags & VIRTQ_DESC_F_WRITE;
    if (!w && e->out_len) return chain_error(t, "device-readable descriptor after a writable one", e->nsegs);
    if (e->nsegs >= VIRTIO_MAX_SEGS) return chain_error(t, "too many descriptors", e->nsegs);
    e->seg[e->nsegs++] = (struct virtq_seg){ d->addr, d->len, w };
    if (w) e->out_len += d->len; else e->in_len += d->len;
    return 0;
}

int virtq_pop(struct virtio_mmio *t, unsigned q, struct virtq_elem *e)
{
    struct virtq *vq = &t->vq[q];
    if (t->broken || !vq->ready || !vq->num) return t->broken ? -1 : 0;
    uint8_t b[2];
    if (!dread(t, vq->driver + 2, b, 2)) return -1;              /* avail->idx */
    uint16_t avail_idx = le16(b);
    if (avail_idx == vq->last_avail) return 0;
    if ((uint16_t)(avail_idx - vq->last_avail) > vq->num)
        return chain_error(t, "available index moved by more than the queue size", avail_idx);
    if (!dread(t, vq->driver + 4 + 2ull * (vq->last_avail % vq->num), b, 2)) return -1;
    uint16_t head = le16(b);
    if (head >= vq->num) return chain_error(t, "head index out of range", head);
    vq->last_avail++;
    e->head = head;
    e->nsegs = 0;
    e->in_len = e->out_len = 0;

    uint64_t table = vq->desc;
    unsigned limit = vq->num, i = head, steps = 0;
    bool indirect = false;
    for (;;) {
        struct vdesc d;
        if (!read_desc(t, table, i, &d)) return -1;
        if (d.flags & VIRTQ_DESC_F_INDIRECT) {
            if (indirect) return chain_error(t, "nested indirect table", i);
            if (d.flags & VIRTQ_DESC_F_NEXT) return chain_error(t, "indirect descriptor with NEXT", i);
            if (!d.len || d.len % 16 || d.len / 16 > VIRTIO_MAX_SEGS)
                return chain_error(t, "bad indirect table length", d.len);
            indirect = true;
            table = d.addr;
            limit = d.len / 16;
            i = 0;
            steps = 0;
            continue;
        }
        if (add_seg(t, e, &d) < 0) return -1;
        if (!(d.flags & VIRTQ_DESC_F_NEXT)) break;
        if (d.next >= limit) return chain_error(t, "next index out of range", d.next);
        if (++steps >= limit) return chain_error(t, "descriptor loop", head);
        i = d.next;
    }
    t->chains++;
    return 1;
}

static bool copy_segs(struct virtio_mmio *t, const struct virtq_elem *e, bool write, uint64_t off,
                      uint8_t *rbuf, const uint8_t *wbuf, size_t len)
{
    for (unsigned i = 0; i < e->nsegs && len; i++) {
        const struct virtq_seg *s = &e->seg[i];
        if (s->write != write) continue;
        if (off >= s->len) { off -= s->len; continue; }
        size_t n = s->len - off < len ? (size_t)(s->len - off) : len;
        bool ok = write ? dwrite(t, s->addr + off, wbuf, n) : dread(t, s->addr + off, rbuf, n);
        if (!ok) return false;
        if (write) wbuf += n; else rbuf += n;
        len -= n;
        off = 0;
    }
    return len == 0;
}

bool virtq_read(struct virtio_mmio *t, const struct virtq_elem *e, uint64_t off, void *buf, size_t len)
{
    return copy_segs(t, e, false, off, buf, NULL, len);
}

bool virtq_write(struct virtio_mmio *t, const struct virtq_elem *e, uint64_t off, const void *buf, size_t len)
{
    return copy_segs(t, e, true, off, NULL, buf, len);
}

bool virtq_push(struct virtio_mmio *t, unsigned q, const struct virtq_elem *e, uint32_t written)
{
    struct virtq *vq = &t->vq[q];
    uint8_t b[8];
    for (int k = 0; k < 4; k++) { b[k] = (uint8_t)(e->head >> 8 * k); b[4 + k] = (uint8_t)(written >> 8 * k); }
    if (!dwrite(t, vq->device + 4 + 8ull * (vq->used_idx % vq->num), b, 8)) return false;
    vq->used_idx++;
    uint8_t ix[2] = { (uint8_t)vq->used_idx, (uint8_t)(vq->used_idx >> 8) };
    return dwrite(t, vq->device + 2, ix, 2);                    /* used->idx after the entry */
}

/* ---- registers ---- */
static void queue_notify(struct virtio_mmio *t, uint32_t q)
{
    if (q >= t->ops->num_queues) { guest_error(t, "%s %llu: no such queue", "QueueNotify", q); return; }
    if (!(t->status & VIRTIO_STATUS_DRIVER_OK) || !t->vq[q].ready || t->broken) return;
    t->notifies++;
    t->bytes = 0;
    t->in_notify = true;
    t->ops->notify(t->dev, t, q);
    t->in_notify = false;
    if (t->charge) t->charge(t->charge_opaque, VIRTIO_COST_NOTIFY + (t->bytes >> VIRTIO_COST_BYTES_SHIFT));
}

static void write_status(struct virtio_mmio *t, uint32_t v)
{
    if (!v) { virtio_mmio_reset(t); return; }
    v &= 0xff;
    /* FEATURES_OK is accepted only for a subset of the offered features with VERSION_1 (this
     * transport is modern only, §6.1: the device may refuse a driver without VERSION_1). */
    if ((v & VIRTIO_STATUS_FEATURES_OK) && !(t->status & VIRTIO_STATUS_FEATURES_OK)) {
        uint64_t offered = virtio_mmio_device_features(t);
        if ((t->driver_features & ~offered) || !(t->driver_features & (1ull << VIRTIO_F_VERSION_1)))
            v &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
    }
    /* NEEDS_RESET is the device's bit: the driver cannot set or clear it. */
    t->status = (v & ~(uint32_t)VIRTIO_STATUS_DEVICE_NEEDS_RESET) | (t->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

static int vm_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct virtio_mmio *t = opaque;
    *val = 0;
    if (off >= VIRTIO_MMIO_CONFIG) {
        uint64_t o = off - VIRTIO_MMIO_CONFIG;
        if (size > 4 || o + size > VIRTIO_CONFIG_MAX || (o & (size - 1))) {
            guest_error(t, "%s read at 0x%llx: bad offset or size", "config", off);
            return BUS_OK;
        }
        uint8_t cfg[VIRTIO_CONFIG_MAX] = { 0 };
        if (t->ops->get_config) t->ops->get_config(t->dev, cfg);
        for (unsigned i = 0; i < size; i++) *val |= (uint64_t)cfg[o + i] << 8 * i;
        return BUS_OK;
    }
    if (size != 4 || (off & 3)) { guest_error(t, "%s at 0x%llx: not a 32-bit access", "register read", off); return BUS_OK; }
    const struct virtq *vq = &t->vq[t->queue_sel < VIRTIO_MAX_QUEUES ? t->queue_sel : 0];
    bool qok = t->queue_sel < t->ops->num_queues;
    uint64_t f = virtio_mmio_device_features(t);
    switch (off) {
    case VIRTIO_MMIO_MAGIC_VALUE: *val = VIRTIO_MMIO_MAGIC; break;
    case VIRTIO_MMIO_VERSION: *val = 2; break;
    case VIRTIO_MMIO_DEVICE_ID: *val = t->ops->device_id; break;
    case VIRTIO_MMIO_VENDOR_ID: *val = VIRTIO_MMIO_VENDOR; break;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        *val = t->device_features_sel == 0 ? (uint32_t)f : t->device_features_sel == 1 ? (uint32_t)(f >> 32) : 0;
        break;
    case VIRTIO_MMIO_QUEUE_NUM_MAX: *val = qok ? VIRTIO_QUEUE_MAX : 0; break;
    case VIRTIO_MMIO_QUEUE_READY: *val = qok && vq->ready; break;
    case VIRTIO_MMIO_INTERRUPT_STATUS: *val = t->interrupt_status; break;
    case VIRTIO_MMIO_STATUS: *val = t->status; break;
    case VIRTIO_MMIO_SHM_LEN_LOW: case VIRTIO_MMIO_SHM_LEN_HIGH:
    case VIRTIO_MMIO_SHM_BASE_LOW: case VIRTIO_MMIO_SHM_BASE_HIGH:
        *val = 0xffffffffu;             /* no shared memory regions (§4.2.2: length -1) */
        break;
    case VIRTIO_MMIO_CONFIG_GENERATION: *val = t->config_generation; break;
    case VIRTIO_MMIO_QUEUE_NUM: *val = qok ? vq->num : 0; break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW: *val = (uint32_t)vq->desc; break;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH: *val = (uint32_t)(vq->desc >> 32); break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW: *val = (uint32_t)vq->driver; break;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: *val = (uint32_t)(vq->driver >> 32); break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW: *val = (uint32_t)vq->device; break;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: *val = (uint32_t)(vq->device >> 32); break;
    default:
        guest_error(t, "%s 0x%llx: write-only or unknown register", "read of", off);
        break;
    }
    return BUS_OK;
}

static void set_half(uint64_t *r, bool high, uint32_t v)
{
    *r = high ? (*r & 0xffffffffull) | (uint64_t)v << 32 : (*r & ~0xffffffffull) | v;
}

static int vm_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct virtio_mmio *t = opaque;
    /* A write while the transport processes a notify comes from a DMA that notify started (a
     * buffer the driver placed on the register file, reached in 32-bit beats — or another
     * master, e.g. the PL330, kicked by it): a Status = 0 would free the queues under the
     * request being completed, a QueueNotify would recurse. Ignored. */
    if (t->in_notify) {
        guest_error(t, "%s at 0x%llx by the device's own DMA during a notify: ignored", "register write", off);
        return BUS_OK;
    }
    if (off >= VIRTIO_MMIO_CONFIG) {
        /* No device here has writable configuration fields. */
        guest_error(t, "%s write at 0x%llx ignored (read-only configuration)", "config", off);
        return BUS_OK;
    }
    if (size != 4 || (off & 3)) { guest_error(t, "%s at 0x%llx: not a 32-bit access", "register write", off); return BUS_OK; }
    uint32_t v = (uint32_t)value;
    bool qok = t->queue_sel < t->ops->num_queues;
    struct virtq *vq = &t->vq[qok ? t->queue_sel : 0];
    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: t->device_features_sel = v; return BUS_OK;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL: t->driver_features_sel = v; return BUS_OK;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        if (t->status & VIRTIO_STATUS_FEATURES_OK) {
            guest_error(t, "%s 0x%llx after FEATURES_OK ignored", "DriverFeatures", v);
        } else if (t->driver_features_sel < 2) {
            set_half(&t->driver_features, t->driver_features_sel == 1, v);
        } else if (v) {
            guest_error(t, "%s 0x%llx: no such feature word", "DriverFeatures", t->driver_features_sel);
        }
        return BUS_OK;
    case VIRTIO_MMIO_QUEUE_SEL: t->queue_sel = v; return BUS_OK;
    case VIRTIO_MMIO_QUEUE_NOTIFY: queue_notify(t, v); return BUS_OK;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        t->interrupt_status &= ~v;
        update_irq(t);
        return BUS_OK;
    case VIRTIO_MMIO_STATUS: write_status(t, v); return BUS_OK;
    case VIRTIO_MMIO_SHM_SEL: return BUS_OK;
    default: break;
    }
    /* queue registers */
    switch (off) {
    case VIRTIO_MMIO_QUEUE_NUM: case VIRTIO_MMIO_QUEUE_READY:
    case VIRTIO_MMIO_QUEUE_DESC_LOW: case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW: case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW: case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        if (!qok) { guest_error(t, "%s: QueueSel %llu names no queue", "queue register write", t->queue_sel); return BUS_OK; }
        if (off != VIRTIO_MMIO_QUEUE_READY && vq->ready) {
            guest_error(t, "%s 0x%llx while QueueReady = 1 ignored", "queue register write", off);
            return BUS_OK;
        }
        break;
    default:
        guest_error(t, "%s 0x%llx: read-only or unknown register", "write of", off);
        return BUS_OK;
    }
    switch (off) {
    case VIRTIO_MMIO_QUEUE_NUM:
        if (!v || v > VIRTIO_QUEUE_MAX) guest_error(t, "%s %llu: out of range", "QueueNum", v);
        else vq->num = v;
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        if ((v & 1) && !vq->ready) { vq->last_avail = 0; vq->used_idx = 0; }
        vq->ready = v & 1;
        break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW: case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        set_half(&vq->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, v); break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW: case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        set_half(&vq->driver, off == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, v); break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW: case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        set_half(&vq->device, off == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, v); break;
    }
    return BUS_OK;
}

const struct mmio_ops virtio_mmio_ops = { "virtio-mmio", vm_read, vm_write };
