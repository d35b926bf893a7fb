/* tests/guest/fp/fpasm.S — the parts of the fp guest that must not let the compiler touch the
 * vector registers in between: the instructions that take the lazy FP trap (EL1 and EL0) and
 * the context-switch style save/restore of V0-V31 + FPCR/FPSR. */
    .text

/* uint64_t fp_trap_el1(uint64_t a, uint64_t b): a + b as doubles (bit patterns in, bit pattern
 * out). The first FP instruction, at fp_trap_el1_insn, traps while CPACR_EL1.FPEN disables FP. */
    .global fp_trap_el1, fp_trap_el1_insn
fp_trap_el1:
fp_trap_el1_insn:
    fmov    d0, x0
    fmov    d1, x1
    fadd    d2, d0, d1
    fmov    x0, d2
    ret

/* uint64_t fp_trap_simd_el1(void *p16): a SIMD&FP load is the first trapping instruction; returns
 * the sum of the two 64-bit lanes of [p16] computed with ADD v.2d + ADDP. */
    .global fp_trap_simd_el1, fp_trap_simd_el1_insn
fp_trap_simd_el1:
fp_trap_simd_el1_insn:
    ldr     q0, [x0]
    addp    d1, v0.2d
    fmov    x0, d1
    ret

/* EL0 program (entered by rt_enter_el0): x0 = 0x4008000000000000 (2.5) times 4.0 in FP; the
 * first FP instruction (fp_el0_insn) traps to EL1 with FPEN = 0b01; then SVC #0x7 returns the
 * result in x0. */
    .global fp_el0_prog, fp_el0_insn
fp_el0_prog:
    mov     x1, #0x4004000000000000     /* 2.5 */
    mov     x2, #0x4010000000000000     /* 4.0 */
fp_el0_insn:
    fmov    d0, x1
    fmov    d1, x2
    fmul    d2, d0, d1
    fmov    x0, d2
    svc     #0x7
    b       .

/* void fp_ctx_roundtrip(const void *pat, void *save, void *dump, uint64_t fpcr, uint64_t fpsr)
 * pat: 512 bytes, loaded into V0..V31 (ldp q); FPCR/FPSR set. Then as Linux's
 * fpsimd_save_state: stp q0..q31 to save[0..511], FPSR at save+512, FPCR at save+516 (32-bit
 * stores). Clobber all V registers, FPCR and FPSR. Restore as fpsimd_load_state (ldp q, ldr w,
 * msr). Dump V0..V31 with ST1 (4 registers at a time) to dump[0..511], FPSR/FPCR at dump+512/516.
 * All buffers 16-byte aligned. d8-d15 are callee-saved (AAPCS64), so kept on the stack. */
    .global fp_ctx_roundtrip
fp_ctx_roundtrip:
    stp     d8, d9, [sp, #-64]!
    stp     d10, d11, [sp, #16]
    stp     d12, d13, [sp, #32]
    stp     d14, d15, [sp, #48]
    mov     x9, x0
    ldp     q0, q1, [x9], #32
    ldp     q2, q3, [x9], #32
    ldp     q4, q5, [x9], #32
    ldp     q6, q7, [x9], #32
    ldp     q8, q9, [x9], #32
    ldp     q10, q11, [x9], #32
    ldp     q12, q13, [x9], #32
    ldp     q14, q15, [x9], #32
    ldp     q16, q17, [x9], #32
    ldp     q18, q19, [x9], #32
    ldp     q20, q21, [x9], #32
    ldp     q22, q23, [x9], #32
    ldp     q24, q25, [x9], #32
    ldp     q26, q27, [x9], #32
    ldp     q28, q29, [x9], #32
    ldp     q30, q31, [x9], #32
    msr     fpcr, x3
    msr     fpsr, x4
    /* save */
    mov     x9, x1
    stp     q0, q1, [x9, #0]
    stp     q2, q3, [x9, #32]
    stp     q4, q5, [x9, #64]
    stp     q6, q7, [x9, #96]
    stp     q8, q9, [x9, #128]
    stp     q10, q11, [x9, #160]
    stp     q12, q13, [x9, #192]
    stp     q14, q15, [x9, #224]
    stp     q16, q17, [x9, #256]
    stp     q18, q19, [x9, #288]
    stp     q20, q21, [x9, #320]
    stp     q22, q23, [x9, #352]
    stp     q24, q25, [x9, #384]
    stp     q26, q27, [x9, #416]
    stp     q28, q29, [x9, #448]
    stp     q30, q31, [x9, #480]
    mrs     x10, fpsr
    str     w10, [x9, #512]
    mrs     x10, fpcr
    str     w10, [x9, #516]
    /* clobber */
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    movi    v\i\().16b, #0xa5
    .endr
    msr     fpcr, xzr
    msr     fpsr, xzr
    /* restore */
    ldp     q0, q1, [x9, #0]
    ldp     q2, q3, [x9, #32]
    ldp     q4, q5, [x9, #64]
    ldp     q6, q7, [x9, #96]
    ldp     q8, q9, [x9, #128]
    ldp     q10, q11, [x9, #160]
    ldp     q12, q13, [x9, #192]
    ldp     q14, q15, [x9, #224]
    ldp     q16, q17, [x9, #256]
    ldp     q18, q19, [x9, #288]
    ldp     q20, q21, [x9, #320]
    ldp     q22, q23, [x9, #352]
    ldp     q24, q25, [x9, #384]
    ldp     q26, q27, [x9, #416]
    ldp     q28, q29, [x9, #448]
    ldp     q30, q31, [x9, #480]
    ldr     w10, [x9, #512]
    msr     fpsr, x10
    ldr     w10, [x9, #516]
    msr     fpcr, x10
    /* dump with a different store path */
    mov     x11, x2
    st1     {v0.16b, v1.16b, v2.16b, v3.16b}, [x11], #64
    st1     {v4.16b, v5.16b, v6.16b, v7.16b}, [x11], #64
    st1     {v8.16b, v9.16b, v10.16b, v11.16b}, [x11], #64
    st1     {v12.16b, v13.16b, v14.16b, v15.16b}, [x11], #64
    st1     {v16.16b, v17.16b, v18.16b, v19.16b}, [x11], #64
    st1     {v20.16b, v21.16b, v22.16b, v23.16b}, [x11], #64
    st1     {v24.16b, v25.16b, v26.16b, v27.16b}, [x11], #64
    st1     {v28.16b, v29.16b, v30.16b, v31.16b}, [x11], #64
    mrs     x10, fpsr
    str     w10, [x11]
    mrs     x10, fpcr
    str     w10, [x11, #4]
    msr     fpcr, xzr
    msr     fpsr, xzr
    ldp     d10, d11, [sp, #16]
    ldp     d12, d13, [sp, #32]
    ldp     d14, d15, [sp, #48]
    ldp     d8, d9, [sp], #64
    ret
