/* Unit tests for nj_path_resolve(). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "capture/path.h"

static void expect(const char *base, const char *path, const char *want)
{
	char out[256];
	int n = nj_path_resolve(base, path, out, sizeof(out));

	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(out, want);
}

static void test_absolute(void **state)
{
	expect("/ignored", "/etc/shadow", "/etc/shadow");
	expect(NULL, "//etc///shadow/", "/etc/shadow");
	expect(NULL, "/", "/");
	expect(NULL, "/etc/./ssh/../shadow", "/etc/shadow");
	expect(NULL, "/../../etc", "/etc");
}

static void test_relative(void **state)
{
	expect("/tmp/x", "sub/../created.txt", "/tmp/x/created.txt");
	expect("/tmp/x", "../../../../etc/passwd", "/etc/passwd");
	expect("/", "a", "/a");
	expect(NULL, "a/b", "/a/b");
	expect("/tmp", ".", "/tmp");
	expect("/tmp", "", "/tmp");
}

static void test_too_long(void **state)
{
	char out[8];

	assert_int_equal(nj_path_resolve("/abc", "defgh", out, sizeof(out)), -ENAMETOOLONG);
	assert_int_equal(nj_path_resolve(NULL, "/a", out, 1), -ENAMETOOLONG);
	assert_int_equal(nj_path_resolve(NULL, "/abcdef", out, sizeof(out)), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_too_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
