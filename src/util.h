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
#include <time.h>

#include "lib/launcher.h"
#include "lib/template.h"

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
 * written to it was lost (EXIT_OK, silently, when its reader went away). */
int stdout_status(void);
/* Has standard output's reader gone away (head, less that quit early)?
 * errnum: the failed write's errno, EPIPE; or a pipe or socket whose
 * other end has closed.  Not an error: no message, as coreutils. */
bool stdout_reader_gone(int errnum);

/* "out of memory": the one message and status (EXIT_UNAVAILABLE) for
 * an allocation that failed, wherever it failed. */
int fail_oom(void);

/* Remove path only while it is still the file numamem made there (the
 * device and inode lstat() saw once it was made), never a file somebody
 * put in its place since. */
void unlink_if_same(const char *path, dev_t dev, ino_t ino);

/* A file numamem creates and fills (-o's report, --trace): made with
 * O_EXCL (never over what is there, nor through a link), mode 0644 less
 * the umask; removed again unless it was kept whole. */
struct outfile {
	const char *what;  /* "output", "trace": for messages */
	const char *path;
	FILE *f;
	dev_t dev;
	ino_t ino;
};
/* EXIT_OUTPUT after a message when the file cannot be made. */
int outfile_create(struct outfile *o, const char *what, const char *path);
/* Everything written so far reaches the file: EXIT_OK, or EXIT_OUTPUT
 * after a message. */
int outfile_flush(struct outfile *o);
/* Close it; keep: it holds what it should (else it is removed).  A
 * write that failed removes it too: EXIT_OUTPUT after a message. */
int outfile_close(struct outfile *o, bool keep);

/* Room for one more element, zeroed, at the end of *array (n elements
 * of size bytes, room for *room); NULL when out of memory.  The room
 * doubles, so n additions cost O(n). */
void *array_grow(void **array, size_t *n, size_t *room, size_t size);

/* Monotonic seconds. */
double now_seconds(void);

/* Who this process is: its pid, hostname, and the rank and job its
 * launcher gave it (lib/launcher.h). */
struct origin {
	long pid;
	char host[256];
	char rank[24];        /* the rank as text, "" when none */
	struct launch launch;
};
void origin_read(struct origin *o);
/* The values of the file-name templates (lib/template.h). */
void origin_values(const struct origin *o, struct template_values *v);

/* ,"pid":N then json_ranks(): who printed the document, for joining
 * documents across a cluster. */
void json_origin(FILE *out);
/* ,"hostname":"...","launcher":...,"rank":N|null,"local_rank",
 * "world_size","node_id","job_id","step_id", "job_id_text" (the job id
 * as given, a number or not) and "rank_source": {"rank": "VARIABLE"|null,
 * ...} */
void json_ranks(FILE *out);
/* ,"NAME_time":"2026-12-02T20:17:08.123456Z","NAME_epoch":1796242628.123456:
 * a CLOCK_REALTIME time, in UTC, to line up with other logs */
void json_wall_clock(FILE *out, const char *name, const struct timespec *ts);

/* The version of numamem's JSON vocabulary (the schemas in schema/) */
#define JSON_VERSION 2

/* {"version":2,"kind":KIND,"numamem":"...","kernel":KERNEL, then
 * json_origin: the header every JSON document and line starts with
 * (KIND: report, process, nodes, measure, traffic, trace, trace-sample,
 * control); the caller writes the rest and the closing brace. */
void json_header(FILE *out, const char *kind, const char *kernel);

#endif
