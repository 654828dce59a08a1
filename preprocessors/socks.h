/* SOCKS handshakes in front of a TCP flow's own protocol: SOCKS 4 and 4a
 * (CONNECT requests) and SOCKS 5 (RFC 1928) with username/password
 * sub-negotiation (RFC 1929). Once the proxy grants the connection the
 * bytes that follow are the tunnelled protocol's, which the app layer then
 * detects as if the flow started there.
 */
#ifndef NJ_PREPROC_SOCKS_H
#define NJ_PREPROC_SOCKS_H

#include <stdbool.h>
#include <stdint.h>

enum nj_socks_status {
	NJ_SOCKS_MORE,          /* handshake under way */
	NJ_SOCKS_OPEN,          /* the proxy granted a CONNECT */
	NJ_SOCKS_FAILED,        /* refused, or not SOCKS after all */
};

struct nj_socks;

/* True when data, the first bytes a client sent, are exactly one SOCKS 5
 * greeting or one SOCKS 4/4a CONNECT request: a client waits for the
 * proxy's answer before it says more. */
bool nj_socks_greeting(const uint8_t *data, uint32_t len);

/* A handshake state for one flow, owned by the caller and freed with
 * nj_socks_free() (NULL accepted). NULL when out of memory. */
struct nj_socks *nj_socks_new(void);
void nj_socks_free(struct nj_socks *s);

/* Consumes the handshake messages of direction dir (NJ_DIR_TO_SERVER or
 * NJ_DIR_TO_CLIENT) at the start of data[0..n); *used is set to how many
 * bytes of data were handshake (messages split over calls are kept). Bytes
 * past *used belong to the tunnelled protocol: the client's may come
 * before the proxy's grant. Returns the flow's enum nj_socks_status. */
int nj_socks_feed(struct nj_socks *s, int dir, const uint8_t *data, uint32_t n,
		  uint32_t *used);

#endif
