/* cpu/insn_system.c — branches, exception generation and system instructions. */
#include "cpu/cpu_internal.h"

/* B, BL: imm26 * 4, PC-relative. */
static const struct dinsn *exec_b(struct cpu *c, const struct dinsn *d)
{
    return cpu_branch(c, pc_of(c, d) + d->imm);
}
static const struct dinsn *exec_bl(struct cpu *c, const struct dinsn *d)
{
    uint64_t pc = pc_of(c, d);
    c->x[30] = pc + 4;
    return cpu_branch(c, pc + d->imm);
}
bool dec_b_imm(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    d->imm = (uint64_t)sext64(insn & 0x3ffffff, 26) << 2;
    d->fn = (insn >> 31) ? exec_bl : exec_b;
    return true;
}

/* HVC/SMC/SVC (C6.2): HVC and SMC at EL1 go to the native firmware/hypervisor. */
static const struct dinsn *exec_hvc(struct cpu *c, const struct dinsn *d)
{
    uint64_t pc = pc_of(c, d);
    if (c->el == 0) return cpu_undef(c, d);
    c->pc = pc + 4;
    if (c->hooks.smccc && c->hooks.smccc(c->hooks.opaque, c, true, (uint16_t)d->imm)) return NULL;
    c->pc = pc;
    return cpu_undef(c, d);
}
bool dec_exc_gen(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    d->imm = (insn >> 5) & 0xffff;
    d->fn = exec_hvc;
    return true;
}
