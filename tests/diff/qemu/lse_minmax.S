/* tests/diff/qemu/lse_minmax.S — evidence for docs/difftest.md "Unicorn bug 1": LDUMIN and
 * LDSMAX on words, run on qemu-system-aarch64 -M virt -cpu max (bare metal, MMU off). Prints
 * the memory word after each operation on the PL011; check-qemu.sh compares with the Arm ARM
 * result. Runs unchanged on faultline's virt board. */
    .text
    .globl _start
_start:
    ldr     x10, =0x40100000        /* scratch word in RAM */
    /* 1. LDUMIN W: mem = 0xc74ca1f1, Rs = 0xca8f1016_b81e3d10. Arm: min(0xc74ca1f1, 0xb81e3d10)
     *    = 0xb81e3d10. QEMU 5 (64-bit compare): memory unchanged. */
    ldr     w0, =0xc74ca1f1
    str     w0, [x10]
    ldr     x3, =0xca8f1016b81e3d10
    ldumin  w3, w2, [x10]
    ldr     w0, [x10]
    bl      puthex
    /* 2. LDSMAX W: mem = 0xf0e0ee6b (negative), Rs = 0x101. Arm: 0x00000101. */
    ldr     w0, =0xf0e0ee6b
    str     w0, [x10]
    mov     x3, #0x101
    ldsmax  w3, w2, [x10]
    ldr     w0, [x10]
    bl      puthex
    /* 3. LDSMIN W: mem = 0xb58de517 (negative), Rs = -3 (sign-extended). Arm: 0xb58de517. */
    ldr     w0, =0xb58de517
    str     w0, [x10]
    mov     x3, #-3
    ldsmin  w3, w2, [x10]
    ldr     w0, [x10]
    bl      puthex
    /* PSCI SYSTEM_OFF */
    ldr     x0, =0x84000008
    hvc     #0
1:  b       1b

/* Print w0 as 8 hex digits and a newline on the PL011 at 0x09000000. */
puthex:
    mov     x9, #0x09000000
    mov     x5, #28
2:  lsr     w6, w0, w5
    and     w6, w6, #15
    cmp     w6, #10
    add     w7, w6, #'0'
    add     w8, w6, #'a' - 10
    csel    w6, w7, w8, lo
    strb    w6, [x9]
    subs    x5, x5, #4
    b.pl    2b
    mov     w6, #'\n'
    strb    w6, [x9]
    ret
    .ltorg
