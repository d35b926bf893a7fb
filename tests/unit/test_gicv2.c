/* tests/unit/test_gicv2.c — the GICv2 model driven through the bus at the virt addresses,
 * observing the per-CPU IRQ/FIQ lines. Spec: IHI 0048B. */
#include "tests/unit/gic_fixture.h"

static void cpu(struct fx *f, unsigned c) { gic_set_current_cpu(f->gic, c); }

/* Enable the distributor and CPU interface `c` for Group 0 (Linux's set-up), PMR open. */
static void open_cpu(struct fx *f, unsigned c)
{
    cpu(f, c);
    wr32(f, C(0x000), 0x1);          /* GICC_CTLR.EnableGrp0 */
    wr32(f, C(0x004), 0xF0);         /* GICC_PMR */
}
static void setup(struct fx *f)
{
    wr32(f, D(0x000), 0x3);          /* GICD_CTLR EnableGrp0|EnableGrp1 */
    open_cpu(f, 0);
}
/* Enable SPI intid with priority prio targeting CPU mask. */
static void spi(struct fx *f, unsigned intid, uint8_t prio, uint8_t targets)
{
    wr(f, D(0x400 + intid), 1, prio);
    wr(f, D(0x800 + intid), 1, targets);
    wr32(f, D(0x100 + intid / 32 * 4), 1u << (intid % 32));
}

static void test_id_registers(void **s)
{
    struct fx *f = fx_new(2, 2, false);
    /* ITLinesNumber 8 (288 INTIDs as QEMU virt), CPUNumber 1, SecurityExtn 0 */
    assert_int_equal(rd32(f, D(0x004)), 0x8 | 1 << 5);
    assert_int_equal(gic_num_irqs(f->gic), 288);
    assert_int_equal(rd32(f, D(0x008)), 0x0200143B);
    assert_int_equal(rd32(f, D(0xFE8)), 0x2B);     /* GICD_PIDR2: ArchRev 2 */
    assert_int_equal(rd32(f, D(0xFF0)), 0x0D);
    assert_int_equal(rd32(f, D(0xFFC)), 0xB1);
    assert_int_equal(rd32(f, C(0x0FC)), 0x0202143B);
    assert_int_equal(rd32(f, C(0x008)), 2);        /* GICC_BPR minimum */
    assert_int_equal(rd32(f, C(0x01C)), 3);        /* GICC_ABPR minimum + 1 */
    assert_int_equal(rd32(f, C(0x014)), 0xFF);     /* GICC_RPR idle */
    /* SGIs: always enabled (GIC-400), edge */
    assert_int_equal(rd32(f, D(0x100)), 0xFFFF);
    wr32(f, D(0x180), 0xFFFFFFFF);
    assert_int_equal(rd32(f, D(0x100)), 0xFFFF);
    assert_int_equal(rd32(f, D(0xC00)), 0xAAAAAAAA);
    wr32(f, D(0xC00), 0);
    assert_int_equal(rd32(f, D(0xC00)), 0xAAAAAAAA);
    fx_free(f);
}

static void test_level_spi_repends_after_eoi(void **s)
{
    struct fx *f = fx_new(2, 1, false);
    setup(f);
    spi(f, 33, 0x80, 1);
    assert_false(f->line[0][IRQ]);
    gic_set_spi(f->gic, 33, true);
    assert_true(f->line[0][IRQ]);
    assert_false(f->line[0][FIQ]);
    assert_int_equal(rd32(f, C(0x018)), 33);               /* GICC_HPPIR */
    assert_int_equal(rd32(f, C(0x00C)), 33);               /* GICC_IAR */
    assert_false(f->line[0][IRQ]);                          /* active and pending: not signalled */
    assert_int_equal(rd32(f, D(0x304)), 1u << 1);           /* GICD_ISACTIVER1 */
    assert_int_equal(rd32(f, D(0x204)), 1u << 1);           /* still pending: line high */
    assert_int_equal(rd32(f, C(0x014)), 0x80);              /* GICC_RPR */
    assert_int_equal(rd32(f, C(0x0D0)), 1u << (0x80 >> 3)); /* GICC_APR0 */
    assert_int_equal(rd32(f, C(0x00C)), 1023);              /* nothing else */
    wr32(f, C(0x010), 33);                                  /* EOI, line still high */
    assert_true(f->line[0][IRQ]);                           /* pends again */
    assert_int_equal(rd32(f, C(0x00C)), 33);
    gic_set_spi(f->gic, 33, false);
    wr32(f, C(0x010), 33);
    assert_false(f->line[0][IRQ]);
    assert_int_equal(rd32(f, C(0x00C)), 1023);
    assert_int_equal(rd32(f, D(0x204)), 0);
    assert_int_equal(rd32(f, D(0x304)), 0);
    fx_free(f);
}

static void test_edge_latch(void **s)
{
    struct fx *f = fx_new(2, 1, false);
    setup(f);
    spi(f, 40, 0x80, 1);
    wr32(f, D(0xC08), 2u << (2 * (40 - 32)));  /* GICD_ICFGR2: INTID 40 edge */
    assert_int_equal(rd32(f, D(0xC08)), 2u << 16);
    gic_set_spi(f->gic, 40, true);
    gic_set_spi(f->gic, 40, false);             /* pulse: stays latched */
    assert_true(f->line[0][IRQ]);
    assert_int_equal(rd32(f, C(0x00C)), 40);
    assert_false(f->line[0][IRQ]);
    assert_int_equal(rd32(f, D(0x204)), 0);     /* acknowledged: no longer pending */
    gic_set_spi(f->gic, 40, true);              /* new edge while active */
    assert_false(f->line[0][IRQ]);
    assert_int_equal(rd32(f, D(0x204)), 1u << 8);
    gic_set_spi(f->gic, 40, true);              /* no edge: level unchanged */
    wr32(f, C(0x010), 40);
    assert_true(f->line[0][IRQ]);
    assert_int_equal(rd32(f, C(0x00C)), 40);
    wr32(f, C(0x010), 40);
    assert_false(f->line[0][IRQ]);              /* line still high but edge: nothing new */
    assert_int_equal(rd32(f, C(0x00C)), 1023);
    fx_free(f);
}

static void test_pmr_masking(void **s)
{
    struct fx *f = fx_new(2, 1, false);
    setup(f);
    spi(f, 34, 0x80, 1);
    wr32(f, C(0x004), 0x80);                    /* PMR equal: masked (strictly higher needed) */
    gic_set_spi(f->gic, 34, true);
    assert_false(f->line[0][IRQ]);
    assert_int_equal(rd32(f, C(0x00C)), 1023);
    assert_int_equal(rd32(f, C(0x018)), 34);    /* HPPIR ignores the mask */
    wr32(f, C(0x004), 0x8F);                    /* implemented bits only: reads 0x88 */
    assert_int_equal(rd32(f, C(0x004)), 0x88);
    assert_true(f->line[0][IRQ]);
    wr32(f, C(0x004), 0);
    assert_false(f->line[0][IRQ]);
    fx_free(f);
}

static void test_preemption_binary_point(void **s)
{
    struct fx *f = fx_new(2, 1, false);
    setup(f);
    spi(f, 35, 0x50, 1);
    spi(f, 36, 0x48, 1);
    spi(f, 37, 0x58, 1);
    gic_set_spi(f->gic, 35, true);
    assert_int_equal(rd32(f, C(0x00C)), 35);
    assert_int_equal(rd32(f, C(0x014)), 0x50);
    /* BPR 2: group priority is the whole 5-bit priority; 0x48 preempts 0x50, 0x58 does not */
    gic_set_spi(f->gic, 37, true);
    assert_false(f->line[0][IRQ]);
    gic_set_spi(f->gic, 36, true);
    assert_true(f->line[0][IRQ]);
    gic_set_spi(f->gic, 36, false);
    assert_false(f->line[0][IRQ]);
    /* BPR 4: group priority bits [7:5]; 0x50 and 0x48 are both group priority 0x40 */
    wr32(f, C(0x004), 0xF0);
    wr32(f, C(0x010), 35);
    gic_set_spi(f->gic, 37, false);
    wr32(f, C(0x008), 4);
    assert_int_equal(rd32(f, C(0x008)), 4);
    assert_int_equal(rd32(f, C(0x00C)), 35);
    assert_int_equal(rd32(f, C(0x014)), 0x40);  /* running priority = group priority */
    gic_set_spi(f->gic, 36, true);
    assert_false(f->line[0][IRQ]);              /* same group priority: no preemption */
    assert_int_equal(rd32(f, C(0x00C)), 1023);
    wr32(f, C(0x010), 35);
    assert_true(f->line[0][IRQ]);
    /* BPR below the minimum reads back the minimum */
    wr32(f, C(0x008), 0);
    assert_int_equal(rd32(f, C(0x008)), 2);
    fx_free(f);
}

static void test_eoimode_dir(void **s)
{
    struct fx *f = fx_new(2, 1, false);
    setup(f);
    wr32(f, C(0x000), 0x1 | 1u << 9);           /* EnableGrp0 | EOImodeS */
    assert_int_equal(rd32(f, C(0x000)), 0x201);
    spi(f, 38, 0x80, 1);
    gic_set_spi(f->gic, 38, true);
    assert_int_equal(rd32(f, C(0x00C)), 38);
    wr32(f, C(0x010), 38);                      /* priority drop only */
    assert_int_equal(rd32(f, C(0x014)), 0xFF);
    assert_int_equal(rd32(f, D(0x304)), 1u << 6);
    assert_false(f->line[0][IRQ]);              /* still active: not signalled again */
    wr32(f, C(0x1000), 38);                     /* GICC_DIR */
    assert_int_equal(rd32(f, D(0x304)), 0);
    assert_true(f->line[0][IRQ]);               /* line still high: pending again */
    fx_free(f);
}

static void test_sgi_target_filters(void **s)
{
    struct fx *f = fx_new(2, 4, false);
    wr32(f, D(0x000), 1);
    for (unsigned c = 0; c < 4; c++)
        open_cpu(f, c);
    /* CPU 0: TargetListFilter 0, list {1,2}, SGI 3 */
    cpu(f, 0);
    wr32(f, D(0xF00), 0u << 24 | 0x06 << 16 | 3);
    assert_false(f->line[0][IRQ]);
    assert_true(f->line[1][IRQ]);
    assert_true(f->line[2][IRQ]);
    assert_false(f->line[3][IRQ]);
    cpu(f, 1);
    assert_int_equal(rd32(f, D(0xF10)), 0x01u << 24);   /* GICD_CPENDSGIR0: SGI 3 from CPU 0 */
    assert_int_equal(rd32(f, C(0x00C)), 3 | 0 << 10);
    wr32(f, C(0x010), 3);
    assert_false(f->line[1][IRQ]);
    /* CPU 2: filter 1, all but self */
    cpu(f, 2);
    assert_int_equal(rd32(f, C(0x00C)), 3);
    wr32(f, C(0x010), 3);
    wr32(f, D(0xF00), 1u << 24 | 5);
    assert_true(f->line[0][IRQ] && f->line[1][IRQ] && f->line[3][IRQ]);
    assert_false(f->line[2][IRQ]);
    cpu(f, 3);
    assert_int_equal(rd32(f, C(0x018)), 5 | 2 << 10);  /* HPPIR carries the source */
    assert_int_equal(rd32(f, C(0x00C)), 5 | 2 << 10);
    wr32(f, C(0x010), 5 | 2 << 10);
    /* CPU 3: filter 2, self only */
    wr32(f, D(0xF00), 2u << 24 | 0xFF << 16 | 7);
    assert_true(f->line[3][IRQ]);
    assert_int_equal(rd32(f, C(0x00C)), 7 | 3 << 10);
    wr32(f, C(0x010), 7 | 3 << 10);
    /* Two sources of one SGI pend separately */
    cpu(f, 0);
    wr32(f, D(0xF00), 0x08 << 16 | 9);
    cpu(f, 1);
    wr32(f, D(0xF00), 0x08 << 16 | 9);
    cpu(f, 3);
    assert_int_equal(rd(f, D(0xF10 + 9), 1), 0x3);    /* byte access: sources 0 and 1 */
    assert_int_equal(rd32(f, C(0x00C)), 9 | 0 << 10);
    wr32(f, C(0x010), 9);
    assert_int_equal(rd32(f, C(0x00C)), 9 | 1 << 10);
    wr32(f, C(0x010), 9);
    assert_int_equal(rd32(f, C(0x00C)), 1023);
    /* SPENDSGIR / CPENDSGIR set and clear per source */
    wr(f, D(0xF20 + 4), 1, 0x4);
    assert_true(f->line[3][IRQ]);
    assert_int_equal(rd32(f, D(0x200)) & 0xFFFF, 1u << 4);
    wr(f, D(0xF10 + 4), 1, 0x4);
    assert_false(f->line[3][IRQ]);
    /* reserved filter ignored */
    wr32(f, D(0xF00), 3u << 24 | 0xF << 16 | 1);
    assert_false(f->line[2][IRQ]);
    assert_false(f->line[3][IRQ]);
    /* "SGI pending bits are not written through GICD_ISPENDR0" */
    wr32(f, D(0x200), 0xFFFF);
    assert_false(f->line[3][IRQ]);
    fx_free(f);
}

static void test_spurious_and_groups(void **s)
{
    struct fx *f = fx_new(2, 1, false);
    assert_int_equal(rd32(f, C(0x00C)), 1023);
    assert_int_equal(rd32(f, C(0x018)), 1023);
    setup(f);
    spi(f, 50, 0x80, 1);
    wr32(f, D(0x084), 1u << 18);                /* GICD_IGROUPR1: INTID 50 Group 1 */
    gic_set_spi(f->gic, 50, true);
    assert_false(f->line[0][IRQ]);              /* CPU interface Group 1 disabled */
    wr32(f, C(0x000), 0x3);                     /* EnableGrp0|EnableGrp1, AckCtl 0 */
    assert_true(f->line[0][IRQ]);
    assert_int_equal(rd32(f, C(0x018)), 1022);  /* HPPIR: Group 1 without AckCtl */
    assert_int_equal(rd32(f, C(0x00C)), 1022);  /* IAR does not acknowledge it */
    assert_int_equal(rd32(f, C(0x028)), 50);    /* AHPPIR */
    assert_int_equal(rd32(f, C(0x020)), 50);    /* AIAR acknowledges Group 1 */
    assert_int_equal(rd32(f, C(0x0E0)), 1u << (0x80 >> 3));   /* GICC_NSAPR0 */
    assert_int_equal(rd32(f, C(0x0D0)), 0);
    wr32(f, C(0x024), 50);                      /* AEOIR */
    assert_int_equal(rd32(f, C(0x0E0)), 0);
    wr32(f, C(0x000), 0x7);                     /* AckCtl: IAR acknowledges Group 1 */
    assert_int_equal(rd32(f, C(0x00C)), 50);
    wr32(f, C(0x010), 50);
    /* distributor Group 1 disable */
    wr32(f, D(0x000), 0x1);
    assert_false(f->line[0][IRQ]);
    assert_int_equal(rd32(f, C(0x00C)), 1023);
    wr32(f, D(0x000), 0x3);
    assert_true(f->line[0][IRQ]);
    /* a Group 0 interrupt with FIQEn goes out on FIQ; AIAR does not take it */
    spi(f, 51, 0x40, 1);
    wr32(f, C(0x000), 0x7 | 1u << 3);
    gic_set_spi(f->gic, 51, true);
    assert_true(f->line[0][FIQ]);
    assert_false(f->line[0][IRQ]);               /* the Group 1 one is lower priority */
    assert_int_equal(rd32(f, C(0x020)), 1023);
    assert_int_equal(rd32(f, C(0x00C)), 51);
    assert_false(f->line[0][FIQ]);
    assert_false(f->line[0][IRQ]);               /* 0x80 does not preempt 0x40 */
    gic_set_spi(f->gic, 51, false);
    wr32(f, C(0x010), 51);
    assert_false(f->line[0][FIQ]);
    assert_true(f->line[0][IRQ]);
    fx_free(f);
}

static void test_itargetsr_routing(void **s)
{
    struct fx *f = fx_new(2, 2, false);
    wr32(f, D(0x000), 1);
    open_cpu(f, 0);
    open_cpu(f, 1);
    spi(f, 48, 0x80, 0x2);
    gic_set_spi(f->gic, 48, true);
    assert_false(f->line[0][IRQ]);
    assert_true(f->line[1][IRQ]);
    wr(f, D(0x800 + 48), 1, 0x1);
    assert_true(f->line[0][IRQ]);
    assert_false(f->line[1][IRQ]);
    wr(f, D(0x800 + 48), 1, 0xFF);              /* only implemented CPUs stick */
    assert_int_equal(rd(f, D(0x800 + 48), 1), 0x3);
    assert_true(f->line[0][IRQ] && f->line[1][IRQ]);
    cpu(f, 1);
    assert_int_equal(rd32(f, C(0x00C)), 48);    /* CPU 1 takes it: CPU 0 loses it */
    assert_false(f->line[0][IRQ]);
    cpu(f, 0);
    assert_int_equal(rd32(f, C(0x00C)), 1023);
    /* word access of four targets; SGI/PPI targets read the reader's own bit and ignore writes */
    assert_int_equal(rd32(f, D(0x800 + 48)), 0x3);
    assert_int_equal(rd32(f, D(0x800)), 0x01010101);
    cpu(f, 1);
    assert_int_equal(rd32(f, D(0x81C)), 0x02020202);
    wr32(f, D(0x800), 0);
    assert_int_equal(rd32(f, D(0x800)), 0x02020202);
    /* PPIs of one CPU do not reach the other */
    wr32(f, D(0x100), 1u << 27);                /* CPU 1's bank: enable PPI 27 */
    wr(f, D(0x400 + 27), 1, 0xA0);
    gic_set_ppi(f->gic, 0, 27, true);
    assert_false(f->line[0][IRQ]);              /* CPU 0's copy is disabled */
    gic_set_ppi(f->gic, 1, 27, true);
    gic_set_spi(f->gic, 48, false);
    wr32(f, C(0x010), 48);
    assert_true(f->line[1][IRQ]);
    assert_int_equal(rd32(f, C(0x00C)), 27);
    fx_free(f);
}

static void test_pending_registers(void **s)
{
    struct fx *f = fx_new(2, 1, false);
    setup(f);
    spi(f, 60, 0x80, 1);
    wr32(f, D(0x204), 1u << 28);                /* ISPENDR1: software pend */
    assert_true(f->line[0][IRQ]);
    wr32(f, D(0x284), 1u << 28);                /* ICPENDR1 */
    assert_false(f->line[0][IRQ]);
    gic_set_spi(f->gic, 60, true);
    wr32(f, D(0x284), 1u << 28);                /* cannot clear a level that is high */
    assert_true(f->line[0][IRQ]);
    wr32(f, D(0x184), 1u << 28);                /* ICENABLER1 */
    assert_false(f->line[0][IRQ]);
    assert_int_equal(rd32(f, D(0x104)), 0);
    wr32(f, D(0x104), 1u << 28);
    assert_true(f->line[0][IRQ]);
    wr32(f, D(0x304), 1u << 28);                /* ISACTIVER: active, so not signalled */
    assert_false(f->line[0][IRQ]);
    wr32(f, D(0x384), 1u << 28);
    assert_true(f->line[0][IRQ]);
    struct gic_irq_state st;
    assert_true(gic_irq_state(f->gic, 0, 60, &st));
    assert_true(st.enabled && st.pending && !st.active && st.level && !st.edge);
    assert_int_equal(st.priority, 0x80);
    assert_false(gic_irq_state(f->gic, 0, 288, &st));
    fx_free(f);
}

static void test_access_sizes_and_reserved(void **s)
{
    struct fx *f = fx_new(2, 1, false);
    uint64_t v;
    unsigned logs = f->logs;
    /* IPRIORITYR byte and word; unimplemented low bits read 0 */
    wr(f, D(0x420), 1, 0xFF);
    wr(f, D(0x421), 1, 0x11);
    assert_int_equal(rd32(f, D(0x420)), 0x10F8);
    wr32(f, D(0x424), 0x12345678);
    assert_int_equal(rd(f, D(0x426), 1), 0x30);
    /* halfword / doubleword / misaligned: guest errors, answered with a slave error */
    assert_int_equal(bus_read(f->bus, mk_pa(D(0x420)), 2, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_write(f->bus, mk_pa(D(0x100)), 1, 1), BUS_SLAVE_ERROR);
    assert_int_equal(bus_read(f->bus, mk_pa(D(0x000)), 8, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_read(f->bus, mk_pa(D(0x102)), 4, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_read(f->bus, mk_pa(C(0x00C)), 1, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_write(f->bus, mk_pa(C(0x004)), 2, 0), BUS_SLAVE_ERROR);
    /* reserved offsets RAZ/WI; write-only SGIR reads 0; read-only TYPER ignores writes */
    assert_int_equal(rd32(f, D(0x040)), 0);
    wr32(f, D(0x040), 0xFFFFFFFF);
    assert_int_equal(rd32(f, D(0xF00)), 0);
    wr32(f, D(0x004), 0);
    assert_int_equal(rd32(f, D(0x004)), 0x8);
    assert_int_equal(rd32(f, C(0x100)), 0);
    assert_int_equal(rd32(f, C(0x8000)), 0);
    /* registers past ITLinesNumber are RAZ/WI */
    wr32(f, D(0x124), 0xFFFFFFFF);
    assert_int_equal(rd32(f, D(0x124)), 0);
    /* a uniprocessor GIC: ITARGETSR RAZ/WI */
    wr(f, D(0x820), 1, 1);
    assert_int_equal(rd(f, D(0x820), 1), 0);
    assert_true(f->logs > logs);
    fx_free(f);
}

static void test_reset_and_dump(void **s)
{
    struct fx *f = fx_new(2, 2, false);
    setup(f);
    spi(f, 33, 0x80, 1);
    gic_set_spi(f->gic, 33, true);
    assert_true(f->line[0][IRQ]);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    gic_dump(f->gic, tmp);
    assert_true(ftell(tmp) > 0);
    fclose(tmp);
    gic_reset(f->gic);
    assert_false(f->line[0][IRQ]);
    assert_int_equal(rd32(f, D(0x000)), 0);
    assert_int_equal(rd32(f, C(0x004)), 0);
    /* the input line is still high: pends again once re-enabled */
    setup(f);
    spi(f, 33, 0x80, 1);
    assert_true(f->line[0][IRQ]);
    /* not a v3 GIC: no ICC registers */
    uint64_t v;
    assert_false(gic_icc_read(f->gic, 0, 0xC660 /* ICC_IAR1_EL1 */, &v));
    fx_free(f);
}

static void test_bad_config(void **s)
{
    struct gic_config cfg = { .version = 2, .num_cpus = 9 };
    assert_null(gic_new(&cfg));
    cfg.num_cpus = 0;
    assert_null(gic_new(&cfg));
    cfg.num_cpus = 1;
    cfg.version = 4;
    assert_null(gic_new(&cfg));
    cfg.version = 2;
    cfg.num_spis = 33;
    assert_null(gic_new(&cfg));
    cfg.num_spis = 64;
    struct gic *g = gic_new(&cfg);
    assert_non_null(g);
    assert_int_equal(gic_num_irqs(g), 96);
    gic_set_spi(g, 200, true);       /* out of range: ignored */
    gic_set_ppi(g, 3, 27, true);
    gic_set_ppi(g, 0, 5, true);
    gic_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_registers),
        cmocka_unit_test(test_level_spi_repends_after_eoi),
        cmocka_unit_test(test_edge_latch),
        cmocka_unit_test(test_pmr_masking),
        cmocka_unit_test(test_preemption_binary_point),
        cmocka_unit_test(test_eoimode_dir),
        cmocka_unit_test(test_sgi_target_filters),
        cmocka_unit_test(test_spurious_and_groups),
        cmocka_unit_test(test_itargetsr_routing),
        cmocka_unit_test(test_pending_registers),
        cmocka_unit_test(test_access_sizes_and_reserved),
        cmocka_unit_test(test_reset_and_dump),
        cmocka_unit_test(test_bad_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
