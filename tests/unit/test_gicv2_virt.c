/* tests/unit/test_gicv2_virt.c — GICv2 virtualization extensions (IHI 0048B chapter 5): the
 * hypervisor programs GICH_* (through gic_gich_read/write and the banked frame at
 * VIRT_GIC_HYP), the guest uses GICV_* on the bus (VIRT_GIC_VCPU or any address), and we watch
 * the virtual IRQ/FIQ lines, the maintenance interrupt (PPI 25) and the physical state. */
#include "tests/unit/gic_fixture.h"

#define ST_PENDING  1u
#define ST_ACTIVE   2u
#define ST_PA       3u

/* The hypervisor's C accessors, explicit CPU */
static uint32_t gich(struct fx *f, unsigned c, unsigned off)
{
    uint32_t v = 0xdeadbeef;
    assert_int_equal(gic_gich_read(f->gic, c, off, &v), BUS_OK);
    return v;
}
static void gich_w(struct fx *f, unsigned c, unsigned off, uint32_t v)
{
    assert_int_equal(gic_gich_write(f->gic, c, off, v), BUS_OK);
}
/* GICH_LRn value: VirtualID, priority (8-bit value, top 5 bits kept), state, Grp1, HW with
 * PhysicalID, or EOI for a software interrupt */
static uint32_t lr(unsigned vid, uint8_t prio, unsigned state, bool grp1, bool hw, unsigned pid,
                   bool eoi)
{
    return vid | (uint32_t)(prio >> 3) << 23 | state << 28 | (grp1 ? 1u << 30 : 0) |
           (hw ? 1u << 31 | pid << 10 : 0) | (!hw && eoi ? 1u << 19 : 0);
}
static unsigned lr_state(struct fx *f, unsigned c, unsigned n) { return gich(f, c, GICH_LR(n)) >> 28 & 3; }
static bool ppi_pending(struct fx *f, unsigned c, unsigned intid)
{
    struct gic_irq_state st;
    assert_true(gic_irq_state(f->gic, c, intid, &st));
    return st.pending;
}

/* The hypervisor enables the virtual interface; the guest enables Group 0 with PMR open. */
static void vopen(struct fx *f, unsigned c, uint32_t hcr_extra)
{
    gich_w(f, c, GICH_HCR, GICH_HCR_En | hcr_extra);
    gic_set_current_cpu(f->gic, c);
    wr32(f, V(GICV_CTLR), 0x1);          /* EnableGrp0 */
    wr32(f, V(GICV_PMR), 0xF8);
}

static void test_gich_registers(void **s)
{
    struct fx *f = fx_new(2, 2, true);
    /* GICH_VTR: PRIbits 5, PREbits 5, ListRegs 4 (GIC-400) */
    assert_int_equal(gich(f, 0, GICH_VTR), 4u << 29 | 4u << 26 | 3);
    assert_int_equal(gich(f, 0, GICH_HCR), 0);
    assert_int_equal(gich(f, 0, GICH_VMCR), 3u << 18 | 2u << 21);   /* VMABP 3, VMBP 2 */
    assert_int_equal(gich(f, 0, GICH_ELRSR0), 0xF);
    assert_int_equal(gich(f, 0, GICH_ELRSR1), 0);
    assert_int_equal(gich(f, 0, GICH_EISR0), 0);
    assert_int_equal(gich(f, 0, GICH_EISR1), 0);
    assert_int_equal(gich(f, 0, GICH_MISR), 0);
    /* HCR keeps the architected bits only */
    gich_w(f, 0, GICH_HCR, 0xFFFFFFFF);
    assert_int_equal(gich(f, 0, GICH_HCR), 0xF80000FF);
    gich_w(f, 0, GICH_HCR, 0);
    /* VMCR round trip; BP below the minimum reads back as the minimum */
    uint32_t vmcr = 0x1Fu << 27 | 5u << 21 | 6u << 18 | 1u << 9 | 0x1F;
    gich_w(f, 0, GICH_VMCR, vmcr);
    assert_int_equal(gich(f, 0, GICH_VMCR), vmcr);
    gich_w(f, 0, GICH_VMCR, 0);
    assert_int_equal(gich(f, 0, GICH_VMCR), 3u << 18 | 2u << 21);
    /* The VMCR is what the guest sees as GICV_CTLR/PMR/BPR/ABPR */
    gich_w(f, 1, GICH_VMCR, 0x14u << 27 | 4u << 21 | 5u << 18 | 1u << 9 | 0x1F);
    gic_set_current_cpu(f->gic, 1);
    assert_int_equal(rd32(f, V(GICV_CTLR)), 0x21F);
    assert_int_equal(rd32(f, V(GICV_PMR)), 0xA0);
    assert_int_equal(rd32(f, V(GICV_BPR)), 4);
    assert_int_equal(rd32(f, V(GICV_ABPR)), 5);
    assert_int_equal(rd32(f, V(GICV_IIDR)), 0x0202143B);
    assert_int_equal(rd32(f, V(GICV_RPR)), 0xFF);
    wr32(f, V(GICV_PMR), 0x58);
    assert_int_equal(gich(f, 1, GICH_VMCR) >> 27, 0x58 >> 3);
    /* LR round trip: HW with PhysicalID, and a software SGI with CPUID and EOI */
    uint32_t l = lr(40, 0xA8, ST_PENDING, true, true, 40, false);
    gich_w(f, 0, GICH_LR(2), l);
    assert_int_equal(gich(f, 0, GICH_LR(2)), l);
    l = lr(3, 0x10, ST_ACTIVE, false, false, 0, true) | 5u << 10;
    gich_w(f, 0, GICH_LR(3), l);
    assert_int_equal(gich(f, 0, GICH_LR(3)), l);
    assert_int_equal(gich(f, 0, GICH_ELRSR0), 0x3);
    /* LR4..63 do not exist: RAZ/WI, logged */
    unsigned logs = f->logs;
    gich_w(f, 0, GICH_LR(4), l);
    assert_int_equal(gich(f, 0, GICH_LR(4)), 0);
    assert_true(f->logs > logs);
    /* The banked frame on the bus is the current CPU's */
    gic_set_current_cpu(f->gic, 0);
    assert_int_equal(rd32(f, H(GICH_LR(2))), lr(40, 0xA8, ST_PENDING, true, true, 40, false));
    gic_set_current_cpu(f->gic, 1);
    assert_int_equal(rd32(f, H(GICH_LR(2))), 0);
    wr32(f, H(GICH_LR(1)), lr(9, 0, ST_PENDING, false, false, 0, false));
    assert_int_equal(gich(f, 1, GICH_LR(1)), lr(9, 0, ST_PENDING, false, false, 0, false));
    assert_int_equal(gich(f, 0, GICH_LR(1)), 0);
    /* no CPU 2 */
    uint32_t v;
    assert_int_equal(gic_gich_read(f->gic, 2, GICH_HCR, &v), BUS_SLAVE_ERROR);
    fx_free(f);
}

static void test_pending_ack_eoi_maintenance(void **s)
{
    struct fx *f = fx_new(2, 1, true);
    vopen(f, 0, 0);
    assert_false(f->line[0][VIRQ]);
    /* Hypervisor: LR0 pending, vINTID 27, Group 0, EOI maintenance requested */
    gich_w(f, 0, GICH_LR(0), lr(27, 0xA0, ST_PENDING, false, false, 0, true));
    assert_true(f->line[0][VIRQ]);               /* Group 0 without VMFIQEn: virtual IRQ */
    assert_false(f->line[0][VFIQ]);
    assert_false(f->line[0][IRQ]);               /* nothing physical */
    assert_true(gic_cpu_line(f->gic, 0, VIRQ));
    assert_int_equal(gich(f, 0, GICH_ELRSR0), 0xE);
    assert_int_equal(rd32(f, V(GICV_HPPIR)), 27);
    /* Guest acknowledges */
    assert_int_equal(rd32(f, V(GICV_IAR)), 27);
    assert_false(f->line[0][VIRQ]);
    assert_int_equal(lr_state(f, 0, 0), ST_ACTIVE);
    assert_int_equal(rd32(f, V(GICV_RPR)), 0xA0);
    assert_int_equal(gich(f, 0, GICH_APR), 1u << (0xA0 >> 3));
    assert_int_equal(rd32(f, V(GICV_APR0)), 1u << (0xA0 >> 3));
    assert_int_equal(rd32(f, V(GICV_IAR)), 1023);
    assert_false(gic_maint_level(f->gic, 0));
    /* EOI: priority drop and deactivation; the LR is invalid with EOI -> EISR, MISR.EOI */
    wr32(f, V(GICV_EOIR), 27);
    assert_int_equal(lr_state(f, 0, 0), 0);
    assert_int_equal(rd32(f, V(GICV_RPR)), 0xFF);
    assert_int_equal(gich(f, 0, GICH_APR), 0);
    assert_int_equal(gich(f, 0, GICH_EISR0), 0x1);
    assert_int_equal(gich(f, 0, GICH_ELRSR0), 0xE);            /* not free until handled */
    assert_int_equal(gich(f, 0, GICH_MISR), GICH_MISR_EOI);
    assert_true(gic_maint_level(f->gic, 0));
    assert_true(ppi_pending(f, 0, GIC_MAINT_PPI));
    /* The maintenance PPI reaches the hypervisor through the physical interface */
    wr32(f, D(0x000), 0x1);
    wr32(f, D(0x100), 1u << GIC_MAINT_PPI);
    gic_set_current_cpu(f->gic, 0);
    wr32(f, C(0x000), 0x1);
    wr32(f, C(0x004), 0xF0);
    assert_true(f->line[0][IRQ]);
    assert_int_equal(rd32(f, C(0x00C)), GIC_MAINT_PPI);
    /* The hypervisor retires the LR: maintenance drops */
    gich_w(f, 0, GICH_LR(0), 0);
    assert_int_equal(gich(f, 0, GICH_EISR0), 0);
    assert_int_equal(gich(f, 0, GICH_ELRSR0), 0xF);
    assert_int_equal(gich(f, 0, GICH_MISR), 0);
    assert_false(gic_maint_level(f->gic, 0));
    wr32(f, C(0x010), GIC_MAINT_PPI);
    assert_false(f->line[0][IRQ]);
    /* Without the EOI bit the LR is simply free after the EOI */
    gich_w(f, 0, GICH_LR(1), lr(28, 0x80, ST_PENDING, false, false, 0, false));
    assert_int_equal(rd32(f, V(GICV_IAR)), 28);
    wr32(f, V(GICV_EOIR), 28);
    assert_int_equal(gich(f, 0, GICH_ELRSR0), 0xF);
    assert_int_equal(gich(f, 0, GICH_MISR), 0);
    /* GICH_HCR.En == 0: nothing is signalled, IAR is spurious, no maintenance */
    gich_w(f, 0, GICH_LR(1), lr(28, 0x80, ST_PENDING, false, false, 0, false));
    assert_true(f->line[0][VIRQ]);
    gich_w(f, 0, GICH_HCR, 0);
    assert_false(f->line[0][VIRQ]);
    assert_int_equal(rd32(f, V(GICV_IAR)), 1023);
    fx_free(f);
}

static void test_hw_deactivates_physical(void **s)
{
    struct fx *f = fx_new(2, 1, true);
    /* Physical SPI 40 (level) to CPU 0; the hypervisor runs GICC with EOImode 1, as Xen */
    wr32(f, D(0x000), 0x1);
    bus_write(f->bus, mk_pa(D(0x400 + 40)), 1, 0x80);
    bus_write(f->bus, mk_pa(D(0x800 + 40)), 1, 1);
    wr32(f, D(0x104), 1u << 8);
    gic_set_current_cpu(f->gic, 0);
    wr32(f, C(0x000), 0x1 | 1u << 9);
    wr32(f, C(0x004), 0xF8);
    gic_set_spi(f->gic, 40, true);
    assert_true(f->line[0][IRQ]);
    assert_int_equal(rd32(f, C(0x00C)), 40);                   /* hypervisor acknowledges */
    wr32(f, C(0x010), 40);                                     /* priority drop only */
    struct gic_irq_state st;
    gic_irq_state(f->gic, 0, 40, &st);
    assert_true(st.active);
    gic_set_spi(f->gic, 40, false);                            /* device deasserts */
    assert_false(f->line[0][IRQ]);
    /* ... and injects it with HW = 1 */
    vopen(f, 0, 0);
    gich_w(f, 0, GICH_LR(0), lr(40, 0x80, ST_PENDING, false, true, 40, false));
    assert_true(f->line[0][VIRQ]);
    assert_int_equal(rd32(f, V(GICV_IAR)), 40);
    gic_irq_state(f->gic, 0, 40, &st);
    assert_true(st.active);                                    /* still active physically */
    wr32(f, V(GICV_EOIR), 40);
    gic_irq_state(f->gic, 0, 40, &st);
    assert_false(st.active);                                   /* virtual EOI deactivated it */
    assert_int_equal(lr_state(f, 0, 0), 0);
    assert_int_equal(gich(f, 0, GICH_EISR0), 0);               /* HW LRs never ask for EOI */
    assert_int_equal(gich(f, 0, GICH_ELRSR0), 0xF);
    assert_false(gic_maint_level(f->gic, 0));
    /* The interrupt can fire again */
    gic_set_spi(f->gic, 40, true);
    assert_true(f->line[0][IRQ]);
    /* Guest EOImode 1: EOIR drops priority, GICV_DIR deactivates (physical too) */
    assert_int_equal(rd32(f, C(0x00C)), 40);
    wr32(f, C(0x010), 40);
    gic_set_spi(f->gic, 40, false);
    wr32(f, V(GICV_CTLR), 0x1 | 1u << 9);
    gich_w(f, 0, GICH_LR(1), lr(40, 0x80, ST_PENDING, false, true, 40, false));
    assert_int_equal(rd32(f, V(GICV_IAR)), 40);
    wr32(f, V(GICV_EOIR), 40);
    assert_int_equal(lr_state(f, 0, 1), ST_ACTIVE);
    gic_irq_state(f->gic, 0, 40, &st);
    assert_true(st.active);
    wr32(f, V(GICV_DIR), 40);
    assert_int_equal(lr_state(f, 0, 1), 0);
    gic_irq_state(f->gic, 0, 40, &st);
    assert_false(st.active);
    fx_free(f);
}

static void test_virtual_priority(void **s)
{
    struct fx *f = fx_new(2, 1, true);
    vopen(f, 0, 0);
    /* GICV_PMR (GICH_VMCR.VMPriMask) masks: priority must be strictly higher */
    wr32(f, V(GICV_PMR), 0xA0);
    gich_w(f, 0, GICH_LR(0), lr(50, 0xA0, ST_PENDING, false, false, 0, false));
    assert_false(f->line[0][VIRQ]);
    assert_int_equal(rd32(f, V(GICV_HPPIR)), 50);              /* HPPIR is not masked */
    assert_int_equal(rd32(f, V(GICV_IAR)), 1023);
    assert_int_equal(lr_state(f, 0, 0), ST_PENDING);
    gich_w(f, 0, GICH_VMCR, (gich(f, 0, GICH_VMCR) & ~(0x1Fu << 27)) | (0xA8u >> 3) << 27);
    assert_true(f->line[0][VIRQ]);
    wr32(f, V(GICV_PMR), 0xF8);
    /* Highest priority wins, ties to the lower LR */
    gich_w(f, 0, GICH_LR(1), lr(51, 0x40, ST_PENDING, false, false, 0, false));
    gich_w(f, 0, GICH_LR(2), lr(52, 0x40, ST_PENDING, false, false, 0, false));
    assert_int_equal(rd32(f, V(GICV_HPPIR)), 51);
    assert_int_equal(rd32(f, V(GICV_IAR)), 51);
    /* Preemption: running priority 0x40; same group priority does not preempt */
    assert_int_equal(rd32(f, V(GICV_RPR)), 0x40);
    assert_false(f->line[0][VIRQ]);
    assert_int_equal(rd32(f, V(GICV_IAR)), 1023);
    gich_w(f, 0, GICH_LR(3), lr(53, 0x20, ST_PENDING, false, false, 0, false));
    assert_true(f->line[0][VIRQ]);                             /* 0x20 preempts 0x40 */
    assert_int_equal(rd32(f, V(GICV_IAR)), 53);
    assert_int_equal(gich(f, 0, GICH_APR), 1u << (0x20 >> 3) | 1u << (0x40 >> 3));
    wr32(f, V(GICV_EOIR), 53);
    assert_int_equal(rd32(f, V(GICV_RPR)), 0x40);
    wr32(f, V(GICV_EOIR), 51);
    assert_int_equal(rd32(f, V(GICV_RPR)), 0xFF);
    /* 52 then 50 */
    assert_int_equal(rd32(f, V(GICV_IAR)), 52);
    wr32(f, V(GICV_EOIR), 52);
    assert_int_equal(rd32(f, V(GICV_IAR)), 50);
    wr32(f, V(GICV_EOIR), 50);
    assert_int_equal(gich(f, 0, GICH_ELRSR0), 0xF);
    /* The binary point: with GICV_BPR 5 the group priority is [7:6], 0x60 runs at 0x40 and
     * 0x48 (group priority 0x40) does not preempt it; with BPR 2 it does */
    for (int i = 0; i < 2; i++) {
        unsigned bpr = i ? 2 : 5;
        wr32(f, V(GICV_BPR), bpr);
        gich_w(f, 0, GICH_LR(0), lr(54, 0x60, ST_PENDING, false, false, 0, false));
        assert_int_equal(rd32(f, V(GICV_IAR)), 54);
        assert_int_equal(rd32(f, V(GICV_RPR)), bpr == 5 ? 0x40 : 0x60);
        gich_w(f, 0, GICH_LR(1), lr(55, 0x48, ST_PENDING, false, false, 0, false));
        assert_int_equal(f->line[0][VIRQ], bpr == 2);
        gich_w(f, 0, GICH_LR(1), 0);
        wr32(f, V(GICV_EOIR), 54);
    }
    /* Group enable: Group 0 disabled in GICV_CTLR -> not signalled, HPPIR spurious */
    gich_w(f, 0, GICH_LR(0), lr(60, 0x80, ST_PENDING, false, false, 0, false));
    wr32(f, V(GICV_CTLR), 0);
    assert_false(f->line[0][VIRQ]);
    assert_int_equal(rd32(f, V(GICV_HPPIR)), 1023);
    /* VMFIQEn: Group 0 goes out on the virtual FIQ */
    wr32(f, V(GICV_CTLR), 0x1 | 0x8);
    assert_true(f->line[0][VFIQ]);
    assert_false(f->line[0][VIRQ]);
    fx_free(f);
}

static void test_groups_and_states(void **s)
{
    struct fx *f = fx_new(2, 1, true);
    vopen(f, 0, 0);
    wr32(f, V(GICV_CTLR), 0x3);                                /* both groups, AckCtl 0 */
    gich_w(f, 0, GICH_LR(0), lr(70, 0x80, ST_PENDING, true, false, 0, false));
    assert_true(f->line[0][VIRQ]);
    assert_int_equal(rd32(f, V(GICV_HPPIR)), 1022);
    assert_int_equal(rd32(f, V(GICV_IAR)), 1022);              /* Group 1, AckCtl 0 */
    assert_int_equal(rd32(f, V(GICV_AHPPIR)), 70);
    assert_int_equal(rd32(f, V(GICV_AIAR)), 70);
    assert_int_equal(lr_state(f, 0, 0), ST_ACTIVE);
    /* Group 1 uses ABPR - 1 for its group priority; the APR is shared (GICH_APR) */
    assert_int_equal(gich(f, 0, GICH_APR), 1u << (0x80 >> 3));
    wr32(f, V(GICV_AEOIR), 70);
    assert_int_equal(lr_state(f, 0, 0), 0);
    /* Pending and active: the EOI leaves it pending, it is signalled again */
    gich_w(f, 0, GICH_LR(0), lr(71, 0x80, ST_PENDING, false, false, 0, false));
    assert_int_equal(rd32(f, V(GICV_IAR)), 71);
    gich_w(f, 0, GICH_LR(0), lr(71, 0x80, ST_PA, false, false, 0, false));
    assert_false(f->line[0][VIRQ]);                            /* active: not re-signalled */
    wr32(f, V(GICV_EOIR), 71);
    assert_int_equal(lr_state(f, 0, 0), ST_PENDING);
    assert_true(f->line[0][VIRQ]);
    assert_int_equal(rd32(f, V(GICV_IAR)), 71);
    wr32(f, V(GICV_EOIR), 71);
    /* A virtual SGI reports the LR's CPUID in IAR[12:10] */
    gich_w(f, 0, GICH_LR(2), lr(5, 0x80, ST_PENDING, false, false, 0, false) | 3u << 10);
    assert_int_equal(rd32(f, V(GICV_HPPIR)), 5 | 3u << 10);
    assert_int_equal(rd32(f, V(GICV_IAR)), 5 | 3u << 10);
    wr32(f, V(GICV_EOIR), 5 | 3u << 10);
    assert_int_equal(lr_state(f, 0, 2), 0);
    fx_free(f);
}

static void test_maintenance_conditions(void **s)
{
    struct fx *f = fx_new(2, 1, true);
    vopen(f, 0, 0);
    /* Underflow: UIE and at most one valid LR */
    gich_w(f, 0, GICH_LR(0), lr(80, 0x80, ST_PENDING, false, false, 0, false));
    gich_w(f, 0, GICH_LR(1), lr(81, 0x80, ST_PENDING, false, false, 0, false));
    gich_w(f, 0, GICH_HCR, GICH_HCR_En | GICH_HCR_UIE);
    assert_int_equal(gich(f, 0, GICH_MISR), 0);
    assert_false(gic_maint_level(f->gic, 0));
    assert_int_equal(rd32(f, V(GICV_IAR)), 80);
    wr32(f, V(GICV_EOIR), 80);
    assert_int_equal(gich(f, 0, GICH_MISR), GICH_MISR_U);
    assert_true(gic_maint_level(f->gic, 0));
    assert_true(ppi_pending(f, 0, GIC_MAINT_PPI));
    gich_w(f, 0, GICH_HCR, GICH_HCR_En);
    assert_false(gic_maint_level(f->gic, 0));
    assert_false(ppi_pending(f, 0, GIC_MAINT_PPI));
    /* NP: no LR pending */
    gich_w(f, 0, GICH_HCR, GICH_HCR_En | GICH_HCR_NPIE);
    assert_int_equal(gich(f, 0, GICH_MISR), 0);
    assert_int_equal(rd32(f, V(GICV_IAR)), 81);
    assert_int_equal(gich(f, 0, GICH_MISR), GICH_MISR_NP);
    assert_true(gic_maint_level(f->gic, 0));
    wr32(f, V(GICV_EOIR), 81);
    /* En == 0 masks the maintenance interrupt, not MISR */
    gich_w(f, 0, GICH_HCR, GICH_HCR_NPIE);
    assert_int_equal(gich(f, 0, GICH_MISR), GICH_MISR_NP);
    assert_false(gic_maint_level(f->gic, 0));
    /* Group enable/disable notifications follow GICV_CTLR */
    gich_w(f, 0, GICH_HCR, GICH_HCR_En | GICH_HCR_VGrp0EIE | GICH_HCR_VGrp0DIE | GICH_HCR_VGrp1EIE | GICH_HCR_VGrp1DIE);
    assert_int_equal(gich(f, 0, GICH_MISR), GICH_MISR_VGrp0E | GICH_MISR_VGrp1D);
    wr32(f, V(GICV_CTLR), 0x2);
    assert_int_equal(gich(f, 0, GICH_MISR), GICH_MISR_VGrp0D | GICH_MISR_VGrp1E);
    assert_true(gic_maint_level(f->gic, 0));
    gich_w(f, 0, GICH_HCR, GICH_HCR_En);
    assert_false(gic_maint_level(f->gic, 0));
    fx_free(f);
}

static void test_eoicount(void **s)
{
    struct fx *f = fx_new(2, 1, true);
    vopen(f, 0, 0);
    /* EOI of an INTID no LR holds (the hypervisor spilled it): EOICount counts it */
    gich_w(f, 0, GICH_APR, 1u << 16);          /* it was acknowledged at priority 0x80 */
    assert_int_equal(rd32(f, V(GICV_RPR)), 0x80);
    wr32(f, V(GICV_EOIR), 99);
    assert_int_equal(rd32(f, V(GICV_RPR)), 0xFF);                      /* priority dropped */
    assert_int_equal(gich(f, 0, GICH_HCR) >> 27, 1);
    assert_int_equal(gich(f, 0, GICH_MISR), 0);                        /* LRENPIE off */
    gich_w(f, 0, GICH_HCR, gich(f, 0, GICH_HCR) | GICH_HCR_LRENPIE);
    assert_int_equal(gich(f, 0, GICH_MISR), GICH_MISR_LRENP);
    assert_true(gic_maint_level(f->gic, 0));
    /* The hypervisor handles it and clears the count */
    gich_w(f, 0, GICH_HCR, GICH_HCR_En | GICH_HCR_LRENPIE);
    assert_false(gic_maint_level(f->gic, 0));
    /* EOImode 1: EOIR does not count, GICV_DIR does */
    wr32(f, V(GICV_CTLR), 0x1 | 1u << 9);
    wr32(f, V(GICV_EOIR), 99);
    assert_int_equal(gich(f, 0, GICH_HCR) >> 27, 0);
    wr32(f, V(GICV_DIR), 99);
    assert_int_equal(gich(f, 0, GICH_HCR) >> 27, 1);
    assert_true(gic_maint_level(f->gic, 0));
    /* Special INTIDs do nothing */
    wr32(f, V(GICV_DIR), 1023);
    wr32(f, V(GICV_EOIR), 1022);
    assert_int_equal(gich(f, 0, GICH_HCR) >> 27, 1);
    /* 5-bit counter wraps */
    gich_w(f, 0, GICH_HCR, GICH_HCR_En | 31u << 27);
    wr32(f, V(GICV_DIR), 99);
    assert_int_equal(gich(f, 0, GICH_HCR), GICH_HCR_En);
    fx_free(f);
}

static void test_gicv_any_address(void **s)
{
    struct fx *f = fx_new(2, 2, true);
    /* The hypervisor maps GICV where the guest's GICC is (here another bus, as a stage-2 view
     * of the guest, at the GICC address of the virt board), and the C entry point works too */
    struct bus *guest = bus_new();
    assert_int_equal(gic_map_gicv_at(f->gic, guest, VIRT_GIC_CPU), 0);
    assert_int_equal(gic_map_gicv_at(f->gic, f->bus, 0x2c002000), 0);
    gich_w(f, 1, GICH_HCR, GICH_HCR_En);
    gich_w(f, 1, GICH_VMCR, 0x1Fu << 27 | 1);
    gich_w(f, 1, GICH_LR(0), lr(33, 0x80, ST_PENDING, false, false, 0, false));
    assert_true(f->line[1][VIRQ]);
    assert_false(f->line[0][VIRQ]);
    gic_set_current_cpu(f->gic, 1);
    uint64_t v = 0;
    assert_int_equal(bus_read(guest, mk_pa(VIRT_GIC_CPU + GICV_HPPIR), 4, &v), BUS_OK);
    assert_int_equal(v, 33);
    assert_int_equal(bus_read(f->bus, mk_pa(0x2c002000 + GICV_HPPIR), 4, &v), BUS_OK);
    assert_int_equal(v, 33);
    assert_int_equal(gic_gicv_read(f->gic, 1, GICV_IAR, 4, &v), BUS_OK);
    assert_int_equal(v, 33);
    assert_false(f->line[1][VIRQ]);
    assert_int_equal(bus_write(guest, mk_pa(VIRT_GIC_CPU + GICV_EOIR), 4, 33), BUS_OK);
    assert_int_equal(gich(f, 1, GICH_ELRSR0), 0xF);
    /* CPU 0's virtual interface is separate */
    gic_set_current_cpu(f->gic, 0);
    assert_int_equal(bus_read(guest, mk_pa(VIRT_GIC_CPU + GICV_CTLR), 4, &v), BUS_OK);
    assert_int_equal(v, 0);
    bus_free(guest);
    fx_free(f);
}

static void test_bad_accesses(void **s)
{
    struct fx *f = fx_new(2, 1, true);
    uint64_t v;
    unsigned logs = f->logs;
    /* Sizes other than 32-bit and misaligned accesses: guest errors (external abort) */
    assert_int_equal(bus_read(f->bus, mk_pa(V(GICV_IAR)), 1, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_write(f->bus, mk_pa(V(GICV_EOIR)), 2, 0), BUS_SLAVE_ERROR);
    assert_int_equal(bus_read(f->bus, mk_pa(V(GICV_CTLR)), 8, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_read(f->bus, mk_pa(V(0x2)), 4, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_read(f->bus, mk_pa(H(GICH_HCR)), 1, &v), BUS_SLAVE_ERROR);
    assert_int_equal(gic_gich_write(f->gic, 0, 0x102, 0), BUS_SLAVE_ERROR);
    assert_true(f->logs >= logs + 6);
    /* Write to read-only, read of write-only, reserved offsets: logged, RAZ/WI */
    logs = f->logs;
    wr32(f, V(GICV_IAR), 5);
    wr32(f, V(GICV_RPR), 5);
    assert_int_equal(rd32(f, V(GICV_EOIR)), 0);
    assert_int_equal(rd32(f, V(GICV_DIR)), 0);
    assert_int_equal(rd32(f, V(0x0E0)), 0);                    /* no NSAPR in GICV */
    wr32(f, V(0x800), 1);
    wr32(f, H(GICH_VTR), 0);
    wr32(f, H(GICH_ELRSR0), 0);
    wr32(f, H(0x040), 1);
    assert_int_equal(f->logs, logs + 9);
    assert_int_equal(gich(f, 0, GICH_VTR), 4u << 29 | 4u << 26 | 3);
    /* GICV_DIR with EOImode 0 is logged (UNPREDICTABLE), still deactivates */
    logs = f->logs;
    wr32(f, V(GICV_DIR), 7);
    assert_int_equal(f->logs, logs + 1);
    /* ID registers as GICC */
    assert_int_equal(rd32(f, V(0xFE8)), 0x2B);
    /* A GICv3 GIC has no GICH/GICV */
    struct gic_config cfg = { .version = 3, .num_cpus = 1 };
    struct gic *g3 = gic_new(&cfg);
    uint32_t w;
    assert_int_equal(gic_gich_read(g3, 0, GICH_HCR, &w), BUS_SLAVE_ERROR);
    assert_int_equal(gic_gicv_read(g3, 0, GICV_IAR, 4, &v), BUS_SLAVE_ERROR);
    assert_int_equal(gic_map_gicv_at(g3, f->bus, 0x30000000), -1);
    gic_free(g3);
    fx_free(f);
}

static void test_reset(void **s)
{
    struct fx *f = fx_new(2, 1, true);
    vopen(f, 0, GICH_HCR_UIE);
    gich_w(f, 0, GICH_LR(0), lr(90, 0x80, ST_PENDING, false, false, 0, false));
    assert_true(f->line[0][VIRQ]);
    assert_true(gic_maint_level(f->gic, 0));                   /* one valid LR: underflow */
    gic_reset(f->gic);
    assert_false(f->line[0][VIRQ]);
    assert_false(gic_maint_level(f->gic, 0));
    assert_false(ppi_pending(f, 0, GIC_MAINT_PPI));
    assert_int_equal(gich(f, 0, GICH_HCR), 0);
    assert_int_equal(gich(f, 0, GICH_LR(0)), 0);
    assert_int_equal(gich(f, 0, GICH_VMCR), 3u << 18 | 2u << 21);
    /* gic_dump shows the virtual interface once it is used */
    vopen(f, 0, 0);
    gich_w(f, 0, GICH_LR(0), lr(90, 0x80, ST_PENDING, false, true, 45, false));
    FILE *mem = tmpfile();
    gic_dump(f->gic, mem);
    rewind(mem);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, mem);
    buf[n] = 0;
    fclose(mem);
    assert_non_null(strstr(buf, "vcpu0:"));
    assert_non_null(strstr(buf, "lr0: vintid 90 pending"));
    assert_non_null(strstr(buf, "pintid 45"));
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gich_registers),
        cmocka_unit_test(test_pending_ack_eoi_maintenance),
        cmocka_unit_test(test_hw_deactivates_physical),
        cmocka_unit_test(test_virtual_priority),
        cmocka_unit_test(test_groups_and_states),
        cmocka_unit_test(test_maintenance_conditions),
        cmocka_unit_test(test_eoicount),
        cmocka_unit_test(test_gicv_any_address),
        cmocka_unit_test(test_bad_accesses),
        cmocka_unit_test(test_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
