/* A live region changes: a new policy and host-nodes (mbind with
 * MPOL_MF_MOVE migrates the pages already there, a part of the region
 * on each of several threads), or a new size
 * (mremap, the backing store truncated with it).  Both are the control
 * protocol's set; both check first, as the command line does, so that a
 * refused change leaves the region as it was. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"
#include "region.h"
#include "util.h"
#include "verify.h"

/* Bytes per node now: a placement query of r (no map). */
static int node_bytes_now(struct region *r, uint64_t bytes[NUMAMEM_MAX_NODES])
{
	int status = regions_query(r, 1, false);

	if (!status)
		memcpy(bytes, r->placement.node_bytes, sizeof(r->placement.node_bytes));
	return status;
}

int region_check_policy(struct region *r, enum policy policy, const struct nodemask *nodes)
{
	enum policy old = r->policy;
	struct nodemask old_nodes = r->host_nodes;
	int status;

	r->policy = policy;
	r->host_nodes = *nodes;
	status = region_policy_consistent(r);
	if (!status)
		status = region_nodes_on_host(r, &r->host_nodes, "host-nodes");
	if (!status)
		status = region_policy_on_host(r);
	r->policy = old;
	r->host_nodes = old_nodes;
	return status;
}

/* Live migration in parallel: the region is cut into parts of whole
 * pages (2 MiB at least: a THP is never cut), one thread a part, each
 * on a CPU of the new host-nodes (of any node this process may use when
 * those have fewer than two), each calling region_bind() over its part:
 * mbind(MPOL_MF_MOVE) of a part sets the same policy as over the whole,
 * and since Linux 6.7 mbind migrates after letting go of mmap_lock, so
 * the parts' pages are copied at once (before, the kernel runs them one
 * after another: no faster, no slower).  NUMAMEM_MIGRATE_THREADS=N
 * caps the threads (1: one mbind over the whole, as before). */
#define MIGRATE_PART_MIN (32ULL << 20) /* less per thread is not worth one */
#define MIGRATE_MAX_THREADS 64

struct mover {
	pthread_t tid;
	struct region *r;
	char *p;
	size_t len;
	int cpu;
	int status;
};

static void *move_part(void *arg)
{
	struct mover *m = arg;

	if (m->cpu >= 0) {
		cpu_set_t one;

		CPU_ZERO(&one);
		CPU_SET(m->cpu, &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	m->status = region_bind(m->r, m->p, m->len, true);
	return NULL;
}

static unsigned migrate_threads(const struct region *r, cpu_set_t *cpus)
{
	const char *env = getenv("NUMAMEM_MIGRATE_THREADS");
	unsigned long cap = MIGRATE_MAX_THREADS, n;

	if (env && *env && parse_uint(env, 1, MIGRATE_MAX_THREADS, &cap) < 0)
		cap = MIGRATE_MAX_THREADS;
	if (nodemask_empty(&r->host_nodes) || !host_node_cpus(&r->host_nodes, cpus) || CPU_COUNT(cpus) < 2)
		host_cpus_allowed(cpus);
	n = (unsigned long)CPU_COUNT(cpus);
	if (n > cap)
		n = cap;
	if (n > r->size / MIGRATE_PART_MIN)
		n = r->size / MIGRATE_PART_MIN;
	return n ? (unsigned)n : 1;
}

/* region_bind() of the whole region with live moves, in parts on
 * threads; *threads says how many. */
static int bind_parallel(struct region *r, unsigned *threads)
{
	struct mover m[MIGRATE_MAX_THREADS];
	size_t unit = r->page_size > (2UL << 20) ? r->page_size : 2UL << 20, part;
	cpu_set_t cpus;
	unsigned n = r->has_weights || r->policy == POLICY_DEFAULT ? 1 : migrate_threads(r, &cpus), started = 0;
	int cpu = -1, status = EXIT_OK;

	part = (r->size / n + unit - 1) / unit * unit;
	if (n < 2 || part >= r->size) {
		*threads = 1;
		return region_bind(r, r->ptr, r->size, true);
	}
	for (size_t at = 0; at < r->size && started < n; at += part) {
		do
			cpu = (cpu + 1) % CPU_SETSIZE;
		while (!CPU_ISSET(cpu, &cpus));
		m[started] = (struct mover){ .r = r, .p = (char *)r->ptr + at,
					     .len = r->size - at < part ? r->size - at : part, .cpu = cpu };
		if (pthread_create(&m[started].tid, NULL, move_part, &m[started])) {
			/* no thread: this part here, the rest below */
			m[started].cpu = -1;
			move_part(&m[started]);
			if (m[started].status)
				status = m[started].status;
			m[started].len = 0;
			if (at + part < r->size && !status)
				status = region_bind(r, (char *)r->ptr + at + part, r->size - at - part, true);
			break;
		}
		started++;
	}
	for (unsigned k = 0; k < started; k++) {
		pthread_join(m[k].tid, NULL);
		if (m[k].status && !status)
			status = m[k].status;
	}
	*threads = started ? started : 1;
	return status;
}

int region_rebind(struct region *r, enum policy policy, const struct nodemask *nodes, struct region_change *c)
{
	struct region old = *r;
	uint64_t before[NUMAMEM_MAX_NODES], after[NUMAMEM_MAX_NODES];
	double t0;
	int status;

	*c = (struct region_change){ .old_size = r->size };
	status = region_check_policy(r, policy, nodes);
	if (!status)
		status = node_bytes_now(r, before);
	if (status)
		return status;
	/* what set did not name (mode flags, weights, home-node) stays */
	r->policy = policy;
	r->host_nodes = *nodes;
	region_kernel_policy(r);
	/* MPOL_MF_MOVE migrates the pages already there; MPOL_MF_STRICT makes
	 * the kernel say (EIO) when some could not move: they are counted
	 * below, not refused */
	t0 = now_seconds();
	status = bind_parallel(r, &c->threads);
	c->seconds = now_seconds() - t0;
	if (status) {
		r->policy = old.policy;
		r->host_nodes = old.host_nodes;
		r->kernel_mode = old.kernel_mode;
		r->kernel_flags = old.kernel_flags;
		return status;
	}
	status = node_bytes_now(r, after);
	if (status)
		return status;
	c->page = r->placement.step;
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (before[n] > after[n])
			c->moved_bytes += before[n] - after[n];
		if (!nodemask_empty(&r->host_nodes) && !nodemask_isset(&r->host_nodes, n))
			c->failed_bytes += after[n];
	}
	return EXIT_OK;
}

/* Is r's backing store numamem's own to resize?  A user's file is never
 * resized; a sealed memfd cannot be. */
static int check_resizable(const struct region *r)
{
	struct stat st;

	if (region_kind(r) == BACKEND_MEMFD && r->seal)
		return fail(EXIT_USAGE, "region '%s': its memfd is sealed against resizing (seal=on); add it with seal=off to resize it",
			    r->id);
	if (region_kind(r) == BACKEND_FILE && !r->created_path &&
	    !(stat(r->mem_path, &st) == 0 && S_ISDIR(st.st_mode)))
		return fail(EXIT_USAGE, "region '%s': mem-path '%s' is a file numamem did not create: it is never resized",
			    r->id, r->mem_path);
	if (!region_writable(r))
		return fail(EXIT_USAGE, "region '%s': a read-only region cannot be resized", r->id);
	return EXIT_OK;
}

/* The part a resize grew, from byte old, as complete made the rest:
 * THP, merge, dump, the same policy, prealloc. */
static int complete_tail(struct region *r, uint64_t old)
{
	char *tail = (char *)r->ptr + old;
	uint64_t len = r->size - old;
	int status;

	region_advise_thp(r, tail, len);
	if (r->merge)
		madvise(tail, len, MADV_MERGEABLE);
	if (!r->dump)
		madvise(tail, len, MADV_DONTDUMP);
	status = region_bind(r, tail, len, false);
	if (!status && r->prealloc) {
		double tp = now_seconds();

		status = region_populate(r, old, len);
		r->t_prealloc += now_seconds() - tp;
	}
	return status;
}

int region_resize(struct region *r, uint64_t size, struct region_change *c)
{
	uint64_t old = r->size;
	char sz[32], val[32];
	double t0 = now_seconds();
	void *p;
	int status;

	*c = (struct region_change){ .old_size = old };
	if (size == old)
		return EXIT_OK;
	if (!size)
		return fail(EXIT_USAGE, "size '0' of region '%s': a region needs a size above zero", r->id);
	status = check_resizable(r);
	if (status)
		return status;
	if (r->ops->aligned && size % r->page_size) {
		format_size(r->page_size, sz, sizeof(sz));
		return fail(EXIT_USAGE, "size '%s' of region '%s' is not a multiple of the %s page size",
			    size_as_written(size, val, sizeof(val)), r->id, sz);
	}
	if (size > old) {
		/* the room check of the grown part alone */
		status = region_check_room(r, size - old, 0);
		if (status)
			return status;
	}
	/* the object first when growing (a mapping past its end faults
	 * SIGBUS), the mapping first when shrinking */
	if (size > old && r->fd >= 0 && ftruncate(r->fd, (off_t)(r->offset + size)) < 0)
		return fail_errno(EXIT_UNAVAILABLE, errno, "region '%s': cannot grow its backing store to %s", r->id,
				  size_as_written(size, val, sizeof(val)));
	p = mremap(r->ptr, r->size, size, MREMAP_MAYMOVE);
	if (p == MAP_FAILED) {
		int e = errno;

		if (size > old && r->fd >= 0 && ftruncate(r->fd, (off_t)(r->offset + old)) < 0)
			warn_msg("region '%s': cannot give back the grown backing store: %s", r->id, strerror(errno));
		return fail_errno(EXIT_UNAVAILABLE, e, "region '%s': cannot remap to %s", r->id,
				  size_as_written(size, val, sizeof(val)));
	}
	r->ptr = p;
	r->size = size;
	if (size < old && r->fd >= 0 && ftruncate(r->fd, (off_t)(r->offset + size)) < 0)
		warn_msg("region '%s': cannot shrink its backing store: %s", r->id, strerror(errno));
	if (size > old) {
		status = complete_tail(r, old);
		if (status)
			return status;
	}
	c->seconds = now_seconds() - t0;
	return EXIT_OK;
}
