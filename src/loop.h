/* The hold's event loop: signals, the control socket and its clients,
 * standard input, the --at schedule and the --hold duration, in one
 * poll(). */
#ifndef NUMAMEM_LOOP_H
#define NUMAMEM_LOOP_H

#include "numamem.h"

struct loop;

/* Create the loop: signalfd for the signals run_hold blocked, and the
 * control socket (created with the caller's umask).  Exit status after
 * a message; *lp is NULL then. */
int loop_open(struct numamem *nm, struct loop **lp);
/* Serve until a signal, quit, the end of --control=stdio's input, or
 * the hold duration.  EXIT_OK, or EXIT_CONTROL when an --at command was
 * answered with an error. */
int loop_run(struct loop *lp);
/* Close every descriptor and remove the socket. */
void loop_close(struct loop *lp);

#endif
