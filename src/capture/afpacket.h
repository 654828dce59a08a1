/* Live capture with AF_PACKET: a TPACKET_V3 receive ring per worker, the
 * workers of one interface joined in a PACKET_FANOUT group by flow hash.
 * See packet(7) and the kernel's Documentation/networking/packet_mmap.rst. */
#ifndef NJ_CAPTURE_AFPACKET_H
#define NJ_CAPTURE_AFPACKET_H

#include <stddef.h>
#include <stdint.h>

struct nj_config;
struct nj_packet;
struct nj_afpacket;

/* Opens worker worker_index (0-based) of nworkers on interface iface.
 * When nworkers > 1 the socket joins the interface's fanout group
 * (PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG); every worker of the
 * interface must be opened with the same nworkers and cfg.
 * Config keys (all optional):
 *   afpacket.block-size   ring block size, bytes (default 256kb; a multiple
 *                         of the page size; frames longer than a block are
 *                         cut to fit)
 *   afpacket.block-count  number of blocks (default 128: a 32 MiB ring)
 *   afpacket.ring-size    total ring bytes; gives block-count = ring-size /
 *                         block-size when block-count is not set
 *   afpacket.block-timeout  ms after which a partly filled block is handed
 *                         to user space (default 10)
 *   afpacket.promisc      promiscuous mode (default true)
 *   afpacket.cluster-id   fanout group id (default: derived from the
 *                         process id and the interface index)
 *   afpacket.defrag       PACKET_FANOUT_FLAG_DEFRAG (default true): the
 *                         kernel reassembles IPv4 fragments before fanout,
 *                         so the workers see whole datagrams; fragments of
 *                         a datagram that never completes are not delivered
 *                         (and not counted as drops)
 *   afpacket.bpf-filter   capture filter in pcap-filter(7) syntax; falls back
 *                         to the key bpf-filter
 * Returns NULL with a reason in err (e.g. no such interface, not permitted).
 * The caller frees the handle with nj_afpacket_close(). */
struct nj_afpacket *nj_afpacket_open(const char *iface, unsigned worker_index, unsigned nworkers,
				     const struct nj_config *cfg, char *err, size_t errlen);

/* Reads stats into the counters (see nj_afpacket_stats), leaves the fanout
 * group, unmaps the ring and frees a. Accepts NULL. */
void nj_afpacket_close(struct nj_afpacket *a);

/* Waits up to timeout_ms (poll(2); -1 waits without end) for the next
 * packet and fills p's capture fields: data, caplen, wirelen, linktype
 * (Ethernet), ts (from the frame header), pcap_cnt (1-based per handle),
 * iface. A VLAN tag that the kernel took off the frame is put back.
 * p->data points into the ring (or a buffer of a) and stays valid until the
 * next call on a or its close. Returns 1 for a packet, 0 when the time ran
 * out (or poll was interrupted), or a negative errno. Per-frame anomalies
 * are counted in capture.errors, never logged.
 * One handle is used by one thread at a time. */
int nj_afpacket_next(struct nj_afpacket *a, struct nj_packet *p, int timeout_ms);

/* Reads the socket's kernel statistics (PACKET_STATISTICS, which the kernel
 * resets on each read), adds them to the calling thread's counters
 * capture.kernel_packets and capture.kernel_drops, and returns the totals
 * of this socket since it was opened through the optional out pointers.
 * Returns 0 or a negative errno. Call it from the worker's thread. */
int nj_afpacket_stats(struct nj_afpacket *a, uint64_t *packets, uint64_t *drops);

/* The socket's file descriptor (for an outer poll loop). */
int nj_afpacket_fd(const struct nj_afpacket *a);

/* Name of the interface of the default route: the IPv4 default route of
 * lowest metric in /proc/net/route, else the IPv6 one in
 * /proc/net/ipv6_route. Returns 0, or -ENOENT when there is none. */
int nj_default_route_iface(char *buf, size_t len);
/* The same over given files (either may be NULL), for tests. */
int nj_default_route_iface_from(const char *route4, const char *route6, char *buf, size_t len);

#endif
