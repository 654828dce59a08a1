#!/usr/bin/python3
"""flags: exact, +, *, ! and 0 over single TCP packets, each on its own flow."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        a, b = "10.0.0.1", "10.0.0.2"
        for i, fl in enumerate(["S", "SA", "A", "PA", "FA", "R", "SF", 0]):
            payload = b"data" if fl == "PA" else b""
            w.write(pg.tcp_packet(a, b, 46000 + i, 80, fl, seq=1000, ack=1 if "A" in str(fl) else 0,
                                  payload=payload))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
