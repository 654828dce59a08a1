/* nightjarctl: asks a running nightjar over its control socket.
 *
 *   nightjarctl [-s SOCKET] stats|reload|rules|version
 *
 * Prints the JSON reply; exits 0 when the reply says "OK" (stats always
 * does), 1 when it says otherwise, 2 on a usage or connection error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = "/run/nightjar/nightjar.sock", *cmd;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char req[128], buf[65536];
	size_t got = 0;
	int fd, argi = 1;

	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		path = argv[2];
		argi = 3;
	}
	if (argi != argc - 1) {
		fprintf(stderr, "usage: nightjarctl [-s SOCKET] stats|reload|rules|version\n");
		return 2;
	}
	cmd = argv[argi];
	if (strlen(path) >= sizeof(sa.sun_path) || strpbrk(cmd, "\"\\\n")) {
		fprintf(stderr, "nightjarctl: invalid socket path or command\n");
		return 2;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "nightjarctl: %s: %s\n", path, strerror(errno));
		return 2;
	}
	snprintf(req, sizeof(req), "{\"command\":\"%s\"}\n", cmd);
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "nightjarctl: %s\n", strerror(errno));
		return 2;
	}
	for (;;) {
		ssize_t n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof(buf) - 1 || memchr(buf, '\n', got))
			break;
	}
	close(fd);
	buf[got] = '\0';
	if (!got) {
		fprintf(stderr, "nightjarctl: no reply\n");
		return 2;
	}
	fputs(buf, stdout);
	if (buf[got - 1] != '\n')
		putchar('\n');
	return strstr(buf, "\"return\":\"NOK\"") ? 1 : 0;
}
