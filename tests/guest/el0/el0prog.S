/* tests/guest/el0/el0prog.S — the EL0 side of the el0 guest (registers and its own stack only). */
    .text
    .global el0_prog, el0_svc1_next, el0_svc3_next, el0_udf, el0_mrs, el0_ldr, el0_skipped
el0_prog:
    mov     x1, sp
    svc     #0x101              /* EL1 records SP_EL0, x1, ESR, ELR, SPSR */
el0_svc1_next:
    sub     sp, sp, #64
    mov     x1, sp
    svc     #0x102              /* SP_EL0 moved with the EL0 SP */
    add     sp, sp, #64
    msr     nzcv, xzr
    svc     #0x103              /* EL1 sets ELR += 4 and SPSR.NZCV = N|C */
el0_svc3_next:
el0_skipped:
    mov     x1, #0xdead         /* skipped by the handler */
    mrs     x2, nzcv
    mov     x0, x2
    svc     #0x104              /* EL1 records x0 (NZCV) and x1 (must not be 0xdead) */
    /* Register preservation across an exception: x4..x28 = i * 0x0101010101010101 */
    .irp i, 4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28
    mov     x\i, #(\i * 0x0101)
    movk    x\i, #(\i * 0x0101), lsl #16
    movk    x\i, #(\i * 0x0101), lsl #32
    movk    x\i, #(\i * 0x0101), lsl #48
    .endr
    svc     #0x105              /* EL1 clobbers nothing visible... */
    svc     #0x106              /* ...and checks the values again on this second entry */
el0_udf:
    udf     #0x12               /* EC 0 */
el0_mrs:
    mrs     x5, sctlr_el1       /* EL1 register from EL0: UNDEFINED, EC 0 */
    mov     x6, #0x0b000000
el0_ldr:
    ldr     x7, [x6]            /* hole in the memory map: external abort from EL0, EC 0x24 */
    mov     x0, #0x7f
    svc     #0xffff             /* back to EL1 for good, x0 = 0x7f */
    b       .
