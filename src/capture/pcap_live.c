/* Live capture through libpcap (pcap(3PCAP)): the portable fallback. */
#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/pcap_live.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/packet.h"

#define DEFAULT_SNAPLEN 262144
#define DEFAULT_TIMEOUT_MS 10
#define DEFAULT_BUFFER_SIZE (32u << 20)

struct nj_pcap_live {
	pcap_t *pc;
	int fd;                         /* selectable fd, -1 when none */
	int linktype;
	uint64_t pcap_cnt;
	/* pcap_stats is cumulative: the last values read and the totals */
	uint32_t last_recv, last_drop;
	uint64_t kernel_packets, kernel_drops;
	int c_packets, c_drops, c_errors;
	char *iface;
};

static int set_options(pcap_t *pc, const struct nj_config *cfg)
{
	int64_t snaplen = nj_config_get_int(cfg, "pcap.snaplen", DEFAULT_SNAPLEN);
	uint64_t bufsize = nj_config_get_size(cfg, "pcap.buffer-size", DEFAULT_BUFFER_SIZE);
	int64_t timeout = nj_config_get_int(cfg, "pcap.timeout", DEFAULT_TIMEOUT_MS);

	if (snaplen < 64 || snaplen > DEFAULT_SNAPLEN || bufsize < 65536 || bufsize > (1u << 30) ||
	    timeout < 0 || timeout > 60000)
		return -EINVAL;
	if (pcap_set_snaplen(pc, (int)snaplen) || pcap_set_promisc(pc, nj_config_get_bool(cfg, "pcap.promisc", true)))
		return -EINVAL;
	/* libpcap's 2 MiB default holds few frames of a large snaplen: a
	 * burst of a few dozen packets overflows it. */
	if (pcap_set_buffer_size(pc, (int)bufsize))
		return -EINVAL;
	if (nj_config_get_bool(cfg, "pcap.immediate", true))
		return pcap_set_immediate_mode(pc, 1) ? -EINVAL : 0;
	return pcap_set_timeout(pc, (int)timeout) ? -EINVAL : 0;
}

static int set_filter(struct nj_pcap_live *l, const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;
	int rc = 0;

	if (pcap_compile(l->pc, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "bpf-filter \"%s\": %s", expr, pcap_geterr(l->pc));
		return -EINVAL;
	}
	if (pcap_setfilter(l->pc, &prog) < 0) {
		snprintf(err, errlen, "bpf-filter \"%s\": %s", expr, pcap_geterr(l->pc));
		rc = -EINVAL;
	}
	pcap_freecode(&prog);
	return rc;
}

static int activate(struct nj_pcap_live *l, const struct nj_config *cfg, char *err, size_t errlen)
{
	const char *filter;
	int rc;

	if (set_options(l->pc, cfg) < 0) {
		snprintf(err, errlen, "pcap live %s: bad pcap.snaplen, pcap.buffer-size or pcap.timeout", l->iface);
		return -EINVAL;
	}
	rc = pcap_activate(l->pc);
	if (rc < 0) {
		snprintf(err, errlen, "pcap live %s: %s", l->iface,
			 rc == PCAP_ERROR ? pcap_geterr(l->pc) : pcap_statustostr(rc));
		return rc == PCAP_ERROR_PERM_DENIED ? -EPERM : rc == PCAP_ERROR_NO_SUCH_DEVICE ? -ENODEV : -EIO;
	}
	filter = nj_config_get_str(cfg, "pcap.bpf-filter", nj_config_get_str(cfg, "bpf-filter", NULL));
	if (filter && *filter && (rc = set_filter(l, filter, err, errlen)) < 0)
		return rc;
	/* Non-blocking reads and our own poll() give next() its timeout
	 * whatever the buffer timeout and immediate mode are. */
	if (pcap_setnonblock(l->pc, 1, err) < 0)
		return -EIO;
	l->fd = pcap_get_selectable_fd(l->pc);
	l->linktype = pcap_datalink(l->pc);
	return 0;
}

struct nj_pcap_live *nj_pcap_live_open(const char *iface, unsigned worker_index, unsigned nworkers,
				       const struct nj_config *cfg, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct nj_pcap_live *l;

	if (nworkers != 1 || worker_index != 0) {
		snprintf(err, errlen, "pcap live capture runs one worker per interface, not %u", nworkers);
		return NULL;
	}
	if (!iface || !*iface) {
		snprintf(err, errlen, "pcap live: no interface");
		return NULL;
	}
	if (!(l = calloc(1, sizeof(*l))) || !(l->iface = strdup(iface))) {
		free(l);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->fd = -1;
	l->c_packets = nj_counter_register("capture.kernel_packets");
	l->c_drops = nj_counter_register("capture.kernel_drops");
	l->c_errors = nj_counter_register("capture.errors");
	if (!(l->pc = pcap_create(iface, perr))) {
		snprintf(err, errlen, "pcap live %s: %s", iface, perr);
		goto fail;
	}
	if (activate(l, cfg, err, errlen) < 0)
		goto fail;
	return l;
fail:
	nj_pcap_live_close(l);
	return NULL;
}

int nj_pcap_live_stats(struct nj_pcap_live *l, uint64_t *packets, uint64_t *drops)
{
	struct pcap_stat st;
	uint32_t drop;

	memset(&st, 0, sizeof(st));
	if (pcap_stats(l->pc, &st) < 0)
		return -EIO;
	drop = st.ps_drop + st.ps_ifdrop;
	/* 32-bit counters that wrap: the unsigned difference is still right. */
	nj_counter_add(l->c_packets, (uint32_t)(st.ps_recv - l->last_recv));
	nj_counter_add(l->c_drops, (uint32_t)(drop - l->last_drop));
	l->kernel_packets += (uint32_t)(st.ps_recv - l->last_recv);
	l->kernel_drops += (uint32_t)(drop - l->last_drop);
	l->last_recv = st.ps_recv;
	l->last_drop = drop;
	if (packets)
		*packets = l->kernel_packets;
	if (drops)
		*drops = l->kernel_drops;
	return 0;
}

void nj_pcap_live_close(struct nj_pcap_live *l)
{
	if (!l)
		return;
	if (l->pc) {
		if (l->fd >= 0)
			nj_pcap_live_stats(l, NULL, NULL);
		pcap_close(l->pc);
	}
	free(l->iface);
	free(l);
}

int nj_pcap_live_linktype(const struct nj_pcap_live *l)
{
	return l->linktype;
}

static int read_one(struct nj_pcap_live *l, struct nj_packet *p)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(l->pc, &h, &data);

	if (rc == 1) {
		p->data = data;
		p->caplen = h->caplen;
		p->wirelen = h->len;
		p->linktype = l->linktype;
		p->ts = h->ts;
		p->pcap_cnt = ++l->pcap_cnt;
		p->iface = l->iface;
		return 1;
	}
	if (rc == 0 || rc == PCAP_ERROR_BREAK)
		return 0;
	nj_counter_add(l->c_errors, 1);
	return -ENETDOWN;
}

int nj_pcap_live_next(struct nj_pcap_live *l, struct nj_packet *p, int timeout_ms)
{
	struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
	int rc = read_one(l, p);

	if (rc != 0)
		return rc;
	if (l->fd < 0) /* no selectable fd: nothing to wait on */
		return 0;
	rc = poll(&pfd, 1, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	if (rc == 0)
		return 0;
	return read_one(l, p);
}
