/* procbits: named bits kept per process, like flowbits per flow.
 *
 *   procbits:set|unset|toggle,name[,inherit]   after the rule matched
 *   procbits:isset|isnotset,name               checks
 *
 * A bit set with `inherit` is copied to the children the process forks
 * from then on. Packet rules act on the local process that owns the
 * packet's flow. The bits live in one table for the life of the program
 * (a rule reload keeps them: bit ids carry over, nj_ruleset_inherit),
 * shared by the workers under a mutex and bounded in processes; a
 * process's bits go when it exits (nj_procbits_exit).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/counters.h"
#include "core/process.h"
#include "core/varset.h"
#include "detect/engine.h"
#include "detect/host_buffers.h"
#include "detect/keywords.h"
#include "detect/kw_bytes.h"
#include "detect/kw_util.h"

#define PB_BUCKETS 4096
#define PB_MAX 65536

enum { PB_SET, PB_UNSET, PB_TOGGLE, PB_ISSET, PB_ISNOTSET };
static const char *const pb_ops[] = { "set", "unset", "toggle", "isset", "isnotset" };

struct pb_entry {
	uint32_t pid;
	struct nj_varset bits, inherit;
	struct pb_entry *next;
};

static struct {
	pthread_mutex_t lock;
	struct pb_entry *buckets[PB_BUCKETS];
	uint32_t n;
} tab = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int c_full = -1;

struct procbits {
	uint8_t op;
	bool inherit;
	uint32_t id;
	const struct nj_names *names;
};

/* With the lock held: the link to pid's entry (or to the NULL at the end). */
static struct pb_entry **find(uint32_t pid)
{
	struct pb_entry **pp = &tab.buckets[pid % PB_BUCKETS];

	while (*pp && (*pp)->pid != pid)
		pp = &(*pp)->next;
	return pp;
}

static struct pb_entry *get(uint32_t pid)
{
	struct pb_entry **pp = find(pid);

	if (*pp)
		return *pp;
	if (tab.n >= PB_MAX || !(*pp = calloc(1, sizeof(**pp)))) {
		nj_counter_add(c_full, 1);
		return NULL;
	}
	(*pp)->pid = pid;
	tab.n++;
	return *pp;
}

static void entry_free(struct pb_entry *e)
{
	nj_varset_free(&e->bits);
	nj_varset_free(&e->inherit);
	free(e);
}

void nj_procbits_fork(uint32_t parent, uint32_t child)
{
	pthread_mutex_lock(&tab.lock);
	struct pb_entry *p = *find(parent);
	if (p && p->inherit.n) {
		struct pb_entry *c = get(child);
		if (c) {
			nj_varset_copy(&c->bits, &p->inherit);
			nj_varset_copy(&c->inherit, &p->inherit);
		}
	}
	pthread_mutex_unlock(&tab.lock);
}

void nj_procbits_exit(uint32_t pid)
{
	pthread_mutex_lock(&tab.lock);
	struct pb_entry **pp = find(pid), *e = *pp;
	if (e) {
		*pp = e->next;
		entry_free(e);
		tab.n--;
	}
	pthread_mutex_unlock(&tab.lock);
}

static int parse_procbits(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	char *tok[3], *s = strdup(arg);
	struct procbits *pb = nj_kw_alloc(rc, sizeof(*pb));
	int n, id;
	size_t k;

	if (!s || !pb) {
		nj_rule_error(rc, "out of memory");
		goto fail;
	}
	n = nj_bytes_split(s, tok, 3);
	for (k = 0; k < 5 && n >= 2 && strcmp(tok[0], pb_ops[k]) != 0; k++)
		;
	if (n < 2 || k == 5 || (n == 3 && (k > PB_TOGGLE || strcmp(tok[2], "inherit") != 0))) {
		nj_rule_error(rc, "expected set|unset|toggle|isset|isnotset,name[,inherit]");
		goto fail;
	}
	if (!tok[1][0] || strpbrk(tok[1], " \t|&")) {
		nj_rule_error(rc, "invalid name '%s'", tok[1]);
		goto fail;
	}
	if ((id = nj_names_id(&rc->build->procbits_names, tok[1])) < 0) {
		nj_rule_error(rc, "out of memory");
		goto fail;
	}
	pb->op = (uint8_t)k;
	pb->inherit = n == 3;
	pb->id = (uint32_t)id;
	pb->names = &rc->build->procbits_names;
	if (c_full < 0)
		c_full = nj_counter_register("nightjar.detect.procbits_full");
	free(s);
	*data = pb;
	return 0;
fail:
	free(s);
	free(pb);
	return -1;
}

/* The pid the bits belong to: the acting process of a system call, the
 * owner of a packet's flow; 0 when unknown. */
static uint32_t pid_of(const struct nj_match *m)
{
	if (m->host && m->host->sc)
		return m->host->sc->pid;
	return m->host && m->host->proc ? m->host->proc->pid : 0;
}

static int match_procbits(struct nj_match *m, const void *data)
{
	const struct procbits *pb = data;
	uint32_t pid = pid_of(m);

	if (pb->op < PB_ISSET)
		return 1;
	if (!pid)
		return 0;
	pthread_mutex_lock(&tab.lock);
	struct pb_entry *e = *find(pid);
	bool set = e && nj_varset_has(&e->bits, pb->id);
	pthread_mutex_unlock(&tab.lock);
	return set == (pb->op == PB_ISSET);
}

static void post_procbits(struct nj_match *m, const void *data)
{
	const struct procbits *pb = data;
	uint32_t pid = pid_of(m);

	if (pb->op > PB_TOGGLE || !pid)
		return;
	pthread_mutex_lock(&tab.lock);
	struct pb_entry *e = pb->op == PB_UNSET ? *find(pid) : get(pid);
	if (e) {
		bool on = pb->op == PB_SET || (pb->op == PB_TOGGLE && !nj_varset_has(&e->bits, pb->id));
		if (on) {
			nj_varset_add(&e->bits, pb->id);
			if (pb->inherit)
				nj_varset_add(&e->inherit, pb->id);
		} else {
			nj_varset_del(&e->bits, pb->id);
			nj_varset_del(&e->inherit, pb->id);
		}
	}
	pthread_mutex_unlock(&tab.lock);
}

static void dump_procbits(const void *data, char *buf, size_t len)
{
	const struct procbits *pb = data;

	snprintf(buf, len, "%s,%s%s", pb_ops[pb->op], pb->names->names[pb->id], pb->inherit ? ",inherit" : "");
}

static int state_use_procbits(const void *data)
{
	return ((const struct procbits *)data)->op <= PB_TOGGLE ? NJ_STATE_WRITES : NJ_STATE_READS;
}

const struct nj_keyword kw_procbits = {
	.name = "procbits",
	.flags = NJ_KW_POST | NJ_KW_HOST,
	.parse = parse_procbits,
	.match = match_procbits,
	.post = post_procbits,
	.free = free,
	.dump = dump_procbits,
	.state_use = state_use_procbits,
};
