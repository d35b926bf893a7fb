/* tests/unit/gic_fixture.h — the cmocka fixture shared by the GIC tests: a bus with a GICv2 or
 * GICv3 mapped at the virt addresses, the per-CPU output lines recorded as the GIC reports them,
 * a count of guest-error log messages, and bus / ICC_* accessors that assert success.
 * Included by one test file each (static functions). */
#ifndef FAULTLINE_TEST_GIC_FIXTURE_H
#define FAULTLINE_TEST_GIC_FIXTURE_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "gic/gic.h"
#include "cpu/cpu.h"
#include "machine/machine.h"

/* GICv2 distributor, CPU interface, GICH and GICV frames; GICv3 redistributor frames of CPU c */
#define D(off)      (VIRT_GIC_DIST + (off))
#define C(off)      (VIRT_GIC_CPU + (off))
#define H(off)      (VIRT_GIC_HYP + (off))
#define V(off)      (VIRT_GIC_VCPU + (off))
#define RD(c, off)  (VIRT_GIC_REDIST + (c) * VIRT_GIC_REDIST_STRIDE + (off))
#define SGI(c, off) (RD(c, 0x10000) + (off))
#define IRQ  GIC_LINE_IRQ
#define FIQ  GIC_LINE_FIQ
#define VIRQ GIC_LINE_VIRQ
#define VFIQ GIC_LINE_VFIQ

struct fx {
    struct bus *bus;
    struct gic *gic;
    bool virt;                          /* the virtual lines may move */
    bool line[GIC_MAX_CPUS][4];         /* indexed by enum gic_line */
    unsigned changes;                   /* line changes reported */
    unsigned logs;                      /* guest-error messages */
};

static __attribute__((unused)) void set_line(void *opaque, unsigned cpu, int line, bool level)
{
    struct fx *f = opaque;
    assert_true(cpu < GIC_MAX_CPUS);
    assert_true(line >= IRQ && line <= (f->virt ? VFIQ : FIQ));
    assert_int_not_equal(f->line[cpu][line], level);     /* only changes are reported */
    f->line[cpu][line] = level;
    f->changes++;
}

static __attribute__((unused)) void logmsg(void *opaque, const char *msg)
{
    ((struct fx *)opaque)->logs++;
}

/* A GIC of `version` (2 or 3) with ncpu CPUs. virt: a virtualization test — the virtual IRQ/FIQ
 * lines may move, and a GICv2 also gets its GICH and GICV frames at VIRT_GIC_HYP/VIRT_GIC_VCPU. */
static __attribute__((unused)) struct fx *fx_new(unsigned version, unsigned ncpu, bool virt)
{
    static struct fx f;
    memset(&f, 0, sizeof f);
    f.virt = virt;
    f.bus = bus_new();
    struct gic_config cfg = { .version = version, .num_cpus = ncpu, .set_cpu_line = set_line,
                              .log = logmsg, .opaque = &f };
    f.gic = gic_new(&cfg);
    assert_non_null(f.gic);
    assert_int_equal(gic_map(f.gic, f.bus), 0);
    if (virt && version == 2)
        assert_int_equal(gic_map_virt(f.gic, f.bus), 0);
    return &f;
}

static __attribute__((unused)) void fx_free(struct fx *f)
{
    gic_free(f->gic);
    bus_free(f->bus);
}

static __attribute__((unused)) uint64_t rd(struct fx *f, uint64_t pa, unsigned size)
{
    uint64_t v = 0xdeadbeef;
    assert_int_equal(bus_read(f->bus, mk_pa(pa), size, &v), BUS_OK);
    return v;
}
static __attribute__((unused)) void wr(struct fx *f, uint64_t pa, unsigned size, uint64_t v)
{
    assert_int_equal(bus_write(f->bus, mk_pa(pa), size, v), BUS_OK);
}
static __attribute__((unused)) uint32_t rd32(struct fx *f, uint64_t pa)
{
    return (uint32_t)rd(f, pa, 4);
}
static __attribute__((unused)) void wr32(struct fx *f, uint64_t pa, uint32_t v)
{
    wr(f, pa, 4, v);
}

/* GICv3 CPU interface of CPU c, EL1 view */
static __attribute__((unused)) uint64_t icc_rd(struct fx *f, unsigned c, uint32_t enc)
{
    uint64_t v = 0xdeadbeef;
    assert_true(gic_icc_read(f->gic, c, enc, &v));
    return v;
}
static __attribute__((unused)) void icc_wr(struct fx *f, unsigned c, uint32_t enc, uint64_t v)
{
    assert_true(gic_icc_write(f->gic, c, enc, v));
}

#endif
