/* gic/gic.c — the interrupt-controller core that GICv2 and GICv3 share: creation, reset, input
 * lines, the highest-priority-pending computation, priority masking and preemption, acknowledge,
 * priority drop and deactivation, and the register-family helpers.
 *
 * Spec references: IHI 0048B (GICv2) chapter 3 "Interrupt Handling and Prioritization",
 * IHI 0069 (GICv3) chapter 4 "Physical Interrupt Handling and Prioritization". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gic/gic_internal.h"

void gic_log(const struct gic *g, const char *fmt, ...)
{
    if (!g->cfg.log)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    g->cfg.log(g->cfg.opaque, buf);
}

struct gic_bank *gic_bank(struct gic *g, unsigned cpu, unsigned intid)
{
    if (intid < GIC_NR_INTERNAL)
        return cpu < g->ncpu ? &g->priv[cpu] : NULL;
    if (intid >= g->nirq)
        return NULL;
    return &g->spi[intid / 32 - 1];
}

const struct gic_bank *gic_bank_c(const struct gic *g, unsigned cpu, unsigned intid)
{
    return gic_bank((struct gic *)g, cpu, intid);
}

int gic_irq_group(const struct gic *g, unsigned cpu, unsigned intid)
{
    const struct gic_bank *b = gic_bank_c(g, cpu, intid);
    return b && (b->group >> (intid % 32) & 1);
}

/* ---- creation and reset ------------------------------------------------------------------ */

struct gic *gic_new(const struct gic_config *cfg)
{
    if (!cfg || (cfg->version != 2 && cfg->version != 3) || cfg->num_cpus < 1 ||
        cfg->num_cpus > GIC_MAX_CPUS)
        return NULL;
    unsigned spis = cfg->num_spis ? cfg->num_spis
                  : cfg->version == 2 ? GIC_VIRT_V2_SPIS : GIC_VIRT_V3_SPIS;
    /* ITLinesNumber counts blocks of 32 INTIDs; INTIDs 1020.. are special (IHI 0048B 4.3.2) */
    if (spis % 32 || spis < 32 || spis + 32 > 1020 + 4)
        return NULL;
    struct gic *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->cfg = *cfg;
    g->cfg.num_spis = spis;
    g->ncpu = cfg->num_cpus;
    g->nirq = spis + GIC_NR_INTERNAL;
    if (g->nirq > 1020)
        g->nirq = 1020;
    g->ops = cfg->version == 2 ? &gicv2_ops : &gicv3_ops;
    g->spi = calloc(spis / 32, sizeof *g->spi);
    g->itargets = calloc(spis, 1);
    g->irouter = calloc(spis, sizeof *g->irouter);
    if (!g->spi || !g->itargets || !g->irouter) {
        gic_free(g);
        return NULL;
    }
    gic_reset(g);
    return g;
}

void gic_free(struct gic *g)
{
    if (!g)
        return;
    free(g->spi);
    free(g->itargets);
    free(g->irouter);
    free(g);
}

void gic_cpuif_reset(struct gic *g, unsigned cpu)
{
    struct gic_cpuif *c = &g->cpu[cpu];
    bool line[2] = { c->line[0], c->line[1] };
    bool sleep = c->processor_sleep;
    memset(c, 0, sizeof *c);
    c->line[0] = line[0];
    c->line[1] = line[1];
    c->processor_sleep = sleep;
    c->bpr[0] = GIC_MIN_BPR0;      /* GICC_BPR / ICC_BPR0_EL1 reset to the minimum */
    c->bpr[1] = GIC_MIN_BPR1;      /* GICC_ABPR / ICC_BPR1_EL1 reset to the minimum + 1 */
}

static void bank_reset(struct gic_bank *b)
{
    uint32_t level = b->level;     /* input lines belong to the devices */
    memset(b, 0, sizeof *b);
    b->level = level;
}

void gic_reset(struct gic *g)
{
    g->dist_ctlr = 0;
    for (unsigned c = 0; c < g->ncpu; c++) {
        bank_reset(&g->priv[c]);
        gic_cpuif_reset(g, c);
    }
    for (unsigned i = 0; i < (g->nirq - GIC_NR_INTERNAL + 31) / 32; i++)
        bank_reset(&g->spi[i]);
    memset(g->itargets, 0, g->nirq - GIC_NR_INTERNAL);
    memset(g->irouter, 0, (g->nirq - GIC_NR_INTERNAL) * sizeof *g->irouter);
    if (g->cfg.version == 2)
        gicv2_dist_reset(g);
    else {
        gicv3_dist_reset(g);
        for (unsigned c = 0; c < g->ncpu; c++)
            gicv3_redist_reset(g, c);
    }
    gic_update(g);
    for (unsigned c = 0; c < g->ncpu; c++) {
        gic_virt_reset(g, c);
        gic_virt_update(g, c);     /* virtual lines and the maintenance PPI go low */
    }
}

void gic_set_current_cpu(struct gic *g, unsigned cpu)
{
    if (cpu < g->ncpu)
        g->cur_cpu = cpu;
}

unsigned gic_current_cpu(const struct gic *g) { return g->cur_cpu; }

/* ---- inputs -------------------------------------------------------------------------------- */

/* A rising edge on an edge-triggered interrupt latches pending (IHI 0048B 3.2.4 / IHI 0069
 * 4.1.1); a level-sensitive one follows the line through gic_bank_pending(). */
static void set_line(struct gic *g, struct gic_bank *b, unsigned bit, bool level)
{
    uint32_t m = 1u << bit;
    bool old = b->level & m;
    if (level == old)
        return;
    if (level) {
        b->level |= m;
        if (b->edge & m)
            b->latch |= m;
    } else {
        b->level &= ~m;
    }
    gic_update(g);
}

void gic_set_spi(struct gic *g, unsigned intid, bool level)
{
    if (intid < GIC_NR_INTERNAL || intid >= g->nirq) {
        gic_log(g, "gic: set_spi: INTID %u is not an SPI of this GIC", intid);
        return;
    }
    set_line(g, gic_bank(g, 0, intid), intid % 32, level);
}

void gic_set_ppi(struct gic *g, unsigned cpu, unsigned intid, bool level)
{
    if (cpu >= g->ncpu || intid < GIC_NR_SGIS || intid >= GIC_NR_INTERNAL) {
        gic_log(g, "gic: set_ppi: CPU %u INTID %u is not a PPI of this GIC", cpu, intid);
        return;
    }
    set_line(g, &g->priv[cpu], intid, level);
}

/* ---- prioritization ------------------------------------------------------------------------ */

/* The priority logic below works on a struct gic_cpuif alone, so that the physical CPU interface
 * (GICC_* / ICC_*) and the virtual one (GICV_* / ICV_*, whose state is GICH_VMCR / ICH_VMCR_EL2
 * and GICH_APR / ICH_AP<n>R0_EL2, gic_virt.c) share one implementation: IHI 0048B 3.3 and 5.3.x
 * ("the virtual CPU interface ... behaves as a GIC CPU interface"), IHI 0069 "Interrupt
 * prioritization" and "Virtual interrupt handling and prioritization". */
uint8_t gic_cpuif_group_priority(const struct gic_cpuif *c, uint8_t prio, int group)
{
    /* Group 1 uses the aliased BPR minus one unless CBPR makes both groups share BPR0
     * (IHI 0048B 3.3.3 table 3-2, IHI 0069 "Preemption"). */
    unsigned bpr = (group == 0 || c->cbpr) ? c->bpr[0] : (unsigned)c->bpr[1] - 1;
    return prio & (uint8_t)(0xFF << (bpr + 1));
}

uint8_t gic_cpuif_running_priority(const struct gic_cpuif *c)
{
    uint32_t a = c->apr[0] | c->apr[1];
    if (!a)
        return GIC_IDLE_PRIO;
    return (uint8_t)(__builtin_ctz(a) << (8 - GIC_PRIO_BITS));
}

bool gic_cpuif_can_signal(const struct gic_cpuif *c, uint8_t prio, int group)
{
    /* Priority masking: strictly higher priority (lower value) than PMR (IHI 0048B 3.3.2).
     * Preemption: group priority strictly higher than the running priority (3.3.3). */
    return prio < c->pmr &&
           gic_cpuif_group_priority(c, prio, group) < gic_cpuif_running_priority(c);
}

void gic_cpuif_activate_priority(struct gic_cpuif *c, uint8_t prio, int group, int apr)
{
    uint8_t gp = gic_cpuif_group_priority(c, prio, group);
    c->apr[apr] |= 1u << (gp >> (8 - GIC_PRIO_BITS));
}

bool gic_cpuif_priority_drop(struct gic_cpuif *c)
{
    uint32_t a = c->apr[0] | c->apr[1];
    if (!a)
        return false;
    uint32_t lowest = a & -a;
    /* The same bit cannot be set in both groups through acknowledges; clear it wherever it is. */
    c->apr[0] &= ~lowest;
    c->apr[1] &= ~lowest;
    return true;
}

uint8_t gic_bpr_clamp(uint64_t v, int which)
{
    /* A BPR below the minimum the priority bits allow reads back as the minimum
     * (IHI 0048B 4.4.3, 5.3.x GICH_VMCR; IHI 0069 ICC_BPR0_EL1, ICH_VMCR_EL2). */
    unsigned min = which ? GIC_MIN_BPR1 : GIC_MIN_BPR0;
    return (uint8_t)((v & 7) < min ? min : (v & 7));
}

uint8_t gic_group_priority(const struct gic *g, unsigned cpu, uint8_t prio, int group)
{
    return gic_cpuif_group_priority(&g->cpu[cpu], prio, group);
}

uint8_t gic_running_priority(const struct gic *g, unsigned cpu)
{
    return gic_cpuif_running_priority(&g->cpu[cpu]);
}

bool gic_can_signal(const struct gic *g, unsigned cpu, uint8_t prio, int group)
{
    return gic_cpuif_can_signal(&g->cpu[cpu], prio, group);
}

static uint32_t bank_candidates(const struct gic *g, unsigned cpu, const struct gic_bank *b)
{
    uint32_t gmask = 0;
    for (int grp = 0; grp < 2; grp++)
        if ((g->dist_ctlr & (1u << grp)) && g->cpu[cpu].grp_en[grp])
            gmask |= grp ? b->group : ~b->group;
    return gic_bank_pending(b) & b->enabled & ~b->active & gmask;
}

unsigned gic_hppi(const struct gic *g, unsigned cpu, uint8_t *prio, int *group)
{
    unsigned best = GIC_SPURIOUS;
    unsigned best_prio = 0x100;
    if (!g->ops->cpu_awake(g, cpu))
        return GIC_SPURIOUS;
    for (unsigned base = 0; base < g->nirq; base += 32) {
        const struct gic_bank *b = gic_bank_c(g, cpu, base);
        uint32_t cand = bank_candidates(g, cpu, b);
        while (cand) {
            unsigned bit = __builtin_ctz(cand);
            cand &= cand - 1;
            unsigned id = base + bit;
            if (id >= g->nirq)
                break;             /* INTIDs 1020..1023 of a full last bank are special */
            if (id >= GIC_NR_INTERNAL && !g->ops->spi_targets(g, id, cpu))
                continue;
            if (b->prio[bit] < best_prio) {
                best_prio = b->prio[bit];
                best = id;
            }
        }
    }
    if (best != GIC_SPURIOUS) {
        if (prio)
            *prio = (uint8_t)best_prio;
        if (group)
            *group = gic_irq_group(g, cpu, best);
    }
    return best;
}

void gic_update(struct gic *g)
{
    for (unsigned cpu = 0; cpu < g->ncpu; cpu++) {
        bool want[2] = { false, false };
        uint8_t prio;
        int group;
        if (gic_hppi(g, cpu, &prio, &group) != GIC_SPURIOUS && gic_can_signal(g, cpu, prio, group))
            want[g->ops->group_line(g, cpu, group)] = true;
        for (int l = 0; l < 2; l++) {
            if (want[l] != g->cpu[cpu].line[l]) {
                g->cpu[cpu].line[l] = want[l];
                if (g->cfg.set_cpu_line)
                    g->cfg.set_cpu_line(g->cfg.opaque, cpu, l, want[l]);
            }
        }
    }
}

/* ---- acknowledge, priority drop, deactivate ---------------------------------------------- */

unsigned gic_acknowledge(struct gic *g, unsigned cpu, unsigned intid)
{
    struct gic_bank *b = gic_bank(g, cpu, intid);
    unsigned bit = intid % 32, src = 0;
    int group = b->group >> bit & 1;
    b->active |= 1u << bit;
    if (g->cfg.version == 2 && intid < GIC_NR_SGIS) {
        /* GICv2 SGIs pend per source CPU; acknowledge the lowest-numbered source, the SGI stays
         * pending while other sources' copies are (IHI 0048B 3.2.4, 4.4.4). */
        uint8_t *s = &g->cpu[cpu].sgi_src[intid];
        if (*s) {
            src = __builtin_ctz(*s);
            *s &= ~(1u << src);
        }
        if (!*s)
            b->latch &= ~(1u << bit);
    } else {
        /* A level-sensitive interrupt whose line is still high stays pending: active and pending. */
        b->latch &= ~(1u << bit);
    }
    gic_cpuif_activate_priority(&g->cpu[cpu], b->prio[bit], group, group);
    gic_update(g);
    return src;
}

void gic_priority_drop(struct gic *g, unsigned cpu)
{
    if (gic_cpuif_priority_drop(&g->cpu[cpu]))
        gic_update(g);
}

void gic_deactivate(struct gic *g, unsigned cpu, unsigned intid)
{
    struct gic_bank *b = gic_bank(g, cpu, intid);
    if (!b)
        return;
    b->active &= ~(1u << (intid % 32));
    gic_update(g);
}

void gic_sgi_raise(struct gic *g, unsigned target, unsigned intid, unsigned src)
{
    if (target >= g->ncpu || intid >= GIC_NR_SGIS)
        return;
    if (g->cfg.version == 2)
        g->cpu[target].sgi_src[intid] |= 1u << src;
    g->priv[target].latch |= 1u << intid;
}

/* ---- register families --------------------------------------------------------------------- */

uint32_t gic_bitreg_read(const struct gic_bank *b, enum gic_bitreg r)
{
    switch (r) {
    case GIC_IGROUPR:                     return b->group;
    case GIC_ISENABLER: case GIC_ICENABLER: return b->enabled;
    case GIC_ISPENDR:   case GIC_ICPENDR:   return gic_bank_pending(b);
    case GIC_ISACTIVER: case GIC_ICACTIVER: return b->active;
    case GIC_IGRPMODR:                    return b->grpmod;
    }
    return 0;
}

void gic_bitreg_write(struct gic_bank *b, enum gic_bitreg r, uint32_t val, uint32_t wmask)
{
    val &= wmask;
    switch (r) {
    case GIC_IGROUPR:   b->group = (b->group & ~wmask) | val; break;
    case GIC_IGRPMODR:  b->grpmod = (b->grpmod & ~wmask) | val; break;
    case GIC_ISENABLER: b->enabled |= val; break;
    case GIC_ICENABLER: b->enabled &= ~val; break;
    case GIC_ISPENDR:   b->latch |= val; break;
    /* Clearing the latch does not clear a level-sensitive interrupt whose line is high
     * (IHI 0048B 4.3.8). */
    case GIC_ICPENDR:   b->latch &= ~val; break;
    case GIC_ISACTIVER: b->active |= val; break;
    case GIC_ICACTIVER: b->active &= ~val; break;
    }
}

uint32_t gic_icfgr_read(const struct gic_bank *b, unsigned h)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 16; i++)
        if (b->edge >> (h * 16 + i) & 1)
            v |= 2u << (2 * i);        /* Int_config[1]; Int_config[0] is reserved */
    return v;
}

void gic_icfgr_write(struct gic_bank *b, unsigned h, uint32_t val, uint32_t wmask16)
{
    for (unsigned i = 0; i < 16; i++) {
        if (!(wmask16 >> i & 1))
            continue;
        uint32_t m = 1u << (h * 16 + i);
        if (val >> (2 * i + 1) & 1)
            b->edge |= m;
        else
            b->edge &= ~m;
    }
}

uint64_t gic_prio_read(const struct gic_bank *b, unsigned byte, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size && byte + i < 32; i++)
        v |= (uint64_t)b->prio[byte + i] << (8 * i);
    return v;
}

void gic_prio_write(struct gic_bank *b, unsigned byte, unsigned size, uint64_t val)
{
    for (unsigned i = 0; i < size && byte + i < 32; i++)
        b->prio[byte + i] = (uint8_t)(val >> (8 * i)) & GIC_PRIO_MASK;
}

/* Peripheral and component ID registers at 0xFD0..0xFFC (of the 4 KiB GICv2 frames, of the last
 * 4 KiB of the 64 KiB GICv3 frames). GICv2: the GIC-400 values (GIC-400 TRM, "Peripheral
 * ID"), as QEMU's virt presents. GICv3: PIDR2.ArchRev = 3 (IHI 0069, GICD_PIDR2),
 * JEP106 code of Arm. */
uint32_t gic_id_reg(unsigned version, unsigned off)
{
    static const uint8_t v2[12] = { 0x04, 0x00, 0x00, 0x00, 0x90, 0xB4, 0x2B, 0x00,
                                    0x0D, 0xF0, 0x05, 0xB1 };
    static const uint8_t v3[12] = { 0x04, 0x00, 0x00, 0x00, 0x92, 0xB4, 0x3B, 0x00,
                                    0x0D, 0xF0, 0x05, 0xB1 };
    if (off < 0xFD0 || off > 0xFFC || off % 4)
        return 0;
    return (version == 2 ? v2 : v3)[(off - 0xFD0) / 4];
}

/* ---- introspection ------------------------------------------------------------------------- */

unsigned gic_version(const struct gic *g) { return g->cfg.version; }
unsigned gic_num_irqs(const struct gic *g) { return g->nirq; }

bool gic_cpu_line(const struct gic *g, unsigned cpu, int line)
{
    if (cpu >= g->ncpu || line < 0 || line > GIC_LINE_VFIQ)
        return false;
    return line < 2 ? g->cpu[cpu].line[line] : g->virt[cpu].vline[line - 2];
}

bool gic_maint_level(const struct gic *g, unsigned cpu)
{
    return cpu < g->ncpu && g->virt[cpu].maint;
}

bool gic_irq_state(const struct gic *g, unsigned cpu, unsigned intid, struct gic_irq_state *st)
{
    const struct gic_bank *b = gic_bank_c(g, cpu, intid);
    if (!b)
        return false;
    uint32_t m = 1u << (intid % 32);
    st->enabled = b->enabled & m;
    st->pending = gic_bank_pending(b) & m;
    st->active = b->active & m;
    st->edge = b->edge & m;
    st->group1 = b->group & m;
    st->level = b->level & m;
    st->priority = b->prio[intid % 32];
    st->targets = 0;
    if (intid < GIC_NR_INTERNAL)
        st->targets = (uint8_t)(1u << cpu);
    else
        for (unsigned c = 0; c < g->ncpu; c++)
            if (g->ops->spi_targets(g, intid, c))
                st->targets |= (uint8_t)(1u << c);
    return true;
}

void gic_dump(const struct gic *g, void *file)
{
    FILE *f = file;
    fprintf(f, "GICv%u: %u CPUs, %u INTIDs, GICD_CTLR=%#x\n", g->cfg.version, g->ncpu, g->nirq,
            g->dist_ctlr);
    for (unsigned c = 0; c < g->ncpu; c++) {
        const struct gic_cpuif *ci = &g->cpu[c];
        uint8_t prio = 0;
        int grp = 0;
        unsigned h = gic_hppi(g, c, &prio, &grp);
        fprintf(f, " cpu%u: grpen=%d/%d pmr=%#x bpr=%u/%u eoimode=%d cbpr=%d apr=%#x/%#x rpr=%#x "
                   "hppi=%u irq=%d fiq=%d%s\n",
                c, ci->grp_en[0], ci->grp_en[1], ci->pmr, ci->bpr[0], ci->bpr[1], ci->eoimode,
                ci->cbpr, ci->apr[0], ci->apr[1], gic_running_priority(g, c), h, ci->line[0],
                ci->line[1], g->cfg.version == 3 && ci->processor_sleep ? " asleep" : "");
    }
    for (unsigned c = 0; c < g->ncpu; c++) {
        const struct gic_vcpuif *v = &g->virt[c];
        if (!v->hcr && !v->maint && !v->vline[0] && !v->vline[1])
            continue;
        const struct gic_cpuif *vi = &v->vif;
        fprintf(f, " vcpu%u: hcr=%#x misr=%#x elrsr=%#x grpen=%d/%d vpmr=%#x vbpr=%u/%u eoimode=%d "
                   "apr=%#x/%#x vrpr=%#x virq=%d vfiq=%d maint=%d\n",
                c, v->hcr, gic_virt_misr(g, c), gic_virt_elrsr(g, c), vi->grp_en[0], vi->grp_en[1],
                vi->pmr, vi->bpr[0], vi->bpr[1], vi->eoimode, vi->apr[0], vi->apr[1],
                gic_cpuif_running_priority(vi), v->vline[0], v->vline[1], v->maint);
        static const char *const st[4] = { "invalid", "pending", "active", "pending+active" };
        for (int n = 0; n < GIC_NR_LR; n++) {
            const struct gic_lr *lr = &v->lr[n];
            if (lr->state == GIC_LR_INVALID && !lr->eoi)
                continue;
            fprintf(f, "  lr%d: vintid %u %s grp%d prio %#04x%s%s\n", n, lr->vintid, st[lr->state],
                    lr->group1, lr->prio, lr->hw ? " hw" : "", lr->eoi && !lr->hw ? " eoi" : "");
            if (lr->hw)
                fprintf(f, "       pintid %u\n", lr->pintid);
        }
    }
    for (unsigned id = 0; id < g->nirq; id++) {
        for (unsigned c = 0; c < (id < GIC_NR_INTERNAL ? g->ncpu : 1); c++) {
            struct gic_irq_state st;
            gic_irq_state(g, c, id, &st);
            if (!st.enabled && !st.pending && !st.active)
                continue;
            fprintf(f, " intid %4u%s: %s%s%s %s grp%d prio %#04x targets %#04x line %d\n", id,
                    id < GIC_NR_INTERNAL ? (c == 0 ? " cpu0" : " cpuN") : "",
                    st.enabled ? "E" : "-", st.pending ? "P" : "-", st.active ? "A" : "-",
                    st.edge ? "edge " : "level", st.group1, st.priority, st.targets, st.level);
        }
    }
}

/* ---- mapping ------------------------------------------------------------------------------- */

int gic_map_at(struct gic *g, struct bus *b, uint64_t dist_base, uint64_t cpu_or_redist_base)
{
    if (g->cfg.version == 2) {
        if (bus_map_mmio(b, "gicv2-dist", mk_pa(dist_base), 0x10000, &gicv2_dist_mmio, g) < 0)
            return -1;
        /* The CPU interface uses 8 KiB (GICC_DIR at 0x1000, IHI 0048B 4.1.3); the board's device
         * tree gives it 64 KiB, the rest is reserved (RAZ/WI). */
        if (bus_map_mmio(b, "gicv2-cpu", mk_pa(cpu_or_redist_base), 0x10000, &gicv2_cpuif_mmio, g) < 0)
            return -1;
        return 0;
    }
    if (bus_map_mmio(b, "gicv3-dist", mk_pa(dist_base), 0x10000, &gicv3_dist_mmio, g) < 0)
        return -1;
    if (bus_map_mmio(b, "gicv3-redist", mk_pa(cpu_or_redist_base),
                     (uint64_t)g->ncpu * VIRT_GIC_REDIST_STRIDE, &gicv3_redist_mmio, g) < 0)
        return -1;
    return 0;
}

int gic_map(struct gic *g, struct bus *b)
{
    return gic_map_at(g, b, VIRT_GIC_DIST,
                      g->cfg.version == 2 ? VIRT_GIC_CPU : VIRT_GIC_REDIST);
}

bool gic_icc_read(struct gic *g, unsigned cpu, uint32_t enc, uint64_t *val)
{
    if (g->cfg.version != 3 || cpu >= g->ncpu)
        return false;
    return gicv3_icc_read(g, cpu, enc, val);
}

bool gic_icc_write(struct gic *g, unsigned cpu, uint32_t enc, uint64_t val)
{
    if (g->cfg.version != 3 || cpu >= g->ncpu)
        return false;
    return gicv3_icc_write(g, cpu, enc, val);
}

/* ---- virtualization entry points (gicv2_virt.c, gicv3_virt.c) ------------------------------ */

int gic_gich_read(struct gic *g, unsigned cpu, unsigned offset, uint32_t *val)
{
    uint64_t v = 0;
    if (g->cfg.version != 2 || cpu >= g->ncpu)
        return BUS_SLAVE_ERROR;
    int r = gicv2_gich_access(g, cpu, offset, 4, &v, false);
    *val = (uint32_t)v;
    return r;
}

int gic_gich_write(struct gic *g, unsigned cpu, unsigned offset, uint32_t val)
{
    uint64_t v = val;
    if (g->cfg.version != 2 || cpu >= g->ncpu)
        return BUS_SLAVE_ERROR;
    return gicv2_gich_access(g, cpu, offset, 4, &v, true);
}

int gic_gicv_read(struct gic *g, unsigned cpu, uint64_t offset, unsigned size, uint64_t *val)
{
    if (g->cfg.version != 2 || cpu >= g->ncpu)
        return BUS_SLAVE_ERROR;
    return gicv2_gicv_access(g, cpu, offset, size, val, false);
}

int gic_gicv_write(struct gic *g, unsigned cpu, uint64_t offset, unsigned size, uint64_t val)
{
    if (g->cfg.version != 2 || cpu >= g->ncpu)
        return BUS_SLAVE_ERROR;
    return gicv2_gicv_access(g, cpu, offset, size, &val, true);
}

int gic_map_gich_at(struct gic *g, struct bus *b, uint64_t pa)
{
    if (g->cfg.version != 2)
        return -1;
    return bus_map_mmio(b, "gicv2-hyp", mk_pa(pa), 0x10000, &gicv2_gich_mmio, g) < 0 ? -1 : 0;
}

int gic_map_gicv_at(struct gic *g, struct bus *b, uint64_t pa)
{
    if (g->cfg.version != 2)
        return -1;
    return bus_map_mmio(b, "gicv2-vcpu", mk_pa(pa), 0x10000, &gicv2_gicv_mmio, g) < 0 ? -1 : 0;
}

int gic_map_virt(struct gic *g, struct bus *b)
{
    if (gic_map_gich_at(g, b, VIRT_GIC_HYP) < 0 || gic_map_gicv_at(g, b, VIRT_GIC_VCPU) < 0)
        return -1;
    return 0;
}

bool gic_ich_read(struct gic *g, unsigned cpu, uint32_t enc, uint64_t *val)
{
    if (g->cfg.version != 3 || cpu >= g->ncpu)
        return false;
    return gicv3_ich_read(g, cpu, enc, val);
}

bool gic_ich_write(struct gic *g, unsigned cpu, uint32_t enc, uint64_t val)
{
    if (g->cfg.version != 3 || cpu >= g->ncpu)
        return false;
    return gicv3_ich_write(g, cpu, enc, val);
}

enum gic_sysreg_result gic_icv_read(struct gic *g, unsigned cpu, uint32_t enc, uint64_t *val)
{
    if (g->cfg.version != 3 || cpu >= g->ncpu)
        return GIC_SYSREG_UNDEF;
    return (enum gic_sysreg_result)gicv3_icv_access(g, cpu, enc, val, false);
}

enum gic_sysreg_result gic_icv_write(struct gic *g, unsigned cpu, uint32_t enc, uint64_t val)
{
    if (g->cfg.version != 3 || cpu >= g->ncpu)
        return GIC_SYSREG_UNDEF;
    return (enum gic_sysreg_result)gicv3_icv_access(g, cpu, enc, &val, true);
}

/* ---- the register families GICD and GICR_SGI_base lay out alike ------------------------------
 * IGROUPR 0x080, ISENABLER 0x100, ICENABLER 0x180, ISPENDR 0x200, ICPENDR 0x280, ISACTIVER 0x300,
 * ICACTIVER 0x380, IPRIORITYR 0x400, ICFGR 0xC00, IGRPMODR 0xD00: IHI 0048B table 4-1 and
 * IHI 0069 "The GIC Distributor register map" and "The GIC Redistributor register map" (SGI_base uses the same offsets for INTIDs 0..31). */
int gic_family_access(struct gic *g, gic_bank_fn bankfn, void *arg, uint64_t off, unsigned size,
                      uint64_t *val, bool write)
{
    unsigned block;
    struct gic_bank *b;
    if (off >= 0x080 && off < 0x400) {
        enum gic_bitreg r = (enum gic_bitreg)(off / 0x80 - 1);
        if (size != 4 || off % 4)
            return BUS_SLAVE_ERROR;
        block = (off % 0x80) / 4;
        b = bankfn(g, block, arg);
        if (!write) {
            *val = b ? gic_bitreg_read(b, r) : 0;
            return BUS_OK;
        }
        if (!b)
            return BUS_OK;
        uint32_t wmask = ~0u;
        if (block == 0 && g->cfg.version == 2) {
            /* GIC-400: SGIs are always enabled (GICD_ISENABLER0[15:0] RAO/WI); SGI pending state
             * is set and cleared through GICD_SPENDSGIR/CPENDSGIR only (IHI 0048B 4.3.7/4.3.8). */
            if (r == GIC_ISENABLER || r == GIC_ICENABLER || r == GIC_ISPENDR || r == GIC_ICPENDR)
                wmask = 0xFFFF0000u;
        }
        if (r == GIC_IGRPMODR)
            wmask = 0;   /* RAZ/WI: GICD_CTLR.DS == 1 (IHI 0069, GICD_IGRPMODR) */
        gic_bitreg_write(b, r, (uint32_t)*val, wmask);
        gic_update(g);
        return BUS_OK;
    }
    if (off >= 0x400 && off < 0x800) {
        if ((size != 1 && size != 4) || off % size)
            return BUS_SLAVE_ERROR;
        block = (off - 0x400) / 32;
        b = bankfn(g, block, arg);
        if (!write) {
            *val = b ? gic_prio_read(b, (off - 0x400) % 32, size) : 0;
            return BUS_OK;
        }
        if (b) {
            gic_prio_write(b, (off - 0x400) % 32, size, *val);
            gic_update(g);
        }
        return BUS_OK;
    }
    if (off >= 0xC00 && off < 0xD00) {
        if (size != 4 || off % 4)
            return BUS_SLAVE_ERROR;
        unsigned idx = (off - 0xC00) / 4;   /* 16 INTIDs per register */
        b = bankfn(g, idx / 2, arg);
        if (!write) {
            *val = b ? gic_icfgr_read(b, idx % 2) : 0;
            return BUS_OK;
        }
        if (!b)
            return BUS_OK;
        if (idx == 0) {
            gic_log(g, "gic: write to ICFGR0 ignored: SGIs are always edge-triggered");
            return BUS_OK;
        }
        gic_icfgr_write(b, idx % 2, (uint32_t)*val, 0xFFFF);
        gic_update(g);
        return BUS_OK;
    }
    if (off >= 0xD00 && off < 0xD80 && g->cfg.version == 3) {
        if (size != 4 || off % 4)
            return BUS_SLAVE_ERROR;
        if (!write)
            *val = 0;       /* GICD_IGRPMODR / GICR_IGRPMODR0: RAZ/WI when DS == 1 */
        return BUS_OK;
    }
    return -1;
}
