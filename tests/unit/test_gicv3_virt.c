/* tests/unit/test_gicv3_virt.c — GICv3 virtualization (IHI 0069): the hypervisor's ICH_*_EL2
 * through gic_ich_read/write, the guest's ICV_*_EL1 view through gic_icv_read/write (the
 * ICC_*_EL1 encodings), the virtual IRQ/FIQ lines, the maintenance interrupt (PPI 25) and the
 * physical state behind HW list registers. */
#include "tests/unit/gic_fixture.h"

#define ST_PENDING  1ull
#define ST_ACTIVE   2ull
#define ST_PA       3ull

static uint64_t ich(struct fx *f, unsigned c, uint32_t enc)
{
    uint64_t v = 0xdeadbeef;
    assert_true(gic_ich_read(f->gic, c, enc, &v));
    return v;
}
static void ich_w(struct fx *f, unsigned c, uint32_t enc, uint64_t v)
{
    assert_true(gic_ich_write(f->gic, c, enc, v));
}
static uint64_t icv(struct fx *f, unsigned c, uint32_t enc)
{
    uint64_t v = 0xdeadbeef;
    assert_int_equal(gic_icv_read(f->gic, c, enc, &v), GIC_SYSREG_OK);
    return v;
}
static void icv_w(struct fx *f, unsigned c, uint32_t enc, uint64_t v)
{
    assert_int_equal(gic_icv_write(f->gic, c, enc, v), GIC_SYSREG_OK);
}
/* ICH_LR<n>_EL2 value */
static uint64_t lr(uint32_t vid, uint8_t prio, uint64_t state, bool grp1, bool hw, unsigned pid,
                   bool eoi)
{
    return vid | (uint64_t)prio << 48 | state << 62 | (grp1 ? 1ull << 60 : 0) |
           (hw ? 1ull << 61 | (uint64_t)pid << 32 : 0) | (!hw && eoi ? 1ull << 41 : 0);
}
static unsigned lr_state(struct fx *f, unsigned c, unsigned n) { return ich(f, c, ICH_LR_EL2(n)) >> 62; }
static bool phys(struct fx *f, unsigned c, unsigned intid, bool active)
{
    struct gic_irq_state st;
    assert_true(gic_irq_state(f->gic, c, intid, &st));
    return active ? st.active : st.pending;
}

/* The hypervisor enables the virtual interface; the guest (through ICV) enables Group 1 with
 * the priority mask open, as Linux does. */
static void vopen(struct fx *f, unsigned c, uint32_t hcr_extra)
{
    ich_w(f, c, ICH_HCR_EL2, GICH_HCR_En | hcr_extra);
    icv_w(f, c, ICC_PMR_EL1, 0xF0);
    icv_w(f, c, ICC_IGRPEN1_EL1, 1);
}

static void test_ich_registers(void **s)
{
    struct fx *f = fx_new(3, 2, true);
    uint64_t v;
    /* ICH_VTR_EL2: PRIbits 5, PREbits 5, IDbits 16, no SEIS/A3V, nV4, TDS, 4 LRs */
    assert_int_equal(ich(f, 0, ICH_VTR_EL2), 4u << 29 | 4u << 26 | 1u << 20 | 1u << 19 | 3);
    assert_int_equal(ich(f, 0, ICC_SRE_EL2), 0xF);
    ich_w(f, 0, ICC_SRE_EL2, 0);
    assert_int_equal(ich(f, 0, ICC_SRE_EL2), 0xF);
    assert_int_equal(ich(f, 0, ICH_HCR_EL2), 0);
    assert_int_equal(ich(f, 0, ICH_VMCR_EL2), ICH_VMCR_VFIQEn | 3u << 18 | 2u << 21);
    assert_int_equal(ich(f, 0, ICH_ELRSR_EL2), 0xF);
    assert_int_equal(ich(f, 0, ICH_EISR_EL2), 0);
    assert_int_equal(ich(f, 0, ICH_MISR_EL2), 0);
    ich_w(f, 0, ICH_HCR_EL2, 0xFFFFFFFFFFFFFFFFull);
    assert_int_equal(ich(f, 0, ICH_HCR_EL2), 0xF8005CFF);
    ich_w(f, 0, ICH_HCR_EL2, 0);
    /* VMCR: VPMR keeps 5 bits, VAckCtl RES0, VFIQEn RES1, VBPR clamped to the minimum */
    ich_w(f, 0, ICH_VMCR_EL2, 0xFFu << 24 | 4u << 21 | 5u << 18 | 1u << 9 | 0x1F);
    assert_int_equal(ich(f, 0, ICH_VMCR_EL2), 0xF8u << 24 | 4u << 21 | 5u << 18 | 1u << 9 | 0x1B);
    assert_int_equal(icv(f, 0, ICC_PMR_EL1), 0xF8);
    assert_int_equal(icv(f, 0, ICC_BPR0_EL1), 4);
    assert_int_equal(icv(f, 0, ICC_BPR1_EL1), 4 + 1);           /* VCBPR: BPR0 + 1 */
    assert_int_equal(icv(f, 0, ICC_CTLR_EL1), 4u << 8 | 0x3);   /* PRIbits, EOImode, CBPR */
    assert_int_equal(icv(f, 0, ICC_IGRPEN0_EL1), 1);
    ich_w(f, 0, ICH_VMCR_EL2, 0);
    assert_int_equal(ich(f, 0, ICH_VMCR_EL2), ICH_VMCR_VFIQEn | 3u << 18 | 2u << 21);
    /* The guest's ICV writes land in the VMCR */
    icv_w(f, 0, ICC_PMR_EL1, 0x80);
    icv_w(f, 0, ICC_IGRPEN1_EL1, 1);
    icv_w(f, 0, ICC_BPR1_EL1, 6);
    assert_int_equal(ich(f, 0, ICH_VMCR_EL2), 0x80u << 24 | 2u << 21 | 6u << 18 | ICH_VMCR_VFIQEn | ICH_VMCR_VENG1);
    /* LR round trip: 64-bit, HW with pINTID, software with EOI */
    uint64_t l = lr(0x1234, 0xA8, ST_PA, true, true, 0x1FF0, false);
    ich_w(f, 1, ICH_LR_EL2(3), l);
    assert_int_equal(ich(f, 1, ICH_LR_EL2(3)), l);
    l = lr(27, 0x10, ST_PENDING, false, false, 0, true);
    ich_w(f, 1, ICH_LR_EL2(0), l);
    assert_int_equal(ich(f, 1, ICH_LR_EL2(0)), l);
    assert_int_equal(ich(f, 1, ICH_ELRSR_EL2), 0x6);
    assert_int_equal(ich(f, 0, ICH_ELRSR_EL2), 0xF);             /* per CPU */
    /* Active priorities */
    ich_w(f, 0, ICH_AP0R0_EL2, 0x10);
    ich_w(f, 0, ICH_AP1R0_EL2, 0x200);
    assert_int_equal(icv(f, 0, ICC_AP0R0_EL1), 0x10);
    assert_int_equal(icv(f, 0, ICC_AP1R0_EL1), 0x200);
    assert_int_equal(icv(f, 0, ICC_RPR_EL1), 4u << 3);
    ich_w(f, 0, ICH_AP0R0_EL2, 0);
    ich_w(f, 0, ICH_AP1R0_EL2, 0);
    /* UNDEFINED: LR4..15, AP<n>R1..3, writes of read-only registers, GICv2, CPU out of range */
    assert_false(gic_ich_read(f->gic, 0, ICH_LR_EL2(4), &v));
    assert_false(gic_ich_write(f->gic, 0, ICH_LR_EL2(15), 0));
    assert_false(gic_ich_read(f->gic, 0, ICH_AP0R1_EL2, &v));
    assert_false(gic_ich_read(f->gic, 0, ICH_AP1R3_EL2, &v));
    assert_false(gic_ich_write(f->gic, 0, ICH_VTR_EL2, 0));
    assert_false(gic_ich_write(f->gic, 0, ICH_MISR_EL2, 0));
    assert_false(gic_ich_write(f->gic, 0, ICH_EISR_EL2, 0));
    assert_false(gic_ich_write(f->gic, 0, ICH_ELRSR_EL2, 0));
    assert_false(gic_ich_read(f->gic, 2, ICH_HCR_EL2, &v));
    struct gic_config cfg = { .version = 2, .num_cpus = 1 };
    struct gic *g2 = gic_new(&cfg);
    assert_false(gic_ich_read(g2, 0, ICH_HCR_EL2, &v));
    assert_int_equal(gic_icv_read(g2, 0, ICC_IAR1_EL1, &v), GIC_SYSREG_UNDEF);
    gic_free(g2);
    fx_free(f);
}

static void test_pending_ack_eoi_maintenance(void **s)
{
    struct fx *f = fx_new(3, 1, true);
    vopen(f, 0, 0);
    ich_w(f, 0, ICH_LR_EL2(1), lr(27, 0xA0, ST_PENDING, true, false, 0, true));
    assert_true(f->line[0][VIRQ]);                              /* Group 1: virtual IRQ */
    assert_false(f->line[0][VFIQ]);
    assert_false(f->line[0][IRQ]);
    assert_int_equal(ich(f, 0, ICH_ELRSR_EL2), 0xD);
    assert_int_equal(icv(f, 0, ICC_HPPIR1_EL1), 27);
    assert_int_equal(icv(f, 0, ICC_HPPIR0_EL1), 1023);
    assert_int_equal(icv(f, 0, ICC_IAR0_EL1), 1023);            /* wrong group */
    assert_int_equal(lr_state(f, 0, 1), ST_PENDING);
    assert_int_equal(icv(f, 0, ICC_IAR1_EL1), 27);
    assert_false(f->line[0][VIRQ]);
    assert_int_equal(lr_state(f, 0, 1), ST_ACTIVE);
    assert_int_equal(icv(f, 0, ICC_RPR_EL1), 0xA0);
    assert_int_equal(ich(f, 0, ICH_AP1R0_EL2), 1u << (0xA0 >> 3));
    assert_int_equal(ich(f, 0, ICH_AP0R0_EL2), 0);
    assert_false(gic_maint_level(f->gic, 0));
    icv_w(f, 0, ICC_EOIR1_EL1, 27);
    assert_int_equal(lr_state(f, 0, 1), 0);
    assert_int_equal(icv(f, 0, ICC_RPR_EL1), 0xFF);
    assert_int_equal(ich(f, 0, ICH_EISR_EL2), 0x2);
    assert_int_equal(ich(f, 0, ICH_ELRSR_EL2), 0xD);
    assert_int_equal(ich(f, 0, ICH_MISR_EL2), GICH_MISR_EOI);
    assert_true(gic_maint_level(f->gic, 0));
    assert_true(phys(f, 0, GIC_MAINT_PPI, false));
    /* The hypervisor takes PPI 25 through its physical ICC interface (Group 1 here) */
    wr32(f, D(0x000), 0x3);
    wr32(f, RD(0, 0x14), 0);
    wr32(f, SGI(0, 0x080), 0xFFFFFFFF);
    wr32(f, SGI(0, 0x100), 1u << GIC_MAINT_PPI);
    icc_wr(f, 0, ICC_PMR_EL1, 0xF0);
    icc_wr(f, 0, ICC_IGRPEN1_EL1, 1);
    assert_true(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), GIC_MAINT_PPI);
    ich_w(f, 0, ICH_LR_EL2(1), 0);
    assert_false(gic_maint_level(f->gic, 0));
    assert_int_equal(ich(f, 0, ICH_ELRSR_EL2), 0xF);
    icc_wr(f, 0, ICC_EOIR1_EL1, GIC_MAINT_PPI);
    assert_false(f->line[0][IRQ]);
    /* Group 0 is a virtual FIQ (VFIQEn is RES1) */
    icv_w(f, 0, ICC_IGRPEN0_EL1, 1);
    ich_w(f, 0, ICH_LR_EL2(2), lr(28, 0x80, ST_PENDING, false, false, 0, false));
    assert_true(f->line[0][VFIQ]);
    assert_false(f->line[0][VIRQ]);
    assert_int_equal(icv(f, 0, ICC_IAR1_EL1), 1023);
    assert_int_equal(icv(f, 0, ICC_IAR0_EL1), 28);
    assert_false(f->line[0][VFIQ]);
    assert_int_equal(ich(f, 0, ICH_AP0R0_EL2), 1u << (0x80 >> 3));
    icv_w(f, 0, ICC_EOIR0_EL1, 28);
    assert_int_equal(ich(f, 0, ICH_ELRSR_EL2), 0xF);
    /* ICH_HCR_EL2.En == 0: nothing signalled */
    ich_w(f, 0, ICH_LR_EL2(2), lr(28, 0x80, ST_PENDING, false, false, 0, false));
    assert_true(f->line[0][VFIQ]);
    ich_w(f, 0, ICH_HCR_EL2, 0);
    assert_false(f->line[0][VFIQ]);
    assert_int_equal(icv(f, 0, ICC_IAR0_EL1), 1023);
    fx_free(f);
}

static void test_hw_deactivates_physical(void **s)
{
    struct fx *f = fx_new(3, 1, true);
    /* Physical SPI 40, Group 1, to CPU 0; the hypervisor runs ICC with EOImode 1, as Xen */
    wr32(f, D(0x000), 0x3);
    wr32(f, RD(0, 0x14), 0);
    bus_write(f->bus, mk_pa(D(0x400 + 40)), 1, 0x80);
    bus_write(f->bus, mk_pa(D(0x6000 + 40 * 8)), 8, 0);
    wr32(f, D(0x084), 1u << 8);
    wr32(f, D(0x104), 1u << 8);
    icc_wr(f, 0, ICC_PMR_EL1, 0xF0);
    icc_wr(f, 0, ICC_IGRPEN1_EL1, 1);
    icc_wr(f, 0, ICC_CTLR_EL1, 0x2);
    gic_set_spi(f->gic, 40, true);
    assert_true(f->line[0][IRQ]);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 40);
    icc_wr(f, 0, ICC_EOIR1_EL1, 40);
    gic_set_spi(f->gic, 40, false);
    assert_true(phys(f, 0, 40, true));
    vopen(f, 0, 0);
    ich_w(f, 0, ICH_LR_EL2(0), lr(40, 0x80, ST_PENDING, true, true, 40, false));
    assert_true(f->line[0][VIRQ]);
    assert_int_equal(icv(f, 0, ICC_IAR1_EL1), 40);
    assert_true(phys(f, 0, 40, true));
    icv_w(f, 0, ICC_EOIR1_EL1, 40);
    assert_false(phys(f, 0, 40, true));                         /* deactivated by the guest */
    assert_int_equal(lr_state(f, 0, 0), 0);
    assert_int_equal(ich(f, 0, ICH_EISR_EL2), 0);
    assert_false(gic_maint_level(f->gic, 0));
    /* Guest EOImode 1: ICV_DIR_EL1 deactivates, physical too */
    gic_set_spi(f->gic, 40, true);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 40);
    icc_wr(f, 0, ICC_EOIR1_EL1, 40);
    gic_set_spi(f->gic, 40, false);
    icv_w(f, 0, ICC_CTLR_EL1, 0x2);
    ich_w(f, 0, ICH_LR_EL2(3), lr(40, 0x80, ST_PENDING, true, true, 40, false));
    assert_int_equal(icv(f, 0, ICC_IAR1_EL1), 40);
    icv_w(f, 0, ICC_EOIR1_EL1, 40);
    assert_int_equal(lr_state(f, 0, 3), ST_ACTIVE);
    assert_true(phys(f, 0, 40, true));
    icv_w(f, 0, ICC_DIR_EL1, 40);
    assert_int_equal(lr_state(f, 0, 3), 0);
    assert_false(phys(f, 0, 40, true));
    fx_free(f);
}

static void test_virtual_priority(void **s)
{
    struct fx *f = fx_new(3, 1, true);
    vopen(f, 0, 0);
    /* ICV_BPR1_EL1 6: Group 1 group priority is [7:6] (BPR1 - 1 = 5) */
    icv_w(f, 0, ICC_BPR1_EL1, 6);
    icv_w(f, 0, ICC_PMR_EL1, 0x60);
    ich_w(f, 0, ICH_LR_EL2(0), lr(100, 0x60, ST_PENDING, true, false, 0, false));
    assert_false(f->line[0][VIRQ]);                             /* masked by the virtual PMR */
    assert_int_equal(icv(f, 0, ICC_HPPIR1_EL1), 100);
    assert_int_equal(icv(f, 0, ICC_IAR1_EL1), 1023);
    ich_w(f, 0, ICH_VMCR_EL2, (ich(f, 0, ICH_VMCR_EL2) & 0xFFFFFF) | 0x68u << 24);
    assert_true(f->line[0][VIRQ]);
    assert_int_equal(icv(f, 0, ICC_IAR1_EL1), 100);
    icv_w(f, 0, ICC_PMR_EL1, 0xF0);
    /* Preemption by group priority: 0x60 runs at 0x40 */
    assert_int_equal(icv(f, 0, ICC_RPR_EL1), 0x40);
    ich_w(f, 0, ICH_LR_EL2(1), lr(101, 0x50, ST_PENDING, true, false, 0, false));
    assert_false(f->line[0][VIRQ]);                             /* 0x50 -> 0x40: no preemption */
    ich_w(f, 0, ICH_LR_EL2(2), lr(102, 0x28, ST_PENDING, true, false, 0, false));
    assert_true(f->line[0][VIRQ]);                              /* 0x28 -> 0x00 < 0x40 */
    assert_int_equal(icv(f, 0, ICC_IAR1_EL1), 102);
    assert_int_equal(icv(f, 0, ICC_RPR_EL1), 0x00);
    assert_int_equal(ich(f, 0, ICH_AP1R0_EL2), 1u << 0 | 1u << (0x40 >> 3));
    icv_w(f, 0, ICC_EOIR1_EL1, 102);
    icv_w(f, 0, ICC_EOIR1_EL1, 100);
    assert_int_equal(icv(f, 0, ICC_RPR_EL1), 0xFF);
    assert_true(f->line[0][VIRQ]);
    assert_int_equal(icv(f, 0, ICC_IAR1_EL1), 101);
    icv_w(f, 0, ICC_EOIR1_EL1, 101);
    /* Pending and active: EOI leaves it pending */
    ich_w(f, 0, ICH_LR_EL2(0), lr(103, 0x80, ST_PENDING, true, false, 0, false));
    assert_int_equal(icv(f, 0, ICC_IAR1_EL1), 103);
    ich_w(f, 0, ICH_LR_EL2(0), lr(103, 0x80, ST_PA, true, false, 0, false));
    assert_false(f->line[0][VIRQ]);
    icv_w(f, 0, ICC_EOIR1_EL1, 103);
    assert_int_equal(lr_state(f, 0, 0), ST_PENDING);
    assert_true(f->line[0][VIRQ]);
    /* Group 1 disabled: not signalled */
    icv_w(f, 0, ICC_IGRPEN1_EL1, 0);
    assert_false(f->line[0][VIRQ]);
    assert_int_equal(icv(f, 0, ICC_HPPIR1_EL1), 1023);
    fx_free(f);
}

static void test_maintenance_and_eoicount(void **s)
{
    struct fx *f = fx_new(3, 1, true);
    vopen(f, 0, 0);
    ich_w(f, 0, ICH_LR_EL2(0), lr(110, 0x80, ST_PENDING, true, false, 0, false));
    ich_w(f, 0, ICH_LR_EL2(3), lr(111, 0x80, ST_PENDING, true, false, 0, false));
    ich_w(f, 0, ICH_HCR_EL2, GICH_HCR_En | GICH_HCR_UIE | GICH_HCR_NPIE);
    assert_int_equal(ich(f, 0, ICH_MISR_EL2), 0);
    assert_int_equal(icv(f, 0, ICC_IAR1_EL1), 110);
    icv_w(f, 0, ICC_EOIR1_EL1, 110);
    assert_int_equal(ich(f, 0, ICH_MISR_EL2), GICH_MISR_U);          /* one valid LR left */
    assert_true(gic_maint_level(f->gic, 0));
    assert_int_equal(icv(f, 0, ICC_IAR1_EL1), 111);
    assert_int_equal(ich(f, 0, ICH_MISR_EL2), GICH_MISR_U | GICH_MISR_NP);
    icv_w(f, 0, ICC_EOIR1_EL1, 111);
    ich_w(f, 0, ICH_HCR_EL2, GICH_HCR_En | GICH_HCR_VGrp1EIE);
    assert_int_equal(ich(f, 0, ICH_MISR_EL2), GICH_MISR_VGrp1E);
    ich_w(f, 0, ICH_HCR_EL2, GICH_HCR_En);
    assert_false(gic_maint_level(f->gic, 0));
    assert_false(phys(f, 0, GIC_MAINT_PPI, false));
    /* EOI of a vINTID in no LR: EOIcount, LRENP */
    ich_w(f, 0, ICH_AP1R0_EL2, 1u << 16);
    icv_w(f, 0, ICC_EOIR1_EL1, 5000);
    assert_int_equal(icv(f, 0, ICC_RPR_EL1), 0xFF);
    assert_int_equal(ich(f, 0, ICH_HCR_EL2) >> 27, 1);
    assert_false(gic_maint_level(f->gic, 0));
    ich_w(f, 0, ICH_HCR_EL2, ich(f, 0, ICH_HCR_EL2) | GICH_HCR_LRENPIE);
    assert_int_equal(ich(f, 0, ICH_MISR_EL2), GICH_MISR_LRENP);
    assert_true(gic_maint_level(f->gic, 0));
    ich_w(f, 0, ICH_HCR_EL2, GICH_HCR_En | GICH_HCR_LRENPIE);
    assert_false(gic_maint_level(f->gic, 0));
    /* EOImode 1: EOIR does not count, DIR does; special INTIDs do nothing */
    icv_w(f, 0, ICC_CTLR_EL1, 0x2);
    icv_w(f, 0, ICC_EOIR1_EL1, 5000);
    assert_int_equal(ich(f, 0, ICH_HCR_EL2) >> 27, 0);
    icv_w(f, 0, ICC_DIR_EL1, 1023);
    assert_int_equal(ich(f, 0, ICH_HCR_EL2) >> 27, 0);
    icv_w(f, 0, ICC_DIR_EL1, 5000);
    assert_int_equal(ich(f, 0, ICH_HCR_EL2) >> 27, 1);
    assert_true(gic_maint_level(f->gic, 0));
    fx_free(f);
}

static void test_icv_vs_icc(void **s)
{
    struct fx *f = fx_new(3, 2, true);
    uint64_t v;
    /* The physical and virtual CPU interfaces are separate state */
    icc_wr(f, 0, ICC_PMR_EL1, 0x30);
    icv_w(f, 0, ICC_PMR_EL1, 0xC0);
    assert_int_equal(icc_rd(f, 0, ICC_PMR_EL1), 0x30);
    assert_int_equal(icv(f, 0, ICC_PMR_EL1), 0xC0);
    assert_int_equal(icv(f, 1, ICC_PMR_EL1), 0);                 /* and per CPU */
    icc_wr(f, 0, ICC_BPR1_EL1, 5);
    assert_int_equal(icv(f, 0, ICC_BPR1_EL1), 3);
    icc_wr(f, 0, ICC_IGRPEN1_EL1, 1);
    assert_int_equal(icv(f, 0, ICC_IGRPEN1_EL1), 0);
    assert_int_equal(icv(f, 0, ICC_CTLR_EL1), 4u << 8);
    assert_int_equal(icv(f, 0, ICC_SRE_EL1), 0x7);               /* not virtualized */
    icv_w(f, 0, ICC_SRE_EL1, 0);
    /* A physical interrupt does not appear in ICV, a virtual one not in ICC */
    vopen(f, 0, 0);
    ich_w(f, 0, ICH_LR_EL2(0), lr(120, 0x20, ST_PENDING, true, false, 0, false));
    assert_int_equal(icc_rd(f, 0, ICC_HPPIR1_EL1), 1023);
    assert_int_equal(icc_rd(f, 0, ICC_IAR1_EL1), 1023);
    assert_int_equal(icv(f, 0, ICC_HPPIR1_EL1), 120);
    /* SGI generation always traps to the hypervisor */
    assert_int_equal(gic_icv_write(f->gic, 0, ICC_SGI1R_EL1, 1), GIC_SYSREG_TRAP);
    assert_int_equal(gic_icv_write(f->gic, 0, ICC_SGI0R_EL1, 1), GIC_SYSREG_TRAP);
    assert_int_equal(gic_icv_write(f->gic, 0, ICC_ASGI1R_EL1, 1), GIC_SYSREG_TRAP);
    struct gic_irq_state st;
    gic_irq_state(f->gic, 1, 0, &st);
    assert_false(st.pending);
    /* ICH_HCR_EL2 trap controls */
    ich_w(f, 0, ICH_HCR_EL2, GICH_HCR_En | ICH_HCR_TALL1);
    assert_int_equal(gic_icv_read(f->gic, 0, ICC_IAR1_EL1, &v), GIC_SYSREG_TRAP);
    assert_int_equal(gic_icv_write(f->gic, 0, ICC_EOIR1_EL1, 1), GIC_SYSREG_TRAP);
    assert_int_equal(gic_icv_write(f->gic, 0, ICC_IGRPEN1_EL1, 0), GIC_SYSREG_TRAP);
    assert_int_equal(gic_icv_read(f->gic, 0, ICC_IAR0_EL1, &v), GIC_SYSREG_OK);
    assert_int_equal(gic_icv_read(f->gic, 0, ICC_PMR_EL1, &v), GIC_SYSREG_OK);
    ich_w(f, 0, ICH_HCR_EL2, GICH_HCR_En | ICH_HCR_TALL0);
    assert_int_equal(gic_icv_read(f->gic, 0, ICC_HPPIR0_EL1, &v), GIC_SYSREG_TRAP);
    assert_int_equal(gic_icv_read(f->gic, 0, ICC_AP0R0_EL1, &v), GIC_SYSREG_TRAP);
    assert_int_equal(gic_icv_read(f->gic, 0, ICC_BPR1_EL1, &v), GIC_SYSREG_OK);
    ich_w(f, 0, ICH_HCR_EL2, GICH_HCR_En | ICH_HCR_TC);
    assert_int_equal(gic_icv_read(f->gic, 0, ICC_CTLR_EL1, &v), GIC_SYSREG_TRAP);
    assert_int_equal(gic_icv_write(f->gic, 0, ICC_PMR_EL1, 0), GIC_SYSREG_TRAP);
    assert_int_equal(gic_icv_read(f->gic, 0, ICC_RPR_EL1, &v), GIC_SYSREG_TRAP);
    assert_int_equal(gic_icv_write(f->gic, 0, ICC_DIR_EL1, 1), GIC_SYSREG_TRAP);
    assert_int_equal(gic_icv_read(f->gic, 0, ICC_IAR1_EL1, &v), GIC_SYSREG_OK);
    ich_w(f, 0, ICH_HCR_EL2, GICH_HCR_En | ICH_HCR_TDIR);
    assert_int_equal(gic_icv_write(f->gic, 0, ICC_DIR_EL1, 1), GIC_SYSREG_TRAP);
    assert_int_equal(gic_icv_write(f->gic, 0, ICC_PMR_EL1, 0xF0), GIC_SYSREG_OK);
    /* UNDEFINED beats the traps: wrong direction, unknown register */
    ich_w(f, 0, ICH_HCR_EL2, GICH_HCR_En | ICH_HCR_TC | ICH_HCR_TALL0 | ICH_HCR_TALL1);
    assert_int_equal(gic_icv_read(f->gic, 0, ICC_EOIR1_EL1, &v), GIC_SYSREG_UNDEF);
    assert_int_equal(gic_icv_read(f->gic, 0, ICC_SGI1R_EL1, &v), GIC_SYSREG_UNDEF);
    assert_int_equal(gic_icv_write(f->gic, 0, ICC_IAR1_EL1, 0), GIC_SYSREG_UNDEF);
    assert_int_equal(gic_icv_write(f->gic, 0, ICC_RPR_EL1, 0), GIC_SYSREG_UNDEF);
    assert_int_equal(gic_icv_read(f->gic, 0, SYSREG_ENC(3, 0, 12, 8, 5), &v), GIC_SYSREG_UNDEF);
    assert_int_equal(gic_icv_read(f->gic, 0, SYSREG_ENC(3, 0, 12, 13, 0), &v), GIC_SYSREG_UNDEF);
    assert_int_equal(gic_icv_read(f->gic, 2, ICC_PMR_EL1, &v), GIC_SYSREG_UNDEF);
    /* ICV_DIR with EOImode 0: logged, deactivates */
    ich_w(f, 0, ICH_HCR_EL2, GICH_HCR_En);
    unsigned logs = f->logs;
    icv_w(f, 0, ICC_DIR_EL1, 7);
    assert_int_equal(f->logs, logs + 1);
    fx_free(f);
}

static void test_reset_and_cpus(void **s)
{
    struct fx *f = fx_new(3, 2, true);
    vopen(f, 1, GICH_HCR_UIE);
    ich_w(f, 1, ICH_LR_EL2(0), lr(130, 0x80, ST_PENDING, true, false, 0, false));
    assert_true(f->line[1][VIRQ]);
    assert_false(f->line[0][VIRQ]);
    assert_true(gic_maint_level(f->gic, 1));
    assert_false(gic_maint_level(f->gic, 0));
    assert_true(phys(f, 1, GIC_MAINT_PPI, false));
    assert_false(phys(f, 0, GIC_MAINT_PPI, false));
    assert_int_equal(icv(f, 0, ICC_IAR1_EL1), 1023);
    gic_reset(f->gic);
    assert_false(f->line[1][VIRQ]);
    assert_false(gic_maint_level(f->gic, 1));
    assert_false(phys(f, 1, GIC_MAINT_PPI, false));
    assert_int_equal(ich(f, 1, ICH_LR_EL2(0)), 0);
    assert_int_equal(ich(f, 1, ICH_HCR_EL2), 0);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ich_registers),
        cmocka_unit_test(test_pending_ack_eoi_maintenance),
        cmocka_unit_test(test_hw_deactivates_physical),
        cmocka_unit_test(test_virtual_priority),
        cmocka_unit_test(test_maintenance_and_eoicount),
        cmocka_unit_test(test_icv_vs_icc),
        cmocka_unit_test(test_reset_and_cpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
