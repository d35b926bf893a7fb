/* smmu/smmu.c — the SMMUv2 device: lifecycle, identity registers, register-page decode,
 * interrupt lines and the guest-error log.
 *
 * Address map (SMMUv2 §8 "SMMU address space"): 2 × NUMPAGE pages of 4KB (ID1.PAGESIZE = 0).
 * The lower half is the global address space (page 0 GR0, page 1 GR1, the rest
 * IMPLEMENTATION DEFINED — MMU-500 keeps its PMU and debug there; RAZ/WI here); the upper half
 * holds translation context bank n at page NUMPAGE + n. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine/machine.h"
#include "smmu/smmu_internal.h"

void smmu_default_config(struct smmu_config *cfg)
{
    *cfg = (struct smmu_config){ .num_cb = 16, .num_s2cb = 0, .num_smrg = 16, .numpagendxb = 3,
                                 .nested = true };
}

static void smmu_compute_ids(struct smmu *s)
{
    const struct smmu_config *c = &s->cfg;
    /* ID0 (SMMUv2 §9.6.? SMMU_IDR0): stage 1, stage 2, optional nested; stream matching;
     * no ATOS in the non-secure space (ATOSNS = 1, so Linux never uses ATS1PR); AArch64
     * translation formats only; one context interrupt per CB; coherent table walks (the
     * emulator has no caches); 15-bit stream IDs; NUMSMRG groups. No EXIDS. */
    s->id0 = ID0_S1TS | ID0_S2TS | (c->nested ? ID0_NTS : 0) | ID0_SMS | ID0_ATOSNS |
             ID0_PTFS_NO_AARCH32 | (c->num_cb & 0xff) << ID0_NUMIRPT_SHIFT | ID0_CTTW |
             (uint32_t)SMMU_NUMSIDB << ID0_NUMSIDB_SHIFT | (c->num_smrg & 0xff);
    /* ID1: PAGESIZE = 0 (4KB), NUMPAGENDXB, NUMS2CB [23:16], NUMCB [7:0]. */
    s->id1 = (c->numpagendxb & 7) << 28 | (c->num_s2cb & 0xff) << 16 | (c->num_cb & 0xff);
    /* ID2: IAS = OAS = UBS = 48 bits, 4KB granule only, 8-bit VMIDs. */
    s->id2 = ID2_PTFS_4K | ID2_ENC_48 << 8 | ID2_ENC_48 << 4 | ID2_ENC_48;
    s->id7 = ID7_MMU500;
}

struct smmu *smmu_new(struct bus *bus, const struct smmu_config *cfg)
{
    struct smmu_config c;
    if (cfg) c = *cfg; else smmu_default_config(&c);
    if (c.numpagendxb > 7) c.numpagendxb = 7;
    unsigned numpage = 1u << (c.numpagendxb + 1);
    /* NUMCB ≤ NUMPAGE (each CB needs a page), NUMSMRG ≤ 128 (the SMR/S2CR arrays live in the
     * 4KB GR0 page), NUMS2CB ≤ NUMCB. */
    if (c.num_cb < 1) c.num_cb = 1;
    if (c.num_cb > numpage) c.num_cb = numpage;
    if (c.num_cb > SMMU_MAX_CB) c.num_cb = SMMU_MAX_CB;
    if (c.num_s2cb > c.num_cb) c.num_s2cb = c.num_cb;
    if (c.num_smrg < 1) c.num_smrg = 1;
    if (c.num_smrg > SMMU_MAX_SMRG) c.num_smrg = SMMU_MAX_SMRG;
    struct smmu *s = calloc(1, sizeof *s);
    if (!s) { fprintf(stderr, "faultline: smmu: out of memory\n"); exit(1); }
    s->bus = bus;
    s->cfg = c;
    s->numpage = numpage;
    smmu_compute_ids(s);
    smmu_reset(s);
    return s;
}

void smmu_free(struct smmu *s) { free(s); }

void smmu_reset(struct smmu *s)
{
    smmu_global_reset(s);
    for (unsigned n = 0; n < s->cfg.num_cb; n++) smmu_cb_reset(s, n);
    iotlb_flush_all(s);
    for (unsigned i = 0; i <= s->cfg.num_cb; i++) smmu_update_irq(s, i, false);
}

uint64_t smmu_region_size(const struct smmu *s)
{
    return 2ull * s->numpage << SMMU_PAGE_SHIFT;
}

int smmu_map(struct smmu *s, struct bus *b, pa_t base)
{
    return bus_map_mmio(b, "smmu", base, smmu_region_size(s), &smmu_mmio_ops, s);
}

/* ---------------------------------------------------------------- interrupts */

void smmu_set_irq(struct smmu *s, unsigned line, void (*set)(void *opaque, bool level), void *opaque)
{
    if (line > s->cfg.num_cb) return;
    s->irq[line].set = set;
    s->irq[line].opaque = opaque;
    if (set) set(opaque, s->irq[line].level);
}

bool smmu_irq_level(const struct smmu *s, unsigned line)
{
    return line <= s->cfg.num_cb && s->irq[line].level;
}

void smmu_update_irq(struct smmu *s, unsigned line, bool level)
{
    struct smmu_irq_line *l = &s->irq[line];
    if (l->level == level) return;
    l->level = level;
    if (l->set) l->set(l->opaque, level);
}

/* ---------------------------------------------------------------- logging, hooks */

void smmu_set_log(struct smmu *s, void (*log)(void *opaque, const char *msg), void *opaque)
{
    s->log = log;
    s->log_opaque = opaque;
}

unsigned smmu_guest_errors(const struct smmu *s) { return s->guest_errors; }

void smmu_guest_error(struct smmu *s, const char *fmt, ...)
{
    s->guest_errors++;
    if (!s->log) return;
    char buf[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    s->log(s->log_opaque, buf);
}

void smmu_set_trace(struct smmu *s, smmu_trace_fn fn, void *opaque)
{
    s->trace = fn;
    s->trace_opaque = opaque;
}

void smmu_iotlb_stats(const struct smmu *s, struct smmu_iotlb_stats *st) { *st = s->stats; }

/* ---------------------------------------------------------------- register-page decode */

/* SMMUv2 registers are 32 or 64 bits wide and accessed with naturally aligned 32- or 64-bit
 * accesses (SMMUv2 §8 "register access"). Other sizes or a misaligned access are rejected
 * with a slave error (and logged); an access to an unimplemented offset is RAZ/WI (Xen, for
 * one, writes the secure-only STLBIALL). */
static bool bad_size(struct smmu *s, uint64_t off, unsigned size, const char *dir)
{
    if ((size == 4 || size == 8) && !(off & (size - 1))) return false;
    smmu_guest_error(s, "smmu: %u-byte %s at offset 0x%llx", size, dir, (unsigned long long)off);
    return true;
}

static int smmu_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct smmu *s = opaque;
    *val = 0;
    if (bad_size(s, off, size, "read")) return BUS_SLAVE_ERROR;
    uint64_t page = off >> SMMU_PAGE_SHIFT, po = off & ((1u << SMMU_PAGE_SHIFT) - 1);
    if (page == 0) return smmu_gr0_read(s, po, size, val);
    if (page == 1) return smmu_gr1_read(s, po, size, val);
    if (page >= s->numpage && page < s->numpage + s->cfg.num_cb)
        return smmu_cb_read(s, (unsigned)(page - s->numpage), po, size, val);
    return BUS_OK;     /* IMPLEMENTATION DEFINED global pages, unimplemented CB pages: RAZ */
}

static int smmu_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct smmu *s = opaque;
    if (bad_size(s, off, size, "write")) return BUS_SLAVE_ERROR;
    uint64_t page = off >> SMMU_PAGE_SHIFT, po = off & ((1u << SMMU_PAGE_SHIFT) - 1);
    if (size == 4) val &= 0xffffffffull;
    if (page == 0) return smmu_gr0_write(s, po, size, val);
    if (page == 1) return smmu_gr1_write(s, po, size, val);
    if (page >= s->numpage && page < s->numpage + s->cfg.num_cb)
        return smmu_cb_write(s, (unsigned)(page - s->numpage), po, size, val);
    return BUS_OK;     /* WI */
}

const struct mmio_ops smmu_mmio_ops = { .name = "smmu", .read = smmu_read, .write = smmu_write };
