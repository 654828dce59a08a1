#!/usr/bin/python3
"""A UDP datagram in three IPv4 fragments, sent out of order; content spans them."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        a, b = "10.0.0.1", "10.0.0.2"
        l4 = pg.udp(a, b, 49000, 9999, b"0123456789-FRAGMENTED-MAGIC-0123")   # 8 + 32 bytes
        frags = pg.ipv4_fragments(a, b, pg.UDP, l4, pieces=[(16, l4[16:32]), (0, l4[:16]),
                                                            (32, l4[32:])], ident=4242)
        w.write_all([pg.ether(f) for f in frags])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
