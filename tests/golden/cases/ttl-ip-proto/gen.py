#!/usr/bin/python3
"""ttl and ip_proto over UDP, ICMP, TCP and experimental (protocol 253, RFC 3692) packets."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        a, b = "10.0.0.1", "10.0.0.2"
        w.write(pg.udp_packet(a, b, 45000, 9999, b"ttl one", ttl=1))                # 1
        w.write(pg.udp_packet(a, b, 45001, 9999, b"ttl 64", ttl=64))                # 2
        w.write(pg.icmp_packet(a, b, 8, 0, b"ping", ident=1, seq=1, ttl=128))       # 3
        w.write(pg.tcp_packet(a, b, 45002, 80, "S", seq=1, ttl=200))               # 4
        w.write(pg.ether(pg.ipv4(a, b, 253, b"experimental", ttl=64)))           # 5 proto 253


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
