/* memory-backend-ram: anonymous memory, private unless share=on. */
#include "config.h"

#include <unistd.h>

#include "mapping.h"
#include "numamem.h"
#include "region.h"

#define THP_ALIGN (2UL << 20)

static size_t ram_page_size(const struct region *r, int *status)
{
	(void)r;
	(void)status;
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* At a 2 MiB boundary, as QEMU maps it, so that THP can back the whole
 * region. */
static int ram_alloc(struct region *r)
{
	r->page_size = (size_t)sysconf(_SC_PAGESIZE);
	return map_region(r, -1, 0, THP_ALIGN);
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
