/* fast.log lines:
 *   11/23/2026-12:00:00.123456  [**] [1:2019401:3] msg [**]
 *   [Classification: desc] [Priority: 2] {TCP} 10.0.0.1:51234 -> 10.0.0.2:80
 * (one line). Times are the packet's, in UTC. Addresses and protocol names
 * are written as in EVE (IPv6 with every group, no brackets; ICMP type and
 * code in the port places), a blocked alert gets Suricata's "[Drop] ". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alert.h"
#include "core/counters.h"
#include "core/packet.h"
#include "core/process.h"
#include "core/syscall.h"
#include "output/eve.h"
#include "output/fastlog.h"

struct line {
	char *buf;
	size_t len, cap;
	bool full;
};

static void add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= l->cap - l->len) {
		l->full = true;
		return;
	}
	l->len += (size_t)n;
}

/* Rule text is not ours to trust with line structure: control bytes become
 * '?'. */
static void add_text(struct line *l, const char *s)
{
	for (; s && *s && !l->full; s++) {
		char c = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
		add(l, "%c", c);
	}
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 1 || proto == 58;
}

int nj_fastlog_format(const struct nj_alert *a, char *buf, size_t len)
{
	const struct nj_rule_info *r = a->rule;
	const struct nj_packet *p = a->p;
	struct line l = { .buf = buf, .cap = len };
	struct tm tm;
	time_t t = a->ts.tv_sec;

	if (!r || len == 0)
		return -EINVAL;
	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	add(&l, "%02d/%02d/%04d-%02d:%02d:%02d.%06ld  ", tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)a->ts.tv_usec % 1000000);
	if (a->blocked)
		add(&l, "[Drop] ");
	add(&l, "[**] [%u:%u:%u] ", r->gid, r->sid, r->rev);
	add_text(&l, r->msg);
	add(&l, " [**] ");
	if (r->class_desc && r->class_desc[0]) {
		add(&l, "[Classification: ");
		add_text(&l, r->class_desc);
		add(&l, "] ");
	}
	add(&l, "[Priority: %d]", r->priority);
	if (p && (p->ip_ver == 4 || p->ip_ver == 6)) {
		char pb[8], sb[48], db[48];
		unsigned sp = p->sport, dp = p->dport;

		if (p->proto == 1 || p->proto == 58) {
			sp = p->icmp.type;
			dp = p->icmp.code;
		}
		add(&l, " {%s} %s", nj_eve_proto_name(p->proto, pb, sizeof(pb)),
		    nj_eve_addr_str(&p->src, sb, sizeof(sb)));
		if (has_ports(p->proto))
			add(&l, ":%u", sp);
		add(&l, " -> %s", nj_eve_addr_str(&p->dst, db, sizeof(db)));
		if (has_ports(p->proto))
			add(&l, ":%u", dp);
	} else if (a->sc) {
		/* {SYSCALL} name[pid] exe */
		const struct nj_process *pr = a->sc->proc;
		add(&l, " {SYSCALL} %s[%u] ", nj_sc_type_name(a->sc->type), a->sc->pid);
		add_text(&l, pr && pr->exe[0] ? pr->exe : a->sc->comm);
	}
	add(&l, "\n");
	return l.full ? -ENOSPC : (int)l.len;
}

struct nj_fastlog *nj_fastlog_new(const struct nj_config *cfg, const char *log_dir, char *err,
				  size_t errlen)
{
	struct nj_fastlog *f = calloc(1, sizeof(*f));

	if (!f) {
		snprintf(err, errlen, "fast: out of memory");
		return NULL;
	}
	if (nj_sinks_open(&f->sinks, cfg, "outputs.fast", log_dir, "fast.log", err, errlen) < 0) {
		free(f);
		return NULL;
	}
	return f;
}

void nj_fastlog_free(struct nj_fastlog *f)
{
	if (!f)
		return;
	nj_sinks_close(&f->sinks);
	free(f);
}

void nj_fastlog_write(struct nj_fastlog *f, const struct nj_alert *a)
{
	static int errors_id = -1;
	char line[2048];
	int n;

	if (!f)
		return;
	n = nj_fastlog_format(a, line, sizeof(line));
	if (n == -ENOSPC) {
		/* an over-long message: cut it, keep the line whole */
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	if (n > 0) {
		nj_sinks_write(&f->sinks, line, (size_t)n);
		return;
	}
	if (errors_id < 0)
		errors_id = nj_counter_register("output.errors");
	nj_counter_add(errors_id, 1);
}
