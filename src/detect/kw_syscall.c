/* Keywords of system-call rules (RULES.md, "System-call rules"):
 *
 *   syscall:execve,execveat | syscall:!exit      event types (meta: the
 *                                               engine selects by them)
 *   uid euid proc.gid pid ppid proc.duration     numbers of the process
 *                                               (`gid` stays the generator id)
 *   ret                                          the call's result
 *   open.flags:O_WRONLY,O_RDWR | open.flags:&O_TRUNC    any-of / all-of
 *   chmod.mode:&S_ISUID                          the same over mode bits
 *   ptrace.request:ATTACH,SEIZE   socket.family:AF_PACKET   any-of lists
 *   bpf.cmd:PROG_LOAD
 *   ptrace.target:parent                         the tracee is the caller's parent
 *   proc.tty  proc.exe_memfd  container          true/false (default true)
 *
 * The process keywords also work in packet rules, on the local process
 * that owns the packet's flow; the others need a system call.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/packet.h"
#include "core/process.h"
#include "detect/host_buffers.h"
#include "detect/keywords.h"
#include "detect/kw_util.h"

#define LIST_MAX 16

static const struct nj_process *proc_of(const struct nj_match *m)
{
	return m->host ? m->host->proc : NULL;
}

static const struct nj_syscall *sc_of(const struct nj_match *m)
{
	return m->host ? m->host->sc : NULL;
}

/* Splits a comma-separated list in place; returns the count or -1. */
static int split_list(char *s, char **items, int max)
{
	int n = 0;

	for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		while (isspace((unsigned char)*tok))
			tok++;
		char *e = tok + strlen(tok);
		while (e > tok && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (!*tok || n == max)
			return -1;
		items[n++] = tok;
	}
	return n;
}

/* ---- syscall: ---- */

static int parse_syscall(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct nj_rule *r = rc->rule;
	struct nj_sc_set pos = { { 0 } }, neg = { { 0 } };
	char buf[1024], *items[NJ_SC__COUNT];
	bool any_pos = false;
	int n;

	if (r->proto != NJ_RPROTO_SYSCALL)
		return nj_rule_error(rc, "only in syscall rules");
	snprintf(buf, sizeof(buf), "%s", arg);
	if ((n = split_list(buf, items, NJ_SC__COUNT)) <= 0)
		return nj_rule_error(rc, "invalid list '%s'", arg);
	for (int i = 0; i < n; i++) {
		bool not = items[i][0] == '!';
		enum nj_sc_type t = nj_sc_type_from_name(items[i] + not);
		if (t == NJ_SC_NONE)
			return nj_rule_error(rc, "unknown system call '%s'", items[i] + not);
		nj_sc_set_add(not ? &neg : &pos, t);
		any_pos |= !not;
	}
	for (int t = 1; t < NJ_SC__COUNT; t++) {
		bool in = any_pos ? nj_sc_set_has(&pos, t) : true;
		if (in && !nj_sc_set_has(&neg, t))
			nj_sc_set_add(&r->sc_types, t);
	}
	r->sc_all = false;
	return 0;
}

const struct nj_keyword kw_syscall = {
	.name = "syscall", .flags = NJ_KW_META | NJ_KW_SC_ONLY, .parse = parse_syscall,
};

/* ---- numbers ---- */

enum num_field { F_UID, F_EUID, F_GID, F_PID, F_PPID, F_RET, F_DURATION };

struct num {
	struct nj_cmp cmp;
	uint8_t field;
};

static int64_t duration(const struct nj_match *m, const struct nj_process *p)
{
	const struct timeval *now = sc_of(m) ? &sc_of(m)->ts : m->p ? &m->p->ts : NULL;

	if (!p || !now || !p->start.tv_sec)
		return -1;
	int64_t d = (int64_t)(now->tv_sec - p->start.tv_sec);
	return d < 0 ? 0 : d;
}

/* The field's value, false when the event has none. */
static bool num_value(const struct nj_match *m, uint8_t field, int64_t *v)
{
	const struct nj_syscall *sc = sc_of(m);
	const struct nj_process *p = proc_of(m);

	if (!sc && !p)
		return false;
	switch (field) {
	case F_UID: *v = sc ? sc->uid : p->uid; break;
	case F_EUID: *v = sc ? sc->euid : p->euid; break;
	case F_GID: *v = sc ? sc->gid : p->gid; break;
	case F_PID: *v = sc ? sc->pid : p->pid; break;
	case F_PPID: *v = sc ? sc->ppid : p->ppid; break;
	case F_RET:
		if (!sc)
			return false;
		*v = sc->ret;
		break;
	default:
		*v = duration(m, p);
		return *v >= 0;
	}
	return true;
}

static int match_num(struct nj_match *m, const void *data)
{
	const struct num *n = data;
	int64_t v;

	return num_value(m, n->field, &v) && nj_cmp_eval(&n->cmp, v);
}

static uint8_t num_field(const char *kw)
{
	static const char *const names[] = { "uid", "euid", "proc.gid", "pid", "ppid", "ret", "proc.duration" };

	for (uint8_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], kw) == 0)
			return i;
	return F_DURATION;
}

static int parse_num(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct num *n = nj_kw_alloc(rc, sizeof(*n));

	if (!n)
		return -1;
	if (nj_cmp_parse(arg, &n->cmp) < 0) {
		free(n);
		return nj_rule_error(rc, "invalid value '%s'", arg);
	}
	n->field = num_field(rc->kw_name);
	*data = n;
	return 0;
}

static void dump_num(const void *data, char *buf, size_t len)
{
	nj_cmp_dump(&((const struct num *)data)->cmp, buf, len);
}

#define NUM_KW(id, kwname, fl)                                                            \
	const struct nj_keyword kw_##id = { .name = kwname, .flags = (fl), .parse = parse_num, \
					    .match = match_num, .free = free, .dump = dump_num }

NUM_KW(uid, "uid", NJ_KW_HOST);
NUM_KW(euid, "euid", NJ_KW_HOST);
NUM_KW(proc_gid, "proc.gid", NJ_KW_HOST);
NUM_KW(pid, "pid", NJ_KW_HOST);
NUM_KW(ppid, "ppid", NJ_KW_HOST);
NUM_KW(ret, "ret", NJ_KW_HOST | NJ_KW_SC_ONLY);
NUM_KW(proc_duration, "proc.duration", NJ_KW_HOST);

/* ---- bit sets: open.flags, chmod.mode ---- */

struct bits {
	uint64_t mask;
	uint8_t acc;                    /* access modes named: bit (1 << O_RDONLY/O_WRONLY/O_RDWR) */
	bool all, negated, mode;
	char text[128];
};

static const struct {
	const char *name;
	uint32_t value;
} mode_bits[] = {
	{ "S_ISUID", S_ISUID }, { "S_ISGID", S_ISGID }, { "S_ISVTX", S_ISVTX },
	{ "S_IRWXU", S_IRWXU }, { "S_IRUSR", S_IRUSR }, { "S_IWUSR", S_IWUSR }, { "S_IXUSR", S_IXUSR },
	{ "S_IRWXG", S_IRWXG }, { "S_IRGRP", S_IRGRP }, { "S_IWGRP", S_IWGRP }, { "S_IXGRP", S_IXGRP },
	{ "S_IRWXO", S_IRWXO }, { "S_IROTH", S_IROTH }, { "S_IWOTH", S_IWOTH }, { "S_IXOTH", S_IXOTH },
};

static int64_t mode_value(const char *name)
{
	char *end;

	for (size_t i = 0; i < sizeof(mode_bits) / sizeof(mode_bits[0]); i++)
		if (strcmp(mode_bits[i].name, name) == 0)
			return mode_bits[i].value;
	long v = strtol(name, &end, 8);
	return *end || v < 0 || v > 07777 ? -1 : v;
}

static int add_bit(struct bits *b, const char *name)
{
	int64_t v = b->mode ? mode_value(name) : nj_open_flag_value(name);

	if (v < 0)
		return -1;
	if (!b->mode && (strcmp(name, "O_RDONLY") == 0 || strcmp(name, "O_WRONLY") == 0 ||
			 strcmp(name, "O_RDWR") == 0)) {
		if (b->acc && b->all)
			return -1;      /* two access modes can never both hold */
		b->acc |= (uint8_t)(1u << v);
		return 0;
	}
	b->mask |= (uint64_t)v;
	return 0;
}

static int parse_bits(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct bits *b = nj_kw_alloc(rc, sizeof(*b));
	char buf[512], *items[LIST_MAX], *s = buf;
	int n;

	if (!b)
		return -1;
	snprintf(b->text, sizeof(b->text), "%s", arg);
	b->mode = strcmp(rc->kw_name, "chmod.mode") == 0;
	snprintf(buf, sizeof(buf), "%s", arg);
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '!') {
		b->negated = true;
		s++;
	}
	if (*s == '&') {
		b->all = true;
		s++;
	}
	if ((n = split_list(s, items, LIST_MAX)) <= 0)
		goto bad;
	for (int i = 0; i < n; i++)
		if (add_bit(b, items[i]) < 0)
			goto bad;
	*data = b;
	return 0;
bad:
	free(b);
	return nj_rule_error(rc, "invalid value '%s'", arg);
}

static bool bits_hold(const struct bits *b, uint64_t v)
{
	bool acc = (b->acc >> (v & O_ACCMODE)) & 1;

	if (b->all)
		return (!b->acc || acc) && (v & b->mask) == b->mask;
	return acc || (v & b->mask) != 0;
}

static int match_bits(struct nj_match *m, const void *data)
{
	const struct bits *b = data;
	const struct nj_syscall *sc = sc_of(m);
	uint64_t v;

	if (!sc)
		return 0;
	if (b->mode) {
		if (sc->type != NJ_SC_CHMOD && sc->type != NJ_SC_FCHMOD && sc->type != NJ_SC_FCHMODAT)
			return 0;
		v = sc->mode;
	} else {
		if (nj_sc_type_family(sc->type) != NJ_SCF_OPEN)
			return 0;
		v = sc->flags;
	}
	return bits_hold(b, v) != b->negated;
}

static void dump_text(const void *data, char *buf, size_t len)
{
	snprintf(buf, len, "%s", ((const struct bits *)data)->text);
}

const struct nj_keyword kw_open_flags = {
	.name = "open.flags", .flags = NJ_KW_HOST | NJ_KW_SC_ONLY, .parse = parse_bits,
	.match = match_bits, .free = free, .dump = dump_text,
};
const struct nj_keyword kw_chmod_mode = {
	.name = "chmod.mode", .flags = NJ_KW_HOST | NJ_KW_SC_ONLY, .parse = parse_bits,
	.match = match_bits, .free = free, .dump = dump_text,
};

/* ---- value lists: ptrace.request, socket.family ---- */

enum { L_PTRACE, L_FAMILY, L_BPF };

struct vlist {
	int64_t v[LIST_MAX];
	int n;
	uint8_t what;
	bool negated;
	char text[128];
};

/* bpf(2) commands, as <linux/bpf.h> numbers them. */
static const char *const bpf_cmds[] = {
	"MAP_CREATE", "MAP_LOOKUP_ELEM", "MAP_UPDATE_ELEM", "MAP_DELETE_ELEM", "MAP_GET_NEXT_KEY",
	"PROG_LOAD", "OBJ_PIN", "OBJ_GET", "PROG_ATTACH", "PROG_DETACH", "PROG_TEST_RUN",
	"PROG_GET_NEXT_ID", "MAP_GET_NEXT_ID", "PROG_GET_FD_BY_ID", "MAP_GET_FD_BY_ID",
	"OBJ_GET_INFO_BY_FD", "PROG_QUERY", "RAW_TRACEPOINT_OPEN", "BTF_LOAD", "BTF_GET_FD_BY_ID",
	"TASK_FD_QUERY", "MAP_LOOKUP_AND_DELETE_ELEM", "MAP_FREEZE", "BTF_GET_NEXT_ID",
	"MAP_LOOKUP_BATCH", "MAP_LOOKUP_AND_DELETE_BATCH", "MAP_UPDATE_BATCH", "MAP_DELETE_BATCH",
	"LINK_CREATE", "LINK_UPDATE", "LINK_GET_FD_BY_ID", "LINK_GET_NEXT_ID", "ENABLE_STATS",
	"ITER_CREATE", "LINK_DETACH", "PROG_BIND_MAP",
};

static int64_t bpf_cmd_value(const char *name)
{
	if (strncmp(name, "BPF_", 4) == 0)
		name += 4;
	for (size_t i = 0; i < sizeof(bpf_cmds) / sizeof(bpf_cmds[0]); i++)
		if (strcmp(bpf_cmds[i], name) == 0)
			return (int64_t)i;
	return -1;
}

static int64_t list_value(uint8_t what, const char *name)
{
	char full[64];

	if (what == L_BPF)
		return bpf_cmd_value(name);
	if (what == L_FAMILY) {
		if (strncmp(name, "AF_", 3) != 0) {
			snprintf(full, sizeof(full), "AF_%s", name);
			name = full;
		}
		return nj_af_value(name);
	}
	if (strncmp(name, "PTRACE_", 7) != 0) {
		snprintf(full, sizeof(full), "PTRACE_%s", name);
		name = full;
	}
	return nj_ptrace_request_value(name);
}

static int parse_vlist(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct vlist *l = nj_kw_alloc(rc, sizeof(*l));
	char buf[512], *items[LIST_MAX], *s = buf;

	if (!l)
		return -1;
	snprintf(l->text, sizeof(l->text), "%s", arg);
	l->what = !strcmp(rc->kw_name, "socket.family") ? L_FAMILY :
		  !strcmp(rc->kw_name, "bpf.cmd") ? L_BPF : L_PTRACE;
	snprintf(buf, sizeof(buf), "%s", arg);
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '!') {
		l->negated = true;
		s++;
	}
	if ((l->n = split_list(s, items, LIST_MAX)) <= 0)
		goto bad;
	for (int i = 0; i < l->n; i++) {
		int64_t v;
		if (nj_kw_parse_int(items[i], &v) < 0 && (v = list_value(l->what, items[i])) < 0)
			goto bad;
		l->v[i] = v;
	}
	*data = l;
	return 0;
bad:
	free(l);
	return nj_rule_error(rc, "invalid value '%s'", arg);
}

static int match_vlist(struct nj_match *m, const void *data)
{
	const struct vlist *l = data;
	const struct nj_syscall *sc = sc_of(m);
	int64_t v;
	bool in = false;

	if (!sc)
		return 0;
	switch (l->what) {
	case L_FAMILY:
		if (!sc->has_sock && sc->type != NJ_SC_SOCKET)
			return 0;
		v = sc->family;
		break;
	case L_BPF:
		if (sc->type != NJ_SC_BPF)
			return 0;
		v = sc->bpf_cmd;
		break;
	default:
		if (sc->type != NJ_SC_PTRACE)
			return 0;
		v = sc->request;
		break;
	}
	for (int i = 0; i < l->n; i++)
		in |= l->v[i] == v;
	return in != l->negated;
}

static void dump_vlist(const void *data, char *buf, size_t len)
{
	snprintf(buf, len, "%s", ((const struct vlist *)data)->text);
}

const struct nj_keyword kw_ptrace_request = {
	.name = "ptrace.request", .flags = NJ_KW_HOST | NJ_KW_SC_ONLY, .parse = parse_vlist,
	.match = match_vlist, .free = free, .dump = dump_vlist,
};
const struct nj_keyword kw_socket_family = {
	.name = "socket.family", .flags = NJ_KW_HOST | NJ_KW_SC_ONLY, .parse = parse_vlist,
	.match = match_vlist, .free = free, .dump = dump_vlist,
};
const struct nj_keyword kw_bpf_cmd = {
	.name = "bpf.cmd", .flags = NJ_KW_HOST | NJ_KW_SC_ONLY, .parse = parse_vlist,
	.match = match_vlist, .free = free, .dump = dump_vlist,
};

/* ---- ptrace.target:parent ---- */

static int parse_ptrace_target(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	bool *neg = nj_kw_alloc(rc, sizeof(*neg));

	if (!neg)
		return -1;
	*neg = arg[0] == '!';
	if (strcmp(arg + *neg, "parent") != 0) {
		free(neg);
		return nj_rule_error(rc, "expected parent or !parent, not '%s'", arg);
	}
	*data = neg;
	return 0;
}

static int match_ptrace_target(struct nj_match *m, const void *data)
{
	const struct nj_syscall *sc = sc_of(m);

	if (!sc || sc->type != NJ_SC_PTRACE || sc->target_pid <= 0)
		return 0;
	return ((uint32_t)sc->target_pid == sc->ppid) != *(const bool *)data;
}

static void dump_ptrace_target(const void *data, char *buf, size_t len)
{
	snprintf(buf, len, "%sparent", *(const bool *)data ? "!" : "");
}

const struct nj_keyword kw_ptrace_target = {
	.name = "ptrace.target", .flags = NJ_KW_HOST | NJ_KW_SC_ONLY, .parse = parse_ptrace_target,
	.match = match_ptrace_target, .free = free, .dump = dump_ptrace_target,
};

/* ---- process properties ---- */

enum { P_TTY, P_MEMFD, P_CONTAINER };

struct prop {
	uint8_t what;
	bool want;
};

static int parse_prop(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct prop *p = nj_kw_alloc(rc, sizeof(*p));

	if (!p)
		return -1;
	p->what = strcmp(rc->kw_name, "proc.tty") == 0 ? P_TTY :
		  strcmp(rc->kw_name, "proc.exe_memfd") == 0 ? P_MEMFD : P_CONTAINER;
	p->want = true;
	if (arg && (strcmp(arg, "false") == 0 || strcmp(arg, "no") == 0))
		p->want = false;
	else if (arg && strcmp(arg, "true") != 0 && strcmp(arg, "yes") != 0) {
		free(p);
		return nj_rule_error(rc, "expected true or false, not '%s'", arg);
	}
	*data = p;
	return 0;
}

static int match_prop(struct nj_match *m, const void *data)
{
	const struct prop *pr = data;
	const struct nj_process *p = proc_of(m);
	const struct nj_syscall *sc = sc_of(m);
	bool v;

	if (!p && !(sc && pr->what == P_MEMFD))
		return 0;
	switch (pr->what) {
	case P_TTY: v = p->tty[0] != '\0'; break;
	case P_MEMFD: v = (p && p->exe_memfd) || (sc && sc->exe_memfd); break;
	default: v = p->container_id[0] != '\0'; break;
	}
	return v == pr->want;
}

static void dump_prop(const void *data, char *buf, size_t len)
{
	snprintf(buf, len, "%s", ((const struct prop *)data)->want ? "true" : "false");
}

#define PROP_KW(id, kwname)                                                                 \
	const struct nj_keyword kw_##id = { .name = kwname,                                  \
					    .flags = NJ_KW_HOST | NJ_KW_OPTARG,               \
					    .parse = parse_prop, .match = match_prop,         \
					    .free = free, .dump = dump_prop }

PROP_KW(proc_tty, "proc.tty");
PROP_KW(proc_exe_memfd, "proc.exe_memfd");
PROP_KW(container, "container");
