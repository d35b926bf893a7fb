/* cpu/sysreg.c — system registers: one table maps MRS/MSR encodings to storage and handlers. */
#include "cpu/cpu_internal.h"

void sysreg_reset(struct cpu *c)
{
    memset(c->sr, 0, sizeof c->sr);
    c->sr[SR_SCTLR_EL1] = 0x30d00800;
}
bool sysreg_mrs(struct cpu *c, const struct dinsn *d, uint32_t enc, uint64_t *val) { cpu_undef(c, d); return false; }
bool sysreg_msr(struct cpu *c, const struct dinsn *d, uint32_t enc, uint64_t val) { cpu_undef(c, d); return false; }
bool cpu_read_sysreg(struct cpu *c, uint32_t enc, uint64_t *val) { return false; }
bool cpu_write_sysreg(struct cpu *c, uint32_t enc, uint64_t val) { return false; }
const char *cpu_sysreg_name(uint32_t enc) { return NULL; }
