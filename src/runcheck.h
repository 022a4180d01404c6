/* Checks of the whole run once every option is read: what it writes
 * (ready file, trace, control socket) and the descriptors it gives, so
 * that whatever would fail later, or write over what is not numamem's, is
 * refused before anything is allocated. */
#ifndef NUMAMEM_RUNCHECK_H
#define NUMAMEM_RUNCHECK_H

#include "numamem.h"

/* The ids, the descriptors, the ready file, the trace, the control
 * socket and --traffic's CPUs, in that order; the first refusal is reported.  Exit status. */
int runcheck(const struct numamem *nm);
/* -o's file alone: for --show-nodes, --measure and --pid, which write
 * nothing else.  Exit status. */
int runcheck_output(const struct numamem *nm);
/* --columns: names of the table this run prints (--pid's, --show-nodes'
 * or the report's node table).  Exit status. */
int runcheck_columns(const struct numamem *nm);

#endif
