/* tests/unit/hv_fixture.h — the small machine the native hypervisor's tests build (test_hv_policy.c,
 * test_hv_smmu.c, test_hv_passthrough.c): 64 MiB of RAM at 0x40000000, a GICv2 with its GICH/GICV
 * frames, one Cortex-A57 vCPU without hooks (the tests call the hypervisor's handlers directly),
 * optionally the MMU-500 model at 0x09050000 with its interrupts on SPIs 74.. (global, then
 * context bank n at 75 + n), and hv/ over them; plus the pieces of a host device tree.
 * The board's order, which the tests follow: hvfx_bus (+ any RAM-backed device region the test
 * maps), hvfx_devices, hvfx_config (+ the test's own hv_config fields), hvfx_hv (hv_new and
 * dom0's tree), hvfx_reset (device reset, hv_reset). hvfx_teardown frees what was made.
 * Included by one test file each (static functions and state). */
#ifndef FAULTLINE_TEST_HV_FIXTURE_H
#define FAULTLINE_TEST_HV_FIXTURE_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>
#include "cpu/cpu.h"
#include "gic/gic.h"
#include "hv/hv.h"
#include "smmu/smmu.h"
#include "machine/machine.h"

#define RAM       0x40000000ull
#define RAM_SIZE  (64ull << 20)          /* hv keeps the top 16 MiB unless dom0_mem says less */
#define UART      0x09000000ull
#define SMMU_BASE 0x09050000ull
#define SPI_SMMU  74u                    /* global; context bank n at 75 + n */
#define SMMU_PH   0x20u                  /* the SMMU node's phandle in the host tree */

static __attribute__((unused)) struct bus *bus;
static __attribute__((unused)) struct gic *gic;
static __attribute__((unused)) struct cpu_shared *sh;
static __attribute__((unused)) struct cpu *cpus[1];
static __attribute__((unused)) struct smmu *smmu;         /* NULL without the SMMU */
static __attribute__((unused)) struct hv *hv;
static __attribute__((unused)) void *dom0_dt;             /* hv_dom0_fdt's output */
static __attribute__((unused)) char last_log[256];        /* the hypervisor's last message */
static __attribute__((unused)) unsigned nlog;             /* its messages since hvfx_reset */

static void hvfx_line(void *o, unsigned cpu, int l, bool level) { }
static void hvfx_smmu_line(void *opaque, bool level) { gic_set_spi(gic, (unsigned)(uintptr_t)opaque, level); }
static __attribute__((unused)) void hvfx_log(void *o, const char *msg)
{
    snprintf(last_log, sizeof last_log, "%s", msg);
    nlog++;
}

/* The bus with RAM. */
static __attribute__((unused)) void hvfx_bus(void)
{
    bus = bus_new();
    bus_map_ram(bus, "ram", mk_pa(RAM), RAM_SIZE, NULL);
}

/* The GICv2 (with its virtualization frames), the SMMU if with_smmu, the vCPU. */
static __attribute__((unused)) void hvfx_devices(bool with_smmu)
{
    struct gic_config gc = { .version = 2, .num_cpus = 1, .set_cpu_line = hvfx_line };
    gic = gic_new(&gc);
    assert_int_equal(gic_map(gic, bus), 0);
    assert_int_equal(gic_map_virt(gic, bus), 0);
    smmu = NULL;
    if (with_smmu) {
        struct smmu_config sc;
        smmu_default_config(&sc);
        smmu = smmu_new(bus, &sc);
        assert_non_null(smmu);
        assert_int_equal(smmu_map(smmu, bus, mk_pa(SMMU_BASE)), 0);
        for (unsigned i = 0; i <= sc.num_cb; i++)
            smmu_set_irq(smmu, i, hvfx_smmu_line, (void *)(uintptr_t)(32 + SPI_SMMU + i));
    }
    sh = cpu_shared_new(bus);
    struct cpu_hooks h = { 0 };
    struct cpu_config cfg = { .profile = CPU_PROFILE_CORTEX_A57 };
    cpus[0] = cpu_new(sh, &cfg, &h);
}

/* hc's board fields: the bus, the GIC, the vCPU, RAM and (when made) the SMMU. */
static __attribute__((unused)) void hvfx_config(struct hv_config *hc)
{
    hc->bus = bus; hc->gic = gic; hc->cpus = cpus; hc->ncpus = 1; hc->gic_version = 2;
    hc->ram_base = mk_pa(RAM); hc->ram_size = RAM_SIZE;
    if (smmu) hc->smmu = (struct hv_smmu_config){ smmu, SMMU_BASE, 32 + SPI_SMMU, 32 + SPI_SMMU + 1 };
}

/* hv_new and dom0's tree from the host tree (kept in dom0_dt). Returns the hv_new / hv_dom0_fdt
 * error, or "" on success. */
static __attribute__((unused)) const char *hvfx_try_hv(const struct hv_config *hc, const void *host)
{
    static char err[200];
    err[0] = 0;
    hv = hv_new(hc, err, sizeof err);
    if (!hv) return err;
    size_t sz;
    if (hv_dom0_fdt(hv, host, &dom0_dt, &sz, err, sizeof err) < 0 && !err[0])
        snprintf(err, sizeof err, "hv_dom0_fdt failed");
    return err;
}
static __attribute__((unused)) void hvfx_hv(const struct hv_config *hc, const void *host)
{
    const char *e = hvfx_try_hv(hc, host);
    if (e[0]) fail_msg("hv: %s", e);
}

/* Device reset (GIC, SMMU, the vCPU at RAM), hv_reset, the log cleared. */
static __attribute__((unused)) void hvfx_reset(void)
{
    gic_reset(gic);
    if (smmu) smmu_reset(smmu);
    cpu_reset(cpus[0], RAM);
    hv_reset(hv);
    nlog = 0;
    last_log[0] = 0;
}

static __attribute__((unused)) int hvfx_teardown(void **st)
{
    free(dom0_dt); dom0_dt = NULL;
    hv_free(hv); hv = NULL;
    cpu_free(cpus[0]); cpu_shared_free(sh);
    if (smmu) smmu_free(smmu);
    smmu = NULL;
    gic_free(gic); bus_free(bus);
    return 0;
}

/* Host device tree: an empty tree of 2-cell addresses and sizes; a node under / with one reg
 * entry (returns its offset); a master's iommus = <&smmu sid>; the GICv2 node (GICD, GICC). */
static __attribute__((unused)) void hvfx_fdt_begin(void *buf, int size)
{
    assert_int_equal(fdt_create_empty_tree(buf, size), 0);
    fdt_setprop_u32(buf, 0, "#address-cells", 2);
    fdt_setprop_u32(buf, 0, "#size-cells", 2);
}
static __attribute__((unused)) int hvfx_fdt_node(void *buf, const char *name, uint64_t base, uint64_t size)
{
    int o = fdt_add_subnode(buf, 0, name);
    assert_true(o >= 0);
    fdt64_t r[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
    fdt_setprop(buf, o, "reg", r, sizeof r);
    return o;
}
static __attribute__((unused)) void hvfx_fdt_iommus(void *buf, int node, uint32_t sid)
{
    fdt32_t io[2] = { cpu_to_fdt32(SMMU_PH), cpu_to_fdt32(sid) };
    fdt_setprop(buf, node, "iommus", io, sizeof io);
}
static __attribute__((unused)) void hvfx_fdt_gicv2(void *buf)
{
    int g = fdt_add_subnode(buf, 0, "intc@8000000");
    fdt_setprop(buf, g, "interrupt-controller", NULL, 0);
    fdt64_t r[4] = { cpu_to_fdt64(0x08000000), cpu_to_fdt64(0x10000), cpu_to_fdt64(0x08010000), cpu_to_fdt64(0x10000) };
    fdt_setprop(buf, g, "reg", r, sizeof r);
}

#endif
