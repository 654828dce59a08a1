/* Linux "cooked" captures: LINKTYPE_LINUX_SLL (v1) and LINKTYPE_LINUX_SLL2.
 * See https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html and
 * LINKTYPE_LINUX_SLL2.html.
 *
 * SLL (16 bytes):  packet type:2  ARPHRD:2  addr len:2  addr:8  protocol:2
 * SLL2 (20 bytes): protocol:2  reserved:2  ifindex:4  ARPHRD:2  packet type:1
 *                  addr len:1  addr:8
 */
#include "decode/decode_int.h"

#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20

int nj_decode_sll(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	nj_decode_count(NJ_DC_SLL);
	if (!nj_has(len, 0, SLL_HDR_LEN)) {
		nj_decode_event_add(p, NJ_DEV_SLL_PKT_TOO_SMALL);
		return -1;
	}
	return nj_decode_ethertype(p, nj_be16(data + 14), data + SLL_HDR_LEN, len - SLL_HDR_LEN);
}

int nj_decode_sll2(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	nj_decode_count(NJ_DC_SLL);
	if (!nj_has(len, 0, SLL2_HDR_LEN)) {
		nj_decode_event_add(p, NJ_DEV_SLL2_PKT_TOO_SMALL);
		return -1;
	}
	return nj_decode_ethertype(p, nj_be16(data), data + SLL2_HDR_LEN, len - SLL2_HDR_LEN);
}
