/* cpu/timing.c — the cycle cost model: cycles per instruction class for the core profile. */
#include "cpu/cpu_internal.h"

void timing_init(struct cpu *c)
{
    for (unsigned i = 0; i < IC__COUNT; i++) c->class_cost[i] = 1;
}
