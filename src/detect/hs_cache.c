/* On-disk cache of compiled Hyperscan databases. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "detect/hs_cache.h"

static void add(EVP_MD_CTX *md, const void *p, size_t n)
{
	EVP_DigestUpdate(md, p, n);
}

static int cache_key(const char *const *exprs, const unsigned *flags, const unsigned *ids,
		     const size_t *lens, unsigned n, char *hex, size_t hexlen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	hs_platform_info_t plat;
	unsigned char digest[32];
	unsigned dlen = 0;
	const char *ver = hs_version();

	if (!md || hs_populate_platform(&plat) != HS_SUCCESS || hexlen < 65) {
		EVP_MD_CTX_free(md);
		return -1;
	}
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	add(md, ver, strlen(ver) + 1);
	add(md, &plat, sizeof(plat));
	add(md, &n, sizeof(n));
	for (unsigned i = 0; i < n; i++) {
		uint64_t len = lens[i];
		add(md, &flags[i], sizeof(flags[i]));
		add(md, &ids[i], sizeof(ids[i]));
		add(md, &len, sizeof(len));
		add(md, exprs[i], lens[i]);
	}
	EVP_DigestFinal_ex(md, digest, &dlen);
	EVP_MD_CTX_free(md);
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + i * 2, 3, "%02x", digest[i]);
	return 0;
}

static hs_database_t *load(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	hs_database_t *db = NULL;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0 && (buf = malloc((size_t)st.st_size)) &&
	    read(fd, buf, (size_t)st.st_size) == st.st_size &&
	    hs_deserialize_database(buf, (size_t)st.st_size, &db) != HS_SUCCESS)
		db = NULL;
	free(buf);
	close(fd);
	return db;
}

static int mkdirs(const char *dir)
{
	char tmp[4096];
	size_t n = strlen(dir);

	if (n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, dir, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(tmp, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/* Writes db under path atomically; failures only cost the next start a
 * compile, so they are not reported. */
static int store(const char *dir, const char *path, const hs_database_t *db)
{
	char *bytes = NULL, tmp[4200];
	size_t len = 0;
	int fd, rc = -1;

	if (mkdirs(dir) < 0 || hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, bytes, len) == (ssize_t)len && fsync(fd) == 0 && close(fd) == 0) {
			fd = -1;
			rc = rename(tmp, path);
		}
		if (fd >= 0)
			close(fd);
		if (rc < 0)
			unlink(tmp);
	}
	free(bytes);
	return rc;
}

hs_error_t nj_hs_cache_compile_lit(const char *dir, const char *const *exprs, const unsigned *flags,
				   const unsigned *ids, const size_t *lens, unsigned n,
				   hs_database_t **db, hs_compile_error_t **cerr,
				   struct nj_hs_cache_stats *st)
{
	char key[65], path[4096];
	hs_error_t rc;

	*cerr = NULL;
	if (dir && dir[0] && cache_key(exprs, flags, ids, lens, n, key, sizeof(key)) == 0) {
		snprintf(path, sizeof(path), "%s/%s.hsdb", dir, key);
		if ((*db = load(path))) {
			if (st)
				st->hits++;
			return HS_SUCCESS;
		}
		if (st)
			st->misses++;
		rc = hs_compile_lit_multi(exprs, flags, ids, lens, n, HS_MODE_BLOCK, NULL, db, cerr);
		if (rc == HS_SUCCESS && store(dir, path, *db) == 0 && st)
			st->stored++;
		return rc;
	}
	return hs_compile_lit_multi(exprs, flags, ids, lens, n, HS_MODE_BLOCK, NULL, db, cerr);
}
