/* cpu/exec.c — the vCPU object, the decoded-code cache and the run loop.
 *
 * Execution model (ARCHITECTURE.md decision 3): guest code is decoded once per 4 KiB physical
 * page into an array of struct dinsn; a handler returns the next dinsn to run, so sequential
 * code and branches within a page never leave the array. The loop charges each instruction's
 * cycle cost as it is dispatched and checks for interrupts only when a handler leaves the fast
 * path (returns NULL) or the instruction budget is spent. */
#include <stdlib.h>
#include "cpu/cpu_internal.h"

/* ---------------------------------------------------------------- decoded-code cache */

static unsigned code_hash(uint64_t pa) { return (unsigned)((pa >> PAGE_SHIFT) * 0x9E3779B1u) >> (32 - CODE_HASH_BITS); }

static struct dpage *code_lookup(struct cpu_shared *s, uint64_t pa)
{
    for (struct dpage *p = s->hash[code_hash(pa)]; p; p = p->hnext)
        if (p->pa == pa) return p;
    return NULL;
}

static void dpage_reset(struct dpage *p)
{
    for (unsigned i = 0; i < DPAGE_INSNS; i++) {
        p->insns[i].fn = exec_lazy_decode;
        p->insns[i].cost = 0;
    }
    p->live = 0;
}

/* Drop the decoded code of every page overlapping [pa, pa+len). Called on RAM writes that miss
 * the fast write TLB (which never holds pages with live code), on DMA/loader writes and on
 * IC IALLU/IVAU. */
static void code_invalidate(struct cpu_shared *s, uint64_t pa, uint64_t len)
{
    uint64_t end = pa + (len ? len : 1);
    for (uint64_t p = pa & PAGE_MASK; p < end; p += PAGE_SIZE) {
        struct dpage *dp = code_lookup(s, p);
        if (dp && dp->live) {
            dpage_reset(dp);
            s->code_gen++;
            for (unsigned i = 0; i < s->ncpus; i++) s->cpus[i]->stats.code_invalidations++;
        }
    }
}

static void bus_write_hook(void *opaque, pa_t pa, uint64_t len)
{
    code_invalidate(opaque, pa.v, len);
}

void cpu_code_invalidate_pa(struct cpu *c, uint64_t pa, uint64_t len) { code_invalidate(c->sh, pa, len); }

void cpu_code_invalidate_all(struct cpu *c)
{
    struct cpu_shared *s = c->sh;
    for (unsigned h = 0; h < (1u << CODE_HASH_BITS); h++)
        for (struct dpage *p = s->hash[h]; p; p = p->hnext)
            if (p->live) dpage_reset(p);
    s->code_gen++;
}

bool cpu_code_page_live(struct cpu_shared *s, uint64_t pa)
{
    struct dpage *p = code_lookup(s, pa & PAGE_MASK);
    return p && p->live;
}

/* The sentinel at index DPAGE_INSNS: fall through to the next page. */
static const struct dinsn *exec_page_end(struct cpu *c, const struct dinsn *d)
{
    return cpu_fetch(c, c->cur_va + PAGE_SIZE);
}

static struct dpage *code_get(struct cpu_shared *s, uint64_t pa, uint8_t *host)
{
    struct dpage *p = code_lookup(s, pa);
    if (p) return p;
    p = malloc(sizeof *p);
    if (!p) { fprintf(stderr, "faultline: out of memory for decoded code\n"); exit(1); }
    p->pa = pa;
    p->host = host;
    dpage_reset(p);
    p->insns[DPAGE_INSNS] = (struct dinsn){ .fn = exec_page_end };
    unsigned h = code_hash(pa);
    p->hnext = s->hash[h];
    s->hash[h] = p;
    return p;
}

/* First execution of an entry: decode it in place, then run it. A page going from "no live
 * code" to "live" must have no fast write-TLB entries in any vCPU (writes to it must reach
 * the slow path, which drops the code). */
const struct dinsn *exec_lazy_decode(struct cpu *c, const struct dinsn *cd)
{
    struct dinsn *d = (struct dinsn *)cd;
    struct dpage *p = (struct dpage *)((char *)c->cur_insns - offsetof(struct dpage, insns));
    unsigned idx = (unsigned)(d - c->cur_insns);
    if (!p->live) {
        p->live = 1;
        for (unsigned i = 0; i < c->sh->ncpus; i++) {
            struct cpu *o = c->sh->cpus[i];
            for (unsigned e = 0; e < 2; e++)
                for (unsigned k = 0; k < SOFT_TLB_SIZE; k++) o->tlb_el[e].w[k].tag = SOFT_TLB_INVALID;
        }
    }
    uint32_t insn;
    memcpy(&insn, p->host + idx * 4, 4);
    a64_decode(c, d, insn);
    c->stats.decoded_insns++;
    if (unlikely(c->log_mask & CPU_LOG_IN_ASM) && c->logf)
        cpu_disas_log(c->logf, c->cur_va + idx * 4, insn);
    c->cycles_extra += d->cost;
    return d->fn(c, d);
}

/* Translate `target` for execution and make its decoded page current. On a fault the
 * exception is taken and NULL returned (c->pc = vector). */
bool mmu_cpu_translate_fetch(struct cpu *c, uint64_t va, uint64_t *pa, uint32_t *esr_fault);
const struct dinsn *cpu_fetch(struct cpu *c, uint64_t target)
{
    if (unlikely(target & 3)) {
        c->pc = target;
        return cpu_take_sync(c, target, ((uint32_t)EC_PC_ALIGN << 26) | ESR_IL, target, true);
    }
    uint64_t page = target & PAGE_MASK;
    struct itlb_entry *e = &c->itlb[(target >> PAGE_SHIFT) & (ITLB_SIZE - 1)];
    if (likely(e->va == page && c->itlb_gen == c->sh->code_gen)) {
        c->cur_va = page;
        c->cur_insns = e->dp->insns;
        return &e->dp->insns[(target & 0xfff) >> 2];
    }
    if (c->itlb_gen != c->sh->code_gen) {
        for (unsigned i = 0; i < ITLB_SIZE; i++) c->itlb[i].va = SOFT_TLB_INVALID;
        c->itlb_gen = c->sh->code_gen;
    }
    uint64_t pa;
    uint32_t fault_esr;
    if (!mmu_cpu_translate_fetch(c, target, &pa, &fault_esr)) {
        if (!fault_esr) return NULL;          /* stage-2 abort: the hypervisor set c->pc */
        c->pc = target;
        return cpu_take_sync(c, target, fault_esr, target, true);
    }
    uint8_t *host = bus_ram_ptr(c->bus, mk_pa(pa & PAGE_MASK), PAGE_SIZE);
    if (!host) {
        /* Executing from something that is not RAM: synchronous external abort on fetch. */
        c->pc = target;
        uint32_t ec = c->el == 0 ? EC_IABT_LOWER : EC_IABT_SAME;
        return cpu_take_sync(c, target, (ec << 26) | ESR_IL | 0x10, target, true);
    }
    struct dpage *dp = code_get(c->sh, pa & PAGE_MASK, host);
    e->va = page;
    e->dp = dp;
    c->cur_va = page;
    c->cur_insns = dp->insns;
    return &dp->insns[(target & 0xfff) >> 2];
}

void cpu_itlb_flush(struct cpu *c)
{
    for (unsigned i = 0; i < ITLB_SIZE; i++) c->itlb[i].va = SOFT_TLB_INVALID;
}

/* ---------------------------------------------------------------- run loop */

static enum cpu_exit cpu_run_fast(struct cpu *c, uint64_t budget);
bool cpu_wfe_woken(struct cpu *c);

static bool bp_at(const struct cpu_shared *s, uint64_t pc)
{
    for (unsigned i = 0; i < s->nbp; i++)
        if (s->bp[i] == pc) return true;
    return false;
}

/* Debug mode: one instruction at a time, checking breakpoints before and watchpoints after.
 * A vCPU resuming on the breakpoint that stopped it executes that instruction first (gdb
 * removes breakpoints around a step anyway; this also makes a plain `continue` work). */
static enum cpu_exit cpu_run_debug(struct cpu *c, uint64_t budget)
{
    bool first = true;
    while (budget--) {
        if (!first && bp_at(c->sh, c->pc)) { c->debug_reason = 1; return CPU_EXIT_DEBUG; }
        first = false;
        c->wp_hit = false;
        enum cpu_exit e = cpu_run_fast(c, 1);
        if (c->wp_hit) { c->debug_reason = 2; return CPU_EXIT_DEBUG; }
        if (c->single_step) { c->debug_reason = 0; return CPU_EXIT_DEBUG; }
        if (e != CPU_EXIT_BUDGET) return e;
    }
    return CPU_EXIT_BUDGET;
}

enum cpu_exit cpu_run(struct cpu *c, uint64_t budget)
{
    if (unlikely(c->sh->nbp || c->sh->nwp || c->single_step)) return cpu_run_debug(c, budget);
    return cpu_run_fast(c, budget);
}

static enum cpu_exit cpu_run_fast(struct cpu *c, uint64_t budget)
{
    c->exit_request = false;
    while (budget) {
        if (c->halted) return CPU_EXIT_HALTED;
        if (unlikely(c->irq_lines)) cpu_check_interrupts(c);
        if (unlikely(c->il) && !c->wfi) {
            /* PSTATE.IL (set by an illegal exception return, D1.11.2): the next instruction
             * takes an Illegal Execution State exception instead of executing. ERET always
             * leaves the block, so checking here is enough. */
            cpu_take_sync(c, c->pc, (uint32_t)EC_ILLEGAL_STATE << 26 | ESR_IL, 0, false);
            budget--;
            continue;
        }
        if (c->wfi && c->wfe && cpu_wfe_woken(c)) c->wfi = c->wfe = false;
        if (c->wfi) return CPU_EXIT_WFI;
        const struct dinsn *d = cpu_fetch(c, c->pc);
        if (!d) {               /* prefetch abort taken: counts as one step */
            budget--;
            continue;
        }
        uint64_t n = budget, cyc = 0;
        while (n) {
            n--;
            cyc += d->cost;
            d = d->fn(c, d);
            if (unlikely(!d) || unlikely(c->attention)) break;
        }
        if (d) c->pc = pc_of(c, d);
        c->icount += budget - n;
        c->cycles += cyc;
        budget = n;
        c->attention = false;      /* interrupts are re-checked at the top of the loop */
        if (c->exit_request) { c->exit_request = false; return CPU_EXIT_REQUEST; }
    }
    return CPU_EXIT_BUDGET;
}

void cpu_request_exit(struct cpu *c) { c->exit_request = true; c->attention = true; }

/* ---------------------------------------------------------------- debugger */

int cpu_breakpoint_insert(struct cpu *c, uint64_t va)
{
    struct cpu_shared *s = c->sh;
    if (bp_at(s, va)) return 0;
    if (s->nbp == sizeof s->bp / sizeof *s->bp) return -1;
    s->bp[s->nbp++] = va;
    return 0;
}

int cpu_breakpoint_remove(struct cpu *c, uint64_t va)
{
    struct cpu_shared *s = c->sh;
    for (unsigned i = 0; i < s->nbp; i++)
        if (s->bp[i] == va) { s->bp[i] = s->bp[--s->nbp]; return 0; }
    return -1;
}

static void flush_all_cpus(struct cpu_shared *s)
{
    for (unsigned i = 0; i < s->ncpus; i++) cpu_tlb_flush_all(s->cpus[i]);
}

int cpu_watchpoint_insert(struct cpu *c, uint64_t va, uint64_t len, enum cpu_watch_kind kind)
{
    struct cpu_shared *s = c->sh;
    if (s->nwp == sizeof s->wp / sizeof *s->wp || !len) return -1;
    s->wp[s->nwp].va = va;
    s->wp[s->nwp].len = len;
    s->wp[s->nwp].kind = kind;
    s->nwp++;
    flush_all_cpus(s);       /* from now on every access takes the slow path (mem.c) */
    return 0;
}

int cpu_watchpoint_remove(struct cpu *c, uint64_t va, uint64_t len, enum cpu_watch_kind kind)
{
    struct cpu_shared *s = c->sh;
    for (unsigned i = 0; i < s->nwp; i++)
        if (s->wp[i].va == va && s->wp[i].len == len && s->wp[i].kind == (unsigned)kind) {
            s->wp[i] = s->wp[--s->nwp];
            return 0;
        }
    return -1;
}

/* Called by the data-access slow path for every access while watchpoints exist. */
void cpu_watch_check(struct cpu *c, uint64_t va, unsigned size, bool write)
{
    struct cpu_shared *s = c->sh;
    unsigned kind = write ? CPU_WATCH_WRITE : CPU_WATCH_READ;
    for (unsigned i = 0; i < s->nwp; i++)
        if ((s->wp[i].kind & kind) && va < s->wp[i].va + s->wp[i].len && s->wp[i].va < va + size) {
            c->wp_hit = true;
            c->wp_addr = va < s->wp[i].va ? s->wp[i].va : va;
            c->wp_kind = s->wp[i].kind;
            return;
        }
}

void cpu_set_single_step(struct cpu *c, bool on) { c->single_step = on; }

int cpu_debug_stop_reason(const struct cpu *c, uint64_t *addr, enum cpu_watch_kind *kind)
{
    if (c->debug_reason == 2) {
        if (addr) *addr = c->wp_addr;
        if (kind) *kind = (enum cpu_watch_kind)c->wp_kind;
    }
    return c->debug_reason;
}

/* ---------------------------------------------------------------- object */

struct cpu_shared *cpu_shared_new(struct bus *bus)
{
    struct cpu_shared *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->bus = bus;
    bus_set_ram_write_hook(bus, bus_write_hook, s);
    return s;
}

void cpu_shared_free(struct cpu_shared *s)
{
    if (!s) return;
    for (unsigned h = 0; h < (1u << CODE_HASH_BITS); h++) {
        struct dpage *p = s->hash[h];
        while (p) { struct dpage *n = p->hnext; free(p); p = n; }
    }
    free(s);
}

static const char *const profile_names[] = { "cortex-a57", "max" };

int cpu_profile_parse(const char *name, enum cpu_profile *out)
{
    for (unsigned i = 0; i < sizeof profile_names / sizeof *profile_names; i++)
        if (!strcmp(name, profile_names[i])) { *out = (enum cpu_profile)i; return 0; }
    return -1;
}
const char *cpu_profile_name(enum cpu_profile p) { return p <= CPU_PROFILE_MAX ? profile_names[p] : "?"; }

static uint64_t profile_features(enum cpu_profile p)
{
    /* cortex-a57: ARMv8.0 with FP/AdvSIMD and CRC32 (the crypto extension is optional on the
     * A57; it is advertised only once implemented). max: + LSE, LRCPC, PAN, UAO. */
    uint64_t f = 1ull << FEAT_BASE | 1ull << FEAT_CRC32 | 1ull << FEAT_FP;
    if (p == CPU_PROFILE_MAX)
        f |= 1ull << FEAT_LSE | 1ull << FEAT_LRCPC | 1ull << FEAT_PAN | 1ull << FEAT_UAO;
    return f;
}

bool cpu_has_feature(const struct cpu *c, enum cpu_feature f) { return (c->features >> f) & 1; }

struct cpu *cpu_new(struct cpu_shared *s, const struct cpu_config *cfg, const struct cpu_hooks *hooks)
{
    if (s->ncpus >= sizeof s->cpus / sizeof *s->cpus) return NULL;
    struct cpu *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->sh = s;
    c->bus = s->bus;
    c->cfg = *cfg;
    if (hooks) c->hooks = *hooks;
    c->features = profile_features(cfg->profile);
    s->cpus[s->ncpus++] = c;
    timing_init(c);
    cpu_reset(c, 0);
    return c;
}

void cpu_free(struct cpu *c) { if (c) mmu_s2_cache_free(c->s2_cache); free(c); }

void cpu_tlb_flush_fast(struct cpu *c)
{
    soft_tlb_flush(&c->tlb_el[0]);
    soft_tlb_flush(&c->tlb_el[1]);
    cpu_itlb_flush(c);
}

void cpu_tlb_flush_all(struct cpu *c)
{
    cpu_tlb_flush_fast(c);
    ctlb_flush(&c->ctlb);
}

void cpu_reset(struct cpu *c, uint64_t entry)
{
    memset(c->x, 0, sizeof c->x);
    c->sp_el[0] = c->sp_el[1] = 0;
    c->nzcv = 0;
    c->el = 1;
    c->spsel = 1;
    c->daif = 0xf << 6;
    c->pan = c->uao = c->ss = c->il = false;
    c->tlb = &c->tlb_el[1];
    c->pc = entry;
    c->irq_lines = 0;
    c->wfi = c->halted = c->event_register = false;
    c->excl_valid = false;
    c->mmu_on = false;
    sysreg_reset(c);
    cpu_tlb_flush_all(c);
    tlbm_reset(&c->tlbm);          /* a core coming out of reset has no TLB entries */
}

/* ---------------------------------------------------------------- state accessors */

uint64_t cpu_get_x(const struct cpu *c, unsigned n) { return n < 31 ? c->x[n] : 0; }
void cpu_set_x(struct cpu *c, unsigned n, uint64_t v) { if (n < 31) c->x[n] = v; }
uint64_t cpu_get_sp(const struct cpu *c) { return c->x[REG_SP]; }
void cpu_set_sp(struct cpu *c, uint64_t v) { c->x[REG_SP] = v; }
uint64_t cpu_get_pc(const struct cpu *c) { return c->pc; }
void cpu_set_pc(struct cpu *c, uint64_t pc) { c->pc = pc; }
uint32_t cpu_get_nzcv(const struct cpu *c) { return c->nzcv; }
void cpu_set_nzcv(struct cpu *c, uint32_t v) { c->nzcv = v & 0xf0000000u; }
unsigned cpu_current_el(const struct cpu *c) { return c->el; }
uint64_t cpu_icount(const struct cpu *c) { return c->icount; }
uint64_t cpu_cycles(const struct cpu *c) { return c->cycles + c->cycles_extra; }
void cpu_add_cycles(struct cpu *c, uint64_t n) { c->cycles_extra += n; }
unsigned cpu_index(const struct cpu *c) { return c->cfg.index; }
const struct cpu_stats *cpu_get_stats(const struct cpu *c) { return &c->stats; }
void cpu_set_halted(struct cpu *c, bool h) { c->halted = h; if (h) c->wfi = false; }
bool cpu_is_halted(const struct cpu *c) { return c->halted; }
void cpu_set_log(struct cpu *c, unsigned mask, void *f) { c->log_mask = mask; c->logf = f; }
void cpu_set_tracer(struct cpu *c, struct tracer *tr) { c->tr = tr; }

void cpu_set_irq_line(struct cpu *c, enum cpu_irq_line line, bool level)
{
    if (level) c->irq_lines |= 1u << line;
    else c->irq_lines &= ~(1u << line);
    /* Leave the current block so that the new level is looked at before the next one. */
    c->attention = true;
    if (level) c->wfi = false;
}

void cpu_send_event(struct cpu *c) { c->event_register = true; c->wfi = false; }
void cpu_wait_for_interrupt(struct cpu *c) { c->wfi = true; c->wfe = false; c->attention = true; }

uint64_t cpu_get_pstate(const struct cpu *c) { return cpu_pack_pstate(c); }

void cpu_set_pstate(struct cpu *c, uint64_t spsr)
{
    c->nzcv = (uint32_t)spsr & 0xf0000000u;
    c->daif = (uint32_t)spsr & 0x3c0;
    c->pan = (spsr >> 22) & 1;
    c->uao = (spsr >> 23) & 1;
    cpu_set_el_sp(c, (spsr >> 2) & 3 ? 1 : 0, spsr & 1);
}
