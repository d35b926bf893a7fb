/* machine/replay.c — record and replay of a whole run (-icount shift=auto,rr=record|replay,
 * rrfile=FILE; docs/trace.md "Record and replay").
 *
 * Why this is enough: the board's main loop (board.c board_run) is deterministic — guest time
 * comes from the cycle model — except at its input points, where the host is consulted: console
 * bytes, the wall-clock cut of an idle jump at an interactive console, the end of console input,
 * and, once at boot, the RTC's host time and whether the console can give input at all. A
 * recording is the list of what the host answered at each point, placed by (loop round, point);
 * a replay asks this file instead of the host, so it takes the same path through the loop and
 * the guest sees the same thing at the same instruction. Each record also carries the stamp
 * (vCPU, icount, cycle) of where it happened: the replay checks it, which finds the first
 * divergence (e.g. a different emulator build) at the input where it shows.
 *
 * The file is a trace stream (machine/trace.h): a header whose replay key (the command line
 * without -icount/-trace) and image hashes (kernel, initrd, dtb, every -drive) must match the
 * replay's, RR-INPUT records, and RUN-END with every vCPU's counts. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "machine/board.h"
#include "machine/trace.h"

struct rr_ev {
    struct trace_ts ts;
    struct trace_rr_input in;    /* in.bytes points into bytes */
    uint8_t *bytes;
};

struct rr {
    bool replay;
    const char *path;
    struct tracer *tr;           /* record: the rr file */
    uint32_t console_id;         /* record: interned "pl011" */
    struct rr_ev *ev;            /* replay: every input, in file order */
    size_t n, pos;
    bool have_end, diverged;
    struct trace_run_end end;
};

static int meta_differs(const struct trace_meta *rec, const struct trace_meta *now, char *err, size_t errlen)
{
    if (!rec->replay_key) {
        snprintf(err, errlen, "not a recording (no replay key in its header; written by -trace, not -icount rr=record?)");
        return -1;
    }
    if (strcmp(rec->replay_key, now->replay_key)) {
        snprintf(err, errlen, "recorded with another command line (-icount and -trace aside): recorded '%s', now '%s'",
                 rec->replay_key, now->replay_key);
        return -1;
    }
    for (unsigned i = 0; i < rec->n_images; i++) {
        const struct trace_image *a = &rec->images[i], *b = NULL;
        for (unsigned k = 0; k < now->n_images && !b; k++)
            if (!strcmp(now->images[k].name, a->name)) b = &now->images[k];
        if (!b || memcmp(a->sha256, b->sha256, 32)) {
            snprintf(err, errlen, "%s: its SHA-256 differs from the recording's (the replay needs the same file)", a->name);
            return -1;
        }
    }
    if (rec->n_images != now->n_images) {
        snprintf(err, errlen, "the recording hashed %u images, this run %u", rec->n_images, now->n_images);
        return -1;
    }
    return 0;
}

/* Order of points in a round; the file must be in this order (a damaged file is refused). */
static int pos_cmp(uint64_t r1, unsigned p1, uint64_t r2, unsigned p2)
{
    return r1 != r2 ? (r1 < r2 ? -1 : 1) : p1 != p2 ? (p1 < p2 ? -1 : 1) : 0;
}

static int load(struct rr *rr, struct trace_reader *r, char *err, size_t errlen)
{
    struct trace_rec rec;
    int rc;
    size_t cap = 0;
    uint64_t lr = 0;
    unsigned lp = 0;
    while ((rc = trace_next(r, &rec)) == 1) {
        if (rr->have_end) { snprintf(err, errlen, "record #%" PRIu64 " after RUN-END", trace_reader_records(r)); return -1; }
        if (rec.kind == TRACE_K_RUN_END) { rr->have_end = true; rr->end = rec.ev.run_end; continue; }
        if (rec.kind != TRACE_K_RR_INPUT) continue;          /* STRING and others: not inputs */
        const struct trace_rr_input *in = &rec.ev.rr_input;
        if (in->type >= TRACE_RR__COUNT || in->point >= TRACE_RR_AT__COUNT ||
            (in->point == TRACE_RR_AT_BOOT) != (in->round == 0) ||
            (in->type == TRACE_RR_CONSOLE) != (in->n > 0) ||
            ((in->type == TRACE_RR_RTC_BASE || in->type == TRACE_RR_CONSOLE_STATE) != (in->point == TRACE_RR_AT_BOOT)) ||
            (in->type == TRACE_RR_IDLE_CUT && in->point != TRACE_RR_AT_IDLE) ||
            pos_cmp(in->round, in->point, lr, lp) < 0) {
            snprintf(err, errlen, "malformed input record at offset %" PRIu64, rec.offset);
            return -1;
        }
        lr = in->round;
        lp = in->point;
        if (rr->n == cap) {
            cap = cap ? 2 * cap : 256;
            struct rr_ev *e = realloc(rr->ev, cap * sizeof *e);
            if (!e) { snprintf(err, errlen, "out of memory"); return -1; }
            rr->ev = e;
        }
        struct rr_ev *e = &rr->ev[rr->n];
        memset(e, 0, sizeof *e);
        e->ts = (struct trace_ts){ .cycle = rec.cycle, .icount = rec.icount, .vcpu = rec.vcpu };
        e->in = *in;
        if (in->n) {
            if (!(e->bytes = malloc(in->n))) { snprintf(err, errlen, "out of memory"); return -1; }
            memcpy(e->bytes, in->bytes, in->n);
        }
        e->in.bytes = e->bytes;
        rr->n++;
    }
    if (rc < 0) {
        snprintf(err, errlen, "%s at offset %" PRIu64, trace_strerror(rc), trace_reader_offset(r));
        return -1;
    }
    if (rr->n < 2 || rr->ev[0].in.type != TRACE_RR_RTC_BASE || rr->ev[1].in.type != TRACE_RR_CONSOLE_STATE) {
        snprintf(err, errlen, "the boot inputs (RTC start, console state) are missing");
        return -1;
    }
    return 0;
}

struct rr *rr_open(const struct fl_options *o, int argc, char **argv, char *err, size_t errlen)
{
    const char *mode = o->rr == FL_RR_REPLAY ? "replay" : "record";
    struct rr *rr = calloc(1, sizeof *rr);
    char e2[FL_ERRLEN];
    struct trace_meta now;
    if (!rr) { snprintf(err, errlen, "-icount rr=%s: out of memory", mode); return NULL; }
    rr->replay = o->rr == FL_RR_REPLAY;
    rr->path = o->rr_file;
    if (board_trace_meta(o, argc, argv, true, &now, e2, sizeof e2) < 0) {
        snprintf(err, errlen, "-icount rr=%s: %s", mode, e2);
        free(rr);
        return NULL;
    }
    if (!rr->replay) {
        rr->tr = tracer_open(o->rr_file, &now, e2, sizeof e2);
        trace_meta_free(&now);
        if (!rr->tr) { snprintf(err, errlen, "-icount rrfile=%s", e2); free(rr); return NULL; }
        rr->console_id = trace_intern(rr->tr, "pl011");
        return rr;
    }
    struct trace_reader *r;
    int rc = trace_open(o->rr_file, &r);
    if (rc != TRACE_OK) {
        snprintf(err, errlen, "-icount rrfile=%s: %s", o->rr_file, trace_strerror(rc));
        trace_meta_free(&now);
        free(rr);
        return NULL;
    }
    if (meta_differs(trace_reader_meta(r), &now, e2, sizeof e2) < 0 || load(rr, r, e2, sizeof e2) < 0) {
        snprintf(err, errlen, "-icount rr=replay,rrfile=%s: %s", o->rr_file, e2);
        trace_close(r);
        trace_meta_free(&now);
        rr_free(rr);
        return NULL;
    }
    trace_close(r);
    trace_meta_free(&now);
    return rr;
}

bool rr_replaying(const struct rr *rr) { return rr && rr->replay; }

void rr_record(struct rr *rr, const struct trace_ts *ts, const struct trace_rr_input *in)
{
    if (!rr || rr->replay) return;
    struct trace_rr_input e = *in;
    if (e.type == TRACE_RR_CONSOLE) e.dev = rr->console_id;
    trace_rr_input(rr->tr, ts, &e);
}

void rr_flush(struct rr *rr)
{
    if (rr && rr->tr && rr->tr->len) tracer_flush(rr->tr);
}

const struct trace_rr_input *rr_peek(struct rr *rr, struct trace_ts *ts)
{
    if (!rr || !rr->replay || rr->pos >= rr->n) return NULL;
    if (ts) *ts = rr->ev[rr->pos].ts;
    return &rr->ev[rr->pos].in;
}

void rr_pop(struct rr *rr) { if (rr && rr->pos < rr->n) rr->pos++; }

bool rr_have_end(const struct rr *rr) { return rr && rr->have_end; }

bool rr_past_end(struct rr *rr, struct board *b)
{
    if (!rr || !rr->replay || !rr->have_end || rr->pos < rr->n) return false;
    for (unsigned i = 0; i < b->ncpus && i < rr->end.nvcpus; i++) {
        uint64_t ic = cpu_icount(b->cpus[i]), cy = cpu_cycles(b->cpus[i]);
        if (ic > rr->end.vcpu_insns[i] || cy > rr->end.vcpu_cycles[i]) {
            rr_diverged(rr, "round %" PRIu64 ": vCPU %u ran past the recording's end (%" PRIu64 " instructions, %" PRIu64
                        " cycles; the recording ended at %" PRIu64 ", %" PRIu64 ")", b->round, i, ic, cy,
                        rr->end.vcpu_insns[i], rr->end.vcpu_cycles[i]);
            return true;
        }
    }
    return false;
}

void rr_diverged(struct rr *rr, const char *fmt, ...)
{
    va_list ap;
    if (rr->diverged) return;           /* the first divergence is the one that matters */
    rr->diverged = true;
    fprintf(stderr, "replay: diverged: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int rr_finish(struct rr *rr, struct board *b, int status)
{
    if (!rr) return status;
    struct trace_run_end e = { .exit_status = status, .nvcpus = b->ncpus };
    for (unsigned i = 0; i < b->ncpus && i < TRACE_MAX_VCPUS; i++) {
        e.vcpu_insns[i] = cpu_icount(b->cpus[i]);
        e.vcpu_cycles[i] = cpu_cycles(b->cpus[i]);
        e.total_insns += e.vcpu_insns[i];
        e.total_cycles += e.vcpu_cycles[i];
    }
    if (!rr->replay) {
        struct trace_ts ts;
        board_clock(b, &ts);
        trace_run_end(rr->tr, &ts, &e);
        int err = tracer_close(rr->tr);
        rr->tr = NULL;
        if (err) fprintf(stderr, "faultline: -icount rrfile=%s: write error: %s\n", rr->path, strerror(err));
        return err && !status ? EXIT_HOST_ERROR : status;
    }
    if (rr->diverged) return EXIT_REPLAY_DIVERGED;
    if (rr->pos < rr->n) {
        const struct rr_ev *x = &rr->ev[rr->pos];
        rr_diverged(rr, "the replay ended (status %d, round %" PRIu64 ") before the recording's %s input at round %"
                    PRIu64 " (%zu inputs not delivered)", status, b->round, trace_rr_type_name(x->in.type),
                    x->in.round, rr->n - rr->pos);
        return EXIT_REPLAY_DIVERGED;
    }
    if (!rr->have_end) {
        fprintf(stderr, "replay: the recording has no RUN-END (its run was killed): replayed to its last input, "
                "%" PRIu64 " instructions, %" PRIu64 " cycles, not checked\n", e.total_insns, e.total_cycles);
        return status;
    }
    if (rr->end.exit_status != status) {
        rr_diverged(rr, "exit status %d, the recording's %d", status, rr->end.exit_status);
        return EXIT_REPLAY_DIVERGED;
    }
    if (rr->end.nvcpus != e.nvcpus) {
        rr_diverged(rr, "%u vCPUs, the recording has %u", e.nvcpus, rr->end.nvcpus);
        return EXIT_REPLAY_DIVERGED;
    }
    for (unsigned i = 0; i < e.nvcpus; i++) {
        if (rr->end.vcpu_insns[i] != e.vcpu_insns[i] || rr->end.vcpu_cycles[i] != e.vcpu_cycles[i]) {
            rr_diverged(rr, "vCPU %u ran %" PRIu64 " instructions, %" PRIu64 " cycles; the recording %" PRIu64
                        " instructions, %" PRIu64 " cycles", i, e.vcpu_insns[i], e.vcpu_cycles[i],
                        rr->end.vcpu_insns[i], rr->end.vcpu_cycles[i]);
            return EXIT_REPLAY_DIVERGED;
        }
    }
    fprintf(stderr, "replay: identical (%" PRIu64 " instructions, %" PRIu64 " cycles)\n", e.total_insns, e.total_cycles);
    return status;
}

void rr_free(struct rr *rr)
{
    if (!rr) return;
    if (rr->tr) tracer_close(rr->tr);
    for (size_t i = 0; i < rr->n; i++) free(rr->ev[i].bytes);
    free(rr->ev);
    free(rr);
}
