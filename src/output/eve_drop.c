/* EVE drop records: one per packet the simulated IPS dropped, with the
 * header fields Suricata's drop log writes (event_type "drop"). */
#include <errno.h>

#include "core/alert.h"
#include "core/bytes.h"
#include "core/flow.h"
#include "core/packet.h"
#include "core/verdict.h"
#include "output/eve.h"
#include "output/eve_int.h"

static void put_ip(struct nj_json *j, const struct nj_packet *p)
{
	if (p->ip_ver == 4 && p->l3_len >= 20) {
		nj_json_uint(j, "len", nj_be16(p->l3 + 2));
		nj_json_uint(j, "tos", p->tos);
		nj_json_uint(j, "ttl", p->ttl);
		nj_json_uint(j, "ipid", p->ip_id);
	} else if (p->ip_ver == 6 && p->l3_len >= 40) {
		nj_json_uint(j, "len", nj_be16(p->l3 + 4));
		nj_json_uint(j, "tc", p->tos);
		nj_json_uint(j, "hoplimit", p->ttl);
		nj_json_uint(j, "flowlbl", nj_be32(p->l3) & 0xfffff);
	}
}

static void put_tcp(struct nj_json *j, const struct nj_packet *p)
{
	uint8_t fl = p->tcp.flags;

	nj_json_uint(j, "tcpseq", p->tcp.seq);
	nj_json_uint(j, "tcpack", p->tcp.ack);
	nj_json_uint(j, "tcpwin", p->tcp.win);
	nj_json_bool(j, "syn", fl & NJ_TH_SYN);
	nj_json_bool(j, "ack", fl & NJ_TH_ACK);
	nj_json_bool(j, "psh", fl & NJ_TH_PUSH);
	nj_json_bool(j, "rst", fl & NJ_TH_RST);
	nj_json_bool(j, "urg", fl & NJ_TH_URG);
	nj_json_bool(j, "fin", fl & NJ_TH_FIN);
	nj_json_uint(j, "tcpres", p->l4[12] & 0x0f);
	nj_json_uint(j, "tcpurgp", p->tcp.urp);
}

/* The transport fields, when the packet has its header complete. */
static void put_l4(struct nj_json *j, const struct nj_packet *p)
{
	if (!p->l4 || (p->flags & NJ_PKT_IS_FRAGMENT))
		return;
	if (p->proto == 6 && p->l4_len >= 20) {
		put_tcp(j, p);
	} else if (p->proto == 17 && p->l4_len >= 8) {
		nj_json_uint(j, "udplen", nj_be16(p->l4 + 4));
	} else if ((p->proto == 1 || p->proto == 58) && p->l4_len >= 8) {
		nj_json_uint(j, "icmp_id", p->icmp.id);
		nj_json_uint(j, "icmp_seq", p->icmp.seq);
	}
}

int nj_eve_format_drop(const struct nj_eve_opts *o, struct nj_json *j, const struct nj_packet *p)
{
	nj_json_reset(j);
	nj_eve_packet_header(o, j, p, p->flow, &p->ts, "drop");
	nj_json_object_open(j, "drop");
	put_ip(j, p);
	put_l4(j, p);
	nj_json_str(j, "reason", nj_drop_reason_name(p->drop_reason));
	nj_json_object_close(j);
	if (o->drop_alerts && p->drop_rule) {
		struct nj_alert a = { .rule = p->drop_rule, .ts = p->ts, .p = p, .flow = p->flow,
				      .blocked = true };
		nj_eve_put_alert(o, j, &a);
	}
	nj_json_object_close(j);
	return j->oom || j->depth != 0 ? -ENOMEM : 0;
}

/* With `flows: start`, a dropped flow is logged once per direction; a
 * packet a rule dropped is always logged. */
static bool wanted(const struct nj_eve_opts *o, const struct nj_packet *p)
{
	struct nj_flow *f = p->flow;
	uint8_t bit = (uint8_t)(1u << p->dir);
	bool want;

	if (p->flags & NJ_PKT_PSEUDO)
		return false;
	if (!f)
		return true;
	want = o->drop_flows_all || p->drop_reason == NJ_DROP_RULES || !(f->drop_logged & bit);
	f->drop_logged |= bit;
	return want;
}

void nj_eve_write_drop(struct nj_eve *e, const struct nj_packet *p)
{
	struct nj_json *j = nj_eve_thread_json();

	if (e && j && e->opts.drop && wanted(&e->opts, p))
		nj_eve_emit(e, j, nj_eve_format_drop(&e->opts, j, p));
}
