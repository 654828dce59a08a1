/* The list of decoder events: X(identifier, "name"). */
#ifndef NJ_DECODE_EVENT_LIST_H
#define NJ_DECODE_EVENT_LIST_H

#define NJ_DECODE_EVENTS(X)                                                    \
	X(IPV4_PKT_TOO_SMALL, "ipv4.pkt_too_small")                            \
	X(IPV4_TRUNC_PKT, "ipv4.trunc_pkt")

#endif
