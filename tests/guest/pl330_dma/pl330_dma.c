/* tests/guest/pl330_dma — a bare-metal driver for the DMA-330 (PL330) at 0x09070000
 * (faultline's -device pl330; docs/dma.md). QEMU's virt board has no PL330, so this guest runs
 * on faultline only (tests/guest/run-suite.sh: with -device pl330, i.e. behind the SMMU left in
 * its reset state — sCR0.CLIENTPD, every transaction bypasses — and with -device
 * pl330,iommu=off). It assembles DMA-330 microcode in RAM, starts channels with DMAGO through
 * DBGINST0/1/DBGCMD, and takes the engine's interrupts through the GIC (irq_abort SPI 96,
 * irq[n] SPI 97 + n):
 *  - identity and configuration registers (periph/PrimeCell IDs, CR0, CRD);
 *  - memory → memory: 8 KiB copied in 64 bursts of 16 × 8 bytes, DMASEV 0 → event interrupt,
 *    checksum of source and destination, SAR/DAR at the end;
 *  - memory → device: a string written into the PL011's UARTDR (fixed destination, 1-byte
 *    beats) — it appears on the console — then DMASEV 1;
 *  - a fault: a source address with nothing behind it → irq_abort, FSRC bit 0, FTR0 =
 *    data_read_err, CPC at the DMALD; the handler's DMAKILL (debug interface) recovers, and the
 *    channel then runs a good program again. */
#include "rt.h"
#include "gic.h"

#define DMAC      0x09070000ull
#define UARTDR    0x09000000u
#define SPI_ABORT 96
#define SPI_EVENT 97
#define INTID_ABORT (32 + SPI_ABORT)
#define INTID_EV(n) (32 + SPI_EVENT + (n))
#define NOTHING   0x30000000u       /* no device, no RAM: a decode error on the bus */

enum { DSR = 0x000, INTEN = 0x020, INT_EVENT_RIS = 0x024, INTMIS = 0x028, INTCLR = 0x02c, FSRD = 0x030,
       FSRC = 0x034, DBGSTATUS = 0xd00, DBGCMD = 0xd04, DBGINST0 = 0xd08, DBGINST1 = 0xd0c, CR0 = 0xe00, CRD = 0xe14 };
#define FTR(n) (0x040 + 4 * (n))
#define CSR(n) (0x100 + 8 * (n))
#define CPC(n) (0x104 + 8 * (n))
#define SAR(n) (0x400 + 0x20 * (n))
#define DAR(n) (0x404 + 0x20 * (n))
#define FT_DATA_READ_ERR (1u << 18)

static inline uint32_t R(unsigned off) { return mmio_read32(DMAC + off); }
static inline void W(unsigned off, uint32_t v) { mmio_write32(DMAC + off, v); }

/* ---- microcode assembler (DDI 0424D chapter 4 encodings) ---- */
static uint8_t mc[2][256] __attribute__((aligned(64)));
static unsigned pc;
static uint8_t *cur;
static void b1(uint8_t v) { cur[pc++] = v; }
static void b32(uint32_t v) { for (int i = 0; i < 4; i++) b1((uint8_t)(v >> (8 * i))); }
static void asm_begin(unsigned which) { cur = mc[which]; pc = 0; }
static void dmamov(unsigned rd, uint32_t v) { b1(0xbc); b1((uint8_t)rd); b32(v); }   /* 0 SAR, 1 CCR, 2 DAR */
static void dmald(void) { b1(0x04); }
static void dmast(void) { b1(0x08); }
static unsigned dmalp(unsigned lc, unsigned n) { b1((uint8_t)(0x20 | lc << 1)); b1((uint8_t)(n - 1)); return pc; }
static void dmalpend(unsigned lc, unsigned start) { unsigned here = pc; b1((uint8_t)(0x38 | lc << 2)); b1((uint8_t)(here - start)); }
static void dmasev(unsigned e) { b1(0x34); b1((uint8_t)(e << 3)); }
static void dmaend(void) { b1(0x00); }
/* CCR (TRM 3.3.15): burst sizes as log2 bytes, lengths in beats, prot = 0b010 (Non-secure) */
static uint32_t ccr(int sinc, unsigned ssz, unsigned slen, int dinc, unsigned dsz, unsigned dlen)
{
    return (uint32_t)sinc | ssz << 1 | (slen - 1) << 4 | 2u << 8 | (uint32_t)dinc << 14 | dsz << 15 |
           (dlen - 1) << 18 | 2u << 22;
}

/* DMAGO channel ch at the program's address through the debug interface (manager thread). */
static void start(unsigned ch, const void *prog)
{
    while (R(DBGSTATUS) & 1) { }
    W(DBGINST0, (uint32_t)ch << 24 | 0xa0u << 16);     /* DMAGO (Secure), manager thread */
    W(DBGINST1, (uint32_t)(uint64_t)prog);
    W(DBGCMD, 0);
}
static void kill_channel(unsigned ch)
{
    W(DBGINST0, 0x01u << 16 | ch << 8 | 1);            /* DMAKILL, channel thread ch */
    W(DBGCMD, 0);
}

/* ---- interrupts ---- */
static volatile unsigned ev_seen, abort_seen, other_irqs;
static volatile uint32_t ab_fsrc, ab_ftr0, ab_cpc, ab_csr, ab_fsrc_after, ab_csr_after;

static int on_irq(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_IRQ) return 0;
    unsigned iar = gic_ack(), id = iar & 0x3ff;
    if (id == GIC_SPURIOUS) return 1;
    if (id >= INTID_EV(0) && id < INTID_EV(8)) {
        unsigned e = id - INTID_EV(0);
        ev_seen |= 1u << e;
        W(INTCLR, 1u << e);                             /* the level line drops */
    } else if (id == INTID_ABORT) {
        abort_seen++;
        ab_fsrc = R(FSRC); ab_ftr0 = R(FTR(0)); ab_cpc = R(CPC(0)); ab_csr = R(CSR(0));
        kill_channel(0);                                /* irq_abort drops with the fault */
        ab_fsrc_after = R(FSRC); ab_csr_after = R(CSR(0));
    } else {
        other_irqs++;
    }
    gic_eoi(iar);
    return 1;
}

static void wait_for(volatile unsigned *flag, unsigned want)
{
    for (unsigned i = 0; i < 100000 && (*flag & want) != want; i++) __asm__ volatile("wfi");
}

static uint32_t fnv1a(const uint8_t *p, unsigned n)
{
    uint32_t h = 2166136261u;
    for (unsigned i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

#define COPY_BYTES 8192
static uint8_t src[COPY_BYTES] __attribute__((aligned(64)));
static uint8_t dst[COPY_BYTES + 64] __attribute__((aligned(64)));
static const char banner[] = "pl330: this line was written into UARTDR by the DMA engine\n";

int main(void)
{
    rt_set_handler(on_irq);
    gic_init(1);
    gic_enable(INTID_ABORT, 0x80);
    for (unsigned e = 0; e < 2; e++) gic_enable(INTID_EV(e), 0x80);
    __asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory");

    /* identity: the AMBA periph ID Linux matches (0x00041330 under mask 0x000fffff) */
    uint32_t pid = 0, cid = 0;
    for (unsigned i = 0; i < 4; i++) {
        pid |= (mmio_read32(DMAC + 0xfe0 + 4 * i) & 0xff) << (8 * i);
        cid |= (mmio_read32(DMAC + 0xff0 + 4 * i) & 0xff) << (8 * i);
    }
    CHECK_EQ("pl330 periph id (part 0x330, Arm)", pid & 0x000fffff, 0x00041330);
    CHECK_EQ("pl330 primecell id", cid, 0xb105f00d);
    uint32_t cr0 = R(CR0);
    CHECK_EQ("CR0.num_chnls = 8", ((cr0 >> 4) & 7) + 1, 8);
    CHECK_EQ("CR0.num_events = 8", ((cr0 >> 17) & 31) + 1, 8);
    CHECK_EQ("CRD.data_width = 64-bit", R(CRD) & 7, 3);
    CHECK_EQ("manager stopped", R(DSR) & 0xf, 0);

    /* 1. memory → memory */
    for (unsigned i = 0; i < COPY_BYTES; i++) src[i] = (uint8_t)(i * 13 + (i >> 7));
    memset(dst, 0x5a, sizeof dst);
    asm_begin(0);
    dmamov(0, (uint32_t)(uint64_t)src);
    dmamov(2, (uint32_t)(uint64_t)dst);
    dmamov(1, ccr(1, 3, 16, 1, 3, 16));                 /* 16 × 8-byte beats each way */
    unsigned l = dmalp(0, COPY_BYTES / 128);
    dmald(); dmast();
    dmalpend(0, l);
    dmasev(0);
    dmaend();
    W(INTEN, 0x3);                                      /* events 0, 1 raise irq[0], irq[1] */
    start(0, mc[0]);
    wait_for(&ev_seen, 1);
    CHECK("copy: event 0 interrupt", ev_seen & 1);
    uint32_t hs = fnv1a(src, COPY_BYTES), hd = fnv1a(dst, COPY_BYTES);
    printf("INFO copy checksum src=0x%x dst=0x%x\n", hs, hd);
    CHECK_EQ("copy: 8 KiB checksum", hd, hs);
    CHECK("copy: bytes equal", memcmp(src, dst, COPY_BYTES) == 0);
    CHECK_EQ("copy: nothing past the end", dst[COPY_BYTES], 0x5a);
    CHECK_EQ("copy: SAR at the end", R(SAR(0)), (uint32_t)(uint64_t)src + COPY_BYTES);
    CHECK_EQ("copy: DAR at the end", R(DAR(0)), (uint32_t)(uint64_t)dst + COPY_BYTES);
    CHECK_EQ("copy: channel stopped", R(CSR(0)) & 0xf, 0);
    CHECK_EQ("copy: INTMIS cleared by INTCLR", R(INTMIS), 0);

    /* 2. memory → device: UARTDR as a fixed destination, 1-byte beats */
    unsigned n = sizeof banner - 1;
    asm_begin(1);
    dmamov(0, (uint32_t)(uint64_t)banner);
    dmamov(2, UARTDR);
    if (n >= 16) {
        dmamov(1, ccr(1, 0, 16, 0, 0, 16));
        unsigned l2 = dmalp(0, n / 16);
        dmald(); dmast();
        dmalpend(0, l2);
    }
    if (n % 16) {
        dmamov(1, ccr(1, 0, n % 16, 0, 0, n % 16));
        dmald(); dmast();
    }
    dmasev(1);
    dmaend();
    start(1, mc[1]);
    wait_for(&ev_seen, 2);
    CHECK("uart: event 1 interrupt", ev_seen & 2);
    CHECK_EQ("uart: DAR stayed at UARTDR", R(DAR(1)), UARTDR);
    CHECK_EQ("uart: SAR advanced by the string", R(SAR(1)), (uint32_t)(uint64_t)banner + n);

    /* 3. a fault: nothing behind the source → irq_abort, data_read_err, DMAKILL */
    asm_begin(0);
    dmamov(0, NOTHING);
    dmamov(2, (uint32_t)(uint64_t)dst);
    dmamov(1, ccr(1, 3, 4, 1, 3, 4));
    unsigned ld_at = pc;
    dmald(); dmast(); dmaend();
    start(0, mc[0]);
    wait_for(&abort_seen, 1);
    CHECK_EQ("fault: abort interrupt", abort_seen, 1);
    CHECK_EQ("fault: FSRC = channel 0", ab_fsrc, 1);
    CHECK_EQ("fault: FTR0 = data_read_err", ab_ftr0, FT_DATA_READ_ERR);
    CHECK_EQ("fault: CSR0 Faulting", ab_csr & 0xf, 0xf);
    CHECK_EQ("fault: CPC0 at the DMALD", ab_cpc, (uint32_t)(uint64_t)mc[0] + ld_at);
    CHECK_EQ("fault: DMAKILL clears FSRC", ab_fsrc_after, 0);
    CHECK_EQ("fault: DMAKILL stops the channel", ab_csr_after & 0xf, 0);
    CHECK_EQ("fault: FTR0 after DMAKILL", R(FTR(0)), 0);
    CHECK_EQ("fault: destination untouched", dst[0], src[0]);
    /* the killed channel works again: channel 0 runs the UART program */
    ev_seen = 0;
    start(0, mc[1]);
    wait_for(&ev_seen, 2);
    CHECK("recovered: channel 0 ran again", ev_seen & 2);
    CHECK_EQ("recovered: channel 0 stopped", R(CSR(0)) & 0xf, 0);
    CHECK_EQ("no other interrupts", other_irqs, 0);
    CHECK_EQ("no manager fault", R(FSRD), 0);
    rt_result();
    return 0;
}
