#!/usr/bin/python3
"""Negated content alone and after a positive content."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        for i, p in enumerate([b"GET /index", b"GET /admin", b"POST /admin"]):
            w.write(pg.udp_packet("10.0.0.1", "10.0.0.2", 42000 + i, 9999, p))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
