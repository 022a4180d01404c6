/* The kinds by their enum; see backend.h. */
#include "config.h"

#include "backend.h"

static const struct backend_ops *const kind_ops[BACKEND_KINDS] = {
	[BACKEND_RAM] = &backend_ram_ops,
	[BACKEND_MEMFD] = &backend_memfd_ops,
	[BACKEND_FILE] = &backend_file_ops,
	[BACKEND_SHM] = &backend_shm_ops,
};

const struct backend_ops *backend_of(enum backend_kind kind)
{
	return kind_ops[kind];
}
