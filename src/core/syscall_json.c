/* JSON objects of a process and of a system call, as syscall traces and
 * EVE alerts write them (schemas: doc/syscall-trace-schema.json,
 * doc/eve-schema.json). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/syscall_json.h"

void nj_format_utc_ts(const struct timeval *tv, char *buf, size_t len)
{
	struct tm tm;
	time_t sec = tv->tv_sec;
	char base[32];

	gmtime_r(&sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06ld+0000", base, (long)tv->tv_usec);
}

static const char *const sock_types[] = {
	[1] = "SOCK_STREAM", [2] = "SOCK_DGRAM", [3] = "SOCK_RAW",
	[4] = "SOCK_RDM", [5] = "SOCK_SEQPACKET", [6] = "SOCK_DCCP", [10] = "SOCK_PACKET",
};

const char *nj_sock_type_name(unsigned t)
{
	if (t < sizeof(sock_types) / sizeof(sock_types[0]))
		return sock_types[t];
	return NULL;
}

int nj_sock_type_value(const char *name)
{
	for (unsigned i = 0; i < sizeof(sock_types) / sizeof(sock_types[0]); i++)
		if (sock_types[i] && strcmp(sock_types[i], name) == 0)
			return (int)i;
	return -1;
}

static bool has_mode(enum nj_sc_type t)
{
	switch (t) {
	case NJ_SC_OPEN: case NJ_SC_OPENAT: case NJ_SC_OPENAT2: case NJ_SC_CREAT:
	case NJ_SC_CHMOD: case NJ_SC_FCHMOD: case NJ_SC_FCHMODAT:
	case NJ_SC_MKDIR: case NJ_SC_MKDIRAT:
		return true;
	default:
		return false;
	}
}

static bool has_target(enum nj_sc_type t)
{
	switch (t) {
	case NJ_SC_PTRACE: case NJ_SC_KILL: case NJ_SC_CLONE: case NJ_SC_CLONE3:
	case NJ_SC_FORK: case NJ_SC_VFORK: case NJ_SC_PROC_FORK:
		return true;
	default:
		return false;
	}
}

static void write_flag_name(const char *name, void *arg)
{
	nj_json_str(arg, NULL, name);
}

static void write_opt_str(struct nj_json *j, const char *key, const char *s, uint32_t len)
{
	if (s)
		nj_json_strn(j, key, (const uint8_t *)s, len);
}

void nj_json_process(struct nj_json *j, const struct nj_process *p, const struct nj_syscall *sc)
{
	char ts[48];

	nj_json_object_open(j, "process");
	nj_json_uint(j, "pid", sc ? sc->pid : p->pid);
	nj_json_uint(j, "ppid", sc ? sc->ppid : p->ppid);
	if (sc)
		nj_json_uint(j, "tid", sc->tid);
	nj_json_str(j, "name", (p && p->name[0]) || !sc ? p->name : sc->comm);
	if (p) {
		nj_json_str(j, "exe", p->exe);
		nj_json_str(j, "cmdline", p->cmdline);
		nj_json_str(j, "cwd", p->cwd);
	}
	nj_json_uint(j, "uid", sc ? sc->uid : p->uid);
	nj_json_uint(j, "euid", sc ? sc->euid : p->euid);
	nj_json_uint(j, "gid", sc ? sc->gid : p->gid);
	if (p) {
		nj_json_str(j, "user", p->user);
		nj_json_str(j, "tty", p->tty);
		if (p->start.tv_sec) {
			nj_format_utc_ts(&p->start, ts, sizeof(ts));
			nj_json_str(j, "start", ts);
		}
		nj_json_str(j, "container_id", p->container_id);
		if (p->exe_memfd)
			nj_json_bool(j, "exe_memfd", true);
		nj_json_array_open(j, "ancestors");
		for (unsigned i = 0; i < p->nancestors && i < NJ_PROC_ANCESTORS; i++) {
			nj_json_object_open(j, NULL);
			nj_json_uint(j, "pid", p->ancestors[i].pid);
			nj_json_str(j, "name", p->ancestors[i].name);
			nj_json_str(j, "exe", p->ancestors[i].exe);
			nj_json_object_close(j);
		}
		nj_json_array_close(j);
	}
	nj_json_object_close(j);
}

static void write_socket(struct nj_json *j, const struct nj_syscall *sc)
{
	const char *name = nj_af_name(sc->family);
	char buf[64];

	if (!sc->has_sock && sc->type != NJ_SC_SOCKET)
		return;
	if (name)
		nj_json_str(j, "family", name);
	else
		nj_json_uint(j, "family", sc->family);
	name = nj_sock_type_name(sc->sock_type);
	if (name)
		nj_json_str(j, "sock_type", name);
	else
		nj_json_uint(j, "sock_type", sc->sock_type);
	nj_json_uint(j, "protocol", sc->protocol);
	if (sc->local.family) {
		nj_json_str(j, "local_ip", nj_addr_str(&sc->local, buf, sizeof(buf)));
		nj_json_uint(j, "local_port", sc->local_port);
	}
	if (sc->remote.family) {
		nj_json_str(j, "remote_ip", nj_addr_str(&sc->remote, buf, sizeof(buf)));
		nj_json_uint(j, "remote_port", sc->remote_port);
	}
}

static void write_ids(struct nj_json *j, const struct nj_syscall *sc)
{
	int n = 0;

	switch (sc->type) {
	case NJ_SC_SETUID: case NJ_SC_SETGID:
		n = 1;
		break;
	case NJ_SC_SETREUID: case NJ_SC_SETREGID: case NJ_SC_CHOWN: case NJ_SC_FCHOWN:
	case NJ_SC_LCHOWN: case NJ_SC_FCHOWNAT:
		n = 2;
		break;
	case NJ_SC_SETRESUID: case NJ_SC_SETRESGID:
		n = 3;
		break;
	default:
		return;
	}
	nj_json_array_open(j, "ids");
	for (int i = 0; i < n; i++)
		nj_json_int(j, NULL, sc->ids[i]);
	nj_json_array_close(j);
}

void nj_json_syscall(struct nj_json *j, const struct nj_syscall *sc)
{
	enum nj_sc_family fam = nj_sc_type_family(sc->type);

	nj_json_object_open(j, "syscall");
	nj_json_str(j, "name", nj_sc_type_name(sc->type));
	nj_json_int(j, "ret", sc->ret);
	if (sc->ret < 0 && sc->ret > -4096 && nj_errno_name((int)-sc->ret))
		nj_json_str(j, "errno", nj_errno_name((int)-sc->ret));
	write_opt_str(j, "path", sc->path, sc->path_len);
	write_opt_str(j, "raw_path", sc->raw_path, sc->raw_path_len);
	write_opt_str(j, "newpath", sc->newpath, sc->newpath_len);
	if (sc->path_truncated)
		nj_json_bool(j, "path_truncated", true);
	if (sc->dirfd != AT_FDCWD)
		nj_json_int(j, "dirfd", sc->dirfd);
	if (fam == NJ_SCF_OPEN) {
		nj_json_array_open(j, "flags");
		nj_open_flags_each(sc->flags, write_flag_name, j);
		nj_json_array_close(j);
	} else if (sc->flags) {
		nj_json_uint(j, "flags", sc->flags);
	}
	if (has_mode(sc->type))
		nj_json_uint(j, "mode", sc->mode);
	if (fam == NJ_SCF_EXEC) {
		write_opt_str(j, "argv", sc->argv, sc->argv_len);
		nj_json_uint(j, "argc", sc->argc);
		if (sc->argv_truncated)
			nj_json_bool(j, "argv_truncated", true);
		if (sc->exe_memfd)
			nj_json_bool(j, "exe_memfd", true);
	}
	write_opt_str(j, "env", sc->env, sc->env_len);
	write_socket(j, sc);
	if (sc->type == NJ_SC_PTRACE) {
		const char *r = nj_ptrace_request_name(sc->request);

		if (r)
			nj_json_str(j, "request", r);
		else
			nj_json_int(j, "request", sc->request);
	}
	if (has_target(sc->type))
		nj_json_int(j, "target_pid", sc->target_pid);
	if (sc->type == NJ_SC_KILL)
		nj_json_int(j, "signal", sc->signal);
	if (sc->fd >= 0)
		nj_json_int(j, "fd", sc->fd);
	if (sc->fd2 >= 0)
		nj_json_int(j, "fd2", sc->fd2);
	if (sc->type == NJ_SC_BPF)
		nj_json_int(j, "bpf_cmd", sc->bpf_cmd);
	write_ids(j, sc);
	if (sc->module)
		nj_json_str(j, "module", sc->module);
	if (sc->type == NJ_SC_EXIT)
		nj_json_int(j, "exit_code", sc->exit_code);
	nj_json_object_close(j);
}
