#!/usr/bin/python3
"""dns.query over two UDP DNS queries (no responses)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        a, ns = "10.0.0.1", "10.0.0.53"
        w.write(pg.udp_packet(a, ns, 54000, 53, pg.dns_query("malware.example.net", ident=1)))  # 1
        w.write(pg.udp_packet(a, ns, 54001, 53, pg.dns_query("www.example.org", ident=2)))      # 2


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
