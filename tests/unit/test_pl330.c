/* tests/unit/test_pl330.c — the DMA-330 model (machine/pl330.c) driven as a driver would: its
 * registers through the bus, microcode assembled here into RAM and started with DMAGO through
 * DBGINST0/1/DBGCMD. Register reset values and identity, every instruction decoded and
 * executed (loop counters, DMALPFE, DMAADDH/DMAADNH, burst size/length from CCR), mem→mem and
 * mem→device (fixed destination) copies, events and interrupts, every fault type with its FTR
 * bits, FSRC/FSRD, irq_abort and DMAKILL recovery, an SMMU fault on a store (nothing written),
 * one DMA trace record per transfer, the cost hook, and a random-program fuzz loop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "tests/unit/test_smmu_common.h"
#include "machine/pl330.h"
#include "machine/trace.h"

#define DBASE   VIRT_DMA
#define SID     0x20u
#define PROG    0x400000u          /* microcode */
#define SRC     0x500000u
#define DST     0x600000u
#define NOWHERE 0x80000000u        /* nothing on the bus */
#define DEV     0x09000000u        /* a fake device register window (FIFO at offset 0, registers to 0xf) */

/* Registers (DDI 0424D Table 3-1) */
enum {
    DSR = 0x000, DPC = 0x004, INTEN = 0x020, INT_EVENT_RIS = 0x024, INTMIS = 0x028, INTCLR = 0x02c,
    FSRD = 0x030, FSRC = 0x034, FTRD = 0x038, DBGSTATUS = 0xd00, DBGCMD = 0xd04, DBGINST0 = 0xd08,
    DBGINST1 = 0xd0c, CR0 = 0xe00, CR1 = 0xe04, CR2 = 0xe08, CR3 = 0xe0c, CR4 = 0xe10, CRD = 0xe14, WD = 0xe80,
};
#define FTR(n) (0x040 + 4 * (n))
#define CSR(n) (0x100 + 8 * (n))
#define CPC(n) (0x104 + 8 * (n))
#define SAR(n) (0x400 + 0x20 * (n))
#define DAR(n) (0x404 + 0x20 * (n))
#define CCR(n) (0x408 + 0x20 * (n))
#define LC0(n) (0x40c + 0x20 * (n))
#define LC1(n) (0x410 + 0x20 * (n))
/* Fault type bits */
#define UNDEF   (1u << 0)
#define OPERAND (1u << 1)
#define DMAGO_ERR (1u << 4)
#define EVNT    (1u << 5)
#define RDWR    (1u << 7)
#define MFIFO   (1u << 12)
#define STDATA  (1u << 13)
#define IFETCH  (1u << 16)
#define DWRITE  (1u << 17)
#define DREAD   (1u << 18)
#define DBG     (1u << 30)

static struct pl330 *d;
static bool lines[PL330_NUM_IRQS];
static unsigned line_edges[PL330_NUM_IRQS];
static uint64_t charged;
/* fake device: records each write (offset, size, value); a FIFO at 0 and three more
 * registers to 0xf, any access size; beyond them a slave error */
static struct { uint64_t off; unsigned size; uint64_t v; } devlog[4096];
static unsigned ndev;
static uint8_t dev_rd_next;

static int dev_read(void *o, uint64_t off, unsigned size, uint64_t *v) { *v = dev_rd_next++; return BUS_OK; }
static int dev_write(void *o, uint64_t off, unsigned size, uint64_t v)
{
    if (ndev < 4096) devlog[ndev++] = (typeof(devlog[0])){ off, size, v };
    return off < 0x10 ? BUS_OK : BUS_SLAVE_ERROR;
}
static const struct mmio_ops dev_ops = { "fifo", dev_read, dev_write };

static void line_set(void *opaque, unsigned intid, bool level)
{
    assert_true(intid < PL330_NUM_IRQS);
    if (level && !lines[intid]) line_edges[intid]++;
    lines[intid] = level;
}
static void charge(void *opaque, uint64_t cycles) { charged += cycles; }

static void env_cfg(const struct pl330_config *cfg, bool with_smmu)
{
    smmu_env();
    bus_map_mmio(tb, "fifo", mk_pa(DEV), 0x1000, &dev_ops, NULL);
    struct irq_line irqs[PL330_NUM_IRQS];
    for (unsigned i = 0; i < PL330_NUM_IRQS; i++) irqs[i] = (struct irq_line){ line_set, NULL, i };
    d = pl330_new(cfg, tb, with_smmu ? ts : NULL, SID, irqs);
    assert_non_null(d);
    assert_int_equal(bus_map_mmio(tb, "pl330", mk_pa(DBASE), PL330_SIZE, &pl330_mmio_ops, d), 0);
    pl330_set_charge(d, charge, NULL);
    memset(lines, 0, sizeof lines);
    memset(line_edges, 0, sizeof line_edges);
    charged = 0;
    ndev = 0;
    dev_rd_next = 0;
}
static int setup(void **st) { env_cfg(NULL, true); return 0; }
static int teardown(void **st) { pl330_free(d); d = NULL; smmu_env_free(); return 0; }

static uint32_t R(uint64_t off) { return rd32(DBASE + off); }
static void W(uint64_t off, uint32_t v) { wr32(DBASE + off, v); }

/* ---- a tiny DMA-330 assembler ---- */
static uint64_t P;
static void b1(uint8_t x) { fm[P++] = x; }
static void b32(uint32_t v) { for (int i = 0; i < 4; i++) b1((uint8_t)(v >> (8 * i))); }
static void at(uint64_t pa) { P = pa; }
static void END(void) { b1(0x00); }
static void KILL(void) { b1(0x01); }
static void NOP(void) { b1(0x18); }
static void RMB(void) { b1(0x12); }
static void WMB(void) { b1(0x13); }
static void LD(void) { b1(0x04); }
static void LDS(void) { b1(0x05); }
static void LDB(void) { b1(0x07); }
static void ST(void) { b1(0x08); }
static void STS(void) { b1(0x09); }
static void STB(void) { b1(0x0b); }
static void STZ(void) { b1(0x0c); }
enum { RSAR = 0, RCCR = 1, RDAR = 2 };
static void MOV(unsigned rd, uint32_t v) { b1(0xbc); b1((uint8_t)rd); b32(v); }
static void ADDH(bool dar, uint16_t v) { b1(0x54 | (dar ? 2 : 0)); b1((uint8_t)v); b1((uint8_t)(v >> 8)); }
static void ADNH(bool dar, uint16_t v) { b1(0x5c | (dar ? 2 : 0)); b1((uint8_t)v); b1((uint8_t)(v >> 8)); }
static uint64_t LP(unsigned lc, unsigned iter) { b1(0x20 | (uint8_t)(lc << 1)); b1((uint8_t)(iter - 1)); return P; }
static void LPEND(unsigned lc, uint64_t start) { uint64_t here = P; b1(0x38 | (uint8_t)(lc << 2)); b1((uint8_t)(here - start)); }
static void LPFE_END(uint64_t start) { uint64_t here = P; b1(0x28); b1((uint8_t)(here - start)); }
static void SEV(unsigned e) { b1(0x34); b1((uint8_t)(e << 3)); }
static void WFE(unsigned e) { b1(0x36); b1((uint8_t)(e << 3)); }
/* CCR: sizes as log2 bytes, lengths in beats; prot 0b010 (Non-secure data) both sides */
static uint32_t ccr(bool sinc, unsigned ssz, unsigned slen, bool dinc, unsigned dsz, unsigned dlen)
{
    return (uint32_t)sinc | ssz << 1 | (slen - 1) << 4 | 2u << 8 | (uint32_t)dinc << 14 | dsz << 15 |
           (dlen - 1) << 18 | 2u << 22;
}

/* ---- debug interface ---- */
static void dbg(bool chan, unsigned ch, uint8_t b0, uint8_t b1_, uint32_t rest)
{
    W(DBGINST0, (uint32_t)b1_ << 24 | (uint32_t)b0 << 16 | ch << 8 | (chan ? 1u : 0u));
    W(DBGINST1, rest);
    W(DBGCMD, 0);
}
static void go_ns(unsigned ch, uint32_t pc, bool ns) { dbg(false, 0, (uint8_t)(0xa0 | (ns ? 2 : 0)), (uint8_t)ch, pc); }
static void go(unsigned ch, uint32_t pc) { go_ns(ch, pc, false); }
static void kill_ch(unsigned ch) { dbg(true, ch, 0x01, 0, 0); }
static void kill_mgr(void) { dbg(false, 0, 0x01, 0, 0); }
static unsigned state(unsigned ch) { return R(CSR(ch)) & 0xf; }

static void fill(uint64_t pa, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) fm[pa + i] = (uint8_t)(i * 7 + seed + (i >> 8));
}

/* Assert channel ch faulted with exactly `bits`, abort up; DMAKILL recovers. */
static void expect_fault(unsigned ch, uint32_t bits, uint64_t cpc)
{
    assert_int_equal(state(ch), 0xf);
    assert_int_equal(R(FTR(ch)), bits);
    assert_int_equal(R(FSRC), 1u << ch);
    assert_true(lines[PL330_IRQ_ABORT]);
    if (cpc != ~0ull) assert_int_equal(R(CPC(ch)), (uint32_t)cpc);
    kill_ch(ch);
    assert_int_equal(state(ch), 0);
    assert_int_equal(R(FTR(ch)), 0);
    assert_int_equal(R(FSRC), 0);
    assert_false(lines[PL330_IRQ_ABORT]);
}

/* ================================================================================== */

static void test_reset_and_ids(void **st)
{
    assert_int_equal(R(DSR), 0);                       /* Stopped, DNS = 0 */
    assert_int_equal(R(DPC), 0);
    assert_int_equal(R(INTEN), 0);
    assert_int_equal(R(INT_EVENT_RIS), 0);
    assert_int_equal(R(FSRD), 0);
    assert_int_equal(R(FSRC), 0);
    assert_int_equal(R(FTRD), 0);
    assert_int_equal(R(DBGSTATUS), 0);
    for (unsigned n = 0; n < 8; n++) {
        assert_int_equal(R(CSR(n)), 0);
        assert_int_equal(R(FTR(n)), 0);
        assert_int_equal(R(CCR(n)), 0x00800200);
        assert_int_equal(R(SAR(n)), 0);
        assert_int_equal(R(LC1(n)), 0);
    }
    assert_int_equal(R(CR0), 0x000e0070);             /* 8 channels, 8 events, no periph, boot off */
    assert_int_equal(R(CR1), 0xf5);
    assert_int_equal(R(CR2), 0);
    assert_int_equal(R(CR3), 0);
    assert_int_equal(R(CR4), 0);
    assert_int_equal(R(CRD), 3u | 7u << 4 | 15u << 8 | 7u << 12 | 15u << 16 | 127u << 20);
    static const uint8_t id[8] = { 0x30, 0x13, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
    uint32_t periph = 0;
    for (unsigned i = 0; i < 8; i++) {
        assert_int_equal(R(0xfe0 + 4 * i), id[i]);
        if (i < 4) periph |= (uint32_t)id[i] << (8 * i);
    }
    assert_int_equal(periph & 0x000fffff, 0x00041330);   /* what Linux's AMBA id table matches */
    /* WD is read/write (bit 0 only); INTEN too */
    W(WD, 0xffffffff);
    assert_int_equal(R(WD), 1);
    /* bad accesses: slave error, never a crash */
    uint64_t v;
    assert_int_equal(bus_read(tb, mk_pa(DBASE + DSR), 1, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_read(tb, mk_pa(DBASE + 0x002), 4, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_read(tb, mk_pa(DBASE + 0x200), 4, &v), BUS_SLAVE_ERROR);   /* reserved */
    assert_int_equal(bus_read(tb, mk_pa(DBASE + 0x414), 4, &v), BUS_SLAVE_ERROR);   /* reserved in a channel block */
    assert_int_equal(bus_write(tb, mk_pa(DBASE + 0x300), 4, 1), BUS_SLAVE_ERROR);
    assert_int_equal(bus_write(tb, mk_pa(DBASE + DBGCMD), 2, 0), BUS_SLAVE_ERROR);
    W(SAR(0), 0x1234);                                 /* read-only: ignored */
    assert_int_equal(R(SAR(0)), 0);
    W(CR0, 0);
    assert_int_equal(R(CR0), 0x000e0070);
    assert_int_equal(R(DBGCMD), 0);                    /* write-only: reads as zero */
}

/* A mem→mem copy of 4 KiB: 32 × (DMALD; DMAST) of 16 beats × 8 bytes, then DMASEV 0. */
static void test_copy_mem_to_mem(void **st)
{
    fill(SRC, 0x1000, 1);
    memset(fm + DST, 0xee, 0x1100);
    at(PROG);
    MOV(RSAR, SRC); MOV(RDAR, DST); MOV(RCCR, ccr(true, 3, 16, true, 3, 16));
    uint64_t l = LP(0, 32); LD(); ST(); LPEND(0, l);
    SEV(0); END();
    W(INTEN, 1);
    go(0, PROG);
    assert_int_equal(state(0), 0);
    assert_memory_equal(fm + DST, fm + SRC, 0x1000);
    assert_int_equal(fm[DST + 0x1000], 0xee);          /* not one byte more */
    assert_int_equal(R(SAR(0)), SRC + 0x1000);
    assert_int_equal(R(DAR(0)), DST + 0x1000);
    assert_int_equal(R(CCR(0)), ccr(true, 3, 16, true, 3, 16));
    assert_int_equal(R(LC0(0)), 0);
    assert_true(lines[PL330_IRQ_EVENT(0)]);
    assert_int_equal(R(INTMIS), 1);
    assert_int_equal(R(INT_EVENT_RIS), 1);
    W(INTCLR, 1);
    assert_false(lines[PL330_IRQ_EVENT(0)]);
    assert_int_equal(R(INTMIS), 0);
    struct pl330_stats s;
    pl330_get_stats(d, &s);
    assert_int_equal(s.bytes_read, 0x1000);
    assert_int_equal(s.bytes_written, 0x1000);
    /* instructions: the debug DMAGO + 3 MOV + LP + 32 × 3 + SEV + END */
    assert_int_equal(s.insns, 1 + 3 + 1 + 96 + 2);
    assert_int_equal(charged, (3 + 1 + 96 + 2) + 2 * 0x1000 / 8);
    assert_int_equal(s.faults, 0);
}

/* Burst size and length come from CCR; the MFIFO lets source and destination shapes differ. */
static void test_burst_shapes(void **st)
{
    fill(SRC, 64, 3);
    memset(fm + DST, 0, 64);
    at(PROG);
    MOV(RSAR, SRC + 1); MOV(RDAR, DST + 3);            /* unaligned incrementing bursts are fine */
    MOV(RCCR, ccr(true, 1, 3, true, 2, 3));            /* load 3 × 2 bytes, store 3 × 4 bytes */
    LD(); LDS(); ST(); END();
    go(0, PROG);
    assert_int_equal(state(0), 0);
    assert_memory_equal(fm + DST + 3, fm + SRC + 1, 12);
    assert_int_equal(fm[DST + 2], 0);
    assert_int_equal(fm[DST + 15], 0);
    assert_int_equal(R(SAR(0)), SRC + 1 + 12);
    assert_int_equal(R(DAR(0)), DST + 3 + 12);
    /* DMALDB / DMASTB execute too (request_type never set), DMASTZ writes zeros */
    memset(fm + DST, 0xaa, 32);
    at(PROG);
    MOV(RSAR, SRC); MOV(RDAR, DST); MOV(RCCR, ccr(true, 0, 4, true, 0, 4));
    LDB(); STB(); STS(); STZ(); RMB(); WMB(); NOP(); END();
    fill(SRC, 8, 9);
    go(1, PROG);
    /* DMASTS after DMASTB has no data: st_data_unavailable at that instruction */
    expect_fault(1, STDATA, PROG + 18 + 2);
    assert_memory_equal(fm + DST, fm + SRC, 4);
    at(PROG);
    MOV(RSAR, SRC); MOV(RDAR, DST); MOV(RCCR, ccr(true, 0, 4, true, 0, 4));
    LDB(); STB(); STZ(); RMB(); WMB(); NOP(); END();
    go(1, PROG);
    assert_int_equal(state(1), 0);
    assert_memory_equal(fm + DST, fm + SRC, 4);
    static const uint8_t z[4] = { 0 };
    assert_memory_equal(fm + DST + 4, z, 4);
    assert_int_equal(fm[DST + 8], 0xaa);
}

/* Loops: nested DMALP counters, DMALPEND ending at LC = 0, DMAADDH/DMAADNH. */
static void test_loops_and_add(void **st)
{
    at(PROG);
    MOV(RSAR, 0x1000); MOV(RDAR, 0);
    uint64_t l0 = LP(0, 3);
    uint64_t l1 = LP(1, 5); ADDH(true, 1); LPEND(1, l1);
    ADDH(false, 0x100); LPEND(0, l0);
    ADNH(false, 0xfff0);                                /* SAR - 16 */
    ADNH(true, 0xffff);                                 /* DAR - 1 */
    END();
    go(2, PROG);
    assert_int_equal(state(2), 0);
    assert_int_equal(R(DAR(2)), 15 - 1);
    assert_int_equal(R(SAR(2)), 0x1000 + 0x300 - 16);
    assert_int_equal(R(LC0(2)), 0);
    assert_int_equal(R(LC1(2)), 0);
    /* a 256-iteration loop (operand 0xff) */
    at(PROG);
    MOV(RDAR, 0);
    uint64_t l = LP(0, 256); ADDH(true, 2); LPEND(0, l);
    END();
    go(2, PROG);
    assert_int_equal(R(DAR(2)), 512);
    /* DMAKILL in a channel's own program stops it, without a fault */
    at(PROG);
    MOV(RDAR, 5); KILL(); MOV(RDAR, 6); END();
    go(2, PROG);
    assert_int_equal(state(2), 0);
    assert_int_equal(R(DAR(2)), 5);
    assert_int_equal(R(FTR(2)), 0);
    /* wrap-around of the 32-bit address registers */
    at(PROG);
    MOV(RDAR, 0xfffffff0); ADDH(true, 0x20); END();
    go(2, PROG);
    assert_int_equal(R(DAR(2)), 0x10);
}

/* DMALPFE: a forever loop runs for the budget, stays Executing, continues per kick, and
 * DMAKILL stops it. */
static void test_forever_loop_budget(void **st)
{
    at(PROG);
    MOV(RDAR, 0);
    uint64_t l = P; ADDH(true, 1); LPFE_END(l);
    go(3, PROG);
    assert_int_equal(state(3), 1);                     /* still Executing */
    assert_true(pl330_busy(d));
    uint32_t after1 = R(DAR(3));
    /* the MOV, then (ADDH, LPEND) pairs: 4095 instructions = 2047 pairs and one ADDH */
    assert_int_equal(after1, PL330_BUDGET / 2);
    assert_true(pl330_run(d, 100));
    assert_int_equal(R(DAR(3)), after1 + 50);
    kill_ch(3);
    assert_int_equal(state(3), 0);
    assert_false(pl330_busy(d));
    assert_false(pl330_run(d, 100));                   /* nothing to do */
    assert_int_equal(R(DAR(3)), after1 + 50);
    /* two channels share the budget round robin */
    go(3, PROG);
    go(4, PROG);
    uint32_t a = R(DAR(3)), b = R(DAR(4));
    assert_true(pl330_run(d, 200));
    assert_int_equal(R(DAR(3)) - a, 50);
    assert_int_equal(R(DAR(4)) - b, 50);
    kill_ch(3);
    kill_ch(4);
}

/* Memory → device: a fixed destination address, 1-byte beats into a FIFO register; and a
 * fixed source (device → memory). */
static void test_mem_to_device(void **st)
{
    static const char msg[] = "hello, fifo! 0123456789abcdef";   /* 29 bytes */
    memcpy(fm + SRC, msg, sizeof msg - 1);
    at(PROG);
    MOV(RSAR, SRC); MOV(RDAR, DEV);
    MOV(RCCR, ccr(true, 0, 16, false, 0, 16));
    LD(); ST();
    MOV(RCCR, ccr(true, 0, 13, false, 0, 13));
    LD(); ST();
    END();
    go(0, PROG);
    assert_int_equal(state(0), 0);
    assert_int_equal(ndev, sizeof msg - 1);
    for (unsigned i = 0; i < ndev; i++) {
        assert_int_equal(devlog[i].off, 0);
        assert_int_equal(devlog[i].size, 1);
        assert_int_equal(devlog[i].v, (uint8_t)msg[i]);
    }
    assert_int_equal(R(DAR(0)), DEV);                  /* fixed: never incremented */
    /* fixed source: 8 reads of the device register, beats land in consecutive bytes */
    dev_rd_next = 0x40;
    at(PROG);
    MOV(RSAR, DEV); MOV(RDAR, DST); MOV(RCCR, ccr(false, 0, 8, true, 3, 1));
    LD(); ST(); END();
    go(0, PROG);
    for (unsigned i = 0; i < 8; i++) assert_int_equal(fm[DST + i], 0x40 + i);
    assert_int_equal(R(SAR(0)), DEV);
    /* the burst's beats: 4-byte beats to the fixed register are exactly 5 32-bit writes at
     * offset 0 with the words in order (AXI FIXED burst, AxSIZE = 4 bytes) */
    for (unsigned i = 0; i < 64; i++) fm[SRC + i] = (uint8_t)(0x11 * i + 3);
    ndev = 0;
    at(PROG);
    MOV(RSAR, SRC); MOV(RDAR, DEV); MOV(RCCR, ccr(true, 2, 5, false, 2, 5));
    LD(); ST(); END();
    go(0, PROG);
    assert_int_equal(state(0), 0);
    assert_int_equal(ndev, 5);
    for (unsigned i = 0; i < 5; i++) {
        uint32_t w;
        memcpy(&w, fm + SRC + 4 * i, 4);
        assert_int_equal(devlog[i].off, 0);
        assert_int_equal(devlog[i].size, 4);
        assert_int_equal(devlog[i].v, w);
    }
    /* 8-byte beats: 2 64-bit writes at offset 0 */
    ndev = 0;
    at(PROG);
    MOV(RSAR, SRC); MOV(RDAR, DEV); MOV(RCCR, ccr(true, 3, 2, false, 3, 2));
    LD(); ST(); END();
    go(0, PROG);
    assert_int_equal(state(0), 0);
    assert_int_equal(ndev, 2);
    for (unsigned i = 0; i < 2; i++) {
        uint64_t q;
        memcpy(&q, fm + SRC + 8 * i, 8);
        assert_int_equal(devlog[i].off, 0);
        assert_int_equal(devlog[i].size, 8);
        assert_int_equal(devlog[i].v, q);
    }
    /* incrementing 4-byte beats: one 32-bit write per register, 0x0 .. 0xc */
    ndev = 0;
    at(PROG);
    MOV(RSAR, SRC); MOV(RDAR, DEV); MOV(RCCR, ccr(true, 2, 4, true, 2, 4));
    LD(); ST(); END();
    go(0, PROG);
    assert_int_equal(state(0), 0);
    assert_int_equal(ndev, 4);
    for (unsigned i = 0; i < 4; i++) {
        uint32_t w;
        memcpy(&w, fm + SRC + 4 * i, 4);
        assert_int_equal(devlog[i].off, 4 * i);
        assert_int_equal(devlog[i].size, 4);
        assert_int_equal(devlog[i].v, w);
    }
    assert_int_equal(R(DAR(0)), DEV + 16);
    /* a fixed source of 4-byte beats: 2 32-bit reads of the register */
    dev_rd_next = 0x70;
    memset(fm + DST, 0xee, 16);
    at(PROG);
    MOV(RSAR, DEV); MOV(RDAR, DST); MOV(RCCR, ccr(false, 2, 2, true, 3, 1));
    LD(); ST(); END();
    go(0, PROG);
    assert_int_equal(state(0), 0);
    static const uint8_t two_words[8] = { 0x70, 0, 0, 0, 0x71, 0, 0, 0 };
    assert_memory_equal(fm + DST, two_words, 8);
    assert_int_equal(dev_rd_next, 0x72);
    /* a burst running into the slave error at 0x10: the writes up to it, then data_write_err
     * (its DMAST is at PROG + 18) */
    ndev = 0;
    at(PROG);
    MOV(RSAR, SRC); MOV(RDAR, DEV + 8); MOV(RCCR, ccr(true, 2, 4, true, 2, 4));
    LD(); ST(); END();
    go(0, PROG);
    assert_int_equal(ndev, 3);
    assert_int_equal(devlog[2].off, 0x10);
    expect_fault(0, DWRITE, PROG + 18 + 1);
}

/* DMASEV: with INTEN set → irq[n]; without → event for DMAWFE (pending if nobody waits). */
static void test_events(void **st)
{
    /* interrupt */
    at(PROG); SEV(3); END();
    W(INTEN, 1u << 3);
    go(0, PROG);
    assert_true(lines[PL330_IRQ_EVENT(3)]);
    assert_int_equal(R(INTMIS), 8);
    assert_int_equal(R(INT_EVENT_RIS), 8);
    W(INTCLR, 0xff);
    assert_false(lines[PL330_IRQ_EVENT(3)]);
    assert_int_equal(R(INT_EVENT_RIS), 0);
    /* a waiter: channel 1 waits for event 2, channel 0 signals it */
    W(INTEN, 0);
    fill(SRC, 8, 5);
    memset(fm + DST, 0, 8);
    at(PROG + 0x100); WFE(2); MOV(RSAR, SRC); MOV(RDAR, DST); MOV(RCCR, ccr(true, 3, 1, true, 3, 1)); LD(); ST(); END();
    go(1, PROG + 0x100);
    assert_int_equal(R(CSR(1)), 4u | 2u << 4);        /* waiting for event 2 */
    assert_int_equal(R(CPC(1)), PROG + 0x100);
    assert_false(pl330_busy(d));
    at(PROG); SEV(2); END();
    go(0, PROG);
    assert_int_equal(state(1), 0);
    assert_memory_equal(fm + DST, fm + SRC, 8);
    assert_int_equal(R(INT_EVENT_RIS), 0);             /* consumed by the waiter */
    for (unsigned i = 0; i < PL330_NUM_IRQS; i++) assert_false(lines[i]);
    /* nobody waits: the event stays pending (RIS) and the next DMAWFE passes at once */
    at(PROG); SEV(5); END();
    go(0, PROG);
    assert_int_equal(R(INT_EVENT_RIS), 1u << 5);
    assert_int_equal(R(INTMIS), 0);
    at(PROG + 0x100); WFE(5); END();
    go(1, PROG + 0x100);
    assert_int_equal(state(1), 0);
    assert_int_equal(R(INT_EVENT_RIS), 0);
    /* DMASEV through the debug interface (manager thread) wakes a waiter too */
    at(PROG + 0x100); WFE(7); MOV(RDAR, 0x77); END();
    go(1, PROG + 0x100);
    assert_int_equal(state(1), 4);
    dbg(false, 0, 0x34, 7 << 3, 0);
    assert_int_equal(state(1), 0);
    assert_int_equal(R(DAR(1)), 0x77);
    assert_int_equal(R(DSR), 0);
}

/* Every channel fault type: FTR bits, FSRC, CPC at the instruction, irq_abort, DMAKILL. */
static void test_channel_faults(void **st)
{
    /* undefined instruction */
    at(PROG); NOP(); b1(0xff);
    go(0, PROG);
    expect_fault(0, UNDEF, PROG + 1);
    at(PROG); b1(0x06);                                 /* DMALD with bs = 1, x = 0 */
    go(0, PROG);
    expect_fault(0, UNDEF, PROG);
    at(PROG); b1(0xa0); b1(1); b32(PROG);               /* DMAGO is manager-only */
    go(0, PROG);
    expect_fault(0, UNDEF, PROG);
    /* invalid operands */
    at(PROG); b1(0xbc); b1(3); b32(0);                  /* DMAMOV to register 3 */
    go(1, PROG);
    expect_fault(1, OPERAND, PROG);
    at(PROG); SEV(8);                                   /* event 8 of 8 */
    go(1, PROG);
    expect_fault(1, OPERAND, PROG);
    at(PROG); b1(0x34); b1(0x01);                       /* reserved operand bits */
    go(1, PROG);
    expect_fault(1, OPERAND, PROG);
    static const uint8_t periph[] = { 0x30, 0x31, 0x32, 0x25, 0x27, 0x29, 0x2b, 0x35 };  /* WFP LDP STP FLUSHP */
    for (unsigned k = 0; k < sizeof periph; k++) {
        at(PROG); b1(periph[k]); b1(0);
        go(1, PROG);
        expect_fault(1, OPERAND, PROG);
    }
    at(PROG); MOV(RCCR, 4u << 1); LD();                 /* 16-byte beats on a 64-bit bus */
    go(1, PROG);
    expect_fault(1, OPERAND, PROG + 6);
    /* instruction fetch error: the program is nowhere, or its operands run off the bus */
    go(2, NOWHERE);
    expect_fault(2, IFETCH, NOWHERE);
    uint64_t edge = FM_SIZE - 3;
    at(edge); b1(0xbc); b1(0); b1(0);
    go(2, (uint32_t)edge);
    expect_fault(2, IFETCH, edge);
    /* data read / write errors: SAR, DAR, MFIFO untouched */
    at(PROG); MOV(RSAR, NOWHERE); MOV(RCCR, ccr(true, 3, 4, true, 3, 4)); LD();
    go(3, PROG);
    assert_int_equal(R(SAR(3)), NOWHERE);
    expect_fault(3, DREAD, PROG + 12);
    at(PROG); MOV(RSAR, SRC); MOV(RDAR, NOWHERE); MOV(RCCR, ccr(true, 3, 4, true, 3, 4)); LD(); ST();
    go(3, PROG);
    assert_int_equal(R(DAR(3)), NOWHERE);
    assert_int_equal(R(SAR(3)), SRC + 32);
    expect_fault(3, DWRITE, PROG + 19);
    /* MFIFO: 1 KiB; the 9th 128-byte load does not fit */
    at(PROG); MOV(RSAR, SRC); MOV(RCCR, ccr(true, 3, 16, true, 3, 16));
    uint64_t l = LP(0, 9); LD(); LPEND(0, l); END();
    go(4, PROG);
    expect_fault(4, MFIFO, l);
    assert_int_equal(R(SAR(4)), SRC + 8 * 128);
    /* a store with an empty MFIFO */
    at(PROG); MOV(RDAR, DST); ST();
    go(4, PROG);
    expect_fault(4, STDATA, PROG + 6);
    /* Non-secure channel (DMAGO ns): Secure events (CR3 = 0) and Secure accesses fault */
    at(PROG); SEV(0);
    go_ns(5, PROG, true);
    assert_int_equal(R(CSR(5)) >> 21 & 1, 1);          /* CNS */
    expect_fault(5, EVNT, PROG);
    at(PROG); MOV(RCCR, 0); LD();                       /* src_prot_ctrl[1] = 0: Secure */
    go_ns(5, PROG, true);
    expect_fault(5, RDWR, PROG + 6);
    at(PROG); MOV(RCCR, 0x200); STZ();                  /* dst_prot Secure */
    go_ns(5, PROG, true);
    expect_fault(5, RDWR, PROG + 6);
    /* a Secure channel may do Secure accesses */
    at(PROG); MOV(RSAR, SRC); MOV(RCCR, 0); LD(); END();
    go(5, PROG);
    assert_int_equal(state(5), 0);
    /* a faulting thread takes only DMAKILL from the debug interface */
    at(PROG); b1(0xff);
    go(6, PROG);
    dbg(true, 6, 0x34, 0, 0);                          /* DMASEV: ignored */
    assert_int_equal(R(FTR(6)), UNDEF);
    go(6, PROG);                                        /* DMAGO to a non-Stopped channel: manager fault */
    assert_int_equal(R(FSRD), 1);
    assert_int_equal(R(FTRD), OPERAND | DBG);
    assert_int_equal(R(DSR) & 0xf, 0xf);
    kill_mgr();
    assert_int_equal(R(FSRD), 0);
    assert_int_equal(R(FTRD), 0);
    assert_true(lines[PL330_IRQ_ABORT]);               /* channel 6 still faulting */
    expect_fault(6, UNDEF, PROG);
    /* two faulting channels: FSRC has both, irq_abort stays up until both are killed */
    at(PROG); b1(0xff);
    go(1, PROG);
    go(2, PROG);
    assert_int_equal(R(FSRC), 6);
    kill_ch(1);
    assert_true(lines[PL330_IRQ_ABORT]);
    kill_ch(2);
    assert_false(lines[PL330_IRQ_ABORT]);
    assert_int_equal(line_edges[PL330_IRQ_ABORT] > 10, true);
}

/* Manager faults through the debug interface: non-debug instruction, bad DMAGO operands. */
static void test_manager_faults(void **st)
{
    dbg(false, 0, 0x00, 0, 0);                          /* DMAEND: not a debug instruction */
    assert_int_equal(R(FSRD), 1);
    assert_int_equal(R(FTRD), UNDEF | DBG);
    assert_true(lines[PL330_IRQ_ABORT]);
    go(0, PROG);                                        /* ignored while Faulting */
    assert_int_equal(state(0), 0);
    kill_mgr();
    assert_false(lines[PL330_IRQ_ABORT]);
    dbg(false, 0, 0xa0, 0x08, PROG);                    /* DMAGO reserved channel bits */
    assert_int_equal(R(FTRD), OPERAND | DBG);
    kill_mgr();
    dbg(true, 0, 0xa0, 0, PROG);                        /* DMAGO to a channel thread */
    assert_int_equal(R(FTR(0)), UNDEF | DBG);
    kill_ch(0);
    W(DBGCMD, 1);                                       /* reserved command: nothing */
    assert_int_equal(R(FSRD), 0);
}

static void test_manager_nonsecure(void **st)
{
    teardown(st);
    struct pl330_config cfg;
    pl330_default_config(&cfg);
    cfg.mgr_ns = true;
    cfg.num_chnls = 4;
    cfg.num_events = 32;
    cfg.cr3_ins = 1u << 31;
    env_cfg(&cfg, true);
    assert_int_equal(R(DSR), 1u << 9);                 /* DNS */
    assert_int_equal(R(CR0), 4u | 3u << 4 | 31u << 17);
    go(0, PROG);                                        /* Secure channel from a NS manager */
    assert_int_equal(R(FTRD), DMAGO_ERR | DBG);
    kill_mgr();
    go(5, PROG);                                        /* channel 5 of 4 */
    assert_int_equal(R(FTRD), OPERAND | DBG);
    kill_mgr();
    dbg(false, 0, 0x34, 3 << 3, 0);                     /* DMASEV of Secure event 3 */
    assert_int_equal(R(FTRD), (1u << 5) | DBG);        /* mgr_evnt_err */
    kill_mgr();
    W(INTEN, 1u << 31);
    dbg(false, 0, 0x34, 31 << 3, 0);                    /* Non-secure event 31: fine */
    assert_int_equal(R(FSRD), 0);
    assert_true(lines[PL330_IRQ_EVENT(31)]);
    at(PROG); END();
    go_ns(3, PROG, true);
    assert_int_equal(state(3), 0);
    assert_int_equal(R(CSR(4)), 0);                     /* beyond num_chnls: RAZ */
}

/* Behind the SMMU: a stage-1 domain for the engine's SID maps program, source and destination
 * (IOVA ≠ PA); the destination page unmapped → context fault, data_write_err, nothing written. */
static void test_smmu(void **st)
{
    const uint64_t iova_prog = 0x7f0000000ull & 0xffffffffull, iova_src = 0x10000000, iova_dst = 0x20000000;
    uint64_t root = fm_alloc(0x1000);
    linux_enable();
    linux_s1_domain(0, 1, root, 0, SID);
    tt_map(root, 12, 48, 0, iova_prog, 3, S1_PAGE(PROG, 0), 0);
    tt_map(root, 12, 48, 0, iova_src, 3, S1_PAGE(SRC, 0), 0);
    tt_map(root, 12, 48, 0, iova_dst, 3, S1_PAGE(DST, 0), 0);
    fill(SRC, 256, 11);
    memset(fm + DST, 0, 0x2000);
    at(PROG);
    MOV(RSAR, (uint32_t)iova_src); MOV(RDAR, (uint32_t)iova_dst); MOV(RCCR, ccr(true, 3, 16, true, 3, 16));
    LD(); ST(); LD(); ST(); END();
    go(0, (uint32_t)iova_prog);
    assert_int_equal(state(0), 0);
    assert_memory_equal(fm + DST, fm + SRC, 256);
    /* now a destination page with no mapping */
    memset(fm + DST, 0, 0x2000);
    at(PROG);
    MOV(RSAR, (uint32_t)iova_src); MOV(RDAR, (uint32_t)iova_dst + 0x1000); MOV(RCCR, ccr(true, 3, 16, true, 3, 16));
    LD(); ST(); END();
    go(0, (uint32_t)iova_prog);
    struct dma_port *p = pl330_dma_port(d);
    assert_int_equal(p->fault.outcome, SMMU_CONTEXT_FAULT);
    assert_int_equal(p->fault_iova, iova_dst + 0x1000);
    assert_int_equal(p->done, 0);
    assert_true(CBR(0, FSR) & 2);                       /* TF */
    assert_true(irq_level[SMMU_IRQ_CONTEXT(0)]);
    static const uint8_t z[0x2000] = { 0 };
    assert_memory_equal(fm + DST, z, sizeof z);        /* nothing written anywhere */
    expect_fault(0, DWRITE, iova_prog + 19);
    /* an unmapped program page: instruction fetch error */
    go(1, (uint32_t)iova_prog + 0x1000);
    expect_fault(1, IFETCH, iova_prog + 0x1000);
    /* the same engine with the SMMU in its reset state (CLIENTPD): bypass, IOVA = PA */
    smmu_reset(ts);
    at(PROG); MOV(RSAR, SRC); MOV(RDAR, DST + 0x100); MOV(RCCR, ccr(true, 3, 2, true, 3, 2)); LD(); ST(); END();
    go(0, PROG);
    assert_int_equal(state(0), 0);
    assert_memory_equal(fm + DST + 0x100, fm + SRC, 16);
}

/* One TRACE_K_DMA record per DMALD/DMAST burst, with the SID, the master name, IOVA, length,
 * direction and result. */
static void test_trace(void **st)
{
    char path[] = "/tmp/test_pl330_traceXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct trace_meta m = { 0 };
    char err[128];
    struct tracer *tr = tracer_open_fd(fd, &m, err, sizeof err);
    assert_non_null(tr);
    pl330_set_trace(d, tr, trace_intern(tr, "pl330"));
    at(PROG);
    MOV(RSAR, SRC); MOV(RDAR, DST); MOV(RCCR, ccr(true, 3, 4, true, 3, 4)); LD(); ST();
    MOV(RDAR, NOWHERE); LD(); ST(); END();
    go(0, PROG);
    expect_fault(0, DWRITE, ~0ull);
    pl330_set_trace(d, NULL, 0);
    assert_int_equal(tracer_close(tr), 0);
    struct trace_reader *r;
    assert_int_equal(trace_open(path, &r), TRACE_OK);
    struct trace_rec rec;
    unsigned n = 0;
    const struct { uint64_t iova; uint8_t w, res; } want[4] = {
        { SRC, 0, TRACE_DMA_OK }, { DST, 1, TRACE_DMA_OK }, { SRC + 32, 0, TRACE_DMA_OK }, { NOWHERE, 1, TRACE_DMA_BUS_ERROR } };
    while (trace_next(r, &rec) == 1) {
        if (rec.kind != TRACE_K_DMA) continue;
        assert_true(n < 4);
        assert_int_equal(rec.ev.dma.sid, SID);
        assert_string_equal(trace_string(r, rec.ev.dma.dev), "pl330");
        assert_int_equal(rec.ev.dma.iova, want[n].iova);
        assert_int_equal(rec.ev.dma.len, 32);
        assert_int_equal(rec.ev.dma.is_write, want[n].w);
        assert_int_equal(rec.ev.dma.result, want[n].res);
        n++;
    }
    assert_int_equal(n, 4);
    trace_close(r);
    unlink(path);
}

/* Re-entrancy: the engine's own registers as program or data (DMA of 1-byte accesses to a
 * 32-bit-only APB block → slave errors), DMA into DBGCMD cannot start anything. */
/* The engine's own registers as program and as DMA destination. A burst of 32-bit beats is a
 * well-formed register write, so a program can reach its own debug interface: it DMAs a
 * DMAGO (channel 1, at this same program) into DBGINST0/1, then a 0 into DBGCMD — the start of
 * a DMA → DBGCMD → DMA recursion. DBGSTATUS is busy while the engine runs, so that DBGCMD is
 * ignored (a guest error): no nested kick, channel 1 stays Stopped, the program ends. The DMA'd
 * DBGINST0/1 are really there: a CPU write of DBGCMD then starts channel 1, whose copy of the
 * same program is again ignored at its DBGCMD — bounded, one level each. */
static void test_own_registers(void **st)
{
    go(0, (uint32_t)DBASE + DSR);
    expect_fault(0, IFETCH, DBASE);
    const uint32_t inst0 = (uint32_t)0x01 << 24 | 0xa0u << 16, inst1 = PROG;   /* DMAGO ch1, PROG */
    memcpy(fm + SRC, &inst0, 4);
    memcpy(fm + SRC + 4, &inst1, 4);
    memset(fm + SRC + 8, 0, 4);
    at(PROG);
    MOV(RSAR, SRC); MOV(RDAR, (uint32_t)DBASE + DBGINST0); MOV(RCCR, ccr(true, 2, 2, true, 2, 2)); LD(); ST();
    MOV(RDAR, (uint32_t)DBASE + DBGCMD); MOV(RCCR, ccr(true, 2, 1, false, 2, 1)); LD(); ST();
    END();
    char *logbuf = NULL;
    size_t loglen = 0;
    FILE *log = open_memstream(&logbuf, &loglen);
    assert_non_null(log);
    mlog_set(MLOG_GUEST_ERRORS, log);
    struct pl330_stats s0, s1;
    pl330_get_stats(d, &s0);
    go(0, PROG);
    pl330_get_stats(d, &s1);
    assert_int_equal(state(0), 0);                     /* stopped, no fault */
    assert_int_equal(R(FTR(0)), 0);
    assert_int_equal(state(1), 0);                     /* the DMA'd DBGCMD started nothing */
    assert_int_equal(s1.kicks - s0.kicks, 1);          /* no nested kick */
    assert_int_equal(s1.bytes_written - s0.bytes_written, 12);
    assert_int_equal(R(FSRD), 0);
    W(DBGCMD, 0);                                      /* the CPU: runs the DMA'd DMAGO */
    pl330_get_stats(d, &s1);
    assert_int_equal(state(1), 0);                     /* channel 1 ran the program and ended */
    assert_int_equal(R(FTR(1)), 0);
    assert_int_equal(s1.kicks - s0.kicks, 2);
    assert_int_equal(s1.bytes_written - s0.bytes_written, 24);
    assert_false(lines[PL330_IRQ_ABORT]);
    mlog_set(0, NULL);
    fclose(log);
    unsigned ignored = 0;
    for (const char *p = logbuf; (p = strstr(p, "DBGCMD written while DBGSTATUS is busy")); p++) ignored++;
    assert_int_equal(ignored, 2);                      /* one per run, each ignored */
    free(logbuf);
    /* a 2-byte beat to a register is still an APB slave error: data_write_err */
    at(PROG); MOV(RSAR, SRC); MOV(RDAR, (uint32_t)DBASE + INTEN); MOV(RCCR, ccr(true, 1, 1, false, 1, 1)); LD(); ST(); END();
    go(0, PROG);
    expect_fault(0, DWRITE, PROG + 19);
}

static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

/* Random programs: random bytes biased towards real opcodes, random CCRs and addresses (RAM,
 * the device window, the engine itself, nothing). Every run must end (budgeted kicks), with
 * each channel Stopped, Waiting or Faulting or still Executing, and DMAKILL must recover all. */
static void test_fuzz(void **st)
{
    static const uint8_t ops[] = { 0x00, 0x01, 0x04, 0x05, 0x07, 0x08, 0x09, 0x0b, 0x0c, 0x12, 0x13, 0x18, 0x20, 0x22,
                                   0x28, 0x2c, 0x38, 0x3c, 0x3d, 0x34, 0x36, 0x54, 0x56, 0x5c, 0x5e, 0xbc, 0xa0 };
    static const uint32_t addrs[] = { SRC, DST, DST + 0xff8, DEV, (uint32_t)DBASE, NOWHERE, 0xfffffff0u, PROG };
    rng_state = 0x330;
    W(INTEN, 0x0f);
    for (unsigned iter = 0; iter < 3000; iter++) {
        uint64_t base = PROG + (rnd() % 8) * 0x200;
        at(base);
        unsigned len = 1 + rnd() % 40;
        for (unsigned k = 0; k < len; k++) {
            unsigned kind = rnd() % 8;
            if (kind == 0) b1((uint8_t)rnd());
            else if (kind == 1) { MOV(rnd() % 3, rnd() % 2 ? addrs[rnd() % 8] : rnd()); }
            else if (kind == 2) MOV(RCCR, rnd() & 0x0fffffff);
            else b1(ops[rnd() % sizeof ops]);
        }
        unsigned ch = rnd() % 8;
        if (state(ch) != 0) kill_ch(ch);
        go_ns(ch, rnd() % 16 ? (uint32_t)base : addrs[rnd() % 8], rnd() % 4 == 0);
        if (rnd() % 4 == 0) dbg(false, 0, 0x34, (uint8_t)((rnd() % 8) << 3), 0);
        for (unsigned k = 0; k < 3; k++) pl330_run(d, 1000);
        if (rnd() % 16 == 0) W(INTCLR, rnd());
        if (R(FSRD)) kill_mgr();
        for (unsigned c = 0; c < 8; c++) {
            unsigned s = state(c);
            assert_true(s == 0 || s == 1 || s == 4 || s == 0xf);
        }
    }
    for (unsigned c = 0; c < 8; c++) kill_ch(c);
    assert_false(pl330_busy(d));
    assert_int_equal(R(FSRC), 0);
    assert_false(lines[PL330_IRQ_ABORT]);
    struct pl330_stats s;
    pl330_get_stats(d, &s);
    assert_true(s.faults > 100);
    assert_true(s.insns > 10000);
}

int main(void)
{
    mlog_set(0, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_and_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_mem_to_mem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_burst_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loops_and_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forever_loop_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mem_to_device, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_channel_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manager_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manager_nonsecure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smmu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_own_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fuzz, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
