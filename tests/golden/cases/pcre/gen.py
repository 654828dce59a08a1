#!/usr/bin/python3
"""pcre with a class, the i flag and the relative R flag."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        for i, p in enumerate([b"user=admin&pass=1234", b"user=bob&pass=abcd", b"USER=ADMIN"]):
            w.write(pg.udp_packet("10.0.0.1", "10.0.0.2", 43000 + i, 9999, p))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
