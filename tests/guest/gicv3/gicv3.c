/* tests/guest/gicv3 — the gicv2 checks on a GICv3 (system-register CPU interface,
 * redistributors); run with -M virt,gic-version=3. See ../gicv2/gicv2.c. */
#define WANT_GIC 3
#include "../gicv2/gicv2.c"
