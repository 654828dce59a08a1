/* YAML configuration flattened into dotted keys (libyaml event API). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "core/config.h"

struct entry {
	char *key;
	char *value;    /* NULL for a mapping or sequence node */
};

struct nj_config {
	struct entry *e;
	size_t n, cap;
};

struct nj_config *nj_config_new(void)
{
	return calloc(1, sizeof(struct nj_config));
}

void nj_config_free(struct nj_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->e[i].key);
		free(cfg->e[i].value);
	}
	free(cfg->e);
	free(cfg);
}

static struct entry *find(const struct nj_config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (strcmp(cfg->e[i].key, key) == 0)
			return &cfg->e[i];
	return NULL;
}

/* Sets key, creating it and its parents (as container nodes) as needed. */
static int put(struct nj_config *cfg, const char *key, const char *value)
{
	struct entry *e = find(cfg, key);
	char *v = NULL;

	if (value && !(v = strdup(value)))
		return -ENOMEM;
	if (e) {
		free(e->value);
		e->value = v;
		return 0;
	}
	/* Parent first so that children are listed in order under it. */
	const char *dot = strrchr(key, '.');
	if (dot) {
		char *parent = strndup(key, (size_t)(dot - key));
		if (!parent) {
			free(v);
			return -ENOMEM;
		}
		if (!find(cfg, parent))
			put(cfg, parent, NULL);
		free(parent);
	}
	if (cfg->n == cfg->cap) {
		size_t cap = cfg->cap ? cfg->cap * 2 : 64;
		struct entry *ne = realloc(cfg->e, cap * sizeof(*ne));
		if (!ne) {
			free(v);
			return -ENOMEM;
		}
		cfg->e = ne;
		cfg->cap = cap;
	}
	cfg->e[cfg->n].key = strdup(key);
	cfg->e[cfg->n].value = v;
	if (!cfg->e[cfg->n].key) {
		free(v);
		return -ENOMEM;
	}
	cfg->n++;
	return 0;
}

int nj_config_set(struct nj_config *cfg, const char *key, const char *value)
{
	return put(cfg, key, value);
}

int nj_config_set_kv(struct nj_config *cfg, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char *key;
	int rc;

	if (!eq || eq == kv)
		return -EINVAL;
	key = strndup(kv, (size_t)(eq - kv));
	if (!key)
		return -ENOMEM;
	rc = put(cfg, key, eq + 1);
	free(key);
	return rc;
}

/* Parser state: a stack of the keys of open containers. */
#define MAX_DEPTH 32
struct frame {
	char *key;              /* full dotted key of this container ("" at top) */
	bool is_seq;
	size_t index;           /* next sequence index */
	char *pending;          /* mapping: key read, value not yet */
};

static char *child_key(struct frame *f)
{
	char idx[32];
	const char *part;
	char *out;
	size_t n;

	if (f->is_seq) {
		snprintf(idx, sizeof(idx), "%zu", f->index++);
		part = idx;
	} else {
		part = f->pending;
	}
	n = strlen(f->key) + strlen(part) + 2;
	out = malloc(n);
	if (!out)
		return NULL;
	if (f->key[0])
		snprintf(out, n, "%s.%s", f->key, part);
	else
		snprintf(out, n, "%s", part);
	return out;
}

static int parse(struct nj_config *cfg, yaml_parser_t *parser, char *err, size_t errlen)
{
	struct frame st[MAX_DEPTH];
	int depth = -1, rc = 0;
	bool done = false;

	memset(st, 0, sizeof(st));
	while (!done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(parser, &ev)) {
			snprintf(err, errlen, "line %zu: %s", parser->problem_mark.line + 1,
				 parser->problem ? parser->problem : "YAML error");
			rc = -EINVAL;
			break;
		}
		struct frame *top = depth >= 0 ? &st[depth] : NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT: {
			char *k;
			if (depth + 1 >= MAX_DEPTH) {
				snprintf(err, errlen, "nesting deeper than %d", MAX_DEPTH);
				rc = -EINVAL;
				done = true;
				break;
			}
			if (!top) {
				k = strdup("");
			} else if (!top->is_seq && !top->pending) {
				snprintf(err, errlen, "line %zu: a mapping or sequence used as a key",
					 ev.start_mark.line + 1);
				rc = -EINVAL;
				done = true;
				break;
			} else {
				k = child_key(top);
				free(top->pending);
				top->pending = NULL;
			}
			if (!k) {
				rc = -ENOMEM;
				done = true;
				break;
			}
			if (k[0])
				put(cfg, k, NULL);
			depth++;
			st[depth].key = k;
			st[depth].is_seq = ev.type == YAML_SEQUENCE_START_EVENT;
			st[depth].index = 0;
			st[depth].pending = NULL;
			break;
		}
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (top) {
				free(top->key);
				free(top->pending);
				depth--;
			}
			break;
		case YAML_SCALAR_EVENT: {
			const char *val = (const char *)ev.data.scalar.value;
			if (!top)
				break;
			if (!top->is_seq && !top->pending) {
				top->pending = strdup(val);
				break;
			}
			char *k = child_key(top);
			free(top->pending);
			top->pending = NULL;
			if (!k || put(cfg, k, val) < 0)
				rc = -ENOMEM;
			free(k);
			break;
		}
		case YAML_ALIAS_EVENT:
			snprintf(err, errlen, "line %zu: YAML aliases are not supported",
				 ev.start_mark.line + 1);
			rc = -EINVAL;
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	while (depth >= 0) {
		free(st[depth].key);
		free(st[depth].pending);
		depth--;
	}
	return rc;
}

int nj_config_load_file(struct nj_config *cfg, const char *path, char *err, size_t errlen)
{
	yaml_parser_t parser;
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	rc = parse(cfg, &parser, err, errlen);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

int nj_config_load_string(struct nj_config *cfg, const char *yaml, char *err, size_t errlen)
{
	yaml_parser_t parser;
	int rc;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, strlen(yaml));
	rc = parse(cfg, &parser, err, errlen);
	yaml_parser_delete(&parser);
	return rc;
}

const char *nj_config_get(const struct nj_config *cfg, const char *key)
{
	const struct entry *e = cfg ? find(cfg, key) : NULL;
	return e ? e->value : NULL;
}

const char *nj_config_get_str(const struct nj_config *cfg, const char *key, const char *dflt)
{
	const char *v = nj_config_get(cfg, key);
	return v ? v : dflt;
}

int64_t nj_config_get_int(const struct nj_config *cfg, const char *key, int64_t dflt)
{
	const char *v = nj_config_get(cfg, key);
	char *end;
	long long n;

	if (!v || !*v)
		return dflt;
	errno = 0;
	n = strtoll(v, &end, 0);
	if (errno || *end)
		return dflt;
	return n;
}

uint64_t nj_config_get_size(const struct nj_config *cfg, const char *key, uint64_t dflt)
{
	const char *v = nj_config_get(cfg, key);
	char *end;
	unsigned long long n;

	if (!v || !*v)
		return dflt;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno)
		return dflt;
	while (*end == ' ')
		end++;
	if (!strcasecmp(end, "kb") || !strcasecmp(end, "k"))
		n <<= 10;
	else if (!strcasecmp(end, "mb") || !strcasecmp(end, "m"))
		n <<= 20;
	else if (!strcasecmp(end, "gb") || !strcasecmp(end, "g"))
		n <<= 30;
	else if (*end)
		return dflt;
	return n;
}

bool nj_config_get_bool(const struct nj_config *cfg, const char *key, bool dflt)
{
	const char *v = nj_config_get(cfg, key);

	if (!v)
		return dflt;
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "on") ||
	    !strcmp(v, "1"))
		return true;
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcasecmp(v, "off") ||
	    !strcmp(v, "0"))
		return false;
	return dflt;
}

void nj_config_each_child(const struct nj_config *cfg, const char *prefix,
			  void (*fn)(const char *name, const char *value, void *arg), void *arg)
{
	size_t plen = strlen(prefix);

	for (size_t i = 0; i < cfg->n; i++) {
		const char *k = cfg->e[i].key;
		if (strncmp(k, prefix, plen) != 0 || k[plen] != '.')
			continue;
		if (strchr(k + plen + 1, '.'))
			continue;
		fn(k + plen + 1, cfg->e[i].value, arg);
	}
}

size_t nj_config_seq_len(const struct nj_config *cfg, const char *key)
{
	char k[512];
	size_t n = 0;

	for (;;) {
		snprintf(k, sizeof(k), "%s.%zu", key, n);
		if (!find(cfg, k))
			return n;
		n++;
	}
}
