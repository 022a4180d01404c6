/* JSON output helpers shared by every JSON document numamem prints, so
 * that a string, a node set and a CPU set look the same everywhere. */
#ifndef NUMAMEM_JSON_H
#define NUMAMEM_JSON_H

#include <sched.h>
#include <stdio.h>

#include "parse.h"

/* "text", escaped */
void json_string(FILE *out, const char *s);
/* [0,2,3] */
void json_nodes(FILE *out, const struct nodemask *m);
/* [0,1,8] */
void json_cpus(FILE *out, const cpu_set_t *set);
/* ,"pid":N,"hostname":"...","rank":{...}: who printed the document, for
 * joining documents across a cluster (the launcher's rank variables that
 * are set: Slurm, Open MPI, PMI) */
void json_origin(FILE *out);

#endif
