/* Offline capture from pcap/pcapng files and directories (libpcap). */
#include <dirent.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/pcap_file.h"
#include "core/packet.h"

struct nj_pcap_file {
	char **files;
	size_t nfiles, cur;
	pcap_t *pc;
	int linktype, first_linktype;
	uint64_t pcap_cnt;
	uint64_t done, total, cur_size;
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_file(struct nj_pcap_file *f, const char *path)
{
	char **nf = realloc(f->files, (f->nfiles + 1) * sizeof(*nf));
	struct stat st;

	if (!nf)
		return -ENOMEM;
	f->files = nf;
	if (!(nf[f->nfiles] = strdup(path)))
		return -ENOMEM;
	f->nfiles++;
	if (stat(path, &st) == 0)
		f->total += (uint64_t)st.st_size;
	return 0;
}

static int list_dir(struct nj_pcap_file *f, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && add_file(f, path) < 0) {
			closedir(d);
			return -ENOMEM;
		}
	}
	closedir(d);
	qsort(f->files, f->nfiles, sizeof(*f->files), name_cmp);
	return 0;
}

static int open_current(struct nj_pcap_file *f, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];

	f->pc = pcap_open_offline_with_tstamp_precision(f->files[f->cur], PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (!f->pc) {
		snprintf(err, errlen, "%s: %s", f->files[f->cur], perr);
		return -EIO;
	}
	f->linktype = pcap_datalink(f->pc);
	return 0;
}

struct nj_pcap_file *nj_pcap_file_open(const char *path, char *err, size_t errlen)
{
	struct nj_pcap_file *f = calloc(1, sizeof(*f));
	struct stat st;
	int rc;

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	rc = S_ISDIR(st.st_mode) ? list_dir(f, path) : add_file(f, path);
	if (rc < 0 || f->nfiles == 0) {
		snprintf(err, errlen, "%s: %s", path, rc < 0 ? strerror(-rc) : "no capture files");
		goto fail;
	}
	if (open_current(f, err, errlen) < 0)
		goto fail;
	f->first_linktype = f->linktype;
	return f;
fail:
	nj_pcap_file_close(f);
	return NULL;
}

void nj_pcap_file_close(struct nj_pcap_file *f)
{
	if (!f)
		return;
	if (f->pc)
		pcap_close(f->pc);
	for (size_t i = 0; i < f->nfiles; i++)
		free(f->files[i]);
	free(f->files);
	free(f);
}

int nj_pcap_file_next(struct nj_pcap_file *f, struct nj_packet *p, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;

	for (;;) {
		int rc = pcap_next_ex(f->pc, &h, &data);
		if (rc == 1) {
			p->data = data;
			p->caplen = h->caplen;
			p->wirelen = h->len;
			p->linktype = f->linktype;
			p->ts = h->ts;
			p->pcap_cnt = ++f->pcap_cnt;
			f->done += h->caplen + 16;
			return 1;
		}
		if (rc == PCAP_ERROR) {
			/* A truncated last record is how captures of crashed
			 * sensors end: read what was there, then move on. */
			snprintf(err, errlen, "%s: %s", f->files[f->cur], pcap_geterr(f->pc));
		}
		pcap_close(f->pc);
		f->pc = NULL;
		if (++f->cur == f->nfiles)
			return 0;
		if (open_current(f, err, errlen) < 0)
			return -EIO;
	}
}

int nj_pcap_file_linktype(const struct nj_pcap_file *f)
{
	return f->first_linktype;
}

const char *nj_pcap_file_current(const struct nj_pcap_file *f)
{
	return f->files[f->cur < f->nfiles ? f->cur : f->nfiles - 1];
}

void nj_pcap_file_progress(const struct nj_pcap_file *f, uint64_t *done, uint64_t *total)
{
	*done = f->done;
	*total = f->total;
}
