#!/usr/bin/python3
"""A pattern cut into ten TCP segments, three of them sent out of order, in
each direction: only the reassembled stream holds it, no segment does."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402

REQUEST = b"TEN-SEGMENT-REQUEST-MARKER-0123456789"     # 37 bytes
RESPONSE = b"TEN-SEGMENT-RESPONSE-TOKEN-abcdefghij"    # 37 bytes
ORDER = [0, 1, 3, 2, 4, 5, 8, 6, 7, 9]                 # 3, 8 early


def pieces(data):
    """Ten pieces (offset, bytes) of data, in sending order."""
    cuts = [len(data) * k // 10 for k in range(11)]
    parts = [(cuts[k], data[cuts[k]:cuts[k + 1]]) for k in range(10)]
    return [parts[k] for k in ORDER]


def main(path):
    with pg.PcapWriter(path) as w:
        s = pg.TcpSession("10.0.0.1", "10.0.0.2", 52010, 8080)
        frames = s.handshake()                                  # 1-3
        for off, part in pieces(REQUEST):                       # 4-13
            frames += s.send(part, offset=off)
        frames += s.ack(from_client=False)                      # 14
        for off, part in pieces(RESPONSE):                      # 15-24
            frames += s.send(part, from_client=False, offset=off)
        frames += s.ack()                                       # 25
        frames += s.close()                                     # 26-28
        w.write_all(frames)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
