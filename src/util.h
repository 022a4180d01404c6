/* The bottom helpers every module shares: exit statuses, messages, the
 * clock, and who printed a JSON document.  Above lib/ only: nothing here
 * knows a region or the run. */
#ifndef NUMAMEM_UTIL_H
#define NUMAMEM_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

enum numamem_exit {
	EXIT_OK = 0,
	EXIT_USAGE = 1,       /* bad option or value: nothing was allocated */
	EXIT_UNAVAILABLE = 2, /* valid request this host cannot satisfy */
	EXIT_COMPLETE = 3,    /* alloc, mbind or prealloc failed */
	EXIT_VERIFY = 4,      /* --verify: placement breaks the policy */
	EXIT_OUTPUT = 5,      /* writing the report failed */
	EXIT_CONTROL = 6,     /* --connect or --at: a command was answered with an error */
	EXIT_VERIFY_COMMAND = 124, /* with COMMAND: --verify found placement that breaks a policy */
	EXIT_CANCELED = 125,  /* with COMMAND: numamem failed before running it */
	EXIT_CANNOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
};

/* "numamem: message" on stderr; returns status so callers can
 * `return fail(EXIT_USAGE, "...")`. */
int fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same, with ": strerror(errnum)" appended. */
int fail_errno(int status, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* While buf is set, the first message of fail() and fail_errno() goes
 * into buf (without "numamem: ") instead of stderr: a control command's
 * error answer.  fail_capture(NULL, 0) ends it. */
void fail_capture(char *buf, size_t len);
void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Flush stdout: EXIT_OK, or EXIT_OUTPUT after a message when anything
 * written to it was lost. */
int stdout_status(void);

/* "out of memory": the one message and status (EXIT_UNAVAILABLE) for
 * an allocation that failed, wherever it failed. */
int fail_oom(void);

/* Remove path only while it is still the file numamem made there (the
 * device and inode lstat() saw once it was made), never a file somebody
 * put in its place since. */
void unlink_if_same(const char *path, dev_t dev, ino_t ino);

/* Room for one more element, zeroed, at the end of *array (n elements
 * of size bytes, room for *room); NULL when out of memory.  The room
 * doubles, so n additions cost O(n). */
void *array_grow(void **array, size_t *n, size_t *room, size_t size);

/* Monotonic seconds. */
double now_seconds(void);

/* ,"pid":N,"hostname":"...","rank":{...}: who printed the document, for
 * joining documents across a cluster (the launcher's rank variables that
 * are set: Slurm, Open MPI, PMI) */
void json_origin(FILE *out);

/* The version of numamem's JSON vocabulary (the schemas in schema/) */
#define JSON_VERSION 2

/* {"version":2,"kind":KIND,"numamem":"...","kernel":KERNEL, then
 * json_origin: the header every JSON document and line starts with
 * (KIND: report, process, nodes, measure, traffic, trace, trace-sample,
 * control); the caller writes the rest and the closing brace. */
void json_header(FILE *out, const char *kind, const char *kernel);

#endif
