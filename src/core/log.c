/*
 * log.c: see log.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "banned.h"

static enum log_level min_level = LOG_INFO;

void log_set_level(enum log_level min)
{
	min_level = min;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	char line[2048], ts[UTIL_TIME_LEN];
	va_list ap;
	int n, m;

	if (level < min_level)
		return;
	util_time_iso(time(NULL), ts);
	n = snprintf(line, sizeof(line), "%s %s ", ts, names[level]);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	/* one record per line: a newline inside a message cannot forge another */
	for (int i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20)
			line[i] = ' ';
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
