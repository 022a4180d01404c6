/* COMMAND's memory per node; see watch.h.
 *
 * Why numa_maps, sampled: reading it costs the reader a walk of the
 * process's page tables, about 20 ms of CPU per GiB of 4 KiB pages here
 * (bench/RESULTS.md), so the interval adapts: 100 times the CPU the last
 * sample took, at least 10 ms, which holds the sampling at 1% of one
 * CPU whatever the workload's size.  A sample alone misses what lives
 * between two samples: a child that touches memory and exits in 5 ms.
 * So every process is also read at its exit stop (exittrace.h), where
 * its mm is still whole: the tree's figures then are that read plus the
 * others' last ones, and the peak is the highest of those and of the
 * samples.  With a delegated cgroup v2 memory controller, the figures
 * are memory.numa_stat's instead (cheap, every page the cgroup was
 * charged, each once) at the same moments, and memory.peak gives the
 * exact high-water mark of the total.
 *
 * Shared pages once: a shared mapping (MAP_SHARED anonymous, memfd,
 * /dev/shm, SysV, hugetlb) is keyed by what it maps, maps' device, inode
 * and offset range, and counted once per key with, per node, the most
 * any process has present; not by page frame (kpageflags and pagemap's
 * PFNs need CAP_SYS_ADMIN and a read per page, where the key costs
 * nothing more than maps).  Its limits, said in the report's coverage:
 * two different ranges of one object that overlap count the overlap
 * twice, and private pages still shared copy-on-write after a fork are
 * counted in each process that maps them.  The page cache of regular
 * files (libraries, data read) is not counted: it is not the
 * workload's own, and not placed by its policy. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/sysmacros.h>

#include "cgroup.h"
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

static const char *const mech_names[] = { "sampling", "exit-trace", "cgroup" };

int watch_prepare(struct watch *w, const char *forced, const char *interval)
{
	int want = -1;

	memset(w, 0, sizeof(*w));
	w->cg.procs_fd = -1;
	w->exact_peak = -1;
	if (forced && *forced && strcmp(forced, "auto")) {
		for (int m = 0; m < (int)ARRAY_SIZE(mech_names); m++)
			if (!strcmp(forced, mech_names[m]))
				want = m;
		if (want < 0)
			return fail(EXIT_CANCELED, "NUMAMEM_WATCH='%s': give auto, cgroup, exit-trace or sampling", forced);
	}
	w->mech = want >= 0 ? (enum watch_mech)want : WATCH_CGROUP;
	if (w->mech == WATCH_CGROUP && cgroup_create(&w->cg) < 0) {
		if (want == WATCH_CGROUP)
			return fail(EXIT_CANCELED, "NUMAMEM_WATCH=cgroup: no cgroup for COMMAND: %s", w->cg.why);
		snprintf(w->note, sizeof(w->note), "no cgroup: %.200s", w->cg.why);
		w->mech = WATCH_EXIT_TRACE;
	}
	w->mechanism = mech_names[w->mech];
	w->traced = w->mech != WATCH_SAMPLING;
	/* NUMAMEM_WATCH_INTERVAL (tests): samples no more often than this,
	 * so that a test can show what the exit reads catch on their own */
	w->min_interval = MIN_INTERVAL;
	if (interval && *interval && (parse_duration(interval, &w->min_interval) < 0 || w->min_interval < MIN_INTERVAL)) {
		cgroup_remove(&w->cg);
		return fail(EXIT_CANCELED, "NUMAMEM_WATCH_INTERVAL='%s': give a duration of 10ms or more", interval);
	}
	return EXIT_OK;
}

int watch_no_trace(struct watch *w, int e)
{
	size_t used = strlen(w->note);

	if (getenv("NUMAMEM_WATCH") && !strcmp(getenv("NUMAMEM_WATCH"), mech_names[w->mech]))
		return fail_errno(EXIT_CANCELED, e, "NUMAMEM_WATCH=%s: cannot trace COMMAND's exits", w->mechanism);
	snprintf(w->note + used, sizeof(w->note) - used, "%sno exit trace: ptrace: %s", used ? "; " : "",
		 strerror(e));
	if (w->mech == WATCH_EXIT_TRACE)
		w->mech = WATCH_SAMPLING;
	w->mechanism = mech_names[w->mech];
	w->traced = false;
	return EXIT_OK;
}

void watch_start(struct watch *w, pid_t pid, const char *command, FILE *trace)
{
	w->pid = pid;
	w->t0 = now_seconds();
	clock_gettime(CLOCK_REALTIME, &w->start);
	w->interval = w->min_interval;
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

/* Counted: private memory (anonymous, and private copies in a private
 * mapping of shared memory) as the process's own; shared memory and
 * hugetlb mapped shared, by identity; not the page cache of regular files. */
/* Whether device dev is a tmpfs mount (a file there is shared memory,
 * not page cache), from /proc/self/mountinfo, read once per device. */
static bool tmpfs_dev(unsigned long dev)
{
	static struct {
		unsigned long dev;
		bool tmpfs;
	} known[64];
	static size_t nknown;
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	FILE *f;

	for (size_t i = 0; i < nknown; i++)
		if (known[i].dev == dev)
			return known[i].tmpfs;
	f = fopen("/proc/self/mountinfo", "re");
	while (f && !found && getline(&line, &cap, f) > 0) {
		unsigned maj, min;
		char *sep = strstr(line, " - ");

		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - FSTYPE SOURCE OPTIONS */
		if (sep && sscanf(line, "%*s %*s %u:%u", &maj, &min) == 2 && makedev(maj, min) == dev)
			found = !strncmp(sep, " - tmpfs ", 9);
	}
	free(line);
	if (f)
		fclose(f);
	if (nknown < ARRAY_SIZE(known)) {
		known[nknown].dev = dev;
		known[nknown++].tmpfs = found;
	}
	return found;
}

/* Whether v maps one of numamem's own regions: those are reported as
 * regions, placed by their own policy, never as COMMAND's memory. */
static bool region_mapping(const struct watch *w, const struct vma_numa *v)
{
	for (size_t i = 0; v->has_ident && v->inode && i < w->nregions; i++)
		if (w->regions[i].dev == v->dev && w->regions[i].inode == v->inode)
			return true;
	return false;
}

void watch_exclude(struct watch *w, unsigned long dev, unsigned long inode)
{
	struct file_id *id = array_grow((void **)&w->regions, &w->nregions, &w->regions_room, sizeof(*id));

	if (id) {
		id->dev = dev;
		id->inode = inode;
	}
}

static void proc_mem_add(const struct watch *w, struct proc_mem *pm, const struct vma_numa *v)
{
	struct shared_use *u;

	if (region_mapping(w, v))
		return;
	if (v->file && !v->shmem && !(v->has_ident && v->inode && tmpfs_dev(v->dev)))
		return;
	pm->vmas++;
	if (!v->has_ident || !v->shared) {
		for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
			pm->own[n] += v->node_bytes[n];
		return;
	}
	if (!v->bytes)
		return;
	u = array_grow((void **)&pm->shared, &pm->nshared, &pm->room, sizeof(*u));
	if (!u)
		return;
	u->dev = v->dev;
	u->inode = v->inode;
	u->offset = v->offset;
	u->len = v->end - v->start;
	memcpy(u->node_bytes, v->node_bytes, sizeof(u->node_bytes));
}

static void proc_mem_free(struct proc_mem *pm)
{
	free(pm->shared);
	memset(pm, 0, sizeof(*pm));
}

/* pid's figures read now: 0, or -1 when it has none (gone, no mapping). */
static int proc_mem_read(const struct watch *w, long pid, struct proc_mem *pm)
{
	struct proc_numa p;
	int r;

	memset(pm, 0, sizeof(*pm));
	pm->pid = pid;
	r = procmaps_sample_ident(pid, &p) == 0 && p.n ? 0 : -1;
	for (size_t k = 0; !r && k < p.n; k++)
		proc_mem_add(w, pm, &p.vmas[k]);
	procmaps_free(&p);
	return r;
}

static int cmp_use(const void *a, const void *b)
{
	const struct shared_use *x = *(const struct shared_use *const *)a, *y = *(const struct shared_use *const *)b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* The tree's bytes per node from its processes' figures: private
 * memory summed, each shared mapping once (the most of any process on
 * each node).  Returns the mappings counted. */
static size_t tally(struct proc_mem *procs, size_t n, uint64_t bytes[NUMAMEM_MAX_NODES])
{
	const struct shared_use **all;
	size_t nall = 0, vmas = 0;

	memset(bytes, 0, NUMAMEM_MAX_NODES * sizeof(*bytes));
	for (size_t i = 0; i < n; i++) {
		for (unsigned nd = 0; nd < NUMAMEM_MAX_NODES; nd++)
			bytes[nd] += procs[i].own[nd];
		nall += procs[i].nshared;
		vmas += procs[i].vmas;
	}
	all = nall ? malloc(nall * sizeof(*all)) : NULL;
	if (!all) {
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < procs[i].nshared; k++)
				for (unsigned nd = 0; nd < NUMAMEM_MAX_NODES; nd++)
					bytes[nd] += procs[i].shared[k].node_bytes[nd];
		return vmas;
	}
	nall = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < procs[i].nshared; k++)
			all[nall++] = &procs[i].shared[k];
	qsort(all, nall, sizeof(*all), cmp_use);
	for (size_t i = 0; i < nall;) {
		size_t j = i;
		uint64_t most[NUMAMEM_MAX_NODES] = { 0 };

		for (; j < nall && !cmp_use(&all[i], &all[j]); j++)
			for (unsigned nd = 0; nd < NUMAMEM_MAX_NODES; nd++)
				if (all[j]->node_bytes[nd] > most[nd])
					most[nd] = all[j]->node_bytes[nd];
		for (unsigned nd = 0; nd < NUMAMEM_MAX_NODES; nd++)
			bytes[nd] += most[nd];
		i = j;
	}
	free(all);
	return vmas;
}

/* The cgroup's figures: anonymous and shared memory per node. */
static int cgroup_bytes(struct watch *w, uint64_t bytes[NUMAMEM_MAX_NODES])
{
	uint64_t anon[NUMAMEM_MAX_NODES], shmem[NUMAMEM_MAX_NODES], file[NUMAMEM_MAX_NODES];

	if (cgroup_numa_stat(&w->cg, anon, shmem, file) < 0)
		return -1;
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		bytes[n] = anon[n] + shmem[n];
	return 0;
}

/* A moment's figures: the peak, the chart, --trace. */
static void account(struct watch *w, const uint64_t *bytes, size_t vmas, unsigned procs)
{
	double t = now_seconds() - w->t0;

	chart_add(w, t, bytes);
	w->t_last = now_seconds();
	memcpy(w->last, bytes, sizeof(w->last));
	for (unsigned nd = 0; nd < NUMAMEM_MAX_NODES; nd++)
		if (bytes[nd] > w->peak[nd])
			w->peak[nd] = bytes[nd];
	if (vmas > w->max_vmas)
		w->max_vmas = vmas;
	trace_line(w, t, bytes, procs);
}

static void procs_free(struct watch *w)
{
	for (size_t i = 0; i < w->nprocs; i++)
		proc_mem_free(&w->procs[i]);
	w->nprocs = 0;
}

double watch_sample(struct watch *w)
{
	uint64_t bytes[NUMAMEM_MAX_NODES] = { 0 };
	long *tree = NULL;
	size_t n = 0, room = 0, vmas;
	double c0 = cpu_seconds();

	if (!(tree = malloc(16 * sizeof(*tree))))
		return w->interval;
	room = 16;
	tree[n++] = w->pid;
	procs_free(w);
	for (size_t i = 0; i < n; i++) {
		/* in a cgroup, only the processes are wanted: memory.numa_stat
		 * has the figures, each page once, at no page table walk */
		if (w->mech == WATCH_CGROUP) {
			char path[64];

			snprintf(path, sizeof(path), "/proc/%ld/maps", tree[i]);
			if (access(path, R_OK) == 0)
				remember(w, tree[i]);
		} else {
			struct proc_mem *pm = array_grow((void **)&w->procs, &w->nprocs, &w->procs_room, sizeof(*pm));

			/* a process that has exited and is not reaped yet has no mappings */
			if (pm && proc_mem_read(w, tree[i], pm) == 0)
				remember(w, tree[i]);
			else if (pm)
				proc_mem_free(&w->procs[--w->nprocs]);
		}
		add_children(tree[i], &tree, &n, &room);
	}
	free(tree);
	if (w->mech == WATCH_CGROUP) {
		if (cgroup_bytes(w, bytes) < 0)
			return w->interval;
		vmas = 1;
	} else {
		if (!w->nprocs) /* gone already: the figures of the sample before stand */
			return w->interval;
		vmas = tally(w->procs, w->nprocs, bytes);
	}
	w->samples++;
	account(w, bytes, vmas, (unsigned)(w->mech == WATCH_CGROUP ? w->nseen : w->nprocs));
	w->cost = cpu_seconds() - c0;
	w->cpu += w->cost;
	w->interval = COST_FACTOR * w->cost > w->min_interval ? COST_FACTOR * w->cost : w->min_interval;
	return w->interval;
}

/* The thread group tid belongs to, from /proc/TID/status. */
static long tgid_of(long tid)
{
	char path[64], line[128];
	long tgid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", tid);
	if (!(f = fopen(path, "re")))
		return -1;
	while (tgid < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %ld", &tgid) != 1)
			tgid = -1;
	fclose(f);
	return tgid;
}

void watch_exit(struct watch *w, long tid)
{
	uint64_t bytes[NUMAMEM_MAX_NODES] = { 0 };
	double c0 = cpu_seconds();
	struct proc_mem pm;
	size_t at, vmas = 1;
	unsigned procs;

	/* a process's memory is read at its leader's exit stop: a thread
	 * that ends alone leaves the mm to the others (a leader that ended
	 * first and the thread that execs are the rare misses) */
	if (tgid_of(tid) != tid)
		return;
	remember(w, tid);
	w->exit_reads++;
	if (w->mech == WATCH_CGROUP) {
		if (cgroup_bytes(w, bytes) < 0)
			return;
		procs = (unsigned)w->nseen;
	} else {
		if (proc_mem_read(w, tid, &pm) < 0) {
			proc_mem_free(&pm);
			return;
		}
		for (at = 0; at < w->nprocs && w->procs[at].pid != tid; at++)
			;
		if (at == w->nprocs && !array_grow((void **)&w->procs, &w->nprocs, &w->procs_room, sizeof(pm))) {
			proc_mem_free(&pm);
			return;
		}
		proc_mem_free(&w->procs[at]);
		w->procs[at] = pm;
		vmas = tally(w->procs, w->nprocs, bytes);
		procs = (unsigned)w->nprocs;
		/* gone from the tree from here on */
		proc_mem_free(&w->procs[at]);
		w->procs[at] = w->procs[--w->nprocs];
	}
	account(w, bytes, vmas, procs);
	if (tid == w->pid)
		w->exit_exact = true;
	w->cpu += cpu_seconds() - c0;
}

void watch_end(struct watch *w)
{
	w->freshness = w->exit_exact ? 0 : w->samples ? now_seconds() - w->t_last : 0;
	w->watched = now_seconds() - w->t0;
	if (*w->cg.path)
		w->exact_peak = cgroup_peak(&w->cg);
	cgroup_remove(&w->cg);
}

const char *const *watch_counted(const struct watch *w)
{
	static const char *const maps[] = { "anonymous private", "anonymous shared", "tmpfs/shm files", "hugetlb",
					     NULL };
	/* memory.numa_stat: anon and shmem (hugetlb is not charged to it) */
	static const char *const cgroup[] = { "anonymous private", "anonymous shared", "tmpfs/shm files", NULL };

	return w->mech == WATCH_CGROUP ? cgroup : maps;
}

void watch_coverage(const struct watch *w, char *buf, size_t len)
{
	size_t used;

	if (w->mech == WATCH_CGROUP)
		used = (size_t)snprintf(buf, len, "%s; per node: memory.numa_stat of the cgroup %s; so memory a running "
					"process frees between two samples is missed per node",
					w->exact_peak >= 0 ? "the total peak is exact (memory.peak: every page charged to the "
							     "cgroup, page cache and kernel memory too)"
							   : "no exact peak (no memory.peak: Linux before 5.19)",
					w->traced ? "at every process's exit and at every sample" : "at every sample only");
	else if (w->mech == WATCH_EXIT_TRACE)
		used = (size_t)snprintf(buf, len, "every process read at its exit, the tree sampled meanwhile: memory a "
					"running process frees between two samples is missed; private pages still shared "
					"copy-on-write after a fork count in each process");
	else
		used = (size_t)snprintf(buf, len, "samples only: a process that exits between two samples and memory "
					"freed between two samples are missed");
	if (used < len && !w->traced && w->mech == WATCH_CGROUP)
		used += (size_t)snprintf(buf + used, len - used, "; a process that exits between two samples is missed per node");
	if (used < len && *w->note)
		snprintf(buf + used, len - used, " (%s)", w->note);
}

void watch_verify(struct watch *w, const struct process_policy *proc)
{
	struct judge_input in = { .mode = proc->mode, .node_bytes = w->peak };
	size_t past;

	if (proc->mode < 0) {
		w->verdict = VERIFY_SKIPPED;
		snprintf(w->reason, sizeof(w->reason), "COMMAND has no policy of its own");
		return;
	}
	/* pages are counted per node on nodes 0-127 only */
	if (policy_past_regions(proc, &past)) {
		w->verdict = VERIFY_SKIPPED;
		snprintf(w->reason, sizeof(w->reason),
			 "its policy names node %zu, and numamem counts pages per node on nodes 0-127 only", past);
		return;
	}
	if (proc->nodes)
		bits_to_nodemask(proc->nodes, proc->nnodes, &in.nodes);
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
	cgroup_remove(&w->cg);
	procs_free(w);
	free(w->procs);
	w->procs = NULL;
	free(w->regions);
	w->regions = NULL;
	w->nregions = w->regions_room = 0;
	free(w->seen);
	w->seen = NULL;
	w->nseen = w->seen_room = 0;
}
