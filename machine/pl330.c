/* machine/pl330.c — Arm CoreLink DMA-330 (PL330) DMA controller, Arm DDI 0424D (TRM r1p2).
 * Section references below are to that TRM ("TRM 3.3.x" registers, "TRM 4.3.x" instructions).
 *
 * Configuration (what CR0..CR4/CRD report; struct pl330_config, board defaults in brackets):
 *   CR0: periph_req = 0 (no peripheral request interface, num_periph_req = 0), boot_en = 0 (the
 *        manager never runs a program of its own: it executes debug instructions only),
 *        mgr_ns_at_rst [0: Secure manager, DSR.DNS = 0], num_chnls [8], num_events [8].
 *   CR1: 16 instruction-cache lines of 32 bytes (reported only: every instruction is fetched).
 *   CR2: boot_addr 0. CR3: boot_irq_ns [0: every event Secure]. CR4: boot_periph_ns 0.
 *   CRD: data_width 64-bit, wr_cap 8, wr_q_dep 16, rd_cap 8, rd_q_dep 16,
 *        data_buffer_dep [128 lines of 8 bytes = a 1 KiB MFIFO].
 *   Identity: periph_id = 0x00341330 (part 0x330, designer 0x41 Arm, revision 3 = r1p2),
 *   pcell_id = 0xB105F00D — what Linux's AMBA bus matches (0x00041330 under mask 0x000fffff).
 *
 * Threads. Instructions are fetched BY DMA through the engine's dma_port (its AXI master: the
 * SMMU with its stream ID, or the bus when there is none), as unprivileged instruction
 * transactions (SMMU_ATTR_INSN), one instruction at a time (no instruction cache). Decoding is
 * a table (insn_table: mask, value, length, which threads may run it, handler); first match
 * wins, which resolves the one aliasing in the encoding space: 0x29/0x2B are DMASTP<S|B>, not
 * DMALPEND with nf = 0, lc = 0, x = 1 (write conditional forever loops with lc = 1).
 * Data is moved by DMA too: a DMALD reads src_burst_len × src_burst_size bytes at SAR into the
 * channel's MFIFO, a DMAST writes dst_burst_len × dst_burst_size bytes from it to DAR, a
 * DMASTZ writes zeros. Each burst is one DMA transfer carrying its beat size and addressing
 * (dma_read_beats/dma_write_beats): a device register gets one access per beat of the burst
 * size (narrower only where the address is unaligned), at incrementing addresses or, with the
 * CCR's src_inc/dst_inc = 0, every beat at SAR/DAR (a FIFO register such as UARTDR).
 *
 * MFIFO: one per channel, each of the whole configured depth (the hardware shares one buffer
 * between channels; sharing is not modelled). A DMALD whose data does not fit is the mfifo_err
 * fault (a lone thread would wait for ever for a store that comes later in its own program);
 * a DMAST with less data in the MFIFO than its burst is st_data_unavailable. Data left in the
 * MFIFO at DMAEND is discarded.
 *
 * Faults (TRM 3.3.8-3.3.11, fault types of FTRD/FTRn): undefined instruction (an encoding not
 * in the table, a manager-only instruction on a channel, a non-debug instruction through
 * DBGINST), operand_invalid (reserved operand bits, DMAMOV to a register other than SAR/CCR/
 * DAR, an event or channel number beyond the configuration, DMAGO to a channel not Stopped, a
 * burst size wider than the 64-bit bus, every peripheral instruction — DMAWFP, DMALDP, DMASTP,
 * DMAFLUSHP — since there is no peripheral request interface), ch_evnt_err/mgr_evnt_err (a
 * Non-secure thread using an event that CR3 makes Secure), dmago_err (a Non-secure manager
 * starting a Secure channel), ch_rdwr_err (a Non-secure channel whose CCR asks for a Secure
 * access), mfifo_err and st_data_unavailable (above), instr_fetch_err, data_read_err and
 * data_write_err (the DMA failed: an SMMU abort or a bus error). dbg_instr is added when the
 * faulting instruction came from DBGINST. The thread enters Faulting with CPC at the faulting
 * instruction, nothing of that instruction is done (an SMMU-aborted store writes nothing: a
 * burst never crosses a 4 KB page unless the program makes it), FSRD/FSRC show it and
 * irq_abort is high until DMAKILL through the debug interface returns the thread to Stopped.
 *
 * Events (TRM 2.7, 4.3.15/4.3.21): DMASEV n with INTEN[n] = 1 raises irq[n] (level, INTMIS[n],
 * cleared by INTCLR); with INTEN[n] = 0 it wakes every thread waiting in DMAWFE n, or, if none
 * waits, leaves event n pending (INT_EVENT_RIS[n]) for the next DMAWFE n, which then continues
 * at once and consumes it. request_type is never set (no DMAWFP), so the conditional
 * [S|B] forms of DMALD/DMAST/DMALPEND always execute.
 *
 * Timing (deterministic, no host time): a DBGCMD write executes the debug instruction and then
 * runs the Executing channels, round robin one instruction each, for at most PL330_BUDGET
 * instructions; threads still Executing continue when the board calls pl330_run (once per
 * scheduling round), so an endless DMA program costs a bounded amount of host time per round
 * and the guest can DMAKILL it. Each kick charges 1 cycle per instruction + 1 per 8 bytes moved
 * to the vCPU that runs (the `charge` hook). DBGSTATUS reads busy only while the engine runs,
 * i.e. to a DMA access of the engine's own registers: a DBGCMD written that way is ignored.
 *
 * Not modelled: the peripheral request interface, the instruction cache, endian swapping
 * (CCR.endian_swap_size ≠ 0 is logged and treated as 0), the watchdog (WD is stored; the
 * lockup it detects cannot occur with per-channel MFIFOs), cache/prot attributes other than
 * privileged (AxPROT[0] → SMMU_ATTR_PRIV), instruction (AxPROT[2] → SMMU_ATTR_INSN) and the
 * Non-secure check above, AXI ordering (DMARMB/DMAWMB are NOPs: every access completes in
 * program order), the Killing/Completing transient states.
 *
 * Register accesses: 32-bit, word-aligned (APB); other sizes or reserved offsets are guest
 * errors answered with a slave error, writes to read-only registers are guest errors ignored. */
#include <stdlib.h>
#include <string.h>
#include "machine/pl330.h"
#include "machine/trace.h"

/* ---- registers (TRM Table 3-1) ---- */
enum {
    DSR = 0x000, DPC = 0x004, INTEN = 0x020, INT_EVENT_RIS = 0x024, INTMIS = 0x028, INTCLR = 0x02c,
    FSRD = 0x030, FSRC = 0x034, FTRD = 0x038, FTR0 = 0x040, CSR0 = 0x100, CPC0 = 0x104,
    SAR0 = 0x400, DAR0 = 0x404, CCR0 = 0x408, LC0_0 = 0x40c, LC1_0 = 0x410, CHAN_STRIDE = 0x20,
    DBGSTATUS = 0xd00, DBGCMD = 0xd04, DBGINST0 = 0xd08, DBGINST1 = 0xd0c,
    CR0 = 0xe00, CR1 = 0xe04, CR2 = 0xe08, CR3 = 0xe0c, CR4 = 0xe10, CRD = 0xe14, WD = 0xe80,
    PERIPH_ID0 = 0xfe0, PCELL_ID0 = 0xff0,
};
static const uint8_t pl330_id[8] = { 0x30, 0x13, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

/* Thread states: DSR.dma_status / CSRn.channel_status encodings (TRM 3.3.1, 3.3.13). */
enum { ST_STOPPED = 0x0, ST_EXECUTING = 0x1, ST_WFE = 0x4, ST_FAULTING = 0xf };

/* Fault types: FTRD (TRM 3.3.10) and FTRn (TRM 3.3.11) bits. */
#define FT_UNDEF_INSTR        (1u << 0)
#define FT_OPERAND_INVALID    (1u << 1)
#define FT_DMAGO_ERR          (1u << 4)    /* FTRD only */
#define FT_MGR_EVNT_ERR       (1u << 5)    /* FTRD only */
#define FT_CH_EVNT_ERR        (1u << 5)    /* FTRn */
#define FT_CH_PERIPH_ERR      (1u << 6)
#define FT_CH_RDWR_ERR        (1u << 7)
#define FT_MFIFO_ERR          (1u << 12)
#define FT_ST_DATA_UNAVAILABLE (1u << 13)
#define FT_INSTR_FETCH_ERR    (1u << 16)
#define FT_DATA_WRITE_ERR     (1u << 17)
#define FT_DATA_READ_ERR      (1u << 18)
#define FT_DBG_INSTR          (1u << 30)
#define FT_LOCKUP_ERR         (1u << 31)

/* CCRn fields (TRM 3.3.15) */
#define CCR_SRC_INC(c)        ((c) & 1u)
#define CCR_SRC_BURST_SIZE(c) (((c) >> 1) & 7u)
#define CCR_SRC_BURST_LEN(c)  ((((c) >> 4) & 15u) + 1)
#define CCR_SRC_PROT(c)       (((c) >> 8) & 7u)
#define CCR_DST_INC(c)        (((c) >> 14) & 1u)
#define CCR_DST_BURST_SIZE(c) (((c) >> 15) & 7u)
#define CCR_DST_BURST_LEN(c)  ((((c) >> 18) & 15u) + 1)
#define CCR_DST_PROT(c)       (((c) >> 22) & 7u)
#define CCR_ENDIAN_SWAP(c)    (((c) >> 28) & 7u)
#define CCR_RESET             0x00800200u  /* src_prot_ctrl = dst_prot_ctrl = 0b010 (Non-secure) */
#define PROT_PRIV 1u
#define PROT_NS   2u
#define PROT_INSN 4u

#define DATA_WIDTH_LOG2 3u                 /* CRD.data_width = 0b011: 64 bits */
#define MAX_BURST_BYTES (16u << DATA_WIDTH_LOG2)

struct pl330_thread {
    bool is_mgr;
    unsigned id;                           /* channel number */
    unsigned state;                        /* ST_* */
    unsigned wakeup;                       /* event waited for (ST_WFE) */
    bool ns;                               /* CSRn.CNS / DSR.DNS */
    uint32_t pc, ftr;
    /* channel registers */
    uint32_t sar, dar, ccr, lc[2];
    uint8_t *mfifo;                        /* ring of s->mfifo_cap bytes */
    unsigned mf_head, mf_len;
};

struct pl330 {
    struct pl330_config cfg;
    struct dma_port port;
    struct irq_line irq[PL330_NUM_IRQS];
    uint64_t levels;                       /* bit per irq line: its current level */
    struct pl330_thread mgr, ch[PL330_MAX_CHANNELS];
    unsigned mfifo_cap;
    uint32_t inten, irq_status, ev_pending, dbginst0, dbginst1, wd;
    bool running;                          /* inside a kick (re-entrancy through DMA) */
    bool in_dbg;                           /* executing the DBGINST instruction */
    bool swap_logged;
    uint64_t kick_insns, kick_bytes;
    struct pl330_stats st;
    void (*charge)(void *opaque, uint64_t cycles);
    void *charge_opaque;
    struct tracer *tr;
    uint32_t tr_name;
};

void pl330_default_config(struct pl330_config *cfg)
{
    *cfg = (struct pl330_config){ .num_chnls = 8, .num_events = 8, .data_buf_dep = 128,
                                  .cr3_ins = 0, .mgr_ns = false };
}

/* ---- interrupts ---- */
static void update_irqs(struct pl330 *s)
{
    uint64_t want = 0;
    bool abort = s->mgr.state == ST_FAULTING;
    for (unsigned n = 0; n < s->cfg.num_chnls; n++) abort |= s->ch[n].state == ST_FAULTING;
    if (abort) want |= 1ull << PL330_IRQ_ABORT;
    uint32_t mis = s->irq_status & s->inten;
    for (unsigned e = 0; e < s->cfg.num_events; e++)
        if (mis & (1u << e)) want |= 1ull << PL330_IRQ_EVENT(e);
    uint64_t diff = want ^ s->levels;
    s->levels = want;
    for (unsigned i = 0; i < PL330_NUM_IRQS && diff; i++)
        if (diff & (1ull << i)) irq_line_set(&s->irq[i], (want >> i) & 1);
}

bool pl330_irq_level(const struct pl330 *s, unsigned line)
{
    return line < PL330_NUM_IRQS && ((s->levels >> line) & 1);
}

static void fault(struct pl330 *s, struct pl330_thread *t, uint32_t bits)
{
    if (s->in_dbg) bits |= FT_DBG_INSTR;
    t->ftr |= bits;
    t->state = ST_FAULTING;
    s->st.faults++;
    update_irqs(s);
}

/* ---- MFIFO ---- */
static void mf_push(struct pl330 *s, struct pl330_thread *t, const uint8_t *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) t->mfifo[(t->mf_head + t->mf_len + i) % s->mfifo_cap] = b[i];
    t->mf_len += n;
}
static void mf_pop(struct pl330 *s, struct pl330_thread *t, uint8_t *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) b[i] = t->mfifo[(t->mf_head + i) % s->mfifo_cap];
    t->mf_head = (t->mf_head + n) % s->mfifo_cap;
    t->mf_len -= n;
}

/* ---- DMA (the AXI master) ---- */
static unsigned prot_attrs(unsigned prot)
{
    return ((prot & PROT_PRIV) ? SMMU_ATTR_PRIV : 0) | ((prot & PROT_INSN) ? SMMU_ATTR_INSN : 0);
}

/* outside: a master with no SMMU left its domain's memory (the port's watch, seed 004). */
static void __attribute__((noinline)) trace_xfer(struct pl330 *s, uint32_t addr, unsigned len, bool write, int st,
                                                 bool outside, unsigned beat, bool fixed)
{
    trace_emit_dma(s->tr, NULL, &(struct trace_dma){ .sid = s->port.sid, .dev = s->tr_name, .iova = addr,
        .pa = mk_pa(s->port.smmu ? 0 : addr), .len = len, .is_write = write, .beat = (uint8_t)beat, .fixed = fixed,
        .result = st == DMA_OK ? (outside ? TRACE_DMA_OUTSIDE_DOMAIN : TRACE_DMA_OK)
                : st == DMA_SMMU_FAULT ? TRACE_DMA_SMMU_FAULT : TRACE_DMA_BUS_ERROR });
}

/* One burst: `beats` beats of 2^size_log2 bytes at addr (incrementing or fixed). */
static int burst(struct pl330 *s, bool write, uint32_t addr, bool inc, unsigned size_log2, unsigned beats,
                 uint8_t *buf, unsigned attrs)
{
    unsigned size = 1u << size_log2, total = size * beats;
    /* the burst's AxSIZE and AxBURST (INCR / FIXED): a device register sees `beats` accesses
     * of `size` bytes, at addr, addr + size, ... or all at addr */
    int st = write ? dma_write_beats(&s->port, addr, buf, total, attrs, size, !inc)
                   : dma_read_beats(&s->port, addr, buf, total, attrs, size, !inc);
    bool outside = s->port.outside;
    if (TRACE_ON(s->tr)) trace_xfer(s, addr, total, write, st, outside, size, !inc);
    if (st == DMA_OK) {
        s->kick_bytes += total;
        if (write) s->st.bytes_written += total; else s->st.bytes_read += total;
    }
    return st;
}

/* ---- instructions (TRM chapter 4) ---- */
enum { X_NEXT, X_JUMP, X_HALT };           /* advance PC by the length / PC set / thread halted */
#define ON_MGR 1u
#define ON_CHN 2u
#define ON_DBG 4u                          /* may be issued through DBGINST (TRM 3.3.20) */

typedef int (*insn_fn)(struct pl330 *s, struct pl330_thread *t, const uint8_t *i);
struct insn_desc {
    uint8_t mask, value, len, where;
    const char *name;
    insn_fn exec;
};

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/* request_type matches the [S|B] condition? No DMAWFP exists to set it, so always. */
static bool cond_ok(const struct pl330_thread *t, const uint8_t *i) { (void)t; (void)i; return true; }

static int op_end(struct pl330 *s, struct pl330_thread *t, const uint8_t *i)
{
    t->state = ST_STOPPED;
    t->mf_len = t->mf_head = 0;
    return X_HALT;
}

static int op_kill(struct pl330 *s, struct pl330_thread *t, const uint8_t *i)
{
    bool was_faulting = t->state == ST_FAULTING;
    t->state = ST_STOPPED;
    t->ftr = 0;
    t->mf_len = t->mf_head = 0;
    if (was_faulting) update_irqs(s);
    return X_HALT;
}

static int op_nop(struct pl330 *s, struct pl330_thread *t, const uint8_t *i) { return X_NEXT; }

/* DMAADDH / DMAADNH (TRM 4.3.1, 4.3.2): bit 1 selects DAR, bit 3 the negative form, whose
 * operand is the 16-bit immediate with bits [31:16] set. */
static int op_addh(struct pl330 *s, struct pl330_thread *t, const uint8_t *i)
{
    uint32_t imm = i[1] | (uint32_t)i[2] << 8;
    if (i[0] & 0x08) imm |= 0xffff0000u;
    uint32_t *r = (i[0] & 2) ? &t->dar : &t->sar;
    *r += imm;
    return X_NEXT;
}

static int op_lp(struct pl330 *s, struct pl330_thread *t, const uint8_t *i)
{
    t->lc[(i[0] >> 1) & 1] = i[1];          /* loop_iterations - 1 */
    return X_NEXT;
}

/* DMALPEND[S|B] (TRM 4.3.8): nf = 1 ends a DMALP loop when its counter is 0 (else decrements
 * it and jumps back); nf = 0 (DMALPFE) always jumps back. The jump is relative to this
 * instruction's address. */
static int op_lpend(struct pl330 *s, struct pl330_thread *t, const uint8_t *i)
{
    if ((i[0] & 1) && !cond_ok(t, i)) return X_NEXT;
    if (i[0] & 0x10) {
        unsigned lc = (i[0] >> 2) & 1;
        if (t->lc[lc] == 0) return X_NEXT;
        t->lc[lc]--;
    }
    t->pc -= i[1];
    return X_JUMP;
}

static int op_mov(struct pl330 *s, struct pl330_thread *t, const uint8_t *i)
{
    uint32_t v = le32(i + 2);
    switch (i[1]) {                         /* rd[2:0]: 0 SAR, 1 CCR, 2 DAR; bits [7:3] zero */
    case 0: t->sar = v; return X_NEXT;
    case 1: t->ccr = v; return X_NEXT;
    case 2: t->dar = v; return X_NEXT;
    default: fault(s, t, FT_OPERAND_INVALID); return X_HALT;
    }
}

static int op_ld(struct pl330 *s, struct pl330_thread *t, const uint8_t *i)
{
    if ((i[0] & 1) && !cond_ok(t, i)) return X_NEXT;
    uint32_t c = t->ccr;
    unsigned sz = CCR_SRC_BURST_SIZE(c), beats = CCR_SRC_BURST_LEN(c), total = beats << sz;
    if (sz > DATA_WIDTH_LOG2) { fault(s, t, FT_OPERAND_INVALID); return X_HALT; }
    if (t->ns && !(CCR_SRC_PROT(c) & PROT_NS)) { fault(s, t, FT_CH_RDWR_ERR); return X_HALT; }
    if (t->mf_len + total > s->mfifo_cap) { fault(s, t, FT_MFIFO_ERR); return X_HALT; }
    uint8_t buf[MAX_BURST_BYTES];
    if (burst(s, false, t->sar, CCR_SRC_INC(c), sz, beats, buf, prot_attrs(CCR_SRC_PROT(c))) != DMA_OK) {
        fault(s, t, FT_DATA_READ_ERR);
        return X_HALT;
    }
    mf_push(s, t, buf, total);
    if (CCR_SRC_INC(c)) t->sar += total;
    return X_NEXT;
}

static bool dst_checks(struct pl330 *s, struct pl330_thread *t, uint32_t c)
{
    if (CCR_DST_BURST_SIZE(c) > DATA_WIDTH_LOG2) { fault(s, t, FT_OPERAND_INVALID); return false; }
    if (t->ns && !(CCR_DST_PROT(c) & PROT_NS)) { fault(s, t, FT_CH_RDWR_ERR); return false; }
    if (CCR_ENDIAN_SWAP(c) && !s->swap_logged) {
        s->swap_logged = true;
        mlog_guest_error("pl330: CCR.endian_swap_size=%u is not modelled (data stored unswapped)", CCR_ENDIAN_SWAP(c));
    }
    return true;
}

static int op_st(struct pl330 *s, struct pl330_thread *t, const uint8_t *i)
{
    if ((i[0] & 1) && !cond_ok(t, i)) return X_NEXT;
    uint32_t c = t->ccr;
    unsigned sz = CCR_DST_BURST_SIZE(c), beats = CCR_DST_BURST_LEN(c), total = beats << sz;
    if (!dst_checks(s, t, c)) return X_HALT;
    if (t->mf_len < total) { fault(s, t, FT_ST_DATA_UNAVAILABLE); return X_HALT; }
    uint8_t buf[MAX_BURST_BYTES];
    for (unsigned k = 0; k < total; k++) buf[k] = t->mfifo[(t->mf_head + k) % s->mfifo_cap];
    if (burst(s, true, t->dar, CCR_DST_INC(c), sz, beats, buf, prot_attrs(CCR_DST_PROT(c))) != DMA_OK) {
        fault(s, t, FT_DATA_WRITE_ERR);
        return X_HALT;
    }
    mf_pop(s, t, buf, total);
    if (CCR_DST_INC(c)) t->dar += total;
    return X_NEXT;
}

static int op_stz(struct pl330 *s, struct pl330_thread *t, const uint8_t *i)
{
    uint32_t c = t->ccr;
    unsigned sz = CCR_DST_BURST_SIZE(c), beats = CCR_DST_BURST_LEN(c), total = beats << sz;
    if (!dst_checks(s, t, c)) return X_HALT;
    uint8_t zero[MAX_BURST_BYTES] = { 0 };
    if (burst(s, true, t->dar, CCR_DST_INC(c), sz, beats, zero, prot_attrs(CCR_DST_PROT(c))) != DMA_OK) {
        fault(s, t, FT_DATA_WRITE_ERR);
        return X_HALT;
    }
    if (CCR_DST_INC(c)) t->dar += total;
    return X_NEXT;
}

/* DMAWFP, DMALDP, DMASTP, DMAFLUSHP: the peripheral number must be below num_periph_req,
 * which is 0 in this configuration (CR0.periph_req = 0): always an invalid operand. */
static int op_periph(struct pl330 *s, struct pl330_thread *t, const uint8_t *i)
{
    fault(s, t, FT_OPERAND_INVALID);
    return X_HALT;
}

/* Event operand (DMASEV, DMAWFE): event number in [7:3], within num_events, usable by this
 * thread's security state (CR3). Returns the event or -1 after faulting. */
static int event_operand(struct pl330 *s, struct pl330_thread *t, uint8_t b, uint8_t reserved_mask)
{
    unsigned e = b >> 3;
    if ((b & reserved_mask) || e >= s->cfg.num_events) { fault(s, t, FT_OPERAND_INVALID); return -1; }
    if (t->ns && !(s->cfg.cr3_ins & (1u << e))) {
        fault(s, t, t->is_mgr ? FT_MGR_EVNT_ERR : FT_CH_EVNT_ERR);
        return -1;
    }
    return (int)e;
}

static void signal_event(struct pl330 *s, unsigned e)
{
    if (s->inten & (1u << e)) {
        s->irq_status |= 1u << e;
        update_irqs(s);
        return;
    }
    bool woke = false;
    for (unsigned n = 0; n < s->cfg.num_chnls; n++) {
        struct pl330_thread *w = &s->ch[n];
        if (w->state == ST_WFE && w->wakeup == e) {
            w->state = ST_EXECUTING;
            w->pc += 2;                     /* past its DMAWFE */
            woke = true;
        }
    }
    if (!woke) s->ev_pending |= 1u << e;
}

static int op_sev(struct pl330 *s, struct pl330_thread *t, const uint8_t *i)
{
    int e = event_operand(s, t, i[1], 0x07);
    if (e < 0) return X_HALT;
    signal_event(s, (unsigned)e);
    return X_NEXT;
}

/* DMAWFE E[, invalid] (TRM 4.3.21): bit 1 of the operand asks to invalidate the instruction
 * cache, which does not exist here. CPC stays at the DMAWFE while the thread waits. */
static int op_wfe(struct pl330 *s, struct pl330_thread *t, const uint8_t *i)
{
    int e = event_operand(s, t, i[1], 0x05);
    if (e < 0) return X_HALT;
    if (s->ev_pending & (1u << e)) {
        s->ev_pending &= ~(1u << e);
        return X_NEXT;
    }
    t->state = ST_WFE;
    t->wakeup = (unsigned)e;
    return X_HALT;
}

/* DMAGO (TRM 4.3.5), manager only: start channel cn at imm32, Secure or Non-secure. */
static int op_go(struct pl330 *s, struct pl330_thread *t, const uint8_t *i)
{
    unsigned cn = i[1] & 7;
    bool ns = (i[0] >> 1) & 1;
    if ((i[1] & 0xf8) || cn >= s->cfg.num_chnls || s->ch[cn].state != ST_STOPPED) {
        fault(s, t, FT_OPERAND_INVALID);
        return X_HALT;
    }
    if (t->ns && !ns) { fault(s, t, FT_DMAGO_ERR); return X_HALT; }
    struct pl330_thread *c = &s->ch[cn];
    c->pc = le32(i + 2);
    c->ns = ns;
    c->ftr = 0;
    c->mf_len = c->mf_head = 0;
    c->state = ST_EXECUTING;
    return X_NEXT;
}

/* Decode table (TRM Table 4-1 and the encodings of 4.3). First match wins. */
static const struct insn_desc insn_table[] = {
    /* mask  value len where                   name */
    { 0xff, 0x00, 1, ON_MGR | ON_CHN,          "DMAEND",        op_end },
    { 0xff, 0x01, 1, ON_MGR | ON_CHN | ON_DBG, "DMAKILL",       op_kill },
    { 0xff, 0x04, 1, ON_CHN,                   "DMALD",         op_ld },
    { 0xfd, 0x05, 1, ON_CHN,                   "DMALD[S|B]",    op_ld },      /* 0x05, 0x07 */
    { 0xff, 0x08, 1, ON_CHN,                   "DMAST",         op_st },
    { 0xfd, 0x09, 1, ON_CHN,                   "DMAST[S|B]",    op_st },      /* 0x09, 0x0b */
    { 0xff, 0x0c, 1, ON_CHN,                   "DMASTZ",        op_stz },
    { 0xff, 0x12, 1, ON_CHN,                   "DMARMB",        op_nop },
    { 0xff, 0x13, 1, ON_CHN,                   "DMAWMB",        op_nop },
    { 0xff, 0x18, 1, ON_MGR | ON_CHN,          "DMANOP",        op_nop },
    { 0xfd, 0x20, 2, ON_CHN,                   "DMALP",         op_lp },      /* lc0, lc1 */
    { 0xfd, 0x25, 2, ON_CHN,                   "DMALDP<S|B>",   op_periph },
    { 0xfd, 0x29, 2, ON_CHN,                   "DMASTP<S|B>",   op_periph },  /* before DMALPEND */
    { 0xeb, 0x28, 2, ON_CHN,                   "DMALPEND",      op_lpend },   /* x = 0, bs = 0 */
    { 0xe9, 0x29, 2, ON_CHN,                   "DMALPEND[S|B]", op_lpend },   /* x = 1 */
    { 0xfe, 0x30, 2, ON_CHN,                   "DMAWFP<S|P>",   op_periph },  /* 0x30, 0x31 */
    { 0xff, 0x32, 2, ON_CHN,                   "DMAWFP B",      op_periph },
    { 0xff, 0x34, 2, ON_MGR | ON_CHN | ON_DBG, "DMASEV",        op_sev },
    { 0xff, 0x35, 2, ON_CHN,                   "DMAFLUSHP",     op_periph },
    { 0xff, 0x36, 2, ON_MGR | ON_CHN,          "DMAWFE",        op_wfe },
    { 0xfd, 0x54, 3, ON_CHN,                   "DMAADDH",       op_addh },    /* SAR, DAR */
    { 0xfd, 0x5c, 3, ON_CHN,                   "DMAADNH",       op_addh },
    { 0xfd, 0xa0, 6, ON_MGR | ON_DBG,          "DMAGO",         op_go },      /* ns = bit 1 */
    { 0xff, 0xbc, 6, ON_CHN,                   "DMAMOV",        op_mov },
};

static const struct insn_desc *decode(uint8_t b0)
{
    for (size_t k = 0; k < sizeof insn_table / sizeof insn_table[0]; k++)
        if ((b0 & insn_table[k].mask) == insn_table[k].value) return &insn_table[k];
    return NULL;
}

static void exec(struct pl330 *s, struct pl330_thread *t, const struct insn_desc *d, const uint8_t *i)
{
    if (!d || !(d->where & (t->is_mgr ? ON_MGR : ON_CHN))) { fault(s, t, FT_UNDEF_INSTR); return; }
    s->st.insns++;
    s->kick_insns++;
    int r = d->exec(s, t, i);
    if (r == X_NEXT && !s->in_dbg) t->pc += d->len;
}

/* One instruction of a channel thread, fetched by DMA at CPC. */
static void step(struct pl330 *s, struct pl330_thread *t)
{
    uint8_t i[6];
    if (dma_read(&s->port, t->pc, i, 1, SMMU_ATTR_INSN) != DMA_OK) { fault(s, t, FT_INSTR_FETCH_ERR); return; }
    const struct insn_desc *d = decode(i[0]);
    if (d && d->len > 1 && dma_read(&s->port, (uint64_t)t->pc + 1, i + 1, d->len - 1u, SMMU_ATTR_INSN) != DMA_OK) {
        fault(s, t, FT_INSTR_FETCH_ERR);
        return;
    }
    exec(s, t, d, i);
}

static unsigned run_threads(struct pl330 *s, unsigned budget)
{
    unsigned done = 0;
    bool any = true;
    while (any && done < budget) {
        any = false;
        for (unsigned n = 0; n < s->cfg.num_chnls && done < budget; n++) {
            if (s->ch[n].state != ST_EXECUTING) continue;
            step(s, &s->ch[n]);
            done++;
            any = true;
        }
    }
    return done;
}

bool pl330_run(struct pl330 *s, unsigned budget)
{
    if (s->running || !pl330_busy(s)) return false;
    s->running = true;
    s->kick_insns = s->kick_bytes = 0;
    s->st.kicks++;
    unsigned n = run_threads(s, budget);
    if (s->charge && (s->kick_insns || s->kick_bytes))
        s->charge(s->charge_opaque, s->kick_insns + (s->kick_bytes >> PL330_COST_BYTES_SHIFT));
    s->running = false;
    return n != 0;
}

bool pl330_busy(const struct pl330 *s)
{
    for (unsigned n = 0; n < s->cfg.num_chnls; n++)
        if (s->ch[n].state == ST_EXECUTING) return true;
    return false;
}

/* DBGCMD = 0: execute the instruction in DBGINST0/1 on the thread DBGINST0 names (TRM 3.3.19). */
static void debug_exec(struct pl330 *s)
{
    uint8_t i[6] = { (uint8_t)(s->dbginst0 >> 16), (uint8_t)(s->dbginst0 >> 24), (uint8_t)s->dbginst1,
                     (uint8_t)(s->dbginst1 >> 8), (uint8_t)(s->dbginst1 >> 16), (uint8_t)(s->dbginst1 >> 24) };
    bool to_chn = s->dbginst0 & 1;
    unsigned cn = (s->dbginst0 >> 8) & 7;
    if (to_chn && cn >= s->cfg.num_chnls) {
        mlog_guest_error("pl330: DBGINST0 names channel %u of %u: ignored", cn, s->cfg.num_chnls);
        return;
    }
    struct pl330_thread *t = to_chn ? &s->ch[cn] : &s->mgr;
    const struct insn_desc *d = decode(i[0]);
    if (t->state == ST_FAULTING && !(d && d->exec == op_kill)) {
        mlog_guest_error("pl330: debug instruction 0x%02x to a Faulting thread: only DMAKILL is accepted", i[0]);
        return;
    }
    s->in_dbg = true;
    if (!d || !(d->where & ON_DBG)) fault(s, t, FT_UNDEF_INSTR);
    else exec(s, t, d, i);
    s->in_dbg = false;
}

/* ---- register file ---- */
static uint32_t csr_of(const struct pl330_thread *t)
{
    return t->state | (t->state == ST_WFE ? t->wakeup << 4 : 0) | (uint32_t)t->ns << 21;
}

/* Offsets that name a register (TRM Table 3-1); everything else in the 4 KiB is reserved. */
static bool reg_known(uint64_t off)
{
    if (off >= FTR0 && off < FTR0 + 4 * PL330_MAX_CHANNELS) return true;
    if (off >= CSR0 && off < CSR0 + 8 * PL330_MAX_CHANNELS) return true;
    if (off >= SAR0 && off < SAR0 + CHAN_STRIDE * PL330_MAX_CHANNELS) return (off - SAR0) % CHAN_STRIDE <= LC1_0 - SAR0;
    if (off >= PERIPH_ID0 && off < PL330_SIZE) return true;
    return off == DSR || off == DPC || (off >= INTEN && off <= FTRD) || (off >= DBGSTATUS && off <= DBGINST1) ||
           (off >= CR0 && off <= CRD) || off == WD;
}

static int pl330_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    struct pl330 *s = opaque;
    *value = 0;
    if (size != 4 || (off & 3)) {
        mlog_guest_error("pl330: %u-byte read at 0x%03llx: only aligned 32-bit accesses", size, (unsigned long long)off);
        return BUS_SLAVE_ERROR;
    }
    if (!reg_known(off)) {
        mlog_guest_error("pl330: read of reserved offset 0x%03llx", (unsigned long long)off);
        return BUS_SLAVE_ERROR;
    }
    const struct pl330_config *c = &s->cfg;
    uint32_t v = 0;
    if (off >= PERIPH_ID0) { *value = pl330_id[(off - PERIPH_ID0) >> 2]; return BUS_OK; }
    if (off >= FTR0 && off < FTR0 + 4 * PL330_MAX_CHANNELS) {
        unsigned n = (unsigned)(off - FTR0) >> 2;
        *value = n < c->num_chnls ? s->ch[n].ftr : 0;
        return BUS_OK;
    }
    if (off >= CSR0 && off < CSR0 + 8 * PL330_MAX_CHANNELS) {
        unsigned n = (unsigned)(off - CSR0) >> 3;
        if (n < c->num_chnls) *value = (off & 4) ? s->ch[n].pc : csr_of(&s->ch[n]);
        return BUS_OK;
    }
    if (off >= SAR0 && off < SAR0 + CHAN_STRIDE * PL330_MAX_CHANNELS) {
        unsigned n = (unsigned)(off - SAR0) / CHAN_STRIDE, r = (unsigned)(off - SAR0) % CHAN_STRIDE;
        if (n >= c->num_chnls) return BUS_OK;
        const struct pl330_thread *t = &s->ch[n];
        const uint32_t regs[5] = { t->sar, t->dar, t->ccr, t->lc[0], t->lc[1] };
        *value = regs[r >> 2];
        return BUS_OK;
    }
    switch (off) {
    case DSR: v = csr_of(&s->mgr) & 0x1ff; v |= (uint32_t)s->mgr.ns << 9; break;
    case DPC: v = s->mgr.pc; break;
    case INTEN: v = s->inten; break;
    case INT_EVENT_RIS: v = (s->irq_status & s->inten) | s->ev_pending; break;
    case INTMIS: v = s->irq_status & s->inten; break;
    case FSRD: v = s->mgr.state == ST_FAULTING; break;
    case FSRC:
        for (unsigned n = 0; n < c->num_chnls; n++) v |= (uint32_t)(s->ch[n].state == ST_FAULTING) << n;
        break;
    case FTRD: v = s->mgr.ftr; break;
    case DBGSTATUS: v = s->running; break;
    case INTCLR: case DBGCMD: case DBGINST0: case DBGINST1:
        mlog_guest_error("pl330: read of write-only register 0x%03llx", (unsigned long long)off);
        break;
    case CR0:
        v = (c->mgr_ns ? 4u : 0u) | (c->num_chnls - 1) << 4 | (c->num_events - 1) << 17;
        break;
    case CR1: v = 5u | 15u << 4; break;               /* 32-byte lines, 16 lines */
    case CR2: v = 0; break;                            /* boot_addr */
    case CR3: v = c->cr3_ins; break;
    case CR4: v = 0; break;
    case CRD:
        v = DATA_WIDTH_LOG2 | 7u << 4 | 15u << 8 | 7u << 12 | 15u << 16 | (c->data_buf_dep - 1) << 20;
        break;
    case WD: v = s->wd; break;
    default: break;
    }
    *value = v;
    return BUS_OK;
}

static int pl330_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct pl330 *s = opaque;
    if (size != 4 || (off & 3)) {
        mlog_guest_error("pl330: %u-byte write at 0x%03llx: only aligned 32-bit accesses", size, (unsigned long long)off);
        return BUS_SLAVE_ERROR;
    }
    uint32_t v = (uint32_t)value;
    switch (off) {
    case INTEN: s->inten = v; update_irqs(s); return BUS_OK;
    case INTCLR: s->irq_status &= ~(v & s->inten); update_irqs(s); return BUS_OK;
    case DBGINST0: s->dbginst0 = v; return BUS_OK;
    case DBGINST1: s->dbginst1 = v; return BUS_OK;
    case WD: s->wd = v & 1; return BUS_OK;
    case DBGCMD:
        if (v & 3) { mlog_guest_error("pl330: DBGCMD = %u is reserved: ignored", v & 3); return BUS_OK; }
        if (s->running) { mlog_guest_error("pl330: DBGCMD written while DBGSTATUS is busy: ignored"); return BUS_OK; }
        debug_exec(s);
        pl330_run(s, PL330_BUDGET);
        return BUS_OK;
    default:
        break;
    }
    if (reg_known(off)) {
        mlog_guest_error("pl330: write 0x%x to read-only register 0x%03llx: ignored", v, (unsigned long long)off);
        return BUS_OK;
    }
    mlog_guest_error("pl330: write to reserved offset 0x%03llx", (unsigned long long)off);
    return BUS_SLAVE_ERROR;
}

const struct mmio_ops pl330_mmio_ops = { "pl330", pl330_read, pl330_write };

/* ---- life cycle ---- */
static void thread_reset(struct pl330_thread *t)
{
    t->state = ST_STOPPED;
    t->wakeup = 0;
    t->pc = t->ftr = 0;
    t->sar = t->dar = 0;
    t->ccr = CCR_RESET;
    t->lc[0] = t->lc[1] = 0;
    t->mf_head = t->mf_len = 0;
}

void pl330_reset(struct pl330 *s)
{
    thread_reset(&s->mgr);
    s->mgr.ns = s->cfg.mgr_ns;
    for (unsigned n = 0; n < PL330_MAX_CHANNELS; n++) { thread_reset(&s->ch[n]); s->ch[n].ns = false; }
    s->inten = s->irq_status = s->ev_pending = s->dbginst0 = s->dbginst1 = s->wd = 0;
    s->running = s->in_dbg = s->swap_logged = false;
    update_irqs(s);
}

struct pl330 *pl330_new(const struct pl330_config *cfg, struct bus *bus, struct smmu *smmu, uint32_t sid,
                        const struct irq_line *irqs)
{
    struct pl330_config def;
    if (!cfg) { pl330_default_config(&def); cfg = &def; }
    if (cfg->num_chnls < 1 || cfg->num_chnls > PL330_MAX_CHANNELS || cfg->num_events < 1 ||
        cfg->num_events > PL330_MAX_EVENTS || cfg->data_buf_dep < 1 || cfg->data_buf_dep > 1024)
        return NULL;
    struct pl330 *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->cfg = *cfg;
    s->mfifo_cap = cfg->data_buf_dep << DATA_WIDTH_LOG2;
    dma_port_init(&s->port, bus, smmu, sid);
    if (irqs) memcpy(s->irq, irqs, sizeof s->irq);
    s->mgr.is_mgr = true;
    for (unsigned n = 0; n < PL330_MAX_CHANNELS; n++) {
        s->ch[n].id = n;
        if (!(s->ch[n].mfifo = malloc(s->mfifo_cap))) { pl330_free(s); return NULL; }
    }
    pl330_reset(s);
    return s;
}

void pl330_free(struct pl330 *s)
{
    if (!s) return;
    for (unsigned n = 0; n < PL330_MAX_CHANNELS; n++) free(s->ch[n].mfifo);
    free(s);
}

struct dma_port *pl330_dma_port(struct pl330 *s) { return &s->port; }

void pl330_set_trace(struct pl330 *s, struct tracer *tr, uint32_t name_id)
{
    s->tr = tr;
    s->tr_name = name_id;
}

void pl330_set_charge(struct pl330 *s, void (*charge)(void *opaque, uint64_t cycles), void *opaque)
{
    s->charge = charge;
    s->charge_opaque = opaque;
}

void pl330_get_stats(const struct pl330 *s, struct pl330_stats *st) { *st = s->st; }
