/* tests/unit/test_cmdline.c — qemu-system-aarch64 spellings and one-line errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "cpu/cpu.h"
#include "machine/machine.h"

static struct fl_options o;
static char err[FL_ERRLEN];

#define PARSE(...) ({ char *av[] = { "faultline", __VA_ARGS__, NULL }; \
    fl_parse_args((int)(sizeof av / sizeof *av) - 1, av, &o, err, sizeof err); })

static void test_typical_line(void **st)
{
    assert_int_equal(PARSE("-M", "virt,gic-version=3", "-cpu", "max", "-m", "1G", "-smp", "4",
                           "-kernel", "Image", "-initrd", "rd", "-append", "console=ttyAMA0",
                           "-nographic", "-d", "int,guest_errors", "-D", "log", "-no-reboot"), 0);
    assert_int_equal(o.action, FL_RUN);
    assert_int_equal(o.gic_version, 3);
    assert_int_equal(o.cpu_profile, CPU_PROFILE_MAX);
    assert_int_equal(o.ram_size, 1ull << 30);
    assert_int_equal(o.smp, 4);
    assert_string_equal(o.kernel, "Image");
    assert_string_equal(o.initrd, "rd");
    assert_string_equal(o.append, "console=ttyAMA0");
    assert_true(o.nographic && o.no_reboot);
    assert_int_equal(o.log_mask, CPU_LOG_INT | CPU_LOG_GUEST_ERRORS);
    assert_string_equal(o.logfile, "log");
}

static void test_defaults_and_spellings(void **st)
{
    assert_int_equal(PARSE("-kernel", "k"), 0);
    assert_int_equal(o.ram_size, 128ull << 20);
    assert_int_equal(o.smp, 1);
    assert_int_equal(o.gic_version, 2);
    assert_int_equal(o.cpu_profile, CPU_PROFILE_CORTEX_A57);
    assert_true(o.summary);
    assert_int_equal(PARSE("-machine", "virt,gic-version=max", "--kernel", "k", "-m", "512", "-smp", "cpus=2"), 0);
    assert_int_equal(o.gic_version, 3);
    assert_int_equal(o.ram_size, 512ull << 20);
    assert_int_equal(o.smp, 2);
    assert_int_equal(PARSE("-M", "virt,dumpdtb=out.dtb"), 0);
    assert_string_equal(o.dumpdtb, "out.dtb");
    assert_int_equal(PARSE("-kernel", "k", "-icount-limit", "1000", "-quantum", "50", "-no-summary", "-seed", "7",
                           "-serial", "file:/tmp/x"), 0);
    assert_int_equal(o.icount_limit, 1000);
    assert_int_equal(o.quantum, 50);
    assert_false(o.summary);
    assert_int_equal(o.seed, 7);
    assert_string_equal(o.serial, "file:/tmp/x");
    assert_int_equal(PARSE("--help"), 0);
    assert_int_equal(o.action, FL_HELP);
    assert_int_equal(PARSE("--version"), 0);
    assert_int_equal(o.action, FL_VERSION);
    assert_int_equal(PARSE("-d", "help"), 0);
    assert_int_equal(o.action, FL_LIST);
}

static void test_sizes(void **st)
{
    uint64_t v;
    assert_int_equal(fl_parse_size("256", &v), 0); assert_int_equal(v, 256ull << 20);
    assert_int_equal(fl_parse_size("2G", &v), 0);  assert_int_equal(v, 2ull << 30);
    assert_int_equal(fl_parse_size("512M", &v), 0); assert_int_equal(v, 512ull << 20);
    assert_int_equal(fl_parse_size("1.5G", &v), 0); assert_int_equal(v, 3ull << 29);
    assert_int_equal(fl_parse_size("size=64M", &v), 0); assert_int_equal(v, 64ull << 20);
    assert_int_equal(fl_parse_size("12X", &v), -1);
    assert_int_equal(fl_parse_size("", &v), -1);
    assert_int_equal(fl_parse_size("-5", &v), -1);
}

static void test_gdb_rtc(void **st)
{
    assert_int_equal(PARSE("-kernel", "k", "-s"), 0);
    assert_string_equal(o.gdb, "tcp::1234");
    assert_false(o.gdb_wait);
    assert_int_equal(PARSE("-kernel", "k", "-gdb", "tcp::5555", "-S"), 0);
    assert_string_equal(o.gdb, "tcp::5555");
    assert_true(o.gdb_wait);
    assert_int_equal(PARSE("-kernel", "k"), 0);
    assert_int_equal(o.rtc_base, -1);                         /* host time at boot */
    assert_int_equal(PARSE("-kernel", "k", "-rtc", "base=2024-01-01"), 0);
    assert_int_equal(o.rtc_base, 1704067200);
    assert_int_equal(PARSE("-kernel", "k", "-rtc", "base=2024-02-29T12:30:15,clock=vm"), 0);
    assert_int_equal(o.rtc_base, 1709209815);
    assert_int_equal(PARSE("-kernel", "k", "-rtc", "base=utc"), 0);
    assert_int_equal(o.rtc_base, -1);
}

static void expect_err(int rc, const char *needle)
{
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, needle));
    assert_null(strchr(err, '\n'));
}

static void test_errors(void **st)
{
    expect_err(PARSE("-kernel", "k", "-bogus"), "-bogus: unknown option");
    expect_err(PARSE("-kernel"), "-kernel: missing argument");
    expect_err(PARSE("-kernel", "k", "-m", "12X"), "-m 12X: invalid size");
    expect_err(PARSE("-kernel", "k", "-m", "1M"), "-m 1M");
    expect_err(PARSE("-kernel", "k", "-smp", "9"), "-smp 9");
    expect_err(PARSE("-kernel", "k", "-smp", "0"), "-smp 0");
    expect_err(PARSE("-kernel", "k", "-cpu", "cortex-a8"), "-cpu cortex-a8: unknown CPU model");
    expect_err(PARSE("-kernel", "k", "-M", "sbsa-ref"), "unsupported machine type");
    expect_err(PARSE("-kernel", "k", "-M", "virt,gic-version=4"), "gic-version=4");
    expect_err(PARSE("-kernel", "k", "-M", "virt,iommu=smmuv3"), "iommu=smmuv3: must be smmuv2 or none");
    expect_err(PARSE("-kernel", "k", "-d", "in_asm,foo"), "unknown log item 'foo' (valid: in_asm, int, mmu, guest_errors)");
    expect_err(PARSE("-kernel", "k", "-S"), "needs a debugger");
    expect_err(PARSE("-kernel", "k", "-rtc", "base=yesterday"), "base must be");
    expect_err(PARSE("-kernel", "k", "-rtc", "base=2024-13-01"), "out of range");
    expect_err(PARSE("-kernel", "k", "-rtc", "drift=slew"), "unknown option");
    expect_err(PARSE("-kernel", "k", "-icount-limit", "x"), "-icount-limit x");
    expect_err(PARSE("-kernel", "k", "-icount", "shift=7,rr=record,rrfile=f"), "shift=7: only shift=auto");
    expect_err(PARSE("-kernel", "k", "-icount", "shift=auto,rr=record"), "rr=record needs rrfile=FILE");
    expect_err(PARSE("-kernel", "k", "-icount", "rr=rewind,rrfile=f"), "'rr=rewind'");
    expect_err(PARSE("-kernel", "k", "-s", "-icount", "rr=replay,rrfile=f"), "not with -gdb");
    expect_err(PARSE("-kernel", "k", "-drive", "file=d,if=none,id=a,snapshot=maybe"), "snapshot=maybe");
    assert_int_equal(PARSE("-kernel", "k", "-icount", "shift=auto,rr=replay,rrfile=run.rr"), 0);
    assert_int_equal(o.rr, FL_RR_REPLAY);
    assert_string_equal(o.rr_file, "run.rr");
    assert_int_equal(PARSE("-kernel", "k", "-drive", "file=d,if=none,id=a,snapshot=on"), 0);
    assert_true(o.drives[0].snapshot);
    expect_err(PARSE("-m", "256"), "no kernel given");
    expect_err(PARSE("-kernel", "k", "stray"), "stray: unexpected argument");
    expect_err(PARSE("-kernel", "k", "-serial", "stdio", "-serial", "null"), "only one serial port");
}

/* -hv none|xen[,dom0_mem=SIZE][,hypervisor-node=on|off], -hv help. */
static void test_hv(void **st)
{
    assert_int_equal(PARSE("-kernel", "k"), 0);
    assert_int_equal(o.hv, FL_HV_NONE);
    assert_int_equal(PARSE("-kernel", "k", "-hv", "xen"), 0);
    assert_int_equal(o.hv, FL_HV_XEN);
    assert_int_equal(o.hv_dom0_mem, 0);
    assert_false(o.hv_xen_node);
    assert_int_equal(o.hv_trap_cycles, 750);           /* timing.md: Xen-style lump on a Cortex-A57 */
    assert_int_equal(PARSE("-kernel", "k", "-hv", "xen", "-cpu", "max"), 0);
    assert_int_equal(o.hv_trap_cycles, 750);           /* max shares the A57 numbers, -cpu after -hv */
    assert_int_equal(PARSE("-kernel", "k", "-hv", "xen,trap_cycles=0"), 0);
    assert_int_equal(o.hv_trap_cycles, 0);             /* 0 stays possible */
    assert_int_equal(PARSE("-kernel", "k", "-hv", "xen,trap_cycles=28"), 0);
    assert_int_equal(o.hv_trap_cycles, 28);
    assert_int_equal(PARSE("-hv", "help"), 0);
    assert_non_null(strstr(o.list_text, "default per -cpu"));
    assert_int_equal(PARSE("-kernel", "k", "-hv", "xen,dom0_mem=256M,hypervisor-node=on"), 0);
    assert_int_equal(o.hv_dom0_mem, 256ull << 20);
    assert_true(o.hv_xen_node);
    assert_int_equal(PARSE("-kernel", "k", "--hv", "none"), 0);
    assert_int_equal(o.hv, FL_HV_NONE);
    assert_int_equal(PARSE("-hv", "help"), 0);
    assert_int_equal(o.action, FL_LIST);
    assert_non_null(strstr(o.list_text, "dom0_mem"));
    expect_err(PARSE("-kernel", "k", "-hv", "kvm"), "-hv kvm: unknown mode 'kvm'");
    expect_err(PARSE("-kernel", "k", "-hv", "xen,dom0_mem=lots"), "dom0_mem=lots: invalid size");
    expect_err(PARSE("-kernel", "k", "-hv", "xen,sched=credit"), "unknown option 'sched'");
    expect_err(PARSE("-kernel", "k", "-hv", "none,dom0_mem=1G"), "-hv none takes no options");
    /* foreign=IPA:PA[:N] (seed 003); the ranges themselves are hv's to check. */
    assert_int_equal(PARSE("-kernel", "k", "-hv", "xen,foreign=0x50000000:0x46000000,foreign=0x50010000:0x46010000:3"), 0);
    assert_int_equal(o.hv_nforeign, 2);
    assert_int_equal(o.hv_foreign[0].ipa, 0x50000000);
    assert_int_equal(o.hv_foreign[0].pa, 0x46000000);
    assert_int_equal(o.hv_foreign[0].pages, 1);
    assert_int_equal(o.hv_foreign[1].pages, 3);
    assert_int_equal(PARSE("-hv", "help"), 0);
    assert_non_null(strstr(o.list_text, "foreign=IPA:PA[:N]"));
    expect_err(PARSE("-kernel", "k", "-hv", "xen,foreign=0x50000000"), "foreign=0x50000000: expected IPA:PA[:N]");
    expect_err(PARSE("-kernel", "k", "-hv", "xen,foreign=0x5:x"), "expected IPA:PA[:N]");
    expect_err(PARSE("-kernel", "k", "-hv", "xen,foreign=1:2:0"), "expected IPA:PA[:N] (N pages");
    expect_err(PARSE("-kernel", "k", "-hv", "xen,foreign=1:2,foreign=1:2,foreign=1:2,foreign=1:2,foreign=1:2"),
               "at most 4 foreign= mappings");
}

/* -drive / -device in QEMU's spelling; -M virt,iommu= */
static void test_devices(void **st)
{
    assert_int_equal(PARSE("-kernel", "k", "-device", "virtio-rng-device",
                           "-device", "virtio-blk-device,drive=d0",
                           "-drive", "file=disk.img,if=none,format=raw,id=d0"), 0);
    assert_int_equal(o.ndrives, 1);
    assert_string_equal(o.drives[0].file, "disk.img");
    assert_string_equal(o.drives[0].id, "d0");
    assert_false(o.drives[0].readonly);
    assert_int_equal(o.ndevices, 2);
    assert_int_equal(o.devices[0].kind, FL_DEV_VIRTIO_RNG);
    assert_int_equal(o.devices[1].kind, FL_DEV_VIRTIO_BLK);
    assert_int_equal(o.devices[1].drive, 0);
    assert_int_equal(o.iommu, FL_IOMMU_DEFAULT);
    assert_int_equal(PARSE("-kernel", "k", "-M", "virt,iommu=none"), 0);
    assert_int_equal(o.iommu, FL_IOMMU_NONE);
    assert_int_equal(o.ndevices, 0);
    assert_int_equal(PARSE("-kernel", "k", "-M", "virt,iommu=smmuv2", "-drive", "file=a,if=none,id=x,readonly=on"), 0);
    assert_int_equal(o.iommu, FL_IOMMU_SMMUV2);
    assert_true(o.drives[0].readonly);
    assert_false(o.sram);                                        /* -M virt,sram=: off by default */
    assert_int_equal(PARSE("-kernel", "k", "-M", "virt,sram=on"), 0);
    assert_true(o.sram);
    assert_int_equal(PARSE("-kernel", "k", "-M", "virt,sram=off"), 0);
    assert_false(o.sram);
    expect_err(PARSE("-kernel", "k", "-M", "virt,sram=yes"), "sram=yes: must be on or off");
    assert_int_equal(PARSE("-device", "help"), 0);
    assert_int_equal(o.action, FL_LIST);
    assert_non_null(strstr(o.list_text, "virtio-blk-device"));

    expect_err(PARSE("-kernel", "k", "-device", "e1000"), "-device e1000: unknown device 'e1000'");
    expect_err(PARSE("-kernel", "k", "-device", "virtio-rng-device,rng=r0"), "unknown property 'rng'");
    expect_err(PARSE("-kernel", "k", "-device", "virtio-blk-device,drive=d0,bus=x", "-drive", "file=f,if=none,id=d0"),
               "unknown property 'bus'");
    expect_err(PARSE("-kernel", "k", "-device", "virtio-blk-device"), "drive= is required");
    expect_err(PARSE("-kernel", "k", "-device", "virtio-blk-device,drive=d9"), "no -drive with id=d9");
    expect_err(PARSE("-kernel", "k", "-drive", "file=f,if=none,id=d0", "-device", "virtio-blk-device,drive=d0",
                     "-device", "virtio-blk-device,drive=d0"), "already in use");
    expect_err(PARSE("-kernel", "k", "-drive", "file=f,id=d0"), "if=none is required");
    expect_err(PARSE("-kernel", "k", "-drive", "file=f,if=ide,id=d0"), "if=ide: only if=none");
    expect_err(PARSE("-kernel", "k", "-drive", "file=f,if=none,id=d0,format=qcow2"), "format=qcow2");
    expect_err(PARSE("-kernel", "k", "-drive", "file=f,if=none"), "id= is required");
    expect_err(PARSE("-kernel", "k", "-drive", "if=none,id=a"), "file= is required");
    expect_err(PARSE("-kernel", "k", "-drive", "file=f,if=none,id=a,cache=none"), "unknown property 'cache'");
    expect_err(PARSE("-kernel", "k", "-drive", "file=f,if=none,id=a", "-drive", "file=g,if=none,id=a"), "duplicate id");
    /* -device pl330[,sid=N][,iommu=on|off] (docs/dma.md) */
    assert_int_equal(PARSE("-kernel", "k", "-device", "pl330"), 0);
    assert_int_equal(o.ndevices, 1);
    assert_int_equal(o.devices[0].kind, FL_DEV_PL330);
    assert_int_equal(o.devices[0].sid, 0x20);
    assert_false(o.devices[0].no_iommu);
    assert_int_equal(PARSE("-kernel", "k", "-device", "virtio-rng-device", "-device", "pl330,sid=0x7fff,iommu=off"), 0);
    assert_int_equal(o.devices[1].sid, 0x7fff);
    assert_true(o.devices[1].no_iommu);
    assert_int_equal(PARSE("-kernel", "k", "-device", "pl330,iommu=on,sid=7"), 0);
    assert_int_equal(o.devices[0].sid, 7);
    assert_false(o.devices[0].no_iommu);
    assert_int_equal(PARSE("-device", "help"), 0);
    assert_non_null(strstr(o.list_text, "pl330"));
    expect_err(PARSE("-kernel", "k", "-device", "pl330,sid=0x8000"), "sid=0x8000: a stream ID 0..0x7fff");
    expect_err(PARSE("-kernel", "k", "-device", "pl330,sid="), "a stream ID");
    expect_err(PARSE("-kernel", "k", "-device", "pl330,iommu=maybe"), "iommu=maybe: must be on or off");
    expect_err(PARSE("-kernel", "k", "-device", "pl330,drive=d0"), "unknown property 'drive' (supported: sid, iommu)");
    expect_err(PARSE("-kernel", "k", "-device", "pl330", "-device", "pl330"), "one DMA-330 slot");
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_typical_line), cmocka_unit_test(test_defaults_and_spellings),
        cmocka_unit_test(test_sizes), cmocka_unit_test(test_errors), cmocka_unit_test(test_gdb_rtc),
        cmocka_unit_test(test_hv),
        cmocka_unit_test(test_devices),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
