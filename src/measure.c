/* --measure: for every node with CPUs (the initiator) and every node with
 * memory (the target), a buffer bound to the target with mbind(), then
 *
 *   bandwidth  one thread on each CPU of the initiator (this process's
 *              cpuset allowing) streams over a slice of its own with the
 *              kernels of stream.h: read, write (non-temporal stores) and
 *              copy; bytes / s
 *   latency    one thread on the initiator's first CPU follows a chain of
 *              pointers, one per 64-byte line in a random cyclic order
 *              (every load waits for the one before, and no prefetcher
 *              can guess the next line): ns per load
 *   loaded     the same chain on one CPU while the initiator's other CPUs
 *              read the target at a range of paces: latency against the
 *              bandwidth they inject, per target
 *
 * as Intel MLC's --bandwidth_matrix, --latency_matrix and
 * --loaded_latency report them.  The buffer is sized from the caches in
 * sysfs (4 times the last-level caches of the initiator, 16 times each
 * thread's L2), bounded by half of what the target can give; THP is
 * asked for (huge pages keep TLB misses out of the latency).  Every
 * figure is the median of repeated passes after a warm-up, with its
 * spread; a wide spread is said (the machine was busy). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <numaif.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "lib/json.h"
#include "measure.h"
#include "stream.h"

const char *const measure_part_names[MEASURE_PARTS] = {
	[MEASURE_BANDWIDTH] = "bandwidth",
	[MEASURE_LATENCY] = "latency",
	[MEASURE_LOADED] = "loaded",
};

#define LINE 64
#define ALIGN_BYTES (2UL << 20) /* buffers: whole huge pages */
#define DEFAULT_BYTES (256UL << 20) /* when sysfs names no cache */
#define MAX_THREADS 256
#define BUSY_SPREAD 0.10 /* (max - min) / median above this: the machine was busy */
#define LOADED_REPEATS 3
#define NN NUMAMEM_MAX_NODES

/* spins (about a cycle each) after each KiB an injector reads: from
 * flat out to nearly idle */
static const unsigned delays[] = { 0, 100, 300, 1000, 3000, 10000, 30000 };
#define PACED_PIECE (64UL << 10) /* an injector looks at stop this often */
#define NDELAYS (sizeof(delays) / sizeof(delays[0]))

struct stat3 {
	double med, min, max;
};

struct point {
	unsigned delay;
	double bw, lat;
};

struct curve {
	unsigned initiator;
	int cpu;            /* the latency CPU; -1: not measured */
	unsigned injectors;
	cpu_set_t inject;
	struct point p[NDELAYS];
};

/* Everything measured, for printing. */
struct result {
	struct nodemask from, to;
	unsigned threads[NN];
	uint64_t llc[NN], l2[NN]; /* per initiator: its LLCs' total, L2 per CPU */
	bool caches_known;
	uint64_t size;            /* wanted per target */
	uint64_t want;            /* what the caches ask for */
	uint64_t bytes[NN];       /* per target: used */
	bool bounded[NN];         /* per target: less than wanted, for want of free memory */
	uint64_t huge[NN];        /* per target: bytes in huge pages */
	struct stat3 bw[STREAM_OPS][NN][NN], lat[NN][NN];
	struct curve loaded[NN];
	double worst;             /* the widest spread */
	char worst_what[96];
};

static struct result res;

/* The median, min and max of v[0..n) (sorted in place). */
static struct stat3 stats(double *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return (struct stat3){ n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[0], v[n - 1] };
}

static double spread(const struct stat3 *s)
{
	return s->med > 0 ? (s->max - s->min) / s->med : 0;
}

static void note_spread(const struct stat3 *s, const char *what, unsigned f, unsigned t)
{
	if (spread(s) > res.worst) {
		res.worst = spread(s);
		snprintf(res.worst_what, sizeof(res.worst_what), "%s from node %u to node %u", what, f, t);
	}
}

static void pin(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
}

static int first_cpu(const cpu_set_t *s)
{
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, s))
			return c;
	return -1;
}

static int first_node(const struct nodemask *m)
{
	for (unsigned n = 0; n < NN; n++)
		if (nodemask_isset(m, n))
			return (int)n;
	return -1;
}

/* --- buffer sizing ------------------------------------------------------ */

/* The bytes a buffer must have to be memory to initiator f: 4 times the
 * last-level caches its CPUs have (each cache counted once), and 16
 * times L2 for each of its threads; false when sysfs says nothing. */
static bool wanted_bytes(unsigned f, const cpu_set_t *cpus, uint64_t *want)
{
	cpu_set_t counted;
	uint64_t llc = 0, l2 = 0;

	CPU_ZERO(&counted);
	for (int c = 0; c < CPU_SETSIZE; c++) {
		struct host_cache hc;

		if (!CPU_ISSET(c, cpus) || !host_cpu_caches(c, &hc))
			continue;
		if (hc.l2_bytes > l2)
			l2 = hc.l2_bytes;
		if (!CPU_ISSET(c, &counted))
			llc += hc.llc_bytes;
		CPU_OR(&counted, &counted, &hc.llc_cpus);
		CPU_SET(c, &counted);
	}
	res.llc[f] = llc;
	res.l2[f] = l2;
	if (!llc)
		return false;
	*want = 4 * llc;
	if (16 * l2 * (uint64_t)CPU_COUNT(cpus) > *want)
		*want = 16 * l2 * (uint64_t)CPU_COUNT(cpus);
	return true;
}

/* A buffer of len bytes bound to node, written (and so backed), or NULL. */
static char *bound_buffer(unsigned node, size_t len)
{
	struct nodemask m = { { 0 } };
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	nodemask_set(&m, node);
	madvise(p, len, MADV_HUGEPAGE); /* as MLC: TLB misses are not memory latency */
	if (mbind(p, len, MPOL_BIND, m.bits, nodemask_maxnode(&m) + 1, MPOL_MF_STRICT) < 0) {
		munmap(p, len);
		return NULL;
	}
	memset(p, 1, len);
	return p;
}

/* Bytes of [p, p + len) in transparent huge pages (smaps AnonHugePages). */
static uint64_t huge_bytes(const char *p)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[512];
	bool in = false;
	unsigned long long kb = 0, total = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;

		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = start <= (unsigned long)p && (unsigned long)p < end;
		else if (in && sscanf(line, "AnonHugePages: %llu kB", &kb) == 1)
			total += kb;
	}
	fclose(f);
	return total << 10;
}

/* --- bandwidth ------------------------------------------------------- */

/* Workers wait at the gate until every one has started. */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool open;
};

static void gate_wait(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

static void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

struct worker {
	pthread_t tid;
	char *buf;
	size_t len;
	int cpu;
	enum stream_op op;
	unsigned delay;         /* an injector's pace */
	struct gate *start;
	double until;
	volatile int *stop;
	uint64_t bytes;
	double end;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	pin(w->cpu);
	gate_wait(w->start);
	if (w->stop) { /* an injector: until told */
		size_t piece = w->len < PACED_PIECE ? w->len : PACED_PIECE;

		for (size_t at = 0; !*w->stop; at = at + 2 * piece > w->len ? 0 : at + piece)
			w->bytes += stream_read_paced(w->buf + at, piece, w->delay);
	} else {
		do
			w->bytes += stream_pass(w->op, w->buf, w->len);
		while (now_seconds() < w->until);
	}
	w->end = now_seconds();
	return NULL;
}

/* Start a worker on each CPU of cpus, each on a slice of its own of
 * buf: how many started. */
static unsigned start_workers(struct worker *w, char *buf, size_t len, const cpu_set_t *cpus,
			      struct gate *start, unsigned n)
{
	size_t slice = len / n / 4096 * 4096;
	unsigned k = 0;

	for (int c = 0; c < CPU_SETSIZE && k < n; c++) {
		if (!CPU_ISSET(c, cpus))
			continue;
		w[k].cpu = c;
		w[k].buf = buf + k * slice;
		w[k].len = slice;
		w[k].start = start;
		w[k].bytes = 0;
		if (pthread_create(&w[k].tid, NULL, work, &w[k]))
			break;
		k++;
	}
	return k;
}

/* One pass of op from the CPUs in cpus over buf: bytes / s. */
static double bandwidth_pass(char *buf, size_t len, const cpu_set_t *cpus, enum stream_op op, double seconds)
{
	static struct worker w[MAX_THREADS];
	struct gate start = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false };
	unsigned n = (unsigned)CPU_COUNT(cpus);
	uint64_t bytes = 0;
	double t0, end = 0;

	if (n > MAX_THREADS)
		n = MAX_THREADS;
	for (unsigned k = 0; k < n; k++)
		w[k] = (struct worker){ .op = op, .until = 1e300 };
	n = start_workers(w, buf, len, cpus, &start, n);
	t0 = now_seconds();
	for (unsigned k = 0; k < n; k++)
		w[k].until = t0 + seconds;
	gate_open(&start);
	for (unsigned k = 0; k < n; k++) {
		pthread_join(w[k].tid, NULL);
		bytes += w[k].bytes;
		if (w[k].end > end)
			end = w[k].end;
	}
	return end > t0 ? (double)bytes / (end - t0) : 0;
}

static struct stat3 bandwidth(char *buf, size_t len, const cpu_set_t *cpus, enum stream_op op,
			      const struct measure_opts *mo)
{
	double v[1000];

	bandwidth_pass(buf, len, cpus, op, mo->seconds); /* warm-up */
	for (unsigned r = 0; r < mo->repeats; r++)
		v[r] = bandwidth_pass(buf, len, cpus, op, mo->seconds);
	return stats(v, mo->repeats);
}

/* --- latency --------------------------------------------------------- */

/* A random cycle through every line of buf (Sattolo's shuffle): each
 * line holds the address of the next.  False without memory. */
static bool make_chain(char *buf, size_t len)
{
	size_t lines = len / LINE;
	uint32_t *order = malloc(lines * sizeof(*order));
	unsigned long long seed = 88172645463325252ULL;

	if (!order)
		return false;
	for (size_t i = 0; i < lines; i++)
		order[i] = (uint32_t)i;
	for (size_t i = lines - 1; i > 0; i--) {
		size_t j;
		uint32_t tmp;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		j = (size_t)(seed % i);
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (size_t i = 0; i < lines; i++)
		*(void **)(buf + (size_t)order[i] * LINE) = buf + (size_t)order[(i + 1) % lines] * LINE;
	free(order);
	return true;
}

static void *chase_from = NULL; /* where the chain goes on from */

/* The calling thread's CPU time: the chase is timed by it, so that a
 * time off the CPU (another task, the hypervisor's steal) is not counted
 * as latency. */
static double thread_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Follow the chain for seconds of the calling thread's CPU time: ns per
 * load. */
static double chase(double seconds)
{
	void **p = chase_from;
	uint64_t loads = 0;
	double t0 = thread_seconds(), t;

	do {
		for (unsigned i = 0; i < 4096; i += 8) {
			p = (void **)*p;
			p = (void **)*p;
			p = (void **)*p;
			p = (void **)*p;
			p = (void **)*p;
			p = (void **)*p;
			p = (void **)*p;
			p = (void **)*p;
		}
		loads += 4096;
		t = thread_seconds() - t0;
	} while (t < seconds);
	chase_from = p;
	return t * 1e9 / (double)loads;
}

static struct stat3 latency(int cpu, const struct measure_opts *mo)
{
	double v[1000];
	cpu_set_t old;

	sched_getaffinity(0, sizeof(old), &old);
	pin(cpu);
	chase(mo->seconds); /* warm-up */
	for (unsigned r = 0; r < mo->repeats; r++)
		v[r] = chase(mo->seconds);
	sched_setaffinity(0, sizeof(old), &old);
	return stats(v, mo->repeats);
}

/* --- loaded latency -------------------------------------------------- */

/* One point: latency on the calling thread (pinned) while injectors
 * read buf at the pace delay.  Its injected bandwidth in *bw. */
static double loaded_pass(char *buf, size_t len, const cpu_set_t *inject, unsigned delay, double seconds,
			  double *bw)
{
	static struct worker w[MAX_THREADS];
	struct gate start = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false };
	volatile int stop = 0;
	unsigned n = (unsigned)CPU_COUNT(inject);
	uint64_t bytes = 0;
	double t0, lat;

	if (n > MAX_THREADS)
		n = MAX_THREADS;
	for (unsigned k = 0; k < n; k++)
		w[k] = (struct worker){ .delay = delay, .stop = &stop };
	n = start_workers(w, buf, len, inject, &start, n);
	gate_open(&start);
	t0 = now_seconds();
	lat = chase(seconds);
	stop = 1;
	for (unsigned k = 0; k < n; k++) {
		pthread_join(w[k].tid, NULL);
		bytes += w[k].bytes;
	}
	*bw = (double)bytes / (now_seconds() - t0);
	return lat;
}

static void loaded(struct curve *cv, char *buf, size_t len, const struct measure_opts *mo)
{
	cpu_set_t old;

	sched_getaffinity(0, sizeof(old), &old);
	pin(cv->cpu);
	for (unsigned d = 0; d < NDELAYS; d++) {
		double lat[LOADED_REPEATS], bw[LOADED_REPEATS];

		for (unsigned r = 0; r < LOADED_REPEATS; r++)
			lat[r] = loaded_pass(buf, len, &cv->inject, delays[d], mo->seconds, &bw[r]);
		cv->p[d] = (struct point){ delays[d], stats(bw, LOADED_REPEATS).med, stats(lat, LOADED_REPEATS).med };
	}
	sched_setaffinity(0, sizeof(old), &old);
}

/* --- output ---------------------------------------------------------- */

static void print_matrix(FILE *out, const char *title, struct stat3 m[][NN], double scale)
{
	fprintf(out, "%s\n%-8s", title, "");
	for (unsigned t = 0; t < NN; t++)
		if (nodemask_isset(&res.to, t))
			fprintf(out, " %15s%-3u", "node ", t);
	fputc('\n', out);
	for (unsigned f = 0; f < NN; f++) {
		if (!nodemask_isset(&res.from, f))
			continue;
		fprintf(out, "node %-3u", f);
		for (unsigned t = 0; t < NN; t++)
			if (nodemask_isset(&res.to, t))
				fprintf(out, " %11.1f \u00b1 %3.0f%%", m[f][t].med / scale, 100 * spread(&m[f][t]) / 2);
		fputc('\n', out);
	}
}

/* One matrix of m: k 0 the medians, 1 the minima, 2 the maxima, 3 the spreads. */
static void json_matrix(FILE *out, struct stat3 m[][NN], unsigned k, int decimals)
{
	bool first_row = true;

	fputc('[', out);
	for (unsigned f = 0; f < NN; f++) {
		bool first = true;

		if (!nodemask_isset(&res.from, f))
			continue;
		fprintf(out, "%s[", first_row ? "" : ",");
		first_row = false;
		for (unsigned t = 0; t < NN; t++) {
			const struct stat3 *s = &m[f][t];
			double v = k == 0 ? s->med : k == 1 ? s->min : k == 2 ? s->max : spread(s);

			if (!nodemask_isset(&res.to, t))
				continue;
			fprintf(out, "%s%.*f", first ? "" : ",", k == 3 ? 4 : decimals, v);
			first = false;
		}
		fputc(']', out);
	}
	fputc(']', out);
}

/* {"median":[[...]],"min":...,"max":...,"spread":...} */
static void json_stats(FILE *out, struct stat3 m[][NN], int decimals)
{
	static const char *const keys[] = { "median", "min", "max", "spread" };

	for (unsigned k = 0; k < 4; k++) {
		fprintf(out, "%s\"%s\":", k ? "," : "{", keys[k]);
		json_matrix(out, m, k, decimals);
	}
	fputc('}', out);
}

static void json_per_initiator(FILE *out, const char *name, const uint64_t *v, const unsigned *u)
{
	bool first = true;

	fprintf(out, ",\"%s\":[", name);
	for (unsigned f = 0; f < NN; f++)
		if (nodemask_isset(&res.from, f)) {
			fprintf(out, "%s%" PRIu64, first ? "" : ",", v ? v[f] : u[f]);
			first = false;
		}
	fputc(']', out);
}

static void json_per_target_u64(FILE *out, const char *name, const uint64_t *v, const bool *b)
{
	bool first = true;

	fprintf(out, ",\"%s\":[", name);
	for (unsigned t = 0; t < NN; t++)
		if (nodemask_isset(&res.to, t)) {
			if (v)
				fprintf(out, "%s%" PRIu64, first ? "" : ",", v[t]);
			else
				fprintf(out, "%s%s", first ? "" : ",", b[t] ? "true" : "false");
			first = false;
		}
	fputc(']', out);
}

static void print_json(FILE *out, const struct measure_opts *mo)
{
	json_header(out, "measure", host_kernel_release());
	fprintf(out, ",\"buffer_bytes\":%" PRIu64 ",\"caches\":\"%s\",\"kernels\":\"%s\",\"repeats\":%u,\"pass_ms\":%.3f",
		res.size, res.caches_known ? "sysfs" : "unknown", stream_isa(), mo->repeats, mo->seconds * 1e3);
	fputs(",\"parts\":[", out);
	for (unsigned p = 0, n = 0; p < MEASURE_PARTS; p++)
		if (mo->parts & (1u << p))
			fprintf(out, "%s\"%s\"", n++ ? "," : "", measure_part_names[p]);
	fputs("],\"initiators\":", out);
	json_nodes(out, &res.from);
	fputs(",\"targets\":", out);
	json_nodes(out, &res.to);
	json_per_initiator(out, "threads", NULL, res.threads);
	json_per_initiator(out, "llc_bytes", res.llc, NULL);
	json_per_initiator(out, "l2_bytes", res.l2, NULL);
	json_per_target_u64(out, "target_bytes", res.bytes, NULL);
	json_per_target_u64(out, "bounded", NULL, res.bounded);
	json_per_target_u64(out, "huge_page_bytes", res.huge, NULL);
	if (mo->parts & (1u << MEASURE_BANDWIDTH)) {
		fputs(",\"bandwidth_bytes_per_sec\":", out);
		json_matrix(out, res.bw[STREAM_READ], 0, 0);
		fputs(",\"bandwidth\":{", out);
		for (unsigned op = 0; op < STREAM_OPS; op++) {
			fprintf(out, "%s\"%s\":", op ? "," : "", stream_op_names[op]);
			json_stats(out, res.bw[op], 0);
		}
		fputc('}', out);
	}
	if (mo->parts & (1u << MEASURE_LATENCY)) {
		fputs(",\"latency_ns\":", out);
		json_matrix(out, res.lat, 0, 1);
		fputs(",\"latency\":", out);
		json_stats(out, res.lat, 1);
	}
	if (mo->parts & (1u << MEASURE_LOADED)) {
		bool first = true;

		fputs(",\"loaded_latency\":[", out);
		for (unsigned t = 0; t < NN; t++) {
			const struct curve *cv = &res.loaded[t];

			if (!nodemask_isset(&res.to, t) || cv->cpu < 0)
				continue;
			fprintf(out, "%s{\"target\":%u,\"initiator\":%u,\"latency_cpu\":%d,\"injectors\":%u,\"points\":[",
				first ? "" : ",", t, cv->initiator, cv->cpu, cv->injectors);
			first = false;
			for (unsigned d = 0; d < NDELAYS; d++)
				fprintf(out, "%s{\"delay\":%u,\"bandwidth_bytes_per_sec\":%.0f,\"latency_ns\":%.1f}", d ? "," : "",
					cv->p[d].delay, cv->p[d].bw, cv->p[d].lat);
			fputs("]}", out);
		}
		fputc(']', out);
	}
	fprintf(out, ",\"max_spread\":%.4f,\"busy\":%s}\n", res.worst, res.worst > BUSY_SPREAD ? "true" : "false");
}

static void print_text(FILE *out, const struct measure_opts *mo)
{
	char a[32], b[32];

	for (unsigned t = 0; t < NN; t++) {
		if (!nodemask_isset(&res.to, t))
			continue;
		format_size(res.bytes[t], a, sizeof(a));
		format_size(res.huge[t], b, sizeof(b));
		fprintf(out, "Target node %u: %s%s%s, %s in huge pages%s\n", t, a,
			res.bounded[t] ? " (bounded by the node's free memory)" : "",
			res.bytes[t] < res.want ? " (below 4x the last-level cache: the caches are measured too)" : "", b,
			res.huge[t] ? "" : " (no THP: latency includes TLB misses)");
	}
	for (unsigned f = 0; f < NN; f++)
		if (nodemask_isset(&res.from, f)) {
			format_size(res.llc[f], a, sizeof(a));
			format_size(res.l2[f], b, sizeof(b));
			fprintf(out, "Initiator node %u: %u threads, last-level cache %s, L2 %s per CPU%s\n", f, res.threads[f],
				a, b, res.caches_known ? "" : " (sysfs names no cache)");
		}
	fprintf(out, "Kernels %s; median of %u passes of %.3f s after a warm-up, \u00b1 half the spread\n\n",
		stream_isa(), mo->repeats, mo->seconds);
	if (mo->parts & (1u << MEASURE_BANDWIDTH)) {
		print_matrix(out, "Read bandwidth (MB/s; every CPU of the row's node reading memory bound to the column's)",
			     res.bw[STREAM_READ], 1e6);
		fputc('\n', out);
		print_matrix(out, "Write bandwidth (MB/s; non-temporal stores)", res.bw[STREAM_WRITE], 1e6);
		fputc('\n', out);
		print_matrix(out, "Copy bandwidth (MB/s; read and written bytes)", res.bw[STREAM_COPY], 1e6);
		fputc('\n', out);
	}
	if (mo->parts & (1u << MEASURE_LATENCY)) {
		print_matrix(out, "Idle latency (ns; one CPU of the row's node, dependent loads)", res.lat, 1.0);
		fputc('\n', out);
	}
	for (unsigned t = 0; (mo->parts & (1u << MEASURE_LOADED)) && t < NN; t++) {
		const struct curve *cv = &res.loaded[t];
		double top = 0;

		if (!nodemask_isset(&res.to, t))
			continue;
		if (cv->cpu < 0) {
			fprintf(out, "Loaded latency, node %u: not measured (no second CPU to inject traffic)\n\n", t);
			continue;
		}
		for (unsigned d = 0; d < NDELAYS; d++)
			top = cv->p[d].lat > top ? cv->p[d].lat : top;
		fprintf(out, "Loaded latency, node %u (latency on CPU %d of node %u, %u injecting CPUs)\n", t, cv->cpu,
			cv->initiator, cv->injectors);
		fprintf(out, "%8s %12s %10s\n", "delay", "inject MB/s", "ns");
		for (unsigned d = 0; d < NDELAYS; d++) {
			int bar = top > 0 ? (int)lround(40 * cv->p[d].lat / top) : 0;

			fprintf(out, "%8u %12.1f %10.1f  %.*s\n", cv->p[d].delay, cv->p[d].bw / 1e6, cv->p[d].lat, bar,
				"########################################");
		}
		fputc('\n', out);
	}
}

/* --- the run --------------------------------------------------------- */

int measure_run(const struct numamem *nm)
{
	struct measure_opts mo = nm->measure_opts;
	struct nodemask one;
	cpu_set_t cpus[NN], allowed;
	uint64_t want = 0;

	if (!mo.parts) /* --measure alone */
		mo = (struct measure_opts){ MEASURE_ALL, 0, MEASURE_REPEATS, MEASURE_SECONDS };
	memset(&res, 0, sizeof(res));
	host_nodes_with_memory(&res.to);
	host_cpus_allowed(&allowed);
	res.caches_known = true;
	for (unsigned n = 0; n < NN; n++) {
		uint64_t w;

		one = (struct nodemask){ { 0 } };
		nodemask_set(&one, n);
		if (!host_node_cpus(&one, &cpus[n]))
			continue;
		nodemask_set(&res.from, n);
		res.threads[n] = (unsigned)CPU_COUNT(&cpus[n]);
		if (wanted_bytes(n, &cpus[n], &w))
			want = w > want ? w : want;
		else
			res.caches_known = false;
	}
	if (nodemask_empty(&res.from) || nodemask_empty(&res.to))
		return fail(EXIT_UNAVAILABLE, "--measure: no node with CPUs this process may use, or none with memory");
	if (!want)
		want = DEFAULT_BYTES;
	res.want = want;
	res.size = mo.size ? mo.size : (want + ALIGN_BYTES - 1) / ALIGN_BYTES * ALIGN_BYTES;
	for (unsigned t = 0; t < NN; t++) {
		struct curve *cv = &res.loaded[t];
		uint64_t room = host_node_free(t) / 2 / ALIGN_BYTES * ALIGN_BYTES;
		size_t len = res.size;
		char *buf;

		if (!nodemask_isset(&res.to, t))
			continue;
		if (room < len) {
			len = room > MEASURE_MIN_SIZE ? room : MEASURE_MIN_SIZE;
			res.bounded[t] = true;
		}
		res.bytes[t] = len;
		buf = bound_buffer(t, len);
		if (!buf)
			return fail_errno(EXIT_UNAVAILABLE, errno, "--measure: cannot bind %zu MiB to node %u", len >> 20, t);
		res.huge[t] = huge_bytes(buf);
		for (unsigned f = 0; (mo.parts & (1u << MEASURE_BANDWIDTH)) && f < NN; f++)
			for (unsigned op = 0; nodemask_isset(&res.from, f) && op < STREAM_OPS; op++) {
				res.bw[op][f][t] = bandwidth(buf, len, &cpus[f], (enum stream_op)op, &mo);
				note_spread(&res.bw[op][f][t], stream_op_names[op], f, t);
			}
		if ((mo.parts & ((1u << MEASURE_LATENCY) | (1u << MEASURE_LOADED))) && !make_chain(buf, len)) {
			munmap(buf, len);
			return fail_oom();
		}
		chase_from = buf;
		for (unsigned f = 0; (mo.parts & (1u << MEASURE_LATENCY)) && f < NN; f++)
			if (nodemask_isset(&res.from, f)) {
				res.lat[f][t] = latency(first_cpu(&cpus[f]), &mo);
				note_spread(&res.lat[f][t], "latency", f, t);
			}
		/* loaded: from the target's own CPUs when it has some */
		cv->cpu = -1;
		if (mo.parts & (1u << MEASURE_LOADED)) {
			cv->initiator = nodemask_isset(&res.from, t) ? t : (unsigned)first_node(&res.from);
			cv->cpu = first_cpu(&cpus[cv->initiator]);
			cv->inject = cpus[cv->initiator];
			if (CPU_COUNT(&cv->inject) < 2)
				cv->inject = allowed; /* a node of one CPU: the others inject */
			CPU_CLR(cv->cpu, &cv->inject);
			cv->injectors = (unsigned)CPU_COUNT(&cv->inject);
			if (cv->injectors)
				loaded(cv, buf, len, &mo);
			else
				cv->cpu = -1;
		}
		munmap(buf, len);
	}
	if (res.worst > BUSY_SPREAD)
		warn_msg("--measure: the %s varied by %.0f%% over %u passes: the machine was busy, the medians may be low",
			 res.worst_what, 100 * res.worst, mo.repeats);
	if (nm->json)
		print_json(nm->out, &mo);
	else
		print_text(nm->out, &mo);
	return EXIT_OK;
}
