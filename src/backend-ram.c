/* memory-backend-ram: anonymous memory, private unless share=on. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "region.h"
#include "numamem.h"

#define THP_ALIGN (2UL << 20)

static size_t ram_page_size(const struct region *b, int *status)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Map size bytes at a 2 MiB boundary (as QEMU does) so that THP can back
 * the whole region, then ask for huge pages unless --thp=off. */
static int ram_alloc(struct region *b)
{
	int flags = MAP_ANONYMOUS | (region_share(b) ? MAP_SHARED : MAP_PRIVATE);
	size_t len = b->size + THP_ALIGN;
	uintptr_t start, aligned;
	char *p;

	if (!b->reserve)
		flags |= MAP_NORESERVE;
	if (len < b->size)
		return fail(EXIT_USAGE, "size '%zu' of region '%s' is too large", (size_t)b->size, b->id);
	p = mmap(NULL, len, PROT_NONE, flags | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return fail_errno(EXIT_UNAVAILABLE, errno, "region '%s': cannot reserve address space", b->id);
	start = (uintptr_t)p;
	aligned = (start + THP_ALIGN - 1) & ~(uintptr_t)(THP_ALIGN - 1);
	if (aligned > start)
		munmap(p, aligned - start);
	if (start + len > aligned + b->size)
		munmap((char *)(aligned + b->size), start + len - (aligned + b->size));
	/* Replace the reservation with the real mapping, same place. */
	p = mmap((void *)aligned, b->size, PROT_READ | PROT_WRITE, flags | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED) {
		int e = errno;

		munmap((void *)aligned, b->size);
		return backend_map_error(b, e);
	}
	b->ptr = p;
	b->map_len = b->size;
	b->page_size = (size_t)sysconf(_SC_PAGESIZE);
	if (b->thp != TRI_OFF && madvise(p, b->size, MADV_HUGEPAGE) < 0 && b->thp == TRI_ON)
		warn_msg("region '%s': transparent huge pages unavailable: %s", b->id, strerror(errno));
	if (b->thp == TRI_OFF)
		madvise(p, b->size, MADV_NOHUGEPAGE);
	return EXIT_OK;
}

const struct backend_ops backend_ram_ops = {
	.qom_type = "memory-backend-ram",
	.default_share = false,
	.aligned = false,
	.page_size = ram_page_size,
	.alloc = ram_alloc,
};
