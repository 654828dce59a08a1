/* Rule sets: loading files, classification, interned names. */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "core/log.h"
#include "detect/addrport.h"
#include "detect/engine.h"
#include "detect/keywords.h"
#include "detect/prefilter.h"
#include "detect/threshold.h"

#define MAX_INCLUDE_DEPTH 8

int nj_names_find(const struct nj_names *t, const char *name)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (strcmp(t->names[i], name) == 0)
			return (int)i;
	return -1;
}

int nj_names_id(struct nj_names *t, const char *name)
{
	int id = nj_names_find(t, name);

	if (id >= 0)
		return id;
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 16;
		char **nn = realloc(t->names, cap * sizeof(*nn));
		if (!nn)
			return -1;
		t->names = nn;
		t->cap = cap;
	}
	if (!(t->names[t->n] = strdup(name)))
		return -1;
	return (int)t->n++;
}

void nj_names_free(struct nj_names *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		free(t->names[i]);
	free(t->names);
	memset(t, 0, sizeof(*t));
}

struct nj_ruleset *nj_ruleset_new(const struct nj_config *cfg)
{
	struct nj_ruleset *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->build.cfg = cfg;
	rs->build.vars = nj_vars_new(cfg);
	rs->report = stderr;
	rs->thr = nj_thr_table_new(0);
	if (!rs->build.vars || !rs->thr) {
		nj_thr_table_free(rs->thr);
		nj_vars_free(rs->build.vars);
		free(rs);
		return NULL;
	}
	return rs;
}

void nj_ruleset_free(struct nj_ruleset *rs)
{
	if (!rs)
		return;
	nj_prefilter_free(rs->pf);
	nj_thr_table_free(rs->thr);
	for (uint32_t i = 0; i < rs->nrules; i++)
		nj_rule_free(rs->rules[i]);
	free(rs->rules);
	for (uint32_t i = 0; i < rs->build.nclasses; i++) {
		free(rs->build.classes[i].name);
		free(rs->build.classes[i].desc);
	}
	free(rs->build.classes);
	nj_names_free(&rs->build.flowbits);
	nj_names_free(&rs->build.fb_group_names);
	for (uint32_t i = 0; i < rs->build.nfb_groups; i++)
		nj_varset_free(&rs->build.fb_groups[i]);
	free(rs->build.fb_groups);
	nj_names_free(&rs->build.xbits_names);
	nj_names_free(&rs->build.procbits_names);
	nj_names_free(&rs->build.flowint_names);
	nj_names_free(&rs->build.pktvar_names);
	nj_names_free(&rs->build.flowvar_names);
	nj_xbits_table_free(rs->build.xbits);
	nj_names_free(&rs->build.rule_vars);
	nj_vars_free(rs->build.vars);
	free(rs->sids);
	free(rs);
}

/* "config classification: name,description,priority" */
static int add_class(struct nj_detect_build *b, char *line)
{
	char *name = line, *desc, *prio;
	struct nj_class *nc;

	desc = strchr(name, ',');
	if (!desc)
		return -EINVAL;
	*desc++ = '\0';
	prio = strrchr(desc, ',');
	if (!prio)
		return -EINVAL;
	*prio++ = '\0';
	while (isspace((unsigned char)*name))
		name++;
	for (char *e = name + strlen(name); e > name && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	for (uint32_t i = 0; i < b->nclasses; i++) {
		if (strcasecmp(b->classes[i].name, name) == 0) {
			char *d = strdup(desc);
			if (!d)
				return -ENOMEM;
			free(b->classes[i].desc);
			b->classes[i].desc = d;
			b->classes[i].priority = atoi(prio);
			return 0;
		}
	}
	nc = realloc(b->classes, (b->nclasses + 1) * sizeof(*nc));
	if (!nc)
		return -ENOMEM;
	b->classes = nc;
	nc[b->nclasses].name = strdup(name);
	nc[b->nclasses].desc = strdup(desc);
	nc[b->nclasses].priority = atoi(prio);
	if (!nc[b->nclasses].name || !nc[b->nclasses].desc)
		return -ENOMEM;
	b->nclasses++;
	return 0;
}

int nj_ruleset_load_classification(struct nj_ruleset *rs, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *key = "config classification:";
		char *s = line;
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			continue;
		if (strncasecmp(s, key, strlen(key)) != 0 || add_class(&rs->build, s + strlen(key)) < 0)
			nj_warn("%s:%d: not a classification line", path, lineno);
	}
	fclose(f);
	return 0;
}

/* Open-addressed set of gid:sid for duplicate detection. */
static int sid_seen(struct nj_ruleset *rs, uint32_t gid, uint32_t sid)
{
	uint64_t key = ((uint64_t)gid << 32) | sid;

	if (rs->nsids * 2 >= rs->capsids) {
		uint32_t cap = rs->capsids ? rs->capsids * 2 : 1024;
		uint64_t *ns = calloc(cap, sizeof(*ns));
		if (!ns)
			return -ENOMEM;
		for (uint32_t i = 0; i < rs->capsids; i++) {
			uint64_t k = rs->sids[i];
			if (!k)
				continue;
			uint32_t h = (uint32_t)((k * 0x9E3779B97F4A7C15ull) >> 40) & (cap - 1);
			while (ns[h])
				h = (h + 1) & (cap - 1);
			ns[h] = k;
		}
		free(rs->sids);
		rs->sids = ns;
		rs->capsids = cap;
	}
	uint32_t h = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 40) & (rs->capsids - 1);
	while (rs->sids[h]) {
		if (rs->sids[h] == key)
			return 1;
		h = (h + 1) & (rs->capsids - 1);
	}
	rs->sids[h] = key;
	rs->nsids++;
	return 0;
}

static uint32_t sid_of(const char *text)
{
	const char *s = strstr(text, "sid:");

	while (s && s > text && (isalnum((unsigned char)s[-1]) || s[-1] == '_' || s[-1] == '.'))
		s = strstr(s + 4, "sid:");
	return s ? (uint32_t)strtoul(s + 4, NULL, 10) : 0;
}

int nj_ruleset_add(struct nj_ruleset *rs, const char *text, const char *file, int line)
{
	char err[512];
	bool unsupported;
	struct nj_rule *r = nj_rule_parse(&rs->build, text, err, sizeof(err), &unsupported);

	if (r) {
		int dup = sid_seen(rs, r->info.gid, r->info.sid);
		if (dup != 0) {
			snprintf(err, sizeof(err), "%s", dup < 0 ? "out of memory" : "duplicate signature id");
			nj_rule_free(r);
			r = NULL;
			rs->stats.duplicate++;
		}
	}
	if (!r) {
		if (unsupported)
			rs->stats.unsupported++;
		else
			rs->stats.rejected++;
		if (rs->report)
			fprintf(rs->report, "%s:%d: sid %u: %s\n", file, line, sid_of(text), err);
		return -1;
	}
	if (rs->nrules == rs->caprules) {
		uint32_t cap = rs->caprules ? rs->caprules * 2 : 256;
		struct nj_rule **nr = realloc(rs->rules, cap * sizeof(*nr));
		if (!nr) {
			nj_rule_free(r);
			return -1;
		}
		rs->rules = nr;
		rs->caprules = cap;
	}
	r->num = rs->nrules;
	r->file = strdup(file);
	r->line = line;
	rs->rules[rs->nrules++] = r;
	rs->stats.loaded++;
	return 0;
}

static int load_file(struct nj_ruleset *rs, const char *path, int depth);

static void handle_include(struct nj_ruleset *rs, const char *path, char *arg, int depth, int lineno)
{
	char full[4096], dir[4096];

	while (isspace((unsigned char)*arg))
		arg++;
	for (char *e = arg + strlen(arg); e > arg && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	if (strncmp(arg, "$RULE_PATH/", 11) == 0)
		arg += 11;
	if (arg[0] == '/') {
		snprintf(full, sizeof(full), "%s", arg);
	} else {
		snprintf(dir, sizeof(dir), "%s", path);
		snprintf(full, sizeof(full), "%s/%s", dirname(dir), arg);
	}
	if (depth + 1 > MAX_INCLUDE_DEPTH || load_file(rs, full, depth + 1) < 0) {
		rs->stats.rejected++;
		if (rs->report)
			fprintf(rs->report, "%s:%d: sid 0: cannot include %s\n", path, lineno, full);
	}
}

/* Reads a logical rule: physical lines joined where one ends in `\`. */
static char *read_rule(FILE *f, int *lineno, size_t *cap, char **buf)
{
	size_t len = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t n;
	bool got = false;

	while ((n = getline(&line, &lcap, f)) > 0) {
		got = true;
		(*lineno)++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		bool cont = false;
		ssize_t t = n;
		while (t > 0 && isspace((unsigned char)line[t - 1]))
			t--;
		if (t > 0 && line[t - 1] == '\\') {
			cont = true;
			n = t - 1;
			line[n] = '\0';
		}
		if (len + (size_t)n + 2 > *cap) {
			size_t nc = (len + (size_t)n + 2) * 2;
			char *nb = realloc(*buf, nc);
			if (!nb)
				break;
			*buf = nb;
			*cap = nc;
		}
		memcpy(*buf + len, line, (size_t)n);
		len += (size_t)n;
		(*buf)[len] = '\0';
		if (!cont)
			break;
	}
	free(line);
	if (!got)
		return NULL;
	if (!*buf && !(*buf = calloc(1, 1)))
		return NULL;
	if (!len)
		(*buf)[0] = '\0';
	return *buf;
}

static int load_file(struct nj_ruleset *rs, const char *path, int depth)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	int lineno = 0;

	if (!f)
		return -errno;
	for (;;) {
		int first = lineno + 1;
		char *rule = read_rule(f, &lineno, &cap, &buf);
		if (!rule)
			break;
		while (isspace((unsigned char)*rule))
			rule++;
		if (!*rule || *rule == '#')
			continue;
		if (strncmp(rule, "include ", 8) == 0 || strncmp(rule, "include\t", 8) == 0) {
			handle_include(rs, path, rule + 8, depth, first);
			continue;
		}
		nj_ruleset_add(rs, rule, path, first);
	}
	free(buf);
	fclose(f);
	return 0;
}

int nj_ruleset_load_file(struct nj_ruleset *rs, const char *path)
{
	return load_file(rs, path, 0);
}

static int copy_names(struct nj_names *dst, const struct nj_names *src)
{
	for (uint32_t i = 0; i < src->n; i++)
		if (nj_names_id(dst, src->names[i]) < 0)
			return -ENOMEM;
	return 0;
}

int nj_ruleset_inherit(struct nj_ruleset *rs, const struct nj_ruleset *old)
{
	if (!old)
		return 0;
	if (copy_names(&rs->build.flowbits, &old->build.flowbits) < 0 ||
	    copy_names(&rs->build.xbits_names, &old->build.xbits_names) < 0 ||
	    copy_names(&rs->build.flowint_names, &old->build.flowint_names) < 0 ||
	    copy_names(&rs->build.procbits_names, &old->build.procbits_names) < 0 ||
	    copy_names(&rs->build.flowvar_names, &old->build.flowvar_names) < 0)
		return -ENOMEM;
	/* host/pair bits and threshold counts outlive a reload, as
	 * Suricata's host and ippair tables do */
	nj_thr_table_free(rs->thr);
	rs->thr = nj_thr_table_ref(old->thr);
	nj_xbits_table_free(rs->build.xbits);
	rs->build.xbits = nj_xbits_table_ref(old->build.xbits);
	return 0;
}

int nj_ruleset_compile(struct nj_ruleset *rs, char *err, size_t errlen)
{
	nj_prefilter_free(rs->pf);
	rs->pf = NULL;
	if (nj_ruleset_order(rs) < 0) {
		snprintf(err, errlen, "out of memory ordering the rules");
		return -1;
	}
	rs->pf = nj_prefilter_build(rs, err, errlen);
	return rs->pf ? 0 : -1;
}
