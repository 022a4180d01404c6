/* The placement report: a readable table, or JSON (schema in numamem.1). */
#ifndef NUMAMEM_REPORT_H
#define NUMAMEM_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "lib/judge.h"
#include "numamem.h"
#include "procmaps.h"

/* The whole report's verdict: fail when any region or COMMAND's memory
 * breaks its policy, pass when something was judged and nothing broke,
 * none (VERIFY_SKIPPED) when nothing was judged (no --verify, no page
 * present); why, in reason. */
enum verdict report_verdict(const struct numamem *nm, char *reason, size_t len);
/* "pass", "fail", "none" */
extern const char *const report_verdict_names[];

/* One line on out before an unreported COMMAND starts: where each
 * region went ("numamem: region m0 (8 MiB): node 0 8 MiB; running 'app' (--report shows its memory)"). */
void report_line(FILE *out, const struct numamem *nm);

/* Write errors show at exit (stdout_status). */
void report_text(FILE *out, const struct numamem *nm);
void report_json(FILE *out, const struct numamem *nm);
/* One region of the JSON report, as an object (no newline). */
struct region;
void report_json_region(FILE *out, const struct region *b);
/* --pid: every mapping with its policy and bytes per node, the totals,
 * and the verdict when judged. */
void report_process_text(FILE *out, const struct proc_numa *p, const struct table_style *st);

/* The names --columns chooses the columns of a table by (NULL-terminated):
 * the text report's node table, --pid's table. */
extern const char *const report_columns[];
extern const char *const report_process_columns[];
/* m: --migrate's result (rq its request), or NULL. */
void report_process_json(FILE *out, const struct proc_numa *p, const struct migrate_request *rq,
			 const struct migrate_result *m);
void report_migrate_text(FILE *out, long pid, const char *comm, const struct migrate_request *rq,
			 const struct migrate_result *m);

#endif
