/* The placement report: a readable table, or JSON (schema in numamem.1). */
#ifndef NUMAMEM_REPORT_H
#define NUMAMEM_REPORT_H

#include <stdio.h>

#include "numamem.h"
#include "procmaps.h"

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
void report_process_json(FILE *out, const struct proc_numa *p);

#endif
