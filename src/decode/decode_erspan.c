/* ERSPAN mirrored frames in GRE protocol 0x88be
 * (draft-foschiano-erspan-03). Type I has no header of its own and no GRE
 * sequence number; type II sets the GRE S bit and adds 8 bytes:
 *
 *  +-------+-----------------------+-----+-+-+-------------------+
 *  |  Ver  |         VLAN          | COS |En|T|    Session ID    |
 *  +-------+-----------------------+-----+-+-+-------------------+
 *  |      Reserved         |               Index                 |
 *  +-----------------------+-------------------------------------+
 *
 * Either way an Ethernet frame follows.
 */
#include "decode/decode_int.h"

#define ERSPAN_II_HDR_LEN 8
#define ERSPAN_II_VERSION 1

int nj_decode_erspan(struct nj_packet *p, const uint8_t *data, uint32_t len, bool type2)
{
	nj_decode_count(NJ_DC_ERSPAN);
	if (type2) {
		if (!nj_has(len, 0, ERSPAN_II_HDR_LEN)) {
			nj_decode_event_add(p, NJ_DEV_ERSPAN_HEADER_TOO_SMALL);
			return -1;
		}
		if (data[0] >> 4 != ERSPAN_II_VERSION) {
			nj_decode_event_add(p, NJ_DEV_ERSPAN_UNSUPPORTED_VERSION);
			return -1;
		}
		data += ERSPAN_II_HDR_LEN;
		len -= ERSPAN_II_HDR_LEN;
	}
	if (!nj_decode_tunnel_enter(p, 47))
		return -1;
	return nj_decode_ethernet(p, data, len);
}
