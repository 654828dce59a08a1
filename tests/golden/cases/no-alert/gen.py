#!/usr/bin/python3
"""Near misses only: no rule may fire on this capture."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        a, b = "10.0.0.1", "10.0.0.2"
        w.write(pg.udp_packet(a, b, 48000, 9999, b"secre t"))                    # split word
        w.write(pg.udp_packet(a, b, 48001, 9999, b"SECRET"))                     # wrong case
        w.write(pg.udp_packet(b, a, 9999, 48002, b"secret"))                     # wrong direction
        s = pg.TcpSession(a, b, 48003, 9999)
        w.write_all(s.handshake() + s.send(b"x") + s.close())                  # TCP, no payload match


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
