/* tests/guest/dma_touch — seed 001 option c, "DMA before touch" (tests/scenarios/, the
 * dma-before-touch scenario): dom0-like code at EL1 under -hv xen with -M virt,sram=on and
 * -device virtio-rng-device (virtio-mmio transport 0 at 0x0A000000, SMMU stream ID 0). The
 * DMA master is the virtio-rng device: the guest gives it one writable buffer that lies in a
 * page of the SRAM (0x09060000 + 0x3000) which the CPU has never touched, and notifies it.
 *   - mmio=lazy: that page is not in dom0's p2m, which the SMMU shares (xen-arm.md §1.1), so
 *     the device's write takes an SMMU context fault (no retry); the device reports
 *     DEVICE_NEEDS_RESET, the buffer is never used, and the CPU's own read of the page (a
 *     stage-2 fault: the hypervisor maps it now) finds the old contents (zero). Phase 2: the
 *     driver resets the device and sends the same buffer again — now that the CPU has touched
 *     the page it is mapped, and the transfer succeeds ("works only after touch").
 *   - mmio=eager: the page was mapped at boot; phase 1 succeeds at once.
 * What this run expects comes from /chosen/bootargs: "expect=fault" or "expect=ok".
 * (The PL330 of -device pl330 was not on main when this was written; the virtio-rng device is
 * the DMA master instead.) QEMU's virt has no SRAM at 0x09060000, so this runs on faultline only. */
#include "rt.h"

#define VIRTIO   0x0A000000ull
#define SRAM     0x09060000ull
#define BUF      (SRAM + 0x3000)        /* never touched by the CPU before the DMA */
#define BUF_LEN  64u
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
static uint32_t sram32(uint64_t a) { return *(volatile uint32_t *)a; }

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

/* One writable buffer at BUF; the device works inside the QueueNotify write. Returns the used
 * index afterwards (1: the device filled it, 0: it did not). */
static unsigned transfer(void)
{
    desc[0] = (struct vdesc){ .addr = BUF, .len = BUF_LEN, .flags = 2 /* VIRTQ_DESC_F_WRITE */ };
    avail.ring[0] = 0;
    __asm__ volatile("dmb sy" ::: "memory");
    avail.idx = 1;
    __asm__ volatile("dmb sy" ::: "memory");
    W(QUEUE_NOTIFY, 0);
    __asm__ volatile("dmb sy" ::: "memory");
    W(INT_ACK, R(INT_STATUS));
    return *(volatile uint16_t *)&used.idx;
}

int main(void)
{
    uint32_t len = 0;
    int ch = rt_dtb ? dtb_path_offset((const void *)rt_dtb, "/chosen", 7) : -1;
    const char *ba = ch >= 0 ? dtb_getprop((const void *)rt_dtb, ch, "bootargs", &len) : NULL;
    int expect_fault = -1;
    for (uint32_t i = 0; ba && i + 9 <= len; i++) {
        if (i + 12 <= len && !memcmp(ba + i, "expect=fault", 12)) expect_fault = 1;
        if (!memcmp(ba + i, "expect=ok", 9)) expect_fault = 0;
    }
    CHECK("bootargs-expect", expect_fault >= 0);
    CHECK_EQ("virtio-magic", R(MAGIC), 0x74726976);
    CHECK_EQ("virtio-version", R(VERSION), 2);
    CHECK_EQ("virtio-rng", R(DEVICE_ID), 4);
    CHECK("driver-ok", (setup() & (S_DRIVER_OK | S_FEATURES_OK)) == (S_DRIVER_OK | S_FEATURES_OK));

    /* Phase 1: the DMA before any CPU access to the page. */
    unsigned u1 = transfer();
    uint32_t st1 = R(STATUS);
    uint32_t w0 = sram32(BUF), w1 = sram32(BUF + 4);   /* the CPU's first touch of the page */
    printf("INFO phase1 used=%u status=0x%x buf=%08x%08x\n", u1, st1, w1, w0);
    if (expect_fault) {
        CHECK_EQ("phase1-not-used", u1, 0);
        CHECK("phase1-needs-reset", (st1 & S_NEEDS_RESET) != 0);
        CHECK_EQ("phase1-old-contents", w0 | w1, 0);
    } else {
        CHECK_EQ("phase1-used", u1, 1);
        CHECK_EQ("phase1-used-len", used.ring[0].len, BUF_LEN);
        CHECK("phase1-no-reset", (st1 & S_NEEDS_RESET) == 0);
        CHECK("phase1-data", (w0 | w1) != 0);
    }

    /* Phase 2: the page has now been touched by the CPU; the same transfer again. */
    CHECK("phase2-driver-ok", (setup() & (S_NEEDS_RESET | S_DRIVER_OK)) == S_DRIVER_OK);
    *(volatile uint32_t *)BUF = 0;
    *(volatile uint32_t *)(BUF + 4) = 0;
    unsigned u2 = transfer();
    uint32_t st2 = R(STATUS);
    uint32_t x0 = sram32(BUF), x1 = sram32(BUF + 4);
    printf("INFO phase2 used=%u status=0x%x buf=%08x%08x\n", u2, st2, x1, x0);
    CHECK_EQ("phase2-used", u2, 1);
    CHECK("phase2-no-reset", (st2 & S_NEEDS_RESET) == 0);
    CHECK("phase2-data", (x0 | x1) != 0);
    rt_result();
    return 0;
}
