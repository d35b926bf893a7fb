/* tests/guest/dma_touch — seed 001 option c, "DMA before touch" (tests/scenarios/, the
 * dma-before-touch scenario): dom0-like code at EL1 under -hv xen with -M virt,sram=on. A DMA
 * master writes into a page of the SRAM (0x09060000) which the CPU has never touched:
 *   - mmio=lazy: that page is not in dom0's p2m, which the SMMU shares (xen-arm.md §1.1), so
 *     the master's write takes an SMMU context fault (no retry); nothing is written, and the
 *     CPU's own read of the page (a stage-2 fault: the hypervisor maps it now) finds the old
 *     contents (zero). Phase 2: the master is made ready again and does the same transfer —
 *     now that the CPU has touched the page it is mapped, and it succeeds ("works only after
 *     touch").
 *   - mmio=eager: the page was mapped at boot; phase 1 succeeds at once.
 * Two masters, chosen from /chosen/bootargs "master=virtio|pl330" (default virtio), each with
 * its own page, both run through the same two phases (run_phases):
 *   virtio: -device virtio-rng-device (virtio-mmio transport 0 at 0x0A000000, SMMU stream ID 0)
 *           WRITES 64 random bytes into SRAM + 0x3000 through its virtqueue; the fault shows as
 *           DEVICE_NEEDS_RESET and an unused buffer, the driver resets the device for phase 2.
 *   pl330:  -device pl330 (docs/dma.md, SID 0x20) COPIES a 256-byte pattern from RAM into
 *           SRAM + 0x5000 (DMALD from RAM, DMAST to the SRAM, 128-byte bursts); the fault shows
 *           as channel 0 Faulting with FTR0 = data_write_err at the first DMAST, cleared by
 *           DMAKILL before phase 2.
 * What this run expects comes from /chosen/bootargs too: "expect=fault" or "expect=ok".
 * QEMU's virt has no SRAM at 0x09060000 (nor a PL330), so this runs on faultline only. */
#include <stdbool.h>
#include "rt.h"
#include "gic.h"
#include "pl330.h"

#define SRAM     0x09060000ull

/* One DMA master of the scenario: the page it writes and how to drive it. */
struct master {
    const char *name;
    uint64_t buf;                  /* in an SRAM page the CPU never touched before the DMA */
    unsigned len;                  /* bytes written per transfer */
    void (*init)(void);
    bool (*transfer)(void);        /* one DMA into buf; true when the master reports it done */
    void (*failed)(void);          /* after a faulting phase 1: check and print how it shows */
    void (*rearm)(void);           /* ready for phase 2 (after a fault: recover) */
    bool (*data_ok)(void);         /* what it wrote is in buf (the CPU reads it) */
};

static uint8_t sram8(uint64_t a) { return *(volatile uint8_t *)a; }
static void sram_zero(uint64_t a, unsigned n) { for (unsigned i = 0; i < n; i++) *(volatile uint8_t *)(a + i) = 0; }
static bool sram_is_zero(uint64_t a, unsigned n)
{
    for (unsigned i = 0; i < n; i++) if (sram8(a + i)) return false;
    return true;
}

/* ---- virtio-rng: the device writes random bytes through one virtqueue ---- */
#define VIRTIO   0x0A000000ull
#define VBUF     (SRAM + 0x3000)
#define VBUF_LEN 64u
#define QSZ      8u
enum { MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, DEV_FEATURES_SEL = 0x014, DRV_FEATURES = 0x020,
       DRV_FEATURES_SEL = 0x024, QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_READY = 0x044,
       QUEUE_NOTIFY = 0x050, INT_STATUS = 0x060, INT_ACK = 0x064, STATUS = 0x070, Q_DESC = 0x080, Q_DESC_HI = 0x084,
       Q_DRIVER = 0x090, Q_DRIVER_HI = 0x094, Q_DEVICE = 0x0a0, Q_DEVICE_HI = 0x0a4 };
enum { S_ACK = 1, S_DRIVER = 2, S_DRIVER_OK = 4, S_FEATURES_OK = 8, S_NEEDS_RESET = 0x40 };

struct vdesc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct vavail { uint16_t flags, idx, ring[QSZ], used_event; };
struct vused_elem { uint32_t id, len; };
struct vused { uint16_t flags, idx; struct vused_elem ring[QSZ]; uint16_t avail_event; };
static struct vdesc desc[QSZ] __attribute__((aligned(16)));
static struct vavail avail __attribute__((aligned(2)));
static struct vused used __attribute__((aligned(4)));

static uint32_t R(unsigned off) { return *(volatile uint32_t *)(VIRTIO + off); }
static void W(unsigned off, uint32_t v) { *(volatile uint32_t *)(VIRTIO + off) = v; }

/* virtio 1.1 §3.1.1 driver initialisation, one queue; returns the status read back. */
static uint32_t setup(void)
{
    W(STATUS, 0);                                      /* reset (clears DEVICE_NEEDS_RESET) */
    W(STATUS, S_ACK);
    W(STATUS, S_ACK | S_DRIVER);
    W(DRV_FEATURES_SEL, 1);
    W(DRV_FEATURES, 1);                                /* VERSION_1 (bit 32) only */
    W(DRV_FEATURES_SEL, 0);
    W(DRV_FEATURES, 0);
    W(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    W(QUEUE_SEL, 0);
    W(QUEUE_NUM, QSZ);
    memset(desc, 0, sizeof desc);
    memset(&avail, 0, sizeof avail);
    memset(&used, 0, sizeof used);
    W(Q_DESC, (uint32_t)(uint64_t)desc);     W(Q_DESC_HI, 0);
    W(Q_DRIVER, (uint32_t)(uint64_t)&avail); W(Q_DRIVER_HI, 0);
    W(Q_DEVICE, (uint32_t)(uint64_t)&used);  W(Q_DEVICE_HI, 0);
    W(QUEUE_READY, 1);
    W(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    return R(STATUS);
}

static void virtio_init(void)
{
    CHECK_EQ("virtio-magic", R(MAGIC), 0x74726976);
    CHECK_EQ("virtio-version", R(VERSION), 2);
    CHECK_EQ("virtio-rng", R(DEVICE_ID), 4);
    CHECK("driver-ok", (setup() & (S_DRIVER_OK | S_FEATURES_OK)) == (S_DRIVER_OK | S_FEATURES_OK));
}

/* One writable buffer at VBUF; the device works inside the QueueNotify write. Done when the
 * used index moved and the device does not need a reset. */
static bool virtio_transfer(void)
{
    desc[0] = (struct vdesc){ .addr = VBUF, .len = VBUF_LEN, .flags = 2 /* VIRTQ_DESC_F_WRITE */ };
    avail.ring[0] = 0;
    __asm__ volatile("dmb sy" ::: "memory");
    avail.idx = 1;
    __asm__ volatile("dmb sy" ::: "memory");
    W(QUEUE_NOTIFY, 0);
    __asm__ volatile("dmb sy" ::: "memory");
    W(INT_ACK, R(INT_STATUS));
    unsigned u = *(volatile uint16_t *)&used.idx;
    uint32_t st = R(STATUS);
    printf("INFO virtio used=%u status=0x%x\n", u, st);
    if (u == 1) CHECK_EQ("virtio-used-len", used.ring[0].len, VBUF_LEN);
    return u == 1 && !(st & S_NEEDS_RESET);
}

static void virtio_failed(void)
{
    CHECK_EQ("virtio-not-used", *(volatile uint16_t *)&used.idx, 0);
    CHECK("virtio-needs-reset", (R(STATUS) & S_NEEDS_RESET) != 0);
}

static void virtio_rearm(void)
{
    CHECK("virtio-reset-driver-ok", (setup() & (S_NEEDS_RESET | S_DRIVER_OK)) == S_DRIVER_OK);
}

/* Random bytes: not all zero (the buffer was zero before). */
static bool virtio_data_ok(void) { return !sram_is_zero(VBUF, 8); }

/* ---- PL330: channel 0 copies a pattern from RAM into the SRAM page ---- */
#define PBUF     (SRAM + 0x5000)
#define PBUF_LEN 256u
static uint8_t prog[128] __attribute__((aligned(64)));
static uint8_t pattern[PBUF_LEN] __attribute__((aligned(64)));

static void pl330_init(void)
{
    CHECK_EQ("pl330-periph-id0", pl330_rd(0xfe0), 0x30);
    for (unsigned i = 0; i < PBUF_LEN; i++) pattern[i] = (uint8_t)(i * 13 + 0x5a);
    pl330_wr(PL330_INTEN, 0);        /* events stay pending (INT_EVENT_RIS); no interrupt used */
}

/* DMAGO on channel 0 with the copy program; the engine runs it inside the DBGCMD write (far
 * below its budget), then the channel is Stopped (done) or Faulting. */
static bool pl330_transfer(void)
{
    pl330_asm_begin(prog);
    pl330_asm_copy((uint32_t)(uint64_t)pattern, (uint32_t)PBUF, PBUF_LEN, 0);
    __asm__ volatile("dsb sy" ::: "memory");
    pl330_start(0, prog);
    uint32_t csr = 0;
    for (unsigned i = 0; i < 100000; i++) {
        csr = pl330_rd(PL330_CSR(0)) & 0xf;
        if (csr == 0x0 || csr == 0xf) break;
    }
    uint32_t ftr0 = pl330_rd(PL330_FTR(0)), ris = pl330_rd(PL330_INT_EVENT_RIS);
    printf("INFO pl330 CSR0=0x%x FTR0=0x%x FSRC=0x%x INT_EVENT_RIS=0x%x\n", csr, ftr0, pl330_rd(PL330_FSRC), ris);
    return csr == 0x0 && ftr0 == 0;
}

static void pl330_failed(void)
{
    uint32_t ftr0 = pl330_rd(PL330_FTR(0));
    CHECK_EQ("pl330-channel-faulting", pl330_rd(PL330_CSR(0)) & 0xf, 0xf);
    CHECK_EQ("pl330-FSRC-channel-0", pl330_rd(PL330_FSRC), 1);
    CHECK_EQ("pl330-FTR0-data_write_err", ftr0, PL330_FT_DATA_WRITE_ERR);
    printf("INFO pl330 aborted: FTR0=0x%x%s\n", ftr0, ftr0 & PL330_FT_DATA_WRITE_ERR ? " data_write_err" : "");
}

static void pl330_rearm(void)
{
    if ((pl330_rd(PL330_CSR(0)) & 0xf) == 0xf) pl330_kill(0);
    CHECK_EQ("pl330-channel-stopped", pl330_rd(PL330_CSR(0)) & 0xf, 0);
    CHECK_EQ("pl330-FTR0-clear", pl330_rd(PL330_FTR(0)), 0);
}

static bool pl330_data_ok(void)
{
    for (unsigned i = 0; i < PBUF_LEN; i++) if (sram8(PBUF + i) != pattern[i]) return false;
    return true;
}

static const struct master masters[] = {
    { "virtio", VBUF, VBUF_LEN, virtio_init, virtio_transfer, virtio_failed, virtio_rearm, virtio_data_ok },
    { "pl330", PBUF, PBUF_LEN, pl330_init, pl330_transfer, pl330_failed, pl330_rearm, pl330_data_ok },
};

/* Phase 1: the DMA before any CPU access to the page, then the CPU's first touch (a read).
 * Phase 2: the same transfer into the now-touched page. */
static void run_phases(const struct master *m, bool expect_fault)
{
    m->init();
    bool done1 = m->transfer();
    bool zero1 = sram_is_zero(m->buf, m->len);        /* the CPU's first touch of the page */
    printf("INFO %s phase1 done=%d page-%s\n", m->name, done1, zero1 ? "unchanged" : "written");
    if (expect_fault) {
        CHECK("phase1-not-done", !done1);
        m->failed();
        CHECK("phase1-old-contents", zero1);
    } else {
        CHECK("phase1-done", done1);
        CHECK("phase1-data", m->data_ok());
    }

    m->rearm();
    sram_zero(m->buf, m->len);
    bool done2 = m->transfer();
    printf("INFO %s phase2 done=%d\n", m->name, done2);
    CHECK("phase2-done", done2);
    CHECK("phase2-data", m->data_ok());
}

static bool has_arg(const char *ba, uint32_t len, const char *word)
{
    uint32_t n = (uint32_t)strlen(word);
    for (uint32_t i = 0; ba && i + n <= len; i++)
        if (!memcmp(ba + i, word, n) && (i == 0 || ba[i - 1] == ' ')) return true;
    return false;
}

int main(void)
{
    uint32_t len = 0;
    int ch = rt_dtb ? dtb_path_offset((const void *)rt_dtb, "/chosen", 7) : -1;
    const char *ba = ch >= 0 ? dtb_getprop((const void *)rt_dtb, ch, "bootargs", &len) : NULL;
    int expect_fault = has_arg(ba, len, "expect=fault") ? 1 : has_arg(ba, len, "expect=ok") ? 0 : -1;
    const struct master *m = has_arg(ba, len, "master=pl330") ? &masters[1] : &masters[0];
    CHECK("bootargs-expect", expect_fault >= 0);
    printf("INFO master=%s buf=0x%lx len=%u expect=%s\n", m->name, m->buf, m->len, expect_fault ? "fault" : "ok");
    run_phases(m, expect_fault == 1);
    rt_result();
    return 0;
}
