/* Lexical path joining and normalisation (no file system access). */
#include <errno.h>
#include <string.h>

#include "capture/path.h"

/* Appends component c[0..n) to out (length *len). */
static int push(char *out, size_t outlen, size_t *len, const char *c, size_t n)
{
	if (n == 1 && c[0] == '.')
		return 0;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		while (*len > 1 && out[*len - 1] != '/')
			(*len)--;
		if (*len > 1)
			(*len)--;
		out[*len] = 0;
		return 0;
	}
	if (*len + (*len > 1) + n + 1 > outlen)
		return -ENAMETOOLONG;
	if (*len > 1)
		out[(*len)++] = '/';
	memcpy(out + *len, c, n);
	*len += n;
	out[*len] = 0;
	return 0;
}

static int push_all(char *out, size_t outlen, size_t *len, const char *p)
{
	while (*p) {
		const char *e;
		int rc;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		rc = push(out, outlen, len, p, (size_t)(e - p));
		if (rc)
			return rc;
		p = e;
	}
	return 0;
}

int nj_path_resolve(const char *base, const char *path, char *out, size_t outlen)
{
	size_t len = 1;
	int rc;

	if (outlen < 2)
		return -ENAMETOOLONG;
	out[0] = '/';
	out[1] = 0;
	if (path[0] != '/' && base) {
		rc = push_all(out, outlen, &len, base);
		if (rc)
			return rc;
	}
	rc = push_all(out, outlen, &len, path);
	if (rc)
		return rc;
	return (int)len;
}
