#!/usr/bin/python3
"""Reads Snort unified2 files, written from the published record layouts
(Snort 2.9 Unified2_common.h and the u2spewfoo documentation).

usage: u2read.py [--pcap OUT.pcap] [--json] FILE...

Prints one line per event: "gid sid rev src sport dst dport proto" (or the
whole record as JSON with --json), and with --pcap writes the packet
records to a pcap file (all packets must share one linktype).
"""
import ipaddress
import json
import struct
import sys

PACKET = 2
EVENT_V2 = 104
EVENT6_V2 = 105
EVENT = 7
EVENT6 = 72
EXTRA = 110

# Event bodies, common part: sensor_id event_id event_second
# event_microsecond signature_id generator_id signature_revision
# classification_id priority_id.
COMMON = struct.Struct(">9I")


class U2Error(Exception):
    pass


def parse_event(rtype, body):
    if rtype in (EVENT_V2, EVENT):
        alen = 4
    else:
        alen = 16
    need = COMMON.size + 2 * alen + 4 + 4
    if rtype in (EVENT_V2, EVENT6_V2):
        need += 8  # mpls_label, vlan_id, pad2
    if len(body) != need:
        raise U2Error("event type %d: body of %d bytes, expected %d" % (rtype, len(body), need))
    f = COMMON.unpack_from(body, 0)
    off = COMMON.size
    src = ipaddress.ip_address(body[off:off + alen])
    dst = ipaddress.ip_address(body[off + alen:off + 2 * alen])
    off += 2 * alen
    sport, dport, proto, impact_flag, impact, blocked = struct.unpack_from(">HHBBBB", body, off)
    off += 8
    ev = {
        "type": rtype, "sensor_id": f[0], "event_id": f[1], "event_second": f[2],
        "event_microsecond": f[3], "signature_id": f[4], "generator_id": f[5],
        "signature_revision": f[6], "classification_id": f[7], "priority_id": f[8],
        "src": str(src), "dst": str(dst), "sport_itype": sport, "dport_icode": dport,
        "protocol": proto, "impact_flag": impact_flag, "impact": impact, "blocked": blocked,
    }
    if rtype in (EVENT_V2, EVENT6_V2):
        ev["mpls_label"], ev["vlan_id"], _ = struct.unpack_from(">IHH", body, off)
    return ev


def parse_packet(body):
    if len(body) < 28:
        raise U2Error("packet record too short")
    (sensor, event_id, event_second, sec, usec, linktype, plen) = struct.unpack_from(">7I", body, 0)
    if plen != len(body) - 28:
        raise U2Error("packet length %d, record holds %d" % (plen, len(body) - 28))
    return {"type": PACKET, "sensor_id": sensor, "event_id": event_id,
            "event_second": event_second, "packet_second": sec,
            "packet_microsecond": usec, "linktype": linktype, "data": body[28:]}


def parse_extra(body):
    if len(body) < 32:
        raise U2Error("extra data record too short")
    (etype, elen, sensor, event_id, event_second, xtype, dtype, blen) = \
        struct.unpack_from(">8I", body, 0)
    if etype != 4 or elen != len(body) or blen != len(body) - 24:
        raise U2Error("extra data header inconsistent")
    return {"type": EXTRA, "sensor_id": sensor, "event_id": event_id,
            "event_second": event_second, "extra_type": xtype, "data_type": dtype,
            "data": body[32:]}


def records(path):
    with open(path, "rb") as f:
        data = f.read()
    off = 0
    while off < len(data):
        if len(data) - off < 8:
            raise U2Error("%s: truncated record header at %d" % (path, off))
        rtype, length = struct.unpack_from(">II", data, off)
        body = data[off + 8:off + 8 + length]
        if len(body) != length:
            raise U2Error("%s: truncated record at %d" % (path, off))
        off += 8 + length
        if rtype in (EVENT_V2, EVENT6_V2, EVENT, EVENT6):
            yield parse_event(rtype, body)
        elif rtype == PACKET:
            yield parse_packet(body)
        elif rtype == EXTRA:
            yield parse_extra(body)
        else:
            yield {"type": rtype, "raw": body}


def write_pcap(path, packets):
    linktypes = {p["linktype"] for p in packets}
    if len(linktypes) > 1:
        raise U2Error("packets of several linktypes: %s" % sorted(linktypes))
    linktype = linktypes.pop() if linktypes else 1
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, linktype))
        for p in packets:
            n = len(p["data"])
            f.write(struct.pack("<IIII", p["packet_second"], p["packet_microsecond"], n, n))
            f.write(p["data"])


def main(argv):
    pcap = None
    as_json = False
    files = []
    i = 0
    while i < len(argv):
        if argv[i] == "--pcap" and i + 1 < len(argv):
            pcap = argv[i + 1]
            i += 2
            continue
        if argv[i] == "--json":
            as_json = True
        else:
            files.append(argv[i])
        i += 1
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    packets = []
    try:
        for path in files:
            for rec in records(path):
                if rec["type"] == PACKET:
                    packets.append(rec)
                if as_json:
                    out = dict(rec)
                    for k in ("data", "raw"):
                        if k in out:
                            out[k] = out[k].hex()
                    print(json.dumps(out, sort_keys=True))
                elif rec["type"] in (EVENT_V2, EVENT6_V2, EVENT, EVENT6):
                    print("%d %d %d %s %d %s %d %d" % (
                        rec["generator_id"], rec["signature_id"], rec["signature_revision"],
                        rec["src"], rec["sport_itype"], rec["dst"], rec["dport_icode"],
                        rec["protocol"]))
        if pcap:
            write_pcap(pcap, packets)
    except U2Error as e:
        print("u2read: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
