/* The harness the rule-engine unit tests share: load rules from a string,
 * run one hand-built packet through the engine, and collect the sids (and
 * actions) of the alerts it raised. Include after <cmocka.h>. */
#ifndef NJ_TESTS_RULE_HARNESS_H
#define NJ_TESTS_RULE_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alert.h"
#include "core/bus.h"
#include "detect/engine.h"

#define HARNESS_MAX_ALERTS 256

static uint32_t fired[HARNESS_MAX_ALERTS];
static uint8_t fired_action[HARNESS_MAX_ALERTS];
static int nfired;

static void sink(struct nj_worker *w, const struct nj_alert *a, void *arg)
{
	if (nfired < HARNESS_MAX_ALERTS) {
		fired_action[nfired] = a->rule->action;
		fired[nfired++] = a->rule->sid;
	}
}

/* Every line of rules must load; rejected ones are reported on stderr.
 * With old, the set replaces old as a reload does (nj_ruleset_inherit). */
static struct nj_ruleset *load_after(const char *rules, const struct nj_ruleset *old)
{
	char err[256];
	struct nj_ruleset *rs = nj_ruleset_new(NULL);
	char *copy = strdup(rules);
	int line = 0;

	assert_non_null(rs);
	assert_non_null(copy);
	assert_int_equal(nj_ruleset_inherit(rs, old), 0);
	rs->report = stderr;
	for (char *l = copy, *nl; l && *l; l = nl) {
		nl = strchr(l, '\n');
		if (nl)
			*nl++ = '\0';
		assert_int_equal(nj_ruleset_add(rs, l, "test", ++line), 0);
	}
	free(copy);
	assert_int_equal(nj_ruleset_compile(rs, err, sizeof(err)), 0);
	return rs;
}

static inline struct nj_ruleset *load(const char *rules)
{
	return load_after(rules, NULL);
}

/* Runs p against rs; the sids that fired, in order, as "1,5,7". */
static const char *run(struct nj_ruleset *rs, struct nj_packet *p)
{
	static char out[2048];
	struct nj_detect_thread *dt = nj_detect_thread_new(rs);
	struct nj_worker w = { 0 };
	size_t off = 0;

	assert_non_null(dt);
	nfired = 0;
	nj_detect_packet(dt, &w, p);
	nj_detect_thread_free(dt);
	out[0] = '\0';
	for (int i = 0; i < nfired && off < sizeof(out); i++)
		off += (size_t)snprintf(out + off, sizeof(out) - off, "%s%u", i ? "," : "", fired[i]);
	return out;
}

static int setup(void **state)
{
	nj_alert_sinks_reset();
	nj_alert_sink_register(sink, NULL);
	return 0;
}

#endif
