/* Core: configuration flattening and overrides, id sets, counters, the bus. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "core/addr.h"
#include "core/bus.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/varset.h"

static void test_config(void **state)
{
	static const char yaml[] =
		"vars:\n"
		"  address-groups:\n"
		"    HOME_NET: \"[10.0.0.0/8]\"\n"
		"    EXTERNAL_NET: \"!$HOME_NET\"\n"
		"rule-files:\n"
		"  - a.rules\n"
		"  - b.rules\n"
		"stream:\n"
		"  memcap: 64mb\n"
		"  midstream: yes\n"
		"  depth: 12\n";
	char err[128];
	struct nj_config *c = nj_config_new();
	int seen = 0;

	assert_int_equal(nj_config_load_string(c, yaml, err, sizeof(err)), 0);
	assert_string_equal(nj_config_get(c, "vars.address-groups.HOME_NET"), "[10.0.0.0/8]");
	assert_int_equal(nj_config_seq_len(c, "rule-files"), 2);
	assert_string_equal(nj_config_get(c, "rule-files.1"), "b.rules");
	assert_int_equal(nj_config_get_size(c, "stream.memcap", 0), 64ull << 20);
	assert_true(nj_config_get_bool(c, "stream.midstream", false));
	assert_int_equal(nj_config_get_int(c, "stream.depth", 0), 12);
	assert_int_equal(nj_config_get_int(c, "stream.nothing", 7), 7);
	assert_null(nj_config_get(c, "stream"));        /* a mapping has no value */

	/* --set overrides and adds, parents included */
	assert_int_equal(nj_config_set_kv(c, "stream.depth=99"), 0);
	assert_int_equal(nj_config_get_int(c, "stream.depth", 0), 99);
	assert_int_equal(nj_config_set_kv(c, "new.key.deep=x"), 0);
	assert_string_equal(nj_config_get(c, "new.key.deep"), "x");
	assert_int_equal(nj_config_set_kv(c, "noequals"), -EINVAL);

	void count(const char *name, const char *value, void *arg)
	{
		(*(int *)arg)++;
	}
	nj_config_each_child(c, "vars.address-groups", count, &seen);
	assert_int_equal(seen, 2);

	/* malformed YAML reports a line */
	struct nj_config *bad = nj_config_new();
	assert_int_not_equal(nj_config_load_string(bad, "a: [1, 2\nb: c\n", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "line"));
	nj_config_free(bad);
	nj_config_free(c);
}

static void test_varset(void **state)
{
	struct nj_varset s = { 0 }, t = { 0 };

	for (uint32_t i = 0; i < 100; i += 3)
		assert_int_equal(nj_varset_add(&s, 99 - i), 0);
	assert_true(nj_varset_has(&s, 0));
	assert_false(nj_varset_has(&s, 1));
	assert_int_equal(nj_varset_add(&s, 0), 0);     /* no duplicate */
	assert_int_equal(s.n, 34);
	for (uint16_t i = 1; i < s.n; i++)
		assert_true(s.ids[i - 1] < s.ids[i]);
	nj_varset_del(&s, 0);
	assert_false(nj_varset_has(&s, 0));
	assert_int_equal(nj_varset_copy(&t, &s), 0);
	assert_int_equal(t.n, s.n);
	nj_varset_free(&s);
	nj_varset_free(&t);
}

static void test_counters(void **state)
{
	int a = nj_counter_register("test.a");
	int again = nj_counter_register("test.a");

	assert_true(a >= 0);
	assert_int_equal(a, again);
	nj_counter_add(a, 5);
	nj_counter_add(a, 2);
	nj_counter_sub(a, 10);          /* saturates */
	assert_int_equal(nj_counter_get(a), 0);
	nj_counter_set(a, 42);
	assert_int_equal(nj_counter_get_by_name("test.a"), 42);
	assert_string_equal(nj_counter_name(a), "test.a");
}

static void test_addr(void **state)
{
	struct nj_addr a, b;
	char buf[64];

	assert_int_equal(nj_addr_parse("192.0.2.1", &a), 0);
	assert_int_equal(a.family, 4);
	assert_string_equal(nj_addr_str(&a, buf, sizeof(buf)), "192.0.2.1");
	assert_int_equal(nj_addr_parse("2001:db8::1", &b), 0);
	assert_int_equal(b.family, 6);
	assert_false(nj_addr_eq(&a, &b));
	assert_int_equal(nj_addr_parse("300.1.1.1", &a), -EINVAL);
}

static int order[8], norder;

static int h_first(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	order[norder++] = 1;
	return NJ_BUS_CONTINUE;
}

static int h_second(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	order[norder++] = 2;
	return NJ_BUS_STOP;
}

static int h_third(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	order[norder++] = 3;
	return NJ_BUS_CONTINUE;
}

static void test_bus(void **state)
{
	static const struct nj_stage s1 = { .name = "a", .order = NJ_STAGE_DETECT,
					    .kinds = NJ_KIND(NJ_EV_PACKET), .handle = h_second };
	static const struct nj_stage s0 = { .name = "b", .order = NJ_STAGE_DECODE,
					    .kinds = NJ_KIND(NJ_EV_PACKET), .handle = h_first };
	static const struct nj_stage s2 = { .name = "c", .order = NJ_STAGE_OUTPUT,
					    .kinds = NJ_KIND(NJ_EV_PACKET), .handle = h_third };
	struct nj_worker w;
	struct nj_event ev = { .kind = NJ_EV_PACKET };

	nj_bus_reset();
	assert_int_equal(nj_bus_register(&s1), 0);
	assert_int_equal(nj_bus_register(&s0), 0);
	assert_int_equal(nj_bus_register(&s2), 0);
	assert_int_equal(nj_bus_register(&s2), -EINVAL);   /* one stage per order */
	assert_int_equal(nj_worker_init(&w, 0, true), 0);
	nj_bus_dispatch(&w, &ev);
	assert_int_equal(norder, 2);    /* detect stopped it before output */
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	norder = 0;
	nj_bus_dispatch_from(&w, &ev, NJ_STAGE_OUTPUT);
	assert_int_equal(norder, 1);
	assert_int_equal(order[0], 3);
	ev.kind = NJ_EV_SYSCALL;        /* no stage takes syscalls */
	norder = 0;
	nj_bus_dispatch(&w, &ev);
	assert_int_equal(norder, 0);
	nj_worker_fini(&w);
	nj_bus_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_varset),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_bus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
