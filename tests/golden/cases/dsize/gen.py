#!/usr/bin/python3
"""dsize equality, greater-than, range (exclusive) and a less-than that must not fire."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        for i, n in enumerate([10, 100, 50]):
            w.write(pg.udp_packet("10.0.0.1", "10.0.0.2", 44000 + i, 9999, b"z" * n))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
