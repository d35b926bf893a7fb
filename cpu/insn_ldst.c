/* cpu/insn_ldst.c — loads and stores. */
#include "cpu/cpu_internal.h"

static const struct dinsn *exec_ldr_uimm(struct cpu *c, const struct dinsn *d)
{
    uint64_t v;
    if (!mem_read(c, d, c->x[d->rn] + d->imm, d->sz, &v)) return NULL;
    c->x[d->rd] = v;
    return d + 1;
}
static const struct dinsn *exec_str_uimm(struct cpu *c, const struct dinsn *d)
{
    uint64_t v = c->x[d->rd];
    if (!mem_write(c, d, c->x[d->rn] + d->imm, d->sz, v)) return NULL;
    return d + 1;
}
bool dec_ldst_uimm(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    unsigned size = insn >> 30, opc = (insn >> 22) & 3;
    d->sz = (uint8_t)(1u << size);
    d->rn = reg_sp(rf(insn, 5));
    d->imm = (uint64_t)((insn >> 10) & 0xfff) << size;
    if (opc == 0) { d->rd = reg_zr(rf(insn, 0)); d->fn = exec_str_uimm; }
    else { d->rd = reg_dst(rf(insn, 0)); d->fn = exec_ldr_uimm; }
    return true;
}
