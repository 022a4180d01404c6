/* COMMAND's memory per node; see watch.h.
 *
 * Why numa_maps, sampled: reading it costs the reader a walk of the
 * process's page tables, about 20 ms of CPU per GiB of 4 KiB pages here
 * (bench/RESULTS.md), so the interval adapts: 100 times the CPU the last
 * sample took, at least 10 ms, which holds the sampling at 1% of one
 * CPU whatever the workload's size.  cgroup v2's memory.numa_stat would
 * be cheaper, but needs a delegated memory controller, which none of
 * the machines numamem is tested on has.  The figures at exit are those
 * of the last sample before the tree ended: the report gives their age
 * ("freshness"). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host.h"
#include "lib/json.h"
#include "util.h"
#include "procmaps.h"
#include "watch.h"

#define MIN_INTERVAL 0.010
#define COST_FACTOR 100 /* interval = 100 x cost: 1% of one CPU */
#define THP_SIZE (2ULL << 20)

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void watch_start(struct watch *w, pid_t pid, const char *command, FILE *trace)
{
	memset(w, 0, sizeof(*w));
	w->mechanism = "numa_maps";
	w->pid = pid;
	w->t0 = now_seconds();
	clock_gettime(CLOCK_REALTIME, &w->start);
	w->interval = MIN_INTERVAL;
	w->col_span = MIN_INTERVAL;
	w->trace = trace;
	if (trace) {
		json_header(trace, "trace", host_kernel_release());
		fprintf(trace, ",\"mechanism\":\"%s\",\"command_pid\":%ld,\"command\":", w->mechanism, (long)pid);
		json_string(trace, command);
		/* when, to line the trace up with the job's and perf's logs (where:
		 * the header's hostname and rank) */
		json_wall_clock(trace, "start", &w->start);
		fputs("}\n", trace);
	}
}

static void remember(struct watch *w, long pid)
{
	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i] == pid)
			return;
	if (w->nseen == w->seen_room) {
		size_t want = w->seen_room ? w->seen_room * 2 : 16;
		long *grown = realloc(w->seen, want * sizeof(*grown));

		if (!grown)
			return;
		w->seen = grown;
		w->seen_room = want;
	}
	w->seen[w->nseen++] = pid;
	w->processes = (unsigned)w->nseen;
}

/* pid's children, from every thread's /proc/PID/task/TID/children,
 * appended to *list. */
static void add_children(long pid, long **list, size_t *n, size_t *room)
{
	char path[64];
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		char file[320];
		long child;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "/proc/%ld/task/%s/children", pid, e->d_name);
		f = fopen(file, "re");
		while (f && fscanf(f, "%ld", &child) == 1) {
			if (*n == *room) {
				size_t want = *room ? *room * 2 : 16;
				long *grown = realloc(*list, want * sizeof(*grown));

				if (!grown)
					break;
				*list = grown;
				*room = want;
			}
			(*list)[(*n)++] = child;
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
}

/* The chart's columns: the sample goes into the column of its time,
 * halving the resolution when time runs past the last one. */
static void chart_add(struct watch *w, double t, const uint64_t *bytes)
{
	unsigned c;

	while ((c = (unsigned)(t / w->col_span)) >= CHART_COLS) {
		for (unsigned i = 0; i < CHART_COLS; i++)
			for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
				uint64_t a = 2 * i < CHART_COLS ? w->cols[2 * i][n] : 0;
				uint64_t b = 2 * i + 1 < CHART_COLS ? w->cols[2 * i + 1][n] : 0;

				w->cols[i][n] = a > b ? a : b;
			}
		w->col_span *= 2;
		w->ncols = (w->ncols + 1) / 2;
	}
	/* columns no sample fell in hold the figures of the sample before */
	for (unsigned k = w->ncols; k < c; k++)
		memcpy(w->cols[k], w->last, sizeof(w->last));
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (bytes[n] > w->cols[c][n])
			w->cols[c][n] = bytes[n];
	if (c + 1 > w->ncols)
		w->ncols = c + 1;
}

static void trace_line(struct watch *w, double t, const uint64_t *bytes, unsigned procs)
{
	bool first = true;

	if (!w->trace)
		return;
	json_header(w->trace, "trace-sample", host_kernel_release());
	fprintf(w->trace, ",\"t_ms\":%.3f,\"node_bytes\":{", t * 1e3);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!bytes[n])
			continue;
		fprintf(w->trace, "%s\"%u\":%" PRIu64, first ? "" : ",", n, bytes[n]);
		first = false;
	}
	fprintf(w->trace, "},\"processes\":%u,\"interval_ms\":%.3f}\n", procs, w->interval * 1e3);
	if (fflush(w->trace) != 0)
		w->trace_failed = true;
}

double watch_sample(struct watch *w)
{
	uint64_t bytes[NUMAMEM_MAX_NODES] = { 0 };
	long *tree = NULL;
	size_t n = 0, room = 0, vmas = 0;
	unsigned procs = 0;
	double c0 = cpu_seconds(), t;
	struct proc_numa p;

	if (!(tree = malloc(16 * sizeof(*tree))))
		return w->interval;
	room = 16;
	tree[n++] = w->pid;
	for (size_t i = 0; i < n; i++) {
		/* a process that has exited and is not reaped yet has no mappings */
		if (procmaps_sample(tree[i], &p) == 0 && p.n) {
			procs++;
			remember(w, tree[i]);
			for (size_t k = 0; k < p.n; k++) {
				if (p.vmas[k].file) /* the page cache and shared regions are not its own */
					continue;
				vmas++;
				for (unsigned nd = 0; nd < NUMAMEM_MAX_NODES; nd++)
					bytes[nd] += p.vmas[k].node_bytes[nd];
			}
		}
		procmaps_free(&p);
		add_children(tree[i], &tree, &n, &room);
	}
	free(tree);
	if (!procs) /* gone already: the figures of the sample before stand */
		return w->interval;
	t = now_seconds() - w->t0;
	chart_add(w, t, bytes);
	w->samples++;
	w->t_last = now_seconds();
	memcpy(w->last, bytes, sizeof(bytes));
	for (unsigned nd = 0; nd < NUMAMEM_MAX_NODES; nd++)
		if (bytes[nd] > w->peak[nd])
			w->peak[nd] = bytes[nd];
	if (vmas > w->max_vmas)
		w->max_vmas = vmas;
	w->cost = cpu_seconds() - c0;
	w->cpu += w->cost;
	w->interval = COST_FACTOR * w->cost > MIN_INTERVAL ? COST_FACTOR * w->cost : MIN_INTERVAL;
	trace_line(w, t, bytes, procs);
	return w->interval;
}

void watch_end(struct watch *w)
{
	w->freshness = w->samples ? now_seconds() - w->t_last : 0;
	w->watched = now_seconds() - w->t0;
}

void watch_verify(struct watch *w, const struct process_policy *proc)
{
	struct judge_input in = { .mode = proc->mode, .nodes = proc->nodes, .node_bytes = w->peak };

	if (proc->mode < 0) {
		w->verdict = VERIFY_SKIPPED;
		snprintf(w->reason, sizeof(w->reason), "COMMAND has no policy of its own");
		return;
	}
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		in.present_bytes += w->peak[n];
		if (!nodemask_isset(&in.nodes, n))
			continue;
		in.weights[n] = host_interleave_weight(n);
		in.room[n] = host_node_free(n);
	}
	/* each mapping may hand out a transparent huge page more or less */
	in.unit = (w->max_vmas ? w->max_vmas : 1) * THP_SIZE;
	w->verdict = placement_judge(&in, w->reason, sizeof(w->reason));
}

void watch_free(struct watch *w)
{
	free(w->seen);
	w->seen = NULL;
	w->nseen = w->seen_room = 0;
}
