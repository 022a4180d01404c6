/* The command line into the run: its options, the region of --size and
 * friends, --object (object.h), and the checks of the whole run. */
#ifndef NUMAMEM_OPTIONS_H
#define NUMAMEM_OPTIONS_H

#include "numamem.h"

/* The run as it is before any option. */
void options_init(struct numamem *nm);
/* Parse argv into *nm (which it initialises).  Returns -1 to go on, or
 * an exit status to exit with (0 after --help / --version). */
int options_parse(int argc, char **argv, struct numamem *nm);
void options_free(struct numamem *nm);

#endif
