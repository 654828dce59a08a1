/* Output sinks: regular file, syslog, unix socket (dgram/stream), stdout. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/counters.h"
#include "output/sink.h"

enum sink_kind { SINK_FILE, SINK_STDOUT, SINK_SYSLOG, SINK_UNIX_DGRAM, SINK_UNIX_STREAM };

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 30000
/* How long a stream socket may take to accept the rest of a line. */
#define STREAM_WAIT_MS 50

struct nj_sink {
	enum sink_kind kind;
	pthread_mutex_t lock;
	int fd;
	char *path;
	int priority;                   /* syslog facility | level */
	uint64_t next_try_ms;           /* sockets: earliest reconnect */
	unsigned backoff_ms;
	bool stalled;                   /* stream: the last wait timed out */
};

static int errors_id = -1;
static char syslog_ident[64];
static pthread_mutex_t syslog_lock = PTHREAD_MUTEX_INITIALIZER;

static void count_error(void)
{
	nj_counter_add(errors_id, 1);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct nj_sink *sink_new(enum sink_kind kind, const char *path)
{
	struct nj_sink *s = calloc(1, sizeof(*s));

	if (errors_id < 0)
		errors_id = nj_counter_register("output.errors");
	if (!s)
		return NULL;
	s->kind = kind;
	s->fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	if (path && !(s->path = strdup(path))) {
		free(s);
		return NULL;
	}
	return s;
}

void nj_sink_free(struct nj_sink *s)
{
	if (!s)
		return;
	if (s->fd >= 0 && s->kind != SINK_STDOUT)
		close(s->fd);
	pthread_mutex_destroy(&s->lock);
	free(s->path);
	free(s);
}

static int open_file(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

struct nj_sink *nj_sink_file_open(const char *path)
{
	struct nj_sink *s = sink_new(SINK_FILE, path);
	int e;

	if (!s)
		return NULL;
	s->fd = open_file(path);
	if (s->fd < 0) {
		e = errno;
		nj_sink_free(s);
		errno = e;
		return NULL;
	}
	return s;
}

struct nj_sink *nj_sink_stdout_open(void)
{
	struct nj_sink *s = sink_new(SINK_STDOUT, NULL);

	if (s)
		s->fd = STDOUT_FILENO;
	return s;
}

static int lookup(const char *name, const char *const *names, const int *vals, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(name, names[i]))
			return vals[i];
	return -1;
}

struct nj_sink *nj_sink_syslog_open(const char *ident, const char *facility, const char *level)
{
	static const char *const fnames[] = { "kern", "user", "mail", "daemon", "auth",
					      "syslog", "local0", "local1", "local2", "local3",
					      "local4", "local5", "local6", "local7" };
	static const int fvals[] = { LOG_KERN, LOG_USER, LOG_MAIL, LOG_DAEMON, LOG_AUTH,
				     LOG_SYSLOG, LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
				     LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7 };
	static const char *const lnames[] = { "emerg", "alert", "crit", "err", "error",
					      "warning", "warn", "notice", "info", "debug" };
	static const int lvals[] = { LOG_EMERG, LOG_ALERT, LOG_CRIT, LOG_ERR, LOG_ERR,
				     LOG_WARNING, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };
	int f = lookup(facility, fnames, fvals, sizeof(fvals) / sizeof(fvals[0]));
	int l = lookup(level, lnames, lvals, sizeof(lvals) / sizeof(lvals[0]));
	struct nj_sink *s;

	if (f < 0 || l < 0) {
		errno = EINVAL;
		return NULL;
	}
	s = sink_new(SINK_SYSLOG, NULL);
	if (!s)
		return NULL;
	s->priority = f | l;
	/* openlog keeps the pointer and there is one syslog connection per
	 * process: the first identity set stays, in storage that outlives
	 * every sink. */
	pthread_mutex_lock(&syslog_lock);
	if (!syslog_ident[0]) {
		snprintf(syslog_ident, sizeof(syslog_ident), "%s", ident && ident[0] ? ident : "nightjar");
		openlog(syslog_ident, LOG_PID | LOG_NDELAY, f);
	}
	pthread_mutex_unlock(&syslog_lock);
	return s;
}

/* Called with the lock held. */
static int unix_connect(struct nj_sink *s)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	uint64_t now = now_ms();
	int fd, type = s->kind == SINK_UNIX_STREAM ? SOCK_STREAM : SOCK_DGRAM;

	if (now < s->next_try_ms)
		return -EAGAIN;
	if (strlen(s->path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, s->path, strlen(s->path) + 1);
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : BACKOFF_MIN_MS;
		if (s->backoff_ms > BACKOFF_MAX_MS)
			s->backoff_ms = BACKOFF_MAX_MS;
		s->next_try_ms = now + s->backoff_ms;
		return -e;
	}
	s->backoff_ms = 0;
	s->fd = fd;
	s->stalled = false;
	return 0;
}

static void unix_drop(struct nj_sink *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->backoff_ms = BACKOFF_MIN_MS;
	s->next_try_ms = now_ms() + s->backoff_ms;
}

struct nj_sink *nj_sink_unix_open(const char *path, bool stream)
{
	struct nj_sink *s = sink_new(stream ? SINK_UNIX_STREAM : SINK_UNIX_DGRAM, path);

	if (!s)
		return NULL;
	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		nj_sink_free(s);
		errno = ENAMETOOLONG;
		return NULL;
	}
	unix_connect(s);        /* the listener may come later */
	return s;
}

/* Writes the whole line to a file or stdout. A line cut short (disk full,
 * file size limit) is cut back off the file so no torn line remains; on a
 * pipe, where that is impossible, the line is ended instead. */
static int write_fd(struct nj_sink *s, const uint8_t *p, size_t len)
{
	size_t done = 0;
	off_t start = -1;
	int tries = 0, e = 0;

	while (done < len) {
		ssize_t n = write(s->fd, p + done, len - done);
		if (n > 0) {
			if (done == 0 && (size_t)n < len && s->kind == SINK_FILE) {
				off_t end = lseek(s->fd, 0, SEEK_CUR);
				start = end >= 0 ? end - n : -1;
			}
			done += (size_t)n;
			continue;
		}
		e = n < 0 ? errno : ENOSPC;
		if ((e == EINTR || e == EAGAIN) && ++tries < 4)
			continue;
		break;
	}
	if (done == len)
		return 0;
	if (done > 0) {
		if (start >= 0) {
			if (ftruncate(s->fd, start) < 0) {
				/* keep the file line-based at least */
				if (write(s->fd, "\n", 1) < 0)
					e = errno;
			}
		} else if (write(s->fd, "\n", 1) < 0) {
			e = errno;
		}
	}
	return -(e ? e : EIO);
}

static int send_dgram(struct nj_sink *s, const uint8_t *p, size_t len)
{
	ssize_t n = send(s->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		return -EMSGSIZE;
	if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS && errno != EINTR) {
		int e = errno;
		unix_drop(s);
		return -e;
	}
	return -errno;
}

/* A stream peer must get whole lines: once part of a line is sent, the rest
 * is waited for briefly; failing that the connection is closed so that the
 * reader sees the end of the stream instead of a line glued to the next.
 * A full socket is waited on briefly too, unless the last wait already
 * timed out (a stuck reader must not slow every record down). */
static int send_stream(struct nj_sink *s, const uint8_t *p, size_t len)
{
	size_t done = 0;
	uint64_t deadline = 0;

	while (done < len) {
		ssize_t n = send(s->fd, p + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		int e = n < 0 ? errno : EPIPE;
		if (e == EINTR)
			continue;
		if ((e == EAGAIN || e == EWOULDBLOCK) && (done > 0 || !s->stalled)) {
			uint64_t now = now_ms();
			struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
			if (!deadline)
				deadline = now + STREAM_WAIT_MS;
			if (now < deadline && poll(&pfd, 1, (int)(deadline - now)) > 0)
				continue;
		}
		if (done > 0 || (e != EAGAIN && e != EWOULDBLOCK))
			unix_drop(s);
		else
			s->stalled = true;
		return -e;
	}
	s->stalled = false;
	return 0;
}

/* Standard output may be a pipe whose reader is gone: write() would raise
 * SIGPIPE, and there is no MSG_NOSIGNAL for pipes. SIGPIPE is blocked in
 * this thread for the write and a signal it raised is taken back. */
static int write_stdout(struct nj_sink *s, const uint8_t *p, size_t len)
{
	sigset_t pipe_set, old;
	int rc;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	rc = write_fd(s, p, len);
	if (rc == -EPIPE && !sigismember(&old, SIGPIPE)) {
		struct timespec zero = { 0, 0 };
		sigtimedwait(&pipe_set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int nj_sink_write(struct nj_sink *s, const void *line, size_t len)
{
	int rc = 0;

	if (!s || len == 0)
		return 0;
	pthread_mutex_lock(&s->lock);
	switch (s->kind) {
	case SINK_FILE:
		rc = s->fd >= 0 ? write_fd(s, line, len) : -EBADF;
		break;
	case SINK_STDOUT:
		rc = write_stdout(s, line, len);
		break;
	case SINK_SYSLOG: {
		size_t n = len;
		if (n && ((const char *)line)[n - 1] == '\n')
			n--;
		syslog(s->priority, "%.*s", (int)n, (const char *)line);
		break;
	}
	case SINK_UNIX_DGRAM:
	case SINK_UNIX_STREAM:
		if (s->fd < 0 && (rc = unix_connect(s)) < 0)
			break;
		rc = s->kind == SINK_UNIX_DGRAM ? send_dgram(s, line, len)
						: send_stream(s, line, len);
		break;
	}
	pthread_mutex_unlock(&s->lock);
	if (rc < 0)
		count_error();
	return rc;
}

int nj_sink_reopen(struct nj_sink *s)
{
	int rc = 0, fd;

	if (!s)
		return 0;
	switch (s->kind) {
	case SINK_FILE:
		fd = open_file(s->path);
		if (fd < 0)
			return -errno;
		pthread_mutex_lock(&s->lock);
		close(s->fd);
		s->fd = fd;
		pthread_mutex_unlock(&s->lock);
		break;
	case SINK_UNIX_DGRAM:
	case SINK_UNIX_STREAM:
		pthread_mutex_lock(&s->lock);
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		s->next_try_ms = 0;
		s->backoff_ms = 0;
		rc = unix_connect(s);
		pthread_mutex_unlock(&s->lock);
		break;
	default:
		break;
	}
	return rc;
}

static int join_path(char *out, size_t len, const char *dir, const char *name)
{
	int n;

	if (name[0] == '/' || !dir || !dir[0])
		n = snprintf(out, len, "%s", name);
	else
		n = snprintf(out, len, "%s/%s", dir, name);
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

static int open_one(struct nj_sinks *set, const struct nj_config *cfg, const char *prefix,
		    const char *type, const char *log_dir, const char *default_name,
		    char *err, size_t errlen)
{
	char key[256], path[4096];
	const char *name;
	struct nj_sink *s = NULL;
	bool sock = !strcasecmp(type, "unix_dgram") || !strcasecmp(type, "unix_stream");
	int rc;

	snprintf(path, sizeof(path), "%s", type);

	if (set->n == NJ_SINKS_MAX) {
		snprintf(err, errlen, "%s: too many sinks", prefix);
		return -E2BIG;
	}
	if (!strcasecmp(type, "regular") || !strcasecmp(type, "file") || sock) {
		snprintf(key, sizeof(key), "%s.%s", prefix, "socket");
		name = sock ? nj_config_get(cfg, key) : NULL;
		if (!name) {
			snprintf(key, sizeof(key), "%s.filename", prefix);
			name = nj_config_get_str(cfg, key, default_name);
		}
		rc = join_path(path, sizeof(path), log_dir, name);
		if (rc < 0) {
			snprintf(err, errlen, "%s: path too long", prefix);
			return rc;
		}
		s = sock ? nj_sink_unix_open(path, !strcasecmp(type, "unix_stream"))
			 : nj_sink_file_open(path);
	} else if (!strcasecmp(type, "syslog")) {
		char kf[256], kl[256], ki[256];
		snprintf(kf, sizeof(kf), "%s.facility", prefix);
		snprintf(kl, sizeof(kl), "%s.level", prefix);
		snprintf(ki, sizeof(ki), "%s.identity", prefix);
		snprintf(path, sizeof(path), "%s", nj_config_get_str(cfg, ki, "nightjar"));
		s = nj_sink_syslog_open(path, nj_config_get_str(cfg, kf, "local5"),
					nj_config_get_str(cfg, kl, "info"));
	} else if (!strcasecmp(type, "stdout") || !strcasecmp(type, "console")) {
		s = nj_sink_stdout_open();
	} else {
		snprintf(err, errlen, "%s.filetype: unknown sink type '%s'", prefix, type);
		return -EINVAL;
	}
	if (!s) {
		rc = -errno;
		snprintf(err, errlen, "%s (%s): %s: %s", prefix, type, path, strerror(errno));
		return rc ? rc : -ENOMEM;
	}
	set->s[set->n++] = s;
	return 0;
}

int nj_sinks_open(struct nj_sinks *set, const struct nj_config *cfg, const char *prefix,
		  const char *log_dir, const char *default_name, char *err, size_t errlen)
{
	char key[256];
	const char *type;
	size_t n;
	int rc = 0;

	memset(set, 0, sizeof(*set));
	snprintf(key, sizeof(key), "%s.filetype", prefix);
	n = nj_config_seq_len(cfg, key);
	if (n == 0) {
		type = nj_config_get_str(cfg, key, "regular");
		rc = open_one(set, cfg, prefix, type, log_dir, default_name, err, errlen);
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		char ik[300];
		snprintf(ik, sizeof(ik), "%s.%zu", key, i);
		type = nj_config_get_str(cfg, ik, "regular");
		rc = open_one(set, cfg, prefix, type, log_dir, default_name, err, errlen);
	}
	if (rc < 0)
		nj_sinks_close(set);
	return rc;
}

void nj_sinks_write(struct nj_sinks *set, const void *line, size_t len)
{
	for (int i = 0; i < set->n; i++)
		nj_sink_write(set->s[i], line, len);
}

void nj_sinks_reopen(struct nj_sinks *set)
{
	for (int i = 0; i < set->n; i++)
		if (nj_sink_reopen(set->s[i]) < 0)
			count_error();
}

void nj_sinks_close(struct nj_sinks *set)
{
	for (int i = 0; i < set->n; i++)
		nj_sink_free(set->s[i]);
	set->n = 0;
}
