/* The decoded system-call event: what the sensor and the trace reader hand
 * to the bus as NJ_EV_SYSCALL.
 *
 * Ownership: every pointer in struct nj_syscall (strings, proc) is borrowed
 * from the producer (sensor, trace reader) or the process table and is valid
 * only for the duration of one dispatch. Strings are NUL-terminated and also
 * carry their length; absent strings are NULL. A stage that keeps data past
 * the dispatch copies it.
 */
#ifndef NJ_CORE_SYSCALL_H
#define NJ_CORE_SYSCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "core/addr.h"

struct nj_process;
struct nj_flow;
struct nj_sock_link;

/* X(enum suffix, name as rules and traces spell it, family) */
#define NJ_SC_TYPES(X)                                  \
	X(EXECVE, "execve", EXEC)                       \
	X(EXECVEAT, "execveat", EXEC)                   \
	X(OPEN, "open", OPEN)                           \
	X(OPENAT, "openat", OPEN)                       \
	X(OPENAT2, "openat2", OPEN)                     \
	X(CREAT, "creat", OPEN)                         \
	X(CONNECT, "connect", SOCKET)                   \
	X(ACCEPT, "accept", SOCKET)                     \
	X(ACCEPT4, "accept4", SOCKET)                   \
	X(BIND, "bind", SOCKET)                         \
	X(LISTEN, "listen", SOCKET)                     \
	X(SOCKET, "socket", SOCKET)                     \
	X(CLONE, "clone", PROC)                         \
	X(CLONE3, "clone3", PROC)                       \
	X(FORK, "fork", PROC)                           \
	X(VFORK, "vfork", PROC)                         \
	X(EXIT, "exit", PROC)                           \
	X(SETUID, "setuid", CRED)                       \
	X(SETGID, "setgid", CRED)                       \
	X(SETREUID, "setreuid", CRED)                   \
	X(SETREGID, "setregid", CRED)                   \
	X(SETRESUID, "setresuid", CRED)                 \
	X(SETRESGID, "setresgid", CRED)                 \
	X(PTRACE, "ptrace", PROC)                       \
	X(MEMFD_CREATE, "memfd_create", FILE)           \
	X(UNLINK, "unlink", FILE)                       \
	X(UNLINKAT, "unlinkat", FILE)                   \
	X(RENAME, "rename", FILE)                       \
	X(RENAMEAT, "renameat", FILE)                   \
	X(RENAMEAT2, "renameat2", FILE)                 \
	X(CHMOD, "chmod", FILE)                         \
	X(FCHMOD, "fchmod", FILE)                       \
	X(FCHMODAT, "fchmodat", FILE)                   \
	X(CHOWN, "chown", FILE)                         \
	X(FCHOWN, "fchown", FILE)                       \
	X(LCHOWN, "lchown", FILE)                       \
	X(FCHOWNAT, "fchownat", FILE)                   \
	X(LINK, "link", FILE)                           \
	X(LINKAT, "linkat", FILE)                       \
	X(SYMLINK, "symlink", FILE)                     \
	X(SYMLINKAT, "symlinkat", FILE)                 \
	X(MKDIR, "mkdir", FILE)                         \
	X(MKDIRAT, "mkdirat", FILE)                     \
	X(MOUNT, "mount", FILE)                         \
	X(UMOUNT2, "umount2", FILE)                     \
	X(INIT_MODULE, "init_module", MODULE)           \
	X(FINIT_MODULE, "finit_module", MODULE)         \
	X(DELETE_MODULE, "delete_module", MODULE)       \
	X(KILL, "kill", PROC)                           \
	X(DUP2, "dup2", FD)                             \
	X(DUP3, "dup3", FD)                             \
	X(BPF, "bpf", OTHER)                            \
	X(PROC_FORK, "proc_fork", PROC)

#define NJ_SC_ENUM(e, n, f) NJ_SC_##e,
/* Event types. NJ_SC_PROC_FORK is the scheduler's record of a new process
 * (whatever call made it); the others are the system calls of that name.
 * NJ_SC_EXIT is reported once per process, when its last thread leaves,
 * whether by exit, exit_group or a signal. */
enum nj_sc_type {
	NJ_SC_NONE = 0,
	NJ_SC_TYPES(NJ_SC_ENUM)
	NJ_SC__COUNT
};
#undef NJ_SC_ENUM

enum nj_sc_family {
	NJ_SCF_EXEC = 1,
	NJ_SCF_OPEN,
	NJ_SCF_SOCKET,
	NJ_SCF_PROC,
	NJ_SCF_CRED,
	NJ_SCF_FILE,
	NJ_SCF_MODULE,
	NJ_SCF_FD,
	NJ_SCF_OTHER,
};

#define NJ_SC_COMM_LEN 16

/* A set of event types, one bit per enum nj_sc_type (for the sensor's
 * load-time filter and the rules' syscall: option). */
struct nj_sc_set {
	uint64_t bits[(NJ_SC__COUNT + 63) / 64];
};

static inline void nj_sc_set_add(struct nj_sc_set *s, enum nj_sc_type t)
{
	if ((unsigned)t < NJ_SC__COUNT)
		s->bits[t / 64] |= 1ull << (t % 64);
}

static inline bool nj_sc_set_has(const struct nj_sc_set *s, enum nj_sc_type t)
{
	return (unsigned)t < NJ_SC__COUNT && (s->bits[t / 64] >> (t % 64)) & 1;
}

struct nj_syscall {
	struct timeval ts;
	enum nj_sc_type type;
	int64_t ret;                    /* result; -errno on failure */
	uint32_t pid, tid, ppid;
	uint32_t uid, euid, gid;
	char comm[NJ_SC_COMM_LEN];      /* NUL-terminated */
	const struct nj_process *proc;  /* process-table entry, may be NULL */
	const struct nj_process *parent; /* its parent's entry, may be NULL */

	/* Files. path is absolute and normalised (open target, exec image,
	 * unlink/chmod/link/rename source, mount point, memfd name); raw_path
	 * as the process passed it; newpath is the rename/link/symlink target
	 * (absolute), or the mount source. */
	const char *path;
	uint32_t path_len;
	const char *raw_path;
	uint32_t raw_path_len;
	const char *newpath;
	uint32_t newpath_len;
	bool path_truncated;            /* a path was longer than the sensor reads */
	int32_t dirfd;                  /* *at calls; AT_FDCWD otherwise */
	uint64_t flags;                 /* open/clone/mount/memfd/exec/dup3/unlink flags */
	uint32_t mode;                  /* open/creat/chmod/mkdir mode */

	/* exec: argv joined by single spaces, argc arguments read. */
	const char *argv;
	uint32_t argv_len;
	uint32_t argc;
	bool argv_truncated;
	const char *env;                /* NAME=value joined by '\n', may be NULL */
	uint32_t env_len;
	bool exe_memfd;                 /* the new image came from memfd_create */

	/* Sockets: read from the kernel socket after the call. */
	bool has_sock;
	uint16_t family;                /* AF_* */
	uint16_t sock_type;             /* SOCK_* */
	uint16_t protocol;              /* IPPROTO_* */
	struct nj_addr local, remote;   /* family 0 when not inet */
	uint16_t local_port, remote_port;
	/* The connection of a connect or accept, set by the process stage
	 * for the event's dispatch (both borrowed, may be NULL): the flow
	 * when the thread handling the event owns it (offline), and the link
	 * to the flow (core/socklink.h) otherwise. */
	struct nj_flow *flow;
	struct nj_sock_link *link;

	/* Others. */
	int64_t request;                /* ptrace request */
	int32_t target_pid;             /* ptrace/kill target; new process for fork/clone */
	int32_t signal;                 /* kill */
	int32_t fd, fd2;                /* socket/listen/dup fds, finit_module fd */
	int32_t bpf_cmd;                /* bpf(2) command */
	int64_t ids[3];                 /* set*id arguments (real, effective, saved;
	                                 * -1 = unchanged), chown owner, group */
	const char *module;             /* init/delete_module: name or params */
	int32_t exit_code;              /* exit: status as wait(2) reports it */
};

/* Name of t ("execve"), "unknown" when out of range. Static storage. */
const char *nj_sc_type_name(enum nj_sc_type t);
/* Type called name, NJ_SC_NONE when unknown. */
enum nj_sc_type nj_sc_type_from_name(const char *name);
enum nj_sc_family nj_sc_type_family(enum nj_sc_type t);

/* "ENOENT" for 2; NULL when unknown. Static storage. */
const char *nj_errno_name(int err);
/* 2 for "ENOENT"; 0 when unknown. */
int nj_errno_from_name(const char *name);

/* Symbolic names of the bits of open(2) flags, for output and the
 * open.flags keyword. Calls fn once per name in a fixed order (access
 * mode first: O_RDONLY, O_WRONLY or O_RDWR). */
void nj_open_flags_each(uint64_t flags, void (*fn)(const char *name, void *arg), void *arg);
/* Value of one name ("O_TRUNC"), -1 when unknown; O_RDONLY is 0. */
int64_t nj_open_flag_value(const char *name);

/* ptrace request names ("PTRACE_ATTACH" / value 16). */
const char *nj_ptrace_request_name(int64_t req);
int64_t nj_ptrace_request_value(const char *name);

/* "AF_INET" for 2; NULL when unknown. And the reverse (-1 when unknown). */
const char *nj_af_name(int family);
int nj_af_value(const char *name);

/* A socket event's ends with the initiator as source: the local end for
 * connect (and socket calls generally), the remote end for accept; bind
 * and listen have a destination (the local end) only. Absent ends are
 * NULL; proto is IPPROTO_TCP/UDP (from the socket type when the protocol
 * is 0), 0 when unknown. */
struct nj_sc_ends {
	const struct nj_addr *src, *dst;
	uint16_t sport, dport;
	uint8_t proto;
};
void nj_syscall_ends(const struct nj_syscall *sc, struct nj_sc_ends *e);

/* Resets sc to an empty event (type NONE, fds -1, ids -1). */
void nj_syscall_init(struct nj_syscall *sc);

#endif
