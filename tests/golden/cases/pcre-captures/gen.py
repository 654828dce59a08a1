#!/usr/bin/python3
"""Named pcre captures into packet and flow variables, logged with alerts."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        a = ("10.0.0.1", "10.0.0.2", 5000, 7000)
        w.write(pg.udp_packet(*a, b"login name=bob user=alice"))   # 1: sets flow name, pkt user
        w.write(pg.udp_packet(*a, b"xxxx nomatch-here"))           # 2: capture of a failing rule
        w.write(pg.udp_packet(*a, b"later"))                       # 3: flow var still set
        w.write(pg.udp_packet(*a, b"login name=carol"))            # 4: replaces the flow var
        w.write(pg.udp_packet(*a, b"later"))                       # 5
        w.write(pg.udp_packet("10.0.0.3", "10.0.0.2", 5001, 7000, b"later"))  # 6: other flow
        w.write(pg.udp_packet(*a, b"tag=a\x01b"))                  # 7: unprintable byte


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
