/* tests/unit/test_fdt.c — the generated virt device tree and -dtb handling. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "machine/machine.h"

static char err[FL_ERRLEN];

static struct virt_fdt_config cfg(unsigned gic, unsigned ncpus)
{
    struct virt_fdt_config c = { .ram_base = VIRT_RAM_BASE, .ram_size = 512ull << 20, .ncpus = ncpus,
                                 .gic_version = gic, .bootargs = "console=ttyAMA0",
                                 .initrd_start = 0x48000000, .initrd_size = 0x1000, .has_pl031 = true };
    return c;
}

static void *build(const struct virt_fdt_config *c)
{
    void *blob;
    size_t size;
    assert_int_equal(virt_fdt_build(c, &blob, &size, err, sizeof err), 0);
    assert_int_equal(fdt_check_full(blob, size), 0);
    return blob;
}

static uint64_t get_u64(const void *fdt, int node, const char *name)
{
    int len;
    const fdt64_t *p = fdt_getprop(fdt, node, name, &len);
    assert_non_null(p);
    assert_int_equal(len, 8);
    return fdt64_ld(p);     /* property data is only 4-byte aligned */
}

static void test_chosen_stdout(void **st)
{
    struct virt_fdt_config c = cfg(2, 1);
    void *f = build(&c);
    int ch = fdt_path_offset(f, "/chosen");
    assert_true(ch >= 0);
    const char *sp = fdt_getprop(f, ch, "stdout-path", NULL);
    assert_string_equal(sp, "/pl011@9000000");
    int uart = fdt_path_offset(f, sp);
    assert_true(uart >= 0);
    assert_int_equal(fdt_node_check_compatible(f, uart, "arm,pl011"), 0);
    assert_string_equal(fdt_getprop(f, ch, "bootargs", NULL), "console=ttyAMA0");
    assert_int_equal(get_u64(f, ch, "linux,initrd-start"), 0x48000000);
    assert_int_equal(get_u64(f, ch, "linux,initrd-end"), 0x48001000);
    int len;
    assert_non_null(fdt_getprop(f, ch, "kaslr-seed", &len));
    assert_int_equal(len, 8);
    free(f);
}

static void test_memory_and_psci(void **st)
{
    struct virt_fdt_config c = cfg(2, 2);
    void *f = build(&c);
    int m = fdt_path_offset(f, "/memory@40000000");
    assert_true(m >= 0);
    int len;
    const fdt32_t *r = fdt_getprop(f, m, "reg", &len);
    assert_int_equal(len, 16);
    assert_int_equal(fdt32_to_cpu(r[1]), 0x40000000);
    assert_int_equal(((uint64_t)fdt32_to_cpu(r[2]) << 32) | fdt32_to_cpu(r[3]), 512ull << 20);
    int p = fdt_path_offset(f, "/psci");
    assert_string_equal(fdt_getprop(f, p, "method", NULL), "hvc");
    assert_int_equal(fdt_node_check_compatible(f, p, "arm,psci-0.2"), 0);
    int cpu1 = fdt_path_offset(f, "/cpus/cpu@1");
    assert_true(cpu1 >= 0);
    assert_string_equal(fdt_getprop(f, cpu1, "enable-method", NULL), "psci");
    free(f);
    /* deterministic: the same config gives the same bytes */
    void *a = build(&c), *b = build(&c);
    assert_memory_equal(a, b, fdt_totalsize(a));
    free(a); free(b);
}

static void test_gic_versions(void **st)
{
    struct virt_fdt_config c = cfg(2, 1);
    void *f = build(&c);
    int n = fdt_node_offset_by_compatible(f, -1, "arm,cortex-a15-gic");
    assert_true(n >= 0);
    assert_int_equal(fdt_get_phandle(f, n), fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(f, 0, "interrupt-parent", NULL)));
    free(f);
    c = cfg(3, 1);
    f = build(&c);
    n = fdt_node_offset_by_compatible(f, -1, "arm,gic-v3");
    assert_true(n >= 0);
    assert_non_null(fdt_getprop(f, n, "#redistributor-regions", NULL));
    assert_true(fdt_node_offset_by_compatible(f, -1, "arm,cortex-a15-gic") < 0);
    free(f);
}

static void test_dumpdtb_roundtrip(void **st)
{
    struct virt_fdt_config c = cfg(3, 1);
    void *f = build(&c);
    char path[] = "/tmp/fl_dtb_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    assert_int_equal(virt_fdt_write(path, f, fdt_totalsize(f), err, sizeof err), 0);
    struct virt_fdt_config c2 = cfg(3, 1);
    c2.ram_size = 1ull << 30;
    c2.bootargs = "root=/dev/vda";
    c2.initrd_size = 0;
    void *g;
    size_t gs;
    assert_int_equal(virt_fdt_load(path, &c2, &g, &gs, err, sizeof err), 0);
    unlink(path);
    int m = fdt_path_offset(g, "/memory@40000000");
    const fdt32_t *r = fdt_getprop(g, m, "reg", NULL);
    assert_int_equal(fdt32_to_cpu(r[3]), 0x40000000);        /* RAM patched to 1 GiB */
    assert_string_equal(fdt_getprop(g, fdt_path_offset(g, "/chosen"), "bootargs", NULL), "root=/dev/vda");
    assert_true(fdt_node_offset_by_compatible(g, -1, "arm,gic-v3") >= 0);
    free(f); free(g);
}

static void test_malformed_dtb(void **st)
{
    char path[] = "/tmp/fl_bad_XXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(write(fd, "\xd0\x0d\xfe\xedgarbage-garbage-garbage-garbage-garbage", 44), 44);
    close(fd);
    struct virt_fdt_config c = cfg(2, 1);
    void *g;
    size_t gs;
    assert_int_equal(virt_fdt_load(path, &c, &g, &gs, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_null(strchr(err, '\n'));
    unlink(path);
    assert_int_equal(virt_fdt_load("/nonexistent.dtb", &c, &g, &gs, err, sizeof err), -1);
    /* truncated: a valid header claiming more bytes than the file has */
    void *f = build(&c);
    assert_int_equal(virt_fdt_check(f, fdt_totalsize(f) - 8, "t.dtb", err, sizeof err), -1);
    assert_non_null(strstr(err, "truncated"));
    free(f);
}

/* The SMMU and virtio-mmio nodes (only when the board has devices) */
static void test_smmu_virtio_nodes(void **st)
{
    struct virt_fdt_config c = cfg(2, 1);
    void *f = build(&c);
    assert_true(fdt_path_offset(f, "/iommu@9050000") < 0);       /* none without devices */
    assert_true(fdt_path_offset(f, "/virtio_mmio@a000000") < 0);
    free(f);
    c.nvirtio = 2; c.has_smmu = true; c.smmu_size = 0x20000; c.smmu_ncb = 16;
    f = build(&c);
    int s = fdt_path_offset(f, "/iommu@9050000");
    assert_true(s >= 0);
    assert_int_equal(fdt_node_check_compatible(f, s, "arm,mmu-500"), 0);
    assert_int_equal(fdt_node_check_compatible(f, s, "arm,smmu-v2"), 0);
    int len;
    const fdt32_t *p = fdt_getprop(f, s, "#global-interrupts", &len);
    assert_non_null(p);
    assert_int_equal(fdt32_to_cpu(*p), 1);
    p = fdt_getprop(f, s, "interrupts", &len);
    assert_int_equal(len, 17 * 12);                            /* global + 16 context banks */
    assert_int_equal(fdt32_to_cpu(p[1]), VIRT_SPI_SMMU);
    assert_int_equal(fdt32_to_cpu(p[3 * 16 + 1]), VIRT_SPI_SMMU + 16);
    p = fdt_getprop(f, s, "reg", &len);
    assert_int_equal(len, 16);
    assert_int_equal(fdt32_to_cpu(p[1]), VIRT_SMMU);
    assert_int_equal(fdt32_to_cpu(p[3]), 0x20000);
    p = fdt_getprop(f, s, "#iommu-cells", &len);
    assert_int_equal(fdt32_to_cpu(*p), 1);
    uint32_t ph = fdt_get_phandle(f, s);
    assert_true(ph != 0);
    for (unsigned n = 0; n < 2; n++) {
        char path[40];
        snprintf(path, sizeof path, "/virtio_mmio@%x", 0xa000000 + 0x200 * n);
        int v = fdt_path_offset(f, path);
        assert_true(v >= 0);
        assert_int_equal(fdt_node_check_compatible(f, v, "virtio,mmio"), 0);
        assert_non_null(fdt_getprop(f, v, "dma-coherent", NULL));
        p = fdt_getprop(f, v, "iommus", &len);
        assert_int_equal(len, 8);
        assert_int_equal(fdt32_to_cpu(p[0]), ph);
        assert_int_equal(fdt32_to_cpu(p[1]), n);                 /* stream ID = transport index */
        p = fdt_getprop(f, v, "interrupts", &len);
        assert_int_equal(fdt32_to_cpu(p[1]), VIRT_SPI_VIRTIO + n);
    }
    /* transport 0 comes first in the tree (Linux probes in tree order: vda = the first -device) */
    assert_true(fdt_path_offset(f, "/virtio_mmio@a000000") < fdt_path_offset(f, "/virtio_mmio@a000200"));
    free(f);
    /* iommu=none: transports without iommus, no SMMU node */
    c.has_smmu = false;
    f = build(&c);
    assert_true(fdt_path_offset(f, "/iommu@9050000") < 0);
    assert_null(fdt_getprop(f, fdt_path_offset(f, "/virtio_mmio@a000000"), "iommus", NULL));
    free(f);
}

/* -device pl330: dma-controller@9070000 per Linux's arm,pl330 binding (arm-pl330.yaml); the
 * SMMU node comes with it even without virtio transports; iommus only behind the SMMU. */
static void test_pl330_node(void **st)
{
    struct virt_fdt_config c = cfg(2, 1);
    void *f = build(&c);
    assert_true(fdt_path_offset(f, "/dma-controller@9070000") < 0);
    free(f);
    c.has_pl330 = true; c.pl330_iommu = true; c.pl330_sid = 0x20;
    c.has_smmu = true; c.smmu_size = 0x20000; c.smmu_ncb = 16;
    f = build(&c);
    int n = fdt_path_offset(f, "/dma-controller@9070000"), s = fdt_path_offset(f, "/iommu@9050000");
    assert_true(n >= 0 && s >= 0);
    assert_int_equal(fdt_node_check_compatible(f, n, "arm,pl330"), 0);
    assert_int_equal(fdt_node_check_compatible(f, n, "arm,primecell"), 0);
    int len;
    const fdt32_t *p = fdt_getprop(f, n, "reg", &len);
    assert_int_equal(len, 16);
    assert_int_equal(fdt32_to_cpu(p[1]), VIRT_DMA);
    assert_int_equal(fdt32_to_cpu(p[3]), 0x1000);
    p = fdt_getprop(f, n, "interrupts", &len);
    assert_int_equal(len, 9 * 12);                             /* abort + 8 events */
    assert_int_equal(fdt32_to_cpu(p[1]), VIRT_SPI_DMA_ABORT);
    assert_int_equal(fdt32_to_cpu(p[3 + 1]), VIRT_SPI_DMA_EVENT);
    assert_int_equal(fdt32_to_cpu(p[3 * 8 + 1]), VIRT_SPI_DMA_EVENT + 7);
    assert_int_equal(fdt32_to_cpu(p[2]), 4);                   /* level-high */
    p = fdt_getprop(f, n, "#dma-cells", &len);
    assert_int_equal(fdt32_to_cpu(*p), 1);
    p = fdt_getprop(f, n, "clocks", &len);
    assert_int_equal(fdt32_to_cpu(*p), fdt_get_phandle(f, fdt_path_offset(f, "/apb-pclk")));
    assert_string_equal(fdt_getprop(f, n, "clock-names", NULL), "apb_pclk");
    assert_non_null(fdt_getprop(f, n, "dma-coherent", NULL));
    p = fdt_getprop(f, n, "iommus", &len);
    assert_int_equal(len, 8);
    assert_int_equal(fdt32_to_cpu(p[0]), fdt_get_phandle(f, s));
    assert_int_equal(fdt32_to_cpu(p[1]), 0x20);
    assert_true(fdt_path_offset(f, "/virtio_mmio@a000000") < 0);
    free(f);
    c.pl330_iommu = false;                                      /* -device pl330,iommu=off */
    f = build(&c);
    assert_null(fdt_getprop(f, fdt_path_offset(f, "/dma-controller@9070000"), "iommus", NULL));
    free(f);
}

/* -M virt,sram=on: sram@9060000 per Linux's mmio-sram binding (sram.yaml); absent by default. */
static void test_sram_node(void **st)
{
    struct virt_fdt_config c = cfg(2, 1);
    void *f = build(&c);
    assert_true(fdt_path_offset(f, "/sram@9060000") < 0);
    free(f);
    c.has_sram = true;
    f = build(&c);
    int n = fdt_path_offset(f, "/sram@9060000");
    assert_true(n >= 0);
    assert_int_equal(fdt_node_check_compatible(f, n, "mmio-sram"), 0);
    int len;
    const fdt32_t *p = fdt_getprop(f, n, "reg", &len);
    assert_int_equal(len, 16);
    assert_int_equal(fdt32_to_cpu(p[0]), 0);
    assert_int_equal(fdt32_to_cpu(p[1]), VIRT_SRAM);
    assert_int_equal(fdt32_to_cpu(p[3]), VIRT_SRAM_SIZE);
    p = fdt_getprop(f, n, "#address-cells", &len);
    assert_int_equal(fdt32_to_cpu(*p), 1);
    p = fdt_getprop(f, n, "#size-cells", &len);
    assert_int_equal(fdt32_to_cpu(*p), 1);
    p = fdt_getprop(f, n, "ranges", &len);                       /* <child(1) parent(2) size(1)> */
    assert_int_equal(len, 16);
    assert_int_equal(fdt32_to_cpu(p[0]), 0);
    assert_int_equal(fdt32_to_cpu(p[2]), VIRT_SRAM);
    assert_int_equal(fdt32_to_cpu(p[3]), VIRT_SRAM_SIZE);
    free(f);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_chosen_stdout), cmocka_unit_test(test_memory_and_psci),
        cmocka_unit_test(test_gic_versions), cmocka_unit_test(test_dumpdtb_roundtrip),
        cmocka_unit_test(test_malformed_dtb), cmocka_unit_test(test_smmu_virtio_nodes),
        cmocka_unit_test(test_sram_node), cmocka_unit_test(test_pl330_node),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
