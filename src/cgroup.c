/* The workload's own cgroup; see cgroup.h.
 *
 * Delegation is probed by doing it: numamem's own cgroup (the "0::"
 * line of /proc/self/cgroup, under the cgroup2 mount of
 * /proc/self/mountinfo) must offer the memory controller
 * (cgroup.controllers) and pass it to its children (cgroup.subtree_control;
 * numamem asks for "+memory" when it does not, which the kernel grants in
 * the root cgroup or a delegated empty one); then a child directory must
 * be made and show memory.numa_stat.  A host whose memory controller is
 * bound to cgroup v1 (a hybrid layout) has none: said in why. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

/* The cgroup2 mount point into buf: 0, or -1. */
static int cgroup2_mount(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int r = -1;

	while (f && r < 0 && getline(&line, &cap, f) > 0) {
		char mnt[PATH_MAX], *sep = strstr(line, " - ");

		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - FSTYPE SOURCE OPTIONS */
		if (!sep || strncmp(sep, " - cgroup2 ", 11))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && strlen(mnt) < len) {
			snprintf(buf, len, "%s", mnt);
			r = 0;
		}
	}
	free(line);
	if (f)
		fclose(f);
	return r;
}

/* numamem's own cgroup v2 path ("/" for the root): 0, or -1. */
static int own_cgroup(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char *line = NULL;
	size_t cap = 0;
	int r = -1;

	while (f && r < 0 && getline(&line, &cap, f) > 0)
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			if (strlen(line + 3) < len) {
				snprintf(buf, len, "%s", line + 3);
				r = 0;
			}
		}
	free(line);
	if (f)
		fclose(f);
	return r;
}

/* Whether the space-separated list in file dir/name holds word. */
static bool file_has_word(const char *dir, const char *name, const char *word)
{
	char path[PATH_MAX + 64], buf[1024];
	size_t n, w = strlen(word);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "re")))
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (char *p = buf; (p = strstr(p, word)); p += w)
		if ((p == buf || p[-1] == ' ') && (!p[w] || p[w] == ' ' || p[w] == '\n'))
			found = true;
	return found;
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	int fd, e = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		e = errno ? errno : EIO;
	close(fd);
	errno = e;
	return e ? -1 : 0;
}

int cgroup_create(struct cgroup *cg)
{
	char mnt[PATH_MAX], own[PATH_MAX], probe[PATH_MAX + 32];

	memset(cg, 0, sizeof(*cg));
	cg->procs_fd = -1;
	if (cgroup2_mount(mnt, sizeof(mnt)) < 0) {
		snprintf(cg->why, sizeof(cg->why), "no cgroup2 file system is mounted");
		return -1;
	}
	if (own_cgroup(own, sizeof(own)) < 0) {
		snprintf(cg->why, sizeof(cg->why), "/proc/self/cgroup has no cgroup v2 line");
		return -1;
	}
	if ((size_t)snprintf(cg->parent, sizeof(cg->parent), "%s%s", mnt, strcmp(own, "/") ? own : "") >=
	    sizeof(cg->parent))
		return snprintf(cg->why, sizeof(cg->why), "cgroup path too long"), -1;
	if (!file_has_word(cg->parent, "cgroup.controllers", "memory")) {
		snprintf(cg->why, sizeof(cg->why), "the memory controller is not delegated to %.180s (cgroup v1 holds it, or it is off)",
			 cg->parent);
		return -1;
	}
	if (!file_has_word(cg->parent, "cgroup.subtree_control", "memory") &&
	    write_file(cg->parent, "cgroup.subtree_control", "+memory") < 0) {
		snprintf(cg->why, sizeof(cg->why), "cannot enable memory in %.180s/cgroup.subtree_control: %s", cg->parent,
			 strerror(errno));
		return -1;
	}
	if ((size_t)snprintf(cg->path, sizeof(cg->path), "%s/numamem-%ld", cg->parent, (long)getpid()) >=
	    sizeof(cg->path) ||
	    mkdir(cg->path, 0755) < 0) {
		snprintf(cg->why, sizeof(cg->why), "cannot make a cgroup in %.200s: %s", cg->parent, strerror(errno));
		cg->path[0] = '\0';
		return -1;
	}
	snprintf(probe, sizeof(probe), "%s/memory.numa_stat", cg->path);
	if (access(probe, R_OK) < 0) {
		snprintf(cg->why, sizeof(cg->why), "%.200s has no memory.numa_stat", cg->path);
		cgroup_remove(cg);
		return -1;
	}
	snprintf(probe, sizeof(probe), "%s/cgroup.procs", cg->path);
	cg->procs_fd = open(probe, O_WRONLY | O_CLOEXEC);
	if (cg->procs_fd < 0) {
		snprintf(cg->why, sizeof(cg->why), "cannot open %.200s: %s", probe, strerror(errno));
		cgroup_remove(cg);
		return -1;
	}
	return 0;
}

int cgroup_enter(const struct cgroup *cg)
{
	/* "0": the writer itself */
	return write(cg->procs_fd, "0\n", 2) == 2 ? 0 : -1;
}

static FILE *open_in(const struct cgroup *cg, const char *name)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", cg->path, name);
	return fopen(path, "re");
}

int64_t cgroup_peak(const struct cgroup *cg)
{
	FILE *f = open_in(cg, "memory.peak");
	unsigned long long v;
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%llu", &v);
	fclose(f);
	return n == 1 ? (int64_t)v : -1;
}

int cgroup_numa_stat(const struct cgroup *cg, uint64_t anon[NUMAMEM_MAX_NODES], uint64_t shmem[NUMAMEM_MAX_NODES],
		     uint64_t file[NUMAMEM_MAX_NODES])
{
	FILE *f = open_in(cg, "memory.numa_stat");
	char *line = NULL, key[64];
	size_t cap = 0;
	int r = 0;

	if (!f)
		return -1;
	memset(anon, 0, NUMAMEM_MAX_NODES * sizeof(*anon));
	memset(shmem, 0, NUMAMEM_MAX_NODES * sizeof(*shmem));
	memset(file, 0, NUMAMEM_MAX_NODES * sizeof(*file));
	while (getline(&line, &cap, f) > 0) {
		uint64_t b[NUMAMEM_MAX_NODES] = { 0 };
		uint64_t *to = NULL;

		if (parse_numa_stat_line(line, key, sizeof(key), b) < 0) {
			r = -1;
			continue;
		}
		if (!strcmp(key, "anon"))
			to = anon;
		else if (!strcmp(key, "shmem"))
			to = shmem;
		else if (!strcmp(key, "file"))
			to = file;
		for (unsigned n = 0; to && n < NUMAMEM_MAX_NODES; n++)
			to[n] = b[n];
	}
	free(line);
	fclose(f);
	return r;
}

void cgroup_remove(struct cgroup *cg)
{
	if (cg->procs_fd >= 0)
		close(cg->procs_fd);
	cg->procs_fd = -1;
	if (!*cg->path)
		return;
	/* a process that outlived COMMAND goes back where numamem is */
	for (int round = 0; round < 100 && rmdir(cg->path) < 0 && errno == EBUSY; round++) {
		FILE *f = open_in(cg, "cgroup.procs");
		long pid;

		while (f && fscanf(f, "%ld", &pid) == 1) {
			char text[32];

			snprintf(text, sizeof(text), "%ld\n", pid);
			write_file(cg->parent, "cgroup.procs", text);
		}
		if (f)
			fclose(f);
		usleep(1000); /* exited tasks leave the cgroup as they are released */
	}
	if (access(cg->path, F_OK) == 0)
		warn_msg("cannot remove cgroup %s: %s", cg->path, strerror(errno));
	memcpy(cg->was, cg->path, sizeof(cg->was));
	cg->path[0] = '\0';
}
