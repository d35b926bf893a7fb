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
#include "pl330.h"          /* registers, microcode assembler, DMAGO/DMAKILL, the IRQ handler (shared with protected) */

#define UARTDR    0x09000000u
#define NOTHING   0x30000000u       /* no device, no RAM: a decode error on the bus */

static uint8_t mc[2][256] __attribute__((aligned(64)));

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
    pl330_irqs_on(2);

    /* identity: the AMBA periph ID Linux matches (0x00041330 under mask 0x000fffff) */
    uint32_t pid = 0, cid = 0;
    for (unsigned i = 0; i < 4; i++) {
        pid |= (mmio_read32(PL330_BASE + 0xfe0 + 4 * i) & 0xff) << (8 * i);
        cid |= (mmio_read32(PL330_BASE + 0xff0 + 4 * i) & 0xff) << (8 * i);
    }
    CHECK_EQ("pl330 periph id (part 0x330, Arm)", pid & 0x000fffff, 0x00041330);
    CHECK_EQ("pl330 primecell id", cid, 0xb105f00d);
    uint32_t cr0 = pl330_rd(PL330_CR0);
    CHECK_EQ("CR0.num_chnls = 8", ((cr0 >> 4) & 7) + 1, 8);
    CHECK_EQ("CR0.num_events = 8", ((cr0 >> 17) & 31) + 1, 8);
    CHECK_EQ("CRD.data_width = 64-bit", pl330_rd(PL330_CRD) & 7, 3);
    CHECK_EQ("manager stopped", pl330_rd(PL330_DSR) & 0xf, 0);

    /* 1. memory → memory */
    for (unsigned i = 0; i < COPY_BYTES; i++) src[i] = (uint8_t)(i * 13 + (i >> 7));
    memset(dst, 0x5a, sizeof dst);
    pl330_asm_begin(mc[0]);
    pl330_asm_copy((uint32_t)(uint64_t)src, (uint32_t)(uint64_t)dst, COPY_BYTES, 0);   /* 16 × 8-byte beats each way */
    pl330_wr(PL330_INTEN, 0x3);                                      /* events 0, 1 raise irq[0], irq[1] */
    pl330_start(0, mc[0]);
    wait_for(&pl330_irq.ev_seen, 1);
    CHECK("copy: event 0 interrupt", pl330_irq.ev_seen & 1);
    uint32_t hs = fnv1a(src, COPY_BYTES), hd = fnv1a(dst, COPY_BYTES);
    printf("INFO copy checksum src=0x%x dst=0x%x\n", hs, hd);
    CHECK_EQ("copy: 8 KiB checksum", hd, hs);
    CHECK("copy: bytes equal", memcmp(src, dst, COPY_BYTES) == 0);
    CHECK_EQ("copy: nothing past the end", dst[COPY_BYTES], 0x5a);
    CHECK_EQ("copy: SAR at the end", pl330_rd(PL330_SAR(0)), (uint32_t)(uint64_t)src + COPY_BYTES);
    CHECK_EQ("copy: DAR at the end", pl330_rd(PL330_DAR(0)), (uint32_t)(uint64_t)dst + COPY_BYTES);
    CHECK_EQ("copy: channel stopped", pl330_rd(PL330_CSR(0)) & 0xf, 0);
    CHECK_EQ("copy: INTMIS cleared by INTCLR", pl330_rd(PL330_INTMIS), 0);

    /* 2. memory → device: UARTDR as a fixed destination, 1-byte beats */
    unsigned n = sizeof banner - 1;
    pl330_asm_begin(mc[1]);
    dmamov(PL330_SAR_REG, (uint32_t)(uint64_t)banner);
    dmamov(PL330_DAR_REG, UARTDR);
    if (n >= 16) {
        dmamov(PL330_CCR_REG, pl330_ccr(1, 0, 16, 0, 0, 16));
        unsigned l2 = dmalp(0, n / 16);
        dmald(); dmast();
        dmalpend(0, l2);
    }
    if (n % 16) {
        dmamov(PL330_CCR_REG, pl330_ccr(1, 0, n % 16, 0, 0, n % 16));
        dmald(); dmast();
    }
    dmasev(1);
    dmaend();
    pl330_start(1, mc[1]);
    wait_for(&pl330_irq.ev_seen, 2);
    CHECK("uart: event 1 interrupt", pl330_irq.ev_seen & 2);
    CHECK_EQ("uart: DAR stayed at UARTDR", pl330_rd(PL330_DAR(1)), UARTDR);
    CHECK_EQ("uart: SAR advanced by the string", pl330_rd(PL330_SAR(1)), (uint32_t)(uint64_t)banner + n);

    /* 3. a fault: nothing behind the source → irq_abort, data_read_err, DMAKILL */
    pl330_asm_begin(mc[0]);
    dmamov(PL330_SAR_REG, NOTHING);
    dmamov(PL330_DAR_REG, (uint32_t)(uint64_t)dst);
    dmamov(PL330_CCR_REG, pl330_ccr(1, 3, 4, 1, 3, 4));
    unsigned ld_at = pl330_pc;
    dmald(); dmast(); dmaend();
    pl330_start(0, mc[0]);
    wait_for(&pl330_irq.aborts, 1);
    CHECK_EQ("fault: abort interrupt", pl330_irq.aborts, 1);
    CHECK_EQ("fault: FSRC = channel 0", pl330_irq.fsrc, 1);
    CHECK_EQ("fault: FTR0 = data_read_err", pl330_irq.ftr0, PL330_FT_DATA_READ_ERR);
    CHECK_EQ("fault: CSR0 Faulting", pl330_irq.csr0 & 0xf, 0xf);
    CHECK_EQ("fault: CPC0 at the DMALD", pl330_irq.cpc0, (uint32_t)(uint64_t)mc[0] + ld_at);
    CHECK_EQ("fault: DMAKILL clears FSRC", pl330_irq.fsrc_after, 0);
    CHECK_EQ("fault: DMAKILL stops the channel", pl330_irq.csr0_after & 0xf, 0);
    CHECK_EQ("fault: FTR0 after DMAKILL", pl330_rd(PL330_FTR(0)), 0);
    CHECK_EQ("fault: destination untouched", dst[0], src[0]);
    /* the killed channel works again: channel 0 runs the UART program */
    pl330_irq.ev_seen = 0;
    pl330_start(0, mc[1]);
    wait_for(&pl330_irq.ev_seen, 2);
    CHECK("recovered: channel 0 ran again", pl330_irq.ev_seen & 2);
    CHECK_EQ("recovered: channel 0 stopped", pl330_rd(PL330_CSR(0)) & 0xf, 0);
    CHECK_EQ("no other interrupts", pl330_irq.other, 0);
    CHECK_EQ("no manager fault", pl330_rd(PL330_FSRD), 0);
    rt_result();
    return 0;
}
