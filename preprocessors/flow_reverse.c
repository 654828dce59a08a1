/* Reversing a flow's direction: when protocol detection learns that the side
 * taken for the client is the server (a session picked up midstream whose
 * first data is a response), the flow record's ends and everything it keeps
 * per direction are swapped here, and each stage that keeps state of its own
 * per direction swaps it from a hook. The table key (sorted ends) and the
 * flow_id do not change; later packets get their direction from the new
 * ends (flow_table.c). */
#include <errno.h>

#include "core/flow.h"
#include "core/packet.h"
#include "preprocessors/flow_table.h"

#define MAX_ON_REVERSE 4
static nj_flow_reverse_fn on_reverse[MAX_ON_REVERSE];
static int non_reverse;

int nj_flow_on_reverse(nj_flow_reverse_fn fn)
{
	for (int i = 0; i < non_reverse; i++)
		if (on_reverse[i] == fn)
			return 0;
	if (non_reverse == MAX_ON_REVERSE)
		return -ENOSPC;
	on_reverse[non_reverse++] = fn;
	return 0;
}

#define SWAP(type, a, b)                \
	do {                            \
		type t_ = (a);          \
		(a) = (b);              \
		(b) = t_;               \
	} while (0)

/* The socket map names a match by the end it was found at: a socket at the
 * client end (connected) is now at the server end (accepted), and the other
 * way round. A listener stays the owner of the end it listens at. */
static uint8_t reversed_match(uint8_t m)
{
	if (m == NJ_SM_CONNECTED)
		return NJ_SM_ACCEPTED;
	if (m == NJ_SM_ACCEPTED)
		return NJ_SM_CONNECTED;
	return m;
}

/* One bit per enum nj_dir (output/eve_drop.c). */
static uint8_t reversed_dir_bits(uint8_t bits)
{
	uint8_t ts = 1u << NJ_DIR_TO_SERVER, tc = 1u << NJ_DIR_TO_CLIENT;
	uint8_t rest = bits & (uint8_t)~(ts | tc);

	return rest | ((bits & ts) ? tc : 0) | ((bits & tc) ? ts : 0);
}

void nj_flow_reverse(struct nj_flow *f, struct nj_packet *p)
{
	SWAP(struct nj_addr, f->client, f->server);
	SWAP(uint16_t, f->cport, f->sport);
	SWAP(uint64_t, f->pkts_ts, f->pkts_tc);
	SWAP(uint64_t, f->bytes_ts, f->bytes_tc);
	f->drop_logged = reversed_dir_bits(f->drop_logged);
	f->owner_match = reversed_match(f->owner_match);
	if (p && p->flow == f)
		p->dir = nj_dir_reverse(p->dir);
	for (int i = 0; i < non_reverse; i++)
		on_reverse[i](f, p);
}
