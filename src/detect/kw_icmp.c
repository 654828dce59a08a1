/* ICMP header keywords: itype icode icmp_id icmp_seq (ICMPv4 and v6). */
#include "core/packet.h"
#include "detect/keywords.h"
#include "detect/kw_num.h"

#define IS_ICMP(p) ((p)->ip_ver && ((p)->proto == 1 || (p)->proto == 58) && (p)->l4 && \
		    !((p)->flags & NJ_PKT_IS_FRAGMENT))

NJ_NUM_KEYWORD(itype, "itype", IS_ICMP(p) ? p->icmp.type : -1);
NJ_NUM_KEYWORD(icode, "icode", IS_ICMP(p) ? p->icmp.code : -1);
NJ_NUM_KEYWORD(icmp_id, "icmp_id", IS_ICMP(p) && p->icmp.has_id ? p->icmp.id : -1);
NJ_NUM_KEYWORD(icmp_seq, "icmp_seq", IS_ICMP(p) && p->icmp.has_id ? p->icmp.seq : -1);
