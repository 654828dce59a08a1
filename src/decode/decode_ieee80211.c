/* IEEE 802.11 data frames (IEEE 802.11-2020 section 9.3.2) carrying
 * LLC/SNAP (RFC 1042), as Aruba controllers tunnel them in GRE (protocol
 * types 0x8200-0x82ff, no FCS); what it carries is the inner packet of a
 * GRE tunnel.
 *
 *  +---------------+----------+------+------+------+---------+------+-----+
 *  | Frame Control | Duration | Addr1| Addr2| Addr3| Seq Ctl |Addr4 | QoS |
 *  |      2        |    2     |  6   |  6   |  6   |    2    |6 (*) |2 (*)|
 *  +---------------+----------+------+------+------+---------+------+-----+
 *  | HT Control 4 (*) | AA AA 03 | OUI 00 00 00 | EtherType | payload ...
 *  +------------------+----------+--------------+-----------+------------
 *  (*) Addr4 with both To DS and From DS, QoS in QoS subtypes, HT Control
 *  with +HTC/Order in a QoS frame.
 *
 * Only clear, single-MSDU data frames are followed: management and
 * control frames, null data, protected (encrypted) payloads and A-MSDUs
 * leave the packet as the outer one, without an event.
 */
#include "decode/decode_int.h"

#define WLAN_HDR_LEN 24
#define WLAN_TYPE_DATA 2
#define WLAN_SUBTYPE_QOS 0x08
#define WLAN_SUBTYPE_NODATA 0x04
#define WLAN_FL_TODS 0x01
#define WLAN_FL_FROMDS 0x02
#define WLAN_FL_PROTECTED 0x40
#define WLAN_FL_ORDER 0x80
#define WLAN_QOS_AMSDU 0x80

#define SNAP_LEN 8

/* Header length of a data frame worth following, or 0. */
static uint32_t data_header(const uint8_t *data, uint32_t len)
{
	uint8_t fc, fl, type, subtype;
	uint32_t hlen = WLAN_HDR_LEN;

	if (!nj_get_u8(data, len, 0, &fc) || !nj_get_u8(data, len, 1, &fl))
		return 0;
	type = (fc >> 2) & 0x3;
	subtype = fc >> 4;
	if ((fc & 0x3) != 0 || type != WLAN_TYPE_DATA || (subtype & WLAN_SUBTYPE_NODATA) ||
	    (fl & WLAN_FL_PROTECTED))
		return 0;
	if ((fl & WLAN_FL_TODS) && (fl & WLAN_FL_FROMDS))
		hlen += 6;
	if (subtype & WLAN_SUBTYPE_QOS) {
		uint8_t qos;
		if (!nj_get_u8(data, len, hlen, &qos) || (qos & WLAN_QOS_AMSDU))
			return 0;
		hlen += 2;
		if (fl & WLAN_FL_ORDER)
			hlen += 4;
	}
	return nj_has(len, hlen, 0) ? hlen : 0;
}

int nj_decode_ieee80211(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint32_t hlen = data_header(data, len);
	const uint8_t *snap;

	if (!hlen || !nj_has(len, hlen, SNAP_LEN))
		return 0;
	snap = data + hlen;
	if (snap[0] != 0xaa || snap[1] != 0xaa || snap[2] != 0x03 || snap[3] || snap[4] || snap[5])
		return 0;
	if (!nj_decode_tunnel_enter(p, 47))
		return -1;
	return nj_decode_ethertype(p, nj_be16(snap + 6), snap + SNAP_LEN, len - hlen - SNAP_LEN);
}
