#!/usr/bin/python3
"""Five UDP datagrams; only packets 2 and 4 carry MAGIC (3 has it in lower case)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        payloads = [b"hello", b"xx MAGIC yy", b"magic lower", b"MAGIC again", b"nothing"]
        for i, p in enumerate(payloads):
            w.write(pg.udp_packet("10.0.0.1", "10.0.0.2", 40000 + i, 9999, p))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
