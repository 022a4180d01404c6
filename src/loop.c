/* The hold's event loop, in one place.
 *
 *   signalfd    SIGINT, SIGTERM, SIGHUP, SIGQUIT end the hold
 *   socket      --control=unix:PATH: clients connect, one command a line
 *   stdin       --control=stdio: the same protocol, answers on stdout
 *   timeout     the next --at command, or the end of --hold=DURATION
 *
 * Each complete line is one command (control.c); its answer goes back
 * to where the line came from.  Every source is served by this one
 * thread, so commands never run at once. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "loop.h"
#include "traffic.h"

#define MAX_CLIENTS 32
#define LINE_MAX_BYTES 65536

struct client {
	int fd;             /* -1: free */
	char *buf;
	size_t len;
};

struct loop {
	struct numamem *nm;
	int sigfd, listenfd;
	bool socket_made;   /* the path is ours to remove */
	struct client stdio;
	struct client clients[MAX_CLIENTS];
	double start;       /* when the regions were ready */
	double next_report; /* --traffic: the next bandwidth line, from start */
	size_t next_at;     /* --at commands are run in time order */
	size_t *at_order;
	bool done;
	int status;
};

static int cmp_at(const void *a, const void *b, void *arg)
{
	const struct at_command *ats = arg;
	double x = ats[*(const size_t *)a].seconds, y = ats[*(const size_t *)b].seconds;

	return x < y ? -1 : x > y ? 1 : (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

int loop_open(struct numamem *nm, struct loop **lp)
{
	struct loop *l = calloc(1, sizeof(*l));
	sigset_t set;

	*lp = NULL;
	if (!l)
		return fail_oom();
	*l = (struct loop){ .nm = nm, .listenfd = -1, .stdio = { .fd = -1 } };
	for (size_t i = 0; i < MAX_CLIENTS; i++)
		l->clients[i].fd = -1;
	l->at_order = calloc(nm->nats + 1, sizeof(*l->at_order));
	if (!l->at_order) {
		free(l);
		return fail_oom();
	}
	for (size_t i = 0; i < nm->nats; i++)
		l->at_order[i] = i;
	qsort_r(l->at_order, nm->nats, sizeof(*l->at_order), cmp_at, nm->ats);
	sigprocmask(SIG_BLOCK, NULL, &set); /* run_hold blocked the signals that end it */
	l->sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (l->sigfd < 0) {
		int e = errno;

		loop_close(l);
		return fail_errno(EXIT_UNAVAILABLE, e, "cannot wait for signals");
	}
	if (nm->control_stdio)
		l->stdio.fd = STDIN_FILENO;
	if (nm->control_path) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		int e;

		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", nm->control_path);
		l->listenfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (l->listenfd >= 0 && bind(l->listenfd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			l->socket_made = true;
			if (listen(l->listenfd, MAX_CLIENTS) == 0) {
				*lp = l;
				return EXIT_OK;
			}
		}
		e = errno;
		loop_close(l);
		return fail_errno(EXIT_UNAVAILABLE, e, "cannot create control socket '%s'", nm->control_path);
	}
	*lp = l;
	return EXIT_OK;
}

void loop_close(struct loop *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < MAX_CLIENTS; i++) {
		if (l->clients[i].fd >= 0)
			close(l->clients[i].fd);
		free(l->clients[i].buf);
	}
	free(l->stdio.buf);
	if (l->listenfd >= 0)
		close(l->listenfd);
	if (l->socket_made)
		unlink(l->nm->control_path);
	if (l->sigfd >= 0)
		close(l->sigfd);
	free(l->at_order);
	free(l);
}

/* Write all of s to fd; false when the reader has gone. */
static bool send_all(int fd, const char *s, bool sock)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t n = sock ? send(fd, s, len, MSG_NOSIGNAL) : write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		s += n;
		len -= (size_t)n;
	}
	return true;
}

/* One command; its answer to out_fd (stdout for stdio and --at). */
static bool serve_line(struct loop *l, const char *line, int out_fd, bool sock)
{
	bool failed, quit;
	char *answer = control_execute(l->nm, line, &failed, &quit);
	bool sent = true;

	if (answer) {
		if (!sock)
			fflush(stdout);
		sent = send_all(out_fd, answer, sock);
		free(answer);
	}
	if (quit)
		l->done = true;
	return sent;
}

/* Read what a client sent; serve each complete line.  False: close it. */
static bool serve_client(struct loop *l, struct client *c, bool sock)
{
	char chunk[4096];
	ssize_t n = read(c->fd, chunk, sizeof(chunk));
	char *nl, *p;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	p = realloc(c->buf, c->len + (size_t)n + 1);
	if (!p)
		return false;
	c->buf = p;
	memcpy(c->buf + c->len, chunk, (size_t)n);
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	while (!l->done && (nl = memchr(c->buf, '\n', c->len))) {
		size_t used = (size_t)(nl - c->buf) + 1;

		*nl = '\0';
		if (!serve_line(l, c->buf, sock ? c->fd : STDOUT_FILENO, sock))
			return false;
		memmove(c->buf, c->buf + used, c->len - used + 1);
		c->len -= used;
	}
	if (c->len > LINE_MAX_BYTES) {
		static const char too_long[] = "{\"error\":\"line longer than 65536 bytes\"}\n";

		send_all(sock ? c->fd : STDOUT_FILENO, too_long, sock);
		return false;
	}
	return true;
}

static void drop_client(struct client *c)
{
	if (c->fd > STDERR_FILENO)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
}

/* Milliseconds until the next --at command or the end of the hold, -1:
 * none. */
static int next_timeout(const struct loop *l)
{
	double now = now_seconds() - l->start, until = -1;

	if (l->next_at < l->nm->nats)
		until = l->nm->ats[l->at_order[l->next_at]].seconds;
	if (l->nm->hold_seconds > 0 && (until < 0 || l->nm->hold_seconds < until))
		until = l->nm->hold_seconds;
	if (l->nm->traffic && (until < 0 || l->next_report < until))
		until = l->next_report;
	if (until < 0)
		return -1;
	return until <= now ? 0 : (int)((until - now) * 1e3) + 1;
}

/* --at commands that are due, and the end of the hold. */
static void run_due(struct loop *l)
{
	double now = now_seconds() - l->start;

	while (!l->done && l->next_at < l->nm->nats && l->nm->ats[l->at_order[l->next_at]].seconds <= now) {
		bool failed, quit;
		char *answer = control_execute(l->nm, l->nm->ats[l->at_order[l->next_at++]].line, &failed, &quit);

		if (answer) {
			fputs(answer, stdout);
			fflush(stdout);
			free(answer);
		}
		if (failed)
			l->status = EXIT_CONTROL;
		if (quit)
			l->done = true;
	}
	if (l->nm->traffic && now >= l->next_report) {
		traffic_report(stdout, l->nm);
		while (l->next_report <= now)
			l->next_report += 1;
	}
	if (l->nm->hold_seconds > 0 && now >= l->nm->hold_seconds)
		l->done = true;
}

int loop_run(struct loop *l)
{
	enum { P_SIG, P_LISTEN, P_STDIN, P_CLIENTS };
	struct pollfd pfd[P_CLIENTS + MAX_CLIENTS];

	l->start = now_seconds();
	l->next_report = 1;
	if (l->nm->traffic) {
		int status = traffic_start(l->nm);

		if (status)
			return status;
	}
	run_due(l);
	while (!l->done) {
		int n;

		pfd[P_SIG] = (struct pollfd){ .fd = l->sigfd, .events = POLLIN };
		pfd[P_LISTEN] = (struct pollfd){ .fd = l->listenfd, .events = POLLIN };
		pfd[P_STDIN] = (struct pollfd){ .fd = l->stdio.fd, .events = POLLIN };
		for (size_t i = 0; i < MAX_CLIENTS; i++)
			pfd[P_CLIENTS + i] = (struct pollfd){ .fd = l->clients[i].fd, .events = POLLIN };
		n = poll(pfd, P_CLIENTS + MAX_CLIENTS, next_timeout(l));
		if (n < 0 && errno != EINTR)
			return fail_errno(EXIT_UNAVAILABLE, errno, "cannot wait for commands");
		if (n > 0 && pfd[P_SIG].revents)
			break;
		if (n > 0 && (pfd[P_LISTEN].revents & POLLIN)) {
			int fd = accept4(l->listenfd, NULL, NULL, SOCK_CLOEXEC);
			size_t i = 0;

			while (fd >= 0 && i < MAX_CLIENTS && l->clients[i].fd >= 0)
				i++;
			if (fd >= 0 && i == MAX_CLIENTS) {
				static const char busy[] = "{\"error\":\"too many clients\"}\n";

				send_all(fd, busy, true);
				close(fd);
			} else if (fd >= 0) {
				l->clients[i].fd = fd;
			}
		}
		/* end of standard input ends the hold, as quit does */
		if (n > 0 && pfd[P_STDIN].revents && !serve_client(l, &l->stdio, false)) {
			drop_client(&l->stdio);
			l->done = true;
		}
		for (size_t i = 0; n > 0 && !l->done && i < MAX_CLIENTS; i++)
			if (pfd[P_CLIENTS + i].revents && !serve_client(l, &l->clients[i], true))
				drop_client(&l->clients[i]);
		run_due(l);
	}
	if (l->nm->traffic)
		traffic_stop(l->nm);
	return l->status;
}
