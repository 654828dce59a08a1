/* The TCP stream engine: session state tracking and in-order reassembly.
 *
 * Runs as NJ_STAGE_STREAM after the flow table. For each TCP packet it
 * tracks the session (3-way handshake, simultaneous open, FIN/RST teardown,
 * optional midstream pickup), validates SYN/ACK and sequence numbers (stream
 * events for what is invalid), reassembles each direction with a
 * target-based overlap policy, attaches new in-order data to p->stream (for
 * the app-layer parsers) and, on a packet of the same direction, the data
 * its receiver acknowledged since the last time to p->raw_stream (for stream
 * rules; struct nj_stream_chunk, see core/packet.h). When the flow ends,
 * data never delivered in order (after a hole) and everything not inspected
 * yet are flushed as pseudo-packets (NJ_PKT_PSEUDO, chunk.flow_end)
 * dispatched from NJ_STAGE_STREAM + 1.
 *
 * Config keys:
 *   stream.midstream (bool, false)        pick up sessions without a SYN
 *   stream.inline (bool, false)           raw windows as soon as data is in
 *                                         order, not at the receiver's ACK
 *   stream.memcap (size, 64mb)            sessions, per worker
 *   stream.reassembly.memcap (256mb)      segments, per worker
 *   stream.reassembly.depth (1mb, 0 = unlimited)
 *   stream.reassembly.policy (bsd)        default overlap policy
 *   stream.inspect-overlap (1500)         context bytes repeated in chunks
 *   host-os-policy.<policy>: [networks]   per-destination policy
 * Counters: tcp.sessions, tcp.memuse, tcp.reassembly_memuse,
 *   tcp.ssn_memcap_drop, tcp.segment_memcap_drop, tcp.reassembly_gap,
 *   tcp.overlap, tcp.overlap_diff_data, tcp.invalid_checksum,
 *   tcp.midstream_pickups, tcp.no_session, tcp.pseudo, tcp.depth_reached.
 */
#ifndef NJ_PREPROCESSORS_STREAM_H
#define NJ_PREPROCESSORS_STREAM_H

#include <stdbool.h>
#include <stdint.h>

struct nj_config;
struct nj_flow;
struct nj_packet;

/* Session states (nj_flow.tcp_state). Ordered: everything from
 * NJ_TCP_ESTABLISHED up to NJ_TCP_TIME_WAIT had a completed handshake. */
enum nj_tcp_state {
	NJ_TCP_NONE = 0,
	NJ_TCP_SYN_SENT,
	NJ_TCP_SYN_RECV,
	NJ_TCP_ESTABLISHED,
	NJ_TCP_FIN_WAIT1,
	NJ_TCP_FIN_WAIT2,
	NJ_TCP_CLOSING,
	NJ_TCP_CLOSE_WAIT,
	NJ_TCP_LAST_ACK,
	NJ_TCP_TIME_WAIT,
	NJ_TCP_CLOSED,
};

/* Reads the config, registers the stage (NJ_STAGE_STREAM), its counters and
 * its flush hook (nj_flow_before_end, preprocessors/flow_table.h). Call once
 * at start-up; cfg may be NULL. Returns 0 or -errno. */
int nj_stream_stage_register(const struct nj_config *cfg);

/* For the `stream_size` and `flow` keywords: bytes sent in direction dir
 * (enum nj_dir), counted from sequence numbers (highest seq seen minus the
 * ISN, so retransmissions are not counted twice). Falls back to the flow's
 * byte counters for flows without a TCP session. Returns false when the
 * flow is NULL. */
bool nj_stream_size(const struct nj_flow *f, uint8_t dir, uint64_t *bytes);

/* True when f's TCP session was picked up midstream from a packet that was
 * neither a SYN nor a SYN/ACK: its client is only the sender of the first
 * packet seen, and protocol detection may reverse the flow
 * (nj_flow_reverse, preprocessors/flow_table.h). */
bool nj_stream_direction_guessed(const struct nj_flow *f);

/* Name of a state ("established"), for logs and EVE. */
const char *nj_tcp_state_name(int state);

#endif
