/* Helpers shared by the app-layer unit tests. */
#ifndef NJ_TESTS_APP_TEST_UTIL_H
#define NJ_TESTS_APP_TEST_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/buffer.h"

/* Asserts that tx's buffer id equals the C string want (NULL: absent). */
#define assert_buf(tx, id, want) assert_buf_idx(tx, id, 0, want)
#define assert_buf_idx(tx, id, idx, want)                                      \
	do {                                                                   \
		struct nj_buf b_ = { 0 };                                      \
		int rc_ = (tx)->get_buffer((tx), (id), (idx), &b_);            \
		const char *w_ = (want);                                       \
		if (!w_) {                                                     \
			assert_int_equal(rc_, 0);                              \
			break;                                                 \
		}                                                              \
		if (rc_ != 1 || b_.len != strlen(w_) ||                        \
		    memcmp(b_.ptr, w_, b_.len) != 0)                           \
			fail_msg("%s: got [%.*s] (rc %d), want [%s]",          \
				 nj_buf_name(id), rc_ == 1 ? (int)b_.len : 0,  \
				 rc_ == 1 ? (const char *)b_.ptr : "", rc_, w_); \
	} while (0)

#endif
