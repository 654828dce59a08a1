#!/usr/bin/python3
"""Simulated IPS: drop and reject rules drop the packet and the rest of its flow."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        a = ("10.0.0.1", "10.0.0.2", 5000, 6000)
        w.write(pg.udp_packet(*a, b"hello"))                    # 1: accepted
        w.write(pg.udp_packet(*a, b"DROPME", ttl=33, ident=77)) # 2: dropped by sid 1
        w.write(pg.udp_packet(*a, b"after"))                    # 3: flow drop, not logged again
        w.write(pg.udp_packet("10.0.0.2", "10.0.0.1", 6000, 5000, b"after"))  # 4: flow drop, to_client
        w.write(pg.udp_packet(*a, b"after"))                    # 5: flow drop, not logged
        b = ("10.0.0.3", "10.0.0.2", 5001, 6000)
        w.write(pg.udp_packet(*b, b"REJECTME"))                 # 6: dropped by sid 2
        w.write(pg.udp_packet(*b, b"after"))                    # 7: flow drop
        w.write(pg.udp_packet("10.0.0.4", "10.0.0.2", 5002, 6000, b"after"))  # 8: sid 3 alerts
        s = pg.TcpSession("10.0.0.5", "10.0.0.2", 40000, 80)
        frames = s.handshake()                                  # 9-11
        frames += s.send(b"EVIL request")                       # 12: dropped by sid 5
        frames += s.send(b"RESP", from_client=False)            # 13: flow drop, to_client
        frames += s.ack()                                       # 14: flow drop, not logged
        w.write_all(frames)
        w.write(pg.icmp_packet("10.0.0.6", "10.0.0.2", 8, ident=9, seq=3))   # 15: dropped by sid 7
        w.write(pg.icmp_packet("10.0.0.2", "10.0.0.6", 0, ident=9, seq=3))   # 16: flow drop


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
