/* machine/main.c — the faultline program: parse the command line, build the virt board, run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "machine/board.h"

int main(int argc, char **argv)
{
    struct fl_options o;
    char err[FL_ERRLEN];
    if (fl_parse_args(argc, argv, &o, err, sizeof err) < 0) {
        fprintf(stderr, "faultline: %s\n", err);
        return EXIT_HOST_ERROR;
    }
    switch (o.action) {
    case FL_HELP: fl_print_help(stdout); return 0;
    case FL_VERSION: printf("faultline version " FAULTLINE_VERSION "\n"); return 0;
    case FL_LIST: fputs(o.list_text, stdout); return 0;
    case FL_RUN: break;
    }
    FILE *logf = NULL;
    if (o.logfile && !(logf = fopen(o.logfile, "w"))) {
        fprintf(stderr, "faultline: -D %s: %s\n", o.logfile, strerror(errno));
        return EXIT_HOST_ERROR;
    }
    mlog_set(o.log_mask & CPU_LOG_GUEST_ERRORS ? MLOG_GUEST_ERRORS : 0, logf);

    struct board *b;
    if (o.dumpdtb) {                        /* no console needed: build, write, exit */
        if (!(b = board_create(&o, NULL, err, sizeof err)) || board_load(b, err, sizeof err) < 0 ||
            virt_fdt_write(o.dumpdtb, b->dtb, b->dtb_size, err, sizeof err) < 0) {
            fprintf(stderr, "faultline: %s\n", err);
            return EXIT_HOST_ERROR;
        }
        board_free(b);
        return 0;
    }
    if (o.trace_file && !(o.tracer = board_trace_open(&o, argc, argv, err, sizeof err))) {
        fprintf(stderr, "faultline: %s\n", err);
        return EXIT_HOST_ERROR;
    }
    if (o.rr && !(o.rr_ctx = rr_open(&o, argc, argv, err, sizeof err))) {
        fprintf(stderr, "faultline: %s\n", err);
        return EXIT_HOST_ERROR;
    }
    const char *serial = o.serial ? o.serial : o.nographic ? "mon:stdio" : "stdio";
    struct chardev *chr = chardev_open(serial, false, err, sizeof err);
    if (!chr) { fprintf(stderr, "faultline: %s\n", err); return EXIT_HOST_ERROR; }
    b = board_create(&o, chr, err, sizeof err);
    if (!b) { chardev_close(chr); fprintf(stderr, "faultline: %s\n", err); return EXIT_HOST_ERROR; }
    b->logf = logf;
    if (board_load(b, err, sizeof err) < 0) {
        chardev_close(chr);
        fprintf(stderr, "faultline: %s\n", err);
        return EXIT_HOST_ERROR;
    }
    int status = board_run(b);
    chardev_close(chr);
    board_trace_close(b, status);
    status = rr_finish(o.rr_ctx, b, status);
    rr_free(o.rr_ctx);
    if (o.summary) board_print_summary(b, stderr);
    board_free(b);
    if (logf) fclose(logf);
    return status;
}
