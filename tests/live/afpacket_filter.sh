#!/bin/sh
# AF_PACKET with a BPF capture filter: "tcp port 80" keeps exactly the
# packets tcpdump's filter selects from the capture, and nothing else.
. "${srcdir:-.}/tests/live/lib.sh"
setup_veth
need_pcap ndpi__1kxun.pcap
all=$(count_packets "$pcap")
n=$(count_packets "$pcap" "tcp port 80")
[ "$n" -gt 0 ] && [ "$n" -lt "$all" ] || fail "the capture must mix port 80 and other traffic"
for workers in 1 2; do
	start_probe --backend afpacket --workers $workers --seconds 20 --idle-ms 1500 \
		--set "afpacket.bpf-filter=tcp port 80"
	replay "$pcap"
	wait_probe
	echo "filter, $workers workers: want $n of $all packets"
	check_counts "$n" - || exit 1
done
# a filter that does not compile is refused at open
if ip netns exec "$NSB" "$PROBE" --iface "$VB" --seconds 1 --set "afpacket.bpf-filter=tcp port" \
	>/dev/null 2>"$TMP/err"; then
	fail "a bad filter was accepted"
fi
grep -q bpf-filter "$TMP/err" || { cat "$TMP/err"; fail "no reason for the bad filter"; }
