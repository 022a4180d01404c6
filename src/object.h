/* QEMU's -object syntax: "memory-backend-memfd,id=m0,size=1G,..." or
 * its JSON form, and thread-context objects, into the run's regions and
 * contexts.  The command line's --object and the control protocol's add
 * and set all come here. */
#ifndef NUMAMEM_OBJECT_H
#define NUMAMEM_OBJECT_H

#include <sched.h>
#include <stdbool.h>

#include "lib/nodemask.h"
#include "numamem.h"
#include "region.h"

/* QEMU's thread-context object: where prealloc threads may run. */
struct thread_context {
	char *id;
	bool has_cpus, has_nodes;
	cpu_set_t cpus;
	struct nodemask nodes;
};

/* One "key=value" of an -object string; value is NULL without '='. */
struct object_pair {
	char *key, *value;
};

/* Split "type,a=b,c=d" in place into pairs (*pairs: the caller frees
 * it); ",," is a literal comma (QEMU's escape) everywhere.  Returns the
 * number of pairs, or -1 when out of memory. */
long object_tokenize(char *s, struct object_pair **pairs);

/* One object, appended to nm's regions or contexts.  Exit status. */
int object_parse(struct numamem *nm, const char *spec);
/* Every id once, and no two regions under one environment name of
 * COMMAND's.  Exit status. */
int object_check_ids(const struct numamem *nm);
/* prealloc-context=ID of each region → that thread-context's CPUs or
 * nodes.  Exit status. */
int object_resolve_contexts(struct numamem *nm);

/* The control protocol's add: the object parsed and checked as on the
 * command line (ids, thread-contexts), appended to nm's regions; on
 * failure nm is as before.  Exit status. */
int object_add(struct numamem *nm, const char *spec, struct region **added);
/* The control protocol's set: "key=value,..." onto r, each key one of
 * allowed (NULL-terminated); bit k of *given for allowed[k].  Exit
 * status. */
int object_set_props(struct region *r, const char *props, const char *const *allowed, unsigned *given);

#endif
