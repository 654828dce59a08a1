/* DNS message parser (RFC 1035, RFC 3596, RFC 2782) over UDP (one message
 * per datagram) and TCP (two-byte length prefix, RFC 1035 4.2.2). Each
 * message is one transaction, complete as soon as it is parsed.
 */
#ifndef NJ_PREPROC_DNS_H
#define NJ_PREPROC_DNS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buffer.h"

struct nj_app_tx;

#define NJ_DNS_MAX_NAME 1025    /* longer names are cut and flagged */
#define NJ_DNS_MAX_RRS 64       /* records kept per section */

/* A resource record or question; strings are offsets into the tx arena. */
struct nj_dns_rr {
	uint32_t name_off, name_len;
	uint16_t type, rclass;
	uint32_t ttl;
	uint32_t rdata_off, rdata_len;  /* printable rdata; 0 len when none */
	bool has_rdata;
	bool name_truncated;
	/* SOA and SRV fields, when type says so */
	uint32_t soa_serial, soa_refresh, soa_retry, soa_expire, soa_minimum;
	uint32_t rname_off, rname_len;  /* SOA rname */
	uint16_t srv_prio, srv_weight, srv_port;
};

/* A parsed message. Owned by its parser state (or by the caller of
 * nj_dns_parse(), who frees it with nj_dns_msg_free()). */
struct nj_dns_msg {
	uint16_t id, flags;
	uint8_t opcode, rcode;
	bool response;
	struct nj_dns_rr *q, *an, *ns;
	uint16_t nq, nan, nns;
	uint8_t *arena;                 /* names and rdata strings */
	uint32_t arena_len, arena_cap;
	uint64_t events;                /* bits of enum nj_dns_event */
};

/* Parses one DNS message msg[0..len) into out (zeroed first). Returns 0,
 * -EINVAL when the header is unusable (out still freed-able), -ENOMEM.
 * Damage after the header (bad names, short records, pointer loops) is
 * recorded in out->events and parsing keeps what it read. */
int nj_dns_parse(const uint8_t *msg, uint32_t len, struct nj_dns_msg *out);
void nj_dns_msg_free(struct nj_dns_msg *m);

struct nj_dns_state;

/* tcp selects the two-byte length framing. NULL on allocation failure. */
struct nj_dns_state *nj_dns_new(bool tcp);
void nj_dns_free(struct nj_dns_state *s);
/* UDP: data is one datagram. TCP: any segmentation of the stream. Returns
 * 0, -EINVAL (not DNS: nothing parsed), -ENOMEM. */
int nj_dns_feed(struct nj_dns_state *s, int dir, const uint8_t *data, uint32_t len);
void nj_dns_begin(struct nj_dns_state *s);
/* TCP bytes of direction dir were lost: the length framing cannot be
 * recovered, the direction is no longer parsed. */
void nj_dns_gap(struct nj_dns_state *s, int dir);
uint16_t nj_dns_updated(struct nj_dns_state *s, struct nj_app_tx ***txs);

/* The parsed message behind a DNS transaction (NULL for other txs). */
const struct nj_dns_msg *nj_dns_tx_msg(const struct nj_app_tx *tx);
/* For dns.opcode: the opcode, or -1 when tx is not DNS. */
int nj_dns_tx_opcode(const struct nj_app_tx *tx);
/* For dns.rrtype: the type of question idx, or -1 past the last. */
int nj_dns_tx_rrtype(const struct nj_app_tx *tx, uint32_t idx);
/* For dns.rcode: the response code, or -1 for a query. */
int nj_dns_tx_rcode(const struct nj_app_tx *tx);

/* Writes the EVE "dns" object (Suricata's version 3 layout). */
void nj_dns_log_json(const struct nj_app_tx *tx, void *json_writer);

/* Mnemonic of a record type ("A", "AAAA"); NULL when unknown. */
const char *nj_dns_rrtype_name(uint16_t type);
/* Mnemonic of an rcode ("NXDOMAIN"); NULL when unknown. */
const char *nj_dns_rcode_name(uint8_t rcode);

enum nj_dns_event {
	NJ_DNS_EV_MALFORMED_DATA,
	NJ_DNS_EV_NOT_A_REQUEST,
	NJ_DNS_EV_NOT_A_RESPONSE,
	NJ_DNS_EV_Z_FLAG_SET,
	NJ_DNS_EV_INFINITE_LOOP,
	NJ_DNS_EV_NAME_TOO_LONG,
	NJ_DNS_EV_INVALID_OPCODE,
	NJ_DNS_EV_INVALID_ADDITIONALS,
	NJ_DNS_EV_INVALID_AUTHORITIES,
	NJ_DNS_EV__COUNT
};
extern const char *const nj_dns_event_names[NJ_DNS_EV__COUNT];

#endif
