/* Properties of a region: the rows, and the one setter behind
 * --size=1G and --object ...,size=1G alike.  The value is checked as
 * QEMU's setter checks it, and a refusal names the property and the
 * value. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "props.h"
#include "util.h"

#define R(field) .off = offsetof(struct region, field)
/* In --help order. */
const struct prop region_props[PROP_COUNT] = {
	[PROP_SIZE] = { "size", P_SIZE, R(size), .arg = "SIZE",
	  .help = "Size of the region: 4G, 512M (K, M, G, T, P, E: base 1024)" },
	[PROP_SHARE] = { "share", P_TRI, R(share), .help = "Map the memory shared (default: on for memfd and shm)" },
	[PROP_RESERVE] = { "reserve", P_BOOL, R(reserve), .help = "Reserve swap space or huge pages (default: on)" },
	[PROP_MERGE] = { "merge", P_BOOL, R(merge), .help = "Mark the memory mergeable by KSM (default: on)" },
	[PROP_DUMP] = { "dump", P_BOOL, R(dump), .help = "Include the memory in core dumps (default: on)" },

	[PROP_POLICY] = { "policy", P_POLICY, R(policy), .arg = "POLICY",
	  .help = "default, preferred, bind, interleave, preferred-many, weighted-interleave or local" },
	[PROP_HOST_NODES] = { "host-nodes", P_NODES, R(host_nodes), .arg = "NODES",
	  .help = "Nodes for the policy: 0-3,5 or all or !LIST" },
	[PROP_WEIGHTS] = { "weights", P_WEIGHTS, R(weights), .has_off = offsetof(struct region, has_weights),
	  .arg = "N:W,...", .help = "With interleave or weighted-interleave: stripes on each node N in the ratio of the weights W" },
	[PROP_HOME_NODE] = { "home-node", P_NODE, R(home_node), .arg = "NODE",
	  .help = "With bind or preferred-many: allocate on NODE first, the nearest host-nodes next" },
	[PROP_STATIC_NODES] = { "static-nodes", P_BOOL, R(flag[FLAG_STATIC_NODES]),
	  .help = "Keep host-nodes as given when the allowed nodes change (MPOL_F_STATIC_NODES)" },
	[PROP_RELATIVE_NODES] = { "relative-nodes", P_BOOL, R(flag[FLAG_RELATIVE_NODES]),
	  .help = "Read host-nodes relative to the allowed nodes (MPOL_F_RELATIVE_NODES)" },
	[PROP_NUMA_BALANCING] = { "numa-balancing", P_BOOL, R(flag[FLAG_NUMA_BALANCING]),
	  .help = "With policy bind: let NUMA balancing move pages among host-nodes (Linux 5.12)" },

	[PROP_PREALLOC] = { "prealloc", P_BOOL, R(prealloc), .help = "Preallocate the memory after the policy is set" },
	[PROP_PREALLOC_THREADS] = { "prealloc-threads", P_UINT, R(prealloc_threads), .arg = "N",
	  .help = "Threads that preallocate (default: online CPUs, at most 16)" },
	/* QEMU's link to a thread-context, resolved once every object is read */
	[PROP_PREALLOC_CONTEXT] = { "prealloc-context", P_STRING, R(prealloc_context), .link = true },
	/* numamem's shorthand for a thread-context of its own */
	[PROP_PREALLOC_CPUS] = { "prealloc-cpus", P_CPUS, R(prealloc_cpus),
	  .has_off = offsetof(struct region, has_prealloc_cpus), .not_qom = true, .arg = "CPUS",
	  .help = "Run prealloc threads on these CPUs" },
	[PROP_PREALLOC_NODES] = { "prealloc-nodes", P_NODES, R(prealloc_nodes),
	  .has_off = offsetof(struct region, has_prealloc_nodes), .not_qom = true, .arg = "NODES",
	  .help = "Run prealloc threads on the CPUs of these nodes" },

	[PROP_MEM_PATH] = { "mem-path", P_STRING, R(mem_path), .kinds = KIND(FILE), .arg = "PATH",
	  .help = "File to map, or directory for an unlinked temporary file" },
	[PROP_ALIGN] = { "align", P_SIZE, R(align), .kinds = KIND(FILE), .arg = "SIZE",
	  .help = "Align the mapping to SIZE (a power of two)" },
	[PROP_OFFSET] = { "offset", P_SIZE, R(offset), .kinds = KIND(FILE), .arg = "SIZE",
	  .help = "Map the file from this offset" },
	[PROP_DISCARD_DATA] = { "discard-data", P_BOOL, R(discard_data), .kinds = KIND(FILE),
	  .help = "Discard the file's contents on exit" },
	[PROP_READONLY] = { "readonly", P_BOOL, R(readonly), .kinds = KIND(FILE), .help = "Open the file read-only" },
	[PROP_ROM] = { "rom", P_TRI, R(rom), .kinds = KIND(FILE), .arg = "on|off|auto",
	  .help = "Map read-only: on, off or auto (auto: as readonly)" },
	[PROP_PMEM] = { "pmem", P_BOOL, R(pmem), .kinds = KIND(FILE),
	  .help = "The file is persistent memory: map it with MAP_SYNC" },

	[PROP_HUGETLB] = { "hugetlb", P_BOOL, R(hugetlb), .kinds = KIND(MEMFD),
	  .help = "Back the memfd with hugetlb pages" },
	[PROP_HUGETLBSIZE] = { "hugetlbsize", P_SIZE, R(hugetlbsize), .kinds = KIND(MEMFD), .nonzero = true,
	  .arg = "SIZE", .help = "Huge page size for hugetlb (default: the host's default)" },
	[PROP_SEAL] = { "seal", P_BOOL, R(seal), .kinds = KIND(MEMFD),
	  .help = "Seal the memfd against growing and shrinking (default: on)" },
	/* QEMU's, about the name of its RAM block: taken and ignored */
	[PROP_X_USE_CANONICAL_PATH] = { "x-use-canonical-path-for-ramblock-id", P_IGNORE },
};
#undef R

const struct prop *prop_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(region_props); i++)
		if (!region_props[i].not_qom && !strcmp(region_props[i].name, name))
			return &region_props[i];
	return NULL;
}

/* ------------------------------------------------------------ messages */

static void list_names(const char *const *table, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		if (table[i])
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", table[i]);
}

static int size_error(const char *name, const char *value, int r)
{
	if (r == -ERANGE)
		return fail(EXIT_USAGE, "invalid %s '%s': too large (16 EiB and above)", name, value);
	if (r == -ENOMEM)
		return fail_oom();
	return fail(EXIT_USAGE, "invalid %s '%s': expected a number with an optional K, M, G, T, P or E suffix (a fraction needs one), or 0x and hex digits",
		    name, value);
}

/* In QEMU's syntax a comma ends the value (a second node is a second
 * host-nodes=) and + is a sign: the forms named say so. */
static int list_error(const char *name, const char *value, enum prop_syntax syntax, int r, unsigned long bad,
		      unsigned long max, bool cpus)
{
	if (r == -ERANGE)
		return fail(EXIT_USAGE, "invalid %s '%s': %lu is above the highest possible, %lu", name, value,
			    bad, max - 1);
	if (r == -ENOENT)
		return fail(EXIT_USAGE, "invalid %s '%s': the list names no %s", name, value,
			    cpus ? "CPU" : "node");
	if (cpus)
		return fail(EXIT_USAGE, "invalid %s '%s': expected a list such as %s", name, value,
			    syntax == SYNTAX_OBJECT ? "0-3, 8-11:2, all or !LIST" : "0-3,8-11:2, all, !LIST or +LIST");
	return fail(EXIT_USAGE, "invalid %s '%s': expected a list such as %s", name, value,
		    syntax == SYNTAX_OBJECT ? "0-3, all, !LIST or netdev:DEV" : "0-3,5, all, !LIST, +LIST or netdev:DEV");
}

/* A list form only the running host can resolve: +N (numactl's, not
 * in QEMU's syntax, where + is a sign), or a device (netdev:, file:,
 * block:, pci:); libnuma reads those (host.c). */
static bool host_form(const char *value, enum prop_syntax syntax)
{
	return (syntax == SYNTAX_OPTION && value[*value == '!'] == '+') || strchr(value, ':');
}

/* libnuma refused, or resolved to nothing. */
static int resolve_error(const char *name, const char *value, enum prop_syntax syntax, int r, const char *why,
			 bool cpus)
{
	if ((r == -EINVAL || r == -ERANGE) && *why)
		return fail(EXIT_USAGE, "invalid %s '%s': %s", name, value, why);
	if (r == -EINVAL)
		return list_error(name, value, syntax, r, 0, cpus ? CPU_SETSIZE : NUMAMEM_MAX_NODES, cpus);
	if (r == -ENOENT)
		return fail(EXIT_UNAVAILABLE, "%s '%s': names no %s of this host", name, value, cpus ? "CPU" : "node");
	if (value[*value == '!'] == '+') {
		struct nodemask nodes;
		cpu_set_t set;
		unsigned n;

		if (cpus)
			host_cpus_allowed(&set);
		else
			host_nodes_allowed(&nodes);
		n = cpus ? (unsigned)CPU_COUNT(&set) : nodemask_weight(&nodes);
		return fail(EXIT_UNAVAILABLE, "%s '%s': +N counts the %s this process may use, and there %s only %u",
			    name, value, cpus ? "CPUs" : "nodes", n == 1 ? "is" : "are", n);
	}
	return fail(EXIT_UNAVAILABLE, "%s '%s': not on this host (libnuma: %s)", name, value, why);
}

/* numactl's node lists: the pure parser for what needs no host (ranges,
 * all, !LIST: relative to the allowed nodes, below NUMAMEM_SYSROOT), and
 * libnuma for +N and devices. */
int parse_nodes(const char *name, const char *value, enum prop_syntax syntax, struct nodemask *m)
{
	return parse_nodes_among(name, value, syntax, NULL, m);
}

int parse_nodes_among(const char *name, const char *value, enum prop_syntax syntax, const struct nodemask *all,
		      struct nodemask *m)
{
	struct nodemask allowed, got = { { 0 } };
	unsigned long bad = 0;
	char why[256];
	int r;

	if (!host_form(value, syntax)) {
		if (all)
			allowed = *all;
		else
			host_nodes_allowed(&allowed);
		r = syntax == SYNTAX_OBJECT ? parse_object_nodelist(value, &allowed, m, &bad)
					    : parse_nodelist(value, &allowed, m, &bad);
		return r < 0 ? list_error(name, value, syntax, r, bad, NUMAMEM_MAX_NODES, false) : EXIT_OK;
	}
	r = host_resolve_nodes(value, &got, why, sizeof(why));
	if (!r && nodemask_empty(&got))
		r = -ENOENT;
	if (r < 0)
		return resolve_error(name, value, syntax, r, why, false);
	for (size_t i = 0; i < NODEMASK_LONGS; i++)
		m->bits[i] |= got.bits[i];
	return EXIT_OK;
}

/* CPU lists likewise: +N through libnuma, the rest pure. */
int parse_cpus(const char *name, const char *value, enum prop_syntax syntax, cpu_set_t *set)
{
	cpu_set_t allowed, got;
	unsigned long bad = 0;
	char why[256];
	int r;

	if (syntax == SYNTAX_OBJECT || value[*value == '!'] != '+') {
		host_cpus_allowed(&allowed);
		r = syntax == SYNTAX_OBJECT ? parse_object_cpulist(value, &allowed, set, &bad)
					    : parse_cpulist(value, &allowed, set, &bad);
		return r < 0 ? list_error(name, value, syntax, r, bad, CPU_SETSIZE, true) : EXIT_OK;
	}
	CPU_ZERO(&got);
	r = host_resolve_cpus(value, &got, why, sizeof(why));
	if (!r && !CPU_COUNT(&got))
		r = -ENOENT;
	if (r < 0)
		return resolve_error(name, value, syntax, r, why, true);
	CPU_OR(set, set, &got);
	return EXIT_OK;
}

int parse_cpus_bits(const char *name, const char *value, const unsigned long *all, unsigned long *bits, size_t nbits)
{
	const size_t w = 8 * sizeof(unsigned long);
	unsigned long bad = 0;
	int r;

	if (value[*value == '!'] == '+') { /* +N: libnuma resolves it, within cpu_set_t */
		cpu_set_t set;
		int status;

		CPU_ZERO(&set);
		status = parse_cpus(name, value, SYNTAX_OPTION, &set);
		for (size_t c = 0; !status && c < CPU_SETSIZE && c < nbits; c++)
			if (CPU_ISSET(c, &set))
				bits[c / w] |= 1ul << (c % w);
		return status;
	}
	r = parse_cpulist_bits(value, all, bits, nbits, &bad);
	if (r == -ENOMEM)
		return fail_oom();
	return r < 0 ? list_error(name, value, SYNTAX_OPTION, r, bad, nbits, true) : EXIT_OK;
}

int parse_nodes_bits(const char *name, const char *value, const unsigned long *all, unsigned long *bits,
		     size_t nbits)
{
	unsigned long bad = 0;
	char why[256];
	int r;

	if (!host_form(value, SYNTAX_OPTION)) {
		r = parse_nodelist_bits(value, all, bits, nbits, &bad);
		if (r == -ENOMEM)
			return fail_oom();
		return r < 0 ? list_error(name, value, SYNTAX_OPTION, r, bad, nbits, false) : EXIT_OK;
	}
	r = host_resolve_nodes_bits(value, bits, nbits, why, sizeof(why));
	if (!r && !bits_maxbit(bits, nbits))
		r = -ENOENT;
	return r < 0 ? resolve_error(name, value, SYNTAX_OPTION, r, why, false) : EXIT_OK;
}

/* ------------------------------------------------------------ the setter */

static int set_weights(const char *value, unsigned *weights)
{
	unsigned long node;
	int r = parse_weights(value, weights, &node);

	if (r == -ERANGE)
		return fail(EXIT_USAGE, "invalid weights '%s': node %lu is above the highest possible, %d", value, node,
			    NUMAMEM_MAX_NODES - 1);
	if (r == -EDOM)
		return fail(EXIT_USAGE, "invalid weights '%s': node %lu has weight 0; weights are from 1 to 255",
			    value, node);
	if (r == -EOVERFLOW)
		return fail(EXIT_USAGE, "invalid weights '%s': the weight of node %lu is above 255", value, node);
	if (r < 0)
		return fail(EXIT_USAGE, "invalid weights '%s': expected NODE:WEIGHT,... such as 0:3,1:1", value);
	return EXIT_OK;
}

static int set_policy(const char *value, enum policy *policy)
{
	int r = parse_name(value, policy_names, ARRAY_SIZE(policy_names));
	char names[160];

	if (r >= 0) {
		*policy = (enum policy)r;
		return EXIT_OK;
	}
	list_names(policy_names, ARRAY_SIZE(policy_names), names, sizeof(names));
	if (policy_guess(value))
		return fail(EXIT_USAGE, "invalid policy '%s': did you mean '%s'? (choose one of %s)", value,
			    policy_guess(value), names);
	return fail(EXIT_USAGE, "invalid policy '%s': choose one of %s", value, names);
}

/* on, off and their synonyms; rom also takes auto. */
static int set_switch(const struct prop *p, void *field, const char *value, enum prop_syntax syntax)
{
	bool on;
	int r;

	if (prop_takes_auto(p) && !strcmp(value, "auto")) {
		*(enum tristate *)field = TRI_AUTO;
		return EXIT_OK;
	}
	r = syntax == SYNTAX_OBJECT ? parse_object_bool(value, &on) : parse_bool(value, &on);
	if (r < 0 && prop_takes_auto(p))
		return fail(EXIT_USAGE, "invalid %s '%s': expected on, off or auto", p->name, value);
	if (r < 0)
		return fail(EXIT_USAGE, "invalid %s '%s': expected on or off", p->name, value);
	if (p->type == P_TRI)
		*(enum tristate *)field = on ? TRI_ON : TRI_OFF;
	else if (p->type == P_BOOL)
		*(bool *)field = on;
	return EXIT_OK;
}

static int set_field(const struct prop *p, void *field, const char *value, enum prop_syntax syntax)
{
	unsigned long ul;
	uint64_t u64;
	int r;

	switch (p->type) {
	case P_SIZE:
		r = parse_size(value, &u64);
		if (r < 0)
			return size_error(p->name, value, r);
		if (!u64 && p->nonzero)
			return fail(EXIT_USAGE, "invalid %s '%s': must be above zero", p->name, value);
		*(uint64_t *)field = u64;
		return EXIT_OK;
	case P_TRI:
	case P_BOOL:
	case P_IGNORE:
		return set_switch(p, field, value, syntax);
	case P_UINT:
		if ((syntax == SYNTAX_OBJECT ? parse_object_uint : parse_uint)(value, 1, UINT32_MAX, &ul) < 0)
			return fail(EXIT_USAGE, "invalid %s '%s': expected a whole number from 1", p->name, value);
		*(unsigned *)field = (unsigned)ul;
		return EXIT_OK;
	case P_NODE:
		if (parse_uint(value, 0, NUMAMEM_MAX_NODES - 1, &ul) < 0)
			return fail(EXIT_USAGE, "invalid %s '%s': expected a node number from 0 to %d", p->name, value,
				    NUMAMEM_MAX_NODES - 1);
		*(int *)field = (int)ul;
		return EXIT_OK;
	case P_WEIGHTS:
		return set_weights(value, field);
	case P_POLICY:
		return set_policy(value, field);
	case P_NODES:
		return parse_nodes(p->name, value, syntax, field);
	case P_CPUS:
		return parse_cpus(p->name, value, syntax, field);
	case P_STRING:
		if (!*value && !p->link)
			return fail(EXIT_USAGE, "invalid %s '': expected a value", p->name);
		free(*(char **)field);
		*(char **)field = *value ? strdup(value) : NULL;
		return *(char **)field || !*value ? EXIT_OK : fail_oom();
	}
	return fail(EXIT_USAGE, "%s is not a property", p->name);
}

int prop_set(struct region *r, const struct prop *p, const char *value, enum prop_syntax syntax)
{
	int status = set_field(p, (char *)r + p->off, value, syntax);

	if (status)
		return status;
	if (p->off == offsetof(struct region, size))
		r->size_given = true;
	if (p->has_off)
		*(bool *)((char *)r + p->has_off) = true;
	return EXIT_OK;
}
