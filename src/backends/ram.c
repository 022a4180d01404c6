/* memory-backend-ram: anonymous memory, private unless share=on.  As in
 * QEMU 10 (system/physmem.c qemu_ram_alloc_shared), share=on is an
 * unsealed memfd, so that the region has a descriptor to hand on. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mapping.h"
#include "util.h"
#include "backend.h"
#include "region.h"

static size_t ram_page_size(const struct region *r, int *status)
{
	(void)r;
	(void)status;
	return (size_t)sysconf(_SC_PAGESIZE);
}

static int ram_alloc(struct region *r)
{
	char name[96];

	r->page_size = (size_t)sysconf(_SC_PAGESIZE);
	if (!region_share(r))
		return map_region(r, -1, 0, 0);
	snprintf(name, sizeof(name), "numamem:%s", r->id);
	r->fd = memfd_create(name, MFD_CLOEXEC);
	if (r->fd < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot create memfd", r->id);
	if (ftruncate(r->fd, (off_t)r->size) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot size memfd to %" PRIu64 " bytes",
				  r->id, r->size);
	return map_region(r, r->fd, 0, 0);
}

const struct backend_ops backend_ram_ops = {
	.kind = BACKEND_RAM,
	.qom_type = "memory-backend-ram",
	.default_share = false,
	.thp_default = true,
	.aligned = false,
	.page_size = ram_page_size,
	.alloc = ram_alloc,
};
