/* The application-layer stage: protocol detection and the per-flow parsers
 * (HTTP, DNS, TLS) behind one bus stage, plus what every parser's
 * transaction has in common (completion, anomaly events).
 */
#ifndef NJ_PREPROC_APP_H
#define NJ_PREPROC_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buffer.h"

struct nj_config;
struct nj_flow;

/* Completion (NJ_APP_PROGRESS_DONE, nj_app_tx_complete) is defined with
 * the transaction in core/buffer.h. */

/* What every parser's transaction starts with; nj_app_tx.priv points back
 * to it. `events` has one bit per entry of the protocol's event table. */
struct nj_app_txhdr {
	struct nj_app_tx tx;
	uint64_t events;
};

/* The header of a transaction made by this module; NULL for others. */
static inline struct nj_app_txhdr *nj_app_txhdr(const struct nj_app_tx *tx)
{
	return tx ? (struct nj_app_txhdr *)tx->priv : NULL;
}

/* App-layer events ("http.missing_host_header", "dns.malformed_data",
 * "tls.invalid_record_type"): a global id for a name, or -1. Ids are
 * stable for the run. */
int nj_app_event_lookup(const char *name);
/* Canonical name of an event id, or NULL. Borrowed, static. */
const char *nj_app_event_name(int id);
/* True when tx raised event id. */
bool nj_app_tx_has_event(const struct nj_app_tx *tx, int id);
/* Registers the app_layer.event.* counters; start-up (the stage does it). */
void nj_app_event_counters_init(void);
/* Sets bit `bit` of proto's table on tx and bumps its counter
 * ("app_layer.event.<name>"). For the parsers. */
void nj_app_tx_set_event(struct nj_app_tx *tx, int proto, int bit);

/* Protocol detection from the first bytes of one direction.
 * Returns an enum nj_app_proto, NJ_APP_UNKNOWN when more bytes are needed,
 * NJ_APP_FAILED when nothing matches. `ipproto` is 6 or 17; the ports are the
 * flow's server and client ports and only break ties (FTP vs SMTP banners)
 * or admit DNS, which has no magic bytes. */
int nj_app_detect(const uint8_t *data, uint32_t len, int dir, uint8_t ipproto,
		  uint16_t server_port, uint16_t client_port);

/* Registers the app-layer stage (order NJ_STAGE_APP) and its flow-end hook.
 * Reads app-layer.* settings from cfg (may be NULL: defaults). Returns 0 or
 * -errno. Start-up only. */
int nj_app_stage_register(const struct nj_config *cfg);

/* Frees the app-layer state of f (flow->app); called from the flow-end hook,
 * exported for tests and for a flow table that tears down without hooks. */
void nj_app_flow_free(struct nj_flow *f);

/* The TLS transaction of flow f (its handshake so far), or NULL when the
 * flow is not TLS; for ssl_version/ssl_state/tls.version, which test the
 * flow's handshake from any of its packets. Borrowed for the dispatch. */
const struct nj_app_tx *nj_app_flow_tls(const struct nj_flow *f);

#endif
