/* cpu/translate.c — the vCPU's address translation glue between the EL1&0 translation
 * registers and the mmu/ walker.
 *
 * With SCTLR_EL1.M == 0 the EL1&0 stage 1 is the identity (Arm ARM D8.2.11 "The effects of
 * disabling a stage of translation"): data accesses are Device-nGnRnE, instruction fetches
 * Normal. With SCTLR_EL1.M == 1 the regime is rebuilt from TTBR0/TTBR1/TCR/MAIR/SCTLR_EL1 on
 * every soft-TLB miss and walked by mmu_translate(); descriptors are read from the physical bus.
 * Stage 2 (the native hypervisor's p2m): with HCR_EL2.VM = 1 cpu_stage2() returns the regime
 * built from VTCR_EL2/VTTBR_EL2 (cpu/el2.c) and every access — MMU on or off — is translated
 * VA → IPA → PA with the nested walk (stage-1 descriptor fetches go through stage 2, D8.2.x
 * "Two-stage translation"); the soft TLB caches the combined result. */
#include "cpu/translate.h"

/* Translation cost: the walk is always performed (it fills the emulator's soft TLB), but the
 * cycles charged are those of the modelled Cortex-A57 TLBs (cpu/tlb_model.h): 0 on a uTLB hit,
 * TLBM_COST_L2_HIT on an L2-TLB hit, and on a modelled miss the walk's cost (timing.md §5,
 * Cortex-A57 column: a fixed TLB-miss overhead plus one L2-hit latency per descriptor fetch, so
 * a nested 4+4-level walk costs 10 + 24 * 20 cycles). */

static bool bus_read_desc(void *opaque, pa_t pa, uint64_t *desc)
{
    /* Little-endian walks (SCTLR_EL1.EE == 0). A descriptor in MMIO space is read through the
     * device like any other access; nothing there → external abort on the walk. */
    return bus_read(((struct cpu *)opaque)->bus, pa, 8, desc) == BUS_OK;
}

/* The stage-2 regime applying to EL1&0 (HCR_EL2.VM = 1), or NULL. A stage-2 fault then goes to
 * the hypervisor (cpu_stage2_abort) rather than to EL1. */
static const struct mmu_regime *cpu_stage2(struct cpu *c) { return c->s2_on ? &c->s2 : NULL; }

static void el10_regime(const struct cpu *c, struct mmu_regime *r)
{
    mmu_regime_el10(r, c->sr[SR_TCR_EL1], c->sr[SR_TTBR0_EL1], c->sr[SR_TTBR1_EL1],
                    c->sr[SR_MAIR_EL1], c->sr[SR_SCTLR_EL1], CPU_PA_BITS);
}

static bool translate_mmu_off(uint64_t va, enum access_kind ak, struct translation *t)
{
    /* PA size: addresses above the implemented PA range give an address size fault. */
    if (va >> CPU_PA_BITS) {
        t->fault = (struct mmu_fault){ .kind = MMU_FAULT_ADDR_SIZE, .stage = MMU_STAGE1 };
        t->fault_dfsc = DFSC_ADDR_SIZE_L0;
        return false;
    }
    t->pa = va;
    /* Data accesses are Device-nGnRnE, so an unaligned one is an Alignment fault — as the
     * architecture says and QEMU >= 9.0 does (QEMU 7.2 let them through). RAM pages still
     * go in the fast TLB: its tag compare only ever hits aligned accesses. */
    t->device = ak != ACCESS_EXEC;
    t->attr = t->device ? MAIR_DEVICE_nGnRnE : MAIR_NORMAL_WB;
    t->perms = 0x3f;
    t->level = 3;
    t->block_shift = PAGE_SHIFT;
    t->cacheable_tlb = true;
    t->writable_tlb = true;
    return true;
}

static void fill_from_result(struct translation *t, const struct mmu_result *res, enum access_kind ak)
{
    t->pa = res->pa.v;
    t->attr = res->attr;
    /* Instruction fetches from Device memory not marked XN are treated as Normal
     * Non-cacheable (B2.7.2 allows that or a Permission fault): only data is Device. */
    t->device = ak != ACCESS_EXEC && mmu_attr_is_device(res->attr);
    t->level = res->level;
    t->block_shift = res->block_shift;
    t->perms = res->perms;
    t->ng = res->ng;
    t->asid = res->asid;
}

/* The second level's context (cpu/ctlb.h): the current ASID as the cost model tags it (TCR.A1,
 * TCR.AS) and, with stage 2 on, VTTBR_EL2. */
static void ctlb_ctx_now(const struct cpu *c, const struct tlbm_ctx *m, struct ctlb_ctx *x)
{
    x->asid = m->asid;
    x->s2tag = c->s2_on ? c->el2.vttbr | CTLB_S2_ON : 0;
}

/* access_permitted() of mmu/walk.c on the combined permissions of a cached translation: the
 * access needs its right at the EL whose rights are checked; stage 2 grants EL0 and EL1 alike,
 * so (s1 & s2) answers both stages' checks. PAN (which looks at stage 1's EL0 read right alone)
 * is never answered here: the caller walks. */
static bool ctlb_permitted(unsigned perms, const struct mmu_access *acc)
{
    unsigned need = acc->type == MMU_WRITE ? MMU_PERM_EL0_W : acc->type == MMU_EXEC ? MMU_PERM_EL0_X : MMU_PERM_EL0_R;
    return (perms >> (acc->el0 ? 0 : 3)) & need;
}

bool cpu_translate(struct cpu *c, uint64_t va, enum access_kind ak, bool unpriv, struct translation *t)
{
    memset(t, 0, sizeof *t);
    const struct mmu_regime *s2 = cpu_stage2(c);
    bool s1_on = c->sr[SR_SCTLR_EL1] & 1;
    if (!s1_on && !s2) return translate_mmu_off(va, ak, t);

    /* LDTR/STTR at EL1 check EL0 rights, unless PSTATE.UAO (FEAT_UAO) makes them behave as
     * ordinary privileged accesses. PAN applies to privileged data accesses only. */
    bool uao = unpriv && c->el == 1 && c->uao && cpu_has_feature(c, FEAT_UAO);
    bool as_el0 = c->el == 0 || (unpriv && !uao);
    struct mmu_access acc = {
        .type = ak == ACCESS_WRITE ? MMU_WRITE : ak == ACCESS_EXEC ? MMU_EXEC : MMU_READ,
        .el0 = as_el0,
        .pan = !as_el0 && c->pan && cpu_has_feature(c, FEAT_PAN),
    };
    /* The result: from the tagged second level when it holds this page for this context and
     * the access is allowed, else from the walk (which also yields the exact fault). Stage 1
     * off (stage 2 only) is not cached: its attributes depend on the access kind. */
    struct mmu_result res;
    bool ok;
    struct tlbm_ctx ctx;              /* the translation context, for both TLB models */
    cpu_tlbm_ctx(c, &ctx);
    struct ctlb_ctx x;
    const struct ctlb_entry *ce = NULL;
    bool cacheable = s1_on && !(acc.pan && acc.type != MMU_EXEC);
    if (cacheable) {
        ctlb_ctx_now(c, &ctx, &x);
        ce = ctlb_lookup(&c->ctlb, &x, va);
        if (ce && !ctlb_permitted(ce->perms, &acc)) ce = NULL;
    }
    if (ce) {
        c->ctlb.hits++;
        memset(&res, 0, sizeof res);
        res.pa = mk_pa(ce->pa | (va & 0xfff));
        res.attr = ce->attr;
        res.level = ce->level;
        res.block_shift = ce->block_shift;
        res.perms = ce->perms;
        res.ng = ce->ng;
        res.asid = x.asid;            /* the walk reports the regime's current ASID */
        res.desc_reads = ce->desc_reads;
        ok = true;
    } else {
        struct mmu_regime r;
        if (s1_on) el10_regime(c, &r);
        const struct mmu_desc_reader rd = { bus_read_desc, c };
        ok = mmu_translate(s1_on ? &r : NULL, s2, mk_va(va), &acc, &rd, &res);
        if (ok && cacheable)
            ctlb_fill(&c->ctlb, &x, va, res.pa.v & ~0xfffull, res.ng, res.perms, res.attr, res.level,
                      res.block_shift, res.desc_reads);
    }
    /* Cost model. A fault is never cached; a modelled hit followed by a fault is a permission
     * fault found in the TLB entry (or a guest that changed a valid entry without TLBI). */
    enum tlbm_side side = ak == ACCESS_EXEC ? TLBM_INSN : TLBM_DATA;
    enum tlbm_hit hit = tlbm_lookup(&c->tlbm, &ctx, va, side);
    if (hit == TLBM_MISS) {
        c->cycles_extra += TLBM_COST_WALK_FIXED + TLBM_COST_WALK_PER_DESC * res.desc_reads;
        if (ok) tlbm_insert(&c->tlbm, &ctx, va, res.block_shift, !res.ng, side);
    } else if (hit == TLBM_L2_HIT) {
        c->cycles_extra += TLBM_COST_L2_HIT;
    }
    if (!ok) {
        t->fault = res.fault;
        t->level = res.fault.level;
        t->fault_dfsc = mmu_fault_fsc(&res.fault);
        if (c->log_mask & CPU_LOG_MMU && c->logf)
            fprintf(c->logf, "mmu: %s fault (FSC 0x%02x) stage %u level %u at VA 0x%016llx (%s, EL%u)\n",
                    res.fault.kind == MMU_FAULT_TRANSLATION ? "translation" :
                    res.fault.kind == MMU_FAULT_ACCESS_FLAG ? "access flag" :
                    res.fault.kind == MMU_FAULT_PERMISSION ? "permission" :
                    res.fault.kind == MMU_FAULT_ADDR_SIZE ? "address size" : "external abort on walk",
                    t->fault_dfsc, res.fault.stage, res.fault.level, (unsigned long long)va,
                    ak == ACCESS_WRITE ? "write" : ak == ACCESS_EXEC ? "exec" : "read", as_el0 ? 0 : 1);
        return false;
    }
    fill_from_result(t, &res, ak);

    /* Fast-TLB policy. The soft TLB of an EL is checked by VA tag alone, so an entry may only
     * exist where the same access would pass every check again:
     *  - the access just passed, so it has the rights of the EL whose TLB mem.c refills
     *    (tlb_el[0] for EL0 and LDTR/STTR, else the current EL's);
     *  - with UAO an LDTR/STTR was checked with EL1 rights but mem.c would refill EL0's TLB: no;
     *  - PSTATE.PAN can change (exception entry, MSR PAN, ERET) without a TLB flush, so with
     *    FEAT_PAN an EL1 entry for EL0-accessible memory is never installed: such accesses
     *    always take the slow path, where PAN is checked. */
    bool ok_tlb = !uao;
    if (!as_el0 && cpu_has_feature(c, FEAT_PAN) && (res.perms & MMU_PERM_EL0_R)) ok_tlb = false;
    t->cacheable_tlb = ok_tlb;
    t->writable_tlb = ok_tlb && (res.perms & (as_el0 ? MMU_PERM_EL0_W : MMU_PERM_EL1_W));
    if (ok_tlb) soft_tlb_note_mapping(&c->tlb_el[as_el0 ? 0 : 1], res.block_shift);
    return true;
}

bool cpu_translate_debug(struct cpu *c, uint64_t va, struct translation *t)
{
    memset(t, 0, sizeof *t);
    const struct mmu_regime *s2 = cpu_stage2(c);
    bool s1_on = c->sr[SR_SCTLR_EL1] & 1;
    if (!s1_on && !s2) return translate_mmu_off(va, ACCESS_READ, t);
    struct mmu_regime r;
    if (s1_on) el10_regime(c, &r);
    const struct mmu_desc_reader rd = { bus_read_desc, c };
    struct mmu_result res;
    if (!mmu_walk_debug(s1_on ? &r : NULL, s2, mk_va(va), &rd, &res)) {
        t->fault = res.fault;
        t->fault_dfsc = mmu_fault_fsc(&res.fault);
        return false;
    }
    fill_from_result(t, &res, ACCESS_READ);
    return true;
}

bool mmu_cpu_translate_fetch(struct cpu *c, uint64_t va, uint64_t *pa, uint32_t *esr)
{
    struct translation t;
    if (cpu_translate(c, va, ACCESS_EXEC, false, &t)) { *pa = t.pa; return true; }
    if (cpu_stage2_abort(c, NULL, va, va, &t, true, false, false)) { *esr = 0; return false; }
    uint32_t ec = c->el == 0 ? EC_IABT_LOWER : EC_IABT_SAME;
    *esr = ec << 26 | ESR_IL | t.fault_dfsc;        /* IFSC has the DFSC encoding */
    return false;
}

/* ---------------------------------------------------------------- TLB maintenance */

void cpu_tlbm_ctx(const struct cpu *c, struct tlbm_ctx *ctx)
{
    uint64_t tcr = c->sr[SR_TCR_EL1];
    uint64_t ttbr = (tcr >> 22) & 1 ? c->sr[SR_TTBR1_EL1] : c->sr[SR_TTBR0_EL1];   /* TCR.A1 */
    uint16_t asid = (uint16_t)(ttbr >> 48);
    *ctx = (struct tlbm_ctx){
        .regime = TLBM_EL10, .s2 = c->s2_on, .vmid = c->s2_on ? c->s2.vmid : 0,
        .asid = (tcr >> 36) & 1 ? asid : asid & 0xff,                              /* TCR.AS */
    };
}

/* The EL1&0 entries of the current VMID (TLBI ...E1 from EL1 applies to the current VMID). */
static struct tlbm_match el10_match(const struct cpu *c)
{
    struct tlbm_ctx ctx;
    cpu_tlbm_ctx(c, &ctx);
    return (struct tlbm_match){ .regime = TLBM_EL10, .s2 = ctx.s2, .vmid = ctx.vmid,
                                .asid_mask = (c->sr[SR_TCR_EL1] >> 36) & 1 ? 0xffff : 0xff };
}

/* The second level's view of "the current VMID" for TLBI ...E1 (cpu/ctlb.h). */
static struct ctlb_vm ctlb_vm_now(const struct cpu *c)
{
    bool vs = (c->el2.vtcr >> 19) & 1;                                          /* VTCR_EL2.VS */
    return (struct ctlb_vm){ .s2tag = c->s2_on ? c->el2.vttbr | CTLB_S2_ON : 0,
                             .vmid_mask = (vs ? 0xffffull : 0xffull) << 48 };
}

void cpu_tlb_flush_va(struct cpu *c, uint64_t va, uint16_t asid, bool all_asids)
{
    /* Fast soft TLB: no ASID tag, so the entry for va is dropped whatever its ASID (or
     * global-ness). TLBI's VA operand is VA[55:12] sign-extended by the caller; with TBI the tag
     * bits never reach the TLB index anyway. The second level and the cost model's TLB drop
     * exactly the matching entries. */
    soft_tlb_flush_page(&c->tlb_el[0], va);
    soft_tlb_flush_page(&c->tlb_el[1], va);
    cpu_itlb_flush(c);
    struct tlbm_match w = el10_match(c);
    struct ctlb_vm vm = ctlb_vm_now(c);
    ctlb_flush_va(&c->ctlb, &vm, va, all_asids, asid, w.asid_mask);
    w.by_va = true;
    w.va = va;
    w.by_asid = !all_asids;            /* VAE1/VALE1: that ASID's entries and global ones */
    w.asid = asid;
    tlbm_invalidate(&c->tlbm, &w);
}

void cpu_tlb_flush_asid(struct cpu *c, uint16_t asid)
{
    cpu_tlb_flush_fast(c);             /* untagged: every ASID's fast entries go */
    struct tlbm_match w = el10_match(c);
    struct ctlb_vm vm = ctlb_vm_now(c);
    ctlb_flush_asid(&c->ctlb, &vm, asid, w.asid_mask);   /* ASIDE1: non-global entries of asid */
    w.by_asid = w.keep_global = true;
    w.asid = asid;
    tlbm_invalidate(&c->tlbm, &w);
}

void cpu_tlb_flush_vmall(struct cpu *c)
{
    cpu_tlb_flush_fast(c);
    struct ctlb_vm vm = ctlb_vm_now(c);
    ctlb_flush_vm(&c->ctlb, &vm);      /* VMALLE1: the current VMID (or the no-stage-2 context) */
    struct tlbm_match w = el10_match(c);
    tlbm_invalidate(&c->tlbm, &w);
}

void cpu_translation_changed(struct cpu *c)
{
    /* What every cached translation means may have changed (TCR/MAIR/SCTLR written directly):
     * all levels go. The modelled TLB is ASID-tagged and, as the architecture says, needs no
     * invalidation for a TTBR/TCR/MAIR/SCTLR write. */
    c->mmu_on = c->sr[SR_SCTLR_EL1] & 1;
    cpu_tlb_flush_all(c);
}

uint32_t a64_dabt_iss_syndrome(uint32_t insn)
{
    /* Load/store register (unsigned immediate, unscaled, unprivileged, register offset):
     * ISV = 1. Pre/post-indexed forms (writeback), pairs, exclusives and SIMD&FP: ISV = 0. */
    bool gpr_single = false;
    if ((insn & 0x3b000000) == 0x39000000) gpr_single = true;                  /* unsigned imm */
    else if ((insn & 0x3b200000) == 0x38000000) {
        unsigned idx = (insn >> 10) & 3;
        gpr_single = idx == 0 || idx == 2;                                     /* unscaled, unpriv */
    } else if ((insn & 0x3b200c00) == 0x38200800) gpr_single = true;          /* register offset */
    /* Load-Acquire / Store-Release (LDAR, STLR, LDAPR: C6.2; ISV = 1 with AR = 1, ESR_ELx ISS for a Data Abort). */
    bool ldar = (insn & 0x3fa08000) == 0x08808000, ldapr = (insn & 0x3ffffc00) == 0x38bfc000;
    if (ldar || ldapr) {
        unsigned sz = insn >> 30, t = insn & 31;
        return 1u << 24 | sz << 22 | t << 16 | (sz == 3 ? 1u << 15 : 0) | 1u << 14;
    }
    if (!gpr_single || (insn & (1u << 26))) return 0;
    unsigned size = insn >> 30, opc = (insn >> 22) & 3, rt = insn & 31;
    if (size == 3 && opc >= 2) return 0;                                       /* PRFM */
    bool load = opc != 0;
    bool sse = opc >= 2;
    bool sf = load ? (size == 3 || opc == 2) : size == 3;
    return 1u << 24 | size << 22 | (sse ? 1u << 21 : 0) | rt << 16 | (sf ? 1u << 15 : 0);
}
