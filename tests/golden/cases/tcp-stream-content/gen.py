#!/usr/bin/python3
"""Content split over two TCP segments sent out of order, matched on the reassembled stream."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        s = pg.TcpSession("10.0.0.1", "10.0.0.2", 52000, 8080)
        frames = s.handshake()                                  # 1-3
        frames += s.send(b"MARKER-TAIL", offset=6)              # 4: second half first
        frames += s.send(b"SPLIT-", offset=0)                   # 5: fills the hole
        frames += s.ack(from_client=False)                      # 6
        frames += s.send(b"RESPONSE-TOKEN", from_client=False)  # 7
        frames += s.ack()                                       # 8
        frames += s.close()                                     # 9-11
        w.write_all(frames)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
