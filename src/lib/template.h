/* File-name templates of -o, --trace and --ready-file: %p numamem's
 * pid, %h the hostname, %r the rank, %j the job id, %% a '%'.  Pure: the
 * values are given. */
#ifndef NUMAMEM_TEMPLATE_H
#define NUMAMEM_TEMPLATE_H

#include <stddef.h>

struct template_values {
	long pid;
	const char *host;
	const char *rank; /* NULL: no launcher gave one */
	const char *job;  /* NULL: no scheduler gave one */
};

/* What %r and %j become when no launcher gave a rank or a job. */
#define TEMPLATE_NONE "none"

/* Expand tmpl into out (len bytes).  0; -EINVAL for an unknown %x (*bad:
 * x, '\0' for a '%' that ends tmpl); -EXDEV for a value holding a '/'
 * (*bad: its letter), which would name another directory;
 * -ENAMETOOLONG when out cannot hold the result. */
int template_expand(const char *tmpl, const struct template_values *v, char *out, size_t len, char *bad);

#endif
