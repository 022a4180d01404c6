/* The control protocol's vocabulary: its verbs and how a line names
 * one.  A leaf: --at checks its commands here without the code that runs
 * them (control.c), which would bring the regions' code with it. */
#ifndef NUMAMEM_CONTROL_VERBS_H
#define NUMAMEM_CONTROL_VERBS_H

#include <stdbool.h>

enum verb { V_ADD, V_DEL, V_SET, V_QUERY, V_QUIT, V_COUNT };
extern const char *const verb_names[V_COUNT];

/* The verb line starts with (blanks before it skipped), and in *rest
 * what follows it (blanks skipped); -1 for none. */
int verb_of(const char *line, const char **rest);
/* Does line start with one of the commands? */
bool control_known(const char *line);

#endif
