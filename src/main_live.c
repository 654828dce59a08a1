/* Live operation: one thread per packet worker (an AF_PACKET ring in a
 * fanout group, or libpcap), a thread for the system-call sensor, and the
 * main thread writing stats and acting on signals. Each worker owns its
 * flow-table partition and Hyperscan scratch (its bus contexts); the rule
 * set is shared read-only. */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <pwd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#include "capture/afpacket.h"
#include "capture/pcap_live.h"
#include "capture/sensor.h"
#include "core/bus.h"
#include "core/counters.h"
#include "core/event.h"
#include "core/log.h"
#include "core/packet.h"
#include "main_control.h"
#include "main_run.h"
#include "main_stages.h"

struct packet_worker {
	pthread_t thread;
	struct nj_worker w;
	struct nj_afpacket *af;
	struct nj_pcap_live *pl;
	int rc;
};

struct sensor_worker {
	pthread_t thread;
	struct nj_worker w;
	struct nj_sensor *sensor;       /* started before privileges are dropped */
	struct nj_trace *record;
	int rc;
};

static int capture_next(struct packet_worker *pw, struct nj_packet *p)
{
	return pw->af ? nj_afpacket_next(pw->af, p, 200) : nj_pcap_live_next(pw->pl, p, 200);
}

/* Kernel counters are read on the worker's own thread: the counters are
 * per thread and the kernel resets its statistics on every read. */
static void capture_stats(struct packet_worker *pw)
{
	uint64_t pkts, drops;

	if (pw->af)
		nj_afpacket_stats(pw->af, &pkts, &drops);
	else
		nj_pcap_live_stats(pw->pl, &pkts, &drops);
}

/* Names the worker's stats values as Suricata names its workers. */
static void name_thread(int id)
{
	char name[16];

	snprintf(name, sizeof(name), "W#%02d", id + 1);
	nj_counter_thread_name(name);
}

static void *packet_thread(void *arg)
{
	struct packet_worker *pw = arg;
	struct nj_packet p;
	struct nj_event ev = { .kind = NJ_EV_PACKET, .pkt = &p };
	struct timeval now;
	time_t last_stats = 0;

	memset(&p, 0, sizeof(p));
	p.worker = &pw->w;
	name_thread(pw->w.id);
	while (!nj_stop_requested) {
		int rc = capture_next(pw, &p);
		if (rc < 0) {
			nj_err("worker %d: capture: %s", pw->w.id, strerror(-rc));
			pw->rc = rc;
			break;
		}
		if (rc == 1) {
			ev.ts = p.ts;
			nj_run_housekeeping(&pw->w, &p.ts);
			nj_bus_dispatch(&pw->w, &ev);
		}
		gettimeofday(&now, NULL);
		if (rc == 0)
			nj_run_housekeeping(&pw->w, &now);
		if (now.tv_sec != last_stats) {
			last_stats = now.tv_sec;
			capture_stats(pw);
		}
	}
	capture_stats(pw);
	nj_bus_drain(&pw->w);
	nj_worker_fini(&pw->w);
	return NULL;
}

static void *sensor_thread(void *arg)
{
	struct sensor_worker *sw = arg;

	nj_counter_thread_name("syscalls");
	sw->rc = nj_run_sensor_loop(&sw->w, sw->sensor, sw->record);
	nj_worker_fini(&sw->w);
	if (sw->rc < 0)
		nj_stop_requested = 1;
	return NULL;
}

/* Opens every capture handle before any thread starts, so a bad
 * interface or filter fails the start-up with a clear message. */
static struct packet_worker *open_workers(const struct nj_live_opts *o, unsigned *n)
{
	unsigned per = o->pcap ? 1 : o->workers, total = per * o->nifaces, k = 0;
	struct packet_worker *pws = calloc(total, sizeof(*pws));
	char err[256];

	if (!pws)
		return NULL;
	for (unsigned i = 0; i < o->nifaces; i++) {
		for (unsigned j = 0; j < per; j++, k++) {
			struct packet_worker *pw = &pws[k];
			if (o->pcap)
				pw->pl = nj_pcap_live_open(o->ifaces[i], 0, 1, o->cfg, err, sizeof(err));
			else
				pw->af = nj_afpacket_open(o->ifaces[i], j, per, o->cfg, err, sizeof(err));
			if (!pw->af && !pw->pl) {
				nj_err("%s: %s", o->ifaces[i], err);
				*n = k;
				return pws;
			}
		}
	}
	*n = k;
	return pws;
}

static void close_workers(struct packet_worker *pws, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		nj_afpacket_close(pws[i].af);
		nj_pcap_live_close(pws[i].pl);
	}
	free(pws);
}

/* The main thread: stats once a second of wall time, and the signals. */
static void control_loop(void)
{
	struct timeval now;
	time_t last = 0;

	while (!nj_stop_requested) {
		nj_control_poll(200);
		gettimeofday(&now, NULL);
		nj_run_control(now.tv_sec != last ? &now : NULL);
		last = now.tv_sec;
	}
}

/* The log directory and the logs already open in it now belong to the
 * user nightjar runs as, so that rotation (reopen on SIGHUP) still works. */
static void hand_over_logs(const char *dir, uid_t uid, gid_t gid)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4200];

	if (chown(dir, uid, gid) < 0 || !d) {
		nj_warn("log directory %s: cannot hand it to uid %u: %s", dir, (unsigned)uid,
			strerror(errno));
		if (d)
			closedir(d);
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (chown(path, uid, gid) < 0)
			nj_warn("%s: cannot hand it to uid %u: %s", path, (unsigned)uid, strerror(errno));
	}
	closedir(d);
}

/* Gives up root once the capture sockets are open and the BPF programs
 * loaded: nothing the workers do afterwards needs a privilege (reading
 * open rings and ring buffers, reopening logs the user owns). */
static int keep_caps(uint64_t caps)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)caps;
	data[1].effective = data[1].permitted = (uint32_t)(caps >> 32);
	return (int)syscall(SYS_capset, &hdr, data);
}

static int drop_privileges(const char *user, const char *group, const char *log_dir, bool keep_bpf)
{
	struct passwd *pw = NULL;
	struct group *gr = NULL;
	uid_t uid;
	gid_t gid;

	if (!user && !group)
		return 0;
	if (user && !(pw = getpwnam(user))) {
		nj_err("--user %s: no such user", user);
		return -1;
	}
	if (group && !(gr = getgrnam(group))) {
		nj_err("--group %s: no such group", group);
		return -1;
	}
	uid = pw ? pw->pw_uid : getuid();
	gid = gr ? gr->gr_gid : (pw ? pw->pw_gid : getgid());
	if (log_dir)
		hand_over_logs(log_dir, uid, gid);
	/* the sensor keeps reading its maps (drop counters) and may be
	 * reconfigured on reload: CAP_BPF (and CAP_SYS_ADMIN where the kernel
	 * predates it) stay; every other capability goes */
	if (keep_bpf && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
		nj_err("cannot keep capabilities: %s", strerror(errno));
		return -1;
	}
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		nj_err("cannot drop privileges: %s", strerror(errno));
		return -1;
	}
	if (keep_bpf && keep_caps((1ull << CAP_BPF) | (1ull << CAP_SYS_ADMIN)) < 0) {
		nj_err("cannot keep CAP_BPF: %s", strerror(errno));
		return -1;
	}
	if (uid != 0 && setuid(0) == 0) {
		nj_err("privileges could be regained: refusing to run");
		return -1;
	}
	fprintf(stderr, "nightjar: running as uid %u gid %u\n", (unsigned)uid, (unsigned)gid);
	return 0;
}

/* The sensor's lines of the start-up block: how many of the report's
 * hooks are attached, then every report line that is not, indented. */
static void sensor_summary(const char *report, char *out, size_t outlen)
{
	char rest[1024] = "";
	size_t rlen = 0;
	unsigned n = 0, total = 0;

	for (const char *l = report; l && *l;) {
		const char *e = strchr(l, '\n');
		int len = (int)(e ? (size_t)(e - l) : strlen(l));

		if (len) {
			total++;
			if (len >= 8 && memcmp(l + len - 8, "attached", 8) == 0)
				n++;
			else if (rlen < sizeof(rest))
				rlen += (size_t)snprintf(rest + rlen, sizeof(rest) - rlen,
							 "             %.*s\n", len, l);
		}
		l = e ? e + 1 : l + len;
	}
	snprintf(out, outlen, "%u of %u hooks attached\n%s", n, total, rest);
}

/* What was started, in one block. */
static void report_start(const struct nj_live_opts *o, unsigned nworkers, const char *sensor)
{
	fprintf(stderr, "nightjar %s watching:\n", PACKAGE_VERSION);
	fprintf(stderr, "  rules      %s\n", o->rules_summary ? o->rules_summary : "-");
	fprintf(stderr, "  capture    ");
	for (unsigned i = 0; i < o->nifaces; i++)
		fprintf(stderr, "%s%s", i ? ", " : "", o->ifaces[i]);
	fprintf(stderr, " (%s, %u worker%s)\n", o->pcap ? "libpcap" : "AF_PACKET", nworkers,
		nworkers == 1 ? "" : "s");
	fprintf(stderr, "  sensor     %s", sensor ? sensor : "off\n");
	fprintf(stderr, "  logs       %s\n", o->log_dir ? o->log_dir : "-");
	fprintf(stderr, "  control    %s\n", nj_control_path() ? nj_control_path() : "off");
}

int nj_run_live(const struct nj_live_opts *o)
{
	struct sensor_worker sw = { .record = o->record };
	struct packet_worker *pws;
	unsigned n = 0, started = 0, expected = (o->pcap ? 1 : o->workers) * o->nifaces;
	bool sensor_started = false;
	char sensor_text[1200];
	int rc = 0;

	pws = open_workers(o, &n);
	if (!pws || n != expected) {
		if (pws)
			close_workers(pws, n);
		return -1;
	}
	if (o->sensor) {
		if (nj_worker_init(&sw.w, (int)n, false) < 0 ||
		    !(sw.sensor = nj_run_sensor_start(&sw.w, o->cfg, false))) {
			nj_err("cannot start the sensor");
			close_workers(pws, n);
			return -1;
		}
	}
	if (drop_privileges(o->user, o->group, o->log_dir, sw.sensor != NULL) < 0) {
		if (sw.sensor) {
			nj_sensor_stop(sw.sensor);
			nj_sensor_free(sw.sensor);
			nj_worker_fini(&sw.w);
		}
		close_workers(pws, n);
		return -1;
	}
	for (; started < n; started++) {
		if (nj_worker_init(&pws[started].w, (int)started, false) < 0 ||
		    pthread_create(&pws[started].thread, NULL, packet_thread, &pws[started]) != 0) {
			nj_err("cannot start worker %u", started);
			nj_stop_requested = 1;
			rc = -1;
			break;
		}
	}
	if (sw.sensor) {
		/* read before the thread owns (and at the end frees) the sensor */
		sensor_summary(nj_sensor_report(sw.sensor), sensor_text, sizeof(sensor_text));
		if (rc == 0 && pthread_create(&sw.thread, NULL, sensor_thread, &sw) == 0) {
			sensor_started = true;
		} else {
			nj_err("cannot start the sensor thread");
			nj_sensor_stop(sw.sensor);
			nj_sensor_free(sw.sensor);
			nj_worker_fini(&sw.w);
		}
	}
	report_start(o, n, sensor_started ? sensor_text : NULL);
	control_loop();
	for (unsigned i = 0; i < started; i++) {
		pthread_join(pws[i].thread, NULL);
		if (pws[i].rc < 0)
			rc = -1;
	}
	if (sensor_started) {
		pthread_join(sw.thread, NULL);
		if (sw.rc < 0)
			rc = -1;
	}
	close_workers(pws, n);
	return rc;
}
