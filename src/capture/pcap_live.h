/* Live capture through libpcap: the portable fallback to AF_PACKET
 * (--pcap-live), one handle per interface. */
#ifndef NJ_CAPTURE_PCAP_LIVE_H
#define NJ_CAPTURE_PCAP_LIVE_H

#include <stddef.h>
#include <stdint.h>

struct nj_config;
struct nj_packet;
struct nj_pcap_live;

/* Opens iface with pcap_create/pcap_activate. libpcap has no fanout, so
 * nworkers must be 1 (worker_index 0). Config keys (all optional):
 *   pcap.snaplen      bytes kept of each frame (default 262144)
 *   pcap.promisc      promiscuous mode (default true)
 *   pcap.buffer-size  kernel buffer, bytes (default 32mb)
 *   pcap.immediate    deliver each packet at once (default true)
 *   pcap.timeout      packet buffer timeout in ms when not immediate
 *                     (default 10)
 *   pcap.bpf-filter   capture filter (pcap-filter(7)); falls back to the key
 *                     bpf-filter
 * Returns NULL with a reason in err. Free with nj_pcap_live_close(). */
struct nj_pcap_live *nj_pcap_live_open(const char *iface, unsigned worker_index, unsigned nworkers,
				       const struct nj_config *cfg, char *err, size_t errlen);

/* Reads stats into the counters, closes the handle and frees l. Accepts
 * NULL. */
void nj_pcap_live_close(struct nj_pcap_live *l);

/* Waits up to timeout_ms (-1: without end) for the next packet and fills
 * p's capture fields (data, caplen, wirelen, linktype, ts, pcap_cnt,
 * iface). p->data is borrowed until the next call or the close. Returns 1,
 * 0 when the time ran out, or a negative errno (-ENETDOWN when the
 * interface went away); read errors are counted in capture.errors. */
int nj_pcap_live_next(struct nj_pcap_live *l, struct nj_packet *p, int timeout_ms);

/* Adds what pcap_stats counted since the last call to the calling thread's
 * capture.kernel_packets (ps_recv) and capture.kernel_drops (ps_drop +
 * ps_ifdrop), and returns the totals since the open through the optional
 * out pointers. Returns 0 or a negative errno. */
int nj_pcap_live_stats(struct nj_pcap_live *l, uint64_t *packets, uint64_t *drops);

/* Linktype of the interface (LINKTYPE_ value). */
int nj_pcap_live_linktype(const struct nj_pcap_live *l);

#endif
