/* Named counters for stats: cheap to bump on the packet path.
 *
 * Counters are registered by dotted name at start-up ("decoder.pkts",
 * "flow.active") and bumped through their id. Each thread adds into its own
 * block, so the packet path takes no lock and shares no cache line; readers
 * sum the blocks. Gauges (memuse, active) are set, not added, and read as the
 * sum of the per-thread values too, which is right for partitioned tables.
 */
#ifndef NJ_CORE_COUNTERS_H
#define NJ_CORE_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#define NJ_MAX_COUNTERS 1024

/* Returns the id of the counter called name (registering it on first use),
 * or -1 when the table is full. name is copied. Not for the packet path. */
int nj_counter_register(const char *name);

/* Adds n to the calling thread's value; ids < 0 are ignored. */
void nj_counter_add(int id, uint64_t n);
/* Sets the calling thread's value (for gauges). */
void nj_counter_set(int id, uint64_t v);
/* Subtracts n from the calling thread's value, saturating at zero. */
void nj_counter_sub(int id, uint64_t n);

/* Sum over all threads. */
uint64_t nj_counter_get(int id);
/* Convenience for tests and stats: value by name, 0 if unknown. */
uint64_t nj_counter_get_by_name(const char *name);

/* Per-thread values (Suricata's per-thread stats). Threads are numbered
 * 0.. in the order they first counted; a thread keeps its number (and
 * its values) after it exits. */
size_t nj_counter_threads(void);
/* Copies the first n counters of thread t into out (zeros for no such
 * thread). */
void nj_counter_thread_values(size_t t, uint64_t *out, size_t n);
/* Names the calling thread's values ("W#01-eth0"); default "thread-N".
 * name is copied (truncated to 31 bytes). */
void nj_counter_thread_name(const char *name);
/* Writes thread t's name into buf ("" for no such thread). */
void nj_counter_thread_name_get(size_t t, char *buf, size_t len);

size_t nj_counter_count(void);
/* Borrowed pointer, valid for the life of the process. */
const char *nj_counter_name(int id);

#endif
