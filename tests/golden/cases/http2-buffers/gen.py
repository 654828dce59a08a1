#!/usr/bin/python3
"""HTTP/2 with prior knowledge: two streams on one connection, header
blocks split over HEADERS and CONTINUATION, padded frames, bodies in DATA.

Packets: 1-3 handshake; 4 server SETTINGS; 5 client preface + SETTINGS +
stream 1 HEADERS (padded, priority) ending the stream; 6 client stream 3
HEADERS without END_HEADERS; 7 its CONTINUATION, then padded DATA "secret
payload" ending the stream; 8 server stream 1 response 200 + DATA "hello h2";
9 server stream 3 response 404 (HEADERS ending the stream); 10-12 teardown.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import pcapgen as pg  # noqa: E402

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, SETTINGS, CONTINUATION = 0, 1, 4, 9
END_STREAM, END_HEADERS, PADDED, PRIORITY = 0x1, 0x4, 0x8, 0x20


def frame(ftype, flags, sid, payload):
    """RFC 9113 4.1: 24-bit length, type, flags, 31-bit stream id."""
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + \
        struct.pack(">I", sid) + payload


def literal(name, value):
    """RFC 7541 6.2.2: literal field without indexing, new name, no Huffman
    (every string here is shorter than 127 bytes)."""
    name, value = name.encode(), value.encode()
    return bytes([0x00, len(name)]) + name + bytes([len(value)]) + value


def block(headers, method_get=False):
    """A header block; :method GET as static table index 2 when asked."""
    out = b"\x82" if method_get else b""
    return out + b"".join(literal(n, v) for n, v in headers)


def main(path):
    req1 = block([(":scheme", "http"), (":authority", "H2.Example.org"),
                  (":path", "/static/../download//tool.exe?x=1"),
                  ("user-agent", "nightjar-h2-test"), ("cookie", "session=abc")],
                 method_get=True)
    req3 = block([(":method", "POST"), (":scheme", "http"),
                  (":authority", "h2.example.org"), (":path", "/upload"),
                  ("content-type", "text/plain")])
    resp1 = block([(":status", "200"), ("server", "h2srv"), ("content-type", "text/plain")])
    resp3 = block([(":status", "404"), ("server", "h2srv")])
    pad = 4
    headers1 = bytes([pad]) + struct.pack(">IB", 0, 15) + req1 + b"\x00" * pad
    body = b"secret payload"
    client1 = PREFACE + frame(SETTINGS, 0, 0, b"") + \
        frame(HEADERS, END_STREAM | END_HEADERS | PADDED | PRIORITY, 1, headers1)
    client2 = frame(HEADERS, 0, 3, req3[:10])
    client3 = frame(CONTINUATION, END_HEADERS, 3, req3[10:]) + \
        frame(DATA, END_STREAM | PADDED, 3, bytes([3]) + body + b"\x00" * 3)
    server1 = frame(SETTINGS, 0, 0, b"")
    server2 = frame(HEADERS, END_HEADERS, 1, resp1) + frame(DATA, END_STREAM, 1, b"hello h2")
    server3 = frame(HEADERS, END_HEADERS | END_STREAM, 3, resp3)
    with pg.PcapWriter(path) as w:
        s = pg.TcpSession("10.0.0.1", "10.0.0.2", 53100, 8080)
        w.write_all(s.handshake())
        w.write_all(s.send(server1, from_client=False) + s.send(client1) + s.send(client2) +
                    s.send(client3) + s.send(server2, from_client=False) +
                    s.send(server3, from_client=False))
        w.write_all(s.close())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "input.pcap"))
