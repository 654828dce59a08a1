#!/bin/sh
# libpcap live capture, one worker: every replayed packet is captured with
# its bytes; with a filter, only what the filter selects. libpcap's
# immediate mode gives each frame a slot of the snap length, so its buffer
# holds a few hundred of these large frames: the larger capture is paced
# (--pps) to test the filter, not the buffer, on a loaded machine.
. "${srcdir:-.}/tests/live/lib.sh"
setup_veth
need_pcap ndpi__WebattackSQLinj.pcap
n=$(count_packets "$pcap")
bytes=$(capinfos -M -d "$pcap" | sed -n 's/^Data size: *\([0-9]*\) bytes/\1/p')
start_probe --backend pcap --count "$n" --seconds 20 --flows
replay "$pcap"
wait_probe
echo "pcap live: want $n packets, $bytes bytes"
check_counts "$n" "${bytes:--}" flows || exit 1

need_pcap ndpi__1kxun.pcap
all=$(count_packets "$pcap")
n=$(count_packets "$pcap" "tcp port 80")
start_probe --backend pcap --seconds 20 --idle-ms 1500 --set "pcap.bpf-filter=tcp port 80"
replay "$pcap" --pps=5000
wait_probe
echo "pcap live filter: want $n of $all packets"
check_counts "$n" - || exit 1
# libpcap has no fanout: more than one worker is refused
if ip netns exec "$NSB" "$PROBE" --backend pcap --iface "$VB" --workers 2 --seconds 1 >/dev/null 2>&1; then
	fail "two pcap workers were accepted"
fi
