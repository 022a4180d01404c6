/* Where COMMAND's own memory goes: its process tree's anonymous memory
 * per node, sampled from /proc/PID/numa_maps while it runs, at an
 * interval that keeps the sampling under 1% of one CPU (bench/RESULTS.md,
 * "Watching a workload"); the peak per node, the last figures before
 * the tree ended, a timeline for --trace and the text chart, and the
 * --verify verdict against COMMAND's process policy. */
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

/* The text chart: at most CHART_COLS columns, each the peak per node of
 * its span of time; when full, neighbours merge and spans double. */
#define CHART_COLS 48

struct watch {
	const char *mechanism;  /* "numa_maps" */
	pid_t pid;              /* COMMAND */
	double t0;              /* when COMMAND started */
	struct timespec start;  /* the same, CLOCK_REALTIME */
	double interval;        /* seconds between samples, the last one used */
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

/* Start watching pid; trace, when not NULL, gets the header line. */
void watch_start(struct watch *w, pid_t pid, const char *command, FILE *trace);
/* Take one sample of the tree.  Returns the seconds to wait before the
 * next one. */
double watch_sample(struct watch *w);
/* The tree has ended: the freshness of the last figures. */
void watch_end(struct watch *w);
/* Judge the peak per node against COMMAND's process policy. */
void watch_verify(struct watch *w, const struct process_policy *proc);
void watch_free(struct watch *w);

#endif
