# shellcheck shell=sh
# Two network namespaces joined by a veth pair, both ends inside them (none
# in the caller's namespace: frames replayed there keep their captures'
# addresses and can never reach the host's routing). Sourced by the live
# tests, the correlation tests and scripts/try-live.
#
#   nj_netns_pair NSA NSB VA VB [MTU]   make them: IPv6 off (no router
#                                       solicitations or DAD on the link),
#                                       loopback up, VA in NSA and VB in
#                                       NSB up; non-zero when any step fails
#   nj_netns_del NSA NSB                remove them (and the pair with them)

nj_netns_pair() {
	ip netns add "$1" 2>/dev/null || return 1
	ip netns add "$2" 2>/dev/null || return 1
	for ns in "$1" "$2"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
		ip -n "$ns" link set lo up || return 1
	done
	ip link add "$3" netns "$1" type veth peer name "$4" netns "$2" || return 1
	ip -n "$1" link set "$3" ${5:+mtu "$5"} up || return 1
	ip -n "$2" link set "$4" ${5:+mtu "$5"} up || return 1
	# the peer is up only when both ends are
	sleep 0.2
}

nj_netns_del() {
	ip netns del "$1" 2>/dev/null || true
	ip netns del "$2" 2>/dev/null || true
}
