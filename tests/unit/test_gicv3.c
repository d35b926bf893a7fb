/* tests/unit/test_gicv3.c — the GICv3 model: distributor and redistributors through the bus at
 * the virt addresses, the CPU interface through the ICC_* accessors, observing the per-CPU
 * IRQ/FIQ lines. Spec: IHI 0069. */
#include "tests/unit/gic_fixture.h"

/* Linux's set-up: wake the redistributor, everything Group 1, IGRPEN1, PMR open. */
static void open_cpu(struct fx *f, unsigned c)
{
    wr32(f, RD(c, 0x14), 0);                     /* GICR_WAKER.ProcessorSleep = 0 */
    assert_int_equal(rd32(f, RD(c, 0x14)), 0);   /* ChildrenAsleep == 0 */
    wr32(f, SGI(c, 0x080), 0xFFFFFFFF);          /* GICR_IGROUPR0 */
    icc_wr(f, c, ICC_PMR_EL1, 0xF0);
    icc_wr(f, c, ICC_IGRPEN1_EL1, 1);
}
static void setup(struct fx *f, unsigned ncpu)
{
    wr32(f, D(0x000), 0x3);                      /* EnableGrp0|EnableGrp1 */
    for (unsigned c = 0; c < ncpu; c++)
        open_cpu(f, c);
}
static void spi(struct fx *f, unsigned intid, uint8_t prio, unsigned cpu, bool group1)
{
    wr(f, D(0x400 + intid), 1, prio);
    wr(f, D(0x6000 + intid * 8), 8, cpu);
    uint32_t g = rd32(f, D(0x080 + intid / 32 * 4));
    g = group1 ? g | 1u << (intid % 32) : g & ~(1u << (intid % 32));
    wr32(f, D(0x080 + intid / 32 * 4), g);
    wr32(f, D(0x100 + intid / 32 * 4), 1u << (intid % 32));
}

static void test_id_registers(void **s)
{
    struct fx *f = fx_new(3, 4, false);
    uint32_t typer = rd32(f, D(0x004));
    assert_int_equal(typer & 0x1F, 7);                          /* "224 SPIs implemented" */
    assert_int_equal(((typer & 0x1F) + 1) * 32 - 32, 224);
    assert_int_equal(typer >> 19 & 0x1F, 9);                   /* IDbits */
    assert_int_equal(typer & (1u << 17 | 1u << 16 | 1u << 10), 0);  /* no LPIs/MBIS/Security */
    assert_int_equal(rd32(f, D(0x000)), 1u << 4 | 1u << 6);    /* ARE, DS */
    wr32(f, D(0x000), 0);
    assert_int_equal(rd32(f, D(0x000)), 1u << 4 | 1u << 6);    /* RAO/WI */
    assert_int_equal(rd32(f, D(0xFFE8)) >> 4 & 0xF, 3);        /* GICD_PIDR2.ArchRev */
    assert_int_equal(rd32(f, RD(2, 0xFFE8)) >> 4 & 0xF, 3);    /* GICR_PIDR2.ArchRev */
    assert_int_equal(rd32(f, D(0x008)), 0x43B);
    for (unsigned c = 0; c < 4; c++) {
        uint64_t t = rd(f, RD(c, 0x8), 8);
        assert_int_equal(t >> 32, c);                          /* Affinity_Value */
        assert_int_equal(t >> 8 & 0xFFFF, c);                  /* Processor_Number */
        assert_int_equal(!!(t & 0x10), c == 3);                /* Last */
        assert_int_equal(rd32(f, RD(c, 0x8)), (uint32_t)t);
        assert_int_equal(rd32(f, RD(c, 0xC)), t >> 32);
        assert_int_equal(rd32(f, RD(c, 0x14)), 0x6);           /* asleep at reset */
    }
    assert_int_equal(rd32(f, SGI(0, 0xC00)), 0xAAAAAAAA);      /* SGIs edge */
    /* beyond the last redistributor: nothing on the bus */
    uint64_t v;
    assert_int_equal(bus_read(f->bus, mk_pa(RD(4, 0x8)), 4, &v), BUS_DECODE_ERROR);
    fx_free(f);
}

static void test_icc_registers(void **s)
{
    struct fx *f = fx_new(3, 1, false);
    uint64_t v;
    assert_int_equal(icc_rd(f, 0, ICC_SRE_EL1), 0x7);
    icc_wr(f, 0, ICC_SRE_EL1, 0);
    assert_int_equal(icc_rd(f, 0, ICC_SRE_EL1), 0x7);
    assert_int_equal(icc_rd(f, 0, ICC_CTLR_EL1), 4u << 8);       /* PRIbits: 5 bits */
    icc_wr(f, 0, ICC_CTLR_EL1, 0xFFFFFFFF);
    assert_int_equal(icc_rd(f, 0, ICC_CTLR_EL1), 4u << 8 | 0x3);
    icc_wr(f, 0, ICC_CTLR_EL1, 0);
    assert_int_equal(icc_rd(f, 0, ICC_BPR0_EL1), 2);
    assert_int_equal(icc_rd(f, 0, ICC_BPR1_EL1), 3);
    icc_wr(f, 0, ICC_BPR0_EL1, 0);
    assert_int_equal(icc_rd(f, 0, ICC_BPR0_EL1), 2);
    icc_wr(f, 0, ICC_BPR1_EL1, 5);
    assert_int_equal(icc_rd(f, 0, ICC_BPR1_EL1), 5);
    icc_wr(f, 0, ICC_CTLR_EL1, 1);                              /* CBPR */
    assert_int_equal(icc_rd(f, 0, ICC_BPR1_EL1), 3);            /* BPR0 + 1 */
    icc_wr(f, 0, ICC_PMR_EL1, 0xFF);
    assert_int_equal(icc_rd(f, 0, ICC_PMR_EL1), 0xF8);
    assert_int_equal(icc_rd(f, 0, ICC_RPR_EL1), 0xFF);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 1023);
    assert_int_equal(icc_rd(f, 0, ICC_IAR0_EL1), 1023);
    /* UNDEFINED: write-only read, read-only write, AP<n>R1..3 with 5 priority bits, unknown */
    assert_false(gic_icc_read(f->gic, 0, ICC_EOIR1_EL1, &v));
    assert_false(gic_icc_read(f->gic, 0, ICC_DIR_EL1, &v));
    assert_false(gic_icc_read(f->gic, 0, ICC_SGI1R_EL1, &v));
    assert_false(gic_icc_write(f->gic, 0, ICC_IAR1_EL1, 0));
    assert_false(gic_icc_write(f->gic, 0, ICC_RPR_EL1, 0));
    assert_false(gic_icc_read(f->gic, 0, ICC_AP0R1_EL1, &v));
    assert_false(gic_icc_read(f->gic, 0, ICC_AP1R3_EL1, &v));
    assert_false(gic_icc_read(f->gic, 0, SYSREG_ENC(3, 0, 12, 13, 0), &v));
    assert_false(gic_icc_read(f->gic, 1, ICC_PMR_EL1, &v));     /* no such CPU */
    /* Linux writes AP0R0/AP1R0 = 0 at init */
    icc_wr(f, 0, ICC_AP0R0_EL1, 0);
    icc_wr(f, 0, ICC_AP1R0_EL1, 0);
    fx_free(f);
}

static void test_waker_handshake(void **s)
{
    struct fx *f = fx_new(3, 2, false);
    wr32(f, D(0x000), 0x2);
    wr32(f, SGI(1, 0x080), 0xFFFFFFFF);
    wr32(f, SGI(1, 0x100), 1u << 27);                /* enable PPI 27 (virtual timer) */
    wr(f, SGI(1, 0x400 + 27), 1, 0xA0);
    icc_wr(f, 1, ICC_PMR_EL1, 0xF0);
    icc_wr(f, 1, ICC_IGRPEN1_EL1, 1);
    gic_set_ppi(f->gic, 1, 27, true);
    assert_false(f->line[1][IRQ]);                   /* ProcessorSleep: nothing forwarded */
    assert_int_equal(icc_rd(f, 1, ICC_HPPIR1_EL1), 1023);
    assert_int_equal(rd32(f, RD(1, 0x14)), 0x6);
    wr32(f, RD(1, 0x14), 0);
    assert_int_equal(rd32(f, RD(1, 0x14)) & 0x4, 0); /* ChildrenAsleep clears */
    assert_true(f->line[1][IRQ]);
    assert_false(f->line[0][IRQ]);
    wr32(f, RD(1, 0x14), 0x2);                       /* back to sleep */
    assert_int_equal(rd32(f, RD(1, 0x14)), 0x6);
    assert_false(f->line[1][IRQ]);
    wr32(f, RD(1, 0x14), 0);
    assert_int_equal(icc_rd(f, 1, ICC_IAR1_EL1), 27);
    fx_free(f);
}

static void test_ppi_level_repend(void **s)
{
    struct fx *f = fx_new(3, 1, false);
    setup(f, 1);
    wr(f, SGI(0, 0x400 + 27), 1, 0x80);
    assert_int_equal(rd32(f, SGI(0, 0x418)), 0x80u << 24);      /* GICR_IPRIORITYR6 word */
    wr32(f, SGI(0, 0x100), 1u << 27);
    assert_int_equal(rd32(f, SGI(0, 0x100)), 1u << 27);
    gic_set_ppi(f->gic, 0, 27, true);
    assert_true(f->line[0][IRQ]);
    assert_false(f->line[0][FIQ]);
    assert_int_equal(icc_rd(f, 0, ICC_HPPIR1_EL1), 27);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 27);
    assert_false(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_RPR_EL1), 0x80);
    assert_int_equal(icc_rd(f, 0, ICC_AP1R0_EL1), 1u << (0x80 >> 3));
    assert_int_equal(rd32(f, SGI(0, 0x300)), 1u << 27);          /* GICR_ISACTIVER0 */
    icc_wr(f, 0, ICC_EOIR1_EL1, 27);                              /* line still high */
    assert_true(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 27);
    gic_set_ppi(f->gic, 0, 27, false);
    icc_wr(f, 0, ICC_EOIR1_EL1, 27);
    assert_false(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 1023);
    assert_int_equal(icc_rd(f, 0, ICC_RPR_EL1), 0xFF);
    /* ICFGR1 makes the PPI edge-triggered: a pulse latches */
    wr32(f, SGI(0, 0xC04), 2u << (2 * 11));
    gic_set_ppi(f->gic, 0, 27, true);
    gic_set_ppi(f->gic, 0, 27, false);
    assert_true(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 27);
    icc_wr(f, 0, ICC_EOIR1_EL1, 27);
    assert_false(f->line[0][IRQ]);
    /* the distributor's INTID 0..31 registers are RAZ/WI under affinity routing */
    wr32(f, D(0x100), 0xFFFFFFFF);
    assert_int_equal(rd32(f, D(0x100)), 0);
    assert_int_equal(rd32(f, D(0x400)), 0);
    wr32(f, D(0x200), 1u << 27);
    assert_false(f->line[0][IRQ]);
    fx_free(f);
}

static void test_spi_edge_latch(void **s)
{
    struct fx *f = fx_new(3, 1, false);
    setup(f, 1);
    spi(f, 40, 0x80, 0, true);
    wr32(f, D(0xC08), 2u << 16);                 /* GICD_ICFGR2: INTID 40 edge */
    gic_set_spi(f->gic, 40, true);
    gic_set_spi(f->gic, 40, false);
    assert_true(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 40);
    assert_int_equal(rd32(f, D(0x204)), 0);
    gic_set_spi(f->gic, 40, true);               /* edge while active: active and pending */
    assert_int_equal(rd32(f, D(0x204)), 1u << 8);
    assert_int_equal(rd32(f, D(0x304)), 1u << 8);
    assert_false(f->line[0][IRQ]);
    icc_wr(f, 0, ICC_EOIR1_EL1, 40);
    assert_true(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 40);
    icc_wr(f, 0, ICC_EOIR1_EL1, 40);
    assert_false(f->line[0][IRQ]);
    fx_free(f);
}

static void test_irouter_routing(void **s)
{
    struct fx *f = fx_new(3, 3, false);
    setup(f, 3);
    spi(f, 48, 0x80, 2, true);
    assert_int_equal(rd(f, D(0x6000 + 48 * 8), 8), 2);
    gic_set_spi(f->gic, 48, true);
    assert_true(f->line[2][IRQ]);
    assert_false(f->line[0][IRQ] || f->line[1][IRQ]);
    wr32(f, D(0x6000 + 48 * 8), 1);              /* low half: Aff0 = 1 */
    assert_true(f->line[1][IRQ]);
    assert_false(f->line[2][IRQ]);
    wr32(f, D(0x6000 + 48 * 8 + 4), 0xFF);       /* Aff3 is RES0 (A3V == 0) */
    assert_int_equal(rd32(f, D(0x6000 + 48 * 8 + 4)), 0);
    wr(f, D(0x6000 + 48 * 8), 8, 0x100);         /* Aff1 = 1: no such CPU */
    assert_false(f->line[0][IRQ] || f->line[1][IRQ] || f->line[2][IRQ]);
    wr(f, D(0x6000 + 48 * 8), 8, 1ull << 31 | 2); /* IRM: 1-of-N, delivered to CPU 0 */
    assert_true(f->line[0][IRQ]);
    assert_false(f->line[2][IRQ]);
    struct gic_irq_state st;
    assert_true(gic_irq_state(f->gic, 0, 48, &st));
    assert_int_equal(st.targets, 1);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 48);
    /* IROUTER<0..31> do not exist */
    wr(f, D(0x6000 + 8), 8, 1);
    assert_int_equal(rd(f, D(0x6000 + 8), 8), 0);
    fx_free(f);
}

static void test_groups_fiq_and_enables(void **s)
{
    struct fx *f = fx_new(3, 1, false);
    setup(f, 1);
    spi(f, 33, 0x40, 0, false);                  /* Group 0 */
    spi(f, 34, 0x80, 0, true);                   /* Group 1 */
    gic_set_spi(f->gic, 33, true);
    assert_false(f->line[0][FIQ]);               /* IGRPEN0 still 0 */
    icc_wr(f, 0, ICC_IGRPEN0_EL1, 1);
    assert_int_equal(icc_rd(f, 0, ICC_IGRPEN0_EL1), 1);
    assert_true(f->line[0][FIQ]);                /* Group 0 is FIQ with DS == 1 */
    gic_set_spi(f->gic, 34, true);
    assert_false(f->line[0][IRQ]);               /* 33 is the highest priority pending */
    assert_int_equal(icc_rd(f, 0, ICC_HPPIR0_EL1), 33);
    assert_int_equal(icc_rd(f, 0, ICC_HPPIR1_EL1), 1023);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 1023);   /* HPPI is Group 0 */
    assert_int_equal(icc_rd(f, 0, ICC_IAR0_EL1), 33);
    assert_false(f->line[0][FIQ]);
    assert_int_equal(icc_rd(f, 0, ICC_AP0R0_EL1), 1u << (0x40 >> 3));
    assert_false(f->line[0][IRQ]);               /* 0x80 cannot preempt 0x40 */
    gic_set_spi(f->gic, 33, false);
    icc_wr(f, 0, ICC_EOIR0_EL1, 33);
    assert_true(f->line[0][IRQ]);
    /* distributor group enable */
    wr32(f, D(0x000), 0x1);
    assert_false(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 1023);
    wr32(f, D(0x000), 0x3);
    assert_true(f->line[0][IRQ]);
    icc_wr(f, 0, ICC_IGRPEN1_EL1, 0);
    assert_false(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 1023);
    fx_free(f);
}

static void test_pmr_and_preemption(void **s)
{
    struct fx *f = fx_new(3, 1, false);
    setup(f, 1);
    spi(f, 35, 0x50, 0, true);
    spi(f, 36, 0x48, 0, true);
    icc_wr(f, 0, ICC_PMR_EL1, 0x50);
    gic_set_spi(f->gic, 35, true);
    assert_false(f->line[0][IRQ]);               /* PMR equal: masked */
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 1023);
    assert_int_equal(icc_rd(f, 0, ICC_HPPIR1_EL1), 35);
    icc_wr(f, 0, ICC_PMR_EL1, 0xF0);
    assert_true(f->line[0][IRQ]);
    /* BPR1 3: Group 1 group priority uses BPR1 - 1 = 2, all 5 bits: 0x48 preempts 0x50 */
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 35);
    gic_set_spi(f->gic, 36, true);
    assert_true(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 36);
    assert_int_equal(icc_rd(f, 0, ICC_RPR_EL1), 0x48);
    assert_int_equal(icc_rd(f, 0, ICC_AP1R0_EL1), 1u << 9 | 1u << 10);
    gic_set_spi(f->gic, 36, false);
    icc_wr(f, 0, ICC_EOIR1_EL1, 36);             /* drops to 0x50 */
    assert_int_equal(icc_rd(f, 0, ICC_RPR_EL1), 0x50);
    gic_set_spi(f->gic, 35, false);
    icc_wr(f, 0, ICC_EOIR1_EL1, 35);
    assert_int_equal(icc_rd(f, 0, ICC_RPR_EL1), 0xFF);
    /* BPR1 5: group priority bits [7:5]; both are 0x40: no preemption */
    icc_wr(f, 0, ICC_BPR1_EL1, 5);
    gic_set_spi(f->gic, 35, true);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 35);
    assert_int_equal(icc_rd(f, 0, ICC_RPR_EL1), 0x40);
    gic_set_spi(f->gic, 36, true);
    assert_false(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 1023);
    /* CBPR: BPR0 (2) governs Group 1 too, so 0x48 preempts 0x50 again */
    gic_set_spi(f->gic, 35, false);
    icc_wr(f, 0, ICC_EOIR1_EL1, 35);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 36);
    gic_set_spi(f->gic, 36, false);
    icc_wr(f, 0, ICC_EOIR1_EL1, 36);
    icc_wr(f, 0, ICC_CTLR_EL1, 1);
    gic_set_spi(f->gic, 35, true);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 35);
    assert_int_equal(icc_rd(f, 0, ICC_RPR_EL1), 0x50);
    assert_false(f->line[0][IRQ]);
    gic_set_spi(f->gic, 36, true);
    assert_true(f->line[0][IRQ]);
    fx_free(f);
}

static void test_eoimode_dir(void **s)
{
    struct fx *f = fx_new(3, 1, false);
    setup(f, 1);
    icc_wr(f, 0, ICC_CTLR_EL1, 2);               /* EOImode */
    spi(f, 38, 0x80, 0, true);
    gic_set_spi(f->gic, 38, true);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 38);
    icc_wr(f, 0, ICC_EOIR1_EL1, 38);             /* priority drop only */
    assert_int_equal(icc_rd(f, 0, ICC_RPR_EL1), 0xFF);
    assert_int_equal(rd32(f, D(0x304)), 1u << 6);
    assert_false(f->line[0][IRQ]);
    icc_wr(f, 0, ICC_DIR_EL1, 38);
    assert_int_equal(rd32(f, D(0x304)), 0);
    assert_true(f->line[0][IRQ]);                /* line still high */
    /* special INTIDs are ignored by EOIR */
    icc_wr(f, 0, ICC_EOIR1_EL1, 1023);
    fx_free(f);
}

static void test_sgi_affinity(void **s)
{
    struct fx *f = fx_new(3, 4, false);
    setup(f, 4);
    for (unsigned c = 0; c < 4; c++)
        wr32(f, SGI(c, 0x100), 0xFFFF);          /* enable SGIs */
    /* CPU 0: SGI 5 to TargetList {1,2} at Aff3.Aff2.Aff1 = 0 */
    icc_wr(f, 0, ICC_SGI1R_EL1, 5ull << 24 | 0x6);
    assert_false(f->line[0][IRQ] || f->line[3][IRQ]);
    assert_true(f->line[1][IRQ] && f->line[2][IRQ]);
    assert_int_equal(rd32(f, SGI(1, 0x200)), 1u << 5);
    assert_int_equal(icc_rd(f, 1, ICC_IAR1_EL1), 5);
    icc_wr(f, 1, ICC_EOIR1_EL1, 5);
    assert_int_equal(icc_rd(f, 2, ICC_IAR1_EL1), 5);
    icc_wr(f, 2, ICC_EOIR1_EL1, 5);
    /* Aff1 = 1 names no CPU here */
    icc_wr(f, 0, ICC_SGI1R_EL1, 5ull << 24 | 1ull << 16 | 0xF);
    for (unsigned c = 0; c < 4; c++)
        assert_false(f->line[c][IRQ]);
    /* IRM: all but self */
    icc_wr(f, 2, ICC_SGI1R_EL1, 1ull << 40 | 7ull << 24);
    assert_true(f->line[0][IRQ] && f->line[1][IRQ] && f->line[3][IRQ]);
    assert_false(f->line[2][IRQ]);
    for (unsigned c = 0; c < 4; c += c == 1 ? 2 : 1) {
        assert_int_equal(icc_rd(f, c, ICC_IAR1_EL1), 7);
        icc_wr(f, c, ICC_EOIR1_EL1, 7);
        assert_false(f->line[c][IRQ]);
    }
    /* SGI0R generates Group 0: not forwarded to a CPU that has the SGI in Group 1 */
    icc_wr(f, 0, ICC_SGI0R_EL1, 3ull << 24 | 0x2);
    assert_int_equal(rd32(f, SGI(1, 0x200)), 0);
    wr32(f, SGI(1, 0x080), 0xFFFFFFFF & ~(1u << 3));
    icc_wr(f, 1, ICC_IGRPEN0_EL1, 1);
    icc_wr(f, 0, ICC_SGI0R_EL1, 3ull << 24 | 0x2);
    assert_true(f->line[1][FIQ]);
    assert_int_equal(icc_rd(f, 1, ICC_IAR0_EL1), 3);
    icc_wr(f, 1, ICC_EOIR0_EL1, 3);
    /* ASGI1R behaves as SGI1R with one Security state */
    icc_wr(f, 3, ICC_ASGI1R_EL1, 9ull << 24 | 0x1);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 9);
    /* GICR_ISPENDR0 / ICPENDR0 set and clear SGIs */
    wr32(f, SGI(3, 0x200), 1u << 2);
    assert_true(f->line[3][IRQ]);
    wr32(f, SGI(3, 0x280), 1u << 2);
    assert_false(f->line[3][IRQ]);
    /* GICD_SGIR is WI under affinity routing */
    wr32(f, D(0xF00), 2u << 24 | 1);
    assert_int_equal(rd32(f, SGI(0, 0x200)), 0);
    fx_free(f);
}

static void test_access_sizes_and_reserved(void **s)
{
    struct fx *f = fx_new(3, 2, false);
    uint64_t v;
    unsigned logs = f->logs;
    assert_int_equal(bus_read(f->bus, mk_pa(D(0x000)), 2, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_read(f->bus, mk_pa(D(0x000)), 8, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_write(f->bus, mk_pa(D(0x104)), 1, 1), BUS_SLAVE_ERROR);
    assert_int_equal(bus_read(f->bus, mk_pa(D(0x6104)), 8, &v), BUS_SLAVE_ERROR);  /* misaligned */
    assert_int_equal(bus_read(f->bus, mk_pa(RD(0, 0x14)), 8, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_write(f->bus, mk_pa(SGI(0, 0x100)), 2, 1), BUS_SLAVE_ERROR);
    /* byte access to IPRIORITYR in both frames */
    wr(f, D(0x420), 1, 0xFF);
    assert_int_equal(rd32(f, D(0x420)), 0xF8);
    wr(f, SGI(1, 0x401), 1, 0x33);
    assert_int_equal(rd32(f, SGI(1, 0x400)), 0x3000);
    assert_int_equal(rd32(f, SGI(0, 0x400)), 0);             /* banked per redistributor */
    /* GICR_ICFGR0 (SGIs) read-only; registers of INTIDs >= 32 in SGI_base RAZ/WI */
    wr32(f, SGI(0, 0xC00), 0);
    assert_int_equal(rd32(f, SGI(0, 0xC00)), 0xAAAAAAAA);
    wr32(f, SGI(0, 0x104), 0xFFFFFFFF);
    assert_int_equal(rd32(f, SGI(0, 0x104)), 0);
    /* IGRPMODR: RAZ/WI with DS == 1 */
    wr32(f, D(0xD04), 0xFFFFFFFF);
    assert_int_equal(rd32(f, D(0xD04)), 0);
    wr32(f, SGI(0, 0xD00), 0xFFFFFFFF);
    assert_int_equal(rd32(f, SGI(0, 0xD00)), 0);
    /* ITARGETSR RAZ/WI with ARE; reserved RAZ/WI; read-only registers ignore writes */
    wr(f, D(0x820), 1, 1);
    assert_int_equal(rd(f, D(0x820), 1), 0);
    assert_int_equal(rd32(f, D(0x5000)), 0);
    wr32(f, D(0x004), 0);
    assert_int_equal(rd32(f, D(0x004)) & 0x1F, 7);
    wr(f, RD(0, 0x8), 8, 0);
    assert_int_equal(rd(f, RD(1, 0x8), 8), 1ull << 32 | 1 << 8 | 0x10);
    assert_int_equal(rd32(f, RD(0, 0x4000)), 0);
    /* INTIDs past ITLinesNumber (256 INTIDs) are RAZ/WI */
    wr32(f, D(0x120), 0xFFFFFFFF);
    assert_int_equal(rd32(f, D(0x120)), 0);
    assert_true(f->logs > logs);
    FILE *tmp = tmpfile();
    gic_dump(f->gic, tmp);
    assert_true(ftell(tmp) > 0);
    fclose(tmp);
    fx_free(f);
}

static void test_reset(void **s)
{
    struct fx *f = fx_new(3, 1, false);
    setup(f, 1);
    spi(f, 33, 0x80, 0, true);
    gic_set_spi(f->gic, 33, true);
    assert_true(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 33);
    gic_reset(f->gic);
    assert_false(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_RPR_EL1), 0xFF);
    assert_int_equal(icc_rd(f, 0, ICC_IGRPEN1_EL1), 0);
    assert_int_equal(rd32(f, RD(0, 0x14)), 0x6);
    assert_int_equal(rd32(f, D(0x304)), 0);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_registers),
        cmocka_unit_test(test_icc_registers),
        cmocka_unit_test(test_waker_handshake),
        cmocka_unit_test(test_ppi_level_repend),
        cmocka_unit_test(test_spi_edge_latch),
        cmocka_unit_test(test_irouter_routing),
        cmocka_unit_test(test_groups_fiq_and_enables),
        cmocka_unit_test(test_pmr_and_preemption),
        cmocka_unit_test(test_eoimode_dir),
        cmocka_unit_test(test_sgi_affinity),
        cmocka_unit_test(test_access_sizes_and_reserved),
        cmocka_unit_test(test_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
