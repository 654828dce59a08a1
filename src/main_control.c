/* The unix control socket. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"

#include "core/config.h"
#include "core/json.h"
#include "core/log.h"
#include "main_control.h"
#include "output/eve.h"

static struct {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const struct nj_control_ops *ops;
	struct timeval start;
} ctl = { .fd = -1 };

static int make_dirs(const char *path)
{
	char dir[sizeof(ctl.path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if (!(slash = strrchr(dir, '/')) || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	return mkdir(dir, 0750) < 0 && errno != EEXIST ? -errno : 0;
}

int nj_control_open(const struct nj_config *cfg, const struct nj_control_ops *ops)
{
	const char *path = nj_config_get_str(cfg, "unix-command.filename", "/run/nightjar/nightjar.sock");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!nj_config_get_bool(cfg, "unix-command.enabled", true))
		return 0;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		nj_err("control socket %s: path too long", path);
		return -1;
	}
	snprintf(ctl.path, sizeof(ctl.path), "%s", path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	make_dirs(path);
	unlink(path);
	ctl.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (ctl.fd < 0 || bind(ctl.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ctl.fd, 8) < 0) {
		nj_err("control socket %s: %s", path, strerror(errno));
		nj_control_close();
		return -1;
	}
	chmod(path, 0660);
	ctl.ops = ops;
	gettimeofday(&ctl.start, NULL);
	return 0;
}

const char *nj_control_path(void)
{
	return ctl.fd >= 0 ? ctl.path : NULL;
}

void nj_control_close(void)
{
	if (ctl.fd >= 0) {
		close(ctl.fd);
		unlink(ctl.path);
	}
	ctl.fd = -1;
}

/* The command of a request: {"command":"stats"} or a bare word. */
static void command_of(const char *req, char *cmd, size_t len)
{
	const char *p = strstr(req, "\"command\"");

	if (p && (p = strchr(p + 9, '"'))) {
		const char *e = strchr(++p, '"');
		size_t n = e ? (size_t)(e - p) : 0;
		snprintf(cmd, len, "%.*s", (int)(n < len ? n : len - 1), p);
		return;
	}
	while (*req == ' ')
		req++;
	snprintf(cmd, len, "%.*s", (int)strcspn(req, " \r\n"), req);
}

static void reply(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
	send(fd, "\n", 1, MSG_NOSIGNAL);
}

static void serve(int fd)
{
	char req[256] = "", cmd[32], buf[1024];
	struct pollfd pfd = { fd, POLLIN, 0 };
	ssize_t n = 0;

	if (poll(&pfd, 1, 1000) == 1)
		n = recv(fd, req, sizeof(req) - 1, 0);
	req[n > 0 ? n : 0] = '\0';
	command_of(req, cmd, sizeof(cmd));
	if (strcmp(cmd, "stats") == 0) {
		struct nj_json j;
		struct timeval now;
		nj_json_init(&j);
		gettimeofday(&now, NULL);
		if (nj_eve_format_stats(&j, &now, (uint64_t)(now.tv_sec - ctl.start.tv_sec)) == 0 && !j.oom) {
			nj_json_raw(&j, "", 1);         /* the terminating NUL */
			reply(fd, j.buf);
		} else {
			reply(fd, "{\"return\":\"NOK\",\"message\":\"out of memory\"}");
		}
		nj_json_free(&j);
	} else if (strcmp(cmd, "reload") == 0 && ctl.ops && ctl.ops->reload) {
		ctl.ops->reload(buf, sizeof(buf));
		reply(fd, buf);
	} else if (strcmp(cmd, "rules") == 0 && ctl.ops && ctl.ops->rules) {
		ctl.ops->rules(buf, sizeof(buf));
		reply(fd, buf);
	} else if (strcmp(cmd, "version") == 0) {
		reply(fd, "{\"return\":\"OK\",\"version\":\"" PACKAGE_VERSION "\"}");
	} else {
		reply(fd, "{\"return\":\"NOK\",\"message\":\"unknown command: use stats, reload, rules "
			  "or version\"}");
	}
}

void nj_control_poll(int timeout_ms)
{
	struct pollfd pfd = { ctl.fd, POLLIN, 0 };

	if (ctl.fd < 0) {
		if (timeout_ms > 0)
			usleep((useconds_t)timeout_ms * 1000);
		return;
	}
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return;
	for (;;) {
		int c = accept4(ctl.fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			return;
		serve(c);
		close(c);
	}
}
