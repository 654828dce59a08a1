/* Test driver for the live capture backends: opens N workers on one
 * interface, counts what each receives and prints the counts as JSON.
 *
 *   capture_probe --iface IF [--backend afpacket|pcap] [--workers N]
 *                 [--count N] [--seconds S] [--idle-ms MS] [--flows]
 *                 [--ready FILE] [--set key=value]...
 *
 * It stops when --count packets were seen (after a short linger that
 * catches any extra packet), after --seconds, or --idle-ms after the last
 * packet. --flows lists, per worker, the flows (protocol and both
 * endpoints, in a fixed order) it saw. --ready FILE is created once every
 * worker is capturing. Exit 0, or 1 when a backend cannot be opened.
 */
#include <errno.h>
#include <inttypes.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/afpacket.h"
#include "capture/pcap_live.h"
#include "core/bytes.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/packet.h"

#define MAX_WORKERS 16
#define MAX_FLOW_KEYS 2000000
#define KEY_LEN 160

struct worker {
	pthread_t tid;
	struct nj_afpacket *af;
	struct nj_pcap_live *pl;
	uint64_t packets, bytes, vlan_frames;
	char (*keys)[KEY_LEN];
	size_t nkeys, cap;
	int error;
};

static struct worker workers[MAX_WORKERS];
static atomic_uint_fast64_t total;
static atomic_uint_fast64_t last_pkt_ms;
static atomic_int stop;
static bool want_flows;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void endpoint(char *buf, size_t len, int af, const uint8_t *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(af, addr, a, sizeof(a));
	snprintf(buf, len, af == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

/* "proto lowendpoint highendpoint" of an IPv4/IPv6 packet over Ethernet,
 * empty for anything else. */
static void flow_key(const uint8_t *d, uint32_t len, char *key, uint64_t *vlan)
{
	uint32_t off = 12, l3;
	uint16_t type, sport = 0, dport = 0;
	uint8_t proto, v;
	int af, alen;
	char e1[64], e2[64];

	key[0] = 0;
	if (!nj_get_be16(d, len, off, &type))
		return;
	while (type == 0x8100 || type == 0x88a8) {
		(*vlan)++;
		off += 4;
		if (!nj_get_be16(d, len, off, &type))
			return;
	}
	l3 = off + 2;
	if (type == 0x0800 && nj_get_u8(d, len, l3, &v) && nj_has(len, l3, 20)) {
		uint16_t frag = 0;
		af = AF_INET, alen = 4;
		proto = d[l3 + 9];
		nj_get_be16(d, len, l3 + 6, &frag);
		off = l3 + (uint32_t)(v & 0x0f) * 4;
		if (frag & 0x1fff)
			proto = 0; /* not the first fragment: no ports */
	} else if (type == 0x86dd && nj_has(len, l3, 40)) {
		af = AF_INET6, alen = 16;
		proto = d[l3 + 6];
		off = l3 + 40;
	} else {
		return;
	}
	if (proto == 6 || proto == 17) {
		nj_get_be16(d, len, off, &sport);
		nj_get_be16(d, len, off + 2, &dport);
	}
	const uint8_t *src = d + l3 + (af == AF_INET ? 12 : 8);
	const uint8_t *dst = src + alen;
	int c = memcmp(src, dst, (size_t)alen);
	if (c > 0 || (c == 0 && sport > dport)) {
		const uint8_t *t = src;
		uint16_t tp = sport;
		src = dst, dst = t, sport = dport, dport = tp;
	}
	endpoint(e1, sizeof(e1), af, src, sport);
	endpoint(e2, sizeof(e2), af, dst, dport);
	snprintf(key, KEY_LEN, "%u %s %s", proto, e1, e2);
}

static void add_key(struct worker *w, const char *key)
{
	if (!*key || w->nkeys == MAX_FLOW_KEYS)
		return;
	if (w->nkeys && strcmp(w->keys[w->nkeys - 1], key) == 0)
		return;
	if (w->nkeys == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 1024;
		void *k = realloc(w->keys, cap * KEY_LEN);
		if (!k)
			return;
		w->keys = k;
		w->cap = cap;
	}
	memcpy(w->keys[w->nkeys++], key, KEY_LEN);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct nj_packet p;
	char key[KEY_LEN];

	while (!atomic_load(&stop)) {
		int rc;
		memset(&p, 0, sizeof(p));
		rc = w->af ? nj_afpacket_next(w->af, &p, 100) : nj_pcap_live_next(w->pl, &p, 100);
		if (rc < 0) {
			w->error = rc;
			break;
		}
		if (rc == 0)
			continue;
		w->packets++;
		w->bytes += p.caplen;
		if (want_flows) {
			flow_key(p.data, p.caplen, key, &w->vlan_frames);
			add_key(w, key);
		}
		atomic_fetch_add(&total, 1);
		atomic_store(&last_pkt_ms, now_ms());
	}
	/* Stats and close on this thread, so the counters land in its block. */
	if (w->af)
		nj_afpacket_close(w->af);
	else
		nj_pcap_live_close(w->pl);
	return NULL;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void print_worker(const struct worker *w, bool last)
{
	printf("    {\"packets\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"vlan_frames\": %" PRIu64
	       ", \"error\": %d", w->packets, w->bytes, w->vlan_frames, w->error);
	if (want_flows) {
		printf(", \"flows\": [");
		for (size_t i = 0; i < w->nkeys; i++) {
			if (i && strcmp(w->keys[i], w->keys[i - 1]) == 0)
				continue;
			printf("%s\"%s\"", i ? ", " : "", w->keys[i]);
		}
		printf("]");
	}
	printf("}%s\n", last ? "" : ",");
}

static void wait_done(uint64_t count, double seconds, unsigned idle_ms)
{
	uint64_t start = now_ms(), reached = 0;

	for (;;) {
		uint64_t t = now_ms(), n = atomic_load(&total);
		if (seconds > 0 && t - start >= (uint64_t)(seconds * 1000))
			return;
		if (count && n >= count) {
			if (!reached)
				reached = t;
			else if (t - reached >= 300)
				return;
		}
		if (idle_ms && n && t - atomic_load(&last_pkt_ms) >= idle_ms)
			return;
		usleep(10000);
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: capture_probe --iface IF [--backend afpacket|pcap] [--workers N] [--count N]\n"
			"                     [--seconds S] [--idle-ms MS] [--flows] [--ready FILE] [--set k=v]\n");
	return 2;
}

static int bad_usage(struct nj_config *cfg)
{
	nj_config_free(cfg);
	return usage();
}

int main(int argc, char **argv)
{
	const char *iface = NULL, *backend = "afpacket", *ready = NULL;
	unsigned nworkers = 1, idle_ms = 0;
	uint64_t count = 0, sum_pkts = 0, sum_bytes = 0;
	double seconds = 0;
	struct nj_config *cfg = nj_config_new();
	char err[512];

	if (!cfg)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--flows")) {
			want_flows = true;
			continue;
		}
		if (!v)
			return bad_usage(cfg);
		i++;
		if (!strcmp(a, "--iface"))
			iface = v;
		else if (!strcmp(a, "--backend"))
			backend = v;
		else if (!strcmp(a, "--workers"))
			nworkers = (unsigned)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--count"))
			count = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--seconds"))
			seconds = strtod(v, NULL);
		else if (!strcmp(a, "--idle-ms"))
			idle_ms = (unsigned)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--ready"))
			ready = v;
		else if (!strcmp(a, "--set")) {
			if (nj_config_set_kv(cfg, v) < 0)
				return bad_usage(cfg);
		} else
			return bad_usage(cfg);
	}
	if (!iface || nworkers < 1 || nworkers > MAX_WORKERS || (strcmp(backend, "afpacket") && strcmp(backend, "pcap")))
		return bad_usage(cfg);
	if (!count && seconds <= 0 && !idle_ms)
		seconds = 10;

	for (unsigned i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];
		if (!strcmp(backend, "afpacket"))
			w->af = nj_afpacket_open(iface, i, nworkers, cfg, err, sizeof(err));
		else
			w->pl = nj_pcap_live_open(iface, i, nworkers, cfg, err, sizeof(err));
		if (!w->af && !w->pl) {
			fprintf(stderr, "capture_probe: %s\n", err);
			for (unsigned j = 0; j < i; j++) {
				nj_afpacket_close(workers[j].af);
				nj_pcap_live_close(workers[j].pl);
			}
			nj_config_free(cfg);
			return 1;
		}
	}
	for (unsigned i = 0; i < nworkers; i++)
		pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]);
	if (ready) {
		FILE *f = fopen(ready, "w");
		if (f)
			fclose(f);
	}
	wait_done(count, seconds, idle_ms);
	atomic_store(&stop, 1);
	printf("{\"backend\": \"%s\", \"workers\": [\n", backend);
	for (unsigned i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];
		pthread_join(w->tid, NULL);
		if (w->nkeys)
			qsort(w->keys, w->nkeys, KEY_LEN, key_cmp);
		print_worker(w, i + 1 == nworkers);
		sum_pkts += w->packets;
		sum_bytes += w->bytes;
		free(w->keys);
	}
	printf("  ], \"packets\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"kernel_packets\": %" PRIu64
	       ", \"kernel_drops\": %" PRIu64 ", \"errors\": %" PRIu64 "}\n",
	       sum_pkts, sum_bytes, nj_counter_get_by_name("capture.kernel_packets"),
	       nj_counter_get_by_name("capture.kernel_drops"), nj_counter_get_by_name("capture.errors"));
	nj_config_free(cfg);
	return 0;
}
