/* tests/guest/lazy_mmio — seed 000/001 scenario guest (tests/scenarios/): dom0-like code at EL1
 * under -hv xen touching device pages of three devices, an IPA hole, and fetching an
 * instruction from a device page. Under mmio=lazy every distinct device page costs one stage-2
 * fault and one p2m map (xen-arm.md §1.3); under mmio=eager none. Both policies inject the
 * hole's data abort and the fetch's prefetch abort (EC 0x25 / 0x21, ISS = 0: §1.4) and never
 * map the fetched page (§1.2 a: MMIO is never mapped on an instruction abort).
 * Pages touched with data accesses (MMU off: Device-nGnRnE at stage 1):
 *   PL011 0x09000000 (console, several offsets: 1 page), PL031 0x09010000 (1 page),
 *   SMMU 0x09050000, +0x1000, +0x10000 (3 pages)                      → N = 5 pages.
 * Needs an SMMU on the board: run with -device virtio-rng-device (iommu=smmuv2 default). */
#include "rt.h"

#define UART 0x09000000ull
#define RTC  0x09010000ull
#define SMMU 0x09050000ull
#define HOLE 0x0B000000ull
static volatile uint64_t n_dabt, n_pabt, last_esr, last_far;

static int on_sync(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_SYNC) return 0;
    unsigned ec = ESR_EC(f->esr);
    last_esr = f->esr; last_far = f->far;
    if (ec == 0x25) { n_dabt++; f->elr += 4; return 1; }
    if (ec == 0x21) { n_pabt++; f->elr = f->x[30]; return 1; }    /* back to after the BLR */
    return 0;
}
static uint32_t rd32(uint64_t a) { return *(volatile uint32_t *)a; }

int main(void)
{
    rt_set_handler(on_sync);
    printf("lazy_mmio: start\n");
    uint32_t fr = rd32(UART + 0x18), cr = rd32(UART + 0x30);
    uint32_t t0 = rd32(RTC), t1 = rd32(RTC + 0x4);
    uint32_t idr0 = rd32(SMMU), gr1 = rd32(SMMU + 0x1000), cb0 = rd32(SMMU + 0x10000);
    rd32(SMMU); rd32(RTC + 0x8);                         /* again: no new faults */
    printf("INFO fr=%x cr=%x rtc=%x/%x smmu idr0=%x gr1=%x cb0=%x\n", fr, cr, t0, t1, idr0, gr1, cb0);
    CHECK("uart-fr-txfe", (fr & 0x80) != 0);
    CHECK("smmu-idr0", idr0 != 0);

    rd32(HOLE);                                          /* no permission: data abort injected */
    CHECK_EQ("hole-dabt", n_dabt, 1);
    CHECK_EQ("hole-iss0", ESR_ISS(last_esr), 0);
    CHECK_EQ("hole-far", last_far, HOLE);

    /* Fetch from a device page never touched by data (SMMU + 0x2000): prefetch abort. */
    __asm__ volatile("blr %0" :: "r"(SMMU + 0x2000) : "x30", "memory");
    CHECK_EQ("fetch-pabt", n_pabt, 1);
    CHECK_EQ("fetch-ec", ESR_EC(last_esr), 0x21);
    CHECK_EQ("fetch-iss0", ESR_ISS(last_esr), 0);
    rt_result();
    return 0;
}
