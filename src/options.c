/* Options: the command line.  One list of every option: popt's rows,
 * the --help text and what each option sets all come from it, so an
 * option's name, type and help are written once; a region's properties
 * take theirs from props.c, which --object shares.  Options that exclude
 * or need each other are one table, checked in one place.  Nothing here
 * is static state: parsing twice gives the same result. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <popt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "backends/backend.h"
#include "control-verbs.h"
#include "measure.h"
#include "host.h"
#include "numamem.h"
#include "object.h"
#include "options.h"
#include "props.h"
#include "runcheck.h"
#include "traffic.h"

struct parser;

enum opt_type {
	O_PROPERTY,  /* a property of the region of --size and friends: .prop */
	O_FLAG,      /* a bool field of struct numamem */
	O_HANDLER,   /* handled by .handler */
	O_MEMPOLICY, /* COMMAND's memory policy: .mode */
};

/* popt's help groups, in --help order. */
enum group { G_REGION, G_PLACEMENT, G_PREALLOC, G_FILE, G_MEMFD, G_PROCESS, G_NFILE, G_ACTIONS, G_OUTPUT, G_COUNT };
static const char *const group_titles[G_COUNT] = {
	[G_REGION] = "Region:",
	[G_PLACEMENT] = "Placement:",
	[G_PREALLOC] = "Preallocation:",
	[G_FILE] = "File backend:",
	[G_MEMFD] = "memfd backend:",
	[G_PROCESS] = "COMMAND's own policy and CPUs (numactl's options):",
	[G_NFILE] = "A policy on a shared file (numactl's --file):",
	[G_ACTIONS] = "Actions:",
	[G_OUTPUT] = "Output:",
};

/* What the command line held, for the rules below: an index each, and
 * SEEN(x) its bit, so that one more cannot take another's. */
enum seen {
	S_REGION_OPT,     /* --size, --backend and every region option */
	S_OBJECT_REGION,  /* --object memory-backend-* */
	S_PREALLOC_CPUS, S_PREALLOC_NODES, S_HOLD, S_COMMAND, S_SHOW_NODES, S_FD, S_FORK,
	S_MEMBIND, S_INTERLEAVE, S_PREFERRED, S_PREFERRED_MANY, S_WEIGHTED_INTERLEAVE, S_LOCALALLOC,
	S_BALANCING, S_CPUNODEBIND, S_PHYSCPUBIND, S_PID, S_MAP, S_REPORT, S_TRACE, S_CONTROL, S_AT,
	S_CONNECT, S_TRAFFIC, S_MEASURE, S_READY_FILE, S_READY_FD, S_OUTPUT, S_QUIET,
	S_FILE, S_FILE_ONLY, S_MIGRATE,
	S_JSON,
	S_TABLE,          /* --bytes, --raw, --noheadings, --columns */
	S_HARDWARE, S_SHOW, S_ALL,
	S_COUNT
};
typedef unsigned long long seen_t;
#define SEEN(x) ((seen_t)1 << S_##x)
_Static_assert(S_COUNT <= 64, "enum seen is more than a seen_t holds");
#define SEEN_MEMPOLICY (SEEN(MEMBIND) | SEEN(INTERLEAVE) | SEEN(PREFERRED) | SEEN(PREFERRED_MANY) | \
			SEEN(WEIGHTED_INTERLEAVE) | SEEN(LOCALALLOC))
#define SEEN_PROCESS (SEEN_MEMPOLICY | SEEN(BALANCING) | SEEN(CPUNODEBIND) | SEEN(PHYSCPUBIND) | SEEN(ALL))

struct opt {
	const char *name;
	enum opt_type type;
	const struct prop *prop; /* O_PROPERTY: its name, value and help are the option's */
	size_t off;         /* O_FLAG: field in struct numamem */
	enum group group;
	char short_name;
	bool optional_arg;
	bool repeatable;    /* may be given more than once (else a second value is refused) */
	bool common;        /* in --help (every option is in --help-all) */
	seen_t seen;        /* enum seen bits this option sets */
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
static int opt_help_all(struct parser *p, const char *arg);
static int opt_color(struct parser *p, const char *arg);
static int opt_version(struct parser *p, const char *arg);
static int opt_cpunodebind(struct parser *p, const char *arg);
static int opt_physcpubind(struct parser *p, const char *arg);
static int opt_all(struct parser *p, const char *arg);
static int opt_pid(struct parser *p, const char *arg);
static int opt_trace(struct parser *p, const char *arg);
static int opt_output(struct parser *p, const char *arg);
static int opt_control(struct parser *p, const char *arg);
static int opt_at(struct parser *p, const char *arg);
static int opt_connect(struct parser *p, const char *arg);
static int opt_traffic(struct parser *p, const char *arg);
static int opt_file(struct parser *p, const char *arg);
static int opt_length(struct parser *p, const char *arg);
static int opt_migrate(struct parser *p, const char *arg);
static int take_property(struct parser *p, const struct prop *prop, const char *no, const char *value);
static int opt_columns(struct parser *p, const char *arg);
static int opt_measure(struct parser *p, const char *arg);

#define PROPERTY(id) .type = O_PROPERTY, .prop = &region_props[PROP_##id]
#define N(field) .off = offsetof(struct numamem, field)
/* In --help order, by group. */
static const struct opt opts[] = {
	{ PROPERTY(SIZE), .group = G_REGION, .common = true },
	{ "backend", O_HANDLER, .group = G_REGION, .handler = opt_backend, .common = true,
	  .seen = SEEN(REGION_OPT), .arg = "KIND",
	  .help = "ram, memfd, file or shm (default: memfd with COMMAND, else ram)" },
	{ PROPERTY(SHARE), .group = G_REGION },
	{ PROPERTY(RESERVE), .group = G_REGION },
	{ PROPERTY(MERGE), .group = G_REGION },
	{ PROPERTY(DUMP), .group = G_REGION },
	{ "thp", O_HANDLER, .group = G_REGION, .handler = opt_thp, .arg = "on|off",
	  .help = "Transparent huge pages (default: on, as QEMU advises every region)" },
	{ "object", O_HANDLER, .group = G_REGION, .handler = opt_object, .common = true,
	  .repeatable = true, .arg = "TYPE,...",
	  .help = "A region or thread-context in QEMU's -object syntax, TYPE,id=ID,PROP=VALUE... (repeatable)" },

	{ PROPERTY(POLICY), .group = G_PLACEMENT, .common = true },
	{ PROPERTY(HOST_NODES), .group = G_PLACEMENT, .common = true },
	{ PROPERTY(WEIGHTS), .group = G_PLACEMENT },
	{ PROPERTY(HOME_NODE), .group = G_PLACEMENT },
	{ PROPERTY(STATIC_NODES), .group = G_PLACEMENT },
	{ PROPERTY(RELATIVE_NODES), .group = G_PLACEMENT },
	{ PROPERTY(NUMA_BALANCING), .group = G_PLACEMENT },

	{ PROPERTY(PREALLOC), .group = G_PREALLOC, .common = true },
	{ PROPERTY(PREALLOC_THREADS), .group = G_PREALLOC, .common = true },
	{ PROPERTY(PREALLOC_CPUS), .group = G_PREALLOC, .seen = SEEN(PREALLOC_CPUS) },
	{ PROPERTY(PREALLOC_NODES), .group = G_PREALLOC, .seen = SEEN(PREALLOC_NODES) },

	{ PROPERTY(MEM_PATH), .group = G_FILE, .common = true },
	{ PROPERTY(ALIGN), .group = G_FILE },
	{ PROPERTY(OFFSET), .group = G_FILE },
	{ PROPERTY(DISCARD_DATA), .group = G_FILE },
	{ PROPERTY(READONLY), .group = G_FILE },
	{ PROPERTY(ROM), .group = G_FILE },
	{ PROPERTY(PMEM), .group = G_FILE },

	{ PROPERTY(HUGETLB), .group = G_MEMFD, .common = true },
	{ PROPERTY(HUGETLBSIZE), .group = G_MEMFD },
	{ PROPERTY(SEAL), .group = G_MEMFD },

	{ "membind", O_MEMPOLICY, .mode = POLICY_BIND, .group = G_PROCESS, .short_name = 'm', .common = true,
	  .seen = SEEN(MEMBIND), .arg = "NODES", .help = "Allocate COMMAND's memory only on NODES" },
	{ "interleave", O_MEMPOLICY, .mode = POLICY_INTERLEAVE, .group = G_PROCESS,
	  .short_name = 'i', .seen = SEEN(INTERLEAVE), .arg = "NODES", .common = true,
	  .help = "Interleave COMMAND's memory over NODES, page by page" },
	{ "preferred", O_MEMPOLICY, .mode = POLICY_PREFERRED, .group = G_PROCESS,
	  .short_name = 'p', .seen = SEEN(PREFERRED), .arg = "NODE", .common = true,
	  .help = "Allocate COMMAND's memory on NODE while it has room" },
	{ "preferred-many", O_MEMPOLICY, .mode = POLICY_PREFERRED_MANY, .group = G_PROCESS,
	  .short_name = 'P', .seen = SEEN(PREFERRED_MANY), .arg = "NODES",
	  .help = "Allocate COMMAND's memory on NODES while they have room" },
	{ "weighted-interleave", O_MEMPOLICY, .mode = POLICY_WEIGHTED_INTERLEAVE,
	  .group = G_PROCESS, .short_name = 'w', .seen = SEEN(WEIGHTED_INTERLEAVE), .arg = "NODES",
	  .help = "Interleave COMMAND's memory over NODES by the kernel's node weights" },
	{ "localalloc", O_MEMPOLICY, .mode = POLICY_LOCAL, .group = G_PROCESS, .short_name = 'l', .common = true,
	  .seen = SEEN(LOCALALLOC), .help = "Allocate COMMAND's memory on the node it runs on" },
	{ "balancing", O_FLAG, N(proc.balancing), .group = G_PROCESS, .short_name = 'b',
	  .seen = SEEN(BALANCING), .help = "With --membind: let NUMA balancing move pages among the bound nodes" },
	{ "cpunodebind", O_HANDLER, .group = G_PROCESS, .short_name = 'N', .common = true,
	  .handler = opt_cpunodebind, .seen = SEEN(CPUNODEBIND), .arg = "NODES",
	  .help = "Run COMMAND on the CPUs of NODES" },
	{ "physcpubind", O_HANDLER, .group = G_PROCESS, .short_name = 'C', .common = true,
	  .handler = opt_physcpubind, .seen = SEEN(PHYSCPUBIND), .arg = "CPUS", .help = "Run COMMAND on CPUS" },
	{ "cpubind", O_HANDLER, .group = G_PROCESS, .short_name = 'c', .handler = opt_cpunodebind,
	  .seen = SEEN(CPUNODEBIND), .arg = "NODES", .help = "Same as -N: numactl's old name for it" },
	{ "all", O_HANDLER, .group = G_PROCESS, .short_name = 'a', .handler = opt_all, .seen = SEEN(ALL),
	  .help = "Read the node and CPU lists after it against every node and CPU, not this process's cpuset and affinity" },

	{ "file", O_HANDLER, .group = G_NFILE, .short_name = 'f', .handler = opt_file, .seen = SEEN(FILE),
	  .arg = "FILE",
	  .help = "Set the policy of --membind or another of numactl's policy options on tmpfs or hugetlbfs FILE, and exit" },
	{ "length", O_HANDLER, .group = G_NFILE, .short_name = 'L', .handler = opt_length,
	  .seen = SEEN(FILE_ONLY), .arg = "SIZE", .help = "With --file: the bytes of FILE the policy covers, from --offset" },
	{ "touch", O_FLAG, N(file_touch), .group = G_NFILE, .short_name = 'T', .seen = SEEN(FILE_ONLY),
	  .help = "With --file: fault the pages in under the policy" },
	{ "strict", O_FLAG, N(file_strict), .group = G_NFILE, .short_name = 't',
	  .help = "With --file: fail when pages of FILE already sit outside the policy's nodes" },

	{ "hold", O_HANDLER, .group = G_ACTIONS, .handler = opt_hold, .optional_arg = true, .common = true,
	  .seen = SEEN(HOLD), .arg = "DURATION",
	  .help = "Keep the regions until a signal, or for DURATION (30, 500ms, 2m: s, ms, m, h or d)" },
	{ "control", O_HANDLER, .group = G_ACTIONS, .handler = opt_control, .seen = SEEN(CONTROL),
	  .arg = "WHERE", .common = true,
	  .help = "With --hold: take control commands on unix:PATH or stdio" },
	{ "at", O_HANDLER, .group = G_ACTIONS, .handler = opt_at, .seen = SEEN(AT), .repeatable = true,
	  .arg = "TIME:COMMAND", .help = "With --hold: run a control command TIME after the regions are ready (repeatable)" },
	{ "connect", O_HANDLER, .group = G_ACTIONS, .handler = opt_connect, .seen = SEEN(CONNECT),
	  .arg = "PATH", .common = true,
	  .help = "Send COMMAND (or each line of standard input) to the control socket PATH, print the answers" },
	{ "traffic", O_HANDLER, .group = G_ACTIONS, .handler = opt_traffic, .seen = SEEN(TRAFFIC),
	  .arg = "MODE[,...]", .common = true,
	  .help = "With --hold: read, write or copy the regions, MODE[,threads=N,cpus=CPUS], and print the bandwidth every second" },
	{ "ready-file", O_HANDLER, .group = G_ACTIONS, .handler = opt_ready_file, .seen = SEEN(READY_FILE),
	  .common = true,
	  .arg = "FILE", .help = "Create FILE once every region is complete" },
	{ "ready-fd", O_HANDLER, .group = G_ACTIONS, .handler = opt_ready_fd, .seen = SEEN(READY_FD), .arg = "FD",
	  .help = "Write \"ready\" to descriptor FD and close it once every region is complete" },
	{ "fd", O_HANDLER, .group = G_ACTIONS, .handler = opt_fd, .seen = SEEN(FD),
	  .arg = "FD", .help = "Give COMMAND the region at descriptor number FD" },
	{ "fork", O_FLAG, N(force_fork), .group = G_ACTIONS, .seen = SEEN(FORK), .common = true,
	  .help = "Run COMMAND as a child and hold the regions until it exits" },
	{ "pid", O_HANDLER, .group = G_ACTIONS, .handler = opt_pid, .seen = SEEN(PID), .common = true,
	  .repeatable = true, .arg = "PIDS",
	  .help = "Report where the memory of running processes PIDS (ids or command names, comma-separated) is, and exit" },
	{ "migrate", O_HANDLER, .group = G_ACTIONS, .handler = opt_migrate, .seen = SEEN(MIGRATE),
	  .arg = "FROM:TO", .help = "With --pid: move its pages on nodes FROM to nodes TO, as migratepages(8), and report them" },

	{ "json", O_FLAG, N(json), .group = G_OUTPUT, .seen = SEEN(JSON), .common = true, .help = "Print the report as JSON" },
	{ "bytes", O_FLAG, N(table.bytes), .group = G_OUTPUT, .seen = SEEN(TABLE),
	  .help = "Print sizes in the tables in bytes, not in KiB, MiB, GiB" },
	{ "raw", O_FLAG, N(table.raw), .group = G_OUTPUT, .seen = SEEN(TABLE),
	  .help = "Print the tables unaligned, one space between cells" },
	{ "noheadings", O_FLAG, N(table.noheadings), .group = G_OUTPUT, .seen = SEEN(TABLE),
	  .help = "Print the tables without their heading line" },
	{ "columns", O_HANDLER, .group = G_OUTPUT, .handler = opt_columns, .seen = SEEN(TABLE), .arg = "LIST",
	  .help = "Print only these columns of the tables, in this order (see TABLES in numamem(1))" },
	{ "verify", O_FLAG, N(verify), .group = G_OUTPUT, .common = true,
	  .help = "Exit with status 4 (124 with COMMAND) if placement breaks the policy" },
	{ "report", O_FLAG, N(report), .group = G_OUTPUT, .seen = SEEN(REPORT), .common = true,
	  .help = "With COMMAND: once it exits, report the regions and its memory per node over time" },
	{ "output", O_HANDLER, .group = G_OUTPUT, .short_name = 'o', .handler = opt_output, .seen = SEEN(OUTPUT),
	  .common = true, .arg = "FILE",
	  .help = "Write the report to FILE, a new file, instead of standard output (%p %h %r %j %%: pid, host, rank, job, %)" },
	{ "trace", O_HANDLER, .group = G_OUTPUT, .handler = opt_trace, .seen = SEEN(TRACE), .common = true,
	  .arg = "FILE", .help = "With COMMAND: write its memory per node over time to FILE, a new file, as JSON lines" },
	{ "map", O_FLAG, N(map), .group = G_OUTPUT, .seen = SEEN(MAP), .common = true,
	  .help = "Draw each region as a map of which node holds each chunk" },
	{ "color", O_HANDLER, .group = G_OUTPUT, .handler = opt_color, .arg = "WHEN",
	  .help = "Colour the map: auto (a terminal, NO_COLOR unset), always or never" },
	{ "show-nodes", O_FLAG, N(show_nodes), .group = G_OUTPUT, .seen = SEEN(SHOW_NODES), .common = true,
	  .help = "Show each node's memory, tier, huge pages, CPUs, distances and HMAT access, and exit" },
	{ "hardware", O_FLAG, N(hardware), .group = G_OUTPUT, .short_name = 'H', .seen = SEEN(HARDWARE), .common = true,
	  .help = "Show the nodes, their CPUs, size, free memory and distances as numactl --hardware does, and exit" },
	{ "show", O_FLAG, N(show_policy), .group = G_OUTPUT, .short_name = 's', .seen = SEEN(SHOW), .common = true,
	  .help = "Show the policy and CPUs as numactl --show does (with the options before it applied), and exit" },
	{ "measure", O_HANDLER, .group = G_OUTPUT, .handler = opt_measure, .optional_arg = true,
	  .seen = SEEN(MEASURE), .common = true, .arg = "WHAT,...",
	  .help = "Measure bandwidth, idle and loaded latency from every node with CPUs to every node with memory (WHAT: bandwidth, latency, loaded, size=SIZE, repeats=N, seconds=S), and exit" },
	{ "quiet", O_FLAG, N(quiet), .group = G_OUTPUT, .short_name = 'q', .seen = SEEN(QUIET), .common = true,
	  .help = "Print no report and no progress (with --json, traffic lines and answers are still JSON)" },
	{ "help", O_HANDLER, .group = G_OUTPUT, .short_name = 'h', .handler = opt_help, .common = true,
	  .help = "Show the common options and exit" },
	{ "help-all", O_HANDLER, .group = G_OUTPUT, .handler = opt_help_all, .common = true,
	  .help = "Show every option and exit" },
	{ "version", O_HANDLER, .group = G_OUTPUT, .short_name = 'V', .handler = opt_version, .common = true,
	  .help = "Show the version and exit" },
};
#undef PROPERTY
#undef N

/* Options that exclude or need each other, checked once every option
 * is read (util-linux's ul_excl_t is the model).  The first rule broken
 * is reported. */
enum rule_kind { EXCLUDES, NEEDS, AT_MOST_ONE };
static const struct rule {
	seen_t a, b;        /* enum seen bits: a with any of b, a without b, or two of a */
	seen_t unless;      /* the rule holds only when none of these was given */
	enum rule_kind kind;
	const char *message;
	bool name_a;        /* the message follows the option that set a */
} rules[] = {
	{ .a = SEEN(CONNECT),
	  .b = SEEN(REGION_OPT) | SEEN(OBJECT_REGION) | SEEN(HOLD) | SEEN(CONTROL) | SEEN(AT) | SEEN(PID) |
	       SEEN(SHOW_NODES) | SEEN(MAP) | SEEN(FD) | SEEN(FORK) | SEEN_PROCESS | SEEN(TRAFFIC),
	  .kind = EXCLUDES,
	  .message = "--connect sends commands to a numamem that holds regions: it takes no region, --hold or other action" },
	{ .a = SEEN(MEASURE),
	  .b = SEEN(REGION_OPT) | SEEN(OBJECT_REGION) | SEEN(COMMAND) | SEEN(HOLD) | SEEN(PID) | SEEN(SHOW_NODES) |
	       SEEN(MAP) | SEEN(CONTROL) | SEEN(AT) | SEEN(TRAFFIC),
	  .kind = EXCLUDES, .message = "--measure measures the host: it takes no region, COMMAND, --hold or other action" },
	{ .a = SEEN(QUIET), .b = SEEN(SHOW_NODES) | SEEN(MEASURE) | SEEN(MAP) | SEEN(REPORT), .kind = EXCLUDES,
	  .message = "--quiet prints no report: it takes no --show-nodes, --measure, --map or --report" },
	{ .a = SEEN(CONTROL), .b = SEEN(HOLD), .kind = NEEDS, .message = "--control needs --hold" },
	{ .a = SEEN(AT), .b = SEEN(HOLD), .kind = NEEDS, .message = "--at needs --hold" },
	{ .a = SEEN(TRAFFIC), .b = SEEN(HOLD), .kind = NEEDS, .message = "--traffic needs --hold" },
	{ .a = SEEN(REGION_OPT), .b = SEEN(OBJECT_REGION), .kind = EXCLUDES, .name_a = true,
	  .message = "cannot be mixed with --object memory-backend-*: give the properties inside --object" },
	{ .a = SEEN(PREALLOC_CPUS), .b = SEEN(PREALLOC_NODES), .kind = EXCLUDES,
	  .message = "--prealloc-cpus and --prealloc-nodes are mutually exclusive" },
	{ .a = SEEN(SHOW_NODES), .b = SEEN(REGION_OPT) | SEEN(OBJECT_REGION) | SEEN(COMMAND) | SEEN(HOLD),
	  .kind = EXCLUDES, .message = "--show-nodes takes no region, command or --hold" },
	{ .a = SEEN(FORK), .b = SEEN(COMMAND), .kind = NEEDS, .message = "--fork needs a COMMAND after --" },
	{ .a = SEEN(FD), .b = SEEN(COMMAND), .kind = NEEDS, .message = "--fd needs a COMMAND after --" },
	{ .a = SEEN(REPORT), .b = SEEN(COMMAND), .kind = NEEDS,
	  .message = "--report and --trace watch a COMMAND: they need one after --" },
	{ .a = SEEN(TRACE), .b = SEEN(COMMAND) | SEEN(PID), .kind = NEEDS,
	  .message = "--report and --trace watch a COMMAND: they need one after -- (--trace also watches a --pid)" },
	{ .a = SEEN(HOLD), .b = SEEN(COMMAND), .kind = EXCLUDES,
	  .message = "--hold and a COMMAND are exclusive: the command's lifetime is the hold" },
	{ .a = SEEN(HARDWARE),
	  .b = SEEN(REGION_OPT) | SEEN(OBJECT_REGION) | SEEN(COMMAND) | SEEN(HOLD) | SEEN(SHOW_NODES) | SEEN(SHOW) |
	       SEEN(PID) | SEEN(MAP) | SEEN(JSON) | SEEN(MEASURE) | SEEN(CONNECT) | SEEN_PROCESS,
	  .kind = EXCLUDES,
	  .message = "--hardware shows the nodes as numactl's text: it takes no region, COMMAND, policy, --json or other action" },
	{ .a = SEEN(SHOW),
	  .b = SEEN(REGION_OPT) | SEEN(OBJECT_REGION) | SEEN(COMMAND) | SEEN(HOLD) | SEEN(SHOW_NODES) | SEEN(PID) |
	       SEEN(MAP) | SEEN(JSON) | SEEN(MEASURE) | SEEN(CONNECT),
	  .kind = EXCLUDES,
	  .message = "--show shows numamem's own policy and CPUs as numactl's text: it takes no region, COMMAND, --json or other action" },
	{ .a = SEEN(FILE),
	  .b = SEEN(COMMAND) | SEEN(HOLD) | SEEN(OBJECT_REGION) | SEEN(PID) | SEEN(SHOW_NODES) | SEEN(FD) |
	       SEEN(FORK) | SEEN(REPORT) | SEEN(TRACE) | SEEN(READY_FILE) | SEEN(READY_FD),
	  .kind = EXCLUDES,
	  .message = "--file sets a policy on a file and exits: it takes no COMMAND, --object, --hold or other action" },
	{ .a = SEEN(FILE), .b = SEEN(CPUNODEBIND) | SEEN(PHYSCPUBIND), .kind = EXCLUDES,
	  .message = "--file sets a memory policy: it takes no --cpunodebind or --physcpubind (numactl: cannot do --cpubind on shared memory)" },
	{ .a = SEEN(FILE_ONLY), .b = SEEN(FILE), .kind = NEEDS, .message = "--length and --touch need --file" },
	{ .a = SEEN_PROCESS, .b = SEEN(COMMAND) | SEEN(FILE) | SEEN(SHOW), .kind = NEEDS,
	  .message = "--membind, --cpunodebind and the other options of COMMAND's own policy need a COMMAND after --" },
	{ .a = SEEN(READY_FILE), .b = SEEN(PID) | SEEN(SHOW_NODES) | SEEN(MEASURE) | SEEN(CONNECT),
	  .kind = EXCLUDES,
	  .message = "--ready-file signals complete regions: it takes no --pid, --show-nodes, --measure or --connect" },
	{ .a = SEEN(READY_FD), .b = SEEN(PID) | SEEN(SHOW_NODES) | SEEN(MEASURE) | SEEN(CONNECT),
	  .kind = EXCLUDES,
	  .message = "--ready-fd signals complete regions: it takes no --pid, --show-nodes, --measure or --connect" },
	{ .a = SEEN(OUTPUT), .b = SEEN(CONNECT), .kind = EXCLUDES,
	  .message = "-o writes a report: --connect prints answers, not a report" },
	{ .a = SEEN(PID),
	  .b = SEEN(REGION_OPT) | SEEN(OBJECT_REGION) | SEEN(COMMAND) | SEEN(HOLD) | SEEN(SHOW_NODES) | SEEN(MAP),
	  .unless = SEEN(TRACE),
	  .kind = EXCLUDES,
	  .message = "--pid reports a running process: it takes no region, COMMAND, --hold, --show-nodes or --map" },
	{ .a = SEEN(PID), .b = SEEN(REGION_OPT) | SEEN(OBJECT_REGION) | SEEN(COMMAND) | SEEN(SHOW_NODES) | SEEN(MAP),
	  .kind = EXCLUDES,
	  .message = "--pid --trace watches a running process: it takes no region, COMMAND, --show-nodes or --map" },
	{ .a = SEEN(MIGRATE), .b = SEEN(PID), .kind = NEEDS, .message = "--migrate needs --pid" },
	{ .a = SEEN(MIGRATE), .b = SEEN(TRACE) | SEEN(HOLD), .kind = EXCLUDES,
	  .message = "--migrate moves the pages once and reports them: it takes no --trace or --hold" },
	{ .a = SEEN(TABLE), .b = SEEN(JSON) | SEEN(MEASURE) | SEEN(CONNECT), .kind = EXCLUDES,
	  .message = "--bytes, --raw, --noheadings and --columns shape the text tables: they take no --json, --measure or --connect" },
};

/* popt's value for opts[i]; 0 and negative values are popt's own. */
#define OPT_CODE(i) (1 + (int)(i))

/* One parse of a command line. */
struct parser {
	struct numamem *nm;
	poptContext ctx;
	struct region cli;          /* the region of --size and friends */
	int backend;                /* --backend, or -1 */
	const struct prop *kind_only; /* first file- or memfd-only property given */
	seen_t seen;
	char first_region_opt[64];  /* as the user wrote it: "--prealloc" */
	int toggles[ARRAY_SIZE(opts)]; /* --NAME / --no-NAME of boolean properties */
	char *given[ARRAY_SIZE(opts)]; /* the value of each option given, as given */
	int status;                 /* -1 while parsing goes on */
	struct origin origin;       /* the templates' values, once read (pid 0: not yet) */
	struct poptOption rows[G_COUNT][ARRAY_SIZE(opts) + 1];
	struct poptOption *row_of[ARRAY_SIZE(opts)]; /* opts[i]'s row */
	struct poptOption table[G_COUNT + 2];
};

/* A property's row says what its property says. */
static bool is_property(const struct opt *o)
{
	return o->type == O_PROPERTY;
}

static const char *name_of(const struct opt *o)
{
	return is_property(o) ? o->prop->name : o->name;
}

static const char *arg_of(const struct opt *o)
{
	return is_property(o) ? o->prop->arg : o->arg;
}

static const char *help_of(const struct opt *o)
{
	return is_property(o) ? o->prop->help : o->help;
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
		p->seen |= SEEN(OBJECT_REGION);
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

/* A file name with its templates (lib/template.h) expanded, into
 * *field: what, the option, names it in a refusal. */
static int take_path(struct parser *p, const char *what, const char *arg, char **field)
{
	struct template_values v;
	char path[PATH_MAX], bad = 0;
	int r;

	if (!*arg)
		return fail(EXIT_USAGE, "invalid %s '': expected a path", what);
	if (!p->origin.pid)
		origin_read(&p->origin);
	origin_values(&p->origin, &v);
	r = template_expand(arg, &v, path, sizeof(path), &bad);
	if (r == -EINVAL && !bad)
		return fail(EXIT_USAGE, "invalid %s '%s': it ends in a lone %% (%%%% is a %%)", what, arg);
	if (r == -EINVAL)
		return fail(EXIT_USAGE, "invalid %s '%s': unknown %%%c (%%p, %%h, %%r, %%j and %%%% are known)", what,
			    arg, bad);
	if (r == -EXDEV)
		return fail(EXIT_USAGE, "invalid %s '%s': %%%c's value holds a '/'", what, arg, bad);
	if (r < 0)
		return fail(EXIT_USAGE, "invalid %s '%s': longer than %d bytes once expanded", what, arg, PATH_MAX - 1);
	free(*field);
	*field = strdup(path);
	return *field ? EXIT_OK : fail_oom();
}

static int opt_trace(struct parser *p, const char *arg)
{
	return take_path(p, "trace", arg, &p->nm->trace_file);
}

static int opt_output(struct parser *p, const char *arg)
{
	return take_path(p, "output", arg, &p->nm->output_file);
}

static int opt_ready_file(struct parser *p, const char *arg)
{
	return take_path(p, "ready-file", arg, &p->nm->ready_file);
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

static int opt_columns(struct parser *p, const char *arg)
{
	if (!*arg)
		return fail(EXIT_USAGE, "invalid columns '': expected a list of column names");
	free(p->nm->columns);
	p->nm->columns = strdup(arg);
	p->nm->table.columns = p->nm->columns;
	return p->nm->columns ? EXIT_OK : fail_oom();
}

static int opt_color(struct parser *p, const char *arg)
{
	int when;

	if (parse_when(arg, &when) < 0)
		return fail(EXIT_USAGE, "invalid color '%s': expected auto, always or never (or on or off)", arg);
	p->nm->color = when < 0 ? COLOR_AUTO : when ? COLOR_ALWAYS : COLOR_NEVER;
	return EXIT_OK;
}

/* A node list of COMMAND's own, into a new set of host_node_bits()
 * bits (numactl's options take any node the kernel can have, past
 * QEMU's 128): "all" and "!" are the nodes this process may use, or with
 * --all every node there is (for a memory policy every node with memory:
 * numactl gives the kernel every possible node, and the kernel drops
 * those without memory).  Nodes that do not exist are policy_validate()'s
 * to refuse. */
static int parse_process_nodes(struct parser *p, const char *name, const char *arg, bool memory,
			       unsigned long **set)
{
	struct process_policy *pp = &p->nm->proc;
	unsigned long *every;
	int status;

	free(*set);
	*set = policy_node_set(pp);
	every = policy_node_set(pp);
	if (!*set || !every) {
		free(every);
		return fail_oom();
	}
	if (pp->all && memory)
		host_nodes_with_memory_bits(every, pp->nnodes);
	else if (pp->all)
		host_nodes_present_bits(every, pp->nnodes);
	else
		host_nodes_allowed_bits(every, pp->nnodes);
	status = parse_nodes_bits(name, arg, every, *set, pp->nnodes);
	free(every);
	return status;
}

/* --membind and the other memory policies of COMMAND: one (a second,
 * even the same again, is refused as numactl refuses it). */
static int take_mempolicy(struct parser *p, const struct opt *o, const char *arg)
{
	struct process_policy *pp = &p->nm->proc;

	pp->mode = o->mode;
	pp->mode_opt = o->name;
	free(pp->nodes);
	pp->nodes = NULL;
	if (!arg)
		return EXIT_OK;
	if (parse_process_nodes(p, o->name, arg, true, &pp->nodes))
		return EXIT_USAGE;
	if (o->mode == POLICY_PREFERRED && bits_weight(pp->nodes, pp->nnodes) > 1)
		return fail(EXIT_USAGE, "invalid preferred '%s': one node (--preferred-many takes several)", arg);
	return EXIT_OK;
}

static int opt_cpunodebind(struct parser *p, const char *arg)
{
	p->nm->proc.has_cpunodes = true;
	p->nm->proc.cpus_last = false;
	return parse_process_nodes(p, "cpunodebind", arg, false, &p->nm->proc.cpunodes);
}

/* As many CPUs as the kernel can have (past cpu_set_t's 1024); "all"
 * and "!" relative to the CPUs this process may use, or with --all to
 * every CPU online. */
static int opt_physcpubind(struct parser *p, const char *arg)
{
	struct process_policy *pp = &p->nm->proc;
	unsigned long *all;
	int status;

	pp->has_cpus = true;
	pp->cpus_last = true;
	free(pp->cpus);
	pp->cpus = policy_cpu_set(pp);
	all = policy_cpu_set(pp);
	if (!pp->cpus || !all) {
		free(all);
		return fail_oom();
	}
	if (pp->all)
		host_cpus_online_bits(all, pp->ncpus);
	else
		host_cpus_allowed_bits(all, pp->ncpus);
	status = parse_cpus_bits("physcpubind", arg, all, pp->cpus, pp->ncpus);
	free(all);
	return status;
}

/* As numactl's -a: it changes the lists read after it, so it must come
 * first (numactl refuses it after one too). */
static int opt_all(struct parser *p, const char *arg)
{
	(void)arg;
	if (p->seen & (SEEN_MEMPOLICY | SEEN(CPUNODEBIND) | SEEN(PHYSCPUBIND)))
		return fail(EXIT_USAGE, "--all must come before every node and CPU list, as in numactl");
	p->nm->proc.all = true;
	return EXIT_OK;
}

/* PID[,PID|NAME...], repeatable: numbers are process ids, anything
 * else a command name (comm), resolved when the run starts. */
static int opt_pid(struct parser *p, const char *arg)
{
	struct numamem *nm = p->nm;
	char *copy = strdup(arg), *save = NULL;
	int status = EXIT_OK;

	if (!copy)
		return fail_oom();
	if (!*arg)
		status = fail(EXIT_USAGE, "invalid pid '': expected a process id or a command name");
	for (char *w = strtok_r(copy, ",", &save); !status && w; w = strtok_r(NULL, ",", &save)) {
		unsigned long v;

		if (*w >= '0' && *w <= '9') {
			long *slot;

			if (parse_uint(w, 1, INT_MAX, &v) < 0) {
				status = fail(EXIT_USAGE, "invalid pid '%s': expected a process id", w);
				break;
			}
			slot = array_grow((void **)&nm->pids, &nm->npids, &nm->pids_room, sizeof(*slot));
			if (!slot)
				status = fail_oom();
			else
				*slot = (long)v;
		} else {
			char **slot = array_grow((void **)&nm->pid_names, &nm->nnames, &nm->names_room, sizeof(*slot));

			if (!slot || !(*slot = strdup(w)))
				status = fail_oom();
		}
	}
	free(copy);
	nm->pid = 0;
	return status;
}

/* numactl's --file: the region of --size and friends becomes a shared
 * mapping of FILE; the policy options give its policy (add_cli_region). */
static int opt_file(struct parser *p, const char *arg)
{
	int status;

	if (!*arg)
		return fail(EXIT_USAGE, "invalid file '': expected a path");
	if (!p->first_region_opt[0])
		snprintf(p->first_region_opt, sizeof(p->first_region_opt), "--file");
	p->backend = BACKEND_FILE;
	p->nm->file_policy = true;
	status = take_property(p, &region_props[PROP_MEM_PATH], "", arg);
	return status ? status : take_property(p, &region_props[PROP_SHARE], "", "on");
}

static int opt_length(struct parser *p, const char *arg)
{
	if (!p->first_region_opt[0])
		snprintf(p->first_region_opt, sizeof(p->first_region_opt), "--length");
	return take_property(p, &region_props[PROP_SIZE], "", arg);
}

/* FROM:TO, node lists as migratepages(8) takes them ("0-1:2", "all:0"). */
static int opt_migrate(struct parser *p, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char *from = colon ? strndup(arg, (size_t)(colon - arg)) : NULL;
	struct migrate_request *m = &p->nm->migrate;
	int status;

	if (!colon || !from || !*from || !colon[1] || strchr(colon + 1, ':')) {
		free(from);
		return fail(EXIT_USAGE, "invalid migrate '%s': expected FROM:TO, two node lists such as 0:1 or 0-1:2", arg);
	}
	*m = (struct migrate_request){ .given = true };
	status = parse_nodes("migrate", from, SYNTAX_OPTION, &m->from);
	if (!status)
		status = parse_nodes("migrate", colon + 1, SYNTAX_OPTION, &m->to);
	free(from);
	return status;
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
	at = array_grow((void **)&nm->ats, &nm->nats, &nm->ats_room, sizeof(*at));
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
	struct object_pair *pairs = NULL;
	long n = copy ? object_tokenize(copy, &pairs) : -1;
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
			status = parse_cpus("traffic cpus", value, SYNTAX_OPTION, &nm->traffic_cpus);
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

/* [bandwidth,latency,loaded][,size=SIZE,repeats=N,seconds=S] */
static int opt_measure(struct parser *p, const char *arg)
{
	struct measure_opts *mo = &p->nm->measure_opts;
	char *copy = arg ? strdup(arg) : NULL;
	struct object_pair *pairs = NULL;
	long n = copy ? object_tokenize(copy, &pairs) : 0;
	int status = EXIT_OK;

	p->nm->measure = true;
	*mo = (struct measure_opts){ .repeats = MEASURE_REPEATS, .seconds = MEASURE_SECONDS };
	if (n < 0 || (arg && !copy)) {
		free(copy);
		return fail_oom();
	}
	for (long i = 0; !status && i < n; i++) {
		const char *key = pairs[i].key, *value = pairs[i].value;
		unsigned long v;
		int part;

		if (!value && (part = parse_name(key, measure_part_names, MEASURE_PARTS)) >= 0) {
			mo->parts |= 1u << part;
		} else if (value && !strcmp(key, "size")) {
			if (parse_size(value, &mo->size) < 0 || mo->size < MEASURE_MIN_SIZE)
				status = fail(EXIT_USAGE, "invalid measure size '%s': expected a size of 1M or more, such as 512M",
					      value);
		} else if (value && !strcmp(key, "repeats")) {
			if (parse_uint(value, 1, 1000, &v) < 0)
				status = fail(EXIT_USAGE, "invalid measure repeats '%s': expected a whole number from 1 to 1000",
					      value);
			mo->repeats = (unsigned)v;
		} else if (value && !strcmp(key, "seconds")) {
			if (parse_duration(value, &mo->seconds) < 0 || mo->seconds <= 0 || mo->seconds > 60)
				status = fail(EXIT_USAGE, "invalid measure seconds '%s': expected a duration above 0 and at most 60 s, such as 50ms",
					      value);
		} else {
			status = fail(EXIT_USAGE, "invalid measure '%s': '%s' is not bandwidth, latency, loaded, size=SIZE, repeats=N or seconds=S",
				      arg, key);
		}
	}
	if (!mo->parts)
		mo->parts = MEASURE_ALL;
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

/* The ways to run numamem, before popt's tables; lines that start with
 * blanks and no dash, which help.sh reads as no option. */
static const char help_usage[] =
	"[OPTION...] --size=SIZE         report where its pages land\n"
	"  or:  numamem [OPTION...] -- COMMAND [ARG...] run COMMAND with the regions\n"
	"  or:  numamem [OPTION...] --hold[=DURATION]   keep the regions\n"
	"  or:  numamem --pid=PID | --show-nodes | --measure\n"
	"  or:  numamem --connect=PATH [COMMAND [; COMMAND]...]";

/* --help: the common options (popt leaves out hidden rows, and a group
 * with none shows no title); --help-all: every one.  popt's left column
 * is as wide as the widest row shown, so no argument form is long. */
static int print_help(struct parser *p, bool all)
{
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (!all && !opts[i].common)
			p->row_of[i]->argInfo |= POPT_ARGFLAG_DOC_HIDDEN;
	for (int g = 0; g < G_COUNT; g++) {
		bool shown = false;

		for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
			shown |= opts[i].group == (enum group)g && (all || opts[i].common);
		p->table[g].descrip = shown ? group_titles[g] : NULL;
	}
	poptSetOtherOptionHelp(p->ctx, help_usage);
	poptPrintHelp(p->ctx, stdout, 0);
	puts(all ? "\nEvery detail: man numamem."
		 : "\nEvery option: numamem --help-all; every detail: man numamem.");
	p->status = EXIT_OK;
	return EXIT_OK;
}

static int opt_help(struct parser *p, const char *arg)
{
	(void)arg;
	return print_help(p, false);
}

static int opt_help_all(struct parser *p, const char *arg)
{
	(void)arg;
	return print_help(p, true);
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

		row = p->row_of[i] = &p->rows[o->group][used[o->group]++];
		*row = (struct poptOption){ name_of(o), o->short_name, POPT_ARG_STRING, NULL, OPT_CODE(i), help_of(o),
					    arg_of(o) };
		if (is_property(o) && !arg_of(o)) /* --NAME and --no-NAME */
			*row = (struct poptOption){ name_of(o), '\0', POPT_ARG_VAL | POPT_ARGFLAG_TOGGLE, &p->toggles[i], 1,
						    help_of(o), NULL };
		else if (!arg_of(o))
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
					if (opts[k].short_name == *c) {
						o = &opts[k];
						if (arg_of(o) && !c[1])
							i++; /* -m 0: the next word is the value */
						else if (!arg_of(o))
							o = NULL; /* -hV: on to the next letter */
					}
			continue;
		}
		if (strchr(a, '='))
			continue; /* --name=value */
		len = strlen(a + 2);
		for (size_t k = 0; k < ARRAY_SIZE(opts) && !o; k++)
			if (strlen(name_of(&opts[k])) == len && !strncmp(name_of(&opts[k]), a + 2, len))
				o = &opts[k];
		if (o && arg_of(o) && (!o->optional_arg || (i + 1 < argc && argv[i + 1][0] != '-')))
			i++; /* --name value; popt gives an optional value what is not an option */
	}
	return false;
}

/* A property of the region of --size and friends; no: "no-" when given
 * as --no-NAME, else "". */
static int take_property(struct parser *p, const struct prop *prop, const char *no, const char *value)
{
	if (!p->first_region_opt[0])
		snprintf(p->first_region_opt, sizeof(p->first_region_opt), "--%s%s", no, prop->name);
	p->seen |= SEEN(REGION_OPT);
	if (prop->kinds && !p->kind_only)
		p->kind_only = prop;
	return prop_set(&p->cli, prop, value, SYNTAX_OPTION);
}

/* An option popt returned. */
static int take_option(struct parser *p, int code, const char *arg)
{
	const struct opt *o = &opts[code - OPT_CODE(0)];
	char **given = &p->given[code - OPT_CODE(0)];

	if (o->type == O_MEMPOLICY && (p->seen & SEEN_MEMPOLICY))
		return fail(EXIT_USAGE, "Conflicting policies: --%s after --%s (give one memory policy)", o->name,
			    p->nm->proc.mode_opt);
	if (arg_of(o) && !o->repeatable && *given)
		return fail(EXIT_USAGE, "--%s given twice, '%s' and '%s': it takes one value", name_of(o), *given,
			    arg ? arg : "");
	/* a repeatable option keeps its first value (only single-valued ones
	 * are compared) */
	if (arg_of(o) && !*given && !(*given = strdup(arg ? arg : "")))
		return fail_oom();
	p->seen |= o->seen;
	if ((o->seen & SEEN(REGION_OPT)) && !p->first_region_opt[0])
		snprintf(p->first_region_opt, sizeof(p->first_region_opt), "--%s", name_of(o));
	if (o->type == O_FLAG) {
		*(bool *)((char *)p->nm + o->off) = true;
		return EXIT_OK;
	}
	if (o->type == O_HANDLER)
		return o->handler(p, arg);
	if (o->type == O_MEMPOLICY)
		return take_mempolicy(p, o, arg);
	return take_property(p, o->prop, "", arg);
}

/* The option a misspelt --NAME (or --NAME=VALUE) was meant to be: the
 * one it is a unique prefix of (numactl's getopt takes --mem for
 * --membind), or the nearest by edit distance; NULL when none is close. */
static const char *option_guess(const char *bad)
{
	static char no[ARRAY_SIZE(opts)][64];
	const char *names[2 * ARRAY_SIZE(opts)], *prefix_of = NULL;
	char word[64];
	size_t n = 0, len;
	int prefixes = 0;

	if (!bad || strncmp(bad, "--", 2) || !bad[2])
		return NULL;
	len = strcspn(bad + 2, "=");
	if (len >= sizeof(word))
		return NULL;
	memcpy(word, bad + 2, len);
	word[len] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		names[n++] = name_of(&opts[i]);
		if (is_property(&opts[i]) && !arg_of(&opts[i])) { /* --no-NAME too */
			snprintf(no[i], sizeof(no[i]), "no-%s", name_of(&opts[i]));
			names[n++] = no[i];
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!strncmp(names[i], word, len)) {
			prefix_of = names[i];
			prefixes++;
		}
	if (prefixes == 1)
		return prefix_of;
	return parse_suggest(word, names, n);
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
	if (rc < -1) {
		const char *bad = poptBadOption(p->ctx, POPT_BADOPTION_NOALIAS);
		const char *guess = rc == POPT_ERROR_BADOPT ? option_guess(bad) : NULL;

		if (guess)
			return fail(EXIT_USAGE, "%s: %s: did you mean --%s? (try 'numamem --help')", bad,
				    poptStrerror(rc), guess);
		return fail(EXIT_USAGE, "%s: %s (try 'numamem --help')", bad, poptStrerror(rc));
	}
	return -1;
}

/* --NAME / --no-NAME, once popt has read them all. */
static int apply_toggles(struct parser *p)
{
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		bool on = p->toggles[i] > 0;
		int status;

		if (!p->toggles[i])
			continue;
		status = take_property(p, opts[i].prop, on ? "" : "no-", on ? "on" : "off");
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
	p->seen |= SEEN(COMMAND);
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

		if (!(p->seen & r->a) || (p->seen & r->unless))
			continue;
		if (r->kind == AT_MOST_ONE ? __builtin_popcountll(p->seen & r->a) > 1
					   : (r->kind == EXCLUDES) == !!(p->seen & r->b))
			return fail(EXIT_USAGE, "%s%s%s", r->name_a ? p->first_region_opt : "", r->name_a ? " " : "",
				    r->message);
	}
	return EXIT_OK;
}

/* --file: numactl's policy options give the region's policy, set on the
 * file as numactl sets it (mbind without MPOL_MF_MOVE; MPOL_MF_STRICT
 * with --strict), and --touch its prealloc. */
static int file_policy_region(struct numamem *nm, struct region *r)
{
	struct process_policy *pp = &nm->proc;

	if (pp->mode >= 0) {
		size_t past;

		if (r->policy != POLICY_DEFAULT)
			return fail(EXIT_USAGE, "--file takes --%s or --policy, not both", pp->mode_opt);
		/* the file's policy is a region's: QEMU's 128 nodes */
		if (policy_past_regions(pp, &past))
			return fail(EXIT_USAGE, "--file with --%s: node %zu is past 127, the highest a region's policy (and QEMU's host-nodes) takes",
				    pp->mode_opt, past);
		r->policy = (enum policy)pp->mode;
		if (pp->nodes)
			bits_to_nodemask(pp->nodes, pp->nnodes, &r->host_nodes);
		r->flag[FLAG_NUMA_BALANCING] = pp->balancing;
	}
	policy_free(pp);
	r->numactl_file = true;
	r->numactl_strict = nm->file_strict;
	r->prealloc |= nm->file_touch;
	r->merge = false; /* numactl gives the mapping no advice */
	return EXIT_OK;
}

/* The region of --size and friends becomes the run's only region. */
static int add_cli_region(struct parser *p)
{
	struct numamem *nm = p->nm;
	struct region *r;

	if (nm->file_strict && !nm->file_policy)
		warn_msg("--strict is for --file: ignored for a process, as numactl ignores it");
	if (!(p->seen & SEEN(REGION_OPT)))
		return EXIT_OK;
	if (!p->cli.size_given)
		return fail(EXIT_USAGE, nm->file_policy ? "--file needs --length=SIZE: the bytes of the file the policy covers"
							: "no size: give --size=SIZE");
	p->cli.ops = backend_of(p->backend >= 0 ? (enum backend_kind)p->backend
				 : nm->command ? BACKEND_MEMFD : BACKEND_RAM);
	if (p->kind_only && !prop_of_kind(p->kind_only, region_kind(&p->cli)))
		return fail(EXIT_USAGE, "--%s applies only to the %s backend (this region is %s)",
			    p->kind_only->name, p->kind_only->kinds & KIND(FILE) ? "file" : "memfd",
			    region_kind_name(&p->cli));
	r = array_grow((void **)&nm->regions, &nm->nregions, &nm->regions_room, sizeof(*r));
	if (!r)
		return fail_oom();
	*r = p->cli;
	region_init(&p->cli, "m0", backend_of(BACKEND_RAM));
	return nm->file_policy ? file_policy_region(nm, r) : EXIT_OK;
}

/* -o needs a report to write: never with --quiet (which drops every
 * report, JSON too); with COMMAND, --json or --report. */
static int check_output(const struct parser *p)
{
	const struct numamem *nm = p->nm;

	if (!nm->output_file)
		return EXIT_OK;
	if (nm->quiet)
		return fail(EXIT_USAGE, "-o writes the report, which --quiet drops: leave out --quiet");
	if ((p->seen & SEEN(COMMAND)) && !nm->report && !nm->json)
		return fail(EXIT_USAGE, "-o writes the report: with a COMMAND, it needs --json or --report");
	return EXIT_OK;
}

/* What the options mean together: the rules, the regions, the contexts. */
static int finish_options(struct parser *p)
{
	struct numamem *nm = p->nm;
	int status = check_rules(p);

	if (!status)
		status = add_cli_region(p);
	if (!status)
		status = check_output(p);
	if (!status && nm->columns)
		status = runcheck_columns(nm);
	if (!status && nm->proc.balancing && nm->proc.mode != POLICY_BIND) {
		/* numactl takes -b with any policy and balances none but bind */
		warn_msg("--balancing applies to --membind only: ignored");
		nm->proc.balancing = false;
	}
	if (!status && (nm->show_nodes || nm->measure))
		return runcheck_output(nm);
	if (status || nm->show_nodes || nm->measure || nm->hardware || nm->show_policy)
		return status;
	if (nm->connect_path)
		return EXIT_OK;
	/* numamem COMMAND runs COMMAND as it is, as numactl COMMAND does */
	if (!nm->nregions && !nm->command && !(p->seen & SEEN_PROCESS) && nm->pid < 0)
		return fail(EXIT_USAGE, "no region: give --size=SIZE or --object memory-backend-...");
	status = runcheck(nm);
	if (status)
		return status;
	for (size_t i = 0; i < nm->nregions; i++)
		if (nm->thp != TRI_AUTO)
			nm->regions[i].thp = (enum tristate)nm->thp;
	return object_resolve_contexts(nm);
}

void options_init(struct numamem *nm)
{
	*nm = (struct numamem){ .ready_fd = -1, .fd_number = -1, .thp = TRI_AUTO, .pid = -1, .out = stdout };
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
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		free(p->given[i]);
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
	free(nm->output_file);
	free(nm->pids);
	for (size_t i = 0; i < nm->nnames; i++)
		free(nm->pid_names[i]);
	free(nm->pid_names);
	free(nm->columns);
	for (char **a = nm->command; a && *a; a++)
		free(*a);
	free(nm->command);
	policy_free(&nm->proc);
	options_init(nm);
}
