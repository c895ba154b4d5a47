/*
 * log.h: one-line logs to stderr, "TIME LEVEL message".
 *
 * Thread-safe (each line is one write). Never log secrets: no passwords,
 * tokens, cookies or ID numbers.
 */
#ifndef SG_LOG_H
#define SG_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level min);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
