/* cpu/fp_state.c — public access to the SIMD&FP register file (cpu/cpu.h): V0-V31 as 16 bytes
 * each (little-endian, byte 0 = bits 7:0), FPCR and FPSR. Debug/test accessors: no FPEN check,
 * no side effects; the values are masked to the bits MSR would write. */
#include <string.h>
#include "cpu/cpu.h"
#include "cpu/cpu_internal.h"
#include "cpu/fpu.h"

void cpu_get_v(const struct cpu *c, unsigned n, uint8_t out[16])
{
    if (n < 32) memcpy(out, c->v[n].b, 16);
    else memset(out, 0, 16);
}

void cpu_set_v(struct cpu *c, unsigned n, const uint8_t in[16])
{
    if (n < 32) memcpy(c->v[n].b, in, 16);
}

uint32_t cpu_get_fpcr(const struct cpu *c) { return (uint32_t)c->sr[SR_FPCR]; }
uint32_t cpu_get_fpsr(const struct cpu *c) { return (uint32_t)c->sr[SR_FPSR]; }
void cpu_set_fpcr(struct cpu *c, uint32_t v) { c->sr[SR_FPCR] = v & FPCR_MASK; }
void cpu_set_fpsr(struct cpu *c, uint32_t v) { c->sr[SR_FPSR] = v & FPSR_MASK; }
