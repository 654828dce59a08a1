#!/usr/bin/python3
"""Write the golden cases for target-based overlap policies.

One capture per kind, replayed under one configuration per policy:

  tcp-overlap-POLICY    a TCP stream in which five pairs of client segments
                        overlap in different ways (the new copy starts
                        before, at or after the queued one, ends before, at
                        or after it), before the server acknowledges them;
                        the server's policy comes from host-os-policy
  tcp-overlap-inline    the same stream in simulated IPS mode: the first
                        copy is kept whatever the server's policy (last),
                        and each later copy is rewritten to it
  frag-overlap-POLICY   six UDP datagrams, each in IPv4 fragments of which
                        two overlap in one of those ways; the policy comes
                        from defrag.host-config
  frag6-overlap-POLICY  the same datagrams in IPv6 fragments

Each overlap leaves either the queued ("old") or the new bytes, and a rule
matches each of the two results.  The expected outcomes per policy are
written out below from the policy tables of doc/stream.md; no two policies
with different tables share an outcome row, so a case fails when its
policy is not the one applied.  The default policy of each configuration is
one that disagrees with the policy under test, so the per-network lookup is
tested too.

    tests/golden/overlap_cases.py [CASES_DIR]
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pcapgen as pg  # noqa: E402

CLIENT, SERVER = "10.0.0.1", "10.0.0.2"
SERVER_NET = "10.0.0.2/32"
CLIENT6, SERVER6 = "2001:db8::1", "2001:db8::2"
SERVER6_NET = "2001:db8::2/128"

# -- TCP: (name, queued (offset, length), new (offset, length)) in an
# 8-byte area; the two copies are "o" and "n" bytes.
TCP_OVERLAPS = [
    ("A", (2, 6), (0, 6)),      # new starts before, ends before the queued end
    ("B", (0, 4), (0, 8)),      # same start, new ends after
    ("C", (0, 8), (0, 8)),      # same start and end
    ("D", (0, 6), (2, 6)),      # new starts after, ends after
    ("E", (0, 8), (2, 4)),      # new inside the queued copy
]

# Whether the new copy wins, per overlap A..E (doc/stream.md, Reassembly).
TCP_POLICIES = {
    "first":     "00000",
    "last":      "11111",
    "bsd":       "10000",
    "windows":   "10000",
    "macos":     "10000",
    "linux":     "11000",
    "old-linux": "11100",
    "solaris":   "01110",
}

# Inline (IPS) mode: the stream keeps the first copy whatever the target's
# policy and rewrites each later copy to it (doc/stream.md, Inline mode).
TCP_INLINE = "00000"
TCP_INLINE_TARGET = "last"

# -- IPv4 fragments: offsets and lengths in the 24-byte area after the
# 16 bytes of UDP header and label; "f" fills what neither copy covers.
FRAG_OVERLAPS = [
    ("A", (8, 16), (0, 16)),    # new starts before, ends before the stored end
    ("B", (0, 16), (0, 24)),    # same start, new ends after
    ("C", (8, 8), (0, 24)),     # new covers the stored fragment
    ("D", (8, 8), (0, 16)),     # new starts before, same end
    ("E", (0, 16), (8, 16)),    # new starts after, ends after
    ("F", (0, 16), (0, 16)),    # same start and end
]

# Whether the new fragment wins, per overlap A..F (doc/stream.md,
# Defragmentation).
FRAG_POLICIES = {
    "first":     "000000",
    "last":      "111111",
    "bsd":       "101100",
    "linux":     "111101",
    "windows":   "001000",
    "solaris":   "001100",
    "bsd-right": "011010",
}


def resolve(size, old, new, new_wins):
    """The area after both copies: new bytes where it wins or alone."""
    area = bytearray(b"f" * size)
    (oo, ol), (no, nl) = old, new
    area[oo:oo + ol] = b"o" * ol
    for i in range(no, no + nl):
        if new_wins or not oo <= i < oo + ol:
            area[i] = ord("n")
    return bytes(area)


def outcome_rules(overlaps, size, first_sid, what, text):
    """Two rules per overlap, (sid, msg, content): the old copy kept, then
    the new one; text(name, area) is the content around the area."""
    out = []
    for i, (name, old, new) in enumerate(overlaps):
        for k, wins in enumerate((False, True)):
            area = resolve(size, old, new, wins).decode()
            out.append((first_sid + 2 * i + k, "%s %s: %s copy kept" %
                        (what, name, "new" if wins else "old"), text(name, area)))
    return out


def default_policy(policy):
    """A default that disagrees with the policy under test."""
    return "first" if policy == "last" else "last"


# ---------------------------------------------------------------- TCP

TCP_LABEL, TCP_AREA = 3, 8
TCP_REGION = TCP_LABEL + TCP_AREA + 1           # "[A:" + area + "]"
TCP_LEAD = b"GO: "                              # sent last: a hole until then


def tcp_capture(path):
    s = pg.TcpSession(CLIENT, SERVER, 41000, 8080)
    frames = s.handshake()
    base = len(TCP_LEAD)
    for i, (name, (oo, ol), (no, nl)) in enumerate(TCP_OVERLAPS):
        area = base + i * TCP_REGION + TCP_LABEL
        frames += s.send(b"o" * ol, offset=area + oo)
        frames += s.send(b"n" * nl, offset=area + no)
    for i, (name, _, _) in enumerate(TCP_OVERLAPS):
        label = (b"]" if i else b"") + b"[%s:" % name.encode()
        frames += s.send(label, offset=base + i * TCP_REGION - (1 if i else 0))
    frames += s.send(b"]", offset=base + len(TCP_OVERLAPS) * TCP_REGION - 1)
    frames += s.send(TCP_LEAD, offset=0)
    frames += s.ack(from_client=False)          # the server accepted it all
    frames += s.send(b"END.")                   # the client's next packet
    frames += s.close()
    with pg.PcapWriter(path) as w:
        w.write_all(frames)


def tcp_rules():
    return outcome_rules(TCP_OVERLAPS, TCP_AREA, 16001, "tcp overlap",
                         lambda name, area: "[%s:%s]" % (name, area))


def tcp_rule_text(sid, msg, content):
    return ('alert tcp any any -> any 8080 (msg:"%s"; flow:to_server; content:"%s"; '
            'sid:%d; rev:1;)' % (msg, content, sid))


def tcp_config(policy):
    return ("stream:\n  reassembly:\n    policy: %s\n"
            "host-os-policy:\n  %s: [%s]\n" % (default_policy(policy), policy, SERVER_NET))


def tcp_inline_config():
    return "ips: simulate\n" + tcp_config(TCP_INLINE_TARGET)


def tcp_inline_yaml(rules):
    """The policy checks, and every new copy counted as a rewritten packet."""
    text = test_yaml("inline", TCP_INLINE, rules, "overlapping TCP segments in IPS mode")
    return text + "- stats:\n    ips.replaced: %d\n" % len(TCP_OVERLAPS)


# ---------------------------------------------------------------- fragments

FRAG_HEAD, FRAG_AREA, FRAG_TAIL = 16, 24, 8     # UDP header + label, area, trailer


def frag_datagram(i, name, old, new, v6=False):
    """Fragments of datagram i: the stored copy, the new one, fillers for
    what neither covers, the head, and last the trailer (MF clear). The
    UDP checksum is left out (0): it cannot hold for both copies."""
    ident = 0x4300 + i
    total = FRAG_HEAD + FRAG_AREA + FRAG_TAIL
    src, dst = (CLIENT6, SERVER6) if v6 else (CLIENT, SERVER)
    udp_hdr = pg.udp(src, dst, 42000 + i, 9999, b"", checksum_value=0, length=total)
    head = udp_hdr + b"SCEN-%s: " % name.encode()
    (oo, ol), (no, nl) = old, new
    pieces = [(FRAG_HEAD + oo, b"o" * ol, True), (FRAG_HEAD + no, b"n" * nl, True)]
    covered = set(range(oo, oo + ol)) | set(range(no, no + nl))
    for k in range(0, FRAG_AREA, 8):
        if k not in covered:
            pieces.append((FRAG_HEAD + k, b"f" * 8, True))
    pieces += [(0, head, True), (FRAG_HEAD + FRAG_AREA, b"-TRAILER", False)]
    if v6:
        return [pg.ether(pg.ipv6(src, dst, pg.UDP, data,
                                 ext=[pg.fragment_header(off, mf, ident)]))
                for off, data, mf in pieces]
    return [pg.ether(pg.ipv4(src, dst, pg.UDP, data, ident=ident, mf=mf,
                             frag_offset=off)) for off, data, mf in pieces]


def frag_capture(path, v6=False):
    frames = []
    for i, (name, old, new) in enumerate(FRAG_OVERLAPS):
        frames += frag_datagram(i, name, old, new, v6)
    with pg.PcapWriter(path) as w:
        w.write_all(frames)


def frag6_capture(path):
    frag_capture(path, v6=True)


def frag_rules():
    return outcome_rules(FRAG_OVERLAPS, FRAG_AREA, 17001, "fragment overlap",
                         lambda name, area: "SCEN-%s: %s-TRAILER" % (name, area))


def frag_rule_text(sid, msg, content):
    return ('alert udp any any -> any 9999 (msg:"%s"; content:"%s"; sid:%d; rev:1;)' %
            (msg, content, sid))


def frag_config(policy, net=SERVER_NET):
    return ("defrag:\n  policy: %s\n  host-config:\n    - target:\n"
            "        policy: %s\n        address: [%s]\n" %
            (default_policy(policy), policy, net))


# ---------------------------------------------------------------- cases

def test_yaml(policy, table, rules, what, server=SERVER):
    lines = ["# Generated by tests/golden/overlap_cases.py: %s, %s policy for %s." %
             (what, policy, server), "checks:"]
    for n, (sid, msg, _) in enumerate(rules):
        new_wins = table[n // 2] == "1"
        kept = (n % 2 == 1) == new_wins
        lines += ["- filter:", "    comment: \"%s\"" % msg, "    count: %d" % (1 if kept else 0),
                  "    match:", "      event_type: alert",
                  "      alert.signature_id: %d" % sid]
    return "\n".join(lines) + "\n"


def write_case(cases, name, capture, rules, rule_text, config, yaml_text):
    d = os.path.join(cases, name)
    os.makedirs(d, exist_ok=True)
    capture(os.path.join(d, "input.pcap"))
    with open(os.path.join(d, "test.rules"), "w", encoding="utf-8") as f:
        f.write("".join(rule_text(*r) + "\n" for r in rules))
    with open(os.path.join(d, "nightjar.yaml"), "w", encoding="utf-8") as f:
        f.write(config)
    with open(os.path.join(d, "test.yaml"), "w", encoding="utf-8") as f:
        f.write(yaml_text)


def main(cases):
    rules = tcp_rules()
    for policy, table in TCP_POLICIES.items():
        write_case(cases, "tcp-overlap-" + policy, tcp_capture, rules, tcp_rule_text,
                   tcp_config(policy),
                   test_yaml(policy, table, rules, "overlapping TCP segments"))
    write_case(cases, "tcp-overlap-inline", tcp_capture, rules, tcp_rule_text,
               tcp_inline_config(), tcp_inline_yaml(rules))
    rules = frag_rules()
    for policy, table in FRAG_POLICIES.items():
        write_case(cases, "frag-overlap-" + policy, frag_capture, rules, frag_rule_text,
                   frag_config(policy),
                   test_yaml(policy, table, rules, "overlapping IPv4 fragments"))
        write_case(cases, "frag6-overlap-" + policy, frag6_capture, rules, frag_rule_text,
                   frag_config(policy, SERVER6_NET),
                   test_yaml(policy, table, rules, "overlapping IPv6 fragments", SERVER6))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "cases"))
