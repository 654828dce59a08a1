/* A process as nightjar knows it: what the process table keeps per live
 * process, what syscall events and alerts point to, and what a flow keeps
 * of the local process that owns it.
 *
 * Ownership: strings are borrowed from whoever holds the entry (the
 * process table, a flow owner's snapshot); see there for how long they
 * live. They are NUL-terminated, "" when unknown, never NULL.
 */
#ifndef NJ_CORE_PROCESS_H
#define NJ_CORE_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#define NJ_PROC_ANCESTORS 8     /* ancestry depth kept */
#define NJ_PROC_NAME_LEN 16
#define NJ_PROC_EXE_LEN 256     /* ancestors' exe, truncated */

struct nj_proc_ancestor {
	uint32_t pid;
	char name[NJ_PROC_NAME_LEN];
	char exe[NJ_PROC_EXE_LEN];
};

struct nj_process {
	uint32_t pid, ppid;
	uint32_t uid, euid, gid;
	char name[NJ_PROC_NAME_LEN];    /* comm */
	const char *exe;
	const char *cmdline;            /* argv joined by single spaces */
	const char *cwd;
	const char *user;               /* name of euid, or its number */
	const char *tty;                /* "pts/3", "" without one */
	const char *container_id;       /* 64 hex digits from the cgroup path, or "" */
	struct timeval start;           /* exec (or fork) time */
	bool exe_memfd;                 /* image from memfd_create */
	bool exited;
	uint8_t nancestors;             /* nearest first */
	struct nj_proc_ancestor ancestors[NJ_PROC_ANCESTORS];
};

/* What a flow keeps of its local process (correlation): a snapshot taken
 * when the socket was seen, immutable once made and shared by reference
 * between the socket map and the flows (one reference each). Its strings
 * live in the same allocation. */
struct nj_proc_owner {
	struct nj_process p;
	const char *pcmdline;           /* parent's command line, "" if unknown */
	uint32_t refs;                  /* atomic */
	char text[];
};

/* A snapshot of p (and of parent's command line; parent may be NULL) with
 * one reference, or NULL on ENOMEM. */
struct nj_proc_owner *nj_proc_owner_new(const struct nj_process *p, const struct nj_process *parent);
struct nj_proc_owner *nj_proc_owner_ref(struct nj_proc_owner *o);
void nj_proc_owner_unref(struct nj_proc_owner *o);

/* Whether flows may get an owner: set once the first socket event is seen
 * (the socket map, preprocessors/sockmap.c); the outputs then let alerts of
 * unresolved flows wait for it (output/hold.c). */
void nj_correlation_set_active(bool on);
bool nj_correlation_active(void);

#endif
