/* The properties of a region: one row each (name, type, field, help), and
 * the setter that both the command line and --object go through, so a
 * property's name, type and checks are written once.  Only the syntax
 * the value was written in matters here (enum prop_syntax), never where it
 * came from. */
#ifndef NUMAMEM_PROPS_H
#define NUMAMEM_PROPS_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/nodemask.h"
#include "region.h"

enum prop_type { P_SIZE, P_BOOL, P_TRI, P_UINT, P_NODE, P_WEIGHTS, P_POLICY, P_NODES, P_CPUS, P_STRING, P_IGNORE };

/* Every property, as region_props[] holds them. */
enum prop_id {
	PROP_SIZE, PROP_SHARE, PROP_RESERVE, PROP_MERGE, PROP_DUMP,
	PROP_POLICY, PROP_HOST_NODES, PROP_WEIGHTS, PROP_HOME_NODE,
	PROP_STATIC_NODES, PROP_RELATIVE_NODES, PROP_NUMA_BALANCING,
	PROP_PREALLOC, PROP_PREALLOC_THREADS, PROP_PREALLOC_CONTEXT, PROP_PREALLOC_CPUS, PROP_PREALLOC_NODES,
	PROP_MEM_PATH, PROP_ALIGN, PROP_OFFSET, PROP_DISCARD_DATA, PROP_READONLY, PROP_ROM, PROP_PMEM,
	PROP_HUGETLB, PROP_HUGETLBSIZE, PROP_SEAL,
	PROP_X_USE_CANONICAL_PATH,
	PROP_COUNT
};

#define ALL_KINDS 0u
#define KIND(k) (1u << BACKEND_##k)

struct prop {
	const char *name;
	enum prop_type type;
	size_t off;         /* field in struct region */
	size_t has_off;     /* bool in struct region set when given, 0: none */
	bool nonzero;       /* P_SIZE: 0 is refused (QEMU's setter refuses it) */
	unsigned kinds;     /* backend kinds that have the property, 0: all */
	bool not_qom;       /* numamem's own, not the object's: --object refuses it */
	bool link;          /* P_STRING naming another object: "" names none, as QEMU's links */
	const char *arg, *help; /* the value's form ("SIZE"; NULL: on or off) and what it does */
};

extern const struct prop region_props[PROP_COUNT];

/* The property of an --object key (one of QEMU's object), or NULL. */
const struct prop *prop_find(const char *name);
/* Does a region of kind have p? */
static inline bool prop_of_kind(const struct prop *p, enum backend_kind kind)
{
	return !p->kinds || (p->kinds & (1u << kind));
}
/* Does p take auto besides on and off?  rom is OnOffAuto to QEMU; share
 * is a bool there (auto is only numamem's "not given"). */
static inline bool prop_takes_auto(const struct prop *p)
{
	return p->type == P_TRI && p->arg;
}

/* How a value is written.  SYNTAX_OPTION: numamem's own options, as
 * numactl writes lists (decimal, +LIST relative to the allowed set) and
 * with booleans that also take 1 and 0 in any case.  SYNTAX_OBJECT:
 * QEMU's -object key=value syntax (and the control protocol's, which is
 * it): booleans as qapi_bool_parse(), integers and the numbers of lists
 * as parse_uint() in base 0. */
enum prop_syntax { SYNTAX_OPTION, SYNTAX_OBJECT };

/* Set p of r from its text; marks size_given and p's has_off.  Exit
 * status after a message naming p and the value. */
int prop_set(struct region *r, const struct prop *p, const char *value, enum prop_syntax syntax);

/* Node and CPU lists, added to *m or *set (name: for the message).  Exit
 * status after a message. */
int parse_nodes(const char *name, const char *value, enum prop_syntax syntax, struct nodemask *m);
int parse_cpus(const char *name, const char *value, enum prop_syntax syntax, cpu_set_t *set);
/* The same with "all" and "!" relative to *all instead of the nodes
 * this process may use (numactl's --all); NULL: those. */
int parse_nodes_among(const char *name, const char *value, enum prop_syntax syntax, const struct nodemask *all,
		      struct nodemask *m);
/* A CPU list of numactl's options (numamem's syntax) into a bit array of
 * nbits bits, "all" and "!" relative to all (nbits bits too). */
int parse_cpus_bits(const char *name, const char *value, const unsigned long *all, unsigned long *bits, size_t nbits);
/* A node list of numactl's options into a bit array of nbits bits
 * (host_node_bits(): nodes past 127), "all" and "!" relative to all
 * (nbits bits too); +N and the device forms through libnuma. */
int parse_nodes_bits(const char *name, const char *value, const unsigned long *all, unsigned long *bits,
		     size_t nbits);

#endif
