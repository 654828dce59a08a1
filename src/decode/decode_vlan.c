/* IEEE 802.1Q VLAN tags, 802.1ad / pre-standard QinQ stacking, and the
 * Cisco VN-Tag (IEEE 802.1Qbh draft) that can sit between them.
 *
 * The tag follows the outer ethertype (TPID 0x8100, 0x88a8 or 0x9100):
 *
 *   0       2       4
 *  +-------+-------+---------
 *  | TCI   | type  | payload       TCI = PCP:3 DEI:1 VID:12
 *  +-------+-------+---------
 *
 * VN-Tag (ethertype 0x8926) is 4 bytes of tag and then the next type.
 */
#include "decode/decode_int.h"

#define VLAN_HDR_LEN 4
#define VNTAG_HDR_LEN 6
#define ETHERTYPE_VNTAG 0x8926
/* Tags in one stack; the same limit as Suricata, so triple-tagged
 * provider networks decode. Only the first NJ_MAX_VLAN ids are kept. */
#define VLAN_MAX_LAYERS 3

static bool is_vlan_tpid(uint16_t type)
{
	return type == 0x8100 || type == 0x88a8 || type == 0x9100;
}

/* Decodes one stack of consecutive tags; tpid is the type that announced
 * the first one. */
int nj_decode_vlan(struct nj_packet *p, const uint8_t *data, uint32_t len, uint16_t tpid)
{
	unsigned layers = 0;
	uint16_t type = tpid;

	while (is_vlan_tpid(type) || type == ETHERTYPE_VNTAG) {
		uint32_t hl = type == ETHERTYPE_VNTAG ? VNTAG_HDR_LEN : VLAN_HDR_LEN;

		if (!nj_has(len, 0, hl)) {
			nj_decode_event_add(p, NJ_DEV_VLAN_HEADER_TOO_SMALL);
			return -1;
		}
		if (type != ETHERTYPE_VNTAG) {
			if (++layers > VLAN_MAX_LAYERS) {
				nj_decode_event_add(p, NJ_DEV_VLAN_HEADER_TOO_MANY_LAYERS);
				return -1;
			}
			if (layers == 1)
				nj_decode_count(NJ_DC_VLAN);
			else if (layers == 2)
				nj_decode_count(NJ_DC_VLAN_QINQ);
			if (p->vlan_count < NJ_MAX_VLAN)
				p->vlan[p->vlan_count++] = nj_be16(data) & 0x0fff;
		}
		type = nj_be16(data + hl - 2);
		data += hl;
		len -= hl;
	}
	if (!nj_decode_ethertype_known(type)) {
		p->ethertype = type;
		nj_decode_event_add(p, NJ_DEV_VLAN_UNKNOWN_TYPE);
		return -1;
	}
	return nj_decode_ethertype(p, type, data, len);
}
