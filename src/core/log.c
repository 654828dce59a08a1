/* Diagnostic logging to standard error. */
#include <stdarg.h>
#include <stdio.h>

#include "core/log.h"

static enum nj_log_level current = NJ_LOG_INFO;
static const char *const names[] = { "error", "warning", "info", "debug" };

void nj_log_set_level(enum nj_log_level level)
{
	current = level;
}

enum nj_log_level nj_log_get_level(void)
{
	return current;
}

void nj_log(enum nj_log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (level > current)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One fputs of the whole line so concurrent threads do not interleave. */
	fprintf(stderr, "nightjar: %s: %s\n", names[level], line);
}
