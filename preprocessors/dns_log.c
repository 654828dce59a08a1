/* DNS names for types and rcodes, and the EVE "dns" object in Suricata's
 * version 3 layout (queries/answers/authorities arrays). */
#include <stdio.h>

#include "core/json.h"
#include "preprocessors/app.h"
#include "preprocessors/dns.h"

struct code_name {
	uint16_t code;
	const char *name;
};

static const struct code_name rrtypes[] = {
	{ 1, "A" }, { 2, "NS" }, { 3, "MD" }, { 4, "MF" }, { 5, "CNAME" },
	{ 6, "SOA" }, { 7, "MB" }, { 8, "MG" }, { 9, "MR" }, { 10, "NULL" },
	{ 11, "WKS" }, { 12, "PTR" }, { 13, "HINFO" }, { 14, "MINFO" },
	{ 15, "MX" }, { 16, "TXT" }, { 17, "RP" }, { 18, "AFSDB" }, { 19, "X25" },
	{ 20, "ISDN" }, { 21, "RT" }, { 22, "NSAP" }, { 23, "NSAPPTR" },
	{ 24, "SIG" }, { 25, "KEY" }, { 26, "PX" }, { 27, "GPOS" }, { 28, "AAAA" },
	{ 29, "LOC" }, { 30, "NXT" }, { 33, "SRV" }, { 34, "ATMA" },
	{ 35, "NAPTR" }, { 36, "KX" }, { 37, "CERT" }, { 38, "A6" },
	{ 39, "DNAME" }, { 41, "OPT" }, { 42, "APL" }, { 43, "DS" },
	{ 44, "SSHFP" }, { 45, "IPSECKEY" }, { 46, "RRSIG" }, { 47, "NSEC" },
	{ 48, "DNSKEY" }, { 49, "DHCID" }, { 50, "NSEC3" }, { 51, "NSEC3PARAM" },
	{ 52, "TLSA" }, { 55, "HIP" }, { 59, "CDS" }, { 60, "CDNSKEY" },
	{ 64, "SVCB" }, { 65, "HTTPS" }, { 99, "SPF" }, { 249, "TKEY" },
	{ 250, "TSIG" }, { 251, "IXFR" }, { 252, "AXFR" }, { 255, "ANY" },
	{ 256, "URI" }, { 257, "CAA" },
};

static const char *const rcodes[] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
};

const char *nj_dns_rrtype_name(uint16_t type)
{
	for (size_t i = 0; i < sizeof(rrtypes) / sizeof(rrtypes[0]); i++)
		if (rrtypes[i].code == type)
			return rrtypes[i].name;
	return NULL;
}

const char *nj_dns_rcode_name(uint8_t rcode)
{
	return rcode < sizeof(rcodes) / sizeof(rcodes[0]) ? rcodes[rcode] : NULL;
}

static void json_type(struct nj_json *j, const char *key, uint16_t type)
{
	char num[8];
	const char *n = nj_dns_rrtype_name(type);

	if (!n) {
		snprintf(num, sizeof(num), "%u", type);
		n = num;
	}
	nj_json_str(j, key, n);
}

static void json_arena(struct nj_json *j, const char *key, const struct nj_dns_msg *m,
		       uint32_t off, uint32_t len)
{
	nj_json_strn(j, key, m->arena + off, len);
}

static void json_rrs(struct nj_json *j, const char *key, const struct nj_dns_msg *m,
		     const struct nj_dns_rr *rrs, uint16_t n)
{
	if (n == 0)
		return;
	nj_json_array_open(j, key);
	for (uint16_t i = 0; i < n; i++) {
		const struct nj_dns_rr *rr = &rrs[i];
		nj_json_object_open(j, NULL);
		json_arena(j, "rrname", m, rr->name_off, rr->name_len);
		if (rr->name_truncated)
			nj_json_bool(j, "rrname_truncated", true);
		json_type(j, "rrtype", rr->type);
		nj_json_uint(j, "ttl", rr->ttl);
		if (rr->has_rdata && rr->type == 6) {
			nj_json_object_open(j, "soa");
			json_arena(j, "mname", m, rr->rdata_off, rr->rdata_len);
			json_arena(j, "rname", m, rr->rname_off, rr->rname_len);
			nj_json_uint(j, "serial", rr->soa_serial);
			nj_json_uint(j, "refresh", rr->soa_refresh);
			nj_json_uint(j, "retry", rr->soa_retry);
			nj_json_uint(j, "expire", rr->soa_expire);
			nj_json_uint(j, "minimum", rr->soa_minimum);
			nj_json_object_close(j);
		} else if (rr->has_rdata && rr->type == 33 && rrs != m->ns) {
			nj_json_object_open(j, "srv");
			json_arena(j, "name", m, rr->rdata_off, rr->rdata_len);
			nj_json_uint(j, "port", rr->srv_port);
			nj_json_uint(j, "priority", rr->srv_prio);
			nj_json_uint(j, "weight", rr->srv_weight);
			nj_json_object_close(j);
		} else if (rr->has_rdata) {
			json_arena(j, "rdata", m, rr->rdata_off, rr->rdata_len);
		}
		nj_json_object_close(j);
	}
	nj_json_array_close(j);
}

void nj_dns_log_json(const struct nj_app_tx *tx, void *json_writer)
{
	const struct nj_dns_msg *m = nj_dns_tx_msg(tx);
	struct nj_json *j = json_writer;
	char flags[8];
	const char *rc;

	if (!m)
		return;
	nj_json_object_open(j, "dns");
	nj_json_int(j, "version", 3);
	nj_json_str(j, "type", m->response ? "response" : "request");
	nj_json_uint(j, "tx_id", tx->id);
	nj_json_uint(j, "id", m->id);
	snprintf(flags, sizeof(flags), "%04x", m->flags);
	nj_json_str(j, "flags", flags);
	if (m->response)
		nj_json_bool(j, "qr", true);
	if (m->flags & 0x0400)
		nj_json_bool(j, "aa", true);
	if (m->flags & 0x0200)
		nj_json_bool(j, "tc", true);
	if (m->flags & 0x0100)
		nj_json_bool(j, "rd", true);
	if (m->flags & 0x0080)
		nj_json_bool(j, "ra", true);
	if (m->flags & 0x0040)
		nj_json_bool(j, "z", true);
	nj_json_uint(j, "opcode", m->opcode);
	if (m->response) {
		char num[8];
		rc = nj_dns_rcode_name(m->rcode);
		if (!rc) {
			snprintf(num, sizeof(num), "%u", m->rcode);
			rc = num;
		}
		nj_json_str(j, "rcode", rc);
	}
	if (m->nq) {
		nj_json_array_open(j, "queries");
		for (uint16_t i = 0; i < m->nq; i++) {
			nj_json_object_open(j, NULL);
			json_arena(j, "rrname", m, m->q[i].name_off, m->q[i].name_len);
			if (m->q[i].name_truncated)
				nj_json_bool(j, "rrname_truncated", true);
			json_type(j, "rrtype", m->q[i].type);
			nj_json_object_close(j);
		}
		nj_json_array_close(j);
	}
	json_rrs(j, "answers", m, m->an, m->nan);
	json_rrs(j, "authorities", m, m->ns, m->nns);
	nj_json_object_close(j);
}
