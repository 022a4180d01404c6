/* --show-nodes: what one checks before choosing host-nodes. */
#ifndef NUMAMEM_NODES_H
#define NUMAMEM_NODES_H

#include <stdbool.h>
#include <stdio.h>

#include "table.h"

/* Table, or JSON with json (write errors show at exit). */
void nodes_show(FILE *out, bool json, const struct table_style *st);

/* The names --columns chooses --show-nodes' columns by (NULL-terminated). */
extern const char *const nodes_columns[];

/* numactl --hardware's text, byte for byte. */
void nodes_hardware(FILE *out);

#endif
