/* memory-backend-file: a file mapping.  mem-path may name a file (kept,
 * created and grown as needed) or a directory (a temporary file, unlinked
 * as soon as it is open).  hugetlbfs paths give huge pages. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "region.h"
#include "numamem.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif
#ifndef HUGETLBFS_MAGIC
#define HUGETLBFS_MAGIC 0x958458f6
#endif

/* The filesystem's page size: hugetlbfs reports its huge page size. */
static size_t fs_page_size(const struct statfs *fs)
{
	if ((unsigned long)fs->f_type == HUGETLBFS_MAGIC)
		return (size_t)fs->f_bsize;
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* statfs of mem-path, or of its directory when it does not exist yet. */
static int statfs_mem_path(const char *path, struct statfs *fs)
{
	char *dir;
	int r;

	if (statfs(path, fs) == 0 || errno != ENOENT)
		return statfs(path, fs);
	dir = strdup(path);
	r = dir ? statfs(dirname(dir), fs) : -1;
	free(dir);
	return r;
}

bool backend_file_private_copy(const struct region *b)
{
	struct statfs fs;

	return b->kind == BACKEND_FILE && !region_share(b) && region_writable(b) &&
	       statfs_mem_path(b->mem_path, &fs) == 0 && (unsigned long)fs.f_type == TMPFS_MAGIC;
}

static size_t file_page_size(const struct region *b, int *status)
{
	struct statfs fs;

	if (statfs_mem_path(b->mem_path, &fs) == 0)
		return fs_page_size(&fs);
	*status = fail_errno(EXIT_USAGE, errno, "mem-path '%s' of region '%s'", b->mem_path, b->id);
	return 0;
}

/* A file numamem creates is removed again if a signal ends numamem
 * before the region is complete (SIGKILL excepted: see numamem.1). */
#define MAX_PENDING 64
static const char *volatile pending[MAX_PENDING];
static const int fatal[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void on_fatal(int sig)
{
	for (int i = 0; i < MAX_PENDING; i++)
		if (pending[i])
			unlink(pending[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void unlink_on_signal(const char *path)
{
	struct sigaction sa = { .sa_handler = on_fatal };

	for (int i = 0; path && i < MAX_PENDING; i++) {
		if (pending[i])
			continue;
		pending[i] = path;
		sigemptyset(&sa.sa_mask);
		for (size_t k = 0; k < ARRAY_SIZE(fatal); k++) {
			struct sigaction old;

			/* a signal the caller made us ignore stays ignored */
			if (sigaction(fatal[k], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
				sigaction(fatal[k], &sa, NULL);
		}
		return;
	}
}

static void keep_on_signal(const char *path)
{
	for (int i = 0; path && i < MAX_PENDING; i++)
		if (pending[i] == path)
			pending[i] = NULL;
}

static int open_mem_path(struct region *b)
{
	int rw = b->readonly ? O_RDONLY : O_RDWR;
	struct stat st;
	int fd;

	if (stat(b->mem_path, &st) == 0 && S_ISDIR(st.st_mode)) {
		char *tmpl;

		if (b->readonly)
			return fail(EXIT_USAGE, "mem-path '%s' of region '%s' is a directory: readonly=on needs a file",
				    b->mem_path, b->id);
		if (asprintf(&tmpl, "%s/numamem.%s.XXXXXX", b->mem_path, b->id) < 0)
			return fail(EXIT_COMPLETE, "out of memory");
		fd = mkostemp(tmpl, O_CLOEXEC);
		if (fd >= 0)
			unlink(tmpl);
		else
			fd = -errno;
		free(tmpl);
		b->file_is_temp = true;
	} else {
		fd = open(b->mem_path, rw | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && !b->readonly) {
			fd = open(b->mem_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			if (fd >= 0) {
				b->created_path = strdup(b->mem_path);
				unlink_on_signal(b->created_path);
			}
		}
		if (fd < 0)
			fd = -errno;
	}
	if (fd < 0)
		return fail_errno(-fd == EACCES || -fd == EROFS || -fd == ENOENT ? EXIT_USAGE : EXIT_COMPLETE,
				  -fd, "cannot open mem-path '%s' of region '%s'", b->mem_path, b->id);
	b->fd = fd;
	return EXIT_OK;
}

static int file_alloc(struct region *b)
{
	struct statfs fs;
	struct stat st;
	uint64_t need = b->offset + b->size;
	int status = open_mem_path(b);

	if (status)
		return status;
	if (fstatfs(b->fd, &fs) < 0 || fstat(b->fd, &st) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "mem-path '%s' of region '%s'", b->mem_path, b->id);
	b->page_size = fs_page_size(&fs);
	if (need < b->offset)
		return fail(EXIT_USAGE, "offset '%" PRIu64 "' plus size of region '%s' overflow", b->offset, b->id);
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < need) {
		if (b->readonly)
			return fail(EXIT_USAGE, "mem-path '%s' of region '%s' holds %" PRIu64 " bytes, offset + size needs %" PRIu64,
				    b->mem_path, b->id, (uint64_t)st.st_size, need);
		if (ftruncate(b->fd, (off_t)need) < 0)
			return fail_errno(errno == EFBIG || errno == ENOSPC ? EXIT_UNAVAILABLE : EXIT_COMPLETE, errno,
					  "cannot grow mem-path '%s' of region '%s' to %" PRIu64 " bytes",
					  b->mem_path, b->id, need);
	}
	status = backend_map_fd(b, b->fd, b->offset);
	if (!status && b->thp == TRI_ON && (unsigned long)fs.f_type != HUGETLBFS_MAGIC)
		madvise(b->ptr, b->size, MADV_HUGEPAGE);
	return status;
}

/* A file numamem created for a region that never completed goes away. */
static void file_release(struct region *b)
{
	keep_on_signal(b->created_path);
	if (b->created_path && !b->completed)
		unlink(b->created_path);
}

static void file_completed(struct region *b)
{
	keep_on_signal(b->created_path);
}

const struct backend_ops backend_file_ops = {
	.qom_type = "memory-backend-file",
	.default_share = false,
	.aligned = true,
	.page_size = file_page_size,
	.alloc = file_alloc,
	.release = file_release,
	.completed = file_completed,
};
