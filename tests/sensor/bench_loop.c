/* Syscall-heavy workload for scripts/bench-syscalls: open/close of a file
 * and a loopback connect/accept/close for SECS seconds, as fast as possible
 * or paced to RATE calls per second.
 *   bench_loop [SECS [RATE]]
 * Prints "ops <calls> seconds <s> rate <calls/s>". */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 5, t0 = now(), t;
	double rate = argc > 2 ? atof(argv[2]) : 0;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	unsigned long long ops = 0;
	int l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 128) ||
	    getsockname(l, (struct sockaddr *)&a, &len)) {
		perror("listener");
		return 1;
	}
	do {
		for (int i = 0; i < 100; i++) {
			int fd = open("/etc/hostname", O_RDONLY);

			close(fd);
			ops += 2;
		}
		for (int i = 0; i < 5; i++) {
			int c = socket(AF_INET, SOCK_STREAM, 0), s;

			if (connect(c, (struct sockaddr *)&a, sizeof(a)) == 0) {
				s = accept(l, NULL, NULL);
				close(s);
			}
			close(c);
			ops += 5;
		}
		t = now();
		if (rate > 0 && t - t0 < (double)ops / rate) {
			double d = (double)ops / rate - (t - t0);
			struct timespec ts = { (time_t)d, (long)((d - (time_t)d) * 1e9) };

			nanosleep(&ts, NULL);
			t = now();
		}
	} while (t - t0 < secs);
	printf("ops %llu seconds %.2f rate %.0f\n", ops, t - t0, (double)ops / (t - t0));
	return 0;
}
