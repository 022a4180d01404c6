/* memory-backend-memfd: an anonymous memfd, hugetlb optional, sealed
 * against growing and shrinking by default; with seal=off it cannot be
 * sealed at all. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host.h"
#include "mapping.h"
#include "util.h"
#include "backend.h"
#include "region.h"

#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif

static size_t memfd_page_size(const struct region *r, int *status)
{
	if (!r->hugetlb)
		return (size_t)sysconf(_SC_PAGESIZE);
	if (r->hugetlbsize)
		return (size_t)r->hugetlbsize;
	if (!host_default_hugepage_size()) {
		*status = fail(EXIT_UNAVAILABLE, "region '%s': this host has no huge pages", r->id);
		return 0;
	}
	return (size_t)host_default_hugepage_size();
}

/* share=off maps the memfd privately: a write fault allocates the shmem
 * page and then its private copy, as for a tmpfs file.  hugetlb gives a
 * private mapping its own pages only. */
static bool memfd_private_copy(const struct region *r)
{
	return !region_share(r) && !r->hugetlb;
}

static int memfd_alloc(struct region *r)
{
	unsigned flags = MFD_CLOEXEC;
	char name[96];
	int status, fd;

	/* as QEMU: sealing allowed only for seal=on, so that nobody who
	 * holds the fd of a seal=off memfd can seal it later */
	if (r->seal)
		flags |= MFD_ALLOW_SEALING;
	if (r->hugetlb) {
		flags |= MFD_HUGETLB;
		if (r->hugetlbsize)
			flags |= (unsigned)__builtin_ctzll(r->hugetlbsize) << MFD_HUGE_SHIFT;
	}
	snprintf(name, sizeof(name), "numamem:%s", r->id);
	fd = memfd_create(name, flags);
	if (fd < 0)
		return fail_errno(errno == EINVAL && r->hugetlb ? EXIT_UNAVAILABLE : EXIT_COMPLETE, errno,
				  "region '%s': cannot create memfd", r->id);
	r->fd = fd;
	r->page_size = memfd_page_size(r, &status);
	if (ftruncate(fd, (off_t)r->size) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot size memfd to %" PRIu64 " bytes",
				  r->id, r->size);
	if (r->seal && fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot seal memfd", r->id);
	return map_region(r, fd, 0, 0);
}

const struct backend_ops backend_memfd_ops = {
	.kind = BACKEND_MEMFD,
	.qom_type = "memory-backend-memfd",
	.default_share = true,
	.thp_default = true,
	.aligned = true,
	.page_size = memfd_page_size,
	.private_copy = memfd_private_copy,
	.alloc = memfd_alloc,
};
