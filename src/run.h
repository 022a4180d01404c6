/* The actions after the report: hold the regions, or run a COMMAND that
 * inherits them. */
#ifndef NUMAMEM_RUN_H
#define NUMAMEM_RUN_H

#include "numamem.h"
#include "region.h"

/* Tell scripts the regions are ready: stderr line, --ready-file, --ready-fd. */
int run_signal_ready(const struct numamem *nm);
/* --hold: serve the loop (control commands, --at) until SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT, quit or the duration.  Exit status. */
int run_hold(struct numamem *nm);
/* COMMAND: exec it in place (fd regions only) or fork and hold. */
int run_command(struct numamem *nm);
/* NUMAMEM_M0_FD for id "m0" */
void run_env_name(const char *id, const char *what, char *buf, size_t len);

/* --pid PID --trace=FILE: PID's memory per node sampled into FILE
 * until it exits, SIGINT, SIGTERM or SIGHUP, or --hold's duration. */
int run_watch_pid(struct numamem *nm, long pid, const char *comm);

#endif
