/* The bottom helpers; see util.h. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/json.h"
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

int stdout_status(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return EXIT_OK;
	return fail_errno(EXIT_OUTPUT, errno, "cannot write to standard output");
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
 * hostname, and the launcher's rank variables that are set (Slurm, Open
 * MPI, PMI), as numbers. */
void json_origin(FILE *out)
{
	static const char *const ranks[] = {
		"SLURM_PROCID", "SLURM_LOCALID", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_LOCAL_RANK", "PMI_RANK",
	};
	char host[256] = "";
	bool first = true;

	gethostname(host, sizeof(host) - 1);
	fprintf(out, ",\"pid\":%ld,\"hostname\":", (long)getpid());
	json_string(out, host);
	fprintf(out, ",\"rank\":{");
	for (size_t i = 0; i < ARRAY_SIZE(ranks); i++) {
		const char *v = getenv(ranks[i]);
		unsigned long n;

		if (!v || parse_uint(v, 0, ULONG_MAX, &n) < 0)
			continue;
		fprintf(out, "%s\"%s\":%lu", first ? "" : ",", ranks[i], n);
		first = false;
	}
	fputc('}', out);
}
