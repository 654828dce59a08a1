/* Sinks: where an output's finished lines go (regular file, syslog, unix
 * socket, standard output).
 *
 * A record is handed over as one complete line, '\n' included, and written
 * with one write()/send() under the sink's lock, so lines from several
 * threads never interleave and a reader never sees half a line. Failures
 * (EAGAIN, ENOSPC, EPIPE, a peer gone) are counted in `output.errors`; the
 * record is dropped and the sink tries again with the next one, reconnecting
 * sockets with a growing back-off. Writes never raise SIGPIPE and never wait
 * more than a few milliseconds.
 */
#ifndef NJ_OUTPUT_SINK_H
#define NJ_OUTPUT_SINK_H

#include <stdbool.h>
#include <stddef.h>

struct nj_config;
struct nj_sink;

#define NJ_SINKS_MAX 5

/* Constructors return NULL (errno set) when the sink cannot be set up. The
 * caller owns the sink and frees it with nj_sink_free(). A unix socket
 * whose listener is not there yet is not an error: it connects later. */
struct nj_sink *nj_sink_file_open(const char *path);
struct nj_sink *nj_sink_stdout_open(void);
/* facility "local0".."local7", "user", "daemon"...; level "info"...
 * The process has one syslog identity: the first one given is kept. */
struct nj_sink *nj_sink_syslog_open(const char *ident, const char *facility, const char *level);
struct nj_sink *nj_sink_unix_open(const char *path, bool stream);
void nj_sink_free(struct nj_sink *s);

/* Writes line[0..len) (ending in '\n') whole or not at all. Returns 0 or a
 * negative errno (already counted). Thread-safe. */
int nj_sink_write(struct nj_sink *s, const void *line, size_t len);

/* Reopens a regular file at its path (log rotation on SIGHUP) and
 * reconnects a socket; a no-op for the others. Returns 0 or -errno. */
int nj_sink_reopen(struct nj_sink *s);

/* The sinks of one output, built from its config section. */
struct nj_sinks {
	struct nj_sink *s[NJ_SINKS_MAX];
	int n;
};

/* Reads <prefix>.filetype ("regular", "syslog", "unix_dgram",
 * "unix_stream", "stdout", or a list of them; default "regular"),
 * <prefix>.filename (relative to log_dir; default default_name) for a
 * regular file and for a socket unless <prefix>.socket is given, and
 * <prefix>.facility / level / identity for syslog. Returns 0 or -errno with
 * a message in err; on error nothing stays open. */
int nj_sinks_open(struct nj_sinks *set, const struct nj_config *cfg, const char *prefix,
		  const char *log_dir, const char *default_name, char *err, size_t errlen);
void nj_sinks_write(struct nj_sinks *set, const void *line, size_t len);
void nj_sinks_reopen(struct nj_sinks *set);
void nj_sinks_close(struct nj_sinks *set);

#endif
