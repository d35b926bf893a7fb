/* tests/guest/lib/gic.c — see gic.h. */
#include "gic.h"

unsigned gic_version;

#define ICC_W(r, v) __asm__ volatile("msr " r ", %0\n\tisb" :: "r"((uint64_t)(v)) : "memory")
#define ICC_R(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " r : "=r"(v_) :: "memory"); v_; })
/* Encoded names, so that the assembler needs no GICv3 support. */
#define ICC_PMR_EL1   "S3_0_C4_C6_0"
#define ICC_IAR1_EL1  "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1 "S3_0_C12_C12_1"
#define ICC_BPR1_EL1  "S3_0_C12_C12_3"
#define ICC_RPR_EL1   "S3_0_C12_C11_3"
#define ICC_DIR_EL1   "S3_0_C12_C11_1"
#define ICC_SGI1R_EL1 "S3_0_C12_C11_5"
#define ICC_CTLR_EL1  "S3_0_C12_C12_4"
#define ICC_SRE_EL1   "S3_0_C12_C12_5"
#define ICC_IGRPEN1_EL1 "S3_0_C12_C12_7"

unsigned gic_cpu_index(void) { return SYSREG_READ(mpidr_el1) & 0xff; }

/* ID_AA64PFR0_EL1.GIC says whether the GICv3 system-register interface exists; then
 * GICD_PIDR2.ArchRev (0xFFE8 on v3/v4, 0xFE8 in GICv2's 4 KiB distributor) confirms. */
unsigned gic_detect(void)
{
    if ((SYSREG_READ(id_aa64pfr0_el1) >> 24) & 0xf) {
        unsigned arch = (mmio_read32(GICD_BASE + GICD_PIDR2) >> 4) & 0xf;
        return arch == 3 || arch == 4 ? 3 : 0;
    }
    return ((mmio_read32(GICD_BASE + 0xfe8) >> 4) & 0xf) == 2 ? 2 : 0;
}

static uint64_t gicr(void) { return GICR_BASE + gic_cpu_index() * GICR_STRIDE; }

uint64_t gic_irq_base(unsigned id)
{
    if (gic_version == 3 && id < 32) return gicr() + GICR_SGI;
    return GICD_BASE;
}

void gic_init(int primary)
{
    gic_version = gic_detect();
    if (gic_version == 2) {
        if (primary) {
            mmio_write32(GICD_BASE + GICD_CTLR, 0);
            unsigned n = ((mmio_read32(GICD_BASE + GICD_TYPER) & 0x1f) + 1) * 32;
            for (unsigned i = 32; i < n; i += 32) {
                mmio_write32(GICD_BASE + GICD_ICENABLER + i / 8, ~0u);
                mmio_write32(GICD_BASE + GICD_ICPENDR + i / 8, ~0u);
            }
            mmio_write32(GICD_BASE + GICD_CTLR, 1);
        }
        mmio_write32(GICD_BASE + GICD_ICENABLER, ~0u);
        mmio_write32(GICD_BASE + GICD_ICPENDR, ~0u);
        mmio_write32(GICC_BASE + GICC_PMR, 0xff);
        mmio_write32(GICC_BASE + GICC_BPR, 0);
        mmio_write32(GICC_BASE + GICC_CTLR, 1);
    } else if (gic_version == 3) {
        if (primary) {
            mmio_write32(GICD_BASE + GICD_CTLR, 0);
            while (mmio_read32(GICD_BASE + GICD_CTLR) & (1u << 31)) { }
            unsigned n = ((mmio_read32(GICD_BASE + GICD_TYPER) & 0x1f) + 1) * 32;
            for (unsigned i = 32; i < n; i += 32) {
                mmio_write32(GICD_BASE + GICD_ICENABLER + i / 8, ~0u);
                mmio_write32(GICD_BASE + GICD_ICPENDR + i / 8, ~0u);
                mmio_write32(GICD_BASE + GICD_IGROUPR + i / 8, ~0u);
            }
            /* ARE + EnableGrp1 (+ EnableGrp0); with DS = 1 bit 1 is EnableGrp1. */
            mmio_write32(GICD_BASE + GICD_CTLR, (1u << 4) | (1u << 1) | 1u);
            while (mmio_read32(GICD_BASE + GICD_CTLR) & (1u << 31)) { }
        }
        uint64_t r = gicr();
        mmio_write32(r + 0x14, mmio_read32(r + 0x14) & ~2u);          /* WAKER.ProcessorSleep */
        while (mmio_read32(r + 0x14) & 4u) { }                          /* ChildrenAsleep */
        mmio_write32(r + GICR_SGI + GICD_IGROUPR, ~0u);
        mmio_write32(r + GICR_SGI + GICD_ICENABLER, ~0u);
        mmio_write32(r + GICR_SGI + GICD_ICPENDR, ~0u);
        ICC_W(ICC_SRE_EL1, ICC_R(ICC_SRE_EL1) | 1);
        ICC_W(ICC_PMR_EL1, 0xff);
        ICC_W(ICC_BPR1_EL1, 0);
        ICC_W(ICC_CTLR_EL1, 0);
        ICC_W(ICC_IGRPEN1_EL1, 1);
    }
}

void gic_enable(unsigned id, unsigned prio)
{
    uint64_t b = gic_irq_base(id);
    mmio_write8(b + GICD_IPRIORITYR + id, (uint8_t)prio);
    if (id >= 32) {
        if (gic_version == 2) mmio_write8(GICD_BASE + GICD_ITARGETSR + id, 1);
        else *(volatile uint64_t *)(GICD_BASE + GICD_IROUTER + 8 * id) = 0;   /* Aff 0.0.0.0 */
    }
    if (gic_version == 3)
        mmio_write32(b + GICD_IGROUPR + id / 32 * 4, mmio_read32(b + GICD_IGROUPR + id / 32 * 4) | (1u << (id % 32)));
    mmio_write32(b + GICD_ISENABLER + id / 32 * 4, 1u << (id % 32));
    __asm__ volatile("dsb sy" ::: "memory");
}
void gic_disable(unsigned id)
{
    mmio_write32(gic_irq_base(id) + GICD_ICENABLER + id / 32 * 4, 1u << (id % 32));
    __asm__ volatile("dsb sy" ::: "memory");
}
void gic_set_pending(unsigned id)
{
    mmio_write32(gic_irq_base(id) + GICD_ISPENDR + id / 32 * 4, 1u << (id % 32));
    __asm__ volatile("dsb sy" ::: "memory");
}
void gic_clear_pending(unsigned id)
{
    mmio_write32(gic_irq_base(id) + GICD_ICPENDR + id / 32 * 4, 1u << (id % 32));
    __asm__ volatile("dsb sy" ::: "memory");
}
int gic_is_pending(unsigned id)
{
    return (mmio_read32(gic_irq_base(id) + GICD_ISPENDR + id / 32 * 4) >> (id % 32)) & 1;
}
int gic_is_active(unsigned id)
{
    return (mmio_read32(gic_irq_base(id) + GICD_ISACTIVER + id / 32 * 4) >> (id % 32)) & 1;
}
void gic_set_edge(unsigned id, int edge)
{
    uint64_t a = gic_irq_base(id) + GICD_ICFGR + id / 16 * 4;
    uint32_t v = mmio_read32(a), bit = 2u << (2 * (id % 16));
    mmio_write32(a, edge ? (v | bit) : (v & ~bit));
}
uint32_t gic_icfgr(unsigned id)
{
    return (mmio_read32(gic_irq_base(id) + GICD_ICFGR + id / 16 * 4) >> (2 * (id % 16))) & 3;
}
unsigned gic_ack(void)
{
    unsigned v = gic_version == 3 ? (unsigned)ICC_R(ICC_IAR1_EL1) : mmio_read32(GICC_BASE + GICC_IAR);
    __asm__ volatile("dsb sy" ::: "memory");
    return v;
}
void gic_eoi(unsigned iar)
{
    __asm__ volatile("dsb sy" ::: "memory");
    if (gic_version == 3) ICC_W(ICC_EOIR1_EL1, iar); else mmio_write32(GICC_BASE + GICC_EOIR, iar);
}
void gic_dir(unsigned iar)
{
    __asm__ volatile("dsb sy" ::: "memory");
    if (gic_version == 3) ICC_W(ICC_DIR_EL1, iar); else mmio_write32(GICC_BASE + GICC_DIR, iar);
}
void gic_set_pmr(unsigned pmr)
{
    if (gic_version == 3) ICC_W(ICC_PMR_EL1, pmr); else mmio_write32(GICC_BASE + GICC_PMR, pmr);
    __asm__ volatile("dsb sy\n\tisb" ::: "memory");
}
unsigned gic_get_pmr(void)
{
    return gic_version == 3 ? (unsigned)ICC_R(ICC_PMR_EL1) : mmio_read32(GICC_BASE + GICC_PMR);
}
void gic_set_bpr(unsigned bpr)
{
    if (gic_version == 3) ICC_W(ICC_BPR1_EL1, bpr); else mmio_write32(GICC_BASE + GICC_BPR, bpr);
}
unsigned gic_get_bpr(void)
{
    return gic_version == 3 ? (unsigned)ICC_R(ICC_BPR1_EL1) : mmio_read32(GICC_BASE + GICC_BPR);
}
unsigned gic_rpr(void)
{
    return gic_version == 3 ? (unsigned)ICC_R(ICC_RPR_EL1) : mmio_read32(GICC_BASE + GICC_RPR);
}
void gic_set_eoimode(int split)
{
    if (gic_version == 3) {
        uint64_t c = ICC_R(ICC_CTLR_EL1);
        ICC_W(ICC_CTLR_EL1, split ? (c | 2) : (c & ~2ull));
    } else {
        uint32_t c = mmio_read32(GICC_BASE + GICC_CTLR);
        mmio_write32(GICC_BASE + GICC_CTLR, split ? (c | (1u << 9)) : (c & ~(1u << 9)));
    }
}
void gic_send_sgi(unsigned id, unsigned target_mask)
{
    __asm__ volatile("dsb sy" ::: "memory");
    if (gic_version == 3) {
        if (!target_mask) target_mask = 1u << gic_cpu_index();
        ICC_W(ICC_SGI1R_EL1, ((uint64_t)id << 24) | (target_mask & 0xffff));
    } else {
        if (!target_mask) mmio_write32(GICD_BASE + GICD_SGIR, (2u << 24) | id);
        else mmio_write32(GICD_BASE + GICD_SGIR, ((target_mask & 0xff) << 16) | id);
    }
    __asm__ volatile("isb" ::: "memory");
}
