/* memory-backend-memfd: an anonymous memfd, hugetlb optional, sealed
 * against growing and shrinking by default. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "region.h"
#include "host.h"
#include "numamem.h"

#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif

static size_t memfd_page_size(const struct region *b, int *status)
{
	if (!b->hugetlb)
		return (size_t)sysconf(_SC_PAGESIZE);
	if (b->hugetlbsize)
		return (size_t)b->hugetlbsize;
	if (!host_default_hugepage_size()) {
		*status = fail(EXIT_UNAVAILABLE, "region '%s': this host has no huge pages", b->id);
		return 0;
	}
	return (size_t)host_default_hugepage_size();
}

static int memfd_alloc(struct region *b)
{
	unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
	char name[96];
	int status, fd;

	if (b->hugetlb) {
		flags |= MFD_HUGETLB;
		if (b->hugetlbsize)
			flags |= (unsigned)__builtin_ctzll(b->hugetlbsize) << MFD_HUGE_SHIFT;
	}
	snprintf(name, sizeof(name), "numamem:%s", b->id);
	fd = memfd_create(name, flags);
	if (fd < 0)
		return fail_errno(errno == EINVAL && b->hugetlb ? EXIT_UNAVAILABLE : EXIT_COMPLETE, errno,
				  "region '%s': cannot create memfd", b->id);
	b->fd = fd;
	b->page_size = memfd_page_size(b, &status);
	if (ftruncate(fd, (off_t)b->size) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot size memfd to %" PRIu64 " bytes",
				  b->id, b->size);
	if (b->seal && fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot seal memfd", b->id);
	status = backend_map_fd(b, fd, 0);
	if (status)
		return status;
	if (b->thp == TRI_ON && !b->hugetlb)
		madvise(b->ptr, b->size, MADV_HUGEPAGE);
	return EXIT_OK;
}

const struct backend_ops backend_memfd_ops = {
	.qom_type = "memory-backend-memfd",
	.default_share = true,
	.aligned = true,
	.page_size = memfd_page_size,
	.alloc = memfd_alloc,
};
