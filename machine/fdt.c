/* machine/fdt.c — the flattened device tree handed to the guest, built in-process with libfdt
 * after QEMU 7.2's hw/arm/virt.c (reference: docs/design/reference/qemu-7.2-virt-*.dts). Only
 * devices the board really has are described (no flash, fw-cfg, PCIe, virtio-mmio, GPIO, PMU
 * or GICv2m/ITS yet). Nodes are created in QEMU's order; libfdt inserts new subnodes and
 * properties first, so the blob reads in the same order as QEMU's dumpdtb output.
 * Phandles as QEMU allocates them: 0x8000 apb-pclk, 0x8001.. one per CPU, then the GIC. */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine/machine.h"

#define FDT_MAX_SIZE (2u << 20)     /* arm64 Linux maps at most 2 MiB of DTB (MAX_FDT_SIZE) */
#define PHANDLE_CLK 0x8000u
/* GIC interrupt specifier: <type number flags>; type 0 SPI, 1 PPI (arm,gic binding). */
#define GIC_FDT_IRQ_TYPE_SPI 0
#define GIC_FDT_IRQ_TYPE_PPI 1
#define GIC_FDT_IRQ_FLAGS_LEVEL_HI 4
#define GIC_FDT_IRQ_PPI_CPU_SHIFT 8

struct fdt_build { void *fdt; int err; };

static int chk(struct fdt_build *b, int r) { if (r < 0 && !b->err) b->err = r; return r; }

static int node(struct fdt_build *b, int parent, const char *name)
{
    if (b->err) return -1;
    return chk(b, fdt_add_subnode(b->fdt, parent, name));
}
static void prop(struct fdt_build *b, int n, const char *name, const void *v, int len)
{
    if (!b->err) chk(b, fdt_setprop(b->fdt, n, name, v, len));
}
static void prop_str(struct fdt_build *b, int n, const char *name, const char *v)
{
    prop(b, n, name, v, (int)strlen(v) + 1);
}
static void prop_u32(struct fdt_build *b, int n, const char *name, uint32_t v)
{
    if (!b->err) chk(b, fdt_setprop_u32(b->fdt, n, name, v));
}
static void prop_cells(struct fdt_build *b, int n, const char *name, const uint32_t *cells, int ncells)
{
    fdt32_t be[64];                     /* the SMMU's 17 interrupts need 51 */
    if (ncells > 64) { chk(b, -FDT_ERR_NOSPACE); return; }
    for (int i = 0; i < ncells; i++) be[i] = cpu_to_fdt32(cells[i]);
    prop(b, n, name, be, ncells * 4);
}
/* reg = <addr size> with #address-cells = #size-cells = 2 */
static void prop_reg2(struct fdt_build *b, int n, const uint64_t *v, int pairs)
{
    uint32_t c[16];
    for (int i = 0; i < 2 * pairs; i++) { c[2 * i] = (uint32_t)(v[i] >> 32); c[2 * i + 1] = (uint32_t)v[i]; }
    prop_cells(b, n, "reg", c, 4 * pairs);
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void chosen_props(struct fdt_build *b, int chosen, const struct virt_fdt_config *cfg, int acells)
{
    if (cfg->bootargs && *cfg->bootargs) prop_str(b, chosen, "bootargs", cfg->bootargs);
    if (cfg->initrd_size) {
        uint64_t start = cfg->initrd_start, end = cfg->initrd_start + cfg->initrd_size;
        if (acells == 1) {
            prop_u32(b, chosen, "linux,initrd-start", (uint32_t)start);
            prop_u32(b, chosen, "linux,initrd-end", (uint32_t)end);
        } else if (!b->err) {
            chk(b, fdt_setprop_u64(b->fdt, chosen, "linux,initrd-start", start));
            chk(b, fdt_setprop_u64(b->fdt, chosen, "linux,initrd-end", end));
        }
    }
}

/* A PrimeCell device at the top level: compatible (a list of strings), a 4 KiB reg and a
 * level-high SPI, in QEMU's property order; the caller adds the clocks. */
static int primecell_node(struct fdt_build *b, const char *name, const char *compat, int compat_len,
                          uint64_t base, uint32_t spi)
{
    int n = node(b, 0, name);
    prop(b, n, "compatible", compat, compat_len);
    uint64_t reg[2] = { base, 0x1000 };
    prop_reg2(b, n, reg, 1);
    uint32_t irq[3] = { GIC_FDT_IRQ_TYPE_SPI, spi, GIC_FDT_IRQ_FLAGS_LEVEL_HI };
    prop_cells(b, n, "interrupts", irq, 3);
    return n;
}

/* The SMMU, the virtio-mmio transports and the PL330 the board has (machine/board_virtio.c): the
 * arm,smmu binding (Documentation/devicetree/bindings/iommu/arm,smmu.yaml: one global interrupt,
 * then one per context bank, #iommu-cells = 1 = the stream ID) and QEMU's virtio_mmio nodes
 * (dma-coherent, reg 0x200) with `iommus = <&smmu n>` for transport n. Interrupts are
 * level-high (the transports and the SMMU drive level lines; QEMU's virtio nodes say edge). */
static void dma_master_nodes(struct fdt_build *b, const struct virt_fdt_config *cfg, uint32_t smmu_phandle)
{
    for (int n = (int)cfg->nvirtio - 1; n >= 0; n--) {
        char name[40];
        uint64_t base = VIRT_VIRTIO_MMIO + 0x200ull * (unsigned)n;
        snprintf(name, sizeof name, "virtio_mmio@%llx", (unsigned long long)base);
        int v = node(b, 0, name);
        prop(b, v, "dma-coherent", NULL, 0);
        uint32_t irq[3] = { GIC_FDT_IRQ_TYPE_SPI, VIRT_SPI_VIRTIO + (uint32_t)n, GIC_FDT_IRQ_FLAGS_LEVEL_HI };
        prop_cells(b, v, "interrupts", irq, 3);
        uint64_t reg[2] = { base, 0x200 };
        prop_reg2(b, v, reg, 1);
        prop_str(b, v, "compatible", "virtio,mmio");
        if (cfg->has_smmu) {
            uint32_t io[2] = { smmu_phandle, (uint32_t)n };
            prop_cells(b, v, "iommus", io, 2);
        }
    }
    if (cfg->has_pl330) {
        /* Linux's arm,pl330 binding (Documentation/devicetree/bindings/dma/arm-pl330.yaml):
         * irq_abort then irq[0..7], #dma-cells = 1, the APB clock. Properties set in reverse
         * (libfdt puts each new one first). */
        char name[40];
        snprintf(name, sizeof name, "dma-controller@%llx", (unsigned long long)VIRT_DMA);
        int d = node(b, 0, name);
        if (cfg->pl330_iommu) {
            uint32_t io[2] = { smmu_phandle, cfg->pl330_sid };
            prop_cells(b, d, "iommus", io, 2);
        }
        prop(b, d, "dma-coherent", NULL, 0);
        prop_str(b, d, "clock-names", "apb_pclk");
        prop_u32(b, d, "clocks", PHANDLE_CLK);
        prop_u32(b, d, "#dma-cells", 1);
        uint32_t irqs[3 * (1 + VIRT_DMA_NUM_EVENTS)];
        for (unsigned i = 0; i <= VIRT_DMA_NUM_EVENTS; i++) {
            irqs[3 * i] = GIC_FDT_IRQ_TYPE_SPI;
            irqs[3 * i + 1] = i ? VIRT_SPI_DMA_EVENT + i - 1 : VIRT_SPI_DMA_ABORT;
            irqs[3 * i + 2] = GIC_FDT_IRQ_FLAGS_LEVEL_HI;
        }
        prop_cells(b, d, "interrupts", irqs, 3 * (1 + VIRT_DMA_NUM_EVENTS));
        uint64_t reg[2] = { VIRT_DMA, 0x1000 };
        prop_reg2(b, d, reg, 1);
        static const char compat[] = "arm,pl330\0arm,primecell";
        prop(b, d, "compatible", compat, sizeof compat);
    }
    if (!cfg->has_smmu) return;
    char name[40];
    snprintf(name, sizeof name, "iommu@%llx", (unsigned long long)VIRT_SMMU);
    int s = node(b, 0, name);
    static const char compat[] = "arm,mmu-500\0arm,smmu-v2";
    prop(b, s, "compatible", compat, sizeof compat);
    uint64_t reg[2] = { VIRT_SMMU, cfg->smmu_size };
    prop_reg2(b, s, reg, 1);
    prop_u32(b, s, "#global-interrupts", 1);
    uint32_t irqs[3 * 17];
    unsigned nirq = 1 + (cfg->smmu_ncb < 16 ? cfg->smmu_ncb : 16);
    for (unsigned i = 0; i < nirq; i++) {
        irqs[3 * i] = GIC_FDT_IRQ_TYPE_SPI;
        irqs[3 * i + 1] = VIRT_SPI_SMMU + i;
        irqs[3 * i + 2] = GIC_FDT_IRQ_FLAGS_LEVEL_HI;
    }
    prop_cells(b, s, "interrupts", irqs, 3 * (int)nirq);
    prop_u32(b, s, "#iommu-cells", 1);
    prop(b, s, "dma-coherent", NULL, 0);
    prop_u32(b, s, "phandle", smmu_phandle);
}

static void memory_node(struct fdt_build *b, const struct virt_fdt_config *cfg)
{
    char name[40];
    snprintf(name, sizeof name, "memory@%llx", (unsigned long long)cfg->ram_base);
    int n = node(b, 0, name);
    uint64_t r[2] = { cfg->ram_base, cfg->ram_size };
    prop_str(b, n, "device_type", "memory");
    prop_reg2(b, n, r, 1);
}

static int finish(struct fdt_build *b, void **blob, size_t *size, const char *what, char *err, size_t errlen)
{
    if (!b->err) chk(b, fdt_pack(b->fdt));
    if (b->err) {
        snprintf(err, errlen, "%s: libfdt: %s", what, fdt_strerror(b->err));
        free(b->fdt);
        return -1;
    }
    *blob = b->fdt;
    *size = fdt_totalsize(b->fdt);
    return 0;
}

int virt_fdt_build(const struct virt_fdt_config *cfg, void **blob, size_t *size, char *err, size_t errlen)
{
    struct fdt_build b = { malloc(1 << 16), 0 };
    if (!b.fdt) { snprintf(err, errlen, "dtb: out of memory"); return -1; }
    chk(&b, fdt_create_empty_tree(b.fdt, 1 << 16));
    const uint32_t gic_phandle = PHANDLE_CLK + 1 + cfg->ncpus;

    prop_str(&b, 0, "compatible", "linux,dummy-virt");
    prop_u32(&b, 0, "#address-cells", 2);
    prop_u32(&b, 0, "#size-cells", 2);
    prop_str(&b, 0, "model", "linux,dummy-virt");

    /* /chosen */
    int chosen = node(&b, 0, "chosen");
    uint64_t s = cfg->seed;
    uint32_t seeds[8];
    for (int i = 0; i < 8; i += 2) { uint64_t v = splitmix64(&s); seeds[i] = (uint32_t)(v >> 32); seeds[i + 1] = (uint32_t)v; }
    uint32_t kaslr[2];
    { uint64_t v = splitmix64(&s); kaslr[0] = (uint32_t)(v >> 32); kaslr[1] = (uint32_t)v; }
    prop_cells(&b, chosen, "kaslr-seed", kaslr, 2);
    prop_cells(&b, chosen, "rng-seed", seeds, 8);
    prop_str(&b, chosen, "stdout-path", "/pl011@9000000");
    chosen_props(&b, chosen, cfg, 2);

    /* /apb-pclk: the 24 MHz APB clock the PrimeCells name */
    int clk = node(&b, 0, "apb-pclk");
    prop_str(&b, clk, "compatible", "fixed-clock");
    prop_u32(&b, clk, "#clock-cells", 0);
    prop_u32(&b, clk, "clock-frequency", 24000000);
    prop_str(&b, clk, "clock-output-names", "clk24mhz");
    prop_u32(&b, clk, "phandle", PHANDLE_CLK);

    /* /timer: secure phys (PPI 13 = INTID 29), NS phys (14/30), virt (11/27), hyp (10/26).
     * GICv2 interrupt specifiers carry the CPU mask in flags[15:8]; GICv3 does not. */
    uint32_t tflags = GIC_FDT_IRQ_FLAGS_LEVEL_HI;
    if (cfg->gic_version == 2) tflags |= ((1u << cfg->ncpus) - 1) << GIC_FDT_IRQ_PPI_CPU_SHIFT;
    int timer = node(&b, 0, "timer");
    static const char timer_compat[] = "arm,armv8-timer\0arm,armv7-timer";
    prop(&b, timer, "compatible", timer_compat, sizeof timer_compat);
    prop(&b, timer, "always-on", NULL, 0);
    uint32_t tirq[12] = {
        GIC_FDT_IRQ_TYPE_PPI, VIRT_PPI_SEC_TIMER - 16, tflags,
        GIC_FDT_IRQ_TYPE_PPI, VIRT_PPI_PHYS_TIMER - 16, tflags,
        GIC_FDT_IRQ_TYPE_PPI, VIRT_PPI_VIRT_TIMER - 16, tflags,
        GIC_FDT_IRQ_TYPE_PPI, VIRT_PPI_HYP_TIMER - 16, tflags,
    };
    prop_cells(&b, timer, "interrupts", tirq, 12);

    /* /cpus (+ cpu-map as QEMU 7.2 emits it: socket0/cluster0/coreN). MPIDR Aff0 = index:
     * virt packs 8 (GICv2) or 16 (GICv3) CPUs per cluster and -smp is at most 8 here. */
    int cpus = node(&b, 0, "cpus");
    prop_u32(&b, cpus, "#address-cells", 1);
    prop_u32(&b, cpus, "#size-cells", 0);
    for (int i = (int)cfg->ncpus - 1; i >= 0; i--) {
        char name[16];
        snprintf(name, sizeof name, "cpu@%d", i);
        int c = node(&b, cpus, name);
        prop_str(&b, c, "device_type", "cpu");
        prop_str(&b, c, "compatible", cfg->cpu_max ? "arm,arm-v8" : "arm,cortex-a57");
        if (cfg->ncpus > 1) prop_str(&b, c, "enable-method", "psci");
        prop_u32(&b, c, "reg", (uint32_t)i);
        prop_u32(&b, c, "phandle", PHANDLE_CLK + 1 + (uint32_t)i);
    }
    int map = node(&b, cpus, "cpu-map");
    int sock = node(&b, map, "socket0");
    int clus = node(&b, sock, "cluster0");
    for (int i = (int)cfg->ncpus - 1; i >= 0; i--) {
        char name[16];
        snprintf(name, sizeof name, "core%d", i);
        int core = node(&b, clus, name);
        prop_u32(&b, core, "cpu", PHANDLE_CLK + 1 + (uint32_t)i);
    }

    /* /intc */
    int intc = node(&b, 0, "intc@8000000");
    prop_u32(&b, intc, "#interrupt-cells", 3);
    prop(&b, intc, "interrupt-controller", NULL, 0);
    prop_u32(&b, intc, "#address-cells", 2);
    prop_u32(&b, intc, "#size-cells", 2);
    prop(&b, intc, "ranges", NULL, 0);
    if (cfg->gic_version == 3) {
        prop_str(&b, intc, "compatible", "arm,gic-v3");
        prop_u32(&b, intc, "#redistributor-regions", 1);
        uint64_t r[4] = { VIRT_GIC_DIST, 0x10000, VIRT_GIC_REDIST, 0xf60000 };
        prop_reg2(&b, intc, r, 2);
    } else {
        prop_str(&b, intc, "compatible", "arm,cortex-a15-gic");
        uint64_t r[4] = { VIRT_GIC_DIST, 0x10000, VIRT_GIC_CPU, 0x10000 };
        prop_reg2(&b, intc, r, 2);
    }
    prop_u32(&b, intc, "phandle", gic_phandle);

    /* /pl011@9000000 — SPI 1, level high */
    static const char pl011_compat[] = "arm,pl011\0arm,primecell";
    static const char pl011_clocks[] = "uartclk\0apb_pclk";
    int uart = primecell_node(&b, "pl011@9000000", pl011_compat, sizeof pl011_compat, VIRT_UART,
                              VIRT_SPI_UART);
    uint32_t uclk[2] = { PHANDLE_CLK, PHANDLE_CLK };
    prop_cells(&b, uart, "clocks", uclk, 2);
    prop(&b, uart, "clock-names", pl011_clocks, sizeof pl011_clocks);

    if (cfg->has_pl031) {
        static const char rtc_compat[] = "arm,pl031\0arm,primecell";
        int rtc = primecell_node(&b, "pl031@9010000", rtc_compat, sizeof rtc_compat, VIRT_RTC,
                                 VIRT_SPI_RTC);
        prop_u32(&b, rtc, "clocks", PHANDLE_CLK);
        prop_str(&b, rtc, "clock-names", "apb_pclk");
    }

    /* /sram@9060000 (-M virt,sram=on; seed 002): Linux's mmio-sram binding
     * (Documentation/devicetree/bindings/sram/sram.yaml): reg, #address-cells = #size-cells = 1
     * and ranges = <0 base size> mapping the (empty) sub-node address space onto the region. */
    if (cfg->has_sram) {
        char name[40];
        snprintf(name, sizeof name, "sram@%llx", (unsigned long long)VIRT_SRAM);
        int sr = node(&b, 0, name);
        /* Set in reverse: libfdt puts each new property first (reads compatible, reg, ...). */
        uint32_t ranges[4] = { 0, (uint32_t)(VIRT_SRAM >> 32), (uint32_t)VIRT_SRAM, (uint32_t)VIRT_SRAM_SIZE };
        prop_cells(&b, sr, "ranges", ranges, 4);
        prop_u32(&b, sr, "#size-cells", 1);
        prop_u32(&b, sr, "#address-cells", 1);
        uint64_t reg[2] = { VIRT_SRAM, VIRT_SRAM_SIZE };
        prop_reg2(&b, sr, reg, 1);
        prop_str(&b, sr, "compatible", "mmio-sram");
    }

    memory_node(&b, cfg);

    /* /psci: PSCI 1.0 binding with the 0.1 function IDs (SMC64 where there is one) */
    static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
    int psci = node(&b, 0, "psci");
    prop(&b, psci, "compatible", psci_compat, sizeof psci_compat);
    prop_str(&b, psci, "method", cfg->psci_smc ? "smc" : "hvc");
    prop_u32(&b, psci, "cpu_suspend", 0xc4000001);
    prop_u32(&b, psci, "cpu_off", 0x84000002);
    prop_u32(&b, psci, "cpu_on", 0xc4000003);
    prop_u32(&b, psci, "migrate", 0xc4000005);

    if (cfg->nvirtio || cfg->has_pl330) dma_master_nodes(&b, cfg, gic_phandle + 1);

    prop_u32(&b, 0, "interrupt-parent", gic_phandle);
    return finish(&b, blob, size, "dtb", err, errlen);
}

int virt_fdt_check(const void *blob, size_t len, const char *name, char *err, size_t errlen)
{
    int r;
    if (len < sizeof(struct fdt_header)) {
        snprintf(err, errlen, "%s: not a device tree blob (%zu bytes)", name, len);
        return -1;
    }
    if ((r = fdt_check_header(blob)) != 0) {
        snprintf(err, errlen, "%s: not a valid device tree blob: %s", name, fdt_strerror(r));
        return -1;
    }
    if (fdt_totalsize(blob) > len) {
        snprintf(err, errlen, "%s: truncated device tree blob (header says %u bytes, file has %zu)",
                 name, fdt_totalsize(blob), len);
        return -1;
    }
    if (fdt_totalsize(blob) > FDT_MAX_SIZE) {
        snprintf(err, errlen, "%s: device tree blob too large (%u bytes, at most 2 MiB)", name, fdt_totalsize(blob));
        return -1;
    }
    if ((r = fdt_check_full(blob, fdt_totalsize(blob))) != 0) {
        snprintf(err, errlen, "%s: malformed device tree blob: %s", name, fdt_strerror(r));
        return -1;
    }
    return 0;
}

int virt_fdt_load(const char *path, const struct virt_fdt_config *cfg, void **blob, size_t *size,
                  char *err, size_t errlen)
{
    size_t len;
    uint8_t *buf = loader_read_file(path, &len, err, errlen);
    if (!buf) return -1;
    if (virt_fdt_check(buf, len, path, err, errlen) < 0) { free(buf); return -1; }
    int bufsize = (int)fdt_totalsize(buf) + 4096 + (cfg->bootargs ? (int)strlen(cfg->bootargs) : 0);
    struct fdt_build b = { malloc((size_t)bufsize), 0 };
    if (!b.fdt) { free(buf); snprintf(err, errlen, "%s: out of memory", path); return -1; }
    chk(&b, fdt_open_into(buf, b.fdt, bufsize));
    free(buf);
    /* Like QEMU's arm_load_dtb: the machine's RAM replaces every memory node of the file. */
    int acells = 2;
    if (!b.err) {
        const fdt32_t *p = fdt_getprop(b.fdt, 0, "#address-cells", NULL);
        const fdt32_t *q = fdt_getprop(b.fdt, 0, "#size-cells", NULL);
        acells = p ? (int)fdt32_to_cpu(*p) : 2;
        int scells = q ? (int)fdt32_to_cpu(*q) : 1;
        if (acells != 2 || scells != 2) {
            free(b.fdt);
            snprintf(err, errlen, "%s: root #address-cells/#size-cells must be 2/2 for the virt board", path);
            return -1;
        }
        int n;
        while ((n = fdt_node_offset_by_prop_value(b.fdt, -1, "device_type", "memory", 7)) >= 0)
            if (chk(&b, fdt_del_node(b.fdt, n)) < 0) break;
        memory_node(&b, cfg);
    }
    int chosen = b.err ? -1 : fdt_path_offset(b.fdt, "/chosen");
    if (!b.err && chosen < 0) chosen = node(&b, 0, "chosen");
    chosen_props(&b, chosen, cfg, acells);
    return finish(&b, blob, size, path, err, errlen);
}

int virt_fdt_write(const char *path, const void *blob, size_t size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return -1; }
    if (fwrite(blob, 1, size, f) != size || fclose(f) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
