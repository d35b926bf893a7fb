/* tools/faultline-trace.c — a thin front end over the trace reader (machine/trace.h):
 *   faultline-trace dump [filters] FILE       one human-readable line per event
 *   faultline-trace stats FILE                counts per kind and per outcome (alias: summary)
 *   faultline-trace export --format=json|perfetto FILE   (alias: perfetto FILE)
 *   faultline-trace replay-dma [--policy=P] [-o OUT] FILE   the run's DMA under another MMIO
 *                                             policy (the replay itself: machine/dma_replay.c)
 * Exit status: 0 ok; 1 malformed or unreadable input (one error line on stderr); 2 usage;
 * 3 the file ends inside a record (a killed run: everything before it was still printed). */
#include <capstone.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine/trace.h"
#include "machine/machine.h"

static const char *prog = "faultline-trace";

static void usage(FILE *f)
{
    fprintf(f,
        "usage: %s dump [--kind=K[,K...]] [--vcpu=N] [--addr=LO-HI] [--from=IC] [--to=IC] [--no-header] FILE\n"
        "       %s stats FILE                      (alias: summary)\n"
        "       %s export --format=json|perfetto [--mhz=N] FILE   (alias: perfetto FILE)\n"
        "       %s replay-dma [--policy=eager|lazy|hypercall|recorded] [-o OUT.trace] FILE\n"
        "       %s --help\n"
        "dump prints one event per line: [cyc CYCLES ic ICOUNT cpuN] KIND fields...\n"
        "  --kind     event kinds by name (S2-FAULT, P2M, SMMU-XLATE, DMA, ...), case-insensitive\n"
        "  --vcpu     only events stamped by this vCPU\n"
        "  --addr     only events with an address (PC, VA, IPA, PA, IOVA) in [LO, HI]\n"
        "  --from/--to  instruction-count window\n"
        "export json writes JSON lines (one object per record); perfetto writes the Chrome/Perfetto\n"
        "trace-event JSON (open it in ui.perfetto.dev); --mhz converts cycles to time (default 1000).\n"
        "replay-dma rebuilds the machine of a -hv xen run from the trace header's command line under\n"
        "  another MMIO policy (default eager), runs no CPU, re-applies the p2m changes the CPU caused\n"
        "  and re-issues every recorded DMA transfer through the SMMU (translations only); one line\n"
        "  per transfer (recorded and replayed result, CHANGED when they differ) and a summary; -o\n"
        "  writes the replayed P2M/SMMU-XLATE/DMA records as a trace. Exit 1 on bad input.\n"
        "exit status: 0 ok, 1 bad input, 2 usage, 3 truncated trace (a killed run: the file ends\n"
        "inside a record, or without the RUN-END record).\n",
        prog, prog, prog, prog, prog);
}

/* ------------------------------------------------------------ open & end --- */

static struct trace_reader *open_or_die(const char *path)
{
    struct trace_reader *r;
    int rc = trace_open(path, &r);
    if (rc == TRACE_ERR_IO) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        exit(1);
    }
    if (rc) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, trace_strerror(rc));
        exit(rc == TRACE_ERR_TRUNCATED ? 3 : 1);
    }
    return r;
}

/* Every read goes through here: a trace whose writer never wrote RUN-END was cut short. */
static bool seen_run_end;
static int next_rec(struct trace_reader *r, struct trace_rec *rec)
{
    int rc = trace_next(r, rec);
    if (rc == 1 && rec->kind == TRACE_K_RUN_END) seen_run_end = true;
    return rc;
}

/* After the last record: 0 on a clean end, else one line and the exit status. A clean end
 * without a RUN-END record is a run killed between two records (the writer only writes whole
 * records): also a truncation, exit 3. */
static int finish(struct trace_reader *r, const char *path, int rc)
{
    int st = 0;
    if (rc == 0 && !seen_run_end) {
        fprintf(stderr, "%s: %s: truncated (no RUN-END record: the run was killed) after %" PRIu64
                " records at offset %" PRIu64 "\n", prog, path, trace_reader_records(r), trace_reader_offset(r));
        st = 3;
    } else if (rc < 0) {
        fprintf(stderr, "%s: %s: %s after %" PRIu64 " records at offset %" PRIu64 "\n", prog, path,
                trace_strerror(rc), trace_reader_records(r), trace_reader_offset(r));
        st = rc == TRACE_ERR_TRUNCATED ? 3 : 1;
    }
    trace_close(r);
    return st;
}

static const char *name_or(const struct trace_reader *r, uint32_t id, char *buf, size_t n)
{
    const char *s = trace_string(r, id);
    if (s)
        return s;
    snprintf(buf, n, "#%u", id);
    return buf;
}

/* " DEV \"bytes\"": console bytes, printable ASCII as is, the rest (and quote, backslash) as \xNN. */
static void print_quoted(FILE *f, const char *dev, const uint8_t *bytes, size_t n)
{
    fprintf(f, " %s \"", dev);
    for (size_t i = 0; i < n; i++) {
        uint8_t c = bytes[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            fputc(c, f);
        else
            fprintf(f, "\\x%02x", c);
    }
    fputc('"', f);
}

/* ------------------------------------------------------------------ dump --- */

static csh cs;
static bool cs_ok;

static void disas(FILE *f, uint64_t pc, uint32_t insn)
{
    if (!cs_ok)
        return;
    uint8_t b[4] = { (uint8_t)insn, (uint8_t)(insn >> 8), (uint8_t)(insn >> 16), (uint8_t)(insn >> 24) };
    cs_insn *ins;
    size_t n = cs_disasm(cs, b, 4, pc, 1, &ins);
    if (n) {
        fprintf(f, "  ; %s %s", ins[0].mnemonic, ins[0].op_str);
        cs_free(ins, n);
    } else {
        fprintf(f, "  ; .inst 0x%08x", insn);
    }
}

static void dump_rec(FILE *f, const struct trace_reader *r, const struct trace_rec *rec)
{
    char nb[32];
    fprintf(f, "[cyc %" PRIu64 " ic %" PRIu64 " cpu%u] %s", rec->cycle, rec->icount, rec->vcpu,
            rec->kind < TRACE_K__COUNT ? trace_kind_name(rec->kind) : "UNKNOWN");
    switch (rec->kind) {
    case TRACE_K_STRING:
        fprintf(f, " #%u = \"%s\"", rec->ev.string.id, rec->ev.string.text);
        break;
    case TRACE_K_EXC_TAKEN: {
        const struct trace_exc_taken *e = &rec->ev.exc_taken;
        fprintf(f, " %s EL%u->EL%u ec=0x%02x esr=0x%" PRIx64 " elr=0x%" PRIx64 " far=0x%" PRIx64,
                trace_exc_type_name(e->type), e->from_el, e->to_el, e->ec, e->esr, e->elr, e->far);
        break;
    }
    case TRACE_K_EXC_RETURN: {
        const struct trace_exc_return *e = &rec->ev.exc_return;
        fprintf(f, " EL%u->EL%u elr=0x%" PRIx64 " spsr=0x%" PRIx64, e->from_el, e->to_el, e->elr, e->spsr);
        break;
    }
    case TRACE_K_S2_FAULT: {
        const struct trace_s2_fault *e = &rec->ev.s2_fault;
        fprintf(f, " pc=0x%" PRIx64 " va=0x%" PRIx64 " ipa=0x%" PRIx64 " esr=0x%" PRIx64
                " %s %s %s %u level %u -> %s", e->pc, e->va.v, e->ipa.v, e->esr,
                e->is_insn ? "insn" : "data", trace_fault_class_name(e->fault_class),
                e->is_insn ? "fetch" : e->is_write ? "write" : "read", e->size, e->level,
                trace_s2_outcome_name(e->outcome));
        if (e->insn)
            disas(f, e->pc, e->insn);
        break;
    }
    case TRACE_K_P2M: {
        const struct trace_p2m *e = &rec->ev.p2m;
        fprintf(f, " %s d%u ipa=0x%" PRIx64 " pa=0x%" PRIx64 " size=0x%" PRIx64 " %s (%s)",
                e->op == TRACE_P2M_UNMAP ? "unmap" : "map", e->domid, e->ipa.v, e->pa.v, e->size,
                trace_p2m_type_name(e->type), trace_p2m_reason_name(e->reason));
        break;
    }
    case TRACE_K_MMIO: {
        const struct trace_mmio *e = &rec->ev.mmio;
        fprintf(f, " %s %s+0x%" PRIx64 " (pa=0x%" PRIx64 ") %u %s 0x%" PRIx64 "%s",
                e->is_write ? "write" : "read", name_or(r, e->dev, nb, sizeof nb), e->offset,
                e->pa.v, e->size, e->is_write ? "<-" : "->", e->value, e->status ? " bus-error" : "");
        break;
    }
    case TRACE_K_IRQ: {
        const struct trace_irq *e = &rec->ev.irq;
        fprintf(f, " %s %s intid=%u cpu=%u", e->is_virtual ? "virtual" : "physical",
                trace_irq_op_name(e->op), e->intid, e->cpu);
        break;
    }
    case TRACE_K_HCALL: {
        const struct trace_hcall *e = &rec->ev.hcall;
        fprintf(f, " %s func=0x%" PRIx64 " (", trace_hcall_class_name(e->cls), e->func);
        for (unsigned i = 0; i < e->nargs && i < TRACE_HCALL_NARGS; i++)
            fprintf(f, "%s0x%" PRIx64, i ? ", " : "", e->args[i]);
        fprintf(f, ") = %" PRId64, e->result);
        break;
    }
    case TRACE_K_TLBI: {
        const struct trace_tlbi *e = &rec->ev.tlbi;
        fprintf(f, " %s vmid=%u asid=%u addr=0x%" PRIx64, trace_tlbi_op_name(e->op), e->vmid, e->asid, e->addr);
        if (e->op >= TRACE_TLBI_SMMU_TLBIALLNSNH)
            fprintf(f, " cb=%u", e->cb);
        break;
    }
    case TRACE_K_SMMU_XLATE: {
        const struct trace_smmu_xlate *e = &rec->ev.smmu_xlate;
        fprintf(f, " sid=0x%x cb=%u iova=0x%" PRIx64 " %s -> ", e->sid, e->cb, e->iova,
                e->is_write ? "write" : "read");
        if (e->result == TRACE_SMMU_OK || e->result == TRACE_SMMU_BYPASS)
            fprintf(f, "pa=0x%" PRIx64 "%s", e->pa.v, e->result == TRACE_SMMU_BYPASS ? " (bypass)" : "");
        else
            fprintf(f, "%s fsr=0x%x fsynr0=0x%x", trace_smmu_result_name(e->result), e->fsr, e->fsynr0);
        break;
    }
    case TRACE_K_DMA: {
        const struct trace_dma *e = &rec->ev.dma;
        fprintf(f, " %s sid=0x%x %s iova=0x%" PRIx64 " pa=0x%" PRIx64 " len=%" PRIu64,
                name_or(r, e->dev, nb, sizeof nb), e->sid, e->is_write ? "write" : "read", e->iova,
                e->pa.v, e->len);
        if (e->beat) fprintf(f, " beat=%u", e->beat);       /* v1.2; 0: not given */
        fprintf(f, "%s -> %s", e->fixed ? " fixed" : "", trace_dma_result_name(e->result));
        break;
    }
    case TRACE_K_VCPU_SWITCH: {
        const struct trace_vcpu_switch *e = &rec->ev.vcpu_switch;
        static const char *const why[] = { "quantum", "block", "wake", "start" };
        fprintf(f, " d%u.v%u -> d%u.v%u (%s)", e->from_dom, e->from_vcpu, e->to_dom, e->to_vcpu,
                e->reason < 4 ? why[e->reason] : "?");
        break;
    }
    case TRACE_K_CONSOLE_IN: {
        print_quoted(f, name_or(r, rec->ev.console_in.dev, nb, sizeof nb), rec->ev.console_in.bytes,
                     rec->ev.console_in.n);
        break;
    }
    case TRACE_K_RUN_END: {
        const struct trace_run_end *e = &rec->ev.run_end;
        fprintf(f, " status=%d cycles=%" PRIu64 " insns=%" PRIu64, e->exit_status, e->total_cycles, e->total_insns);
        for (uint32_t i = 0; i < e->nvcpus; i++)
            fprintf(f, " cpu%u=%" PRIu64 "i/%" PRIu64 "c", i, e->vcpu_insns[i], e->vcpu_cycles[i]);
        if (e->reason)
            fprintf(f, " (%s)", name_or(r, e->reason, nb, sizeof nb));
        break;
    }
    case TRACE_K_RR_INPUT: {
        const struct trace_rr_input *e = &rec->ev.rr_input;
        fprintf(f, " %s round=%" PRIu64 " at=%s", trace_rr_type_name(e->type), e->round, trace_rr_point_name(e->point));
        if (e->type == TRACE_RR_IDLE_CUT) fprintf(f, " target-cycle=%" PRIu64, e->value);
        else if (e->type == TRACE_RR_RTC_BASE) fprintf(f, " unix-time=%" PRIu64, e->value);
        else if (e->type == TRACE_RR_CONSOLE_STATE) fprintf(f, " input-possible=%u", (unsigned)(e->value & 1));
        if (e->type == TRACE_RR_CONSOLE) {
            print_quoted(f, name_or(r, e->dev, nb, sizeof nb), e->bytes, e->n);
        }
        break;
    }
    case TRACE_K_NOTE:
        fprintf(f, " %s", rec->ev.note.text);
        break;
    default:
        fprintf(f, " kind=%u len=%u (skipped)", rec->kind, rec->len);
    }
    if (rec->flags & TRACE_F_NOT_XEN)
        fprintf(f, " [not-xen]");
    fputc('\n', f);
}

/* Addresses an event is about, for --addr. */
static unsigned rec_addrs(const struct trace_rec *rec, uint64_t a[4])
{
    switch (rec->kind) {
    case TRACE_K_EXC_TAKEN:  a[0] = rec->ev.exc_taken.elr; a[1] = rec->ev.exc_taken.far; return 2;
    case TRACE_K_EXC_RETURN: a[0] = rec->ev.exc_return.elr; return 1;
    case TRACE_K_S2_FAULT:   a[0] = rec->ev.s2_fault.pc; a[1] = rec->ev.s2_fault.va.v;
                             a[2] = rec->ev.s2_fault.ipa.v; return 3;
    case TRACE_K_P2M:        a[0] = rec->ev.p2m.ipa.v; a[1] = rec->ev.p2m.pa.v; return 2;
    case TRACE_K_MMIO:       a[0] = rec->ev.mmio.pa.v; return 1;
    case TRACE_K_TLBI:       a[0] = rec->ev.tlbi.addr; return 1;
    case TRACE_K_SMMU_XLATE: a[0] = rec->ev.smmu_xlate.iova; a[1] = rec->ev.smmu_xlate.pa.v; return 2;
    case TRACE_K_DMA:        a[0] = rec->ev.dma.iova; a[1] = rec->ev.dma.pa.v; return 2;
    }
    return 0;
}

static bool parse_u64(const char *s, uint64_t *v)
{
    char *end;
    if (!*s)
        return false;
    *v = strtoull(s, &end, 0);
    return *end == 0;
}

static int kind_by_name(const char *s, size_t n)
{
    for (unsigned k = 1; k < TRACE_K__COUNT; k++)
        if (strlen(trace_kind_name(k)) == n && !strncasecmp(trace_kind_name(k), s, n))
            return (int)k;
    return -1;
}

static int cmd_dump(int argc, char **argv)
{
    bool want[TRACE_K__COUNT + 1], any_kind = false, header = true, have_vcpu = false, have_addr = false;
    uint64_t vcpu = 0, lo = 0, hi = UINT64_MAX, from = 0, to = UINT64_MAX;
    const char *path = NULL;
    memset(want, 0, sizeof want);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strncmp(a, "--kind=", 7)) {
            for (const char *p = a + 7; *p;) {
                size_t n = strcspn(p, ",");
                int k = kind_by_name(p, n);
                if (k < 0) {
                    fprintf(stderr, "%s: unknown event kind '%.*s'\n", prog, (int)n, p);
                    return 2;
                }
                want[k] = any_kind = true;
                p += n + (p[n] == ',');
            }
        } else if (!strncmp(a, "--vcpu=", 7)) {
            if (!parse_u64(a + 7, &vcpu)) goto bad;
            have_vcpu = true;
        } else if (!strncmp(a, "--addr=", 7)) {
            char lo_s[64];
            const char *dash = strchr(a + 7, '-');
            if (!dash || (size_t)(dash - (a + 7)) >= sizeof lo_s) goto bad;
            memcpy(lo_s, a + 7, (size_t)(dash - (a + 7)));
            lo_s[dash - (a + 7)] = 0;
            if (!parse_u64(lo_s, &lo) || !parse_u64(dash + 1, &hi)) goto bad;
            have_addr = true;
        } else if (!strncmp(a, "--from=", 7)) {
            if (!parse_u64(a + 7, &from)) goto bad;
        } else if (!strncmp(a, "--to=", 5)) {
            if (!parse_u64(a + 5, &to)) goto bad;
        } else if (!strcmp(a, "--no-header")) {
            header = false;
        } else if (a[0] == '-' && a[1]) {
            goto bad;
        } else if (!path) {
            path = a;
        } else {
            goto bad;
        }
        continue;
bad:
        fprintf(stderr, "%s: dump: bad argument '%s' (see %s --help)\n", prog, a, prog);
        return 2;
    }
    if (!path) {
        fprintf(stderr, "%s: dump: no trace file given (see %s --help)\n", prog, prog);
        return 2;
    }
    struct trace_reader *r = open_or_die(path);
    if (header) {
        unsigned maj, min;
        const struct trace_meta *m = trace_reader_meta(r);
        trace_reader_version(r, &maj, &min);
        printf("# faultline trace v%u.%u\n", maj, min);
        printf("# emulator: %s\n", m->emulator_version ? m->emulator_version : "");
        printf("# machine: %s\n", m->machine_config ? m->machine_config : "");
        printf("# policy: %s\n", m->hv_policy ? m->hv_policy : "");
        if (m->replay_key)
            printf("# replay key: %s\n", m->replay_key);
        for (unsigned i = 0; i < m->n_images; i++) {
            printf("# image %s sha256=", m->images[i].name);
            for (int k = 0; k < 32; k++)
                printf("%02x", m->images[i].sha256[k]);
            putchar('\n');
        }
    }
    cs_ok = cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs) == CS_ERR_OK;
    struct trace_rec rec;
    int rc;
    while ((rc = next_rec(r, &rec)) == 1) {
        if (any_kind && (rec.kind >= TRACE_K__COUNT || !want[rec.kind]))
            continue;
        if (have_vcpu && rec.vcpu != vcpu)
            continue;
        if (rec.icount < from || rec.icount > to)
            continue;
        if (have_addr) {
            uint64_t ad[4];
            unsigned n = rec_addrs(&rec, ad);
            bool hit = false;
            for (unsigned i = 0; i < n; i++)
                hit |= ad[i] >= lo && ad[i] <= hi;
            if (!hit)
                continue;
        }
        dump_rec(stdout, r, &rec);
    }
    if (cs_ok)
        cs_close(&cs);
    fflush(stdout);
    return finish(r, path, rc);
}

/* ----------------------------------------------------------------- stats --- */

static int cmd_stats(int argc, char **argv)
{
    if (argc != 1 || argv[0][0] == '-') {
        fprintf(stderr, "%s: stats: expected one trace file (see %s --help)\n", prog, prog);
        return 2;
    }
    const char *path = argv[0];
    struct trace_reader *r = open_or_die(path);
    uint64_t kinds[TRACE_K__COUNT] = { 0 }, unknown = 0, total = 0;
    uint64_t s2_out[TRACE_S2__COUNT + 1] = { 0 }, s2_fc[TRACE_FC__COUNT + 1] = { 0 }, s2_insn = 0;
    uint64_t p2m_type[TRACE_P2M__COUNT + 1] = { 0 }, p2m_reason[TRACE_P2M_R__COUNT + 1] = { 0 };
    uint64_t p2m_bytes = 0, p2m_unmaps = 0;
    uint64_t smmu[TRACE_SMMU__COUNT + 1] = { 0 }, dma[TRACE_DMA__COUNT + 1] = { 0 };
    uint64_t irq[TRACE_IRQ__COUNT + 1][2] = { { 0 } };
    uint64_t first_cyc = 0, last_cyc = 0, last_ic = 0, events = 0;
    /* cycles at EL2 per vCPU: EXC-TAKEN to EL2 until the EXC-RETURN from EL2 */
    uint64_t el2_since[64] = { 0 }, el2_cycles = 0, el2_entries = 0;
    bool in_el2[64] = { false };
    struct trace_rec rec;
    int rc;
    /* Guest-physical regions named by "region NAME BASE SIZE KIND" notes (board.c). */
    struct { char name[40], kind[12]; uint64_t base, size, faults, maps; } reg[48];
    unsigned nreg = 0;
    uint64_t s2_unattributed = 0;
#define CLAMP(v, n) ((v) < (n) ? (v) : (n))
    while ((rc = next_rec(r, &rec)) == 1) {
        total++;
        if (rec.kind != TRACE_K_STRING) {      /* names are not events: they carry no time */
            if (!events++)
                first_cyc = rec.cycle;
            if (rec.cycle > last_cyc) last_cyc = rec.cycle;
            if (rec.icount > last_ic) last_ic = rec.icount;
        }
        if (rec.kind >= TRACE_K__COUNT) {
            unknown++;
            continue;
        }
        kinds[rec.kind]++;
        switch (rec.kind) {
        case TRACE_K_S2_FAULT: {
            s2_out[CLAMP(rec.ev.s2_fault.outcome, TRACE_S2__COUNT)]++;
            s2_fc[CLAMP(rec.ev.s2_fault.fault_class, TRACE_FC__COUNT)]++;
            s2_insn += rec.ev.s2_fault.is_insn;
            unsigned k;
            for (k = 0; k < nreg; k++)
                if (rec.ev.s2_fault.ipa.v - reg[k].base < reg[k].size) { reg[k].faults++; break; }
            if (k == nreg) s2_unattributed++;
            break;
        }
        case TRACE_K_NOTE: {
            unsigned long long b, sz;
            if (nreg < sizeof reg / sizeof *reg &&
                sscanf(rec.ev.note.text, "region %39s %llx %llx %11s", reg[nreg].name, &b, &sz, reg[nreg].kind) == 4) {
                reg[nreg].base = b;
                reg[nreg].size = sz;
                reg[nreg].faults = reg[nreg].maps = 0;
                nreg++;
            }
            break;
        }
        case TRACE_K_P2M:
            if (rec.ev.p2m.op == TRACE_P2M_UNMAP) {
                p2m_unmaps++;
            } else {
                for (unsigned k = 0; k < nreg; k++)
                    if (rec.ev.p2m.ipa.v - reg[k].base < reg[k].size) { reg[k].maps++; break; }
                p2m_type[CLAMP(rec.ev.p2m.type, TRACE_P2M__COUNT)]++;
                p2m_reason[CLAMP(rec.ev.p2m.reason, TRACE_P2M_R__COUNT)]++;
                p2m_bytes += rec.ev.p2m.size;
            }
            break;
        case TRACE_K_EXC_TAKEN:
            if (rec.ev.exc_taken.to_el == 2 && rec.vcpu < 64 && !in_el2[rec.vcpu]) {
                in_el2[rec.vcpu] = true;
                el2_since[rec.vcpu] = rec.cycle;
                el2_entries++;
            }
            break;
        case TRACE_K_EXC_RETURN:
            if (rec.ev.exc_return.from_el == 2 && rec.vcpu < 64 && in_el2[rec.vcpu]) {
                in_el2[rec.vcpu] = false;
                if (rec.cycle >= el2_since[rec.vcpu])
                    el2_cycles += rec.cycle - el2_since[rec.vcpu];
            }
            break;
        case TRACE_K_SMMU_XLATE: smmu[CLAMP(rec.ev.smmu_xlate.result, TRACE_SMMU__COUNT)]++; break;
        case TRACE_K_DMA:        dma[CLAMP(rec.ev.dma.result, TRACE_DMA__COUNT)]++; break;
        case TRACE_K_IRQ:        irq[CLAMP(rec.ev.irq.op, TRACE_IRQ__COUNT)][rec.ev.irq.is_virtual ? 1 : 0]++; break;
        }
    }
    printf("records %" PRIu64 "  cycles %" PRIu64 "..%" PRIu64 "  last icount %" PRIu64 "\n",
           total, first_cyc, last_cyc, last_ic);
    if (el2_entries)
        printf("hypervisor: %" PRIu64 " entries to EL2, %" PRIu64 " cycles at EL2\n", el2_entries, el2_cycles);
    printf("by kind:\n");
    for (unsigned k = 1; k < TRACE_K__COUNT; k++)
        if (kinds[k])
            printf("  %-12s %" PRIu64 "\n", trace_kind_name(k), kinds[k]);
    if (unknown)
        printf("  %-12s %" PRIu64 "\n", "unknown", unknown);
    if (kinds[TRACE_K_S2_FAULT]) {
        printf("stage-2 faults by outcome (data %" PRIu64 ", insn %" PRIu64 "):\n",
               kinds[TRACE_K_S2_FAULT] - s2_insn, s2_insn);
        for (unsigned i = 0; i <= TRACE_S2__COUNT; i++)
            if (s2_out[i])
                printf("  %-16s %" PRIu64 "\n", trace_s2_outcome_name(i), s2_out[i]);
        printf("stage-2 faults by class:\n");
        for (unsigned i = 0; i <= TRACE_FC__COUNT; i++)
            if (s2_fc[i])
                printf("  %-16s %" PRIu64 "\n", trace_fault_class_name(i), s2_fc[i]);
        if (nreg) {
            printf("stage-2 faults and p2m maps by device region:\n");
            for (unsigned k = 0; k < nreg; k++)
                if (reg[k].faults || reg[k].maps)
                    printf("  %-24s %-8s faults %-8" PRIu64 " maps %" PRIu64 "\n", reg[k].name, reg[k].kind,
                           reg[k].faults, reg[k].maps);
            if (s2_unattributed)
                printf("  %-24s %-8s faults %" PRIu64 "\n", "(no named region)", "", s2_unattributed);
        }
    }
    if (kinds[TRACE_K_P2M]) {
        printf("p2m maps by type (%" PRIu64 " bytes mapped, %" PRIu64 " unmaps):\n", p2m_bytes, p2m_unmaps);
        for (unsigned i = 0; i <= TRACE_P2M__COUNT; i++)
            if (p2m_type[i])
                printf("  %-18s %" PRIu64 "\n", trace_p2m_type_name(i), p2m_type[i]);
        printf("p2m maps by reason:\n");
        for (unsigned i = 0; i <= TRACE_P2M_R__COUNT; i++)
            if (p2m_reason[i])
                printf("  %-18s %" PRIu64 "\n", trace_p2m_reason_name(i), p2m_reason[i]);
    }
    if (kinds[TRACE_K_SMMU_XLATE]) {
        printf("SMMU translations by result:\n");
        for (unsigned i = 0; i <= TRACE_SMMU__COUNT; i++)
            if (smmu[i])
                printf("  %-18s %" PRIu64 "\n", trace_smmu_result_name(i), smmu[i]);
    }
    if (kinds[TRACE_K_DMA]) {
        printf("DMA transfers by result:\n");
        for (unsigned i = 0; i <= TRACE_DMA__COUNT; i++)
            if (dma[i])
                printf("  %-18s %" PRIu64 "\n", trace_dma_result_name(i), dma[i]);
    }
    if (kinds[TRACE_K_IRQ]) {
        printf("IRQ events (physical/virtual):\n");
        for (unsigned i = 0; i <= TRACE_IRQ__COUNT; i++)
            if (irq[i][0] || irq[i][1])
                printf("  %-18s %" PRIu64 "/%" PRIu64 "\n", trace_irq_op_name(i), irq[i][0], irq[i][1]);
    }
    fflush(stdout);
    return finish(r, path, rc);
}

/* ---------------------------------------------------------------- export --- */

static void json_str(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)   /* bytes, not UTF-8: keep the JSON valid ASCII */
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void json_name(FILE *f, const struct trace_reader *r, uint32_t id)
{
    char nb[32];
    const char *s = name_or(r, id, nb, sizeof nb);
    json_str(f, s, strlen(s));
}

/* Payload fields as `"k":v,...` (no braces). 64-bit addresses are hex strings: JSON numbers
 * lose precision above 2^53. */
#define HX(k, v) fprintf(f, "%s\"" k "\":\"0x%" PRIx64 "\"", sep, (uint64_t)(v)), sep = ","
#define NU(k, v) fprintf(f, "%s\"" k "\":%" PRIu64, sep, (uint64_t)(v)), sep = ","
#define NI(k, v) fprintf(f, "%s\"" k "\":%" PRId64, sep, (int64_t)(v)), sep = ","
#define ST(k, v) fprintf(f, "%s\"" k "\":\"%s\"", sep, (v)), sep = ","
static void json_fields(FILE *f, const struct trace_reader *r, const struct trace_rec *rec)
{
    const char *sep = "";
    switch (rec->kind) {
    case TRACE_K_STRING:
        NU("id", rec->ev.string.id);
        fprintf(f, ",\"text\":");
        json_str(f, rec->ev.string.text, strlen(rec->ev.string.text));
        sep = ",";
        break;
    case TRACE_K_EXC_TAKEN: {
        const struct trace_exc_taken *e = &rec->ev.exc_taken;
        ST("type", trace_exc_type_name(e->type)); NU("from_el", e->from_el); NU("to_el", e->to_el);
        HX("ec", e->ec); HX("esr", e->esr); HX("elr", e->elr); HX("far", e->far);
        break;
    }
    case TRACE_K_EXC_RETURN:
        NU("from_el", rec->ev.exc_return.from_el); NU("to_el", rec->ev.exc_return.to_el);
        HX("elr", rec->ev.exc_return.elr); HX("spsr", rec->ev.exc_return.spsr);
        break;
    case TRACE_K_S2_FAULT: {
        const struct trace_s2_fault *e = &rec->ev.s2_fault;
        HX("pc", e->pc); HX("va", e->va.v); HX("ipa", e->ipa.v); HX("esr", e->esr);
        HX("insn", e->insn); ST("abort", e->is_insn ? "insn" : "data");
        ST("class", trace_fault_class_name(e->fault_class)); NU("level", e->level);
        NU("size", e->size); ST("dir", e->is_write ? "write" : "read");
        ST("outcome", trace_s2_outcome_name(e->outcome));
        break;
    }
    case TRACE_K_P2M: {
        const struct trace_p2m *e = &rec->ev.p2m;
        ST("op", e->op == TRACE_P2M_UNMAP ? "unmap" : "map"); NU("domid", e->domid);
        HX("ipa", e->ipa.v); HX("pa", e->pa.v); HX("size", e->size);
        ST("type", trace_p2m_type_name(e->type)); ST("reason", trace_p2m_reason_name(e->reason));
        break;
    }
    case TRACE_K_MMIO: {
        const struct trace_mmio *e = &rec->ev.mmio;
        fprintf(f, "\"dev\":"); json_name(f, r, e->dev); sep = ",";
        HX("pa", e->pa.v); HX("offset", e->offset); NU("size", e->size);
        ST("dir", e->is_write ? "write" : "read"); HX("value", e->value); NU("status", e->status);
        break;
    }
    case TRACE_K_IRQ:
        ST("op", trace_irq_op_name(rec->ev.irq.op)); NU("virtual", rec->ev.irq.is_virtual);
        NU("intid", rec->ev.irq.intid); NU("cpu", rec->ev.irq.cpu);
        break;
    case TRACE_K_HCALL: {
        const struct trace_hcall *e = &rec->ev.hcall;
        ST("class", trace_hcall_class_name(e->cls)); HX("func", e->func);
        fprintf(f, ",\"args\":[");
        for (unsigned i = 0; i < e->nargs && i < TRACE_HCALL_NARGS; i++)
            fprintf(f, "%s\"0x%" PRIx64 "\"", i ? "," : "", e->args[i]);
        fprintf(f, "]");
        NI("result", e->result);
        break;
    }
    case TRACE_K_TLBI:
        ST("op", trace_tlbi_op_name(rec->ev.tlbi.op)); NU("vmid", rec->ev.tlbi.vmid);
        NU("asid", rec->ev.tlbi.asid); HX("addr", rec->ev.tlbi.addr); NU("cb", rec->ev.tlbi.cb);
        break;
    case TRACE_K_SMMU_XLATE: {
        const struct trace_smmu_xlate *e = &rec->ev.smmu_xlate;
        HX("sid", e->sid); NU("cb", e->cb); HX("iova", e->iova); ST("dir", e->is_write ? "write" : "read");
        ST("result", trace_smmu_result_name(e->result)); HX("pa", e->pa.v);
        HX("fsr", e->fsr); HX("fsynr0", e->fsynr0);
        break;
    }
    case TRACE_K_DMA: {
        const struct trace_dma *e = &rec->ev.dma;
        fprintf(f, "\"dev\":"); json_name(f, r, e->dev); sep = ",";
        HX("sid", e->sid); HX("iova", e->iova); HX("pa", e->pa.v); NU("len", e->len);
        ST("dir", e->is_write ? "write" : "read"); ST("result", trace_dma_result_name(e->result));
        NU("beat", e->beat); fprintf(f, "%s\"fixed\":%s", sep, e->fixed ? "true" : "false");
        break;
    }
    case TRACE_K_VCPU_SWITCH: {
        const struct trace_vcpu_switch *e = &rec->ev.vcpu_switch;
        NU("from_dom", e->from_dom); NU("from_vcpu", e->from_vcpu);
        NU("to_dom", e->to_dom); NU("to_vcpu", e->to_vcpu); NU("reason", e->reason);
        break;
    }
    case TRACE_K_CONSOLE_IN:
        fprintf(f, "\"dev\":"); json_name(f, r, rec->ev.console_in.dev);
        fprintf(f, ",\"bytes\":");
        json_str(f, (const char *)rec->ev.console_in.bytes, rec->ev.console_in.n);
        sep = ",";
        break;
    case TRACE_K_RUN_END: {
        const struct trace_run_end *e = &rec->ev.run_end;
        NI("exit_status", e->exit_status); NU("total_cycles", e->total_cycles);
        NU("total_insns", e->total_insns);
        if (e->reason) { fprintf(f, ",\"reason\":"); json_name(f, r, e->reason); }
        if (e->nvcpus) {
            fprintf(f, ",\"vcpus\":[");
            for (uint32_t i = 0; i < e->nvcpus; i++)
                fprintf(f, "%s{\"insns\":%" PRIu64 ",\"cycles\":%" PRIu64 "}", i ? "," : "", e->vcpu_insns[i], e->vcpu_cycles[i]);
            fprintf(f, "]");
        }
        break;
    }
    case TRACE_K_RR_INPUT: {
        const struct trace_rr_input *e = &rec->ev.rr_input;
        ST("type", trace_rr_type_name(e->type)); NU("round", e->round); ST("at", trace_rr_point_name(e->point));
        NU("value", e->value);
        if (e->type == TRACE_RR_CONSOLE) {
            fprintf(f, ",\"bytes\":");
            json_str(f, (const char *)e->bytes, e->n);
        }
        break;
    }
    case TRACE_K_NOTE:
        fprintf(f, "\"text\":");
        json_str(f, rec->ev.note.text, strlen(rec->ev.note.text));
        sep = ",";
        break;
    default:
        NU("len", rec->len);
    }
    if (rec->flags & TRACE_F_NOT_XEN)
        fprintf(f, "%s\"not_xen\":true", sep);
}

static const char *kind_label(unsigned k) { return k < TRACE_K__COUNT ? trace_kind_name(k) : "UNKNOWN"; }

static int cmd_export(int argc, char **argv)
{
    const char *fmt = NULL, *path = NULL;
    uint64_t mhz = 1000;
    for (int i = 0; i < argc; i++) {
        if (!strncmp(argv[i], "--format=", 9))
            fmt = argv[i] + 9;
        else if (!strncmp(argv[i], "--mhz=", 6) && parse_u64(argv[i] + 6, &mhz) && mhz)
            ;
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else {
            fprintf(stderr, "%s: export: bad argument '%s' (see %s --help)\n", prog, argv[i], prog);
            return 2;
        }
    }
    if (!fmt || (strcmp(fmt, "json") && strcmp(fmt, "perfetto")) || !path) {
        fprintf(stderr, "%s: export: need --format=json|perfetto and one trace file\n", prog);
        return 2;
    }
    bool pf = !strcmp(fmt, "perfetto");
    struct trace_reader *r = open_or_die(path);
    struct trace_rec rec;
    int rc;
    FILE *f = stdout;
    uint64_t faults = 0, mapped = 0;
    bool first = true, vcpu_named[64] = { false };
    if (pf) {
        const struct trace_meta *m = trace_reader_meta(r);
        fprintf(f, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"emulator\":");
        json_str(f, m->emulator_version ? m->emulator_version : "", m->emulator_version ? strlen(m->emulator_version) : 0);
        fprintf(f, ",\"policy\":");
        json_str(f, m->hv_policy ? m->hv_policy : "", m->hv_policy ? strlen(m->hv_policy) : 0);
        fprintf(f, "},\"traceEvents\":[\n");
        fprintf(f, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"faultline\"}}");
        first = false;
    }
    while ((rc = next_rec(r, &rec)) == 1) {
        if (!pf) {
            fprintf(f, "{\"seq\":%u,\"kind\":\"%s\",\"kind_id\":%u,\"cycle\":%" PRIu64 ",\"icount\":%" PRIu64
                    ",\"vcpu\":%u,", rec.seq, kind_label(rec.kind), rec.kind, rec.cycle, rec.icount, rec.vcpu);
            json_fields(f, r, &rec);
            fprintf(f, "}\n");
            continue;
        }
        if (rec.kind == TRACE_K_STRING)
            continue;                                   /* names are resolved in args */
        /* ts in microseconds of virtual time: cycles / MHz, identical across replays */
        double ts = (double)rec.cycle / (double)mhz;
        if (rec.vcpu < 64 && !vcpu_named[rec.vcpu]) {
            vcpu_named[rec.vcpu] = true;
            fprintf(f, "%s\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"args\":{\"name\":\"vCPU %u\"}}",
                    first ? "" : ",", rec.vcpu, rec.vcpu);
            first = false;
        }
        fprintf(f, "%s\n{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"i\",\"s\":\"t\",\"ts\":%.3f,\"pid\":1,\"tid\":%u,\"args\":{",
                first ? "" : ",", kind_label(rec.kind),
                rec.kind == TRACE_K_SMMU_XLATE || rec.kind == TRACE_K_DMA ? "smmu" : "hv", ts, rec.vcpu);
        first = false;
        json_fields(f, r, &rec);
        fprintf(f, "}}");
        /* duration slices for hypervisor handling: entry to EL2 .. return from EL2 */
        if (rec.kind == TRACE_K_EXC_TAKEN && rec.ev.exc_taken.to_el == 2)
            fprintf(f, ",\n{\"name\":\"EL2\",\"cat\":\"hv\",\"ph\":\"B\",\"ts\":%.3f,\"pid\":1,\"tid\":%u}", ts, rec.vcpu);
        if (rec.kind == TRACE_K_EXC_RETURN && rec.ev.exc_return.from_el == 2)
            fprintf(f, ",\n{\"name\":\"EL2\",\"cat\":\"hv\",\"ph\":\"E\",\"ts\":%.3f,\"pid\":1,\"tid\":%u}", ts, rec.vcpu);
        /* counter tracks: cumulative stage-2 faults and mapped pages (issue 7) */
        if (rec.kind == TRACE_K_S2_FAULT)
            fprintf(f, ",\n{\"name\":\"stage-2 faults\",\"ph\":\"C\",\"ts\":%.3f,\"pid\":1,\"args\":{\"faults\":%" PRIu64 "}}",
                    ts, ++faults);
        if (rec.kind == TRACE_K_P2M) {
            uint64_t pages = (rec.ev.p2m.size + 4095) / 4096;
            mapped = rec.ev.p2m.op == TRACE_P2M_UNMAP ? (mapped > pages ? mapped - pages : 0) : mapped + pages;
            fprintf(f, ",\n{\"name\":\"mapped pages\",\"ph\":\"C\",\"ts\":%.3f,\"pid\":1,\"args\":{\"pages\":%" PRIu64 "}}",
                    ts, mapped);
        }
    }
    if (pf)
        fprintf(f, "\n]}\n");   /* closed even after a truncated input: the JSON stays valid */
    fflush(f);
    return finish(r, path, rc);
}

/* ------------------------------------------------------------------ main --- */

/* ------------------------------------------------------------ replay-dma --- */

static void replay_line(void *opaque, const struct dma_replay_xfer *x)
{
    (void)opaque;
    char nb[32];
    const char *dev = x->dev;
    if (!dev) { snprintf(nb, sizeof nb, "sid%u", x->sid); dev = nb; }
    printf("[cyc %" PRIu64 " ic %" PRIu64 " cpu%u] #%" PRIu64 " %s sid=0x%x %s iova=0x%" PRIx64 " len=0x%" PRIx64
           "%s: recorded %s, replayed %s", x->cycle, x->icount, x->vcpu, x->n, dev, x->sid,
           x->is_write ? "write" : "read", x->iova, x->len, x->fixed ? " fixed" : "",
           trace_dma_result_name(x->rec_result), trace_dma_result_name(x->result));
    if (x->result == TRACE_DMA_OK)
        printf(" pa=0x%" PRIx64, x->pa);
    else if (x->cb >= 0)
        printf(" iova=0x%" PRIx64 " cb=%d fsr=0x%x", x->fault_iova, x->cb, x->fsr);
    else
        printf(" iova=0x%" PRIx64, x->fault_iova);
    printf("%s\n", x->changed ? "  CHANGED" : "");
}

static int cmd_replay_dma(int argc, char **argv)
{
    struct dma_replay_config cfg = { .policy = 0 /* eager */, .xfer = replay_line };
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strncmp(a, "--policy=", 9)) {
            static const char *const names[] = { "eager", "lazy", "hypercall" };   /* enum hv_mmio_policy */
            cfg.policy = -2;
            for (int k = 0; k < 3; k++) if (!strcmp(a + 9, names[k])) cfg.policy = k;
            if (!strcmp(a + 9, "recorded")) cfg.policy = DMA_REPLAY_RECORDED;
            if (cfg.policy == -2) {
                fprintf(stderr, "%s: replay-dma: --policy=%s: eager, lazy, hypercall or recorded\n", prog, a + 9);
                return 2;
            }
        } else if (!strcmp(a, "-o") && i + 1 < argc) {
            cfg.out = argv[++i];
        } else if (!strncmp(a, "-o", 2) && a[2]) {
            cfg.out = a + 2;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "%s: replay-dma: unknown option '%s' (see %s --help)\n", prog, a, prog);
            return 2;
        } else if (cfg.trace) {
            fprintf(stderr, "%s: replay-dma: one trace file only\n", prog);
            return 2;
        } else {
            cfg.trace = a;
        }
    }
    if (!cfg.trace) {
        fprintf(stderr, "%s: replay-dma: no trace file (see %s --help)\n", prog, prog);
        return 2;
    }
    struct dma_replay_summary sum;
    char err[1024];
    int rc = dma_replay(&cfg, &sum, err, sizeof err);
    fflush(stdout);
    if (rc < 0) {
        fprintf(stderr, "%s: replay-dma: %s\n", prog, err);
        return 1;
    }
    printf("replay of %s\n  recorded under %s\n  replayed under %s\n", cfg.trace, sum.recorded_policy, sum.replay_policy);
    printf("transfers %" PRIu64 ", recorded faults %" PRIu64 ", replayed faults %" PRIu64 ", changed %" PRIu64 "\n",
           sum.transfers, sum.rec_faults, sum.faults, sum.changed);
    printf("p2m: %" PRIu64 " CPU-driven changes re-applied (%" PRIu64 " pages), %" PRIu64
           " pages already mapped by the policy, %" PRIu64 " boot/teardown records left to the policy, %" PRIu64 " not taken\n",
           sum.p2m_applied, sum.p2m_pages, sum.p2m_already, sum.p2m_ignored, sum.p2m_failed);
    if (!sum.run_end)
        printf("note: the recorded trace has no RUN-END record (the run was killed): replayed up to its last record\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "dump"))
        return cmd_dump(argc - 2, argv + 2);
    if (!strcmp(cmd, "stats") || !strcmp(cmd, "summary"))
        return cmd_stats(argc - 2, argv + 2);
    if (!strcmp(cmd, "export"))
        return cmd_export(argc - 2, argv + 2);
    if (!strcmp(cmd, "replay-dma"))
        return cmd_replay_dma(argc - 2, argv + 2);
    if (!strcmp(cmd, "perfetto")) {
        char fmtarg[] = "--format=perfetto";
        char **v = calloc((size_t)argc, sizeof *v);
        if (!v)
            return 1;
        v[0] = fmtarg;
        for (int i = 2; i < argc; i++)
            v[i - 1] = argv[i];
        int st = cmd_export(argc - 1, v);
        free(v);
        return st;
    }
    fprintf(stderr, "%s: unknown command '%s' (see %s --help)\n", prog, cmd, prog);
    return 2;
}
