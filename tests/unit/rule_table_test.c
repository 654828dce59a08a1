/* Rule-parser tables: every rule of tests/rules/accept.txt parses to its
 * canonical dump, every rule of reject.txt fails with its exact message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "detect/engine.h"

static struct nj_ruleset *new_ruleset(struct nj_config **cfgp)
{
	static const char yaml[] =
		"vars:\n"
		"  address-groups:\n"
		"    HOME_NET: \"[10.0.0.0/8,192.168.0.0/16]\"\n"
		"    EXTERNAL_NET: \"!$HOME_NET\"\n"
		"  port-groups:\n"
		"    HTTP_PORTS: \"[80,8080]\"\n";
	char err[256];
	struct nj_config *cfg = nj_config_new();
	struct nj_ruleset *rs;

	assert_non_null(cfg);
	assert_int_equal(nj_config_load_string(cfg, yaml, err, sizeof(err)), 0);
	rs = nj_ruleset_new(cfg);
	assert_non_null(rs);
	assert_int_equal(nj_ruleset_load_classification(rs, NJ_SRCDIR "/rules/classification.config"), 0);
	*cfgp = cfg;
	return rs;
}

/* Calls fn(rule, expected) for each pair in a table file; returns the
 * number of failures. */
static int each_pair(const char *path, int (*fn)(struct nj_ruleset *, const char *, const char *, int))
{
	FILE *f = fopen(path, "r");
	char line[8192], rule[8192] = "";
	int lineno = 0, rule_line = 0, failures = 0, pairs = 0;
	struct nj_config *cfg;
	struct nj_ruleset *rs = new_ruleset(&cfg);

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (strncmp(line, "=> ", 3) == 0) {
			assert_true(rule[0]);
			failures += fn(rs, rule, line + 3, rule_line);
			pairs++;
			rule[0] = '\0';
		} else {
			snprintf(rule, sizeof(rule), "%s", line);
			rule_line = lineno;
		}
	}
	fclose(f);
	nj_ruleset_free(rs);
	nj_config_free(cfg);
	assert_true(pairs > 0);
	return failures;
}

static int check_accept(struct nj_ruleset *rs, const char *rule, const char *want, int line)
{
	char err[512], dump[8192];
	bool unsupported;
	struct nj_rule *r = nj_rule_parse(&rs->build, rule, err, sizeof(err), &unsupported);

	if (!r) {
		fprintf(stderr, "accept.txt:%d: rejected: %s\n", line, err);
		return 1;
	}
	nj_rule_dump(r, dump, sizeof(dump));
	nj_rule_free(r);
	if (strcmp(dump, want) != 0) {
		fprintf(stderr, "accept.txt:%d:\n  want %s\n  got  %s\n", line, want, dump);
		return 1;
	}
	return 0;
}

static int check_reject(struct nj_ruleset *rs, const char *rule, const char *want, int line)
{
	char err[512];
	bool unsupported;
	struct nj_rule *r = nj_rule_parse(&rs->build, rule, err, sizeof(err), &unsupported);

	if (r) {
		fprintf(stderr, "reject.txt:%d: accepted\n", line);
		nj_rule_free(r);
		return 1;
	}
	if (strcmp(err, want) != 0) {
		fprintf(stderr, "reject.txt:%d:\n  want %s\n  got  %s\n", line, want, err);
		return 1;
	}
	return 0;
}

static void test_accept(void **state)
{
	assert_int_equal(each_pair(NJ_SRCDIR "/tests/rules/accept.txt", check_accept), 0);
}

static void test_reject(void **state)
{
	assert_int_equal(each_pair(NJ_SRCDIR "/tests/rules/reject.txt", check_reject), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_reject),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
