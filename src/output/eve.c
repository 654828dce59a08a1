/* EVE JSON records (alert, flow, stats, anomaly) in Suricata's format. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alert.h"
#include "core/buffer.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/flow.h"
#include "core/packet.h"
#include "core/process.h"
#include "core/socklink.h"
#include "core/syscall.h"
#include "core/syscall_json.h"
#include "decode/event_list.h"
#include "output/community_id.h"
#include "output/eve.h"
#include "output/hold.h"
#include "output/eve_int.h"

/* Decoder event names by enum nj_decode_event value (0 is "none"). Built
 * from the shared list so that outputs need not link the decoders. */

/* Names of the linktypes nightjar reads, as EVE's packet_info gives them. */
static const char *linktype_name(int linktype)
{
	switch (linktype) {
	case 0: return "NULL";
	case 1: return "EN10MB";
	case 9: return "PPP";
	case 12: case 14: case 101: return "RAW";
	case 108: return "LOOP";
	case 113: return "LINUX_SLL";
	case 228: return "IPv4";
	case 229: return "IPv6";
	case 276: return "LINUX_SLL2";
	}
	return NULL;
}

static const char *const decode_event_names[] = {
	NULL,
#define NJ_EVE_DEV_NAME(id, name) name,
	NJ_DECODE_EVENTS(NJ_EVE_DEV_NAME)
#undef NJ_EVE_DEV_NAME
};

const char *nj_eve_proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case 1:
		return "ICMP";
	case 2:
		return "IGMP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 47:
		return "GRE";
	case 50:
		return "ESP";
	case 51:
		return "AH";
	case 58:
		return "IPv6-ICMP";
	case 103:
		return "PIM";
	case 112:
		return "VRRP";
	case 132:
		return "SCTP";
	default:
		snprintf(buf, len, "%u", (unsigned)proto);
		return buf;
	}
}

const char *nj_eve_addr_str(const struct nj_addr *a, char *buf, size_t len)
{
	if (a->family != 6)
		return nj_addr_str(a, buf, len);
	snprintf(buf, len, "%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x",
		 a->b[0], a->b[1], a->b[2], a->b[3], a->b[4], a->b[5], a->b[6], a->b[7],
		 a->b[8], a->b[9], a->b[10], a->b[11], a->b[12], a->b[13], a->b[14], a->b[15]);
	return buf;
}

void nj_eve_timestamp(const struct timeval *tv, char *buf, size_t len)
{
	struct tm tm;
	time_t t = tv->tv_sec;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld+0000", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (long)tv->tv_usec % 1000000);
}

static void put_time(struct nj_json *j, const char *key, const struct timeval *tv)
{
	char ts[40];

	nj_eve_timestamp(tv, ts, sizeof(ts));
	nj_json_str(j, key, ts);
}

static void put_addr(struct nj_json *j, const char *key, const struct nj_addr *a)
{
	char b[48];

	nj_json_str(j, key, nj_eve_addr_str(a, b, sizeof(b)));
}

static bool proto_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

static bool proto_is_icmp(uint8_t proto)
{
	return proto == 1 || proto == 58;
}

/* The 5-tuple fields: ports for TCP/UDP/SCTP, type/code for ICMP. */
static void put_tuple(struct nj_json *j, const struct nj_addr *src, uint16_t sp,
		      const struct nj_addr *dst, uint16_t dp, uint8_t proto)
{
	char pb[8];

	put_addr(j, "src_ip", src);
	if (proto_has_ports(proto))
		nj_json_uint(j, "src_port", sp);
	put_addr(j, "dest_ip", dst);
	if (proto_has_ports(proto))
		nj_json_uint(j, "dest_port", dp);
	nj_json_str(j, "proto", nj_eve_proto_name(proto, pb, sizeof(pb)));
	if (proto_is_icmp(proto)) {
		nj_json_uint(j, "icmp_type", sp);
		nj_json_uint(j, "icmp_code", dp);
	}
}

static void put_vlan(struct nj_json *j, const uint16_t *vlan, unsigned n)
{
	unsigned used = 0;

	for (unsigned i = 0; i < n; i++)
		used += vlan[i] != 0;
	if (!used)
		return;
	nj_json_array_open(j, "vlan");
	for (unsigned i = 0; i < n; i++)
		if (vlan[i])
			nj_json_uint(j, NULL, vlan[i]);
	nj_json_array_close(j);
}

static void put_community_id(const struct nj_eve_opts *o, struct nj_json *j,
			     const struct nj_addr *src, uint16_t sp, const struct nj_addr *dst,
			     uint16_t dp, uint8_t proto)
{
	char id[NJ_COMMUNITY_ID_LEN];

	if (!o->community_id)
		return;
	if (nj_community_id(o->community_id_seed, src, dst, sp, dp, proto, id, sizeof(id)) == 0)
		nj_json_str(j, "community_id", id);
}

/* Ports as the 5-tuple helpers want them: ICMP type/code in the port slots. */
static void packet_ports(const struct nj_packet *p, uint16_t *sp, uint16_t *dp)
{
	if (proto_is_icmp(p->proto)) {
		*sp = p->icmp.type;
		*dp = p->icmp.code;
	} else {
		*sp = p->sport;
		*dp = p->dport;
	}
}

/* timestamp, flow_id, in_iface, event_type, vlan, 5-tuple, pcap_cnt,
 * community_id: the fields every packet-borne record starts with. */
/* Opens a record: the fields every packet-borne event starts with. */
static void record_start(struct nj_json *j, const struct nj_packet *p, const struct nj_flow *f,
			 const struct timeval *ts, const char *event_type)
{
	nj_json_object_open(j, NULL);
	put_time(j, "timestamp", ts);
	if (f)
		nj_json_uint(j, "flow_id", f->flow_id);
	if (p->pcap_cnt)
		nj_json_uint(j, "pcap_cnt", p->pcap_cnt);
	if (p->iface)
		nj_json_str(j, "in_iface", p->iface);
	nj_json_str(j, "event_type", event_type);
	put_vlan(j, p->vlan, p->vlan_count < NJ_MAX_VLAN ? p->vlan_count : NJ_MAX_VLAN);
}

void nj_eve_packet_header(const struct nj_eve_opts *o, struct nj_json *j,
			  const struct nj_packet *p, const struct nj_flow *f,
			  const struct timeval *ts, const char *event_type)
{
	uint16_t sp, dp;

	packet_ports(p, &sp, &dp);
	record_start(j, p, f, ts, event_type);
	if (p->ip_ver == 4 || p->ip_ver == 6) {
		put_tuple(j, &p->src, sp, &p->dst, dp, p->proto);
		put_community_id(o, j, &p->src, sp, &p->dst, dp, p->proto);
	}
}

static void put_metadata(struct nj_json *j, const struct nj_rule_info *r)
{
	if (!r->metadata || r->nmetadata == 0)
		return;
	nj_json_object_open(j, "metadata");
	for (uint32_t i = 0; i < r->nmetadata; i++) {
		const char *key = r->metadata[i].key;
		bool seen = false;

		if (!key)
			continue;
		for (uint32_t k = 0; k < i && !seen; k++)
			seen = r->metadata[k].key && strcmp(r->metadata[k].key, key) == 0;
		if (seen)
			continue;
		nj_json_array_open(j, key);
		for (uint32_t k = i; k < r->nmetadata; k++)
			if (r->metadata[k].key && strcmp(r->metadata[k].key, key) == 0)
				nj_json_str(j, NULL, r->metadata[k].value ? r->metadata[k].value : "");
		nj_json_array_close(j);
	}
	nj_json_object_close(j);
}

static void put_endpoint(struct nj_json *j, const char *key, const struct nj_addr *a,
			 uint16_t port, uint8_t proto)
{
	nj_json_object_open(j, key);
	put_addr(j, "ip", a);
	if (proto_has_ports(proto))
		nj_json_uint(j, "port", port);
	nj_json_object_close(j);
}

/* Rules with `target:` name the attacked side: alert.source is the other
 * end, alert.target the named one. */
static void put_source_target(struct nj_json *j, const struct nj_rule_info *r,
			      const struct nj_packet *p)
{
	bool dest_is_target;

	if (!r->target || !p || !p->ip_ver)
		return;
	if (!strcmp(r->target, "dest_ip"))
		dest_is_target = true;
	else if (!strcmp(r->target, "src_ip"))
		dest_is_target = false;
	else
		return;
	if (dest_is_target) {
		put_endpoint(j, "source", &p->src, p->sport, p->proto);
		put_endpoint(j, "target", &p->dst, p->dport, p->proto);
	} else {
		put_endpoint(j, "source", &p->dst, p->dport, p->proto);
		put_endpoint(j, "target", &p->src, p->sport, p->proto);
	}
}

void nj_eve_put_alert(const struct nj_eve_opts *o, struct nj_json *j, const struct nj_alert *a)
{
	const struct nj_rule_info *r = a->rule;

	nj_json_object_open(j, "alert");
	nj_json_str(j, "action", a->blocked ? "blocked" : "allowed");
	nj_json_uint(j, "gid", r->gid);
	nj_json_uint(j, "signature_id", r->sid);
	nj_json_uint(j, "rev", r->rev);
	nj_json_str(j, "signature", r->msg ? r->msg : "");
	nj_json_str(j, "category", r->class_desc ? r->class_desc : "");
	nj_json_int(j, "severity", r->priority);
	put_source_target(j, r, a->p);
	if (o->metadata)
		put_metadata(j, r);
	if (o->rule && r->text)
		nj_json_str(j, "rule", r->text);
	nj_json_object_close(j);
}

/* The flow summary of an alert, oriented as the flow (client first). */
static void put_flow_summary(struct nj_json *j, const struct nj_flow *f)
{
	nj_json_object_open(j, "flow");
	nj_json_uint(j, "pkts_toserver", f->pkts_ts);
	nj_json_uint(j, "pkts_toclient", f->pkts_tc);
	nj_json_uint(j, "bytes_toserver", f->bytes_ts);
	nj_json_uint(j, "bytes_toclient", f->bytes_tc);
	put_time(j, "start", &f->start);
	put_addr(j, "src_ip", &f->client);
	put_addr(j, "dest_ip", &f->server);
	if (proto_has_ports(f->proto)) {
		nj_json_uint(j, "src_port", f->cport);
		nj_json_uint(j, "dest_port", f->sport);
	}
	nj_json_object_close(j);
}

static void put_app_proto(struct nj_json *j, const struct nj_flow *f)
{
	const char *name = f ? nj_app_proto_name(f->app_proto) : NULL;

	if (name && name[0])
		nj_json_str(j, "app_proto", name);
}

/* Printable bytes as they are, anything else as '.', like Suricata. */
static void put_printable(struct nj_json *j, const char *key, const uint8_t *s, uint32_t n)
{
	uint8_t tmp[256];
	uint32_t used = 0;

	nj_json_strn(j, key, NULL, 0);
	/* reopen the string: drop the closing quote and append in chunks */
	if (j->oom)
		return;
	j->len--;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = s[i];
		tmp[used++] = ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r') ? c : '.';
		if (used == sizeof(tmp) || i + 1 == n) {
			nj_json_escape(j, tmp, used);
			used = 0;
		}
	}
	nj_json_raw(j, "\"", 1);
}

/* A socket event's ends, initiator as source (a listener has only a
 * destination). */
static void put_socket_ends(const struct nj_eve_opts *o, struct nj_json *j, const struct nj_syscall *sc)
{
	struct nj_sc_ends e;
	char pb[8];

	nj_syscall_ends(sc, &e);
	if (e.src && e.dst) {
		put_tuple(j, e.src, e.sport, e.dst, e.dport, e.proto);
		put_community_id(o, j, e.src, e.sport, e.dst, e.dport, e.proto);
	} else if (e.dst) {
		put_addr(j, "dest_ip", e.dst);
		if (proto_has_ports(e.proto))
			nj_json_uint(j, "dest_port", e.dport);
		nj_json_str(j, "proto", nj_eve_proto_name(e.proto, pb, sizeof(pb)));
	}
}

/* One array of {name: printable value} objects, as Suricata logs them. */
static void put_var_array(struct nj_json *j, const char *key, const struct nj_alert_var *v, uint32_t n)
{
	if (!n)
		return;
	nj_json_array_open(j, key);
	for (uint32_t i = 0; i < n; i++) {
		nj_json_object_open(j, NULL);
		put_printable(j, v[i].name, v[i].value, v[i].len);
		nj_json_object_close(j);
	}
	nj_json_array_close(j);
}

/* Suricata's top-level "metadata": the packet and flow variables. */
static void put_vars(struct nj_json *j, const struct nj_alert *a)
{
	if (!a->npktvars && !a->nflowvars)
		return;
	nj_json_object_open(j, "metadata");
	put_var_array(j, "pktvars", a->pktvars, a->npktvars);
	put_var_array(j, "flowvars", a->flowvars, a->nflowvars);
	nj_json_object_close(j);
}

/* held: the alert will wait (output/hold.h); a flow id it waits for is
 * added when it is released, not here. */
static int format_alert(const struct nj_eve_opts *o, struct nj_json *j, const struct nj_alert *a,
			bool held)
{
	const struct nj_packet *p = a->p;
	const struct nj_flow *f = nj_alert_flow(a);

	nj_json_reset(j);
	if (!a->rule)
		return -EINVAL;
	if (p) {
		nj_eve_packet_header(o, j, p, f, &a->ts, "alert");
		if (o->pkt_src && a->pkt_src)
			nj_json_str(j, "pkt_src", a->pkt_src);
	} else {
		/* a system-call alert: a socket's flow gives the addresses,
		 * initiator as source; otherwise there are none */
		uint64_t flow_id = f ? f->flow_id : a->sc && !held ? nj_sock_link_flow_id(a->sc->link) : 0;
		nj_json_object_open(j, NULL);
		put_time(j, "timestamp", &a->ts);
		if (flow_id)
			nj_json_uint(j, "flow_id", flow_id);
		nj_json_str(j, "event_type", "alert");
		if (f && (f->client.family == 4 || f->client.family == 6)) {
			put_tuple(j, &f->client, f->cport, &f->server, f->sport, f->proto);
			put_community_id(o, j, &f->client, f->cport, &f->server, f->sport,
					 f->proto);
		} else if (a->sc) {
			put_socket_ends(o, j, a->sc);
		}
	}
	if (o->metadata)
		put_vars(j, a);
	if (a->tx)
		nj_json_uint(j, "tx_id", a->tx->id);
	nj_eve_put_alert(o, j, a);
	put_app_proto(j, f);
	if (p && p->dir == NJ_DIR_TO_SERVER)
		nj_json_str(j, "direction", "to_server");
	else if (p && p->dir == NJ_DIR_TO_CLIENT)
		nj_json_str(j, "direction", "to_client");
	if (a->tx && a->tx->log_json)
		a->tx->log_json(a->tx, j);
	if (f)
		put_flow_summary(j, f);
	if (a->sc) {
		nj_json_process(j, a->sc->proc, a->sc);
		nj_json_syscall(j, a->sc);
	} else if (f && f->owner) {
		nj_json_process(j, &f->owner->p, NULL);
	}
	if (p && (o->payload || o->payload_printable)) {
		const uint8_t *pl = a->payload ? a->payload : (p ? p->payload : NULL);
		uint32_t plen = a->payload ? a->payload_len : (p ? p->payload_len : 0);
		if (o->payload)
			nj_json_base64(j, "payload", pl, pl ? plen : 0);
		if (o->payload_printable)
			put_printable(j, "payload_printable", pl, pl ? plen : 0);
		nj_json_uint(j, "stream", a->stream ? 1 : 0);
	}
	if (o->packet && p && p->data) {
		nj_json_base64(j, "packet", p->data, p->caplen);
		nj_json_object_open(j, "packet_info");
		nj_json_int(j, "linktype", p->linktype);
		if (linktype_name(p->linktype))
			nj_json_str(j, "linktype_name", linktype_name(p->linktype));
		nj_json_object_close(j);
	}
	nj_json_object_close(j);
	return j->oom || j->depth != 0 ? -ENOMEM : 0;
}

int nj_eve_format_alert(const struct nj_eve_opts *o, struct nj_json *j, const struct nj_alert *a)
{
	return format_alert(o, j, a, false);
}

static const char *flow_state_name(uint8_t s)
{
	switch (s) {
	case NJ_FLOW_ESTABLISHED:
		return "established";
	case NJ_FLOW_CLOSED:
		return "closed";
	default:
		return "new";
	}
}

static const char *flow_reason_name(uint8_t r)
{
	switch (r) {
	case NJ_FLOW_END_FORCED:
		return "forced";
	case NJ_FLOW_END_SHUTDOWN:
		return "shutdown";
	default:
		return "timeout";
	}
}

int nj_eve_format_flow(const struct nj_eve_opts *o, struct nj_json *j, const struct nj_flow *f)
{
	uint16_t sp = f->cport, dp = f->sport;
	int64_t age = (int64_t)f->last.tv_sec - (int64_t)f->start.tv_sec;

	nj_json_reset(j);
	nj_json_object_open(j, NULL);
	put_time(j, "timestamp", &f->last);
	nj_json_uint(j, "flow_id", f->flow_id);
	nj_json_str(j, "event_type", "flow");
	put_vlan(j, f->vlan, 2);
	if (f->client.family == 4 || f->client.family == 6) {
		put_tuple(j, &f->client, sp, &f->server, dp, f->proto);
		put_community_id(o, j, &f->client, sp, &f->server, dp, f->proto);
	}
	put_app_proto(j, f);
	nj_json_object_open(j, "flow");
	nj_json_uint(j, "pkts_toserver", f->pkts_ts);
	nj_json_uint(j, "pkts_toclient", f->pkts_tc);
	nj_json_uint(j, "bytes_toserver", f->bytes_ts);
	nj_json_uint(j, "bytes_toclient", f->bytes_tc);
	put_time(j, "start", &f->start);
	put_time(j, "end", &f->last);
	nj_json_int(j, "age", age > 0 ? age : 0);
	nj_json_str(j, "state", flow_state_name(f->state));
	nj_json_str(j, "reason", flow_reason_name(f->end_reason));
	nj_json_bool(j, "alerted", f->alerted);
	nj_json_object_close(j);
	if (f->owner)
		nj_json_process(j, &f->owner->p, NULL);
	nj_json_object_close(j);
	return j->oom || j->depth != 0 ? -ENOMEM : 0;
}

int nj_eve_format_tx(const struct nj_eve_opts *o, struct nj_json *j, const struct nj_packet *p,
		     const struct nj_app_tx *tx)
{
	const struct nj_flow *f = p->flow;
	const char *name = nj_app_proto_name(tx->proto);

	nj_json_reset(j);
	record_start(j, p, f, &p->ts, name);
	/* DNS logs queries and answers apart, each from its sender as
	 * Suricata does; other protocols from the flow's client. */
	if (f && (f->client.family == 4 || f->client.family == 6)) {
		bool rev = tx->proto == NJ_APP_DNS && p->dir == NJ_DIR_TO_CLIENT;
		const struct nj_addr *s = rev ? &f->server : &f->client, *d = rev ? &f->client : &f->server;
		uint16_t sp = rev ? f->sport : f->cport, dp = rev ? f->cport : f->sport;
		put_tuple(j, s, sp, d, dp, f->proto);
		put_community_id(o, j, s, sp, d, dp, f->proto);
		put_app_proto(j, f);
	}
	nj_json_uint(j, "tx_id", tx->id);
	tx->log_json(tx, j);
	nj_json_object_close(j);
	return j->oom || j->depth != 0 ? -ENOMEM : 0;
}

int nj_eve_format_anomaly(const struct nj_eve_opts *o, struct nj_json *j,
			  const struct nj_packet *p, int ev)
{
	const size_t nnames = sizeof(decode_event_names) / sizeof(decode_event_names[0]);
	char unknown[32];
	const char *name;

	nj_json_reset(j);
	if (ev > 0 && (size_t)ev < nnames) {
		name = decode_event_names[ev];
	} else {
		snprintf(unknown, sizeof(unknown), "unknown.%d", ev);
		name = unknown;
	}
	nj_eve_packet_header(o, j, p, p->flow, &p->ts, "anomaly");
	nj_json_object_open(j, "anomaly");
	nj_json_str(j, "type", "decode");
	nj_json_str(j, "event", name);
	nj_json_object_close(j);
	nj_json_object_close(j);
	return j->oom || j->depth != 0 ? -ENOMEM : 0;
}

struct nj_eve *nj_eve_new(const struct nj_config *cfg, const char *log_dir, char *err,
			  size_t errlen)
{
	struct nj_eve *e = calloc(1, sizeof(*e));

	if (!e) {
		snprintf(err, errlen, "eve: out of memory");
		return NULL;
	}
	nj_eve_opts_load(&e->opts, cfg);
	if (nj_sinks_open(&e->sinks, cfg, "outputs.eve", log_dir, "eve.json", err, errlen) < 0) {
		free(e);
		return NULL;
	}
	return e;
}

void nj_eve_free(struct nj_eve *e)
{
	if (!e)
		return;
	nj_sinks_close(&e->sinks);
	nj_eve_stats_state_free(&e->stats);
	free(e);
}

/* One writer per thread, freed when the thread exits. */
static pthread_key_t json_key;
static pthread_once_t json_once = PTHREAD_ONCE_INIT;

static void json_destroy(void *p)
{
	nj_json_free(p);
	free(p);
}

static void json_key_init(void)
{
	pthread_key_create(&json_key, json_destroy);
}

struct nj_json *nj_eve_thread_json(void)
{
	struct nj_json *j;

	pthread_once(&json_once, json_key_init);
	j = pthread_getspecific(json_key);
	if (!j && (j = malloc(sizeof(*j)))) {
		nj_json_init(j);
		if (pthread_setspecific(json_key, j) != 0) {
			free(j);
			j = NULL;
		}
	}
	return j;
}

static int errors_id = -1;

void nj_eve_emit(struct nj_eve *e, struct nj_json *j, int rc)
{
	if (rc == 0) {
		nj_json_raw(j, "\n", 1);
		if (!j->oom) {
			nj_sinks_write(&e->sinks, j->buf, j->len);
			return;
		}
	}
	if (errors_id < 0)
		errors_id = nj_counter_register("output.errors");
	nj_counter_add(errors_id, 1);
}

void nj_eve_write_alert(struct nj_eve *e, const struct nj_alert *a)
{
	struct nj_json *j = nj_eve_thread_json();

	if (!e || !j || !e->opts.alert)
		return;
	bool wait = nj_hold_needed(a);
	int rc = format_alert(&e->opts, j, a, wait);
	if (rc == 0 && wait && nj_hold_keep(a, j->buf, j->len, NJ_HOLD_EVE, 0, 0))
		return;
	nj_eve_emit(e, j, rc);
}

/* The members of an object (rendered in p) appended to the record in j. */
static void append_members(struct nj_json *j, const struct nj_json *p)
{
	if (!p->oom && p->len > 2) {
		nj_json_raw(j, ",", 1);
		nj_json_raw(j, p->buf + 1, p->len - 2);
	}
}

/* A kept alert with what it waited for put before its closing brace:
 * `"process":{...}`, or its socket's `"flow_id":N`. */
void nj_eve_finish(struct nj_eve *e, const struct nj_held *h)
{
	struct nj_json *j = nj_eve_thread_json();
	const struct nj_proc_owner *o = nj_held_owner(h);
	uint64_t flow_id = nj_held_flow_id(h);
	struct nj_json p;

	if (!e || !j || h->len < 2)
		return;
	nj_json_reset(j);
	nj_json_raw(j, (const char *)h->rec, h->len - 1);
	nj_json_init(&p);
	nj_json_object_open(&p, NULL);
	if (o)
		nj_json_process(&p, &o->p, NULL);
	if (flow_id)
		nj_json_uint(&p, "flow_id", flow_id);
	nj_json_object_close(&p);
	append_members(j, &p);
	nj_json_free(&p);
	nj_json_raw(j, "}", 1);
	nj_eve_emit(e, j, 0);
}

void nj_eve_write_flow(struct nj_eve *e, const struct nj_flow *f)
{
	struct nj_json *j = nj_eve_thread_json();

	if (e && j && e->opts.flow)
		nj_eve_emit(e, j, nj_eve_format_flow(&e->opts, j, f));
}

void nj_eve_write_stats(struct nj_eve *e, const struct timeval *now, uint64_t uptime)
{
	struct nj_json *j = nj_eve_thread_json();

	if (e && j && e->opts.stats)
		nj_eve_emit(e, j, nj_eve_format_stats_with(&e->opts, &e->stats, j, now, uptime));
}

void nj_eve_write_tx(struct nj_eve *e, const struct nj_packet *p, const struct nj_app_tx *tx)
{
	struct nj_json *j = nj_eve_thread_json();

	if (!e || !j || tx->proto >= NJ_APP__COUNT || !e->opts.app[tx->proto] || !tx->log_json)
		return;
	nj_eve_emit(e, j, nj_eve_format_tx(&e->opts, j, p, tx));
}

void nj_eve_write_anomaly(struct nj_eve *e, const struct nj_packet *p)
{
	struct nj_json *j = nj_eve_thread_json();

	if (!e || !j || !e->opts.anomaly)
		return;
	for (unsigned i = 0; i < p->nevents && i < NJ_MAX_PKT_EVENTS; i++)
		nj_eve_emit(e, j, nj_eve_format_anomaly(&e->opts, j, p, p->events[i]));
}
