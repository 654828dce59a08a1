#!/usr/bin/python3
"""Content with nocase, depth, offset, distance and within."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        payloads = [b"abcdEFGHijkl",          # 1: EFGH at 4..8, ijkl at 8..12
                    b"xxxxxxxxxxxxEFGH",      # 2: EFGH at 12..16
                    b"efgh at start"]         # 3: lower case at 0
        for i, p in enumerate(payloads):
            w.write(pg.udp_packet("10.0.0.1", "10.0.0.2", 41000 + i, 9999, p))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
