/* smmu/translate.c — the transaction path (SMMUv2 §2 "SMMU operation"): client-port
 * disable, stream matching, the S2CR type, the context bank type (CBARn.TYPE), the IOTLB and
 * the VMSAv8-64 walks, and fault reporting into the context bank or the global registers. */
#include <string.h>
#include "machine/machine.h"
#include "smmu/smmu_internal.h"

/* Descriptors are fetched from the bus: a stage-2 bank whose TTBR0 is the hypervisor's p2m
 * root walks the very bytes the CPU walks. */
static bool bus_read_desc(void *opaque, pa_t pa, uint64_t *desc)
{
    struct smmu *s = opaque;
    return bus_read(s->bus, pa, 8, desc) == BUS_OK;
}

struct txn {
    uint32_t sid;
    uint64_t iova;
    enum mmu_access_type access;
    unsigned attrs;
};

static uint32_t txn_syndrome(const struct txn *t)
{
    /* FSYNR0 (SMMUv2 §9.8.? CBn_FSYNR0): WNR, PNU (privileged), IND (instruction), NSATTR
     * (this model only has non-secure transactions). PLVL and the nested fields are added by
     * the caller. */
    return (t->access == MMU_WRITE ? FSYNR0_WNR : 0) | (t->attrs & SMMU_ATTR_PRIV ? FSYNR0_PNU : 0) |
           (t->attrs & SMMU_ATTR_INSN ? FSYNR0_IND : 0) | FSYNR0_NSATTR;
}

static bool global_fault(struct smmu *s, const struct txn *t, uint32_t bit, struct smmu_fault *f)
{
    smmu_global_fault(s, bit, t->sid, t->iova, t->access == MMU_WRITE, t->attrs);
    bool cfg = bit & sGFSR_CFG_FAULTS;
    *f = (struct smmu_fault){
        .outcome = SMMU_GLOBAL_FAULT, .cb = -1, .fsr = bit, .far = t->iova,
        .fsynr0 = s->sgfsynr0,
        /* sCR0.GFRE / GCFGFRE: abort the client, else complete RAZ/WI. */
        .abort = (s->scr0 & (cfg ? sCR0_GCFGFRE : sCR0_GFRE)) != 0,
    };
    return false;
}

static uint32_t fsr_bit_for(enum mmu_fault_kind k)
{
    switch (k) {
    case MMU_FAULT_TRANSLATION:  return FSR_TF;
    case MMU_FAULT_ACCESS_FLAG:  return FSR_AFF;
    case MMU_FAULT_PERMISSION:   return FSR_PF;
    case MMU_FAULT_ADDR_SIZE:    return FSR_ASF;
    case MMU_FAULT_EXT_WALK:     return FSR_EF;
    default:                     return FSR_TF;
    }
}

/* A context fault. A stage-1 fault is recorded in the stage-1 bank `n`. A stage-2 fault of a
 * nested translation (on the final IPA or on a stage-1 table walk) is recorded in the stage-2
 * bank `s2n` with FSYNR0.S1CBNDX = n and FSYNR0.PTWF for a table-walk fault; IPAFAR gets the
 * faulting IPA (this split between banks is this model's reading of IHI 0062, unverified).
 * FAR is always the transaction's input address. */
static bool context_fault(struct smmu *s, const struct txn *t, unsigned n, int s2n,
                          const struct mmu_fault *mf, struct smmu_fault *f)
{
    unsigned rec = n;
    uint32_t syn = txn_syndrome(t) | (mf->level & FSYNR0_PLVL_MASK);
    if (mf->stage == MMU_STAGE2 && s2n >= 0) {
        rec = (unsigned)s2n;
        syn |= (n & 0xff) << FSYNR0_S1CBNDX_SHIFT | (mf->s1ptw ? FSYNR0_PTWF : 0);
    }
    uint32_t bit = fsr_bit_for(mf->kind);
    uint64_t ipafar = mf->ipa_valid ? mf->ipa.v : 0;
    smmu_cb_record_fault(s, rec, bit, syn, t->iova, ipafar, t->sid);
    *f = (struct smmu_fault){
        .outcome = SMMU_CONTEXT_FAULT, .cb = (int)rec, .fsr = bit, .fsynr0 = syn, .far = t->iova,
        .walk = *mf,
        /* SCTLR.CFRE: abort the client, else RAZ/WI. CFCFG (stall) is not modelled: every
         * fault terminates, as Xen and Linux configure it. */
        .abort = (s->cb[rec].sctlr & SCTLR_CFRE) != 0,
    };
    return false;
}

static bool perm_ok(unsigned perms, const struct txn *t, bool stage1)
{
    unsigned need = t->access == MMU_WRITE ? MMU_PERM_EL0_W : t->access == MMU_EXEC ? MMU_PERM_EL0_X
                                                                                   : MMU_PERM_EL0_R;
    /* Stage 1 has separate privileged and unprivileged rights; stage 2 reports one set in
     * both halves. */
    unsigned shift = stage1 && !(t->attrs & SMMU_ATTR_PRIV) ? 0 : 3;
    return (perms >> shift) & need;
}

/* Translate through context bank n (S2CR TYPE translate). */
static bool translate_cb(struct smmu *s, const struct txn *t, unsigned n, pa_t *pa,
                         struct smmu_fault *f, struct smmu_xlate *x)
{
    uint32_t cbar = s->cbar[n];
    unsigned type = (cbar >> CBAR_TYPE_SHIFT) & 3;
    bool use_s1 = false, use_s2 = false;
    int s2n = -1;
    struct mmu_regime r1, r2;
    x->cb = (int)n;

    switch (type) {
    case CBAR_TYPE_S2:
        use_s2 = s->cb[n].sctlr & SCTLR_M;
        if (use_s2) smmu_cb_regime_s2(s, n, &r2);
        break;
    case CBAR_TYPE_S1_S2BYPASS:
        /* Banks below ID1.NUMS2CB only support stage 2: a stage-1 type there is an invalid
         * context (sGFSR.ICF). */
        if (n < s->cfg.num_s2cb) return global_fault(s, t, sGFSR_ICF, f);
        use_s1 = s->cb[n].sctlr & SCTLR_M;
        if (use_s1) smmu_cb_regime_s1(s, n, &r1);
        break;
    case CBAR_TYPE_S1_S2FAULT:
        /* Stage 1 followed by a faulting stage 2: nothing can complete; reported as an
         * invalid context (model choice, unverified against IHI 0062). */
        return global_fault(s, t, sGFSR_ICF, f);
    case CBAR_TYPE_NESTED: {
        unsigned m = (cbar >> CBAR_CBNDX_SHIFT) & 0xff;
        if (!s->cfg.nested || n < s->cfg.num_s2cb || m >= s->cfg.num_cb || m == n ||
            ((s->cbar[m] >> CBAR_TYPE_SHIFT) & 3) != CBAR_TYPE_S2)
            return global_fault(s, t, sGFSR_ICF, f);
        s2n = (int)m;
        use_s1 = s->cb[n].sctlr & SCTLR_M;
        use_s2 = s->cb[m].sctlr & SCTLR_M;
        if (use_s1) smmu_cb_regime_s1(s, n, &r1);
        if (use_s2) smmu_cb_regime_s2(s, m, &r2);
        break;
    }
    }
    if (!use_s1 && !use_s2) {                      /* SCTLR.M = 0: the context bypasses */
        *pa = mk_pa(t->iova);
        x->outcome = SMMU_BYPASSED;
        x->perms = 0x3f;
        return true;
    }

    uint16_t vmid = smmu_cb_vmid(s, n);
    uint16_t asid = use_s1 ? r1.asid : 0;
    const struct iotlb_entry *e = iotlb_lookup(s, n, asid, vmid, t->iova);
    if (e) {
        x->iotlb_hit = true;
        /* Rights come from the cached entry (a TLB may hold them until invalidated). A
         * stage-1 permission fault takes priority over a stage-2 one. */
        if (e->has_s1 && !perm_ok(e->s1_perms, t, true)) {
            struct mmu_fault mf = { .kind = MMU_FAULT_PERMISSION, .level = e->s1_level,
                                    .stage = MMU_STAGE1, .write = t->access == MMU_WRITE };
            return context_fault(s, t, n, s2n, &mf, f);
        }
        if (e->has_s2 && !perm_ok(e->s2_perms, t, false)) {
            struct mmu_fault mf = { .kind = MMU_FAULT_PERMISSION, .level = e->s2_level,
                                    .stage = MMU_STAGE2, .write = t->access == MMU_WRITE,
                                    .ipa_valid = true, .ipa = mk_ipa(e->ipa | (t->iova & 0xfff)) };
            return context_fault(s, t, n, use_s1 ? s2n : (int)n, &mf, f);
        }
        *pa = mk_pa(e->pa | (t->iova & 0xfff));
        x->outcome = SMMU_TRANSLATED;
        x->perms = e->s1_perms & e->s2_perms;
        return true;
    }

    /* Walk. DMA is checked with unprivileged rights unless the transaction (or S2CR.PRIVCFG)
     * says privileged; an instruction fetch (S2CR.INSTCFG or the client) is an EXEC read. */
    const struct mmu_desc_reader rd = { bus_read_desc, s };
    const struct mmu_access acc = { .type = t->access, .el0 = !(t->attrs & SMMU_ATTR_PRIV) };
    struct iotlb_entry ne = { .cb = (uint8_t)n, .s2cb = s2n >= 0 ? (uint8_t)s2n : 0xff,
                              .vmid = vmid, .asid = asid, .global = true,
                              .s1_perms = 0x3f, .s2_perms = 0x3f, .s1_shift = 63, .s2_shift = 63 };
    uint64_t ipa = t->iova;
    if (use_s1) {
        struct mmu_result res;
        bool ok = mmu_walk_s1(&r1, use_s2 ? &r2 : NULL, mk_va(t->iova), &acc, &rd, &res);
        x->desc_reads += res.desc_reads;
        /* A stage-2 fault on a stage-1 table fetch comes back from the stage-1 walk. */
        if (!ok) return context_fault(s, t, n, use_s2 ? s2n : -1, &res.fault, f);
        ipa = res.ipa.v;
        ne.has_s1 = true;
        ne.global = !res.ng;
        ne.s1_perms = res.perms;
        ne.s1_shift = (uint8_t)res.block_shift;
        ne.s1_level = (uint8_t)res.level;
    }
    uint64_t out = ipa;
    if (use_s2) {
        struct mmu_result res;
        bool ok = mmu_walk_s2(&r2, mk_ipa(ipa), &acc, &rd, &res);
        x->desc_reads += res.desc_reads;
        /* Stage-2-only bank: the fault belongs to bank n itself. */
        if (!ok) return context_fault(s, t, n, use_s1 ? s2n : (int)n, &res.fault, f);
        out = res.pa.v;
        ne.has_s2 = true;
        ne.s2_perms = res.perms;
        ne.s2_shift = (uint8_t)res.block_shift;
        ne.s2_level = (uint8_t)res.level;
    }
    ne.ia = t->iova & ~0xfffull;
    ne.ipa = ipa & ~0xfffull;
    ne.pa = out & ~0xfffull;
    ne.shift = ne.s1_shift < ne.s2_shift ? ne.s1_shift : ne.s2_shift;
    iotlb_insert(s, &ne);
    *pa = mk_pa(out);
    x->outcome = SMMU_TRANSLATED;
    x->perms = ne.s1_perms & ne.s2_perms;
    return true;
}

static bool route(struct smmu *s, struct txn *t, pa_t *pa, struct smmu_fault *f, struct smmu_xlate *x)
{
    /* sCR0.CLIENTPD: the client ports are disabled and every transaction bypasses. */
    if (s->scr0 & sCR0_CLIENTPD) goto bypass;
    unsigned idx;
    switch (smmu_stream_match(s, t->sid, &idx)) {
    case SMR_MATCH_NONE:
        /* sCR0.USFCFG: an unidentified stream faults (sGFSR.USF) or bypasses. */
        if (s->scr0 & sCR0_USFCFG) return global_fault(s, t, sGFSR_USF, f);
        goto bypass;
    case SMR_MATCH_CONFLICT:
        return global_fault(s, t, sGFSR_SMCF, f);
    case SMR_MATCH_ONE:
        break;
    }
    uint32_t s2cr = s->s2cr[idx];
    /* S2CRn.PRIVCFG / INSTCFG override the client's privilege and data/instruction
     * attributes (0 or 1: use the client's). */
    switch ((s2cr >> S2CR_PRIVCFG_SHIFT) & 3) {
    case 2: t->attrs &= ~SMMU_ATTR_PRIV; break;
    case 3: t->attrs |= SMMU_ATTR_PRIV; break;
    }
    switch ((s2cr >> S2CR_INSTCFG_SHIFT) & 3) {
    case 2: t->attrs &= ~SMMU_ATTR_INSN; break;
    case 3: t->attrs |= SMMU_ATTR_INSN; break;
    }
    if ((t->attrs & SMMU_ATTR_INSN) && t->access == MMU_READ) t->access = MMU_EXEC;
    switch ((s2cr >> S2CR_TYPE_SHIFT) & 3) {
    case S2CR_TYPE_TRANS: {
        unsigned n = s2cr & S2CR_CBNDX_MASK;
        if (n >= s->cfg.num_cb) return global_fault(s, t, sGFSR_UCBF, f);
        return translate_cb(s, t, n, pa, f, x);
    }
    case S2CR_TYPE_BYPASS:
        goto bypass;
    default:
        /* TYPE fault (and the reserved 3): the transaction faults. Recorded with the USF-style
         * syndrome (Linux and Xen treat every sGFSR bit alike; the exact bit real MMU-500
         * sets is unverified). */
        return global_fault(s, t, sGFSR_USF, f);
    }
bypass:
    *pa = mk_pa(t->iova);
    x->outcome = SMMU_BYPASSED;
    x->perms = 0x3f;
    return true;
}

bool smmu_translate(struct smmu *s, uint32_t sid, uint64_t iova, enum mmu_access_type access,
                    unsigned attrs, pa_t *pa, struct smmu_fault *fault, struct smmu_xlate *x)
{
    struct txn t = { .sid = sid, .iova = iova, .access = access, .attrs = attrs };
    struct smmu_xlate xl = { .cb = -1 };
    struct smmu_fault f;
    memset(&f, 0, sizeof f);
    pa_t out = mk_pa(0);
    bool ok = route(s, &t, &out, &f, &xl);
    if (!ok) { xl.outcome = f.outcome; xl.cb = f.cb >= 0 ? f.cb : xl.cb; }
    if (pa) *pa = out;
    if (fault) *fault = f;
    if (x) *x = xl;
    if (s->trace) {
        struct smmu_trace_event ev = {
            .sid = sid, .iova = iova, .write = access == MMU_WRITE, .cb = xl.cb,
            .result = xl.outcome, .fsr = ok ? 0 : f.fsr, .fsynr0 = ok ? 0 : f.fsynr0, .pa = out, .iotlb_hit = xl.iotlb_hit };
        s->trace(s->trace_opaque, &ev);
    }
    return ok;
}
