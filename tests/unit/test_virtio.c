/* tests/unit/test_virtio.c — the virtio-mmio transport and split virtqueues driven by a fake
 * driver written here (descriptor tables and rings in RAM, registers through the bus as a CPU
 * would access them): register file and bad accesses, feature negotiation, virtio-blk
 * IN/OUT/FLUSH/GET_ID on a temporary file (direct and indirect chains), used-ring updates and
 * interrupt status, DMA faults (bus error and SMMU fault) → DEVICE_NEEDS_RESET with a
 * configuration-change interrupt, malformed chains, virtio-blk through an SMMU stage-1 domain
 * with IOVAs just below 2^48, and virtio-rng determinism. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "tests/unit/test_smmu_common.h"
#include "machine/virtio.h"

#define VBASE   VIRT_VIRTIO_MMIO
#define QNUM    16u
#define SID     3u

static struct virtio_mmio *vt;
static struct virtio_blk *vblk;
static struct virtio_rng *vrng;
static bool vt_irq;
static unsigned vt_irq_edges;
static char disk_path[64];
static uint64_t drv_iova, drv_pa;          /* the fake driver's DMA window: IOVA → PA */
static uint16_t avail_idx, used_seen;

static void vt_irq_set(void *opaque, unsigned intid, bool level)
{
    assert_int_equal(intid, 32 + VIRT_SPI_VIRTIO);
    if (level && !vt_irq) vt_irq_edges++;
    vt_irq = level;
}

static uint32_t vr(uint64_t off) { uint64_t v; assert_int_equal(bus_read(tb, mk_pa(VBASE + off), 4, &v), BUS_OK); return (uint32_t)v; }
static void vw(uint64_t off, uint32_t v) { assert_int_equal(bus_write(tb, mk_pa(VBASE + off), 4, v), BUS_OK); }
static uint8_t *host(uint64_t iova) { return fm + drv_pa + (iova - drv_iova); }
#define DESC      (drv_iova)
#define AVAIL     (drv_iova + 0x1000)
#define USED      (drv_iova + 0x2000)
#define BUF(n)    (drv_iova + 0x3000 + (n))

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32h(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32h(p, (uint32_t)v); put32h(p + 4, (uint32_t)(v >> 32)); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }

static void desc_at(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *d = host(table + 16ull * i);
    put64(d, addr); put32h(d + 8, len); put16(d + 12, flags); put16(d + 14, next);
}
static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    desc_at(DESC, i, addr, len, flags, next);
}
static void submit(uint16_t head)
{
    put16(host(AVAIL + 4 + 2u * (avail_idx % QNUM)), head);
    avail_idx++;
    put16(host(AVAIL + 2), avail_idx);
}

/* The driver's initialisation (virtio 1.1 §3.1.1) with the given features. */
static void driver_init(uint64_t features)
{
    vw(VIRTIO_MMIO_STATUS, 0);
    vw(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    vw(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    vw(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0); vw(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    vw(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1); vw(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
    vw(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    assert_true(vr(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
    vw(VIRTIO_MMIO_QUEUE_SEL, 0);
    assert_int_equal(vr(VIRTIO_MMIO_QUEUE_READY), 0);
    assert_int_equal(vr(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_QUEUE_MAX);
    vw(VIRTIO_MMIO_QUEUE_NUM, QNUM);
    vw(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC); vw(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(DESC >> 32));
    vw(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL); vw(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(AVAIL >> 32));
    vw(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED); vw(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(USED >> 32));
    vw(VIRTIO_MMIO_QUEUE_READY, 1);
    vw(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                           VIRTIO_STATUS_DRIVER_OK);
    avail_idx = used_seen = 0;
}
#define STD_FEATURES ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_ACCESS_PLATFORM))

/* Next used-ring entry: returns its len, checks its id. */
static uint32_t used_next(uint16_t expect_id)
{
    assert_true((uint16_t)(get16(host(USED + 2)) - used_seen) >= 1);
    const uint8_t *u = host(USED + 4 + 8u * (used_seen % QNUM));
    used_seen++;
    assert_int_equal(get32(u), expect_id);
    return get32(u + 4);
}

/* A transport for `ops/dev` on the test bus, behind the SMMU or not. */
static void vt_env(bool with_smmu, const struct virtio_device_ops *ops, void *dev)
{
    smmu_env();
    struct irq_line l = { vt_irq_set, NULL, 32 + VIRT_SPI_VIRTIO };
    vt = virtio_mmio_new(ops, dev, tb, with_smmu ? ts : NULL, SID, l);
    assert_non_null(vt);
    assert_int_equal(bus_map_mmio(tb, "virtio", mk_pa(VBASE), VIRTIO_MMIO_SIZE, &virtio_mmio_ops, vt), 0);
    vt_irq = false;
    vt_irq_edges = 0;
    drv_iova = drv_pa = 0x200000;
}
static void vt_env_free(void) { virtio_mmio_free(vt); vt = NULL; smmu_env_free(); }

/* A 64 KiB disk whose sector s holds bytes (s * 13 + i) & 0xff. */
static void make_disk(void)
{
    snprintf(disk_path, sizeof disk_path, "/tmp/fl-virtio-test-XXXXXX");
    int fd = mkstemp(disk_path);
    assert_true(fd >= 0);
    uint8_t sec[512];
    for (unsigned s = 0; s < 128; s++) {
        for (unsigned i = 0; i < 512; i++) sec[i] = (uint8_t)(s * 13 + i);
        assert_int_equal(write(fd, sec, 512), 512);
    }
    close(fd);
    char err[128];
    vblk = virtio_blk_new(disk_path, "disk0", false, false, err, sizeof err);
    assert_non_null(vblk);
}
static void free_disk(void) { virtio_blk_free(vblk); vblk = NULL; unlink(disk_path); }

static void blk_header(uint64_t at, uint32_t type, uint64_t sector)
{
    memset(host(at), 0, 16);
    put32h(host(at), type);
    put64(host(at + 8), sector);
}

/* ---- registers ---- */
static void test_registers(void **st)
{
    make_disk();
    vt_env(false, &virtio_blk_ops, vblk);
    assert_int_equal(vr(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    assert_int_equal(vr(VIRTIO_MMIO_VERSION), 2);
    assert_int_equal(vr(VIRTIO_MMIO_DEVICE_ID), 2);
    assert_int_equal(vr(VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR);
    vw(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t f0 = vr(VIRTIO_MMIO_DEVICE_FEATURES);
    assert_true(f0 & (1u << VIRTIO_BLK_F_FLUSH));
    assert_true(f0 & (1u << VIRTIO_BLK_F_SEG_MAX));
    vw(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    assert_int_equal(vr(VIRTIO_MMIO_DEVICE_FEATURES), 3);     /* VERSION_1, ACCESS_PLATFORM */
    vw(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
    assert_int_equal(vr(VIRTIO_MMIO_DEVICE_FEATURES), 0);
    /* config: capacity 128 sectors (8- and 4-byte reads), blk_size 512 */
    uint64_t v;
    assert_int_equal(bus_read(tb, mk_pa(VBASE + 0x100), 4, &v), BUS_OK);
    assert_int_equal(v, 128);
    assert_int_equal(bus_read(tb, mk_pa(VBASE + 0x104), 4, &v), BUS_OK);
    assert_int_equal(v, 0);
    assert_int_equal(bus_read(tb, mk_pa(VBASE + 0x114), 4, &v), BUS_OK);
    assert_int_equal(v, 512);
    assert_int_equal(bus_read(tb, mk_pa(VBASE + 0x100), 1, &v), BUS_OK);
    assert_int_equal(v, 128);
    assert_int_equal(vr(VIRTIO_MMIO_CONFIG_GENERATION), 0);
    assert_int_equal(vr(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffffu);
    assert_int_equal(vr(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    /* bad accesses: logged guest errors, RAZ/WI, never a crash or a bus error */
    unsigned ge = (unsigned)vt->guest_errors;
    assert_int_equal(bus_read(tb, mk_pa(VBASE + VIRTIO_MMIO_STATUS), 2, &v), BUS_OK);    /* 16-bit */
    assert_int_equal(v, 0);
    assert_int_equal(bus_write(tb, mk_pa(VBASE + VIRTIO_MMIO_STATUS), 8, 7), BUS_OK);   /* 64-bit */
    assert_int_equal(vr(VIRTIO_MMIO_STATUS), 0);
    assert_int_equal(vr(0x0f0), 0);                                           /* unknown */
    vw(VIRTIO_MMIO_MAGIC_VALUE, 1);                                           /* read-only */
    assert_int_equal(vr(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    assert_int_equal(vr(VIRTIO_MMIO_QUEUE_NOTIFY), 0);                        /* write-only */
    vw(VIRTIO_MMIO_QUEUE_NUM, VIRTIO_QUEUE_MAX + 1);                          /* too large */
    assert_int_equal(vr(VIRTIO_MMIO_QUEUE_NUM), 0);
    vw(VIRTIO_MMIO_QUEUE_SEL, 5);                                             /* no queue 5 */
    assert_int_equal(vr(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
    vw(VIRTIO_MMIO_QUEUE_NUM, 8);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 5);
    assert_int_equal(bus_read(tb, mk_pa(VBASE + 0x100 + 62), 4, &v), BUS_OK);  /* past config */
    assert_int_equal(bus_write(tb, mk_pa(VBASE + 0x100), 4, 1), BUS_OK);       /* config is RO */
    assert_int_equal(vt->guest_errors - ge, 10);
    /* queue addresses are 64-bit, in halves */
    vw(VIRTIO_MMIO_QUEUE_SEL, 0);
    vw(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x89abc000); vw(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0xffff);
    assert_int_equal(vt->vq[0].desc, 0xffff89abc000ull);
    assert_int_equal(vr(VIRTIO_MMIO_QUEUE_DESC_HIGH), 0xffff);
    vt_env_free();
    free_disk();
}

static void test_feature_negotiation(void **st)
{
    make_disk();
    vt_env(false, &virtio_blk_ops, vblk);
    /* no VERSION_1: this modern-only device refuses FEATURES_OK */
    vw(VIRTIO_MMIO_STATUS, 3);
    vw(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0); vw(VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_BLK_F_FLUSH);
    vw(VIRTIO_MMIO_STATUS, 3 | VIRTIO_STATUS_FEATURES_OK);
    assert_false(vr(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
    /* a feature the device does not offer */
    vw(VIRTIO_MMIO_STATUS, 0);
    vw(VIRTIO_MMIO_STATUS, 3);
    vw(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1); vw(VIRTIO_MMIO_DRIVER_FEATURES, 1);
    vw(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0); vw(VIRTIO_MMIO_DRIVER_FEATURES, 1u << 20);
    vw(VIRTIO_MMIO_STATUS, 3 | VIRTIO_STATUS_FEATURES_OK);
    assert_false(vr(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
    /* the proper set is accepted; later feature writes are ignored */
    driver_init(STD_FEATURES | (1u << VIRTIO_BLK_F_FLUSH));
    vw(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0); vw(VIRTIO_MMIO_DRIVER_FEATURES, 0);
    assert_int_equal(vt->driver_features, STD_FEATURES | (1u << VIRTIO_BLK_F_FLUSH));
    /* Status = 0 resets everything */
    vw(VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(vr(VIRTIO_MMIO_STATUS), 0);
    assert_int_equal(vr(VIRTIO_MMIO_QUEUE_READY), 0);
    assert_int_equal(vt->driver_features, 0);
    vt_env_free();
    free_disk();
}

/* Read sector `sec` into BUF(0x100) with a three-descriptor chain starting at `head`. */
static void chain_read(uint16_t head, uint64_t sec, uint32_t len)
{
    blk_header(BUF(0), VIRTIO_BLK_T_IN, sec);
    desc(head, BUF(0), 16, VIRTQ_DESC_F_NEXT, (uint16_t)(head + 1));
    desc(head + 1u, BUF(0x100), len, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, (uint16_t)(head + 2));
    desc(head + 2u, BUF(0x80), 1, VIRTQ_DESC_F_WRITE, 0);
    *host(BUF(0x80)) = 0xee;
    submit(head);
}

static void blk_read_write(void **st, bool smmu)
{
    make_disk();
    vt_env(smmu, &virtio_blk_ops, vblk);
    if (smmu) {
        /* Linux's stage-1 domain for stream SID: IOVAs just below 2^48 onto the PA window */
        linux_enable();
        uint64_t root = fm_alloc(0x1000);
        linux_s1_domain(0, 0, root, 0, SID);
        drv_iova = 0xffffffff0000ull;
        for (unsigned p = 0; p < 16; p++)
            tt_map(root, 12, 48, 0, drv_iova + p * 0x1000ull, 3, S1_PAGE(drv_pa + p * 0x1000ull, 0), 0);
    }
    driver_init(STD_FEATURES | (1u << VIRTIO_BLK_F_FLUSH));
    /* IN: sector 5, 1 KiB (sectors 5 and 6) */
    chain_read(0, 5, 1024);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_int_equal(used_next(0), 1025);
    assert_int_equal(*host(BUF(0x80)), VIRTIO_BLK_S_OK);
    for (unsigned i = 0; i < 1024; i++) assert_int_equal(host(BUF(0x100))[i], (uint8_t)((5 + i / 512) * 13 + i % 512));
    assert_true(vt_irq);
    assert_int_equal(vr(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
    vw(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
    assert_false(vt_irq);
    assert_int_equal(vr(VIRTIO_MMIO_INTERRUPT_STATUS), 0);

    /* OUT: sector 9 from a pattern split over two data descriptors */
    blk_header(BUF(0), VIRTIO_BLK_T_OUT, 9);
    for (unsigned i = 0; i < 512; i++) host(BUF(0x1000))[i] = (uint8_t)(0xa5 ^ i);
    desc(3, BUF(0), 16, VIRTQ_DESC_F_NEXT, 4);
    desc(4, BUF(0x1000), 200, VIRTQ_DESC_F_NEXT, 5);
    desc(5, BUF(0x1000 + 200), 312, VIRTQ_DESC_F_NEXT, 6);
    desc(6, BUF(0x80), 1, VIRTQ_DESC_F_WRITE, 0);
    submit(3);
    /* FLUSH and GET_ID in the same notify */
    blk_header(BUF(0x20), VIRTIO_BLK_T_FLUSH, 0);
    desc(7, BUF(0x20), 16, VIRTQ_DESC_F_NEXT, 8);
    desc(8, BUF(0x81), 1, VIRTQ_DESC_F_WRITE, 0);
    submit(7);
    blk_header(BUF(0x40), VIRTIO_BLK_T_GET_ID, 0);
    desc(9, BUF(0x40), 16, VIRTQ_DESC_F_NEXT, 10);
    desc(10, BUF(0x600), 20, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 11);
    desc(11, BUF(0x82), 1, VIRTQ_DESC_F_WRITE, 0);
    submit(9);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_int_equal(used_next(3), 1);
    assert_int_equal(used_next(7), 1);
    assert_int_equal(used_next(9), 21);
    assert_int_equal(*host(BUF(0x80)), VIRTIO_BLK_S_OK);
    assert_int_equal(*host(BUF(0x81)), VIRTIO_BLK_S_OK);
    assert_int_equal(*host(BUF(0x82)), VIRTIO_BLK_S_OK);
    assert_memory_equal(host(BUF(0x600)), "disk0\0\0\0", 8);
    FILE *f = fopen(disk_path, "rb");
    uint8_t sec[512];
    assert_int_equal(fseek(f, 9 * 512, SEEK_SET), 0);
    assert_int_equal(fread(sec, 1, 512, f), 512);
    fclose(f);
    for (unsigned i = 0; i < 512; i++) assert_int_equal(sec[i], (uint8_t)(0xa5 ^ i));

    /* read it back through an indirect table; then an unsupported type and a read past the end */
    uint64_t itab = BUF(0x2000);
    blk_header(BUF(0), VIRTIO_BLK_T_IN, 9);
    desc_at(itab, 0, BUF(0), 16, VIRTQ_DESC_F_NEXT, 1);
    desc_at(itab, 1, BUF(0x100), 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    desc_at(itab, 2, BUF(0x80), 1, VIRTQ_DESC_F_WRITE, 0);
    desc(12, itab, 48, VIRTQ_DESC_F_INDIRECT, 0);
    submit(12);
    blk_header(BUF(0x20), 99, 0);
    desc(13, BUF(0x20), 16, VIRTQ_DESC_F_NEXT, 14);
    desc(14, BUF(0x81), 1, VIRTQ_DESC_F_WRITE, 0);
    submit(13);
    blk_header(BUF(0x40), VIRTIO_BLK_T_IN, 127);
    desc(15, BUF(0x40), 16, VIRTQ_DESC_F_NEXT, 0);
    desc(0, BUF(0x400), 1024, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    desc(1, BUF(0x82), 1, VIRTQ_DESC_F_WRITE, 0);
    submit(15);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_int_equal(used_next(12), 513);
    assert_memory_equal(host(BUF(0x100)), sec, 512);
    assert_int_equal(*host(BUF(0x80)), VIRTIO_BLK_S_OK);
    assert_int_equal(used_next(13), 1);
    assert_int_equal(*host(BUF(0x81)), VIRTIO_BLK_S_UNSUPP);
    assert_int_equal(used_next(15), 1);
    assert_int_equal(*host(BUF(0x82)), VIRTIO_BLK_S_IOERR);
    assert_int_equal(vr(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, 0);
    assert_int_equal(vt->chains, 7);
    if (smmu) {
        struct smmu_iotlb_stats s;
        smmu_iotlb_stats(ts, &s);
        assert_true(s.hits > 0);
        assert_int_equal(GR0R(sGFSR), 0);
        assert_int_equal(CBR(0, FSR), 0);
    }
    vt_env_free();
    free_disk();
}
static void test_blk_read_write(void **st) { blk_read_write(st, false); }
static void test_blk_through_smmu(void **st) { blk_read_write(st, true); }

/* A descriptor pointing where nothing answers: bus error → NEEDS_RESET + config interrupt. */
static void test_dma_bus_error(void **st)
{
    make_disk();
    vt_env(false, &virtio_blk_ops, vblk);
    driver_init(STD_FEATURES);
    blk_header(BUF(0), VIRTIO_BLK_T_IN, 0);
    desc(0, BUF(0), 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, 0x7ff00000ull, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);   /* no RAM there */
    desc(2, BUF(0x80), 1, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_true(vr(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    assert_int_equal(vr(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
    assert_int_equal(vr(VIRTIO_MMIO_CONFIG_GENERATION), 1);
    assert_true(vt_irq);
    assert_int_equal(get16(host(USED + 2)), 0);                 /* nothing completed */
    assert_int_equal(vt->dma_faults, 1);
    /* the driver cannot clear NEEDS_RESET by writing Status; further notifies do nothing */
    vw(VIRTIO_MMIO_STATUS, 0x0f);
    assert_true(vr(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    chain_read(3, 0, 512);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_int_equal(get16(host(USED + 2)), 0);
    /* reset, then the device works again */
    vw(VIRTIO_MMIO_INTERRUPT_ACK, 3);
    assert_false(vt_irq);
    driver_init(STD_FEATURES);
    assert_int_equal(vr(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, 0);
    chain_read(0, 2, 512);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_int_equal(used_next(0), 513);
    assert_int_equal(host(BUF(0x100))[1], (uint8_t)(2 * 13 + 1));
    vt_env_free();
    free_disk();
}

/* The SMMU is live and nothing maps the transport's stream: a global fault (USF) recorded with
 * the stream ID, the transfer aborted, the device asks for a reset. Then a context fault: the
 * used ring's page is read-only in the stage-1 domain. */
static void test_smmu_fault(void **st)
{
    make_disk();
    vt_env(true, &virtio_blk_ops, vblk);
    linux_enable();                          /* USFCFG = 1: unmatched streams fault */
    driver_init(STD_FEATURES);
    chain_read(0, 1, 512);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_true(vr(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    assert_true(vr(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
    assert_true(GR0R(sGFSR) & 2);            /* USF */
    assert_int_equal(GR0R(sGFSYNR1) & 0x7fff, SID);
    assert_true(irq_level[SMMU_IRQ_GLOBAL]);
    assert_int_equal(vt->dma.fault.outcome, SMMU_GLOBAL_FAULT);
    GR0W(sGFSR, GR0R(sGFSR));

    uint64_t root = fm_alloc(0x1000);
    linux_s1_domain(0, 0, root, 0, SID);
    drv_iova = 0xffffffff0000ull;
    for (unsigned p = 0; p < 16; p++)
        tt_map(root, 12, 48, 0, drv_iova + p * 0x1000ull, 3,
               S1_PAGE(drv_pa + p * 0x1000ull, p == 2 ? D_AP_RO : 0), 0);  /* USED read-only */
    driver_init(STD_FEATURES);
    chain_read(0, 1, 512);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_true(vr(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    assert_int_equal(CBR(0, FSR), 1u << 3);                 /* PF */
    assert_int_equal(CBRQ(0, FAR) & ~0xfffull, USED);
    assert_int_equal(GR1R(CBFRSYNRA(0)), SID);
    assert_true(irq_level[SMMU_IRQ_CONTEXT(0)]);
    /* the data itself had arrived (the buffer pages are writable) */
    assert_int_equal(host(BUF(0x100))[0], 13);
    vt_env_free();
    free_disk();
}

/* Malformed chains from a hostile driver: a loop, an out-of-range next, a runaway avail index. */
static void test_malformed_chains(void **st)
{
    make_disk();
    vt_env(false, &virtio_blk_ops, vblk);
    driver_init(STD_FEATURES);
    desc(0, BUF(0), 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, BUF(0x100), 16, VIRTQ_DESC_F_NEXT, 0);                             /* 0 → 1 → 0 ... */
    submit(0);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_true(vr(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    driver_init(STD_FEATURES);
    desc(0, BUF(0), 16, VIRTQ_DESC_F_NEXT, 200);
    submit(0);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_true(vr(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    driver_init(STD_FEATURES);
    put16(host(AVAIL + 2), 1000);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_true(vr(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    driver_init(STD_FEATURES);
    desc(0, BUF(0x2000), 32, VIRTQ_DESC_F_INDIRECT, 0);
    desc_at(BUF(0x2000), 0, BUF(0x2000), 32, VIRTQ_DESC_F_INDIRECT, 0);         /* nested */
    submit(0);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_true(vr(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    /* a notify before DRIVER_OK does nothing */
    vw(VIRTIO_MMIO_STATUS, 0);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_int_equal(vr(VIRTIO_MMIO_STATUS), 0);
    assert_true(vt->guest_errors >= 4);
    vt_env_free();
    free_disk();
}

/* virtio-rng: the bytes depend on -seed only; reset restarts the stream. */
static void rng_fetch(uint8_t *out, uint32_t len)
{
    desc(0, BUF(0x100), len, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_int_equal(used_next(0), len);
    memcpy(out, host(BUF(0x100)), len);
    vw(VIRTIO_MMIO_INTERRUPT_ACK, 1);
}
/* A request whose writable buffer is the transport's own register file. The DMA API reaches
 * MMIO in naturally aligned 32-bit accesses, so a 4-byte data descriptor at Status or
 * QueueNotify is a real register write from the device in the middle of its own notify: a
 * Status = 0 there would reset the queues under the request being completed, a QueueNotify
 * would recurse. Such a write is ignored (a guest error): both requests complete, the device
 * stays DRIVER_OK, no nested notify. */
static void test_dma_into_own_registers(void **st)
{
    make_disk();
    vt_env(false, &virtio_blk_ops, vblk);
    driver_init(STD_FEATURES);
    /* sector 7 := zeros, so the word the device writes is 0 */
    blk_header(BUF(0), VIRTIO_BLK_T_OUT, 7);
    memset(host(BUF(0x200)), 0, 512);
    desc(0, BUF(0), 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, BUF(0x200), 512, VIRTQ_DESC_F_NEXT, 2);
    desc(2, BUF(0x80), 1, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_int_equal(used_next(0), 1);
    uint64_t ge0 = vt->guest_errors, n0 = vt->notifies;
    static const uint64_t regs[] = { VIRTIO_MMIO_STATUS, VIRTIO_MMIO_QUEUE_NOTIFY };
    for (unsigned k = 0; k < 2; k++) {
        blk_header(BUF(0x10 * k + 0x20), VIRTIO_BLK_T_IN, 7);
        unsigned h = 4 + 3 * k;
        desc(h, BUF(0x10 * k + 0x20), 16, VIRTQ_DESC_F_NEXT, (uint16_t)(h + 1));
        desc(h + 1, VBASE + regs[k], 4, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, (uint16_t)(h + 2));
        desc(h + 2, BUF(0x90 + k), 1, VIRTQ_DESC_F_WRITE, 0);
        *host(BUF(0x90 + k)) = 0xee;
        submit((uint16_t)h);
    }
    vw(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_int_equal(used_next(4), 5);
    assert_int_equal(used_next(7), 5);
    assert_int_equal(*host(BUF(0x90)), VIRTIO_BLK_S_OK);
    assert_int_equal(*host(BUF(0x91)), VIRTIO_BLK_S_OK);
    assert_int_equal(vr(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                             VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
    assert_int_equal(vt->notifies - n0, 1);
    assert_int_equal(vt->guest_errors - ge0, 2);
    vt_env_free();
    free_disk();
}

static void test_rng_determinism(void **st)
{
    uint8_t a[100], b[100], c[100], d[100];
    vrng = virtio_rng_new(42);
    vt_env(false, &virtio_rng_ops, vrng);
    assert_int_equal(vr(VIRTIO_MMIO_DEVICE_ID), 4);
    driver_init(STD_FEATURES);
    rng_fetch(a, sizeof a);
    rng_fetch(b, sizeof b);
    assert_memory_not_equal(a, b, sizeof a);
    driver_init(STD_FEATURES);              /* reset: the same stream again */
    rng_fetch(c, sizeof c);
    assert_memory_equal(a, c, sizeof a);
    vt_env_free();
    virtio_rng_free(vrng);
    vrng = virtio_rng_new(43);
    vt_env(false, &virtio_rng_ops, vrng);
    driver_init(STD_FEATURES);
    rng_fetch(d, sizeof d);
    assert_memory_not_equal(a, d, sizeof a);
    unsigned zeros = 0;
    for (unsigned i = 0; i < sizeof d; i++) zeros += !d[i];
    assert_true(zeros < 10);
    vt_env_free();
    virtio_rng_free(vrng);
}

int main(void)
{
    if (getenv("VIRTIO_TEST_LOG")) mlog_set(MLOG_GUEST_ERRORS, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registers), cmocka_unit_test(test_feature_negotiation),
        cmocka_unit_test(test_blk_read_write), cmocka_unit_test(test_dma_into_own_registers), cmocka_unit_test(test_blk_through_smmu),
        cmocka_unit_test(test_dma_bus_error), cmocka_unit_test(test_smmu_fault),
        cmocka_unit_test(test_malformed_chains), cmocka_unit_test(test_rng_determinism),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
