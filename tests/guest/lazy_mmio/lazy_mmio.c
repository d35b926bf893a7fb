/* tests/guest/lazy_mmio — seed 000/001 scenario guest (tests/scenarios/): dom0-like code at EL1
 * under -hv xen touching device pages of three devices, an IPA hole, and fetching an
 * instruction from a device page. Under mmio=lazy every distinct device page costs one stage-2
 * fault and one p2m map (xen-arm.md §1.3); under mmio=eager none. Both policies inject the
 * hole's data abort and the fetch's prefetch abort (EC 0x25 / 0x21, ISS = 0: §1.4) and never
 * map the fetched page (§1.2 a: MMIO is never mapped on an instruction abort).
 * Pages touched with data accesses (MMU off: Device-nGnRnE at stage 1):
 *   PL011 0x09000000 (console, several offsets: 1 page), PL031 0x09010000 (1 page),
 *   SRAM 0x09060000, +0x1000, +0xf000 (3 pages of the 64 KiB mmio-sram) → N = 5 pages.
 * Needs the SRAM: run with -M virt,sram=on. (Until the hypervisor owned the SMMU this used 3
 * SMMU pages; under -hv xen the SMMU is now hidden from dom0 and an access to it is injected.) */
#include "rt.h"

#define UART 0x09000000ull
#define RTC  0x09010000ull
#define SRAM 0x09060000ull
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
    *(volatile uint32_t *)(SRAM + 0x1000) = 0x5a5aa5a5u;  /* first touch is a store */
    uint32_t s0 = rd32(SRAM), s1 = rd32(SRAM + 0x1000), s15 = rd32(SRAM + 0xf000);
    rd32(SRAM); rd32(RTC + 0x8);                         /* again: no new faults */
    printf("INFO fr=%x cr=%x rtc=%x/%x sram %x/%x/%x\n", fr, cr, t0, t1, s0, s1, s15);
    CHECK("uart-fr-txfe", (fr & 0x80) != 0);
    CHECK_EQ("sram-readback", s1, 0x5a5aa5a5u);
    CHECK_EQ("sram-zero", s0 | s15, 0);

    rd32(HOLE);                                          /* no permission: data abort injected */
    CHECK_EQ("hole-dabt", n_dabt, 1);
    CHECK_EQ("hole-iss0", ESR_ISS(last_esr), 0);
    CHECK_EQ("hole-far", last_far, HOLE);

    /* Fetch from a device page never touched by data (SRAM + 0x2000): prefetch abort. */
    __asm__ volatile("blr %0" :: "r"(SRAM + 0x2000) : "x30", "memory");
    CHECK_EQ("fetch-pabt", n_pabt, 1);
    CHECK_EQ("fetch-ec", ESR_EC(last_esr), 0x21);
    CHECK_EQ("fetch-iss0", ESR_ISS(last_esr), 0);
    rt_result();
    return 0;
}
