/* The eBPF system-call sensor: loads bpf/sensor.bpf.c, writes its syscall
 * filter, attaches it to tracepoints and decodes its ring-buffer records
 * into struct nj_syscall.
 *
 * Paths: the kernel side sends the path as the process passed it; the
 * absolute form is resolved here, when the record is read, against
 * /proc/<pid>/cwd or /proc/<pid>/fd/<dirfd>. That is exact as long as the
 * process is alive and has not changed directory since the call; when it
 * has exited, the raw path (if absolute) or a path relative to "/" is used
 * and the event says which (path == raw_path). Walking dentries in BPF
 * would close that window at the price of a bounded loop per event.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/sensor.h"
#include "bpf/sensor.skel.h"
#include "capture/path.h"
#include "capture/sensor.h"
#include "core/alert.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/log.h"

#define N NJ_SR_ARG_NONE
#define RET NJ_SR_ARG_RET

/* How each traced call is read: syscall number, event type, drop category,
 * path argument, second path argument, argv argument, socket fd argument,
 * flags; then for user space the dirfd arguments of the two paths. */
struct call {
	int nr;
	enum nj_sc_type type;
	struct nj_sr_filter f;
	signed char dirfd_arg, dirfd2_arg;
};

#define C(nr, t, cat, p, p2, av, sk, cf, d1, d2) \
	{ nr, NJ_SC_##t,                                                      \
	  { NJ_SC_##t, NJ_SR_CAT_##cat, p, p2, av, sk, cf, (d1) < 0 ? NJ_SR_ARG_NONE : (d1), \
	    NJ_SR_ARG_NONE, { 0 } },                                          \
	  d1, d2 }

static const struct call calls[] = {
	C(SYS_execve, EXECVE, EXEC, 0, N, 1, N, 0, -1, -1),
	C(SYS_execveat, EXECVEAT, EXEC, 1, N, 2, N, 0, 0, -1),
	C(SYS_open, OPEN, FILE, 0, N, N, N, 0, -1, -1),
	C(SYS_openat, OPENAT, FILE, 1, N, N, N, 0, 0, -1),
	C(SYS_openat2, OPENAT2, FILE, 1, N, N, N, NJ_SR_C_OPENHOW, 0, -1),
	C(SYS_creat, CREAT, FILE, 0, N, N, N, 0, -1, -1),
	C(SYS_connect, CONNECT, NET, N, N, N, 0, 0, -1, -1),
	C(SYS_accept, ACCEPT, NET, N, N, N, RET, 0, -1, -1),
	C(SYS_accept4, ACCEPT4, NET, N, N, N, RET, 0, -1, -1),
	C(SYS_bind, BIND, NET, N, N, N, 0, 0, -1, -1),
	C(SYS_listen, LISTEN, NET, N, N, N, 0, 0, -1, -1),
	C(SYS_socket, SOCKET, NET, N, N, N, RET, 0, -1, -1),
	C(SYS_clone, CLONE, PROC, N, N, N, N, NJ_SR_C_CLONE, -1, -1),
	C(SYS_clone3, CLONE3, PROC, N, N, N, N, NJ_SR_C_CLONE3, -1, -1),
	C(SYS_fork, FORK, PROC, N, N, N, N, 0, -1, -1),
	C(SYS_vfork, VFORK, PROC, N, N, N, N, 0, -1, -1),
	C(SYS_setuid, SETUID, CRED, N, N, N, N, 0, -1, -1),
	C(SYS_setgid, SETGID, CRED, N, N, N, N, 0, -1, -1),
	C(SYS_setreuid, SETREUID, CRED, N, N, N, N, 0, -1, -1),
	C(SYS_setregid, SETREGID, CRED, N, N, N, N, 0, -1, -1),
	C(SYS_setresuid, SETRESUID, CRED, N, N, N, N, 0, -1, -1),
	C(SYS_setresgid, SETRESGID, CRED, N, N, N, N, 0, -1, -1),
	C(SYS_ptrace, PTRACE, PROC, N, N, N, N, 0, -1, -1),
	C(SYS_memfd_create, MEMFD_CREATE, FILE, 0, N, N, N, 0, -1, -1),
	C(SYS_unlink, UNLINK, FILE, 0, N, N, N, 0, -1, -1),
	C(SYS_unlinkat, UNLINKAT, FILE, 1, N, N, N, 0, 0, -1),
	C(SYS_rename, RENAME, FILE, 0, 1, N, N, 0, -1, -1),
	C(SYS_renameat, RENAMEAT, FILE, 1, 3, N, N, 0, 0, 2),
	C(SYS_renameat2, RENAMEAT2, FILE, 1, 3, N, N, 0, 0, 2),
	C(SYS_chmod, CHMOD, FILE, 0, N, N, N, 0, -1, -1),
	C(SYS_fchmod, FCHMOD, FILE, N, N, N, N, NJ_SR_C_FDPATH, -1, -1),
	C(SYS_fchmodat, FCHMODAT, FILE, 1, N, N, N, 0, 0, -1),
	C(SYS_chown, CHOWN, FILE, 0, N, N, N, 0, -1, -1),
	C(SYS_fchown, FCHOWN, FILE, N, N, N, N, NJ_SR_C_FDPATH, -1, -1),
	C(SYS_lchown, LCHOWN, FILE, 0, N, N, N, 0, -1, -1),
	C(SYS_fchownat, FCHOWNAT, FILE, 1, N, N, N, 0, 0, -1),
	C(SYS_link, LINK, FILE, 0, 1, N, N, 0, -1, -1),
	C(SYS_linkat, LINKAT, FILE, 1, 3, N, N, 0, 0, 2),
	C(SYS_symlink, SYMLINK, FILE, 0, 1, N, N, 0, -1, -1),
	C(SYS_symlinkat, SYMLINKAT, FILE, 0, 2, N, N, 0, -1, 1),
	C(SYS_mkdir, MKDIR, FILE, 0, N, N, N, 0, -1, -1),
	C(SYS_mkdirat, MKDIRAT, FILE, 1, N, N, N, 0, 0, -1),
	C(SYS_mount, MOUNT, FILE, 1, 0, N, N, 0, -1, -1),
	C(SYS_umount2, UMOUNT2, FILE, 0, N, N, N, 0, -1, -1),
	C(SYS_init_module, INIT_MODULE, OTHER, N, 2, N, N, 0, -1, -1),
	C(SYS_finit_module, FINIT_MODULE, OTHER, N, 1, N, N, NJ_SR_C_FDPATH, -1, -1),
	C(SYS_delete_module, DELETE_MODULE, OTHER, 0, N, N, N, 0, -1, -1),
	C(SYS_kill, KILL, PROC, N, N, N, N, 0, -1, -1),
	C(SYS_dup2, DUP2, OTHER, N, N, N, N, 0, -1, -1),
	C(SYS_dup3, DUP3, OTHER, N, N, N, N, 0, -1, -1),
	C(SYS_bpf, BPF, OTHER, N, N, N, N, 0, -1, -1),
};

#undef C
#undef N
#undef RET

#define NCALLS (sizeof(calls) / sizeof(calls[0]))

static const char *const cat_names[NJ_SR_CAT__COUNT] = {
	"exec", "file", "net", "proc", "cred", "other", "stash",
};

struct tp {
	const char *group, *name;
};

/* Where the two syscall programs are attached (sensor.syscall-hooks). */
enum hooks {
	HOOKS_PER_CALL,         /* syscalls:sys_enter_<call>/sys_exit_<call> per traced call */
	HOOKS_RAW,              /* raw_syscalls:sys_enter/sys_exit: every call runs them */
};

struct nj_sensor {
	struct sensor_bpf *skel;
	struct ring_buffer *rb;
	enum hooks hooks;
	const char *hooks_cfg;          /* auto, per-call or raw */
	struct bpf_link *enter[NCALLS], *exit[NCALLS];  /* per-call links */
	char tp_status[5][64];          /* of tracepoints[] */
	char missing[256];              /* wanted calls without tracepoints */
	struct nj_worker *worker;
	uint64_t ringbuf_size;
	bool exec_env;
	bool started;
	bool busy;                      /* the last read found records */
	int64_t boot_to_real_ns;
	char report[1024];
	/* callback of the running poll */
	nj_sensor_cb cb;
	void *cb_arg;
	int cb_rc;
	int delivered;
	/* decoding buffers, borrowed by the event of one callback */
	struct nj_syscall sc;
	char path[4096], newpath[4096], raw[NJ_SR_PATH_MAX + 1], raw2[NJ_SR_PATH_MAX + 1];
	char argv[NJ_SR_ARGV_MAX + 1];
	char base[NJ_SR_BASE_MAX + NJ_SR_EXE_LEN + 2];
	char module[NJ_SR_PATH_MAX + 1];
	char env[NJ_SR_ENV_MAX + 1];
	/* counters */
	int c_events, c_drops, c_bad, c_cat[NJ_SR_CAT__COUNT];
	uint64_t drops_seen[NJ_SR_CAT__COUNT];
	uint64_t drops_total;
	time_t last_alert[NJ_SR_CAT__COUNT];
	struct nj_rule_info drop_rule[NJ_SR_CAT__COUNT];   /* the engine alerts' rules */
	char drop_msg[NJ_SR_CAT__COUNT][96];
	time_t last_drop_check;
	const struct call *by_type[NJ_SC__COUNT];
};

struct nj_sensor *nj_sensor_open(const struct nj_config *cfg)
{
	struct nj_sensor *s = calloc(1, sizeof(*s));
	char name[64];

	if (!s)
		return NULL;
	s->ringbuf_size = cfg ? nj_config_get_size(cfg, "sensor.ringbuf-size", 16 << 20) : 16 << 20;
	s->exec_env = cfg ? nj_config_get_bool(cfg, "sensor.exec-env", false) : false;
	s->hooks_cfg = cfg ? nj_config_get_str(cfg, "sensor.syscall-hooks", "auto") : "auto";
	s->c_events = nj_counter_register("syscall.events");
	s->c_drops = nj_counter_register("syscall.drops");
	s->c_bad = nj_counter_register("syscall.bad_records");
	for (int i = 0; i < NJ_SR_CAT__COUNT; i++) {
		snprintf(name, sizeof(name), "syscall.drops_by_type.%s", cat_names[i]);
		s->c_cat[i] = nj_counter_register(name);
	}
	for (size_t i = 0; i < NCALLS; i++)
		s->by_type[calls[i].type] = &calls[i];
	return s;
}

void nj_sensor_set_worker(struct nj_sensor *s, struct nj_worker *w)
{
	s->worker = w;
}

const char *nj_sensor_report(const struct nj_sensor *s)
{
	return s->report;
}

unsigned long long nj_sensor_drops(const struct nj_sensor *s)
{
	return s->drops_total;
}

/* The ring buffer must be a power of two and a multiple of the page size. */
static uint64_t ringbuf_bytes(uint64_t want)
{
	uint64_t sz = (uint64_t)sysconf(_SC_PAGESIZE);

	while (sz < want && sz < (1ull << 30))
		sz <<= 1;
	return sz;
}

/* libbpf needs tracefs to find tracepoint ids; mount it when missing. */
static int ensure_tracefs(void)
{
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st) == 0 ||
	    stat("/sys/kernel/debug/tracing/events", &st) == 0)
		return 0;
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0)
		return 0;
	nj_err("sensor: tracefs is not mounted at /sys/kernel/tracing and mounting it failed: %s",
	       strerror(errno));
	return -ENOTSUP;
}

static bool tracepoint_exists(const char *group, const char *name)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "/sys/kernel/tracing/events/%s/%s", group, name);
	if (stat(p, &st) == 0)
		return true;
	snprintf(p, sizeof(p), "/sys/kernel/debug/tracing/events/%s/%s", group, name);
	return stat(p, &st) == 0;
}


/* The state set: what the process table and the socket map need whatever
 * the rules say. Clone calls are stashed (the fork tracepoint reads their
 * flags) but only sent when asked for. */
static bool in_state_set(enum nj_sc_type t)
{
	switch (nj_sc_type_family(t)) {
	case NJ_SCF_EXEC:
		return true;
	case NJ_SCF_SOCKET:
		return t != NJ_SC_SOCKET;
	default:
		return false;
	}
}

static bool is_clone(enum nj_sc_type t)
{
	return t == NJ_SC_CLONE || t == NJ_SC_CLONE3 || t == NJ_SC_FORK || t == NJ_SC_VFORK;
}

/* How a call is handled for a rule set: not at all, traced and sent, or
 * only stashed (a clone call the fork hook reads the flags of). */
enum use { USE_NONE, USE_SEND, USE_STASH };

static enum use call_use(const struct call *c, const struct nj_sc_set *set)
{
	if (!set || nj_sc_set_has(set, c->type) || in_state_set(c->type))
		return USE_SEND;
	return is_clone(c->type) ? USE_STASH : USE_NONE;
}

static int write_filter(struct nj_sensor *s, const struct nj_sc_set *set)
{
	int fd = bpf_map__fd(s->skel->maps.filter);
	struct nj_sr_filter off = { 0 };

	for (uint32_t nr = 0; nr < NJ_SR_NR_MAX; nr++)
		if (bpf_map_update_elem(fd, &nr, &off, BPF_ANY))
			return -errno;
	for (size_t i = 0; i < NCALLS; i++) {
		const struct call *c = &calls[i];
		struct nj_sr_filter f = c->f;
		uint32_t nr = (uint32_t)c->nr;
		enum use use = call_use(c, set);

		if (c->type == NJ_SC_EXECVE)
			f.env_arg = 2;
		else if (c->type == NJ_SC_EXECVEAT)
			f.env_arg = 3;
		if (use == USE_NONE)
			continue;
		if (use == USE_STASH)
			f.cflags |= NJ_SR_C_NOEMIT;
		if (bpf_map_update_elem(fd, &nr, &f, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* --- per-call syscall tracepoints -------------------------------------- */

/* The kernel names a call's tracepoints after its SYSCALL_DEFINE, which
 * differs from the syscall table's name for umount2 only (of ours). */
static const char *tp_call_name(const struct call *c)
{
	return c->type == NJ_SC_UMOUNT2 ? "umount" : nj_sc_type_name(c->type);
}

static bool call_has_tp(const struct call *c)
{
	char n[64];

	snprintf(n, sizeof(n), "sys_enter_%s", tp_call_name(c));
	if (!tracepoint_exists("syscalls", n))
		return false;
	snprintf(n, sizeof(n), "sys_exit_%s", tp_call_name(c));
	return tracepoint_exists("syscalls", n);
}

static void detach_call(struct nj_sensor *s, size_t i)
{
	bpf_link__destroy(s->enter[i]);
	bpf_link__destroy(s->exit[i]);
	s->enter[i] = s->exit[i] = NULL;
}

static int attach_call(struct nj_sensor *s, size_t i)
{
	char n[64];

	snprintf(n, sizeof(n), "sys_enter_%s", tp_call_name(&calls[i]));
	s->enter[i] = bpf_program__attach_tracepoint(s->skel->progs.nj_sys_enter, "syscalls", n);
	if (!s->enter[i])
		return -errno;
	snprintf(n, sizeof(n), "sys_exit_%s", tp_call_name(&calls[i]));
	s->exit[i] = bpf_program__attach_tracepoint(s->skel->progs.nj_sys_exit, "syscalls", n);
	if (!s->exit[i]) {
		int rc = -errno;

		detach_call(s, i);
		return rc;
	}
	return 0;
}

/* Attaches the calls the set uses and detaches the others. A call with no
 * tracepoint is not built into this kernel (every SYSCALL_DEFINE has its
 * pair): there is nothing to trace, and the report says so. */
static int attach_calls(struct nj_sensor *s, const struct nj_sc_set *set)
{
	size_t len = 0;

	s->missing[0] = 0;
	for (size_t i = 0; i < NCALLS; i++) {
		bool want = call_use(&calls[i], set) != USE_NONE;
		int rc;

		if (!want) {
			detach_call(s, i);
			continue;
		}
		if (s->enter[i])
			continue;
		if (!call_has_tp(&calls[i])) {
			if (len < sizeof(s->missing))
				len += (size_t)snprintf(s->missing + len, sizeof(s->missing) - len,
							"%s%s", len ? ", " : "",
							tp_call_name(&calls[i]));
			continue;
		}
		rc = attach_call(s, i);
		if (rc) {
			nj_err("sensor: cannot attach syscalls:sys_enter_%s/sys_exit_%s: %s",
			       tp_call_name(&calls[i]), tp_call_name(&calls[i]), strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static void detach_calls(struct nj_sensor *s)
{
	for (size_t i = 0; i < NCALLS; i++)
		detach_call(s, i);
}

static const struct tp tracepoints[] = {
	{ "raw_syscalls", "sys_enter" },
	{ "raw_syscalls", "sys_exit" },
	{ "sched", "sched_process_exec" },
	{ "sched", "sched_process_fork" },
	{ "sched", "sched_process_exit" },
};

#define NTP ((int)(sizeof(tracepoints) / sizeof(tracepoints[0])))
/* tracepoints[]: the raw_syscalls pair, then the sched tracepoints. */
enum { TP_RAW_ENTER, TP_RAW_EXIT, TP_SCHED };

/* One line per hook, "... attached" when it is. */
static void build_report(struct nj_sensor *s)
{
	size_t len = 0, cap = sizeof(s->report);
	int ncalls = 0;

	s->report[0] = 0;
	if (s->hooks == HOOKS_PER_CALL) {
		for (size_t i = 0; i < NCALLS; i++)
			ncalls += s->enter[i] != NULL;
		len += (size_t)snprintf(s->report, cap,
					"syscalls:sys_enter_*/sys_exit_* (%d calls) attached\n", ncalls);
		if (s->missing[0] && len < cap)
			len += (size_t)snprintf(s->report + len, cap - len,
						"syscalls: no tracepoints, so not built into this kernel: %s\n",
						s->missing);
	}
	for (int i = s->hooks == HOOKS_PER_CALL ? TP_SCHED : 0; i < NTP && len < cap; i++)
		len += (size_t)snprintf(s->report + len, cap - len, "%s:%s %s\n",
					tracepoints[i].group, tracepoints[i].name, s->tp_status[i]);
}

int nj_sensor_configure(struct nj_sensor *s, const struct nj_sc_set *set)
{
	int rc;

	if (!s->started)
		return -EINVAL;
	rc = write_filter(s, set);
	if (rc == 0 && s->hooks == HOOKS_PER_CALL)
		rc = attach_calls(s, set);
	build_report(s);
	return rc;
}

static int handle_record(void *ctx, void *data, size_t size);

static struct bpf_program *tp_prog(struct sensor_bpf *skel, int i)
{
	struct bpf_program *p[] = {
		skel->progs.nj_sys_enter, skel->progs.nj_sys_exit, skel->progs.nj_sched_exec,
		skel->progs.nj_sched_fork, skel->progs.nj_sched_exit,
	};
	return p[i];
}

static struct bpf_link **tp_link(struct sensor_bpf *skel, int i)
{
	struct bpf_link **l[] = {
		&skel->links.nj_sys_enter, &skel->links.nj_sys_exit, &skel->links.nj_sched_exec,
		&skel->links.nj_sched_fork, &skel->links.nj_sched_exit,
	};
	return l[i];
}

/* Attaches tracepoints[i]; its status goes to the report. */
static bool attach_tp(struct nj_sensor *s, int i)
{
	const struct tp *t = &tracepoints[i];
	struct bpf_link *l;

	if (!tracepoint_exists(t->group, t->name)) {
		snprintf(s->tp_status[i], sizeof(s->tp_status[i]),
			 "not attached: no such tracepoint in this kernel");
		return false;
	}
	l = bpf_program__attach_tracepoint(tp_prog(s->skel, i), t->group, t->name);
	if (!l) {
		snprintf(s->tp_status[i], sizeof(s->tp_status[i]), "not attached: %s",
			 strerror(errno));
		return false;
	}
	*tp_link(s->skel, i) = l;
	snprintf(s->tp_status[i], sizeof(s->tp_status[i]), "attached");
	return true;
}

/* sensor.syscall-hooks: "auto" (the default) takes the per-call
 * tracepoints when the kernel has them (CONFIG_FTRACE_SYSCALLS) and
 * raw_syscalls otherwise; "per-call" and "raw" insist. */
static int attach_syscall_hooks(struct nj_sensor *s, const struct nj_sc_set *set)
{
	bool want_raw = strcmp(s->hooks_cfg, "raw") == 0;
	bool want_call = strcmp(s->hooks_cfg, "per-call") == 0;
	int rc;

	if (!want_raw && !want_call && strcmp(s->hooks_cfg, "auto") != 0) {
		nj_err("sensor: sensor.syscall-hooks is auto, per-call or raw, not \"%s\"",
		       s->hooks_cfg);
		return -EINVAL;
	}
	if (!want_raw && tracepoint_exists("syscalls", "sys_enter_execve")) {
		s->hooks = HOOKS_PER_CALL;
		rc = attach_calls(s, set);
		if (rc == 0)
			return 0;
		detach_calls(s);
		if (want_call)
			return rc;
		nj_warn("sensor: per-call syscall tracepoints failed; using raw_syscalls");
	} else if (want_call) {
		nj_err("sensor: this kernel has no syscalls:* tracepoints (CONFIG_FTRACE_SYSCALLS)");
		return -ENOTSUP;
	}
	s->hooks = HOOKS_RAW;
	bool enter = attach_tp(s, TP_RAW_ENTER), exit = attach_tp(s, TP_RAW_EXIT);

	if (!enter || !exit) {
		build_report(s);
		nj_err("sensor: raw_syscalls tracepoints unavailable:\n%s", s->report);
		return -ENOTSUP;
	}
	return 0;
}

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && nj_log_get_level() < NJ_LOG_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void clock_offset(struct nj_sensor *s)
{
	struct timespec rt, bt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	s->boot_to_real_ns = ((int64_t)rt.tv_sec - bt.tv_sec) * 1000000000ll + (rt.tv_nsec - bt.tv_nsec);
}

int nj_sensor_start(struct nj_sensor *s, const struct nj_sc_set *set)
{
	struct stat st;
	int rc, i;

	if (s->started)
		return -EALREADY;
	s->report[0] = 0;
	if (stat("/sys/kernel/btf/vmlinux", &st) != 0) {
		nj_err("sensor: the kernel has no BTF (/sys/kernel/btf/vmlinux): CO-RE programs cannot load");
		return -ENOTSUP;
	}
	rc = ensure_tracefs();
	if (rc)
		return rc;
	libbpf_set_print(libbpf_log);
	s->skel = sensor_bpf__open();
	if (!s->skel) {
		rc = -errno;
		nj_err("sensor: cannot open the BPF object: %s", strerror(-rc));
		return rc;
	}
	s->skel->rodata->self_tgid = (uint32_t)getpid();
	s->skel->rodata->type_proc_fork = NJ_SC_PROC_FORK;
	s->skel->rodata->type_exit = NJ_SC_EXIT;
	s->skel->rodata->read_env = s->exec_env;
	bpf_map__set_max_entries(s->skel->maps.events, (uint32_t)ringbuf_bytes(s->ringbuf_size));
	s->skel->rodata->wakeup_bytes = ringbuf_bytes(s->ringbuf_size) / 16;
	rc = sensor_bpf__load(s->skel);
	if (rc) {
		nj_err("sensor: the kernel refused the BPF programs: %s", strerror(-rc));
		goto cleanup;
	}
	rc = write_filter(s, set);
	if (rc) {
		nj_err("sensor: cannot write the syscall filter: %s", strerror(-rc));
		goto cleanup;
	}
	rc = attach_syscall_hooks(s, set);
	if (rc)
		goto cleanup;
	for (i = TP_SCHED; i < NTP; i++)
		attach_tp(s, i);
	build_report(s);
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), handle_record, s, NULL);
	if (!s->rb) {
		rc = -errno;
		nj_err("sensor: cannot map the ring buffer: %s", strerror(-rc));
		goto cleanup;
	}
	clock_offset(s);
	s->started = true;
	nj_dbg("sensor: hooks:\n%s", s->report);
	return 0;
cleanup:
	detach_calls(s);
	sensor_bpf__destroy(s->skel);
	s->skel = NULL;
	return rc;
}

/* --- decoding ---------------------------------------------------------- */

static void copy_str(char *dst, size_t dstlen, const char *src, uint32_t n, uint32_t max)
{
	if (n > max)
		n = max;
	if (n >= dstlen)
		n = (uint32_t)dstlen - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
	dst[strnlen(dst, n)] = 0;
}

/* Directory a relative path of pid is resolved against when the kernel
 * side could not say: its cwd, or the directory open on dirfd, from /proc
 * (the process may have moved on or exited: then relative to "/"). */
static bool base_dir(uint32_t pid, int dirfd, char *out, size_t outlen)
{
	char link[64];
	ssize_t n;

	if (dirfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%u/cwd", pid);
	else
		snprintf(link, sizeof(link), "/proc/%u/fd/%d", pid, dirfd);
	n = readlink(link, out, outlen - 1);
	if (n <= 0 || out[0] != '/')
		return false;
	out[n] = 0;
	return true;
}

static uint32_t resolve(const char *kbase, uint32_t pid, int dirfd, const char *raw, char *out,
			size_t outlen)
{
	char base[4096];
	int n;

	if (raw[0] == '/')
		n = nj_path_resolve(NULL, raw, out, outlen);
	else if (kbase)
		n = nj_path_resolve(kbase, raw, out, outlen);
	else if (base_dir(pid, dirfd, base, sizeof(base)))
		n = nj_path_resolve(base, raw, out, outlen);
	else
		n = nj_path_resolve(NULL, raw, out, outlen);
	return n < 0 ? (uint32_t)strlen(out) : (uint32_t)n;
}

/* Path of the file open on fd in pid (fchmod, fchown, finit_module). */
static uint32_t fd_path(uint32_t pid, long fd, char *out, size_t outlen)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%u/fd/%ld", pid, fd);
	n = readlink(link, out, outlen - 1);
	if (n <= 0) {
		out[0] = 0;
		return 0;
	}
	out[n] = 0;
	return (uint32_t)n;
}

static void decode_sock(const struct nj_sr_record *r, struct nj_syscall *sc)
{
	if (!(r->flags & NJ_SR_F_SOCK))
		return;
	sc->has_sock = true;
	sc->family = r->family;
	sc->sock_type = r->sock_type;
	sc->protocol = r->protocol;
	sc->local_port = r->lport;
	sc->remote_port = r->rport;
	if (r->family == 2) {
		nj_addr_set4(&sc->local, r->laddr);
		nj_addr_set4(&sc->remote, r->raddr);
	} else if (r->family == 10) {
		nj_addr_set6(&sc->local, r->laddr);
		nj_addr_set6(&sc->remote, r->raddr);
	}
}

/* The directory the kernel side walked (NUL-terminated copy), or NULL. An
 * exec'd memfd has no path of its own: "/memfd:name" as /proc shows it. */
static const char *kernel_base(struct nj_sensor *s, const struct nj_sr_record *r)
{
	uint32_t off = r->base_off, len = r->base_len;

	if (!(r->flags & NJ_SR_F_BASE) || off >= NJ_SR_BASE_MAX || len > NJ_SR_BASE_MAX - off ||
	    !len)
		return NULL;
	memcpy(s->base, r->base + off, len);
	s->base[len] = 0;
	s->base[strnlen(s->base, len)] = 0;
	if ((r->flags & NJ_SR_F_BASE_SELF) && strcmp(s->base, "/") == 0 && r->exe[0]) {
		size_t n = strnlen(r->exe, sizeof(r->exe));

		memcpy(s->base + 1, r->exe, n);
		s->base[n + 1] = 0;
	}
	return s->base;
}

/* A relative symlink target is relative to the link's directory, not to
 * the caller's cwd. */
static void symlink_target(struct nj_sensor *s, struct nj_syscall *sc)
{
	char dir[4096];
	const char *slash = strrchr(sc->newpath, '/');
	size_t n = slash ? (size_t)(slash - sc->newpath) : 0;
	int len;

	if (n >= sizeof(dir))
		return;
	memcpy(dir, sc->newpath, n);
	dir[n] = 0;
	len = nj_path_resolve(n ? dir : "/", s->raw, s->path, sizeof(s->path));
	sc->path_len = len < 0 ? (uint32_t)strlen(s->path) : (uint32_t)len;
	sc->path = s->path;
}

static void decode_paths(struct nj_sensor *s, const struct nj_sr_record *r, const struct call *c,
			 struct nj_syscall *sc)
{
	bool p1 = c->f.path_arg < 6, p2 = c->f.path2_arg < 6;
	const char *kbase;

	if (p1) {
		copy_str(s->raw, sizeof(s->raw), r->path, r->path_len, NJ_SR_PATH_MAX - 1);
		sc->raw_path = s->raw;
		sc->raw_path_len = (uint32_t)strlen(s->raw);
		if (c->dirfd_arg >= 0)
			sc->dirfd = (int32_t)r->args[c->dirfd_arg];
	}
	if (p2) {
		copy_str(s->raw2, sizeof(s->raw2), r->path2, r->path2_len, NJ_SR_PATH_MAX - 1);
	}
	/* Names that are not paths: memfd name, module name and params. */
	switch (c->type) {
	case NJ_SC_MEMFD_CREATE:
		sc->path = s->raw;
		sc->path_len = sc->raw_path_len;
		return;
	case NJ_SC_DELETE_MODULE:
		sc->module = s->raw;
		sc->raw_path = NULL;
		sc->raw_path_len = 0;
		return;
	case NJ_SC_INIT_MODULE:
	case NJ_SC_FINIT_MODULE:
		sc->module = s->raw2;
		if (c->type == NJ_SC_FINIT_MODULE)
			goto fd_target;
		return;
	case NJ_SC_FCHMOD:
	case NJ_SC_FCHOWN:
		goto fd_target;
	default:
		break;
	}
	kbase = kernel_base(s, r);
	if (r->flags & NJ_SR_F_BASE_SELF) {
		/* execveat(fd, "", AT_EMPTY_PATH): the image's own path. */
		sc->path_len = nj_path_resolve(NULL, kbase ? kbase : "/", s->path, sizeof(s->path)) > 0
				       ? (uint32_t)strlen(s->path) : 0;
		sc->path = s->path;
	} else if (p1 && sc->raw_path_len) {
		sc->path_len = resolve(kbase, sc->pid, sc->dirfd, s->raw, s->path, sizeof(s->path));
		sc->path = s->path;
	}
	if (p2 && s->raw2[0] && c->type == NJ_SC_MOUNT) {
		/* A mount source is a device, a directory or a name ("tmpfs"). */
		sc->newpath = s->raw2;
		sc->newpath_len = (uint32_t)strlen(s->raw2);
	} else if (p2 && s->raw2[0]) {
		int d2 = c->dirfd2_arg >= 0 ? (int)r->args[c->dirfd2_arg] : AT_FDCWD;

		/* The kernel's base is the first path's directory: valid for
		 * the second when both name the same directory fd. */
		if (d2 != sc->dirfd)
			kbase = NULL;
		sc->newpath_len = resolve(kbase, sc->pid, d2, s->raw2, s->newpath, sizeof(s->newpath));
		sc->newpath = s->newpath;
	}
	if ((c->type == NJ_SC_SYMLINK || c->type == NJ_SC_SYMLINKAT) && sc->newpath &&
	    sc->raw_path_len && s->raw[0] != '/')
		symlink_target(s, sc);
	return;
fd_target:
	sc->fd = (int32_t)r->args[0];
	if ((r->flags & NJ_SR_F_BASE_SELF) && (kbase = kernel_base(s, r))) {
		sc->path_len = (uint32_t)strlen(kbase);
		memcpy(s->path, kbase, sc->path_len + 1);
	} else {
		sc->path_len = fd_path(sc->pid, (long)r->args[0], s->path, sizeof(s->path));
	}
	sc->path = s->path;
}

static void decode_args(const struct nj_sr_record *r, struct nj_syscall *sc)
{
	const unsigned long long *a = r->args;

	switch (sc->type) {
	case NJ_SC_OPEN:
		sc->flags = a[1];
		sc->mode = (uint32_t)a[2];
		break;
	case NJ_SC_OPENAT:
		sc->flags = a[2];
		sc->mode = (uint32_t)a[3];
		break;
	case NJ_SC_OPENAT2:
		sc->flags = a[4];
		sc->mode = (uint32_t)a[5];
		break;
	case NJ_SC_CREAT:
		sc->flags = O_CREAT | O_WRONLY | O_TRUNC;
		sc->mode = (uint32_t)a[1];
		break;
	case NJ_SC_EXECVEAT:
		sc->flags = a[4];
		break;
	case NJ_SC_CONNECT:
	case NJ_SC_BIND:
	case NJ_SC_LISTEN:
	case NJ_SC_ACCEPT:
	case NJ_SC_ACCEPT4:
		sc->fd = (int32_t)a[0];
		if (sc->type == NJ_SC_ACCEPT4)
			sc->flags = a[3];
		if (sc->type == NJ_SC_ACCEPT || sc->type == NJ_SC_ACCEPT4)
			sc->fd2 = sc->ret >= 0 ? (int32_t)sc->ret : -1;
		break;
	case NJ_SC_SOCKET:
		if (!sc->has_sock) {
			sc->family = (uint16_t)a[0];
			sc->sock_type = (uint16_t)(a[1] & 0xf);
			sc->protocol = (uint16_t)a[2];
		}
		sc->fd = sc->ret >= 0 ? (int32_t)sc->ret : -1;
		break;
	case NJ_SC_CLONE:
		sc->flags = a[0];
		sc->target_pid = (int32_t)(sc->ret > 0 ? sc->ret : 0);
		break;
	case NJ_SC_CLONE3:
		sc->flags = a[2];
		sc->target_pid = (int32_t)(sc->ret > 0 ? sc->ret : 0);
		break;
	case NJ_SC_FORK:
	case NJ_SC_VFORK:
	case NJ_SC_PROC_FORK:
		sc->target_pid = (int32_t)(sc->ret > 0 ? sc->ret : 0);
		break;
	case NJ_SC_SETUID:
	case NJ_SC_SETGID:
		sc->ids[0] = (int32_t)a[0];
		break;
	case NJ_SC_SETREUID:
	case NJ_SC_SETREGID:
		sc->ids[0] = (int32_t)a[0];
		sc->ids[1] = (int32_t)a[1];
		break;
	case NJ_SC_SETRESUID:
	case NJ_SC_SETRESGID:
	case NJ_SC_CHOWN:
	case NJ_SC_FCHOWN:
	case NJ_SC_LCHOWN:
		if (sc->type == NJ_SC_SETRESUID || sc->type == NJ_SC_SETRESGID) {
			sc->ids[0] = (int32_t)a[0];
			sc->ids[1] = (int32_t)a[1];
			sc->ids[2] = (int32_t)a[2];
		} else {
			sc->ids[0] = (int32_t)a[1];
			sc->ids[1] = (int32_t)a[2];
		}
		if (sc->type == NJ_SC_FCHOWN)
			sc->fd = (int32_t)a[0];
		break;
	case NJ_SC_FCHOWNAT:
		sc->ids[0] = (int32_t)a[2];
		sc->ids[1] = (int32_t)a[3];
		sc->flags = a[4];
		break;
	case NJ_SC_PTRACE:
		sc->request = (int64_t)a[0];
		sc->target_pid = (int32_t)a[1];
		break;
	case NJ_SC_KILL:
		sc->target_pid = (int32_t)a[0];
		sc->signal = (int32_t)a[1];
		break;
	case NJ_SC_MEMFD_CREATE:
		sc->flags = a[1];
		sc->fd = sc->ret >= 0 ? (int32_t)sc->ret : -1;
		break;
	case NJ_SC_FCHMOD:
		sc->fd = (int32_t)a[0];
		/* fall through */
	case NJ_SC_CHMOD:
	case NJ_SC_MKDIR:
		sc->mode = (uint32_t)a[1];
		break;
	case NJ_SC_FCHMODAT:
	case NJ_SC_MKDIRAT:
		sc->mode = (uint32_t)a[2];
		break;
	case NJ_SC_UNLINKAT:
		sc->flags = a[2];
		break;
	case NJ_SC_RENAMEAT2:
		sc->flags = a[4];
		break;
	case NJ_SC_LINKAT:
		sc->flags = a[4];
		break;
	case NJ_SC_MOUNT:
		sc->flags = a[3];
		break;
	case NJ_SC_UMOUNT2:
		sc->flags = a[1];
		break;
	case NJ_SC_FINIT_MODULE:
		sc->fd = (int32_t)a[0];
		sc->flags = a[2];
		break;
	case NJ_SC_DELETE_MODULE:
		sc->flags = a[1];
		break;
	case NJ_SC_DUP2:
	case NJ_SC_DUP3:
		sc->fd = (int32_t)a[0];
		sc->fd2 = (int32_t)a[1];
		if (sc->type == NJ_SC_DUP3)
			sc->flags = a[2];
		break;
	case NJ_SC_BPF:
		sc->bpf_cmd = (int32_t)a[0];
		break;
	default:
		break;
	}
}

static void decode_argv(struct nj_sensor *s, const struct nj_sr_record *r, struct nj_syscall *sc)
{
	uint32_t n = r->argv_len > NJ_SR_ARGV_MAX ? NJ_SR_ARGV_MAX : r->argv_len;

	memcpy(s->argv, r->argv, n);
	while (n && s->argv[n - 1] == 0)
		n--;
	for (uint32_t i = 0; i < n; i++)
		if (s->argv[i] == 0)
			s->argv[i] = ' ';
	s->argv[n] = 0;
	sc->argv = s->argv;
	sc->argv_len = n;
	sc->argc = r->argc;
	sc->argv_truncated = r->flags & NJ_SR_F_ARGV_TRUNC;
}

/* The environment as NAME=value lines. */
static void decode_env(struct nj_sensor *s, const struct nj_sr_record *r, struct nj_syscall *sc)
{
	uint32_t n = r->env_len > NJ_SR_ENV_MAX ? NJ_SR_ENV_MAX : r->env_len;

	memcpy(s->env, r->env, n);
	while (n && s->env[n - 1] == 0)
		n--;
	for (uint32_t i = 0; i < n; i++)
		if (s->env[i] == 0)
			s->env[i] = '\n';
	s->env[n] = 0;
	sc->env = s->env;
	sc->env_len = n;
}

/* Checks a record's lengths against the bytes received. */
static bool record_ok(const struct nj_sr_record *r, size_t size)
{
	if (size < NJ_SR_SIZE_HDR || r->type == 0 || r->type >= NJ_SC__COUNT)
		return false;
	if (r->path_len && (r->path_len >= NJ_SR_PATH_MAX || size < NJ_SR_SIZE_PATH))
		return false;
	if (r->path2_len && (r->path2_len >= NJ_SR_PATH_MAX || size < NJ_SR_SIZE_PATH2))
		return false;
	if ((r->flags & NJ_SR_F_BASE) && size < NJ_SR_SIZE_PATH2)
		return false;
	if (r->argv_len && (r->argv_len > NJ_SR_ARGV_MAX || size < NJ_SR_SIZE_ARGV))
		return false;
	if (r->env_len && (r->env_len > NJ_SR_ENV_MAX || size < NJ_SR_SIZE_ALL))
		return false;
	return true;
}

static int decode(struct nj_sensor *s, const struct nj_sr_record *r, size_t size)
{
	struct nj_syscall *sc = &s->sc;
	const struct call *c;
	int64_t ns;

	if (!record_ok(r, size))
		return -EINVAL;
	nj_syscall_init(sc);
	sc->type = (enum nj_sc_type)r->type;
	ns = (int64_t)r->ts_boot + s->boot_to_real_ns;
	sc->ts.tv_sec = ns / 1000000000ll;
	sc->ts.tv_usec = (ns % 1000000000ll) / 1000;
	sc->ret = r->ret;
	sc->pid = r->pid;
	sc->tid = r->tid;
	sc->ppid = r->ppid;
	sc->uid = r->uid;
	sc->euid = r->euid;
	sc->gid = r->gid;
	copy_str(sc->comm, sizeof(sc->comm), r->comm, NJ_SR_COMM_LEN, NJ_SR_COMM_LEN);
	sc->path_truncated = r->flags & (NJ_SR_F_PATH_TRUNC | NJ_SR_F_PATH2_TRUNC);
	if (r->source == NJ_SR_SCHED_EXIT) {
		sc->exit_code = (int32_t)r->exit_code;
		return 0;
	}
	decode_sock(r, sc);
	decode_args(r, sc);
	if (r->source != NJ_SR_SYSCALL)
		return 0;
	c = s->by_type[sc->type];
	if (!c)
		return -EINVAL;
	if (size >= NJ_SR_SIZE_PATH)
		decode_paths(s, r, c, sc);
	if (nj_sc_type_family(sc->type) == NJ_SCF_EXEC) {
		if (size >= NJ_SR_SIZE_ARGV && r->argv_len)
			decode_argv(s, r, sc);
		if (size >= NJ_SR_SIZE_ALL && r->env_len)
			decode_env(s, r, sc);
		sc->exe_memfd = r->flags & NJ_SR_F_EXE_MEMFD;
	}
	return 0;
}

static int handle_record(void *ctx, void *data, size_t size)
{
	struct nj_sensor *s = ctx;

	if (size == sizeof(uint64_t) && *(const uint64_t *)data == NJ_SR_WAKE)
		return 0;
	if (decode(s, data, size)) {
		nj_counter_add(s->c_bad, 1);
		return 0;
	}
	nj_counter_add(s->c_events, 1);
	s->delivered++;
	if (s->cb) {
		int rc = s->cb(&s->sc, s->cb_arg);

		if (rc < 0) {
			s->cb_rc = rc;
			return rc;
		}
	}
	return 0;
}

/* --- drops ------------------------------------------------------------- */

static void drop_alert(struct nj_sensor *s, int cat, uint64_t n, time_t now)
{
	struct nj_rule_info *info = s->drop_rule;
	char (*msg)[96] = s->drop_msg;
	struct nj_alert a = { 0 };

	if (now - s->last_alert[cat] < 10)
		return;
	s->last_alert[cat] = now;
	snprintf(msg[cat], sizeof(msg[cat]), "nightjar sensor dropped %s events", cat_names[cat]);
	info[cat] = (struct nj_rule_info){
		.gid = NJ_SENSOR_DROP_GID,
		.sid = NJ_SENSOR_DROP_SID + (uint32_t)cat,
		.rev = 1,
		.action = NJ_ACTION_ALERT,
		.msg = msg[cat],
		.classtype = "sensor-drop",
		.class_desc = "Sensor event loss",
		.priority = 2,
	};
	a.rule = &info[cat];
	gettimeofday(&a.ts, NULL);
	a.pkt_src = "sensor";
	nj_warn("sensor: %" PRIu64 " %s events dropped in the kernel", n, cat_names[cat]);
	nj_alert_emit(s->worker, &a);
}

static void check_drops(struct nj_sensor *s)
{
	int ncpu = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(s->skel->maps.drops);
	time_t now = time(NULL);
	uint64_t total = 0;
	uint64_t *v;

	if (ncpu <= 0 || now == s->last_drop_check)
		return;
	s->last_drop_check = now;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return;
	for (uint32_t cat = 0; cat < NJ_SR_CAT__COUNT; cat++) {
		uint64_t sum = 0;

		if (bpf_map_lookup_elem(fd, &cat, v))
			continue;
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
		total += sum;
		nj_counter_set(s->c_cat[cat], sum);
		if (sum > s->drops_seen[cat])
			drop_alert(s, (int)cat, sum - s->drops_seen[cat], now);
		s->drops_seen[cat] = sum;
	}
	free(v);
	s->drops_total = total;
	nj_counter_set(s->c_drops, total);
}

/* Reads what is waiting; when nothing is, says so to the kernel side
 * (reader_idle: the next socket record wakes us), looks once more — a
 * record committed before the flag was seen — and sleeps. Records sent
 * without a wake-up are read when the wait ends. While records keep
 * coming, an empty ring makes the reader nap NAP_NS first instead of
 * asking to be woken: a busy system then costs at most one wake-up per
 * nap, and a socket record waits at most that long. */
#define NAP_NS 1000000

static int read_or_sleep(struct nj_sensor *s, int timeout_ms)
{
	int rc = ring_buffer__consume(s->rb), more;

	if (rc == 0 && !s->cb_rc && s->busy) {
		nanosleep(&(struct timespec){ 0, NAP_NS }, NULL);
		rc = ring_buffer__consume(s->rb);
	}
	s->busy = rc > 0;
	if (rc != 0 || s->cb_rc)
		return rc;
	__atomic_store_n(&s->skel->bss->reader_idle, 1, __ATOMIC_SEQ_CST);
	rc = ring_buffer__consume(s->rb);
	if (rc == 0 && !s->cb_rc)
		rc = ring_buffer__poll(s->rb, timeout_ms);
	__atomic_store_n(&s->skel->bss->reader_idle, 0, __ATOMIC_SEQ_CST);
	if (rc < 0 || s->cb_rc)
		return rc;
	more = ring_buffer__consume(s->rb);
	return more < 0 ? more : rc + more;
}

int nj_sensor_poll(struct nj_sensor *s, int timeout_ms, nj_sensor_cb cb, void *arg)
{
	int rc;

	if (!s->started)
		return -EINVAL;
	s->cb = cb;
	s->cb_arg = arg;
	s->cb_rc = 0;
	s->delivered = 0;
	rc = read_or_sleep(s, timeout_ms);
	s->cb = NULL;
	check_drops(s);
	if (s->cb_rc)
		return s->cb_rc;
	if (rc < 0 && rc != -EINTR)
		return rc;
	return s->delivered;
}

void nj_sensor_stop(struct nj_sensor *s)
{
	if (!s || !s->started)
		return;
	check_drops(s);
	ring_buffer__free(s->rb);
	s->rb = NULL;
	detach_calls(s);
	sensor_bpf__destroy(s->skel);
	s->skel = NULL;
	s->started = false;
}

void nj_sensor_free(struct nj_sensor *s)
{
	if (!s)
		return;
	nj_sensor_stop(s);
	free(s);
}
