/* The error helpers and clock every file shares. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "numamem.h"

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
				snprintf(capture_buf + n, capture_len - (size_t)n, ": %s", strerror(errnum));
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
