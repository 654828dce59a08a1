/* Per-thread counter blocks summed on read. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/counters.h"

#define THREAD_NAME_MAX 32

struct counter_block {
	uint64_t v[NJ_MAX_COUNTERS];
	char name[THREAD_NAME_MAX];
	struct counter_block *next;
};

static char *names[NJ_MAX_COUNTERS];
static size_t ncounters;
static struct counter_block *blocks;   /* newest first */
static size_t nblocks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread struct counter_block *mine;

/* A thread's block lives until the process exits: stats keep summing
 * counters of threads that have finished. */
static struct counter_block *block(void)
{
	if (mine)
		return mine;
	mine = calloc(1, sizeof(*mine));
	if (!mine)
		return NULL;
	pthread_mutex_lock(&lock);
	snprintf(mine->name, sizeof(mine->name), "thread-%zu", nblocks + 1);
	mine->next = blocks;
	blocks = mine;
	nblocks++;
	pthread_mutex_unlock(&lock);
	return mine;
}

void nj_counter_thread_name(const char *name)
{
	struct counter_block *b = block();

	if (!b)
		return;
	pthread_mutex_lock(&lock);
	snprintf(b->name, sizeof(b->name), "%s", name);
	pthread_mutex_unlock(&lock);
}

/* The t-th block in creation order; call with the lock held. */
static struct counter_block *nth_block(size_t t)
{
	struct counter_block *b = blocks;

	if (t >= nblocks)
		return NULL;
	for (size_t i = nblocks - 1; b && i > t; i--)
		b = b->next;
	return b;
}

size_t nj_counter_threads(void)
{
	size_t n;

	pthread_mutex_lock(&lock);
	n = nblocks;
	pthread_mutex_unlock(&lock);
	return n;
}

void nj_counter_thread_values(size_t t, uint64_t *out, size_t n)
{
	struct counter_block *b;

	if (n > NJ_MAX_COUNTERS)
		n = NJ_MAX_COUNTERS;
	pthread_mutex_lock(&lock);
	b = nth_block(t);
	for (size_t i = 0; i < n; i++)
		out[i] = b ? __atomic_load_n(&b->v[i], __ATOMIC_RELAXED) : 0;
	pthread_mutex_unlock(&lock);
}

void nj_counter_thread_name_get(size_t t, char *buf, size_t len)
{
	struct counter_block *b;

	pthread_mutex_lock(&lock);
	b = nth_block(t);
	snprintf(buf, len, "%s", b ? b->name : "");
	pthread_mutex_unlock(&lock);
}

int nj_counter_register(const char *name)
{
	int id = -1;

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ncounters; i++) {
		if (strcmp(names[i], name) == 0) {
			id = (int)i;
			goto out;
		}
	}
	if (ncounters < NJ_MAX_COUNTERS) {
		names[ncounters] = strdup(name);
		if (names[ncounters])
			id = (int)ncounters++;
	}
out:
	pthread_mutex_unlock(&lock);
	return id;
}

void nj_counter_add(int id, uint64_t n)
{
	struct counter_block *b;

	if (id < 0 || !(b = block()))
		return;
	__atomic_store_n(&b->v[id], b->v[id] + n, __ATOMIC_RELAXED);
}

void nj_counter_sub(int id, uint64_t n)
{
	struct counter_block *b;

	if (id < 0 || !(b = block()))
		return;
	__atomic_store_n(&b->v[id], b->v[id] > n ? b->v[id] - n : 0, __ATOMIC_RELAXED);
}

void nj_counter_set(int id, uint64_t v)
{
	struct counter_block *b;

	if (id < 0 || !(b = block()))
		return;
	__atomic_store_n(&b->v[id], v, __ATOMIC_RELAXED);
}

uint64_t nj_counter_get(int id)
{
	uint64_t sum = 0;

	if (id < 0 || (size_t)id >= NJ_MAX_COUNTERS)
		return 0;
	pthread_mutex_lock(&lock);
	for (struct counter_block *b = blocks; b; b = b->next)
		sum += __atomic_load_n(&b->v[id], __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lock);
	return sum;
}

uint64_t nj_counter_get_by_name(const char *name)
{
	for (size_t i = 0; i < ncounters; i++)
		if (strcmp(names[i], name) == 0)
			return nj_counter_get((int)i);
	return 0;
}

size_t nj_counter_count(void)
{
	return ncounters;
}

const char *nj_counter_name(int id)
{
	return (id >= 0 && (size_t)id < ncounters) ? names[id] : NULL;
}
