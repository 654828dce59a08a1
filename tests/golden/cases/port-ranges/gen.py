#!/usr/bin/python3
"""Port ranges, lists, negation, source ports, <> and a protocol mismatch."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        a, b = "10.0.0.1", "10.0.0.2"
        for sport, dport in [(1111, 53), (1112, 80), (1113, 1024), (1114, 65535), (53, 5353)]:
            w.write(pg.udp_packet(a, b, sport, dport, b"ports"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
