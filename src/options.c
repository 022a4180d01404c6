/* Options: popt tables grouped by topic, QEMU-style --object strings, and
 * the one property setter both of them go through. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <popt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "numamem.h"
#include "options.h"

enum prop_type { P_SIZE, P_BOOL, P_TRI, P_UINT, P_POLICY, P_NODES, P_CPUS, P_STRING, P_IGNORE };

#define ALL_KINDS 0u
#define KIND(k) (1u << BACKEND_##k)

struct prop {
	const char *name;
	enum prop_type type;
	size_t off;
	unsigned kinds;     /* backend kinds that have it, 0: all */
	bool cli_only;      /* numamem's own, not a QEMU property */
	bool object_only;   /* only in --object */
	ptrdiff_t has_off;  /* bool set when given, or -1 */
};

#define F(field) offsetof(struct region, field)
static const struct prop props[] = {
	{ "size", P_SIZE, F(size), ALL_KINDS, false, false, -1 },
	{ "policy", P_POLICY, F(policy), ALL_KINDS, false, false, -1 },
	{ "host-nodes", P_NODES, F(host_nodes), ALL_KINDS, false, false, -1 },
	{ "merge", P_BOOL, F(merge), ALL_KINDS, false, false, -1 },
	{ "dump", P_BOOL, F(dump), ALL_KINDS, false, false, -1 },
	{ "prealloc", P_BOOL, F(prealloc), ALL_KINDS, false, false, -1 },
	{ "prealloc-threads", P_UINT, F(prealloc_threads), ALL_KINDS, false, false, -1 },
	{ "prealloc-context", P_STRING, F(prealloc_context), ALL_KINDS, false, true, -1 },
	{ "prealloc-cpus", P_CPUS, F(prealloc_cpus), ALL_KINDS, true, false, F(has_prealloc_cpus) },
	{ "prealloc-nodes", P_NODES, F(prealloc_nodes), ALL_KINDS, true, false, F(has_prealloc_nodes) },
	{ "share", P_TRI, F(share), ALL_KINDS, false, false, -1 },
	{ "reserve", P_BOOL, F(reserve), ALL_KINDS, false, false, -1 },
	{ "mem-path", P_STRING, F(mem_path), KIND(FILE), false, false, -1 },
	{ "align", P_SIZE, F(align), KIND(FILE), false, false, -1 },
	{ "offset", P_SIZE, F(offset), KIND(FILE), false, false, -1 },
	{ "discard-data", P_BOOL, F(discard_data), KIND(FILE), false, false, -1 },
	{ "readonly", P_BOOL, F(readonly), KIND(FILE), false, false, -1 },
	{ "rom", P_TRI, F(rom), KIND(FILE), false, false, -1 },
	{ "pmem", P_BOOL, F(pmem), KIND(FILE), false, false, -1 },
	{ "hugetlb", P_BOOL, F(hugetlb), KIND(MEMFD), false, false, -1 },
	{ "hugetlbsize", P_SIZE, F(hugetlbsize), KIND(MEMFD), false, false, -1 },
	{ "seal", P_BOOL, F(seal), KIND(MEMFD), false, false, -1 },
	{ "x-use-canonical-path-for-ramblock-id", P_IGNORE, 0, ALL_KINDS, false, true, -1 },
};
#undef F

static const struct prop *find_prop(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(props); i++)
		if (!strcmp(props[i].name, name))
			return &props[i];
	return NULL;
}

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
		return fail(EXIT_USAGE, "invalid %s '%s': too large, or not a whole number of bytes", name, value);
	return fail(EXIT_USAGE, "invalid %s '%s': expected a number with an optional K, M, G, T, P or E suffix",
		    name, value);
}

static int list_error(const char *name, const char *value, int r, unsigned long bad, unsigned long max)
{
	if (r == -ERANGE)
		return fail(EXIT_USAGE, "invalid %s '%s': %lu is above the highest possible, %lu", name, value,
			    bad, max - 1);
	if (max == CPU_SETSIZE)
		return fail(EXIT_USAGE, "invalid %s '%s': expected a list such as 0-3,8-11:2 or all", name, value);
	return fail(EXIT_USAGE, "invalid %s '%s': expected a list such as 0-3,5, all or !LIST", name, value);
}

int region_set(struct region *b, const char *name, const char *value, bool from_object)
{
	const struct prop *p = find_prop(name);
	char *field;
	unsigned long bad = 0, ul;
	uint64_t u64;
	bool on;
	int r;

	if (!p || (from_object && p->cli_only) || (!from_object && p->object_only) ||
	    (from_object && p->kinds && !(p->kinds & (1u << region_kind(b)))))
		return fail(EXIT_USAGE, "%s has no property '%s'", b->ops->qom_type, name);
	if (!value)
		return fail(EXIT_USAGE, "property '%s' of region '%s' needs a value", name, b->id);
	if (!from_object && p->kinds && !b->kind_only_prop)
		b->kind_only_prop = p->name;
	field = (char *)b + p->off;
	switch (p->type) {
	case P_SIZE:
		r = parse_size(value, &u64);
		if (r < 0)
			return size_error(name, value, r);
		*(uint64_t *)field = u64;
		if (p->off == offsetof(struct region, size))
			b->size_given = true;
		break;
	case P_BOOL:
		if (parse_bool(value, &on) < 0)
			return fail(EXIT_USAGE, "invalid %s '%s': expected on or off", name, value);
		*(bool *)field = on;
		break;
	case P_TRI:
		if (!strcmp(value, "auto")) {
			*(enum tristate *)field = TRI_AUTO;
			break;
		}
		if (parse_bool(value, &on) < 0)
			return fail(EXIT_USAGE, "invalid %s '%s': expected on, off or auto", name, value);
		*(enum tristate *)field = on ? TRI_ON : TRI_OFF;
		break;
	case P_UINT:
		r = parse_uint(value, 1, UINT32_MAX, &ul);
		if (r < 0)
			return fail(EXIT_USAGE, "invalid %s '%s': expected a whole number from 1", name, value);
		*(unsigned *)field = (unsigned)ul;
		break;
	case P_POLICY:
		r = parse_name(value, policy_names, ARRAY_SIZE(policy_names));
		if (r < 0) {
			char names[160];

			list_names(policy_names, ARRAY_SIZE(policy_names), names, sizeof(names));
			return fail(EXIT_USAGE, "invalid policy '%s': choose one of %s", value, names);
		}
		*(enum policy *)field = (enum policy)r;
		break;
	case P_NODES: {
		struct nodemask allowed;

		host_nodes_allowed(&allowed);
		r = parse_nodelist(value, &allowed, (struct nodemask *)field, &bad);
		if (r < 0)
			return list_error(name, value, r, bad, NUMAMEM_MAX_NODES);
		break;
	}
	case P_CPUS: {
		cpu_set_t allowed;

		host_cpus_allowed(&allowed);
		r = parse_cpulist(value, &allowed, (cpu_set_t *)field, &bad);
		if (r < 0)
			return list_error(name, value, r, bad, CPU_SETSIZE);
		break;
	}
	case P_STRING:
		if (!*value)
			return fail(EXIT_USAGE, "invalid %s '': expected a value", name);
		free(*(char **)field);
		*(char **)field = strdup(value);
		break;
	case P_IGNORE:
		if (parse_bool(value, &on) < 0)
			return fail(EXIT_USAGE, "invalid %s '%s': expected on or off", name, value);
		break;
	}
	if (p->has_off >= 0)
		*(bool *)((char *)b + p->has_off) = true;
	return EXIT_OK;
}

/* QEMU's id rule: a letter, then letters, digits, '-', '.', '_'. */
static bool valid_id(const char *id)
{
	if (!isalpha((unsigned char)*id))
		return false;
	for (; *id; id++)
		if (!isalnum((unsigned char)*id) && !strchr("-._", *id))
			return false;
	return true;
}

static bool id_taken(const struct numamem *nm, const char *id)
{
	for (size_t i = 0; i < nm->nregions; i++)
		if (!strcmp(nm->regions[i].id, id))
			return true;
	for (size_t i = 0; i < nm->ncontexts; i++)
		if (!strcmp(nm->contexts[i].id, id))
			return true;
	return false;
}

/* Split "a=b,c=d" in place; ",," is a literal comma (QEMU's escape). */
static char *next_pair(char **cursor)
{
	char *start = *cursor, *r = start, *w = start;

	if (!start)
		return NULL;
	for (;;) {
		if (*r == ',' && r[1] == ',') {
			*w++ = ',';
			r += 2;
		} else if (*r == ',' || !*r) {
			*cursor = *r ? r + 1 : NULL;
			*w = '\0';
			return start;
		} else {
			*w++ = *r++;
		}
	}
}

static int context_set(struct thread_context *tc, const char *key, const char *value)
{
	unsigned long bad = 0;
	int r;

	if (!strcmp(key, "cpu-affinity")) {
		cpu_set_t allowed;

		host_cpus_allowed(&allowed);
		r = parse_cpulist(value, &allowed, &tc->cpus, &bad);
		if (r < 0)
			return list_error(key, value, r, bad, CPU_SETSIZE);
		tc->has_cpus = true;
	} else if (!strcmp(key, "node-affinity")) {
		struct nodemask allowed;

		host_nodes_allowed(&allowed);
		r = parse_nodelist(value, &allowed, &tc->nodes, &bad);
		if (r < 0)
			return list_error(key, value, r, bad, NUMAMEM_MAX_NODES);
		tc->has_nodes = true;
	} else {
		return fail(EXIT_USAGE, "thread-context has no property '%s'", key);
	}
	if (tc->has_cpus && tc->has_nodes)
		return fail(EXIT_USAGE, "thread-context '%s': cpu-affinity and node-affinity are mutually exclusive",
			    tc->id ? tc->id : "");
	return EXIT_OK;
}

static void *grow(void *array, size_t *n, size_t size)
{
	char *p = realloc(array, (*n + 1) * size);

	if (!p) {
		fail(EXIT_USAGE, "out of memory");
		exit(EXIT_USAGE);
	}
	memset(p + *n * size, 0, size);
	(*n)++;
	return p;
}

int object_parse(struct numamem *nm, const char *spec)
{
	char *copy = strdup(spec), *cursor = copy, *type, *pair, *id = NULL;
	const char *last_key = NULL;
	unsigned ids_seen = 0;
	struct region *b = NULL;
	struct thread_context *tc = NULL;
	int kind, status = EXIT_OK;

	if (!copy)
		return fail(EXIT_USAGE, "out of memory");
	type = next_pair(&cursor);
	if (!strncmp(type, "qom-type=", 9))
		type += 9;
	/* find id first: messages name the region */
	for (char *c = cursor, *q; c; c = q) {
		q = strchr(c, ',');
		if (!strncmp(c, "id=", 3)) {
			size_t len = q ? (size_t)(q - c - 3) : strlen(c + 3);

			id = strndup(c + 3, len);
			break;
		}
		if (q)
			q++;
	}
	if (!id) {
		status = fail(EXIT_USAGE, "--object '%s': parameter 'id' is missing", spec);
		goto out;
	}
	if (!valid_id(id)) {
		status = fail(EXIT_USAGE, "invalid id '%s': use a letter, then letters, digits, '-', '.' or '_'", id);
		goto out;
	}
	if (id_taken(nm, id)) {
		status = fail(EXIT_USAGE, "duplicate id '%s'", id);
		goto out;
	}
	if (!strcmp(type, "thread-context")) {
		nm->contexts = grow(nm->contexts, &nm->ncontexts, sizeof(*tc));
		tc = &nm->contexts[nm->ncontexts - 1];
		tc->id = strdup(id);
	} else if (!strncmp(type, "memory-backend-", 15) &&
		   (kind = parse_name(type + 15, backend_kind_names, BACKEND_KINDS)) >= 0) {
		nm->regions = grow(nm->regions, &nm->nregions, sizeof(*b));
		b = &nm->regions[nm->nregions - 1];
		region_init(b, id);
		region_set_kind(b, (enum backend_kind)kind);
	} else {
		status = fail(EXIT_USAGE, "invalid --object type '%s': expected memory-backend-ram, -memfd, -file, -shm or thread-context",
			      type);
		goto out;
	}
	while (!status && (pair = next_pair(&cursor))) {
		char *eq = strchr(pair, '=');

		if (!eq && last_key && !strcmp(last_key, "host-nodes") && isdigit((unsigned char)*pair)) {
			/* host-nodes=0,2 : a bare list after host-nodes continues it */
			status = region_set(b, "host-nodes", pair, true);
			continue;
		}
		if (!eq) {
			status = fail(EXIT_USAGE, "--object '%s': '%s' is not key=value", spec, pair);
			break;
		}
		*eq = '\0';
		last_key = pair;
		if (!strcmp(pair, "id")) {
			if (ids_seen++)
				status = fail(EXIT_USAGE, "--object '%s': parameter 'id' given twice", spec);
			continue;
		}
		if (tc)
			status = context_set(tc, pair, eq + 1);
		else
			status = region_set(b, pair, eq + 1, true);
	}
	if (!status && tc && !tc->has_cpus && !tc->has_nodes)
		status = fail(EXIT_USAGE, "thread-context '%s' needs cpu-affinity or node-affinity", id);
	if (!status && b && !b->size_given)
		status = fail(EXIT_USAGE, "region '%s': parameter 'size' is missing", id);
out:
	free(id);
	free(copy);
	return status;
}

/* popt: every option returns a code; region options carry the index of
 * their property so one setter serves the command line and --object. */
enum {
	OPT_PROP = 1,              /* + index into props[] */
	OPT_BACKEND = 100,
	OPT_OBJECT,
	OPT_THP,
	OPT_HOLD,
	OPT_READY_FD,
	OPT_READY_FILE,
	OPT_FD,
	OPT_HELP,
	OPT_VERSION,
};

/* Boolean properties: --NAME / --no-NAME through popt's toggle. */
static int toggles[ARRAY_SIZE(props)];

#define TOGGLE(long_name, idx, text) \
	{ long_name, '\0', POPT_ARG_VAL | POPT_ARGFLAG_TOGGLE, &toggles[idx], 1, text, NULL }

enum {
	I_SIZE, I_POLICY, I_HOST_NODES, I_MERGE, I_DUMP, I_PREALLOC, I_PREALLOC_THREADS,
	I_PREALLOC_CONTEXT, I_PREALLOC_CPUS, I_PREALLOC_NODES, I_SHARE, I_RESERVE, I_MEM_PATH,
	I_ALIGN, I_OFFSET, I_DISCARD_DATA, I_READONLY, I_ROM, I_PMEM, I_HUGETLB, I_HUGETLBSIZE,
	I_SEAL,
};

static struct poptOption backend_opts[] = {
	{ "size", '\0', POPT_ARG_STRING, NULL, OPT_PROP + I_SIZE,
	  "Size of the region (K, M, G, T, P, E suffixes, base 1024)", "SIZE" },
	{ "backend", '\0', POPT_ARG_STRING, NULL, OPT_BACKEND,
	  "Backend kind: ram, memfd, file or shm (default: memfd with COMMAND, else ram)", "KIND" },
	TOGGLE("share", I_SHARE, "Map the memory shared (default: on for memfd and shm)"),
	TOGGLE("reserve", I_RESERVE, "Reserve swap space or huge pages (default: on)"),
	TOGGLE("merge", I_MERGE, "Mark the memory mergeable by KSM (default: on)"),
	TOGGLE("dump", I_DUMP, "Include the memory in core dumps (default: on)"),
	{ "thp", '\0', POPT_ARG_STRING, NULL, OPT_THP,
	  "Transparent huge pages: on or off (default: on for ram)", "on|off" },
	{ "object", '\0', POPT_ARG_STRING, NULL, OPT_OBJECT,
	  "A region or thread-context in QEMU's -object syntax (repeatable)", "TYPE,id=ID,..." },
	POPT_TABLEEND
};

static struct poptOption placement_opts[] = {
	{ "policy", '\0', POPT_ARG_STRING, NULL, OPT_PROP + I_POLICY,
	  "NUMA policy: default, preferred, bind, interleave, preferred-many, weighted-interleave or local",
	  "POLICY" },
	{ "host-nodes", '\0', POPT_ARG_STRING, NULL, OPT_PROP + I_HOST_NODES,
	  "Nodes for the policy: 0-3,5 or all or !LIST", "NODES" },
	POPT_TABLEEND
};

static struct poptOption prealloc_opts[] = {
	TOGGLE("prealloc", I_PREALLOC, "Preallocate the memory after the policy is set"),
	{ "prealloc-threads", '\0', POPT_ARG_STRING, NULL, OPT_PROP + I_PREALLOC_THREADS,
	  "Threads that preallocate (default: online CPUs, at most 16)", "N" },
	{ "prealloc-cpus", '\0', POPT_ARG_STRING, NULL, OPT_PROP + I_PREALLOC_CPUS,
	  "Run prealloc threads on these CPUs", "CPUS" },
	{ "prealloc-nodes", '\0', POPT_ARG_STRING, NULL, OPT_PROP + I_PREALLOC_NODES,
	  "Run prealloc threads on the CPUs of these nodes", "NODES" },
	POPT_TABLEEND
};

static struct poptOption file_opts[] = {
	{ "mem-path", '\0', POPT_ARG_STRING, NULL, OPT_PROP + I_MEM_PATH,
	  "File to map, or directory for an unlinked temporary file", "PATH" },
	{ "align", '\0', POPT_ARG_STRING, NULL, OPT_PROP + I_ALIGN,
	  "Align the mapping to SIZE (a power of two)", "SIZE" },
	{ "offset", '\0', POPT_ARG_STRING, NULL, OPT_PROP + I_OFFSET,
	  "Map the file from this offset", "SIZE" },
	TOGGLE("discard-data", I_DISCARD_DATA, "Discard the file's contents on exit"),
	TOGGLE("readonly", I_READONLY, "Open the file read-only"),
	{ "rom", '\0', POPT_ARG_STRING, NULL, OPT_PROP + I_ROM,
	  "Map read-only: on, off or auto (auto: as readonly)", "on|off|auto" },
	TOGGLE("pmem", I_PMEM, "The file is persistent memory: map it with MAP_SYNC"),
	POPT_TABLEEND
};

static struct poptOption memfd_opts[] = {
	TOGGLE("hugetlb", I_HUGETLB, "Back the memfd with hugetlb pages"),
	{ "hugetlbsize", '\0', POPT_ARG_STRING, NULL, OPT_PROP + I_HUGETLBSIZE,
	  "Huge page size for hugetlb (default: the host's default)", "SIZE" },
	TOGGLE("seal", I_SEAL, "Seal the memfd against growing and shrinking (default: on)"),
	POPT_TABLEEND
};

static int o_json, o_verify, o_quiet, o_fork, o_map, o_show_nodes;

static struct poptOption action_opts[] = {
	{ "hold", '\0', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, NULL, OPT_HOLD,
	  "Keep the regions until SIGINT or SIGTERM, or for DURATION (s, m, h)", "DURATION" },
	{ "ready-file", '\0', POPT_ARG_STRING, NULL, OPT_READY_FILE,
	  "Create FILE once every region is complete", "FILE" },
	{ "ready-fd", '\0', POPT_ARG_STRING, NULL, OPT_READY_FD,
	  "Write \"ready\" to descriptor FD and close it once every region is complete", "FD" },
	{ "fd", '\0', POPT_ARG_STRING, NULL, OPT_FD,
	  "Give COMMAND the region at descriptor number FD", "FD" },
	{ "fork", '\0', POPT_ARG_NONE, &o_fork, 0,
	  "Run COMMAND as a child and hold the regions until it exits", NULL },
	POPT_TABLEEND
};

static struct poptOption output_opts[] = {
	{ "json", '\0', POPT_ARG_NONE, &o_json, 0, "Print the report as JSON", NULL },
	{ "verify", '\0', POPT_ARG_NONE, &o_verify, 0,
	  "Exit with status 4 if placement breaks the policy", NULL },
	{ "map", '\0', POPT_ARG_NONE, &o_map, 0,
	  "Draw each region as a map of which node holds each chunk", NULL },
	{ "show-nodes", '\0', POPT_ARG_NONE, &o_show_nodes, 0,
	  "Show each node's memory, free memory, huge pages, CPUs and distances, and exit", NULL },
	{ "quiet", 'q', POPT_ARG_NONE, &o_quiet, 0, "Print no report and no progress", NULL },
	{ "help", 'h', POPT_ARG_NONE, NULL, OPT_HELP, "Show this help and exit", NULL },
	{ "version", 'V', POPT_ARG_NONE, NULL, OPT_VERSION, "Show the version and exit", NULL },
	POPT_TABLEEND
};

static struct poptOption all_opts[] = {
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, backend_opts, 0, "Region:", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, placement_opts, 0, "Placement:", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, prealloc_opts, 0, "Preallocation:", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, file_opts, 0, "File backend:", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, memfd_opts, 0, "memfd backend:", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, action_opts, 0, "Actions:", NULL },
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, output_opts, 0, "Output:", NULL },
	POPT_TABLEEND
};

static int stdout_status(void)
{
	if (fflush(stdout) || ferror(stdout))
		return fail_errno(EXIT_OUTPUT, errno, "cannot write to standard output");
	return EXIT_OK;
}

void options_free(struct numamem *nm)
{
	for (size_t i = 0; i < nm->nregions; i++)
		region_free(&nm->regions[i]);
	for (size_t i = 0; i < nm->ncontexts; i++)
		free(nm->contexts[i].id);
	free(nm->regions);
	free(nm->contexts);
	free(nm->ready_file);
	for (char **a = nm->command; a && *a; a++)
		free(*a);
	free(nm->command);
	*nm = (struct numamem){ .ready_fd = -1, .fd_number = -1 };
}

/* prealloc-context=ID → the thread-context's CPUs or nodes. */
static int resolve_contexts(struct numamem *nm)
{
	for (size_t i = 0; i < nm->nregions; i++) {
		struct region *b = &nm->regions[i];
		const struct thread_context *tc = NULL;

		if (!b->prealloc_context)
			continue;
		for (size_t k = 0; k < nm->ncontexts; k++)
			if (!strcmp(nm->contexts[k].id, b->prealloc_context))
				tc = &nm->contexts[k];
		if (!tc)
			return fail(EXIT_USAGE, "prealloc-context '%s' of region '%s': no thread-context has that id",
				    b->prealloc_context, b->id);
		b->has_prealloc_cpus = tc->has_cpus;
		b->prealloc_cpus = tc->cpus;
		b->has_prealloc_nodes = tc->has_nodes;
		b->prealloc_nodes = tc->nodes;
	}
	return EXIT_OK;
}

/* The ready file is written after every region is complete: a path that
 * cannot be written is refused before anything is allocated. */
static int check_ready_file(const char *path)
{
	char *copy = strdup(path), *dir;
	int r = EXIT_OK;

	if (!*path)
		r = fail(EXIT_USAGE, "invalid ready-file '': expected a path");
	else if (copy && access((dir = dirname(copy)), W_OK) < 0)
		r = fail_errno(EXIT_USAGE, errno, "invalid ready-file '%s': cannot write in '%s'", path, dir);
	free(copy);
	return r;
}

static int parse_fd_arg(const char *opt, const char *arg, int *out)
{
	unsigned long v;

	if (parse_uint(arg, 0, 65535, &v) < 0)
		return fail(EXIT_USAGE, "invalid %s '%s': expected a descriptor number", opt, arg);
	*out = (int)v;
	return EXIT_OK;
}

int options_parse(int argc, char **argv, struct numamem *nm)
{
	struct region cli;
	bool cli_used = false, backend_given = false;
	enum backend_kind cli_kind = BACKEND_RAM;
	poptContext ctx;
	const char **rest;
	int rc, status = -1;

	*nm = (struct numamem){ .ready_fd = -1, .fd_number = -1, .thp = TRI_AUTO };
	memset(toggles, 0, sizeof(toggles));
	region_init(&cli, "m0");
	ctx = poptGetContext("numamem", argc, (const char **)argv, all_opts, POPT_CONTEXT_POSIXMEHARDER);
	poptSetOtherOptionHelp(ctx, "[OPTION...] [-- COMMAND [ARG...]]");
	while ((rc = poptGetNextOpt(ctx)) > 0) {
		char *arg = poptGetOptArg(ctx);
		int r = EXIT_OK;

		if (rc >= OPT_PROP && rc < OPT_PROP + (int)ARRAY_SIZE(props)) {
			r = region_set(&cli, props[rc - OPT_PROP].name, arg, false);
			cli_used = true;
		} else {
			switch (rc) {
			case OPT_BACKEND: {
				int k = parse_name(arg, backend_kind_names, BACKEND_KINDS);

				if (k < 0)
					r = fail(EXIT_USAGE, "invalid backend '%s': choose one of ram, memfd, file, shm", arg);
				else
					cli_kind = (enum backend_kind)k;
				backend_given = cli_used = true;
				break;
			}
			case OPT_OBJECT:
				r = object_parse(nm, arg);
				break;
			case OPT_THP: {
				bool on;

				if (parse_bool(arg, &on) < 0)
					r = fail(EXIT_USAGE, "invalid thp '%s': expected on or off", arg);
				else
					nm->thp = on ? TRI_ON : TRI_OFF;
				break;
			}
			case OPT_HOLD:
				nm->hold = true;
				if (arg && parse_duration(arg, &nm->hold_seconds) < 0)
					r = fail(EXIT_USAGE, "invalid hold duration '%s': expected a number with an optional ms, s, m, h or d suffix",
						 arg);
				else if (arg && nm->hold_seconds <= 0)
					r = fail(EXIT_USAGE, "invalid hold duration '%s': must be above zero", arg);
				break;
			case OPT_READY_FILE:
				r = check_ready_file(arg);
				free(nm->ready_file);
				nm->ready_file = strdup(arg);
				break;
			case OPT_READY_FD:
				r = parse_fd_arg("ready-fd", arg, &nm->ready_fd);
				break;
			case OPT_FD:
				r = parse_fd_arg("fd", arg, &nm->fd_number);
				if (!r && nm->fd_number < 3)
					r = fail(EXIT_USAGE, "invalid fd '%s': 0, 1 and 2 are the command's standard streams",
						 arg);
				break;
			case OPT_HELP:
				poptPrintHelp(ctx, stdout, 0);
				status = stdout_status();
				break;
			case OPT_VERSION:
				printf("numamem from %s\n", PACKAGE_STRING);
				status = stdout_status();
				break;
			}
		}
		free(arg);
		if (r) {
			status = r;
			break;
		}
		if (status >= 0)
			break;
	}
	if (status < 0 && rc < -1) {
		status = fail(EXIT_USAGE, "%s: %s (try 'numamem --help')", poptBadOption(ctx, POPT_BADOPTION_NOALIAS),
			      poptStrerror(rc));
	} else if (status > 0 && status != EXIT_OUTPUT) {
		/* message printed already */
	}
	if (status >= 0)
		goto out;

	for (size_t i = 0; i < ARRAY_SIZE(props); i++) {
		if (!toggles[i])
			continue;
		status = region_set(&cli, props[i].name, toggles[i] > 0 ? "on" : "off", false);
		if (status)
			goto out;
		cli_used = true;
		status = -1;
	}
	rest = poptGetArgs(ctx);
	if (rest && *rest) {
		size_t n = 0;

		while (rest[n])
			n++;
		nm->command = calloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			nm->command[i] = strdup(rest[i]);
	}
	nm->json = o_json;
	nm->verify = o_verify;
	nm->quiet = o_quiet;
	nm->force_fork = o_fork;
	nm->map = o_map;
	nm->show_nodes = o_show_nodes;

	if (cli_used && nm->nregions) {
		status = fail(EXIT_USAGE, "region options such as --size cannot be mixed with --object memory-backend-*: give the properties inside --object");
		goto out;
	}
	if (cli_used) {
		if (!cli.size_given) {
			status = fail(EXIT_USAGE, "no size: give --size=SIZE");
			goto out;
		}
		region_set_kind(&cli, backend_given ? cli_kind : nm->command ? BACKEND_MEMFD : BACKEND_RAM);
		if (cli.kind_only_prop && !(find_prop(cli.kind_only_prop)->kinds & (1u << region_kind(&cli)))) {
			status = fail(EXIT_USAGE, "--%s applies only to the %s backend (this region is %s)",
				      cli.kind_only_prop,
				      find_prop(cli.kind_only_prop)->kinds & KIND(FILE) ? "file" : "memfd",
				      region_kind_name(&cli));
			goto out;
		}
		if (cli.has_prealloc_cpus && cli.has_prealloc_nodes) {
			status = fail(EXIT_USAGE, "--prealloc-cpus and --prealloc-nodes are mutually exclusive");
			goto out;
		}
		nm->regions = grow(nm->regions, &nm->nregions, sizeof(cli));
		nm->regions[0] = cli;
		cli.id = NULL;
		cli.mem_path = cli.prealloc_context = NULL;
	}
	if (nm->show_nodes) {
		if (nm->nregions || nm->command || nm->hold)
			status = fail(EXIT_USAGE, "--show-nodes takes no region, command or --hold");
		goto out;
	}
	if (!nm->nregions) {
		status = fail(EXIT_USAGE, "no region: give --size=SIZE or --object memory-backend-...");
		goto out;
	}
	if (nm->fd_number >= 0 && nm->nregions > 1) {
		status = fail(EXIT_USAGE, "--fd places a single region; this run has %zu", nm->nregions);
		goto out;
	}
	if (!nm->command && (nm->force_fork || nm->fd_number >= 0)) {
		status = fail(EXIT_USAGE, "%s needs a COMMAND after --", nm->force_fork ? "--fork" : "--fd");
		goto out;
	}
	if (nm->hold && nm->command) {
		status = fail(EXIT_USAGE, "--hold and a COMMAND are exclusive: the command's lifetime is the hold");
		goto out;
	}
	for (size_t i = 0; i < nm->nregions; i++) {
		struct region *b = &nm->regions[i];

		if (nm->thp != TRI_AUTO)
			b->thp = nm->thp;
	}
	status = resolve_contexts(nm);
	if (!status)
		status = -1;
out:
	region_free(&cli);
	poptFreeContext(ctx);
	return status;
}
