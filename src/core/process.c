/* Process snapshots shared by flows (core/process.h). */
#include <stdlib.h>
#include <string.h>

#include "core/process.h"

static size_t slen(const char *s)
{
	return s ? strlen(s) + 1 : 1;
}

/* Copies s (NULL as "") to *at and returns the copy. */
static const char *put(char **at, const char *s)
{
	char *d = *at;
	size_t n = slen(s);

	if (s)
		memcpy(d, s, n);
	else
		d[0] = '\0';
	*at += n;
	return d;
}

struct nj_proc_owner *nj_proc_owner_new(const struct nj_process *p, const struct nj_process *parent)
{
	const char *pcmd = parent ? parent->cmdline : NULL;
	size_t n = slen(p->exe) + slen(p->cmdline) + slen(p->cwd) + slen(p->user) + slen(p->tty) +
		   slen(p->container_id) + slen(pcmd);
	struct nj_proc_owner *o = malloc(sizeof(*o) + n);
	char *at;

	if (!o)
		return NULL;
	o->p = *p;
	at = o->text;
	o->p.exe = put(&at, p->exe);
	o->p.cmdline = put(&at, p->cmdline);
	o->p.cwd = put(&at, p->cwd);
	o->p.user = put(&at, p->user);
	o->p.tty = put(&at, p->tty);
	o->p.container_id = put(&at, p->container_id);
	o->pcmdline = put(&at, pcmd);
	o->refs = 1;
	return o;
}

static bool correlation_on;

void nj_correlation_set_active(bool on)
{
	__atomic_store_n(&correlation_on, on, __ATOMIC_RELAXED);
}

bool nj_correlation_active(void)
{
	return __atomic_load_n(&correlation_on, __ATOMIC_RELAXED);
}

struct nj_proc_owner *nj_proc_owner_ref(struct nj_proc_owner *o)
{
	if (o)
		__atomic_add_fetch(&o->refs, 1, __ATOMIC_RELAXED);
	return o;
}

void nj_proc_owner_unref(struct nj_proc_owner *o)
{
	if (o && __atomic_sub_fetch(&o->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(o);
}
