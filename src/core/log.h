/* Diagnostic logging for start-up, rule loading and operations.
 *
 * Not for the packet path: malformed input is a decoder event and a counter,
 * never a log line.
 */
#ifndef NJ_CORE_LOG_H
#define NJ_CORE_LOG_H

enum nj_log_level { NJ_LOG_ERROR, NJ_LOG_WARN, NJ_LOG_INFO, NJ_LOG_DEBUG };

void nj_log_set_level(enum nj_log_level level);
enum nj_log_level nj_log_get_level(void);
void nj_log(enum nj_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define nj_err(...) nj_log(NJ_LOG_ERROR, __VA_ARGS__)
#define nj_warn(...) nj_log(NJ_LOG_WARN, __VA_ARGS__)
#define nj_info(...) nj_log(NJ_LOG_INFO, __VA_ARGS__)
#define nj_dbg(...) nj_log(NJ_LOG_DEBUG, __VA_ARGS__)

#endif
