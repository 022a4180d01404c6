/* struct region: defaults, validation and the complete step.
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
#include <unistd.h>

#include "region.h"
#include "host.h"
#include "numamem.h"
#include "prealloc.h"

#ifndef MPOL_F_NUMA_BALANCING
#define MPOL_F_NUMA_BALANCING (1 << 13)
#endif

const char *const backend_kind_names[BACKEND_KINDS] = {
	[BACKEND_RAM] = "ram",
	[BACKEND_MEMFD] = "memfd",
	[BACKEND_FILE] = "file",
	[BACKEND_SHM] = "shm",
};

const char *const policy_names[POLICY_COUNT] = {
	[POLICY_DEFAULT] = "default",
	[POLICY_PREFERRED] = "preferred",
	[POLICY_BIND] = "bind",
	[POLICY_INTERLEAVE] = "interleave",
	[POLICY_LOCAL] = "local",
	[POLICY_PREFERRED_MANY] = "preferred-many",
	[POLICY_WEIGHTED_INTERLEAVE] = "weighted-interleave",
};

static const struct backend_ops *const kind_ops[BACKEND_KINDS] = {
	[BACKEND_RAM] = &backend_ram_ops,
	[BACKEND_MEMFD] = &backend_memfd_ops,
	[BACKEND_FILE] = &backend_file_ops,
	[BACKEND_SHM] = &backend_shm_ops,
};

/* Kernel release that brought each mode numamem may have to refuse. */
static const char *const mode_since[POLICY_COUNT] = {
	[POLICY_LOCAL] = "3.8",
	[POLICY_PREFERRED_MANY] = "5.15",
	[POLICY_WEIGHTED_INTERLEAVE] = "6.9",
};

void region_init(struct region *b, const char *id)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	*b = (struct region){
		.id = strdup(id),
		.kind = BACKEND_RAM,
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
	};
}

void region_free(struct region *b)
{
	free(b->id);
	free(b->mem_path);
	free(b->prealloc_context);
	free(b->created_path);
	b->id = b->mem_path = b->prealloc_context = b->created_path = NULL;
}

bool region_share(const struct region *b)
{
	if (b->share != TRI_AUTO)
		return b->share == TRI_ON;
	return kind_ops[b->kind]->default_share;
}

/* rom=auto follows readonly, as in QEMU. */
bool region_writable(const struct region *b)
{
	return b->rom == TRI_AUTO ? !b->readonly : b->rom == TRI_OFF;
}

const char *region_type_name(const struct region *b)
{
	return kind_ops[b->kind]->qom_type;
}

static int check_nodes(const struct region *b, const struct nodemask *m, const char *prop)
{
	struct nodemask present, memory, allowed;

	host_nodes_present(&present);
	host_nodes_with_memory(&memory);
	host_nodes_allowed(&allowed);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++) {
		if (!nodemask_isset(m, n))
			continue;
		if (!nodemask_isset(&present, n))
			return fail(EXIT_UNAVAILABLE, "%s '%u' of region '%s': node %u does not exist",
				    prop, n, b->id, n);
		if (m == &b->host_nodes && !nodemask_isset(&memory, n))
			return fail(EXIT_UNAVAILABLE, "%s '%u' of region '%s': node %u has no memory",
				    prop, n, b->id, n);
		if (!nodemask_isset(&allowed, n))
			return fail(EXIT_UNAVAILABLE,
				    "%s '%u' of region '%s': node %u is outside the nodes this process may use",
				    prop, n, b->id, n);
	}
	return EXIT_OK;
}

/* The MPOL_* mode mbind() gets: preferred over several nodes becomes
 * preferred-many where the kernel has it (QEMU does the same; without it
 * the kernel silently prefers only the first node). */
static int effective_mode(const struct region *b)
{
	if (b->policy == POLICY_PREFERRED && nodemask_weight(&b->host_nodes) > 1 &&
	    host_kernel_has_mode(POLICY_PREFERRED_MANY))
		return POLICY_PREFERRED_MANY;
	return (int)b->policy;
}

/* A size as the user may have written it: 3M, 1536K, 3000. */
static const char *size_str(uint64_t v, char *buf, size_t len)
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

int region_validate(struct region *b)
{
	const struct backend_ops *ops;
	char sz[32], val[32];
	size_t page;
	int status;

	b->ops = ops = kind_ops[b->kind];
	/* QEMU's property setters */
	if (!b->size)
		return fail(EXIT_USAGE, "size '0' of region '%s': a region needs a size above zero",
			    b->id);
	if (b->prealloc && !b->reserve)
		return fail(EXIT_USAGE, "region '%s': 'prealloc=on' and 'reserve=off' are incompatible",
			    b->id);
	/* QEMU's alloc checks, per kind */
	if (b->kind == BACKEND_FILE && !b->mem_path)
		return fail(EXIT_USAGE, "region '%s': the file backend needs mem-path", b->id);
	if (b->kind == BACKEND_SHM && !region_share(b))
		return fail(EXIT_USAGE, "region '%s': the shm backend cannot be share=off", b->id);
	if (b->kind == BACKEND_MEMFD && b->hugetlbsize && !b->hugetlb)
		return fail(EXIT_USAGE, "hugetlbsize of region '%s' needs hugetlb=on", b->id);
	if (b->hugetlbsize && (b->hugetlbsize & (b->hugetlbsize - 1)))
		return fail(EXIT_USAGE, "hugetlbsize '%s' of region '%s' is not a power of two",
			    size_str(b->hugetlbsize, sz, sizeof(sz)), b->id);
	if (b->align && (b->align & (b->align - 1)))
		return fail(EXIT_USAGE, "align '%s' of region '%s' is not a power of two",
			    size_str(b->align, sz, sizeof(sz)), b->id);
	if (b->kind == BACKEND_FILE && b->rom == TRI_ON && !b->readonly && region_share(b))
		return fail(EXIT_USAGE,
			    "region '%s': 'rom=on' cannot be combined with 'share=on' and 'readonly=off'",
			    b->id);
	if (b->kind == BACKEND_FILE && b->readonly && region_writable(b) && region_share(b))
		return fail(EXIT_USAGE,
			    "region '%s': 'readonly=on' with 'share=on' needs 'rom=on' (a read-only file cannot be mapped shared and writable)",
			    b->id);
	if (b->pmem && !region_share(b))
		return fail(EXIT_USAGE, "region '%s': 'pmem=on' needs 'share=on'", b->id);

	/* Alignment: known before allocating for the fd kinds. */
	b->page_size = page = ops->page_size(b, &status);
	if (!page)
		return status;
	if (ops->aligned && b->size % page) {
		format_size(page, sz, sizeof(sz));
		return fail(EXIT_USAGE, "size '%s' of region '%s' is not a multiple of the %s page size",
			    size_str(b->size, val, sizeof(val)), b->id, sz);
	}
	if (b->kind == BACKEND_FILE && b->offset % page) {
		format_size(page, sz, sizeof(sz));
		return fail(EXIT_USAGE, "offset '%s' of region '%s' is not a multiple of the %s page size",
			    size_str(b->offset, val, sizeof(val)), b->id, sz);
	}
	if (b->align && b->align < page) {
		format_size(page, sz, sizeof(sz));
		return fail(EXIT_USAGE, "align '%s' of region '%s' is smaller than the %s page size of its backing store",
			    size_str(b->align, val, sizeof(val)), b->id, sz);
	}

	/* QEMU's policy / host-nodes consistency */
	if (!nodemask_empty(&b->host_nodes) &&
	    (b->policy == POLICY_DEFAULT || b->policy == POLICY_LOCAL))
		return fail(EXIT_USAGE,
			    "region '%s': host-nodes must be empty for policy '%s'; choose another policy or drop host-nodes",
			    b->id, policy_names[b->policy]);
	if (nodemask_empty(&b->host_nodes) && b->policy != POLICY_DEFAULT && b->policy != POLICY_LOCAL)
		return fail(EXIT_USAGE, "region '%s': policy '%s' needs host-nodes", b->id,
			    policy_names[b->policy]);

	/* Beyond QEMU: what this host can give */
	status = check_nodes(b, &b->host_nodes, "host-nodes");
	if (status)
		return status;
	if (b->has_prealloc_nodes) {
		cpu_set_t cpus;

		status = check_nodes(b, &b->prealloc_nodes, "prealloc-nodes");
		if (status)
			return status;
		if (!host_node_cpus(&b->prealloc_nodes, &cpus)) {
			char list[64];

			nodemask_format(&b->prealloc_nodes, list, sizeof(list));
			return fail(EXIT_UNAVAILABLE, "prealloc-nodes '%s' of region '%s': no CPU there that this process may use",
				    list, b->id);
		}
	}
	if (mode_since[b->policy] && !host_kernel_has_mode((int)b->policy))
		return fail(EXIT_UNAVAILABLE, "policy '%s' needs Linux %s or later (this is %s)",
			    policy_names[b->policy], mode_since[b->policy], host_kernel_release());
	if (b->hugetlb || page > (size_t)sysconf(_SC_PAGESIZE)) {
		if (!host_has_hugepage_size(page)) {
			format_size(page, sz, sizeof(sz));
			return fail(EXIT_UNAVAILABLE, "region '%s': this host has no %s huge pages",
				    b->id, sz);
		}
	}
	if (backend_file_private_copy(b))
		warn_msg("region '%s': mem-path '%s' is on tmpfs and share=off: every page written is kept twice (file and private copy); share=on avoids it",
			 b->id, b->mem_path);
	b->kernel_mode = effective_mode(b);
	if (b->policy == POLICY_PREFERRED && nodemask_weight(&b->host_nodes) > 1 &&
	    b->kernel_mode == POLICY_PREFERRED)
		warn_msg("region '%s': this kernel (%s) prefers only the first of several host-nodes (preferred-many needs Linux 5.15)",
			 b->id, host_kernel_release());
	return EXIT_OK;
}

/* Refuse a prealloc that the nodes it may use cannot hold: the bound
 * nodes for bind, else every node this process may use.  The
 * alternative is the OOM killer, or a SIGBUS in the middle of
 * populating.  Runs before alloc, after earlier regions took theirs. */
static int check_room(const struct region *b, size_t page, uint64_t promised)
{
	bool bound = b->kernel_mode == POLICY_BIND;
	bool huge = page > (size_t)sysconf(_SC_PAGESIZE);
	struct nodemask nodes;
	uint64_t avail[NUMAMEM_MAX_NODES];
	uint64_t room = 0, size = b->size * (backend_file_private_copy(b) ? 2 : 1);
	char need[32], have[32], hp[32], list[64];

	if (!b->prealloc)
		return EXIT_OK;
	if (bound)
		nodes = b->host_nodes;
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
		return fail(EXIT_UNAVAILABLE, "region '%s': prealloc needs %s of %s huge pages but node %s has only %s free",
			    b->id, need, hp, list, have);
	if (huge)
		return fail(EXIT_UNAVAILABLE, "region '%s': prealloc needs %s of %s huge pages but the host has only %s free",
			    b->id, need, hp, have);
	return fail(EXIT_UNAVAILABLE, "region '%s': prealloc needs %s but node%s %s %s only %s available",
		    b->id, need, nodemask_weight(&nodes) > 1 ? "s" : "", list,
		    nodemask_weight(&nodes) > 1 ? "have" : "has", have);
}

int region_complete(struct region *b, bool defer_prealloc, uint64_t promised)
{
	const struct backend_ops *ops = b->ops;
	unsigned long maxnode = nodemask_maxnode(&b->host_nodes);
	double t0;
	int status = check_room(b, b->page_size, promised);

	if (status)
		return status;
	/* 1. alloc */
	t0 = now_seconds();
	status = ops->alloc(b);
	b->t_alloc = now_seconds() - t0;
	if (status)
		return status;

	/* 2. size alignment, against the page size the mapping really has */
	if (ops->aligned && b->size % b->page_size) {
		char sz[32];

		format_size(b->page_size, sz, sizeof(sz));
		return fail(EXIT_COMPLETE, "size '%" PRIu64 "' of region '%s' is not a multiple of the %s page size",
			    b->size, b->id, sz);
	}

	/* 3. merge and dump (the kernel ignores MERGEABLE on shared mappings) */
	if (b->merge && madvise(b->ptr, b->map_len, MADV_MERGEABLE) < 0 && errno != EINVAL)
		warn_msg("region '%s': cannot mark memory mergeable: %s", b->id, strerror(errno));
	if (!b->dump && madvise(b->ptr, b->map_len, MADV_DONTDUMP) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot exclude memory from core dumps", b->id);

	/* 4. mbind, with maxnode + 1 as QEMU passes it */
	t0 = now_seconds();
	if (b->policy == POLICY_LOCAL) {
		if (mbind(b->ptr, b->map_len, MPOL_LOCAL, NULL, 0, MPOL_MF_STRICT | MPOL_MF_MOVE) < 0)
			return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot set policy local", b->id);
	} else if (maxnode &&
		   mbind(b->ptr, b->map_len, b->kernel_mode, b->host_nodes.bits, maxnode + 1,
			 MPOL_MF_STRICT | MPOL_MF_MOVE) < 0) {
		char list[64];

		nodemask_format(&b->host_nodes, list, sizeof(list));
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot bind memory to host-nodes '%s'",
				  b->id, list);
	}
	b->t_mbind = now_seconds() - t0;

	/* 5. prealloc, after the policy is in place */
	return defer_prealloc ? EXIT_OK : region_prealloc(b);
}

int region_prealloc(struct region *b)
{
	if (b->prealloc) {
		double t0 = now_seconds();
		int status = prealloc_region(b);

		b->t_prealloc = now_seconds() - t0;
		if (status)
			return status;
	}
	b->completed = true;
	if (b->ops->completed)
		b->ops->completed(b);
	return EXIT_OK;
}

int backend_map_fd(struct region *b, int fd, uint64_t offset)
{
	int prot = PROT_READ | (region_writable(b) ? PROT_WRITE : 0);
	int flags = region_share(b) ? MAP_SHARED : MAP_PRIVATE;

	if (!b->reserve)
		flags |= MAP_NORESERVE;
#ifdef MAP_SYNC
	if (b->pmem)
		flags = MAP_SHARED_VALIDATE | MAP_SYNC;
#endif
	void *where = NULL;

	b->map_len = b->size;
	if (b->align > b->page_size) {
		/* Reserve size + align of address space, map at an aligned spot. */
		char *r = mmap(NULL, b->size + b->align, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (r == MAP_FAILED)
			return fail_errno(EXIT_UNAVAILABLE, errno, "region '%s': cannot reserve address space", b->id);
		where = (void *)(((uintptr_t)r + b->align - 1) & ~(uintptr_t)(b->align - 1));
		if ((char *)where > r)
			munmap(r, (size_t)((char *)where - r));
		munmap((char *)where + b->size, (size_t)(r + b->size + b->align - ((char *)where + b->size)));
		flags |= MAP_FIXED;
	}
	b->ptr = mmap(where, b->size, prot, flags, fd, (off_t)offset);
	if (b->ptr == MAP_FAILED) {
		int e = errno;

		if (e == ENOMEM && b->page_size > (size_t)sysconf(_SC_PAGESIZE) && b->reserve) {
			char hp[32];

			format_size(b->page_size, hp, sizeof(hp));
			return fail(EXIT_UNAVAILABLE, "region '%s': not enough free %s huge pages to reserve %" PRIu64 " of them",
				    b->id, hp, b->size / b->page_size);
		}
		return backend_map_error(b, e);
	}
	return EXIT_OK;
}

int backend_map_error(const struct region *b, int e)
{
	char sz[32];

	format_size(b->size, sz, sizeof(sz));
	if (e == ENOMEM)
		return fail(EXIT_UNAVAILABLE, "region '%s': the kernel will not commit %s (see vm.overcommit_memory)",
			    b->id, sz);
	if ((e == EOPNOTSUPP || e == EINVAL) && b->pmem)
		return fail(EXIT_UNAVAILABLE, "mem-path '%s' of region '%s' cannot be mapped with MAP_SYNC: pmem=on needs a DAX file system",
			    b->mem_path, b->id);
	if (e == ENODEV && b->kind == BACKEND_FILE)
		return fail(EXIT_USAGE, "mem-path '%s' of region '%s' is on a file system that cannot be memory-mapped",
			    b->mem_path, b->id);
	return fail_errno(EXIT_COMPLETE, e, "region '%s': cannot map %s", b->id, sz);
}

void region_release(struct region *b)
{
	if (b->ptr != MAP_FAILED) {
		if (b->discard_data && b->kind == BACKEND_FILE)
			madvise(b->ptr, b->map_len, MADV_REMOVE);
		munmap(b->ptr, b->map_len);
		b->ptr = MAP_FAILED;
	}
	if (b->ops && b->ops->release)
		b->ops->release(b);
	if (b->fd >= 0) {
		close(b->fd);
		b->fd = -1;
	}
}
