/* memory-backend-shm: a POSIX shared memory object, unlinked at once so
 * that only the descriptor (and what inherits it) keeps it alive. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mapping.h"
#include "util.h"
#include "backend.h"
#include "region.h"

static size_t shm_page_size(const struct region *r, int *status)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static int shm_alloc(struct region *r)
{
	char name[64];
	int fd = -1;

	for (int tries = 0; fd < 0 && tries < 16; tries++) {
		snprintf(name, sizeof(name), "/numamem-%ld-%08lx", (long)getpid(),
			 (unsigned long)random());
		fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot create POSIX shared memory", r->id);
	shm_unlink(name);
	r->fd = fd;
	r->page_size = (size_t)sysconf(_SC_PAGESIZE);
	if (ftruncate(fd, (off_t)r->size) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot size shared memory to %" PRIu64 " bytes",
				  r->id, r->size);
	return map_region(r, fd, 0, 0);
}

const struct backend_ops backend_shm_ops = {
	.kind = BACKEND_SHM,
	.qom_type = "memory-backend-shm",
	.default_share = true,
	.thp_default = true,
	.aligned = true, /* QEMU 10 refuses a size that is not whole pages */
	.page_size = shm_page_size,
	.alloc = shm_alloc,
};
