/* nightjar: command line, start-up, run loop, signals. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#include "capture/afpacket.h"
#include "capture/pcap_file.h"
#include "core/bus.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/event.h"
#include "core/log.h"
#include "core/packet.h"
#include "decode/decode.h"
#include "detect/engine.h"
#include "detect/prefilter.h"
#include "capture/trace.h"
#include "main_control.h"
#include "main_run.h"
#include "detect/threshold.h"
#include "main_stages.h"

/* Exit codes (documented in README.md and nightjar(8)). */
enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,       /* input unreadable, output not writable */
	EXIT_USAGE = 2,         /* bad command line */
	EXIT_CONFIG = 3,        /* configuration or rule errors (-T, --strict) */
};

#define MAX_LIST 64

struct options {
	const char *read_path;
	const char *config;
	const char *rule_files[MAX_LIST];
	int nrule_files;
	const char *sets[MAX_LIST];
	int nsets;
	const char *log_dir;
	const char *checksums;
	const char *ifaces[MAX_LIST];   /* live capture (-i), repeatable */
	unsigned nifaces;
	unsigned workers;               /* --workers, per interface */
	bool pcap_live;
	const char *syscall_trace;      /* replay (--syscall-trace) */
	const char *record_syscalls;    /* record (--record-syscalls) */
	bool sensor;
	bool daemon;                    /* -D */
	const char *user, *group;       /* --user, --group (live capture) */
	const char *pidfile;
	bool test_only, strict, dump_rules, quiet, verbose;
	bool simulate_ips;              /* --simulate-ips: config ips: simulate */
};

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		nj_reopen_requested = 1;
	else if (sig == SIGUSR1)
		nj_stats_requested = 1;
	else
		nj_stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: nightjar [options]\n"
		"\n"
		"  -i IFACE            capture live on an interface (AF_PACKET); repeatable\n"
		"  --workers N         packet worker threads per interface (default: CPUs)\n"
		"  --pcap-live         capture with libpcap instead of AF_PACKET\n"
		"  -r PATH             read packets from a pcap/pcapng file or a directory of them\n"
		"  --syscall-trace F   replay system calls from a trace file (merged with -r by time)\n"
		"  --sensor            watch system calls live with the eBPF sensor (root)\n"
		"  --record-syscalls F write every system-call event to a trace file\n"
		"  -D                  run as a daemon (messages go to nightjar.log in the log directory)\n"
		"  --pidfile FILE      write the process id to FILE (removed at exit)\n"
		"  --user U, --group G run as U:G once capture sockets and BPF programs are open\n"
		"  -c FILE             configuration file (default: %s/nightjar.yaml)\n"
		"  -S FILE             rule file; repeatable; replaces the config's rule-files\n"
		"  -l DIR              log directory (default: the config's default-log-dir)\n"
		"  -k all|none         validate checksums (all) or not (none); default all\n"
		"  --set KEY=VALUE     override a configuration key; repeatable\n"
		"  --simulate-ips      act on drop/reject rules as inline (same as --set ips=simulate)\n"
		"  -T                  check the configuration and rules, then exit\n"
		"  --strict            treat rejected or unsupported rules as errors\n"
		"  --dump-rules        print the canonical form of every loaded rule\n"
		"  -q                  quiet: no start-up report\n"
		"  -v                  verbose diagnostics\n"
		"  -V                  print the version and exit\n"
		"  -h                  this help\n"
		"\n"
		"Exit status: 0 success, 1 runtime error, 2 usage error, 3 configuration or rule error.\n",
		NJ_SYSCONFDIR);
}

static int parse_args(int argc, char **argv, struct options *o)
{
	enum { OPT_SET = 256, OPT_STRICT, OPT_DUMP, OPT_TRACE, OPT_RECORD, OPT_SENSOR, OPT_WORKERS,
	       OPT_PCAP_LIVE, OPT_PIDFILE, OPT_USER, OPT_GROUP, OPT_SIMULATE_IPS };
	static const struct option longopts[] = {
		{ "set", required_argument, NULL, OPT_SET },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "dump-rules", no_argument, NULL, OPT_DUMP },
		{ "syscall-trace", required_argument, NULL, OPT_TRACE },
		{ "record-syscalls", required_argument, NULL, OPT_RECORD },
		{ "sensor", no_argument, NULL, OPT_SENSOR },
		{ "workers", required_argument, NULL, OPT_WORKERS },
		{ "pcap-live", no_argument, NULL, OPT_PCAP_LIVE },
		{ "pidfile", required_argument, NULL, OPT_PIDFILE },
		{ "user", required_argument, NULL, OPT_USER },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "simulate-ips", no_argument, NULL, OPT_SIMULATE_IPS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "Di:r:c:S:s:l:k:TqvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': o->daemon = true; break;
		case OPT_PIDFILE: o->pidfile = optarg; break;
		case OPT_USER: o->user = optarg; break;
		case OPT_GROUP: o->group = optarg; break;
		case 'i':
			if (o->nifaces == MAX_LIST)
				return -1;
			o->ifaces[o->nifaces++] = optarg;
			break;
		case OPT_WORKERS:
			o->workers = (unsigned)atoi(optarg);
			if (o->workers < 1 || o->workers > 64) {
				fprintf(stderr, "nightjar: --workers takes 1 to 64\n");
				return -1;
			}
			break;
		case OPT_PCAP_LIVE: o->pcap_live = true; break;
		case 'r': o->read_path = optarg; break;
		case 'c': o->config = optarg; break;
		case 'S':
		case 's':
			if (o->nrule_files == MAX_LIST)
				return -1;
			o->rule_files[o->nrule_files++] = optarg;
			break;
		case 'l': o->log_dir = optarg; break;
		case 'k':
			if (strcmp(optarg, "all") && strcmp(optarg, "none")) {
				fprintf(stderr, "nightjar: -k takes 'all' or 'none'\n");
				return -1;
			}
			o->checksums = optarg;
			break;
		case OPT_SET:
			if (o->nsets == MAX_LIST || !strchr(optarg, '=')) {
				fprintf(stderr, "nightjar: --set takes KEY=VALUE\n");
				return -1;
			}
			o->sets[o->nsets++] = optarg;
			break;
		case OPT_STRICT: o->strict = true; break;
		case OPT_SIMULATE_IPS: o->simulate_ips = true; break;
		case OPT_DUMP: o->dump_rules = true; break;
		case OPT_TRACE: o->syscall_trace = optarg; break;
		case OPT_RECORD: o->record_syscalls = optarg; break;
		case OPT_SENSOR: o->sensor = true; break;
		case 'T': o->test_only = true; break;
		case 'q': o->quiet = true; break;
		case 'v': o->verbose = true; break;
		case 'V':
			printf("nightjar %s\n", PACKAGE_VERSION);
			exit(EXIT_OK);
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nightjar: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* The configuration used when -c is not given: the installed one, else
 * the one beside the sources (for running from the build tree). */
static const char *default_config(void)
{
	static const char *const candidates[] = {
		NJ_SYSCONFDIR "/nightjar.yaml",
		NJ_SRCDIR "/nightjar.yaml",
	};

	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (access(candidates[i], R_OK) == 0)
			return candidates[i];
	return NULL;
}

/* Resolves a path from the config against base unless it is absolute; a
 * path too long for out becomes "" (no file). */
static void resolve(const char *base, const char *path, char *out, size_t len)
{
	int n;

	if (path[0] == '/' || !base || !base[0])
		n = snprintf(out, len, "%s", path);
	else
		n = snprintf(out, len, "%s/%s", base, path);
	if (n < 0 || (size_t)n >= len)
		out[0] = '\0';
}

static struct nj_config *load_config(const struct options *o, char *cfg_dir, size_t cfg_dir_len)
{
	struct nj_config *cfg = nj_config_new();
	const char *path = o->config ? o->config : default_config();
	char err[512];

	if (!cfg)
		return NULL;
	cfg_dir[0] = '\0';
	if (path) {
		if (nj_config_load_file(cfg, path, err, sizeof(err)) < 0) {
			nj_err("configuration %s: %s", path, err);
			nj_config_free(cfg);
			return NULL;
		}
		snprintf(cfg_dir, cfg_dir_len, "%s", path);
		char *slash = strrchr(cfg_dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(cfg_dir, cfg_dir_len, ".");
	} else if (o->config == NULL) {
		nj_warn("no configuration file found; using built-in defaults");
	}
	for (int i = 0; i < o->nsets; i++) {
		if (nj_config_set_kv(cfg, o->sets[i]) < 0) {
			nj_err("--set %s: invalid", o->sets[i]);
			nj_config_free(cfg);
			return NULL;
		}
	}
	if (o->simulate_ips && nj_config_set_kv(cfg, "ips=simulate") < 0) {
		nj_config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* threshold-file (Suricata's key), when the configuration names one. */
static void load_threshold(struct nj_ruleset *rs, const struct nj_config *cfg, const char *cfg_dir)
{
	const char *thr = nj_config_get(cfg, "threshold-file");
	char path[4096];
	int rc;

	if (!thr)
		return;
	resolve(cfg_dir, thr, path, sizeof(path));
	if ((rc = nj_ruleset_load_threshold_config(rs, path)) < 0)
		nj_warn("threshold file %s: %s", path, strerror(-rc));
}

/* Rule files: -S wins; else the config's rule-files under default-rule-path;
 * then the threshold file. */
static int load_rules(struct nj_ruleset *rs, const struct nj_config *cfg, const struct options *o,
		      const char *cfg_dir)
{
	char path[4096], base[4096];
	const char *cls = nj_config_get_str(cfg, "classification-file", "classification.config");
	const char *rule_path = nj_config_get_str(cfg, "default-rule-path", cfg_dir);
	int rc;

	resolve(cfg_dir, rule_path, base, sizeof(base));
	resolve(base, cls, path, sizeof(path));
	if ((rc = nj_ruleset_load_classification(rs, path)) < 0)
		nj_warn("classification file %s: %s", path, strerror(-rc));
	if (o->nrule_files) {
		for (int i = 0; i < o->nrule_files; i++) {
			if ((rc = nj_ruleset_load_file(rs, o->rule_files[i])) < 0) {
				nj_err("rule file %s: %s", o->rule_files[i], strerror(-rc));
				return -1;
			}
		}
		load_threshold(rs, cfg, cfg_dir);
		return 0;
	}
	size_t n = nj_config_seq_len(cfg, "rule-files");
	for (size_t i = 0; i < n; i++) {
		char key[64];
		snprintf(key, sizeof(key), "rule-files.%zu", i);
		resolve(base, nj_config_get(cfg, key), path, sizeof(path));
		if ((rc = nj_ruleset_load_file(rs, path)) < 0)
			nj_warn("rule file %s: %s", path, strerror(-rc));
	}
	load_threshold(rs, cfg, cfg_dir);
	return 0;
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void format_rules(const struct nj_ruleset *rs, double secs, char *buf, size_t len)
{
	struct nj_pf_stats st = { 0 };

	if (rs->pf)
		nj_prefilter_stats(rs->pf, &st);
	snprintf(buf, len,
		 "%u loaded, %u rejected, %u unsupported, %u duplicate "
		 "(%.2f s; %u groups, %u databases (%u from cache), %u patterns)",
		 rs->stats.loaded, rs->stats.rejected, rs->stats.unsupported, rs->stats.duplicate, secs,
		 st.groups, st.databases, st.cache_hits, st.patterns);
}

static void report_rules(const struct nj_ruleset *rs, double secs)
{
	char line[512];

	format_rules(rs, secs, line, sizeof(line));
	fprintf(stderr, "nightjar: rules: %s\n", line);
}

/* Loads and compiles the rule files into a new rule set (keeping old's
 * state ids when given). NULL, with *exit_code set, on a failure that
 * must stop the start-up or the reload. */
static struct nj_ruleset *build_ruleset(const struct nj_config *cfg, const struct options *o,
					const char *cfg_dir, const struct nj_ruleset *old, int *exit_code)
{
	struct nj_ruleset *rs = nj_ruleset_new(cfg);
	char err[512];

	*exit_code = EXIT_RUNTIME;
	if (!rs || nj_ruleset_inherit(rs, old) < 0)
		goto fail;
	rs->strict = o->strict;
	if (load_rules(rs, cfg, o, cfg_dir) < 0) {
		*exit_code = EXIT_CONFIG;
		goto fail;
	}
	if (nj_ruleset_compile(rs, err, sizeof(err)) < 0) {
		nj_err("compiling rules: %s", err);
		*exit_code = EXIT_CONFIG;
		goto fail;
	}
	return rs;
fail:
	nj_ruleset_free(rs);
	return NULL;
}

/* State for SIGHUP reloads (main thread only). */
static struct {
	const struct nj_config *cfg;
	const struct options *o;
	const char *cfg_dir;
	struct nj_ruleset *retired;     /* swapped out, freed once unused */
} reload;

/* Builds the rule set anew beside the running one and swaps it in; a set
 * with rejected rules (or any failure) leaves the running one in place. */
static int reload_rules(void);

/* The control socket's "reload": the same as SIGHUP, with the outcome. */
static int control_reload(char *buf, size_t len)
{
	int rc = reload_rules();

	snprintf(buf, len, "{\"return\":\"%s\",\"message\":\"%s\"}", rc == 0 ? "OK" : "NOK",
		 rc == 0 ? "rules reloaded" : "reload failed: the running rule set is kept (see the log)");
	return rc;
}

/* The control socket's "rules": what the running rule set holds. */
static int control_rules(char *buf, size_t len)
{
	const struct nj_ruleset *rs = nj_detect_ruleset();

	if (!rs) {
		snprintf(buf, len, "{\"return\":\"NOK\",\"message\":\"no rule set\"}");
		return -1;
	}
	snprintf(buf, len,
		 "{\"return\":\"OK\",\"rules\":{\"loaded\":%u,\"rejected\":%u,\"unsupported\":%u,"
		 "\"duplicate\":%u}}",
		 rs->stats.loaded, rs->stats.rejected, rs->stats.unsupported, rs->stats.duplicate);
	return 0;
}

static int reload_rules(void)
{
	struct nj_ruleset *cur = nj_detect_ruleset(), *rs;
	double t0 = now_sec();
	int code;

	if (reload.retired) {
		nj_warn("reload: the previous rule set is still in use; try again shortly");
		return -1;
	}
	rs = build_ruleset(reload.cfg, reload.o, reload.cfg_dir, cur, &code);
	if (!rs) {
		nj_err("reload failed: keeping the running rule set");
		return -1;
	}
	report_rules(rs, now_sec() - t0);
	if (rs->stats.rejected) {
		nj_err("reload: %u rules rejected: keeping the running rule set", rs->stats.rejected);
		nj_ruleset_free(rs);
		return -1;
	}
	nj_detect_set_ruleset(rs);
	reload.retired = cur;
	fprintf(stderr, "nightjar: rules reloaded\n");
	return 0;
}

static void reload_on_signal(void)
{
	reload_rules();
}

/* Frees the swapped-out rule set once no worker holds it. */
static void reload_collect(void)
{
	if (reload.retired && !nj_ruleset_in_use(reload.retired)) {
		nj_ruleset_free(reload.retired);
		reload.retired = NULL;
	}
}

static void dump_rules(const struct nj_ruleset *rs)
{
	char buf[8192];

	for (uint32_t i = 0; i < rs->nrules; i++) {
		nj_rule_dump(rs->rules[i], buf, sizeof(buf));
		printf("%s\n", buf);
	}
}

/* Detaches from the terminal: fork, new session, fork again, working
 * directory /, standard input from /dev/null, standard output and error to
 * log_dir/nightjar.log. Returns 0 in the daemon (the parents exit). */
static int daemonize(const char *log_dir)
{
	char path[4200];
	int fd;

	switch (fork()) {
	case -1: return -errno;
	case 0: break;
	default: _exit(EXIT_OK);
	}
	if (setsid() < 0)
		return -errno;
	switch (fork()) {
	case -1: return -errno;
	case 0: break;
	default: _exit(EXIT_OK);
	}
	snprintf(path, sizeof(path), "%s/nightjar.log", log_dir);
	if ((fd = open("/dev/null", O_RDONLY)) >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)) >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	return chdir("/") < 0 ? -errno : 0;
}

/* Writes our pid to path, refusing when it names a running process. */
static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid;

	if (f) {
		if (fscanf(f, "%ld", &pid) == 1 && pid > 0 && kill((pid_t)pid, 0) == 0) {
			fclose(f);
			nj_err("pidfile %s: nightjar already runs as pid %ld", path, pid);
			return -EEXIST;
		}
		fclose(f);
	}
	if (!(f = fopen(path, "w"))) {
		nj_err("pidfile %s: %s", path, strerror(errno));
		return -errno;
	}
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f) == 0 ? 0 : -EIO;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct nj_config *cfg = NULL;
	struct nj_ruleset *rs = NULL;
	struct nj_pcap_file *pf = NULL;
	struct nj_trace *trace = NULL, *record = NULL;
	bool pidfile_written = false;
	char rules_line[512] = "";
	struct nj_worker w;
	char cfg_dir[4096], err[512], log_dir[4096];
	int ret = EXIT_RUNTIME;
	double t0;

	if (parse_args(argc, argv, &o) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.verbose)
		nj_log_set_level(NJ_LOG_DEBUG);
	if (!o.read_path && !o.syscall_trace && !o.sensor && !o.test_only && !o.nifaces) {
		/* nothing named: watch the host, on the default route's
		 * interface and with the sensor */
		static char iface[64];
		if (nj_default_route_iface(iface, sizeof(iface)) < 0) {
			fprintf(stderr, "nightjar: no default route: give -i IFACE or -r PATH\n");
			return EXIT_USAGE;
		}
		o.ifaces[o.nifaces++] = iface;
		o.sensor = true;
	}
	if ((o.sensor || o.nifaces) && (o.read_path || o.syscall_trace)) {
		fprintf(stderr, "nightjar: -i and --sensor watch the live host; they do not combine with "
				"-r or --syscall-trace\n");
		return EXIT_USAGE;
	}
	if ((o.user || o.group) && !o.nifaces) {
		fprintf(stderr, "nightjar: --user and --group apply to live capture (-i)\n");
		return EXIT_USAGE;
	}
	if (!o.workers) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		o.workers = cpus > 0 ? (unsigned)cpus : 1;
	}
	if (!(cfg = load_config(&o, cfg_dir, sizeof(cfg_dir))))
		return EXIT_CONFIG;
	if (o.checksums)
		nj_config_set(cfg, "checksum-validation", strcmp(o.checksums, "all") == 0 ? "yes" : "no");

	t0 = now_sec();
	rs = build_ruleset(cfg, &o, cfg_dir, NULL, &ret);
	if (!rs)
		goto out;
	/* live operation reports the rules in its start-up block */
	format_rules(rs, now_sec() - t0, rules_line, sizeof(rules_line));
	if ((!o.quiet && !o.nifaces) || o.test_only)
		report_rules(rs, now_sec() - t0);
	if (o.dump_rules)
		dump_rules(rs);
	if (o.test_only || ((o.strict) && (rs->stats.rejected || rs->stats.unsupported))) {
		bool bad = rs->stats.rejected || (o.strict && (rs->stats.unsupported || rs->stats.duplicate));
		ret = bad ? EXIT_CONFIG : EXIT_OK;
		goto out;
	}

	if (o.read_path && !(pf = nj_pcap_file_open(o.read_path, err, sizeof(err)))) {
		nj_err("%s", err);
		goto out;
	}
	if (o.syscall_trace && !(trace = nj_trace_open_read(o.syscall_trace))) {
		nj_err("syscall trace %s: %s", o.syscall_trace, strerror(errno));
		goto out;
	}
	if (o.record_syscalls && !(record = nj_trace_open_write(o.record_syscalls))) {
		nj_err("recording %s: %s", o.record_syscalls, strerror(errno));
		goto out;
	}
	resolve(NULL, o.log_dir ? o.log_dir : nj_config_get_str(cfg, "default-log-dir", "."), log_dir,
		sizeof(log_dir));
	if (mkdir(log_dir, 0755) < 0 && errno != EEXIST) {
		nj_err("log directory %s: %s", log_dir, strerror(errno));
		goto out;
	}
	if (o.daemon && daemonize(log_dir) < 0) {
		nj_err("cannot become a daemon: %s", strerror(errno));
		goto out;
	}
	if (o.pidfile) {
		if (write_pidfile(o.pidfile) < 0)
			goto out;
		pidfile_written = true;
	}
	if (nj_stages_init(cfg, log_dir, pf ? nj_pcap_file_linktype(pf) : 1) < 0)
		goto out;
	nj_detect_set_ruleset(rs);
	if (nj_worker_init(&w, 0, !o.sensor && !o.nifaces) < 0) {
		nj_err("cannot start the worker");
		goto out_stages;
	}
	w.controller = true;
	reload.cfg = cfg;
	reload.o = &o;
	reload.cfg_dir = cfg_dir;
	nj_run_set_reload(reload_on_signal, reload_collect);
	install_signals();
	t0 = now_sec();
	if (o.nifaces) {
		static const struct nj_control_ops ops = { control_reload, control_rules };
		if (nj_control_open(cfg, &ops) < 0)
			goto out_stages;
		struct nj_live_opts lo = { cfg, o.ifaces, o.nifaces, o.workers, o.pcap_live, o.sensor,
					   record, o.user, o.group, log_dir, rules_line };
		ret = nj_run_live(&lo) < 0 ? EXIT_RUNTIME : EXIT_OK;
		nj_control_close();
	} else if (o.sensor)
		ret = nj_run_sensor(&w, cfg, record) < 0 ? EXIT_RUNTIME : EXIT_OK;
	else
		ret = nj_run_offline(&w, pf, trace, record) < 0 ? EXIT_RUNTIME : EXIT_OK;
	nj_worker_fini(&w);
	if (!o.quiet) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr,
			"nightjar: %llu packets, %llu system calls, %llu alerts in %.2f s (peak RSS %ld MB); "
			"logs in %s\n",
			(unsigned long long)nj_counter_get_by_name("decoder.pkts"),
			(unsigned long long)nj_counter_get_by_name("syscall.events"),
			(unsigned long long)nj_counter_get_by_name("detect.alert"), now_sec() - t0,
			ru.ru_maxrss / 1024, log_dir);
	}
out_stages:
	nj_stages_fini();
out:
	if (pidfile_written)
		unlink(o.pidfile);
	nj_pcap_file_close(pf);
	nj_trace_close(trace);
	if (nj_trace_close(record) < 0)
		nj_err("recording %s: write error", o.record_syscalls);
	rs = nj_detect_ruleset() ? nj_detect_ruleset() : rs;
	nj_detect_set_ruleset(NULL);
	nj_ruleset_free(reload.retired);
	nj_ruleset_free(rs);
	nj_config_free(cfg);
	return ret;
}
