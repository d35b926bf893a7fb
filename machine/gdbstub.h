/* machine/gdbstub.h — private to machine/: the gdb remote serial protocol server. */
#ifndef FAULTLINE_GDBSTUB_H
#define FAULTLINE_GDBSTUB_H
#include <stdbool.h>
#include <stddef.h>

struct cpu;
struct gdbstub;

/* spec: "tcp::PORT" (localhost), "tcp:HOST:PORT", or "PORT". Returns NULL and fills err. */
struct gdbstub *gdbstub_listen(const char *spec, struct cpu **cpus, unsigned ncpus, char *err, size_t errlen);
/* Block until a debugger connects. 0 ok, -1 error. */
int gdbstub_accept(struct gdbstub *g);
void gdbstub_free(struct gdbstub *g);

enum gdb_action { GDB_RESUME, GDB_DETACH, GDB_KILL };
/* The machine stopped: `c` is the vCPU that stopped (debug hit, -S start, or Ctrl-C), sig the
 * signal to report (5 = SIGTRAP, 2 = SIGINT). Serves packets until the debugger resumes;
 * single-step/continue requests are applied to the vCPUs with cpu_set_single_step. */
enum gdb_action gdbstub_stopped(struct gdbstub *g, struct cpu *c, int sig);
/* While running: true if the debugger sent an interrupt (Ctrl-C). Non-blocking. */
bool gdbstub_poll_interrupt(struct gdbstub *g);
bool gdbstub_connected(const struct gdbstub *g);
/* Accept a debugger that is waiting to connect, without blocking. True if one connected. */
bool gdbstub_poll_accept(struct gdbstub *g);

#endif
