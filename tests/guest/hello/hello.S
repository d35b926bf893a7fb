/* tests/guest/hello/hello.S — the smallest guest: writes "hello" to the PL011 data register at
 * 0x09000000 (QEMU virt's UART, hard-coded: no DTB, no stack, no runtime) and powers off with
 * PSCI SYSTEM_OFF (function 0x84000008) over HVC, the conduit of virt without EL2/EL3.
 * Built as build/hello.elf and build/hello.bin (both run at 0x40080000, position independent). */
    .text
    .global _start
_start:
    mov     x1, #0x09000000         /* PL011 UARTDR */
    adr     x2, msg
1:  ldrb    w3, [x2], #1
    cbz     w3, 2f
    str     w3, [x1]
    b       1b
2:  movz    w0, #0x8400, lsl #16
    movk    w0, #0x0008             /* PSCI SYSTEM_OFF */
    hvc     #0
3:  wfi
    b       3b
msg:
    .asciz  "hello\n"
