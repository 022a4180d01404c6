/* Mapping a region's memory: the one place that calls mmap() for it. */
#ifndef NUMAMEM_MAPPING_H
#define NUMAMEM_MAPPING_H

#include <stddef.h>
#include <sys/types.h>

struct region;

/* mmap() len bytes at an address that is a multiple of align (a power
 * of two; 0 or 1: anywhere).  The address space reserved to find the
 * aligned spot is returned in full, whatever happens.  MAP_FAILED with
 * errno set on failure. */
void *map_aligned(size_t len, size_t align, int prot, int flags, int fd, off_t offset);

/* Map r->size bytes of fd at offset (fd -1: anonymous memory) with r's
 * share, reserve, pmem and write properties, aligned to align.  Sets
 * r->ptr, or prints one line and returns an exit status. */
int map_region(struct region *r, int fd, off_t offset, size_t align);

#endif
