#!/usr/bin/python3
"""HTTP bodies seen by rules when their transaction ends.

Flow 1 (port 53200): GET /tool.exe; the 200 response announces 5,000 body
bytes starting with "MZ" but the capture ends after 2,000 of them, with no
FIN: the body is inspected on the flow-end pseudo-packet.
Flow 2 (port 53201): GET /big.js; a 60,000-byte body in 1,000-byte
segments with a marker in the last segment: inspected once 40 KiB came
and again when the response ends.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402


def get(path):
    return ("GET %s HTTP/1.1\r\nHost: files.example\r\n\r\n" % path).encode()


def response(length):
    return ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
            "Content-Length: %d\r\n\r\n" % length).encode()


def main(path):
    with pg.PcapWriter(path) as w:
        s = pg.TcpSession("10.0.0.1", "10.0.0.2", 53200, 80)
        w.write_all(s.handshake())
        body = b"MZ" + b"\x90" * 1998
        w.write_all(s.send(get("/tool.exe")) + s.send(response(5000), from_client=False))
        for i in range(0, len(body), 1000):
            w.write_all(s.send(body[i:i + 1000], from_client=False))
        w.write_all(s.ack(True))                        # the client's last ACK
        t = pg.TcpSession("10.0.0.1", "10.0.0.2", 53201, 80)
        w.write_all(t.handshake())
        big = b"x" * 59990 + b"END-MARKER"
        w.write_all(t.send(get("/big.js")) + t.send(response(len(big)), from_client=False))
        for i in range(0, len(big), 1000):
            w.write_all(t.send(big[i:i + 1000], from_client=False))
        w.write_all(t.close())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
