/* Hold and run.
 *
 * fd regions (memfd, file, shm) reach COMMAND as inherited descriptors;
 * with only those, numamem execs COMMAND in its own place, since the
 * memory and (memfd, shm, tmpfs) its policy live in the object behind
 * the fd.  Anonymous ram cannot be inherited: numamem forks, holds it
 * while COMMAND runs, forwards signals and returns COMMAND's status.
 *
 * COMMAND's own policy and CPUs (--membind, --cpunodebind, ...) are set
 * by the process that becomes COMMAND, right before exec: numamem
 * itself on the exec-in-place path (every region is complete by then),
 * the forked child otherwise.  posix_spawn() cannot set a memory policy,
 * so the child is fork()ed; the regions are MADV_DONTFORK first, so that
 * fork copies no page table of theirs. */
#include "config.h"

#include <ctype.h>
#include <poll.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/mman.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "exittrace.h"
#include "loop.h"
#include "numamem.h"
#include "run.h"
#include "watch.h"

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
		FILE *f = NULL;
		int fd, e = 0;

		if (asprintf(&tmp, "%s.%ld.tmp", nm->ready_file, (long)getpid()) < 0)
			return fail_oom();
		/* a name of numamem's own: never a file or link already there */
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0 || !(f = fdopen(fd, "w")))
			e = errno;
		else if (fprintf(f, "ready %ld\n", (long)getpid()) < 0)
			e = errno;
		if (f && fclose(f) != 0 && !e)
			e = errno;
		else if (!f && fd >= 0)
			close(fd);
		if (!e && rename(tmp, nm->ready_file) < 0)
			e = errno;
		if (e) {
			if (fd >= 0) /* only what this run created */
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

int run_hold(struct numamem *nm)
{
	/* each removes the ready file and the control socket, and exits 0 */
	static const int ends_hold[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct loop *lp;
	struct stat made = { 0 };
	sigset_t set;
	int status;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(ends_hold); i++)
		sigaddset(&set, ends_hold[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* the socket exists before anyone is told the regions are ready */
	status = loop_open(nm, &lp);
	if (status)
		return status;
	status = run_signal_ready(nm);
	/* what to remove at the end: the ready file numamem made, not one
	 * put in its place during the hold */
	if (!status && nm->ready_file && lstat(nm->ready_file, &made) < 0)
		made = (struct stat){ 0 };
	if (!status)
		status = loop_run(lp);
	loop_close(lp);
	if (nm->ready_file && made.st_ino)
		unlink_if_same(nm->ready_file, made.st_dev, made.st_ino);
	return status;
}

/* The environment COMMAND gets: ours first, then every inherited
 * variable that ours do not replace.  Built once, in O(n log n), so
 * that 10,000 regions cost no more than they should (setenv() is a
 * linear scan each time). */
struct child_env {
	char **vars;   /* NAME=VALUE, numamem's own */
	size_t n, room;
	char **envp;   /* what COMMAND gets */
};

static int env_add(struct child_env *e, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int env_add(struct child_env *e, const char *name, const char *fmt, ...)
{
	char *value = NULL, *var = NULL;
	va_list ap;
	int r;

	if (e->n == e->room) {
		size_t want = e->room ? e->room * 2 : 16;
		char **v = realloc(e->vars, want * sizeof(*v));

		if (!v)
			return -1;
		e->vars = v;
		e->room = want;
	}
	va_start(ap, fmt);
	r = vasprintf(&value, fmt, ap);
	va_end(ap);
	if (r < 0 || asprintf(&var, "%s=%s", name, value) < 0) {
		free(value);
		return -1;
	}
	free(value);
	e->vars[e->n++] = var;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	for (; *x == *y && *x != '='; x++, y++)
		;
	return (*x == '=' ? 0 : (unsigned char)*x) - (*y == '=' ? 0 : (unsigned char)*y);
}

static void env_free(struct child_env *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->vars[i]);
	free(e->vars);
	free(e->envp);
}

/* vars sorted, then environ less the names vars replace. */
static int env_build(struct child_env *e)
{
	size_t n = 0, k = 0;

	while (environ && environ[n])
		n++;
	qsort(e->vars, e->n, sizeof(*e->vars), cmp_name);
	e->envp = calloc(e->n + n + 1, sizeof(*e->envp));
	if (!e->envp)
		return -1;
	for (size_t i = 0; i < e->n; i++)
		if (!i || cmp_name(&e->vars[i - 1], &e->vars[i]))
			e->envp[k++] = e->vars[i];
	for (size_t i = 0; i < n; i++) {
		/* the first region of this run, never an outer run's */
		static const char *const mine[] = { "NUMAMEM_FD=", "NUMAMEM_SIZE=", "NUMAMEM_OFFSET=" };
		bool skip = false;

		if (strncmp(environ[i], "NUMAMEM_", 8))
			e->envp[k++] = environ[i];
		else {
			for (size_t m = 0; m < ARRAY_SIZE(mine); m++)
				skip |= !strncmp(environ[i], mine[m], strlen(mine[m]));
			if (!skip && !bsearch(&environ[i], e->vars, e->n, sizeof(*e->vars), cmp_name))
				e->envp[k++] = environ[i];
		}
	}
	return 0;
}

/* A region's descriptor for COMMAND: at --fd, and without close-on-exec. */
static int pass_fd(struct numamem *nm, struct region *r)
{
	if (nm->fd_number >= 0 && nm->fd_number != r->fd) {
		if (dup2(r->fd, nm->fd_number) < 0)
			return fail_errno(EXIT_COMPLETE, errno, "cannot place region '%s' at fd %d", r->id,
					  nm->fd_number);
		close(r->fd);
		r->fd = nm->fd_number;
	} else if (fcntl(r->fd, F_SETFD, 0) < 0) {
		return fail_errno(EXIT_COMPLETE, errno, "region '%s': cannot pass fd %d", r->id, r->fd);
	}
	return EXIT_OK;
}

/* Pass the region fds (only those), and describe them in e. */
static int prepare_child(struct numamem *nm, struct child_env *e, bool *all_fd)
{
	char *name, *ids = NULL;
	size_t used = 0, len = 1;
	bool first = true;
	int err = 0;

	for (size_t i = 0; i < nm->nregions; i++)
		len += strlen(nm->regions[i].id) + 1;
	ids = malloc(len);
	name = malloc(len + sizeof("NUMAMEM__OFFSET")); /* ids of any length, as QEMU's */
	if (!ids || !name) {
		free(ids);
		free(name);
		return fail_oom();
	}
	ids[0] = '\0';
	*all_fd = true;
	for (size_t i = 0; i < nm->nregions && !err; i++) {
		struct region *r = &nm->regions[i];
		int status;

		used += (size_t)sprintf(ids + used, "%s%s", i ? " " : "", r->id);
		if (r->fd < 0) {
			*all_fd = false;
			continue;
		}
		status = pass_fd(nm, r);
		if (status) {
			free(ids);
			free(name);
			return status;
		}
		run_env_name(r->id, "FD", name, len + sizeof("NUMAMEM__OFFSET"));
		err |= env_add(e, name, "%d", r->fd);
		run_env_name(r->id, "SIZE", name, len + sizeof("NUMAMEM__OFFSET"));
		err |= env_add(e, name, "%" PRIu64, r->size);
		run_env_name(r->id, "OFFSET", name, len + sizeof("NUMAMEM__OFFSET"));
		err |= env_add(e, name, "%" PRIu64, r->offset);
		if (first) {
			err |= env_add(e, "NUMAMEM_FD", "%d", r->fd);
			err |= env_add(e, "NUMAMEM_SIZE", "%" PRIu64, r->size);
			err |= env_add(e, "NUMAMEM_OFFSET", "%" PRIu64, r->offset);
			first = false;
		}
	}
	err |= env_add(e, "NUMAMEM_REGIONS", "%s", ids);
	free(ids);
	free(name);
	if (err || env_build(e) < 0)
		return fail_oom();
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

/* Why a child could not become COMMAND: errno, and the call. */
struct child_error {
	int err;
	bool policy; /* policy_apply() failed, not exec */
	char what[32];
};

/* A watched child's start: it joins COMMAND's cgroup, then waits until
 * numamem has seized it (gofd closes), with numamem's signal mask back. */
struct child_start {
	const struct cgroup *cg; /* or NULL */
	int gofd;                /* -1: no wait */
	const sigset_t *mask;    /* or NULL */
};

/* In the child: COMMAND's cgroup, policy and CPUs, then exec; never returns. */
static void become_command(struct numamem *nm, char **envp, int errfd, const struct child_start *cs)
{
	struct child_error ce = { 0 };
	const char *what = "exec";
	char c;

	if (nm->sigpipe_default) /* COMMAND gets SIGPIPE as numamem was given it */
		signal(SIGPIPE, SIG_DFL);
	if (cs->cg && cgroup_enter(cs->cg) < 0) {
		ce.policy = true;
		what = "cgroup";
	} else {
		if (cs->gofd >= 0)
			while (read(cs->gofd, &c, 1) < 0 && errno == EINTR)
				;
		if (cs->mask)
			sigprocmask(SIG_SETMASK, cs->mask, NULL);
		if (policy_apply(&nm->proc, &what) == 0)
			execvpe(nm->command[0], nm->command, envp);
		else
			ce.policy = true;
	}
	ce.err = errno;
	snprintf(ce.what, sizeof(ce.what), "%s", what);
	if (write(errfd, &ce, sizeof(ce)) < 0)
		_exit(EXIT_CANCELED);
	_exit(EXIT_CANCELED);
}

static int child_status(int wstatus)
{
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}

/* Until the next sample: woken early by pidfd (the process exited), or
 * a plain sleep without one. */
static void wait_next(int pidfd, double next)
{
	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		poll(&p, 1, (int)(next * 1e3) + 1);
	} else {
		struct timespec ts = { .tv_sec = (time_t)next, .tv_nsec = (long)((next - (double)(time_t)next) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

/* Close --trace's file: kept whole, or removed when lines were lost (never
 * a half-made file); EXIT_OUTPUT after a message when it is not kept. */
static int close_trace(const struct numamem *nm, struct outfile *trace)
{
	if (trace->f && nm->watch->trace_failed) {
		fail(0, "cannot write trace '%s': some lines were lost, so it was removed", nm->trace_file);
		outfile_close(trace, false);
		return EXIT_OUTPUT;
	}
	return outfile_close(trace, true);
}

/* Every wait status there is now: traced stops resumed, exit stops
 * counted; true once COMMAND itself has been waited for. */
static bool drain_waits(struct numamem *nm, int *wstatus)
{
	int st;
	pid_t r;

	while ((r = waitpid(-1, &st, WNOHANG | __WALL)) > 0) {
		if (r == child_pid && (WIFEXITED(st) || WIFSIGNALED(st))) {
			*wstatus = st;
			return true;
		}
		if (nm->watch->traced && exittrace_handle(r, st) == TRACE_EXIT_STOP) {
			watch_exit(nm->watch, r);
			exittrace_resume(r);
		}
	}
	if (r < 0 && errno == ECHILD) { /* waited for elsewhere: cannot happen, but never a spin */
		*wstatus = 0;
		return true;
	}
	return false;
}

/* Sample COMMAND's tree until COMMAND exits: woken by SIGCHLD (a signalfd,
 * SIGCHLD blocked since before the fork) for every exit and trace stop,
 * by errfd when exec fails, else at the next sample's time.  *ce gets
 * the child's error when it could not become COMMAND. */
static int watch_until_exit(struct numamem *nm, int *wstatus, int errfd, const sigset_t *chld,
			    struct child_error *ce, bool *failed)
{
	int sfd = signalfd(-1, chld, SFD_CLOEXEC | SFD_NONBLOCK);
	struct outfile trace = { 0 };
	bool lost = false, done = false;

	/* a new file (O_EXCL): a file put there since the checks is refused,
	 * and COMMAND runs on, its trace lost */
	if (nm->trace_file && outfile_create(&trace, "trace", nm->trace_file))
		lost = true;
	watch_start(nm->watch, child_pid, nm->command[0], trace.f);
	*failed = false;
	double due = 0; /* when the next sample is: woken earlier, no sample */

	while (!done) {
		struct pollfd p[2] = { { .fd = sfd, .events = POLLIN }, { .fd = errfd, .events = POLLIN } };
		struct signalfd_siginfo si;
		double now = now_seconds(), wait;

		if (now >= due) {
			due = now + watch_sample(nm->watch);
			now = now_seconds();
		}
		if ((done = drain_waits(nm, wstatus)))
			break;
		wait = due > now ? due - now : 0;
		if (poll(p, errfd >= 0 ? 2 : 1, sfd >= 0 ? (int)(wait * 1e3) + 1 : 10) > 0) {
			while (sfd >= 0 && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				;
			if (errfd >= 0 && p[1].revents) {
				ssize_t n;

				while ((n = read(errfd, ce, sizeof(*ce))) < 0 && errno == EINTR)
					;
				*failed = n == (ssize_t)sizeof(*ce);
				close(errfd);
				errfd = -1;
			}
		}
	}
	if (errfd >= 0) { /* COMMAND has ended: what the pipe holds is all */
		*failed = read(errfd, ce, sizeof(*ce)) == (ssize_t)sizeof(*ce);
		close(errfd);
	}
	watch_end(nm->watch);
	if (sfd >= 0)
		close(sfd);
	if (close_trace(nm, &trace))
		lost = true;
	/* COMMAND's own failure first; then a trace that was lost */
	return child_status(*wstatus) ? child_status(*wstatus) : lost ? EXIT_OUTPUT : EXIT_OK;
}

static int child_failed(struct numamem *nm, const struct child_error *ce)
{
	if (ce->policy)
		return fail_errno(EXIT_CANCELED, ce->err, "cannot give '%s' its %s (%s)", nm->command[0],
				  strcmp(ce->what, "cgroup") ? "policy" : "cgroup", ce->what);
	fail_errno(0, ce->err, "cannot run '%s'", nm->command[0]);
	return exec_status(ce->err);
}

/* Fork COMMAND, forward signals to it, wait (and watch). */
static int spawn_and_wait(struct numamem *nm, char **envp)
{
	static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = forward };
	struct child_start cs = { .gofd = -1 };
	struct child_error ce;
	sigset_t chld, old;
	int wstatus, status, pipefd[2], go[2] = { -1, -1 };
	bool failed;
	ssize_t n;

	if (nm->watch) {
		status = watch_prepare(nm->watch, getenv("NUMAMEM_WATCH"), getenv("NUMAMEM_WATCH_INTERVAL"));
		if (status)
			return status;
		if (*nm->watch->cg.path)
			cs.cg = &nm->watch->cg;
		for (size_t i = 0; i < nm->nregions; i++) {
			struct stat st;

			if (nm->regions[i].fd >= 0 && fstat(nm->regions[i].fd, &st) == 0)
				watch_exclude(nm->watch, (unsigned long)st.st_dev, (unsigned long)st.st_ino);
		}
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0 || (nm->watch && pipe2(go, O_CLOEXEC) < 0)) {
		status = fail_errno(EXIT_CANCELED, errno, "cannot run '%s'", nm->command[0]);
		if (nm->watch)
			watch_free(nm->watch);
		return status;
	}
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
	for (size_t i = 0; i < nm->nregions; i++)
		madvise(nm->regions[i].ptr, nm->regions[i].size, MADV_DONTFORK);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (nm->watch) { /* the watch is woken by SIGCHLD, from before the fork */
		sigprocmask(SIG_BLOCK, &chld, &old);
		cs.gofd = go[0];
		cs.mask = &old;
	}
	child_pid = fork();
	if (child_pid == 0) {
		if (go[1] >= 0)
			close(go[1]);
		become_command(nm, envp, pipefd[1], &cs);
	}
	close(pipefd[1]);
	if (go[0] >= 0)
		close(go[0]);
	if (child_pid < 0) {
		status = fail_errno(EXIT_CANCELED, errno, "cannot run '%s'", nm->command[0]);
		close(pipefd[0]);
		if (nm->watch) {
			close(go[1]);
			watch_free(nm->watch);
		}
		return status;
	}
	if (nm->watch) {
		/* traced from before exec, so that nothing it forks is missed */
		status = nm->watch->traced && exittrace_seize(child_pid) < 0 ? watch_no_trace(nm->watch, errno) : 0;
		close(go[1]); /* go */
		if (status) {
			kill(child_pid, SIGKILL);
			while (waitpid(child_pid, &wstatus, 0) < 0 && errno == EINTR)
				;
			close(pipefd[0]);
			watch_free(nm->watch);
			return status;
		}
		status = watch_until_exit(nm, &wstatus, pipefd[0], &chld, &ce, &failed);
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (failed) { /* it never became COMMAND: no workload to report */
			nm->watch->pid = 0;
			watch_free(nm->watch);
			return child_failed(nm, &ce);
		}
		return status;
	}
	/* the pipe closes at exec: nothing read means COMMAND runs */
	while ((n = read(pipefd[0], &ce, sizeof(ce))) < 0 && errno == EINTR)
		;
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(ce)) {
		while (waitpid(child_pid, &wstatus, 0) < 0 && errno == EINTR)
			;
		return child_failed(nm, &ce);
	}
	while (waitpid(child_pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return fail_errno(EXIT_CANCELED, errno, "cannot wait for '%s'", nm->command[0]);
	return child_status(wstatus);
}

int run_command(struct numamem *nm)
{
	struct child_env env = { 0 };
	bool all_fd = true;
	int status, e;

	status = prepare_child(nm, &env, &all_fd);
	if (!status)
		status = run_signal_ready(nm);
	if (status) {
		env_free(&env);
		return EXIT_CANCELED;
	}
	nm->command_ran = true;
	if (all_fd && !nm->force_fork && !nm->watch) {
		const char *what = "";

		/* numamem's own allocations from here on follow the policy too */
		if (policy_apply(&nm->proc, &what) < 0) {
			e = errno;
			env_free(&env);
			return fail_errno(EXIT_CANCELED, e, "cannot give '%s' its policy (%s)", nm->command[0], what);
		}
		if (nm->sigpipe_default)
			signal(SIGPIPE, SIG_DFL);
		execvpe(nm->command[0], nm->command, env.envp);
		e = errno;
		env_free(&env);
		fail_errno(0, e, "cannot run '%s'", nm->command[0]);
		return exec_status(e);
	}
	status = spawn_and_wait(nm, env.envp);
	env_free(&env);
	return status;
}

static volatile sig_atomic_t watch_stop;

static void on_watch_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/* Has pid gone?  Its pidfd is readable once it exits (Linux 5.3); else
 * /proc/PID, which a zombie keeps, says so by its state. */
static bool pid_gone(long pid, int pidfd)
{
	char path[64], state = 0;
	FILE *f;

	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		return poll(&p, 1, 0) == 1;
	}
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return true;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 'X';
	fclose(f);
	return state == 'Z' || state == 'X';
}

int run_watch_pid(struct numamem *nm, long pid, const char *comm)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_watch_signal };
	int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	double deadline = nm->hold_seconds > 0 ? now_seconds() + nm->hold_seconds : 0;
	struct outfile trace = { 0 };

	if (pidfd < 0 && errno == ESRCH)
		return fail(EXIT_UNAVAILABLE, "pid %ld: no such process", pid);
	/* a process numamem did not start: sampled (no cgroup of its own, no
	 * exit stops) */
	if (watch_prepare(nm->watch, "sampling", NULL) || outfile_create(&trace, "trace", nm->trace_file)) {
		if (pidfd >= 0)
			close(pidfd);
		return EXIT_OUTPUT;
	}
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(stops); i++)
		sigaction(stops[i], &sa, NULL);
	watch_start(nm->watch, (pid_t)pid, comm, trace.f);
	while (!watch_stop) {
		double next = watch_sample(nm->watch), left = deadline ? deadline - now_seconds() : next;

		if (pid_gone(pid, pidfd) || left <= 0)
			break;
		if (next > left)
			next = left;
		wait_next(pidfd, next);
	}
	watch_end(nm->watch);
	if (pidfd >= 0)
		close(pidfd);
	return close_trace(nm, &trace);
}
