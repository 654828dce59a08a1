#!/bin/sh
# AF_PACKET with 1, 2 and 4 workers in one fanout group: the workers
# together capture every packet, and each flow lands on exactly one worker.
. "${srcdir:-.}/tests/live/lib.sh"
setup_veth
for name in ndpi__WebattackSQLinj.pcap ndpi__1kxun.pcap; do
	need_pcap $name
	n=$(count_packets "$pcap")
	for workers in 1 2 4; do
		start_probe --backend afpacket --workers $workers --count "$n" --seconds 20 --flows
		replay "$pcap"
		wait_probe
		echo "$name, $workers workers: want $n packets"
		check_counts "$n" - flows || exit 1
	done
done
