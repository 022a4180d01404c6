/* Checks of the whole run: each names the option and the value it
 * refuses.  They look at the file system as it is before anything is
 * allocated; what changes after is the complete step's to report. */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "host.h"
#include "hostcheck.h"
#include "lib/nodemask.h"
#include "object.h"
#include "nodes.h"
#include "region.h"
#include "report.h"
#include "runcheck.h"
#include "table.h"

/* path as the kernel would resolve it: realpath() of the whole when it
 * exists, else of its directory, with the last component as given.
 * NULL when even the directory cannot be resolved, or out of memory. */
static char *resolved(const char *path)
{
	char *whole = realpath(path, NULL), *copy, *dir, *r = NULL;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (whole || !(copy = strdup(path)))
		return whole;
	dir = realpath(dirname(copy), NULL);
	if (dir && asprintf(&r, "%s/%s", strcmp(dir, "/") ? dir : "", base) < 0)
		r = NULL;
	free(dir);
	free(copy);
	return r;
}

/* Is the file at a the one at b?  Both existing: the same inode; else the
 * same path once what exists of each is resolved. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	char *ra, *rb;
	bool same;

	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	ra = resolved(a);
	rb = resolved(b);
	same = ra && rb && !strcmp(ra, rb);
	free(ra);
	free(rb);
	return same;
}

/* Is the file at path one numamem wrote ("ready PID")?  *pid is its
 * PID. */
static bool is_ready_file(const char *path, long *pid)
{
	char buf[64] = "";
	FILE *f = fopen(path, "re");
	char nl;

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return sscanf(buf, "ready %ld%c", pid, &nl) == 2 && nl == '\n';
}

/* Is PID a running process (one we may not signal is running too)? */
static bool pid_alive(long pid)
{
	return pid > 0 && pid <= INT_MAX && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* A file numamem writes (what: "ready-file", "trace"): its directory
 * exists (and may be written in, with dir_write), and it is not one.
 * *base is set to its last component. */
static int check_output_dir(const char *what, const char *path, bool dir_write, const char **base)
{
	char *copy = strdup(path), *dir = copy ? dirname(copy) : NULL;
	struct stat st;
	int status = EXIT_OK, e;

	if (!copy)
		return fail_oom();
	*base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	e = stat(dir, &st) < 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : dir_write && access(dir, W_OK) < 0 ? errno : 0;
	if (e)
		status = fail_errno(EXIT_USAGE, e, "invalid %s '%s': cannot write in '%s'", what, path, dir);
	else if (!**base || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
		status = fail(EXIT_USAGE, "invalid %s '%s': it is a directory", what, path);
	free(copy);
	return status;
}

/* ... and it is no region's mem-path. */
static int check_not_mem_path(const char *what, const char *path, const struct numamem *nm)
{
	for (size_t i = 0; i < nm->nregions; i++)
		if (nm->regions[i].mem_path && same_file(path, nm->regions[i].mem_path))
			return fail(EXIT_USAGE, "invalid %s '%s': it is the mem-path of region '%s'", what, path,
				    nm->regions[i].id);
	return EXIT_OK;
}

/* The ready file is written once every region is complete, through a
 * temporary name beside it, and removed when a hold ends: whatever would
 * make that fail, or write over what is not numamem's, is refused before
 * anything is allocated. */
static int check_ready_file(const struct numamem *nm)
{
	const char *path = nm->ready_file, *base;
	int status = check_output_dir("ready-file", path, true, &base);

	if (status)
		return status;
	if (strlen(base) + 24 > NAME_MAX || strlen(path) + 24 >= PATH_MAX) /* + ".PID.tmp" */
		return fail(EXIT_USAGE, "invalid ready-file '%s': the name is too long", path);
	if (access(path, F_OK) == 0) {
		long pid;

		if (!is_ready_file(path, &pid))
			return fail(EXIT_USAGE, "invalid ready-file '%s': it exists and is not a ready file of numamem's",
				    path);
		/* only one left by a run that is gone may be replaced */
		if (pid_alive(pid))
			return fail(EXIT_USAGE, "ready-file '%s' belongs to running numamem PID %ld", path, pid);
	}
	return check_not_mem_path("ready-file", path, nm);
}

/* What a file numamem creates is, when it is there already. */
static const char *file_kind(mode_t mode)
{
	return S_ISLNK(mode) ? "a symbolic link" : S_ISFIFO(mode) ? "a FIFO" : S_ISSOCK(mode) ? "a socket" :
	       S_ISCHR(mode) || S_ISBLK(mode) ? "a device" : S_ISDIR(mode) ? "a directory" : "a file";
}

/* -o's report and the trace are created with O_EXCL, mode 0644 less the
 * umask, when they are written: a name that is there already (a file of
 * the user's, a FIFO, a device, a link), a region's mem-path, the ready
 * file, the control socket or the other of the two is refused before
 * anything is allocated.  numamem never writes over a file, not even a
 * report of its own: replacing data is the user's call. */
static int check_new_file(const struct numamem *nm, const char *what, const char *path)
{
	const char *base;
	struct stat st;
	int status = check_output_dir(what, path, true, &base);

	if (status)
		return status;
	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode))
			return fail(EXIT_USAGE, "invalid %s '%s': it is a symbolic link", what, path);
		return fail(EXIT_USAGE, "invalid %s '%s': it exists (%s), and numamem never writes over a file", what,
			    path, file_kind(st.st_mode));
	}
	if (nm->ready_file && same_file(path, nm->ready_file))
		return fail(EXIT_USAGE, "invalid %s '%s': it is the ready-file", what, path);
	if (nm->control_path && same_file(path, nm->control_path))
		return fail(EXIT_USAGE, "invalid %s '%s': it is the control socket", what, path);
	if (nm->output_file && nm->trace_file && same_file(nm->output_file, nm->trace_file))
		return fail(EXIT_USAGE, "invalid %s '%s': -o and --trace name the same file", what, path);
	return check_not_mem_path(what, path, nm);
}

int runcheck_output(const struct numamem *nm)
{
	return nm->output_file ? check_new_file(nm, "output", nm->output_file) : EXIT_OK;
}

/* Descriptors: --fd and --ready-fd apart, and --fd only for a region
 * that has a descriptor to give. */
static int check_fds(const struct numamem *nm)
{
	if (nm->fd_number >= 0 && nm->fd_number == nm->ready_fd)
		return fail(EXIT_USAGE, "--fd and --ready-fd name the same descriptor, %d", nm->fd_number);
	if (nm->fd_number >= 0 && nm->nregions > 1)
		return fail(EXIT_USAGE, "--fd places a single region; this run has %zu", nm->nregions);
	if (nm->fd_number >= 0 && region_kind(&nm->regions[0]) == BACKEND_RAM && !region_share(&nm->regions[0]))
		return fail(EXIT_USAGE, "--fd: region '%s' is memory-backend-ram with share=off, which has no descriptor to give (share=on, memfd, file and shm have one)",
			    nm->regions[0].id);
	return EXIT_OK;
}

/* The control socket is created once every region is complete, and
 * removed at exit: a path that exists (numamem never removes what is not
 * its own), that sun_path cannot hold, or in a directory numamem cannot
 * write is refused before anything is allocated. */
static int check_control(const char *path)
{
	struct sockaddr_un sun;
	char *copy = strdup(path), *dir = copy ? dirname(copy) : NULL;
	struct stat st;
	int status = EXIT_OK, e;

	if (!copy)
		return fail_oom();
	e = stat(dir, &st) < 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : access(dir, W_OK | X_OK) < 0 ? errno : 0;
	if (strlen(path) >= sizeof(sun.sun_path))
		status = fail(EXIT_USAGE, "invalid control 'unix:%s': the path is longer than %zu bytes", path,
			      sizeof(sun.sun_path) - 1);
	else if (lstat(path, &st) == 0)
		status = fail(EXIT_USAGE, "invalid control 'unix:%s': it exists, and numamem removes only what it created",
			      path);
	else if (path[strlen(path) - 1] == '/')
		status = fail(EXIT_USAGE, "invalid control 'unix:%s': it names a directory, not a socket", path);
	else if (e)
		status = fail_errno(EXIT_USAGE, e, "invalid control 'unix:%s': cannot create a socket in '%s'", path, dir);
	free(copy);
	return status;
}

/* --traffic's cpus: each thread is pinned to one of them, which
 * pthread_create() refuses unless it is online and in this process's
 * cpuset. */
static int check_traffic(const struct numamem *nm)
{
	cpu_set_t cpuset;
	char list[256], what[300];

	if (!nm->traffic || !nm->has_traffic_cpus)
		return EXIT_OK;
	host_cpus_cpuset(&cpuset);
	cpuset_format(&nm->traffic_cpus, list, sizeof(list));
	snprintf(what, sizeof(what), "traffic cpus '%s'", list);
	return check_cpus_on_host(&nm->traffic_cpus, &cpuset, what, "this process's cpuset");
}

int runcheck_columns(const struct numamem *nm)
{
	const char *const *names = nm->pid >= 0 ? report_process_columns
				   : nm->show_nodes ? nodes_columns : report_columns;
	const char *table = nm->pid >= 0 ? "--pid" : nm->show_nodes ? "--show-nodes" : "the report";
	char bad[64], list[256];
	size_t used = 0;

	if (table_columns_valid(nm->columns, names, bad, sizeof(bad)))
		return EXIT_OK;
	for (size_t i = 0; names[i] && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", names[i]);
	return fail(EXIT_USAGE, "invalid columns '%s': %s has no column '%s' (it has %s)", nm->columns, table, bad,
		    list);
}

int runcheck(const struct numamem *nm)
{
	int status = object_check_ids(nm);

	if (!status)
		status = check_fds(nm);
	if (!status && nm->ready_file)
		status = check_ready_file(nm);
	if (!status)
		status = runcheck_output(nm);
	if (!status && nm->trace_file)
		status = check_new_file(nm, "trace", nm->trace_file);
	if (!status && nm->control_path)
		status = check_control(nm->control_path);
	if (!status)
		status = check_traffic(nm);
	return status;
}
