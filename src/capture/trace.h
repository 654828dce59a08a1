/* System-call trace files: one JSON object per line, the same `process` and
 * `syscall` objects EVE writes (doc/syscall-trace.md,
 * doc/syscall-trace-schema.json).
 *
 * --record-syscalls writes every event the sensor delivers; --syscall-trace
 * replays a file. Offline, main.c merges a trace with a pcap by timestamp:
 * nj_trace_peek() gives the next event's time without consuming it.
 */
#ifndef NJ_CAPTURE_TRACE_H
#define NJ_CAPTURE_TRACE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

struct nj_syscall;
struct nj_trace;

/* Opens path for reading ("-" is stdin). Returns NULL with errno set. */
struct nj_trace *nj_trace_open_read(const char *path);

/* Reads from f, which stays the caller's (not closed by nj_trace_close()).
 * For tests and fuzzing (fmemopen). NULL on allocation failure. */
struct nj_trace *nj_trace_open_fp(FILE *f);

/* Opens (truncates) path for writing ("-" is stdout). NULL with errno. */
struct nj_trace *nj_trace_open_write(const char *path);

/* Time of the next event without consuming it. Returns 1 and sets *ts, 0 at
 * end of file, -errno on a read error. */
int nj_trace_peek(struct nj_trace *t, struct timeval *ts);

/* Reads the next event into out. Returns 1 when an event was read, 0 at
 * end of file, -errno on a read error. Lines that are not valid events are
 * skipped and counted (syscall.trace_errors), with nj_trace_errors() giving
 * the number. out's strings and out->proc (a snapshot of the process from
 * the trace) are borrowed from t until the next nj_trace_next() or
 * nj_trace_close(). */
int nj_trace_next(struct nj_trace *t, struct nj_syscall *out);

/* Appends sc as one line. Returns 0 or -errno (the line is then lost and
 * counted in syscall.trace_write_errors). sc->proc may be NULL: the
 * process object then carries the event's own fields only. */
int nj_trace_write(struct nj_trace *t, const struct nj_syscall *sc);

/* Line number of the last line read (for diagnostics). */
uint64_t nj_trace_line(const struct nj_trace *t);
uint64_t nj_trace_errors(const struct nj_trace *t);

/* Flushes and closes; accepts NULL. Returns 0 or -errno of the flush. */
int nj_trace_close(struct nj_trace *t);

#endif
