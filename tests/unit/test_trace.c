/* tests/unit/test_trace.c — trace stream v1 (machine/trace.c, docs/trace.md): every event kind
 * round trips; a file cut anywhere inside its last record reads every earlier record and
 * reports the truncation (a killed run); random corruption never crashes the reader and is
 * caught by the CRCs; unknown kinds are skipped; header hashes round trip; tracing off is a
 * NULL/disabled tracer that writes nothing.
 *
 * `test_trace --write-sample FILE` writes the sample trace that tests/tools/run-suite.sh
 * feeds to faultline-trace. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "machine/trace.h"

/* ---------------------------------------------------------------- sample --- */

static const struct trace_exc_taken S_EXC = {
    .from_el = 1, .to_el = 2, .type = TRACE_EXC_SYNC, .ec = 0x24,
    .esr = 0x93c08046ull, .elr = 0xffff000010081234ull, .far = 0xffff80000900a000ull };
static const struct trace_exc_return S_ERET = {
    .from_el = 2, .to_el = 1, .elr = 0xffff000010081238ull, .spsr = 0x3c5 };
static const struct trace_s2_fault S_S2 = {
    .pc = 0xffff000010081234ull, .va = { 0xffff80000900a000ull }, .ipa = { 0x09000000ull },
    .esr = 0x93c08046ull, .insn = 0xb9000020u, .is_insn = 0, .size = 4, .is_write = 1,
    .outcome = TRACE_S2_MAPPED, .fault_class = TRACE_FC_TRANSLATION, .level = 3 };
static const struct trace_p2m S_P2M = {
    .ipa = { 0x09000000ull }, .pa = { 0x09000000ull }, .size = 0x1000, .domid = 0,
    .type = TRACE_P2M_MMIO_DIRECT_C, .reason = TRACE_P2M_R_FAULT, .op = TRACE_P2M_MAP };
static const struct trace_irq S_IRQ = { .intid = 33, .cpu = 1, .op = TRACE_IRQ_INJECT, .is_virtual = 1 };
static const struct trace_hcall S_HC = {
    .func = 0xc4000003ull, .args = { 1, 0x40080000ull, 0, 4, 5, 6 }, .result = -2,
    .cls = TRACE_HC_PSCI, .nargs = 3 };
static const struct trace_tlbi S_TLBI = { .addr = 0x9000, .op = TRACE_TLBI_IPAS2E1IS, .vmid = 1, .asid = 7, .cb = 0 };
static const struct trace_smmu_xlate S_SMMU = {
    .sid = 0x12, .fsr = 0x2, .fsynr0 = 0x11, .cb = 3, .result = TRACE_SMMU_FAULT_CB,
    .is_write = 1, .iova = 0x09060000ull, .pa = { 0 } };
static const struct trace_vcpu_switch S_VSW = { .from_dom = 0, .from_vcpu = 0, .to_dom = 1, .to_vcpu = 2, .reason = 0 };

static struct trace_ts ts_n(unsigned i)
{
    /* vCPU 0 for the first records (an EL2 entry and its return), vCPU 1 after */
    return (struct trace_ts){ .cycle = 1000 + 10 * i, .icount = 500 + 3 * i, .vcpu = i < 12 ? 0 : 1 };
}

/* Writes one record of every kind (plus an unknown kind 200). Returns the number of records. */
static unsigned write_sample_to(struct tracer *tr)
{
    unsigned i = 0;
    struct trace_ts t;
    uint32_t uart = trace_intern(tr, "pl011");           /* record 0 */
    uint32_t dmac = trace_intern(tr, "pl330");           /* record 1 */
    i = 2;
    t = ts_n(i++); trace_exc_taken(tr, &t, &S_EXC);
    t = ts_n(i++); trace_s2_fault(tr, &t, &S_S2);
    t = ts_n(i++); trace_p2m(tr, &t, &S_P2M);
    t = ts_n(i++); trace_exc_return(tr, &t, &S_ERET);
    struct trace_mmio m = { .dev = uart, .pa = { 0x09000018ull }, .offset = 0x18, .value = 0x90,
                            .size = 4, .is_write = 0, .status = 0 };
    t = ts_n(i++); trace_mmio(tr, &t, &m);
    t = ts_n(i++); trace_irq(tr, &t, &S_IRQ);
    t = ts_n(i++); trace_hcall(tr, &t, &S_HC);
    t = ts_n(i++); trace_tlbi(tr, &t, &S_TLBI);
    t = ts_n(i++); trace_smmu_xlate(tr, &t, &S_SMMU);
    struct trace_dma d = { .sid = 0x12, .dev = dmac, .iova = 0x09060000ull, .pa = { 0 }, .len = 64,
                           .is_write = 1, .result = TRACE_DMA_SMMU_FAULT, .beat = 4, .fixed = true };
    t = ts_n(i++); trace_dma(tr, &t, &d);
    t = ts_n(i++); trace_vcpu_switch(tr, &t, &S_VSW);
    t = ts_n(i++); trace_console_in(tr, &t, uart, "ls\n", 3);
    t = ts_n(i++); t.flags = TRACE_F_NOT_XEN;
    trace_note(tr, &t, "mmio-sram mapped RWX");
    static const uint8_t future[5] = { 1, 2, 3, 4, 5 };
    t = ts_n(i++); trace_emit_raw(tr, &t, 200, future, sizeof future);
    struct trace_run_end e = { .exit_status = 0, .reason = trace_intern(tr, "guest poweroff"),
                               .total_cycles = 123456789, .total_insns = 98765432 };
    i++;                                                 /* the STRING record just written */
    t = ts_n(i++); trace_run_end(tr, &t, &e);
    return i;
}

static void sample_meta(struct trace_meta *m)
{
    memset(m, 0, sizeof *m);
    trace_meta_set(&m->emulator_version, "faultline 0.1-test");
    trace_meta_set(&m->machine_config, "-M virt -cpu cortex-a57 -m 256M -hv xen,mmio=lazy");
    trace_meta_set(&m->hv_policy, "xen,mmio=lazy");
    trace_meta_add_image(m, "kernel", "abc", 3);
    trace_meta_add_image(m, "dtb", "", 0);
}

static int write_sample(const char *path, unsigned *nrec)
{
    struct trace_meta m;
    char err[200];
    sample_meta(&m);
    struct tracer *tr = tracer_open(path, &m, err, sizeof err);
    trace_meta_free(&m);
    if (!tr) {
        fprintf(stderr, "test_trace: %s\n", err);
        return -1;
    }
    unsigned n = write_sample_to(tr);
    if (nrec)
        *nrec = n;
    return tracer_close(tr);
}

/* `--write-fixed-dma FILE KERNEL` (tests/tools/run-suite.sh): a -hv xen,mmio=eager run's
 * header (KERNEL hashed) and two PL330 (SID 0x20) writes of 8 KiB at 8 bytes below the end of
 * the last SRAM page: #1 fixed (8-byte beats, all at that IOVA: one page), #2 incrementing
 * (over three pages, past the SRAM's end). */
static int write_fixed_dma(const char *path, const char *kernel)
{
    struct trace_meta m;
    char err[300], cmd[1024];
    memset(&m, 0, sizeof m);
    snprintf(cmd, sizeof cmd, "faultline -M virt,sram=on -nographic -kernel %s -device pl330 -hv xen,mmio=eager", kernel);
    trace_meta_set(&m.emulator_version, "faultline 0.1-test");
    trace_meta_set(&m.machine_config, cmd);
    trace_meta_set(&m.hv_policy, "xen,mmio=eager");
    if (trace_meta_add_image_file(&m, "kernel", kernel) < 0) {
        fprintf(stderr, "test_trace: %s: cannot read it\n", kernel);
        trace_meta_free(&m);
        return -1;
    }
    struct tracer *tr = tracer_open(path, &m, err, sizeof err);
    trace_meta_free(&m);
    if (!tr) {
        fprintf(stderr, "test_trace: %s\n", err);
        return -1;
    }
    struct trace_ts t = { .cycle = 1000, .icount = 500 };
    uint32_t dev = trace_intern(tr, "pl330");
    struct trace_dma d = { .sid = 0x20, .dev = dev, .iova = 0x0906fff8ull, .pa = { 0 }, .len = 8192,
                           .is_write = 1, .result = TRACE_DMA_OK, .beat = 8, .fixed = true };
    trace_dma(tr, &t, &d);
    d.fixed = false;
    d.result = TRACE_DMA_SMMU_FAULT;
    t.cycle++, t.icount++;
    trace_dma(tr, &t, &d);
    t.cycle++, t.icount++;
    trace_run_end(tr, &t, &(struct trace_run_end){ .reason = trace_intern(tr, "guest poweroff"),
                                                   .total_cycles = t.cycle, .total_insns = t.icount });
    return tracer_close(tr);
}

/* Sample file in memory. */
static uint8_t *sample_bytes(size_t *len, unsigned *nrec)
{
    char path[] = "/tmp/test_trace_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(write_sample(path, nrec), 0);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    uint8_t *b = malloc(*len);
    assert_int_equal(fread(b, 1, *len, f), *len);
    fclose(f);
    unlink(path);
    return b;
}

/* Read everything: returns the final status (0 clean end, <0 error), *n records. */
static int read_all(const uint8_t *b, size_t len, unsigned *n)
{
    struct trace_reader *r;
    struct trace_rec rec;
    *n = 0;
    int rc = trace_open_mem(b, len, &r);
    if (rc)
        return rc;
    while ((rc = trace_next(r, &rec)) == 1)
        (*n)++;
    assert_int_equal(trace_next(r, &rec), rc);           /* errors and the end are sticky */
    trace_close(r);
    return rc;
}

/* Byte offsets of each record frame in a good sample. */
static unsigned record_offsets(const uint8_t *b, size_t len, uint64_t *off, unsigned max)
{
    struct trace_reader *r;
    struct trace_rec rec;
    unsigned n = 0;
    assert_int_equal(trace_open_mem(b, len, &r), TRACE_OK);
    while (trace_next(r, &rec) == 1 && n < max)
        off[n++] = rec.offset;
    trace_close(r);
    return n;
}

/* ----------------------------------------------------------------- tests --- */

static void test_checksums(void **state)
{
    (void)state;
    assert_int_equal(trace_crc32(0, "123456789", 9), 0xCBF43926u);
    static const struct { const char *in; const char *hex; } v[] = {
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    };
    for (unsigned i = 0; i < 3; i++) {
        struct trace_sha256 s;
        uint8_t out[32];
        char hex[65];
        trace_sha256_init(&s);
        /* feed in odd pieces to exercise block boundaries */
        for (size_t k = 0; k < strlen(v[i].in); k += 7)
            trace_sha256_update(&s, v[i].in + k, strlen(v[i].in) - k < 7 ? strlen(v[i].in) - k : 7);
        trace_sha256_final(&s, out);
        for (int k = 0; k < 32; k++)
            sprintf(hex + 2 * k, "%02x", out[k]);
        assert_string_equal(hex, v[i].hex);
    }
    /* one million 'a' (FIPS 180-2 appendix B.3) */
    struct trace_sha256 s;
    uint8_t out[32], blk[1000];
    memset(blk, 'a', sizeof blk);
    trace_sha256_init(&s);
    for (int k = 0; k < 1000; k++)
        trace_sha256_update(&s, blk, sizeof blk);
    trace_sha256_final(&s, out);
    assert_int_equal(out[0], 0xcd);
    assert_int_equal(out[1], 0xc7);
    assert_int_equal(out[31], 0xd0);
}

static void test_header_round_trip(void **state)
{
    (void)state;
    size_t len;
    uint8_t *b = sample_bytes(&len, NULL);
    struct trace_reader *r;
    assert_int_equal(trace_open_mem(b, len, &r), TRACE_OK);
    unsigned maj, min;
    trace_reader_version(r, &maj, &min);
    assert_int_equal(maj, TRACE_FORMAT_MAJOR);
    assert_int_equal(min, TRACE_FORMAT_MINOR);
    const struct trace_meta *m = trace_reader_meta(r);
    assert_string_equal(m->emulator_version, "faultline 0.1-test");
    assert_string_equal(m->machine_config, "-M virt -cpu cortex-a57 -m 256M -hv xen,mmio=lazy");
    assert_string_equal(m->hv_policy, "xen,mmio=lazy");
    assert_int_equal(m->n_images, 2);
    assert_string_equal(m->images[0].name, "kernel");
    assert_int_equal(m->images[0].sha256[0], 0xba);
    assert_int_equal(m->images[0].sha256[31], 0xad);
    assert_string_equal(m->images[1].name, "dtb");
    assert_int_equal(m->images[1].sha256[0], 0xe3);
    trace_close(r);
    free(b);
}

static void test_image_file_hash(void **state)
{
    (void)state;
    char path[] = "/tmp/test_trace_img_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abc", 3), 3);
    close(fd);
    struct trace_meta m = { 0 };
    assert_int_equal(trace_meta_add_image_file(&m, NULL, path), 0);
    assert_string_equal(m.images[0].name, path);
    assert_int_equal(m.images[0].sha256[0], 0xba);
    assert_int_equal(trace_meta_add_image_file(&m, "x", "/nonexistent/file"), -1);
    assert_int_equal(m.n_images, 1);
    trace_meta_free(&m);
    unlink(path);
}

static void test_every_kind_round_trips(void **state)
{
    (void)state;
    size_t len;
    unsigned nrec;
    uint8_t *b = sample_bytes(&len, &nrec);
    struct trace_reader *r;
    struct trace_rec rec;
    unsigned seen[256] = { 0 }, i = 0;
    assert_int_equal(trace_open_mem(b, len, &r), TRACE_OK);
    int rc;
    while ((rc = trace_next(r, &rec)) == 1) {
        struct trace_ts t = ts_n(i);
        assert_int_equal(rec.seq, i);
        if (rec.kind != TRACE_K_STRING) {              /* strings are stamped by the clock (none) */
            assert_int_equal(rec.cycle, t.cycle);
            assert_int_equal(rec.icount, t.icount);
            assert_int_equal(rec.vcpu, t.vcpu);
        }
        seen[rec.kind & 255]++;
        switch (rec.kind) {
        case TRACE_K_STRING:
            assert_true(rec.ev.string.id >= 1 && rec.ev.string.id <= 3);
            assert_string_equal(trace_string(r, rec.ev.string.id), rec.ev.string.text);
            break;
        case TRACE_K_EXC_TAKEN:   assert_memory_equal(&rec.ev.exc_taken, &S_EXC, sizeof S_EXC); break;
        case TRACE_K_EXC_RETURN:  assert_memory_equal(&rec.ev.exc_return, &S_ERET, sizeof S_ERET); break;
        case TRACE_K_S2_FAULT:    assert_memory_equal(&rec.ev.s2_fault, &S_S2, sizeof S_S2); break;
        case TRACE_K_P2M:         assert_memory_equal(&rec.ev.p2m, &S_P2M, sizeof S_P2M); break;
        case TRACE_K_IRQ:         assert_memory_equal(&rec.ev.irq, &S_IRQ, sizeof S_IRQ); break;
        case TRACE_K_HCALL:       assert_memory_equal(&rec.ev.hcall, &S_HC, sizeof S_HC); break;
        case TRACE_K_TLBI:        assert_memory_equal(&rec.ev.tlbi, &S_TLBI, sizeof S_TLBI); break;
        case TRACE_K_SMMU_XLATE:  assert_memory_equal(&rec.ev.smmu_xlate, &S_SMMU, sizeof S_SMMU); break;
        case TRACE_K_VCPU_SWITCH: assert_memory_equal(&rec.ev.vcpu_switch, &S_VSW, sizeof S_VSW); break;
        case TRACE_K_MMIO:
            assert_string_equal(trace_string(r, rec.ev.mmio.dev), "pl011");
            assert_int_equal(rec.ev.mmio.pa.v, 0x09000018ull);
            assert_int_equal(rec.ev.mmio.offset, 0x18);
            assert_int_equal(rec.ev.mmio.value, 0x90);
            assert_int_equal(rec.ev.mmio.size, 4);
            assert_int_equal(rec.ev.mmio.is_write, 0);
            break;
        case TRACE_K_DMA:
            assert_string_equal(trace_string(r, rec.ev.dma.dev), "pl330");
            assert_int_equal(rec.ev.dma.sid, 0x12);
            assert_int_equal(rec.ev.dma.iova, 0x09060000ull);
            assert_int_equal(rec.ev.dma.len, 64);
            assert_int_equal(rec.ev.dma.is_write, 1);
            assert_int_equal(rec.ev.dma.result, TRACE_DMA_SMMU_FAULT);
            assert_int_equal(rec.len, 40);                      /* v1.2 layout */
            assert_int_equal(rec.ev.dma.beat, 4);
            assert_true(rec.ev.dma.fixed);
            break;
        case TRACE_K_CONSOLE_IN:
            assert_int_equal(rec.ev.console_in.n, 3);
            assert_memory_equal(rec.ev.console_in.bytes, "ls\n", 3);
            assert_string_equal(trace_string(r, rec.ev.console_in.dev), "pl011");
            break;
        case TRACE_K_NOTE:
            assert_string_equal(rec.ev.note.text, "mmio-sram mapped RWX");
            assert_int_equal(rec.flags, TRACE_F_NOT_XEN);
            break;
        case TRACE_K_RUN_END:
            assert_int_equal(rec.ev.run_end.exit_status, 0);
            assert_string_equal(trace_string(r, rec.ev.run_end.reason), "guest poweroff");
            assert_int_equal(rec.ev.run_end.total_cycles, 123456789);
            assert_int_equal(rec.ev.run_end.total_insns, 98765432);
            break;
        case 200:                                       /* unknown: raw payload, skipped */
            assert_int_equal(rec.len, 5);
            assert_int_equal(rec.payload[4], 5);
            break;
        default:
            fail_msg("unexpected kind %u", rec.kind);
        }
        i++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(i, nrec);
    assert_int_equal(trace_reader_records(r), nrec);
    assert_int_equal(trace_reader_offset(r), len);
    for (unsigned k = 1; k < TRACE_K__COUNT; k++)
        assert_true(seen[k] >= 1 || k == TRACE_K_RR_INPUT);   /* v1.1's kind: test_rr_records */
    assert_int_equal(seen[200], 1);
    trace_close(r);
    free(b);
}

/* A killed run: the file ends anywhere inside its last record. */
static void test_truncation_at_every_offset(void **state)
{
    (void)state;
    size_t len;
    unsigned nrec, n;
    uint8_t *b = sample_bytes(&len, &nrec);
    uint64_t off[64];
    assert_int_equal(record_offsets(b, len, off, 64), nrec);
    for (size_t cut = off[nrec - 1]; cut < len; cut++) {
        int rc = read_all(b, cut, &n);
        assert_int_equal(n, nrec - 1);
        assert_int_equal(rc, cut == off[nrec - 1] ? 0 : TRACE_ERR_TRUNCATED);
    }
    /* and every cut anywhere: never a crash, records read = complete records before the cut */
    for (size_t cut = 0; cut < len; cut++) {
        int rc = read_all(b, cut, &n);
        unsigned complete = 0;
        for (unsigned k = 0; k < nrec; k++)
            complete += (k + 1 < nrec ? off[k + 1] : len) <= cut;
        if (cut < off[0]) {
            assert_true(rc == TRACE_ERR_TRUNCATED || rc == TRACE_ERR_MAGIC);
            assert_int_equal(n, 0);
        } else {
            assert_int_equal(n, complete);
        }
    }
    free(b);
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Any single changed byte is caught (CRC-32 detects every burst up to 32 bits) at the record
 * it lands in; earlier records still read. Multi-byte damage must never crash. */
static void test_random_corruption(void **state)
{
    (void)state;
    size_t len;
    unsigned nrec, n;
    uint8_t *b = sample_bytes(&len, &nrec);
    uint8_t *c = malloc(len);
    uint64_t off[64];
    record_offsets(b, len, off, 64);
    for (int iter = 0; iter < 5000; iter++) {
        memcpy(c, b, len);
        size_t pos = rnd() % len;
        uint8_t x = (uint8_t)(rnd() | 1);          /* never 0: the byte really changes */
        c[pos] ^= x;
        int rc = read_all(c, len, &n);
        assert_true(rc < 0);
        if (pos < off[0]) {
            assert_int_equal(n, 0);                /* header damage: open fails */
        } else {
            unsigned k = 0;
            while (k + 1 < nrec && off[k + 1] <= pos)
                k++;
            assert_int_equal(n, k);                /* stops exactly at the damaged record */
            assert_true(rc == TRACE_ERR_CRC || rc == TRACE_ERR_TRUNCATED);
        }
    }
    for (int iter = 0; iter < 5000; iter++) {      /* several flips + a random cut */
        memcpy(c, b, len);
        int flips = 1 + rnd() % 8;
        for (int k = 0; k < flips; k++)
            c[rnd() % len] = (uint8_t)rnd();
        (void)read_all(c, 1 + rnd() % len, &n);
        assert_true(n <= nrec);
    }
    free(c);
    free(b);
}

/* CRC-valid frames that are still wrong: sequence gaps, short payloads, kind 0. */
static void test_malformed_but_crc_valid(void **state)
{
    (void)state;
    size_t len;
    unsigned nrec, n;
    uint8_t *b = sample_bytes(&len, &nrec);
    uint64_t off[64];
    record_offsets(b, len, off, 64);
    /* drop record 3: record 4 then has the wrong sequence number */
    size_t gap = off[4] - off[3];
    uint8_t *c = malloc(len);
    memcpy(c, b, off[3]);
    memcpy(c + off[3], b + off[4], len - off[4]);
    assert_int_equal(read_all(c, len - gap, &n), TRACE_ERR_SEQUENCE);
    assert_int_equal(n, 3);
    free(c);
    free(b);

    /* a short S2 fault payload and a longer one (a later minor version appended a field) */
    char path[] = "/tmp/test_trace_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct tracer *tr = tracer_open_fd(fd, NULL, NULL, 0);
    assert_non_null(tr);
    uint8_t pl[64] = { 0 };
    pl[0] = 0x34;                                   /* pc low byte */
    trace_emit_raw(tr, NULL, TRACE_K_S2_FAULT, pl, 48);
    trace_emit_raw(tr, NULL, TRACE_K_S2_FAULT, pl, 43);
    trace_emit_raw(tr, NULL, 0, pl, 4);             /* refused by the writer */
    assert_int_equal(tr->records, 2);
    assert_int_equal(tracer_close(tr), 0);
    struct trace_reader *r;
    struct trace_rec rec;
    assert_int_equal(trace_open(path, &r), TRACE_OK);
    assert_int_equal(trace_next(r, &rec), 1);
    assert_int_equal(rec.ev.s2_fault.pc, 0x34);
    assert_int_equal(trace_next(r, &rec), TRACE_ERR_MALFORMED);
    trace_close(r);
    unlink(path);
}

static void test_bad_magic_and_version(void **state)
{
    (void)state;
    size_t len;
    unsigned n;
    uint8_t *b = sample_bytes(&len, NULL);
    struct trace_reader *r;
    assert_int_equal(trace_open_mem("hello world, not a trace at all", 31, &r), TRACE_ERR_MAGIC);
    assert_null(r);
    assert_int_equal(trace_open_mem(b, 0, &r), TRACE_ERR_MAGIC);
    assert_int_equal(trace_open_mem(b, 5, &r), TRACE_ERR_TRUNCATED);
    assert_int_equal(trace_open("/nonexistent/trace", &r), TRACE_ERR_IO);
    b[TRACE_MAGIC_LEN] = 2;                         /* major 2 */
    assert_int_equal(read_all(b, len, &n), TRACE_ERR_VERSION);
    b[TRACE_MAGIC_LEN] = 1;
    b[TRACE_MAGIC_LEN + 2] = 7;                     /* minor 7: still readable, CRC says no */
    assert_int_equal(read_all(b, len, &n), TRACE_ERR_HEADER);
    for (int e = 0; e >= -9; e--)
        assert_true(strlen(trace_strerror(e)) > 0);
    free(b);
}

/* Tracing off: a NULL tracer everywhere, or a tracer with on == false, writes nothing. */
static void test_tracing_off(void **state)
{
    (void)state;
    assert_int_equal(write_sample_to(NULL) > 0, 1);   /* every trace point with NULL */
    assert_int_equal(trace_intern(NULL, "x"), 0);
    assert_int_equal(tracer_flush(NULL), 0);
    assert_int_equal(tracer_close(NULL), 0);

    char path[] = "/tmp/test_trace_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct tracer *tr = tracer_open_fd(fd, NULL, NULL, 0);
    assert_non_null(tr);
    tr->on = false;
    write_sample_to(tr);
    assert_int_equal(tr->records, 0);               /* the encoder was never reached */
    assert_int_equal(tr->len, 0);
    TRACE(tr, p2m, NULL, .ipa = { 1 }, .size = 4096);  /* the hot-path macro, off */
    TRACE((struct tracer *)NULL, p2m, NULL, .size = 4096);
    assert_int_equal(tr->records, 0);
    tr->on = true;
    struct trace_ts t = ts_n(0);
    trace_irq(tr, &t, &S_IRQ);
    assert_int_equal(tr->records, 1);
    assert_int_equal(tr->per_kind[TRACE_K_IRQ], 1);
    TRACE(tr, p2m, &t, .ipa = { 0x9000000 }, .pa = { 0x9000000 }, .size = 4096,
          .type = TRACE_P2M_MMIO_DIRECT_C, .reason = TRACE_P2M_R_FAULT);
    assert_int_equal(tr->per_kind[TRACE_K_P2M], 1);
    assert_int_equal(tracer_close(tr), 0);
    unsigned n;
    struct trace_reader *r;
    struct trace_rec rec;
    assert_int_equal(trace_open(path, &r), TRACE_OK);
    struct trace_rec last;
    n = 0;
    while (trace_next(r, &rec) == 1) {
        last = rec;
        n++;
    }
    assert_int_equal(n, 2);
    assert_int_equal(last.kind, TRACE_K_P2M);
    assert_int_equal(last.ev.p2m.ipa.v, 0x9000000);
    assert_int_equal(last.ev.p2m.type, TRACE_P2M_MMIO_DIRECT_C);
    trace_close(r);
    unlink(path);
}

static void test_interning(void **state)
{
    (void)state;
    char path[] = "/tmp/test_trace_XXXXXX";
    int fd = mkstemp(path);
    struct tracer *tr = tracer_open_fd(fd, NULL, NULL, 0);
    assert_non_null(tr);
    uint32_t a = trace_intern(tr, "pl011"), b = trace_intern(tr, "gicd"), c = trace_intern(tr, "pl011");
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    assert_int_equal(c, a);
    assert_int_equal(tr->records, 2);               /* emitted once each */
    tracer_close(tr);
    unlink(path);
}

static void clock_fn(void *opaque, struct trace_ts *ts)
{
    ts->cycle = 77;
    ts->icount = 66;
    ts->vcpu = *(uint32_t *)opaque;
}

static void test_clock_hook(void **state)
{
    (void)state;
    char path[] = "/tmp/test_trace_XXXXXX";
    int fd = mkstemp(path);
    struct tracer *tr = tracer_open_fd(fd, NULL, NULL, 0);
    uint32_t vcpu = 3;
    tr->clock = clock_fn;
    tr->clock_opaque = &vcpu;
    trace_tlbi(tr, NULL, &S_TLBI);
    tracer_close(tr);
    struct trace_reader *r;
    struct trace_rec rec;
    assert_int_equal(trace_open(path, &r), TRACE_OK);
    assert_int_equal(trace_next(r, &rec), 1);
    assert_int_equal(rec.cycle, 77);
    assert_int_equal(rec.icount, 66);
    assert_int_equal(rec.vcpu, 3);
    trace_close(r);
    unlink(path);
}

/* SIGKILL mid-run: a sync tracer loses nothing; a buffered one loses only what was still in
 * its buffer, and what reached the file reads cleanly to the last complete record. */
static void kill_run(bool sync, unsigned nev, unsigned *got, int *rc_out)
{
    char path[] = "/tmp/test_trace_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct tracer *tr = tracer_open_fd(fd, NULL, NULL, 0);
        if (!tr)
            _exit(3);
        tr->sync = sync;
        for (unsigned i = 0; i < nev; i++) {
            struct trace_ts t = ts_n(i);
            trace_s2_fault(tr, &t, &S_S2);
        }
        raise(SIGKILL);
        _exit(4);
    }
    close(fd);
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    struct trace_reader *r;
    struct trace_rec rec;
    assert_int_equal(trace_open(path, &r), TRACE_OK);
    int rc;
    *got = 0;
    while ((rc = trace_next(r, &rec)) == 1)
        (*got)++;
    *rc_out = rc;
    trace_close(r);
    unlink(path);
}

static void test_killed_run(void **state)
{
    (void)state;
    unsigned got;
    int rc;
    kill_run(true, 100, &got, &rc);
    assert_int_equal(got, 100);
    assert_int_equal(rc, 0);
    kill_run(false, 5000, &got, &rc);                /* 5000 x 84 B: several flushes */
    assert_true(got > 0 && got < 5000);
    assert_int_equal(rc, 0);
}

/* v1.1 (record/replay): RR-INPUT records, the RUN-END per-vCPU tail and the header's replay key
 * round trip; a v1.0 RUN-END (no tail) reads with nvcpus 0; a tail claiming more vCPUs than it
 * holds is malformed. */
static void test_rr_records(void **state)
{
    (void)state;
    char path[] = "/tmp/test_trace_rr_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct trace_meta m;
    memset(&m, 0, sizeof m);
    trace_meta_set(&m.replay_key, "-M virt -kernel k");
    struct tracer *tr = tracer_open_fd(fd, &m, NULL, 0);
    trace_meta_free(&m);
    assert_non_null(tr);
    struct trace_ts t = { .cycle = 77, .icount = 55, .vcpu = 1 };
    trace_rr_input(tr, &t, &(struct trace_rr_input){ .round = 0, .point = TRACE_RR_AT_BOOT,
                                                     .type = TRACE_RR_RTC_BASE, .value = 1700000000 });
    trace_rr_input(tr, &t, &(struct trace_rr_input){ .round = 9, .point = TRACE_RR_AT_IDLE, .type = TRACE_RR_CONSOLE,
                                                     .dev = 3, .bytes = (const uint8_t *)"ls\r", .n = 3 });
    trace_rr_input(tr, &t, &(struct trace_rr_input){ .round = 9, .point = TRACE_RR_AT_IDLE,
                                                     .type = TRACE_RR_IDLE_CUT, .value = 123456789 });
    trace_run_end(tr, &t, &(struct trace_run_end){ .total_insns = 30, .total_cycles = 70, .nvcpus = 2,
                                                   .vcpu_insns = { 10, 20 }, .vcpu_cycles = { 30, 40 } });
    trace_run_end(tr, &t, &(struct trace_run_end){ .total_insns = 1 });      /* v1.0 layout */
    static const uint8_t bad_tail[32] = { [24] = 9 };                           /* 9 vCPUs, no counts */
    trace_emit_raw(tr, &t, TRACE_K_RUN_END, bad_tail, sizeof bad_tail);
    assert_int_equal(tracer_close(tr), 0);

    struct trace_reader *r;
    struct trace_rec rec;
    assert_int_equal(trace_open(path, &r), TRACE_OK);
    assert_string_equal(trace_reader_meta(r)->replay_key, "-M virt -kernel k");
    assert_int_equal(trace_next(r, &rec), 1);
    assert_int_equal(rec.kind, TRACE_K_RR_INPUT);
    assert_int_equal(rec.ev.rr_input.type, TRACE_RR_RTC_BASE);
    assert_int_equal(rec.ev.rr_input.value, 1700000000);
    assert_int_equal(rec.ev.rr_input.n, 0);
    assert_int_equal(trace_next(r, &rec), 1);
    assert_int_equal(rec.ev.rr_input.round, 9);
    assert_int_equal(rec.ev.rr_input.point, TRACE_RR_AT_IDLE);
    assert_int_equal(rec.ev.rr_input.dev, 3);
    assert_int_equal(rec.ev.rr_input.n, 3);
    assert_memory_equal(rec.ev.rr_input.bytes, "ls\r", 3);
    assert_int_equal(rec.icount, 55);
    assert_int_equal(trace_next(r, &rec), 1);
    assert_int_equal(rec.ev.rr_input.type, TRACE_RR_IDLE_CUT);
    assert_int_equal(rec.ev.rr_input.value, 123456789);
    assert_int_equal(trace_next(r, &rec), 1);
    assert_int_equal(rec.kind, TRACE_K_RUN_END);
    assert_int_equal(rec.ev.run_end.nvcpus, 2);
    assert_int_equal(rec.ev.run_end.vcpu_insns[1], 20);
    assert_int_equal(rec.ev.run_end.vcpu_cycles[0], 30);
    assert_int_equal(rec.ev.run_end.vcpu_cycles[1], 40);
    assert_int_equal(trace_next(r, &rec), 1);
    assert_int_equal(rec.ev.run_end.nvcpus, 0);
    assert_int_equal(rec.ev.run_end.total_insns, 1);
    assert_int_equal(trace_next(r, &rec), TRACE_ERR_MALFORMED);
    trace_close(r);
    unlink(path);
    assert_string_equal(trace_kind_name(TRACE_K_RR_INPUT), "RR-INPUT");
    assert_string_equal(trace_rr_type_name(TRACE_RR_IDLE_CUT), "idle-cut");
    assert_string_equal(trace_rr_point_name(TRACE_RR_AT_BLOCK), "block");
}

/* One raw DMA payload of n bytes in a fresh trace: what the reader makes of it. */
static int read_raw_dma(const uint8_t *pl, uint32_t n, struct trace_dma *out)
{
    char path[] = "/tmp/test_trace_dma_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct tracer *tr = tracer_open_fd(fd, NULL, NULL, 0);
    assert_non_null(tr);
    trace_emit_raw(tr, NULL, TRACE_K_DMA, pl, n);
    assert_int_equal(tracer_close(tr), 0);
    struct trace_reader *r;
    struct trace_rec rec;
    assert_int_equal(trace_open(path, &r), TRACE_OK);
    int rc = trace_next(r, &rec);
    if (rc == 1) *out = rec.ev.dma;
    trace_close(r);
    unlink(path);
    return rc;
}

/* v1.2 DMA tail: beat size and fixed flag round-trip; a v1.0/v1.1 record (36 bytes) reads as
 * beat 0, incrementing; bad values are malformed, reserved flag bits and longer payloads not. */
static void test_dma_beats(void **state)
{
    (void)state;
    char path[] = "/tmp/test_trace_dmab_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct tracer *tr = tracer_open_fd(fd, NULL, NULL, 0);
    assert_non_null(tr);
    trace_dma(tr, NULL, &(struct trace_dma){ .sid = 5, .iova = 0x1ff8, .len = 8192, .beat = 8, .fixed = true });
    trace_dma(tr, NULL, &(struct trace_dma){ .sid = 1, .iova = 0x4000, .len = 100 });
    trace_dma(tr, NULL, &(struct trace_dma){ .sid = 5, .iova = 0x3000, .len = 256, .beat = 128 });
    assert_int_equal(tracer_close(tr), 0);
    struct trace_reader *r;
    struct trace_rec rec;
    assert_int_equal(trace_open(path, &r), TRACE_OK);
    assert_int_equal(trace_next(r, &rec), 1);
    assert_int_equal(rec.ev.dma.len, 8192);
    assert_int_equal(rec.ev.dma.beat, 8);
    assert_true(rec.ev.dma.fixed);
    assert_int_equal(trace_next(r, &rec), 1);
    assert_int_equal(rec.ev.dma.beat, 0);
    assert_false(rec.ev.dma.fixed);
    assert_int_equal(trace_next(r, &rec), 1);
    assert_int_equal(rec.ev.dma.beat, 128);
    assert_false(rec.ev.dma.fixed);
    assert_int_equal(trace_next(r, &rec), 0);
    trace_close(r);
    unlink(path);

    /* payload: u64 iova, u64 pa, u64 len (= 64), u32 sid, u32 dev, u8 write, u8 result,
     * u16 rsv; v1.2: u8 beat, u8 flags, u16 rsv */
    uint8_t pl[48] = { [16] = 64, [24] = 7, [32] = 1 };
    struct trace_dma d;
    memset(&d, 0xff, sizeof d);
    assert_int_equal(read_raw_dma(pl, 36, &d), 1);              /* a v1.0/v1.1 record */
    assert_int_equal(d.sid, 7);
    assert_int_equal(d.len, 64);
    assert_int_equal(d.is_write, 1);
    assert_int_equal(d.beat, 0);
    assert_false(d.fixed);
    pl[36] = 4; pl[37] = TRACE_DMA_F_FIXED | 0x80;                  /* bit 7 reserved: ignored */
    assert_int_equal(read_raw_dma(pl, 44, &d), 1);              /* longer: a later minor's tail */
    assert_int_equal(d.beat, 4);
    assert_true(d.fixed);
    pl[36] = 3;                                                 /* not a power of two */
    assert_int_equal(read_raw_dma(pl, 40, &d), TRACE_ERR_MALFORMED);
    pl[36] = 0;                                                 /* fixed without a beat */
    assert_int_equal(read_raw_dma(pl, 40, &d), TRACE_ERR_MALFORMED);
    pl[36] = 128; pl[16] = 100;                                 /* fixed, 100 is not whole beats */
    assert_int_equal(read_raw_dma(pl, 40, &d), TRACE_ERR_MALFORMED);
    pl[37] = 0;                                                 /* incrementing: any length */
    assert_int_equal(read_raw_dma(pl, 40, &d), 1);
    assert_false(d.fixed);
    assert_int_equal(read_raw_dma(pl, 35, &d), TRACE_ERR_MALFORMED);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(trace_kind_name(TRACE_K_S2_FAULT), "S2-FAULT");
    assert_string_equal(trace_kind_name(999), "?");
    assert_string_equal(trace_s2_outcome_name(TRACE_S2_INJECT_PABT), "inject-pabt");
    assert_string_equal(trace_p2m_type_name(TRACE_P2M_MMIO_DIRECT_C), "mmio_direct_c");
    assert_string_equal(trace_tlbi_op_name(TRACE_TLBI_SMMU_TLBIALL), "SMMU_TLBIALL");
    assert_string_equal(trace_tlbi_op_name(TRACE_TLBI__COUNT), "?");
    assert_string_equal(trace_smmu_result_name(TRACE_SMMU_FAULT_CB), "context-fault");
    for (unsigned k = 1; k < TRACE_K__COUNT; k++)
        assert_string_not_equal(trace_kind_name(k), "?");
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-sample"))
        return write_sample(argv[2], NULL) ? 1 : 0;
    if (argc == 4 && !strcmp(argv[1], "--write-fixed-dma"))
        return write_fixed_dma(argv[2], argv[3]) ? 1 : 0;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checksums),
        cmocka_unit_test(test_header_round_trip),
        cmocka_unit_test(test_image_file_hash),
        cmocka_unit_test(test_every_kind_round_trips),
        cmocka_unit_test(test_truncation_at_every_offset),
        cmocka_unit_test(test_random_corruption),
        cmocka_unit_test(test_malformed_but_crc_valid),
        cmocka_unit_test(test_bad_magic_and_version),
        cmocka_unit_test(test_tracing_off),
        cmocka_unit_test(test_interning),
        cmocka_unit_test(test_clock_hook),
        cmocka_unit_test(test_killed_run),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_rr_records),
        cmocka_unit_test(test_dma_beats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
