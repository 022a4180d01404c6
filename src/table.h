/* The text tables (the report's nodes, --pid, --show-nodes), printed by
 * util-linux's libsmartcols as lsmem and lsblk print theirs: aligned
 * columns, or --raw; --noheadings; --columns; sizes in binary units, or
 * --bytes.  A table is filled cell by cell, row by row, then printed;
 * knows nothing of regions or the run. */
#ifndef NUMAMEM_TABLE_H
#define NUMAMEM_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* How every table of the run looks: the command line's --bytes, --raw,
 * --noheadings and --columns (NULL: every column, in the table's order). */
struct table_style {
	bool bytes, raw, noheadings;
	const char *columns;
};

struct table;

/* A table of style st (kept, not copied); NULL when out of memory. */
struct table *table_new(const struct table_style *st);
/* The next column: its heading, the name --columns chooses it by (several
 * columns may share one: all the node columns of --pid are NODES), and
 * whether it is aligned right (numbers). */
void table_column(struct table *t, const char *heading, const char *name, bool right);
/* A new row; its cells follow, one a column, in the columns' order. */
void table_row(struct table *t);
void table_cell(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A size: "1.50 GiB" (format_size), or with --bytes "1610612736". */
void table_size(struct table *t, uint64_t bytes);
/* Print it to out, each line after indent, and free it: 0, or -ENOMEM
 * when any step ran out of memory (nothing printed then). */
int table_print(struct table *t, FILE *out, const char *indent);

/* The first name of the comma-separated list that names no column of
 * names (NULL-terminated), into bad (room len): false; true when every
 * name is one of them (case aside) and the list holds at least one. */
bool table_columns_valid(const char *list, const char *const *names, char *bad, size_t len);

#endif
