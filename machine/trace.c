/* machine/trace.c — trace stream v1: writer (encoders behind the trace points), reader,
 * CRC32 and SHA-256. The byte layout is specified in docs/trace.md; every put/get below
 * follows it field by field, little-endian, so the file is the same on any host. */
#include "machine/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ================================ checksums ================================ */

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the zlib/PNG one, so that a file can be
 * checked with any tool. Slicing-by-8 (eight tables, 8 bytes per step): every record is
 * checksummed twice on the writer's path, and the byte-at-a-time loop was most of the cost of
 * a trace point. Tables built on first use. */
static uint32_t crc_table[8][256];
static int crc_ready;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
    crc_ready = 1;
}

uint32_t trace_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (__builtin_expect(!crc_ready, 0))
        crc_init();
    crc = ~crc;
    while (len >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
              crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
              crc_table[3][p[4]] ^ crc_table[2][p[5]] ^ crc_table[1][p[6]] ^ crc_table[0][p[7]];
        p += 8;
        len -= 8;
    }
    while (len--)
        crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* SHA-256 (FIPS 180-4), for the guest image hashes in the header: a replay refuses images
 * that differ from the recorded run. */
static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void sha256_block(struct trace_sha256 *s, const uint8_t *b)
{
    uint32_t w[64], a, bb, c, d, e, f, g, h;
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
               (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = s->h[0]; bb = s->h[1]; c = s->h[2]; d = s->h[3];
    e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = h + S1 + ch + sha_k[i] + w[i];
        uint32_t S0 = ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22);
        uint32_t maj = (a & bb) ^ (a & c) ^ (bb & c);
        uint32_t t2 = S0 + maj;
        h = g; g = f; f = e; e = d + t1; d = c; c = bb; bb = a; a = t1 + t2;
    }
    s->h[0] += a; s->h[1] += bb; s->h[2] += c; s->h[3] += d;
    s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

void trace_sha256_init(struct trace_sha256 *s)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(s->h, iv, sizeof iv);
    s->nbytes = 0;
    s->used = 0;
}

void trace_sha256_update(struct trace_sha256 *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    s->nbytes += len;
    while (len) {
        size_t n = 64 - s->used;
        if (n > len)
            n = len;
        memcpy(s->blk + s->used, p, n);
        s->used += n; p += n; len -= n;
        if (s->used == 64) {
            sha256_block(s, s->blk);
            s->used = 0;
        }
    }
}

void trace_sha256_final(struct trace_sha256 *s, uint8_t out[32])
{
    uint64_t bits = s->nbytes * 8;
    uint8_t pad = 0x80, zero = 0, lenb[8];
    trace_sha256_update(s, &pad, 1);
    while (s->used != 56)
        trace_sha256_update(s, &zero, 1);
    for (int i = 0; i < 8; i++)
        lenb[i] = (uint8_t)(bits >> (56 - 8 * i));
    trace_sha256_update(s, lenb, 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(s->h[i] >> 24); out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8); out[4 * i + 3] = (uint8_t)s->h[i];
    }
}

/* ============================ little-endian cursor ========================== */

static inline void put8(uint8_t **p, uint8_t v) { *(*p)++ = v; }
static inline void put16(uint8_t **p, uint16_t v) { put8(p, (uint8_t)v); put8(p, (uint8_t)(v >> 8)); }
static inline void put32(uint8_t **p, uint32_t v) { put16(p, (uint16_t)v); put16(p, (uint16_t)(v >> 16)); }
static inline void put64(uint8_t **p, uint64_t v) { put32(p, (uint32_t)v); put32(p, (uint32_t)(v >> 32)); }

static inline uint8_t get8(const uint8_t **p) { return *(*p)++; }
static inline uint16_t get16(const uint8_t **p) { uint16_t v = get8(p); return v | (uint16_t)(get8(p) << 8); }
static inline uint32_t get32(const uint8_t **p) { uint32_t v = get16(p); return v | ((uint32_t)get16(p) << 16); }
static inline uint64_t get64(const uint8_t **p) { uint64_t v = get32(p); return v | ((uint64_t)get32(p) << 32); }

/* Fixed payload sizes (v1.0). A reader accepts longer payloads (fields appended by a later
 * minor version) and refuses shorter ones. 0: variable (checked per kind). */
static const uint32_t payload_min[TRACE_K__COUNT] = {
    [TRACE_K_STRING] = 4,       [TRACE_K_EXC_TAKEN] = 32,  [TRACE_K_EXC_RETURN] = 24,
    [TRACE_K_S2_FAULT] = 44,    [TRACE_K_P2M] = 32,        [TRACE_K_MMIO] = 32,
    [TRACE_K_IRQ] = 12,         [TRACE_K_HCALL] = 72,      [TRACE_K_TLBI] = 16,
    [TRACE_K_SMMU_XLATE] = 32,  [TRACE_K_DMA] = 36,        [TRACE_K_VCPU_SWITCH] = 20,
    [TRACE_K_CONSOLE_IN] = 4,   [TRACE_K_RUN_END] = 24,    [TRACE_K_NOTE] = 0,
    [TRACE_K_RR_INPUT] = 24,
};

/* ================================== writer ================================== */

struct trace_strtab {
    char   **s;            /* s[id-1] */
    uint32_t n, cap;
};

#define TRACE_FLUSH_AT (64u * 1024)   /* buffered mode: write(2) once this much is pending */

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        p += k; n -= (size_t)k;
    }
    return 0;
}

int tracer_flush(struct tracer *tr)
{
    if (!tr)
        return 0;
    if (tr->len && !tr->error) {
        int e = write_all(tr->fd, tr->buf, tr->len);
        if (e) {
            tr->error = e;
            tr->on = false;    /* a full disk must not stop the guest: tracing just ends */
        }
    }
    tr->len = 0;
    return tr->error;
}

static int reserve(struct tracer *tr, size_t n)
{
    if (tr->len + n <= tr->cap)
        return 0;
    size_t cap = tr->cap ? tr->cap : 2 * TRACE_FLUSH_AT;
    while (cap < tr->len + n)
        cap *= 2;
    uint8_t *b = realloc(tr->buf, cap);
    if (!b) {
        tr->error = ENOMEM;
        tr->on = false;
        return -1;
    }
    tr->buf = b;
    tr->cap = cap;
    return 0;
}

/* Start a record: reserve its frame and return a pointer where the payload goes. */
static uint8_t *rec_begin(struct tracer *tr, size_t payload_len)
{
    if (tr->error || payload_len > TRACE_MAX_PAYLOAD || reserve(tr, TRACE_REC_HDR_LEN + payload_len))
        return NULL;
    return tr->buf + tr->len + TRACE_REC_HDR_LEN;
}

/* Finish a record whose payload ends at `end`: fill in the frame, CRCs, then maybe write. */
static void rec_end(struct tracer *tr, const struct trace_ts *ts, uint16_t kind, uint8_t *end)
{
    struct trace_ts now = { 0 };
    uint8_t *f = tr->buf + tr->len, *p = f;
    uint32_t plen = (uint32_t)(end - (f + TRACE_REC_HDR_LEN));
    if (!ts) {
        if (tr->clock)
            tr->clock(tr->clock_opaque, &now);
        ts = &now;
    }
    put16(&p, kind);
    put16(&p, ts->flags);
    put32(&p, plen);
    put64(&p, ts->cycle);
    put64(&p, ts->icount);
    put32(&p, ts->vcpu);
    put32(&p, (uint32_t)tr->records);
    put32(&p, trace_crc32(0, f + TRACE_REC_HDR_LEN, plen));
    put32(&p, trace_crc32(0, f, 36));
    tr->len += TRACE_REC_HDR_LEN + plen;
    tr->records++;
    tr->per_kind[kind < TRACE_K__COUNT ? kind : 0]++;
    if (tr->sync || tr->len >= TRACE_FLUSH_AT)
        tracer_flush(tr);
}

static void put_bytes(uint8_t **p, const void *s, size_t n)
{
    memcpy(*p, s, n);
    *p += n;
}

static void put_header_field(uint8_t **p, uint16_t tag, const void *v, uint32_t n)
{
    put16(p, tag);
    put16(p, 0);
    put32(p, n);
    put_bytes(p, v, n);
}

enum { HDR_TAG_VERSION = 1, HDR_TAG_MACHINE = 2, HDR_TAG_POLICY = 3, HDR_TAG_IMAGE = 4, HDR_TAG_REPLAY_KEY = 5 };

static size_t slen(const char *s) { return s ? strlen(s) : 0; }

/* The header is written with the first write(2), so even a run killed at once leaves a file
 * that says what it was. */
static int write_header(struct tracer *tr, const struct trace_meta *m)
{
    static const struct trace_meta empty;
    if (!m)
        m = &empty;
    size_t n = TRACE_MAGIC_LEN + 8 + 4;
    n += 8 + slen(m->emulator_version) + 8 + slen(m->machine_config) + 8 + slen(m->hv_policy);
    for (unsigned i = 0; i < m->n_images && i < TRACE_MAX_IMAGES; i++)
        n += 8 + 32 + slen(m->images[i].name);
    if (m->replay_key)
        n += 8 + slen(m->replay_key);
    if (n > TRACE_MAX_PAYLOAD)
        return EINVAL;
    if (reserve(tr, n))
        return ENOMEM;
    uint8_t *h = tr->buf, *p = h;
    put_bytes(&p, TRACE_MAGIC, TRACE_MAGIC_LEN);
    put16(&p, TRACE_FORMAT_MAJOR);
    put16(&p, TRACE_FORMAT_MINOR);
    put32(&p, (uint32_t)n);
    put_header_field(&p, HDR_TAG_VERSION, m->emulator_version ? m->emulator_version : "", (uint32_t)slen(m->emulator_version));
    put_header_field(&p, HDR_TAG_MACHINE, m->machine_config ? m->machine_config : "", (uint32_t)slen(m->machine_config));
    put_header_field(&p, HDR_TAG_POLICY, m->hv_policy ? m->hv_policy : "", (uint32_t)slen(m->hv_policy));
    for (unsigned i = 0; i < m->n_images && i < TRACE_MAX_IMAGES; i++) {
        size_t nl = slen(m->images[i].name);
        put16(&p, HDR_TAG_IMAGE);
        put16(&p, 0);
        put32(&p, (uint32_t)(32 + nl));
        put_bytes(&p, m->images[i].sha256, 32);
        put_bytes(&p, m->images[i].name ? m->images[i].name : "", nl);
    }
    if (m->replay_key)
        put_header_field(&p, HDR_TAG_REPLAY_KEY, m->replay_key, (uint32_t)slen(m->replay_key));
    put32(&p, trace_crc32(0, h, n - 4));
    tr->len = n;
    return tracer_flush(tr);
}

struct tracer *tracer_open_fd(int fd, const struct trace_meta *meta, char *err, size_t errlen)
{
    struct tracer *tr = calloc(1, sizeof *tr);
    if (!tr || !(tr->strings = calloc(1, sizeof *tr->strings))) {
        free(tr);
        close(fd);
        if (err)
            snprintf(err, errlen, "out of memory");
        return NULL;
    }
    tr->fd = fd;
    int e = write_header(tr, meta);
    if (e) {
        if (err)
            snprintf(err, errlen, "writing the trace header: %s", strerror(e));
        tr->on = false;
        tracer_close(tr);
        return NULL;
    }
    tr->on = true;
    return tr;
}

struct tracer *tracer_open(const char *path, const struct trace_meta *meta, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (err)
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    return tracer_open_fd(fd, meta, err, errlen);
}

int tracer_close(struct tracer *tr)
{
    if (!tr)
        return 0;
    int e = tracer_flush(tr);
    if (close(tr->fd) && !e)
        e = errno;
    if (tr->strings) {
        for (uint32_t i = 0; i < tr->strings->n; i++)
            free(tr->strings->s[i]);
        free(tr->strings->s);
        free(tr->strings);
    }
    free(tr->buf);
    free(tr);
    return e;
}

/* Linear search: interning happens when devices register, a handful of names per run. */
uint32_t trace_intern(struct tracer *tr, const char *s)
{
    if (!TRACE_ON(tr) || !s)
        return 0;
    struct trace_strtab *t = tr->strings;
    for (uint32_t i = 0; i < t->n; i++)
        if (!strcmp(t->s[i], s))
            return i + 1;
    size_t n = strlen(s);
    if (n > TRACE_MAX_PAYLOAD - 4)
        return 0;
    if (t->n == t->cap) {
        uint32_t cap = t->cap ? 2 * t->cap : 16;
        char **ns = realloc(t->s, cap * sizeof *ns);
        if (!ns)
            return 0;
        t->s = ns;
        t->cap = cap;
    }
    char *copy = strdup(s);
    if (!copy)
        return 0;
    uint8_t *p = rec_begin(tr, 4 + n);
    if (!p) {
        free(copy);
        return 0;
    }
    t->s[t->n++] = copy;
    put32(&p, t->n);
    put_bytes(&p, s, n);
    rec_end(tr, NULL, TRACE_K_STRING, p);
    return t->n;
}

void trace_emit_exc_taken(struct tracer *tr, const struct trace_ts *ts, const struct trace_exc_taken *e)
{
    uint8_t *p = rec_begin(tr, 32);
    if (!p) return;
    put8(&p, e->from_el); put8(&p, e->to_el); put8(&p, e->type); put8(&p, e->ec);
    put32(&p, 0);
    put64(&p, e->esr); put64(&p, e->elr); put64(&p, e->far);
    rec_end(tr, ts, TRACE_K_EXC_TAKEN, p);
}

void trace_emit_exc_return(struct tracer *tr, const struct trace_ts *ts, const struct trace_exc_return *e)
{
    uint8_t *p = rec_begin(tr, 24);
    if (!p) return;
    put8(&p, e->from_el); put8(&p, e->to_el); put16(&p, 0); put32(&p, 0);
    put64(&p, e->elr); put64(&p, e->spsr);
    rec_end(tr, ts, TRACE_K_EXC_RETURN, p);
}

void trace_emit_s2_fault(struct tracer *tr, const struct trace_ts *ts, const struct trace_s2_fault *e)
{
    uint8_t *p = rec_begin(tr, 44);
    if (!p) return;
    put64(&p, e->pc); put64(&p, e->va.v); put64(&p, e->ipa.v); put64(&p, e->esr);
    put32(&p, e->insn);
    put8(&p, e->is_insn); put8(&p, e->size); put8(&p, e->is_write); put8(&p, e->outcome);
    put8(&p, e->fault_class); put8(&p, e->level); put16(&p, 0);
    rec_end(tr, ts, TRACE_K_S2_FAULT, p);
}

void trace_emit_p2m(struct tracer *tr, const struct trace_ts *ts, const struct trace_p2m *e)
{
    uint8_t *p = rec_begin(tr, 32);
    if (!p) return;
    put64(&p, e->ipa.v); put64(&p, e->pa.v); put64(&p, e->size);
    put32(&p, e->domid);
    put8(&p, e->type); put8(&p, e->reason); put8(&p, e->op); put8(&p, 0);
    rec_end(tr, ts, TRACE_K_P2M, p);
}

void trace_emit_mmio(struct tracer *tr, const struct trace_ts *ts, const struct trace_mmio *e)
{
    uint8_t *p = rec_begin(tr, 32);
    if (!p) return;
    put64(&p, e->pa.v); put64(&p, e->offset); put64(&p, e->value);
    put32(&p, e->dev);
    put8(&p, e->size); put8(&p, e->is_write); put8(&p, e->status); put8(&p, 0);
    rec_end(tr, ts, TRACE_K_MMIO, p);
}

void trace_emit_irq(struct tracer *tr, const struct trace_ts *ts, const struct trace_irq *e)
{
    uint8_t *p = rec_begin(tr, 12);
    if (!p) return;
    put32(&p, e->intid); put32(&p, e->cpu);
    put8(&p, e->op); put8(&p, e->is_virtual); put16(&p, 0);
    rec_end(tr, ts, TRACE_K_IRQ, p);
}

void trace_emit_hcall(struct tracer *tr, const struct trace_ts *ts, const struct trace_hcall *e)
{
    uint8_t *p = rec_begin(tr, 72);
    if (!p) return;
    put64(&p, e->func);
    for (int i = 0; i < TRACE_HCALL_NARGS; i++)
        put64(&p, e->args[i]);
    put64(&p, (uint64_t)e->result);
    put8(&p, e->cls); put8(&p, e->nargs); put16(&p, 0); put32(&p, 0);
    rec_end(tr, ts, TRACE_K_HCALL, p);
}

void trace_emit_tlbi(struct tracer *tr, const struct trace_ts *ts, const struct trace_tlbi *e)
{
    uint8_t *p = rec_begin(tr, 16);
    if (!p) return;
    put64(&p, e->addr); put16(&p, e->op); put16(&p, e->vmid); put16(&p, e->asid); put16(&p, e->cb);
    rec_end(tr, ts, TRACE_K_TLBI, p);
}

void trace_emit_smmu_xlate(struct tracer *tr, const struct trace_ts *ts, const struct trace_smmu_xlate *e)
{
    uint8_t *p = rec_begin(tr, 32);
    if (!p) return;
    put64(&p, e->iova); put64(&p, e->pa.v);
    put32(&p, e->sid); put32(&p, e->fsr); put32(&p, e->fsynr0);
    put16(&p, e->cb); put8(&p, e->result); put8(&p, e->is_write);
    rec_end(tr, ts, TRACE_K_SMMU_XLATE, p);
}

void trace_emit_dma(struct tracer *tr, const struct trace_ts *ts, const struct trace_dma *e)
{
    uint8_t *p = rec_begin(tr, 40);
    if (!p) return;
    put64(&p, e->iova); put64(&p, e->pa.v); put64(&p, e->len);
    put32(&p, e->sid); put32(&p, e->dev);
    put8(&p, e->is_write); put8(&p, e->result); put16(&p, 0);
    put8(&p, e->beat); put8(&p, e->fixed ? TRACE_DMA_F_FIXED : 0); put16(&p, 0);   /* v1.2 */
    rec_end(tr, ts, TRACE_K_DMA, p);
}

void trace_emit_vcpu_switch(struct tracer *tr, const struct trace_ts *ts, const struct trace_vcpu_switch *e)
{
    uint8_t *p = rec_begin(tr, 20);
    if (!p) return;
    put32(&p, e->from_dom); put32(&p, e->from_vcpu); put32(&p, e->to_dom); put32(&p, e->to_vcpu);
    put8(&p, e->reason); put8(&p, 0); put16(&p, 0);
    rec_end(tr, ts, TRACE_K_VCPU_SWITCH, p);
}

void trace_emit_console_in(struct tracer *tr, const struct trace_ts *ts, uint32_t dev, const void *bytes, size_t n)
{
    if (n > TRACE_MAX_PAYLOAD - 4)
        n = TRACE_MAX_PAYLOAD - 4;
    uint8_t *p = rec_begin(tr, 4 + n);
    if (!p) return;
    put32(&p, dev);
    put_bytes(&p, bytes, n);
    rec_end(tr, ts, TRACE_K_CONSOLE_IN, p);
}

void trace_emit_run_end(struct tracer *tr, const struct trace_ts *ts, const struct trace_run_end *e)
{
    uint32_t nv = e->nvcpus < TRACE_MAX_VCPUS ? e->nvcpus : TRACE_MAX_VCPUS;
    uint8_t *p = rec_begin(tr, 24 + (nv ? 8 + 16 * nv : 0));
    if (!p) return;
    put32(&p, (uint32_t)e->exit_status); put32(&p, e->reason);
    put64(&p, e->total_cycles); put64(&p, e->total_insns);
    if (nv) {
        put32(&p, nv); put32(&p, 0);
        for (uint32_t i = 0; i < nv; i++) { put64(&p, e->vcpu_insns[i]); put64(&p, e->vcpu_cycles[i]); }
    }
    rec_end(tr, ts, TRACE_K_RUN_END, p);
    tracer_flush(tr);   /* the run is over: nothing may stay in the buffer */
}

void trace_emit_rr_input(struct tracer *tr, const struct trace_ts *ts, const struct trace_rr_input *e)
{
    size_t n = e->n;
    if (n > TRACE_MAX_PAYLOAD - 24)
        n = TRACE_MAX_PAYLOAD - 24;
    uint8_t *p = rec_begin(tr, 24 + n);
    if (!p) return;
    put64(&p, e->round); put64(&p, e->value);
    put32(&p, e->dev); put8(&p, e->type); put8(&p, e->point); put16(&p, 0);
    if (n) put_bytes(&p, e->bytes, n);
    rec_end(tr, ts, TRACE_K_RR_INPUT, p);
}

void trace_emit_note(struct tracer *tr, const struct trace_ts *ts, const char *text)
{
    size_t n = slen(text);
    if (n > TRACE_MAX_PAYLOAD)
        n = TRACE_MAX_PAYLOAD;
    uint8_t *p = rec_begin(tr, n);
    if (!p) return;
    put_bytes(&p, text ? text : "", n);
    rec_end(tr, ts, TRACE_K_NOTE, p);
}

void trace_emit_raw(struct tracer *tr, const struct trace_ts *ts, uint16_t kind, const void *payload, uint32_t len)
{
    if (!TRACE_ON(tr) || kind == 0)
        return;
    uint8_t *p = rec_begin(tr, len);
    if (!p) return;
    put_bytes(&p, payload, len);
    rec_end(tr, ts, kind, p);
}

/* ------------------------------- header meta ------------------------------- */

int trace_meta_set(char **field, const char *value)
{
    char *c = value ? strdup(value) : NULL;
    if (value && !c)
        return -1;
    free(*field);
    *field = c;
    return 0;
}

int trace_meta_add_image(struct trace_meta *m, const char *name, const void *data, size_t len)
{
    if (m->n_images >= TRACE_MAX_IMAGES)
        return -1;
    struct trace_image *im = &m->images[m->n_images];
    struct trace_sha256 s;
    trace_sha256_init(&s);
    trace_sha256_update(&s, data, len);
    trace_sha256_final(&s, im->sha256);
    im->name = strdup(name ? name : "");
    if (!im->name)
        return -1;
    m->n_images++;
    return 0;
}

int trace_meta_add_image_file(struct trace_meta *m, const char *name, const char *path)
{
    if (m->n_images >= TRACE_MAX_IMAGES)
        return -1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct trace_image *im = &m->images[m->n_images];
    struct trace_sha256 s;
    uint8_t buf[16384];
    size_t k;
    trace_sha256_init(&s);
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        trace_sha256_update(&s, buf, k);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return -1;
    trace_sha256_final(&s, im->sha256);
    im->name = strdup(name ? name : path);
    if (!im->name)
        return -1;
    m->n_images++;
    return 0;
}

void trace_meta_free(struct trace_meta *m)
{
    free(m->emulator_version);
    free(m->machine_config);
    free(m->hv_policy);
    free(m->replay_key);
    for (unsigned i = 0; i < m->n_images && i < TRACE_MAX_IMAGES; i++)
        free(m->images[i].name);
    memset(m, 0, sizeof *m);
}

/* ================================== reader ================================== */

#define READER_MAX_STRINGS (1u << 20)  /* ids above this are treated as malformed */

struct trace_reader {
    FILE    *f;
    int      err;              /* sticky error */
    unsigned major, minor;
    struct trace_meta meta;
    uint64_t off;              /* end of the last good record */
    uint64_t nrec;
    uint8_t *buf;              /* payload (+1 for a NUL after text) */
    size_t   cap;
    char   **str;              /* str[id] */
    uint32_t nstr;
};

const char *trace_strerror(int err)
{
    switch (err) {
    case TRACE_OK:            return "ok";
    case TRACE_ERR_IO:        return "read error";
    case TRACE_ERR_MAGIC:     return "not a faultline trace (bad magic)";
    case TRACE_ERR_VERSION:   return "unsupported trace format version";
    case TRACE_ERR_HEADER:    return "malformed trace header";
    case TRACE_ERR_TRUNCATED: return "truncated (the file ends inside a record)";
    case TRACE_ERR_CRC:       return "corrupt record (CRC mismatch)";
    case TRACE_ERR_MALFORMED: return "malformed record payload";
    case TRACE_ERR_NOMEM:     return "out of memory";
    case TRACE_ERR_SEQUENCE:  return "record sequence gap";
    }
    return "unknown error";
}

static char *dup_n(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = 0;
    }
    return s;
}

/* Read exactly n bytes: returns n, or the count read before EOF/error (error sets *ioerr). */
static size_t read_n(FILE *f, void *p, size_t n, int *ioerr)
{
    size_t k = fread(p, 1, n, f);
    if (k < n && ferror(f))
        *ioerr = 1;
    return k;
}

static int read_header(struct trace_reader *r)
{
    uint8_t fixed[TRACE_MAGIC_LEN + 8];
    int ioerr = 0;
    size_t k = read_n(r->f, fixed, sizeof fixed, &ioerr);
    if (ioerr)
        return TRACE_ERR_IO;
    /* A short file whose bytes all match the magic is a trace cut before its header ended. */
    if (memcmp(fixed, TRACE_MAGIC, k < TRACE_MAGIC_LEN ? k : TRACE_MAGIC_LEN))
        return TRACE_ERR_MAGIC;
    if (k < sizeof fixed)
        return k == 0 ? TRACE_ERR_MAGIC : TRACE_ERR_TRUNCATED;
    const uint8_t *p = fixed + TRACE_MAGIC_LEN;
    r->major = get16(&p);
    r->minor = get16(&p);
    uint32_t hlen = get32(&p);
    if (r->major != TRACE_FORMAT_MAJOR)
        return TRACE_ERR_VERSION;
    if (hlen < sizeof fixed + 4 || hlen > TRACE_MAX_PAYLOAD)
        return TRACE_ERR_HEADER;
    uint8_t *h = malloc(hlen);
    if (!h)
        return TRACE_ERR_NOMEM;
    memcpy(h, fixed, sizeof fixed);
    k = read_n(r->f, h + sizeof fixed, hlen - sizeof fixed, &ioerr);
    int rc = TRACE_OK;
    if (ioerr)
        rc = TRACE_ERR_IO;
    else if (k < hlen - sizeof fixed)
        rc = TRACE_ERR_TRUNCATED;
    else {
        p = h + hlen - 4;
        if (get32(&p) != trace_crc32(0, h, hlen - 4))
            rc = TRACE_ERR_HEADER;
    }
    /* TLV fields; unknown tags are skipped by length (a later minor may add some). */
    p = h + sizeof fixed;
    const uint8_t *end = h + hlen - 4;
    while (rc == TRACE_OK && p < end) {
        if (end - p < 8) { rc = TRACE_ERR_HEADER; break; }
        uint16_t tag = get16(&p);
        (void)get16(&p);
        uint32_t n = get32(&p);
        if (n > (size_t)(end - p)) { rc = TRACE_ERR_HEADER; break; }
        char **field = NULL;
        switch (tag) {
        case HDR_TAG_VERSION: field = &r->meta.emulator_version; break;
        case HDR_TAG_MACHINE: field = &r->meta.machine_config; break;
        case HDR_TAG_POLICY:  field = &r->meta.hv_policy; break;
        case HDR_TAG_REPLAY_KEY: field = &r->meta.replay_key; break;
        case HDR_TAG_IMAGE:
            if (n < 32) { rc = TRACE_ERR_HEADER; break; }
            if (r->meta.n_images < TRACE_MAX_IMAGES) {
                struct trace_image *im = &r->meta.images[r->meta.n_images];
                memcpy(im->sha256, p, 32);
                if (!(im->name = dup_n(p + 32, n - 32))) { rc = TRACE_ERR_NOMEM; break; }
                r->meta.n_images++;
            }
            break;
        }
        if (field) {
            free(*field);
            if (!(*field = dup_n(p, n)))
                rc = TRACE_ERR_NOMEM;
        }
        p += n;
    }
    free(h);
    r->off = hlen;
    return rc;
}

static int reader_init(FILE *f, struct trace_reader **out)
{
    *out = NULL;
    if (!f)
        return TRACE_ERR_IO;
    struct trace_reader *r = calloc(1, sizeof *r);
    if (!r) {
        fclose(f);
        return TRACE_ERR_NOMEM;
    }
    r->f = f;
    int rc = read_header(r);
    if (rc) {
        trace_close(r);
        return rc;
    }
    *out = r;
    return TRACE_OK;
}

int trace_open(const char *path, struct trace_reader **out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *out = NULL;
        return TRACE_ERR_IO;
    }
    return reader_init(f, out);
}

int trace_open_mem(const void *buf, size_t len, struct trace_reader **out)
{
    /* fmemopen refuses size 0; an empty buffer is simply not a trace. */
    if (len == 0) {
        *out = NULL;
        return TRACE_ERR_MAGIC;
    }
    return reader_init(fmemopen((void *)buf, len, "rb"), out);
}

static int add_string(struct trace_reader *r, uint32_t id, const uint8_t *s, size_t n)
{
    if (id == 0 || id > READER_MAX_STRINGS)
        return TRACE_ERR_MALFORMED;
    if (id >= r->nstr) {
        uint32_t nn = r->nstr ? r->nstr : 16;
        while (nn <= id)
            nn *= 2;
        char **ns = realloc(r->str, nn * sizeof *ns);
        if (!ns)
            return TRACE_ERR_NOMEM;
        memset(ns + r->nstr, 0, (nn - r->nstr) * sizeof *ns);
        r->str = ns;
        r->nstr = nn;
    }
    char *c = dup_n(s, n);
    if (!c)
        return TRACE_ERR_NOMEM;
    free(r->str[id]);
    r->str[id] = c;
    return TRACE_OK;
}

static int decode(struct trace_reader *r, struct trace_rec *rec)
{
    const uint8_t *p = rec->payload;
    if (rec->kind >= TRACE_K__COUNT)
        return TRACE_OK;    /* unknown kind: returned raw, the caller skips it */
    if (rec->len < payload_min[rec->kind])
        return TRACE_ERR_MALFORMED;
    switch (rec->kind) {
    case TRACE_K_STRING: {
        struct trace_rec *e = rec;
        e->ev.string.id = get32(&p);
        e->ev.string.text = (const char *)p;   /* NUL placed after the payload by the caller */
        return add_string(r, e->ev.string.id, p, rec->len - 4);
    }
    case TRACE_K_EXC_TAKEN: {
        struct trace_exc_taken *e = &rec->ev.exc_taken;
        e->from_el = get8(&p); e->to_el = get8(&p); e->type = get8(&p); e->ec = get8(&p);
        (void)get32(&p);
        e->esr = get64(&p); e->elr = get64(&p); e->far = get64(&p);
        break;
    }
    case TRACE_K_EXC_RETURN: {
        struct trace_exc_return *e = &rec->ev.exc_return;
        e->from_el = get8(&p); e->to_el = get8(&p); (void)get16(&p); (void)get32(&p);
        e->elr = get64(&p); e->spsr = get64(&p);
        break;
    }
    case TRACE_K_S2_FAULT: {
        struct trace_s2_fault *e = &rec->ev.s2_fault;
        e->pc = get64(&p); e->va.v = get64(&p); e->ipa.v = get64(&p); e->esr = get64(&p);
        e->insn = get32(&p);
        e->is_insn = get8(&p); e->size = get8(&p); e->is_write = get8(&p); e->outcome = get8(&p);
        e->fault_class = get8(&p); e->level = get8(&p);
        break;
    }
    case TRACE_K_P2M: {
        struct trace_p2m *e = &rec->ev.p2m;
        e->ipa.v = get64(&p); e->pa.v = get64(&p); e->size = get64(&p);
        e->domid = get32(&p);
        e->type = get8(&p); e->reason = get8(&p); e->op = get8(&p);
        break;
    }
    case TRACE_K_MMIO: {
        struct trace_mmio *e = &rec->ev.mmio;
        e->pa.v = get64(&p); e->offset = get64(&p); e->value = get64(&p);
        e->dev = get32(&p);
        e->size = get8(&p); e->is_write = get8(&p); e->status = get8(&p);
        break;
    }
    case TRACE_K_IRQ: {
        struct trace_irq *e = &rec->ev.irq;
        e->intid = get32(&p); e->cpu = get32(&p); e->op = get8(&p); e->is_virtual = get8(&p);
        break;
    }
    case TRACE_K_HCALL: {
        struct trace_hcall *e = &rec->ev.hcall;
        e->func = get64(&p);
        for (int i = 0; i < TRACE_HCALL_NARGS; i++)
            e->args[i] = get64(&p);
        e->result = (int64_t)get64(&p);
        e->cls = get8(&p); e->nargs = get8(&p);
        break;
    }
    case TRACE_K_TLBI: {
        struct trace_tlbi *e = &rec->ev.tlbi;
        e->addr = get64(&p); e->op = get16(&p); e->vmid = get16(&p); e->asid = get16(&p);
        e->cb = get16(&p);
        break;
    }
    case TRACE_K_SMMU_XLATE: {
        struct trace_smmu_xlate *e = &rec->ev.smmu_xlate;
        e->iova = get64(&p); e->pa.v = get64(&p);
        e->sid = get32(&p); e->fsr = get32(&p); e->fsynr0 = get32(&p);
        e->cb = get16(&p); e->result = get8(&p); e->is_write = get8(&p);
        break;
    }
    case TRACE_K_DMA: {
        struct trace_dma *e = &rec->ev.dma;
        e->iova = get64(&p); e->pa.v = get64(&p); e->len = get64(&p);
        e->sid = get32(&p); e->dev = get32(&p);
        e->is_write = get8(&p); e->result = get8(&p); (void)get16(&p);
        e->beat = 0;
        e->fixed = false;
        if (rec->len >= 40) {           /* v1.2 tail: beat size, flags (bits 1-7 reserved) */
            unsigned beat = get8(&p), fl = get8(&p);
            bool fixed = fl & TRACE_DMA_F_FIXED;
            /* a beat is a power of two up to 128 bytes; a fixed burst has a beat and is a
             * whole number of beats */
            if ((beat & (beat - 1)) || (fixed && (!beat || e->len % beat)))
                return TRACE_ERR_MALFORMED;
            e->beat = (uint8_t)beat;
            e->fixed = fixed;
        }
        break;
    }
    case TRACE_K_VCPU_SWITCH: {
        struct trace_vcpu_switch *e = &rec->ev.vcpu_switch;
        e->from_dom = get32(&p); e->from_vcpu = get32(&p);
        e->to_dom = get32(&p); e->to_vcpu = get32(&p);
        e->reason = get8(&p);
        break;
    }
    case TRACE_K_CONSOLE_IN:
        rec->ev.console_in.dev = get32(&p);
        rec->ev.console_in.bytes = p;
        rec->ev.console_in.n = rec->len - 4;
        break;
    case TRACE_K_RUN_END: {
        struct trace_run_end *e = &rec->ev.run_end;
        e->exit_status = (int32_t)get32(&p); e->reason = get32(&p);
        e->total_cycles = get64(&p); e->total_insns = get64(&p);
        e->nvcpus = 0;
        if (rec->len >= 32) {           /* v1.1 tail: per-vCPU counts */
            uint32_t nv = get32(&p);
            (void)get32(&p);
            if (nv > TRACE_MAX_VCPUS || rec->len < 32 + 16 * nv)
                return TRACE_ERR_MALFORMED;
            e->nvcpus = nv;
            for (uint32_t i = 0; i < nv; i++) { e->vcpu_insns[i] = get64(&p); e->vcpu_cycles[i] = get64(&p); }
        }
        break;
    }
    case TRACE_K_RR_INPUT: {
        struct trace_rr_input *e = &rec->ev.rr_input;
        e->round = get64(&p); e->value = get64(&p);
        e->dev = get32(&p); e->type = get8(&p); e->point = get8(&p); (void)get16(&p);
        e->bytes = p;
        e->n = rec->len - 24;
        break;
    }
    case TRACE_K_NOTE:
        rec->ev.note.text = (const char *)p;
        break;
    default:
        /* kind 0 is never written: a CRC-valid frame with kind 0 is not ours */
        return TRACE_ERR_MALFORMED;
    }
    return TRACE_OK;
}

int trace_next(struct trace_reader *r, struct trace_rec *rec)
{
    if (!r)
        return TRACE_ERR_IO;
    if (r->err)
        return r->err;
    uint8_t f[TRACE_REC_HDR_LEN];
    int ioerr = 0;
    memset(rec, 0, sizeof *rec);
    size_t k = read_n(r->f, f, sizeof f, &ioerr);
    if (ioerr)
        return r->err = TRACE_ERR_IO;
    if (k == 0)
        return 0;                                   /* clean end after a complete record */
    if (k < sizeof f)
        return r->err = TRACE_ERR_TRUNCATED;
    const uint8_t *p = f;
    rec->kind = get16(&p);
    rec->flags = get16(&p);
    rec->len = get32(&p);
    rec->cycle = get64(&p);
    rec->icount = get64(&p);
    rec->vcpu = get32(&p);
    rec->seq = get32(&p);
    uint32_t pcrc = get32(&p), fcrc = get32(&p);
    /* The frame has its own CRC so that a flipped length bit is reported as corruption rather
     * than as a truncation (or a huge allocation). */
    if (fcrc != trace_crc32(0, f, 36))
        return r->err = TRACE_ERR_CRC;
    if (rec->len > TRACE_MAX_PAYLOAD)
        return r->err = TRACE_ERR_MALFORMED;
    if (rec->seq != (uint32_t)r->nrec)
        return r->err = TRACE_ERR_SEQUENCE;
    if (rec->len + 1 > r->cap) {
        uint8_t *b = realloc(r->buf, rec->len + 1);
        if (!b)
            return r->err = TRACE_ERR_NOMEM;
        r->buf = b;
        r->cap = rec->len + 1;
    }
    k = read_n(r->f, r->buf, rec->len, &ioerr);
    if (ioerr)
        return r->err = TRACE_ERR_IO;
    if (k < rec->len)
        return r->err = TRACE_ERR_TRUNCATED;
    if (pcrc != trace_crc32(0, r->buf, rec->len))
        return r->err = TRACE_ERR_CRC;
    r->buf[rec->len] = 0;                           /* text payloads become C strings */
    rec->payload = r->buf;
    rec->offset = r->off;
    int rc = decode(r, rec);
    if (rc)
        return r->err = rc;
    r->off += TRACE_REC_HDR_LEN + rec->len;
    r->nrec++;
    return 1;
}

const struct trace_meta *trace_reader_meta(const struct trace_reader *r) { return &r->meta; }

void trace_reader_version(const struct trace_reader *r, unsigned *major, unsigned *minor)
{
    *major = r->major;
    *minor = r->minor;
}

const char *trace_string(const struct trace_reader *r, uint32_t id)
{
    return r && id < r->nstr ? r->str[id] : NULL;
}

uint64_t trace_reader_records(const struct trace_reader *r) { return r->nrec; }
uint64_t trace_reader_offset(const struct trace_reader *r) { return r->off; }

void trace_close(struct trace_reader *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    trace_meta_free(&r->meta);
    for (uint32_t i = 0; i < r->nstr; i++)
        free(r->str[i]);
    free(r->str);
    free(r->buf);
    free(r);
}

/* ================================== names =================================== */

#define NAME_FN(fn, ...) \
    const char *fn(unsigned v) \
    { static const char *const t[] = { __VA_ARGS__ }; \
      return v < sizeof t / sizeof t[0] && t[v] ? t[v] : "?"; }

NAME_FN(trace_kind_name, [0] = "?", "STRING", "EXC-TAKEN", "EXC-RETURN", "S2-FAULT", "P2M", "MMIO",
        "IRQ", "HCALL", "TLBI", "SMMU-XLATE", "DMA", "VCPU-SWITCH", "CONSOLE-IN", "RUN-END", "NOTE",
        "RR-INPUT")
NAME_FN(trace_rr_type_name, "console", "idle-cut", "rtc-base", "console-eof", "console-state")
NAME_FN(trace_rr_point_name, "boot", "round", "idle", "block")
NAME_FN(trace_s2_outcome_name, "mapped", "inject-dabt", "inject-pabt", "emulated-mmio", "spurious",
        "domain-crash")
NAME_FN(trace_fault_class_name, "translation", "access-flag", "permission", "alignment", "external",
        "address-size", "other")
NAME_FN(trace_p2m_type_name, "invalid", "ram_rw", "ram_ro", "mmio_direct_dev", "mmio_direct_nc",
        "mmio_direct_c", "mmio_direct_c_rwx", "grant", "foreign")
NAME_FN(trace_p2m_reason_name, "boot", "fault", "hypercall", "domctl", "teardown")
NAME_FN(trace_irq_op_name, "raise", "lower", "ack", "eoi", "inject")
NAME_FN(trace_hcall_class_name, "psci", "xen", "smc", "hvc")
NAME_FN(trace_tlbi_op_name, "VMALLE1", "VMALLE1IS", "VAE1", "VAE1IS", "VALE1", "VALE1IS", "ASIDE1",
        "ASIDE1IS", "VAAE1", "VAAE1IS", "IPAS2E1", "IPAS2E1IS", "IPAS2LE1", "IPAS2LE1IS",
        "VMALLS12E1", "VMALLS12E1IS", "ALLE1", "ALLE1IS", "ALLE2", "ALLE2IS", "VAE2", "VAE2IS",
        "SMMU_TLBIALLNSNH", "SMMU_TLBIVMID", "SMMU_TLBIASID", "SMMU_TLBIVA", "SMMU_TLBIIPAS2",
        "SMMU_TLBIALL")
NAME_FN(trace_smmu_result_name, "ok", "bypass", "context-fault", "unmatched-stream", "s2cr-fault")
NAME_FN(trace_dma_result_name, "ok", "smmu-fault", "bus-error", "outside-domain")
NAME_FN(trace_exc_type_name, "sync", "irq", "fiq", "serror")
