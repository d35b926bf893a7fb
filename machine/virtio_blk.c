/* machine/virtio_blk.c — virtio-blk (virtio 1.1 §5.2), device ID 2, one request queue, backed
 * by a host file in raw format. Requests: VIRTIO_BLK_T_IN / OUT / FLUSH / GET_ID; anything
 * else completes with VIRTIO_BLK_S_UNSUPP. A request is a chain: the 16-byte header
 * (type, reserved, sector) device-readable, the data (readable for OUT, writable for IN and
 * GET_ID), and the one-byte status, the last writable byte. Offered: SEG_MAX, BLK_SIZE, FLUSH.
 * A read-only drive (tests) fails OUT with IOERR. Data moves through the transport's DMA in 64 KiB pieces.
 * snapshot=on (QEMU's -drive option): the file is mapped private copy-on-write, so guest writes
 * land in the emulator's memory and the file is never modified — a recorded run's disk stays as
 * it was for its replay (docs/trace.md "Record and replay"). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "machine/virtio.h"

#define SECTOR 512u
#define CHUNK  (64u * 1024)
#define BLK_SEG_MAX (VIRTIO_QUEUE_MAX - 2)

struct virtio_blk {
    int fd;
    bool readonly;
    uint8_t *snap;                  /* snapshot=on: MAP_PRIVATE view of the file (writes stay here) */
    uint64_t size;                  /* bytes */
    char id[VIRTIO_BLK_ID_BYTES + 1];
    uint8_t buf[CHUNK];
    uint64_t reads, writes, flushes, errors;
};

struct virtio_blk *virtio_blk_new(const char *path, const char *id, bool readonly, bool snapshot,
                                  char *err, size_t errlen)
{
    int fd = open(path, readonly || snapshot ? O_RDONLY : O_RDWR);
    if (fd < 0) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return NULL; }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    struct virtio_blk *d = calloc(1, sizeof *d);
    if (!d) { close(fd); snprintf(err, errlen, "%s: out of memory", path); return NULL; }
    d->fd = fd;
    d->readonly = readonly;
    d->size = (uint64_t)st.st_size;
    if (snapshot && d->size) {
        void *m = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE, fd, 0);
        if (m == MAP_FAILED) {
            snprintf(err, errlen, "%s: snapshot=on: cannot map the file: %s", path, strerror(errno));
            close(fd);
            free(d);
            return NULL;
        }
        d->snap = m;
    }
    snprintf(d->id, sizeof d->id, "%s", id ? id : "");
    return d;
}

void virtio_blk_free(struct virtio_blk *d)
{
    if (!d) return;
    if (d->snap) munmap(d->snap, d->size);
    close(d->fd);
    free(d);
}

uint64_t virtio_blk_capacity(const struct virtio_blk *d) { return d->size / SECTOR; }

static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i); }

static void blk_get_config(void *dev, uint8_t *cfg)
{
    struct virtio_blk *d = dev;
    uint64_t cap = virtio_blk_capacity(d);
    put32(cfg + 0, (uint32_t)cap);          /* capacity (le64) */
    put32(cfg + 4, (uint32_t)(cap >> 32));
    put32(cfg + 12, BLK_SEG_MAX);           /* seg_max */
    put32(cfg + 20, SECTOR);                /* blk_size */
}

/* Move `len` bytes between the file at `pos` and the chain at data offset `off`. */
static int blk_io(struct virtio_blk *d, struct virtio_mmio *t, const struct virtq_elem *e, bool to_guest,
                  uint64_t pos, uint64_t off, uint64_t len)
{
    while (len) {
        size_t n = len < CHUNK ? (size_t)len : CHUNK;
        if (d->snap) {                      /* the request was checked against d->size */
            if (to_guest ? !virtq_write(t, e, off, d->snap + pos, n) : !virtq_read(t, e, off, d->snap + pos, n))
                return -1;
        } else if (to_guest) {
            ssize_t r = pread(d->fd, d->buf, n, (off_t)pos);
            if (r < 0) return VIRTIO_BLK_S_IOERR;
            if ((size_t)r < n) memset(d->buf + r, 0, n - (size_t)r);
            if (!virtq_write(t, e, off, d->buf, n)) return -1;
        } else {
            if (!virtq_read(t, e, off, d->buf, n)) return -1;
            if (pwrite(d->fd, d->buf, n, (off_t)pos) != (ssize_t)n) return VIRTIO_BLK_S_IOERR;
        }
        pos += n; off += n; len -= n;
    }
    return VIRTIO_BLK_S_OK;
}

/* One request; returns false when the transport broke (DMA fault). */
static bool blk_request(struct virtio_blk *d, struct virtio_mmio *t, const struct virtq_elem *e)
{
    uint8_t h[16];
    if (e->in_len < 16 || e->out_len < 1) {
        mlog_guest_error("virtio-blk: request without header or status byte (%llu readable, %llu writable bytes)",
                         (unsigned long long)e->in_len, (unsigned long long)e->out_len);
        return virtq_push(t, 0, e, 0);
    }
    if (!virtq_read(t, e, 0, h, 16)) return false;
    uint32_t type = (uint32_t)h[0] | h[1] << 8 | h[2] << 16 | (uint32_t)h[3] << 24;
    uint64_t sector = 0;
    for (int i = 7; i >= 0; i--) sector = sector << 8 | h[8 + i];
    uint64_t wdata = e->out_len - 1;        /* writable bytes before the status byte */
    uint32_t written = 0;
    int st;
    switch (type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT: {
        bool in = type == VIRTIO_BLK_T_IN;
        uint64_t len = in ? wdata : e->in_len - 16;
        if (sector > d->size / SECTOR || len > d->size - sector * SECTOR) { st = VIRTIO_BLK_S_IOERR; break; }
        if (!in && d->readonly) { st = VIRTIO_BLK_S_IOERR; break; }
        st = blk_io(d, t, e, in, sector * SECTOR, in ? 0 : 16, len);
        if (st < 0) return false;
        if (in) { d->reads++; written = (uint32_t)len; } else d->writes++;
        break;
    }
    case VIRTIO_BLK_T_FLUSH:
        st = d->snap || d->readonly || fdatasync(d->fd) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
        d->flushes++;
        break;
    case VIRTIO_BLK_T_GET_ID: {
        uint8_t id[VIRTIO_BLK_ID_BYTES] = { 0 };
        memcpy(id, d->id, strlen(d->id));
        size_t n = wdata < sizeof id ? (size_t)wdata : sizeof id;
        if (!virtq_write(t, e, 0, id, n)) return false;
        written = (uint32_t)n;
        st = VIRTIO_BLK_S_OK;
        break;
    }
    default:
        st = VIRTIO_BLK_S_UNSUPP;
        break;
    }
    if (st != VIRTIO_BLK_S_OK) d->errors++;
    uint8_t sb = (uint8_t)st;
    if (!virtq_write(t, e, wdata, &sb, 1)) return false;
    return virtq_push(t, 0, e, written + 1);
}

static bool blk_notify(void *dev, struct virtio_mmio *t, unsigned q)
{
    struct virtio_blk *d = dev;
    static struct virtq_elem e;             /* large; one request at a time (single thread) */
    bool any = false;
    int r;
    while ((r = virtq_pop(t, q, &e)) > 0) {
        if (!blk_request(d, t, &e)) return false;
        any = true;
    }
    if (any) virtq_interrupt(t);
    return r == 0;
}

const struct virtio_device_ops virtio_blk_ops = {
    .name = "virtio-blk",
    .device_id = 2,
    .features = (1ull << VIRTIO_BLK_F_SEG_MAX) | (1ull << VIRTIO_BLK_F_BLK_SIZE) | (1ull << VIRTIO_BLK_F_FLUSH),
    .num_queues = 1,
    .get_config = blk_get_config,
    .notify = blk_notify,
    .reset = NULL,
};
