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
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "loop.h"
#include "traffic.h"

#define MAX_CLIENTS 32
#define LINE_MAX_BYTES 65536
/* Answers a client has not read yet, at most: past this it has fallen
 * too far behind and is dropped, so that no client can make the loop
 * wait for it (a query answer is a few KiB a region). */
#define PENDING_MAX_BYTES (4u << 20)
/* poll()'s timeout is an int of milliseconds: a longer wait is cut in
 * pieces, and the time left is worked out again after each. */
#define POLL_MAX_MS (24 * 3600 * 1000)

struct client {
	int fd;             /* -1: free */
	bool sock;          /* a socket client; else --control=stdio */
	char *buf;          /* what it sent that is not a whole line yet */
	size_t len;
	char *out;          /* answers not written yet (sockets only) */
	size_t out_len;
	bool eof;           /* it sent its last line: close once answered */
};

struct loop {
	struct numamem *nm;
	int sigfd, listenfd;
	bool socket_made;   /* the path is ours to remove... */
	dev_t socket_dev;   /* ...while it is still the socket we bound */
	ino_t socket_ino;
	int spare_fd;       /* given up to accept() a client at the descriptor limit */
	double listen_again; /* accept() failed for want of descriptors: not before this */
	struct client stdio;
	struct client out;  /* standard output's queue (fd -1: polled by out.out_len) */
	bool out_dropped;
	bool out_gone;      /* standard output's reader went away: write no more */
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
	*l = (struct loop){ .nm = nm, .listenfd = -1, .spare_fd = -1, .stdio = { .fd = -1 }, .out = { .fd = -1 } };
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
			struct stat st;

			l->socket_made = lstat(nm->control_path, &st) == 0;
			l->socket_dev = st.st_dev;
			l->socket_ino = st.st_ino;
			if (listen(l->listenfd, MAX_CLIENTS) == 0) {
				l->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
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
		free(l->clients[i].out);
	}
	free(l->stdio.buf);
	free(l->out.out);
	if (l->listenfd >= 0)
		close(l->listenfd);
	if (l->socket_made)
		unlink_if_same(l->nm->control_path, l->socket_dev, l->socket_ino);
	if (l->spare_fd >= 0)
		close(l->spare_fd);
	if (l->sigfd >= 0)
		close(l->sigfd);
	free(l->at_order);
	free(l);
}

static void drop_client(struct client *c)
{
	if (c->fd > STDERR_FILENO)
		close(c->fd);
	free(c->buf);
	free(c->out);
	*c = (struct client){ .fd = -1 };
}

/* Write what a socket client is owed without waiting for it.  False:
 * it has gone. */
static bool flush_client(struct client *c)
{
	size_t off = 0;

	while (off < c->out_len) {
		ssize_t n = send(c->fd, c->out + off, c->out_len - off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	memmove(c->out, c->out + off, c->out_len - off);
	c->out_len -= off;
	return true;
}

/* An answer for a socket client: queued, then written as far as the
 * client reads.  False: it has gone, or fallen too far behind. */
static bool queue_answer(struct client *c, const char *s)
{
	size_t len = strlen(s);
	char *p;

	if (c->out_len + len > PENDING_MAX_BYTES)
		return false;
	p = realloc(c->out, c->out_len + len);
	if (!p)
		return false;
	memcpy(p + c->out_len, s, len);
	c->out = p;
	c->out_len += len;
	return flush_client(c);
}

/* Standard output during the hold (--control=stdio and --at answers,
 * --traffic lines) is queued too and written only as far as poll() says
 * it takes, at most PIPE_BUF at a time: a reader that stops reading
 * must not stop the hold from ending.  Lines beyond PENDING_MAX_BYTES
 * are dropped, with one warning. */
static void queue_stdout(struct loop *l, const char *s)
{
	size_t len = strlen(s);
	char *p;

	if (l->out_gone)
		return;
	if (l->out.out_len + len > PENDING_MAX_BYTES || !(p = realloc(l->out.out, l->out.out_len + len))) {
		if (!l->out_dropped)
			warn_msg("standard output is not being read: lines dropped");
		l->out_dropped = true;
		return;
	}
	memcpy(p + l->out.out_len, s, len);
	l->out.out = p;
	l->out.out_len += len;
}

/* poll() said standard output takes more.  False after a message: the
 * hold ends with EXIT_OUTPUT.  A reader that went away stops the output
 * only, silently. */
static bool flush_stdout(struct loop *l)
{
	ssize_t n = write(STDOUT_FILENO, l->out.out, l->out.out_len < PIPE_BUF ? l->out.out_len : PIPE_BUF);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n < 0 && stdout_reader_gone(errno)) { /* head, less: only the output stops */
		l->out_gone = true;
		l->out.out_len = 0;
		return true;
	}
	if (n <= 0) {
		l->status = fail_errno(EXIT_OUTPUT, n < 0 ? errno : EIO, "cannot write to standard output");
		l->out.out_len = 0;
		return false;
	}
	memmove(l->out.out, l->out.out + n, l->out.out_len - (size_t)n);
	l->out.out_len -= (size_t)n;
	return true;
}

/* The hold has ended: what standard output is still owed, for at most
 * two seconds. */
static void drain_stdout(struct loop *l)
{
	double until = now_seconds() + 2;

	while (l->out.out_len) {
		struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };
		double left = until - now_seconds();

		if (left <= 0 || poll(&p, 1, (int)(left * 1e3) + 1) <= 0 || !flush_stdout(l))
			break;
	}
}

static bool answer_client(struct loop *l, struct client *c, const char *s)
{
	if (c->sock)
		return queue_answer(c, s);
	queue_stdout(l, s);
	return true;
}

/* One command; its answer back to the client.  False: drop it. */
static bool serve_line(struct loop *l, struct client *c, const char *line, size_t len)
{
	bool failed, quit;
	char *answer;
	bool sent = true;

	if (strlen(line) != len) /* control_execute would obey the part before the NUL */
		return answer_client(l, c, "{\"error\":\"line holds a NUL byte: refused\"}\n");
	answer = control_execute(l->nm, line, &failed, &quit);
	if (answer) {
		sent = answer_client(l, c, answer);
		free(answer);
	}
	if (quit)
		l->done = true;
	return sent;
}

/* Read what a client sent; serve each complete line.  False: close it. */
static bool serve_client(struct loop *l, struct client *c)
{
	char chunk[4096];
	ssize_t n = read(c->fd, chunk, sizeof(chunk));
	char *nl, *p;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) { /* its last line: answers still owed are written first */
		c->eof = true;
		return c->sock && c->out_len > 0;
	}
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
		if (!serve_line(l, c, c->buf, used - 1))
			return false;
		memmove(c->buf, c->buf + used, c->len - used + 1);
		c->len -= used;
	}
	if (c->len > LINE_MAX_BYTES) {
		answer_client(l, c, "{\"error\":\"line longer than 65536 bytes\"}\n");
		if (c->sock)
			flush_client(c);
		return false;
	}
	return true;
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
	if (l->listen_again > 0 && (until < 0 || l->listen_again - l->start < until))
		until = l->listen_again - l->start;
	if (until < 0)
		return -1;
	if (until <= now)
		return 0;
	return (until - now) * 1e3 + 1 >= POLL_MAX_MS ? POLL_MAX_MS : (int)((until - now) * 1e3) + 1;
}

/* --at commands that are due, and the end of the hold. */
static void run_due(struct loop *l)
{
	double now = now_seconds() - l->start;

	while (!l->done && l->next_at < l->nm->nats && l->nm->ats[l->at_order[l->next_at]].seconds <= now) {
		bool failed, quit;
		char *answer = control_execute(l->nm, l->nm->ats[l->at_order[l->next_at++]].line, &failed, &quit);

		if (answer)
			queue_stdout(l, answer);
		free(answer);
		if (failed && !l->status)
			l->status = EXIT_CONTROL;
		if (quit)
			l->done = true;
	}
	if (l->nm->traffic && now >= l->next_report) {
		char *line = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&line, &len);

		if (f) {
			traffic_report(f, l->nm);
			fclose(f);
			queue_stdout(l, line);
		}
		free(line);
		while (l->next_report <= now)
			l->next_report += 1;
	}
	if (l->nm->hold_seconds > 0 && now >= l->nm->hold_seconds)
		l->done = true;
}

/* A client knocks.  At the descriptor limit (EMFILE) the spare
 * descriptor is given up for a moment, so that the client is told and
 * closed rather than left waiting while poll() reports it again and
 * again; without a spare, the socket is not listened to for 100 ms. */
static void accept_client(struct loop *l)
{
	static const char busy[] = "{\"error\":\"too many clients\"}\n";
	static const char no_fd[] = "{\"error\":\"too many open files: try again later\"}\n";
	int fd = accept4(l->listenfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	size_t i = 0;

	if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
		if (l->spare_fd >= 0) {
			close(l->spare_fd);
			fd = accept4(l->listenfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (fd >= 0) {
				send(fd, no_fd, sizeof(no_fd) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
				close(fd);
			}
			l->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		}
		if (l->spare_fd < 0)
			l->listen_again = now_seconds() + 0.1;
		return;
	}
	if (fd < 0)
		return;
	while (i < MAX_CLIENTS && l->clients[i].fd >= 0)
		i++;
	if (i == MAX_CLIENTS) {
		send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	l->clients[i] = (struct client){ .fd = fd, .sock = true };
}

/* poll() on what is open, nothing more: with a low descriptor limit,
 * poll() refuses more entries than RLIMIT_NOFILE. */
static nfds_t poll_set(struct loop *l, struct pollfd *pfd, struct client **who)
{
	nfds_t n = 0;

	pfd[n++] = (struct pollfd){ .fd = l->sigfd, .events = POLLIN };
	if (l->listenfd >= 0 && now_seconds() >= l->listen_again) {
		l->listen_again = 0;
		who[n] = NULL;
		pfd[n++] = (struct pollfd){ .fd = l->listenfd, .events = POLLIN };
	}
	if (l->out.out_len) {
		who[n] = &l->out;
		pfd[n++] = (struct pollfd){ .fd = STDOUT_FILENO, .events = POLLOUT };
	}
	if (l->stdio.fd >= 0) {
		who[n] = &l->stdio;
		pfd[n++] = (struct pollfd){ .fd = l->stdio.fd, .events = POLLIN };
	}
	for (size_t i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &l->clients[i];

		if (c->fd < 0)
			continue;
		who[n] = c;
		pfd[n++] = (struct pollfd){ .fd = c->fd,
					    .events = (short)((c->eof ? 0 : POLLIN) | (c->out_len ? POLLOUT : 0)) };
	}
	return n;
}

/* What poll() said of a client.  False: drop it. */
static bool client_ready(struct loop *l, struct client *c, short revents)
{
	if (c->sock && (revents & POLLOUT) && !flush_client(c))
		return false;
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && !c->eof && !serve_client(l, c))
		return false;
	if (c->sock && (revents & (POLLHUP | POLLERR)) && c->out_len)
		return false; /* it will never read them */
	return !c->eof || (c->sock && c->out_len);
}

int loop_run(struct loop *l)
{
	struct pollfd pfd[4 + MAX_CLIENTS];
	struct client *who[4 + MAX_CLIENTS];

	fflush(stdout); /* the report: from here on stdout is written through l->out */
	l->start = now_seconds();
	l->next_report = 1;
	if (l->nm->traffic) {
		int status = traffic_start(l->nm);

		if (status)
			return status;
	}
	run_due(l);
	while (!l->done) {
		nfds_t count = poll_set(l, pfd, who);
		int n = poll(pfd, count, next_timeout(l));

		if (n < 0 && errno != EINTR)
			return fail_errno(EXIT_UNAVAILABLE, errno, "cannot wait for commands");
		if (n > 0 && pfd[0].revents)
			break;
		for (nfds_t i = 1; n > 0 && !l->done && i < count; i++) {
			if (!pfd[i].revents)
				continue;
			if (!who[i]) {
				accept_client(l);
			} else if (who[i] == &l->out) {
				if (!flush_stdout(l))
					l->done = true;
			} else if (!client_ready(l, who[i], pfd[i].revents)) {
				/* end of standard input ends the hold, as quit does */
				if (who[i] == &l->stdio)
					l->done = true;
				drop_client(who[i]);
			}
		}
		run_due(l);
	}
	if (l->nm->traffic)
		traffic_stop(l->nm);
	drain_stdout(l);
	return l->status;
}
