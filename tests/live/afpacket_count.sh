#!/bin/sh
# AF_PACKET, one worker: every replayed packet is captured once, with its
# bytes; VLAN tags the kernel took off are put back (the GRE capture is all
# 802.1Q frames, so its byte count only matches with the tags).
. "${srcdir:-.}/tests/live/lib.sh"
setup_veth
for name in ndpi__WebattackSQLinj.pcap zeek__tunnels_gre-aruba.pcap; do
	need_pcap $name
	n=$(count_packets "$pcap")
	bytes=$(capinfos -M -d "$pcap" | sed -n 's/^Data size: *\([0-9]*\) bytes/\1/p')
	vlan=$(count_packets "$pcap" vlan)
	start_probe --backend afpacket --workers 1 --count "$n" --seconds 20 --flows
	replay "$pcap"
	wait_probe
	echo "$name: $n packets ($vlan with a VLAN tag), $bytes bytes"
	WANT_VLAN=$vlan check_counts "$n" "${bytes:--}" flows || exit 1
done
