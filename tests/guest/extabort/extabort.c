/* tests/guest/extabort — a load and a store to a physical address with nothing behind it are
 * synchronous external aborts: EL1 data abort from the current EL (ESR_EL1.EC = 0x25),
 * DFSC = 0x10 (synchronous external abort, not on a table walk), FAR_EL1 = the address,
 * WnR = 0 for the load and 1 for the store, ELR_EL1 = the instruction.
 * The address: 0x0B000000 is a hole in QEMU virt's map (virtio-mmio ends at 0x0A004000, the
 * platform bus starts at 0x0C000000; see design/reference/qemu-7.2-virt-*.dts) and in faultline's
 * board map. NOT 0x10000000: on QEMU that is the PCIe MMIO window, which reads as all-ones.
 * The full ESR (ISV/SAS/EA bits vary by implementation) is printed on INFO lines, not compared. */
#include "rt.h"

#define HOLE 0x0B000000ull
static volatile uint64_t seen_esr, seen_elr, seen_far, seen_count;

static int on_sync(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_SYNC || ESR_EC(f->esr) != 0x25) return 0;
    seen_esr = f->esr; seen_elr = f->elr; seen_far = f->far; seen_count++;
    f->elr += 4;
    return 1;
}

extern char ld_insn[], st_insn[];

int main(void)
{
    rt_set_handler(on_sync);
    uint64_t v = 0x1234;
    __asm__ volatile(".global ld_insn\nld_insn: ldr %0, [%1]" : "+r"(v) : "r"(HOLE) : "memory");
    CHECK_EQ("load-taken", seen_count, 1);
    CHECK_EQ("load-ec", ESR_EC(seen_esr), 0x25);
    CHECK_EQ("load-dfsc", seen_esr & 0x3f, 0x10);
    CHECK_EQ("load-wnr", (seen_esr >> 6) & 1, 0);
    CHECK_EQ("load-far", seen_far, HOLE);
    CHECK_EQ("load-elr", seen_elr, (uint64_t)ld_insn);
    printf("INFO load ESR_EL1=0x%lx\n", seen_esr);

    __asm__ volatile(".global st_insn\nst_insn: str %w0, [%1]" :: "r"(v), "r"(HOLE + 0x40) : "memory");
    CHECK_EQ("store-taken", seen_count, 2);
    CHECK_EQ("store-ec", ESR_EC(seen_esr), 0x25);
    CHECK_EQ("store-dfsc", seen_esr & 0x3f, 0x10);
    CHECK_EQ("store-wnr", (seen_esr >> 6) & 1, 1);
    CHECK_EQ("store-far", seen_far, HOLE + 0x40);
    CHECK_EQ("store-elr", seen_elr, (uint64_t)st_insn);
    printf("INFO store ESR_EL1=0x%lx\n", seen_esr);
    rt_result();
    return 0;
}
