/* One struct per region, one operations table per backend kind.
 *
 * struct region holds QEMU's HostMemoryBackend properties (typed, with
 * QEMU's defaults) and the state the complete step fills in.  The kinds
 * differ only in how they allocate; everything after alloc is shared. */
#ifndef NUMAMEM_REGION_H
#define NUMAMEM_REGION_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "parse.h"
#include "placement.h"

enum backend_kind { BACKEND_RAM, BACKEND_MEMFD, BACKEND_FILE, BACKEND_SHM, BACKEND_KINDS };
extern const char *const backend_kind_names[BACKEND_KINDS];

/* Values are the kernel's MPOL_* modes. */
enum policy {
	POLICY_DEFAULT = 0,
	POLICY_PREFERRED = 1,
	POLICY_BIND = 2,
	POLICY_INTERLEAVE = 3,
	POLICY_LOCAL = 4,
	POLICY_PREFERRED_MANY = 5,
	POLICY_WEIGHTED_INTERLEAVE = 6,
	POLICY_COUNT
};
extern const char *const policy_names[POLICY_COUNT];

enum tristate { TRI_AUTO = -1, TRI_OFF = 0, TRI_ON = 1 };

struct backend_ops;

struct region {
	/* properties */
	char *id;
	enum backend_kind kind;
	bool kind_given;       /* else chosen by the action (memfd with COMMAND) */
	const char *kind_only_prop; /* first file/memfd-only option given */
	bool size_given;
	uint64_t size;
	enum policy policy;
	struct nodemask host_nodes;
	bool merge, dump, prealloc, reserve;
	enum tristate share;   /* AUTO: the kind's default */
	enum tristate thp;     /* AUTO: on for anonymous ram */
	unsigned prealloc_threads;
	bool has_prealloc_cpus, has_prealloc_nodes;
	cpu_set_t prealloc_cpus;
	struct nodemask prealloc_nodes;
	char *prealloc_context; /* thread-context id, resolved by options */
	/* file */
	char *mem_path;
	uint64_t align, offset;
	bool discard_data, readonly, pmem;
	enum tristate rom;
	/* memfd */
	bool hugetlb, seal;
	uint64_t hugetlbsize;

	/* state filled by complete */
	const struct backend_ops *ops;
	void *ptr;
	size_t map_len;        /* bytes mapped at ptr (size) */
	int fd;                /* -1 for anonymous ram */
	size_t page_size;      /* backing page size: base, or hugetlb size */
	char *created_path;    /* a file numamem created under its own name */
	bool file_is_temp;     /* mem-path was a directory */
	bool completed;        /* complete succeeded: keep created files */
	bool progress;         /* show a progress line during prealloc */
	bool overlapped;       /* prealloc ran alongside other regions' */
	int kernel_mode;       /* MPOL_* used for mbind */
	unsigned threads_used;
	bool prealloc_pinned;
	cpu_set_t prealloc_cpuset;  /* where prealloc threads may run */
	double t_alloc, t_mbind, t_prealloc;
	struct placement placement;
};

struct backend_ops {
	const char *qom_type;      /* "memory-backend-ram" */
	bool default_share;
	bool aligned;              /* size must be a multiple of the page size */
	/* Backing page size known before allocating (statfs, hugetlbsize),
	 * or 0 with an error printed. */
	size_t (*page_size)(const struct region *b, int *status);
	/* Create the mapping: set ptr, fd, page_size. Returns an exit status. */
	int (*alloc)(struct region *b);
	/* Undo alloc (unmapping is shared). */
	void (*release)(struct region *b);
	/* Complete succeeded (optional). */
	void (*completed)(struct region *b);
};

extern const struct backend_ops backend_ram_ops, backend_memfd_ops, backend_file_ops,
	backend_shm_ops;

void region_init(struct region *b, const char *id);
void region_free(struct region *b);
bool region_share(const struct region *b);
bool region_writable(const struct region *b);
const char *region_type_name(const struct region *b);

/* QEMU's property checks and numamem's host checks, before anything is
 * allocated.  Prints one line and returns an exit status. */
int region_validate(struct region *b);
/* alloc → alignment → merge/dump → mbind → prealloc. Exit status.
 * promised: bytes earlier regions will still take from b's nodes.
 * defer_prealloc stops before prealloc; region_prealloc() finishes,
 * so that several regions' preallocs can overlap (QEMU 9.0 does the
 * same with its asynchronous prealloc). */
int region_complete(struct region *b, bool defer_prealloc, uint64_t promised);
int region_prealloc(struct region *b);
/* Unmap, close and remove what complete made. */
void region_release(struct region *b);

/* A private, writable mapping of a tmpfs file: every page written
 * exists twice, in the file and in the private copy. */
bool backend_file_private_copy(const struct region *b);

/* Shared mapping helper for the fd kinds: maps fd at offset per b's flags. */
int backend_map_fd(struct region *b, int fd, uint64_t offset);
/* One line for a failed mmap(); returns the exit status. */
int backend_map_error(const struct region *b, int errnum);

#endif
