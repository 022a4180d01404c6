/* The placement report: a readable table, or JSON (schema in numamem.1). */
#ifndef NUMAMEM_REPORT_H
#define NUMAMEM_REPORT_H

#include <stdio.h>

#include "options.h"

/* Returns 0, or EXIT_OUTPUT if writing failed. */
int report_text(FILE *out, const struct numamem *nm);
int report_json(FILE *out, const struct numamem *nm);

#endif
