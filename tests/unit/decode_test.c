/* Unit tests for the packet decoders: hand-built frames per protocol and
 * linktype, one malformation per decoder event. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/bus.h"
#include "core/counters.h"
#include "decode/decode.h"
#include "decode/events.h"

static const uint8_t A4[4] = { 10, 0, 0, 1 };
static const uint8_t B4[4] = { 10, 0, 0, 2 };
static const uint8_t C4[4] = { 192, 168, 1, 1 };
static const uint8_t D4[4] = { 192, 168, 1, 2 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t B6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t C6[16] = { 0xfe, 0x80, [15] = 3 };
static const uint8_t D6[16] = { 0xff, 0x02, [15] = 0x16 };

static struct nj_packet P;

/* ---- frame builders ---------------------------------------------------- */

static void w16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void w32(uint8_t *b, uint32_t v)
{
	w16(b, (uint16_t)(v >> 16));
	w16(b + 2, (uint16_t)v);
}

/* A checksum written independently of the decoder's. */
static uint32_t sum16(uint32_t s, const uint8_t *d, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		s += (i & 1) ? d[i] : (uint32_t)d[i] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t mk_tcp(uint8_t *b, uint16_t sp, uint16_t dp, uint8_t flags, const uint8_t *opt,
		       uint32_t optlen, const char *data)
{
	uint32_t dl = data ? (uint32_t)strlen(data) : 0;
	uint32_t hl = 20 + optlen;

	memset(b, 0, hl);
	w16(b, sp);
	w16(b + 2, dp);
	w32(b + 4, 1000);
	w32(b + 8, 2000);
	b[12] = (uint8_t)((hl / 4) << 4);
	b[13] = flags;
	w16(b + 14, 65535);
	if (optlen)
		memcpy(b + 20, opt, optlen);
	if (dl)
		memcpy(b + hl, data, dl);
	return hl + dl;
}

static uint32_t mk_udp(uint8_t *b, uint16_t sp, uint16_t dp, const uint8_t *data, uint32_t dl)
{
	w16(b, sp);
	w16(b + 2, dp);
	w16(b + 4, (uint16_t)(8 + dl));
	w16(b + 6, 0);
	if (dl)
		memcpy(b + 8, data, dl);
	return 8 + dl;
}

static uint32_t mk_icmp(uint8_t *b, uint8_t type, uint8_t code, uint16_t id, uint16_t seq,
			const char *data)
{
	uint32_t dl = data ? (uint32_t)strlen(data) : 0;

	b[0] = type;
	b[1] = code;
	w16(b + 2, 0);
	w16(b + 4, id);
	w16(b + 6, seq);
	if (dl)
		memcpy(b + 8, data, dl);
	return 8 + dl;
}

/* Fills the transport checksum of l4[0..len) for proto over IPv4 or IPv6. */
static void fix_l4(int ver, const uint8_t *src, const uint8_t *dst, uint8_t proto, uint8_t *l4,
		   uint32_t len)
{
	uint32_t s = 0;
	int off = proto == 6 ? 16 : proto == 17 ? 6 : 2;

	if (proto != 6 && proto != 17 && proto != 1 && proto != 58)
		return;
	w16(l4 + off, 0);
	if (proto != 1) {
		s = sum16(s, src, ver == 4 ? 4 : 16);
		s = sum16(s, dst, ver == 4 ? 4 : 16);
		s += proto + (len >> 16) + (len & 0xffff);
	}
	s = sum16(s, l4, len);
	w16(l4 + off, fold(s) ? fold(s) : (proto == 17 ? 0xffff : 0));
}

static uint32_t mk_ipv4_opts(uint8_t *b, uint8_t proto, const uint8_t *src, const uint8_t *dst,
			     const uint8_t *opt, uint32_t optlen, const uint8_t *l4, uint32_t l4len)
{
	uint32_t hl = 20 + optlen;

	memset(b, 0, hl);
	b[0] = (uint8_t)(0x40 | (hl / 4));
	w16(b + 2, (uint16_t)(hl + l4len));
	w16(b + 4, 0x1234);
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	if (optlen)
		memcpy(b + 20, opt, optlen);
	memmove(b + hl, l4, l4len);
	fix_l4(4, src, dst, proto, b + hl, l4len);
	w16(b + 10, fold(sum16(0, b, hl)));
	return hl + l4len;
}

static uint32_t mk_ipv4(uint8_t *b, uint8_t proto, const uint8_t *src, const uint8_t *dst,
			const uint8_t *l4, uint32_t l4len)
{
	return mk_ipv4_opts(b, proto, src, dst, NULL, 0, l4, l4len);
}

static void ipv4_fix_csum(uint8_t *b)
{
	uint32_t hl = (b[0] & 0x0f) * 4u;

	w16(b + 10, 0);
	w16(b + 10, fold(sum16(0, b, hl)));
}

/* IPv6 header + rest; the transport checksum is filled when nh is itself
 * the transport. */
static uint32_t mk_ipv6(uint8_t *b, uint8_t nh, const uint8_t *src, const uint8_t *dst,
			const uint8_t *rest, uint32_t len)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	w16(b + 4, (uint16_t)len);
	b[6] = nh;
	b[7] = 64;
	memcpy(b + 8, src, 16);
	memcpy(b + 24, dst, 16);
	memmove(b + 40, rest, len);
	fix_l4(6, src, dst, nh, b + 40, len);
	return 40 + len;
}

static uint32_t mk_eth(uint8_t *b, uint16_t type, const uint8_t *payload, uint32_t len)
{
	static const uint8_t macs[12] = { 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6 };

	memmove(b + 14, payload, len);
	memcpy(b, macs, 12);
	w16(b + 12, type);
	return 14 + len;
}

/* ---- decoding helpers --------------------------------------------------- */

static int decode(int linktype, const uint8_t *d, uint32_t len)
{
	memset(&P, 0, sizeof(P));
	P.data = d;
	P.caplen = len;
	P.wirelen = len;
	P.linktype = linktype;
	return nj_decode_packet(&P);
}

static bool has(const char *name)
{
	int ev = nj_decode_event_lookup(name);

	assert_true(ev > 0);
	return nj_decode_event_has(&P, ev);
}

static void assert_addr4(const struct nj_addr *a, const uint8_t *v)
{
	assert_int_equal(a->family, 4);
	assert_memory_equal(a->b, v, 4);
}

static void assert_addr6(const struct nj_addr *a, const uint8_t *v)
{
	assert_int_equal(a->family, 6);
	assert_memory_equal(a->b, v, 16);
}

/* Ethernet + IPv4 + TCP with options and a payload. */
static uint32_t frame_tcp4(uint8_t *f, const char *data)
{
	static const uint8_t opt[] = {
		2, 4, 0x05, 0xb4,       /* MSS 1460 */
		1, 3, 3, 7,             /* NOP, wscale 7 */
		4, 2, 1, 1,             /* SACK permitted, NOP, NOP */
		8, 10, 0, 0, 0, 1, 0, 0, 0, 2, /* timestamps 1, 2 */
		0, 0,                   /* EOL, pad */
	};
	uint8_t l4[256] = { 0 }, ip[512];
	uint32_t n = mk_tcp(l4, 1234, 80, NJ_TH_SYN | NJ_TH_ACK, opt, sizeof(opt), data);

	n = mk_ipv4(ip, 6, A4, B4, l4, n);
	return mk_eth(f, 0x0800, ip, n);
}

/* ---- tests --------------------------------------------------------------- */

static void test_ethernet_ipv4_tcp(void **state)
{
	uint8_t f[600];
	uint32_t n = frame_tcp4(f, "hello");

	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_int_equal(P.ethertype, 0x0800);
	assert_int_equal(P.ip_ver, 4);
	assert_addr4(&P.src, A4);
	assert_addr4(&P.dst, B4);
	assert_int_equal(P.proto, 6);
	assert_int_equal(P.ttl, 64);
	assert_int_equal(P.ip_id, 0x1234);
	assert_ptr_equal(P.l3, f + 14);
	assert_int_equal(P.ip_hlen, 20);
	assert_ptr_equal(P.l4, f + 34);
	assert_int_equal(P.sport, 1234);
	assert_int_equal(P.dport, 80);
	assert_int_equal(P.tcp.seq, 1000);
	assert_int_equal(P.tcp.ack, 2000);
	assert_int_equal(P.tcp.flags, NJ_TH_SYN | NJ_TH_ACK);
	assert_int_equal(P.tcp.hlen, 44);
	assert_int_equal(P.tcp.win, 65535);
	assert_int_equal(P.tcp.mss, 1460);
	assert_int_equal(P.tcp.wscale, 7);
	assert_true(P.tcp.sackok);
	assert_true(P.tcp.has_ts);
	assert_int_equal(P.tcp.tsval, 1);
	assert_int_equal(P.tcp.tsecr, 2);
	assert_ptr_equal(P.payload, f + 14 + 20 + 44);
	assert_int_equal(P.payload_len, 5);
	assert_memory_equal(P.payload, "hello", 5);
	assert_int_equal(P.nevents, 0);
	assert_int_equal(P.flags & (NJ_PKT_IS_FRAGMENT | NJ_PKT_TUNNEL | NJ_PKT_TRUNCATED), 0);
	assert_true(nj_decode_ipv4_csum_ok(&P));
	assert_true(nj_decode_l4_csum_ok(&P));
}

static void test_tcp_without_options(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128], f[160];
	uint32_t n = mk_tcp(l4, 5, 6, NJ_TH_ACK, NULL, 0, NULL);

	n = mk_eth(f, 0x0800, ip, mk_ipv4(ip, 6, A4, B4, l4, n));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_int_equal(P.tcp.wscale, 0xff);
	assert_int_equal(P.tcp.mss, 0);
	assert_false(P.tcp.sackok);
	assert_false(P.tcp.has_ts);
	assert_int_equal(P.payload_len, 0);
	assert_null(P.payload);
}

static void test_checksums(void **state)
{
	uint8_t f[600];
	uint32_t n = frame_tcp4(f, "data");

	f[14 + 10] ^= 0x01;     /* IPv4 header checksum */
	decode(NJ_LINKTYPE_ETHERNET, f, n);
	assert_false(nj_decode_ipv4_csum_ok(&P));
	assert_true(nj_decode_l4_csum_ok(&P));
	f[14 + 10] ^= 0x01;
	f[n - 1] ^= 0x40;       /* TCP payload */
	decode(NJ_LINKTYPE_ETHERNET, f, n);
	assert_true(nj_decode_ipv4_csum_ok(&P));
	assert_false(nj_decode_l4_csum_ok(&P));
}

static void test_udp_checksums(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128], f[160];
	uint32_t n;

	/* IPv4, valid and corrupted. */
	n = mk_udp(l4, 53, 5353, (const uint8_t *)"abc", 3);
	n = mk_eth(f, 0x0800, ip, mk_ipv4(ip, 17, A4, B4, l4, n));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_true(nj_decode_l4_csum_ok(&P));
	f[n - 1] ^= 1;
	decode(NJ_LINKTYPE_ETHERNET, f, n);
	assert_false(nj_decode_l4_csum_ok(&P));
	/* A zero checksum means "none" over IPv4 ... */
	w16(f + 14 + 20 + 6, 0);
	decode(NJ_LINKTYPE_ETHERNET, f, n);
	assert_true(nj_decode_l4_csum_ok(&P));

	/* ... and is wrong over IPv6. */
	n = mk_udp(l4, 53, 5353, (const uint8_t *)"abc", 3);
	n = mk_eth(f, 0x86dd, ip, mk_ipv6(ip, 17, A6, B6, l4, n));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_true(nj_decode_l4_csum_ok(&P));
	w16(f + 14 + 40 + 6, 0);
	decode(NJ_LINKTYPE_ETHERNET, f, n);
	assert_false(nj_decode_l4_csum_ok(&P));
}

static void test_ethernet_padding_trimmed(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128], f[160] = { 0 };
	uint32_t n = mk_udp(l4, 1, 2, (const uint8_t *)"xyzw", 4);

	n = mk_eth(f, 0x0800, ip, mk_ipv4(ip, 17, A4, B4, l4, n));
	assert_int_equal(n, 46);
	memset(f + n, 0xee, 60 - n);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, 60), 0);
	assert_int_equal(P.l3_len, 32);
	assert_int_equal(P.payload_len, 4);
	assert_int_equal(P.nevents, 0);
	assert_true(nj_decode_l4_csum_ok(&P));
}

static void test_ethernet_too_small(void **state)
{
	uint8_t f[13] = { 0 };

	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, sizeof(f)), -1);
	assert_true(has("ethernet.pkt_too_small"));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, NULL, 0), -1);
}

static void test_unknown_linktype(void **state)
{
	uint8_t f[40] = { 0 };

	assert_int_equal(decode(147, f, sizeof(f)), -1);
	assert_true(has("decoder.unknown_linktype"));
	assert_true(nj_decode_linktype_supported(1));
	assert_true(nj_decode_linktype_supported(276));
	assert_true(nj_decode_linktype_supported(12));
	assert_false(nj_decode_linktype_supported(147));
}

static void test_vlan(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128], f[200];
	uint32_t n = mk_udp(l4, 1, 2, NULL, 0);

	n = mk_ipv4(ip, 17, A4, B4, l4, n);
	/* 0x88a8 S-tag 100, 0x8100 C-tag 200, IPv4 */
	memmove(f + 22, ip, n);
	memcpy(f, "\0\1\2\3\4\5\0\1\2\3\4\6", 12);
	w16(f + 12, 0x88a8);
	w16(f + 14, 0x2000 | 100);
	w16(f + 16, 0x8100);
	w16(f + 18, 200);
	w16(f + 20, 0x0800);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, 22 + n), 0);
	assert_int_equal(P.vlan_count, 2);
	assert_int_equal(P.vlan[0], 100);
	assert_int_equal(P.vlan[1], 200);
	assert_int_equal(P.ethertype, 0x0800);
	assert_int_equal(P.ip_ver, 4);
	assert_int_equal(P.sport, 1);

	/* 0x9100 single tag */
	w16(f + 12, 0x9100);
	w16(f + 16, 0x0800);
	memmove(f + 18, f + 22, n);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, 18 + n), 0);
	assert_int_equal(P.vlan_count, 1);
	assert_int_equal(P.vlan[0], 100);
	assert_int_equal(P.ip_ver, 4);

	/* truncated tag */
	w16(f + 12, 0x8100);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, 16), -1);
	assert_true(has("vlan.header_too_small"));

	/* unknown inner type */
	w16(f + 16, 0x1234);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, 18 + n), -1);
	assert_true(has("vlan.unknown_type"));
}

static void test_vlan_too_many_layers(void **state)
{
	uint8_t f[100] = { 0 };
	uint32_t off = 12;

	for (int i = 0; i < 4; i++) {
		w16(f + off, 0x8100);
		w16(f + off + 2, (uint16_t)(10 + i));
		off += 4;
	}
	w16(f + off, 0x0800);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, sizeof(f)), -1);
	assert_true(has("vlan.too_many_layers"));
	assert_int_equal(P.vlan_count, 2);
	assert_int_equal(P.vlan[0], 10);
	assert_int_equal(P.vlan[1], 11);

	/* Three tags decode; the first two ids are kept. */
	memset(f, 0, sizeof(f));
	off = 12;
	for (int i = 0; i < 3; i++) {
		w16(f + off, 0x8100);
		w16(f + off + 2, (uint16_t)(10 + i));
		off += 4;
	}
	w16(f + off, 0x0806);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, sizeof(f)), 0);
	assert_int_equal(P.nevents, 0);
	assert_int_equal(P.vlan_count, 2);
}

static void test_sll_sll2(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128], f[200] = { 0 };
	uint32_t n = mk_ipv6(ip, 17, A6, B6, l4, mk_udp(l4, 7, 8, NULL, 0));

	memcpy(f + 16, ip, n);
	w16(f + 14, 0x86dd);
	assert_int_equal(decode(NJ_LINKTYPE_LINUX_SLL, f, 16 + n), 0);
	assert_int_equal(P.ip_ver, 6);
	assert_addr6(&P.src, A6);
	assert_int_equal(P.dport, 8);
	assert_int_equal(decode(NJ_LINKTYPE_LINUX_SLL, f, 15), -1);
	assert_true(has("sll.pkt_too_small"));

	memset(f, 0, 20);
	memcpy(f + 20, ip, n);
	w16(f, 0x86dd);
	assert_int_equal(decode(NJ_LINKTYPE_LINUX_SLL2, f, 20 + n), 0);
	assert_int_equal(P.ip_ver, 6);
	assert_int_equal(P.sport, 7);
	assert_int_equal(decode(NJ_LINKTYPE_LINUX_SLL2, f, 19), -1);
	assert_true(has("sll2.pkt_too_small"));
}

static void test_null_loop(void **state)
{
	uint8_t l4[64] = { 0 }, ip4[128], ip6[128], f[200];
	uint32_t n4 = mk_ipv4(ip4, 17, A4, B4, l4, mk_udp(l4, 7, 8, NULL, 0));
	uint32_t n6 = mk_ipv6(ip6, 17, A6, B6, l4, mk_udp(l4, 7, 8, NULL, 0));
	static const uint8_t af[][4] = {
		{ 2, 0, 0, 0 }, { 0, 0, 0, 2 },         /* AF_INET both orders */
		{ 24, 0, 0, 0 }, { 0, 0, 0, 28 }, { 30, 0, 0, 0 }, { 0, 0, 0, 30 },
	};

	for (size_t i = 0; i < sizeof(af) / sizeof(af[0]); i++) {
		bool v4 = i < 2;

		memcpy(f, af[i], 4);
		memcpy(f + 4, v4 ? ip4 : ip6, v4 ? n4 : n6);
		assert_int_equal(decode(i % 2 ? NJ_LINKTYPE_LOOP : NJ_LINKTYPE_NULL, f,
					4 + (v4 ? n4 : n6)), 0);
		assert_int_equal(P.ip_ver, v4 ? 4 : 6);
		assert_int_equal(P.dport, 8);
	}
	memcpy(f, "\x07\0\0\0", 4);
	assert_int_equal(decode(NJ_LINKTYPE_NULL, f, 4 + n4), -1);
	assert_true(has("ltnull.unsupported_type"));
	assert_true(has("null.unsupported_type"));
	assert_int_equal(decode(NJ_LINKTYPE_NULL, f, 3), -1);
	assert_true(has("ltnull.pkt_too_small"));
	assert_true(has("null.pkt_too_small"));
	assert_true(has("decoder.null.pkt_too_small"));
}

static void test_raw(void **state)
{
	uint8_t l4[64] = { 0 }, ip4[128], ip6[128];
	uint32_t n4 = mk_ipv4(ip4, 17, A4, B4, l4, mk_udp(l4, 7, 8, NULL, 0));
	uint32_t n6 = mk_ipv6(ip6, 17, A6, B6, l4, mk_udp(l4, 7, 8, NULL, 0));
	static const int raws[] = { NJ_LINKTYPE_RAW, 12, 14 };

	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(decode(raws[i], ip4, n4), 0);
		assert_int_equal(P.ip_ver, 4);
		assert_int_equal(decode(raws[i], ip6, n6), 0);
		assert_int_equal(P.ip_ver, 6);
	}
	assert_int_equal(decode(NJ_LINKTYPE_IPV4, ip4, n4), 0);
	assert_int_equal(decode(NJ_LINKTYPE_IPV6, ip6, n6), 0);
	assert_int_equal(decode(NJ_LINKTYPE_IPV4, ip6, n6), -1);
	assert_true(has("ipraw.invalid_ip_version"));
	ip4[0] = 0x55;
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip4, n4), -1);
	assert_true(has("ipraw.invalid_ip_version"));
}

static void test_ppp(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128], f[200];
	uint32_t n = mk_ipv4(ip, 17, A4, B4, l4, mk_udp(l4, 7, 8, NULL, 0));

	/* HDLC address/control + 2-byte protocol */
	memcpy(f, "\xff\x03\x00\x21", 4);
	memcpy(f + 4, ip, n);
	assert_int_equal(decode(NJ_LINKTYPE_PPP, f, 4 + n), 0);
	assert_int_equal(P.ip_ver, 4);
	assert_int_equal(P.dport, 8);
	assert_int_equal(decode(50, f, 4 + n), 0);     /* LINKTYPE_PPP_HDLC */
	assert_int_equal(P.dport, 8);
	/* compressed: 1-byte protocol, no address/control */
	f[3] = 0x21;
	assert_int_equal(decode(NJ_LINKTYPE_PPP, f + 3, 1 + n), 0);
	assert_int_equal(P.ip_ver, 4);
	/* LCP: valid, not decoded */
	memcpy(f, "\xff\x03\xc0\x21", 4);
	assert_int_equal(decode(NJ_LINKTYPE_PPP, f, 4 + n), 0);
	assert_int_equal(P.ip_ver, 0);
	assert_int_equal(P.nevents, 0);
	/* an even protocol number is not PPP */
	memcpy(f, "\xff\x03\x00\x20", 4);
	assert_int_equal(decode(NJ_LINKTYPE_PPP, f, 4 + n), -1);
	assert_true(has("ppp.wrong_type"));
	assert_int_equal(decode(NJ_LINKTYPE_PPP, f, 2), -1);
	assert_true(has("ppp.pkt_too_small"));
	memcpy(f, "\xff\x03\x00\x21", 4);
	assert_int_equal(decode(NJ_LINKTYPE_PPP, f, 10), -1);
	assert_true(has("ppp.ip4_pkt_too_small"));
}

static void test_pppoe(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128], s[200], f[260];
	uint32_t n = mk_ipv4(ip, 6, A4, B4, l4, mk_tcp(l4, 7, 8, NJ_TH_SYN, NULL, 0, NULL));

	s[0] = 0x11;
	s[1] = 0;
	w16(s + 2, 0x0042);
	w16(s + 4, (uint16_t)(2 + n));
	w16(s + 6, 0x0021);
	memcpy(s + 8, ip, n);
	n = mk_eth(f, 0x8864, s, 8 + n);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_int_equal(P.ip_ver, 4);
	assert_int_equal(P.proto, 6);
	assert_int_equal(P.dport, 8);
	/* the same session frame under LINKTYPE_PPP_ETHER */
	assert_int_equal(decode(51, f + 14, n - 14), 0);
	assert_int_equal(P.dport, 8);
	f[15] = 0x09;   /* a discovery code in a session frame */
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), -1);
	assert_true(has("pppoe.wrong_code"));
}

static uint32_t frame_ipv4_opts(uint8_t *f, const uint8_t *opt, uint32_t optlen)
{
	uint8_t l4[64] = { 0 }, ip[128];
	uint32_t n = mk_udp(l4, 1, 2, NULL, 0);

	return mk_eth(f, 0x0800, ip, mk_ipv4_opts(ip, 17, A4, B4, opt, optlen, l4, n));
}

static void test_ipv4_options(void **state)
{
	uint8_t f[200];
	uint32_t n;
	static const uint8_t rr_ra[] = { 7, 7, 4, 0, 0, 0, 0, 148, 4, 0, 0, 1, 0, 0, 0, 0 };
	static const uint8_t bad_len[] = { 7, 9, 4, 0 };
	static const uint8_t dup[] = { 148, 4, 0, 0, 148, 4, 0, 0 };
	static const uint8_t unknown[] = { 0x9e, 4, 0, 0 };
	static const uint8_t rr_ptr[] = { 7, 7, 2, 0, 0, 0, 0, 0 };
	static const uint8_t lone[] = { 1, 1, 1, 68 };
	static const uint8_t ts[] = { 68, 12, 5, 0, 0, 0, 0, 1, 0, 0, 0, 0 };

	n = frame_ipv4_opts(f, rr_ra, sizeof(rr_ra));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_int_equal(P.ip_hlen, 36);
	assert_true(P.ip_opts & NJ_IPOPT_RR);
	assert_true(P.ip_opts & NJ_IPOPT_RTRALT);
	assert_true(P.ip_opts & NJ_IPOPT_NOP);
	assert_true(P.ip_opts & NJ_IPOPT_EOL);
	assert_true(P.ip_opts & NJ_IPOPT_ANY);
	assert_false(P.ip_opts & NJ_IPOPT_TS);
	assert_int_equal(P.nevents, 0);
	assert_int_equal(P.dport, 2);
	assert_true(nj_decode_ipv4_csum_ok(&P));

	n = frame_ipv4_opts(f, ts, sizeof(ts));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_true(P.ip_opts & NJ_IPOPT_TS);
	assert_int_equal(P.nevents, 0);

	n = frame_ipv4_opts(f, bad_len, sizeof(bad_len));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), -1);
	assert_true(has("ipv4.opt_invalid_len"));

	n = frame_ipv4_opts(f, dup, sizeof(dup));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_true(has("ipv4.opt_duplicate"));
	assert_true(P.ip_opts & NJ_IPOPT_RTRALT);

	n = frame_ipv4_opts(f, unknown, sizeof(unknown));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_true(has("ipv4.opt_invalid"));

	n = frame_ipv4_opts(f, rr_ptr, sizeof(rr_ptr));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_true(has("ipv4.opt_malformed"));
	assert_false(P.ip_opts & NJ_IPOPT_RR);

	n = frame_ipv4_opts(f, lone, sizeof(lone));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_true(has("ipv4.opt_eol_required"));
}

static void test_ipv4_malformed(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128];
	uint32_t n = mk_ipv4(ip, 17, A4, B4, l4, mk_udp(l4, 1, 2, (const uint8_t *)"abcd", 4));

	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, 19), -1);
	assert_true(has("ipv4.pkt_too_small"));

	ip[0] = 0x44;
	assert_int_equal(decode(NJ_LINKTYPE_IPV4, ip, n), -1);
	assert_true(has("ipv4.hlen_too_small"));

	ip[0] = 0x45;
	w16(ip + 2, 10);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("ipv4.iplen_smaller_than_hlen"));

	/* total length beyond the capture: decoded as far as captured */
	w16(ip + 2, (uint16_t)(n + 100));
	ipv4_fix_csum(ip);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_true(has("ipv4.trunc_pkt"));
	assert_true(P.flags & NJ_PKT_TRUNCATED);
	assert_int_equal(P.l3_len, n);
	assert_int_equal(P.dport, 2);
	assert_true(nj_decode_l4_csum_ok(&P));      /* cannot be checked */

	/* header longer than the capture */
	ip[0] = 0x4f;
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, 40), -1);
	assert_true(has("ipv4.trunc_pkt"));

	/* wrong version behind an IPv4 ethertype */
	{
		uint8_t f[200];
		uint32_t m;

		ip[0] = 0x65;
		m = mk_eth(f, 0x0800, ip, n);
		assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, m), -1);
		assert_true(has("ipv4.wrong_ip_version"));
	}
}

static void test_ipv4_tso_zero_length(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128];
	uint32_t n = mk_ipv4(ip, 17, A4, B4, l4, mk_udp(l4, 1, 2, (const uint8_t *)"abcd", 4));

	w16(ip + 2, 0);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_int_equal(P.nevents, 0);
	assert_int_equal(P.payload_len, 4);
}

static void test_ipv4_fragments(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128];
	uint32_t n = mk_ipv4(ip, 17, A4, B4, l4, mk_udp(l4, 1, 2, (const uint8_t *)"abcdefgh", 8));

	/* first fragment: MF, offset 0; the transport header is decoded and
	 * its length (of the whole datagram) is not held against it */
	w16(ip + 6, 0x2000);
	w16(ip + 20 + 4, 1000);
	ipv4_fix_csum(ip);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_true(P.flags & NJ_PKT_IS_FRAGMENT);
	assert_true(P.frag_mf);
	assert_int_equal(P.frag_off, 0);
	assert_int_equal(P.sport, 1);
	assert_int_equal(P.payload_len, 8);
	assert_int_equal(P.nevents, 0);
	assert_true(nj_decode_l4_csum_ok(&P));      /* not checked */

	/* later fragment: offset 185*8, DF clear, no transport decode */
	w16(ip + 6, 185);
	ipv4_fix_csum(ip);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_true(P.flags & NJ_PKT_IS_FRAGMENT);
	assert_false(P.frag_mf);
	assert_int_equal(P.frag_off, 1480);
	assert_int_equal(P.sport, 0);
	assert_null(P.l4);
	assert_int_equal(P.dport, 0);
	assert_int_equal(P.proto, 17);
	assert_ptr_equal(P.payload, ip + 20);
	assert_int_equal(P.payload_len, 16);

	/* DF and not a fragment */
	w16(ip + 6, 0x4000);
	ipv4_fix_csum(ip);
	w16(ip + 20 + 4, 16);
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(P.frag_df);
	assert_false(P.flags & NJ_PKT_IS_FRAGMENT);

	/* offset + length beyond 65535 */
	w16(ip + 6, 0x1fff);
	ipv4_fix_csum(ip);
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("ipv4.frag_pkt_too_large"));
}

static void test_ipv4_icmpv6_mismatch(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128];
	uint32_t n = mk_ipv4(ip, 58, A4, B4, l4, mk_icmp(l4, 128, 0, 1, 1, NULL));

	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("ipv4.icmpv6"));
	n = mk_ipv6(ip, 1, A6, B6, l4, mk_icmp(l4, 8, 0, 1, 1, NULL));
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("ipv6.icmpv4"));
}

/* IPv6 with hop-by-hop, destination options and a first fragment before
 * UDP. */
static void test_ipv6_exthdrs(void **state)
{
	uint8_t x[128], ip[200];
	uint32_t n = 0, u;

	/* hop-by-hop: next 60, len 0, router alert (5,2,0,0), PadN(0) */
	memcpy(x, "\x3c\x00\x05\x02\x00\x00\x01\x00", 8);
	/* destination options: next 44, len 0, PadN(4) */
	memcpy(x + 8, "\x2c\x00\x01\x04\x00\x00\x00\x00", 8);
	/* fragment: next 17, offset 0, MF, id 0xdeadbeef */
	memcpy(x + 16, "\x11\x00\x00\x01\xde\xad\xbe\xef", 8);
	n = 24;
	u = mk_udp(x + n, 4000, 53, (const uint8_t *)"querying", 8);
	n += u;
	n = mk_ipv6(ip, 0, A6, B6, x, n);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_int_equal(P.ip_ver, 6);
	assert_addr6(&P.src, A6);
	assert_addr6(&P.dst, B6);
	assert_int_equal(P.ip6_exthdrs, 3);
	assert_int_equal(P.ip_hlen, 64);
	assert_int_equal(P.proto, 17);
	assert_int_equal(P.ip6_frag_id, 0xdeadbeef);
	assert_int_equal(P.ip_id, 0xbeef);
	assert_true(P.frag_mf);
	assert_int_equal(P.frag_off, 0);
	assert_true(P.flags & NJ_PKT_IS_FRAGMENT);
	assert_int_equal(P.sport, 4000);
	assert_int_equal(P.dport, 53);
	assert_int_equal(P.payload_len, 8);
	assert_int_equal(P.nevents, 0);

	/* a later fragment: no transport decode */
	memcpy(x + 16, "\x11\x00\x00\x51\xde\xad\xbe\xef", 8);      /* offset 80 */
	n = mk_ipv6(ip, 0, A6, B6, x, 24 + u);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_true(P.flags & NJ_PKT_IS_FRAGMENT);
	assert_int_equal(P.frag_off, 80);
	assert_int_equal(P.sport, 0);
	assert_null(P.l4);
	assert_int_equal(P.proto, 17);
	assert_ptr_equal(P.payload, ip + 64);
	assert_int_equal(P.payload_len, u);
}

static uint32_t v6_with(uint8_t *ip, uint8_t nh, const void *ext, uint32_t elen, bool udp)
{
	uint8_t x[256];
	uint32_t n = elen;

	memcpy(x, ext, elen);
	if (udp)
		n += mk_udp(x + n, 1, 2, (const uint8_t *)"12345678", 8);
	return mk_ipv6(ip, nh, A6, B6, x, n);
}

static void test_ipv6_malformed(void **state)
{
	uint8_t ip[400];
	uint32_t n;

	n = v6_with(ip, 17, "", 0, true);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, 39), -1);
	assert_true(has("ipv6.pkt_too_small"));

	/* payload length beyond the capture */
	w16(ip + 4, 200);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_true(has("ipv6.trunc_pkt"));
	assert_true(P.flags & NJ_PKT_TRUNCATED);
	assert_int_equal(P.dport, 2);

	/* wrong version behind the IPv6 ethertype */
	{
		uint8_t f[400];
		uint32_t m;

		n = v6_with(ip, 17, "", 0, true);
		ip[0] = 0x40;
		m = mk_eth(f, 0x86dd, ip, n);
		assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, m), -1);
		assert_true(has("ipv6.wrong_ip_version"));
	}

	/* duplicate hop-by-hop */
	n = v6_with(ip, 0, "\x00\x00\x01\x04\x00\x00\x00\x00\x11\x00\x01\x04\x00\x00\x00\x00", 16, true);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_true(has("ipv6.exthdr_dupl_hh"));
	assert_int_equal(P.dport, 2);

	/* duplicate routing header, and type 0 */
	n = v6_with(ip, 43, "\x2b\x00\x00\x00\x00\x00\x00\x00\x11\x00\x02\x00\x00\x00\x00\x00", 16, true);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_true(has("ipv6.exthdr_dupl_rh"));
	assert_true(has("ipv6.rh_type_0"));

	/* destination options before and after a routing header (type 2) */
	n = v6_with(ip, 60, "\x2b\x00\x01\x04\x00\x00\x00\x00\x3c\x00\x02\x00\x00\x00\x00\x00"
			    "\x11\x00\x01\x04\x00\x00\x00\x00", 24, true);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_int_equal(P.nevents, 0);
	assert_int_equal(P.ip6_exthdrs, 3);
	assert_int_equal(P.dport, 2);

	/* three destination options headers */
	n = v6_with(ip, 60, "\x3c\x00\x01\x04\x00\x00\x00\x00\x3c\x00\x01\x04\x00\x00\x00\x00"
			    "\x11\x00\x01\x04\x00\x00\x00\x00", 24, true);
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("ipv6.exthdr_dupl_dh"));

	/* two fragment headers */
	n = v6_with(ip, 44, "\x2c\x00\x00\x01\x00\x00\x00\x01\x11\x00\x00\x01\x00\x00\x00\x01", 16, true);
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("ipv6.exthdr_dupl_fh"));

	/* two AH headers (length 4 words -> 24 bytes each) */
	{
		uint8_t ah[48] = { 0 };

		ah[0] = 51;
		ah[1] = 4;
		ah[24] = 17;
		ah[25] = 4;
		n = v6_with(ip, 51, ah, 48, true);
		assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
		assert_true(has("ipv6.exthdr_dupl_ah"));
		assert_int_equal(P.ip6_exthdrs, 2);
		assert_int_equal(P.dport, 2);
	}

	/* extension header longer than the packet */
	n = v6_with(ip, 0, "\x11\x05\x01\x04\x00\x00\x00\x00", 8, false);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("ipv6.trunc_exthdr"));

	/* atomic fragment and reserved bits */
	n = v6_with(ip, 44, "\x11\x01\x00\x00\x00\x00\x00\x07", 8, true);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_true(has("ipv6.exthdr_useless_fh"));
	assert_true(has("ipv6.fh_non_zero_reserved_field"));
	assert_false(P.flags & NJ_PKT_IS_FRAGMENT);
	assert_int_equal(P.dport, 2);

	memset(&P, 0, sizeof(P));
	P.flags = NJ_PKT_REASSEMBLED;
	assert_int_equal(nj_decode_ip(&P, ip, n), 0);
	assert_false(has("ipv6.exthdr_useless_fh"));

	/* PadN(0) in a header of only padding */
	n = v6_with(ip, 60, "\x11\x00\x01\x00\x01\x02\x00\x00", 8, true);
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("ipv6.zero_len_padn"));

	/* option longer than its header */
	n = v6_with(ip, 0, "\x11\x00\x05\x09\x00\x00\x00\x00", 8, true);
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("ipv6.exthdr_invalid_optlen"));

	/* bytes after "no next header" */
	n = v6_with(ip, 59, "", 0, true);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_true(has("ipv6.data_after_none_header"));

	/* unassigned protocol number */
	n = v6_with(ip, 200, "", 0, true);
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("ipv6.unknown_next_header"));
	assert_int_equal(P.proto, 200);
	assert_int_equal(P.payload_len, 16);

	/* fragment with MF whose length is not a multiple of 8 */
	{
		uint8_t x[64];

		memcpy(x, "\x11\x00\x00\x01\x00\x00\x00\x09", 8);
		memset(x + 8, 'a', 13);
		n = mk_ipv6(ip, 44, A6, B6, x, 21);
		decode(NJ_LINKTYPE_RAW, ip, n);
		assert_true(has("ipv6.frag_invalid_length"));
		/* offset 65528 + 13 bytes */
		memcpy(x, "\x11\x00\xff\xf8\x00\x00\x00\x09", 8);
		n = mk_ipv6(ip, 44, A6, B6, x, 21);
		decode(NJ_LINKTYPE_RAW, ip, n);
		assert_true(has("ipv6.frag_pkt_too_large"));
	}
}

static void test_tcp_malformed(void **state)
{
	uint8_t l4[128] = { 0 }, ip[200];
	uint32_t n;
	static const uint8_t mss3[] = { 2, 3, 5, 0 };
	static const uint8_t dup[] = { 2, 4, 5, 0xb4, 2, 4, 5, 0xb4 };
	static const uint8_t runaway[] = { 1, 1, 8, 20 };

	n = mk_ipv4(ip, 6, A4, B4, l4, 10);
	memset(ip + 20, 0, 10);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("tcp.pkt_too_small"));

	n = mk_tcp(l4, 1, 2, NJ_TH_ACK, NULL, 0, NULL);
	l4[12] = 0x40;
	n = mk_ipv4(ip, 6, A4, B4, l4, n);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("tcp.hlen_too_small"));

	n = mk_tcp(l4, 1, 2, NJ_TH_ACK, NULL, 0, NULL);
	l4[12] = 0x80;  /* 32-byte header in 20 bytes */
	n = mk_ipv4(ip, 6, A4, B4, l4, n);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("tcp.pkt_too_small"));

	n = mk_ipv4(ip, 6, A4, B4, l4, mk_tcp(l4, 1, 2, NJ_TH_SYN, mss3, sizeof(mss3), NULL));
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_true(has("tcp.opt_invalid_len"));
	assert_int_equal(P.tcp.mss, 0);

	n = mk_ipv4(ip, 6, A4, B4, l4, mk_tcp(l4, 1, 2, NJ_TH_SYN, dup, sizeof(dup), NULL));
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_true(has("tcp.opt_duplicate"));
	assert_int_equal(P.tcp.mss, 1460);

	n = mk_ipv4(ip, 6, A4, B4, l4, mk_tcp(l4, 1, 2, NJ_TH_SYN, runaway, sizeof(runaway), NULL));
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_true(has("tcp.opt_invalid_len"));
	assert_false(P.tcp.has_ts);
}

static void test_udp_malformed(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128];
	uint32_t n;

	memset(l4, 0, 6);
	n = mk_ipv4(ip, 17, A4, B4, l4, 6);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("udp.hlen_too_small"));

	n = mk_udp(l4, 1, 2, (const uint8_t *)"abcd", 4);
	w16(l4 + 4, 40);
	n = mk_ipv4(ip, 17, A4, B4, l4, n);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("udp.pkt_too_small"));
	assert_int_equal(P.dport, 2);
	assert_int_equal(P.payload_len, 4);

	n = mk_udp(l4, 1, 2, (const uint8_t *)"abcd", 4);
	w16(l4 + 4, 10);
	n = mk_ipv4(ip, 17, A4, B4, l4, n);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_true(has("udp.hlen_invalid"));
	assert_int_equal(P.payload_len, 2);

	n = mk_udp(l4, 1, 2, (const uint8_t *)"abcd", 4);
	w16(l4 + 4, 4);
	n = mk_ipv4(ip, 17, A4, B4, l4, n);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("udp.len_invalid"));
}

static void test_icmpv4(void **state)
{
	uint8_t l4[128] = { 0 }, ip[200];
	uint32_t n;

	n = mk_ipv4(ip, 1, A4, B4, l4, mk_icmp(l4, 8, 0, 0x1111, 7, "ping"));
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_int_equal(P.proto, 1);
	assert_int_equal(P.icmp.type, 8);
	assert_int_equal(P.icmp.code, 0);
	assert_true(P.icmp.has_id);
	assert_int_equal(P.icmp.id, 0x1111);
	assert_int_equal(P.icmp.seq, 7);
	assert_ptr_equal(P.payload, ip + 28);
	assert_int_equal(P.payload_len, 4);
	assert_int_equal(P.nevents, 0);
	assert_true(nj_decode_l4_csum_ok(&P));
	ip[n - 1] ^= 0xff;
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_false(nj_decode_l4_csum_ok(&P));

	/* an error quoting a full IPv4 header is fine, no id */
	{
		uint8_t inner[64], q[128];
		uint32_t m = mk_ipv4(inner, 17, B4, A4, q, mk_udp(q, 2, 1, NULL, 0));

		memcpy(l4 + 8, inner, m);
		mk_icmp(l4, 3, 3, 0, 0, NULL);
		n = mk_ipv4(ip, 1, A4, B4, l4, 8 + m);
		assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
		assert_false(P.icmp.has_id);
		assert_int_equal(P.nevents, 0);
		assert_true(nj_decode_l4_csum_ok(&P));
	}

	n = mk_ipv4(ip, 1, A4, B4, l4, mk_icmp(l4, 3, 1, 0, 0, "short"));
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("icmpv4.ipv4_trunc_pkt"));

	n = mk_ipv4(ip, 1, A4, B4, l4, mk_icmp(l4, 99, 0, 0, 0, NULL));
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("icmpv4.unknown_type"));

	n = mk_ipv4(ip, 1, A4, B4, l4, mk_icmp(l4, 0, 5, 0, 0, NULL));
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("icmpv4.unknown_code"));

	n = mk_ipv4(ip, 1, A4, B4, l4, 4);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("icmpv4.pkt_too_small"));
}

static void test_icmpv6(void **state)
{
	uint8_t l4[128] = { 0 }, ip[200];
	uint32_t n;

	n = mk_ipv6(ip, 58, A6, B6, l4, mk_icmp(l4, 128, 0, 0x2222, 9, "echo"));
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_int_equal(P.icmp.type, 128);
	assert_true(P.icmp.has_id);
	assert_int_equal(P.icmp.id, 0x2222);
	assert_int_equal(P.icmp.seq, 9);
	assert_int_equal(P.payload_len, 4);
	assert_int_equal(P.nevents, 0);
	assert_true(nj_decode_l4_csum_ok(&P));
	ip[n - 2] ^= 0x10;
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_false(nj_decode_l4_csum_ok(&P));

	/* MLD report with a hop limit of 64 */
	n = mk_ipv6(ip, 58, C6, D6, l4, mk_icmp(l4, 131, 0, 0, 0, "12345678"));
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("icmpv6.mld_message_with_invalid_hl"));
	ip[7] = 1;
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_int_equal(P.nevents, 0);

	n = mk_ipv6(ip, 58, A6, B6, l4, mk_icmp(l4, 0, 0, 0, 0, NULL));
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("icmpv6.unknown_type"));

	n = mk_ipv6(ip, 58, A6, B6, l4, mk_icmp(l4, 2, 4, 0, 0, NULL));
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("icmpv6.unknown_code"));
	assert_true(has("icmpv6.ipv6_trunc_pkt"));

	n = mk_ipv6(ip, 58, A6, B6, l4, 6);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("icmpv6.pkt_too_small"));
}

/* Outer IPv4 (C4 -> D4) + GRE header + inner IPv4 TCP (A4 -> B4). */
static uint32_t frame_gre(uint8_t *ip, const uint8_t *gre, uint32_t glen)
{
	uint8_t l4[128] = { 0 }, inner[200], g[300];
	uint32_t n = mk_ipv4(inner, 6, A4, B4, l4, mk_tcp(l4, 1111, 22, NJ_TH_SYN, NULL, 0, "x"));

	memcpy(g, gre, glen);
	memcpy(g + glen, inner, n);
	return mk_ipv4(ip, 47, C4, D4, g, glen + n);
}

static void assert_inner_tcp4(uint8_t proto)
{
	assert_true(P.flags & NJ_PKT_TUNNEL);
	assert_int_equal(P.tunnel_depth, 1);
	assert_int_equal(P.tunnel_proto, proto);
	assert_addr4(&P.outer_src, C4);
	assert_addr4(&P.outer_dst, D4);
	assert_addr4(&P.src, A4);
	assert_addr4(&P.dst, B4);
	assert_int_equal(P.proto, 6);
	assert_int_equal(P.sport, 1111);
	assert_int_equal(P.dport, 22);
	assert_int_equal(P.payload_len, 1);
	assert_true(nj_decode_l4_csum_ok(&P));
	assert_true(nj_decode_ipv4_csum_ok(&P));
}

static void test_gre(void **state)
{
	uint8_t ip[400];
	uint32_t n;

	n = frame_gre(ip, (const uint8_t *)"\x00\x00\x08\x00", 4);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_inner_tcp4(47);
	assert_int_equal(P.nevents, 0);

	/* checksum, key and sequence present */
	n = frame_gre(ip, (const uint8_t *)"\xb0\x00\x08\x00" "\0\0\0\0" "\0\0\0\x2a" "\0\0\0\1", 16);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_inner_tcp4(47);

	n = frame_gre(ip, (const uint8_t *)"\x01\x00\x08\x00", 4);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("gre.version0_recur"));
	assert_false(P.flags & NJ_PKT_TUNNEL);
	assert_addr4(&P.src, C4);

	n = frame_gre(ip, (const uint8_t *)"\x00\x08\x08\x00", 4);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("gre.version0_flags"));

	n = frame_gre(ip, (const uint8_t *)"\x00\x02\x08\x00", 4);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("gre.wrong_version"));

	n = mk_ipv4(ip, 47, C4, D4, (const uint8_t *)"\xb0\x00\x08\x00\x00\x00", 6);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("gre.version0_hdr_too_big"));

	n = mk_ipv4(ip, 47, C4, D4, (const uint8_t *)"\x00\x00", 2);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("gre.pkt_too_small"));
}

/* Aruba's WLAN tunnels: GRE protocol 0x82xx, an 802.11 data frame, LLC/SNAP,
 * then the inner packet. fc/flags/qos vary the 802.11 header; the inner
 * packet is followed or the packet stays the outer GRE one. */
static uint32_t frame_aruba(uint8_t *ip, uint8_t fc, uint8_t flags, uint8_t qos)
{
	uint8_t g[64] = { 0x00, 0x00, 0x82, 0x10, fc, flags };
	uint32_t n = 4 + 24;

	if ((flags & 3) == 3)
		n += 6;                                 /* Addr4 */
	if (fc & 0x80) {
		g[n] = qos;
		n += 2;
	}
	memcpy(g + n, "\xaa\xaa\x03\x00\x00\x00\x08\x00", 8);
	return frame_gre(ip, g, n + 8);
}

static void assert_outer_gre(void)
{
	assert_false(P.flags & NJ_PKT_TUNNEL);
	assert_addr4(&P.src, C4);
	assert_int_equal(P.proto, 47);
	assert_int_equal(P.nevents, 0);
}

static void test_gre_aruba(void **state)
{
	uint8_t ip[400];

	/* QoS data from an access point, plain data, four addresses */
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, frame_aruba(ip, 0x88, 0x02, 0)), 0);
	assert_inner_tcp4(47);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, frame_aruba(ip, 0x08, 0x01, 0)), 0);
	assert_inner_tcp4(47);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, frame_aruba(ip, 0x88, 0x03, 0)), 0);
	assert_inner_tcp4(47);
	/* encrypted, A-MSDU, null data, a beacon: not followed */
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, frame_aruba(ip, 0x88, 0x41, 0)), 0);
	assert_outer_gre();
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, frame_aruba(ip, 0x88, 0x01, 0x80)), 0);
	assert_outer_gre();
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, frame_aruba(ip, 0xc8, 0x01, 0)), 0);
	assert_outer_gre();
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, frame_aruba(ip, 0x80, 0x00, 0)), 0);
	assert_outer_gre();
	/* cut inside the 802.11 header */
	uint32_t n = mk_ipv4(ip, 47, C4, D4, (const uint8_t *)"\x00\x00\x82\x00\x88\x01\x00", 7);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_outer_gre();
	(void)state;
}

static void test_gre_ethernet_and_pptp(void **state)
{
	uint8_t l4[128] = { 0 }, inner[200], eth[260], g[300], ip[400];
	uint32_t n = mk_ipv4(inner, 6, A4, B4, l4, mk_tcp(l4, 1111, 22, NJ_TH_SYN, NULL, 0, "x"));
	uint32_t e = mk_eth(eth, 0x0800, inner, n);

	/* transparent Ethernet bridging */
	memcpy(g, "\x00\x00\x65\x58", 4);
	memcpy(g + 4, eth, e);
	n = mk_ipv4(ip, 47, C4, D4, g, 4 + e);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_inner_tcp4(47);

	/* PPTP: version 1, key and sequence, PPP with address/control */
	n = mk_ipv4(inner, 6, A4, B4, l4, mk_tcp(l4, 1111, 22, NJ_TH_SYN, NULL, 0, "x"));
	memcpy(g, "\x30\x01\x88\x0b", 4);
	w16(g + 4, (uint16_t)(4 + n));
	w16(g + 6, 7);
	w32(g + 8, 1);
	memcpy(g + 12, "\xff\x03\x00\x21", 4);
	memcpy(g + 16, inner, n);
	n = mk_ipv4(ip, 47, C4, D4, g, 16 + n);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_inner_tcp4(47);

	g[1] = 0x01;
	g[0] = 0x10;    /* no key */
	n = mk_ipv4(ip, 47, C4, D4, g, 16);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("gre.version1_no_key"));
}

static void test_vxlan(void **state)
{
	uint8_t l4[128] = { 0 }, inner[200], eth[260], vx[300], u[400], ip[500], f[600];
	uint32_t n = mk_ipv4(inner, 6, A4, B4, l4, mk_tcp(l4, 1111, 22, NJ_TH_SYN, NULL, 0, "x"));
	uint32_t e = mk_eth(eth, 0x0800, inner, n);

	memcpy(vx, "\x08\x00\x00\x00\x00\x01\x00\x00", 8);
	memcpy(vx + 8, eth, e);
	n = mk_udp(u, 50000, 4789, vx, 8 + e);
	n = mk_eth(f, 0x0800, ip, mk_ipv4(ip, 17, C4, D4, u, n));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_inner_tcp4(17);
	assert_int_equal(P.nevents, 0);

	/* an inner frame that is not IP, ARP or VLAN */
	w16(vx + 8 + 12, 0x88cc);
	n = mk_udp(u, 50000, 4789, vx, 8 + e);
	n = mk_eth(f, 0x0800, ip, mk_ipv4(ip, 17, C4, D4, u, n));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), -1);
	assert_true(has("vxlan.unknown_payload_type"));

	/* not VXLAN-shaped: left as plain UDP */
	vx[0] = 0;
	n = mk_udp(u, 50000, 4789, vx, 8 + e);
	n = mk_eth(f, 0x0800, ip, mk_ipv4(ip, 17, C4, D4, u, n));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_false(P.flags & NJ_PKT_TUNNEL);
	assert_int_equal(P.dport, 4789);
}

/* An IPv4 packet carrying inner[0..n) in UDP from port sp to dp, in
 * Ethernet; returns the frame's length. */
static uint32_t mk_udp_tunnel(uint8_t *f, uint16_t sp, uint16_t dp, const uint8_t *inner,
			      uint32_t n)
{
	uint8_t u[700], ip[800];

	n = mk_udp(u, sp, dp, inner, n);
	return mk_eth(f, 0x0800, ip, mk_ipv4(ip, 17, C4, D4, u, n));
}

/* The frame decodes to the TCP packet of assert_inner_tcp4() in a UDP
 * tunnel. */
static void assert_udp_tunnel_tcp4(const uint8_t *f, uint32_t n)
{
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_inner_tcp4(17);
}

/* The frame decodes as plain UDP: no tunnel entered. */
static void assert_plain_udp(const uint8_t *f, uint32_t n)
{
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_false(P.flags & NJ_PKT_TUNNEL);
}

static void test_geneve(void **state)
{
	uint8_t l4[128] = { 0 }, inner[200], eth[260], gn[400], f[900];
	uint32_t n = mk_ipv4(inner, 6, A4, B4, l4, mk_tcp(l4, 1111, 22, NJ_TH_SYN, NULL, 0, "x"));
	uint32_t e = mk_eth(eth, 0x0800, inner, n);
	uint64_t before = nj_counter_get_by_name("decoder.geneve");

	/* version 0, one 8-byte option, Ethernet payload */
	memcpy(gn, "\x02\x00\x65\x58\x00\x00\x07\x00", 8);
	memcpy(gn + 8, "\x01\x02\x03\x01\xaa\xbb\xcc\xdd", 8);
	memcpy(gn + 16, eth, e);
	n = mk_udp_tunnel(f, 50000, 6081, gn, 16 + e);
	assert_udp_tunnel_tcp4(f, n);
	assert_int_equal(nj_counter_get_by_name("decoder.geneve"), before + 1);

	/* an IPv4 payload named by its ethertype, no options */
	memcpy(gn, "\x00\x00\x08\x00\x00\x00\x07\x00", 8);
	memcpy(gn + 8, inner, e - 14);
	n = mk_udp_tunnel(f, 50000, 6081, gn, 8 + e - 14);
	assert_udp_tunnel_tcp4(f, n);

	w16(gn + 2, 0x88cc);
	n = mk_udp_tunnel(f, 50000, 6081, gn, 8 + e - 14);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), -1);
	assert_true(has("geneve.unknown_payload_type"));

	/* options longer than the datagram, or version 1: plain UDP */
	memcpy(gn, "\x3f\x00\x65\x58", 4);
	n = mk_udp_tunnel(f, 50000, 6081, gn, 16);
	assert_plain_udp(f, n);
	gn[0] = 0x40;
	n = mk_udp_tunnel(f, 50000, 6081, gn, 8 + e);
	assert_plain_udp(f, n);
	assert_int_equal(P.dport, 6081);
}

static void test_gtp(void **state)
{
	uint8_t l4[128] = { 0 }, inner[200], in6[200], g[400], f[900];
	uint32_t n = mk_ipv4(inner, 6, A4, B4, l4, mk_tcp(l4, 1111, 22, NJ_TH_SYN, NULL, 0, "x"));
	uint32_t n6 = mk_ipv6(in6, 17, A6, B6, l4, mk_udp(l4, 9, 10, NULL, 0));
	uint64_t before = nj_counter_get_by_name("nightjar.decoder.gtp");
	uint32_t m;

	/* G-PDU without optional fields, from the port */
	memcpy(g, "\x30\xff\x00\x00\x00\x00\x00\x2a", 8);
	w16(g + 2, (uint16_t)n);
	memcpy(g + 8, inner, n);
	m = mk_udp_tunnel(f, 2152, 40000, g, 8 + n);
	assert_udp_tunnel_tcp4(f, m);
	assert_int_equal(nj_counter_get_by_name("nightjar.decoder.gtp"), before + 1);

	/* sequence number and a PDU session container (type 0x85, 4 bytes) */
	memcpy(g, "\x36\xff\x00\x00\x00\x00\x00\x2a\x00\x01\x00\x85", 12);
	memcpy(g + 12, "\x01\x10\x05\x00", 4);
	memcpy(g + 16, in6, n6);
	w16(g + 2, (uint16_t)(8 + n6));
	m = mk_udp_tunnel(f, 40000, 2152, g, 16 + n6);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, m), 0);
	assert_true(P.flags & NJ_PKT_TUNNEL);
	assert_int_equal(P.ip_ver, 6);
	assert_int_equal(P.dport, 10);

	/* an extension header running past the datagram */
	g[12] = 0x40;
	m = mk_udp_tunnel(f, 40000, 2152, g, 16 + n6);
	assert_plain_udp(f, m);

	/* echo request, and a length beyond the datagram: plain UDP */
	memcpy(g, "\x32\x01\x00\x04\x00\x00\x00\x00\x00\x01\x00\x00", 12);
	m = mk_udp_tunnel(f, 2152, 2152, g, 12);
	assert_plain_udp(f, m);
	memcpy(g, "\x30\xff\x04\x00\x00\x00\x00\x2a", 8);
	memcpy(g + 8, inner, n);
	m = mk_udp_tunnel(f, 2152, 2152, g, 8 + n);
	assert_plain_udp(f, m);
	assert_int_equal(P.sport, 2152);
}

static void test_ayiya(void **state)
{
	uint8_t l4[128] = { 0 }, in6[200], in4[200], a[400], f[900];
	uint32_t n6 = mk_ipv6(in6, 17, A6, B6, l4, mk_udp(l4, 9, 10, NULL, 0));
	uint32_t n4 = mk_ipv4(in4, 6, A4, B4, l4, mk_tcp(l4, 1111, 22, NJ_TH_SYN, NULL, 0, "x"));
	uint64_t before = nj_counter_get_by_name("nightjar.decoder.ayiya");
	uint32_t m;

	/* 16-byte identity, 20-byte signature, forward, IPv6 */
	memset(a, 0, 44);
	memcpy(a, "\x41\x52\x11\x29", 4);
	memcpy(a + 44, in6, n6);
	m = mk_udp_tunnel(f, 40000, 5072, a, 44 + n6);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, m), 0);
	assert_true(P.flags & NJ_PKT_TUNNEL);
	assert_int_equal(P.ip_ver, 6);
	assert_addr6(&P.src, A6);
	assert_int_equal(P.dport, 10);
	assert_int_equal(nj_counter_get_by_name("nightjar.decoder.ayiya"), before + 1);

	/* IPv4 next header, from the port */
	memcpy(a, "\x41\x52\x11\x04", 4);
	memcpy(a + 44, in4, n4);
	m = mk_udp_tunnel(f, 5072, 40000, a, 44 + n4);
	assert_udp_tunnel_tcp4(f, m);

	/* a heartbeat (opcode 0), and a next header that is not the packet's */
	a[2] = 0x10;
	m = mk_udp_tunnel(f, 5072, 40000, a, 44 + n4);
	assert_plain_udp(f, m);
	a[2] = 0x11;
	a[3] = 41;
	m = mk_udp_tunnel(f, 5072, 40000, a, 44 + n4);
	assert_plain_udp(f, m);
}

static void test_ip_in_ip(void **state)
{
	uint8_t l4[128] = { 0 }, in4[200], in6[200], ip[400];
	uint32_t n4 = mk_ipv4(in4, 6, A4, B4, l4, mk_tcp(l4, 1111, 22, NJ_TH_SYN, NULL, 0, "x"));
	uint32_t n6 = mk_ipv6(in6, 17, A6, B6, l4, mk_udp(l4, 9, 10, NULL, 0));
	uint32_t n;

	n = mk_ipv4(ip, 4, C4, D4, in4, n4);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_inner_tcp4(4);

	n = mk_ipv4(ip, 41, C4, D4, in6, n6);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_int_equal(P.tunnel_proto, 41);
	assert_addr4(&P.outer_src, C4);
	assert_addr6(&P.src, A6);
	assert_int_equal(P.dport, 10);

	n = mk_ipv6(ip, 4, C6, D6, in4, n4);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_addr6(&P.outer_src, C6);
	assert_addr6(&P.outer_dst, D6);
	assert_addr4(&P.src, A4);
	assert_int_equal(P.dport, 22);

	n = mk_ipv6(ip, 41, C6, D6, in6, n6);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_int_equal(P.tunnel_depth, 1);
	assert_addr6(&P.outer_src, C6);
	assert_addr6(&P.src, A6);
	assert_int_equal(P.dport, 10);

	n = mk_ipv6(ip, 4, C6, D6, in4, 12);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("ipv6.ipv4_in_ipv6_too_small"));
	n = mk_ipv6(ip, 41, C6, D6, in6, 30);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("ipv6.ipv6_in_ipv6_too_small"));
}

static void test_tunnel_depth_bounded(void **state)
{
	uint8_t a[1024], b[1024], l4[64];
	uint32_t n = mk_ipv4(a, 17, A4, B4, l4, mk_udp(l4, 1, 2, NULL, 0));

	/* innermost + 5 IPIP layers, the outermost C4 -> D4 */
	for (int i = 0; i < 5; i++) {
		n = mk_ipv4(b, 4, i == 4 ? C4 : B4, i == 4 ? D4 : A4, a, n);
		memcpy(a, b, n);
	}
	assert_int_equal(decode(NJ_LINKTYPE_RAW, a, n), -1);
	assert_true(has("decoder.too_many_layers"));
	assert_int_equal(P.tunnel_depth, NJ_MAX_TUNNEL_DEPTH);
	assert_addr4(&P.outer_src, C4);

	/* one layer fewer decodes */
	assert_int_equal(decode(NJ_LINKTYPE_RAW, a + 20, n - 20), 0);
	assert_int_equal(P.tunnel_depth, 4);
	assert_int_equal(P.dport, 2);
}

static void test_more_link_events(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128], f[260];
	uint32_t n;

	/* Ethernet type 0x6558 outside GRE is not followed (no recursion) */
	memset(f, 0, sizeof(f));
	for (int i = 0; i < 10; i++)
		w16(f + 12 + 14 * i, 0x6558);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, 150), 0);
	assert_int_equal(P.ethertype, 0x6558);
	assert_int_equal(P.ip_ver, 0);

	/* VN-Tag between two VLAN tags */
	n = mk_ipv4(ip, 17, A4, B4, l4, mk_udp(l4, 1, 2, NULL, 0));
	memcpy(f, "\0\1\2\3\4\5\0\1\2\3\4\6", 12);
	w16(f + 12, 0x8100);
	w16(f + 14, 250);
	w16(f + 16, 0x8926);
	w32(f + 18, 0);
	w16(f + 22, 0x8100);
	w16(f + 24, 251);
	w16(f + 26, 0x0800);
	memcpy(f + 28, ip, n);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, 28 + n), 0);
	assert_int_equal(P.vlan_count, 2);
	assert_int_equal(P.vlan[1], 251);
	assert_int_equal(P.dport, 2);

	/* PPPoE session too short, PPP with a short IPv6 packet */
	n = mk_eth(f, 0x8864, (const uint8_t *)"\x11\x00\x00", 3);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), -1);
	assert_true(has("pppoe.pkt_too_small"));
	memcpy(f, "\xff\x03\x00\x57", 4);
	memset(f + 4, 0x60, 30);
	assert_int_equal(decode(NJ_LINKTYPE_PPP, f, 34), -1);
	assert_true(has("ppp.ip6_pkt_too_small"));
}

static void test_more_ip_events(void **state)
{
	uint8_t l4[128] = { 0 }, ip[400], in[200];
	uint32_t n;

	/* AH with a non-zero reserved field */
	{
		uint8_t ah[24] = { 17, 4, 0, 1 };

		n = v6_with(ip, 51, ah, 24, true);
		assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
		assert_true(has("ipv6.exthdr_ah_res_not_null"));
		assert_int_equal(P.dport, 2);
	}

	/* IPv4-in-IPv6 whose inner version is not 4 */
	n = mk_ipv4(in, 17, A4, B4, l4, mk_udp(l4, 1, 2, NULL, 0));
	in[0] = 0x65;
	n = mk_ipv6(ip, 4, C6, D6, in, n);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("ipv6.ipv4_in_ipv6_wrong_version"));

	/* ICMP errors quoting a header of the wrong version */
	n = mk_icmp(l4, 11, 0, 0, 0, NULL);
	memset(l4 + 8, 0x65, 28);
	n = mk_ipv4(ip, 1, A4, B4, l4, 36);
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("icmpv4.ipv4_unknown_ver"));
	mk_icmp(l4, 1, 4, 0, 0, NULL);
	memset(l4 + 8, 0x45, 48);
	n = mk_ipv6(ip, 58, A6, B6, l4, 56);
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("icmpv6.ipv6_unknown_version"));
	assert_int_equal(P.nevents, 1);

	/* ICMPv6 experimental and unassigned types */
	n = mk_ipv6(ip, 58, A6, B6, l4, mk_icmp(l4, 200, 0, 0, 0, NULL));
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("icmpv6.experimentation_type"));
	n = mk_ipv6(ip, 58, A6, B6, l4, mk_icmp(l4, 50, 0, 0, 0, NULL));
	decode(NJ_LINKTYPE_RAW, ip, n);
	assert_true(has("icmpv6.unassigned_type"));
}

static void test_tcp_over_ipv6_checksum(void **state)
{
	uint8_t l4[128] = { 0 }, ip[200], f[260];
	uint32_t n = mk_tcp(l4, 443, 50000, NJ_TH_ACK | NJ_TH_PUSH, NULL, 0, "tls");

	n = mk_eth(f, 0x86dd, ip, mk_ipv6(ip, 6, A6, B6, l4, n));
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, n), 0);
	assert_int_equal(P.sport, 443);
	assert_int_equal(P.payload_len, 3);
	assert_true(nj_decode_l4_csum_ok(&P));
	assert_true(nj_decode_ipv4_csum_ok(&P));    /* no IPv4 header */
	f[14 + 8] ^= 1;    /* the source address is in the pseudo-header */
	decode(NJ_LINKTYPE_ETHERNET, f, n);
	assert_false(nj_decode_l4_csum_ok(&P));
}

static void test_gre_more(void **state)
{
	uint8_t ip[400];
	uint32_t n;

	/* routing present: one source route entry, then the null entry */
	n = frame_gre(ip, (const uint8_t *)"\x40\x00\x08\x00" "\0\0\0\0"
				"\x00\x02\x00\x04" "\x0a\x00\x00\x09" "\x00\x00\x00\x00", 20);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_inner_tcp4(47);
	/* an entry running past the end */
	n = mk_ipv4(ip, 47, C4, D4, (const uint8_t *)"\x40\x00\x08\x00" "\0\0\0\0" "\x00\x02\x00\x40", 12);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("gre.version0_malformed_sre_hdr"));

	/* version 1 rules */
	n = mk_ipv4(ip, 47, C4, D4, (const uint8_t *)"\xa0\x01\x88\x0b\0\0\0\0\0\0\0\0", 12);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("gre.version1_chksum"));
	n = mk_ipv4(ip, 47, C4, D4, (const uint8_t *)"\x20\x01\x08\x00\0\0\0\0", 8);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("gre.version1_wrong_protocol"));
	n = mk_ipv4(ip, 47, C4, D4, (const uint8_t *)"\x30\x81\x88\x0b\0\0\0\0\0\0\0\1", 12);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("gre.version1_hdr_too_big"));
	/* an acknowledgment without payload is fine */
	n = mk_ipv4(ip, 47, C4, D4, (const uint8_t *)"\x20\x81\x88\x0b\0\0\0\0\0\0\0\1", 12);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_int_equal(P.nevents, 0);
	assert_false(P.flags & NJ_PKT_TUNNEL);
}

static void test_mpls(void **state)
{
	uint8_t l4[64] = { 0 }, ip[128], m[200], f[260];
	uint32_t n = mk_ipv4(ip, 17, A4, B4, l4, mk_udp(l4, 1, 2, NULL, 0));
	uint32_t e;

	/* two labels, IPv4 found by its version nibble */
	w32(m, (100u << 12) | 64);
	w32(m + 4, (200u << 12) | 0x100 | 64);
	memcpy(m + 8, ip, n);
	e = mk_eth(f, 0x8847, m, 8 + n);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, e), 0);
	assert_int_equal(P.ip_ver, 4);
	assert_int_equal(P.dport, 2);
	assert_int_equal(P.nevents, 0);

	/* implicit null on the wire, reserved label */
	w32(m, (3u << 12) | 64);
	w32(m + 4, (5u << 12) | 0x100 | 64);
	e = mk_eth(f, 0x8847, m, 8 + n);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, e), 0);
	assert_true(has("mpls.bad_label_implicit_null"));
	assert_true(has("mpls.bad_label_reserved"));

	/* no bottom of stack */
	w32(m + 4, (200u << 12) | 64);
	e = mk_eth(f, 0x8847, m, 8);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, e), -1);
	assert_true(has("mpls.header_too_small"));

	/* nothing after the stack, then an unknown payload */
	w32(m + 4, (200u << 12) | 0x100 | 64);
	e = mk_eth(f, 0x8847, m, 8);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, e), -1);
	assert_true(has("mpls.pkt_too_small"));
	m[8] = 0x95;
	e = mk_eth(f, 0x8847, m, 8 + n);
	assert_int_equal(decode(NJ_LINKTYPE_ETHERNET, f, e), -1);
	assert_true(has("mpls.unknown_payload_type"));
}

static void test_erspan(void **state)
{
	uint8_t l4[128] = { 0 }, inner[200], eth[260], g[300], ip[400];
	uint32_t n = mk_ipv4(inner, 6, A4, B4, l4, mk_tcp(l4, 1111, 22, NJ_TH_SYN, NULL, 0, "x"));
	uint32_t e = mk_eth(eth, 0x0800, inner, n);

	/* type II: GRE with S, ERSPAN version 1 header */
	memcpy(g, "\x10\x00\x88\xbe\x00\x00\x00\x01" "\x10\x0a\x00\x01\x00\x00\x00\x00", 16);
	memcpy(g + 16, eth, e);
	n = mk_ipv4(ip, 47, C4, D4, g, 16 + e);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_inner_tcp4(47);

	/* type I: no ERSPAN header */
	memcpy(g, "\x00\x00\x88\xbe", 4);
	memcpy(g + 4, eth, e);
	n = mk_ipv4(ip, 47, C4, D4, g, 4 + e);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), 0);
	assert_inner_tcp4(47);

	memcpy(g, "\x10\x00\x88\xbe\x00\x00\x00\x01" "\x20\x0a\x00\x01\x00\x00\x00\x00", 16);
	memcpy(g + 16, eth, e);
	n = mk_ipv4(ip, 47, C4, D4, g, 16 + e);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("erspan.unsupported_version"));
	n = mk_ipv4(ip, 47, C4, D4, g, 12);
	assert_int_equal(decode(NJ_LINKTYPE_RAW, ip, n), -1);
	assert_true(has("erspan.header_too_small"));
}

static void test_reset_on_reuse(void **state)
{
	uint8_t f[600];
	uint32_t n = frame_tcp4(f, "hello");
	uint8_t bad[10] = { 0 };

	decode(NJ_LINKTYPE_ETHERNET, f, n);
	P.flags |= NJ_PKT_FLOW_ESTABLISHED;
	P.pcap_cnt = 42;
	P.iface = "eth0";
	P.data = bad;
	P.caplen = sizeof(bad);
	assert_int_equal(nj_decode_packet(&P), -1);
	assert_int_equal(P.pcap_cnt, 42);
	assert_string_equal(P.iface, "eth0");
	assert_int_equal(P.linktype, NJ_LINKTYPE_ETHERNET);
	assert_int_equal(P.ip_ver, 0);
	assert_int_equal(P.sport, 0);
	assert_null(P.payload);
	assert_int_equal(P.flags, 0);
	assert_int_equal(P.nevents, 1);
	assert_true(has("ethernet.pkt_too_small"));
}

static void test_decode_ip_entry(void **state)
{
	uint8_t f[600];
	uint32_t n = frame_tcp4(f, "hello");

	decode(NJ_LINKTYPE_ETHERNET, f, n);
	P.flags |= NJ_PKT_REASSEMBLED;
	assert_int_equal(nj_decode_ip(&P, f + 14, n - 14), 0);
	assert_true(P.flags & NJ_PKT_REASSEMBLED);
	assert_int_equal(P.dport, 80);
	assert_int_equal(P.payload_len, 5);
	assert_int_equal(nj_decode_ip(&P, f, 0), -1);
}

static void test_events_api(void **state)
{
	uint64_t before = nj_counter_get_by_name("decoder.event.ipv4.trunc_pkt");
	int ev = nj_decode_event_lookup("ipv4.trunc_pkt");

	assert_int_equal(ev, NJ_DEV_IPV4_TRUNC_PKT);
	assert_int_equal(nj_decode_event_lookup("decoder.ipv4.trunc_pkt"), ev);
	assert_int_equal(nj_decode_event_lookup("ipv4.nope"), -1);
	assert_int_equal(nj_decode_event_lookup(NULL), -1);
	assert_string_equal(nj_decode_event_name(ev), "ipv4.trunc_pkt");
	assert_null(nj_decode_event_name(0));
	assert_null(nj_decode_event_name(NJ_DEV__COUNT));

	memset(&P, 0, sizeof(P));
	nj_decode_event_add(&P, NJ_DEV_IPV4_TRUNC_PKT);
	nj_decode_event_add(&P, NJ_DEV_IPV4_TRUNC_PKT);
	assert_int_equal(P.nevents, 1);
	assert_int_equal(nj_counter_get_by_name("decoder.event.ipv4.trunc_pkt"), before + 1);
	for (int i = 1; i < NJ_DEV__COUNT; i++)
		nj_decode_event_add(&P, (enum nj_decode_event)i);
	assert_int_equal(P.nevents, NJ_MAX_PKT_EVENTS);
	/* every event has a distinct name that looks itself up */
	for (int i = 1; i < NJ_DEV__COUNT; i++)
		assert_int_equal(nj_decode_event_lookup(nj_decode_event_name(i)), i);
}

static void test_stage_and_counters(void **state)
{
	struct nj_worker w;
	struct nj_event ev = { .kind = NJ_EV_PACKET };
	uint8_t f[600], g[600];
	uint32_t n = frame_tcp4(f, "hello");
	uint64_t pkts = nj_counter_get_by_name("decoder.pkts");
	uint64_t bytes = nj_counter_get_by_name("decoder.bytes");
	uint64_t tcp = nj_counter_get_by_name("decoder.tcp");
	uint64_t eth = nj_counter_get_by_name("decoder.ethernet");
	uint64_t bad = nj_counter_get_by_name("checksum.invalid");
	uint64_t inval = nj_counter_get_by_name("decoder.invalid");

	nj_bus_reset();
	assert_int_equal(nj_decode_stage_register(), 0);
	assert_int_equal(nj_worker_init(&w, 0, true), 0);

	memset(&P, 0, sizeof(P));
	P.data = f;
	P.caplen = P.wirelen = n;
	P.linktype = NJ_LINKTYPE_ETHERNET;
	ev.pkt = &P;
	nj_decode_set_checksum_validation(false);
	nj_bus_dispatch(&w, &ev);
	assert_int_equal(P.dport, 80);
	assert_int_equal(nj_counter_get_by_name("decoder.pkts"), pkts + 1);
	assert_int_equal(nj_counter_get_by_name("decoder.bytes"), bytes + n);
	assert_int_equal(nj_counter_get_by_name("decoder.tcp"), tcp + 1);
	assert_int_equal(nj_counter_get_by_name("decoder.ethernet"), eth + 1);

	/* a corrupted TCP checksum is flagged only when validation is on */
	memcpy(g, f, n);
	g[n - 1] ^= 1;
	P.data = g;
	nj_bus_dispatch(&w, &ev);
	assert_false(P.flags & NJ_PKT_L4_CSUM_BAD);
	nj_decode_set_checksum_validation(true);
	nj_bus_dispatch(&w, &ev);
	assert_true(P.flags & NJ_PKT_L4_CSUM_BAD);
	assert_false(P.flags & NJ_PKT_IPV4_CSUM_BAD);
	assert_int_equal(P.dport, 80);      /* still decoded */
	assert_int_equal(nj_counter_get_by_name("checksum.invalid"), bad + 1);
	g[14 + 11] ^= 1;
	nj_bus_dispatch(&w, &ev);
	assert_true(P.flags & NJ_PKT_IPV4_CSUM_BAD);
	P.data = f;
	nj_bus_dispatch(&w, &ev);
	assert_false(P.flags & (NJ_PKT_L4_CSUM_BAD | NJ_PKT_IPV4_CSUM_BAD));
	assert_int_equal(nj_counter_get_by_name("checksum.invalid"), bad + 2);
	nj_decode_set_checksum_validation(false);

	/* a malformed packet counts as invalid */
	P.caplen = 10;
	nj_bus_dispatch(&w, &ev);
	assert_int_equal(nj_counter_get_by_name("decoder.invalid"), inval + 1);

	nj_worker_fini(&w);
	nj_bus_reset();
}

static int setup(void **state)
{
	nj_decode_init();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet_ipv4_tcp),
		cmocka_unit_test(test_tcp_without_options),
		cmocka_unit_test(test_checksums),
		cmocka_unit_test(test_udp_checksums),
		cmocka_unit_test(test_ethernet_padding_trimmed),
		cmocka_unit_test(test_ethernet_too_small),
		cmocka_unit_test(test_unknown_linktype),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_vlan_too_many_layers),
		cmocka_unit_test(test_sll_sll2),
		cmocka_unit_test(test_null_loop),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_ppp),
		cmocka_unit_test(test_pppoe),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv4_malformed),
		cmocka_unit_test(test_ipv4_tso_zero_length),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv4_icmpv6_mismatch),
		cmocka_unit_test(test_ipv6_exthdrs),
		cmocka_unit_test(test_ipv6_malformed),
		cmocka_unit_test(test_tcp_malformed),
		cmocka_unit_test(test_udp_malformed),
		cmocka_unit_test(test_icmpv4),
		cmocka_unit_test(test_icmpv6),
		cmocka_unit_test(test_gre),
		cmocka_unit_test(test_gre_aruba),
		cmocka_unit_test(test_gre_ethernet_and_pptp),
		cmocka_unit_test(test_vxlan),
		cmocka_unit_test(test_geneve),
		cmocka_unit_test(test_gtp),
		cmocka_unit_test(test_ayiya),
		cmocka_unit_test(test_ip_in_ip),
		cmocka_unit_test(test_tunnel_depth_bounded),
		cmocka_unit_test(test_more_link_events),
		cmocka_unit_test(test_more_ip_events),
		cmocka_unit_test(test_tcp_over_ipv6_checksum),
		cmocka_unit_test(test_gre_more),
		cmocka_unit_test(test_mpls),
		cmocka_unit_test(test_erspan),
		cmocka_unit_test(test_reset_on_reuse),
		cmocka_unit_test(test_decode_ip_entry),
		cmocka_unit_test(test_events_api),
		cmocka_unit_test(test_stage_and_counters),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
