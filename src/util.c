/* The error helpers and clock every file shares. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "numamem.h"

static void vmsg(const char *fmt, va_list ap, int errnum)
{
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
