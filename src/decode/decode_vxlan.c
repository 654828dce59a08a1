/* VXLAN (RFC 7348) over UDP port 4789, carrying Ethernet.
 *
 *  +-+-+-+-+-+-+-+-+-----------------------------------------------+
 *  |R|R|R|R|I|R|R|R|                 Reserved                      |
 *  +-+-+-+-+-+-+-+-+-------------------------------+---------------+
 *  |            VXLAN Network Identifier (VNI)     |   Reserved    |
 *  +-----------------------------------------------+---------------+
 */
#include "decode/decode_int.h"

#define VXLAN_HDR_LEN 8
#define VXLAN_FLAG_I 0x08

static bool inner_type_ok(uint16_t type)
{
	switch (type) {
	case 0x0800:
	case 0x86dd:
	case 0x0806:
	case 0x8100:
	case 0x88a8:
	case 0x9100:
		return true;
	default:
		return false;
	}
}

int nj_decode_vxlan(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	/* Traffic on the port that does not look like VXLAN stays plain
	 * UDP. */
	if (!nj_has(len, 0, VXLAN_HDR_LEN) || data[0] != VXLAN_FLAG_I ||
	    data[1] != 0 || data[2] != 0 || data[3] != 0 || data[7] != 0)
		return 0;
	if (nj_has(len, VXLAN_HDR_LEN, 14) &&
	    !inner_type_ok(nj_be16(data + VXLAN_HDR_LEN + 12))) {
		nj_decode_event_add(p, NJ_DEV_VXLAN_UNKNOWN_PAYLOAD_TYPE);
		return -1;
	}
	nj_decode_count(NJ_DC_VXLAN);
	if (!nj_decode_tunnel_enter(p, 17))
		return -1;
	return nj_decode_ethernet(p, data + VXLAN_HDR_LEN, len - VXLAN_HDR_LEN);
}
