#!/usr/bin/python3
"""Cross-check nightjar's app-layer EVE events against tshark.

For one pcap, tshark extracts HTTP requests (host, uri, method, status), DNS
query names, TLS SNIs and JA3/JA3S hashes with `tshark -T fields`; the script
compares them,
as multisets, with the EVE "http", "dns" and "tls" events nightjar wrote for
the same pcap.

What counts as one transaction on each side, where the two tools differ in
presentation rather than in what they parsed:
  - Bytes that are not UTF-8 in names, hosts, URIs and SNIs: EVE keeps each
    as the code point of that byte (U+0080..U+00FF), tshark replaces each
    maximal invalid subsequence with one U+FFFD and the bytes are lost. EVE
    strings are mapped back to bytes and decoded as tshark does, and on both
    sides every non-ASCII character is compared as U+FFFD; ASCII is compared
    exactly.
  - An HTTP request's status is its final response's (RFC 9110 15.2): an
    interim 1xx other than 101 is superseded by the response that follows
    it, which tshark links to the request by http.prev_request_in.
  - A TLS ClientHello sent again after a HelloRetryRequest (RFC 8446 4.1.4)
    belongs to the handshake already counted for that TCP connection.

    tests/app/tshark_crosscheck.py --eve eve.json --pcap in.pcap
    tests/app/tshark_crosscheck.py --tshark-only --pcap in.pcap   # tshark half

Exit status: 0 when every protocol agrees (within --tolerance), 1 when not,
2 on usage or tool errors.
"""

import argparse
import collections
import ipaddress
import json
import subprocess
import sys

SEP = "\x1f"
# Between the occurrences of one field: not a comma, which URIs contain.
AGG = "\x1e"


# The TLS 1.3 ServerHello random that marks a HelloRetryRequest: SHA-256 of
# "HelloRetryRequest" (RFC 8446 4.1.3).
HRR_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"


def run_tshark(tshark, pcap, display_filter, fields, extra=()):
    cmd = [tshark, "-n", "-r", pcap, "-Y", display_filter, "-T", "fields",
           "-E", "separator=" + SEP, "-E", "occurrence=a", "-E", "aggregator=" + AGG]
    cmd += list(extra)
    for f in fields:
        cmd += ["-e", f]
    res = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    if res.returncode != 0:
        raise RuntimeError("tshark failed: %s" % res.stderr.strip())
    rows = []
    # not splitlines(), which also breaks lines at AGG
    for line in res.stdout.split("\n"):
        if not line.strip():
            continue
        parts = line.split(SEP)
        parts += [""] * (len(fields) - len(parts))
        rows.append(dict(zip(fields, parts)))
    return rows


def first(v):
    return v.split(AGG)[0] if v else ""


def last(v):
    return v.split(AGG)[-1] if v else ""


def ascii_only(s):
    """Every non-ASCII character as U+FFFD (see the module comment)."""
    return "".join(c if c < "\x80" else "\ufffd" for c in s)


def eve_text(s):
    """An EVE string as tshark would print the bytes it stands for."""
    raw = b"".join(bytes([ord(c)]) if "\x80" <= c <= "\xff" else
                   c.encode("utf-8", "surrogatepass") for c in s)
    return raw.decode("utf-8", "replace")


def norm_host(h):
    """As nightjar's http.host/hostname: lowercase, no port, no final dot."""
    h = ascii_only(h.strip().lower())
    if h.startswith("["):
        end = h.find("]")
        h = h[:end + 1] if end >= 0 else h
    elif ":" in h:
        h = h.split(":", 1)[0]
    return h[:-1] if h.endswith(".") else h


def norm_name(n):
    n = ascii_only(n.lower())
    return "<root>" if n in ("", "<root>") else n


def norm_ip(a):
    """One textual form per address: EVE writes IPv6 in full, tshark compressed."""
    try:
        return ipaddress.ip_address(a).compressed
    except ValueError:
        return a


def addr(row):
    """The innermost IP header's addresses, as nightjar logs tunnelled
    flows (GRE, VXLAN...) by their inner packet."""
    protos = row.get("frame.protocols", "").split(":")
    depth = {v: max((i for i, p in enumerate(protos) if p == v), default=-1)
             for v in ("ip", "ipv6")}
    if row.get("ip.src") and row.get("ipv6.src"):
        ver = "ipv6" if depth["ipv6"] > depth["ip"] else "ip"
    else:
        ver = "ip" if row.get("ip.src") else "ipv6"
    return norm_ip(last(row.get(ver + ".src"))), norm_ip(last(row.get(ver + ".dst")))


ADDR_FIELDS = ["frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst"]


def interim(code):
    """1xx responses but 101, after which the connection leaves HTTP."""
    return code.startswith("1") and len(code) == 3 and code != "101"


def tshark_http(tshark, pcap, use_addr):
    fields = ["frame.number"] + ADDR_FIELDS + [
              "tcp.dstport", "http.host", "http.request.uri", "http.request.method"]
    reqs = run_tshark(tshark, pcap, "http.request && tcp", fields)
    resps = run_tshark(tshark, pcap, "http.response && tcp",
                       ["http.request_in", "http.prev_request_in",
                        "http.response.code"])
    status = {}
    for r in resps:
        codes = r["http.response.code"].split(AGG)
        for req_frame, code in zip(r["http.request_in"].split(AGG), codes):
            if req_frame:
                status[req_frame] = code
        # a final response after an interim one names no request_in
        prev = r["http.prev_request_in"]
        if not r["http.request_in"] and len(codes) == 1 and \
                interim(status.get(prev, "")):
            status[prev] = codes[0]
    out = []
    for r in reqs:
        # one frame may carry several pipelined requests
        methods = r["http.request.method"].split(AGG)
        uris = r["http.request.uri"].split(AGG)
        hosts = r["http.host"].split(AGG) if r["http.host"] else []
        for i, method in enumerate(methods):
            key = (norm_host(hosts[i] if i < len(hosts) else ""),
                   ascii_only(uris[i] if i < len(uris) else ""), method,
                   status.get(r["frame.number"], "") if i == len(methods) - 1 else "")
            if use_addr:
                src, dst = addr(r)
                key = (src, dst, first(r["tcp.dstport"])) + key
            out.append(key)
    return out


def tshark_dns(tshark, pcap, use_addr):
    fields = ADDR_FIELDS + ["dns.flags.response", "dns.qry.name"]
    rows = run_tshark(tshark, pcap, "dns && !icmp && !icmpv6", fields)
    out = []
    for r in rows:
        if not r["dns.qry.name"]:
            continue
        resp = first(r["dns.flags.response"]) in ("1", "True", "true")
        for name in r["dns.qry.name"].split(AGG):
            key = ("response" if resp else "request", norm_name(name))
            if use_addr:
                key = addr(r) + key
            out.append(key)
    return out


def tshark_tls(tshark, pcap, use_addr):
    fields = ADDR_FIELDS + ["tcp.dstport", "tcp.stream", "tls.handshake.type",
                            "tls.handshake.random",
                            "tls.handshake.extensions_server_name"]
    rows = run_tshark(tshark, pcap,
                      "(tls.handshake.type == 1 || tls.handshake.type == 2) && tcp",
                      fields)
    out = []
    retry = set()   # TCP streams whose server last sent a HelloRetryRequest
    for r in rows:
        stream = r["tcp.stream"]
        types = r["tls.handshake.type"].split(AGG)
        if "2" in types:
            if HRR_RANDOM in r["tls.handshake.random"].split(AGG):
                retry.add(stream)
            continue
        if "1" not in types:
            continue
        if stream in retry:
            retry.discard(stream)
            continue
        sni = first(r["tls.handshake.extensions_server_name"])
        if not sni:
            continue
        key = (ascii_only(sni),)
        if use_addr:
            src, dst = addr(r)
            key = (src, dst, first(r["tcp.dstport"])) + key
        out.append(key)
    return out


def tshark_ja3(tshark, pcap, use_addr):
    """JA3 of each ClientHello and JA3S of each ServerHello (Wireshark 3.6+)."""
    out = []
    for hs, field, label in ((1, "tls.handshake.ja3", "ja3"),
                             (2, "tls.handshake.ja3s", "ja3s")):
        rows = run_tshark(tshark, pcap, "tls.handshake.type == %d && tcp" % hs,
                          [field])
        out += [(label, first(r[field])) for r in rows if r[field]]
    return out


def eve_ja3(events, use_addr):
    out = []
    for ev in events:
        for label in ("ja3", "ja3s"):
            h = ev["tls"].get(label, {}).get("hash")
            if h:
                out.append((label, h))
    return out


def eve_events(path):
    http, dns, tls = [], [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                ev = json.loads(line)
            except ValueError:
                print("warning: %s:%d: not JSON" % (path, n), file=sys.stderr)
                continue
            t = ev.get("event_type")
            if t in ("http", "dns", "tls") and t in ev:
                {"http": http, "dns": dns, "tls": tls}[t].append(ev)
    return http, dns, tls


def eve_http(events, use_addr):
    out = []
    for ev in events:
        h = ev["http"]
        key = (norm_host(eve_text(h.get("hostname", ""))),
               ascii_only(eve_text(h.get("url", ""))),
               h.get("http_method", ""), str(h.get("status", "")))
        if use_addr:
            key = (norm_ip(ev.get("src_ip", "")), norm_ip(ev.get("dest_ip", "")),
                   str(ev.get("dest_port", ""))) + key
        out.append(key)
    return out


def eve_dns(events, use_addr):
    out = []
    for ev in events:
        d = ev["dns"]
        typ = d.get("type", "")
        typ = {"query": "request", "answer": "response"}.get(typ, typ)
        queries = d.get("queries") or d.get("query") or []
        if not queries and d.get("rrname") is not None:
            queries = [{"rrname": d["rrname"]}]
        for q in queries:
            key = (typ, norm_name(eve_text(q.get("rrname", ""))))
            if use_addr:
                key = (norm_ip(ev.get("src_ip", "")), norm_ip(ev.get("dest_ip", ""))) + key
            out.append(key)
    return out


def eve_tls(events, use_addr):
    out = []
    for ev in events:
        sni = ev["tls"].get("sni")
        if not sni:
            continue
        key = (ascii_only(eve_text(sni)),)
        if use_addr:
            key = (norm_ip(ev.get("src_ip", "")), norm_ip(ev.get("dest_ip", "")),
                   str(ev.get("dest_port", ""))) + key
        out.append(key)
    return out


def relax_status(missing, extra):
    """tshark shows no HTTP response until it has the whole body, so a
    request it lists without a status matches an EVE record with one."""
    for key in list(missing):
        if key[-1] != "":
            continue
        for other in list(extra):
            if other[:-1] == key[:-1] and extra[other] > 0 and missing[key] > 0:
                n = min(extra[other], missing[key])
                extra[other] -= n
                missing[key] -= n
    return +missing, +extra


def compare(name, want, got, tolerance, verbose):
    w, g = collections.Counter(want), collections.Counter(got)
    missing, extra = w - g, g - w
    if name == "http":
        missing, extra = relax_status(missing, extra)
    matched = sum(w.values()) - sum(missing.values())
    total = max(sum(w.values()), 1)
    ok = sum(missing.values()) <= tolerance * total and \
        sum(extra.values()) <= tolerance * total
    print("%-4s tshark=%d eve=%d matched=%d missing=%d extra=%d %s" % (
        name, sum(w.values()), sum(g.values()), matched,
        sum(missing.values()), sum(extra.values()), "OK" if ok else "MISMATCH"))
    limit = None if verbose else 10
    for label, c in (("missing from EVE", missing), ("only in EVE", extra)):
        for key, n in list(sorted(c.items()))[:limit]:
            print("    %s: %s%s" % (label, key, " x%d" % n if n > 1 else ""))
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--eve", help="nightjar EVE JSON (one event per line)")
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--tshark-only", action="store_true",
                    help="print tshark's extraction and exit")
    ap.add_argument("--no-addr", action="store_true",
                    help="compare without addresses and ports")
    ap.add_argument("--proto", action="append",
                    choices=["http", "dns", "tls", "ja3"],
                    help="limit to these checks (repeatable); ja3 compares "
                    "JA3/JA3S hashes and is skipped when tshark lacks them")
    ap.add_argument("--tolerance", type=float, default=0.0,
                    help="fraction of mismatches accepted per protocol")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if not args.tshark_only and not args.eve:
        ap.error("--eve is required unless --tshark-only")
    protos = args.proto or ["http", "dns", "tls", "ja3"]
    use_addr = not args.no_addr
    extract = {"http": tshark_http, "dns": tshark_dns, "tls": tshark_tls,
               "ja3": tshark_ja3}
    want = {}
    for p in list(protos):
        try:
            want[p] = extract[p](args.tshark, args.pcap, use_addr)
        except (RuntimeError, OSError) as e:
            if p == "ja3" and not args.proto:
                print("ja3  skipped: %s" % str(e).splitlines()[0][:100])
                protos.remove(p)
                continue
            print("error: %s" % e, file=sys.stderr)
            return 2
    if args.tshark_only:
        for p in protos:
            print("%s: %d" % (p, len(want[p])))
            for key in want[p][:None if args.verbose else 20]:
                print("   ", key)
        return 0
    try:
        http, dns, tls = eve_events(args.eve)
    except OSError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    got = {"http": eve_http(http, use_addr), "dns": eve_dns(dns, use_addr),
           "tls": eve_tls(tls, use_addr), "ja3": eve_ja3(tls, use_addr)}
    ok = True
    for p in protos:
        ok &= compare(p, want[p], got[p], args.tolerance, args.verbose)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
