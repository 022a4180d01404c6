/* The control protocol of a held run: one command a line, in numamem's
 * own syntax, each answered by one JSON line.
 *
 *   add memory-backend-KIND,id=ID,...   a new region (QEMU's object-add)
 *   del ID                              release it (object-del)
 *   set ID prop=value,...               policy, host-nodes (pages migrate), size
 *   query                               the JSON report
 *   quit                                end the hold
 *
 * Answers: {"ok":{"command":...}} or {"error":"message"}; a refused
 * command changes nothing. */
#ifndef NUMAMEM_CONTROL_H
#define NUMAMEM_CONTROL_H

#include <stdbool.h>

#include "numamem.h"

/* Run one command line against the held regions.  Returns the answer
 * line (with its newline; the caller frees it), or NULL for a blank line
 * or comment, which gets none.  *failed: the answer is an error; *quit:
 * the command was quit. */
char *control_execute(struct numamem *nm, const char *line, bool *failed, bool *quit);
#endif
