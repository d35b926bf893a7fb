/* machine/chardev.c — host side of the console: stdio, mon:stdio, file:PATH, null.
 *
 * With stdio on a terminal, the terminal is put in raw mode (no echo, no line editing) and
 * restored at exit and on fatal signals. With mux (-nographic or mon:stdio) the QEMU escapes
 * apply: Ctrl-A x quits, Ctrl-A h prints help, Ctrl-A Ctrl-A sends one Ctrl-A, and Ctrl-C goes
 * to the guest; plain -serial stdio keeps Ctrl-C as "kill the emulator".
 *
 * Determinism: console input is an external input. The board polls for it between quanta (never
 * asynchronously), and every byte passes through the input hook before it reaches the UART, so a
 * recorder can log it with its instruction-count stamp and a replayer can inject it with
 * chardev_inject() instead of reading the host. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "machine/machine.h"

enum chr_kind { CHR_NULL, CHR_STDIO, CHR_FILE };

struct chardev {
    enum chr_kind kind;
    bool mux, escape_pending, quit, eof;
    bool replay;                /* -icount rr=replay: no host input (chardev_set_replay) */
    int in_fd, out_fd;
    size_t (*can_receive)(void *opaque);
    void (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void *fe_opaque;
    void (*input_hook)(void *opaque, const uint8_t *buf, size_t len);
    void *hook_opaque;
    uint8_t pending[256];       /* input the frontend could not take yet */
    size_t npending;
};

/* ---- terminal state, restored at exit and on signals ---- */
static struct termios saved_tios;
static bool tios_saved;

static void term_restore(void)
{
    if (tios_saved) {
        tcsetattr(0, TCSANOW, &saved_tios);
        tios_saved = false;
    }
}

static void term_signal(int sig)
{
    term_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void term_raw(bool keep_isig)
{
    struct termios t;
    if (tios_saved || !isatty(0) || tcgetattr(0, &saved_tios) < 0) return;
    tios_saved = true;
    t = saved_tios;
    t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag |= OPOST;             /* keep "\n" -> "\r\n" on output, as QEMU does */
    t.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!keep_isig) t.c_lflag &= ~ISIG;
    t.c_cflag &= ~(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(0, TCSANOW, &t);
    atexit(term_restore);
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS };
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) signal(sigs[i], term_signal);
}

struct chardev *chardev_open(const char *spec, bool mux, char *err, size_t errlen)
{
    struct chardev *c = calloc(1, sizeof *c);
    if (!c) { snprintf(err, errlen, "chardev: out of memory"); return NULL; }
    c->in_fd = c->out_fd = -1;
    if (!strncmp(spec, "mon:", 4)) { mux = true; spec += 4; }
    c->mux = mux;
    if (!strcmp(spec, "null")) {
        c->kind = CHR_NULL;
    } else if (!strcmp(spec, "stdio")) {
        c->kind = CHR_STDIO;
        c->in_fd = 0;
        c->out_fd = 1;
        int fl = fcntl(0, F_GETFL);
        if (fl < 0) c->eof = true;                       /* stdin closed */
        term_raw(!mux);
    } else if (!strncmp(spec, "file:", 5) && spec[5]) {
        c->kind = CHR_FILE;
        c->out_fd = open(spec + 5, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (c->out_fd < 0) {
            snprintf(err, errlen, "-serial %s: %s", spec, strerror(errno));
            free(c);
            return NULL;
        }
    } else {
        snprintf(err, errlen, "-serial %s: unsupported backend (use stdio, mon:stdio, file:PATH or null)", spec);
        free(c);
        return NULL;
    }
    return c;
}

void chardev_close(struct chardev *c)
{
    if (!c) return;
    if (c->kind == CHR_STDIO) term_restore();
    if (c->kind == CHR_FILE && c->out_fd >= 0) close(c->out_fd);
    free(c);
}

static void out_raw(struct chardev *c, const uint8_t *buf, size_t len)
{
    while (len && c->out_fd >= 0) {
        ssize_t n = write(c->out_fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) { struct pollfd p = { c->out_fd, POLLOUT, 0 }; poll(&p, 1, 100); continue; }
            return;                                  /* host output gone: drop, never abort */
        }
        buf += n;
        len -= (size_t)n;
    }
}

void chardev_write(struct chardev *c, const uint8_t *buf, size_t len)
{
    if (c) out_raw(c, buf, len);
}

void chardev_set_frontend(struct chardev *c, size_t (*can_receive)(void *),
                          void (*receive)(void *, const uint8_t *, size_t), void *opaque)
{
    c->can_receive = can_receive;
    c->receive = receive;
    c->fe_opaque = opaque;
}

void chardev_set_input_hook(struct chardev *c, void (*hook)(void *, const uint8_t *, size_t),
                            void *opaque)
{
    c->input_hook = hook;
    c->hook_opaque = opaque;
}

/* Hand pending bytes to the frontend as far as it has room. */
static void flush_pending(struct chardev *c)
{
    if (!c->npending || !c->receive) return;
    size_t room = c->can_receive ? c->can_receive(c->fe_opaque) : c->npending;
    if (room > c->npending) room = c->npending;
    if (!room) return;
    c->receive(c->fe_opaque, c->pending, room);
    memmove(c->pending, c->pending + room, c->npending - room);
    c->npending -= room;
}

static void to_guest(struct chardev *c, uint8_t ch)
{
    if (c->npending < sizeof c->pending) c->pending[c->npending++] = ch;
}

static const char mux_help[] =
    "\r\nC-a h    print this help\r\n"
    "C-a x    exit emulator\r\n"
    "C-a C-a  sends C-a\r\n";

/* Ctrl-A escape processing of QEMU's mux chardev. */
static void input_bytes(struct chardev *c, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t ch = buf[i];
        if (!c->mux) { to_guest(c, ch); continue; }
        if (c->escape_pending) {
            c->escape_pending = false;
            switch (ch) {
            case 'x': case 'X':
                out_raw(c, (const uint8_t *)"faultline: terminated (C-a x)\r\n", 31);
                c->quit = true;
                break;
            case 'h': case 'H': case '?':
                out_raw(c, (const uint8_t *)mux_help, sizeof mux_help - 1);
                break;
            case 0x01: to_guest(c, 0x01); break;
            case 'c': case 'C':
                out_raw(c, (const uint8_t *)"\r\nfaultline: the monitor is not implemented yet\r\n", 49);
                break;
            default: break;                      /* unknown escape: swallowed, as QEMU */
            }
        } else if (ch == 0x01) {
            c->escape_pending = true;
        } else {
            to_guest(c, ch);
        }
    }
    flush_pending(c);
}

void chardev_inject(struct chardev *c, const uint8_t *buf, size_t len)
{
    if (c->input_hook) c->input_hook(c->hook_opaque, buf, len);
    input_bytes(c, buf, len);
}

int chardev_poll(struct chardev *c, int timeout_ms)
{
    if (!c) return 0;
    flush_pending(c);
    if (c->replay || c->kind != CHR_STDIO || c->eof || c->npending >= sizeof c->pending) return 0;
    struct pollfd p = { c->in_fd, POLLIN, 0 };
    int r = poll(&p, 1, timeout_ms);
    if (r <= 0) return 0;
    if (p.revents & (POLLERR | POLLNVAL)) { c->eof = true; return 0; }
    uint8_t buf[sizeof c->pending];
    ssize_t n = read(c->in_fd, buf, sizeof c->pending - c->npending);
    if (n <= 0) {
        if (n == 0 || (errno != EINTR && errno != EAGAIN)) c->eof = true;
        return 0;
    }
    chardev_inject(c, buf, (size_t)n);
    return (int)n;
}

bool chardev_input_possible(const struct chardev *c)
{
    return c && c->kind == CHR_STDIO && !c->eof;
}

void chardev_set_replay(struct chardev *c, bool input_possible)
{
    if (!c) return;
    if (c->kind == CHR_STDIO) term_restore();    /* nothing is read: keep the user's terminal */
    c->replay = true;
    c->eof = !input_possible;
}

void chardev_set_input_ended(struct chardev *c) { if (c) c->eof = true; }

bool chardev_quit_requested(const struct chardev *c) { return c && c->quit; }

bool chardev_interactive(const struct chardev *c)
{
    return !c->replay && chardev_input_possible(c) && c->in_fd >= 0 && isatty(c->in_fd);
}
