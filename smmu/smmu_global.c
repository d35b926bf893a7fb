/* smmu/smmu_global.c — the global register spaces GR0 and GR1 (SMMUv2 §9.6 "Global register
 * space 0", §9.7 "Global register space 1"): sCR0, identity, global fault status, global TLB
 * maintenance, and the per-context-bank attribute registers CBAR/CBA2R/CBFRSYNRA.
 * The stream-matching arrays (SMRn/S2CRn) in GR0 are handled by stream_match.c. */
#include "machine/machine.h"
#include "smmu/smmu_internal.h"

/* sCR0 bits this implementation keeps: no EXIDS (EXIDENABLE RES0), no VMID16 (VMID16EN RES0);
 * the rest is storage (PTM, VMIDPNE, FB, BSU, STALLD, GSE, SHCFG, MTCFG, MemAttr, RACFG,
 * WACFG, NSCFG, TRANSIENTCFG: TLB broadcast and attribute overrides are not modelled). */
#define sCR0_WRITABLE (~(sCR0_EXIDENABLE | sCR0_VMID16EN | (1u << 6) | (1u << 7)))

void smmu_global_reset(struct smmu *s)
{
    s->scr0 = sCR0_RESET;
    s->scr2 = 0;
    s->sacr = 0;
    s->sgfar = 0;
    s->sgfsr = s->sgfsynr0 = s->sgfsynr1 = s->sgfsynr2 = 0;
    for (unsigned i = 0; i < SMMU_MAX_SMRG; i++) {
        s->smr[i] = 0;
        /* S2CRn resets to TYPE fault on MMU-500 (the driver rewrites them anyway). */
        s->s2cr[i] = S2CR_TYPE_FAULT << S2CR_TYPE_SHIFT;
    }
    for (unsigned n = 0; n < SMMU_MAX_CB; n++) s->cbar[n] = s->cba2r[n] = s->cbfrsynra[n] = 0;
}

uint16_t smmu_cb_vmid(const struct smmu *s, unsigned n)
{
    /* A nested (TYPE 3) context translates under the VMID of its stage-2 context bank
     * (CBARn.CBNDX); every other type under its own CBARn.VMID. 16-bit VMIDs (CBA2Rn.VMID16)
     * only with sCR0.VMID16EN, which is RES0 here (ID2.VMID16 = 0). */
    if (((s->cbar[n] >> CBAR_TYPE_SHIFT) & 3) == CBAR_TYPE_NESTED) {
        unsigned s2 = (s->cbar[n] >> CBAR_CBNDX_SHIFT) & 0xff;
        if (s2 < s->cfg.num_cb && s2 != n) n = s2;
    }
    return (uint16_t)(s->cbar[n] & CBAR_VMID_MASK);
}

void smmu_global_update_irq(struct smmu *s)
{
    bool gf = (s->sgfsr & sGFSR_FAULTS & ~sGFSR_CFG_FAULTS) && (s->scr0 & sCR0_GFIE);
    bool cf = (s->sgfsr & sGFSR_CFG_FAULTS) && (s->scr0 & sCR0_GCFGFIE);
    smmu_update_irq(s, SMMU_IRQ_GLOBAL, gf || cf);
}

/* Record a global fault (SMMUv2 §3.? "Global faults"): the first fault fills sGFSR and the
 * syndrome registers; a fault while one is outstanding only sets MULTI. */
void smmu_global_fault(struct smmu *s, uint32_t bit, uint32_t sid, uint64_t addr, bool write,
                       unsigned attrs)
{
    if (s->sgfsr & sGFSR_FAULTS) {
        s->sgfsr |= sGFSR_MULTI;
    } else {
        s->sgfsr |= bit;
        s->sgfar = addr;
        s->sgfsynr0 = (write ? GFSYNR0_WNR : 0) | (attrs & SMMU_ATTR_PRIV ? GFSYNR0_PNU : 0) |
                      (attrs & SMMU_ATTR_INSN ? GFSYNR0_IND : 0) | GFSYNR0_NSATTR;
        s->sgfsynr1 = sid & 0xffff;       /* StreamID [15:0] */
        s->sgfsynr2 = 0;
    }
    smmu_global_update_irq(s);
}

/* ---------------------------------------------------------------- GR0 */

int smmu_gr0_read(struct smmu *s, uint64_t off, unsigned size, uint64_t *val)
{
    if (off == GR0_sGFAR || off == GR0_sGFAR + 4) {
        if (size == 8 && off != GR0_sGFAR) goto bad64;
        *val = reg64_get(s->sgfar, (unsigned)(off - GR0_sGFAR), size);
        return BUS_OK;
    }
    if (size == 8) goto bad64;
    if (off >= GR0_SMR(0) && off < GR0_SMR(SMMU_MAX_SMRG)) {
        unsigned n = (unsigned)(off - GR0_SMR(0)) / 4;
        *val = n < s->cfg.num_smrg ? s->smr[n] : 0;
        return BUS_OK;
    }
    if (off >= GR0_S2CR(0) && off < GR0_S2CR(SMMU_MAX_SMRG)) {
        unsigned n = (unsigned)(off - GR0_S2CR(0)) / 4;
        *val = n < s->cfg.num_smrg ? s->s2cr[n] : 0;
        return BUS_OK;
    }
    switch (off) {
    case GR0_sCR0:     *val = s->scr0; break;
    case GR0_sCR2:     *val = s->scr2; break;
    case GR0_sACR:     *val = s->sacr; break;
    case GR0_ID0:      *val = s->id0; break;
    case GR0_ID1:      *val = s->id1; break;
    case GR0_ID2:      *val = s->id2; break;
    case GR0_ID7:      *val = s->id7; break;
    case GR0_sGFSR:    *val = s->sgfsr; break;
    case GR0_sGFSYNR0: *val = s->sgfsynr0; break;
    case GR0_sGFSYNR1: *val = s->sgfsynr1; break;
    case GR0_sGFSYNR2: *val = s->sgfsynr2; break;
    case GR0_sTLBGSTATUS:
        *val = 0;      /* GSACTIVE = 0: maintenance completes at the write (no async TLB) */
        break;
    default:
        *val = 0;      /* sCR1 (secure view), ID3–ID6, write-only TLBI registers: RAZ */
        break;
    }
    return BUS_OK;
bad64:
    smmu_guest_error(s, "smmu: 64-bit read of 32-bit GR0 register 0x%llx", (unsigned long long)off);
    *val = 0;
    return BUS_OK;
}

int smmu_gr0_write(struct smmu *s, uint64_t off, unsigned size, uint64_t val)
{
    if (off == GR0_sGFAR || off == GR0_sGFAR + 4) {
        /* sGFAR is RW in the spec (software may clear it). */
        if (size == 8 && off != GR0_sGFAR) goto bad64;
        s->sgfar = reg64_put(s->sgfar, (unsigned)(off - GR0_sGFAR), size, val);
        return BUS_OK;
    }
    if (size == 8) goto bad64;
    uint32_t v = (uint32_t)val;
    if (off >= GR0_SMR(0) && off < GR0_SMR(SMMU_MAX_SMRG)) {
        unsigned n = (unsigned)(off - GR0_SMR(0)) / 4;
        /* ID and MASK are stored whatever VALID says: Linux sizes the SID/MASK fields by
         * writing all-ones to an invalid SMR and reading it back (smmuv2.md §2.3). */
        if (n < s->cfg.num_smrg) s->smr[n] = smmu_smr_write_value(v);
        else smmu_guest_error(s, "smmu: SMR%u beyond NUMSMRG", n);
        return BUS_OK;
    }
    if (off >= GR0_S2CR(0) && off < GR0_S2CR(SMMU_MAX_SMRG)) {
        unsigned n = (unsigned)(off - GR0_S2CR(0)) / 4;
        /* TYPE [17:16], CBNDX [7:0], PRIVCFG [25:24], INSTCFG [27:26] and the attribute
         * overrides are stored; EXIDVALID [10] is RES0 without EXIDS. */
        if (n < s->cfg.num_smrg) s->s2cr[n] = v & ~(1u << 10);
        else smmu_guest_error(s, "smmu: S2CR%u beyond NUMSMRG", n);
        return BUS_OK;
    }
    switch (off) {
    case GR0_sCR0:
        s->scr0 = v & sCR0_WRITABLE;
        smmu_global_update_irq(s);
        break;
    case GR0_sCR2:  s->scr2 = v & 0xff; break;     /* BPVMID */
    case GR0_sACR:  s->sacr = v; break;            /* MMU-500 auxiliary control: storage */
    case GR0_sGFSR:                                /* write-1-to-clear */
        s->sgfsr &= ~v;
        smmu_global_update_irq(s);
        break;
    case GR0_sGFSRRESTORE:                         /* debug: sets sGFSR */
        s->sgfsr = v & (sGFSR_FAULTS | sGFSR_MULTI);
        smmu_global_update_irq(s);
        break;
    case GR0_TLBIVMID:                             /* VMID [7:0] (no VMID16) */
        iotlb_inv_vmid(s, (uint16_t)(v & 0xff));
        break;
    case GR0_TLBIALLNSNH:                          /* every entry is non-secure, non-hyp */
        iotlb_flush_all(s);
        break;
    case GR0_TLBIALLH:                             /* no hypervisor contexts are modelled */
    case GR0_STLBIALL:                             /* secure only: WI in the NS view */
    case GR0_sTLBGSYNC:                            /* maintenance is synchronous */
        break;
    case GR0_ID0: case GR0_ID1: case GR0_ID2: case GR0_ID7:
    case GR0_sGFSYNR0: case GR0_sGFSYNR1: case GR0_sGFSYNR2: case GR0_sTLBGSTATUS:
        smmu_guest_error(s, "smmu: write to read-only GR0 register 0x%llx", (unsigned long long)off);
        break;
    default:
        break;                                     /* sCR1 (secure), reserved: WI */
    }
    return BUS_OK;
bad64:
    smmu_guest_error(s, "smmu: 64-bit write to 32-bit GR0 register 0x%llx", (unsigned long long)off);
    return BUS_OK;
}

/* ---------------------------------------------------------------- GR1 */

int smmu_gr1_read(struct smmu *s, uint64_t off, unsigned size, uint64_t *val)
{
    *val = 0;
    if (size == 8) {
        smmu_guest_error(s, "smmu: 64-bit read in GR1 at 0x%llx", (unsigned long long)off);
        return BUS_OK;
    }
    unsigned n = (unsigned)(off & 0x3ff) / 4;
    if (n >= s->cfg.num_cb) return BUS_OK;
    switch (off & ~0x3ffull) {
    case GR1_CBAR(0):      *val = s->cbar[n]; break;
    case GR1_CBFRSYNRA(0): *val = s->cbfrsynra[n]; break;
    case GR1_CBA2R(0):     *val = s->cba2r[n]; break;
    default: break;
    }
    return BUS_OK;
}

int smmu_gr1_write(struct smmu *s, uint64_t off, unsigned size, uint64_t val)
{
    if (size == 8) {
        smmu_guest_error(s, "smmu: 64-bit write in GR1 at 0x%llx", (unsigned long long)off);
        return BUS_OK;
    }
    unsigned n = (unsigned)(off & 0x3ff) / 4;
    if (n >= s->cfg.num_cb) {
        if ((off & ~0x3ffull) <= GR1_CBA2R(0))
            smmu_guest_error(s, "smmu: GR1 write for unimplemented context bank %u", n);
        return BUS_OK;
    }
    uint32_t v = (uint32_t)val;
    switch (off & ~0x3ffull) {
    case GR1_CBAR(0):
        /* VMID [7:0], BPSHCFG [9:8] / CBNDX [15:8] (nested), MemAttr [15:12], TYPE [17:16],
         * BSU [19:18], RACFG/WACFG, IRPTNDX [31:24] (SMMUv1). A change of context type or
         * VMID retags the context (and, for a stage-2 bank, every nested context above it):
         * drop the IOTLB (conservative; the architecture asks software for a TLBI, which
         * Linux does when it frees the previous owner). */
        s->cbar[n] = v;
        iotlb_flush_all(s);
        break;
    case GR1_CBA2R(0):
        s->cba2r[n] = v & 0xffff0003u;     /* VA64, MONC, VMID16 */
        iotlb_inv_cb(s, n);
        break;
    case GR1_CBFRSYNRA(0):
        smmu_guest_error(s, "smmu: write to read-only CBFRSYNRA%u", n);
        break;
    default:
        break;
    }
    return BUS_OK;
}
