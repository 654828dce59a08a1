#!/usr/bin/python3
"""Write pcap files for nightjar's golden tests (Python standard library only).

Builders return bytes, innermost layer first, so a test spells out exactly
the packet it wants (RFC 791 IPv4, RFC 8200 IPv6, RFC 9293 TCP, RFC 768 UDP,
RFC 792 ICMP, RFC 4443 ICMPv6, RFC 1035 DNS, RFC 9112 HTTP/1.1):

    import pcapgen as pg
    seg = pg.udp("10.0.0.1", "10.0.0.2", 1234, 53, b"hello")
    pkt = pg.ether(pg.ipv4("10.0.0.1", "10.0.0.2", pg.UDP, seg, ttl=3))
    with pg.PcapWriter("input.pcap") as w:
        w.write(pkt)

Shortcuts build a whole Ethernet frame: udp_packet(), tcp_packet(),
icmp_packet(), icmpv6_packet().  Addresses are strings; the IP version is
taken from them.  Checksums are computed (TCP/UDP/ICMPv6 over the pseudo
header) unless `checksum=` gives a value to write instead.

Fragments: ipv4(..., frag_offset=BYTES, mf=True) and ipv6(..., ext=[
fragment_header(offset, more, ident)]) make single fragments with arbitrary
offsets, so overlapping and out-of-order cases are written fragment by
fragment; ipv4_fragments()/ipv6_fragments() cut a payload into pieces.

TcpSession builds a conversation: handshake(), send() with optional explicit
relative sequence offsets (for out-of-order and overlapping data), close().

Run `pcapgen.py --self-test` to check the output with tshark.
"""

import ipaddress
import struct

ETH_IPV4 = 0x0800
ETH_IPV6 = 0x86DD
ETH_VLAN = 0x8100
ETH_QINQ = 0x88A8

ICMP = 1
TCP = 6
UDP = 17
IPV6_HOP = 0
IPV6_ROUTING = 43
IPV6_FRAGMENT = 44
ICMPV6 = 58
IPV6_NONE = 59
IPV6_DSTOPTS = 60

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101

DEFAULT_START = 1_767_268_800.0  # 2026-01-01T12:00:00Z, fixed for reproducible files


# ---------------------------------------------------------------- utilities

def checksum(data):
    """RFC 1071 Internet checksum of data (odd length padded with a zero)."""
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _addr(a):
    return ipaddress.ip_address(a)


def _is_v6(a):
    return _addr(a).version == 6


def pseudo_header(src, dst, proto, length):
    """The IPv4 (RFC 9293 3.1) or IPv6 (RFC 8200 8.1) pseudo header."""
    s, d = _addr(src), _addr(dst)
    if s.version != d.version:
        raise ValueError("address families differ: %s %s" % (src, dst))
    if s.version == 4:
        return s.packed + d.packed + struct.pack("!BBH", 0, proto, length)
    return s.packed + d.packed + struct.pack("!IxxxB", length, proto)


def mac(text):
    """'02:00:00:00:00:01' -> 6 bytes."""
    out = bytes(int(x, 16) for x in text.split(":"))
    if len(out) != 6:
        raise ValueError("bad MAC address %r" % text)
    return out


# ----------------------------------------------------------------- link layer

def ether(payload, src="02:00:00:00:00:01", dst="02:00:00:00:00:02", ethertype=None,
          vlan=None):
    """Ethernet II frame.

    ethertype defaults from the payload's IP version nibble.  vlan is a VLAN
    id, or a list of ids outermost first (802.1ad QinQ uses 0x88a8 for the
    outer tag); an id may be a (vid, pcp) tuple.
    """
    if ethertype is None:
        version = payload[0] >> 4 if payload else 0
        ethertype = ETH_IPV6 if version == 6 else ETH_IPV4
    tags = b""
    if vlan is not None:
        ids = vlan if isinstance(vlan, (list, tuple)) and not (
            len(vlan) == 2 and isinstance(vlan, tuple)) else [vlan]
        for i, tag in enumerate(ids):
            vid, pcp = tag if isinstance(tag, tuple) else (tag, 0)
            tpid = ETH_QINQ if (i == 0 and len(ids) > 1) else ETH_VLAN
            tags += struct.pack("!HH", tpid, (pcp << 13) | (vid & 0x0FFF))
    return mac(dst) + mac(src) + tags + struct.pack("!H", ethertype) + payload


# ---------------------------------------------------------------- IP layer

def ipv4(src, dst, proto, payload, ttl=64, ident=1, tos=0, df=False, mf=False,
         frag_offset=0, options=b"", checksum_value=None, total_length=None, ihl=None):
    """IPv4 header + payload.

    frag_offset is in bytes and must be a multiple of 8.  options are raw
    bytes, padded with EOL to a multiple of 4 (see ipv4_option()).
    total_length/ihl override the computed fields (for malformed packets).
    """
    if frag_offset % 8:
        raise ValueError("IPv4 fragment offset %d is not a multiple of 8" % frag_offset)
    if len(options) % 4:
        options += b"\x00" * (4 - len(options) % 4)
    hl = 20 + len(options)
    if hl > 60:
        raise ValueError("IPv4 options too long")
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0) | (frag_offset // 8)
    length = hl + len(payload) if total_length is None else total_length
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | (ihl if ihl is not None else hl // 4), tos,
                      length, ident, flags, ttl, proto, 0,
                      _addr(src).packed, _addr(dst).packed) + options
    csum = checksum(hdr) if checksum_value is None else checksum_value
    return hdr[:10] + struct.pack("!H", csum) + hdr[12:] + payload


def ipv4_option(kind, data=b""):
    """One IPv4 option: kind 0 (EOL) and 1 (NOP) are single bytes; others TLV.

    Common kinds: 7 record route, 68 timestamp, 130 security, 131 LSRR,
    137 SSRR, 148 router alert.
    """
    if kind in (0, 1):
        return bytes([kind])
    return bytes([kind, 2 + len(data)]) + data


class Ipv6Ext:
    """An IPv6 extension header; `code` is its protocol number."""

    def __init__(self, code, body):
        self.code = code
        self.body = body  # everything after the next-header byte

    def build(self, next_header):
        return bytes([next_header]) + self.body


def _ext_options(code, options):
    raw = b"".join(options)
    total = 2 + len(raw)
    pad = (-total) % 8
    if pad == 1:
        raw += b"\x00"  # Pad1
    elif pad:
        raw += bytes([1, pad - 2]) + b"\x00" * (pad - 2)  # PadN
    return Ipv6Ext(code, bytes([(2 + len(raw)) // 8 - 1]) + raw)


def hop_by_hop(options=()):
    """Hop-by-hop options header; options are raw TLVs (see ipv6_option())."""
    return _ext_options(IPV6_HOP, options)


def dest_options(options=()):
    """Destination options header; options are raw TLVs."""
    return _ext_options(IPV6_DSTOPTS, options)


def ipv6_option(kind, data=b""):
    """One IPv6 option TLV (kind 0 is Pad1, a single byte)."""
    if kind == 0:
        return b"\x00"
    return bytes([kind, len(data)]) + data


def routing_header(addresses=(), routing_type=0, segments_left=None):
    """Routing header carrying IPv6 addresses (type 0 layout).

    The TCP/UDP/ICMPv6 builders checksum over the addresses they are given;
    pass the final destination there when segments are left (RFC 8200 8.1).
    """
    addrs = b"".join(_addr(a).packed for a in addresses)
    left = len(addresses) if segments_left is None else segments_left
    return Ipv6Ext(IPV6_ROUTING, bytes([len(addresses) * 2, routing_type, left]) +
                   b"\x00" * 4 + addrs)


def fragment_header(offset=0, more=False, ident=1):
    """Fragment header; offset in bytes (multiple of 8)."""
    if offset % 8:
        raise ValueError("IPv6 fragment offset %d is not a multiple of 8" % offset)
    return Ipv6Ext(IPV6_FRAGMENT, struct.pack("!BHI", 0, offset | (1 if more else 0), ident))


def ipv6(src, dst, nh, payload, hlim=64, tc=0, flow=0, ext=(), payload_length=None):
    """IPv6 header, extension headers (in order) and payload.

    nh is the protocol of the payload after the last extension header.
    """
    chain = b""
    codes = [e.code for e in ext] + [nh]
    for i, e in enumerate(ext):
        chain += e.build(codes[i + 1])
    body = chain + payload
    plen = len(body) if payload_length is None else payload_length
    first = struct.pack("!IHBB", (6 << 28) | (tc << 20) | (flow & 0xFFFFF), plen, codes[0], hlim)
    return first + _addr(src).packed + _addr(dst).packed + body


def ip(src, dst, proto, payload, **kw):
    """IPv4 or IPv6 by address family; keyword arguments go to ipv4()/ipv6()."""
    if _is_v6(src):
        return ipv6(src, dst, proto, payload, **kw)
    return ipv4(src, dst, proto, payload, **kw)


def _cut(data, size, pieces):
    if pieces is None:
        pieces = [(o, data[o:o + size]) for o in range(0, len(data), size)]
    return pieces


def ipv4_fragments(src, dst, proto, data, size=8, pieces=None, ident=7, **kw):
    """IPv4 fragments of `data` (an L4 header + payload).

    By default data is cut into `size`-byte pieces (size a multiple of 8).
    pieces=[(offset, bytes), ...] gives the fragments explicitly, in sending
    order, for overlaps and holes; the fragment ending furthest has MF clear.
    """
    pieces = _cut(data, size, pieces)
    end = max(o + len(b) for o, b in pieces)
    return [ipv4(src, dst, proto, b, ident=ident, frag_offset=o, mf=(o + len(b) < end), **kw)
            for o, b in pieces]


def ipv6_fragments(src, dst, nh, data, size=8, pieces=None, ident=7, ext=(), **kw):
    """IPv6 fragments of `data`, like ipv4_fragments(); ext headers precede
    the fragment header in each fragment (the unfragmentable part)."""
    pieces = _cut(data, size, pieces)
    end = max(o + len(b) for o, b in pieces)
    return [ipv6(src, dst, nh, b, ext=list(ext) + [fragment_header(o, o + len(b) < end, ident)],
                 **kw) for o, b in pieces]


# ---------------------------------------------------------------- transport

TCP_FLAGS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10, "U": 0x20,
             "E": 0x40, "C": 0x80}


def tcp_flags(flags):
    """'SA' -> 0x12; an int is returned unchanged.  Letters: F S R P A U E C."""
    if isinstance(flags, int):
        return flags
    value = 0
    for ch in flags:
        value |= TCP_FLAGS[ch.upper()]
    return value


def tcp_option(kind, value=None):
    """One TCP option.

    kind is a number or a name: 'eol', 'nop', 'mss' (value: int),
    'wscale' (int), 'sackok', 'sack' (list of (left, right)), 'ts'
    ((tsval, tsecr)); a number with bytes value makes a raw TLV.
    """
    if kind in ("eol", 0):
        return b"\x00"
    if kind in ("nop", 1):
        return b"\x01"
    if kind == "mss":
        return struct.pack("!BBH", 2, 4, value)
    if kind == "wscale":
        return struct.pack("!BBB", 3, 3, value)
    if kind == "sackok":
        return b"\x04\x02"
    if kind == "sack":
        body = b"".join(struct.pack("!II", l, r) for l, r in value)
        return bytes([5, 2 + len(body)]) + body
    if kind == "ts":
        return struct.pack("!BBII", 8, 10, value[0], value[1])
    return bytes([kind, 2 + len(value or b"")]) + (value or b"")


def tcp(src, dst, sport, dport, seq=0, ack=0, flags="", payload=b"", window=65535,
        options=(), urg=0, checksum_value=None, data_offset=None):
    """TCP segment with a correct checksum over the pseudo header.

    options: raw bytes or a list of tcp_option() results; padded with EOL
    to a multiple of 4.  checksum_value writes that checksum instead.
    """
    opts = options if isinstance(options, bytes) else b"".join(options)
    if len(opts) % 4:
        opts += b"\x00" * (4 - len(opts) % 4)
    off = (20 + len(opts)) // 4 if data_offset is None else data_offset
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      off << 4, tcp_flags(flags), window, 0, urg) + opts
    seg = hdr + payload
    if checksum_value is None:
        checksum_value = checksum(pseudo_header(src, dst, TCP, len(seg)) + seg)
    return seg[:16] + struct.pack("!H", checksum_value) + seg[18:]


def udp(src, dst, sport, dport, payload=b"", checksum_value=None, length=None):
    """UDP datagram with a correct checksum (0 is sent as 0xffff)."""
    ulen = 8 + len(payload) if length is None else length
    dgram = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    if checksum_value is None:
        checksum_value = checksum(pseudo_header(src, dst, UDP, len(dgram)) + dgram) or 0xFFFF
    return dgram[:6] + struct.pack("!H", checksum_value) + dgram[8:]


def icmp(icmp_type, code=0, payload=b"", ident=None, seq=None, rest=b"\x00" * 4,
         checksum_value=None):
    """ICMPv4 message (RFC 792).  ident/seq fill the echo fields; otherwise
    `rest` gives the 4 bytes after the checksum."""
    if ident is not None or seq is not None:
        rest = struct.pack("!HH", ident or 0, seq or 0)
    msg = struct.pack("!BBH", icmp_type, code, 0) + rest + payload
    csum = checksum(msg) if checksum_value is None else checksum_value
    return msg[:2] + struct.pack("!H", csum) + msg[4:]


def icmpv6(src, dst, icmp_type, code=0, payload=b"", ident=None, seq=None,
           rest=b"\x00" * 4, checksum_value=None):
    """ICMPv6 message (RFC 4443), checksummed over the IPv6 pseudo header."""
    if ident is not None or seq is not None:
        rest = struct.pack("!HH", ident or 0, seq or 0)
    msg = struct.pack("!BBH", icmp_type, code, 0) + rest + payload
    if checksum_value is None:
        checksum_value = checksum(pseudo_header(src, dst, ICMPV6, len(msg)) + msg)
    return msg[:2] + struct.pack("!H", checksum_value) + msg[4:]


# ------------------------------------------------------ whole-frame shortcuts

def _split_kw(kw):
    link = {k: kw.pop(k) for k in ("vlan", "mac_src", "mac_dst") if k in kw}
    out = {}
    if "vlan" in link:
        out["vlan"] = link["vlan"]
    if "mac_src" in link:
        out["src"] = link["mac_src"]
    if "mac_dst" in link:
        out["dst"] = link["mac_dst"]
    return out, kw


def udp_packet(src, dst, sport, dport, payload=b"", **kw):
    """Ethernet/IP/UDP frame.  vlan=, mac_src=, mac_dst= go to ether();
    other keywords to ipv4()/ipv6()."""
    link, kw = _split_kw(kw)
    return ether(ip(src, dst, UDP, udp(src, dst, sport, dport, payload), **kw), **link)


def tcp_packet(src, dst, sport, dport, flags="A", seq=0, ack=0, payload=b"", options=(),
               window=65535, **kw):
    """Ethernet/IP/TCP frame (see udp_packet() for the keywords)."""
    link, kw = _split_kw(kw)
    seg = tcp(src, dst, sport, dport, seq, ack, flags, payload, window, options)
    return ether(ip(src, dst, TCP, seg, **kw), **link)


def icmp_packet(src, dst, icmp_type, code=0, payload=b"", ident=None, seq=None, **kw):
    """Ethernet/IPv4/ICMP frame."""
    link, kw = _split_kw(kw)
    return ether(ipv4(src, dst, ICMP, icmp(icmp_type, code, payload, ident, seq), **kw), **link)


def icmpv6_packet(src, dst, icmp_type, code=0, payload=b"", ident=None, seq=None, **kw):
    """Ethernet/IPv6/ICMPv6 frame."""
    link, kw = _split_kw(kw)
    msg = icmpv6(src, dst, icmp_type, code, payload, ident, seq)
    return ether(ipv6(src, dst, ICMPV6, msg, **kw), **link)


# ------------------------------------------------------------- TCP sessions

class TcpSession:
    """A TCP conversation between a client and a server, as Ethernet frames.

    Sequence numbers are tracked per direction; send() takes an optional
    `offset` relative to the sender's first data byte (ISN + 1), which
    writes a segment anywhere in the stream (retransmissions, overlaps,
    holes, out-of-order) without disturbing the tracked next sequence
    number beyond max(next, offset + len).  Each method returns a list of
    frames (bytes) in sending order.
    """

    def __init__(self, client, server, cport=40000, sport=80, client_isn=1000,
                 server_isn=5000, window=65535, **frame_kw):
        self.addr = {True: (client, cport), False: (server, sport)}
        self.isn = {True: client_isn, False: server_isn}
        self.next = {True: client_isn, False: server_isn}
        self.window = window
        self.frame_kw = frame_kw

    def _frame(self, from_client, flags, seq, ack, payload=b"", options=()):
        (src, sp), (dst, dp) = self.addr[from_client], self.addr[not from_client]
        return tcp_packet(src, dst, sp, dp, flags, seq, ack, payload, options,
                          self.window, **self.frame_kw)

    def handshake(self, options=(("mss", 1460),)):
        """SYN, SYN-ACK, ACK."""
        opts = [tcp_option(*o) if isinstance(o, tuple) else tcp_option(o) for o in options]
        c, s = self.isn[True], self.isn[False]
        frames = [self._frame(True, "S", c, 0, options=opts),
                  self._frame(False, "SA", s, c + 1, options=opts),
                  self._frame(True, "A", c + 1, s + 1)]
        self.next = {True: c + 1, False: s + 1}
        return frames

    def send(self, data, from_client=True, offset=None, flags="PA", ack=True):
        """One data segment; offset is relative to ISN + 1 (None: next byte)."""
        base = self.isn[from_client] + 1
        seq = self.next[from_client] if offset is None else base + offset
        frame = self._frame(from_client, flags, seq,
                            self.next[not from_client] if ack else 0, data)
        self.next[from_client] = max(self.next[from_client], seq + len(data))
        return [frame]

    def ack(self, from_client=True):
        """A bare ACK of everything the other side sent."""
        return [self._frame(from_client, "A", self.next[from_client],
                            self.next[not from_client])]

    def exchange(self, request, response):
        """Client data, server ACK+data, client ACK."""
        return (self.send(request, True) + self.send(response, False) + self.ack(True))

    def close(self, from_client=True):
        """FIN, FIN-ACK, ACK teardown started by one side."""
        a, b = from_client, not from_client
        frames = [self._frame(a, "FA", self.next[a], self.next[b])]
        self.next[a] += 1
        frames.append(self._frame(b, "FA", self.next[b], self.next[a]))
        self.next[b] += 1
        frames.append(self._frame(a, "A", self.next[a], self.next[b]))
        return frames

    def reset(self, from_client=True):
        return [self._frame(from_client, "RA", self.next[from_client],
                            self.next[not from_client])]


# ------------------------------------------------------------- applications

DNS_TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16,
             "AAAA": 28, "SRV": 33, "ANY": 255}


def dns_name(name):
    """RFC 1035 3.1 name encoding (no compression)."""
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            raw = label.encode()
            if len(raw) > 63:
                raise ValueError("DNS label too long: %r" % label)
            out += bytes([len(raw)]) + raw
    return out + b"\x00"


def dns_query(name, qtype="A", ident=0x1234, rd=True):
    """A DNS query message with one question (class IN)."""
    flags = 0x0100 if rd else 0
    return (struct.pack("!HHHHHH", ident, flags, 1, 0, 0, 0) + dns_name(name) +
            struct.pack("!HH", DNS_TYPES.get(qtype, qtype), 1))


def dns_response(name, qtype="A", answers=(), ident=0x1234, rcode=0, ttl=300):
    """A DNS response echoing the question, with answer records for `name`.

    answers: addresses for A/AAAA, names for CNAME/NS/PTR, strings for TXT,
    or raw bytes for any type.  Answer names point at the question (0xc00c).
    """
    code = DNS_TYPES.get(qtype, qtype)
    body = b""
    for ans in answers:
        if isinstance(ans, bytes):
            rdata = ans
        elif qtype in ("A", "AAAA"):
            rdata = _addr(ans).packed
        elif qtype in ("CNAME", "NS", "PTR"):
            rdata = dns_name(ans)
        elif qtype == "TXT":
            rdata = bytes([len(ans)]) + ans.encode()
        else:
            raise ValueError("give raw rdata bytes for type %s" % qtype)
        body += struct.pack("!HHHIH", 0xC00C, code, 1, ttl, len(rdata)) + rdata
    flags = 0x8180 | (rcode & 0xF)
    return (struct.pack("!HHHHHH", ident, flags, 1, len(answers), 0, 0) + dns_name(name) +
            struct.pack("!HH", code, 1) + body)


def http_request(method="GET", path="/", host="www.example.com", headers=(), body=b"",
                 version="HTTP/1.1"):
    """An HTTP/1.x request; Content-Length is added when there is a body."""
    lines = ["%s %s %s" % (method, path, version), "Host: %s" % host]
    lines += ["%s: %s" % h for h in headers]
    if body:
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def http_response(status=200, reason="OK", headers=(("Content-Type", "text/html"),),
                  body=b"", version="HTTP/1.1"):
    """An HTTP/1.x response with Content-Length."""
    lines = ["%s %d %s" % (version, status, reason)]
    lines += ["%s: %s" % h for h in headers]
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# --------------------------------------------------------------- pcap file

class PcapWriter:
    """A classic pcap file (microsecond timestamps, little-endian).

    write(frame, ts=None): ts defaults to the previous timestamp + step
    seconds, starting at `start`, so files are byte-for-byte reproducible.
    """

    def __init__(self, path, linktype=LINKTYPE_ETHERNET, snaplen=262144,
                 start=DEFAULT_START, step=0.001):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        self.snaplen = snaplen
        self.step_us = int(round(step * 1_000_000))
        self.us = int(round(start * 1_000_000)) - self.step_us
        self.count = 0

    def write(self, frame, ts=None, orig_len=None):
        """Append one frame; returns its 1-based number (Suricata's pcap_cnt)."""
        self.us = self.us + self.step_us if ts is None else int(round(ts * 1_000_000))
        sec, usec = divmod(self.us, 1_000_000)
        cap = frame[:self.snaplen]
        self.f.write(struct.pack("<IIII", sec, usec, len(cap),
                                 len(frame) if orig_len is None else orig_len) + cap)
        self.count += 1
        return self.count

    def write_all(self, frames):
        return [self.write(f) for f in frames]

    def close(self):
        self.f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------- self-test

def _tshark(path, fields, *opts):
    import subprocess
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=|"]
    for o in opts:
        cmd += ["-o", o]
    for f in fields:
        cmd += ["-e", f]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError("tshark failed: %s" % r.stderr.strip())
    return [l.split("|") for l in r.stdout.splitlines()]


def self_test():
    """Write one capture of every kind and read it back with tshark."""
    import os
    import shutil
    import tempfile
    if shutil.which("tshark") is None:
        print("skip: tshark not installed")
        return 0
    failures = 0

    def expect(got, want, what):
        nonlocal failures
        ok = got == want
        print("%s %s%s" % ("ok  " if ok else "FAIL", what,
                           "" if ok else ": got %r, want %r" % (got, want)))
        if not ok:
            failures += 1

    tmp = tempfile.mkdtemp(prefix="pcapgen-")
    path = os.path.join(tmp, "t.pcap")
    c4, s4, c6, s6 = "10.0.0.1", "10.0.0.2", "2001:db8::1", "2001:db8::2"
    frames = []
    frames.append(udp_packet(c4, s4, 1234, 53, dns_query("www.example.com"), ttl=5))  # 1
    frames.append(udp_packet(s4, c4, 53, 1234, dns_response(
        "www.example.com", "A", ["93.184.216.34", "93.184.216.35"])))  # 2
    frames.append(icmp_packet(c4, s4, 8, 0, b"ping", ident=77, seq=3))  # 3
    frames.append(icmpv6_packet(c6, s6, 128, 0, b"ping6", ident=78, seq=4))  # 4
    frames.append(udp_packet(c6, s6, 5000, 6000, b"v6 data", vlan=100))  # 5
    frames.append(udp_packet(c4, s4, 5000, 6000, b"qinq", vlan=[(10, 3), 20]))  # 6
    opt = ipv4_option(1) + ipv4_option(7, b"\x04" + b"\x00" * 4)  # NOP + record route
    frames.append(ether(ipv4(c4, s4, UDP, udp(c4, s4, 1, 2, b"opts"), options=opt)))  # 7
    bad = tcp(c4, s4, 1, 2, 1, 0, "S", checksum_value=0x1234)
    frames.append(ether(ipv4(c4, s4, TCP, bad)))  # 8
    l4 = udp(c4, s4, 7000, 7001, b"A" * 24)
    for frag in ipv4_fragments(c4, s4, UDP, l4, pieces=[(16, l4[16:]), (0, l4[:16])], ident=99):
        frames.append(ether(frag))  # 9, 10: out of order
    l6 = udp(c6, s6, 7000, 7001, b"B" * 24)
    for frag in ipv6_fragments(c6, s6, UDP, l6, size=16, ident=98,
                               ext=[hop_by_hop([ipv6_option(5, b"\x00\x00")])]):
        frames.append(ether(frag))  # 11, 12
    frames.append(ether(ipv6(c6, s6, UDP, udp(c6, s6, 9, 10, b"dst"),
                             ext=[dest_options([ipv6_option(1, b"\x00" * 3)])])))  # 13
    sess = TcpSession(c4, s4, 40000, 80)
    frames += sess.handshake()  # 14-16
    frames += sess.send(http_request("GET", "/index.html", "www.example.com"))  # 17
    frames += sess.send(http_response(200, "OK", body=b"<html>hi</html>"), False)  # 18
    frames += sess.send(b"XYZ", True, offset=1000)  # 19: hole
    frames += sess.close()  # 20-22
    opts = [tcp_option("mss", 1400), tcp_option("sackok"), tcp_option("ts", (11, 0)),
            tcp_option("nop"), tcp_option("wscale", 7)]
    frames.append(tcp_packet(c6, s6, 41000, 443, "S", seq=7, options=opts))  # 23
    frames.append(tcp_packet(c4, s4, 41001, 443, "A", seq=8, ack=9, options=[
        tcp_option("nop"), tcp_option("nop"), tcp_option("sack", [(100, 200)])]))  # 24
    with PcapWriter(path) as w:
        numbers = w.write_all(frames)
    expect(numbers[-1], 24, "frame numbers")

    rows = _tshark(path, ["frame.number", "frame.protocols"])
    expect(len(rows), 24, "tshark reads every frame")
    protos = {int(r[0]): r[1] for r in rows}
    expect(protos[1].endswith("ip:udp:dns"), True, "frame 1 is DNS over UDP/IPv4")
    expect(protos[5], "eth:ethertype:vlan:ethertype:ipv6:udp:data", "frame 5 VLAN IPv6 UDP")
    expect(protos[6].split(":udp")[0], "eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:ip",
           "frame 6 802.1ad outer tag, 802.1Q inner tag")

    rows = _tshark(path, ["dns.qry.name", "dns.a", "ip.ttl"], "udp.check_checksum:TRUE")
    expect(rows[0][:1] + rows[0][2:], ["www.example.com", "5"], "DNS query name and TTL")
    expect(rows[1][1], "93.184.216.34,93.184.216.35", "DNS answers")

    rows = _tshark(path, ["icmp.type", "icmp.ident", "icmp.seq", "icmp.checksum.status"],
                   )
    expect(rows[2], ["8", "77", "3", "1"], "ICMP echo fields and checksum")
    rows = _tshark(path, ["icmpv6.type", "icmpv6.echo.identifier", "icmpv6.echo.sequence_number",
                          "icmpv6.checksum.status"])
    expect([int(x, 0) for x in rows[3]], [128, 78, 4, 1], "ICMPv6 echo fields and checksum")
    rows = _tshark(path, ["vlan.id", "vlan.priority", "udp.checksum.status"],
                   "udp.check_checksum:TRUE")
    expect(rows[4], ["100", "0", "1"], "VLAN id and UDP/IPv6 checksum")
    expect(rows[5][:2], ["20", "0"], "QinQ inner VLAN id and priority")
    rows = _tshark(path, ["ieee8021ad.id", "ieee8021ad.priority"])
    expect(rows[5], ["10", "3"], "QinQ outer tag id and priority")
    rows = _tshark(path, ["ip.hdr_len", "ip.opt.type", "ip.checksum.status",
                          "udp.checksum.status"],
                   "ip.check_checksum:TRUE", "udp.check_checksum:TRUE")
    expect(rows[6], ["28", "1,7", "1", "1"], "IPv4 options, header and UDP checksums")
    rows = _tshark(path, ["tcp.checksum.status"], "tcp.check_checksum:TRUE")
    expect(rows[7], ["0"], "requested bad TCP checksum is written")
    rows = _tshark(path, ["ip.frag_offset", "ip.flags.mf", "ip.id", "udp.length", "data.len"],
                   "ip.defragment:TRUE")
    expect(rows[8][:3], ["2", "0", "0x0063"], "IPv4 last fragment first (offset 16 bytes)")
    expect(rows[9][:2] + rows[9][3:], ["0", "1", "32", "24"],
           "IPv4 fragments reassemble out of order")
    rows = _tshark(path, ["ipv6.fraghdr.offset", "ipv6.fraghdr.more", "ipv6.fraghdr.ident",
                          "ipv6.hopopts.len", "data.len"])
    expect(rows[10][:3], ["0", "1", "0x00000062"], "IPv6 first fragment after hop-by-hop")
    expect(rows[11][0:2] + rows[11][4:], ["2", "0", "24"], "IPv6 fragments reassemble")
    rows = _tshark(path, ["ipv6.dstopts.nxt", "udp.dstport"])
    expect(rows[12], ["17", "10"], "IPv6 destination options then UDP")
    rows = _tshark(path, ["tcp.flags.str", "tcp.seq_raw", "tcp.ack_raw", "tcp.options.mss_val",
                          "tcp.checksum.status"], "tcp.check_checksum:TRUE",
                   "tcp.relative_sequence_numbers:FALSE")
    flags = [r[0] for r in rows[13:22]]
    expect([f.replace("\u00b7", "") for f in flags],
           ["S", "AS", "A", "AP", "AP", "AP", "AF", "AF", "A"],
           "TCP session flags")
    expect(rows[13][1:], ["1000", "0", "1460", "1"], "SYN seq, MSS option, checksum")
    expect(rows[14][1:3], ["5000", "1001"], "SYN-ACK seq/ack")
    expect(rows[18][1], str(1001 + 1000), "segment at explicit offset")
    rows = _tshark(path, ["tcp.options.mss_val", "tcp.options.sack_perm", "tcp.options.timestamp.tsval",
                          "tcp.options.wscale.shift", "tcp.hdr_len", "tcp.checksum.status"],
                   "tcp.check_checksum:TRUE")
    expect([rows[22][0], rows[22][2], rows[22][3], rows[22][4], rows[22][5]],
           ["1400", "11", "7", "40", "1"], "TCP/IPv6 SYN options (mss, sackok, ts, wscale)")
    expect(rows[22][1] != "", True, "SACK permitted option present")
    rows = _tshark(path, ["tcp.options.sack_le", "tcp.options.sack_re"], "tcp.relative_sequence_numbers:FALSE")
    expect(rows[23], ["100", "200"], "SACK block")
    rows = _tshark(path, ["http.request.method", "http.request.uri", "http.host",
                          "http.response.code"])
    expect(rows[16][:3], ["GET", "/index.html", "www.example.com"], "HTTP request")
    expect(rows[17][3], "200", "HTTP response")
    shutil.rmtree(tmp)
    print("%d failures" % failures)
    return failures


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(1 if self_test() else 0)
    print(__doc__)
