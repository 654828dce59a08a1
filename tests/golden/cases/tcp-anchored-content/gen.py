#!/usr/bin/python3
"""A request and a response on one TCP session: plain tcp rules with an
anchored content (offset/depth) inspect the packet and, once acknowledged,
the stream; unanchored ones only the stream."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        s = pg.TcpSession("10.0.0.1", "10.0.0.2", 52100, 8080)
        frames = s.handshake()                                      # 1-3
        frames += s.send(b"GET /index HTTP/1.0\r\n\r\n")            # 4: request
        frames += s.ack(from_client=False)                          # 5: acknowledges it
        frames += s.send(b"HTTP/1.0 200 OK\r\n\r\n", from_client=False)  # 6: response
        frames += s.ack()                                           # 7: acknowledges it
        frames += s.close()                                         # 8-10
        w.write_all(frames)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
