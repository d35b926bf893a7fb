/* cpu/decode.c — A64 decoding driven by the encoding tables in cpu/a64_*.def.
 *
 * Each table line reads like a row of the Arm ARM's encoding index:
 *     A64(NAME, "pattern of 32 bits", FEATURE, COST_CLASS, decoder)
 * Pattern characters '0'/'1' are fixed bits; any other character (field letters, '.', 'x') is a
 * field bit. Spaces and '_' are ignored, so a pattern can be grouped the way the Arm ARM draws
 * it. The first matching row whose feature the -cpu profile advertises wins; its decoder fills
 * the struct dinsn (handler + pre-decoded operands) or returns false for an unallocated
 * sub-encoding. No match → UNDEFINED. Rows are bucketed by op0 (bits 28:25) at start-up. */
#include <stdio.h>
#include <stdlib.h>
#include "cpu/cpu_internal.h"

#define A64(name, bits, feat, cls, fn) bool fn(const struct cpu *c, struct dinsn *d, uint32_t insn);
#include "cpu/a64_tables.def"
#undef A64

static struct a64_pattern patterns[] = {
#define A64(name, bits, feat, cls, fn) { #name, bits, feat, cls, fn, 0, 0 },
#include "cpu/a64_tables.def"
#undef A64
};
#define NPATTERNS (sizeof patterns / sizeof *patterns)

static uint16_t *bucket[16];
static unsigned bucket_n[16];
static int decode_ready;

static void decode_init(void)
{
    for (unsigned i = 0; i < NPATTERNS; i++) {
        struct a64_pattern *p = &patterns[i];
        uint32_t mask = 0, value = 0;
        int bit = 31;
        for (const char *s = p->bits; *s; s++) {
            if (*s == ' ' || *s == '_') continue;
            if (bit < 0) { fprintf(stderr, "faultline: internal: pattern %s too long\n", p->name); abort(); }
            if (*s == '0' || *s == '1') { mask |= 1u << bit; value |= (uint32_t)(*s - '0') << bit; }
            bit--;
        }
        if (bit != -1) { fprintf(stderr, "faultline: internal: pattern %s has %d bits\n", p->name, 31 - bit); abort(); }
        p->mask = mask;
        p->value = value;
    }
    for (unsigned op0 = 0; op0 < 16; op0++) {
        bucket[op0] = malloc(NPATTERNS * sizeof(uint16_t));
        uint32_t probe = op0 << 25, m = 0xfu << 25;
        for (unsigned i = 0; i < NPATTERNS; i++)
            if ((patterns[i].value & patterns[i].mask & m) == (probe & patterns[i].mask & m))
                bucket[op0][bucket_n[op0]++] = (uint16_t)i;
    }
    decode_ready = 1;
}

static const struct a64_pattern *match(const struct cpu *c, uint32_t insn, struct dinsn *d)
{
    if (!decode_ready) decode_init();
    unsigned op0 = (insn >> 25) & 15;
    for (unsigned k = 0; k < bucket_n[op0]; k++) {
        const struct a64_pattern *p = &patterns[bucket[op0][k]];
        if ((insn & p->mask) != p->value) continue;
        if (p->feat != FEAT_BASE && !cpu_has_feature(c, p->feat)) continue;
        if (!d) return p;
        struct dinsn t = { .raw = insn };
        if (p->decode(c, &t, insn)) {
            t.cost = c->class_cost[p->cls];
            *d = t;
            return p;
        }
        return NULL;            /* unallocated inside an allocated row */
    }
    return NULL;
}

void a64_decode(const struct cpu *c, struct dinsn *d, uint32_t insn)
{
    if (!match(c, insn, d)) {
        *d = (struct dinsn){ .fn = exec_undefined, .raw = insn, .cost = c->class_cost[IC_EXC] };
    }
}

const char *a64_pattern_name(const struct cpu *c, uint32_t insn)
{
    struct dinsn t;
    const struct a64_pattern *p = match(c, insn, &t);
    return p ? p->name : NULL;
}

const char *cpu_decode_name(const struct cpu *c, uint32_t insn) { return a64_pattern_name(c, insn); }

/* Number of table rows and their names (tests and the coverage report). */
unsigned a64_pattern_count(void) { return NPATTERNS; }
const char *a64_pattern_row(unsigned i, uint32_t *mask, uint32_t *value)
{
    if (!decode_ready) decode_init();
    if (i >= NPATTERNS) return NULL;
    if (mask) *mask = patterns[i].mask;
    if (value) *value = patterns[i].value;
    return patterns[i].name;
}

/* ConditionHolds (Arm ARM J1 shared/functions/system/ConditionHolds): bit n of entry `cond` is
 * set when the condition holds for PSTATE.NZCV == n (N = bit 3 ... V = bit 0). Generated from
 * the pseudocode; tests/unit/test_decode.c re-derives it. */
const uint16_t a64_cond_table[16] = { 0xf0f0, 0x0f0f, 0xcccc, 0x3333, 0xff00, 0x00ff, 0xaaaa, 0x5555, 0x0c0c, 0xf3f3, 0xaa55, 0x55aa, 0x0a05, 0xf5fa, 0xffff, 0xffff };
