/* Options: one list of every option and property.  popt's rows, the
 * --object keys and the setter they share all come from it, so an
 * option's name, type, field and help text are written once.  Options
 * that exclude or need each other are one table, checked in one place.
 * Nothing here is static state: parsing twice gives the same result. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <libgen.h>
#include <popt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "backends/backend.h"
#include "control.h"
#include "host.h"
#include "lib/json.h"
#include "traffic.h"
#include "numamem.h"
#include "options.h"

struct parser;

enum opt_type {
	/* properties of a region: a field of struct region */
	P_SIZE, P_BOOL, P_TRI, P_UINT, P_NODE, P_WEIGHTS, P_POLICY, P_NODES, P_CPUS, P_STRING, P_IGNORE,
	/* options of the run */
	O_FLAG,    /* a bool field of struct numamem */
	O_HANDLER, /* handled by .handler */
	O_MEMPOLICY, /* COMMAND's memory policy: .mode */
};

/* Where an option may be given. */
enum scope { BOTH, CLI_ONLY, OBJECT_ONLY };

/* popt's help groups, in --help order. */
enum group { G_REGION, G_PLACEMENT, G_PREALLOC, G_FILE, G_MEMFD, G_PROCESS, G_ACTIONS, G_OUTPUT, G_COUNT };
static const char *const group_titles[G_COUNT] = {
	[G_REGION] = "Region:",
	[G_PLACEMENT] = "Placement:",
	[G_PREALLOC] = "Preallocation:",
	[G_FILE] = "File backend:",
	[G_MEMFD] = "memfd backend:",
	[G_PROCESS] = "COMMAND's own policy and CPUs (numactl's options):",
	[G_ACTIONS] = "Actions:",
	[G_OUTPUT] = "Output:",
};

/* What the command line held, for the rules below. */
enum seen {
	SEEN_REGION_OPT = 1 << 0,     /* --size, --backend and every region option */
	SEEN_OBJECT_REGION = 1 << 1,  /* --object memory-backend-* */
	SEEN_PREALLOC_CPUS = 1 << 2,
	SEEN_PREALLOC_NODES = 1 << 3,
	SEEN_HOLD = 1 << 4,
	SEEN_COMMAND = 1 << 5,
	SEEN_SHOW_NODES = 1 << 6,
	SEEN_FD = 1 << 7,
	SEEN_FORK = 1 << 8,
	SEEN_MEMBIND = 1 << 9,
	SEEN_INTERLEAVE = 1 << 10,
	SEEN_PREFERRED = 1 << 11,
	SEEN_PREFERRED_MANY = 1 << 12,
	SEEN_WEIGHTED_INTERLEAVE = 1 << 13,
	SEEN_LOCALALLOC = 1 << 14,
	SEEN_BALANCING = 1 << 15,
	SEEN_CPUNODEBIND = 1 << 16,
	SEEN_PHYSCPUBIND = 1 << 17,
	SEEN_PID = 1 << 18,
	SEEN_MAP = 1 << 19,
	SEEN_REPORT = 1 << 20,
	SEEN_TRACE = 1 << 21,
	SEEN_CONTROL = 1 << 22,
	SEEN_AT = 1 << 23,
	SEEN_CONNECT = 1 << 24,
	SEEN_TRAFFIC = 1 << 25,
	SEEN_MEASURE = 1 << 26,
};
#define SEEN_MEMPOLICY (SEEN_MEMBIND | SEEN_INTERLEAVE | SEEN_PREFERRED | SEEN_PREFERRED_MANY | \
			SEEN_WEIGHTED_INTERLEAVE | SEEN_LOCALALLOC)
#define SEEN_PROCESS (SEEN_MEMPOLICY | SEEN_BALANCING | SEEN_CPUNODEBIND | SEEN_PHYSCPUBIND)

#define ALL_KINDS 0u
#define KIND(k) (1u << BACKEND_##k)

struct opt {
	const char *name;
	enum opt_type type;
	size_t off;         /* field in struct region (P_*) or struct numamem (O_FLAG) */
	size_t has_off;     /* bool in struct region set when given, 0: none */
	bool nonzero;       /* P_SIZE: 0 is refused (QEMU's setter refuses it) */
	unsigned kinds;     /* backend kinds that have the property, 0: all */
	enum scope scope;
	enum group group;
	char short_name;
	bool optional_arg;
	unsigned seen;      /* enum seen bits this option sets */
	int mode;           /* O_MEMPOLICY: enum policy */
	int (*handler)(struct parser *p, const char *arg);
	const char *arg, *help;
};

static int opt_backend(struct parser *p, const char *arg);
static int opt_thp(struct parser *p, const char *arg);
static int opt_object(struct parser *p, const char *arg);
static int opt_hold(struct parser *p, const char *arg);
static int opt_ready_file(struct parser *p, const char *arg);
static int opt_ready_fd(struct parser *p, const char *arg);
static int opt_fd(struct parser *p, const char *arg);
static int opt_help(struct parser *p, const char *arg);
static int opt_color(struct parser *p, const char *arg);
static int opt_version(struct parser *p, const char *arg);
static int opt_cpunodebind(struct parser *p, const char *arg);
static int opt_physcpubind(struct parser *p, const char *arg);
static int opt_pid(struct parser *p, const char *arg);
static int opt_trace(struct parser *p, const char *arg);
static int opt_control(struct parser *p, const char *arg);
static int opt_at(struct parser *p, const char *arg);
static int opt_connect(struct parser *p, const char *arg);
static int opt_traffic(struct parser *p, const char *arg);

#define R(field) .off = offsetof(struct region, field)
#define N(field) .off = offsetof(struct numamem, field)
/* In --help order, by group. */
static const struct opt opts[] = {
	{ "size", P_SIZE, R(size), .group = G_REGION, .arg = "SIZE",
	  .help = "Size of the region (K, M, G, T, P, E suffixes, base 1024)" },
	{ "backend", O_HANDLER, .scope = CLI_ONLY, .group = G_REGION, .handler = opt_backend,
	  .seen = SEEN_REGION_OPT, .arg = "KIND",
	  .help = "Backend kind: ram, memfd, file or shm (default: memfd with COMMAND, else ram)" },
	{ "share", P_TRI, R(share), .group = G_REGION,
	  .help = "Map the memory shared (default: on for memfd and shm)" },
	{ "reserve", P_BOOL, R(reserve), .group = G_REGION,
	  .help = "Reserve swap space or huge pages (default: on)" },
	{ "merge", P_BOOL, R(merge), .group = G_REGION, .help = "Mark the memory mergeable by KSM (default: on)" },
	{ "dump", P_BOOL, R(dump), .group = G_REGION, .help = "Include the memory in core dumps (default: on)" },
	{ "thp", O_HANDLER, .scope = CLI_ONLY, .group = G_REGION, .handler = opt_thp, .arg = "on|off",
	  .help = "Transparent huge pages: on or off (default: on, as QEMU advises every region)" },
	{ "object", O_HANDLER, .scope = CLI_ONLY, .group = G_REGION, .handler = opt_object,
	  .arg = "TYPE,id=ID,...", .help = "A region or thread-context in QEMU's -object syntax (repeatable)" },

	{ "policy", P_POLICY, R(policy), .group = G_PLACEMENT, .arg = "POLICY",
	  .help = "NUMA policy: default, preferred, bind, interleave, preferred-many, weighted-interleave or local" },
	{ "host-nodes", P_NODES, R(host_nodes), .group = G_PLACEMENT, .arg = "NODES",
	  .help = "Nodes for the policy: 0-3,5 or all or !LIST" },
	{ "weights", P_WEIGHTS, R(weights), .has_off = offsetof(struct region, has_weights), .group = G_PLACEMENT,
	  .arg = "N:W,...", .help = "With interleave or weighted-interleave: stripes on each node N in the ratio of the weights W" },
	{ "home-node", P_NODE, R(home_node), .group = G_PLACEMENT, .arg = "NODE",
	  .help = "With bind or preferred-many: allocate on NODE first, the nearest host-nodes next" },
	{ "static-nodes", P_BOOL, R(flag[FLAG_STATIC_NODES]), .group = G_PLACEMENT,
	  .help = "Keep host-nodes as given when the allowed nodes change (MPOL_F_STATIC_NODES)" },
	{ "relative-nodes", P_BOOL, R(flag[FLAG_RELATIVE_NODES]), .group = G_PLACEMENT,
	  .help = "Read host-nodes relative to the allowed nodes (MPOL_F_RELATIVE_NODES)" },
	{ "numa-balancing", P_BOOL, R(flag[FLAG_NUMA_BALANCING]), .group = G_PLACEMENT,
	  .help = "With policy bind: let NUMA balancing move pages among host-nodes (Linux 5.12)" },

	{ "prealloc", P_BOOL, R(prealloc), .group = G_PREALLOC,
	  .help = "Preallocate the memory after the policy is set" },
	{ "prealloc-threads", P_UINT, R(prealloc_threads), .group = G_PREALLOC, .arg = "N",
	  .help = "Threads that preallocate (default: online CPUs, at most 16)" },
	{ "prealloc-context", P_STRING, R(prealloc_context), .scope = OBJECT_ONLY },
	{ "prealloc-cpus", P_CPUS, R(prealloc_cpus), .has_off = offsetof(struct region, has_prealloc_cpus),
	  .scope = CLI_ONLY, .group = G_PREALLOC, .seen = SEEN_PREALLOC_CPUS, .arg = "CPUS",
	  .help = "Run prealloc threads on these CPUs" },
	{ "prealloc-nodes", P_NODES, R(prealloc_nodes), .has_off = offsetof(struct region, has_prealloc_nodes),
	  .scope = CLI_ONLY, .group = G_PREALLOC, .seen = SEEN_PREALLOC_NODES, .arg = "NODES",
	  .help = "Run prealloc threads on the CPUs of these nodes" },

	{ "mem-path", P_STRING, R(mem_path), .kinds = KIND(FILE), .group = G_FILE, .arg = "PATH",
	  .help = "File to map, or directory for an unlinked temporary file" },
	{ "align", P_SIZE, R(align), .kinds = KIND(FILE), .group = G_FILE, .arg = "SIZE",
	  .help = "Align the mapping to SIZE (a power of two)" },
	{ "offset", P_SIZE, R(offset), .kinds = KIND(FILE), .group = G_FILE, .arg = "SIZE",
	  .help = "Map the file from this offset" },
	{ "discard-data", P_BOOL, R(discard_data), .kinds = KIND(FILE), .group = G_FILE,
	  .help = "Discard the file's contents on exit" },
	{ "readonly", P_BOOL, R(readonly), .kinds = KIND(FILE), .group = G_FILE, .help = "Open the file read-only" },
	{ "rom", P_TRI, R(rom), .kinds = KIND(FILE), .group = G_FILE, .arg = "on|off|auto",
	  .help = "Map read-only: on, off or auto (auto: as readonly)" },
	{ "pmem", P_BOOL, R(pmem), .kinds = KIND(FILE), .group = G_FILE,
	  .help = "The file is persistent memory: map it with MAP_SYNC" },

	{ "hugetlb", P_BOOL, R(hugetlb), .kinds = KIND(MEMFD), .group = G_MEMFD,
	  .help = "Back the memfd with hugetlb pages" },
	{ "hugetlbsize", P_SIZE, R(hugetlbsize), .kinds = KIND(MEMFD), .nonzero = true, .group = G_MEMFD, .arg = "SIZE",
	  .help = "Huge page size for hugetlb (default: the host's default)" },
	{ "seal", P_BOOL, R(seal), .kinds = KIND(MEMFD), .group = G_MEMFD,
	  .help = "Seal the memfd against growing and shrinking (default: on)" },
	{ "x-use-canonical-path-for-ramblock-id", P_IGNORE, .scope = OBJECT_ONLY },

	{ "membind", O_MEMPOLICY, .mode = POLICY_BIND, .scope = CLI_ONLY, .group = G_PROCESS, .short_name = 'm',
	  .seen = SEEN_MEMBIND, .arg = "NODES", .help = "Allocate COMMAND's memory only on NODES" },
	{ "interleave", O_MEMPOLICY, .mode = POLICY_INTERLEAVE, .scope = CLI_ONLY, .group = G_PROCESS,
	  .short_name = 'i', .seen = SEEN_INTERLEAVE, .arg = "NODES",
	  .help = "Interleave COMMAND's memory over NODES, page by page" },
	{ "preferred", O_MEMPOLICY, .mode = POLICY_PREFERRED, .scope = CLI_ONLY, .group = G_PROCESS,
	  .short_name = 'p', .seen = SEEN_PREFERRED, .arg = "NODE",
	  .help = "Allocate COMMAND's memory on NODE while it has room, else elsewhere" },
	{ "preferred-many", O_MEMPOLICY, .mode = POLICY_PREFERRED_MANY, .scope = CLI_ONLY, .group = G_PROCESS,
	  .short_name = 'P', .seen = SEEN_PREFERRED_MANY, .arg = "NODES",
	  .help = "Allocate COMMAND's memory on NODES while they have room, else elsewhere" },
	{ "weighted-interleave", O_MEMPOLICY, .mode = POLICY_WEIGHTED_INTERLEAVE, .scope = CLI_ONLY,
	  .group = G_PROCESS, .short_name = 'w', .seen = SEEN_WEIGHTED_INTERLEAVE, .arg = "NODES",
	  .help = "Interleave COMMAND's memory over NODES by the kernel's node weights" },
	{ "localalloc", O_MEMPOLICY, .mode = POLICY_LOCAL, .scope = CLI_ONLY, .group = G_PROCESS, .short_name = 'l',
	  .seen = SEEN_LOCALALLOC, .help = "Allocate COMMAND's memory on the node it runs on" },
	{ "balancing", O_FLAG, N(proc.balancing), .scope = CLI_ONLY, .group = G_PROCESS, .short_name = 'b',
	  .seen = SEEN_BALANCING, .help = "With --membind: let NUMA balancing move pages among the bound nodes" },
	{ "cpunodebind", O_HANDLER, .scope = CLI_ONLY, .group = G_PROCESS, .short_name = 'N',
	  .handler = opt_cpunodebind, .seen = SEEN_CPUNODEBIND, .arg = "NODES",
	  .help = "Run COMMAND on the CPUs of NODES" },
	{ "physcpubind", O_HANDLER, .scope = CLI_ONLY, .group = G_PROCESS, .short_name = 'C',
	  .handler = opt_physcpubind, .seen = SEEN_PHYSCPUBIND, .arg = "CPUS", .help = "Run COMMAND on CPUS" },

	{ "hold", O_HANDLER, .scope = CLI_ONLY, .group = G_ACTIONS, .handler = opt_hold, .optional_arg = true,
	  .seen = SEEN_HOLD, .arg = "DURATION",
	  .help = "Keep the regions until SIGINT or SIGTERM, or for DURATION (s, m, h)" },
	{ "control", O_HANDLER, .scope = CLI_ONLY, .group = G_ACTIONS, .handler = opt_control, .seen = SEEN_CONTROL,
	  .arg = "unix:PATH|stdio",
	  .help = "With --hold: answer commands (add, del, set, query, quit) on socket PATH or standard input" },
	{ "at", O_HANDLER, .scope = CLI_ONLY, .group = G_ACTIONS, .handler = opt_at, .seen = SEEN_AT,
	  .arg = "TIME:COMMAND", .help = "With --hold: run a control command TIME after the regions are ready (repeatable)" },
	{ "connect", O_HANDLER, .scope = CLI_ONLY, .group = G_ACTIONS, .handler = opt_connect, .seen = SEEN_CONNECT,
	  .arg = "PATH", .help = "Send each COMMAND to the control socket PATH, print the answers and exit" },
	{ "traffic", O_HANDLER, .scope = CLI_ONLY, .group = G_ACTIONS, .handler = opt_traffic, .seen = SEEN_TRAFFIC,
	  .arg = "MODE[,threads=N,cpus=CPUS]",
	  .help = "With --hold: stream over the regions (read, write or copy) and print each one's bandwidth every second" },
	{ "ready-file", O_HANDLER, .scope = CLI_ONLY, .group = G_ACTIONS, .handler = opt_ready_file,
	  .arg = "FILE", .help = "Create FILE once every region is complete" },
	{ "ready-fd", O_HANDLER, .scope = CLI_ONLY, .group = G_ACTIONS, .handler = opt_ready_fd, .arg = "FD",
	  .help = "Write \"ready\" to descriptor FD and close it once every region is complete" },
	{ "fd", O_HANDLER, .scope = CLI_ONLY, .group = G_ACTIONS, .handler = opt_fd, .seen = SEEN_FD,
	  .arg = "FD", .help = "Give COMMAND the region at descriptor number FD" },
	{ "fork", O_FLAG, N(force_fork), .scope = CLI_ONLY, .group = G_ACTIONS, .seen = SEEN_FORK,
	  .help = "Run COMMAND as a child and hold the regions until it exits" },
	{ "pid", O_HANDLER, .scope = CLI_ONLY, .group = G_ACTIONS, .handler = opt_pid, .seen = SEEN_PID,
	  .arg = "PID", .help = "Report where the memory of running process PID is, and exit" },

	{ "json", O_FLAG, N(json), .scope = CLI_ONLY, .group = G_OUTPUT, .help = "Print the report as JSON" },
	{ "verify", O_FLAG, N(verify), .scope = CLI_ONLY, .group = G_OUTPUT,
	  .help = "Exit with status 4 (124 with COMMAND) if placement breaks the policy" },
	{ "report", O_FLAG, N(report), .scope = CLI_ONLY, .group = G_OUTPUT, .seen = SEEN_REPORT,
	  .help = "With COMMAND: once it exits, report the regions and its memory per node over time" },
	{ "trace", O_HANDLER, .scope = CLI_ONLY, .group = G_OUTPUT, .handler = opt_trace, .seen = SEEN_TRACE,
	  .arg = "FILE", .help = "With COMMAND: write its memory per node over time to FILE as JSON lines" },
	{ "map", O_FLAG, N(map), .scope = CLI_ONLY, .group = G_OUTPUT, .seen = SEEN_MAP,
	  .help = "Draw each region as a map of which node holds each chunk" },
	{ "color", O_HANDLER, .scope = CLI_ONLY, .group = G_OUTPUT, .handler = opt_color, .arg = "WHEN",
	  .help = "Colour the map: auto (a terminal, NO_COLOR unset), always or never" },
	{ "show-nodes", O_FLAG, N(show_nodes), .scope = CLI_ONLY, .group = G_OUTPUT, .seen = SEEN_SHOW_NODES,
	  .help = "Show each node's memory, tier, huge pages, CPUs, distances and HMAT access, and exit" },
	{ "measure", O_FLAG, N(measure), .scope = CLI_ONLY, .group = G_OUTPUT, .seen = SEEN_MEASURE,
	  .help = "Measure read bandwidth and idle latency from every node with CPUs to every node with memory, and exit" },
	{ "quiet", O_FLAG, N(quiet), .scope = CLI_ONLY, .group = G_OUTPUT, .short_name = 'q',
	  .help = "Print no report and no progress" },
	{ "help", O_HANDLER, .scope = CLI_ONLY, .group = G_OUTPUT, .short_name = 'h', .handler = opt_help,
	  .help = "Show this help and exit" },
	{ "version", O_HANDLER, .scope = CLI_ONLY, .group = G_OUTPUT, .short_name = 'V', .handler = opt_version,
	  .help = "Show the version and exit" },
};
#undef R
#undef N

/* Options that exclude or need each other, checked once every option
 * is read (util-linux's ul_excl_t is the model).  The first rule broken
 * is reported. */
enum rule_kind { EXCLUDES, NEEDS, AT_MOST_ONE };
static const struct rule {
	unsigned a, b;      /* enum seen bits: a with any of b, a without b, or two of a */
	enum rule_kind kind;
	const char *message;
	bool name_a;        /* the message follows the option that set a */
} rules[] = {
	{ .a = SEEN_CONNECT,
	  .b = SEEN_REGION_OPT | SEEN_OBJECT_REGION | SEEN_HOLD | SEEN_CONTROL | SEEN_AT | SEEN_PID | SEEN_SHOW_NODES |
	       SEEN_MAP | SEEN_FD | SEEN_FORK | SEEN_PROCESS | SEEN_TRAFFIC,
	  .kind = EXCLUDES,
	  .message = "--connect sends commands to a numamem that holds regions: it takes no region, --hold or other action" },
	{ .a = SEEN_MEASURE,
	  .b = SEEN_REGION_OPT | SEEN_OBJECT_REGION | SEEN_COMMAND | SEEN_HOLD | SEEN_PID | SEEN_SHOW_NODES | SEEN_MAP |
	       SEEN_CONTROL | SEEN_AT | SEEN_TRAFFIC,
	  .kind = EXCLUDES, .message = "--measure measures the host: it takes no region, COMMAND, --hold or other action" },
	{ .a = SEEN_CONTROL, .b = SEEN_HOLD, .kind = NEEDS, .message = "--control needs --hold" },
	{ .a = SEEN_AT, .b = SEEN_HOLD, .kind = NEEDS, .message = "--at needs --hold" },
	{ .a = SEEN_TRAFFIC, .b = SEEN_HOLD, .kind = NEEDS, .message = "--traffic needs --hold" },
	{ .a = SEEN_REGION_OPT, .b = SEEN_OBJECT_REGION, .kind = EXCLUDES, .name_a = true,
	  .message = "cannot be mixed with --object memory-backend-*: give the properties inside --object" },
	{ .a = SEEN_PREALLOC_CPUS, .b = SEEN_PREALLOC_NODES, .kind = EXCLUDES,
	  .message = "--prealloc-cpus and --prealloc-nodes are mutually exclusive" },
	{ .a = SEEN_SHOW_NODES, .b = SEEN_REGION_OPT | SEEN_OBJECT_REGION | SEEN_COMMAND | SEEN_HOLD, .kind = EXCLUDES,
	  .message = "--show-nodes takes no region, command or --hold" },
	{ .a = SEEN_FORK, .b = SEEN_COMMAND, .kind = NEEDS, .message = "--fork needs a COMMAND after --" },
	{ .a = SEEN_FD, .b = SEEN_COMMAND, .kind = NEEDS, .message = "--fd needs a COMMAND after --" },
	{ .a = SEEN_REPORT | SEEN_TRACE, .b = SEEN_COMMAND, .kind = NEEDS,
	  .message = "--report and --trace watch a COMMAND: they need one after --" },
	{ .a = SEEN_HOLD, .b = SEEN_COMMAND, .kind = EXCLUDES,
	  .message = "--hold and a COMMAND are exclusive: the command's lifetime is the hold" },
	{ .a = SEEN_MEMPOLICY, .kind = AT_MOST_ONE,
	  .message = "--membind, --interleave, --preferred, --preferred-many, --weighted-interleave and --localalloc are mutually exclusive" },
	{ .a = SEEN_CPUNODEBIND, .b = SEEN_PHYSCPUBIND, .kind = EXCLUDES,
	  .message = "--cpunodebind and --physcpubind are mutually exclusive" },
	{ .a = SEEN_BALANCING, .b = SEEN_MEMBIND, .kind = NEEDS, .message = "--balancing needs --membind" },
	{ .a = SEEN_PROCESS, .b = SEEN_COMMAND, .kind = NEEDS,
	  .message = "--membind, --cpunodebind and the other options of COMMAND's own policy need a COMMAND after --" },
	{ .a = SEEN_PID, .b = SEEN_REGION_OPT | SEEN_OBJECT_REGION | SEEN_COMMAND | SEEN_HOLD | SEEN_SHOW_NODES | SEEN_MAP,
	  .kind = EXCLUDES,
	  .message = "--pid reports a running process: it takes no region, COMMAND, --hold, --show-nodes or --map" },
};

/* popt's value for opts[i]; 0 and negative values are popt's own. */
#define OPT_CODE(i) (1 + (int)(i))

/* One parse of a command line. */
struct parser {
	struct numamem *nm;
	poptContext ctx;
	struct region cli;          /* the region of --size and friends */
	int backend;                /* --backend, or -1 */
	const struct opt *kind_only; /* first file- or memfd-only option given */
	unsigned seen;
	char first_region_opt[64];  /* as the user wrote it: "--prealloc" */
	int toggles[ARRAY_SIZE(opts)]; /* --NAME / --no-NAME of boolean properties */
	int status;                 /* -1 while parsing goes on */
	struct poptOption rows[G_COUNT][ARRAY_SIZE(opts) + 1];
	struct poptOption table[G_COUNT + 2];
};

static bool is_property(const struct opt *o)
{
	return o->type < O_FLAG;
}

static const struct opt *find_opt(const char *name, enum scope not_in)
{
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (is_property(&opts[i]) && opts[i].scope != not_in && !strcmp(opts[i].name, name))
			return &opts[i];
	return NULL;
}

/* ------------------------------------------------------ property setters */

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

static int list_error(const char *name, const char *value, int r, unsigned long bad, unsigned long max)
{
	if (r == -ERANGE)
		return fail(EXIT_USAGE, "invalid %s '%s': %lu is above the highest possible, %lu", name, value,
			    bad, max - 1);
	if (r == -ENOENT)
		return fail(EXIT_USAGE, "invalid %s '%s': the list names no %s", name, value,
			    max == CPU_SETSIZE ? "CPU" : "node");
	if (max == CPU_SETSIZE)
		return fail(EXIT_USAGE, "invalid %s '%s': expected a list such as 0-3,8-11:2, all, !LIST or +LIST",
			    name, value);
	return fail(EXIT_USAGE, "invalid %s '%s': expected a list such as 0-3,5, all, !LIST, +LIST or netdev:DEV",
		    name, value);
}

/* A list form only the running host can resolve: +N, or a device
 * (netdev:, file:, block:, pci:); libnuma reads those (host.c). */
static bool host_form(const char *value)
{
	return value[*value == '!'] == '+' || strchr(value, ':');
}

/* libnuma refused, or resolved to nothing. */
static int resolve_error(const char *name, const char *value, int r, const char *why, bool cpus)
{
	if ((r == -EINVAL || r == -ERANGE) && *why)
		return fail(EXIT_USAGE, "invalid %s '%s': %s", name, value, why);
	if (r == -EINVAL)
		return list_error(name, value, r, 0, cpus ? CPU_SETSIZE : NUMAMEM_MAX_NODES);
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
static int parse_nodes(const char *name, const char *value, struct nodemask *m)
{
	struct nodemask allowed, got = { { 0 } };
	unsigned long bad = 0;
	char why[256];
	int r;

	if (!host_form(value)) {
		host_nodes_allowed(&allowed);
		r = parse_nodelist(value, &allowed, m, &bad);
		return r < 0 ? list_error(name, value, r, bad, NUMAMEM_MAX_NODES) : EXIT_OK;
	}
	r = host_resolve_nodes(value, &got, why, sizeof(why));
	if (!r && nodemask_empty(&got))
		r = -ENOENT;
	if (r < 0)
		return resolve_error(name, value, r, why, false);
	for (size_t i = 0; i < NODEMASK_LONGS; i++)
		m->bits[i] |= got.bits[i];
	return EXIT_OK;
}

/* CPU lists likewise: +N through libnuma, the rest pure. */
static int parse_cpus(const char *name, const char *value, cpu_set_t *set)
{
	cpu_set_t allowed, got;
	unsigned long bad = 0;
	char why[256];
	int r;

	if (value[*value == '!'] != '+') {
		host_cpus_allowed(&allowed);
		r = parse_cpulist(value, &allowed, set, &bad);
		return r < 0 ? list_error(name, value, r, bad, CPU_SETSIZE) : EXIT_OK;
	}
	CPU_ZERO(&got);
	r = host_resolve_cpus(value, &got, why, sizeof(why));
	if (!r && !CPU_COUNT(&got))
		r = -ENOENT;
	if (r < 0)
		return resolve_error(name, value, r, why, true);
	CPU_OR(set, set, &got);
	return EXIT_OK;
}

static int set_field(const struct opt *o, void *field, const char *value)
{
	unsigned long ul;
	uint64_t u64;
	bool on;
	int r;

	switch (o->type) {
	case P_SIZE:
		r = parse_size(value, &u64);
		if (r < 0)
			return size_error(o->name, value, r);
		if (!u64 && o->nonzero)
			return fail(EXIT_USAGE, "invalid %s '%s': must be above zero", o->name, value);
		*(uint64_t *)field = u64;
		return EXIT_OK;
	case P_TRI:
		if (!strcmp(value, "auto")) {
			*(enum tristate *)field = TRI_AUTO;
			return EXIT_OK;
		}
		if (parse_bool(value, &on) < 0)
			return fail(EXIT_USAGE, "invalid %s '%s': expected on, off or auto", o->name, value);
		*(enum tristate *)field = on ? TRI_ON : TRI_OFF;
		return EXIT_OK;
	case P_BOOL:
	case P_IGNORE:
		if (parse_bool(value, &on) < 0)
			return fail(EXIT_USAGE, "invalid %s '%s': expected on or off", o->name, value);
		if (o->type == P_BOOL)
			*(bool *)field = on;
		return EXIT_OK;
	case P_UINT:
		if (parse_uint(value, 1, UINT32_MAX, &ul) < 0)
			return fail(EXIT_USAGE, "invalid %s '%s': expected a whole number from 1", o->name, value);
		*(unsigned *)field = (unsigned)ul;
		return EXIT_OK;
	case P_NODE:
		if (parse_uint(value, 0, NUMAMEM_MAX_NODES - 1, &ul) < 0)
			return fail(EXIT_USAGE, "invalid %s '%s': expected a node number from 0 to %d", o->name, value,
				    NUMAMEM_MAX_NODES - 1);
		*(int *)field = (int)ul;
		return EXIT_OK;
	case P_WEIGHTS:
		r = parse_weights(value, field, &ul);
		if (r == -ERANGE)
			return fail(EXIT_USAGE, "invalid weights '%s': node %lu is above the highest possible, %d", value, ul,
				    NUMAMEM_MAX_NODES - 1);
		if (r == -EDOM)
			return fail(EXIT_USAGE, "invalid weights '%s': node %lu has weight 0; weights are from 1 to 255",
				    value, ul);
		if (r == -EOVERFLOW)
			return fail(EXIT_USAGE, "invalid weights '%s': the weight of node %lu is above 255", value, ul);
		if (r < 0)
			return fail(EXIT_USAGE, "invalid weights '%s': expected NODE:WEIGHT,... such as 0:3,1:1", value);
		return EXIT_OK;
	case P_POLICY:
		r = parse_name(value, policy_names, ARRAY_SIZE(policy_names));
		if (r < 0) {
			char names[160];

			list_names(policy_names, ARRAY_SIZE(policy_names), names, sizeof(names));
			return fail(EXIT_USAGE, "invalid policy '%s': choose one of %s", value, names);
		}
		*(enum policy *)field = (enum policy)r;
		return EXIT_OK;
	case P_NODES:
		return parse_nodes(o->name, value, field);
	case P_CPUS:
		return parse_cpus(o->name, value, field);
	case P_STRING:
		if (!*value)
			return fail(EXIT_USAGE, "invalid %s '': expected a value", o->name);
		free(*(char **)field);
		*(char **)field = strdup(value);
		return *(char **)field ? EXIT_OK : fail_oom();
	default:
		return fail(EXIT_USAGE, "%s is not a property", o->name);
	}
}

/* One property of a region, from --object or from the command line. */
static int region_set(struct region *r, const struct opt *o, const char *value)
{
	int status = set_field(o, (char *)r + o->off, value);

	if (status)
		return status;
	if (o->off == offsetof(struct region, size))
		r->size_given = true;
	if (o->has_off)
		*(bool *)((char *)r + o->has_off) = true;
	return EXIT_OK;
}

/* ------------------------------------------------------------ --object */

/* QEMU's id rule: a letter, then letters, digits, '-', '.', '_'; and
 * short enough for the names numamem makes of it (memfd names,
 * temporary file names, environment variables). */
#define ID_MAX 128

static bool valid_id(const char *id)
{
	if (!isalpha((unsigned char)*id) || strlen(id) > ID_MAX)
		return false;
	for (; *id; id++)
		if (!isalnum((unsigned char)*id) && !strchr("-._", *id))
			return false;
	return true;
}


/* One "key=value" of an --object string; value is NULL without '='. */
struct pair {
	char *key, *value;
};

/* Split "type,a=b,c=d" in place into pairs; ",," is a literal comma
 * (QEMU's escape) everywhere.  Returns the number of pairs, or -1 when
 * out of memory. */
static long tokenize(char *s, struct pair **pairs)
{
	size_t n = 1;
	char *w = s;

	for (const char *c = s; *c; c++)
		if (*c == ',' && c[1] != ',')
			n++;
		else if (*c == ',')
			c++;
	*pairs = calloc(n, sizeof(**pairs));
	if (!*pairs)
		return -1;
	n = 0;
	(*pairs)[n++].key = s;
	for (char *r = s;; r++) {
		if (*r == ',' && r[1] == ',') {
			*w++ = ',';
			r++;
		} else if (*r == ',' || !*r) {
			bool end = !*r;

			*w++ = '\0';
			if (end)
				break;
			(*pairs)[n++].key = w;
		} else {
			*w++ = *r;
		}
	}
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr((*pairs)[i].key, '=');

		if (eq) {
			*eq = '\0';
			(*pairs)[i].value = eq + 1;
		}
	}
	return (long)n;
}

/* Room for one more element at the end of *array; NULL when out of
 * memory.  The room doubles, so n additions cost O(n). */
static void *grow(void **array, size_t *n, size_t *room, size_t size)
{
	char *p;

	if (*n == *room) {
		size_t want = *room ? *room * 2 : 4;

		p = realloc(*array, want * size);
		if (!p)
			return NULL;
		*array = p;
		*room = want;
	}
	p = (char *)*array + *n * size;
	memset(p, 0, size);
	(*n)++;
	return p;
}

static int context_set(struct thread_context *tc, const char *key, const char *value)
{
	int status;

	if (!strcmp(key, "cpu-affinity")) {
		status = parse_cpus(key, value, &tc->cpus);
		tc->has_cpus = true;
	} else if (!strcmp(key, "node-affinity")) {
		status = parse_nodes(key, value, &tc->nodes);
		tc->has_nodes = true;
	} else {
		return fail(EXIT_USAGE, "thread-context has no property '%s'", key);
	}
	if (!status && tc->has_cpus && tc->has_nodes)
		return fail(EXIT_USAGE, "thread-context '%s': cpu-affinity and node-affinity are mutually exclusive",
			    tc->id);
	return status;
}

static int object_set(struct region *r, const char *key, const char *value)
{
	const struct opt *o = find_opt(key, CLI_ONLY);

	if (!o || (o->kinds && !(o->kinds & (1u << region_kind(r)))))
		return fail(EXIT_USAGE, "%s has no property '%s'", r->ops->qom_type, key);
	if (!value)
		return fail(EXIT_USAGE, "property '%s' of region '%s' needs a value", key, r->id);
	return region_set(r, o, value);
}

/* The object's properties, after type and id. */
static int object_apply(const char *spec, struct pair *pairs, size_t n, struct region *r,
			struct thread_context *tc)
{
	const char *last_key = NULL;
	unsigned ids = 0;

	for (size_t i = 1; i < n; i++) {
		const char *key = pairs[i].key, *value = pairs[i].value;
		int status;

		if (!value && r && last_key && !strcmp(last_key, "host-nodes") && isdigit((unsigned char)*key)) {
			/* host-nodes=0,2 : a bare list after host-nodes continues it */
			status = object_set(r, "host-nodes", key);
		} else if (!value) {
			status = fail(EXIT_USAGE, "--object '%s': '%s' is not key=value", spec, key);
		} else if (!strcmp(key, "id")) {
			status = ids++ ? fail(EXIT_USAGE, "--object '%s': parameter 'id' given twice", spec) : EXIT_OK;
		} else {
			status = tc ? context_set(tc, key, value) : object_set(r, key, value);
		}
		if (status)
			return status;
		if (value)
			last_key = key;
	}
	if (r && !r->size_given)
		return fail(EXIT_USAGE, "region '%s': parameter 'size' is missing", r->id);
	return EXIT_OK;
}

/* A new region or thread-context named id, of type; the caller applies
 * the properties. */
static int object_new(struct numamem *nm, const char *type, const char *id, struct region **r,
		      struct thread_context **tc)
{
	int kind = -1;

	if (!strncmp(type, "memory-backend-", 15))
		kind = parse_name(type + 15, backend_kind_names, BACKEND_KINDS);
	if (kind < 0 && strcmp(type, "thread-context"))
		return fail(EXIT_USAGE, "invalid --object type '%s': expected memory-backend-ram, -memfd, -file, -shm or thread-context",
			    type);
	if (kind < 0) {
		*tc = grow((void **)&nm->contexts, &nm->ncontexts, &nm->contexts_room, sizeof(**tc));
		if (!*tc || !((*tc)->id = strdup(id)))
			return fail_oom();
		return EXIT_OK;
	}
	*r = grow((void **)&nm->regions, &nm->nregions, &nm->regions_room, sizeof(**r));
	if (!*r)
		return fail_oom();
	region_init(*r, id, backend_of((enum backend_kind)kind));
	return (*r)->id ? EXIT_OK : fail_oom();
}

/* ---------------------------------------------------- JSON --object */

static const char *const json_type_names[] = {
	[JSON_STRING] = "a string", [JSON_NUMBER] = "a number", [JSON_BOOL] = "true or false",
	[JSON_NULL] = "null", [JSON_ARRAY] = "an array",
};

/* The JSON type QEMU's QAPI schema gives a property, as QEMU's QObject
 * input visitor demands it: sizes and counts are numbers, booleans are
 * true/false, enums and paths strings, node and CPU lists arrays. */
static enum json_type json_type_of(const struct opt *o, const char *key)
{
	if (!o)
		return !strcmp(key, "cpu-affinity") || !strcmp(key, "node-affinity") ? JSON_ARRAY : JSON_STRING;
	switch (o->type) {
	case P_SIZE:
	case P_UINT:
	case P_NODE:
		return JSON_NUMBER;
	case P_BOOL:
	case P_IGNORE:
		return JSON_BOOL;
	case P_TRI:
		return o->arg ? JSON_STRING : JSON_BOOL; /* rom is OnOffAuto, share a bool */
	case P_NODES:
	case P_CPUS:
		return JSON_ARRAY;
	default:
		return JSON_STRING;
	}
}

/* One member's value as the text the key=value setters take. */
static int json_value_text(const char *spec, const struct json_member *m, bool context, char **text)
{
	const struct opt *o = context ? NULL : find_opt(m->key, CLI_ONLY);
	enum json_type want = json_type_of(o, m->key);
	size_t len = 1, used = 0;

	*text = NULL;
	if (context ? want != JSON_ARRAY : !o)
		return EXIT_OK; /* unknown: object_apply names it */
	if (m->type != want)
		return fail(EXIT_USAGE, "--object '%s': '%s' must be %s, not %s", spec, m->key, json_type_names[want],
			    json_type_names[m->type]);
	if (want == JSON_NUMBER && (m->text[0] == '-' || strpbrk(m->text, ".eE")))
		return fail(EXIT_USAGE, "--object '%s': '%s' must be a whole number from 0, not %s", spec, m->key,
			    m->text);
	if (want != JSON_ARRAY) {
		*text = strdup(!strcmp(m->text, "true") && want == JSON_BOOL ? "on"
			       : !strcmp(m->text, "false") && want == JSON_BOOL ? "off" : m->text);
		return *text ? EXIT_OK : fail_oom();
	}
	for (size_t i = 0; i < m->nitems; i++) {
		if (m->items[i] > UINT16_MAX)
			return fail(EXIT_USAGE, "--object '%s': '%s' takes numbers up to 65535, not %" PRIu64, spec,
				    m->key, m->items[i]);
		len += 6;
	}
	if (!m->nitems)
		return EXIT_OK; /* an empty list sets nothing */
	*text = malloc(len);
	if (!*text)
		return fail_oom();
	for (size_t i = 0; i < m->nitems; i++)
		used += (size_t)snprintf(*text + used, len - used, "%s%" PRIu64, i ? "," : "", m->items[i]);
	return EXIT_OK;
}

/* --object '{"qom-type":"memory-backend-ram","id":"m0","size":1073741824}',
 * as libvirt writes it: the members become the key=value pairs of the
 * other form and go through the same setters and checks. */
static int object_parse_json(struct numamem *nm, const char *spec)
{
	struct json_member *m = NULL;
	struct pair *pairs = NULL;
	size_t n = 0, np = 1;
	const char *type = NULL, *id = NULL;
	struct region *r = NULL;
	struct thread_context *tc = NULL;
	char why[160];
	int status = EXIT_OK, e = parse_json_object(spec, &m, &n, why, sizeof(why));

	if (e == -ENOMEM)
		return fail_oom();
	if (e < 0)
		return fail(EXIT_USAGE, "invalid --object JSON '%s': %s", spec, why);
	pairs = calloc(n + 1, sizeof(*pairs));
	if (!pairs) {
		json_members_free(m, n);
		return fail_oom();
	}
	for (size_t i = 0; i < n && !status; i++) {
		if (strcmp(m[i].key, "qom-type") && strcmp(m[i].key, "id"))
			continue;
		if (m[i].type != JSON_STRING)
			status = fail(EXIT_USAGE, "--object '%s': '%s' must be a string", spec, m[i].key);
		else if (!strcmp(m[i].key, "id"))
			id = m[i].text;
		else
			type = m[i].text;
	}
	if (!status && !type)
		status = fail(EXIT_USAGE, "--object '%s': parameter 'qom-type' is missing", spec);
	else if (!status && !id)
		status = fail(EXIT_USAGE, "--object '%s': parameter 'id' is missing", spec);
	else if (!status && !valid_id(id))
		status = fail(EXIT_USAGE, "invalid id '%s': use a letter, then up to %d letters, digits, '-', '.' or '_'",
			      id, ID_MAX - 1);
	if (!status)
		status = object_new(nm, type, id, &r, &tc);
	pairs[0].key = (char *)type;
	for (size_t i = 0; i < n && !status; i++) {
		char *text;

		if (!strcmp(m[i].key, "qom-type") || !strcmp(m[i].key, "id"))
			continue;
		status = json_value_text(spec, &m[i], tc != NULL, &text);
		if (status)
			break;
		if (!text && (tc ? json_type_of(NULL, m[i].key) == JSON_ARRAY : find_opt(m[i].key, CLI_ONLY) != NULL))
			continue; /* an empty list */
		pairs[np].key = m[i].key;
		pairs[np++].value = text ? text : (char *)"";
		free(m[i].text);
		m[i].text = text; /* freed with the members */
	}
	if (!status)
		status = object_apply(spec, pairs, np, r, tc);
	free(pairs);
	json_members_free(m, n);
	return status;
}

int object_parse(struct numamem *nm, const char *spec)
{
	char *copy;
	struct pair *pairs = NULL;
	long n;
	const char *type, *id = NULL;
	struct region *r = NULL;
	struct thread_context *tc = NULL;
	int status;

	if (spec[0] == '{') /* QEMU: JSON when the argument starts with '{' */
		return object_parse_json(nm, spec);
	copy = strdup(spec);
	n = copy ? tokenize(copy, &pairs) : -1;
	if (n < 0) {
		free(copy);
		return fail_oom();
	}
	type = pairs[0].value && !strcmp(pairs[0].key, "qom-type") ? pairs[0].value : pairs[0].key;
	for (long i = 1; i < n && !id; i++)
		if (pairs[i].value && !strcmp(pairs[i].key, "id"))
			id = pairs[i].value;
	if (!id)
		status = fail(EXIT_USAGE, "--object '%s': parameter 'id' is missing", spec);
	else if (!valid_id(id))
		status = fail(EXIT_USAGE, "invalid id '%s': use a letter, then up to %d letters, digits, '-', '.' or '_'",
			      id, ID_MAX - 1);
	else
		status = object_new(nm, type, id, &r, &tc);
	if (!status)
		status = object_apply(spec, pairs, (size_t)n, r, tc);
	free(pairs);
	free(copy);
	return status;
}

/* ------------------------------------------- a live run's control commands */

static int check_ids(const struct numamem *nm);
static int resolve_contexts(struct numamem *nm);

int object_add(struct numamem *nm, const char *spec, struct region **added)
{
	size_t nr = nm->nregions, nc = nm->ncontexts;
	int status = object_parse(nm, spec);

	if (!status && nm->ncontexts > nc)
		status = fail(EXIT_USAGE, "add '%s': only a memory-backend-* object can be added", spec);
	if (!status)
		status = check_ids(nm);
	if (!status && nm->thp != TRI_AUTO)
		nm->regions[nr].thp = (enum tristate)nm->thp;
	if (!status)
		status = resolve_contexts(nm);
	if (!status && nm->nregions == nr + 1) {
		*added = &nm->regions[nr];
		return EXIT_OK;
	}
	while (nm->nregions > nr)
		region_free(&nm->regions[--nm->nregions]);
	while (nm->ncontexts > nc)
		free(nm->contexts[--nm->ncontexts].id);
	return status ? status : fail(EXIT_USAGE, "add '%s': no region", spec);
}

int object_set_props(struct region *r, const char *props, const char *const *allowed, unsigned *given)
{
	size_t len = strlen(props);
	char *copy = malloc(len + 3);
	struct pair *pairs = NULL;
	const char *last_key = NULL;
	int status = EXIT_OK;
	long n;

	*given = 0;
	if (!copy)
		return fail_oom();
	memcpy(copy, "x,", 2);
	memcpy(copy + 2, props, len + 1);
	n = tokenize(copy, &pairs);
	if (n < 0)
		status = fail_oom();
	for (long i = 1; !status && i < n; i++) {
		const char *key = pairs[i].key, *value = pairs[i].value;
		unsigned k = 0;

		if (!value && last_key && !strcmp(last_key, "host-nodes") && isdigit((unsigned char)*key)) {
			value = key; /* host-nodes=0,2 */
			key = last_key;
		}
		while (allowed[k] && strcmp(allowed[k], key))
			k++;
		if (!value)
			status = fail(EXIT_USAGE, "'%s' is not key=value", key);
		else if (!allowed[k] && !find_opt(key, CLI_ONLY))
			status = fail(EXIT_USAGE, "%s has no property '%s'", r->ops->qom_type, key);
		else if (!allowed[k])
			status = fail(EXIT_USAGE, "property '%s' of region '%s' cannot change while it is held", key,
				      r->id);
		else if (!(*given & (1u << k)) && !strcmp(key, "host-nodes"))
			r->host_nodes = (struct nodemask){ { 0 } }; /* given anew, not added to */
		if (!status)
			status = object_set(r, key, value);
		*given |= 1u << k;
		last_key = key;
	}
	if (!status && n <= 1)
		status = fail(EXIT_USAGE, "no property to set");
	free(pairs);
	free(copy);
	return status;
}

/* -------------------------------------------------------- run options */

static int opt_backend(struct parser *p, const char *arg)
{
	p->backend = parse_name(arg, backend_kind_names, BACKEND_KINDS);
	if (p->backend < 0)
		return fail(EXIT_USAGE, "invalid backend '%s': choose one of ram, memfd, file, shm", arg);
	return EXIT_OK;
}

static int opt_thp(struct parser *p, const char *arg)
{
	bool on;

	if (parse_bool(arg, &on) < 0)
		return fail(EXIT_USAGE, "invalid thp '%s': expected on or off", arg);
	p->nm->thp = on ? TRI_ON : TRI_OFF;
	return EXIT_OK;
}

static int opt_object(struct parser *p, const char *arg)
{
	size_t before = p->nm->nregions;
	int status = object_parse(p->nm, arg);

	if (p->nm->nregions > before)
		p->seen |= SEEN_OBJECT_REGION;
	return status;
}

static int opt_hold(struct parser *p, const char *arg)
{
	p->nm->hold = true;
	if (arg && parse_duration(arg, &p->nm->hold_seconds) < 0)
		return fail(EXIT_USAGE, "invalid hold duration '%s': expected a number with an optional ms, s, m, h or d suffix",
			    arg);
	if (arg && p->nm->hold_seconds <= 0)
		return fail(EXIT_USAGE, "invalid hold duration '%s': must be above zero", arg);
	return EXIT_OK;
}

static int opt_trace(struct parser *p, const char *arg)
{
	if (!*arg)
		return fail(EXIT_USAGE, "invalid trace '': expected a path");
	free(p->nm->trace_file);
	p->nm->trace_file = strdup(arg);
	return p->nm->trace_file ? EXIT_OK : fail_oom();
}

static int opt_ready_file(struct parser *p, const char *arg)
{
	if (!*arg)
		return fail(EXIT_USAGE, "invalid ready-file '': expected a path");
	free(p->nm->ready_file);
	p->nm->ready_file = strdup(arg);
	return p->nm->ready_file ? EXIT_OK : fail_oom();
}

static int parse_fd_arg(const char *opt, const char *arg, int *out)
{
	unsigned long v;

	if (parse_uint(arg, 0, 65535, &v) < 0)
		return fail(EXIT_USAGE, "invalid %s '%s': expected a descriptor number", opt, arg);
	*out = (int)v;
	return EXIT_OK;
}

/* The ready line goes to a descriptor the caller opened for it. */
static int opt_ready_fd(struct parser *p, const char *arg)
{
	int status = parse_fd_arg("ready-fd", arg, &p->nm->ready_fd);

	if (!status && fcntl(p->nm->ready_fd, F_GETFD) < 0)
		return fail(EXIT_USAGE, "invalid ready-fd '%s': descriptor %d is not open", arg, p->nm->ready_fd);
	return status;
}

static int opt_fd(struct parser *p, const char *arg)
{
	int status = parse_fd_arg("fd", arg, &p->nm->fd_number);
	struct rlimit rl;

	if (status)
		return status;
	if (p->nm->fd_number < 3)
		return fail(EXIT_USAGE, "invalid fd '%s': 0, 1 and 2 are the command's standard streams", arg);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)p->nm->fd_number >= rl.rlim_cur)
		return fail(EXIT_USAGE, "invalid fd '%s': above this process's limit of %llu descriptors", arg,
			    (unsigned long long)rl.rlim_cur);
	return EXIT_OK;
}

static int opt_color(struct parser *p, const char *arg)
{
	static const char *const when[] = { [COLOR_AUTO] = "auto", [COLOR_ALWAYS] = "always",
					    [COLOR_NEVER] = "never" };
	int w = parse_name(arg, when, ARRAY_SIZE(when));

	if (w < 0)
		return fail(EXIT_USAGE, "invalid color '%s': choose one of auto, always, never", arg);
	p->nm->color = w;
	return EXIT_OK;
}

/* --membind and the other memory policies of COMMAND: the last given
 * wins, as in numactl (two different ones are refused by the rules). */
static int take_mempolicy(struct parser *p, const struct opt *o, const char *arg)
{
	struct process_policy *pp = &p->nm->proc;

	pp->mode = o->mode;
	pp->mode_opt = o->name;
	pp->nodes = (struct nodemask){ { 0 } };
	if (!arg)
		return EXIT_OK;
	if (parse_nodes(o->name, arg, &pp->nodes))
		return EXIT_USAGE;
	if (o->mode == POLICY_PREFERRED && nodemask_weight(&pp->nodes) > 1)
		return fail(EXIT_USAGE, "invalid preferred '%s': one node (--preferred-many takes several)", arg);
	return EXIT_OK;
}

static int opt_cpunodebind(struct parser *p, const char *arg)
{
	p->nm->proc.has_cpunodes = true;
	p->nm->proc.cpunodes = (struct nodemask){ { 0 } };
	return parse_nodes("cpunodebind", arg, &p->nm->proc.cpunodes);
}

static int opt_physcpubind(struct parser *p, const char *arg)
{
	p->nm->proc.has_cpus = true;
	CPU_ZERO(&p->nm->proc.cpus);
	return parse_cpus("physcpubind", arg, &p->nm->proc.cpus);
}

static int opt_pid(struct parser *p, const char *arg)
{
	unsigned long v;

	if (parse_uint(arg, 1, INT_MAX, &v) < 0)
		return fail(EXIT_USAGE, "invalid pid '%s': expected a process id", arg);
	p->nm->pid = (long)v;
	return EXIT_OK;
}

static int opt_control(struct parser *p, const char *arg)
{
	struct numamem *nm = p->nm;

	nm->control_stdio = !strcmp(arg, "stdio");
	free(nm->control_path);
	nm->control_path = NULL;
	if (nm->control_stdio)
		return EXIT_OK;
	if (strncmp(arg, "unix:", 5) || !arg[5])
		return fail(EXIT_USAGE, "invalid control '%s': expected unix:PATH or stdio", arg);
	nm->control_path = strdup(arg + 5);
	return nm->control_path ? EXIT_OK : fail_oom();
}

static int opt_at(struct parser *p, const char *arg)
{
	struct numamem *nm = p->nm;
	const char *colon = strchr(arg, ':');
	char *time = colon ? strndup(arg, (size_t)(colon - arg)) : NULL;
	struct at_command *at;
	double seconds = 0;
	int r = time ? parse_duration(time, &seconds) : -EINVAL;

	free(time);
	if (r < 0 || seconds < 0 || !colon[1])
		return fail(EXIT_USAGE, "invalid at '%s': expected TIME:COMMAND, such as 10s:query", arg);
	if (!control_known(colon + 1))
		return fail(EXIT_USAGE, "invalid at '%s': '%s' is not a command (add, del, set, query or quit)", arg,
			    colon + 1);
	at = grow((void **)&nm->ats, &nm->nats, &nm->ats_room, sizeof(*at));
	if (!at || !(at->line = strdup(colon + 1)))
		return fail_oom();
	at->seconds = seconds;
	return EXIT_OK;
}

/* read|write|copy[,threads=N,cpus=LIST] */
static int opt_traffic(struct parser *p, const char *arg)
{
	struct numamem *nm = p->nm;
	char *copy = strdup(arg);
	struct pair *pairs = NULL;
	long n = copy ? tokenize(copy, &pairs) : -1;
	int status = EXIT_OK, mode;
	unsigned long threads = 1;

	if (n < 0) {
		free(copy);
		return fail_oom();
	}
	mode = pairs[0].value ? -1 : parse_name(pairs[0].key, traffic_mode_names, TRAFFIC_MODES);
	if (mode <= TRAFFIC_NONE)
		status = fail(EXIT_USAGE, "invalid traffic '%s': expected read, write or copy, then ,threads=N or ,cpus=CPUS",
			      arg);
	nm->has_traffic_cpus = false;
	CPU_ZERO(&nm->traffic_cpus);
	for (long i = 1; !status && i < n; i++) {
		const char *key = pairs[i].key, *value = pairs[i].value;

		if (value && !strcmp(key, "threads")) {
			if (parse_uint(value, 1, 1024, &threads) < 0)
				status = fail(EXIT_USAGE, "invalid traffic threads '%s': expected a whole number from 1 to 1024",
					      value);
		} else if (value && !strcmp(key, "cpus")) {
			status = parse_cpus("traffic cpus", value, &nm->traffic_cpus);
			nm->has_traffic_cpus = true;
		} else {
			status = fail(EXIT_USAGE, "invalid traffic '%s': '%s' is not threads=N or cpus=CPUS", arg, key);
		}
	}
	if (!status) {
		nm->traffic = mode;
		nm->traffic_threads = (unsigned)threads;
	}
	free(pairs);
	free(copy);
	return status;
}

static int opt_connect(struct parser *p, const char *arg)
{
	free(p->nm->connect_path);
	p->nm->connect_path = strdup(arg);
	return p->nm->connect_path ? EXIT_OK : fail_oom();
}

static int opt_help(struct parser *p, const char *arg)
{
	(void)arg;
	poptPrintHelp(p->ctx, stdout, 0);
	p->status = EXIT_OK;
	return EXIT_OK;
}

static int opt_version(struct parser *p, const char *arg)
{
	(void)arg;
	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	p->status = EXIT_OK;
	return EXIT_OK;
}

/* ------------------------------------------------------- the parse */

/* popt's tables, one per help group, built from opts[]. */
static void build_table(struct parser *p)
{
	size_t used[G_COUNT] = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		const struct opt *o = &opts[i];
		struct poptOption *row;

		if (o->scope == OBJECT_ONLY)
			continue;
		row = &p->rows[o->group][used[o->group]++];
		*row = (struct poptOption){ o->name, o->short_name, POPT_ARG_STRING, NULL, OPT_CODE(i), o->help, o->arg };
		if (is_property(o) && !o->arg) /* --NAME and --no-NAME */
			*row = (struct poptOption){ o->name, '\0', POPT_ARG_VAL | POPT_ARGFLAG_TOGGLE, &p->toggles[i], 1,
						    o->help, NULL };
		else if (!o->arg)
			row->argInfo = POPT_ARG_NONE;
		else if (o->optional_arg)
			row->argInfo |= POPT_ARGFLAG_OPTIONAL;
	}
	for (int g = 0; g < G_COUNT; g++) {
		p->rows[g][used[g]] = (struct poptOption)POPT_TABLEEND;
		p->table[g] = (struct poptOption){ NULL, '\0', POPT_ARG_INCLUDE_TABLE, p->rows[g], 0,
						   group_titles[g], NULL };
	}
	p->table[G_COUNT] = (struct poptOption)POPT_TABLEEND;
}

/* Does argv ask for a COMMAND?  Read as popt will read it (a "--", or
 * the first argument that is not an option or an option's value), so
 * that even a command line popt refuses exits 125, as env(1) does. */
static bool command_asked(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt *o = NULL;
		size_t len;

		if (!strcmp(a, "--"))
			return i + 1 < argc;
		if (a[0] != '-' || !a[1])
			return true;
		if (a[1] != '-') { /* -q, -hV, -m0, -m 0 */
			for (const char *c = a + 1; *c && !o; c++)
				for (size_t k = 0; k < ARRAY_SIZE(opts) && !o; k++)
					if (opts[k].short_name == *c && opts[k].scope != OBJECT_ONLY) {
						o = &opts[k];
						if (o->arg && !c[1])
							i++; /* -m 0: the next word is the value */
						else if (!o->arg)
							o = NULL; /* -hV: on to the next letter */
					}
			continue;
		}
		if (strchr(a, '='))
			continue; /* --name=value */
		len = strlen(a + 2);
		for (size_t k = 0; k < ARRAY_SIZE(opts) && !o; k++)
			if (opts[k].scope != OBJECT_ONLY && strlen(opts[k].name) == len &&
			    !strncmp(opts[k].name, a + 2, len))
				o = &opts[k];
		if (o && o->arg && (!o->optional_arg || (i + 1 < argc && argv[i + 1][0] != '-')))
			i++; /* --name value; popt gives an optional value what is not an option */
	}
	return false;
}

/* An option popt returned. */
static int take_option(struct parser *p, int code, const char *arg)
{
	const struct opt *o = &opts[code - OPT_CODE(0)];

	p->seen |= o->seen;
	if ((o->seen & SEEN_REGION_OPT) && !p->first_region_opt[0])
		snprintf(p->first_region_opt, sizeof(p->first_region_opt), "--%s", o->name);
	if (o->type == O_FLAG) {
		*(bool *)((char *)p->nm + o->off) = true;
		return EXIT_OK;
	}
	if (o->type == O_HANDLER)
		return o->handler(p, arg);
	if (o->type == O_MEMPOLICY)
		return take_mempolicy(p, o, arg);
	if (!p->first_region_opt[0])
		snprintf(p->first_region_opt, sizeof(p->first_region_opt), "--%s", o->name);
	p->seen |= SEEN_REGION_OPT;
	if (o->kinds && !p->kind_only)
		p->kind_only = o;
	return region_set(&p->cli, o, arg);
}

/* Every option until the first error, --help or --version. */
static int read_options(struct parser *p)
{
	int rc = -1;

	while (p->status < 0 && (rc = poptGetNextOpt(p->ctx)) > 0) {
		char *arg = poptGetOptArg(p->ctx);
		int status = take_option(p, rc, arg);

		free(arg);
		if (status)
			return status;
	}
	if (p->status >= 0)
		return p->status;
	if (rc < -1)
		return fail(EXIT_USAGE, "%s: %s (try 'numamem --help')",
			    poptBadOption(p->ctx, POPT_BADOPTION_NOALIAS), poptStrerror(rc));
	return -1;
}

/* --NAME / --no-NAME, once popt has read them all. */
static int apply_toggles(struct parser *p)
{
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		int status;

		if (!p->toggles[i])
			continue;
		if (!p->first_region_opt[0])
			snprintf(p->first_region_opt, sizeof(p->first_region_opt), "--%s%s",
				 p->toggles[i] > 0 ? "" : "no-", opts[i].name);
		p->seen |= SEEN_REGION_OPT;
		if (opts[i].kinds && !p->kind_only)
			p->kind_only = &opts[i];
		status = region_set(&p->cli, &opts[i], p->toggles[i] > 0 ? "on" : "off");
		if (status)
			return status;
	}
	return EXIT_OK;
}

static int take_command(struct parser *p)
{
	const char **rest = poptGetArgs(p->ctx);
	size_t n = 0;

	while (rest && rest[n])
		n++;
	if (!n)
		return EXIT_OK;
	p->seen |= SEEN_COMMAND;
	p->nm->command = calloc(n + 1, sizeof(char *));
	if (!p->nm->command)
		return fail_oom();
	for (size_t i = 0; i < n; i++)
		if (!(p->nm->command[i] = strdup(rest[i])))
			return fail_oom();
	return EXIT_OK;
}

static int check_rules(const struct parser *p)
{
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		const struct rule *r = &rules[i];

		if (!(p->seen & r->a))
			continue;
		if (r->kind == AT_MOST_ONE ? __builtin_popcount(p->seen & r->a) > 1
					   : (r->kind == EXCLUDES) == !!(p->seen & r->b))
			return fail(EXIT_USAGE, "%s%s%s", r->name_a ? p->first_region_opt : "", r->name_a ? " " : "",
				    r->message);
	}
	return EXIT_OK;
}

/* The region of --size and friends becomes the run's only region. */
static int add_cli_region(struct parser *p)
{
	struct numamem *nm = p->nm;
	struct region *r;

	if (!(p->seen & SEEN_REGION_OPT))
		return EXIT_OK;
	if (!p->cli.size_given)
		return fail(EXIT_USAGE, "no size: give --size=SIZE");
	p->cli.ops = backend_of(p->backend >= 0 ? (enum backend_kind)p->backend
				 : nm->command ? BACKEND_MEMFD : BACKEND_RAM);
	if (p->kind_only && !(p->kind_only->kinds & (1u << region_kind(&p->cli))))
		return fail(EXIT_USAGE, "--%s applies only to the %s backend (this region is %s)",
			    p->kind_only->name, p->kind_only->kinds & KIND(FILE) ? "file" : "memfd",
			    region_kind_name(&p->cli));
	r = grow((void **)&nm->regions, &nm->nregions, &nm->regions_room, sizeof(*r));
	if (!r)
		return fail_oom();
	*r = p->cli;
	region_init(&p->cli, "m0", backend_of(BACKEND_RAM));
	return EXIT_OK;
}

/* ------------------------------------------------ checks of the whole run */

/* Is the file at a the one at b?  Both existing: the same inode; else the
 * same name once each directory is resolved. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	char *da = strdup(a), *db = strdup(b), *ra = NULL, *rb = NULL;
	bool same = false;

	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	else if (da && db && (ra = realpath(dirname(da), NULL)) && (rb = realpath(dirname(db), NULL))) {
		char *ba = strrchr(a, '/'), *bb = strrchr(b, '/');

		same = !strcmp(ra, rb) && !strcmp(ba ? ba + 1 : a, bb ? bb + 1 : b);
	}
	free(da);
	free(db);
	free(ra);
	free(rb);
	return same;
}

/* An existing file that numamem's ready file may replace: one it wrote
 * ("ready PID"), left by a run that was killed. */
static bool is_ready_file(const char *path)
{
	char buf[64] = "";
	FILE *f = fopen(path, "re");
	long pid;
	char nl;

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return sscanf(buf, "ready %ld%c", &pid, &nl) == 2 && nl == '\n';
}

/* A file numamem writes (what: "ready-file", "trace"): its directory
 * exists (and may be written in, with dir_write), and it is not one.
 * *base is set to its last component. */
static int check_output_dir(const char *what, const char *path, bool dir_write, const char **base)
{
	char *copy = strdup(path), *dir = copy ? dirname(copy) : NULL;
	struct stat st;
	int status = EXIT_OK, e;

	if (!copy)
		return fail_oom();
	*base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	e = stat(dir, &st) < 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : dir_write && access(dir, W_OK) < 0 ? errno : 0;
	if (e)
		status = fail_errno(EXIT_USAGE, e, "invalid %s '%s': cannot write in '%s'", what, path, dir);
	else if (!**base || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
		status = fail(EXIT_USAGE, "invalid %s '%s': it is a directory", what, path);
	free(copy);
	return status;
}

/* ... and it is no region's mem-path. */
static int check_not_mem_path(const char *what, const char *path, const struct numamem *nm)
{
	for (size_t i = 0; i < nm->nregions; i++)
		if (nm->regions[i].mem_path && same_file(path, nm->regions[i].mem_path))
			return fail(EXIT_USAGE, "invalid %s '%s': it is the mem-path of region '%s'", what, path,
				    nm->regions[i].id);
	return EXIT_OK;
}

/* The ready file is written once every region is complete, through a
 * temporary name beside it, and removed when a hold ends: whatever would
 * make that fail, or write over what is not numamem's, is refused before
 * anything is allocated. */
static int check_ready_file(const struct numamem *nm)
{
	const char *path = nm->ready_file, *base;
	int status = check_output_dir("ready-file", path, true, &base);

	if (status)
		return status;
	if (strlen(base) + 24 > NAME_MAX || strlen(path) + 24 >= PATH_MAX) /* + ".PID.tmp" */
		return fail(EXIT_USAGE, "invalid ready-file '%s': the name is too long", path);
	if (access(path, F_OK) == 0 && !is_ready_file(path))
		return fail(EXIT_USAGE, "invalid ready-file '%s': it exists and is not a ready file of numamem's", path);
	return check_not_mem_path("ready-file", path, nm);
}

/* The trace is created, or truncated, when COMMAND starts: the user named
 * it.  What would make that fail, or write into what is not a plain
 * file (a FIFO, a device, a region's mem-path, the ready file), is
 * refused before anything is allocated. */
static int check_trace_file(const struct numamem *nm)
{
	const char *path = nm->trace_file, *base;
	struct stat st;
	bool exists = stat(path, &st) == 0;
	/* a new file needs its directory writable, an existing one itself */
	int status = check_output_dir("trace", path, !exists, &base);

	if (status)
		return status;
	if (exists && !S_ISREG(st.st_mode))
		return fail(EXIT_USAGE, "invalid trace '%s': it is not a regular file", path);
	if (exists && access(path, W_OK) < 0)
		return fail_errno(EXIT_USAGE, errno, "invalid trace '%s': cannot write it", path);
	if (nm->ready_file && same_file(path, nm->ready_file))
		return fail(EXIT_USAGE, "invalid trace '%s': it is the ready-file", path);
	return check_not_mem_path("trace", path, nm);
}

/* Descriptors: --fd and --ready-fd apart, and --fd only for a region
 * that has a descriptor to give. */
static int check_fds(const struct numamem *nm)
{
	if (nm->fd_number >= 0 && nm->fd_number == nm->ready_fd)
		return fail(EXIT_USAGE, "--fd and --ready-fd name the same descriptor, %d", nm->fd_number);
	if (nm->fd_number >= 0 && nm->nregions > 1)
		return fail(EXIT_USAGE, "--fd places a single region; this run has %zu", nm->nregions);
	if (nm->fd_number >= 0 && region_kind(&nm->regions[0]) == BACKEND_RAM && !region_share(&nm->regions[0]))
		return fail(EXIT_USAGE, "--fd: region '%s' is memory-backend-ram with share=off, which has no descriptor to give (share=on, memfd, file and shm have one)",
			    nm->regions[0].id);
	return EXIT_OK;
}

/* Ids, sorted by the environment name COMMAND would see them under. */
struct id_entry {
	const char *id;
	char env[ID_MAX + 1];
	bool region;
};

static int cmp_id_entry(const void *a, const void *b)
{
	const struct id_entry *x = a, *y = b;
	int r = strcmp(x->env, y->env);

	return r ? r : strcmp(x->id, y->id);
}

/* Every id once, and no two regions under one environment name (a.b and
 * a_b are both NUMAMEM_A_B_FD): sorted, so 10,000 objects cost
 * n log n, not n². */
static int check_ids(const struct numamem *nm)
{
	size_t n = nm->nregions + nm->ncontexts;
	struct id_entry *e = calloc(n ? n : 1, sizeof(*e));
	int status = EXIT_OK;

	if (!e)
		return fail_oom();
	for (size_t i = 0; i < n; i++) {
		e[i].region = i < nm->nregions;
		e[i].id = e[i].region ? nm->regions[i].id : nm->contexts[i - nm->nregions].id;
		for (size_t k = 0; e[i].id[k] && k < ID_MAX; k++)
			e[i].env[k] = isalnum((unsigned char)e[i].id[k]) ? (char)toupper((unsigned char)e[i].id[k]) : '_';
	}
	qsort(e, n, sizeof(*e), cmp_id_entry);
	for (size_t i = 1; i < n && !status; i++) {
		if (!strcmp(e[i - 1].id, e[i].id))
			status = fail(EXIT_USAGE, "duplicate id '%s'", e[i].id);
		else if (e[i - 1].region && e[i].region && !strcmp(e[i - 1].env, e[i].env))
			status = fail(EXIT_USAGE, "ids '%s' and '%s' give COMMAND the same names (NUMAMEM_%s_FD)",
				      e[i - 1].id, e[i].id, e[i].env);
	}
	free(e);
	return status;
}

/* The control socket is created once every region is complete, and
 * removed at exit: a path that exists (numamem never removes what is not
 * its own), that sun_path cannot hold, or in a directory numamem cannot
 * write is refused before anything is allocated. */
static int check_control(const char *path)
{
	struct sockaddr_un sun;
	char *copy = strdup(path), *dir = copy ? dirname(copy) : NULL;
	struct stat st;
	int status = EXIT_OK, e;

	if (!copy)
		return fail_oom();
	e = stat(dir, &st) < 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : access(dir, W_OK | X_OK) < 0 ? errno : 0;
	if (strlen(path) >= sizeof(sun.sun_path))
		status = fail(EXIT_USAGE, "invalid control 'unix:%s': the path is longer than %zu bytes", path,
			      sizeof(sun.sun_path) - 1);
	else if (lstat(path, &st) == 0)
		status = fail(EXIT_USAGE, "invalid control 'unix:%s': it exists, and numamem removes only what it created",
			      path);
	else if (e)
		status = fail_errno(EXIT_USAGE, e, "invalid control 'unix:%s': cannot create a socket in '%s'", path, dir);
	free(copy);
	return status;
}

/* prealloc-context=ID → the thread-context's CPUs or nodes. */
static int resolve_contexts(struct numamem *nm)
{
	for (size_t i = 0; i < nm->nregions; i++) {
		struct region *r = &nm->regions[i];
		const struct thread_context *tc = NULL;

		if (!r->prealloc_context)
			continue;
		for (size_t k = 0; k < nm->ncontexts; k++)
			if (!strcmp(nm->contexts[k].id, r->prealloc_context))
				tc = &nm->contexts[k];
		if (!tc)
			return fail(EXIT_USAGE, "prealloc-context '%s' of region '%s': no thread-context has that id",
				    r->prealloc_context, r->id);
		r->has_prealloc_cpus = tc->has_cpus;
		r->prealloc_cpus = tc->cpus;
		r->has_prealloc_nodes = tc->has_nodes;
		r->prealloc_nodes = tc->nodes;
	}
	return EXIT_OK;
}

/* What the options mean together: the rules, the regions, the contexts. */
static int finish_options(struct parser *p)
{
	struct numamem *nm = p->nm;
	int status = check_rules(p);

	if (!status)
		status = add_cli_region(p);
	if (status || nm->show_nodes || nm->measure)
		return status;
	if (nm->connect_path)
		return EXIT_OK;
	if (!nm->nregions && !policy_given(&nm->proc) && nm->pid < 0)
		return fail(EXIT_USAGE, "no region: give --size=SIZE or --object memory-backend-...");
	status = check_ids(nm);
	if (!status)
		status = check_fds(nm);
	if (!status && nm->ready_file)
		status = check_ready_file(nm);
	if (!status && nm->trace_file)
		status = check_trace_file(nm);
	if (!status && nm->control_path)
		status = check_control(nm->control_path);
	if (status)
		return status;
	for (size_t i = 0; i < nm->nregions; i++)
		if (nm->thp != TRI_AUTO)
			nm->regions[i].thp = (enum tristate)nm->thp;
	return resolve_contexts(nm);
}

void options_init(struct numamem *nm)
{
	*nm = (struct numamem){ .ready_fd = -1, .fd_number = -1, .thp = TRI_AUTO, .pid = -1 };
	policy_init(&nm->proc);
}

int options_parse(int argc, char **argv, struct numamem *nm)
{
	struct parser *p = calloc(1, sizeof(*p));
	int status;

	options_init(nm);
	nm->command_asked = command_asked(argc, argv);
	if (!p)
		return fail_oom();
	*p = (struct parser){ .nm = nm, .backend = -1, .status = -1 };
	region_init(&p->cli, "m0", backend_of(BACKEND_RAM));
	build_table(p);
	p->ctx = poptGetContext("numamem", argc, (const char **)argv, p->table, POPT_CONTEXT_POSIXMEHARDER);
	poptSetOtherOptionHelp(p->ctx, "[OPTION...] [-- COMMAND [ARG...]]");
	status = read_options(p);
	if (status < 0) { /* neither an error nor --help / --version */
		status = apply_toggles(p);
		if (!status)
			status = take_command(p);
		if (!status)
			status = finish_options(p);
		if (!status)
			status = -1;
	}
	if (nm->connect_path) /* COMMAND is what to send, not what to run */
		nm->command_asked = false;
	region_free(&p->cli);
	poptFreeContext(p->ctx);
	free(p);
	return status;
}

void options_free(struct numamem *nm)
{
	for (size_t i = 0; i < nm->nats; i++)
		free(nm->ats[i].line);
	free(nm->ats);
	free(nm->control_path);
	free(nm->connect_path);
	for (size_t i = 0; i < nm->nregions; i++)
		region_free(&nm->regions[i]);
	for (size_t i = 0; i < nm->ncontexts; i++)
		free(nm->contexts[i].id);
	free(nm->regions);
	free(nm->contexts);
	free(nm->ready_file);
	free(nm->trace_file);
	for (char **a = nm->command; a && *a; a++)
		free(*a);
	free(nm->command);
	options_init(nm);
}
