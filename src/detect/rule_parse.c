/* Rule text → struct nj_rule: header, option splitting, finalisation.
 *
 * Options are split at `;` not escaped by a backslash, as Suricata and
 * Snort read them: quotes do not protect a `;` (ET writes `\;` or `|3b|`),
 * and an unescaped `"` may stand inside a pcre (ET sid 2029732).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/addrport.h"
#include "detect/engine.h"
#include "detect/host_buffers.h"
#include "detect/keywords.h"
#include "detect/rule.h"
#include "detect/threshold.h"

int nj_rule_error(struct nj_rule_ctx *rc, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (rc->kw_name)
		n = snprintf(rc->err, rc->errlen, "%s: ", rc->kw_name);
	if (n < 0 || (size_t)n >= rc->errlen)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(rc->err + n, rc->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

int nj_rule_unsupported(struct nj_rule_ctx *rc, const char *what)
{
	rc->unsupported = true;
	snprintf(rc->err, rc->errlen, "unsupported: %s", what);
	return -1;
}

struct nj_opt *nj_rule_add_opt(struct nj_rule_ctx *rc, const struct nj_keyword *kw, void *data)
{
	struct nj_rule *r = rc->rule;

	if (r->nopts == r->capopts) {
		uint16_t cap = r->capopts ? (uint16_t)(r->capopts * 2) : 16;
		struct nj_opt *no = realloc(r->opts, cap * sizeof(*no));
		if (!no)
			return NULL;
		/* last_payload points into the array: rebase it. */
		if (rc->last_payload)
			rc->last_payload = no + (rc->last_payload - r->opts);
		r->opts = no;
		r->capopts = cap;
	}
	struct nj_opt *o = &r->opts[r->nopts++];
	o->kw = kw;
	o->data = data;
	o->buf = (kw->flags & NJ_KW_PAYLOAD) ? rc->cur_buf : -1;
	o->fresh = false;
	return o;
}

static const struct {
	const char *name;
	uint8_t action;
} actions[] = {
	{ "alert", NJ_ACTION_ALERT }, { "pass", NJ_ACTION_PASS },
	{ "drop", NJ_ACTION_DROP },   { "reject", NJ_ACTION_REJECT },
	{ "rejectsrc", NJ_ACTION_REJECT }, { "rejectdst", NJ_ACTION_REJECT },
	{ "rejectboth", NJ_ACTION_REJECT }, { "sdrop", NJ_ACTION_DROP },
	{ "log", NJ_ACTION_LOG },
};

static const struct {
	const char *name;
	uint8_t proto;
} protos[] = {
	{ "ip", NJ_RPROTO_IP },           { "tcp", NJ_RPROTO_TCP },
	{ "udp", NJ_RPROTO_UDP },         { "icmp", NJ_RPROTO_ICMP },
	{ "icmpv4", NJ_RPROTO_ICMPV4 },   { "icmpv6", NJ_RPROTO_ICMPV6 },
	{ "tcp-pkt", NJ_RPROTO_TCP_PKT }, { "tcp-stream", NJ_RPROTO_TCP_STREAM },
	{ "ipv4", NJ_RPROTO_IP },         { "ipv6", NJ_RPROTO_IP },
	{ "syscall", NJ_RPROTO_SYSCALL }, { "sctp", NJ_RPROTO_SCTP },
};

static int parse_action(struct nj_rule *r, const char *s)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(s, actions[i].name) == 0) {
			r->info.action = actions[i].action;
			return 0;
		}
	}
	return -1;
}

/* Returns 0, or -1 (error) / -2 (unsupported protocol). */
static int parse_proto(struct nj_rule *r, const char *s)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcasecmp(s, protos[i].name) == 0) {
			r->proto = protos[i].proto;
			return 0;
		}
	}
	int app = nj_app_proto_lookup(s);
	if (app > 0) {
		r->proto = NJ_RPROTO_APP;
		r->app_proto = (uint8_t)app;
		return 0;
	}
	return -2;
}

/* Next whitespace-separated header token, honouring [..] nesting so that
 * "[1.1.1.1, 2.2.2.2]" stays one token. */
static const char *next_token(const char *s, char *out, size_t outlen)
{
	size_t n = 0;
	int nest = 0;

	while (*s && isspace((unsigned char)*s))
		s++;
	while (*s && (nest > 0 || !isspace((unsigned char)*s)) && *s != '(') {
		if (*s == '[')
			nest++;
		else if (*s == ']')
			nest--;
		if (n + 1 < outlen)
			out[n++] = *s;
		s++;
	}
	out[n] = '\0';
	return s;
}

static int parse_header(struct nj_rule_ctx *rc, const char *text, const char **opts_start)
{
	struct nj_rule *r = rc->rule;
	char tok[7][2048];
	const char *s = text;
	int rc2;

	for (int i = 0; i < 7; i++) {
		s = next_token(s, tok[i], sizeof(tok[i]));
		if (!tok[i][0])
			return nj_rule_error(rc, "incomplete rule header");
	}
	while (*s && isspace((unsigned char)*s))
		s++;
	if (*s != '(')
		return nj_rule_error(rc, "expected '(' after the rule header");
	*opts_start = s + 1;

	if (parse_action(r, tok[0]) < 0)
		return nj_rule_error(rc, "unknown action '%s'", tok[0]);
	rc2 = parse_proto(r, tok[1]);
	if (rc2 == -2) {
		char what[128];
		snprintf(what, sizeof(what), "protocol %.100s", tok[1]);
		return nj_rule_unsupported(rc, what);
	}
	if (strcmp(tok[4], "<>") == 0)
		r->flags |= NJ_RULE_BIDIR;
	else if (strcmp(tok[4], "->") != 0)
		return nj_rule_error(rc, "invalid direction '%s'", tok[4]);

	char err[256];
	struct nj_vars *v = rc->build->vars;
	if (!(r->src = nj_addrset_parse(v, tok[2], err, sizeof(err))) ||
	    !(r->dst = nj_addrset_parse(v, tok[5], err, sizeof(err))))
		return nj_rule_error(rc, "address: %s", err);
	if (!(r->sp = nj_portset_parse(v, tok[3], err, sizeof(err))) ||
	    !(r->dp = nj_portset_parse(v, tok[6], err, sizeof(err))))
		return nj_rule_error(rc, "port: %s", err);
	return 0;
}

/* Splits the option text at unescaped `;`; calls fn(name, value). The
 * value is trimmed; NULL when the option has no ':'. */
static int split_options(struct nj_rule_ctx *rc, char *s,
			 int (*fn)(struct nj_rule_ctx *, char *, char *))
{
	char *end = strrchr(s, ')');

	if (!end)
		return nj_rule_error(rc, "missing ')' at the end of the options");
	for (char *t = end + 1; *t; t++)
		if (!isspace((unsigned char)*t))
			return nj_rule_error(rc, "text after the closing ')'");
	*end = '\0';
	while (*s) {
		char *opt = s, *p = s;
		while (*p && *p != ';') {
			if (*p == '\\' && p[1])
				p++;
			p++;
		}
		bool last = *p == '\0';
		*p = '\0';
		s = last ? p : p + 1;

		while (isspace((unsigned char)*opt))
			opt++;
		char *e = opt + strlen(opt);
		while (e > opt && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (!*opt) {
			if (last)
				break;
			continue;
		}
		char *colon = strchr(opt, ':');
		char *val = NULL;
		if (colon) {
			*colon = '\0';
			val = colon + 1;
			while (isspace((unsigned char)*val))
				val++;
			e = colon;
			while (e > opt && isspace((unsigned char)e[-1]))
				*--e = '\0';
		}
		if (fn(rc, opt, val) < 0)
			return -1;
	}
	return 0;
}

/* Whether a payload option is relative to the previous match: the
 * `relative` word of byte_*, isdataat, base64_decode, or pcre's R flag. */
static bool is_relative(const struct nj_keyword *kw, const char *val)
{
	if (!(kw->flags & NJ_KW_PAYLOAD) || !val || kw == &kw_content || kw == &kw_uricontent)
		return false;
	if (kw == &kw_pcre) {
		const char *end = strrchr(val, '/');
		return end && strchr(end, 'R');
	}
	return strstr(val, "relative") != NULL;
}

/* Checks of the packet (ttl, flow, dsize...) have no meaning in a syscall
 * rule, and those of the system call (ret, open.flags...) none in a packet
 * rule. */
static int kind_mismatch(struct nj_rule_ctx *rc, const struct nj_keyword *kw)
{
	bool sc = rc->rule->proto == NJ_RPROTO_SYSCALL;
	bool check = !(kw->flags & (NJ_KW_PAYLOAD | NJ_KW_MODIFIER | NJ_KW_STICKY | NJ_KW_META |
				    NJ_KW_TRANSFORM)) && (kw->match || kw->post);

	if (!sc && (kw->flags & NJ_KW_SC_ONLY))
		return nj_rule_error(rc, "only in syscall rules");
	if (sc && check && !(kw->flags & NJ_KW_HOST) && kw != &kw_noalert)
		return nj_rule_error(rc, "not valid in syscall rules");
	return 0;
}

static int apply_option(struct nj_rule_ctx *rc, char *name, char *val)
{
	const struct nj_keyword *kw = nj_keyword_lookup(name);
	void *data = NULL;

	if (!kw) {
		char what[160];
		snprintf(what, sizeof(what), "%s", name);
		return nj_rule_unsupported(rc, what);
	}
	rc->kw_name = kw->name;
	rc->opt_buf = -1;
	if (kind_mismatch(rc, kw) < 0)
		return -1;
	if (!val && !(kw->flags & (NJ_KW_NOARG | NJ_KW_OPTARG)))
		return nj_rule_error(rc, "needs a value");
	if (kw->parse && kw->parse(rc, val, &data) < 0)
		return -1;
	/* Modifiers and pure meta keywords store into the rule or the previous
	 * option themselves; everything else becomes an option. */
	if (!(kw->flags & (NJ_KW_MODIFIER | NJ_KW_STICKY)) &&
	    (kw->match || kw->post || data || (kw->flags & NJ_KW_TRANSFORM))) {
		struct nj_opt *o = nj_rule_add_opt(rc, kw, data);
		if (!o) {
			if (kw->free)
				kw->free(data);
			return nj_rule_error(rc, "out of memory");
		}
		if (rc->new_instance && (kw->flags & NJ_KW_PAYLOAD)) {
			o->fresh = true;
			rc->new_instance = false;
		}
		if (rc->opt_buf >= 0)
			o->buf = rc->opt_buf;
		else if (rc->cur_buf < 0 && is_relative(kw, val) && rc->last_payload &&
			 rc->last_payload->buf >= 0)
			/* a relative keyword outside any sticky buffer continues
			 * from the content before it, which a legacy modifier
			 * (http_uri...) may have moved to another buffer */
			o->buf = rc->last_payload->buf;
		/* Content modifiers (nocase, distance, fast_pattern, http_uri...)
		 * apply to the last content, past any pcre, byte_* or bsize
		 * in between, as Suricata reads them. */
		if (kw == &kw_content || kw == &kw_uricontent)
			rc->last_payload = o;
	}
	rc->kw_name = NULL;
	return 0;
}

/* content:"x",nocase — sub-options after the closing quote. */
static bool has_suboptions(const char *v)
{
	const char *q = strchr(v, '"');

	if (!q)
		return false;
	for (q++; *q && *q != '"'; q++)
		if (*q == '\\' && q[1])
			q++;
	return *q == '"' && strchr(q, ',') != NULL;
}

/* First pass over the options: is this a Snort 3 rule? */
static int scan_option(struct nj_rule_ctx *rc, char *name, char *val)
{
	if (strcmp(name, "service") == 0) {
		rc->snort3 = true;
	} else if (strcmp(name, "content") == 0 || strcmp(name, "uricontent") == 0) {
		rc->seen_content = true;
		if (val && has_suboptions(val))
			rc->snort3 = true;
	} else if (!rc->seen_content && nj_buffer_is_modifier(name)) {
		rc->snort3 = true;
	}
	return 0;
}

/* The buffer's current list: the last one opened for it (a transform
 * after payload options opens another instance of the buffer, as
 * Suricata does), or a new one when fresh or none exists. */
static struct nj_payload_list *list_for(struct nj_rule *r, int buf, bool fresh)
{
	for (uint16_t i = r->nlists; i-- > 0 && !fresh;)
		if (r->lists[i].buf == buf)
			return &r->lists[i];
	struct nj_payload_list *nl = realloc(r->lists, (r->nlists + 1) * sizeof(*nl));
	if (!nl)
		return NULL;
	r->lists = nl;
	memset(&nl[r->nlists], 0, sizeof(*nl));
	nl[r->nlists].buf = buf;
	return &nl[r->nlists++];
}

static int push_opt(struct nj_opt ***arr, uint16_t *n, struct nj_opt *o)
{
	struct nj_opt **na = realloc(*arr, (*n + 1) * sizeof(*na));

	if (!na)
		return -1;
	na[(*n)++] = o;
	*arr = na;
	return 0;
}

/* Default buffer of payload options outside any sticky buffer. */
static int default_buffer(const struct nj_rule *r)
{
	return r->proto == NJ_RPROTO_TCP_STREAM ? NJ_BUF_STREAM : NJ_BUF_PKT;
}

/* Whether every transform of the list is dotprefix: "." + buffer. A
 * content found there is found in the buffer itself once a leading dot is
 * dropped (a match at offset 0 starts with the added dot; any other lies
 * within the buffer), so the prefilter can scan the untransformed buffer.
 * ET Open writes its domain rules this way (dns.query; dotprefix; content:
 * ".example.com"; endswith;), over a thousand of them. */
static bool only_dotprefix(const struct nj_payload_list *l)
{
	for (uint8_t i = 0; i < l->ntransforms; i++)
		if (strcmp(l->transforms[i]->kw->name, "dotprefix") != 0)
			return false;
	return true;
}

/* Whether the prefilter drops c's leading dot (a dotprefix list). */
static bool fp_drops_dot(const struct nj_payload_list *l, const struct nj_content *c)
{
	return l->ntransforms && c->fp_off == 0 && c->len && c->pat[0] == '.';
}

/* The prefilter literal of c in list l would be empty. */
static bool fp_empty(const struct nj_payload_list *l, const struct nj_content *c)
{
	return fp_drops_dot(l, c) && (c->fp_len ? c->fp_len : c->len) <= 1;
}

static void set_fast_pattern(struct nj_rule *r, const struct nj_payload_list *l,
			     const struct nj_content *c)
{
	r->fp = c;
	r->fp_buf = l ? l->buf : -1;
	r->fp_dot = c && fp_drops_dot(l, c);
}

/* Longest non-negated content wins, as Snort picks; an explicit
 * fast_pattern overrides. */
static void choose_fast_pattern(struct nj_rule *r)
{
	const struct nj_content *best = NULL;
	const struct nj_payload_list *best_list = NULL;

	for (uint16_t i = 0; i < r->nlists; i++) {
		struct nj_payload_list *l = &r->lists[i];
		/* The prefilter scans buffers as they are: a transformed
		 * buffer (but for dotprefix), base64_data (decoded during
		 * verification) and the protocol header buffers give no fast
		 * pattern. */
		if (!only_dotprefix(l) || l->buf == NJ_BUF_BASE64_DATA || l->buf == NJ_BUF_IPV4_HDR ||
		    l->buf == NJ_BUF_IPV6_HDR || l->buf == NJ_BUF_TCP_HDR || l->buf == NJ_BUF_UDP_HDR)
			continue;
		/* a packet rule's process buffers are not scanned per packet */
		if (r->proto != NJ_RPROTO_SYSCALL && nj_buf_is_host(l->buf))
			continue;
		for (uint16_t j = 0; j < l->n; j++) {
			const struct nj_opt *o = l->opts[j];
			if (strcmp(o->kw->name, "content") != 0)
				continue;
			const struct nj_content *c = o->data;
			if (c->negated || fp_empty(l, c))
				continue;
			if (c->fast_pattern) {
				set_fast_pattern(r, l, c);
				return;
			}
			if (!best || c->len > best->len) {
				best = c;
				best_list = l;
			}
		}
	}
	set_fast_pattern(r, best_list, best);
}

/* Syscall rules inspect the host buffers only; file.* exist for system
 * calls only. */
static int buffer_mismatch(struct nj_rule_ctx *rc, const struct nj_opt *o)
{
	bool sc = rc->rule->proto == NJ_RPROTO_SYSCALL;

	if (!(o->kw->flags & (NJ_KW_PAYLOAD | NJ_KW_TRANSFORM)))
		return 0;
	rc->kw_name = o->kw->name;
	if (sc && (o->buf < 0 || !(nj_buf_is_host(o->buf) || o->buf == NJ_BUF_BASE64_DATA)))
		return nj_rule_error(rc, "a syscall rule inspects proc.*, file.* or user.name, not %s",
				     o->buf < 0 ? "packet data" : nj_buf_name(o->buf));
	if (!sc && o->buf >= 0 && nj_buf_is_file(o->buf))
		return nj_rule_error(rc, "%s only in syscall rules", nj_buf_name(o->buf));
	rc->kw_name = NULL;
	return 0;
}

/* Whether a rule inspects buffers other than the packet's own (payload,
 * stream, headers, decoded base64): app-layer or process buffers. */
static bool other_buffers(const struct nj_rule *r)
{
	for (uint16_t i = 0; i < r->nlists; i++) {
		int b = r->lists[i].buf;
		if (b != NJ_BUF_PKT && b != NJ_BUF_STREAM && b != NJ_BUF_BASE64_DATA &&
		    b != NJ_BUF_IPV4_HDR && b != NJ_BUF_IPV6_HDR && b != NJ_BUF_TCP_HDR &&
		    b != NJ_BUF_UDP_HDR)
			return true;
	}
	return false;
}

/* Suricata's TCP corner case: a payload rule that says neither stream nor
 * packet (header tcp or ip, no flow:only_stream/no_stream) inspects the
 * stream, and also every packet's own payload when a content of the packet
 * buffer is anchored (offset, depth, startswith): such a rule can match a
 * packet before its data is acknowledged, and the stream again afterwards.
 * (Rules with app-layer buffers inspect in-order data instead.) */
static bool also_packet(const struct nj_rule *r)
{
	if ((r->flags & (NJ_RULE_ONLY_STREAM | NJ_RULE_NO_STREAM | NJ_RULE_APP_BUFS)) ||
	    r->proto == NJ_RPROTO_TCP_PKT || r->proto == NJ_RPROTO_TCP_STREAM)
		return false;
	for (uint16_t i = 0; i < r->nlists; i++) {
		const struct nj_payload_list *l = &r->lists[i];
		for (uint16_t k = 0; l->buf == NJ_BUF_PKT && k < l->n; k++) {
			const struct nj_content *c = l->opts[k]->data;
			if (l->opts[k]->kw == &kw_content &&
			    (c->has_offset || c->has_depth || c->startswith))
				return true;
		}
	}
	return false;
}

static int finalize(struct nj_rule_ctx *rc)
{
	struct nj_rule *r = rc->rule;

	if (r->info.sid == 0)
		return nj_rule_error(rc, "no sid");
	for (uint16_t i = 0; i < r->nopts; i++) {
		struct nj_opt *o = &r->opts[i];
		int rc2 = 0;
		if (buffer_mismatch(rc, o) < 0)
			return -1;
		if (o->kw->flags & NJ_KW_TRANSFORM) {
			if (o->buf < 0)
				o->buf = default_buffer(r);
			struct nj_payload_list *l = list_for(r, o->buf, false);
			/* Transforms rewrite the whole buffer first: after
			 * payload options of the buffer, the options that
			 * follow inspect a new, transformed instance of it. */
			if (l && l->n)
				l = list_for(r, o->buf, true);
			if (!l)
				return nj_rule_error(rc, "out of memory");
			rc->kw_name = o->kw->name;
			if (l->ntransforms == 8)
				return nj_rule_error(rc, "more than 8 transforms");
			l->transforms[l->ntransforms++] = o;
			rc->kw_name = NULL;
		} else if (o->kw->flags & NJ_KW_PAYLOAD) {
			if (o->buf < 0)
				o->buf = default_buffer(r);
			struct nj_payload_list *l = list_for(r, o->buf, o->fresh);
			rc2 = l ? push_opt(&l->opts, &l->n, o) : -1;
		} else if (o->kw->flags & NJ_KW_POST) {
			rc2 = push_opt(&r->posts, &r->nposts, o);
			if (o->kw->match && rc2 == 0)
				rc2 = push_opt(&r->checks, &r->nchecks, o);
		} else if (o->kw->match) {
			rc2 = push_opt(&r->checks, &r->nchecks, o);
		}
		if (rc2 < 0)
			return nj_rule_error(rc, "out of memory");
	}
	choose_fast_pattern(r);
	if (other_buffers(r))
		r->flags |= NJ_RULE_APP_BUFS;
	if (also_packet(r))
		r->flags |= NJ_RULE_ALSO_PACKET;
	if (r->info.priority == 0)
		r->info.priority = 3;
	return 0;
}

/* Keeps a copy of the rule text on one line for `rule` in EVE. */
static char *one_line(const char *text)
{
	char *s = strdup(text);

	if (!s)
		return NULL;
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return s;
}

struct nj_rule *nj_rule_parse(struct nj_detect_build *b, const char *text, char *err, size_t errlen,
			      bool *unsupported)
{
	struct nj_rule *r = calloc(1, sizeof(*r));
	struct nj_rule_ctx rc = { .rule = r, .build = b, .cur_buf = -1, .err = err, .errlen = errlen };
	const char *opts;
	char *buf = NULL;

	*unsupported = false;
	err[0] = '\0';
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->info.gid = 1;
	r->fp_buf = -1;
	r->sc_all = true;
	nj_names_free(&b->rule_vars);
	if (parse_header(&rc, text, &opts) < 0)
		goto fail;
	buf = strdup(opts);
	if (!buf) {
		nj_rule_error(&rc, "out of memory");
		goto fail;
	}
	{
		char *scan = strdup(opts);
		if (!scan) {
			nj_rule_error(&rc, "out of memory");
			goto fail;
		}
		int src = split_options(&rc, scan, scan_option);
		free(scan);
		if (src < 0)
			goto fail;
	}
	if (split_options(&rc, buf, apply_option) < 0)
		goto fail;
	if (finalize(&rc) < 0)
		goto fail;
	r->text_owned = one_line(text);
	r->info.text = r->text_owned;
	if (!r->info.msg)
		r->info.msg = "";
	free(buf);
	return r;
fail:
	*unsupported = rc.unsupported;
	free(buf);
	nj_rule_free(r);
	return NULL;
}

void nj_rule_free(struct nj_rule *r)
{
	if (!r)
		return;
	for (uint16_t i = 0; i < r->nopts; i++)
		if (r->opts[i].kw->free)
			r->opts[i].kw->free(r->opts[i].data);
	free(r->opts);
	free(r->checks);
	free(r->posts);
	for (uint16_t i = 0; i < r->nlists; i++)
		free(r->lists[i].opts);
	free(r->lists);
	nj_addrset_free(r->src);
	nj_addrset_free(r->dst);
	nj_portset_free(r->sp);
	nj_portset_free(r->dp);
	free(r->msg_owned);
	free(r->classtype_owned);
	free(r->text_owned);
	if (r->meta_owned) {
		for (uint32_t i = 0; i < r->info.nmetadata; i++) {
			free((char *)r->meta_owned[i].key);
			free((char *)r->meta_owned[i].value);
		}
		free(r->meta_owned);
	}
	nj_gate_free(r->gate);
	free(r->file);
	free(r);
}

static size_t put(char *buf, size_t len, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t put(char *buf, size_t len, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(off < len ? buf + off : NULL, off < len ? len - off : 0, fmt, ap);
	va_end(ap);
	return n > 0 ? off + (size_t)n : off;
}

static const char *proto_name(const struct nj_rule *r)
{
	if (r->proto == NJ_RPROTO_APP)
		return nj_app_proto_name(r->app_proto);
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].proto == r->proto)
			return protos[i].name;
	return "?";
}

static const char *action_name(uint8_t a)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (actions[i].action == a)
			return actions[i].name;
	return "?";
}

int nj_rule_dump(const struct nj_rule *r, char *buf, size_t len)
{
	char a1[512], a2[512], p1[256], p2[256], val[1024];
	size_t off = 0;

	nj_addrset_dump(r->src, a1, sizeof(a1));
	nj_addrset_dump(r->dst, a2, sizeof(a2));
	nj_portset_dump(r->sp, p1, sizeof(p1));
	nj_portset_dump(r->dp, p2, sizeof(p2));
	off = put(buf, len, off, "%s %s %s %s %s %s %s (gid %u; sid %u; rev %u;", action_name(r->info.action),
		  proto_name(r), a1, p1, (r->flags & NJ_RULE_BIDIR) ? "<>" : "->", a2, p2, r->info.gid,
		  r->info.sid, r->info.rev);
	for (uint16_t i = 0; i < r->nlists; i++) {
		const struct nj_payload_list *l = &r->lists[i];
		off = put(buf, len, off, " [%s]", nj_buf_name(l->buf));
		for (uint8_t j = 0; j < l->ntransforms; j++) {
			const struct nj_opt *o = l->transforms[j];
			val[0] = '\0';
			if (o->kw->dump)
				o->kw->dump(o->data, val, sizeof(val));
			off = put(buf, len, off, " %s%s%s;", o->kw->name, val[0] ? ":" : "", val);
		}
		for (uint16_t j = 0; j < l->n; j++) {
			const struct nj_opt *o = l->opts[j];
			val[0] = '\0';
			if (o->kw->dump)
				o->kw->dump(o->data, val, sizeof(val));
			off = put(buf, len, off, " %s%s%s;", o->kw->name, val[0] ? ":" : "", val);
		}
	}
	for (uint16_t i = 0; i < r->nchecks; i++) {
		const struct nj_opt *o = r->checks[i];
		val[0] = '\0';
		if (o->kw->dump)
			o->kw->dump(o->data, val, sizeof(val));
		off = put(buf, len, off, " %s%s%s;", o->kw->name, val[0] ? ":" : "", val);
	}
	if (r->gate && (r->gate->has_thr || r->gate->has_df)) {
		nj_thr_spec_dump(r->gate->has_df ? &r->gate->df : &r->gate->thr, val, sizeof(val));
		off = put(buf, len, off, " %s:%s;", r->gate->has_df ? "detection_filter" : "threshold", val);
	}
	if (r->flags & NJ_RULE_NOALERT)
		off = put(buf, len, off, " noalert;");
	if (r->fp)
		off = put(buf, len, off, " fast_pattern [%s] %u bytes;", nj_buf_name(r->fp_buf), r->fp->len);
	off = put(buf, len, off, ")");
	return off < len ? 0 : -ENOSPC;
}
