/* Live capture with AF_PACKET TPACKET_V3 rings and fanout (packet(7)). */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/filter.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture/afpacket.h"
#include "core/config.h"
#include "core/bytes.h"
#include "core/counters.h"
#include "core/packet.h"

#define DEFAULT_BLOCK_SIZE (256u << 10)
#define DEFAULT_BLOCK_COUNT 128
#define DEFAULT_BLOCK_TIMEOUT_MS 10
#define VLAN_TAG_LEN 4

struct nj_afpacket {
	int fd;
	uint8_t *ring;
	size_t ring_len;
	uint32_t block_size, block_count;
	uint32_t cur_block;           /* block being read or waited for */
	bool in_block;                /* cur_block is owned by user space */
	uint32_t pkts_left;           /* frames of cur_block not yet returned */
	uint32_t next_off;            /* offset in cur_block of the next frame */
	uint8_t *vlan_buf;            /* frame with its VLAN tag put back */
	uint64_t pcap_cnt;
	uint64_t kernel_packets, kernel_drops;
	int c_packets, c_drops, c_errors;
	char iface[IF_NAMESIZE];
	bool loopback;                /* skip the sent copy of each frame */
};

static struct tpacket_block_desc *block_at(const struct nj_afpacket *a, uint32_t i)
{
	return (struct tpacket_block_desc *)(a->ring + (size_t)i * a->block_size);
}

static bool is_loopback(const char *iface)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool lo = false;

	if (fd < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, iface, strlen(iface) + 1);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
		lo = (ifr.ifr_flags & IFF_LOOPBACK) != 0;
	close(fd);
	return lo;
}

/* Compiles a pcap-filter expression for Ethernet and attaches it to fd. */
static int attach_filter(int fd, const char *expr, uint32_t snaplen, char *err, size_t errlen)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, (int)snaplen);
	struct bpf_program prog = { 0 };
	struct sock_fprog fprog;
	int rc = 0;

	if (!dead) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (pcap_compile(dead, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "bpf-filter \"%s\": %s", expr, pcap_geterr(dead));
		rc = -EINVAL;
		goto cleanup;
	}
	/* struct bpf_insn and struct sock_filter share one layout. */
	fprog.len = (unsigned short)prog.bf_len;
	fprog.filter = (struct sock_filter *)prog.bf_insns;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "SO_ATTACH_FILTER: %s", strerror(errno));
	}
cleanup:
	pcap_freecode(&prog);
	pcap_close(dead);
	return rc;
}

static int ring_geometry(struct nj_afpacket *a, const struct nj_config *cfg, char *err, size_t errlen)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t bs = nj_config_get_size(cfg, "afpacket.block-size", DEFAULT_BLOCK_SIZE);
	uint64_t ring = nj_config_get_size(cfg, "afpacket.ring-size", 0);
	int64_t bc = nj_config_get_int(cfg, "afpacket.block-count", ring ? (int64_t)(ring / (bs ? bs : 1)) : DEFAULT_BLOCK_COUNT);

	if (page <= 0)
		page = 4096;
	if (bs < (uint64_t)page || bs % (uint64_t)page || bs > (1u << 30)) {
		snprintf(err, errlen, "afpacket.block-size %llu: not a multiple of the page size (%ld)",
			 (unsigned long long)bs, page);
		return -EINVAL;
	}
	if (bc < 1 || bc > 65536) {
		snprintf(err, errlen, "afpacket.block-count %lld: out of range 1..65536", (long long)bc);
		return -EINVAL;
	}
	a->block_size = (uint32_t)bs;
	a->block_count = (uint32_t)bc;
	return 0;
}

static int setup_ring(struct nj_afpacket *a, const struct nj_config *cfg, char *err, size_t errlen)
{
	int version = TPACKET_V3;
	int64_t tov = nj_config_get_int(cfg, "afpacket.block-timeout", DEFAULT_BLOCK_TIMEOUT_MS);
	struct tpacket_req3 req = {
		.tp_block_size = a->block_size,
		.tp_block_nr = a->block_count,
		.tp_frame_size = TPACKET_ALIGNMENT << 7,
		.tp_retire_blk_tov = tov > 0 && tov < 60000 ? (unsigned)tov : DEFAULT_BLOCK_TIMEOUT_MS,
	};

	/* Frames of V3 are packed at any size; the kernel only wants
	 * frame_nr consistent with the block geometry. */
	req.tp_frame_nr = (a->block_size / req.tp_frame_size) * a->block_count;
	if (setsockopt(a->fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) < 0) {
		snprintf(err, errlen, "PACKET_VERSION 3: %s", strerror(errno));
		return -errno;
	}
	if (setsockopt(a->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0) {
		int e = errno;
		snprintf(err, errlen, "PACKET_RX_RING %u x %u bytes: %s", a->block_count, a->block_size,
			 strerror(e));
		return -e;
	}
	a->ring_len = (size_t)a->block_size * a->block_count;
	a->ring = mmap(NULL, a->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, a->fd, 0);
	if (a->ring == MAP_FAILED) /* MAP_LOCKED fails under a low RLIMIT_MEMLOCK */
		a->ring = mmap(NULL, a->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, a->fd, 0);
	if (a->ring == MAP_FAILED) {
		int e = errno;
		a->ring = NULL;
		snprintf(err, errlen, "mmap of the ring: %s", strerror(e));
		return -e;
	}
	return 0;
}

static int bind_iface(struct nj_afpacket *a, int ifindex, bool promisc, char *err, size_t errlen)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};

	if (bind(a->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int e = errno;
		snprintf(err, errlen, "bind to %s: %s", a->iface, strerror(e));
		return -e;
	}
	if (promisc) {
		/* A membership, not IFF_PROMISC: the kernel drops it with the
		 * socket, so a crash leaves the interface as it was. */
		struct packet_mreq mr = { .mr_ifindex = ifindex, .mr_type = PACKET_MR_PROMISC };
		if (setsockopt(a->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
			int e = errno;
			snprintf(err, errlen, "promiscuous mode on %s: %s", a->iface, strerror(e));
			return -e;
		}
	}
	return 0;
}

static int join_fanout(struct nj_afpacket *a, const struct nj_config *cfg, int ifindex, char *err,
		       size_t errlen)
{
	int64_t id = nj_config_get_int(cfg, "afpacket.cluster-id", -1);
	uint32_t arg, flags;

	if (id < 0)
		id = ((uint32_t)getpid() * 31u + (uint32_t)ifindex) & 0xffff;
	if (id > 0xffff) {
		snprintf(err, errlen, "afpacket.cluster-id %lld: out of range 0..65535", (long long)id);
		return -EINVAL;
	}
	/* DEFRAG reassembles IPv4 fragments before hashing, so that all of
	 * a datagram reaches the worker of its flow. */
	flags = PACKET_FANOUT_HASH;
	if (nj_config_get_bool(cfg, "afpacket.defrag", true))
		flags |= PACKET_FANOUT_FLAG_DEFRAG;
	arg = (uint32_t)id | (flags << 16);
	if (setsockopt(a->fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) < 0) {
		int e = errno;
		snprintf(err, errlen, "fanout group %lld on %s: %s", (long long)id, a->iface, strerror(e));
		return -e;
	}
	return 0;
}

static void register_counters(struct nj_afpacket *a)
{
	a->c_packets = nj_counter_register("capture.kernel_packets");
	a->c_drops = nj_counter_register("capture.kernel_drops");
	a->c_errors = nj_counter_register("capture.errors");
}

struct nj_afpacket *nj_afpacket_open(const char *iface, unsigned worker_index, unsigned nworkers,
				     const struct nj_config *cfg, char *err, size_t errlen)
{
	struct nj_afpacket *a = NULL;
	const char *filter;
	int ifindex;

	if (!iface || !*iface || strlen(iface) >= IF_NAMESIZE) {
		snprintf(err, errlen, "afpacket: bad interface name");
		return NULL;
	}
	if (nworkers == 0 || worker_index >= nworkers) {
		snprintf(err, errlen, "afpacket: worker %u of %u", worker_index, nworkers);
		return NULL;
	}
	if (!(ifindex = (int)if_nametoindex(iface))) {
		snprintf(err, errlen, "afpacket: %s: %s", iface, strerror(errno));
		return NULL;
	}
	if (!(a = calloc(1, sizeof(*a)))) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->fd = -1;
	memcpy(a->iface, iface, strlen(iface) + 1);
	a->loopback = is_loopback(iface);
	register_counters(a);
	/* Protocol 0: nothing is queued before the ring and filter exist. */
	if ((a->fd = socket(AF_PACKET, SOCK_RAW, 0)) < 0) {
		snprintf(err, errlen, "afpacket socket: %s", strerror(errno));
		goto fail;
	}
	if (ring_geometry(a, cfg, err, errlen) < 0 || setup_ring(a, cfg, err, errlen) < 0)
		goto fail;
	if (!(a->vlan_buf = malloc(a->block_size + VLAN_TAG_LEN))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	filter = nj_config_get_str(cfg, "afpacket.bpf-filter", nj_config_get_str(cfg, "bpf-filter", NULL));
	if (filter && *filter && attach_filter(a->fd, filter, a->block_size, err, errlen) < 0)
		goto fail;
	if (bind_iface(a, ifindex, nj_config_get_bool(cfg, "afpacket.promisc", true), err, errlen) < 0)
		goto fail;
	if (nworkers > 1 && join_fanout(a, cfg, ifindex, err, errlen) < 0)
		goto fail;
	return a;
fail:
	nj_afpacket_close(a);
	return NULL;
}

int nj_afpacket_stats(struct nj_afpacket *a, uint64_t *packets, uint64_t *drops)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	memset(&st, 0, sizeof(st));
	if (getsockopt(a->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0)
		return -errno;
	/* The kernel resets the numbers on each read: keep the running sum. */
	a->kernel_packets += st.tp_packets;
	a->kernel_drops += st.tp_drops;
	nj_counter_add(a->c_packets, st.tp_packets);
	nj_counter_add(a->c_drops, st.tp_drops);
	if (packets)
		*packets = a->kernel_packets;
	if (drops)
		*drops = a->kernel_drops;
	return 0;
}

void nj_afpacket_close(struct nj_afpacket *a)
{
	if (!a)
		return;
	if (a->fd >= 0) {
		nj_afpacket_stats(a, NULL, NULL);
		close(a->fd);
	}
	if (a->ring)
		munmap(a->ring, a->ring_len);
	free(a->vlan_buf);
	free(a);
}

int nj_afpacket_fd(const struct nj_afpacket *a)
{
	return a->fd;
}

static void release_block(struct nj_afpacket *a)
{
	struct tpacket_block_desc *bd = block_at(a, a->cur_block);

	/* Every read of the frames must be done before the kernel may
	 * overwrite them. */
	__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	a->in_block = false;
	a->cur_block = (a->cur_block + 1) % a->block_count;
}

/* Takes cur_block from the kernel when it is ready. */
static bool acquire_block(struct nj_afpacket *a)
{
	struct tpacket_block_desc *bd = block_at(a, a->cur_block);
	uint32_t status = __atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE);

	if (!(status & TP_STATUS_USER))
		return false;
	a->in_block = true;
	a->pkts_left = bd->hdr.bh1.num_pkts;
	a->next_off = bd->hdr.bh1.offset_to_first_pkt;
	return true;
}

/* Puts back the 802.1Q/802.1ad tag the kernel moved into the frame header,
 * so decoders see the frame as it was on the wire. */
static const uint8_t *with_vlan(struct nj_afpacket *a, const struct tpacket3_hdr *h, const uint8_t *frame,
				uint32_t *caplen)
{
	uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) && h->hv1.tp_vlan_tpid ? h->hv1.tp_vlan_tpid : ETH_P_8021Q;
	uint16_t tci = h->hv1.tp_vlan_tci;
	uint8_t *b = a->vlan_buf;

	if (*caplen < 2 * ETH_ALEN)
		return NULL;
	memcpy(b, frame, 2 * ETH_ALEN);
	b[12] = (uint8_t)(tpid >> 8);
	b[13] = (uint8_t)tpid;
	b[14] = (uint8_t)(tci >> 8);
	b[15] = (uint8_t)tci;
	memcpy(b + 2 * ETH_ALEN + VLAN_TAG_LEN, frame + 2 * ETH_ALEN, *caplen - 2 * ETH_ALEN);
	*caplen += VLAN_TAG_LEN;
	return b;
}

/* A loopback interface shows every frame twice, once as sent: as libpcap
 * does, the sent copy is skipped. */
static bool loopback_copy(const struct nj_afpacket *a, const uint8_t *blk, uint32_t off)
{
	uint32_t at = off + TPACKET_ALIGN(sizeof(struct tpacket3_hdr));
	const struct sockaddr_ll *sll = (const struct sockaddr_ll *)(blk + at);

	return a->loopback && nj_has(a->block_size, at, sizeof(*sll)) &&
	       sll->sll_pkttype == PACKET_OUTGOING;
}

/* Fills p from the next frame of cur_block. Returns -1 (counted in
 * capture.errors) for a frame whose offsets leave the block, 0 for a frame
 * skipped, 1 for a packet. */
static int take_frame(struct nj_afpacket *a, struct nj_packet *p)
{
	const uint8_t *blk = (const uint8_t *)block_at(a, a->cur_block);
	const struct tpacket3_hdr *h;
	const uint8_t *frame;
	uint32_t off = a->next_off, caplen;

	if (!nj_has(a->block_size, off, sizeof(*h)))
		return -1;
	h = (const struct tpacket3_hdr *)(blk + off);
	caplen = h->tp_snaplen;
	if (!nj_has(a->block_size, off + h->tp_mac, caplen) || caplen > a->block_size)
		return -1;
	frame = blk + off + h->tp_mac;
	a->next_off = off + h->tp_next_offset;
	if (loopback_copy(a, blk, off))
		return 0;
	p->wirelen = h->tp_len;
	if (h->tp_status & TP_STATUS_VLAN_VALID) {
		if (!(frame = with_vlan(a, h, frame, &caplen)))
			return -1;
		p->wirelen += VLAN_TAG_LEN;
	}
	p->data = frame;
	p->caplen = caplen;
	p->linktype = NJ_LINKTYPE_ETHERNET;
	p->ts.tv_sec = h->tp_sec;
	p->ts.tv_usec = h->tp_nsec / 1000;
	p->pcap_cnt = ++a->pcap_cnt;
	p->iface = a->iface;
	/* checksums the kernel left to the hardware, or already checked;
	 * nothing on a loopback device has a real checksum to check */
	if ((h->tp_status & (TP_STATUS_CSUMNOTREADY | TP_STATUS_CSUM_VALID)) || a->loopback)
		p->flags |= NJ_PKT_CSUM_PARTIAL;
	return 1;
}

int nj_afpacket_next(struct nj_afpacket *a, struct nj_packet *p, int timeout_ms)
{
	bool polled = false;

	for (;;) {
		if (a->in_block) {
			while (a->pkts_left > 0) {
				a->pkts_left--;
				int got = take_frame(a, p);
				if (got > 0)
					return 1;
				if (got == 0)
					continue;
				/* The rest of the block cannot be walked. */
				nj_counter_add(a->c_errors, 1);
				a->pkts_left = 0;
			}
			release_block(a);
		}
		if (acquire_block(a))
			continue;
		if (polled)
			return 0;
		struct pollfd pfd = { .fd = a->fd, .events = POLLIN | POLLRDNORM | POLLERR };
		int rc = poll(&pfd, 1, timeout_ms);
		if (rc < 0)
			return errno == EINTR ? 0 : -errno;
		if (rc == 0)
			return 0;
		if (pfd.revents & POLLNVAL)
			return -EBADF;
		if (pfd.revents & POLLERR) {
			/* Reading SO_ERROR clears it (ENETDOWN when the link
			 * went down); frames still in the ring come first. */
			int e = 0;
			socklen_t elen = sizeof(e);
			getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &e, &elen);
			nj_counter_add(a->c_errors, 1);
			if (e && !acquire_block(a))
				return -e;
		}
		polled = true;
	}
}
