/* Text tables through libsmartcols; see table.h. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/parse.h"
#include "table.h"
#include "util.h"

struct column {
	char *heading;         /* owned */
	const char *name;
	bool right;
};

struct table {
	const struct table_style *style;
	struct column *cols;
	size_t ncols, cols_room;
	char **cells;          /* row after row, ncols a row */
	size_t ncells, cells_room;
	bool failed;           /* out of memory at some step */
};

struct table *table_new(const struct table_style *st)
{
	struct table *t = calloc(1, sizeof(*t));

	if (t)
		t->style = st;
	return t;
}

void table_column(struct table *t, const char *heading, const char *name, bool right)
{
	char *copy = strdup(heading);
	struct column *c = copy ? array_grow((void **)&t->cols, &t->ncols, &t->cols_room, sizeof(*c)) : NULL;

	if (!c) {
		free(copy);
		t->failed = true;
		return;
	}
	*c = (struct column){ copy, name, right };
}

static void add_cell(struct table *t, char *text)
{
	char **c = text ? array_grow((void **)&t->cells, &t->ncells, &t->cells_room, sizeof(*c)) : NULL;

	if (!c) {
		free(text);
		t->failed = true;
		return;
	}
	*c = text;
}

void table_row(struct table *t)
{
	/* a row left short is completed with empty cells */
	while (t->ncols && t->ncells % t->ncols)
		add_cell(t, strdup(""));
}

void table_cell(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	add_cell(t, text);
}

void table_size(struct table *t, uint64_t bytes)
{
	char buf[32];

	if (t->style->bytes) {
		table_cell(t, "%" PRIu64, bytes);
		return;
	}
	format_size(bytes, buf, sizeof(buf));
	table_cell(t, "%s", buf);
}

/* The columns to print, in order, into order (room for every column):
 * every one, or --columns' in its order (a name shared by several columns
 * brings them all, in the table's order; a name given twice, once). */
static size_t chosen(const struct table *t, size_t *order)
{
	const char *p = t->style->columns;
	size_t n = 0;

	if (!p) {
		for (size_t c = 0; c < t->ncols; c++)
			order[n++] = c;
		return n;
	}
	while (*p) {
		size_t len = strcspn(p, ",");

		for (size_t c = 0; c < t->ncols; c++) {
			bool taken = false;

			for (size_t i = 0; i < n && !taken; i++)
				taken = order[i] == c;
			if (!taken && strlen(t->cols[c].name) == len && !strncasecmp(p, t->cols[c].name, len))
				order[n++] = c;
		}
		p += len;
		if (*p)
			p++;
	}
	return n;
}

/* The libsmartcols table of t's chosen columns, as a string. */
static char *render(const struct table *t)
{
	struct libscols_table *tb = scols_new_table();
	size_t *order = calloc(t->ncols + 1, sizeof(*order)), n;
	char *data = NULL;
	bool ok = tb && order;

	n = ok ? chosen(t, order) : 0;
	if (ok) {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
		scols_table_enable_raw(tb, t->style->raw);
		scols_table_enable_noheadings(tb, t->style->noheadings);
	}
	for (size_t i = 0; ok && i < n; i++)
		ok = scols_table_new_column(tb, t->cols[order[i]].heading, 0, t->cols[order[i]].right ? SCOLS_FL_RIGHT : 0);
	for (size_t r = 0; ok && t->ncols && r < t->ncells / t->ncols; r++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		ok = ln;
		for (size_t i = 0; ok && i < n; i++)
			ok = !scols_line_set_data(ln, i, t->cells[r * t->ncols + order[i]]);
	}
	if (ok && scols_print_table_to_string(tb, &data) < 0)
		data = NULL;
	scols_unref_table(tb);
	free(order);
	return ok ? data : NULL;
}

int table_print(struct table *t, FILE *out, const char *indent)
{
	char *data = NULL;
	int status = -ENOMEM;

	if (!t)
		return -ENOMEM;
	table_row(t);
	if (!t->failed)
		data = render(t);
	if (data) {
		for (char *line = data, *next; *line; line = next) {
			next = line + strcspn(line, "\n");
			fprintf(out, "%s%.*s\n", indent, (int)(next - line), line);
			if (*next)
				next++;
		}
		status = 0;
	}
	free(data);
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	for (size_t i = 0; i < t->ncols; i++)
		free(t->cols[i].heading);
	free(t->cols);
	free(t);
	return status;
}

bool table_columns_valid(const char *list, const char *const *names, char *bad, size_t len)
{
	const char *p = list;

	do {
		size_t n = strcspn(p, ",");
		bool known = false;

		for (size_t i = 0; names[i] && !known; i++)
			known = n == strlen(names[i]) && !strncasecmp(p, names[i], n);
		if (!known) {
			snprintf(bad, len, "%.*s", (int)n, p);
			return false;
		}
		p += n;
	} while (*p++);
	return true;
}
