/* Mapping a region's memory.  Every kind maps through map_region(), so
 * the aligned-mapping dance and the mmap() error messages exist once. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host.h"
#include "mapping.h"
#include "util.h"
#include "region.h"

void *map_aligned(size_t len, size_t align, int prot, int flags, int fd, off_t offset)
{
	size_t span = len + align;
	uintptr_t start, where;
	char *r;
	void *p;
	int e;

	if (align <= 1)
		return mmap(NULL, len, prot, flags, fd, offset);
	if (span < len) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	/* Reserve len + align of address space, then map at an aligned spot
	 * inside it; what lies outside the mapping is given back. */
	r = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		return MAP_FAILED;
	start = (uintptr_t)r;
	where = (start + align - 1) & ~(uintptr_t)(align - 1);
	p = mmap((void *)where, len, prot, flags | MAP_FIXED, fd, offset);
	e = errno;
	if (p == MAP_FAILED) {
		munmap(r, span);
		errno = e;
		return MAP_FAILED;
	}
	if (where > start)
		munmap(r, where - start);
	if (start + span > where + len)
		munmap((void *)(where + len), start + span - (where + len));
	return p;
}

/* One line for a failed mmap(); returns the exit status. */
static int map_error(const struct region *r, int e)
{
	char sz[32], hp[32], knob[160];

	format_size(r->size, sz, sizeof(sz));
	format_size(r->page_size, hp, sizeof(hp));
	if (e == ENOMEM && r->page_size > (size_t)sysconf(_SC_PAGESIZE) && r->reserve)
		return fail(EXIT_UNAVAILABLE, "region '%s': not enough free %s huge pages to reserve %" PRIu64 " of them (raise %s)",
			    r->id, hp, r->size / r->page_size,
			    host_hugepages_knob(knob, sizeof(knob), -1, NULL, r->page_size));
	if (e == ENOMEM && host_map_count_near(3)) /* the mapping and what the alignment cuts off */
		return fail(EXIT_UNAVAILABLE, "region '%s': cannot map %s: this process has %lu mappings, at vm.max_map_count (%lu)",
			    r->id, sz, host_map_count(), host_max_map_count());
	if (e == ENOMEM)
		return fail(EXIT_UNAVAILABLE, "region '%s': the kernel will not commit %s (see vm.overcommit_memory)",
			    r->id, sz);
	if ((e == EOPNOTSUPP || e == EINVAL) && r->pmem)
		return fail(EXIT_UNAVAILABLE, "mem-path '%s' of region '%s' cannot be mapped with MAP_SYNC: pmem=on needs a DAX file system",
			    r->mem_path, r->id);
	if (e == ENODEV && r->mem_path)
		return fail(EXIT_USAGE, "mem-path '%s' of region '%s' is on a file system that cannot be memory-mapped",
			    r->mem_path, r->id);
	return fail_errno(EXIT_COMPLETE, e, "region '%s': cannot map %s", r->id, sz);
}

/* Base-page memory is mapped at a 2 MiB boundary, as QEMU maps a RAM
 * block: a transparent huge page, anonymous or shmem, needs a PMD-aligned
 * address. */
#define THP_ALIGN (2UL << 20)

int map_region(struct region *r, int fd, off_t offset, size_t align)
{
	int prot = PROT_READ | (region_writable(r) ? PROT_WRITE : 0);
	int flags = region_share(r) ? MAP_SHARED : MAP_PRIVATE;

	if (fd < 0)
		flags |= MAP_ANONYMOUS;
	if (!r->reserve)
		flags |= MAP_NORESERVE;
#ifdef MAP_SYNC
	if (r->pmem)
		flags = MAP_SHARED_VALIDATE | MAP_SYNC;
#endif
	if (!align && r->page_size <= (size_t)sysconf(_SC_PAGESIZE))
		align = THP_ALIGN;
	r->ptr = map_aligned(r->size, align, prot, flags, fd, offset);
	if (r->ptr == MAP_FAILED)
		return map_error(r, errno);
	return EXIT_OK;
}
