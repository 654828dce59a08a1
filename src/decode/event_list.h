/* The list of decoder events: X(identifier, "name"). */
#ifndef NJ_DECODE_EVENT_LIST_H
#define NJ_DECODE_EVENT_LIST_H

#define NJ_DECODE_EVENTS(X)                                                    \
	X(IPV4_PKT_TOO_SMALL, "ipv4.pkt_too_small")                            \
	X(IPV4_TRUNC_PKT, "ipv4.trunc_pkt")                                    \
	X(IPV4_FRAG_PKT_TOO_LARGE, "ipv4.frag_pkt_too_large")                  \
	X(IPV4_FRAG_OVERLAP, "ipv4.frag_overlap")                              \
	X(IPV4_FRAG_IGNORED, "ipv4.frag_ignored")                              \
	X(IPV6_FRAG_PKT_TOO_LARGE, "ipv6.frag_pkt_too_large")                  \
	X(IPV6_FRAG_OVERLAP, "ipv6.frag_overlap")                              \
	X(IPV6_FRAG_IGNORED, "ipv6.frag_ignored")                              \
	X(STREAM_3WHS_SYNACK_WITH_WRONG_ACK, "stream.3whs_synack_with_wrong_ack") \
	X(STREAM_3WHS_SYNACK_IN_WRONG_DIRECTION, "stream.3whs_synack_in_wrong_direction") \
	X(STREAM_3WHS_SYN_RESEND_DIFF_SEQ, "stream.3whs_syn_resend_diff_seq")  \
	X(STREAM_3WHS_WRONG_SEQ_WRONG_ACK, "stream.3whs_wrong_seq_wrong_ack")  \
	X(STREAM_EST_PACKET_OUT_OF_WINDOW, "stream.est_packet_out_of_window")  \
	X(STREAM_RST_INVALID, "stream.rst_invalid")                            \
	X(STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA, "stream.reassembly_overlap_different_data")

#endif
