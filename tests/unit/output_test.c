/* The output set-up as main.c drives it: config, the alert sink and flow
 * hook it registers, stats intervals, reopen, and the last stats at exit. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/config.h"
#include "decode/events.h"
#include "output/output.h"
#include "output_fixture.h"

static char dir[64];

/* Counts records per event type in an EVE file; returns the total. */
static int count_eve(const char *name, int *alerts, int *flows, int *stats, int *anomalies,
		     json_int_t *last_uptime)
{
	char path[128], line[16384];
	FILE *f;
	int n = 0;

	*alerts = *flows = *stats = *anomalies = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		json_error_t err;
		json_t *r = json_loads(line, 0, &err);
		assert_non_null(r);
		const char *t = json_string_value(json_object_get(r, "event_type"));
		assert_non_null(t);
		if (!strcmp(t, "alert"))
			(*alerts)++;
		else if (!strcmp(t, "flow"))
			(*flows)++;
		else if (!strcmp(t, "anomaly"))
			(*anomalies)++;
		else if (!strcmp(t, "stats")) {
			(*stats)++;
			*last_uptime = json_integer_value(
				json_object_get(json_object_get(r, "stats"), "uptime"));
		}
		json_decref(r);
		n++;
	}
	fclose(f);
	return n;
}

static off_t file_size(const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? st.st_size : -1;
}

static off_t unified2_size(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	off_t total = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "unified2.alert.", 15))
			total += file_size(e->d_name);
	closedir(d);
	return total;
}

static void test_outputs(void **state)
{
	static const char yaml[] =
		"outputs:\n"
		"  eve:\n"
		"    enabled: yes\n"
		"    types:\n"
		"      - alert:\n"
		"          packet: yes\n"
		"      - flow\n"
		"      - anomaly\n"
		"      - stats:\n"
		"          interval: 8\n"
		"  fast:\n"
		"    enabled: yes\n"
		"  unified2:\n"
		"    enabled: yes\n";
	struct nj_config *cfg = nj_config_new();
	char err[256], from[128], to[128];
	struct fixture x;
	struct timeval t;
	int a, f, s, an;
	json_int_t up = -1;

	(void)state;
	assert_int_equal(nj_config_load_string(cfg, yaml, err, sizeof(err)), 0);
	assert_int_equal(nj_output_init(cfg, dir, NJ_LINKTYPE_ETHERNET), 0);
	fx_init(&x, false);
	t = x.p.ts;
	nj_output_stats(&t);            /* starts the clock, no record yet */
	nj_alert_emit(NULL, &x.a);
	nj_alert_emit(NULL, &x.a);
	nj_flow_ended(NULL, &x.f);
	x.p.events[0] = NJ_DEV_IPV4_TRUNC_PKT;
	x.p.nevents = 1;
	nj_output_anomaly(NULL, &x.p);
	t.tv_sec += 3;
	nj_output_stats(&t);            /* before the interval: nothing */
	t.tv_sec += 5;
	nj_output_stats(&t);            /* 8 s: a record */
	assert_int_equal(count_eve("eve.json", &a, &f, &s, &an, &up), 5);
	assert_int_equal(a, 2);
	assert_int_equal(f, 1);
	assert_int_equal(an, 1);
	assert_int_equal(s, 1);
	assert_int_equal(up, 8);
	assert_true(file_size("fast.log") > 0);
	assert_int_equal(unified2_size(), 2 * 253);

	/* rotation: the old name keeps what was written, new records go to a
	 * new file */
	snprintf(from, sizeof(from), "%s/eve.json", dir);
	snprintf(to, sizeof(to), "%s/eve.json.1", dir);
	assert_int_equal(rename(from, to), 0);
	nj_output_reopen();
	nj_alert_emit(NULL, &x.a);
	nj_output_fini();
	assert_int_equal(count_eve("eve.json.1", &a, &f, &s, &an, &up), 5);
	assert_int_equal(count_eve("eve.json", &a, &f, &s, &an, &up), 2);
	assert_int_equal(a, 1);
	assert_int_equal(s, 1);         /* the last stats at exit */
	assert_int_equal(up, 8);

	/* after fini the registered sink and hook are quiet */
	nj_alert_emit(NULL, &x.a);
	nj_flow_ended(NULL, &x.f);
	assert_int_equal(count_eve("eve.json", &a, &f, &s, &an, &up), 2);
	nj_config_free(cfg);
}

static void test_bad_config(void **state)
{
	struct nj_config *cfg = nj_config_new();
	struct fixture x;

	(void)state;
	nj_config_set(cfg, "outputs.eve.filename", "eve2.json");
	nj_config_set(cfg, "outputs.fast.enabled", "yes");
	nj_config_set(cfg, "outputs.fast.filename", "/nonexistent/dir/fast.log");
	assert_true(nj_output_init(cfg, dir, 1) < 0);
	/* nothing half set up: alerts go nowhere */
	fx_init(&x, false);
	nj_alert_emit(NULL, &x.a);
	assert_int_equal(file_size("eve2.json"), 0);
	nj_output_fini();
	nj_config_free(cfg);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/nj-out-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return getenv("NJ_KEEP") ? 0 : (system(cmd) == 0 ? 0 : -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outputs),
		cmocka_unit_test(test_bad_config),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
