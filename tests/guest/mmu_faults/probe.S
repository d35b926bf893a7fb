/* tests/guest/mmu_faults/probe.S — single faulting instructions with known registers, so that
 * the handler can check ELR and the ISS syndrome (SRT, SAS, SF). On a data abort the EL1 handler
 * skips the instruction (ELR + 4); on an instruction abort it returns to x30. */
    .text
    .global probe_ldr_x7, probe_ldr_x7_insn
probe_ldr_x7:                       /* uint64_t probe_ldr_x7(va) */
    mov     x7, #0xbad
probe_ldr_x7_insn:
    ldr     x7, [x0]
    mov     x0, x7
    ret
    .global probe_str_w9, probe_str_w9_insn
probe_str_w9:                       /* void probe_str_w9(va, value) */
    mov     w9, w1
probe_str_w9_insn:
    str     w9, [x0]
    ret
    .global probe_ldrh_w3, probe_ldrh_w3_insn
probe_ldrh_w3:
    mov     x3, #0xbad
probe_ldrh_w3_insn:
    ldrh    w3, [x0]
    mov     x0, x3
    ret
    .global probe_call             /* uint64_t probe_call(va): blr va; instruction abort -> x0 = 0xbad */
probe_call:
    stp     x29, x30, [sp, #-16]!
    mov     x1, x0
    mov     x0, #0xbad
    blr     x1
    ldp     x29, x30, [sp], #16
    ret

    .balign 64
    .global exec_target            /* returns 0x77; executed through an alias mapping */
exec_target:
    mov     x0, #0x77
    ret

/* EL0 side: el0_run(fn, arg) enters fn at EL0 with x3 = arg (rt_enter_el0 keeps x3). */
    .global el0_run
el0_run:
    mov     x3, x1
    b       rt_enter_el0
    .global el0_ldr, el0_ldr_insn
el0_ldr:
    mov     x7, #0
el0_ldr_insn:
    ldr     x7, [x3]
    mov     x0, #0
    svc     #0
    .global el0_str, el0_str_insn
el0_str:
el0_str_insn:
    str     x3, [x3]
    mov     x0, #0
    svc     #0
    .global el0_exec
el0_exec:
    blr     x3
    mov     x0, #0x55
    svc     #0
