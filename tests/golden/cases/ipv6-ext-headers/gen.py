#!/usr/bin/python3
"""UDP behind IPv6 hop-by-hop and destination options headers, and IPv6 fragments."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        a, b = "2001:db8::1", "2001:db8::2"
        hbh = pg.hop_by_hop([pg.ipv6_option(5, b"\x00\x00")])        # router alert
        dst = pg.dest_options([pg.ipv6_option(1, b"\x00\x00\x00\x00")])   # PadN
        for i, ext in enumerate([[hbh], [dst], [hbh, dst]]):
            seg = pg.udp(a, b, 51000 + i, 9999, b"EXTHDR-%d" % (i + 1))
            w.write(pg.ether(pg.ipv6(a, b, pg.UDP, seg, ext=ext)))          # 1, 2, 3
        l4 = pg.udp(a, b, 51010, 9999, b"xxxxxxxxFRAGMENTED6-PAYLOADxxxxx")  # 8 + 32 bytes
        frags = pg.ipv6_fragments(a, b, pg.UDP, l4, pieces=[(24, l4[24:]), (0, l4[:24])], ident=77)
        w.write_all([pg.ether(f) for f in frags])                         # 4 (tail), 5 (head)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
