/* tests/unit/test_loader.c — kernel/initrd/DTB placement. Test images are generated here
 * (no cross compiler needed). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "machine/machine.h"

#define RAM_SIZE (128u << 20)
static struct bus *bus;
static char err[FL_ERRLEN];

static int setup(void **st) { bus = bus_new(); bus_map_ram(bus, "ram", mk_pa(VIRT_RAM_BASE), RAM_SIZE, NULL); return 0; }
static int teardown(void **st) { bus_free(bus); return 0; }
static void layout(struct boot_layout *bl) { memset(bl, 0, sizeof *bl); bl->ram_base = VIRT_RAM_BASE; bl->ram_size = RAM_SIZE; }

/* A minimal ELF64 with one PT_LOAD of 8 bytes at paddr, entry at paddr. */
static size_t make_elf(uint8_t *buf, uint64_t paddr, uint16_t machine)
{
    memset(buf, 0, 256);
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = machine;
    eh->e_version = EV_CURRENT;
    eh->e_entry = paddr + 4;
    eh->e_phoff = sizeof *eh;
    eh->e_ehsize = sizeof *eh;
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = 1;
    Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof *eh);
    ph->p_type = PT_LOAD;
    ph->p_offset = 0x100;
    ph->p_vaddr = ph->p_paddr = paddr;
    ph->p_filesz = 8;
    ph->p_memsz = 0x1000;
    ph->p_flags = PF_R | PF_X;
    memcpy(buf + 0x100, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
    return 0x108;
}

static const char *tmpfile_with(const uint8_t *buf, size_t len)
{
    static char path[64];
    strcpy(path, "/tmp/fl_test_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, buf, len), (ssize_t)len);
    close(fd);
    return path;
}

static void test_elf_ok(void **st)
{
    uint8_t buf[512];
    size_t n = make_elf(buf, 0x40200000, EM_AARCH64);
    const char *p = tmpfile_with(buf, n);
    struct boot_layout bl;
    layout(&bl);
    assert_int_equal(loader_load_kernel(bus, p, &bl, err, sizeof err), 0);
    unlink(p);
    assert_int_equal(bl.kind, KERNEL_ELF);
    assert_false(bl.is_linux);
    assert_int_equal(bl.entry, 0x40200004);
    uint32_t w;
    bus_read_buf(bus, mk_pa(0x40200000), &w, 4);
    assert_int_equal(w, 0x44332211);
    /* bare-metal ELF leaves the start of RAM free: DTB at 0x40000000, below the image */
    assert_int_equal(loader_load_initrd(bus, NULL, &bl, err, sizeof err), 0);
    assert_int_equal(loader_place_dtb(&bl, 0x1000, err, sizeof err), 0);
    assert_int_equal(bl.dtb_addr, 0x40000000);
    assert_int_equal(bl.dtb_limit, 0x40200000);
    assert_int_equal(loader_place_dtb(&bl, 0x300000, err, sizeof err), -1);   /* too big below */
}

static void test_elf_truncated(void **st)
{
    uint8_t buf[512];
    size_t n = make_elf(buf, 0x40200000, EM_AARCH64);
    struct boot_layout bl;
    layout(&bl);
    assert_int_equal(loader_load_kernel_buf(bus, "t.elf", buf, n - 4, &bl, err, sizeof err), -1);
    assert_non_null(strstr(err, "truncated"));
    assert_int_equal(loader_load_kernel_buf(bus, "t.elf", buf, 40, &bl, err, sizeof err), -1);
    assert_non_null(strstr(err, "t.elf"));
}

static void test_elf_wrong_machine(void **st)
{
    uint8_t buf[512];
    size_t n = make_elf(buf, 0x40200000, EM_X86_64);
    struct boot_layout bl;
    layout(&bl);
    assert_int_equal(loader_load_kernel_buf(bus, "x.elf", buf, n, &bl, err, sizeof err), -1);
    assert_non_null(strstr(err, "not AArch64"));
    buf[EI_CLASS] = ELFCLASS32;
    assert_int_equal(loader_load_kernel_buf(bus, "x.elf", buf, n, &bl, err, sizeof err), -1);
}

static void test_elf_outside_ram(void **st)
{
    uint8_t buf[512];
    size_t n = make_elf(buf, 0x1000, EM_AARCH64);
    struct boot_layout bl;
    layout(&bl);
    assert_int_equal(loader_load_kernel_buf(bus, "o.elf", buf, n, &bl, err, sizeof err), -1);
    assert_non_null(strstr(err, "outside RAM"));
}

static void make_image(uint8_t *buf, size_t len, uint64_t text_offset, uint64_t image_size)
{
    memset(buf, 0, len);
    memcpy(buf + 8, &text_offset, 8);
    memcpy(buf + 16, &image_size, 8);
    memcpy(buf + 56, "ARM\x64", 4);
}

static void test_image_placement(void **st)
{
    uint8_t buf[4096];
    struct boot_layout bl;
    layout(&bl);
    make_image(buf, sizeof buf, 0x80000, 0x200000);
    assert_int_equal(loader_load_kernel_buf(bus, "Image", buf, sizeof buf, &bl, err, sizeof err), 0);
    assert_int_equal(bl.kind, KERNEL_IMAGE);
    assert_int_equal(bl.entry, 0x40080000);
    assert_int_equal(bl.kernel_high, 0x40080000 + 0x200000);   /* image_size, not file size */
    layout(&bl);
    make_image(buf, sizeof buf, 0, 0x200000);                  /* text_offset 0: +2 MiB */
    assert_int_equal(loader_load_kernel_buf(bus, "Image", buf, sizeof buf, &bl, err, sizeof err), 0);
    assert_int_equal(bl.entry, 0x40200000);
    layout(&bl);
    make_image(buf, sizeof buf, 0x1234000, 0);                 /* image_size 0: offset ignored */
    assert_int_equal(loader_load_kernel_buf(bus, "Image", buf, sizeof buf, &bl, err, sizeof err), 0);
    assert_int_equal(bl.entry, 0x40080000);
    /* DTB: initrd_start = base + min(RAM/2, 128M) = +64M; DTB 2M-aligned after it */
    assert_int_equal(loader_load_initrd(bus, NULL, &bl, err, sizeof err), 0);
    assert_int_equal(bl.initrd_start, 0x44000000);
    assert_int_equal(loader_place_dtb(&bl, 0x2000, err, sizeof err), 0);
    assert_int_equal(bl.dtb_addr, 0x44000000);
}

static void test_raw(void **st)
{
    uint8_t buf[64] = { 1, 2, 3, 4 };
    struct boot_layout bl;
    layout(&bl);
    assert_int_equal(loader_load_kernel_buf(bus, "raw", buf, sizeof buf, &bl, err, sizeof err), 0);
    assert_int_equal(bl.kind, KERNEL_RAW);
    assert_true(bl.is_linux);
    assert_int_equal(bl.entry, 0x40080000);
    uint32_t w;
    bus_read_buf(bus, mk_pa(0x40080000), &w, 4);
    assert_int_equal(w, 0x04030201);
}

static void test_initrd(void **st)
{
    uint8_t buf[64] = { 0 };
    struct boot_layout bl;
    layout(&bl);
    assert_int_equal(loader_load_kernel_buf(bus, "raw", buf, sizeof buf, &bl, err, sizeof err), 0);
    uint8_t rd[10000];
    memset(rd, 0xab, sizeof rd);
    const char *p = tmpfile_with(rd, sizeof rd);
    assert_int_equal(loader_load_initrd(bus, p, &bl, err, sizeof err), 0);
    unlink(p);
    assert_int_equal(bl.initrd_start, 0x44000000);
    assert_int_equal(bl.initrd_size, sizeof rd);
    uint8_t b;
    bus_read_buf(bus, mk_pa(0x44000000 + 9999), &b, 1);
    assert_int_equal(b, 0xab);
    assert_int_equal(loader_place_dtb(&bl, 0x2000, err, sizeof err), 0);
    assert_int_equal(bl.dtb_addr, 0x44200000);
    /* a kernel whose image reaches past the initrd default pushes it up, page aligned */
    layout(&bl);
    uint8_t img[4096];
    make_image(img, sizeof img, 0x80000, 0x4000123);
    assert_int_equal(loader_load_kernel_buf(bus, "Image", img, sizeof img, &bl, err, sizeof err), 0);
    assert_int_equal(loader_load_initrd(bus, NULL, &bl, err, sizeof err), 0);
    assert_int_equal(bl.initrd_start, 0x44081000);
    assert_int_equal(loader_load_initrd(bus, "/nonexistent/initrd", &bl, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/initrd: "));
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_elf_ok), cmocka_unit_test(test_elf_truncated),
        cmocka_unit_test(test_elf_wrong_machine), cmocka_unit_test(test_elf_outside_ram),
        cmocka_unit_test(test_image_placement), cmocka_unit_test(test_raw),
        cmocka_unit_test(test_initrd),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
