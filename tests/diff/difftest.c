/* tests/diff/difftest.c — random differential testing of faultline's A64 interpreter against
 * Unicorn (QEMU 5 based), one instruction at a time. docs/difftest.md says what is compared,
 * what is excluded and why.
 *
 * The tester iterates faultline's own decode tables (a64_pattern_row): every row gets random
 * encodings (its fixed bits, random field bits), so rows added by the instruction-set work are
 * covered without touching this file. Each encoding runs from the same random state in both
 * emulators at EL1 with the MMU off; X0-X30, SP, PC, NZCV, V0-V31 (128 bits each), FPCR,
 * FPSR, every byte of the 64 KiB RAM and "did it take an exception, and which kind" are
 * compared. The V registers get random values biased to special FP/integer operands, FPCR a
 * random rounding mode, FZ, DN and AHP.
 *
 *   difftest [-p cortex-a57|max] [-n N] [-s SEED] [-r ROW_REGEX] [-f] [-c] [-v] [-u] [-d DUMPS]
 *     -f   only SIMD&FP rows (op0 = x111 data processing, loads/stores with V = 1)
 *     -c   coverage: how many tested instructions per mnemonic (capstone), at the end
 *     -u   UNDEFINED agreement: random words (row-shaped, near-miss and uniform) — does
 *          faultline call them UNDEFINED when Unicorn does? */
#include <capstone.h>
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>
#include "cpu/cpu.h"
#include "machine/machine.h"
#include "tests/diff/difftest.h"
#include "tests/diff/uc_dl.h"

/* QEMU's exception numbers (target/arm/cpu.h), as Unicorn's interrupt hook reports them. */
enum { QEMU_EXCP_UDEF = 1, QEMU_EXCP_SWI = 2, QEMU_EXCP_PREFETCH_ABORT = 3, QEMU_EXCP_DATA_ABORT = 4,
       QEMU_EXCP_BKPT = 7, QEMU_EXCP_HVC = 11, QEMU_EXCP_SMC = 13, QEMU_EXCP_UNALIGNED = 22 };

/* The outcome of one step, the same vocabulary for both emulators. */
enum kind { K_NONE = 0, K_UDEF, K_DABT, K_FETCH, K_SVC, K_HVC, K_SMC, K_BRK, K_WFI, K_OTHER };
static const char *const kind_names[] = { "none", "UNDEFINED", "data-abort", "fetch-abort",
                                          "SVC", "HVC", "SMC", "BRK", "WFI", "other" };

struct outcome {
    struct dt_state s;
    enum kind k;
    unsigned detail;        /* faultline: ESR.EC; Unicorn: intno or uc_err */
};

/* ---------------------------------------------------------------- options, rows, stats */

static struct {
    enum cpu_profile profile;
    uint64_t n, seed;
    const char *row_re;
    bool verbose, undef_mode, fp_only, coverage;
    unsigned dumps;
} opt = { CPU_PROFILE_CORTEX_A57, 200000, 1, NULL, false, false, false, false, 3 };

struct row {
    const char *name;
    uint32_t mask, value;
    unsigned weight;
    bool selected;
    uint64_t picked, undecodable, tested, mismatched, known, excluded, unpredictable;
    const char *exclusion;
    unsigned dumped;
};
static struct row *rows;
static unsigned nrows;

/* Row-name pointer → row index (the decoder returns the table's own name pointer). */
#define NAME_HASH 4096
static const char *name_key[NAME_HASH];
static unsigned name_val[NAME_HASH];
static unsigned name_slot(const char *p) { return (unsigned)(((uintptr_t)p >> 3) * 0x9E3779B1u) & (NAME_HASH - 1); }
static void name_put(const char *p, unsigned i)
{
    unsigned h = name_slot(p);
    while (name_key[h] && name_key[h] != p) h = (h + 1) & (NAME_HASH - 1);
    if (!name_key[h]) { name_key[h] = p; name_val[h] = i; }
}
static int name_get(const char *p)
{
    for (unsigned h = name_slot(p); name_key[h]; h = (h + 1) & (NAME_HASH - 1))
        if (name_key[h] == p) return (int)name_val[h];
    return -1;
}

/* ---------------------------------------------------------------- the two emulators */

static struct bus *bus;
static struct cpu *fl;
static uint8_t *fl_mem;

static uc_engine *uc;
static uc_context *uc_ctx;
static uint8_t *uc_mem;
static int uc_intno;
struct uc_access { uint64_t addr; int size; bool write; };
static struct uc_access uc_acc[16];
static unsigned uc_nacc;
static csh cs;

/* Register ids for one batch: X0-X30, SP, PC, NZCV, FPCR, FPSR, Q0-Q31. */
enum { UR_X = 0, UR_SP = 31, UR_PC, UR_NZCV, UR_FPCR, UR_FPSR, UR_Q, UR_N = UR_Q + 32 };
static int uc_reg_ids[UR_N];

static void uc_hook_intr(uc_engine *u, uint32_t intno, void *opaque)
{
    uc_intno = (int)intno;
    uc_emu_stop(u);
}

static void uc_hook_mem(uc_engine *u, uc_mem_type type, uint64_t addr, int size, int64_t value, void *opaque)
{
    if (uc_nacc < 16) uc_acc[uc_nacc++] = (struct uc_access){ addr, size, type == UC_MEM_WRITE };
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "faultline: %s: %s\n", what, why);
    exit(2);
}

static void setup(void)
{
    uc_dl_load();
    bus = bus_new();
    if (posix_memalign((void **)&fl_mem, 4096, DT_RAM_SIZE) || posix_memalign((void **)&uc_mem, 4096, DT_RAM_SIZE))
        die("difftest", "out of memory");
    bus_map_ram(bus, "ram", mk_pa(DT_RAM_BASE), DT_RAM_SIZE, fl_mem);
    struct cpu_shared *sh = cpu_shared_new(bus);
    struct cpu_config cfg = { .profile = opt.profile };
    fl = cpu_new(sh, &cfg, NULL);

    uc_err e = uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc);
    if (e) die("uc_open", uc_strerror(e));
    /* cortex-a57 ↔ Unicorn's A57; max ↔ Unicorn's max (LSE and everything else QEMU 5 has). */
    e = uc_ctl_set_cpu_model(uc, opt.profile == CPU_PROFILE_MAX ? UC_CPU_ARM64_MAX : UC_CPU_ARM64_A57);
    if (e) die("uc_ctl_set_cpu_model", uc_strerror(e));
    e = uc_mem_map_ptr(uc, DT_RAM_BASE, DT_RAM_SIZE, UC_PROT_ALL, uc_mem);
    if (e) die("uc_mem_map_ptr", uc_strerror(e));
    uint64_t cpacr = 3u << 20;                                   /* CPACR_EL1.FPEN: no FP traps */
    uc_reg_write(uc, UC_ARM64_REG_CPACR_EL1, &cpacr);
    uc_hook h;
    uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)uc_hook_intr, NULL, 1, 0);
    uc_hook_add(uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)uc_hook_mem, NULL, 1, 0);
    /* Unicorn starts at EL1h, MMU off, like faultline after cpu_reset. Every test starts from
     * this saved context, so a system instruction cannot leak state into the next test. */
    uc_context_alloc(uc, &uc_ctx);
    uc_context_save(uc, uc_ctx);
    for (unsigned i = 0; i < 29; i++) uc_reg_ids[UR_X + i] = UC_ARM64_REG_X0 + i;
    uc_reg_ids[UR_X + 29] = UC_ARM64_REG_X29;
    uc_reg_ids[UR_X + 30] = UC_ARM64_REG_X30;
    uc_reg_ids[UR_SP] = UC_ARM64_REG_SP;
    uc_reg_ids[UR_PC] = UC_ARM64_REG_PC;
    uc_reg_ids[UR_NZCV] = UC_ARM64_REG_NZCV;
    uc_reg_ids[UR_FPCR] = UC_ARM64_REG_FPCR;       /* 32-bit values (vfp_set_fpcr/fpsr) */
    uc_reg_ids[UR_FPSR] = UC_ARM64_REG_FPSR;
    for (unsigned i = 0; i < 32; i++) uc_reg_ids[UR_Q + i] = UC_ARM64_REG_Q0 + i;   /* 16 bytes */

    if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs) != CS_ERR_OK) cs = 0;
}

static enum kind kind_of_ec(unsigned ec)
{
    switch (ec) {
    case 0x00: return K_UDEF;
    case 0x15: return K_SVC;
    case 0x16: return K_HVC;
    case 0x17: return K_SMC;
    case 0x3c: return K_BRK;
    case 0x24: case 0x25: case 0x26: return K_DABT;
    case 0x20: case 0x21: case 0x22: return K_FETCH;
    default: return K_OTHER;
    }
}

static void run_faultline(const struct dt_state *in, uint32_t insn, struct outcome *o)
{
    /* QEMU translates a whole block even when asked for one instruction: end it with B . so
     * that it never decodes the random bytes after the instruction under test (some of which
     * make QEMU 5 abort). The same word goes into both memories. */
    static const uint32_t b_self = 0x14000000;
    bus_write_buf(bus, mk_pa(in->pc + 4), &b_self, 4);
    memcpy(uc_mem + (in->pc + 4 - DT_RAM_BASE), &b_self, 4);
    cpu_reset(fl, in->pc);
    for (unsigned i = 0; i < 31; i++) cpu_set_x(fl, i, in->x[i]);
    cpu_set_sp(fl, in->sp);
    cpu_set_nzcv(fl, in->nzcv);
    for (unsigned i = 0; i < 32; i++) cpu_set_v(fl, i, in->v[i]);
    cpu_set_fpcr(fl, in->fpcr);
    cpu_set_fpsr(fl, in->fpsr);
    /* Unicorn runs with FP/AdvSIMD enabled; a guest enables it with CPACR_EL1.FPEN = 0b11. */
    cpu_write_sysreg(fl, SYSREG_ENC(3, 0, 1, 0, 2), 3u << 20);
    /* bus_write_buf drops the decoded code of the page: the new word is decoded afresh. */
    bus_write_buf(bus, mk_pa(in->pc), &insn, 4);
    const struct cpu_stats *st = cpu_get_stats(fl);
    uint64_t before[64];
    memcpy(before, st->exceptions_by_ec, sizeof before);
    enum cpu_exit ex = cpu_run(fl, 1);
    for (unsigned i = 0; i < 31; i++) o->s.x[i] = cpu_get_x(fl, i);
    o->s.sp = cpu_get_sp(fl);
    o->s.pc = cpu_get_pc(fl);
    o->s.nzcv = cpu_get_nzcv(fl);
    for (unsigned i = 0; i < 32; i++) cpu_get_v(fl, i, o->s.v[i]);
    o->s.fpcr = cpu_get_fpcr(fl);
    o->s.fpsr = cpu_get_fpsr(fl);
    o->k = K_NONE;
    o->detail = 0;
    for (unsigned ec = 0; ec < 64; ec++)
        if (st->exceptions_by_ec[ec] != before[ec]) { o->k = kind_of_ec(ec); o->detail = ec; break; }
    if (o->k == K_NONE && ex == CPU_EXIT_WFI) o->k = K_WFI;
}

static void run_unicorn(const struct dt_state *in, uint32_t insn, struct outcome *o)
{
    uc_context_restore(uc, uc_ctx);
    void *vals[UR_N];
    uint64_t nzcv = in->nzcv;
    uint32_t fpcr = in->fpcr, fpsr = in->fpsr;
    for (unsigned i = 0; i < 31; i++) vals[UR_X + i] = (void *)&in->x[i];
    vals[UR_SP] = (void *)&in->sp;
    vals[UR_PC] = (void *)&in->pc;
    vals[UR_NZCV] = &nzcv;
    vals[UR_FPCR] = &fpcr;
    vals[UR_FPSR] = &fpsr;
    for (unsigned i = 0; i < 32; i++) vals[UR_Q + i] = (void *)in->v[i];
    uc_reg_write_batch(uc, uc_reg_ids, vals, UR_N);
    memcpy(uc_mem + (in->pc - DT_RAM_BASE), &insn, 4);
    uc_ctl_remove_cache(uc, in->pc, in->pc + 8);
    uc_intno = -1;
    uc_nacc = 0;
    uc_err e = uc_emu_start(uc, in->pc, in->pc + 4, 0, 1);
    for (unsigned i = 0; i < 31; i++) vals[UR_X + i] = &o->s.x[i];
    vals[UR_SP] = &o->s.sp;
    vals[UR_PC] = &o->s.pc;
    nzcv = 0;
    for (unsigned i = 0; i < 32; i++) vals[UR_Q + i] = o->s.v[i];
    uc_reg_read_batch(uc, uc_reg_ids, vals, UR_N);
    o->s.fpcr = fpcr;
    o->s.fpsr = fpsr;
    o->s.nzcv = (uint32_t)nzcv & 0xf0000000u;
    o->k = K_NONE;
    o->detail = 0;
    if (uc_intno >= 0) {
        o->detail = (unsigned)uc_intno;
        switch (uc_intno) {
        case QEMU_EXCP_UDEF: o->k = K_UDEF; break;
        case QEMU_EXCP_SWI: o->k = K_SVC; break;
        case QEMU_EXCP_HVC: o->k = K_HVC; break;
        case QEMU_EXCP_SMC: o->k = K_SMC; break;
        case QEMU_EXCP_BKPT: o->k = K_BRK; break;
        case QEMU_EXCP_DATA_ABORT: case QEMU_EXCP_UNALIGNED: o->k = K_DABT; break;
        case QEMU_EXCP_PREFETCH_ABORT: o->k = K_FETCH; break;
        default: o->k = K_OTHER; break;
        }
    } else if (e != UC_ERR_OK) {
        o->detail = 1000 + e;
        switch (e) {
        case UC_ERR_READ_UNMAPPED: case UC_ERR_WRITE_UNMAPPED: case UC_ERR_READ_PROT:
        case UC_ERR_WRITE_PROT: case UC_ERR_READ_UNALIGNED: case UC_ERR_WRITE_UNALIGNED:
            o->k = K_DABT; break;
        case UC_ERR_FETCH_UNMAPPED: case UC_ERR_FETCH_PROT: case UC_ERR_FETCH_UNALIGNED:
            o->k = K_FETCH; break;
        case UC_ERR_INSN_INVALID: o->k = K_UDEF; break;
        default: o->k = K_OTHER; break;
        }
    } else if ((o->s.pc & 3) || o->s.pc - DT_RAM_BASE >= DT_RAM_SIZE) {
        /* QEMU raises the PC alignment fault / fetch abort only when it fetches the next
         * instruction; faultline's branch fetches its target at once. Same event. */
        o->k = K_FETCH;
    }
}

/* ---------------------------------------------------------------- reporting */

static void disas(uint32_t insn, uint64_t pc, char *buf, size_t n)
{
    cs_insn *ci;
    if (cs && cs_disasm(cs, (const uint8_t *)&insn, 4, pc, 1, &ci) == 1) {
        snprintf(buf, n, "%s %s", ci->mnemonic, ci->op_str);
        cs_free(ci, 1);
    } else {
        snprintf(buf, n, "(capstone: invalid)");
    }
}

/* The V registers an instruction can name (Rd/Rt..+3, Rn..+3, Rm, Ra/Rt2): shown in the input. */
static bool vshow[32];
static void set_vshow(uint32_t insn)
{
    memset(vshow, 0, sizeof vshow);
    unsigned f[4] = { insn & 31, (insn >> 5) & 31, (insn >> 10) & 31, (insn >> 16) & 31 };
    for (unsigned k = 0; k < 4; k++)
        for (unsigned j = 0; j < (k < 2 ? 4u : 1u); j++) vshow[(f[k] + j) & 31] = true;
}

static void dump_state(const char *tag, const struct dt_state *s, const struct dt_state *ref)
{
    printf("    %s:", tag);
    for (unsigned i = 0; i < 31; i++) {
        if (ref && ref->x[i] == s->x[i]) continue;
        printf("%s x%-2u=%016llx", (ref ? 0 : i % 4 == 0) ? "\n      " : "", i, (unsigned long long)s->x[i]);
    }
    if (!ref || ref->sp != s->sp) printf("%s sp=%016llx", ref ? "" : "\n     ", (unsigned long long)s->sp);
    if (!ref || ref->pc != s->pc) printf(" pc=%016llx", (unsigned long long)s->pc);
    if (!ref || ref->nzcv != s->nzcv) printf(" nzcv=%x", s->nzcv >> 28);
    if (!ref || ref->fpcr != s->fpcr) printf(" fpcr=%08x", s->fpcr);
    if (!ref || ref->fpsr != s->fpsr) printf(" fpsr=%08x", s->fpsr);
    printf("\n");
    for (unsigned i = 0; i < 32; i++) {
        if (ref ? !memcmp(ref->v[i], s->v[i], 16) : !vshow[i]) continue;
        printf("      v%-2u=", i);
        for (int j = 15; j >= 0; j--) printf("%02x%s", s->v[i][j], j == 8 ? "_" : "");
        printf("\n");
    }
}

static void report_mismatch(struct row *rw, uint32_t insn, const char *why, const struct dt_state *in,
                            const struct outcome *f, const struct outcome *u)
{
    char d[200];
    disas(insn, in->pc, d, sizeof d);
    printf("MISMATCH %s: %08x  %-36s %s\n", rw->name, insn, d, why);
    set_vshow(insn);
    dump_state("input", in, NULL);
    printf("    faultline: %s (%#x)   unicorn: %s (%#x)\n", kind_names[f->k], f->detail, kind_names[u->k], u->detail);
    dump_state("faultline (changed vs input)", &f->s, in);
    dump_state("unicorn   (changed vs input)", &u->s, in);
    unsigned shown = 0;
    for (uint64_t i = 0; i < DT_RAM_SIZE && shown < 16; i++)
        if (fl_mem[i] != uc_mem[i]) {
            printf("    mem %#llx: faultline %02x unicorn %02x\n", (unsigned long long)(DT_RAM_BASE + i), fl_mem[i], uc_mem[i]);
            shown++;
        }
    for (unsigned i = 0; i < uc_nacc; i++)
        printf("    unicorn %s %d bytes at %#llx\n", uc_acc[i].write ? "wrote" : "read", uc_acc[i].size,
               (unsigned long long)uc_acc[i].addr);
}

/* ---------------------------------------------------------------- one test */

static struct dt_rng rng;

static void random_state(struct dt_state *s)
{
    for (unsigned i = 0; i < 31; i++) s->x[i] = dt_rand_reg(&rng);
    s->sp = dt_below(&rng, 2) ? DT_RAM_BASE + 0x1000 + (dt_below(&rng, DT_RAM_SIZE - 0x2000) & ~15ull) : dt_rand_reg(&rng);
    s->pc = DT_RAM_BASE + DT_CODE_LO + 4 * dt_below(&rng, (DT_CODE_HI - DT_CODE_LO) / 4);
    s->nzcv = (uint32_t)dt_below(&rng, 16) << 28;
    dt_rand_fp_state(&rng, s);
}

/* Unicorn translates the block at a branch target (and the words after it) before it stops
 * for the instruction count: no word in RAM may be one that makes QEMU 5 abort. */
static void sanitize(uint64_t off, uint64_t len)
{
    bool max = opt.profile == CPU_PROFILE_MAX;
    for (uint64_t i = off & ~3ull; i < off + len && i < DT_RAM_SIZE; i += 4) {
        uint32_t w;
        memcpy(&w, fl_mem + i, 4);
        if (dt_unicorn_aborts(w, max)) {
            w ^= 1u << 27;             /* op0 = x011: unallocated */
            memcpy(fl_mem + i, &w, 4);
            memcpy(uc_mem + i, &w, 4);
        }
    }
}

/* Make Unicorn's RAM equal to faultline's again after a test that left them different. */
static void resync_memory(void)
{
    if (!memcmp(uc_mem, fl_mem, DT_RAM_SIZE)) return;
    for (uint64_t i = 0; i < DT_RAM_SIZE; i += 64)
        if (memcmp(uc_mem + i, fl_mem + i, 64)) {
            memcpy(uc_mem + i, fl_mem + i, 64);
            sanitize(i, 64);
        }
}

static void randomize_memory(void)
{
    for (uint64_t i = 0; i < DT_RAM_SIZE; i += 8) {
        uint64_t v = dt_rand(&rng);
        memcpy(fl_mem + i, &v, 8);
    }
    memcpy(uc_mem, fl_mem, DT_RAM_SIZE);
    sanitize(0, DT_RAM_SIZE);
}

static void sanitize_written(void)
{
    for (unsigned i = 0; i < uc_nacc; i++)
        if (uc_acc[i].write && uc_acc[i].addr - DT_RAM_BASE < DT_RAM_SIZE)
            sanitize(uc_acc[i].addr - DT_RAM_BASE, (uint64_t)uc_acc[i].size);
}

static bool any_unaligned_access(void)
{
    for (unsigned i = 0; i < uc_nacc; i++)
        if (uc_acc[i].addr & (uint64_t)(uc_acc[i].size - 1)) return true;
    return false;
}

static bool same_regs(const struct dt_state *a, const struct dt_state *b, bool pc)
{
    return !memcmp(a->x, b->x, sizeof a->x) && a->sp == b->sp && a->nzcv == b->nzcv && (!pc || a->pc == b->pc);
}

static bool same_fp(const struct dt_state *a, const struct dt_state *b)
{
    return !memcmp(a->v, b->v, sizeof a->v) && a->fpcr == b->fpcr && a->fpsr == b->fpsr;
}

/* Run insn in both from one random state; returns 1 on mismatch, 0 otherwise. */
static int test_one(struct row *rw, uint32_t insn)
{
    struct dt_state in;
    struct dt_mem_info mi;
    random_state(&in);
    if (!dt_setup_memory_operands(insn, &in, &rng, &mi)) { rw->unpredictable++; return 0; }
    dt_avoid_unicorn_bugs(insn, &in, (uint8_t *const[2]){ fl_mem, uc_mem });
    struct outcome f, u;
    run_faultline(&in, insn, &f);
    run_unicorn(&in, insn, &u);
    rw->tested++;

    const char *why = NULL;
    if (f.k != u.k) {
        if (f.k == K_DABT && u.k == K_NONE && any_unaligned_access()) {
            rw->known++;                    /* docs/difftest.md: unaligned accesses, MMU off */
            resync_memory();
            return 0;
        }
        /* DC ZVA with the MMU off: the memory is Device-nGnRnE, so the architecture gives an
         * Alignment fault (C5.3 DC ZVA); Unicorn (QEMU 5) zeroes the block. docs/difftest.md. */
        if (f.k == K_DABT && u.k == K_NONE && (insn & 0xffffffe0u) == 0xd50b7420u) {
            rw->known++;
            resync_memory();
            return 0;
        }
        why = "exception outcome differs";
    } else if (!same_regs(&f.s, &u.s, f.k == K_NONE)) {
        why = "registers differ";
    } else if (!same_fp(&f.s, &u.s)) {
        why = "SIMD&FP registers differ";
    } else if (memcmp(fl_mem, uc_mem, DT_RAM_SIZE)) {
        why = "memory differs";
    }
    if (!why) {
        sanitize_written();
        return 0;
    }
    rw->mismatched++;
    if (rw->dumped < opt.dumps || opt.verbose) {
        rw->dumped++;
        report_mismatch(rw, insn, why, &in, &f, &u);
    }
    resync_memory();
    return 1;
}

/* ---------------------------------------------------------------- modes */

/* -c: tested instructions per capstone mnemonic. */
#define MN_MAX 1024
static struct { char name[32]; uint64_t n, mism; } mn[MN_MAX];
static unsigned nmn;
static void count_mnemonic(uint32_t insn, bool mism)
{
    cs_insn *ci;
    char m[32] = "(invalid)";
    if (cs && cs_disasm(cs, (const uint8_t *)&insn, 4, 0, 1, &ci) == 1) {
        snprintf(m, sizeof m, "%s", ci->mnemonic);
        cs_free(ci, 1);
    }
    unsigned i = 0;
    while (i < nmn && strcmp(mn[i].name, m)) i++;
    if (i == nmn) {
        if (nmn == MN_MAX) return;
        memcpy(mn[nmn++].name, m, sizeof m);
    }
    mn[i].n++;
    mn[i].mism += mism;
}
static int mn_cmp(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

static unsigned pick_row(const unsigned *cum, unsigned total)
{
    unsigned x = (unsigned)dt_below(&rng, total), lo = 0, hi = nrows;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (cum[mid] <= x) lo = mid + 1; else hi = mid;
    }
    return lo;
}

static const char *group_of(uint32_t insn)
{
    unsigned op0 = (insn >> 25) & 15;
    if ((op0 & 14) == 8) return "dp-imm";
    if ((op0 & 14) == 10) return "branch/sys";
    if ((op0 & 5) == 4) return (insn >> 26) & 1 ? "ldst-fp" : "ldst";
    if ((op0 & 7) == 5) return "dp-reg";
    if ((op0 & 7) == 7) return "simd-fp";
    return "other";
}

static const char *const groups[] = { "dp-imm", "dp-reg", "branch/sys", "ldst", "ldst-fp", "simd-fp", "other" };
#define NGROUPS 7
static unsigned group_index(const char *g)
{
    for (unsigned i = 0; i < NGROUPS; i++) if (!strcmp(groups[i], g)) return i;
    return NGROUPS - 1;
}

static int mode_compare(const unsigned *cum, unsigned total)
{
    uint64_t mismatches = 0, group_tested[NGROUPS] = { 0 }, group_mism[NGROUPS] = { 0 };
    for (uint64_t i = 0; i < opt.n; i++) {
        if ((i & 63) == 0) randomize_memory();
        struct row *picked = &rows[pick_row(cum, total)];
        picked->picked++;
        const char *name = NULL;
        uint32_t insn = 0;
        for (unsigned t = 0; t < 32 && !name; t++) {
            insn = picked->value | ((uint32_t)dt_rand(&rng) & ~picked->mask);
            insn = dt_fixup_encoding(insn, &rng);
            name = cpu_decode_name(fl, insn);
        }
        if (!name) { picked->undecodable++; continue; }
        int ri = name_get(name);
        struct row *rw = ri >= 0 ? &rows[ri] : picked;
        const char *ex = dt_excluded(insn, opt.profile == CPU_PROFILE_MAX);
        if (!ex && dt_unicorn_aborts(insn, opt.profile == CPU_PROFILE_MAX)) ex = "Unicorn (QEMU 5) aborts translating it";
        if (ex) { rw->excluded++; rw->exclusion = ex; continue; }
        uint64_t before = rw->tested;
        int m = test_one(rw, insn);
        unsigned g = group_index(group_of(insn));
        group_tested[g] += rw->tested - before;
        group_mism[g] += (unsigned)m;
        mismatches += (unsigned)m;
        if (opt.coverage && rw->tested != before) count_mnemonic(insn, m);
    }
    if (opt.coverage) {
        qsort(mn, nmn, sizeof *mn, mn_cmp);
        printf("\ncoverage: %u mnemonics (tested/mismatched)\n", nmn);
        for (unsigned i = 0; i < nmn; i++)
            printf("%-10s %8llu/%llu%s", mn[i].name, (unsigned long long)mn[i].n, (unsigned long long)mn[i].mism,
                   i % 4 == 3 || i + 1 == nmn ? "\n" : "  ");
    }
    printf("\n%-20s %9s %9s %7s %7s %7s %7s\n", "row", "tested", "mismatch", "known", "unpred", "excl", "no-enc");
    for (unsigned i = 0; i < nrows; i++) {
        struct row *r = &rows[i];
        if (!r->selected && !r->tested) continue;
        printf("%-20s %9llu %9llu %7llu %7llu %7llu %7llu%s%s\n", r->name, (unsigned long long)r->tested,
               (unsigned long long)r->mismatched, (unsigned long long)r->known,
               (unsigned long long)r->unpredictable, (unsigned long long)r->excluded,
               (unsigned long long)r->undecodable, r->exclusion ? "  excluded: " : "", r->exclusion ? r->exclusion : "");
    }
    printf("\nby group:");
    for (unsigned g = 0; g < NGROUPS; g++)
        if (group_tested[g]) printf("  %s %llu/%llu", groups[g], (unsigned long long)group_mism[g], (unsigned long long)group_tested[g]);
    printf("  (mismatched/tested)\n");
    const char *pn = cpu_profile_name(opt.profile), *tn = opt.fp_only ? "diff-fp" : "diff";
    uint64_t fp_tested = group_tested[group_index("ldst-fp")] + group_tested[group_index("simd-fp")];
    printf("NOTE: %llu SIMD&FP instructions compared (%llu data processing, %llu loads/stores)\n",
           (unsigned long long)fp_tested, (unsigned long long)group_tested[group_index("simd-fp")],
           (unsigned long long)group_tested[group_index("ldst-fp")]);
    if (mismatches) printf("FAIL: %s/%s (%llu mismatches)\n", tn, pn, (unsigned long long)mismatches);
    else printf("PASS: %s/%s\n", tn, pn);
    return mismatches ? 1 : 0;
}

/* UNDEFINED agreement. A word is UNDEFINED to faultline if its decoder rejects it or executing
 * it takes an EC 0 exception (system registers it does not know); to Unicorn if QEMU raises
 * EXCP_UDEF. */
static int mode_undef(const unsigned *cum, unsigned total)
{
    uint64_t q[NGROUPS][4] = { { 0 } };   /* [both def, both undef, fl undef only, uc undef only] */
    unsigned shown[NGROUPS][4] = { { 0 } };
    uint64_t bad = 0;
    for (uint64_t i = 0; i < opt.n; i++) {
        if ((i & 63) == 0) randomize_memory();
        uint32_t insn;
        unsigned how = (unsigned)dt_below(&rng, 4);
        if (how == 3) {
            insn = (uint32_t)dt_rand(&rng);
        } else {
            struct row *rw = &rows[pick_row(cum, total)];
            insn = rw->value | ((uint32_t)dt_rand(&rng) & ~rw->mask);
            if (how == 2) {                                     /* near miss: flip a fixed bit */
                uint32_t m = rw->mask;
                for (unsigned k = (unsigned)dt_below(&rng, 32); m; k = (k + 1) & 31)
                    if ((m >> k) & 1) { insn ^= 1u << k; break; }
            }
        }
        /* Not executable one step at a time in Unicorn (WFI/WFE/YIELD, exception generation). */
        if (insn == 0xd503203f || insn == 0xd503205f || insn == 0xd503207f) continue;
        /* MRS/MSR DBGPRCR_EL1 (op0=2, op1=0, CRn=1, CRm=4, op2=4): an ARMv8.0 debug register
         * the Cortex-A57 has; Unicorn (QEMU 5) does not implement it. docs/difftest.md. */
        if ((insn & 0xffdfffe0u) == 0xd5101480u) continue;
        /* PMEVCNTR4/5_EL0 and PMEVTYPER4/5_EL0: the A57 has six event counters (PMCR_EL0.N = 6),
         * Unicorn's PMU fewer. */
        if ((insn & 0xffd00000u) == 0xd5100000u) {
            uint32_t enc = (insn >> 5) & 0xffff;
            if (enc == SYSREG_ENC(3,3,14,8,4) || enc == SYSREG_ENC(3,3,14,8,5) ||
                enc == SYSREG_ENC(3,3,14,12,4) || enc == SYSREG_ENC(3,3,14,12,5)) continue;
        }
        const char *name = cpu_decode_name(fl, insn);
        struct dt_state in;
        struct dt_mem_info mi;
        random_state(&in);
        if (!dt_setup_memory_operands(insn, &in, &rng, &mi)) continue;
        dt_avoid_unicorn_bugs(insn, &in, (uint8_t *const[2]){ fl_mem, uc_mem });
        struct outcome f = { .k = K_UDEF }, u;
        if (dt_unicorn_aborts(insn, opt.profile == CPU_PROFILE_MAX)) continue;
        if (name) run_faultline(&in, insn, &f);
        else {
            static const uint32_t b_self = 0x14000000;
            memcpy(uc_mem + (in.pc + 4 - DT_RAM_BASE), &b_self, 4);
        }
        run_unicorn(&in, insn, &u);
        sanitize_written();
        resync_memory();
        bool fu = f.k == K_UDEF, uu = u.k == K_UDEF;
        unsigned g = group_index(group_of(insn)), cls = fu == uu ? (fu ? 1 : 0) : (fu ? 2 : 3);
        q[g][cls]++;
        if (cls == 3) bad++;
        if (cls >= 2 && (shown[g][cls] < opt.dumps || opt.verbose)) {
            shown[g][cls]++;
            char d[200];
            disas(insn, in.pc, d, sizeof d);
            printf("%s %-10s %08x  %-36s faultline: %s%s, unicorn: %s\n", cls == 3 ? "MISMATCH" : "note    ",
                   group_of(insn), insn, d, name ? name : "-", fu ? " (UNDEFINED)" : "", kind_names[u.k]);
        }
    }
    printf("\n%-12s %10s %10s %14s %14s\n", "group", "both-def", "both-undef", "fl-undef-only", "uc-undef-only");
    for (unsigned g = 0; g < NGROUPS; g++)
        printf("%-12s %10llu %10llu %14llu %14llu\n", groups[g], (unsigned long long)q[g][0], (unsigned long long)q[g][1],
               (unsigned long long)q[g][2], (unsigned long long)q[g][3]);
    const char *pn = cpu_profile_name(opt.profile);
    if (bad) printf("FAIL: undef/%s (%llu encodings faultline executes but Unicorn calls UNDEFINED)\n", pn, (unsigned long long)bad);
    else printf("PASS: undef/%s\n", pn);
    return bad ? 1 : 0;
}

/* A SIMD&FP row by its fixed bits (C4.1): data processing with op0 = x111, or a load/store
 * (op0 = x1x0) with V (bit 26) = 1. */
static bool simd_fp_row(uint32_t mask, uint32_t value)
{
    if ((mask & 0x0e000000) == 0x0e000000 && (value & 0x0e000000) == 0x0e000000) return true;
    return (mask & 0x0e000000) == 0x0e000000 && (value & 0x0e000000) == 0x0c000000;
}

int main(int argc, char **argv)
{
    int ch;
    while ((ch = getopt(argc, argv, "p:n:s:r:fcvud:")) != -1) {
        switch (ch) {
        case 'p': if (cpu_profile_parse(optarg, &opt.profile)) die(optarg, "unknown -p profile"); break;
        case 'n': opt.n = strtoull(optarg, NULL, 0); break;
        case 's': opt.seed = strtoull(optarg, NULL, 0); break;
        case 'r': opt.row_re = optarg; break;
        case 'f': opt.fp_only = true; break;
        case 'c': opt.coverage = true; break;
        case 'v': opt.verbose = true; break;
        case 'u': opt.undef_mode = true; break;
        case 'd': opt.dumps = (unsigned)strtoul(optarg, NULL, 0); break;
        default:
            fprintf(stderr, "usage: %s [-p cortex-a57|max] [-n N] [-s SEED] [-r ROW_REGEX] [-f] [-c] [-v] [-u] [-d DUMPS]\n", argv[0]);
            return 2;
        }
    }
    dt_rng_seed(&rng, opt.seed);
    setup();

    regex_t re;
    if (opt.row_re && regcomp(&re, opt.row_re, REG_EXTENDED | REG_NOSUB)) die(opt.row_re, "bad -r regex");
    nrows = a64_pattern_count();
    rows = calloc(nrows, sizeof *rows);
    unsigned *cum = calloc(nrows, sizeof *cum), total = 0;
    for (unsigned i = 0; i < nrows; i++) {
        struct row *r = &rows[i];
        r->name = a64_pattern_row(i, &r->mask, &r->value);
        name_put(r->name, i);
        r->selected = (!opt.row_re || !regexec(&re, r->name, 0, NULL, 0)) && (!opt.fp_only || simd_fp_row(r->mask, r->value));
        /* Rows with more free bits get more tests, but a fully fixed row still gets some. */
        r->weight = r->selected ? 4 + (unsigned)__builtin_popcount(~r->mask) : 0;
        total += r->weight;
        cum[i] = total;
    }
    if (!total) die("difftest", "no decode-table row matches -r");

    printf("difftest: profile %s, %llu instructions, seed %llu, %u rows%s, %s mode\n", cpu_profile_name(opt.profile),
           (unsigned long long)opt.n, (unsigned long long)opt.seed, nrows, opt.fp_only ? " (SIMD&FP only)" : "",
           opt.undef_mode ? "UNDEFINED" : "compare");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = opt.undef_mode ? mode_undef(cum, total) : mode_compare(cum, total);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("NOTE: %.2f s, %.0f instructions/s\n", s, (double)opt.n / s);
    return rc;
}
