/* One struct per region, one operations table per backend kind.
 *
 * struct region holds QEMU's HostMemoryBackend properties (typed, with
 * QEMU's defaults) and the state the complete step fills in.  What
 * differs per kind (allocation, page size, default share, THP advice,
 * the private-copy rule) is in its struct backend_ops; everything after
 * alloc is shared, as in QEMU. */
#ifndef NUMAMEM_REGION_H
#define NUMAMEM_REGION_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "hostcheck.h"
#include "lib/mempolicy.h"
#include "lib/parse.h"
#include "placement.h"

enum backend_kind { BACKEND_RAM, BACKEND_MEMFD, BACKEND_FILE, BACKEND_SHM, BACKEND_KINDS };
extern const char *const backend_kind_names[BACKEND_KINDS];

enum tristate { TRI_AUTO = -1, TRI_OFF = 0, TRI_ON = 1 };

struct region;

struct backend_ops {
	enum backend_kind kind;
	const char *qom_type;      /* "memory-backend-ram" */
	bool default_share;
	bool thp_default;          /* MADV_HUGEPAGE unless thp=off (QEMU: every RAM block) */
	bool aligned;              /* size must be a multiple of the page size */
	/* The kind's own checks before anything is allocated (optional). */
	int (*check)(const struct region *r);
	/* Backing page size known before allocating (statfs, hugetlbsize),
	 * or 0 with an error printed and *status set. */
	size_t (*page_size)(const struct region *r, int *status);
	/* Every page written exists twice: in the backing object and in a
	 * private copy (optional; none when NULL). */
	bool (*private_copy)(const struct region *r);
	/* Create the mapping of size bytes: set ptr, fd, page_size.  Exit status. */
	int (*alloc)(struct region *r);
	/* Undo alloc (unmapping and closing are shared; optional); keep:
	 * the run succeeded, what it made for the user stays. */
	void (*release)(struct region *r, bool keep);
	/* Complete succeeded (optional). */
	void (*completed)(struct region *r);
};

struct region {
	/* properties */
	char *id;
	const struct backend_ops *ops; /* the kind: region_set_kind() */
	bool size_given;
	uint64_t size;
	enum policy policy;
	struct nodemask host_nodes;
	bool flag[FLAG_COUNT]; /* static-nodes, relative-nodes, numa-balancing */
	int home_node;         /* set_mempolicy_home_node(2); -1: none */
	bool has_weights;      /* weights=N:W,...: numamem's own striping */
	unsigned weights[NUMAMEM_MAX_NODES];
	bool merge, dump, prealloc, reserve;
	enum tristate share;   /* AUTO: the kind's default */
	enum tristate thp;     /* AUTO: the kind's default */
	unsigned prealloc_threads;
	bool has_prealloc_cpus, has_prealloc_nodes;
	cpu_set_t prealloc_cpus;
	struct nodemask prealloc_nodes;
	char *prealloc_context; /* thread-context id, resolved by options */
	/* file */
	char *mem_path;
	uint64_t align, offset;
	bool discard_data, readonly, pmem;
	enum tristate rom;
	/* numactl's --file: mbind without MPOL_MF_MOVE (with MPOL_MF_STRICT
	 * under --strict), no advice, a shorter file grown to offset + size
	 * and a new one made 0600, as numactl's --file does */
	bool numactl_file, numactl_strict;
	/* memfd */
	bool hugetlb, seal;
	uint64_t hugetlbsize;

	/* state filled by complete */
	void *ptr;             /* size bytes mapped, or MAP_FAILED */
	int fd;                /* -1 for anonymous ram */
	size_t page_size;      /* backing page size: base, or hugetlb size */
	char *created_path;    /* a file numamem created under its own name */
	bool completed;        /* complete succeeded: keep created files */
	bool progress;         /* show a progress line during prealloc */
	bool overlapped;       /* prealloc ran alongside other regions' */
	int kernel_mode;       /* MPOL_* used for mbind */
	unsigned kernel_flags; /* MPOL_F_* bits given to mbind with it */
	size_t stripe;         /* weights: bytes per stripe bound to one node */
	unsigned long vmas;    /* weights: mbind ranges (VMAs) the stripes make */
	unsigned long max_map_count; /* vm.max_map_count when striped */
	unsigned threads_used;
	bool prealloc_pinned;
	cpu_set_t prealloc_cpuset;  /* where prealloc threads ran */
	double t_alloc, t_mbind, t_prealloc;
	struct placement placement;
};

/* QEMU's defaults, of the kind ops (backends/backend.h has the kinds). */
void region_init(struct region *r, const char *id, const struct backend_ops *ops);
void region_free(struct region *r);

static inline enum backend_kind region_kind(const struct region *r)
{
	return r->ops->kind;
}

static inline const char *region_kind_name(const struct region *r)
{
	return backend_kind_names[r->ops->kind];
}

static inline bool region_share(const struct region *r)
{
	return r->share == TRI_AUTO ? r->ops->default_share : r->share == TRI_ON;
}

/* rom=auto follows readonly, as in QEMU. */
static inline bool region_writable(const struct region *r)
{
	return r->rom == TRI_AUTO ? !r->readonly : r->rom == TRI_OFF;
}

static inline bool region_private_copy(const struct region *r)
{
	return r->ops->private_copy && r->ops->private_copy(r);
}

/* QEMU's property checks and numamem's host checks, before anything is
 * allocated.  Prints one line and returns an exit status. */
int region_validate(struct region *r);
/* r's prealloc CPUs or nodes (a thread-context's, or --prealloc-cpus and
 * --prealloc-nodes) against the host: each CPU online, some CPU selected
 * and allowed.  Exit status after a message naming the context. */
int region_check_context(const struct region *r);
/* alloc → THP advice → alignment → merge/dump → mbind → prealloc.
 * Exit status.  promised: bytes earlier regions will still take from
 * r's nodes.  defer_prealloc stops before prealloc; region_prealloc()
 * finishes, so that several regions' preallocs can overlap (QEMU 9.0
 * does the same with its asynchronous prealloc). */
int region_complete(struct region *r, bool defer_prealloc, uint64_t promised);
int region_prealloc(struct region *r);
/* Can the preallocs of these regions run at once?  Yes when at least
 * two preallocate and each one's threads are pinned to CPUs no other
 * uses: together they then finish sooner, and none slows another. */
bool regions_prealloc_can_overlap(const struct region *regions, size_t n);
/* What a change of a live region did (the control protocol's set;
 * region-live.c). */
struct region_change {
	uint64_t old_size;
	uint64_t moved_bytes;  /* left the nodes they were on */
	uint64_t failed_bytes; /* present outside the new host-nodes afterwards */
	size_t page;           /* bytes per page counted */
	double seconds;        /* mbind with MPOL_MF_MOVE, or the resize */
	unsigned threads;      /* that ran mbind, each over its part */
};
/* A new policy and host-nodes for a complete region, checked as
 * region_validate checks them (nothing changes when refused), then
 * mbind with MPOL_MF_MOVE over the whole region, in parts on threads on
 * the new nodes' CPUs: present pages migrate.
 * Exit status after a message. */
int region_check_policy(struct region *r, enum policy policy, const struct nodemask *nodes);
int region_rebind(struct region *r, enum policy policy, const struct nodemask *nodes, struct region_change *c);
/* Grow (the new part bound and preallocated as the rest) or shrink (the
 * tail unmapped, and the backing store truncated) a complete region.
 * Refused for a sealed memfd, a file numamem did not create, a
 * read-only region. */
int region_resize(struct region *r, uint64_t size, struct region_change *c);
/* The checks and steps of validate and complete that a live region
 * takes again (region-live.c): a new policy is checked as at validate,
 * a grown tail is advised, bound and preallocated as complete made the
 * rest.  For region.c and region-live.c alone. */

/* QEMU's policy / host-nodes consistency; one line, exit status. */
int region_policy_consistent(const struct region *r);
/* The host checks of node list m, the property prop of r. */
int region_nodes_on_host(const struct region *r, const struct nodemask *m, const char *prop);
/* kernel_mode and kernel_flags as r's policy, host-nodes, mode flags and
 * weights ask. */
void region_kernel_policy(struct region *r);
/* r's policy, mode flags and home-node against this kernel. */
int region_policy_on_host(const struct region *r);
/* A size as the user may have written it: 3M, 1536K, 3000. */
const char *size_as_written(uint64_t v, char *buf, size_t len);
/* Can the nodes r may use hold a prealloc of bytes, beyond promised? */
int region_check_room(const struct region *r, uint64_t bytes, uint64_t promised);
/* THP advice for [ptr, ptr + len) as r's kind and --thp ask. */
void region_advise_thp(const struct region *r, void *ptr, size_t len);
/* mbind of [ptr, ptr + len) to r's policy (weights: the stripes), with
 * its mode flags and home-node.  live: r is in use (set): policy default
 * is bound too, moving nothing, and pages that could not move are no
 * failure (the caller counts them). */
int region_bind(struct region *r, void *ptr, size_t len, bool live);
/* Preallocate len bytes from byte from of r. */
int region_populate(struct region *r, uint64_t from, uint64_t len);

/* Unmap and close; remove what complete made unless keep (the run
 * succeeded, and a file numamem created for the user stays, as QEMU's
 * does).  After any failure nothing numamem made is left. */
void region_release(struct region *r, bool keep);

#endif
