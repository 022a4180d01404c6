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

/* The control protocol's add: the object parsed and checked as on the
 * command line (ids, thread-contexts), appended to nm's regions; on
 * failure nm is as before.  Exit status. */
int object_add(struct numamem *nm, const char *spec, struct region **added);
/* The control protocol's set: "key=value,..." onto r, each key one of
 * allowed (NULL-terminated); bit k of *given for allowed[k].  Exit
 * status. */
int object_set_props(struct region *r, const char *props, const char *const *allowed, unsigned *given);

#endif
