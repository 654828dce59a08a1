#!/usr/bin/python3
"""seq, ack and window on single TCP packets, each on its own flow."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        a, b = "10.0.0.1", "10.0.0.2"
        w.write(pg.tcp_packet(a, b, 56000, 80, "S", seq=12345, window=1024))          # 1
        w.write(pg.tcp_packet(a, b, 56001, 80, "A", seq=1, ack=99999))               # 2
        w.write(pg.tcp_packet(a, b, 56002, 80, "PA", seq=5, ack=7, payload=b"x",
                              window=0))                                              # 3


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
