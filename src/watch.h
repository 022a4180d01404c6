/* Where COMMAND's own memory goes: its process tree's memory per node
 * (anonymous private and shared, shared memory files, hugetlb; each
 * shared page once), sampled while it runs at an interval that keeps the
 * sampling under 1% of one CPU (bench/RESULTS.md, "Watching a
 * workload"), and read again at every process's exit, so that none is
 * missed; the peak per node, the figures at COMMAND's exit, a timeline
 * for --trace and the text chart, and the --verify verdict against
 * COMMAND's process policy.
 *
 * The mechanisms, best first (watch_prepare; NUMAMEM_WATCH forces one):
 *   cgroup      COMMAND in a cgroup of its own: memory.numa_stat per node,
 *               memory.peak the exact peak; and every exit stopped, as
 *   exit-trace  every process stopped at its exit (exittrace.h) and its
 *               numa_maps read then; the tree sampled meanwhile;
 *   sampling    the tree's numa_maps at the interval only. */
#ifndef NUMAMEM_WATCH_H
#define NUMAMEM_WATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "lib/parse.h"
#include "placement.h"
#include "policy.h"
#include "cgroup.h"

/* The text chart: at most CHART_COLS columns, each the peak per node of
 * its span of time; when full, neighbours merge and spans double. */
#define CHART_COLS 48

enum watch_mech { WATCH_SAMPLING, WATCH_EXIT_TRACE, WATCH_CGROUP };

/* Mapped shared memory, one entry per mapping: counted once per
 * identity (device, inode, offset range) however many processes map it. */
struct shared_use {
	unsigned long dev, inode;
	unsigned long long offset, len;
	uint64_t node_bytes[NUMAMEM_MAX_NODES];
};

/* A process's figures as last read. */
struct proc_mem {
	long pid;
	uint64_t own[NUMAMEM_MAX_NODES]; /* its private memory */
	struct shared_use *shared;
	size_t nshared, room;
	size_t vmas;
};

struct file_id {
	unsigned long dev, inode;
};

struct watch {
	enum watch_mech mech;
	const char *mechanism;  /* "cgroup", "exit-trace", "sampling" */
	char note[300];         /* why not a better mechanism, or "" */
	struct cgroup cg;       /* WATCH_CGROUP: COMMAND's */
	int64_t exact_peak;     /* memory.peak at the end, -1: none */
	bool traced;            /* every exit is stopped (exittrace.h) */
	unsigned exit_reads;    /* processes read at their exit stop */
	bool exit_exact;        /* the exit figures were read at COMMAND's exit stop */
	struct file_id *regions; /* numamem's own regions' files: not COMMAND's */
	size_t nregions, regions_room;
	struct proc_mem *procs; /* the tree's processes as last read */
	size_t nprocs, procs_room;
	pid_t pid;              /* COMMAND */
	double t0;              /* when COMMAND started */
	struct timespec start;  /* the same, CLOCK_REALTIME */
	double interval;        /* seconds between samples, the last one used */
	double min_interval;    /* the shortest: 10 ms, or NUMAMEM_WATCH_INTERVAL */
	double cost;            /* seconds the last sample took */
	double t_last;          /* when the last sample was taken */
	double freshness;       /* age of the exit figures when the tree ended */
	double cpu;             /* seconds of CPU every sample took */
	double watched;         /* seconds from COMMAND's start to its exit */
	unsigned samples, processes;
	uint64_t peak[NUMAMEM_MAX_NODES];
	uint64_t last[NUMAMEM_MAX_NODES];
	size_t max_vmas;        /* most anonymous mappings in one sample */
	/* the chart */
	unsigned ncols;
	double col_span;        /* seconds per column */
	uint64_t cols[CHART_COLS][NUMAMEM_MAX_NODES];
	/* processes seen, to count them once */
	long *seen;
	size_t nseen, seen_room;
	FILE *trace;            /* --trace, or NULL */
	bool trace_failed;
	enum verdict verdict;
	char reason[400];
};

/* Choose the mechanism before COMMAND is forked: forced is
 * NUMAMEM_WATCH's value (auto, cgroup, exit-trace, sampling) or NULL,
 * interval NUMAMEM_WATCH_INTERVAL's (the shortest interval) or NULL;
 * makes the cgroup.  EXIT_OK, or EXIT_CANCELED after one line (a forced
 * mechanism this host lacks, a bad value). */
int watch_prepare(struct watch *w, const char *forced, const char *interval);
/* The exit trace could not be set up (errno e): sampling, said why;
 * EXIT_CANCELED after one line when it was forced. */
int watch_no_trace(struct watch *w, int e);
/* A file (a region's fd) whose mappings are not COMMAND's memory. */
void watch_exclude(struct watch *w, unsigned long dev, unsigned long inode);
/* Start watching pid; trace, when not NULL, gets the header line. */
void watch_start(struct watch *w, pid_t pid, const char *command, FILE *trace);
/* Take one sample of the tree.  Returns the seconds to wait before the
 * next one. */
double watch_sample(struct watch *w);
/* Process tid is stopped at its exit, its memory still whole: counted. */
void watch_exit(struct watch *w, long tid);
/* The tree has ended: the freshness of the last figures; memory.peak
 * read and the cgroup removed. */
void watch_end(struct watch *w);
/* The kinds of memory counted, NULL-terminated. */
const char *const *watch_counted(const struct watch *w);
/* What the figures could have missed, as a sentence. */
void watch_coverage(const struct watch *w, char *buf, size_t len);
/* Judge the peak per node against COMMAND's process policy. */
void watch_verify(struct watch *w, const struct process_policy *proc);
/* Releases everything; removes the cgroup if watch_end() did not. */
void watch_free(struct watch *w);

#endif
