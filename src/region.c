/* struct region: defaults, validation, the complete step and release
 * (a live region's changes are region-live.c).
 *
 * The complete step follows QEMU's host_memory_backend_memory_complete():
 * alloc, size alignment, merge/dump madvise, mbind, prealloc.  numamem
 * differs in one deliberate way: every check that can be made before
 * allocating is made before allocating (region_validate), so refused
 * input never leaves a half-made file behind. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "host.h"
#include "util.h"
#include "prealloc.h"
#include "region.h"


const char *const backend_kind_names[BACKEND_KINDS] = {
	[BACKEND_RAM] = "ram",
	[BACKEND_MEMFD] = "memfd",
	[BACKEND_FILE] = "file",
	[BACKEND_SHM] = "shm",
};

/* The flags a region asks for, as a set of 1 << enum mode_flag. */
static unsigned region_flags(const struct region *r)
{
	unsigned flags = 0;

	for (unsigned f = 0; f < FLAG_COUNT; f++)
		if (r->flag[f])
			flags |= 1u << f;
	return flags;
}

void region_init(struct region *r, const char *id, const struct backend_ops *ops)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	*r = (struct region){
		.id = strdup(id),
		.ops = ops,
		.policy = POLICY_DEFAULT,
		.merge = true, /* QEMU: machine mem-merge=on */
		.dump = true,  /* QEMU: machine dump-guest-core=on */
		.reserve = true,
		.share = TRI_AUTO,
		.thp = TRI_AUTO,
		.prealloc_threads = cpus > 0 ? (unsigned)cpus : 1,
		.rom = TRI_AUTO,
		.seal = true,
		.fd = -1,
		.ptr = MAP_FAILED,
		.home_node = -1,
	};
}

void region_free(struct region *r)
{
	free(r->id);
	free(r->mem_path);
	free(r->prealloc_context);
	free(r->created_path);
	r->id = r->mem_path = r->prealloc_context = r->created_path = NULL;
}

int region_nodes_on_host(const struct region *r, const struct nodemask *m, const char *prop)
{
	char owner[160]; /* ids are at most 128 characters */

	snprintf(owner, sizeof(owner), " of region '%s'", r->id);
	return check_nodes_on_host(m, m == &r->host_nodes, prop, owner);
}


/* The MPOL_* mode mbind() gets: preferred over several nodes becomes
 * preferred-many where the kernel has it (QEMU does the same; without it
 * the kernel silently prefers only the first node). */
static int region_effective_mode(const struct region *r)
{
	if (r->policy == POLICY_PREFERRED && nodemask_weight(&r->host_nodes) > 1 &&
	    host_kernel_has_mode(POLICY_PREFERRED_MANY))
		return POLICY_PREFERRED_MANY;
	return (int)r->policy;
}

void region_kernel_policy(struct region *r)
{
	r->kernel_mode = r->has_weights ? POLICY_BIND : region_effective_mode(r);
	r->kernel_flags = mode_flag_bits(region_flags(r));
}

/* A size as the user may have written it: 3M, 1536K, 3000. */
const char *size_as_written(uint64_t v, char *buf, size_t len)
{
	static const char suffix[] = "KMGTPE";
	int i = -1;

	while (i + 1 < 6 && v && v % 1024 == 0) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, i < 0 ? "%" PRIu64 : "%" PRIu64 "%c", v, i < 0 ? 0 : suffix[i]);
	return buf;
}

/* QEMU's property setters and the checks its kinds make in alloc. */
static int check_properties(const struct region *r)
{
	enum backend_kind kind = region_kind(r);
	char sz[32];

	if (!r->size)
		return fail(EXIT_USAGE, "size '0' of region '%s': a region needs a size above zero",
			    r->id);
	if (r->prealloc && !r->reserve)
		return fail(EXIT_USAGE, "region '%s': 'prealloc=on' and 'reserve=off' are incompatible",
			    r->id);
	if (kind == BACKEND_FILE && !r->mem_path)
		return fail(EXIT_USAGE, "region '%s': the file backend needs mem-path", r->id);
	if (kind == BACKEND_SHM && !region_share(r))
		return fail(EXIT_USAGE, "region '%s': the shm backend cannot be share=off", r->id);
	if (r->hugetlbsize && !r->hugetlb)
		return fail(EXIT_USAGE, "hugetlbsize of region '%s' needs hugetlb=on", r->id);
	if (r->hugetlbsize && (r->hugetlbsize & (r->hugetlbsize - 1)))
		return fail(EXIT_USAGE, "hugetlbsize '%s' of region '%s' is not a power of two",
			    size_as_written(r->hugetlbsize, sz, sizeof(sz)), r->id);
	if (r->align && (r->align & (r->align - 1)))
		return fail(EXIT_USAGE, "align '%s' of region '%s' is not a power of two",
			    size_as_written(r->align, sz, sizeof(sz)), r->id);
	if (r->rom == TRI_ON && !r->readonly)
		return fail(EXIT_USAGE, "region '%s': 'rom=on' needs 'readonly=on' (QEMU opens the file read-only for a ROM)",
			    r->id);
	if (r->readonly && region_writable(r) && region_share(r))
		return fail(EXIT_USAGE,
			    "region '%s': 'readonly=on' with 'share=on' needs 'rom=on' (a read-only file cannot be mapped shared and writable)",
			    r->id);
	if (r->pmem && !region_share(r))
		return fail(EXIT_USAGE, "region '%s': 'pmem=on' needs 'share=on'", r->id);
	return EXIT_OK;
}

/* Size, offset and align against the backing page size, known before
 * allocating for every kind (statfs, hugetlbsize). */
static int check_page_size(struct region *r)
{
	char sz[32], val[32];
	int status = EXIT_OK;
	size_t page = r->ops->page_size(r, &status);

	if (!page)
		return status;
	r->page_size = page;
	format_size(page, sz, sizeof(sz));
	if (r->ops->aligned && r->size % page)
		return fail(EXIT_USAGE, "size '%s' of region '%s' is not a multiple of the %s page size",
			    size_as_written(r->size, val, sizeof(val)), r->id, sz);
	if (r->offset % page)
		return fail(EXIT_USAGE, "offset '%s' of region '%s' is not a multiple of the %s page size",
			    size_as_written(r->offset, val, sizeof(val)), r->id, sz);
	if (r->align && r->align < page)
		return fail(EXIT_USAGE, "align '%s' of region '%s' is smaller than the %s page size of its backing store",
			    size_as_written(r->align, val, sizeof(val)), r->id, sz);
	return EXIT_OK;
}

/* QEMU's policy / host-nodes consistency. */
int region_policy_consistent(const struct region *r)
{
	bool nodeless = r->policy == POLICY_DEFAULT || r->policy == POLICY_LOCAL;

	if (!nodemask_empty(&r->host_nodes) && nodeless)
		return fail(EXIT_USAGE,
			    "region '%s': host-nodes must be empty for policy '%s'; choose another policy or drop host-nodes",
			    r->id, policy_names[r->policy]);
	if (nodemask_empty(&r->host_nodes) && !nodeless)
		return fail(EXIT_USAGE, "region '%s': policy '%s' needs host-nodes", r->id,
			    policy_names[r->policy]);
	if (r->flag[FLAG_STATIC_NODES] && r->flag[FLAG_RELATIVE_NODES])
		return fail(EXIT_USAGE, "region '%s': static-nodes and relative-nodes are mutually exclusive", r->id);
	for (unsigned f = 0; f < FLAG_COUNT; f++)
		if (r->flag[f] && nodeless)
			return fail(EXIT_USAGE, "region '%s': %s needs a policy with host-nodes, not '%s'", r->id,
				    mode_flags[f].name, policy_names[r->policy]);
	if (r->home_node >= 0 && r->policy != POLICY_BIND && r->policy != POLICY_PREFERRED_MANY)
		return fail(EXIT_USAGE, "home-node '%d' of region '%s': needs policy bind or preferred-many, not '%s'",
			    r->home_node, r->id, policy_names[r->policy]);
	if (r->home_node >= 0 && !nodemask_isset(&r->host_nodes, (unsigned)r->home_node)) {
		char list[64];

		nodemask_format(&r->host_nodes, list, sizeof(list));
		return fail(EXIT_USAGE, "home-node '%d' of region '%s': not one of host-nodes '%s'", r->home_node,
			    r->id, list);
	}
	if (r->has_weights && r->policy != POLICY_INTERLEAVE && r->policy != POLICY_WEIGHTED_INTERLEAVE)
		return fail(EXIT_USAGE, "weights of region '%s': need policy interleave or weighted-interleave, not '%s'",
			    r->id, policy_names[r->policy]);
	for (unsigned n = 0; r->has_weights && n < NUMAMEM_MAX_NODES; n++) {
		char list[64];

		nodemask_format(&r->host_nodes, list, sizeof(list));
		if (r->weights[n] && !nodemask_isset(&r->host_nodes, n))
			return fail(EXIT_USAGE, "weights of region '%s': node %u is not one of host-nodes '%s'", r->id, n,
				    list);
		if (!r->weights[n] && nodemask_isset(&r->host_nodes, n))
			return fail(EXIT_USAGE, "weights of region '%s': node %u of host-nodes '%s' has no weight", r->id,
				    n, list);
	}
	for (unsigned f = 0; r->has_weights && f < FLAG_COUNT; f++)
		if (r->flag[f])
			return fail(EXIT_USAGE, "weights of region '%s': %s does not apply to numamem's stripes", r->id,
				    mode_flags[f].name);
	if (r->flag[FLAG_NUMA_BALANCING] && r->policy != POLICY_BIND)
		return fail(EXIT_USAGE, "region '%s': numa-balancing needs policy 'bind', not '%s'", r->id,
			    policy_names[r->policy]);
	return EXIT_OK;
}

/* The CPUs a prealloc-context (or --prealloc-cpus / --prealloc-nodes)
 * names, as QEMU's thread-context takes them: cpu-affinity as given;
 * node-affinity as every CPU of the nodes, nodes without CPUs (or that do
 * not exist) ignored.  Both are applied with sched_setaffinity(), which
 * keeps the CPUs the cgroup cpuset allows, whatever mask numamem was
 * started with.  False when neither is given. */
static bool context_cpus(const struct region *r, cpu_set_t *cpus)
{
	cpu_set_t node;

	CPU_ZERO(cpus);
	if (r->has_prealloc_cpus) {
		*cpus = r->prealloc_cpus;
		return true;
	}
	if (!r->has_prealloc_nodes)
		return false;
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!nodemask_isset(&r->prealloc_nodes, n))
			continue;
		host_node_cpus_all(n, &node);
		CPU_OR(cpus, cpus, &node);
	}
	return true;
}

/* A prealloc-context's CPUs: each CPU named exists and is online, and at
 * least one is in this process's cpuset; else pthread_create() would
 * fail after allocating. */
int region_check_context(const struct region *r)
{
	cpu_set_t online, cpuset, cpus, usable;
	char list[256], what[512];
	const char *prop = r->has_prealloc_cpus ? "cpu-affinity" : "node-affinity";

	if (!context_cpus(r, &cpus))
		return EXIT_OK;
	if (r->has_prealloc_cpus)
		cpuset_format(&r->prealloc_cpus, list, sizeof(list));
	else
		nodemask_format(&r->prealloc_nodes, list, sizeof(list));
	if (r->prealloc_context)
		snprintf(what, sizeof(what), "%s '%s' of thread-context '%s'", prop, list, r->prealloc_context);
	else
		snprintf(what, sizeof(what), "%s '%s' of region '%s'",
			 r->has_prealloc_cpus ? "prealloc-cpus" : "prealloc-nodes", list, r->id);
	host_cpus_online(&online);
	for (int c = 0; r->has_prealloc_cpus && c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &cpus) && !CPU_ISSET(c, &online))
			return fail(EXIT_UNAVAILABLE, "%s: CPU %d does not exist or is offline", what, c);
	if (!CPU_COUNT(&cpus))
		return fail(EXIT_UNAVAILABLE, "%s: the nodes select no CPUs", what);
	host_cpus_cpuset(&cpuset);
	CPU_AND(&usable, &cpus, &cpuset);
	if (!CPU_COUNT(&usable))
		return fail(EXIT_UNAVAILABLE, "%s: no CPU there that this process's cpuset allows", what);
	return EXIT_OK;
}

/* Does MAP_NORESERVE do what reserve=off asks?  As QEMU's
 * map_noreserve_effective() (util/mmap-alloc.c): always for huge pages,
 * read-only mappings and shared ones with a descriptor (the kernel does
 * not account them); for private writable memory not under strict
 * overcommit, where the kernel ignores it. */
static bool noreserve_effective(const struct region *r)
{
	if (r->reserve || r->page_size > (size_t)sysconf(_SC_PAGESIZE) || !region_writable(r))
		return true;
	if (region_share(r))
		return true; /* every shared kind has a descriptor (ram share=on is a memfd) */
	return host_overcommit_memory() != 2;
}

int region_policy_on_host(const struct region *r)
{
	/* with weights numamem stripes with bind, on any kernel */
	int status = r->has_weights ? EXIT_OK : check_mode_on_host((int)r->policy);

	if (status)
		return status;
	if (r->home_node >= 0 && !host_kernel_has_home_node())
		return fail(EXIT_UNAVAILABLE, "home-node '%d' of region '%s': set_mempolicy_home_node needs Linux 5.17 or later (this is %s)",
			    r->home_node, r->id, host_kernel_release());
	for (unsigned f = 0; f < FLAG_COUNT; f++)
		if (r->flag[f] && !host_kernel_has_flag((int)r->policy, mode_flags[f].bit))
			return fail(EXIT_UNAVAILABLE, "region '%s': %s needs Linux %s or later (this is %s)", r->id,
				    mode_flags[f].name, mode_flags[f].since, host_kernel_release());
	return EXIT_OK;
}

/* Beyond QEMU: what this host can give. */
static int check_host(const struct region *r)
{
	char sz[32];
	int status = region_nodes_on_host(r, &r->host_nodes, "host-nodes");

	if (!status)
		status = region_check_context(r);
	if (status)
		return status;
	if (!noreserve_effective(r))
		return fail(EXIT_UNAVAILABLE,
			    "region '%s': 'reserve=off' cannot be honoured: vm.overcommit_memory is 2, which reserves every private writable page",
			    r->id);
	status = region_policy_on_host(r);
	if (status)
		return status;
	if ((r->hugetlb || r->page_size > (size_t)sysconf(_SC_PAGESIZE)) &&
	    !host_has_hugepage_size(r->page_size)) {
		format_size(r->page_size, sz, sizeof(sz));
		return fail(EXIT_UNAVAILABLE, "region '%s': this host has no %s huge pages", r->id, sz);
	}
	return EXIT_OK;
}

int region_validate(struct region *r)
{
	int status = check_properties(r);

	if (!status && r->ops->check)
		status = r->ops->check(r);
	if (!status)
		status = check_page_size(r);
	if (!status)
		status = region_policy_consistent(r);
	if (!status)
		status = check_host(r);
	if (status)
		return status;
	if (region_private_copy(r) && r->mem_path)
		warn_msg("region '%s': mem-path '%s' is on tmpfs and share=off: every page written is kept twice (file and private copy); share=on avoids it",
			 r->id, r->mem_path);
	else if (region_private_copy(r))
		warn_msg("region '%s': a %s with share=off keeps every page written twice (shared memory and private copy); share=on avoids it",
			 r->id, region_kind_name(r));
	region_kernel_policy(r);
	if (r->policy == POLICY_PREFERRED && nodemask_weight(&r->host_nodes) > 1 &&
	    r->kernel_mode == POLICY_PREFERRED)
		warn_msg("region '%s': this kernel (%s) prefers only the first of several host-nodes (preferred-many needs Linux 5.15)",
			 r->id, host_kernel_release());
	return EXIT_OK;
}

/* Refuse a prealloc of bytes (the region, or the part a resize adds)
 * that the nodes it may use cannot hold: the bound nodes for bind,
 * else every node this process may use.  The
 * alternative is the OOM killer, or a SIGBUS in the middle of
 * populating.  Runs before alloc, after earlier regions took theirs. */
int region_check_room(const struct region *r, uint64_t bytes, uint64_t promised)
{
	bool bound = r->kernel_mode == POLICY_BIND;
	size_t page = r->page_size;
	bool huge = page > (size_t)sysconf(_SC_PAGESIZE);
	struct nodemask nodes;
	uint64_t avail[NUMAMEM_MAX_NODES];
	uint64_t room = 0, size = bytes * (region_private_copy(r) ? 2 : 1);
	char need[32], have[32], hp[32], list[64], knob[160];

	if (!r->prealloc)
		return EXIT_OK;
	if (bound)
		nodes = r->host_nodes;
	else
		host_nodes_allowed(&nodes);
	if (!huge)
		host_available(avail);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (nodemask_isset(&nodes, n))
			room += huge ? host_free_hugepages((int)n, page) * page : avail[n];
	if (huge && !bound) /* reserved but not yet faulted pages are not free */
		room = host_free_hugepages(-1, page) * page;
	room = room > promised ? room - promised : 0;
	if (room >= size)
		return EXIT_OK;
	format_size(size, need, sizeof(need));
	format_size(room, have, sizeof(have));
	format_size(page, hp, sizeof(hp));
	nodemask_format(&nodes, list, sizeof(list));
	if (huge && bound)
		return fail(EXIT_UNAVAILABLE,
			    "region '%s': prealloc needs %s of %s huge pages but node%s %s %s only %s free (raise %s)",
			    r->id, need, hp, nodemask_weight(&nodes) > 1 ? "s" : "", list,
			    nodemask_weight(&nodes) > 1 ? "have" : "has", have,
			    host_hugepages_knob(knob, sizeof(knob), nodemask_weight(&nodes) == 1 ? (int)nodemask_maxnode(&nodes) - 1 : -1,
						list, page));
	if (huge)
		return fail(EXIT_UNAVAILABLE,
			    "region '%s': prealloc needs %s of %s huge pages but the host has only %s free (raise %s)",
			    r->id, need, hp, have, host_hugepages_knob(knob, sizeof(knob), -1, NULL, page));
	return fail(EXIT_UNAVAILABLE, "region '%s': prealloc needs %s but node%s %s %s only %s available",
		    r->id, need, nodemask_weight(&nodes) > 1 ? "s" : "", list,
		    nodemask_weight(&nodes) > 1 ? "have" : "has", have);
}

/* Transparent huge pages as the kind and --thp ask (hugetlb has its own
 * pages). */
void region_advise_thp(const struct region *r, void *ptr, size_t len)
{
	bool want = r->thp == TRI_ON || (r->thp == TRI_AUTO && r->ops->thp_default);

	/* numactl's --file advises nothing: the file's pages are as numactl makes them */
	if (r->page_size > (size_t)sysconf(_SC_PAGESIZE) || (r->numactl_file && r->thp == TRI_AUTO))
		return;
	if (r->thp == TRI_OFF)
		madvise(ptr, len, MADV_NOHUGEPAGE);
	else if (want && madvise(ptr, len, MADV_HUGEPAGE) < 0 && r->thp == TRI_ON)
		warn_msg("region '%s': transparent huge pages unavailable: %s", r->id, strerror(errno));
}

/* weights: the node of stripe i, in a period of sum(weights) stripes
 * where each node has its weight's run, nodes in ascending order. */
static unsigned stripe_node(const struct region *r, uint64_t i)
{
	unsigned sum = 0, k;

	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		sum += r->weights[n];
	k = (unsigned)(i % sum);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (k < r->weights[n])
			return n;
		k -= r->weights[n];
	}
	return 0;
}

/* mbind ranges (each its own VMA) for stripes of this size. */
static unsigned long count_runs(const struct region *r, size_t stripe)
{
	uint64_t stripes = (r->size + stripe - 1) / stripe;
	unsigned long runs = 0;
	unsigned last = NUMAMEM_MAX_NODES;

	for (uint64_t i = 0; i < stripes; i++) {
		unsigned n = stripe_node(r, i);

		runs += n != last;
		last = n;
	}
	return runs;
}

/* The smallest stripe (2 MiB or the page size, doubled as needed) whose
 * ranges stay within a sixteenth of vm.max_map_count: fine enough that
 * every node serves its share of any large access, and far from the
 * limit where mmap() and mbind() start to fail. */
static void choose_stripe(struct region *r)
{
	size_t stripe = r->page_size > (2UL << 20) ? r->page_size : 2UL << 20;

	r->max_map_count = host_max_map_count();
	while (count_runs(r, stripe) > r->max_map_count / 16 && stripe < r->size)
		stripe *= 2;
	r->stripe = stripe;
	r->vmas = count_runs(r, stripe);
}

/* Did mbind fail?  For a live region, EIO (pages present that could not
 * move; MPOL_MF_STRICT says so) is no failure: the caller counts them. */
static bool bind_failed(int rc, bool live)
{
	return rc < 0 && !(live && errno == EIO);
}

/* weights: bind each run of stripes to its node. */
static int bind_stripes(struct region *r, bool live)
{
	uint64_t stripes, i = 0;
	char *base = r->ptr;

	choose_stripe(r);
	stripes = (r->size + r->stripe - 1) / r->stripe;
	while (i < stripes) {
		unsigned n = stripe_node(r, i);
		uint64_t j = i + 1;
		struct nodemask one = { { 0 } };
		size_t off, len;

		while (j < stripes && stripe_node(r, j) == n)
			j++;
		off = (size_t)(i * r->stripe);
		len = j == stripes ? r->size - off : (size_t)((j - i) * r->stripe);
		nodemask_set(&one, n);
		if (bind_failed(mbind(base + off, len, MPOL_BIND, one.bits, nodemask_maxnode(&one) + 1,
				      MPOL_MF_STRICT | MPOL_MF_MOVE), live)) {
			if (errno == ENOMEM && host_map_count_near(2)) /* one more split: two more mappings */
				return fail(EXIT_UNAVAILABLE,
					    "region '%s': its weights stripes need %lu mappings, and with the other mappings of this process that is over vm.max_map_count (%lu)",
					    r->id, r->vmas, host_max_map_count());
			return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot bind a stripe to node %u", r->id, n);
		}
		i = j;
	}
	return EXIT_OK;
}

/* QEMU's MPOL_MF_STRICT | MPOL_MF_MOVE; numactl's --file: none, or
 * MPOL_MF_STRICT with --strict (pages present elsewhere are an error). */
static unsigned bind_flags(const struct region *r)
{
	if (r->numactl_file)
		return r->numactl_strict ? MPOL_MF_STRICT : 0;
	return MPOL_MF_STRICT | MPOL_MF_MOVE;
}

/* numactl's --strict found pages of the file outside the policy's nodes. */
static int strict_failed(const struct region *r)
{
	char list[64];

	nodemask_format(&r->host_nodes, list, sizeof(list));
	return fail(EXIT_VERIFY, "--strict: pages of '%s' already sit outside %s%s%s", r->mem_path,
		    policy_names[r->policy], *list ? " " : "", list);
}

/* mbind of [ptr, ptr + len), with maxnode + 1 as QEMU passes it; with
 * weights, the whole region's stripes (they count from its start). */
int region_bind(struct region *r, void *ptr, size_t len, bool live)
{
	unsigned long maxnode = nodemask_maxnode(&r->host_nodes);
	const unsigned flags = bind_flags(r);
	char list[64];

	if (r->has_weights)
		return bind_stripes(r, live);
	if (r->policy == POLICY_DEFAULT) {
		/* a new mapping has it already; a live one moves nothing */
		if (live && mbind(ptr, len, MPOL_DEFAULT, NULL, 0, 0) < 0)
			return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot set policy default", r->id);
		return EXIT_OK;
	}
	if (r->policy == POLICY_LOCAL) {
		if (!bind_failed(mbind(ptr, len, MPOL_LOCAL, NULL, 0, flags), live))
			return EXIT_OK;
		if (r->numactl_strict && errno == EIO)
			return strict_failed(r);
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot set policy local", r->id);
	}
	if (maxnode && bind_failed(mbind(ptr, len, (unsigned)r->kernel_mode | r->kernel_flags, r->host_nodes.bits,
					 maxnode + 1, flags), live)) {
		if (r->numactl_strict && errno == EIO)
			return strict_failed(r);
		nodemask_format(&r->host_nodes, list, sizeof(list));
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot bind memory to host-nodes '%s'",
				  r->id, list);
	}
	if (r->home_node >= 0 &&
	    syscall(SYS_set_mempolicy_home_node, ptr, len, (unsigned long)r->home_node, 0UL) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot set home-node '%d'", r->id, r->home_node);
	return EXIT_OK;
}

int region_complete(struct region *r, bool defer_prealloc, uint64_t promised)
{
	double t0;
	int status = region_check_room(r, r->size, promised);

	if (status)
		return status;
	/* 1. alloc, with the THP advice QEMU gives a new RAM block */
	t0 = now_seconds();
	status = r->ops->alloc(r);
	r->t_alloc = now_seconds() - t0;
	if (status)
		return status;
	region_advise_thp(r, r->ptr, r->size);

	/* 2. size alignment, against the page size the mapping really has */
	if (r->ops->aligned && r->size % r->page_size) {
		char sz[32];

		format_size(r->page_size, sz, sizeof(sz));
		return fail(EXIT_COMPLETE, "size '%" PRIu64 "' of region '%s' is not a multiple of the %s page size",
			    r->size, r->id, sz);
	}

	/* 3. merge and dump (the kernel ignores MERGEABLE on shared mappings) */
	if (r->merge && madvise(r->ptr, r->size, MADV_MERGEABLE) < 0 && errno != EINVAL)
		warn_msg("region '%s': cannot mark memory mergeable: %s", r->id, strerror(errno));
	if (!r->dump && madvise(r->ptr, r->size, MADV_DONTDUMP) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot exclude memory from core dumps", r->id);

	/* 4. mbind */
	t0 = now_seconds();
	status = region_bind(r, r->ptr, r->size, false);
	r->t_mbind = now_seconds() - t0;
	if (status)
		return status;

	/* 5. prealloc, after the policy is in place */
	return defer_prealloc ? EXIT_OK : region_prealloc(r);
}

/* The CPUs r's prealloc threads run on; false when not pinned. */
static bool prealloc_cpus(const struct region *r, cpu_set_t *cpus)
{
	cpu_set_t cpuset;

	if (context_cpus(r, cpus)) {
		host_cpus_cpuset(&cpuset);
		CPU_AND(cpus, cpus, &cpuset);
		return true;
	}
	/* a thread-context without affinity: where numamem runs, as in QEMU */
	if (r->prealloc_context)
		return false;
	/* Beyond QEMU: run where the memory will be, when those nodes have CPUs. */
	if (!nodemask_empty(&r->host_nodes) && host_node_cpus(&r->host_nodes, cpus))
		return true;
	CPU_ZERO(cpus);
	return false;
}

bool regions_prealloc_can_overlap(const struct region *regions, size_t n)
{
	cpu_set_t used, cpus, common;
	unsigned count = 0;

	CPU_ZERO(&used);
	for (size_t i = 0; i < n; i++) {
		if (!regions[i].prealloc)
			continue;
		if (!prealloc_cpus(&regions[i], &cpus))
			return false;
		CPU_AND(&common, &used, &cpus);
		if (CPU_COUNT(&common))
			return false;
		CPU_OR(&used, &used, &cpus);
		count++;
	}
	return count > 1;
}

/* One line for a prealloc that failed. */
static int prealloc_error(const struct region *r, const struct prealloc_job *job)
{
	char sz[32];

	format_size(r->page_size, sz, sizeof(sz));
	if (job->no_thread)
		return fail_errno(EXIT_COMPLETE, job->err, "region '%s': cannot start prealloc thread", r->id);
	if (job->no_page && r->page_size > (size_t)sysconf(_SC_PAGESIZE))
		return fail(EXIT_UNAVAILABLE, "region '%s': ran out of %s huge pages while preallocating", r->id, sz);
	if (job->no_page && r->mem_path)
		return fail(EXIT_UNAVAILABLE, "region '%s': mem-path '%s' ran out of space while preallocating",
			    r->id, r->mem_path);
	if (job->no_page)
		return fail(EXIT_UNAVAILABLE, "region '%s': out of memory while preallocating", r->id);
	return fail_errno(EXIT_COMPLETE, job->err, "region '%s': cannot preallocate", r->id);
}

/* Populate len bytes from byte from of the region. */
int region_populate(struct region *r, uint64_t from, uint64_t len)
{
	const char *mode = getenv("NUMAMEM_PREALLOC");
	struct prealloc_job job = {
		.start = (char *)r->ptr + from,
		/* the last partial page too: the kernel maps whole pages, and
		 * QEMU rounds the size up */
		.len = (len + r->page_size - 1) / r->page_size * r->page_size,
		.page = r->page_size,
		.threads = r->prealloc_threads,
		.write = region_writable(r),
		.touch = mode && !strcmp(mode, "touch"),
		.progress = r->progress ? r->id : NULL,
	};
	int status = EXIT_OK;

	job.pinned = prealloc_cpus(r, &job.cpus);
	if (!job.pinned)
		host_cpus_allowed(&job.cpus);
	if (prealloc_run(&job) < 0)
		status = prealloc_error(r, &job);
	r->threads_used = job.threads_used;
	r->prealloc_pinned = job.pinned;
	r->prealloc_cpuset = job.cpus;
	return status;
}

int region_prealloc(struct region *r)
{
	if (r->prealloc) {
		double t0 = now_seconds();
		int status = region_populate(r, 0, r->size);

		r->t_prealloc = now_seconds() - t0;
		if (status)
			return status;
	}
	r->completed = true;
	if (r->ops->completed)
		r->ops->completed(r);
	return EXIT_OK;
}

void region_release(struct region *r, bool keep)
{
	if (r->ptr != MAP_FAILED) {
		if (r->discard_data)
			madvise(r->ptr, r->size, MADV_REMOVE);
		munmap(r->ptr, r->size);
		r->ptr = MAP_FAILED;
	}
	if (r->ops->release)
		r->ops->release(r, keep);
	if (r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
	}
}
