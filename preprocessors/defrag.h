/* IP fragment reassembly stage (IPv4 RFC 791, IPv6 RFC 8200 section 4.5).
 *
 * Runs as NJ_STAGE_DEFRAG. Fragments are kept per (addresses, id, protocol,
 * VLAN) with a target-based overlap policy chosen by destination network;
 * when a datagram is complete it is rebuilt, decoded with nj_decode_ip()
 * and dispatched from NJ_STAGE_FLOW with NJ_PKT_REASSEMBLED. The fragments
 * themselves continue through the pipeline flagged NJ_PKT_IS_FRAGMENT.
 * Anomalies are decoder events: ipv4/ipv6.frag_overlap,
 * .frag_pkt_too_large, .frag_ignored (fragment for a datagram already
 * reassembled).
 *
 * Config keys:
 *   defrag.memcap (size, 32mb, per worker), defrag.timeout (60 s),
 *   defrag.hash-size (4096), defrag.policy (bsd),
 *   defrag.host-config: sequence of {address: [nets], policy, timeout},
 *     optionally under a name as in Suricata (- dmz: {address: ...});
 *   host-os-policy (as for streams) when no host-config entry matches.
 * Counters: defrag.ipv4.fragments, defrag.ipv4.reassembled,
 *   defrag.ipv6.fragments, defrag.ipv6.reassembled, defrag.memuse,
 *   defrag.memcap_drop, defrag.timeouts, defrag.overlaps,
 *   defrag.invalid_checksum (IPv4 fragments flagged NJ_PKT_IPV4_CSUM_BAD
 *   are not used).
 */
#ifndef NJ_PREPROCESSORS_DEFRAG_H
#define NJ_PREPROCESSORS_DEFRAG_H

#include <stdbool.h>
#include <stdint.h>

struct nj_config;

/* Reads the config and registers the stage and its counters. Call once at
 * start-up; cfg may be NULL. Returns 0 or -errno (-EINVAL for a bad policy
 * name or network). */
int nj_defrag_stage_register(const struct nj_config *cfg);

/* Whether new fragment data [noff, nend) replaces data [ooff, oend) of an
 * earlier fragment where they overlap, for an IP policy. Exposed for tests. */
bool nj_defrag_new_wins(int policy, uint32_t noff, uint32_t nend, uint32_t ooff, uint32_t oend);

#endif
