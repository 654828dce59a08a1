#!/usr/bin/python3
"""HTTP request and response buffers: method, uri, host, user agent, status code."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def main(path):
    with pg.PcapWriter(path) as w:
        s = pg.TcpSession("10.0.0.1", "10.0.0.2", 53000, 80)
        req = pg.http_request("GET", "/admin/login.php?user=x", "www.example.com",
                              headers=[("User-Agent", "nightjar-test/1.0"), ("Accept", "*/*")])
        resp = pg.http_response(404, "Not Found", body=b"<html>not here</html>")
        w.write_all(s.handshake() + s.exchange(req, resp) + s.close())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
