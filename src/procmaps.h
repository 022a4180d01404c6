/* Where a process's memory is, from /proc/PID/numa_maps: per mapping
 * the policy the kernel applies to it and the bytes on each node; totals
 * per node; and the --verify verdict through placement_judge(). */
#ifndef NUMAMEM_PROCMAPS_H
#define NUMAMEM_PROCMAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/parse.h"
#include "placement.h"

struct vma_numa {
	unsigned long start;
	char policy[96];        /* as numa_maps writes it: "bind:1", "prefer (many):0-1" */
	int mode;               /* enum policy; -1 when numa_maps names none numamem knows */
	struct nodemask nodes;  /* the policy's nodes */
	char name[64];          /* "heap", "stack", a file's name, or "" */
	bool file;              /* file=: page cache, unless shared memory */
	bool shmem;             /* memfd, /dev/shm, SysV, hugetlb: placed by policy */
	bool huge;              /* hugetlb ("huge") */
	uint64_t page_size;     /* kernelpagesize_kB */
	uint64_t bytes;         /* present, on every node */
	uint64_t node_bytes[NUMAMEM_MAX_NODES];
	/* from /proc/PID/maps (procmaps_sample_ident): what the mapping maps */
	bool has_ident;
	bool shared;            /* MAP_SHARED ('s' in maps) */
	unsigned long end;
	unsigned long long offset;
	unsigned long dev;      /* makedev of maps' MAJ:MIN */
	unsigned long inode;
};

struct proc_numa {
	long pid;
	char comm[32];
	struct vma_numa *vmas;
	size_t n, room;
	uint64_t node_bytes[NUMAMEM_MAX_NODES];
	uint64_t bytes;
	double t_read;          /* seconds to read and parse */
	enum verdict verdict;
	char reason[400];
};

/* One line of numa_maps into *v (pure).  0, or -EINVAL. */
int procmaps_parse_line(const char *line, struct vma_numa *v);
/* Read /proc/PID/numa_maps silently (no comm): 0 or -errno; -EINVAL
 * for a line it cannot read, which is kept in p->reason. */
int procmaps_sample(long pid, struct proc_numa *p);
/* One line of /proc/PID/maps (pure): start, end, 's' of the
 * permissions, offset, device and inode into v.  0, or -EINVAL. */
int procmaps_parse_maps_line(const char *line, struct vma_numa *v);
/* procmaps_sample(), then /proc/PID/maps joined to it by address, so
 * that each mapping says what it maps (has_ident).  0 or -errno. */
int procmaps_sample_ident(long pid, struct proc_numa *p);
/* Read /proc/PID/numa_maps.  0, or an exit status after one line. */
int procmaps_read(long pid, struct proc_numa *p);
/* Judge every group of mappings under one policy, counting only pages
 * the policy placed (anonymous and shared memory, not the page cache of
 * other files): the first group that fails gives the verdict. */
void procmaps_verify(struct proc_numa *p);
void procmaps_free(struct proc_numa *p);

/* numastat -p's rows: a mapping is Huge (hugetlb), Heap, Stack, or else
 * Private (every other mapping, file and shared ones too, as numastat
 * counts them). */
enum proc_category { PROC_HUGE, PROC_HEAP, PROC_STACK, PROC_PRIVATE, PROC_CATEGORIES };
extern const char *const proc_category_names[PROC_CATEGORIES];
/* Bytes per category and node (pure). */
void procmaps_summary(const struct proc_numa *p, uint64_t sum[PROC_CATEGORIES][NUMAMEM_MAX_NODES]);
/* Every process whose command name (/proc/PID/comm) is name, but this
 * one, appended to *pids.  0, or -errno. */
int procmaps_find_comm(const char *name, long **pids, size_t *n, size_t *room);

#endif
