/* The process table: what nightjar knows about every live (and recently
 * exited) process, for proc.* rule buffers and for alerts.
 *
 * Seeded from /proc at start, then kept current from the sensor's events:
 * proc_fork creates a child from its parent, execve/execveat replace the
 * image and command line, exit marks the entry, which lingers for
 * process.linger seconds (default 5) so that late events still resolve.
 * Replayed traces carry a snapshot of the process with each event; the
 * table takes it as given (no /proc access offline).
 *
 * Bounded: at most process.memcap bytes (default 32mb) of entries; the
 * least recently used entry is evicted when full (counter
 * process.evicted). Counters: process.tracked (gauge), process.evicted,
 * process.created, process.exited, process.unknown (events of a pid not in
 * the table and not in /proc).
 *
 * Single-threaded: the syscall consumer thread owns the table.
 */
#ifndef NJ_PREPROC_PROCTABLE_H
#define NJ_PREPROC_PROCTABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "core/process.h"

struct nj_config;
struct nj_syscall;

struct nj_proctable;

/* Returns a table configured from cfg (may be NULL), or NULL on allocation
 * failure. live: read /proc for details of new processes. */
struct nj_proctable *nj_proctable_new(const struct nj_config *cfg, bool live);
void nj_proctable_free(struct nj_proctable *t);

/* Adds every process under procfs ("/proc"). Returns the number added or
 * -errno. */
int nj_proctable_seed(struct nj_proctable *t, const char *procfs);

/* Entry of pid, or NULL. Borrowed (see above). */
const struct nj_process *nj_proctable_lookup(struct nj_proctable *t, uint32_t pid);

/* Applies sc to the table and points sc->proc at the acting process's
 * entry (NULL when it cannot be known). When sc->proc is already set (a
 * replayed trace), that snapshot is copied into the table first. */
const struct nj_process *nj_proctable_update(struct nj_proctable *t, struct nj_syscall *sc);

/* Seeds a live table from /proc on its first call; nothing otherwise. */
void nj_proctable_seed_once(struct nj_proctable *t);

/* Removes exited entries older than the linger time. */
void nj_proctable_expire(struct nj_proctable *t, const struct timeval *now);

/* Number of entries. */
uint32_t nj_proctable_count(const struct nj_proctable *t);

#endif
