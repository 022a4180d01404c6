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

#include "mapping.h"
#include "util.h"
#include "backend.h"
#include "region.h"

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

/* A private, writable mapping of a tmpfs file: every page written
 * exists twice, in the file and in the private copy. */
static bool file_private_copy(const struct region *r)
{
	struct statfs fs;
	struct stat st;

	/* devtmpfs says TMPFS_MAGIC too: a device under /dev is not a file */
	if (stat(r->mem_path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return false;
	return !region_share(r) && region_writable(r) &&
	       statfs_mem_path(r->mem_path, &fs) == 0 && (unsigned long)fs.f_type == TMPFS_MAGIC;
}

/* What an existing mem-path must be: never a FIFO or a socket (opening
 * one blocks or fails), and never resized: a non-empty file must hold
 * offset + size already, as QEMU requires (the end of a vNVDIMM file
 * holds its labels).  Only an empty file, or one numamem creates, is
 * sized. */
static int file_fits(const struct region *r, const struct stat *st)
{
	uint64_t need = r->offset + r->size;

	if (r->numactl_file && S_ISDIR(st->st_mode))
		return fail(EXIT_USAGE, "file '%s' is a directory: --file takes a file on tmpfs or hugetlbfs", r->mem_path);
	if (r->numactl_file && S_ISREG(st->st_mode)) /* numactl grows a shorter file; so does --file */
		return EXIT_OK;
	if (S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode))
		return fail(EXIT_USAGE, "mem-path '%s' of region '%s' is a %s: give a regular file, a directory or a memory device",
			    r->mem_path, r->id, S_ISFIFO(st->st_mode) ? "FIFO" : "socket");
	if (!S_ISREG(st->st_mode) || (uint64_t)st->st_size >= need || (st->st_size == 0 && !r->readonly))
		return EXIT_OK;
	return fail(EXIT_USAGE, "mem-path '%s' of region '%s' holds %" PRIu64 " bytes but offset + size needs %" PRIu64 " (an existing file is never resized)",
		    r->mem_path, r->id, (uint64_t)st->st_size, need);
}

static int file_check(const struct region *r)
{
	struct stat st;

	if (r->offset + r->size < r->offset)
		return fail(EXIT_USAGE, "offset '%" PRIu64 "' plus size of region '%s' overflow", r->offset, r->id);
	if (stat(r->mem_path, &st) < 0)
		return EXIT_OK; /* created, or refused with the reason at open */
	if (S_ISDIR(st.st_mode) && r->readonly)
		return fail(EXIT_USAGE, "mem-path '%s' of region '%s' is a directory: readonly=on needs a file",
			    r->mem_path, r->id);
	return file_fits(r, &st);
}

static size_t file_page_size(const struct region *r, int *status)
{
	struct statfs fs;

	if (statfs_mem_path(r->mem_path, &fs) == 0)
		return fs_page_size(&fs);
	*status = fail_errno(EXIT_USAGE, errno, "mem-path '%s' of region '%s'", r->mem_path, r->id);
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

static int open_mem_path(struct region *r)
{
	int rw = r->readonly ? O_RDONLY : O_RDWR;
	struct stat st;
	int fd;

	if (stat(r->mem_path, &st) == 0 && S_ISDIR(st.st_mode) && !r->readonly) {
		char *tmpl;

		if (asprintf(&tmpl, "%s/numamem.%.200s.XXXXXX", r->mem_path, r->id) < 0) /* a name fits NAME_MAX */
			return fail_oom();
		/* 0600 under the umask, as QEMU's mkstemp there */
		fd = mkostemp(tmpl, O_CLOEXEC);
		if (fd >= 0)
			unlink(tmpl);
		else
			fd = -errno;
		free(tmpl);
	} else {
		/* non-blocking: a FIFO or a terminal put there since the check
		 * must not hang numamem */
		fd = open(r->mem_path, rw | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0)
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		if (fd < 0 && errno == ENOENT && !r->readonly) {
			/* 0644 under the umask, as QEMU's file_ram_open; --file's
			 * 0600, numactl's default --shmmode */
			fd = open(r->mem_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, r->numactl_file ? 0600 : 0644);
			if (fd >= 0) {
				r->created_path = strdup(r->mem_path);
				unlink_on_signal(r->created_path);
			}
		}
		if (fd < 0)
			fd = -errno;
	}
	if (fd < 0)
		return fail_errno(-fd == EACCES || -fd == EROFS || -fd == ENOENT ? EXIT_USAGE : EXIT_COMPLETE,
				  -fd, "cannot open mem-path '%s' of region '%s'", r->mem_path, r->id);
	r->fd = fd;
	return EXIT_OK;
}

/* --strict: the file's pages already in memory are mapped (read, so
 * nothing is allocated) before mbind, so that MPOL_MF_STRICT sees them,
 * as numactl's --touch before --strict does. */
static void map_resident(const struct region *r)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = (r->size + page - 1) / page;
	unsigned char *vec = malloc(n ? n : 1);

	if (vec && mincore(r->ptr, r->size, vec) == 0)
		for (size_t i = 0; i < n; i++)
			if (vec[i] & 1)
				(void)*(volatile char *)((char *)r->ptr + i * page);
	free(vec);
}

static int file_alloc(struct region *r)
{
	struct statfs fs;
	struct stat st;
	uint64_t need = r->offset + r->size;
	int status = open_mem_path(r);

	if (status)
		return status;
	if (fstatfs(r->fd, &fs) < 0 || fstat(r->fd, &st) < 0)
		return fail_errno(EXIT_COMPLETE, errno, "mem-path '%s' of region '%s'", r->mem_path, r->id);
	r->page_size = fs_page_size(&fs);
	if (r->numactl_file && S_ISREG(st.st_mode) && (unsigned long)fs.f_type != TMPFS_MAGIC &&
	    (unsigned long)fs.f_type != HUGETLBFS_MAGIC)
		warn_msg("'%s' is on neither tmpfs nor hugetlbfs: its pages are page cache, which no policy places",
			 r->mem_path);
	status = file_fits(r, &st); /* again: the file may have changed since the check */
	if (status)
		return status;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < need) {
		if (ftruncate(r->fd, (off_t)need) < 0)
			return fail_errno(errno == EFBIG || errno == ENOSPC ? EXIT_UNAVAILABLE : EXIT_COMPLETE, errno,
					  "cannot grow mem-path '%s' of region '%s' to %" PRIu64 " bytes",
					  r->mem_path, r->id, need);
	}
	status = map_region(r, r->fd, (off_t)r->offset, r->align > r->page_size ? r->align : 0);
	if (!status && r->numactl_strict)
		map_resident(r);
	return status;
}

/* A file numamem created goes away unless the run succeeded. */
static void file_release(struct region *r, bool keep)
{
	keep_on_signal(r->created_path);
	if (r->created_path && (!keep || !r->completed))
		unlink(r->created_path);
}

static void file_completed(struct region *r)
{
	keep_on_signal(r->created_path);
}

const struct backend_ops backend_file_ops = {
	.kind = BACKEND_FILE,
	.qom_type = "memory-backend-file",
	.default_share = false,
	.thp_default = true,
	.aligned = true,
	.check = file_check,
	.page_size = file_page_size,
	.private_copy = file_private_copy,
	.alloc = file_alloc,
	.release = file_release,
	.completed = file_completed,
};
