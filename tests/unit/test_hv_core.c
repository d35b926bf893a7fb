/* tests/unit/test_hv_core.c — the native hypervisor core end to end on a small machine: RAM,
 * a GICv2 with its GICH/GICV frames, one vCPU running A64 code at EL1 as dom0 behind the real
 * p2m (hv/), with the hypervisor's cpu_hooks. Checks the ESR_EL2/FAR_EL2/HPFAR_EL2 a stage-2
 * abort produces (ISV/SAS/SRT/SF/WnR, S1PTW on a stage-1 walk), emulated MMIO through the hook
 * (vGIC distributor, loads with sign extension), the stage-1 Normal + stage-2 Device
 * combination giving alignment faults at EL1, and virtual interrupts through list registers
 * reaching the guest's IRQ vector (software SGI with HW = 0, forwarded SPI with HW = 1), and
 * the emulated EL1 physical timer (CNTHCTL_EL2.EL1PCEN = 0) raising virtual PPI 30. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "cpu/cpu.h"
#include "gic/gic.h"
#include "hv/hv.h"
#include "machine/machine.h"

#define RAM      0x40000000ull
#define RAM_SIZE (64ull << 20)          /* top 16 MiB: the hypervisor's; dom0 gets 48 MiB */
#define CODE     RAM
#define VBAR     (RAM + 0x1000)
#define S1_L1    (RAM + 0x10000)
#define ENC_SCTLR SYSREG_ENC(3, 0, 1, 0, 0)
#define ENC_TTBR0 SYSREG_ENC(3, 0, 2, 0, 0)
#define ENC_TCR   SYSREG_ENC(3, 0, 2, 0, 2)
#define ENC_ESR   SYSREG_ENC(3, 0, 5, 2, 0)
#define ENC_FAR   SYSREG_ENC(3, 0, 6, 0, 0)
#define ENC_MAIR  SYSREG_ENC(3, 0, 10, 2, 0)
#define ENC_VBAR  SYSREG_ENC(3, 0, 12, 0, 0)
#define B_SELF   0x14000000u            /* b . */

static struct bus *bus;
static struct gic *gic;
static struct cpu_shared *sh;
static struct cpu *cpus[1];
static struct hv *hv;

static enum cpu_s2_action h_s2(void *o, struct cpu *c, const struct cpu_s2_abort *i)
{
    return (enum cpu_s2_action)hv_stage2_abort(hv, c, i);
}
static void h_irq(void *o, struct cpu *c, bool irq) { hv_irq(hv, c, irq); }
static void h_wfx(void *o, struct cpu *c, bool is_wfe, uint32_t esr) { hv_wfx(hv, c, is_wfe, esr); }
static bool h_smccc(void *o, struct cpu *c, bool is_hvc, uint16_t imm) { return hv_smccc(hv, c, is_hvc, imm); }
static bool h_sysreg_el2(void *o, struct cpu *c, uint32_t enc, bool w, uint64_t *v) { return hv_sysreg_el2(hv, c, enc, w, v); }
static unsigned psci_calls;
static bool fake_psci(void *o, struct cpu *c, bool is_hvc, uint16_t imm)
{
    psci_calls++;
    cpu_set_x(c, 0, 0x10001);                           /* PSCI_VERSION 1.1 */
    return true;
}
static bool h_icc_r(void *o, struct cpu *c, uint32_t enc, uint64_t *v) { return hv_icc_access(hv, c, enc, v, false); }
static bool h_icc_w(void *o, struct cpu *c, uint32_t enc, uint64_t v) { return hv_icc_access(hv, c, enc, &v, true); }
static void line(void *o, unsigned cpu, int l, bool level)
{
    if (cpu == 0) cpu_set_irq_line(cpus[0], (enum cpu_irq_line)l, level);
}

static int setup_gic(unsigned version)
{
    bus = bus_new();
    bus_map_ram(bus, "ram", mk_pa(RAM), RAM_SIZE, NULL);
    struct gic_config gc = { .version = version, .num_cpus = 1, .set_cpu_line = line };
    gic = gic_new(&gc);
    assert_non_null(gic);
    assert_int_equal(gic_map(gic, bus), 0);
    if (version == 2) assert_int_equal(gic_map_virt(gic, bus), 0);
    sh = cpu_shared_new(bus);
    struct cpu_hooks h = { .smccc = h_smccc, .stage2_abort = h_s2, .irq_el2 = h_irq,
                           .sysreg_ext_read = h_icc_r, .sysreg_ext_write = h_icc_w, .wfx_el2 = h_wfx,
                           .sysreg_el2 = h_sysreg_el2 };
    struct cpu_config cfg = { .profile = CPU_PROFILE_CORTEX_A57, .gicv3_sysregs = version == 3 };
    cpus[0] = cpu_new(sh, &cfg, &h);
    struct hv_config hc = { .bus = bus, .gic = gic, .cpus = cpus, .ncpus = 1, .gic_version = version,
                            .ram_base = mk_pa(RAM), .ram_size = RAM_SIZE, .psci = fake_psci };
    char err[160] = "";
    hv = hv_new(&hc, err, sizeof err);
    assert_non_null(hv);
    assert_int_equal(hv_dom0_mem(hv), 48ull << 20);
    gic_reset(gic);
    cpu_reset(cpus[0], CODE);
    hv_reset(hv);
    /* Every exception vector: b . */
    for (unsigned off = 0; off < 0x800; off += 4) bus_write(bus, mk_pa(VBAR + off), 4, B_SELF);
    assert_true(cpu_write_sysreg(cpus[0], ENC_VBAR, VBAR));
    return 0;
}
static int setup(void **st) { return setup_gic(2); }
static int setup_v3(void **st) { return setup_gic(3); }
static int teardown(void **st)
{
    hv_free(hv);
    cpu_free(cpus[0]);
    cpu_shared_free(sh);
    gic_free(gic);
    bus_free(bus);
    return 0;
}

static void load(uint64_t pa, const uint32_t *insns, unsigned n)
{
    for (unsigned i = 0; i < n; i++) bus_write(bus, mk_pa(pa + 4 * i), 4, insns[i]);
}
static uint64_t sysreg(uint32_t enc)
{
    uint64_t v = 0;
    assert_true(cpu_read_sysreg(cpus[0], enc, &v));
    return v;
}

/* A load and a store to an IPA dom0 has no mapping for (and no emulation): the hypervisor sees
 * EC 0x24 with a full ISS, HPFAR_EL2 = IPA[47:12] << 4, and injects ISS = 0 into EL1. */
static void test_stage2_fault_syndrome(void **st)
{
    const uint32_t prog[] = { 0xb9400023 /* ldr w3, [x1] */, B_SELF,
                              0xf9000425 /* str x5, [x1, #8] */, B_SELF };
    load(CODE, prog, 4);
    struct cpu *c = cpus[0];
    cpu_set_x(c, 1, 0x30000010);
    cpu_run(c, 3);
    uint32_t esr; uint64_t far, hpfar;
    hv_last_abort(hv, &esr, &far, &hpfar);
    assert_int_equal(esr >> 26, 0x24);                 /* data abort from a lower EL */
    assert_true(esr & (1u << 25));                     /* IL */
    assert_true(esr & ESR_ISS_ISV);
    assert_int_equal(ESR_ISS_SAS(esr), 2);             /* word */
    assert_int_equal(ESR_ISS_SRT(esr), 3);
    assert_false(esr & ESR_ISS_SF);
    assert_false(esr & ESR_ISS_WNR);
    assert_false(esr & ESR_ISS_S1PTW);
    /* translation fault at level 2: the first GB has an L2 table (the GICC→GICV mapping) */
    assert_int_equal(ESR_ISS_DFSC(esr), 0x06);
    assert_int_equal(far, 0x30000010);
    assert_int_equal(hpfar, (0x30000010ull >> 12) << 4);
    /* Injected as Xen does (xen-arm.md §1.4): EC 0x25, ISS 0, FAR_EL1 = VA, sync vector. */
    assert_int_equal(sysreg(ENC_ESR), 0x25u << 26 | 1u << 25);
    assert_int_equal(sysreg(ENC_FAR), 0x30000010);
    assert_int_equal(cpu_get_pc(c), VBAR + 0x200);
    assert_int_equal(hv_get_stats(hv)->s2_inject, 1);

    /* The store: WnR, 64-bit (SAS 3, SF), SRT 5. */
    cpu_reset(c, CODE + 8);
    assert_true(cpu_write_sysreg(c, ENC_VBAR, VBAR));
    cpu_set_x(c, 1, 0x30000010);
    cpu_run(c, 2);
    hv_last_abort(hv, &esr, &far, &hpfar);
    assert_true(esr & ESR_ISS_ISV);
    assert_int_equal(ESR_ISS_SAS(esr), 3);
    assert_int_equal(ESR_ISS_SRT(esr), 5);
    assert_true(esr & ESR_ISS_SF);
    assert_true(esr & ESR_ISS_WNR);
    assert_int_equal(far, 0x30000018);
}

/* Stage 1 on with its tables at an IPA stage 2 does not map: the walk's descriptor fetch
 * faults at stage 2 with S1PTW = 1 (and WnR = 0, ISV = 0); HPFAR_EL2 holds the table's IPA. */
static void test_s1ptw(void **st)
{
    struct cpu *c = cpus[0];
    /* T0SZ 25 (39-bit VA, start level 1), 4KB, EPD1, IPS 40 bits. */
    assert_true(cpu_write_sysreg(c, ENC_TCR, 25 | 1ull << 23 | 2ull << 32));
    assert_true(cpu_write_sysreg(c, ENC_MAIR, 0xff));
    assert_true(cpu_write_sysreg(c, ENC_TTBR0, 0x30000000));
    uint64_t sctlr = sysreg(ENC_SCTLR);
    assert_true(cpu_write_sysreg(c, ENC_SCTLR, sctlr | 1));
    cpu_run(c, 1);
    uint32_t esr; uint64_t far, hpfar;
    hv_last_abort(hv, &esr, &far, &hpfar);
    assert_int_equal(esr >> 26, 0x20);                 /* instruction abort from a lower EL */
    assert_true(esr & ESR_ISS_S1PTW);
    assert_false(esr & ESR_ISS_ISV);
    assert_false(esr & ESR_ISS_WNR);
    assert_int_equal(ESR_ISS_DFSC(esr) & 0x3c, 0x04);  /* translation fault */
    assert_int_equal(far, CODE);
    /* the level-1 descriptor for VA 0x40000000 is entry 1 of the table */
    assert_int_equal(hpfar, (0x30000008ull >> 12) << 4);
}

/* A store to a p2m_ram_ro page: stage-2 permission fault (DFSC 0x0f, level 3) with WnR; the
 * model injects an abort (Xen would let the guest retry forever, xen-arm.md §1.2). Loads work. */
static void test_stage2_permission_fault(void **st)
{
    struct cpu *c = cpus[0];
    assert_int_equal(p2m_map(hv_dom0_p2m(hv), mk_ipa(RAM + 0x200000), mk_pa(RAM + 0x200000), 1,
                             P2M_RAM_RO, P2M_REASON_BOOT), 0);
    bus_write(bus, mk_pa(RAM + 0x200000), 8, 0x55);
    const uint32_t prog[] = { 0xf9400023 /* ldr x3, [x1] */, 0xf9000425 /* str x5, [x1, #8] */, B_SELF };
    load(CODE, prog, 3);
    cpu_set_x(c, 1, RAM + 0x200000);
    cpu_set_x(c, 5, 0x66);
    cpu_run(c, 2);
    assert_int_equal(cpu_get_x(c, 3), 0x55);
    uint32_t esr; uint64_t far, hpfar;
    hv_last_abort(hv, &esr, &far, &hpfar);
    assert_int_equal(esr >> 26, 0x24);
    assert_int_equal(ESR_ISS_DFSC(esr), 0x0f);         /* permission fault, level 3 */
    assert_true(esr & ESR_ISS_WNR);
    assert_true(esr & ESR_ISS_ISV);
    assert_int_equal(ESR_ISS_SRT(esr), 5);
    assert_int_equal(far, RAM + 0x200008);
    assert_int_equal(hpfar, ((RAM + 0x200000) >> 12) << 4);
    assert_int_equal(cpu_get_pc(c), VBAR + 0x200);
    assert_int_equal(hv_get_stats(hv)->s2_inject, 1);
    uint64_t v;
    bus_read(bus, mk_pa(RAM + 0x200008), 8, &v);
    assert_int_equal(v, 0);                             /* not written */
}

/* CNTVOFF_EL2: the virtual count (CNTVCT_EL0) and the virtual timer are offset from the
 * physical count; the physical side is not. */
static void test_cntvoff(void **st)
{
    struct cpu *c = cpus[0];
    cpu_add_cycles(c, 1000000);
    struct cpu_el2 e;
    cpu_get_el2_state(c, &e);
    e.cntvoff = 1000;
    cpu_set_el2_state(c, &e);
    uint64_t pct, vct;
    assert_true(cpu_read_sysreg(c, SYSREG_ENC(3, 3, 14, 0, 1), &pct));
    assert_true(cpu_read_sysreg(c, SYSREG_ENC(3, 3, 14, 0, 2), &vct));
    assert_int_equal(pct - vct, 1000);
    /* CNTV_TVAL_EL0 = 50 → CVAL = virtual count + 50; CNTP_TVAL: physical count + 50 */
    assert_true(cpu_write_sysreg(c, SYSREG_ENC(3, 3, 14, 3, 0), 50));
    assert_true(cpu_write_sysreg(c, SYSREG_ENC(3, 3, 14, 2, 0), 50));
    uint64_t vcval, pcval;
    assert_true(cpu_read_sysreg(c, SYSREG_ENC(3, 3, 14, 3, 2), &vcval));
    assert_true(cpu_read_sysreg(c, SYSREG_ENC(3, 3, 14, 2, 2), &pcval));
    assert_int_equal(vcval, vct + 50);
    assert_int_equal(pcval, pct + 50);
}

/* HVC #0 is an SMCCC call answered by the PSCI model; HVC #1 is UNDEFINED (Xen injects UNDEF). */
static void test_hvc(void **st)
{
    struct cpu *c = cpus[0];
    const uint32_t prog[] = { 0xd4000002 /* hvc #0 */, 0xd4000022 /* hvc #1 */, B_SELF };
    load(CODE, prog, 3);
    psci_calls = 0;
    cpu_set_x(c, 0, 0x84000000);
    cpu_run(c, 2);
    assert_int_equal(psci_calls, 1);
    assert_int_equal(cpu_get_x(c, 0), 0x10001);
    assert_int_equal(cpu_get_pc(c), VBAR + 0x200);
    assert_int_equal(sysreg(ENC_ESR) >> 26, 0);         /* UNDEFINED */
    assert_int_equal(hv_get_stats(hv)->hvc, 2);
}

/* HCR_EL2.TWI/TWE: a WFI at EL1 traps to the hypervisor, which blocks the vCPU (cpu_run returns
 * idle, PC past the WFI); a WFE traps and yields (the vCPU goes on at the next instruction in its
 * next time slice); a WFE with the event register set completes without trapping. */
static void test_wfi_wfe_traps(void **st)
{
    struct cpu *c = cpus[0];
    const uint32_t prog[] = { 0xd503207f /* wfi */, 0xd503205f /* wfe */, 0xd50320bf /* sevl */,
                              0xd503205f /* wfe */, B_SELF };
    load(CODE, prog, 5);
    struct cpu_el2 e;
    cpu_get_el2_state(c, &e);
    assert_true(e.hcr & HCR_EL2_TWI);
    assert_true(e.hcr & HCR_EL2_TWE);
    assert_int_equal(cpu_run(c, 10), CPU_EXIT_WFI);
    assert_int_equal(cpu_get_pc(c), CODE + 4);
    assert_int_equal(hv_get_stats(hv)->wfi_traps, 1);
    /* Still blocked: nothing pending. */
    assert_int_equal(cpu_run(c, 10), CPU_EXIT_WFI);
    assert_int_equal(cpu_icount(c), 1);
    /* An interrupt for the vCPU unblocks it; the WFE then traps and yields. */
    cpu_set_irq_line(c, CPU_VIRQ, true);
    cpu_set_irq_line(c, CPU_VIRQ, false);
    assert_int_equal(cpu_run(c, 10), CPU_EXIT_REQUEST);
    assert_int_equal(cpu_get_pc(c), CODE + 8);
    assert_int_equal(hv_get_stats(hv)->wfe_traps, 1);
    /* SEVL then WFE: the event register is consumed, no trap. */
    cpu_run(c, 2);
    assert_int_equal(cpu_get_pc(c), CODE + 16);
    assert_int_equal(hv_get_stats(hv)->wfe_traps, 1);
}

/* Emulated MMIO: the vGIC distributor answers loads and stores decoded from the ISS; the
 * instruction is skipped and Rt written (with LDRSB's sign extension). */
static void test_mmio_emulation(void **st)
{
    const uint32_t prog[] = {
        0xb9400422, /* ldr w2, [x1, #4]        GICD_TYPER */
        0xb9000023, /* str w3, [x1]            GICD_CTLR = 1 */
        0xb9400024, /* ldr w4, [x1]            GICD_CTLR */
        0x39100027, /* strb w7, [x1, #0x400]   IPRIORITYR0 byte 0 */
        0x39900026, /* ldrsb x6, [x1, #0x400] */
        B_SELF,
    };
    load(CODE, prog, 6);
    struct cpu *c = cpus[0];
    cpu_set_x(c, 1, 0x08000000);
    cpu_set_x(c, 3, 1);
    cpu_set_x(c, 7, 0xa5);
    cpu_run(c, 6);
    assert_int_equal(cpu_get_pc(c), CODE + 20);
    assert_int_equal(cpu_get_x(c, 2), 8);               /* 288 INTIDs, 1 CPU */
    assert_int_equal(cpu_get_x(c, 4), 1);
    assert_int_equal(cpu_get_x(c, 6), 0xffffffffffffffa0ull);   /* priority keeps [7:3] */
    const struct hv_stats *s = hv_get_stats(hv);
    assert_int_equal(s->s2_mmio, 5);
    assert_int_equal(s->mmio_reads, 3);
    assert_int_equal(s->mmio_writes, 2);
    assert_int_equal(s->s2_inject, 0);
}

/* Stage 1 Normal WB + stage 2 Device-nGnRE (p2m_mmio_direct_dev over RAM): the combined type
 * is Device, so an unaligned load and DC ZVA are alignment faults taken at EL1, while the same
 * unaligned load through a RAM mapping works. */
static void test_s1_normal_s2_device_alignment(void **st)
{
    struct cpu *c = cpus[0];
    struct p2m *p2m = hv_dom0_p2m(hv);
    assert_int_equal(p2m_map(p2m, mk_ipa(0x50000000), mk_pa(RAM + 0x100000), 1, P2M_MMIO_DIRECT_DEV,
                             P2M_REASON_BOOT), 0);
    /* Stage 1: L1 entry 1 = 1GB block VA 0x40000000 → IPA 0x40000000, AttrIndx 0 (Normal WB),
     * AF, Inner Shareable, EL1 RW, executable. */
    bus_write(bus, mk_pa(S1_L1 + 8), 8, 0x40000000ull | 1 | 3u << 8 | 1u << 10);
    bus_write(bus, mk_pa(RAM + 0x100000), 8, 0x1122334455667788ull);
    bus_write(bus, mk_pa(RAM + 0x100008), 8, 0x99aabbccddeeff00ull);
    const uint32_t prog[] = {
        0xf9400143, /* ldr x3, [x10]   RAM, unaligned: fine */
        0xf9400164, /* ldr x4, [x11]   IPA 0x50000000, aligned: fine (Device) */
        0xf9400022, /* ldr x2, [x1]    IPA 0x50000001, unaligned Device: alignment fault */
        B_SELF,
    };
    load(CODE, prog, 4);
    assert_true(cpu_write_sysreg(c, ENC_TCR, 25 | 1ull << 23 | 2ull << 32));
    assert_true(cpu_write_sysreg(c, ENC_MAIR, 0xff));
    assert_true(cpu_write_sysreg(c, ENC_TTBR0, S1_L1));
    assert_true(cpu_write_sysreg(c, ENC_SCTLR, sysreg(ENC_SCTLR) | 1));
    cpu_set_x(c, 10, RAM + 0x100001);
    cpu_set_x(c, 11, 0x50000000);
    cpu_set_x(c, 1, 0x50000001);
    cpu_run(c, 3);
    assert_int_equal(cpu_get_x(c, 3), 0x0011223344556677ull);
    assert_int_equal(cpu_get_x(c, 4), 0x1122334455667788ull);
    assert_int_equal(cpu_get_pc(c), VBAR + 0x200);
    assert_int_equal(sysreg(ENC_ESR) >> 26, 0x25);
    assert_int_equal(sysreg(ENC_ESR) & 0x3f, 0x21);    /* alignment fault, at EL1 */
    assert_int_equal(sysreg(ENC_FAR), 0x50000001);
    assert_int_equal(hv_get_stats(hv)->s2_faults, 0); /* nothing went to the hypervisor */

    /* DC ZVA on the Device result: alignment fault too. */
    const uint32_t zva[] = { 0xd50b7421 /* dc zva, x1 */, B_SELF };
    load(CODE + 0x40, zva, 2);
    cpu_set_pc(c, CODE + 0x40);
    cpu_set_pstate(c, 0x3c5);                           /* EL1h, DAIF masked */
    cpu_set_x(c, 1, 0x50000000);
    cpu_run(c, 1);
    assert_int_equal(cpu_get_pc(c), VBAR + 0x200);
    assert_int_equal(sysreg(ENC_ESR) & 0x3f, 0x21);
    uint64_t v;
    bus_read(bus, mk_pa(RAM + 0x100000), 8, &v);
    assert_int_equal(v, 0x1122334455667788ull);       /* not zeroed */
}

/* Virtual interrupts through list registers: a vSGI (HW = 0) injected by the hypervisor, and
 * a physical SPI forwarded with HW = 1, each reach the guest's IRQ vector at EL1; the guest
 * acknowledges through GICV (at its GICC IPA) and its EOI frees the LR — and, for HW = 1,
 * deactivates the physical interrupt. */
static void test_lr_injection(void **st)
{
    struct cpu *c = cpus[0];
    const uint32_t prog[] = {
        0xb9000023, /* str w3, [x1]           GICD_CTLR = 1 (emulated) */
        0xb9000043, /* str w3, [x2]           GICV_CTLR = EnableGrp0 (GICV through stage 2) */
        0xb9000444, /* str w4, [x2, #4]       GICV_PMR */
        0xb9010428, /* str w8, [x1, #0x104]   GICD_ISENABLER1: INTID 40 */
        0xd50342ff, /* msr daifclr, #2 */
        B_SELF,
    };
    const uint32_t irq_vec[] = {
        0xb9400c45, /* ldr w5, [x2, #0xc]     GICV_IAR */
        0xb4000009, /* cbz x9, .               wait for the test */
        0xb9001045, /* str w5, [x2, #0x10]    GICV_EOIR */
        B_SELF,
    };
    load(CODE, prog, 6);
    load(VBAR + 0x280, irq_vec, 4);
    cpu_set_x(c, 1, 0x08000000);
    cpu_set_x(c, 2, 0x08010000);
    cpu_set_x(c, 3, 1);
    cpu_set_x(c, 4, 0xf8);
    cpu_set_x(c, 8, 1u << 8);
    cpu_run(c, 10);
    assert_int_equal(cpu_get_pc(c), CODE + 20);        /* idling with IRQs unmasked */

    hv_inject_virq(hv, 0, 5);                           /* vSGI 5 */
    uint32_t lr = 0;
    assert_int_equal(gic_gich_read(gic, 0, 0x100, &lr), 0);
    assert_int_equal(lr & 0x3ff, 5);
    assert_int_equal((lr >> 28) & 3, 1);               /* pending */
    assert_false(lr & (1u << 31));                      /* HW = 0 */
    cpu_run(c, 3);
    assert_int_equal(cpu_get_stats(c)->virqs, 1);
    assert_int_equal(cpu_get_x(c, 5), 5);               /* IAR: vINTID 5, CPUID 0 */
    cpu_set_x(c, 9, 1);
    cpu_run(c, 3);
    uint32_t elrsr = 0;
    gic_gich_read(gic, 0, 0x30, &elrsr);
    assert_int_equal(elrsr & 0xf, 0xf);                 /* every LR free again */

    /* A physical SPI (INTID 40): taken at EL2, acknowledged and priority-dropped by the
     * hypervisor, forwarded with HW = 1. */
    cpu_set_pc(c, CODE + 20);
    cpu_set_pstate(c, 0x345);                           /* EL1h, IRQ unmasked */
    cpu_set_x(c, 9, 0);
    gic_set_spi(gic, 40, true);
    cpu_run(c, 3);
    assert_int_equal(hv_get_stats(hv)->pirqs, 1);
    assert_int_equal(hv_get_stats(hv)->virq_hw, 1);
    assert_int_equal(cpu_get_x(c, 5), 40);
    struct gic_irq_state gs;
    assert_true(gic_irq_state(gic, 0, 40, &gs));
    assert_true(gs.active);                             /* until the guest's EOI */
    gic_set_spi(gic, 40, false);
    cpu_set_x(c, 9, 1);
    cpu_run(c, 3);
    assert_true(gic_irq_state(gic, 0, 40, &gs));
    assert_false(gs.active);                            /* the guest's EOI deactivated it */
    gic_gich_read(gic, 0, 0x30, &elrsr);
    assert_int_equal(elrsr & 0xf, 0xf);
    assert_int_equal(cpu_get_stats(c)->virqs, 2);
}

/* The EL1 physical timer is emulated (hv/vtimer.c): CNTHCTL_EL2.EL1PCEN = 0 traps the guest's
 * CNTP_TVAL/CTL accesses to the hypervisor; at the deadline virtual PPI 30 goes into a list
 * register with HW = 0 and reaches the IRQ vector; IMASK set by the handler keeps it from
 * coming back after the EOI although ISTATUS stays 1. The real CNTP_* are never touched. */
static void test_ptimer_emulated(void **st)
{
    struct cpu *c = cpus[0];
    const uint32_t prog[] = {
        0xb9000023, /* str w3, [x1]           GICD_CTLR = 1 */
        0xb9000043, /* str w3, [x2]           GICV_CTLR */
        0xb9000444, /* str w4, [x2, #4]       GICV_PMR */
        0xb9010028, /* str w8, [x1, #0x100]   GICD_ISENABLER0: PPI 30 */
        0xd51be20a, /* msr cntp_tval_el0, x10 */
        0xd51be22b, /* msr cntp_ctl_el0, x11  ENABLE */
        0xd53be22c, /* mrs x12, cntp_ctl_el0 */
        0xd50342ff, /* msr daifclr, #2 */
        B_SELF,
    };
    const uint32_t irq_vec[] = {
        0xb9400c45, /* ldr w5, [x2, #0xc]     GICV_IAR */
        0xd51be22d, /* msr cntp_ctl_el0, x13  ENABLE | IMASK */
        0xd53be22e, /* mrs x14, cntp_ctl_el0 */
        0xb9001045, /* str w5, [x2, #0x10]    GICV_EOIR */
        B_SELF,
    };
    load(CODE, prog, 9);
    load(VBAR + 0x280, irq_vec, 5);
    struct cpu_el2 e;
    cpu_get_el2_state(c, &e);
    assert_int_equal(e.cnthctl, CNTHCTL_EL2_EL1PCTEN);   /* counter readable, timer trapped */
    cpu_set_x(c, 1, 0x08000000);
    cpu_set_x(c, 2, 0x08010000);
    cpu_set_x(c, 3, 1);
    cpu_set_x(c, 4, 0xf8);
    cpu_set_x(c, 8, 1u << 30);
    cpu_set_x(c, 10, 1000);                             /* 1000 ticks = 16000 cycles */
    cpu_set_x(c, 11, 1);
    cpu_set_x(c, 13, 3);
    for (unsigned i = 0; i < 20 && cpu_get_pc(c) != CODE + 32; i++) { cpu_run(c, 10); hv_timer_update(hv, c); }
    assert_int_equal(cpu_get_pc(c), CODE + 32);         /* idling with IRQs unmasked */
    assert_int_equal(hv_get_stats(hv)->ptimer_traps, 3);
    assert_int_equal(cpu_get_x(c, 12), 1);              /* ENABLE, ISTATUS 0: not yet */
    assert_int_equal(sysreg(SYSREG_ENC(3, 3, 14, 2, 1)), 0);   /* the real CNTP_CTL_EL0 */
    uint64_t dl = hv_next_event_cycles(hv, c);
    assert_true(dl > cpu_cycles(c) && dl < cpu_cycles(c) + 17000);
    uint32_t elrsr = 0;
    cpu_run(c, dl - cpu_cycles(c) - 1);                 /* just before the deadline */
    hv_timer_update(hv, c);
    assert_true(cpu_cycles(c) < dl);
    gic_gich_read(gic, 0, 0x30, &elrsr);
    assert_int_equal(elrsr & 0xf, 0xf);                 /* nothing yet */
    cpu_run(c, 4);
    assert_true(cpu_cycles(c) >= dl);
    hv_timer_update(hv, c);                             /* what the board's run loop does */
    assert_int_equal(hv_next_event_cycles(hv, c), UINT64_MAX);
    uint32_t lr = 0;
    assert_int_equal(gic_gich_read(gic, 0, 0x100, &lr), 0);
    assert_int_equal(lr & 0x3ff, 30);
    assert_int_equal((lr >> 28) & 3, 1);               /* pending */
    assert_false(lr & (1u << 31));                      /* HW = 0: not a physical interrupt */
    assert_int_equal(hv_get_stats(hv)->virq_hw, 0);
    for (unsigned i = 0; i < 10 && cpu_get_pc(c) != VBAR + 0x290; i++) { cpu_run(c, 2); hv_timer_update(hv, c); }
    assert_int_equal(cpu_get_pc(c), VBAR + 0x290);
    assert_int_equal(cpu_get_stats(c)->virqs, 1);
    assert_int_equal(cpu_get_x(c, 5), 30);              /* IAR: vINTID 30 */
    assert_int_equal(cpu_get_x(c, 14), 7);              /* ENABLE | IMASK | ISTATUS */
    assert_int_equal(hv_get_stats(hv)->ptimer_traps, 5);
    gic_gich_read(gic, 0, 0x30, &elrsr);
    assert_int_equal(elrsr & 0xf, 0xf);                 /* EOI'd: LR free */
    uint64_t injected = hv_get_stats(hv)->virq_injected;
    cpu_run(c, 100);
    hv_timer_update(hv, c);
    assert_int_equal(hv_get_stats(hv)->virq_injected, injected);   /* IMASK: not again */
    gic_gich_read(gic, 0, 0x30, &elrsr);
    assert_int_equal(elrsr & 0xf, 0xf);
    assert_int_equal(cpu_get_stats(c)->virqs, 1);
}

/* GICv3: the guest's ICC_* accesses are served by ICV_* (HCR_EL2.IMO); ICC_SGI1R_EL1 traps to
 * the hypervisor, which injects the vSGI through an ICH_LR<n>_EL2 (Group 1, HW = 0) that the
 * guest acknowledges with ICC_IAR1_EL1 and EOIs with ICC_EOIR1_EL1. The redistributor's
 * IGROUPR0 and the distributor's GICD_CTLR are emulated from stage-2 aborts. */
static void test_lr_injection_v3(void **st)
{
    struct cpu *c = cpus[0];
    const uint32_t prog[] = {
        0xb9000023, /* str w3, [x1]            GICD_CTLR = EnableGrp1 */
        0xb9008147, /* str w7, [x10, #0x80]    GICR_IGROUPR0 = all Group 1 */
        0xb901014b, /* str w11, [x10, #0x100]  GICR_ISENABLER0: SGI 3 */
        0xd5184604, /* msr icc_pmr_el1, x4 */
        0xd518cce8, /* msr icc_igrpen1_el1, x8 */
        0xd50342ff, /* msr daifclr, #2 */
        0xd518cba6, /* msr icc_sgi1r_el1, x6   SGI 3 to self: traps to the hypervisor */
        B_SELF,
    };
    const uint32_t irq_vec[] = {
        0xd538cc05, /* mrs x5, icc_iar1_el1 */
        0xb4000009, /* cbz x9, . */
        0xd518cc25, /* msr icc_eoir1_el1, x5 */
        B_SELF,
    };
    load(CODE, prog, 8);
    load(VBAR + 0x280, irq_vec, 4);
    cpu_set_x(c, 1, 0x08000000);
    cpu_set_x(c, 11, 1u << 3);
    cpu_set_x(c, 10, 0x080A0000 + 0x10000);
    cpu_set_x(c, 3, 2);
    cpu_set_x(c, 7, 0xffffffff);
    cpu_set_x(c, 4, 0xf8);
    cpu_set_x(c, 8, 1);
    cpu_set_x(c, 6, 3ull << 24 | 1);
    cpu_run(c, 10);
    assert_int_equal(hv_get_stats(hv)->sysreg_traps, 1);
    assert_int_equal(hv_get_stats(hv)->s2_mmio, 3);
    assert_int_equal(cpu_get_stats(c)->virqs, 1);
    assert_int_equal(cpu_get_x(c, 5), 3);
    uint64_t lr = 0;
    assert_true(gic_ich_read(gic, 0, SYSREG_ENC(3, 4, 12, 12, 0), &lr));
    assert_int_equal(lr >> 62, 2);                      /* active */
    assert_true(lr & (1ull << 60));                     /* Group 1 */
    cpu_set_x(c, 9, 1);
    cpu_run(c, 3);
    uint64_t elrsr = 0;
    assert_true(gic_ich_read(gic, 0, SYSREG_ENC(3, 4, 12, 11, 5), &elrsr));
    assert_int_equal(elrsr & 0xf, 0xf);

    /* The virtual timer PPI 27 (forwarded, HW = 1) after the guest enabled it in its
     * redistributor: the guest sees INTID 27 at ICC_IAR1_EL1. */
    const uint32_t en[] = { 0xb9010147 /* str w7, [x10, #0x100]  GICR_ISENABLER0 */, B_SELF };
    load(CODE + 0x100, en, 2);
    cpu_set_pc(c, CODE + 0x100);
    cpu_set_pstate(c, 0x345);
    cpu_set_x(c, 7, 1u << 27);
    cpu_set_x(c, 9, 0);
    cpu_run(c, 2);
    gic_set_ppi(gic, 0, 27, true);
    cpu_run(c, 3);
    assert_int_equal(cpu_get_x(c, 5), 27);
    assert_int_equal(hv_get_stats(hv)->virq_hw, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stage2_fault_syndrome, setup, teardown),
        cmocka_unit_test_setup_teardown(test_s1ptw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stage2_permission_fault, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mmio_emulation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hvc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wfi_wfe_traps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cntvoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_s1_normal_s2_device_alignment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lr_injection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ptimer_emulated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lr_injection_v3, setup_v3, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
