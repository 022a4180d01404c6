/* File-name templates; see template.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/template.h"

int template_expand(const char *tmpl, const struct template_values *v, char *out, size_t len, char *bad)
{
	size_t n = 0;

	if (!len)
		return -ENAMETOOLONG;
	for (const char *s = tmpl; *s; s++) {
		char num[24];
		const char *add = num;

		if (*s != '%') {
			num[0] = *s;
			num[1] = '\0';
		} else {
			switch (*++s) {
			case 'p':
				snprintf(num, sizeof(num), "%ld", v->pid);
				break;
			case 'h':
				add = v->host;
				break;
			case 'r':
				add = v->rank ? v->rank : TEMPLATE_NONE;
				break;
			case 'j':
				add = v->job ? v->job : TEMPLATE_NONE;
				break;
			case '%':
				add = "%";
				break;
			default:
				*bad = *s;
				return -EINVAL;
			}
			if (strchr(add, '/')) {
				*bad = *s;
				return -EXDEV;
			}
		}
		if (strlen(add) >= len - n)
			return -ENAMETOOLONG;
		memcpy(out + n, add, strlen(add));
		n += strlen(add);
	}
	out[n] = '\0';
	return 0;
}
