/* Command line and --object parsing into the run's regions. */
#ifndef NUMAMEM_OPTIONS_H
#define NUMAMEM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "numamem.h"
#include "region.h"

/* QEMU's thread-context object: where prealloc threads may run. */
struct thread_context {
	char *id;
	bool has_cpus, has_nodes;
	cpu_set_t cpus;
	struct nodemask nodes;
};

/* The run as it is before any option. */
void options_init(struct numamem *nm);
/* Parse argv into *nm (which it initialises).  Returns -1 to go on, or
 * an exit status to exit with (0 after --help / --version). */
int options_parse(int argc, char **argv, struct numamem *nm);
void options_free(struct numamem *nm);
/* "memory-backend-memfd,id=m0,size=1G,..." or "thread-context,..." */
int object_parse(struct numamem *nm, const char *spec);

#endif
