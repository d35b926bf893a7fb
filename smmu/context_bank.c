/* smmu/context_bank.c — translation context banks (SMMUv2 §9.8 "Translation context bank
 * address space", AArch64 register formats only): configuration registers, the fault status
 * and syndrome registers, per-context TLB maintenance, and the construction of walker regimes
 * from a bank's registers. */
#include <string.h>
#include "machine/machine.h"
#include "smmu/smmu_internal.h"

void smmu_cb_reset(struct smmu *s, unsigned n)
{
    memset(&s->cb[n], 0, sizeof s->cb[n]);
    s->cb[n].actlr = ACTLR_RESET;
}

void smmu_cb_update_irq(struct smmu *s, unsigned n)
{
    /* The context interrupt is a level: asserted while FSR records a fault and SCTLR.CFIE. */
    const struct smmu_cb *cb = &s->cb[n];
    smmu_update_irq(s, SMMU_IRQ_CONTEXT(n), (cb->fsr & FSR_FAULTS) && (cb->sctlr & SCTLR_CFIE));
}

/* Record a context fault (SMMUv2 §3.? "Context faults"). The FSR always records (SCTLR.CFRE
 * only decides whether the client sees an abort); a second fault while FSR is non-zero sets
 * MULTI and leaves the first fault's FAR/FSYNR/CBFRSYNRA in place. */
void smmu_cb_record_fault(struct smmu *s, unsigned n, uint32_t fsr_bit, uint32_t fsynr0,
                          uint64_t far, uint64_t ipafar, uint32_t sid)
{
    struct smmu_cb *cb = &s->cb[n];
    if (cb->fsr & FSR_FAULTS) {
        cb->fsr |= FSR_MULTI;
    } else {
        cb->fsr |= fsr_bit;
        cb->fsynr0 = fsynr0;
        cb->fsynr1 = 0;
        cb->far = far;
        cb->ipafar = ipafar;
        s->cbfrsynra[n] = sid & 0xffff;   /* CBFRSYNRAn.StreamID [15:0] */
    }
    smmu_cb_update_irq(s, n);
}

/* ---------------------------------------------------------------- regimes */

/* Stage 1, AArch64 format (CBA2Rn.VA64): CBn_TCR has the layout of the low word of TCR_EL1
 * (T0SZ, EPD0, IRGN0, ORGN0, SH0, TG0, T1SZ, A1, EPD1, ...); CBn_TCR2 carries what TCR_EL1
 * keeps in its high word: PASize [2:0] (= IPS), AS [4], TBI0/TBI1. So the walker's EL1&0
 * builder is fed a TCR_EL1 assembled from the two. The output size is bounded by ID2.IAS. */
void smmu_cb_regime_s1(const struct smmu *s, unsigned n, struct mmu_regime *r)
{
    const struct smmu_cb *cb = &s->cb[n];
    uint64_t tcr = cb->tcr | (uint64_t)(cb->tcr2 & TCR2_PASIZE_MASK) << 32 |
                   (uint64_t)((cb->tcr2 & TCR2_AS) != 0) << 36 |
                   (uint64_t)((cb->tcr2 & TCR2_TBI0) != 0) << 37 |
                   (uint64_t)((cb->tcr2 & TCR2_TBI1) != 0) << 38;
    uint64_t mair = (uint64_t)cb->mair1 << 32 | cb->mair0;
    /* SMMU stage 1 has no WXN (SCTLR_EL1 = 0). */
    mmu_regime_el10(r, tcr, cb->ttbr0, cb->ttbr1, mair, 0, SMMU_IAS_BITS);
}

/* Stage 2: CBn_TCR in VTCR_EL2 form (T0SZ, SL0, IRGN0, ORGN0, SH0, TG0, PS) and CBn_TTBR0 as
 * VTTBR_EL2 — the same walker and start-level rules as the CPU's stage 2, so TTBR0 can be the
 * p2m root the hypervisor gives to VTTBR_EL2 (ARCHITECTURE.md decision 1). The VMID comes from
 * CBARn, not from TTBR0. */
void smmu_cb_regime_s2(const struct smmu *s, unsigned n, struct mmu_regime *r)
{
    const struct smmu_cb *cb = &s->cb[n];
    mmu_regime_stage2(r, cb->tcr, cb->ttbr0 & ((1ull << 48) - 1), SMMU_OAS_BITS);
    r->vmid = smmu_cb_vmid(s, n);
}

/* ---------------------------------------------------------------- registers */

static bool is_reg64(uint64_t base)
{
    switch (base) {
    case CB_TTBR0: case CB_TTBR1: case CB_PAR: case CB_FAR: case CB_IPAFAR:
    case CB_TLBIVA: case CB_TLBIVAA: case CB_TLBIVAL: case CB_TLBIVAAL:
    case CB_TLBIIPAS2: case CB_TLBIIPAS2L:
        return true;
    default:
        return false;
    }
}

int smmu_cb_read(struct smmu *s, unsigned n, uint64_t off, unsigned size, uint64_t *val)
{
    struct smmu_cb *cb = &s->cb[n];
    uint64_t base = off & ~7ull;
    *val = 0;
    if (is_reg64(base)) {
        unsigned part = (unsigned)(off - base);
        if (size == 8 && part) goto bad64;
        uint64_t r = 0;
        switch (base) {
        case CB_TTBR0:  r = cb->ttbr0; break;
        case CB_TTBR1:  r = cb->ttbr1; break;
        case CB_FAR:    r = cb->far; break;
        case CB_IPAFAR: r = cb->ipafar; break;
        default:        r = 0; break;    /* PAR (no ATOS), write-only TLBI registers */
        }
        *val = reg64_get(r, part, size);
        return BUS_OK;
    }
    if (size == 8) goto bad64;
    switch (off) {
    case CB_SCTLR:      *val = cb->sctlr; break;
    case CB_ACTLR:      *val = cb->actlr; break;
    case CB_TCR2:       *val = cb->tcr2; break;
    case CB_TCR:        *val = cb->tcr; break;
    case CB_CONTEXTIDR: *val = cb->contextidr; break;
    case CB_MAIR0:      *val = cb->mair0; break;
    case CB_MAIR1:      *val = cb->mair1; break;
    case CB_FSR:        *val = cb->fsr; break;
    case CB_FSYNR0:     *val = cb->fsynr0; break;
    case CB_FSYNR1:     *val = cb->fsynr1; break;
    case CB_TLBSTATUS:  *val = 0; break;     /* SACTIVE = 0: maintenance is synchronous */
    default:            *val = 0; break;     /* RESUME, TLBI*, ATS*, PMU: RAZ */
    }
    return BUS_OK;
bad64:
    smmu_guest_error(s, "smmu: bad 64-bit read of CB%u register 0x%llx", n, (unsigned long long)off);
    return BUS_OK;
}

/* TLB maintenance by address (AArch64 format, SMMUv2 §9.8.? CBn_TLBIVA): Address [43:0] holds
 * VA[55:12], ASID in [63:48]. TLBIIPAS2: Address [35:0] holds IPA[47:12]. */
static void cb_tlbi(struct smmu *s, unsigned n, uint64_t base, uint64_t v)
{
    uint16_t vmid = smmu_cb_vmid(s, n);
    bool as16 = s->cb[n].tcr2 & TCR2_AS;
    uint16_t asid = (uint16_t)(as16 ? v >> 48 : (v >> 48) & 0xff);
    uint64_t va = (v & ((1ull << 44) - 1)) << 12;
    switch (base) {
    case CB_TLBIVA: case CB_TLBIVAL:
        iotlb_inv_va(s, vmid, va, true, asid);
        break;
    case CB_TLBIVAA: case CB_TLBIVAAL:
        iotlb_inv_va(s, vmid, va, false, 0);
        break;
    case CB_TLBIIPAS2: case CB_TLBIIPAS2L:
        iotlb_inv_ipa(s, vmid, (v & ((1ull << 36) - 1)) << 12);
        break;
    }
}

int smmu_cb_write(struct smmu *s, unsigned n, uint64_t off, unsigned size, uint64_t val)
{
    struct smmu_cb *cb = &s->cb[n];
    uint64_t base = off & ~7ull;
    if (is_reg64(base)) {
        unsigned part = (unsigned)(off - base);
        if (size == 8 && part) goto bad64;
        switch (base) {
        case CB_TTBR0:
            cb->ttbr0 = reg64_put(cb->ttbr0, part, size, val);
            iotlb_inv_cb(s, n);
            break;
        case CB_TTBR1:
            cb->ttbr1 = reg64_put(cb->ttbr1, part, size, val);
            iotlb_inv_cb(s, n);
            break;
        case CB_FAR:    cb->far = reg64_put(cb->far, part, size, val); break;
        case CB_IPAFAR: cb->ipafar = reg64_put(cb->ipafar, part, size, val); break;
        case CB_PAR:    break;
        default:
            /* TLBI: one 64-bit write, or a 32-bit write of the low word (upper bits zero);
             * a lone write to the high word does nothing. */
            if (part) {
                smmu_guest_error(s, "smmu: 32-bit write to the high word of CB%u TLBI 0x%llx",
                                 n, (unsigned long long)base);
                break;
            }
            cb_tlbi(s, n, base, val);
            break;
        }
        return BUS_OK;
    }
    if (size == 8) goto bad64;
    uint32_t v = (uint32_t)val;
    switch (off) {
    case CB_SCTLR:
        cb->sctlr = v;
        iotlb_inv_cb(s, n);
        smmu_cb_update_irq(s, n);
        break;
    case CB_ACTLR:      cb->actlr = v; break;
    case CB_RESUME:     break;                   /* stall mode is not modelled */
    case CB_TCR2:       cb->tcr2 = v; iotlb_inv_cb(s, n); break;
    case CB_TCR:        cb->tcr = v; iotlb_inv_cb(s, n); break;
    case CB_CONTEXTIDR: cb->contextidr = v; break;
    case CB_MAIR0:      cb->mair0 = v; iotlb_inv_cb(s, n); break;
    case CB_MAIR1:      cb->mair1 = v; iotlb_inv_cb(s, n); break;
    case CB_FSR:                                 /* write-1-to-clear */
        cb->fsr &= ~v;
        smmu_cb_update_irq(s, n);
        break;
    case CB_FSRRESTORE:                          /* debug: sets FSR */
        cb->fsr = v & FSR_FAULTS;
        smmu_cb_update_irq(s, n);
        break;
    case CB_FSYNR0:     cb->fsynr0 = v; break;
    case CB_FSYNR1:     cb->fsynr1 = v; break;
    case CB_TLBIASID: {
        bool as16 = cb->tcr2 & TCR2_AS;
        iotlb_inv_asid(s, smmu_cb_vmid(s, n), (uint16_t)(as16 ? v & 0xffff : v & 0xff));
        break;
    }
    case CB_TLBIALL:                             /* every entry of this context's VMID */
        iotlb_inv_vmid(s, smmu_cb_vmid(s, n));
        break;
    case CB_TLBSYNC:    break;                   /* maintenance is synchronous */
    case CB_TLBSTATUS:
        smmu_guest_error(s, "smmu: write to read-only CB%u TLBSTATUS", n);
        break;
    default:            break;                   /* ATS*, PMU, reserved: WI */
    }
    return BUS_OK;
bad64:
    smmu_guest_error(s, "smmu: bad 64-bit write to CB%u register 0x%llx", n, (unsigned long long)off);
    return BUS_OK;
}
