/* cpu/exception.c — exception entry and return at EL1 (Arm ARM D1.10 "Exception entry",
 * D1.11 "Exception return"). EL2/EL3 are native: what would be taken there is handed to the
 * hooks in cpu_hooks instead of being interpreted. */
#include "cpu/cpu_internal.h"
#include "machine/trace.h"

void cpu_itlb_flush(struct cpu *c);

uint64_t cpu_pack_pstate(const struct cpu *c)
{
    /* SPSR_ELx layout for AArch64 (D1.10.4 / C5.2.18): N Z C V [31:28], PAN 22, UAO 23, SS 21,
     * IL 20, D A I F [9:6], M[4]=0, M[3:2]=EL, M[0]=SP. */
    return (uint64_t)c->nzcv | (c->uao ? 1ull << 23 : 0) | (c->pan ? 1ull << 22 : 0) |
           (c->ss ? 1ull << 21 : 0) | (c->il ? 1ull << 20 : 0) | c->daif | (c->el << 2) | c->spsel;
}

void cpu_set_el_sp(struct cpu *c, unsigned el, unsigned spsel)
{
    /* Save the live SP into its bank, then load the new one. */
    unsigned old_bank = c->spsel ? c->el : 0;
    c->sp_el[old_bank] = c->x[REG_SP];
    if (el != c->el) cpu_itlb_flush(c);
    c->el = el;
    c->spsel = spsel;
    c->x[REG_SP] = c->sp_el[spsel ? el : 0];
    c->tlb = &c->tlb_el[el ? 1 : 0];
}

/* Out of line: the hot path only tests c->tr (TRACE_ON). */
static void __attribute__((noinline, cold)) trace_taken(struct cpu *c, uint64_t ret, unsigned vect_off)
{
    struct trace_ts ts = { .cycle = cpu_cycles(c), .icount = cpu_icount(c), .vcpu = cpu_index(c) };
    unsigned type = (vect_off >> 7) & 3;         /* 0x000 sync, 0x080 IRQ, 0x100 FIQ, 0x180 SError */
    uint64_t esr = type == TRACE_EXC_SYNC || type == TRACE_EXC_SERROR ? c->sr[SR_ESR_EL1] : 0;
    trace_emit_exc_taken(c->tr, &ts, &(struct trace_exc_taken){ .from_el = (uint8_t)c->el, .to_el = 1,
        .type = (uint8_t)type, .ec = (uint8_t)(type == TRACE_EXC_SYNC ? esr >> 26 : 0), .esr = esr,
        .elr = ret, .far = type == TRACE_EXC_SYNC ? c->sr[SR_FAR_EL1] : 0 });
}

static void take_exception(struct cpu *c, uint64_t preferred_return, unsigned vect_off)
{
    if (TRACE_ON(c->tr)) trace_taken(c, preferred_return, vect_off);
    unsigned from_el = c->el;
    c->sr[SR_SPSR_EL1] = cpu_pack_pstate(c);
    c->sr[SR_ELR_EL1] = preferred_return;
    uint64_t base = c->sr[SR_VBAR_EL1] & ~0x7ffull;
    uint64_t off;
    if (from_el == 0) off = 0x400;               /* lower EL, AArch64 */
    else off = c->spsel ? 0x200 : 0x000;          /* current EL with SP_ELx / SP_EL0 */
    c->daif = 0xf << 6;                           /* PSTATE.{D,A,I,F} = 1 */
    c->ss = false;
    c->il = false;
    /* PSTATE.PAN is set on exception entry to EL1 when SCTLR_EL1.SPAN == 0 (FEAT_PAN). */
    if (cpu_has_feature(c, FEAT_PAN) && !((c->sr[SR_SCTLR_EL1] >> 23) & 1)) c->pan = true;
    cpu_set_el_sp(c, 1, 1);
    c->pc = base + off + vect_off;
    c->excl_valid = false;                        /* ClearExclusiveLocal on exception entry */
    c->cycles_extra += c->class_cost[IC_EXC];
}

const struct dinsn *cpu_take_sync(struct cpu *c, uint64_t pc, uint32_t esr, uint64_t far, bool far_valid)
{
    unsigned ec = esr >> 26;
    c->stats.exceptions_by_ec[ec & 63]++;
    if (c->log_mask & CPU_LOG_INT && c->logf)
        fprintf(c->logf, "Taking exception EC=0x%02x ESR=0x%08x at pc=0x%016llx EL%u -> EL1%s\n",
                ec, esr, (unsigned long long)pc, c->el,
                far_valid ? "" : "");
    c->sr[SR_ESR_EL1] = esr;
    if (far_valid) c->sr[SR_FAR_EL1] = far;
    /* SVC/HVC/SMC return to the next instruction; everything else to the faulting one. */
    uint64_t ret = (ec == EC_SVC64 || ec == EC_HVC64 || ec == EC_SMC64) ? pc + 4 : pc;
    take_exception(c, ret, 0x000);
    return NULL;
}

const struct dinsn *cpu_undef(struct cpu *c, const struct dinsn *d)
{
    return cpu_take_sync(c, pc_of(c, d), ((uint32_t)EC_UNKNOWN << 26) | ESR_IL, 0, false);
}

const struct dinsn *exec_undefined(struct cpu *c, const struct dinsn *d) { return cpu_undef(c, d); }

bool cpu_check_interrupts(struct cpu *c)
{
    /* Physical IRQ/FIQ/SError are taken to EL1 when unmasked by PSTATE (no EL2 routing yet).
     * Priority: SError, FIQ, IRQ (D1.13.3: the order among pending interrupts is IMPLEMENTATION
     * DEFINED; this matches common cores). */
    unsigned lines = c->irq_lines;
    /* HCR_EL2.IMO/FMO (D1.13.2 "Asynchronous exception routing"): a physical IRQ/FIQ is taken to
     * EL2 — whatever PSTATE.I/F, since EL2 is higher than the current EL — which is the native
     * hypervisor's irq_el2 hook; the guest at EL1 sees only the virtual IRQ/FIQ lines, masked by
     * its PSTATE.I/F. Without IMO/FMO the virtual lines are ignored. */
    uint64_t hcr = c->el2.hcr;
    if (hcr & (HCR_EL2_IMO | HCR_EL2_FMO)) {
        if ((hcr & HCR_EL2_IMO) && (lines & (1u << CPU_IRQ)) && c->hooks.irq_el2) {
            c->stats.el2_irqs++;
            c->hooks.irq_el2(c->hooks.opaque, c, true);
            c->wfi = false;
        }
        if ((hcr & HCR_EL2_FMO) && (lines & (1u << CPU_FIQ)) && c->hooks.irq_el2) {
            c->hooks.irq_el2(c->hooks.opaque, c, false);
            c->wfi = false;
        }
        lines = c->irq_lines;
        unsigned vmask = 0;
        if (hcr & HCR_EL2_IMO) { lines &= ~(1u << CPU_IRQ); if (lines & (1u << CPU_VIRQ)) vmask |= 1u << CPU_IRQ; }
        if (hcr & HCR_EL2_FMO) { lines &= ~(1u << CPU_FIQ); if (lines & (1u << CPU_VFIQ)) vmask |= 1u << CPU_FIQ; }
        if (vmask & (1u << CPU_FIQ) && !(c->daif & (1u << 6))) {
            c->stats.fiqs++;
            take_exception(c, c->pc, 0x100);
            c->wfi = false;
            return true;
        }
        if (vmask & (1u << CPU_IRQ) && !(c->daif & (1u << 7))) {
            c->stats.irqs++;
            c->stats.virqs++;
            if (c->log_mask & CPU_LOG_INT && c->logf)
                fprintf(c->logf, "Taking virtual IRQ at pc=0x%016llx\n", (unsigned long long)c->pc);
            take_exception(c, c->pc, 0x080);
            c->wfi = false;
            return true;
        }
        if (vmask) c->wfi = false;      /* a pending virtual interrupt wakes WFI even masked */
    }
    if (lines & (1u << CPU_SERROR) && !(c->daif & (1u << 8))) {
        c->stats.serrors++;
        c->sr[SR_ESR_EL1] = (uint32_t)EC_SERROR << 26 | ESR_IL;
        take_exception(c, c->pc, 0x180);
        c->irq_lines &= ~(1u << CPU_SERROR);     /* SError is edge-like: consumed when taken */
        c->wfi = false;
        return true;
    }
    if (lines & (1u << CPU_FIQ) && !(c->daif & (1u << 6))) {
        c->stats.fiqs++;
        if (c->log_mask & CPU_LOG_INT && c->logf)
            fprintf(c->logf, "Taking FIQ at pc=0x%016llx\n", (unsigned long long)c->pc);
        take_exception(c, c->pc, 0x100);
        c->wfi = false;
        return true;
    }
    if (lines & (1u << CPU_IRQ) && !(c->daif & (1u << 7))) {
        c->stats.irqs++;
        if (c->log_mask & CPU_LOG_INT && c->logf)
            fprintf(c->logf, "Taking IRQ at pc=0x%016llx\n", (unsigned long long)c->pc);
        take_exception(c, c->pc, 0x080);
        c->wfi = false;
        return true;
    }
    /* A pending interrupt wakes WFI even when masked (D1.16.2). */
    if (lines & ((1u << CPU_IRQ) | (1u << CPU_FIQ) | (1u << CPU_SERROR))) c->wfi = false;
    return false;
}

void cpu_eret(struct cpu *c, uint64_t spsr, uint64_t elr)
{
    unsigned m = spsr & 0x1f;
    unsigned target_el = (m >> 2) & 3;
    bool illegal = (m & 0x10) /* AArch32 not supported */ || target_el > 1 || (m & 2);
    if (illegal) {
        /* Illegal exception return (D1.11.2): PSTATE.IL set, EL/SP unchanged, NZCV/DAIF
         * restored, PC = ELR. The next instruction takes an Illegal State exception. */
        c->nzcv = (uint32_t)spsr & 0xf0000000u;
        c->daif = (uint32_t)spsr & 0x3c0;
        c->il = true;
        c->pc = elr;
        return;
    }
    c->nzcv = (uint32_t)spsr & 0xf0000000u;
    c->daif = (uint32_t)spsr & 0x3c0;
    c->pan = cpu_has_feature(c, FEAT_PAN) && ((spsr >> 22) & 1);
    c->uao = cpu_has_feature(c, FEAT_UAO) && ((spsr >> 23) & 1);
    c->ss = false;
    c->il = (spsr >> 20) & 1;
    if (TRACE_ON(c->tr)) {
        struct trace_ts ts = { .cycle = cpu_cycles(c), .icount = cpu_icount(c), .vcpu = cpu_index(c) };
        trace_emit_exc_return(c->tr, &ts, &(struct trace_exc_return){ .from_el = (uint8_t)c->el,
            .to_el = (uint8_t)target_el, .elr = elr, .spsr = spsr });
    }
    cpu_set_el_sp(c, target_el, m & 1);
    c->pc = elr;
    c->excl_valid = false;
}
