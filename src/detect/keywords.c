/* The keyword table: adding a keyword touches its file and this array. */
#include <string.h>

#include "detect/keywords.h"

static const struct nj_keyword *const table[] = {
	&kw_msg, &kw_sid, &kw_rev, &kw_gid, &kw_classtype, &kw_priority, &kw_reference,
	&kw_metadata, &kw_target, &kw_prefilter,
	&kw_content, &kw_uricontent, &kw_nocase, &kw_depth, &kw_offset, &kw_distance, &kw_within,
	&kw_rawbytes, &kw_fast_pattern, &kw_startswith, &kw_endswith,
	&kw_pcre,
	&kw_dsize,
	&kw_ttl, &kw_tos, &kw_id, &kw_fragoffset, &kw_ip_proto, &kw_ipopts, &kw_fragbits, &kw_sameip,
	&kw_flags, &kw_tcp_flags, &kw_seq, &kw_ack, &kw_window,
	&kw_itype, &kw_icode, &kw_icmp_id, &kw_icmp_seq,
	&kw_decode_event,
	&kw_flow, &kw_stream_size,
	&kw_ssl_version, &kw_ssl_state, &kw_tls_version,
	&kw_tls_subject, &kw_tls_issuerdn, &kw_tls_fingerprint,
	&kw_byte_test, &kw_byte_jump, &kw_byte_extract, &kw_byte_math, &kw_isdataat,
	&kw_bsize, &kw_bufferlen, &kw_urilen,
	&kw_flowbits, &kw_noalert, &kw_tag,
	&kw_threshold, &kw_detection_filter,
	&kw_service, &kw_rem, &kw_app_layer_protocol,
	&kw_dotprefix, &kw_to_lowercase, &kw_to_uppercase, &kw_strip_whitespace, &kw_compress_whitespace,
	&kw_url_decode, &kw_to_md5, &kw_to_sha1, &kw_to_sha256, &kw_header_lowercase, &kw_pcrexform,
	&kw_base64_decode, &kw_base64_data,
	&kw_xbits, &kw_flowint,
	&kw_syscall, &kw_uid, &kw_euid, &kw_proc_gid, &kw_pid, &kw_ppid, &kw_ret, &kw_proc_duration,
	&kw_open_flags, &kw_chmod_mode, &kw_ptrace_request, &kw_socket_family,
	&kw_proc_tty, &kw_proc_exe_memfd, &kw_container, &kw_procbits, &kw_bpf_cmd, &kw_ptrace_target,
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

const struct nj_keyword *nj_keyword_lookup(const char *name)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	return nj_buffer_keyword(name);
}
