/* machine/log.c — machine-wide log switches for devices (-d guest_errors, unimp) and -D. */
#include <stdarg.h>
#include <stdio.h>
#include "machine/machine.h"

static unsigned log_mask;
static FILE *log_file;

void mlog_set(unsigned mask, void *f) { log_mask = mask; log_file = f; }
unsigned mlog_mask(void) { return log_mask; }

void mlog_guest_error(const char *fmt, ...)
{
    if (!(log_mask & MLOG_GUEST_ERRORS)) return;
    FILE *f = log_file ? log_file : stderr;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fflush(f);
}
