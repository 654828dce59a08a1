/* Names of system-call event types, errno values and argument constants. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "core/syscall.h"

#define NAME_ROW(e, n, f) [NJ_SC_##e] = n,
static const char *const type_names[NJ_SC__COUNT] = {
	[NJ_SC_NONE] = "none",
	NJ_SC_TYPES(NAME_ROW)
};
#undef NAME_ROW

#define FAMILY_ROW(e, n, f) [NJ_SC_##e] = NJ_SCF_##f,
static const unsigned char type_families[NJ_SC__COUNT] = {
	NJ_SC_TYPES(FAMILY_ROW)
};
#undef FAMILY_ROW

const char *nj_sc_type_name(enum nj_sc_type t)
{
	if ((unsigned)t >= NJ_SC__COUNT)
		return "unknown";
	return type_names[t];
}

enum nj_sc_type nj_sc_type_from_name(const char *name)
{
	for (int t = 1; t < NJ_SC__COUNT; t++)
		if (strcmp(type_names[t], name) == 0)
			return (enum nj_sc_type)t;
	return NJ_SC_NONE;
}

enum nj_sc_family nj_sc_type_family(enum nj_sc_type t)
{
	if ((unsigned)t >= NJ_SC__COUNT || t == NJ_SC_NONE)
		return NJ_SCF_OTHER;
	return (enum nj_sc_family)type_families[t];
}

const char *nj_errno_name(int err)
{
	if (err <= 0 || err > 4095)
		return NULL;
	return strerrorname_np(err);
}

int nj_errno_from_name(const char *name)
{
	for (int e = 1; e < 200; e++) {
		const char *n = strerrorname_np(e);
		if (n && strcmp(n, name) == 0)
			return e;
	}
	return 0;
}

struct flag_name {
	const char *name;
	uint64_t value;
};

/* O_SYNC includes O_DSYNC and O_TMPFILE includes O_DIRECTORY: the wider
 * names come first and claim their bits. */
static const struct flag_name open_flags[] = {
	{ "O_CREAT", O_CREAT },
	{ "O_EXCL", O_EXCL },
	{ "O_NOCTTY", O_NOCTTY },
	{ "O_TRUNC", O_TRUNC },
	{ "O_APPEND", O_APPEND },
	{ "O_NONBLOCK", O_NONBLOCK },
	{ "O_SYNC", O_SYNC },
	{ "O_DSYNC", O_DSYNC },
	{ "O_DIRECT", O_DIRECT },
	{ "O_LARGEFILE", 0100000 },
	{ "O_TMPFILE", O_TMPFILE },
	{ "O_DIRECTORY", O_DIRECTORY },
	{ "O_NOFOLLOW", O_NOFOLLOW },
	{ "O_NOATIME", O_NOATIME },
	{ "O_CLOEXEC", O_CLOEXEC },
	{ "O_PATH", O_PATH },
};

void nj_open_flags_each(uint64_t flags, void (*fn)(const char *name, void *arg), void *arg)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	uint64_t left = flags & ~(uint64_t)O_ACCMODE;

	fn(acc[flags & O_ACCMODE], arg);
	for (size_t i = 0; i < sizeof(open_flags) / sizeof(open_flags[0]); i++) {
		if ((left & open_flags[i].value) == open_flags[i].value) {
			fn(open_flags[i].name, arg);
			left &= ~open_flags[i].value;
		}
	}
}

int64_t nj_open_flag_value(const char *name)
{
	if (strcmp(name, "O_RDONLY") == 0)
		return O_RDONLY;
	if (strcmp(name, "O_WRONLY") == 0)
		return O_WRONLY;
	if (strcmp(name, "O_RDWR") == 0)
		return O_RDWR;
	for (size_t i = 0; i < sizeof(open_flags) / sizeof(open_flags[0]); i++)
		if (strcmp(name, open_flags[i].name) == 0)
			return (int64_t)open_flags[i].value;
	return -1;
}

static const struct flag_name ptrace_requests[] = {
	{ "PTRACE_TRACEME", 0 }, { "PTRACE_PEEKTEXT", 1 }, { "PTRACE_PEEKDATA", 2 },
	{ "PTRACE_PEEKUSER", 3 }, { "PTRACE_POKETEXT", 4 }, { "PTRACE_POKEDATA", 5 },
	{ "PTRACE_POKEUSER", 6 }, { "PTRACE_CONT", 7 }, { "PTRACE_KILL", 8 },
	{ "PTRACE_SINGLESTEP", 9 }, { "PTRACE_GETREGS", 12 }, { "PTRACE_SETREGS", 13 },
	{ "PTRACE_GETFPREGS", 14 }, { "PTRACE_SETFPREGS", 15 }, { "PTRACE_ATTACH", 16 },
	{ "PTRACE_DETACH", 17 }, { "PTRACE_SYSCALL", 24 }, { "PTRACE_SETOPTIONS", 0x4200 },
	{ "PTRACE_GETEVENTMSG", 0x4201 }, { "PTRACE_GETSIGINFO", 0x4202 },
	{ "PTRACE_SETSIGINFO", 0x4203 }, { "PTRACE_GETREGSET", 0x4204 },
	{ "PTRACE_SETREGSET", 0x4205 }, { "PTRACE_SEIZE", 0x4206 },
	{ "PTRACE_INTERRUPT", 0x4207 }, { "PTRACE_LISTEN", 0x4208 },
};

const char *nj_ptrace_request_name(int64_t req)
{
	for (size_t i = 0; i < sizeof(ptrace_requests) / sizeof(ptrace_requests[0]); i++)
		if ((int64_t)ptrace_requests[i].value == req)
			return ptrace_requests[i].name;
	return NULL;
}

int64_t nj_ptrace_request_value(const char *name)
{
	for (size_t i = 0; i < sizeof(ptrace_requests) / sizeof(ptrace_requests[0]); i++)
		if (strcmp(ptrace_requests[i].name, name) == 0)
			return (int64_t)ptrace_requests[i].value;
	return -1;
}

static const struct flag_name families[] = {
	{ "AF_UNSPEC", AF_UNSPEC }, { "AF_UNIX", AF_UNIX }, { "AF_INET", AF_INET },
	{ "AF_INET6", AF_INET6 }, { "AF_NETLINK", AF_NETLINK }, { "AF_PACKET", AF_PACKET },
	{ "AF_BLUETOOTH", AF_BLUETOOTH }, { "AF_ALG", AF_ALG }, { "AF_VSOCK", AF_VSOCK },
	{ "AF_XDP", AF_XDP }, { "AF_KEY", AF_KEY }, { "AF_CAN", AF_CAN },
};

const char *nj_af_name(int family)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if ((int)families[i].value == family)
			return families[i].name;
	return NULL;
}

int nj_af_value(const char *name)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (strcmp(families[i].name, name) == 0)
			return (int)families[i].value;
	return -1;
}

void nj_syscall_ends(const struct nj_syscall *sc, struct nj_sc_ends *e)
{
	const struct nj_addr *l = sc->local.family ? &sc->local : NULL;
	const struct nj_addr *r = sc->remote.family ? &sc->remote : NULL;

	memset(e, 0, sizeof(*e));
	if (!sc->has_sock)
		return;
	e->proto = sc->protocol ? (uint8_t)sc->protocol : sc->sock_type == SOCK_STREAM ? IPPROTO_TCP :
			sc->sock_type == SOCK_DGRAM ? IPPROTO_UDP : 0;
	switch (sc->type) {
	case NJ_SC_ACCEPT: case NJ_SC_ACCEPT4:
		e->src = r, e->sport = sc->remote_port, e->dst = l, e->dport = sc->local_port;
		break;
	case NJ_SC_BIND: case NJ_SC_LISTEN:
		e->dst = l, e->dport = sc->local_port;
		break;
	default:
		e->src = l, e->sport = sc->local_port, e->dst = r, e->dport = sc->remote_port;
		break;
	}
}

void nj_syscall_init(struct nj_syscall *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->dirfd = AT_FDCWD;
	sc->fd = sc->fd2 = -1;
	sc->ids[0] = sc->ids[1] = sc->ids[2] = -1;
}
