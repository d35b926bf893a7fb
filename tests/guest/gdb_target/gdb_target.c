/* tests/guest/gdb_target — a target for a scripted gdb-multiarch session against faultline's
 * gdbstub (and QEMU's -s -S): named, non-inlined functions and a global written in a loop.
 *   break compute_step      -> hit ROUNDS times, argument `i` = 0, 1, 2, ...
 *   watch counter           -> a write per iteration in main_loop (counter = i + 1)
 *   print accumulator       -> the running value; the final value is printed by the guest
 * It runs ROUNDS iterations, prints the result and powers off. Built with -g (Makefile CFLAGS). */
#include "rt.h"

#define ROUNDS 10

volatile uint64_t counter;          /* watched: written once per iteration */
volatile uint64_t accumulator;

__attribute__((noinline)) uint64_t compute_step(uint64_t i, uint64_t acc)
{
    /* a small mix so that the value depends on every step */
    acc = acc * 31 + i * i + 7;
    return acc ^ (acc >> 13);
}

__attribute__((noinline)) void main_loop(unsigned rounds)
{
    for (unsigned i = 0; i < rounds; i++) {
        accumulator = compute_step(i, accumulator);
        counter = i + 1;
    }
}

int main(void)
{
    main_loop(ROUNDS);
    /* Reference value computed the same way, so the guest checks itself. */
    uint64_t acc = 0;
    for (unsigned i = 0; i < ROUNDS; i++) { acc = acc * 31 + (uint64_t)i * i + 7; acc ^= acc >> 13; }
    CHECK_EQ("counter-final", counter, ROUNDS);
    CHECK_EQ("accumulator-final", accumulator, acc);
    printf("accumulator = 0x%lx\n", accumulator);
    rt_result();
    return 0;
}
