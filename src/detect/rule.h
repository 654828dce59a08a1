/* Rules as the engine holds them, and the keyword interface.
 *
 * A rule is parsed into a header (action, protocol, address and port sets)
 * and an ordered list of options. Each option is an instance of a keyword
 * (one file per keyword or family in src/detect/kw_*.c, listed once in
 * keywords.c). Payload options carry the buffer they inspect; at the end of
 * parsing they are split into one ordered list per buffer.
 *
 * Ownership: a rule owns its options and their data; the rule set
 * (struct nj_ruleset, engine.h) owns its rules. Everything is built at load
 * time and read-only while packets are inspected, so worker threads share it.
 */
#ifndef NJ_DETECT_RULE_H
#define NJ_DETECT_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/alert.h"
#include "core/buffer.h"
#include "core/syscall.h"

struct nj_packet;
struct nj_syscall;
struct nj_flow;
struct nj_addrset;
struct nj_portset;
struct nj_detect_build;
struct nj_detect_thread;
struct nj_rule;
struct nj_gate;

/* Rule header protocols. */
enum nj_rproto {
	NJ_RPROTO_IP = 0,
	NJ_RPROTO_TCP,
	NJ_RPROTO_UDP,
	NJ_RPROTO_ICMP,         /* ICMPv4 and ICMPv6, as Suricata reads `icmp` */
	NJ_RPROTO_ICMPV4,
	NJ_RPROTO_ICMPV6,
	NJ_RPROTO_TCP_PKT,      /* TCP, packets only */
	NJ_RPROTO_TCP_STREAM,   /* TCP, reassembled stream only */
	NJ_RPROTO_SCTP,
	NJ_RPROTO_APP,          /* app-layer name: rule->app_proto */
	NJ_RPROTO_SYSCALL,
};

enum nj_kw_flag {
	NJ_KW_PAYLOAD = 1 << 0,   /* inspects the current buffer at a cursor */
	NJ_KW_MODIFIER = 1 << 1,  /* modifies the previous payload option */
	NJ_KW_STICKY = 1 << 2,    /* selects the buffer of later payload options */
	NJ_KW_POST = 1 << 3,      /* acts after the rule matched (flowbits:set) */
	NJ_KW_META = 1 << 4,      /* no match function: information only */
	NJ_KW_NOARG = 1 << 5,     /* takes no value */
	NJ_KW_BACKTRACK = 1 << 6, /* may match again further on (content, pcre) */
	NJ_KW_OPTARG = 1 << 7,    /* value optional */
	NJ_KW_TRANSFORM = 1 << 8, /* rewrites the current buffer (transform) */
	NJ_KW_HOST = 1 << 9,      /* a check that syscall rules may use */
	NJ_KW_SC_ONLY = 1 << 10,  /* a check of the system call itself: syscall rules only */
};

/* State while one rule is parsed. */
struct nj_rule_ctx {
	struct nj_rule *rule;
	struct nj_detect_build *build;
	int cur_buf;                    /* sticky buffer, -1 for the default */
	int opt_buf;                    /* parse may fix its own option's buffer */
	bool new_instance;              /* a multi-instance buffer was named again */
	struct nj_opt *last_payload;    /* last payload option, for modifiers */
	const char *kw_name;            /* keyword being parsed */
	char *err;
	size_t errlen;
	bool unsupported;               /* set with the error: not an error in the rule */
	/* Snort 3 rule (service:, content sub-options, or a buffer keyword
	 * before any content): buffer keywords are sticky, not modifiers */
	bool snort3;
	bool seen_content;              /* while scanning for snort3 */
};

/* What a payload option sees while a rule is verified. */
struct nj_host_view;

struct nj_match {
	struct nj_detect_thread *dt;
	const struct nj_rule *rule;
	const struct nj_packet *p;
	const struct nj_syscall *sc;
	struct nj_flow *flow;
	const uint8_t *buf;             /* current buffer */
	uint32_t len;
	int buf_id;
	uint32_t cursor;                /* end of the previous payload match */
	uint32_t from;                  /* backtracking: earliest start allowed */
	uint32_t mstart;                /* out: start of this option's match */
	uint64_t vars[8];               /* byte_extract / byte_math results */
	const uint8_t *b64;             /* base64_decode output (base64_data) */
	uint32_t b64_len;
	bool stream;                    /* buffer is reassembled stream data */
	struct nj_app_tx *tx;           /* transaction an app-layer buffer matched in */
	/* the acting process (syscall rules), or the flow's local process
	 * (packet rules); NULL when unknown */
	const struct nj_host_view *host;
};

struct nj_keyword {
	const char *name;
	unsigned flags;                 /* enum nj_kw_flag */
	/* Parses arg (NULL when the keyword has no value) into *data.
	 * Returns 0, or -1 with rc->err set. */
	int (*parse)(struct nj_rule_ctx *rc, const char *arg, void **data);
	/* Returns 1 if the option matches. Payload options read m->buf at
	 * m->cursor/m->from and set m->cursor (and m->mstart) on success. */
	int (*match)(struct nj_match *m, const void *data);
	/* For NJ_KW_POST options: act on a rule that matched. */
	void (*post)(struct nj_match *m, const void *data);
	void (*free)(void *data);
	/* Canonical text of the option's value for the rule dump, written
	 * into buf; NULL when the keyword has no value. */
	void (*dump)(const void *data, char *buf, size_t len);
	/* For state keywords (flowbits, xbits, flowint): whether the option
	 * writes and/or reads state (NJ_STATE_WRITES | NJ_STATE_READS), which
	 * orders rules (order.c). NULL for the rest. */
	int (*state_use)(const void *data);
	/* For NJ_KW_TRANSFORM keywords: writes the transformed buffer into
	 * out (room for len + NJ_TRANSFORM_SLACK bytes); returns its length. */
	uint32_t (*transform)(const void *data, const uint8_t *in, uint32_t len, uint8_t *out);
};

#define NJ_TRANSFORM_SLACK 64

#define NJ_STATE_READS 1
#define NJ_STATE_WRITES 2

struct nj_opt {
	const struct nj_keyword *kw;
	void *data;
	int buf;                        /* buffer id for payload options, else -1 */
	bool fresh;                     /* starts another instance of its buffer */
};

/* A content option's data (kw_content.c); also read by the prefilter. */
struct nj_content {
	uint8_t *pat;
	uint32_t len;
	bool nocase, negated, rawbytes;
	bool relative;                  /* distance or within given */
	bool has_depth, has_offset, has_distance, has_within;
	int32_t offset, depth, distance, within;
	int8_t offset_var, depth_var, distance_var, within_var;   /* byte_extract vars or -1 */
	bool startswith, endswith;
	bool fast_pattern, fp_only;
	uint32_t fp_off, fp_len;        /* fast_pattern:off,len chop */
};

/* One buffer's ordered payload options. */
struct nj_payload_list {
	int buf;
	struct nj_opt **opts;
	uint16_t n;
	/* transforms applied to the buffer before inspection, in order */
	const struct nj_opt *transforms[8];
	uint8_t ntransforms;
};

enum nj_rule_flag {
	NJ_RULE_BIDIR = 1 << 0,
	NJ_RULE_NOALERT = 1 << 1,
	NJ_RULE_ONLY_STREAM = 1 << 3,
	NJ_RULE_NO_STREAM = 1 << 4,
	NJ_RULE_HAS_PRIORITY = 1 << 8,  /* priority given explicitly */
	NJ_RULE_APP_BUFS = 1 << 9,      /* inspects buffers other than the packet's own
					 * (app layer, process): sees in-order stream data */
	NJ_RULE_ALSO_PACKET = 1 << 10,  /* payload rule that also inspects packets
					 * reassembly took (rule_parse.c) */
};

struct nj_rule {
	struct nj_rule_info info;
	uint32_t num;                   /* load order */
	uint32_t flags;                 /* enum nj_rule_flag */
	uint8_t proto;                  /* enum nj_rproto */
	uint8_t app_proto;              /* enum nj_app_proto for NJ_RPROTO_APP */
	struct nj_addrset *src, *dst;
	struct nj_portset *sp, *dp;

	struct nj_opt *opts;            /* every option in rule order */
	uint16_t nopts, capopts;
	struct nj_opt **checks;         /* non-payload matching options */
	uint16_t nchecks;
	struct nj_opt **posts;          /* post-match options */
	uint16_t nposts;
	struct nj_payload_list *lists;  /* per buffer, in order of first use */
	uint16_t nlists;

	/* threshold / detection_filter / threshold.config entries gating the
	 * alert once the rule matched (threshold.h); NULL if none */
	struct nj_gate *gate;

	/* syscall rules: the event types selected by `syscall:` (all when
	 * the rule has none) */
	struct nj_sc_set sc_types;
	bool sc_all;

	const struct nj_content *fp;    /* fast pattern, NULL if none */
	int fp_buf;
	uint8_t fp_dot;                 /* the prefilter drops fp's leading dot (dotprefix) */

	char *msg_owned;                /* storage behind info.* strings */
	char *classtype_owned;
	char *text_owned;
	struct nj_meta_kv *meta_owned;
	char *file;
	int line;
};

/* Parses one rule (already joined into one line). Returns the rule, or NULL
 * with a reason in err; *unsupported tells a keyword nightjar cannot evaluate
 * apart from an error in the rule. */
struct nj_rule *nj_rule_parse(struct nj_detect_build *b, const char *text,
			      char *err, size_t errlen, bool *unsupported);
void nj_rule_free(struct nj_rule *r);

/* Writes the canonical form of a parsed rule (for parser tables). */
int nj_rule_dump(const struct nj_rule *r, char *buf, size_t len);

/* The keyword table (keywords.c). */
const struct nj_keyword *nj_keyword_lookup(const char *name);

/* Adds an option to the rule being parsed; returns it or NULL on ENOMEM. */
struct nj_opt *nj_rule_add_opt(struct nj_rule_ctx *rc, const struct nj_keyword *kw, void *data);

/* Sets rc->err; returns -1 for `return nj_rule_error(...)`. */
int nj_rule_error(struct nj_rule_ctx *rc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int nj_rule_unsupported(struct nj_rule_ctx *rc, const char *what);

#endif
