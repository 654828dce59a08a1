/* unified2 writer (Snort 2.9 format). All fields are big-endian; every
 * record is an 8-byte header (type, length of the body) and a body:
 *
 *   104 IDS event v2 (IPv4, 60 bytes)      105 IDS event v2 (IPv6, 84 bytes)
 *     sensor_id event_id event_second event_microsecond       (4 x u32)
 *     signature_id generator_id signature_revision            (3 x u32)
 *     classification_id priority_id                           (2 x u32)
 *     ip_source ip_destination              (u32 each, or 16 bytes each)
 *     sport_itype dport_icode                                 (2 x u16)
 *     protocol impact_flag impact blocked                     (4 x u8)
 *     mpls_label (u32) vlan_id (u16) pad (u16)
 *
 *   2 packet: sensor_id event_id event_second packet_second
 *             packet_microsecond linktype packet_length (7 x u32), data
 *
 *   110 extra data: event_type (4) event_length (u32), then sensor_id
 *             event_id event_second type data_type (1 = blob)
 *             blob_length (6 x u32; blob_length counts itself, data_type
 *             and the data), data
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/alert.h"
#include "core/buffer.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/flow.h"
#include "core/packet.h"
#include "core/process.h"
#include "core/socklink.h"
#include "core/syscall.h"
#include "output/community_id.h"
#include "output/hold.h"
#include "output/unified2.h"

#define EXTRA_EVENT_TYPE 4
#define EXTRA_DATA_BLOB 1
#define DEFAULT_LIMIT (32ull << 20)

struct wbuf {
	uint8_t *p;
	size_t len, cap;
};

static void put8(struct wbuf *b, uint8_t v)
{
	if (b->len < b->cap)
		b->p[b->len] = v;
	b->len++;
}

static void put16(struct wbuf *b, uint16_t v)
{
	put8(b, (uint8_t)(v >> 8));
	put8(b, (uint8_t)v);
}

static void put32(struct wbuf *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b, (uint16_t)v);
}

static void put_bytes(struct wbuf *b, const uint8_t *s, size_t n)
{
	if (n && b->len <= b->cap && n <= b->cap - b->len)
		memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void put_event(struct wbuf *b, const struct nj_unified2 *u, uint32_t event_id,
		      const struct nj_alert *a)
{
	const struct nj_rule_info *r = a->rule;
	const struct nj_packet *p = a->p;
	struct nj_sc_ends e = { 0 };
	static const struct nj_addr none;
	const struct nj_addr *src = &none, *dst = &none;
	uint16_t sp = 0, dp = 0;
	uint8_t proto = 0;

	if (p && (p->ip_ver == 4 || p->ip_ver == 6)) {
		src = &p->src, dst = &p->dst, proto = p->proto;
		bool icmp = p->proto == 1 || p->proto == 58;
		sp = icmp ? p->icmp.type : p->sport;
		dp = icmp ? p->icmp.code : p->dport;
	} else if (a->sc) {
		/* a socket event: its ends, initiator as source */
		nj_syscall_ends(a->sc, &e);
		if (e.src && e.dst && e.src->family == e.dst->family) {
			src = e.src, dst = e.dst, proto = e.proto, sp = e.sport, dp = e.dport;
		}
	}
	bool v6 = src->family == 6;
	put32(b, v6 ? NJ_U2_IDS_EVENT_IPV6_V2 : NJ_U2_IDS_EVENT_V2);
	put32(b, v6 ? 84 : 60);
	put32(b, u->sensor_id);
	put32(b, event_id);
	put32(b, (uint32_t)a->ts.tv_sec);
	put32(b, (uint32_t)a->ts.tv_usec);
	put32(b, r->sid);
	put32(b, r->gid);
	put32(b, r->rev);
	put32(b, a->rule->class_id);    /* order in classification.config, as Snort numbers them */
	put32(b, (uint32_t)r->priority);
	put_bytes(b, src->b, v6 ? 16 : 4);
	put_bytes(b, dst->b, v6 ? 16 : 4);
	put16(b, sp);
	put16(b, dp);
	put8(b, proto);
	put8(b, 0);                     /* impact_flag */
	put8(b, 0);                     /* impact */
	put8(b, a->blocked ? 1 : 0);
	put32(b, 0);                    /* mpls label */
	put16(b, p && p->vlan_count ? p->vlan[0] : 0);
	put16(b, 0);
}

static void put_packet(struct wbuf *b, const struct nj_unified2 *u, uint32_t event_id,
		       const struct nj_alert *a)
{
	const struct nj_packet *p = a->p;

	put32(b, NJ_U2_PACKET);
	put32(b, 28 + p->caplen);
	put32(b, u->sensor_id);
	put32(b, event_id);
	put32(b, (uint32_t)a->ts.tv_sec);
	put32(b, (uint32_t)p->ts.tv_sec);
	put32(b, (uint32_t)p->ts.tv_usec);
	put32(b, (uint32_t)(p->linktype ? p->linktype : u->linktype));
	put32(b, p->caplen);
	put_bytes(b, p->data, p->caplen);
}

static void put_extra(struct wbuf *b, const struct nj_unified2 *u, uint32_t event_id,
		      const struct nj_alert *a, uint32_t type, const uint8_t *data, uint32_t n)
{
	put32(b, NJ_U2_EXTRA_DATA);
	put32(b, 32 + n);
	put32(b, EXTRA_EVENT_TYPE);
	put32(b, 32 + n);
	put32(b, u->sensor_id);
	put32(b, event_id);
	put32(b, (uint32_t)a->ts.tv_sec);
	put32(b, type);
	put32(b, EXTRA_DATA_BLOB);
	put32(b, 8 + n);
	put_bytes(b, data, n);
}

/* The client address an X-Forwarded-For header names (its first entry). */
static void put_xff(struct wbuf *b, const struct nj_unified2 *u, uint32_t event_id,
		    const struct nj_alert *a, const struct nj_buf *hdrs)
{
	static const char name[] = "x-forwarded-for:";
	const size_t nl = sizeof(name) - 1;
	struct nj_addr addr;

	for (uint32_t i = 0; i + nl <= hdrs->len; i++) {
		char val[64];
		uint32_t s, e;

		if ((i && hdrs->ptr[i - 1] != '\n') || strncasecmp((const char *)hdrs->ptr + i, name, nl))
			continue;
		for (s = i + (uint32_t)nl; s < hdrs->len && (hdrs->ptr[s] == ' ' || hdrs->ptr[s] == '\t'); s++)
			;
		for (e = s; e < hdrs->len && hdrs->ptr[e] != ',' && hdrs->ptr[e] != '\r' &&
			    hdrs->ptr[e] != '\n' && hdrs->ptr[e] != ' '; e++)
			;
		if (e == s || e - s >= sizeof(val))
			return;
		memcpy(val, hdrs->ptr + s, e - s);
		val[e - s] = '\0';
		if (nj_addr_parse(val, &addr) < 0)
			return;
		if (addr.family == 4)
			put_extra(b, u, event_id, a, NJ_U2_EXTRA_XFF_IPV4, addr.b, 4);
		else
			put_extra(b, u, event_id, a, NJ_U2_EXTRA_XFF_IPV6, addr.b, 16);
		return;
	}
}

static void put_tx_extras(struct wbuf *b, const struct nj_unified2 *u, uint32_t event_id,
			  const struct nj_alert *a)
{
	const struct nj_app_tx *tx = a->tx;
	struct nj_buf v;

	if (!tx || !tx->get_buffer || tx->proto != NJ_APP_HTTP)
		return;
	if (tx->get_buffer(tx, NJ_BUF_HTTP_HEADER, 0, &v) == 1 && v.ptr)
		put_xff(b, u, event_id, a, &v);
	if (tx->get_buffer(tx, NJ_BUF_HTTP_URI_RAW, 0, &v) == 1 && v.ptr)
		put_extra(b, u, event_id, a, NJ_U2_EXTRA_HTTP_URI, v.ptr, v.len);
	if (tx->get_buffer(tx, NJ_BUF_HTTP_HOST_RAW, 0, &v) == 1 && v.ptr)
		put_extra(b, u, event_id, a, NJ_U2_EXTRA_HTTP_HOSTNAME, v.ptr, v.len);
}

static void put_flow_id(struct wbuf *b, const struct nj_unified2 *u, uint32_t event_id,
			const struct nj_alert *a, uint64_t flow_id)
{
	uint8_t id[8];

	for (int i = 0; i < 8; i++)
		id[i] = (uint8_t)(flow_id >> (56 - 8 * i));
	put_extra(b, u, event_id, a, NJ_U2_EXTRA_NJ_FLOW_ID, id, 8);
}

/* held: the alert will wait (output/hold.h); the socket's flow id it waits
 * for is added when it is released. */
static void put_flow_extras(struct wbuf *b, const struct nj_unified2 *u, uint32_t event_id,
			    const struct nj_alert *a, bool held)
{
	const struct nj_flow *f = nj_alert_flow(a);
	const struct nj_packet *p = a->p;
	uint64_t link_id = !f && !held && a->sc ? nj_sock_link_flow_id(a->sc->link) : 0;

	if (f || link_id)
		put_flow_id(b, u, event_id, a, f ? f->flow_id : link_id);
	if (u->community_id && p && (p->ip_ver == 4 || p->ip_ver == 6)) {
		char cid[NJ_COMMUNITY_ID_LEN];
		bool icmp = p->proto == 1 || p->proto == 58;
		if (nj_community_id(u->community_id_seed, &p->src, &p->dst,
				    icmp ? p->icmp.type : p->sport, icmp ? p->icmp.code : p->dport,
				    p->proto, cid, sizeof(cid)) == 0)
			put_extra(b, u, event_id, a, NJ_U2_EXTRA_NJ_COMMUNITY_ID,
				  (const uint8_t *)cid, (uint32_t)strlen(cid));
	}
}

static void put_str_extra(struct wbuf *b, const struct nj_unified2 *u, uint32_t event_id,
			  const struct nj_alert *a, uint32_t type, const char *s, size_t n)
{
	if (s && n)
		put_extra(b, u, event_id, a, type, (const uint8_t *)s, (uint32_t)n);
}

/* The process behind the alert (the acting one of a system call, the
 * owner of a packet's flow) and the system call. */
static void put_process_extras(struct wbuf *b, const struct nj_unified2 *u, uint32_t event_id,
			       const struct nj_alert *a)
{
	const struct nj_flow *f = nj_alert_flow(a);
	const struct nj_syscall *sc = a->sc;
	const struct nj_process *pr = sc ? sc->proc : f && f->owner ? &f->owner->p : NULL;
	uint8_t ids[12];
	uint32_t v[3];

	if (!sc && !pr)
		return;
	v[0] = sc ? sc->pid : pr->pid;
	v[1] = sc ? sc->ppid : pr->ppid;
	v[2] = sc ? sc->uid : pr->uid;
	for (int i = 0; i < 12; i++)
		ids[i] = (uint8_t)(v[i / 4] >> (24 - 8 * (i % 4)));
	put_extra(b, u, event_id, a, NJ_U2_EXTRA_NJ_PROC_IDS, ids, sizeof(ids));
	const char *name = pr && pr->name[0] ? pr->name : sc ? sc->comm : "";
	put_str_extra(b, u, event_id, a, NJ_U2_EXTRA_NJ_PROC_NAME, name, strlen(name));
	if (pr) {
		put_str_extra(b, u, event_id, a, NJ_U2_EXTRA_NJ_PROC_EXE, pr->exe, strlen(pr->exe));
		put_str_extra(b, u, event_id, a, NJ_U2_EXTRA_NJ_PROC_CMDLINE, pr->cmdline, strlen(pr->cmdline));
	}
	if (sc) {
		const char *n = nj_sc_type_name(sc->type);
		put_str_extra(b, u, event_id, a, NJ_U2_EXTRA_NJ_SYSCALL, n, strlen(n));
		put_str_extra(b, u, event_id, a, NJ_U2_EXTRA_NJ_FILE_PATH, sc->path, sc->path ? sc->path_len : 0);
	}
}

/* The records of alert a; a packet alert that will wait for its flow's
 * process (output/hold.h) gets its process records when it is finished. */
static long build(const struct nj_unified2 *u, uint32_t event_id, const struct nj_alert *a,
		  uint8_t *out, size_t cap, size_t *need, bool held)
{
	struct wbuf b = { .p = out, .cap = cap };

	if (!a->rule)
		return -EINVAL;
	put_event(&b, u, event_id, a);
	if (u->packet && a->p && a->p->data && a->p->caplen)
		put_packet(&b, u, event_id, a);
	put_tx_extras(&b, u, event_id, a);
	put_flow_extras(&b, u, event_id, a, held);
	if (!held || a->sc)
		put_process_extras(&b, u, event_id, a);
	if (need)
		*need = b.len;
	return b.len <= cap ? (long)b.len : -ENOSPC;
}

long nj_unified2_build(const struct nj_unified2 *u, uint32_t event_id, const struct nj_alert *a,
		       uint8_t *out, size_t cap, size_t *need)
{
	return build(u, event_id, a, out, cap, need, false);
}

static int errors_id = -1;

static void count_error(void)
{
	if (errors_id < 0)
		errors_id = nj_counter_register("output.errors");
	nj_counter_add(errors_id, 1);
}

/* Opens unified2.alert.<epoch>, moving on a second when that name is taken
 * (two rolls within one second). Called with the lock held. */
static int open_next(struct nj_unified2 *u)
{
	char path[4096];
	time_t t = time(NULL);

	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	u->size = 0;
	for (int i = 0; i < 64; i++) {
		int n = snprintf(path, sizeof(path), "%s/unified2.alert.%lld", u->dir,
				 (long long)t + i);
		if (n < 0 || (size_t)n >= sizeof(path))
			return -ENAMETOOLONG;
		u->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0640);
		if (u->fd >= 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

struct nj_unified2 *nj_unified2_new(const struct nj_config *cfg, const char *log_dir,
				    int linktype, char *err, size_t errlen)
{
	struct nj_unified2 *u = calloc(1, sizeof(*u));
	int rc;

	if (!u || !(u->dir = strdup(log_dir && log_dir[0] ? log_dir : "."))) {
		free(u);
		snprintf(err, errlen, "unified2: out of memory");
		return NULL;
	}
	pthread_mutex_init(&u->lock, NULL);
	u->fd = -1;
	u->linktype = linktype;
	u->limit = nj_config_get_size(cfg, "outputs.unified2.limit", DEFAULT_LIMIT);
	if (u->limit < 4096)
		u->limit = 4096;
	u->sensor_id = (uint32_t)nj_config_get_int(cfg, "outputs.unified2.sensor-id", 0);
	u->packet = nj_config_get_bool(cfg, "outputs.unified2.packet", true);
	u->community_id = nj_config_get_bool(cfg, "outputs.eve.community-id", false);
	u->community_id_seed =
		(uint16_t)nj_config_get_int(cfg, "outputs.eve.community-id-seed", 0);
	rc = open_next(u);
	if (rc < 0) {
		snprintf(err, errlen, "unified2: cannot open a file in %s: %s", u->dir,
			 strerror(-rc));
		nj_unified2_free(u);
		return NULL;
	}
	return u;
}

void nj_unified2_free(struct nj_unified2 *u)
{
	if (!u)
		return;
	if (u->fd >= 0)
		close(u->fd);
	pthread_mutex_destroy(&u->lock);
	free(u->buf);
	free(u->dir);
	free(u);
}

/* One write per alert; a short write is cut back off so that the file
 * stays a sequence of whole records. */
static int append(struct nj_unified2 *u, size_t len)
{
	ssize_t n = write(u->fd, u->buf, len);

	if (n == (ssize_t)len) {
		u->size += len;
		return 0;
	}
	int e = n < 0 ? errno : ENOSPC;
	if (n > 0 && ftruncate(u->fd, (off_t)u->size) < 0)
		e = errno;
	return -e;
}

/* With the lock held: n bytes of u->buf to the current file (rolled at
 * the limit); 0 or -errno. */
static int write_out(struct nj_unified2 *u, size_t n)
{
	int rc = 0;

	if (u->fd < 0 || (u->size > 0 && u->size + (uint64_t)n > u->limit))
		rc = open_next(u);
	return rc == 0 ? append(u, n) : rc;
}

/* With the lock held: u->buf holds at least need bytes. */
static bool room(struct nj_unified2 *u, size_t need)
{
	if (need <= u->cap)
		return true;
	uint8_t *nb = realloc(u->buf, need);
	if (!nb)
		return false;
	u->buf = nb;
	u->cap = need;
	return true;
}

void nj_unified2_write(struct nj_unified2 *u, const struct nj_alert *a)
{
	size_t need = 0;
	long n;
	int rc = 0;

	if (!u)
		return;
	bool held = nj_hold_needed(a);
	pthread_mutex_lock(&u->lock);
	u->event_id++;
	n = build(u, u->event_id, a, u->buf, u->cap, &need, held);
	if (n == -ENOSPC && room(u, need))
		n = build(u, u->event_id, a, u->buf, u->cap, &need, held);
	if (n < 0)
		rc = (int)n;
	else if (!held || !nj_hold_keep(a, u->buf, (size_t)n, NJ_HOLD_UNIFIED2, u->event_id,
					 (uint32_t)a->ts.tv_sec))
		rc = write_out(u, (size_t)n);
	pthread_mutex_unlock(&u->lock);
	if (rc < 0)
		count_error();
}

/* The records a kept alert adds (its flow id, its flow's process) into
 * out (cap bytes); returns the length they need. */
static size_t finish_extras(const struct nj_unified2 *u, const struct nj_held *h, uint8_t *out,
			    size_t cap)
{
	struct nj_alert a = { .ts.tv_sec = h->tag[1], .flow = h->flow };
	struct wbuf b = { .p = out, .cap = cap };
	uint64_t flow_id = nj_held_flow_id(h);

	if (flow_id)
		put_flow_id(&b, u, h->tag[0], &a, flow_id);
	if (nj_held_owner(h))
		put_process_extras(&b, u, h->tag[0], &a);
	return b.len;
}

void nj_unified2_finish(struct nj_unified2 *u, const struct nj_held *h)
{
	int rc = -ENOMEM;

	if (!u)
		return;
	pthread_mutex_lock(&u->lock);
	size_t extra = finish_extras(u, h, NULL, 0);
	if (room(u, h->len + extra)) {
		memcpy(u->buf, h->rec, h->len);
		finish_extras(u, h, u->buf + h->len, extra);
		rc = write_out(u, h->len + extra);
	}
	pthread_mutex_unlock(&u->lock);
	if (rc < 0)
		count_error();
}
