/* pcre: Perl-compatible regular expressions on PCRE2 with JIT, with the
 * Snort/Suricata flags (R relative, buffer selectors U I P H D M C S Y B
 * and Suricata's V W Z), and Suricata's named captures: a group named
 * pkt_NAME or flow_NAME stores what it matched in the packet or flow
 * variable NAME when the rule matches (detect/capture.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "detect/capture.h"
#include "detect/engine.h"
#include "detect/keywords.h"
#include "detect/kw_util.h"

/* A named group that stores into a variable. */
struct pcre_capture {
	uint32_t group;
	uint8_t kind;                   /* enum nj_var_kind */
	uint32_t id;                    /* in build->pktvar_names / flowvar_names */
};

#define MAX_CAPTURES 8

struct pcre_data {
	pcre2_code *re;
	bool negated, relative;
	char *text;
	struct pcre_capture caps[MAX_CAPTURES];
	uint8_t ncaps;
};

/* Match data is per thread: rules are shared by workers. The key frees a
 * thread's match data when the thread exits. */
static __thread pcre2_match_data *tls_md;
static pthread_key_t md_key;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_free(void *md)
{
	pcre2_match_data_free(md);
}

static void md_key_init(void)
{
	pthread_key_create(&md_key, md_free);
}

pcre2_match_data *nj_pcre_thread_md(void)
{
	if (tls_md)
		return tls_md;
	pthread_once(&md_once, md_key_init);
	if ((tls_md = pcre2_match_data_create(32, NULL)))
		pthread_setspecific(md_key, tls_md);
	return tls_md;
}

static const struct {
	char flag;
	int buf;
} buf_flags[] = {
	{ 'U', NJ_BUF_HTTP_URI },        { 'I', NJ_BUF_HTTP_URI_RAW },
	{ 'P', NJ_BUF_HTTP_REQUEST_BODY }, { 'Q', NJ_BUF_FILE_DATA },
	{ 'H', NJ_BUF_HTTP_HEADER },     { 'D', NJ_BUF_HTTP_HEADER_RAW },
	{ 'M', NJ_BUF_HTTP_METHOD },     { 'C', NJ_BUF_HTTP_COOKIE },
	{ 'S', NJ_BUF_HTTP_STAT_CODE },  { 'Y', NJ_BUF_HTTP_STAT_MSG },
	{ 'V', NJ_BUF_HTTP_USER_AGENT }, { 'W', NJ_BUF_HTTP_HOST },
	{ 'Z', NJ_BUF_HTTP_HOST_RAW },
};

static int set_flag(struct nj_rule_ctx *rc, struct pcre_data *d, char f, uint32_t *opts)
{
	switch (f) {
	case 'i': *opts |= PCRE2_CASELESS; return 0;
	case 's': *opts |= PCRE2_DOTALL; return 0;
	case 'm': *opts |= PCRE2_MULTILINE; return 0;
	case 'x': *opts |= PCRE2_EXTENDED; return 0;
	case 'A': *opts |= PCRE2_ANCHORED; return 0;
	case 'E': *opts |= PCRE2_DOLLAR_ENDONLY; return 0;
	case 'G': *opts |= PCRE2_UNGREEDY; return 0;
	case 'R': d->relative = true; return 0;
	case 'B': return 0;     /* rawbytes: our packet buffer is raw already */
	case 'O': return 0;     /* override match limits: ours are fixed */
	}
	for (size_t i = 0; i < sizeof(buf_flags) / sizeof(buf_flags[0]); i++) {
		if (buf_flags[i].flag == f) {
			rc->opt_buf = buf_flags[i].buf;
			return 0;
		}
	}
	return nj_rule_error(rc, "unknown flag '%c'", f);
}

/* The name table of the compiled regex: each entry is the group number
 * (2 bytes, big-endian) and the NUL-terminated name. Names without a
 * pkt_/flow_ prefix are ordinary named groups. */
static int find_captures(struct nj_rule_ctx *rc, struct pcre_data *d)
{
	static const struct { const char *prefix; uint8_t kind; } kinds[] = {
		{ "pkt_", NJ_VAR_PKT }, { "flow_", NJ_VAR_FLOW },
	};
	uint32_t count = 0, size = 0;
	PCRE2_SPTR table = NULL;

	pcre2_pattern_info(d->re, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(d->re, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(d->re, PCRE2_INFO_NAMETABLE, &table);
	for (uint32_t i = 0; table && i < count; i++) {
		const uint8_t *e = table + (size_t)i * size;
		const char *name = (const char *)e + 2;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			size_t pl = strlen(kinds[k].prefix);
			if (strncmp(name, kinds[k].prefix, pl) != 0 || !name[pl])
				continue;
			struct nj_names *names = kinds[k].kind == NJ_VAR_PKT ? &rc->build->pktvar_names
									     : &rc->build->flowvar_names;
			int id = nj_names_id(names, name + pl);
			if (id < 0)
				return nj_rule_error(rc, "out of memory");
			if (d->ncaps == MAX_CAPTURES)
				return nj_rule_error(rc, "more than %d variable captures", MAX_CAPTURES);
			d->caps[d->ncaps++] = (struct pcre_capture){ (uint32_t)(e[0] << 8 | e[1]),
								      kinds[k].kind, (uint32_t)id };
		}
	}
	return 0;
}

static void free_pcre(void *data)
{
	struct pcre_data *d = data;

	if (!d)
		return;
	pcre2_code_free(d->re);
	free(d->text);
	free(d);
}

static int parse_pcre(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct pcre_data *d = nj_kw_alloc(rc, sizeof(*d));
	size_t n = strlen(arg) + 1;
	char *s = malloc(n), *p;
	uint32_t opts = 0;
	int errcode;
	PCRE2_SIZE erroff;

	if (!d || !s)
		goto oom;
	while (*arg == ' ')
		arg++;
	if (*arg == '!') {
		d->negated = true;
		arg++;
	}
	/* The value is "/re/flags"; the quotes are the outermost ones and the
	 * regex may itself hold unescaped quotes. Suricata also takes it
	 * without quotes (pcre:/one/U). */
	size_t len = strlen(arg);
	while (len && arg[len - 1] == ' ')
		len--;
	bool quoted = len >= 2 && arg[0] == '"' && arg[len - 1] == '"';
	if (!quoted && (len == 0 || arg[0] == '"' || arg[len - 1] == '"')) {
		nj_rule_error(rc, "expected a quoted /regex/flags");
		goto fail;
	}
	memcpy(s, arg + quoted, len - 2 * quoted);
	s[len - 2 * quoted] = '\0';
	if (s[0] != '/' || !(p = strrchr(s, '/')) || p == s) {
		nj_rule_error(rc, "expected /regex/flags");
		goto fail;
	}
	*p = '\0';
	for (const char *f = p + 1; *f; f++)
		if (set_flag(rc, d, *f, &opts) < 0)
			goto fail;
	d->re = pcre2_compile((PCRE2_SPTR)(s + 1), PCRE2_ZERO_TERMINATED, opts, &errcode, &erroff, NULL);
	if (!d->re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		nj_rule_error(rc, "at offset %zu: %s", (size_t)erroff, (char *)msg);
		goto fail;
	}
	pcre2_jit_compile(d->re, PCRE2_JIT_COMPLETE);
	if (find_captures(rc, d) < 0)
		goto fail;
	/* kept quoted, however it was written, for the canonical dump */
	if ((d->text = malloc(len - 2 * quoted + 3)))
		snprintf(d->text, len - 2 * quoted + 3, "\"%.*s\"", (int)(len - 2 * quoted),
			 arg + quoted);
	free(s);
	*data = d;
	return 0;
oom:
	nj_rule_error(rc, "out of memory");
fail:
	free(s);
	free_pcre(d);
	return -1;
}

/* Keeps the named groups that took part in the match (rc: the highest
 * group set, plus one). */
static void record_captures(struct nj_match *m, const struct pcre_data *d, uint32_t base, uint32_t rc,
			    const PCRE2_SIZE *ov)
{
	struct nj_captures *c = nj_detect_captures(m->dt);

	for (uint8_t i = 0; c && i < d->ncaps; i++) {
		uint32_t g = d->caps[i].group;
		if (g >= rc || ov[2 * g] == PCRE2_UNSET)
			continue;
		nj_captures_record(c, d->caps[i].kind, d->caps[i].id, m->buf + base + ov[2 * g],
				   (uint32_t)(ov[2 * g + 1] - ov[2 * g]));
	}
}

static int match_pcre(struct nj_match *m, const void *data)
{
	const struct pcre_data *d = data;
	/* A relative regex sees the buffer from the cursor on, so `^` anchors
	 * at the previous match's end, as in Snort and Suricata. */
	uint32_t base = d->relative ? m->cursor : 0;
	uint32_t start = 0;
	int rc;

	if (!nj_pcre_thread_md())
		return 0;
	if (base > m->len)
		return d->negated;
	if (!d->negated && m->from > base)
		start = m->from - base;
	if (start > m->len - base)
		return d->negated;
	rc = pcre2_match(d->re, m->buf + base, m->len - base, start, 0, tls_md, NULL);
	if (d->negated)
		return rc < 0;
	if (rc < 0)
		return 0;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(tls_md);
	m->mstart = base + (uint32_t)ov[0];
	m->cursor = base + (uint32_t)ov[1];
	record_captures(m, d, base, (uint32_t)rc, ov);
	return 1;
}

static void dump_pcre(const void *data, char *buf, size_t len)
{
	const struct pcre_data *d = data;

	snprintf(buf, len, "%s%s", d->negated ? "!" : "", d->text);
}

const struct nj_keyword kw_pcre = {
	.name = "pcre",
	.flags = NJ_KW_PAYLOAD | NJ_KW_BACKTRACK,
	.parse = parse_pcre,
	.match = match_pcre,
	.free = free_pcre,
	.dump = dump_pcre,
};
