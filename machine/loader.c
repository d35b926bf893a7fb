/* machine/loader.c — -kernel / -initrd / DTB placement, following QEMU 7.2 hw/arm/boot.c
 * (docs/system/arm/virt.rst, anchors.md C.4) so that images built for qemu-system-aarch64 -M virt
 * land at the same addresses:
 *  - ELF (tried first): PT_LOAD segments at their physical addresses (p_paddr), entry e_entry, not
 *    treated as Linux (no initrd). The DTB goes at the start of RAM if the image leaves room there
 *    (bare-metal guests find it at 0x40000000), limited to below the image.
 *  - arm64 Image ("ARM\x64" at offset 56): text_offset (offset 8) is honoured only when image_size
 *    (offset 16) != 0, and moved up by 2 MiB if below 4 KiB (QEMU's boot stub lives there);
 *    otherwise offset 0x80000. Occupies max(image_size, file size).
 *  - Anything else: raw, at RAM base + 0x80000, entry there (QEMU's AArch64 rule).
 *  - Linux (Image/raw): initrd at RAM base + min(RAM/2, 128 MiB), not below the kernel end, page
 *    aligned; DTB after the initrd aligned to 2 MiB (QEMU computes this even with no initrd).
 * Divergence: an ELF that occupies the start of RAM leaves QEMU putting the DTB at address 0
 * (flash); faultline has no flash and puts it 2 MiB-aligned after the image instead. */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine/machine.h"

#define MiB (1024ull * 1024)
#define ARM64_IMAGE_MAGIC_OFFSET 56
#define KERNEL64_LOAD_OFFSET 0x80000ull
#define BOOTLOADER_MAX_SIZE 0x1000ull
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))

uint8_t *loader_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return NULL; }
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) break;
        uint8_t *nb = realloc(buf, cap * 2);
        if (!nb) { free(buf); buf = NULL; break; }
        buf = nb;
        cap *= 2;
    }
    if (!buf || ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, buf ? strerror(errno) : "out of memory");
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

static bool in_ram(const struct boot_layout *bl, uint64_t addr, uint64_t len)
{
    return addr >= bl->ram_base && len <= bl->ram_size && addr - bl->ram_base <= bl->ram_size - len;
}

static int load_elf(struct bus *b, const char *name, const uint8_t *buf, size_t len,
                    struct boot_layout *bl, char *err, size_t errlen)
{
    if (elf_version(EV_CURRENT) == EV_NONE) { snprintf(err, errlen, "libelf: %s", elf_errmsg(-1)); return -1; }
    if (len < EI_NIDENT || buf[EI_CLASS] != ELFCLASS64) {
        snprintf(err, errlen, "%s: not a 64-bit ELF file (only AArch64 ELF64 is supported)", name);
        return -1;
    }
    if (buf[EI_DATA] != ELFDATA2LSB) {
        snprintf(err, errlen, "%s: big-endian ELF is not supported", name);
        return -1;
    }
    Elf *e = elf_memory((char *)buf, len);
    GElf_Ehdr eh;
    size_t phnum = 0;
    int rc = -1;
    if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
        snprintf(err, errlen, "%s: malformed ELF header", name);
        goto out;
    }
    if (eh.e_machine != EM_AARCH64) {
        snprintf(err, errlen, "%s: ELF machine %u is not AArch64 (EM_AARCH64 = %u)", name,
                 (unsigned)eh.e_machine, (unsigned)EM_AARCH64);
        goto out;
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
        snprintf(err, errlen, "%s: ELF is not an executable (e_type %u)", name, (unsigned)eh.e_type);
        goto out;
    }
    if (elf_getphdrnum(e, &phnum) != 0 || phnum == 0 ||
        eh.e_phoff > len || (uint64_t)phnum * eh.e_phentsize > len - eh.e_phoff) {
        snprintf(err, errlen, "%s: truncated or missing ELF program headers", name);
        goto out;
    }
    uint64_t low = UINT64_MAX, high = 0;
    unsigned nload = 0;
    for (size_t i = 0; i < phnum; i++) {          /* validate everything before writing RAM */
        GElf_Phdr ph;
        if (!gelf_getphdr(e, (int)i, &ph)) {
            snprintf(err, errlen, "%s: bad ELF program header %zu", name, i);
            goto out;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > len || ph.p_filesz > len - ph.p_offset) {
            snprintf(err, errlen, "%s: truncated ELF: segment %zu extends past the end of the file", name, i);
            goto out;
        }
        if (!in_ram(bl, ph.p_paddr, ph.p_memsz)) {
            snprintf(err, errlen, "%s: ELF segment %zu at 0x%llx-0x%llx is outside RAM (0x%llx-0x%llx)",
                     name, i, (unsigned long long)ph.p_paddr,
                     (unsigned long long)(ph.p_paddr + ph.p_memsz - 1),
                     (unsigned long long)bl->ram_base,
                     (unsigned long long)(bl->ram_base + bl->ram_size - 1));
            goto out;
        }
        if (ph.p_paddr < low) low = ph.p_paddr;
        if (ph.p_paddr + ph.p_memsz > high) high = ph.p_paddr + ph.p_memsz;
        nload++;
    }
    if (!nload) { snprintf(err, errlen, "%s: ELF has no loadable segments", name); goto out; }
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        gelf_getphdr(e, (int)i, &ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_filesz) bus_write_buf(b, mk_pa(ph.p_paddr), buf + ph.p_offset, ph.p_filesz);
        if (ph.p_memsz > ph.p_filesz) {             /* .bss */
            uint8_t *z = bus_ram_ptr(b, mk_pa(ph.p_paddr + ph.p_filesz), ph.p_memsz - ph.p_filesz);
            if (z) {
                memset(z, 0, ph.p_memsz - ph.p_filesz);
                bus_notify_ram_write(b, mk_pa(ph.p_paddr + ph.p_filesz), ph.p_memsz - ph.p_filesz);
            }
        }
    }
    bl->kind = KERNEL_ELF;
    bl->is_linux = false;
    bl->entry = eh.e_entry;
    bl->kernel_low = low;
    bl->kernel_high = high;
    rc = 0;
out:
    if (e) elf_end(e);
    return rc;
}

int loader_load_kernel_buf(struct bus *b, const char *name, const uint8_t *buf, size_t len,
                           struct boot_layout *bl, char *err, size_t errlen)
{
    if (len == 0) { snprintf(err, errlen, "%s: file is empty", name); return -1; }
    if (len >= 4 && !memcmp(buf, ELFMAG, SELFMAG)) return load_elf(b, name, buf, len, bl, err, errlen);
    if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
        snprintf(err, errlen, "%s: gzip-compressed kernels are not supported yet (gunzip it first)", name);
        return -1;
    }
    uint64_t offset = KERNEL64_LOAD_OFFSET, size = len;
    bl->kind = KERNEL_RAW;
    if (len > ARM64_IMAGE_MAGIC_OFFSET + 4 && !memcmp(buf + ARM64_IMAGE_MAGIC_OFFSET, "ARM\x64", 4)) {
        uint64_t text_offset, image_size;
        memcpy(&text_offset, buf + 8, 8);   /* little-endian header fields (host is LE) */
        memcpy(&image_size, buf + 16, 8);
        bl->kind = KERNEL_IMAGE;
        if (image_size != 0) {
            offset = text_offset;
            if (offset < BOOTLOADER_MAX_SIZE) offset += 2 * MiB;
            if (image_size > size) size = image_size;
        }
    }
    if (offset >= bl->ram_size || size > bl->ram_size - offset) {
        snprintf(err, errlen, "%s: kernel does not fit in RAM (%llu bytes at offset 0x%llx, RAM %llu MiB)",
                 name, (unsigned long long)size, (unsigned long long)offset,
                 (unsigned long long)(bl->ram_size / MiB));
        return -1;
    }
    bus_write_buf(b, mk_pa(bl->ram_base + offset), buf, len);
    bl->is_linux = true;
    bl->entry = bl->ram_base + offset;
    bl->kernel_low = bl->entry;
    bl->kernel_high = bl->entry + size;
    return 0;
}

int loader_load_kernel(struct bus *b, const char *path, struct boot_layout *bl, char *err, size_t errlen)
{
    size_t len;
    uint8_t *buf = loader_read_file(path, &len, err, errlen);
    if (!buf) return -1;
    int rc = loader_load_kernel_buf(b, path, buf, len, bl, err, errlen);
    free(buf);
    return rc;
}

int loader_load_initrd(struct bus *b, const char *path, struct boot_layout *bl, char *err, size_t errlen)
{
    uint64_t half = bl->ram_size / 2;
    bl->initrd_start = bl->ram_base + (half < 128 * MiB ? half : 128 * MiB);
    if (bl->kernel_high > bl->initrd_start) bl->initrd_start = bl->kernel_high;
    bl->initrd_start = ALIGN_UP(bl->initrd_start, 4096);
    bl->initrd_size = 0;
    if (!path) return 0;
    size_t len;
    uint8_t *buf = loader_read_file(path, &len, err, errlen);
    if (!buf) return -1;
    if (!in_ram(bl, bl->initrd_start, len)) {
        snprintf(err, errlen, "%s: initrd too big to fit into RAM after the kernel (%zu bytes at 0x%llx)",
                 path, len, (unsigned long long)bl->initrd_start);
        free(buf);
        return -1;
    }
    bus_write_buf(b, mk_pa(bl->initrd_start), buf, len);
    bl->initrd_size = len;
    free(buf);
    return 0;
}

int loader_place_dtb(struct boot_layout *bl, size_t dtb_size, char *err, size_t errlen)
{
    bl->dtb_limit = 0;
    if (bl->is_linux) {
        bl->dtb_addr = ALIGN_UP(bl->initrd_start + bl->initrd_size, 2 * MiB);
    } else if (bl->kernel_low > bl->ram_base || bl->kernel_high <= bl->ram_base) {
        bl->dtb_addr = bl->ram_base;                /* room at the start of RAM */
        if (bl->kernel_low > bl->ram_base) bl->dtb_limit = bl->kernel_low;
    } else {
        bl->dtb_addr = ALIGN_UP(bl->kernel_high, 2 * MiB);
    }
    if (bl->dtb_limit && dtb_size > bl->dtb_limit - bl->dtb_addr) {
        snprintf(err, errlen, "dtb: not enough space for the DTB (%zu bytes) below the kernel at 0x%llx",
                 dtb_size, (unsigned long long)bl->dtb_limit);
        return -1;
    }
    if (!in_ram(bl, bl->dtb_addr, dtb_size)) {
        snprintf(err, errlen, "dtb: not enough space for the DTB after kernel/initrd (at 0x%llx)",
                 (unsigned long long)bl->dtb_addr);
        return -1;
    }
    return 0;
}
