/* Absolute, normalised paths from what a process passed to a system call. */
#ifndef NJ_CAPTURE_PATH_H
#define NJ_CAPTURE_PATH_H

#include <stddef.h>

/* Joins base (an absolute directory, may be NULL or "" for "/") and path
 * and normalises the result lexically: repeated and trailing slashes go,
 * "." is dropped, ".." removes the previous component (never above "/").
 * An absolute path ignores base. Writes a NUL-terminated string into out
 * and returns its length, or -ENAMETOOLONG when it does not fit (out then
 * holds a truncated prefix). */
int nj_path_resolve(const char *base, const char *path, char *out, size_t outlen);

#endif
