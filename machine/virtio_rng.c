/* machine/virtio_rng.c — virtio-rng, the entropy device (virtio 1.1 §5.4), device ID 4, one
 * request queue, no configuration. Each device-writable buffer is filled with bytes from a
 * splitmix64 generator seeded from -seed: the guest's "entropy" is a deterministic function of
 * the run's inputs, never the host's (ARCHITECTURE.md decision 2). Reset restarts the stream. */
#include <stdlib.h>
#include "machine/virtio.h"

struct virtio_rng {
    uint64_t seed, state;
    uint64_t bytes;
};

static uint64_t next64(struct virtio_rng *d)
{
    uint64_t z = (d->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void rng_reset(void *dev)
{
    struct virtio_rng *d = dev;
    d->state = d->seed ^ 0x7669727469726e67ull;     /* "virtirng": apart from the DT rng-seed stream */
}

struct virtio_rng *virtio_rng_new(uint64_t seed)
{
    struct virtio_rng *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->seed = seed;
    rng_reset(d);
    return d;
}

void virtio_rng_free(struct virtio_rng *d) { free(d); }

static bool rng_notify(void *dev, struct virtio_mmio *t, unsigned q)
{
    struct virtio_rng *d = dev;
    struct virtq_elem e;
    uint8_t buf[256];
    bool any = false;
    int r;
    while ((r = virtq_pop(t, q, &e)) > 0) {
        uint64_t len = e.out_len;
        for (uint64_t off = 0; off < len; off += sizeof buf) {
            size_t n = len - off < sizeof buf ? (size_t)(len - off) : sizeof buf;
            for (size_t i = 0; i < n; i += 8) {
                uint64_t v = next64(d);
                for (size_t k = 0; k < 8 && i + k < n; k++) buf[i + k] = (uint8_t)(v >> 8 * k);
            }
            if (!virtq_write(t, &e, off, buf, n)) return false;
        }
        d->bytes += len;
        if (!virtq_push(t, q, &e, (uint32_t)len)) return false;
        any = true;
    }
    if (any) virtq_interrupt(t);
    return r == 0;
}

const struct virtio_device_ops virtio_rng_ops = {
    .name = "virtio-rng",
    .device_id = 4,
    .features = 0,
    .num_queues = 1,
    .get_config = NULL,
    .notify = rng_notify,
    .reset = rng_reset,
};
