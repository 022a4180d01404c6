/* numamem's exit statuses and the one error helper every file uses. */
#ifndef NUMAMEM_H
#define NUMAMEM_H

#include <stdarg.h>

enum numamem_exit {
	EXIT_OK = 0,
	EXIT_USAGE = 1,       /* bad option or value: nothing was allocated */
	EXIT_UNAVAILABLE = 2, /* valid request this host cannot satisfy */
	EXIT_COMPLETE = 3,    /* alloc, mbind or prealloc failed */
	EXIT_VERIFY = 4,      /* --verify: placement breaks the policy */
	EXIT_OUTPUT = 5,      /* writing the report failed */
	EXIT_CANCELED = 125,  /* with COMMAND: numamem failed before running it */
	EXIT_CANNOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
};

/* "numamem: message" on stderr; returns status so callers can
 * `return fail(EXIT_USAGE, "...")`. */
int fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same, with ": strerror(errnum)" appended. */
int fail_errno(int status, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic seconds. */
double now_seconds(void);

#endif
