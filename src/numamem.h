/* The run's state: what the command line asked for, and how it went. */
#ifndef NUMAMEM_H
#define NUMAMEM_H

#include <stdbool.h>
#include <stddef.h>

#include "inherit.h"
#include "migrate.h"
#include "policy.h"
#include "table.h"
#include "util.h"


struct region;
struct thread_context;
struct watch;

/* --at=TIME:COMMAND: a control command TIME after the regions are ready. */
struct at_command {
	double seconds;
	char *line;
};

enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* The run: what the command line asked for, and how it went.  One of
 * these lives in main(); everything else is handed a pointer. */
struct numamem {
	struct region *regions;
	size_t nregions, regions_room;
	struct thread_context *contexts;
	size_t ncontexts, contexts_room;
	bool json, verify, quiet, force_fork, map, show_nodes, hold, measure;
	bool hardware;         /* --hardware: numactl's view of the nodes */
	bool show_policy;      /* --show: numactl's view of the policy */
	double hold_seconds;   /* 0: until SIGINT or SIGTERM */
	char *control_path;    /* --control=unix:PATH: the socket, or NULL */
	bool control_stdio;    /* --control=stdio */
	struct at_command *ats; /* --at, in the order given */
	size_t nats, ats_room;
	char *connect_path;    /* --connect=PATH: commands are in .command */
	struct measure_opts {  /* --measure=PARTS,size=,repeats=,seconds= */
		unsigned parts;    /* MEASURE_* bits */
		uint64_t size;     /* bytes per target; 0: from the caches */
		unsigned repeats;  /* timed passes of each measurement (the median) */
		double seconds;    /* one timed pass */
	} measure_opts;
	int traffic;           /* enum traffic_mode: --traffic, 0: none */
	unsigned traffic_threads;
	bool has_traffic_cpus;
	cpu_set_t traffic_cpus;
	char *ready_file;
	int ready_fd;          /* -1: none */
	int fd_number;         /* --fd=N, -1: none */
	int thp;               /* enum tristate: --thp for every region */
	struct process_policy proc; /* COMMAND's own policy and CPUs */
	struct launcher launcher;   /* what COMMAND inherits and runs under */
	long pid;              /* 0 with --pid, -1: none */
	long *pids;            /* --pid's process ids, and its names' once resolved */
	size_t npids, pids_room;
	char **pid_names;      /* --pid's command names (comm) */
	size_t nnames, names_room;
	struct migrate_request migrate; /* --migrate=FROM:TO, with --pid */
	bool file_policy;      /* --file: the region is numactl's shared file */
	bool file_touch, file_strict; /* --touch, --strict */
	char **command;        /* NULL-terminated, or NULL */
	bool command_asked;    /* argv asks for a COMMAND (known even when parsing fails) */
	bool command_ran;
	bool placement_broken; /* --verify failed (not COMMAND's own status 4) */
	bool sigpipe_default;  /* SIGPIPE was SIG_DFL when numamem started */
	bool report;           /* --report: the text report, after COMMAND */
	char *trace_file;      /* --trace=FILE, its templates expanded */
	char *output_file;     /* -o FILE, its templates expanded, or NULL */
	struct outfile output; /* -o's file once made */
	FILE *out;             /* where the report goes: stdout, or output.f */
	bool output_whole;     /* the report was written to it in full */
	struct watch *watch;   /* COMMAND's memory, watched, or NULL */
	enum color_when color; /* --color; report.c decides with the terminal and NO_COLOR */
	struct table_style table; /* --bytes, --raw, --noheadings, --columns */
	char *columns;         /* --columns=LIST, owned (table.columns points here) */
};

#endif
