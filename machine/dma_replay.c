/* machine/dma_replay.c — replay the DMA of a recorded run under another MMIO mapping policy
 * (seed 001 option c, "DMA before touch"; ARCHITECTURE.md seed scenario 2; docs/trace.md
 * "Replaying DMA").
 *
 * The machine is rebuilt from the trace header's command line, with the hypervisor's MMIO
 * policy replaced, exactly as a run builds it (board_create + board_load): dom0's p2m as the
 * policy constructs it at boot, the SMMU reset and programmed by hv through its registers
 * (dom0's stage-2 context bank on the p2m root, the host-DT stream IDs attached). No CPU runs.
 * Then the recorded stream is walked in order:
 *   - P2M changes the CPU caused (reason FAULT, HYPERCALL, DOMCTL: "what the CPU touched or
 *     asked for, and when") are re-applied to dom0's p2m — through p2m_map/p2m_unmap, so the
 *     break-before-make flush reaches the SMMU's IOTLB as in a run — except for pages the
 *     replay policy has mapped already; BOOT and TEARDOWN changes are the policy's own and are
 *     not copied;
 *   - each DMA record is re-issued through the SMMU as translations only (dma_translate: page
 *     by page, the path dma_read/dma_write take, with the recorded direction; a fixed-address
 *     burst (v1.2 record) on its one IOVA page only), then whatever
 *     the SMMU reports is handled as hv's interrupt handler would (hv_smmu_service: logged,
 *     counted, cleared, no retry).
 * Why not the stage-1 tables: under -hv none the DMA addresses are translated by nothing the
 * trace holds (the guest's own tables live in guest RAM), hence the -hv xen requirement. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine/board.h"
#include "machine/trace.h"
#include "hv/hv.h"
#include "smmu/smmu.h"

#define REPLAY_MAX_ARGS 256
#define REPLAY_MAX_DMA_LEN (1ull << 30)      /* a longer transfer is not something a run emits */

struct replay {
    const struct dma_replay_config *cfg;
    struct trace_reader *r;
    struct tracer *out;
    struct board *b;
    struct fl_options o;
    char *line;                      /* the split command line (argv points into it) */
    char *argv[REPLAY_MAX_ARGS + 2];
    int argc;
    struct trace_ts now;             /* the stamp of the recorded record being replayed */
};

/* The output tracer's clock: every replayed record carries the recorded record's stamp, so a
 * replay is a function of its input alone (byte-identical when repeated). */
static void replay_clock(void *opaque, struct trace_ts *ts)
{
    const struct replay *rp = opaque;
    *ts = rp->now;
}

/* Split the recorded command line as a POSIX shell would split words: blanks separate, '...'
 * quotes everything, "..." quotes all but \" and \\, a backslash escapes one character
 * (board_trace_open quotes every argument that needs it). Returns argc or -1. */
static int split_words(char *s, char **argv, int max)
{
    int n = 0;
    char *w = s;                     /* write position (the text only shrinks) */
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == '\n') s++;
        if (!*s) break;
        if (n == max) return -1;
        argv[n++] = w;
        while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
            if (*s == '\'') {
                for (s++; *s && *s != '\''; ) *w++ = *s++;
                if (!*s) return -1;
                s++;
            } else if (*s == '"') {
                for (s++; *s && *s != '"'; ) {
                    if (*s == '\\' && (s[1] == '"' || s[1] == '\\')) s++;
                    *w++ = *s++;
                }
                if (!*s) return -1;
                s++;
            } else if (*s == '\\' && s[1]) {
                *w++ = s[1];
                s += 2;
            } else {
                *w++ = *s++;
            }
        }
        if (*s) s++;
        *w++ = 0;
    }
    return n;
}

static const struct trace_image *header_image(const struct trace_meta *m, const char *name)
{
    for (unsigned i = 0; i < m->n_images && i < TRACE_MAX_IMAGES; i++)
        if (m->images[i].name && !strcmp(m->images[i].name, name)) return &m->images[i];
    return NULL;
}

/* The images the command line names must be the ones the run used (SHA-256 in the header). */
static int check_image(const struct trace_meta *m, const char *what, const char *path, char *err, size_t errlen)
{
    if (!path) return 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "the recorded run's %s %s: %s", what, path, strerror(errno));
        return -1;
    }
    fclose(f);
    const struct trace_image *want = header_image(m, what);
    if (!want) {
        snprintf(err, errlen, "the trace header has no SHA-256 for the %s (%s)", what, path);
        return -1;
    }
    struct trace_meta h = { 0 };
    if (trace_meta_add_image_file(&h, what, path) < 0) {
        snprintf(err, errlen, "the recorded run's %s %s: cannot read it", what, path);
        trace_meta_free(&h);
        return -1;
    }
    int same = !memcmp(h.images[0].sha256, want->sha256, 32);
    trace_meta_free(&h);
    if (!same) {
        snprintf(err, errlen, "the recorded run's %s %s: SHA-256 differs from the trace header's "
                 "(the file changed since the run)", what, path);
        return -1;
    }
    return 0;
}

/* Trace p2m type → hv's (the inverse of hv/domain.c's trace_type_of for what a P2M record can
 * carry; grant and foreign maps come back as their RW flavour). */
static enum p2m_type p2m_type_of(unsigned t)
{
    switch (t) {
    case TRACE_P2M_RAM_RW: return P2M_RAM_RW;
    case TRACE_P2M_RAM_RO: return P2M_RAM_RO;
    case TRACE_P2M_MMIO_DIRECT_DEV: return P2M_MMIO_DIRECT_DEV;
    case TRACE_P2M_MMIO_DIRECT_NC: return P2M_MMIO_DIRECT_NC;
    case TRACE_P2M_MMIO_DIRECT_C: return P2M_MMIO_DIRECT_C;
    case TRACE_P2M_MMIO_DIRECT_C_RWX: return P2M_MMIO_DIRECT_C_RWX;
    case TRACE_P2M_GRANT: return P2M_GRANT_MAP_RW;
    case TRACE_P2M_FOREIGN: return P2M_MAP_FOREIGN_RW;
    default: return P2M_INVALID;
    }
}

/* One recorded CPU-driven p2m change, re-applied where the replay policy has not mapped the
 * page already. A change that cannot apply (an IPA or PA out of range, an unknown type) is
 * counted, never fatal: the record is well-formed, the machine just does not take it. */
static void replay_p2m(struct replay *rp, const struct trace_p2m *c, struct dma_replay_summary *sum)
{
    if (c->domid != 0 || (c->reason != TRACE_P2M_R_FAULT && c->reason != TRACE_P2M_R_HYPERCALL &&
                          c->reason != TRACE_P2M_R_DOMCTL)) {
        sum->p2m_ignored++;
        return;
    }
    struct p2m *pm = hv_dom0_p2m(rp->b->hv);
    uint64_t ipa = c->ipa.v & PAGE_MASK, pa = c->pa.v & PAGE_MASK;
    uint64_t end = c->ipa.v + c->size, npages = end > ipa ? (end - ipa + PAGE_SIZE - 1) >> PAGE_SHIFT : 0;
    if (!npages || end < c->ipa.v || ipa >= (1ull << p2m_ipa_bits(pm)) || npages > (1ull << (p2m_ipa_bits(pm) - PAGE_SHIFT))) {
        sum->p2m_failed++;
        return;
    }
    enum p2m_reason why = (enum p2m_reason)c->reason;    /* FAULT, HYPERCALL, DOMCTL: same values */
    if (c->op == TRACE_P2M_UNMAP) {
        if (p2m_unmap(pm, mk_ipa(ipa), npages, why) < 0) sum->p2m_failed++;
        else sum->p2m_applied++, sum->p2m_pages += npages;
        return;
    }
    enum p2m_type t = p2m_type_of(c->type);
    if (c->op != TRACE_P2M_MAP || t == P2M_INVALID) { sum->p2m_failed++; return; }
    /* Runs of pages not mapped yet, each mapped with one p2m_map (one P2M record). */
    bool any = false;
    for (uint64_t i = 0; i < npages; ) {
        if (p2m_lookup(pm, mk_ipa(ipa + (i << PAGE_SHIFT)), NULL, NULL)) { sum->p2m_already++; i++; continue; }
        uint64_t j = i + 1;
        while (j < npages && !p2m_lookup(pm, mk_ipa(ipa + (j << PAGE_SHIFT)), NULL, NULL)) j++;
        if (p2m_map(pm, mk_ipa(ipa + (i << PAGE_SHIFT)), mk_pa(pa + (i << PAGE_SHIFT)), j - i, t, why) < 0) {
            sum->p2m_failed++;
            return;
        }
        sum->p2m_pages += j - i;
        any = true;
        i = j;
    }
    if (any) sum->p2m_applied++;
}

static int replay_dma(struct replay *rp, const struct trace_rec *rec, struct dma_replay_summary *sum,
                      char *err, size_t errlen)
{
    const struct trace_dma *d = &rec->ev.dma;
    struct smmu *smmu;
    if (!board_dma_master(rp->b, d->sid, &smmu)) {
        snprintf(err, errlen, "record %u: no DMA master with stream ID 0x%x on the recorded machine "
                 "(the trace does not match its command line)", rec->seq, d->sid);
        return -1;
    }
    if (d->len > REPLAY_MAX_DMA_LEN) {
        snprintf(err, errlen, "record %u: DMA length 0x%llx is not one a run emits", rec->seq,
                 (unsigned long long)d->len);
        return -1;
    }
    struct dma_port port;
    dma_port_init(&port, rp->b->bus, smmu, d->sid);
    pa_t pa = mk_pa(0);
    /* A fixed burst sends every beat to iova: one translation, on iova's page, whatever the
     * total length (smmu.h dma_read_beats). An incrementing one covers [iova, iova + len). */
    uint64_t span = d->len;
    if (d->fixed) {
        uint64_t to_page_end = PAGE_SIZE - (d->iova & (PAGE_SIZE - 1));
        if (span > to_page_end) span = to_page_end;
    }
    int st = dma_translate(&port, d->iova, (size_t)span, d->is_write, 0, &pa);
    hv_smmu_service(rp->b->hv);       /* what hv's SMMU interrupt handler does, at once */
    struct dma_replay_xfer x = {
        .n = ++sum->transfers, .cycle = rec->cycle, .icount = rec->icount, .vcpu = rec->vcpu,
        .sid = d->sid, .dev = trace_string(rp->r, d->dev), .iova = d->iova, .len = d->len,
        .beat = d->beat, .fixed = d->fixed,
        .is_write = d->is_write, .rec_result = d->result, .rec_pa = d->pa.v, .pa = pa.v,
        .result = st == DMA_OK ? TRACE_DMA_OK : st == DMA_SMMU_FAULT ? TRACE_DMA_SMMU_FAULT : TRACE_DMA_BUS_ERROR,
        .fault_iova = st == DMA_OK ? 0 : port.fault_iova, .cb = -1,
    };
    /* A master with no SMMU: the run's watch (seed 004) flagged a transfer that left dom0's
     * memory; the replay asks the same question of the rebuilt hypervisor, without its side
     * effects (no count, no warning). */
    if (st == DMA_OK && !smmu && rp->b->hv && !hv_pa_in_domain(rp->b->hv, 0, mk_pa(d->iova), d->len))
        x.result = TRACE_DMA_OUTSIDE_DOMAIN;
    if (st == DMA_SMMU_FAULT) { x.fsr = port.fault.fsr; x.cb = port.fault.cb; }
    x.changed = x.result != x.rec_result;
    if (x.rec_result == TRACE_DMA_SMMU_FAULT) sum->rec_faults++;
    if (x.result == TRACE_DMA_SMMU_FAULT) sum->faults++;
    if (x.changed) sum->changed++;
    if (TRACE_ON(rp->out)) {
        uint32_t dev = x.dev ? trace_intern(rp->out, x.dev) : 0;
        trace_emit_dma(rp->out, NULL, &(struct trace_dma){ .sid = d->sid, .dev = dev, .iova = d->iova,
            .pa = pa, .len = d->len, .is_write = d->is_write, .result = x.result, .beat = d->beat,
            .fixed = d->fixed });
    }
    if (rp->cfg->xfer) rp->cfg->xfer(rp->cfg->opaque, &x);
    return 0;
}

/* Header of the output trace: the recorded command line unchanged (the images are the same),
 * the replay's policy, and a version string that says what this file is. */
static int open_output(struct replay *rp, const struct trace_meta *m, const char *policy, char *err, size_t errlen)
{
    struct trace_meta h = { 0 };
    char ver[1024];
    snprintf(ver, sizeof ver, "faultline " FAULTLINE_VERSION " replay-dma: replay of %s under %s", rp->cfg->trace, policy);
    int rc = trace_meta_set(&h.emulator_version, ver) | trace_meta_set(&h.machine_config, m->machine_config) |
             trace_meta_set(&h.hv_policy, policy);
    for (unsigned i = 0; i < m->n_images && i < TRACE_MAX_IMAGES && !rc; i++) {
        h.images[i].name = strdup(m->images[i].name ? m->images[i].name : "");
        memcpy(h.images[i].sha256, m->images[i].sha256, 32);
        h.n_images = i + 1;
        if (!h.images[i].name) rc = -1;
    }
    if (rc) { snprintf(err, errlen, "out of memory"); trace_meta_free(&h); return -1; }
    char e2[FL_ERRLEN];
    rp->out = tracer_open(rp->cfg->out, &h, e2, sizeof e2);
    trace_meta_free(&h);
    if (!rp->out) { snprintf(err, errlen, "-o %s: %s", rp->cfg->out, e2); return -1; }
    rp->out->clock = replay_clock;
    rp->out->clock_opaque = rp;
    return 0;
}

static int replay_setup(struct replay *rp, struct dma_replay_summary *sum, char *err, size_t errlen)
{
    const struct dma_replay_config *cfg = rp->cfg;
    int rc = trace_open(cfg->trace, &rp->r);
    if (rc == TRACE_ERR_IO) { snprintf(err, errlen, "%s: %s", cfg->trace, strerror(errno)); return -1; }
    if (rc) { snprintf(err, errlen, "%s: %s", cfg->trace, trace_strerror(rc)); return -1; }
    const struct trace_meta *m = trace_reader_meta(rp->r);
    if (!m->machine_config || !*m->machine_config) {
        snprintf(err, errlen, "%s: the header has no command line to rebuild the machine from", cfg->trace);
        return -1;
    }
    /* argv[0]: the program as recorded, or a stand-in when the header holds the options only. */
    if (!(rp->line = strdup(m->machine_config))) { snprintf(err, errlen, "out of memory"); return -1; }
    int n = split_words(rp->line, rp->argv + 1, REPLAY_MAX_ARGS);
    if (n < 0) { snprintf(err, errlen, "%s: the recorded command line does not split into words", cfg->trace); return -1; }
    rp->argv[0] = "faultline";
    char **av = rp->argv + 1;
    int ac = n;
    if (!n || av[0][0] == '-') { av = rp->argv; ac = n + 1; }
    rp->argc = ac;
    char e2[FL_ERRLEN];
    if (fl_parse_args(ac, av, &rp->o, e2, sizeof e2) < 0 || rp->o.action != FL_RUN) {
        snprintf(err, errlen, "%s: the recorded command line does not describe a run: %s", cfg->trace,
                 rp->o.action != FL_RUN ? "it asks for help, a version or a list" : e2);
        return -1;
    }
    struct fl_options *o = &rp->o;
    if (o->hv != FL_HV_XEN) {
        snprintf(err, errlen, "%s: recorded under -hv none: DMA addresses went through the guest's own "
                 "translation, whose tables (in guest RAM) are not in the trace; replay needs a -hv xen trace",
                 cfg->trace);
        return -1;
    }
    if (check_image(m, "kernel", o->kernel, e2, sizeof e2) < 0 || check_image(m, "initrd", o->initrd, e2, sizeof e2) < 0 ||
        check_image(m, "dtb", o->dtb, e2, sizeof e2) < 0) {
        snprintf(err, errlen, "%s: %s", cfg->trace, e2);
        return -1;
    }
    snprintf(sum->recorded_policy, sizeof sum->recorded_policy, "%s", m->hv_policy ? m->hv_policy : "?");
    if (cfg->policy >= 0) o->hv_mmio = (unsigned)cfg->policy;
    /* A run's host-side options have no place in a replay: no trace of its own, debugger, log
     * file, DTB dump or summary. */
    o->trace_file = NULL;
    o->tracer = NULL;
    o->rr = FL_RR_OFF;
    o->rr_file = NULL;
    o->gdb = NULL;
    o->gdb_wait = false;
    o->dumpdtb = NULL;
    o->logfile = NULL;
    o->summary = false;
    board_hv_policy(o, sum->replay_policy, sizeof sum->replay_policy);
    if (cfg->out && open_output(rp, m, sum->replay_policy, err, errlen) < 0) return -1;
    o->tracer = rp->out;
    if (!(rp->b = board_create(o, NULL, e2, sizeof e2))) {
        snprintf(err, errlen, "%s: rebuilding the machine: %s", cfg->trace, e2);
        return -1;
    }
    if (rp->out) { rp->out->clock = replay_clock; rp->out->clock_opaque = rp; }   /* not the CPUs' */
    if (board_load(rp->b, e2, sizeof e2) < 0) {
        snprintf(err, errlen, "%s: rebuilding the machine: %s", cfg->trace, e2);
        return -1;
    }
    return 0;
}

int dma_replay(const struct dma_replay_config *cfg, struct dma_replay_summary *sum, char *err, size_t errlen)
{
    struct replay rp = { .cfg = cfg };
    memset(sum, 0, sizeof *sum);
    int ret = -1;
    if (replay_setup(&rp, sum, err, errlen) < 0) goto out;
    struct trace_rec rec;
    struct trace_run_end end = { 0 };
    int rc;
    while ((rc = trace_next(rp.r, &rec)) == 1) {
        rp.now = (struct trace_ts){ .cycle = rec.cycle, .icount = rec.icount, .vcpu = rec.vcpu };
        switch (rec.kind) {
        case TRACE_K_P2M:
            replay_p2m(&rp, &rec.ev.p2m, sum);
            break;
        case TRACE_K_DMA:
            if (replay_dma(&rp, &rec, sum, err, errlen) < 0) goto out;
            break;
        case TRACE_K_RUN_END:
            sum->run_end = true;
            end = rec.ev.run_end;
            break;
        default:
            break;
        }
    }
    sum->records = trace_reader_records(rp.r);
    if (rc < 0) {
        snprintf(err, errlen, "%s: %s after %llu records at offset %llu", cfg->trace, trace_strerror(rc),
                 (unsigned long long)trace_reader_records(rp.r), (unsigned long long)trace_reader_offset(rp.r));
        goto out;
    }
    if (rp.out) {
        trace_run_end(rp.out, NULL, &(struct trace_run_end){ .exit_status = 0, .reason = trace_intern(rp.out, "replay-dma"),
                      .total_cycles = end.total_cycles, .total_insns = end.total_insns });
    }
    ret = 0;
out:
    board_free(rp.b);                 /* first: the board's blocks hold the output tracer */
    if (rp.out) {
        int e = tracer_close(rp.out);
        if (e && ret == 0) { snprintf(err, errlen, "-o %s: write error: %s", cfg->out, strerror(e)); ret = -1; }
    }
    if (rp.r) trace_close(rp.r);
    free(rp.line);
    return ret;
}
