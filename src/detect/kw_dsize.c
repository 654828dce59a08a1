/* dsize: the size of the packet's payload (never the reassembled stream). */
#include "core/packet.h"
#include "detect/keywords.h"
#include "detect/kw_num.h"

NJ_NUM_KEYWORD(dsize, "dsize", p->ip_ver && !(p->flags & NJ_PKT_PSEUDO) ? (int64_t)p->payload_len : -1);
