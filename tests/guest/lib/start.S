/* tests/guest/lib/start.S — entry, EL1 vector table and EL0 trampoline of the guest runtime.
 *
 * Boot contract (as QEMU 7.2 virt does it, hw/arm/boot.c):
 *  - ELF image: loaded at its program headers, entered at e_entry with x0 = 0 (no boot stub);
 *    the DTB is written at RAM base 0x40000000 if it fits below the image.
 *  - raw image (no arm64 "ARM\x64" magic): loaded at RAM base + 0x80000 and entered through
 *    QEMU's boot stub with x0 = DTB address (Linux boot protocol).
 * rt_init() (rt.c) looks at x0 first, then at RAM base; see there.
 * Entered at EL1h (or EL2h if the board has EL2 enabled: we drop to EL1h). */
#define FRAME_SIZE  (36 * 8)

    .section .text.start, "ax"
    .global _start
_start:
    mov     x19, x0                 /* x0 as the loader left it (DTB for Linux-style images) */
    mrs     x20, CurrentEL
    lsr     x20, x20, #2
    cmp     x20, #2
    b.ne    1f
    /* EL2: run the guest at EL1 (AArch64), all exceptions masked. */
    mov     x0, #(1 << 31)          /* HCR_EL2.RW */
    msr     hcr_el2, x0
    mov     x0, #0x3c5              /* SPSR: DAIF masked, EL1h */
    msr     spsr_el2, x0
    adr     x0, 1f
    msr     elr_el2, x0
    eret
1:
    ldr     x0, =__stack_top
    mov     sp, x0
    ldr     x0, =rt_vectors
    msr     vbar_el1, x0
    isb
    /* Zero BSS with aligned 8-byte stores (the bounds are 16-byte aligned by link.ld). */
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
2:  cmp     x0, x1
    b.hs    3f
    str     xzr, [x0], #8
    b       2b
3:
    mov     x0, x19
    mov     x1, x20
    bl      rt_init
    bl      main
    bl      psci_system_off
4:  wfi
    b       4b

/* ---- EL1 vector table ------------------------------------------------------------------ */
    .macro VENTRY kind
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\kind
    b       rt_vector_common
    .endm

    .text
    .balign 2048
    .global rt_vectors
rt_vectors:
    VENTRY 0
    VENTRY 1
    VENTRY 2
    VENTRY 3
    VENTRY 4
    VENTRY 5
    VENTRY 6
    VENTRY 7
    VENTRY 8
    VENTRY 9
    VENTRY 10
    VENTRY 11
    VENTRY 12
    VENTRY 13
    VENTRY 14
    VENTRY 15

rt_vector_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x2, sp_el0
    stp     x30, x2, [sp, #240]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #256]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #272]
    mov     x0, sp
    bl      rt_exception            /* (frame, kind); returns only if handled */
    ldp     x2, x3, [sp, #256]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x30, x2, [sp, #240]
    msr     sp_el0, x2
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #FRAME_SIZE
    eret

/* ---- EL0 trampoline -------------------------------------------------------------------- */
/* uint64_t rt_enter_el0(void (*fn)(void)): eret to fn at EL0t on the EL0 stack. An EL1
 * handler ends the EL0 excursion with rt_el0_return(frame, value), which makes the eret of the
 * vector land on rt_el0_landing at EL1h with x0 = value. */
    .global rt_enter_el0
rt_enter_el0:
    stp     x29, x30, [sp, #-96]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    mov     x1, sp
    ldr     x2, =rt_el1_saved_sp
    str     x1, [x2]
    ldr     x1, =__el0_stack_top
    msr     sp_el0, x1
    msr     elr_el1, x0
    mov     x1, #0x3c0              /* SPSR: DAIF masked, EL0t */
    msr     spsr_el1, x1
    isb
    eret

    .global rt_el0_landing
rt_el0_landing:
    ldr     x2, =rt_el1_saved_sp
    ldr     x1, [x2]
    mov     sp, x1
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #96
    ret

/* ---- secondary CPUs -------------------------------------------------------------------- */
/* PSCI CPU_ON entry point: psci_cpu_on(mpidr, (uint64_t)rt_secondary_entry, (uint64_t)fn)
 * starts the CPU here with x0 = fn. It drops from EL2 like _start, takes the stack
 * __sec_stacks + (Aff0 + 1) * 16 KiB, installs the vectors and calls fn(Aff0); when fn returns
 * the CPU calls PSCI CPU_OFF. */
    .global rt_secondary_entry
rt_secondary_entry:
    mov     x19, x0
    mrs     x20, CurrentEL
    lsr     x20, x20, #2
    cmp     x20, #2
    b.ne    1f
    mov     x0, #(1 << 31)
    msr     hcr_el2, x0
    mov     x0, #0x3c5
    msr     spsr_el2, x0
    adr     x0, 1f
    msr     elr_el2, x0
    eret
1:
    mrs     x1, mpidr_el1
    and     x20, x1, #0xff
    and     x1, x1, #7
    add     x1, x1, #1
    ldr     x2, =__sec_stacks
    add     x2, x2, x1, lsl #14
    mov     sp, x2
    ldr     x0, =rt_vectors
    msr     vbar_el1, x0
    isb
    mov     x0, x20
    blr     x19
    ldr     x0, =0x84000002         /* PSCI CPU_OFF */
    hvc     #0
2:  wfi
    b       2b

/* uint64_t psci_call(fn, a1, a2, a3) — SMCCC over HVC (QEMU virt without EL2/EL3 uses HVC). */
    .global psci_call
psci_call:
    hvc     #0
    ret

    .bss
    .balign 8
rt_el1_saved_sp:
    .quad   0
