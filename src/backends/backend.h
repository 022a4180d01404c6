/* The backend kinds: one operations table each (struct backend_ops, in
 * region.h, is the class; these are its subclasses, as QEMU's
 * hostmem-ram.c, hostmem-memfd.c, hostmem-file.c and hostmem-shm.c are
 * of hostmem.c).  region.c knows none of them by name. */
#ifndef NUMAMEM_BACKEND_H
#define NUMAMEM_BACKEND_H

#include "region.h"

extern const struct backend_ops backend_ram_ops, backend_memfd_ops, backend_file_ops,
	backend_shm_ops;

/* The operations of a kind. */
const struct backend_ops *backend_of(enum backend_kind kind);

#endif
