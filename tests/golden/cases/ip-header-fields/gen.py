#!/usr/bin/python3
"""ipopts, tos, id, sameip, fragbits and fragoffset on single IPv4 packets."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        a, b = "10.0.0.1", "10.0.0.2"
        rr = pg.ipv4_option(7, b"\x04" + b"\x00" * 4)                  # record route, one slot
        lsrr = pg.ipv4_option(131, b"\x04" + bytes([192, 0, 2, 1]))     # loose source route
        def udp4(src, dst, sport, **kw):
            return pg.ether(pg.ipv4(src, dst, pg.UDP, pg.udp(src, dst, sport, 9999, b"hdr"), **kw))
        w.write(udp4(a, b, 55000, tos=0x10, ident=1111, options=rr))         # 1
        w.write(udp4(a, b, 55001, ident=2222, options=lsrr))                 # 2
        w.write(udp4("10.0.0.5", "10.0.0.5", 55002, ident=3000))             # 3 same address
        w.write(udp4(a, b, 55003, ident=3333, df=True))                      # 4 DF
        w.write(pg.ether(pg.ipv4(a, b, pg.UDP, b"tailtail", ident=4444,
                                 frag_offset=64)))                           # 5 lone last fragment


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
