/* The bottom helpers; see util.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/launcher.h"
#include "lib/parse.h"
#include "util.h"

/* fail_capture(): where messages go instead of stderr */
static char *capture_buf;
static size_t capture_len;

void fail_capture(char *buf, size_t len)
{
	capture_buf = buf;
	capture_len = len;
	if (buf && len)
		buf[0] = '\0';
}

static void vmsg(const char *fmt, va_list ap, int errnum)
{
	if (capture_buf) { /* the first message only: it says what went wrong */
		if (!capture_buf[0]) {
			int n = vsnprintf(capture_buf, capture_len, fmt, ap);

			if (errnum && n >= 0 && (size_t)n < capture_len)
				n += snprintf(capture_buf + n, capture_len - (size_t)n, ": %s", strerror(errnum));
			/* cut short: never inside a character */
			if (n >= 0 && (size_t)n >= capture_len)
				capture_buf[utf8_whole(capture_buf, capture_len - 1)] = '\0';
		}
		return;
	}
	fflush(stdout);
	fputs("numamem: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

int fail(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, 0);
	va_end(ap);
	return status;
}

int fail_errno(int status, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, errnum);
	va_end(ap);
	return status;
}

void warn_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("numamem: warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int fail_oom(void)
{
	return fail(EXIT_UNAVAILABLE, "out of memory");
}

void unlink_if_same(const char *path, dev_t dev, ino_t ino)
{
	struct stat st;

	if (lstat(path, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
		unlink(path);
}

int outfile_create(struct outfile *o, const char *what, const char *path)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644), e;

	*o = (struct outfile){ .what = what, .path = path };
	if (fd < 0)
		return fail_errno(EXIT_OUTPUT, errno, "cannot create %s '%s'", what, path);
	if (fstat(fd, &st) < 0 || !(o->f = fdopen(fd, "w"))) {
		e = errno;
		close(fd);
		unlink(path); /* just made by O_EXCL: ours */
		return fail_errno(EXIT_OUTPUT, e, "cannot create %s '%s'", what, path);
	}
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	return EXIT_OK;
}

int outfile_flush(struct outfile *o)
{
	if (!o->f || (fflush(o->f) == 0 && !ferror(o->f)))
		return EXIT_OK;
	return fail_errno(EXIT_OUTPUT, errno, "cannot write %s '%s'", o->what, o->path);
}

int outfile_close(struct outfile *o, bool keep)
{
	int status = EXIT_OK, e = 0;

	if (!o->f)
		return EXIT_OK;
	if (fflush(o->f) != 0 || ferror(o->f))
		e = errno ? errno : EIO;
	if (fclose(o->f) != 0 && !e)
		e = errno;
	o->f = NULL;
	if (e && keep)
		status = fail_errno(EXIT_OUTPUT, e, "cannot write %s '%s', so it was removed", o->what, o->path);
	if (e || !keep)
		unlink_if_same(o->path, o->dev, o->ino);
	return status;
}

void *array_grow(void **array, size_t *n, size_t *room, size_t size)
{
	char *p;

	if (*n == *room) {
		size_t want = *room ? *room * 2 : 4;

		p = realloc(*array, want * size);
		if (!p)
			return NULL;
		*array = p;
		*room = want;
	}
	p = (char *)*array + *n * size;
	memset(p, 0, size);
	(*n)++;
	return p;
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool stdout_reader_gone(int errnum)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };
	struct stat st;

	if (errnum == EPIPE)
		return true;
	/* the EPIPE may have been an earlier write's: a pipe or socket
	 * whose reader has closed polls POLLERR */
	return fstat(STDOUT_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) &&
	       poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

int stdout_status(void)
{
	int e;

	if (fflush(stdout) == 0 && !ferror(stdout))
		return EXIT_OK;
	e = errno;
	if (stdout_reader_gone(e))
		return EXIT_OK; /* head, less: the reader took what it wanted */
	return fail_errno(EXIT_OUTPUT, e, "cannot write to standard output");
}

void origin_read(struct origin *o)
{
	extern char **environ;

	memset(o, 0, sizeof(*o));
	o->pid = (long)getpid();
	if (gethostname(o->host, sizeof(o->host) - 1) < 0)
		o->host[0] = '\0';
	launch_read((const char *const *)environ, &o->launch);
	if (o->launch.set[LF_RANK])
		snprintf(o->rank, sizeof(o->rank), "%lu", o->launch.value[LF_RANK]);
}

void origin_values(const struct origin *o, struct template_values *v)
{
	*v = (struct template_values){
		.pid = o->pid,
		.host = o->host,
		.rank = o->launch.set[LF_RANK] ? o->rank : NULL,
		.job = o->launch.job_text,
	};
}

void json_ranks(FILE *out)
{
	struct origin o;

	origin_read(&o);
	fputs(",\"hostname\":", out);
	json_string(out, o.host);
	fputs(",\"launcher\":", out);
	if (o.launch.launcher)
		json_string(out, o.launch.launcher);
	else
		fputs("null", out);
	for (int f = 0; f < LF_COUNT; f++)
		if (o.launch.set[f])
			fprintf(out, ",\"%s\":%lu", launch_field_names[f], o.launch.value[f]);
		else
			fprintf(out, ",\"%s\":null", launch_field_names[f]);
	fputs(",\"job_id_text\":", out);
	if (o.launch.job_text)
		json_string(out, o.launch.job_text);
	else
		fputs("null", out);
	fputs(",\"rank_source\":{", out);
	for (int f = 0; f < LF_COUNT; f++) {
		fprintf(out, "%s\"%s\":", f ? "," : "", launch_field_names[f]);
		if (o.launch.source[f])
			json_string(out, o.launch.source[f]);
		else
			fputs("null", out);
	}
	fputc('}', out);
}

/* The start of every JSON document and line numamem writes: the
 * vocabulary's version, what kind of document it is, numamem's version,
 * the kernel's, and who printed it (json_origin). */
void json_header(FILE *out, const char *kind, const char *kernel)
{
	fprintf(out, "{\"version\":%d,\"kind\":\"%s\",\"numamem\":\"%s\",\"kernel\":", JSON_VERSION, kind,
		PACKAGE_VERSION);
	json_string(out, kernel);
	json_origin(out);
}

/* Who printed this, for joining reports across a cluster: pid,
 * hostname, the rank and job as numbers, and the variables they came
 * from. */
void json_origin(FILE *out)
{
	fprintf(out, ",\"pid\":%ld", (long)getpid());
	json_ranks(out);
}

void json_wall_clock(FILE *out, const char *name, const struct timespec *ts)
{
	struct tm tm;
	char when[32] = "";

	if (gmtime_r(&ts->tv_sec, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(out, ",\"%s_time\":\"%s.%06ldZ\",\"%s_epoch\":%lld.%06ld", name, when, ts->tv_nsec / 1000, name,
		(long long)ts->tv_sec, ts->tv_nsec / 1000);
}
