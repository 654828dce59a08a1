#!/usr/bin/python3
"""itype, icode, icmp_id and icmp_seq over ICMPv4 and ICMPv6."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        a, b, a6, b6 = "10.0.0.1", "10.0.0.2", "2001:db8::1", "2001:db8::2"
        w.write(pg.icmp_packet(a, b, 8, 0, b"ping", ident=100, seq=1))            # 1 echo request
        w.write(pg.icmp_packet(b, a, 0, 0, b"ping", ident=100, seq=1))            # 2 echo reply
        inner = pg.ipv4(b, a, pg.UDP, pg.udp(b, a, 5353, 9999, b"x"))
        w.write(pg.icmp_packet(a, b, 3, 3, inner[:28]))                           # 3 port unreachable
        w.write(pg.icmp_packet(a, b, 8, 0, b"ping", ident=200, seq=2))            # 4 echo request
        w.write(pg.icmpv6_packet(a6, b6, 128, 0, b"ping6", ident=100, seq=1))     # 5 ICMPv6 echo


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
