/* tests/guest/echo — an interactive guest for record/replay (tests/replay/run-suite.sh): echoes
 * every byte typed on the console with the virtual count (CNTVCT_EL0) at which it was read, and
 * the RTC (PL031 RTCDR) once at start, so that the console output shows where each input landed
 * in guest time. While no byte is waiting it sleeps in WFI with the virtual timer 100 ms ahead
 * (IRQs masked: WFI wakes on the pending PPI, Arm ARM D1.16.2), so an interactive console makes
 * the board's wall-clock idle pacing decide virtual time (a byte typed during
 * a sleep cuts it short: an idle-cut input) — the input a recording must hold.
 * 'q' prints "RESULT ok" and powers off. Not in run-suite.sh's list (it waits for input); runs
 * unchanged on QEMU (-M virt -nographic). */
#include "rt.h"
#include "gic.h"

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTFR_RXFE (1u << 4)
#define RTC_BASE 0x09010000ull
#define VIRT_PPI 27

int main(void)
{
    gic_init(1);
    gic_enable(VIRT_PPI, 0x80);
    printf("echo: rtc=%u cntvct=%llu\n", mmio_read32(RTC_BASE), (unsigned long long)SYSREG_READ(cntvct_el0));
    unsigned n = 0;
    for (;;) {
        uint64_t sleeps = 0;
        while (mmio_read32(rt_uart_base + UARTFR) & UARTFR_RXFE) {
            SYSREG_WRITE(cntv_tval_el0, 6250000);       /* 100 ms at 62.5 MHz */
            SYSREG_WRITE(cntv_ctl_el0, 1);              /* ENABLE, IMASK = 0 */
            ISB();
            __asm__ volatile("wfi" ::: "memory");
            SYSREG_WRITE(cntv_ctl_el0, 0);              /* deassert the PPI */
            ISB();
            sleeps++;
        }
        unsigned c = mmio_read32(rt_uart_base + UARTDR) & 0xff;
        ISB();
        printf("echo: #%u byte 0x%02x at cntvct=%llu after %llu sleeps\n", n++, c,
               (unsigned long long)SYSREG_READ(cntvct_el0), (unsigned long long)sleeps);
        if (c == 'q') break;
    }
    printf("RESULT ok\n");
    return 0;
}
