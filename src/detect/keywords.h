/* Every rule keyword nightjar knows; keywords.c lists them in one array. */
#ifndef NJ_DETECT_KEYWORDS_H
#define NJ_DETECT_KEYWORDS_H

#include "detect/rule.h"

extern const struct nj_keyword kw_msg, kw_sid, kw_rev, kw_gid, kw_classtype, kw_priority,
	kw_reference, kw_metadata, kw_target, kw_prefilter;
extern const struct nj_keyword kw_content, kw_uricontent, kw_nocase, kw_depth, kw_offset,
	kw_distance, kw_within, kw_rawbytes, kw_fast_pattern, kw_startswith, kw_endswith;
extern const struct nj_keyword kw_pcre;
extern const struct nj_keyword kw_dsize;
extern const struct nj_keyword kw_ttl, kw_tos, kw_id, kw_fragoffset, kw_ip_proto, kw_ipopts,
	kw_fragbits, kw_sameip;
extern const struct nj_keyword kw_flags, kw_tcp_flags, kw_seq, kw_ack, kw_window;
extern const struct nj_keyword kw_itype, kw_icode, kw_icmp_id, kw_icmp_seq;
extern const struct nj_keyword kw_decode_event;
extern const struct nj_keyword kw_flow, kw_stream_size;
extern const struct nj_keyword kw_ssl_version, kw_ssl_state, kw_tls_version;
extern const struct nj_keyword kw_tls_subject, kw_tls_issuerdn, kw_tls_fingerprint;
extern const struct nj_keyword kw_byte_test, kw_byte_jump, kw_byte_extract, kw_byte_math, kw_isdataat;
extern const struct nj_keyword kw_bsize, kw_bufferlen, kw_urilen;
extern const struct nj_keyword kw_flowbits, kw_noalert, kw_tag;
extern const struct nj_keyword kw_threshold, kw_detection_filter;
extern const struct nj_keyword kw_service, kw_rem, kw_app_layer_protocol;
extern const struct nj_keyword kw_dotprefix, kw_to_lowercase, kw_to_uppercase, kw_strip_whitespace,
	kw_compress_whitespace, kw_url_decode, kw_to_md5, kw_to_sha1, kw_to_sha256, kw_header_lowercase,
	kw_pcrexform;
extern const struct nj_keyword kw_base64_decode, kw_base64_data;
extern const struct nj_keyword kw_xbits, kw_flowint;
extern const struct nj_keyword kw_syscall, kw_uid, kw_euid, kw_proc_gid, kw_pid, kw_ppid, kw_ret,
	kw_proc_duration, kw_open_flags, kw_chmod_mode, kw_ptrace_request, kw_socket_family,
	kw_proc_tty, kw_proc_exe_memfd, kw_container, kw_procbits, kw_bpf_cmd, kw_ptrace_target;

/* Process bits (kw_procbits.c): a fork copies the parent's inherited bits
 * to the child; an exit forgets the process. */
void nj_procbits_fork(uint32_t parent, uint32_t child);
void nj_procbits_exit(uint32_t pid);

/* Keys of an app-layer transaction's `matched` set (struct nj_app_tx)
 * besides rule numbers (a rule that alerted on it): */
#define NJ_TX_KEY_EXHAUSTED 0x40000000u /* | rule number: ran out of
					 * inspection budget on it (inspect.c) */
#define NJ_TX_KEY_TLS_ONCE 0x80000000u  /* | rule number << 1 | to client:
					 * handshake matched that way (kw_tls.c) */

/* The table xbits live in (kw_xbits.c). */
struct nj_xbits_table;
/* Shared by a rule set and the one that replaces it on reload (bit ids
 * carry over): each reference is freed. NULL passes through. */
struct nj_xbits_table *nj_xbits_table_ref(struct nj_xbits_table *t);
void nj_xbits_table_free(struct nj_xbits_table *t);
/* flowint (kw_flowint.c): frees a flow's counters (flow->detect),
 * registered as a flow-end hook by the detect stage. */
struct nj_worker;
struct nj_flow;
void nj_detect_flow_free(struct nj_worker *w, struct nj_flow *f);

/* Sticky buffers and legacy buffer modifiers (kw_buffers.c). */
const struct nj_keyword *nj_buffer_keyword(const char *name);
/* True for a Snort 2 content modifier name (http_uri...). */
bool nj_buffer_is_modifier(const char *name);

/* This thread's PCRE2 match data (32 pairs), freed when the thread exits;
 * NULL on ENOMEM. Needs <pcre2.h> for the type. */
struct pcre2_real_match_data_8;
struct pcre2_real_match_data_8 *nj_pcre_thread_md(void);

/* content's pattern syntax, shared with keywords that take patterns. */
int nj_content_parse_pattern(struct nj_rule_ctx *rc, const char *s, uint8_t **pat, uint32_t *len,
			     bool *negated, const char **rest);
/* The [start, end) window content c may match in, for the prefilter and
 * for keywords that reuse content semantics; 0 when empty. */
int nj_content_window(const struct nj_match *m, const struct nj_content *c, int64_t *start,
		      int64_t *end);

#endif
