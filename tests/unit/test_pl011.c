/* tests/unit/test_pl011.c — PL011 registers, RX FIFO, interrupt level, ID registers, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "machine/machine.h"

static int irq_calls;
static bool irq_level_seen;
static void irq_cb(void *opaque, unsigned intid, bool level)
{
    assert_int_equal(intid, 33);
    irq_calls++;
    irq_level_seen = level;
}

static struct pl011 *mk(void)
{
    struct irq_line l = { irq_cb, NULL, 33 };
    irq_calls = 0;
    irq_level_seen = false;
    return pl011_new(NULL, l);
}
static uint32_t rd(struct pl011 *s, uint64_t off)
{
    uint64_t v = 0xdead;
    assert_int_equal(pl011_mmio_ops.read(s, off, 4, &v), BUS_OK);
    return (uint32_t)v;
}
static void wr(struct pl011 *s, uint64_t off, uint32_t v)
{
    assert_int_equal(pl011_mmio_ops.write(s, off, 4, v), BUS_OK);
}

static void test_reset_values(void **st)
{
    struct pl011 *s = mk();
    assert_int_equal(rd(s, 0x18), 0x90);     /* FR: TXFE | RXFE */
    assert_int_equal(rd(s, 0x30), 0x300);    /* CR: TXE | RXE */
    assert_int_equal(rd(s, 0x34), 0x12);     /* IFLS */
    assert_int_equal(rd(s, 0x38), 0);        /* IMSC */
    assert_int_equal(rd(s, 0x3c) & 0x20, 0x20); /* TXRIS: TX FIFO empty */
    assert_int_equal(rd(s, 0x40), 0);        /* MIS */
    pl011_free(s);
}

static void test_id_registers(void **st)
{
    struct pl011 *s = mk();
    static const uint8_t id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
    for (int i = 0; i < 8; i++) assert_int_equal(rd(s, 0xfe0 + 4 * i), id[i]);
    pl011_free(s);
}

static void test_rw_registers(void **st)
{
    struct pl011 *s = mk();
    wr(s, 0x24, 0x1234); assert_int_equal(rd(s, 0x24), 0x1234);
    wr(s, 0x28, 0xff);   assert_int_equal(rd(s, 0x28), 0x3f);   /* FBRD is 6 bits */
    wr(s, 0x2c, 0x70);   assert_int_equal(rd(s, 0x2c), 0x70);
    wr(s, 0x20, 0x55);   assert_int_equal(rd(s, 0x20), 0x55);
    uint64_t v;          /* 16-bit access as Linux's amba-pl011 does */
    assert_int_equal(pl011_mmio_ops.read(s, 0x24, 2, &v), BUS_OK);
    assert_int_equal(v, 0x1234);
    pl011_free(s);
}

static void test_rx_fifo(void **st)
{
    struct pl011 *s = mk();
    wr(s, 0x2c, 0x70);                        /* FEN, 8 bits */
    uint8_t buf[20];
    for (int i = 0; i < 20; i++) buf[i] = (uint8_t)('a' + i);
    assert_int_equal(pl011_can_receive(s), 16);
    pl011_receive(s, buf, 16);
    assert_int_equal(pl011_can_receive(s), 0);
    assert_true(rd(s, 0x18) & 0x40);          /* RXFF */
    for (int i = 0; i < 16; i++) assert_int_equal(rd(s, 0x00), 'a' + i);
    assert_true(rd(s, 0x18) & 0x10);          /* RXFE */
    wr(s, 0x2c, 0x60);                        /* FIFO off: 1-byte holding register */
    assert_int_equal(pl011_can_receive(s), 1);
    pl011_free(s);
}

static void test_interrupts(void **st)
{
    struct pl011 *s = mk();
    wr(s, 0x2c, 0x70);
    wr(s, 0x38, 0x50);                        /* RXIM | RTIM */
    assert_false(pl011_irq_level(s));
    uint8_t c = 'x';
    pl011_receive(s, &c, 1);                  /* below trigger: receive timeout */
    assert_true(pl011_irq_level(s));
    assert_true(irq_level_seen);
    assert_int_equal(rd(s, 0x40), 0x40);      /* MIS = RTMIS */
    rd(s, 0x00);                              /* drain: interrupt goes away */
    assert_false(pl011_irq_level(s));
    uint8_t b8[8] = "12345678";
    pl011_receive(s, b8, 8);                  /* trigger 1/2 = 8: RXIS */
    assert_true(rd(s, 0x40) & 0x10);
    wr(s, 0x44, 0x7ff);                       /* ICR */
    assert_int_equal(rd(s, 0x40), 0);
    assert_false(pl011_irq_level(s));
    wr(s, 0x38, 0x20);                        /* TXIM: TX FIFO is always empty */
    assert_true(pl011_irq_level(s));
    wr(s, 0x38, 0);
    assert_false(pl011_irq_level(s));
    pl011_free(s);
}

static void test_bad_access(void **st)
{
    struct pl011 *s = mk();
    uint64_t v;
    assert_int_equal(pl011_mmio_ops.read(s, 0x100, 4, &v), BUS_SLAVE_ERROR);
    assert_int_equal(pl011_mmio_ops.write(s, 0x100, 4, 0), BUS_SLAVE_ERROR);
    assert_int_equal(pl011_mmio_ops.read(s, 0x00, 8, &v), BUS_SLAVE_ERROR);
    assert_int_equal(pl011_mmio_ops.read(s, 0x02, 2, &v), BUS_SLAVE_ERROR);
    assert_int_equal(pl011_mmio_ops.write(s, 0x18, 4, 0), BUS_SLAVE_ERROR);   /* FR read-only */
    assert_int_equal(pl011_mmio_ops.write(s, 0xfe0, 4, 0), BUS_SLAVE_ERROR);
    assert_int_equal(rd(s, 0x18), 0x90);      /* still alive */
    pl011_free(s);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_reset_values), cmocka_unit_test(test_id_registers),
        cmocka_unit_test(test_rw_registers), cmocka_unit_test(test_rx_fifo),
        cmocka_unit_test(test_interrupts), cmocka_unit_test(test_bad_access),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
