/* --traffic: bandwidth pressure on the held regions.
 *
 * Each thread walks the regions in turn, a chunk at a time, and reads,
 * writes (non-temporal stores) or copies (the chunk's first half onto
 * its second) it with the kernels of --measure (stream.h: the memory's
 * own speed, not a scalar loop's), adding the bytes it moved to the
 * region's counter (traffic's own, one per region in the regions'
 * order).  A
 * control command that changes the regions (add, del, mremap) takes the
 * write side of a reader-writer lock, which each thread holds for one
 * chunk: no thread touches memory that is being unmapped, and a command
 * waits for at most one chunk.  A chunk streams under prealloc_guard():
 * a page its backing store cannot supply (a full file system, no free
 * huge page) ends the traffic over that region with one line, not the
 * process with a SIGBUS. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "lib/json.h"
#include "prealloc.h"
#include "region.h"
#include "stream.h"
#include "traffic.h"
#include "util.h"

const char *const traffic_mode_names[TRAFFIC_MODES] = {
	[TRAFFIC_NONE] = "none",
	[TRAFFIC_READ] = "read",
	[TRAFFIC_WRITE] = "write",
	[TRAFFIC_COPY] = "copy",
};

#define CHUNK (2UL << 20)

struct traffic {
	struct numamem *nm;
	pthread_rwlock_t lock;
	pthread_t *tids;
	unsigned started;
	volatile int stop;
	double last;        /* when the last report was */
	unsigned seq;
	struct counter *counters; /* per region, in the regions' order */
	size_t nbytes, bytes_room;
};

struct counter {
	uint64_t bytes; /* moved since the last report */
	int lost;       /* a page could not be backed: no more traffic here */
};

/* One chunk, as prealloc_guard() runs it. */
struct chunk {
	enum traffic_mode mode;
	char *p;
	size_t len;
	uint64_t moved;
};

static struct traffic tr;

/* One chunk: the bytes moved, by the kernels --measure measures with
 * (stream.h: vector loads, non-temporal stores). */
static uint64_t stream(enum traffic_mode mode, char *p, size_t len)
{
	switch (mode) {
	case TRAFFIC_READ:
		return stream_pass(STREAM_READ, p, len);
	case TRAFFIC_WRITE:
		return stream_pass(STREAM_WRITE, p, len);
	case TRAFFIC_COPY:
		return stream_pass(STREAM_COPY, p, len); /* read half, write half */
	default:
		return 0;
	}
}

static void stream_chunk(void *arg)
{
	struct chunk *c = arg;

	c->moved = stream(c->mode, c->p, c->len);
}

/* Stream one chunk of region i (its counter c) from offset at: false
 * when there is nothing to stream there (the region is lost, or not
 * writable for write and copy). */
static bool stream_region(struct numamem *nm, size_t i, struct counter *c, size_t at, size_t len)
{
	struct region *r = &nm->regions[i];
	struct chunk ch = { (enum traffic_mode)nm->traffic, (char *)r->ptr + at, len, 0 };

	if (__atomic_load_n(&c->lost, __ATOMIC_RELAXED) || (!region_writable(r) && nm->traffic != TRAFFIC_READ))
		return false;
	if (prealloc_guard(stream_chunk, &ch) == 0) {
		__atomic_fetch_add(&c->bytes, ch.moved, __ATOMIC_RELAXED);
		return true;
	}
	if (!__atomic_exchange_n(&c->lost, 1, __ATOMIC_RELAXED)) /* the first thread to find it says so */
		warn_msg("traffic over region '%s' stopped: its memory at offset %zu cannot be backed (a full file system or no free huge page)",
			 r->id, at);
	return false;
}

static void *thread_main(void *arg)
{
	unsigned k = (unsigned)(uintptr_t)arg;
	struct numamem *nm = tr.nm;
	size_t region = k, at = 0, idle = 0;

	while (!tr.stop) {
		bool streamed = false;
		size_t n;

		pthread_rwlock_rdlock(&tr.lock);
		n = nm->nregions;
		if (n) {
			size_t i = region % n, len;
			struct region *r = &nm->regions[i];

			if (at >= r->size) /* shrunk, or another region took its place */
				at = 0;
			len = r->size - at < CHUNK ? r->size - at : CHUNK;
			streamed = i < tr.nbytes && stream_region(nm, i, &tr.counters[i], at, len);
			at = streamed ? at + len : r->size; /* a region not streamed is skipped whole */
			if (at >= r->size) {
				at = 0;
				region++;
			}
		}
		pthread_rwlock_unlock(&tr.lock);
		/* a whole round with nothing to stream: wait for a command to add a region */
		idle = streamed ? 0 : idle + 1;
		if (idle > n) {
			usleep(100000);
			idle = 0;
		}
	}
	return NULL;
}

/* A counter for each region, the new ones at zero.  Only while no
 * thread streams (before they start, or with the lock held).  When
 * memory runs out the regions past the counters are not streamed over
 * (they show 0) rather than the hold ending. */
static bool counters_fit(size_t n)
{
	if (n > tr.bytes_room) {
		size_t room = tr.bytes_room ? tr.bytes_room : 16;
		struct counter *more;

		while (room < n)
			room *= 2;
		more = realloc(tr.counters, room * sizeof(*more));
		if (!more)
			return false;
		tr.counters = more;
		tr.bytes_room = room;
	}
	if (n > tr.nbytes)
		memset(&tr.counters[tr.nbytes], 0, (n - tr.nbytes) * sizeof(*tr.counters));
	tr.nbytes = n;
	return true;
}

int traffic_start(struct numamem *nm)
{
	pthread_rwlockattr_t attr;
	int cpu = -1, e = 0;

	tr = (struct traffic){ .nm = nm, .last = now_seconds() };
	pthread_rwlockattr_init(&attr);
	/* a waiting command goes before new chunks */
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&tr.lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	tr.tids = calloc(nm->traffic_threads, sizeof(*tr.tids));
	if (!tr.tids || !counters_fit(nm->nregions)) {
		traffic_stop(nm);
		return fail_oom();
	}
	for (unsigned k = 0; k < nm->traffic_threads; k++) {
		pthread_attr_t ta;

		pthread_attr_init(&ta);
		if (nm->has_traffic_cpus) { /* the CPUs of the list, one a thread in turn */
			cpu_set_t one;

			do
				cpu = (cpu + 1) % CPU_SETSIZE;
			while (!CPU_ISSET(cpu, &nm->traffic_cpus));
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			pthread_attr_setaffinity_np(&ta, sizeof(one), &one);
		}
		e = pthread_create(&tr.tids[k], &ta, thread_main, (void *)(uintptr_t)k);
		pthread_attr_destroy(&ta);
		if (e)
			break;
		tr.started++;
	}
	if (e) {
		traffic_stop(nm);
		return fail_errno(EXIT_UNAVAILABLE, e, "cannot start traffic thread");
	}
	return EXIT_OK;
}

void traffic_stop(struct numamem *nm)
{
	(void)nm;
	tr.stop = 1;
	for (unsigned k = 0; k < tr.started; k++)
		pthread_join(tr.tids[k], NULL);
	free(tr.tids);
	tr.tids = NULL;
	tr.started = 0;
	free(tr.counters);
	tr.counters = NULL;
	tr.nbytes = tr.bytes_room = 0;
	pthread_rwlock_destroy(&tr.lock);
}

void traffic_pause(struct numamem *nm)
{
	if (nm->traffic)
		pthread_rwlock_wrlock(&tr.lock);
}

void traffic_resume(struct numamem *nm)
{
	if (!nm->traffic)
		return;
	counters_fit(nm->nregions); /* add made one more */
	pthread_rwlock_unlock(&tr.lock);
}

void traffic_forget(struct numamem *nm, size_t i)
{
	if (!nm->traffic || i >= tr.nbytes)
		return;
	memmove(&tr.counters[i], &tr.counters[i + 1], (tr.nbytes - i - 1) * sizeof(*tr.counters));
	tr.nbytes--;
}

void traffic_report(FILE *out, struct numamem *nm)
{
	double now = now_seconds(), dt = now - tr.last;

	tr.last = now;
	tr.seq++;
	if (nm->json)
	{
		json_header(out, "traffic", host_kernel_release());
		fprintf(out, ",\"mode\":\"%s\",\"seq\":%u,\"elapsed_ms\":%.3f,\"threads\":%u,\"regions\":[",
			traffic_mode_names[nm->traffic], tr.seq, dt * 1e3, tr.started);
	} else
		fprintf(out, "traffic %s %.1fs:", traffic_mode_names[nm->traffic], dt);
	for (size_t i = 0; i < nm->nregions; i++) {
		struct region *r = &nm->regions[i];
		uint64_t bytes = i < tr.nbytes ? __atomic_exchange_n(&tr.counters[i].bytes, 0, __ATOMIC_RELAXED) : 0;
		double rate = dt > 0 ? (double)bytes / dt : 0;

		if (nm->json) {
			fprintf(out, "%s{\"id\":", i ? "," : "");
			json_string(out, r->id);
			fprintf(out, ",\"bytes\":%" PRIu64 ",\"bytes_per_sec\":%.0f}", bytes, rate);
		} else {
			fprintf(out, " %s %.1f MB/s", r->id, rate / 1e6);
		}
	}
	fputs(nm->json ? "]}\n" : "\n", out);
	fflush(out);
}
