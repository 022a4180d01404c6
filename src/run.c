/* Hold and run.
 *
 * fd regions (memfd, file, shm) reach COMMAND as inherited descriptors;
 * with only those, numamem execs COMMAND in its own place, since the
 * memory and (memfd, shm, tmpfs) its policy live in the object behind
 * the fd.  Anonymous ram cannot be inherited: numamem forks, holds it
 * while COMMAND runs, forwards signals and returns COMMAND's status. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "numamem.h"
#include "run.h"

extern char **environ;

void run_env_name(const char *id, const char *what, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "NUMAMEM_");

	for (; *id && n + 1 < len; id++)
		buf[n++] = isalnum((unsigned char)*id) ? (char)toupper((unsigned char)*id) : '_';
	snprintf(buf + n, len - n, "_%s", what);
}

int run_signal_ready(const struct numamem *nm)
{
	if (nm->hold && !nm->quiet)
		fprintf(stderr, "numamem: ready: %zu region%s complete, pid %ld\n", nm->nregions,
			nm->nregions == 1 ? "" : "s", (long)getpid());
	if (nm->ready_file) {
		char *tmp;
		FILE *f;

		if (asprintf(&tmp, "%s.%ld.tmp", nm->ready_file, (long)getpid()) < 0)
			return fail(EXIT_COMPLETE, "out of memory");
		f = fopen(tmp, "we");
		if (!f || fprintf(f, "ready %ld\n", (long)getpid()) < 0 || fclose(f) != 0 ||
		    rename(tmp, nm->ready_file) < 0) {
			int e = errno;

			unlink(tmp);
			free(tmp);
			return fail_errno(EXIT_OUTPUT, e, "cannot write ready-file '%s'", nm->ready_file);
		}
		free(tmp);
	}
	if (nm->ready_fd >= 0) {
		static const char msg[] = "ready\n";

		if (write(nm->ready_fd, msg, sizeof(msg) - 1) != (ssize_t)sizeof(msg) - 1)
			return fail_errno(EXIT_OUTPUT, errno, "cannot write to ready-fd %d", nm->ready_fd);
		close(nm->ready_fd);
	}
	return EXIT_OK;
}

int run_hold(const struct numamem *nm)
{
	sigset_t set;
	struct timespec ts = { 0 }, *timeout = NULL;
	int sig, status;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	status = run_signal_ready(nm);
	if (status)
		return status;
	if (nm->hold_seconds > 0) {
		ts.tv_sec = (time_t)nm->hold_seconds;
		ts.tv_nsec = (long)((nm->hold_seconds - (double)ts.tv_sec) * 1e9);
		timeout = &ts;
	}
	do
		sig = timeout ? sigtimedwait(&set, NULL, timeout) : sigwaitinfo(&set, NULL);
	while (sig < 0 && errno == EINTR);
	if (nm->ready_file)
		unlink(nm->ready_file);
	return EXIT_OK;
}

static int setenv_u64(const char *name, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return setenv(name, buf, 1);
}

/* Clear close-on-exec on the region fds (only those), set the env. */
static int prepare_child(struct numamem *nm, bool *all_fd)
{
	char name[160], ids[4096] = "";
	size_t used = 0;

	*all_fd = true;
	for (size_t i = 0; i < nm->nregions; i++) {
		struct region *b = &nm->regions[i];
		int fd = b->fd;

		used += (size_t)snprintf(ids + used, used < sizeof(ids) ? sizeof(ids) - used : 0, "%s%s",
					 i ? " " : "", b->id);
		if (fd < 0) {
			*all_fd = false;
			continue;
		}
		if (nm->fd_number >= 0 && nm->fd_number != fd) {
			if (dup2(fd, nm->fd_number) < 0)
				return fail_errno(EXIT_COMPLETE, errno, "cannot place region '%s' at fd %d", b->id,
						  nm->fd_number);
			close(fd);
			b->fd = fd = nm->fd_number;
		} else if (fcntl(fd, F_SETFD, 0) < 0) {
			return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot pass fd %d", b->id, fd);
		}
		run_env_name(b->id, "FD", name, sizeof(name));
		setenv_u64(name, (uint64_t)fd);
		run_env_name(b->id, "SIZE", name, sizeof(name));
		setenv_u64(name, b->size);
		run_env_name(b->id, "OFFSET", name, sizeof(name));
		setenv_u64(name, b->offset);
		if (!getenv("NUMAMEM_FD")) {
			setenv_u64("NUMAMEM_FD", (uint64_t)fd);
			setenv_u64("NUMAMEM_SIZE", b->size);
			setenv_u64("NUMAMEM_OFFSET", b->offset);
		}
	}
	setenv("NUMAMEM_REGIONS", ids, 1);
	return EXIT_OK;
}

static pid_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static int exec_status(int e)
{
	return e == ENOENT || e == ENOTDIR ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
}

int run_command(struct numamem *nm)
{
	static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = forward };
	bool all_fd;
	int status, wstatus, e;

	unsetenv("NUMAMEM_FD");
	status = prepare_child(nm, &all_fd);
	if (!status)
		status = run_signal_ready(nm);
	if (status)
		return EXIT_CANCELED;
	fflush(stdout);
	if (all_fd && !nm->force_fork) {
		execvp(nm->command[0], nm->command);
		e = errno;
		fail_errno(0, e, "cannot run '%s'", nm->command[0]);
		return exec_status(e);
	}
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
	e = posix_spawnp(&child_pid, nm->command[0], NULL, NULL, nm->command, environ);
	if (e) {
		fail_errno(0, e, "cannot run '%s'", nm->command[0]);
		return exec_status(e);
	}
	while (waitpid(child_pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return fail_errno(EXIT_CANCELED, errno, "cannot wait for '%s'", nm->command[0]);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}
