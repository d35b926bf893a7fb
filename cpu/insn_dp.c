/* cpu/insn_dp.c — data processing, immediate and register. */
#include "cpu/cpu_internal.h"

static const struct dinsn *exec_movz(struct cpu *c, const struct dinsn *d)
{
    c->x[d->rd] = d->imm;
    return d + 1;
}
bool dec_movewide(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned sf = insn >> 31, hw = (insn >> 21) & 3;
    if (!sf && hw >= 2) return false;
    d->rd = reg_dst(rf(insn, 0));
    d->imm = (uint64_t)((insn >> 5) & 0xffff) << (16 * hw);
    d->fn = exec_movz;
    return true;
}
