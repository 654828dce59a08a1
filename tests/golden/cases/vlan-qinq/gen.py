#!/usr/bin/python3
"""The same content untagged, under an 802.1Q tag and under 802.1ad+802.1Q tags."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        a, b = "10.0.0.1", "10.0.0.2"
        w.write(pg.udp_packet(a, b, 50000, 9999, b"VLANTEST"))                    # 1 untagged
        w.write(pg.udp_packet(a, b, 50001, 9999, b"VLANTEST", vlan=100))          # 2 802.1Q
        w.write(pg.udp_packet(a, b, 50002, 9999, b"VLANTEST", vlan=[200, 300]))   # 3 QinQ
        w.write(pg.udp_packet(a, b, 50003, 9999, b"other", vlan=100))             # 4


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
