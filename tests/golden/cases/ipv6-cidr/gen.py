#!/usr/bin/python3
"""IPv6 CIDRs, lists with negation and a negated source in rule headers."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        pkts = [("2001:db8:1::10", "2001:db8:2::20"),     # 1
                ("2001:db8:1:ff::1", "2001:db8:2::20"),   # 2
                ("2001:db9::1", "2001:db8:2::20"),        # 3
                ("fe80::1", "ff02::1")]                   # 4
        for i, (s, d) in enumerate(pkts):
            w.write(pg.udp_packet(s, d, 47000 + i, 9999, b"v6"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
