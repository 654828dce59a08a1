/* Inspection buffers in rules: sticky buffers (`http.uri; content:...`)
 * and the legacy content modifiers (`content:...; http_uri;`) that move the
 * preceding content into a buffer. */
#include <stdio.h>
#include <string.h>

#include "detect/keywords.h"

static const struct {
	const char *name;
	int buf;
} sticky[] = {
	{ "pkt_data", -1 },
	{ "file_data", NJ_BUF_FILE_DATA }, { "file.data", NJ_BUF_FILE_DATA },
	{ "http.uri", NJ_BUF_HTTP_URI }, { "http.uri.raw", NJ_BUF_HTTP_URI_RAW },
	{ "http.method", NJ_BUF_HTTP_METHOD }, { "http.protocol", NJ_BUF_HTTP_PROTOCOL },
	{ "http_protocol", NJ_BUF_HTTP_PROTOCOL },
	{ "http.request_line", NJ_BUF_HTTP_REQUEST_LINE }, { "http_request_line", NJ_BUF_HTTP_REQUEST_LINE },
	{ "http.host", NJ_BUF_HTTP_HOST }, { "http.host.raw", NJ_BUF_HTTP_HOST_RAW },
	{ "http.user_agent", NJ_BUF_HTTP_USER_AGENT }, { "http.cookie", NJ_BUF_HTTP_COOKIE },
	{ "http.header", NJ_BUF_HTTP_HEADER }, { "http.header.raw", NJ_BUF_HTTP_HEADER_RAW },
	{ "http.request_header", NJ_BUF_HTTP_REQUEST_HEADER },
	{ "http.header_names", NJ_BUF_HTTP_HEADER_NAMES }, { "http_header_names", NJ_BUF_HTTP_HEADER_NAMES },
	{ "http.request_body", NJ_BUF_HTTP_REQUEST_BODY }, { "http.response_body", NJ_BUF_HTTP_RESPONSE_BODY },
	{ "http.stat_code", NJ_BUF_HTTP_STAT_CODE }, { "http.stat_msg", NJ_BUF_HTTP_STAT_MSG },
	{ "http.response_line", NJ_BUF_HTTP_RESPONSE_LINE }, { "http_response_line", NJ_BUF_HTTP_RESPONSE_LINE },
	{ "http.content_type", NJ_BUF_HTTP_CONTENT_TYPE }, { "http_content_type", NJ_BUF_HTTP_CONTENT_TYPE },
	{ "http.content_len", NJ_BUF_HTTP_CONTENT_LEN }, { "http_content_len", NJ_BUF_HTTP_CONTENT_LEN },
	{ "http.referer", NJ_BUF_HTTP_REFERER }, { "http_referer", NJ_BUF_HTTP_REFERER },
	{ "http.accept", NJ_BUF_HTTP_ACCEPT }, { "http_accept", NJ_BUF_HTTP_ACCEPT },
	{ "http.accept_enc", NJ_BUF_HTTP_ACCEPT_ENC }, { "http_accept_enc", NJ_BUF_HTTP_ACCEPT_ENC },
	{ "http.accept_lang", NJ_BUF_HTTP_ACCEPT_LANG }, { "http_accept_lang", NJ_BUF_HTTP_ACCEPT_LANG },
	{ "http.connection", NJ_BUF_HTTP_CONNECTION }, { "http_connection", NJ_BUF_HTTP_CONNECTION },
	{ "http.location", NJ_BUF_HTTP_LOCATION }, { "http.server", NJ_BUF_HTTP_SERVER },
	{ "http.start", NJ_BUF_HTTP_START }, { "http_start", NJ_BUF_HTTP_START },
	{ "http.response_header", NJ_BUF_HTTP_RESPONSE_HEADER },
	{ "dns.query", NJ_BUF_DNS_QUERY }, { "dns_query", NJ_BUF_DNS_QUERY },
	{ "dns.answer.name", NJ_BUF_DNS_ANSWER_NAME },
	{ "tls.sni", NJ_BUF_TLS_SNI }, { "tls_sni", NJ_BUF_TLS_SNI },
	{ "tls.cert_subject", NJ_BUF_TLS_CERT_SUBJECT }, { "tls_cert_subject", NJ_BUF_TLS_CERT_SUBJECT },
	{ "tls.cert_issuer", NJ_BUF_TLS_CERT_ISSUER }, { "tls_cert_issuer", NJ_BUF_TLS_CERT_ISSUER },
	{ "tls.cert_serial", NJ_BUF_TLS_CERT_SERIAL }, { "tls_cert_serial", NJ_BUF_TLS_CERT_SERIAL },
	{ "tls.cert_fingerprint", NJ_BUF_TLS_CERT_FINGERPRINT },
	{ "tls_cert_fingerprint", NJ_BUF_TLS_CERT_FINGERPRINT },
	{ "ja3.hash", NJ_BUF_JA3_HASH }, { "ja3_hash", NJ_BUF_JA3_HASH },
	{ "ja3.string", NJ_BUF_JA3_STRING }, { "ja3_string", NJ_BUF_JA3_STRING },
	{ "ja3s.hash", NJ_BUF_JA3S_HASH }, { "ja3s_hash", NJ_BUF_JA3S_HASH },
	{ "ja3s.string", NJ_BUF_JA3S_STRING }, { "ja3s_string", NJ_BUF_JA3S_STRING },
	{ "ja4.hash", NJ_BUF_JA4_HASH },
	{ "tls.certs", NJ_BUF_TLS_CERTS },
	{ "ipv4.hdr", NJ_BUF_IPV4_HDR }, { "ipv6.hdr", NJ_BUF_IPV6_HDR },
	{ "tcp.hdr", NJ_BUF_TCP_HDR }, { "udp.hdr", NJ_BUF_UDP_HDR },
	{ "proc.name", NJ_BUF_PROC_NAME }, { "proc.exe", NJ_BUF_PROC_EXE },
	{ "proc.cmdline", NJ_BUF_PROC_CMDLINE }, { "proc.args", NJ_BUF_PROC_ARGS },
	{ "proc.cwd", NJ_BUF_PROC_CWD }, { "proc.env", NJ_BUF_PROC_ENV },
	{ "proc.pname", NJ_BUF_PROC_PNAME }, { "proc.pexe", NJ_BUF_PROC_PEXE },
	{ "proc.pcmdline", NJ_BUF_PROC_PCMDLINE }, { "proc.aname", NJ_BUF_PROC_ANAME },
	{ "proc.aexe", NJ_BUF_PROC_AEXE }, { "file.path", NJ_BUF_FILE_PATH },
	{ "file.raw", NJ_BUF_FILE_RAW }, { "file.newpath", NJ_BUF_FILE_NEWPATH },
	{ "user.name", NJ_BUF_USER_NAME },
};

static const struct {
	const char *name;
	int buf;
} modifiers[] = {
	{ "http_uri", NJ_BUF_HTTP_URI }, { "http_raw_uri", NJ_BUF_HTTP_URI_RAW },
	{ "http_method", NJ_BUF_HTTP_METHOD }, { "http_header", NJ_BUF_HTTP_HEADER },
	{ "http_raw_header", NJ_BUF_HTTP_HEADER_RAW }, { "http_cookie", NJ_BUF_HTTP_COOKIE },
	{ "http_raw_cookie", NJ_BUF_HTTP_COOKIE },
	{ "http_client_body", NJ_BUF_HTTP_REQUEST_BODY }, { "http_server_body", NJ_BUF_HTTP_RESPONSE_BODY },
	{ "http_stat_code", NJ_BUF_HTTP_STAT_CODE }, { "http_stat_msg", NJ_BUF_HTTP_STAT_MSG },
	{ "http_user_agent", NJ_BUF_HTTP_USER_AGENT }, { "http_host", NJ_BUF_HTTP_HOST },
	{ "http_raw_host", NJ_BUF_HTTP_HOST_RAW },
};

/* Buffers with one instance per header: naming one again after payload
 * options starts a new list that may match another instance, as Suricata 7
 * reads `http.request_header; content:a; http.request_header; content:b;`. */
static bool multi_instance(int buf)
{
	return buf == NJ_BUF_HTTP_REQUEST_HEADER || buf == NJ_BUF_HTTP_RESPONSE_HEADER;
}

static int parse_sticky(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	for (size_t i = 0; i < sizeof(sticky) / sizeof(sticky[0]); i++) {
		if (strcmp(rc->kw_name, sticky[i].name) == 0) {
			if (multi_instance(sticky[i].buf) && rc->cur_buf == sticky[i].buf &&
			    rc->last_payload && rc->last_payload->buf == sticky[i].buf)
				rc->new_instance = true;
			rc->cur_buf = sticky[i].buf;
			return 0;
		}
	}
	return nj_rule_error(rc, "not a buffer");
}

static int parse_modifier(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct nj_opt *o = rc->last_payload;

	if (arg) {
		char what[96];
		snprintf(what, sizeof(what), "%s with a value (field selector)", rc->kw_name);
		return nj_rule_unsupported(rc, what);
	}
	for (size_t i = 0; i < sizeof(modifiers) / sizeof(modifiers[0]); i++) {
		if (strcmp(rc->kw_name, modifiers[i].name) != 0)
			continue;
		/* Snort 3 has no content modifiers: the same names are
		 * sticky buffers there. */
		if (rc->snort3) {
			rc->cur_buf = modifiers[i].buf;
			return 0;
		}
		if (!o || o->kw != &kw_content)
			return nj_rule_error(rc, "no preceding content");
		o->buf = modifiers[i].buf;
		return 0;
	}
	return nj_rule_error(rc, "not a buffer");
}

/* One keyword entry per name, built on first lookup. */
#define NSTICKY (sizeof(sticky) / sizeof(sticky[0]))
#define NMOD (sizeof(modifiers) / sizeof(modifiers[0]))

static struct nj_keyword sticky_kw[NSTICKY];
static struct nj_keyword mod_kw[NMOD];

static void build_tables(void)
{
	if (sticky_kw[0].name)
		return;
	for (size_t i = 0; i < NSTICKY; i++) {
		sticky_kw[i].name = sticky[i].name;
		sticky_kw[i].flags = NJ_KW_STICKY | NJ_KW_NOARG;
		sticky_kw[i].parse = parse_sticky;
	}
	for (size_t i = 0; i < NMOD; i++) {
		mod_kw[i].name = modifiers[i].name;
		mod_kw[i].flags = NJ_KW_MODIFIER | NJ_KW_OPTARG;
		mod_kw[i].parse = parse_modifier;
	}
}

bool nj_buffer_is_modifier(const char *name)
{
	for (size_t i = 0; i < NMOD; i++)
		if (strcmp(modifiers[i].name, name) == 0)
			return true;
	return false;
}

const struct nj_keyword *nj_buffer_keyword(const char *name)
{
	build_tables();
	for (size_t i = 0; i < NSTICKY; i++)
		if (strcmp(sticky_kw[i].name, name) == 0)
			return &sticky_kw[i];
	for (size_t i = 0; i < NMOD; i++)
		if (strcmp(mod_kw[i].name, name) == 0)
			return &mod_kw[i];
	return NULL;
}
