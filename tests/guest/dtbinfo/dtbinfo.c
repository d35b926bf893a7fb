/* tests/guest/dtbinfo — reports how the loader handed over the device tree: x0 at entry, whether a
 * DTB was found through x0 or at RAM base (0x40000000), the boot EL and the UART it found through
 * /chosen/stdout-path. The .elf and .bin runs differ by design. What QEMU 7.2 virt does
 * (hw/arm/boot.c; measured with this guest, 128 MiB RAM):
 *  - ELF: entered at e_entry with x0 = 0. QEMU writes the DTB at RAM base only if it fits below
 *    the lowest loaded address; virt's DTB has totalsize 1 MiB (not packed), so at our link
 *    address 0x40080000 (512 KiB above RAM base) it does NOT fit and no DTB is passed at all:
 *    "x0=0x0 dtb=0x0 via none". (Linked at 0x40100000 or higher it appears at 0x40000000.)
 *  - raw image: loaded at 0x40080000, entered through the boot stub with x0 = DTB, placed at
 *    RAM base + min(RAM/2, 128 MiB) aligned to 2 MiB = 0x44000000: "x0=0x44000000 ... via x0".
 * faultline's loader must do the same; the qemu-compat comparison of this guest checks it. */
#include "rt.h"

int main(void)
{
    printf("dtbinfo: x0=0x%lx dtb=0x%lx via %s el=%u uart=0x%lx\n",
           rt_boot_x0, rt_dtb, rt_dtb_source, rt_boot_el, rt_uart_base);
    if (rt_dtb) {
        int mem = dtb_path_offset((void *)rt_dtb, "/memory", 7);
        uint32_t len;
        const uint32_t *reg = mem >= 0 ? dtb_getprop((void *)rt_dtb, mem, "reg", &len) : 0;
        if (reg && len >= 16)
            printf("dtbinfo: memory base=0x%lx size=0x%lx\n",
                   (uint64_t)__builtin_bswap32(reg[0]) << 32 | __builtin_bswap32(reg[1]),
                   (uint64_t)__builtin_bswap32(reg[2]) << 32 | __builtin_bswap32(reg[3]));
    }
    rt_result();
    return 0;
}
