#!/bin/sh
# Packet <-> process correlation, offline and without privileges: the
# capture http.pcap and the syscall trace http.jsonl.gz of the same HTTP
# requests (made by scripts/make-correlation-sample; http.clients names
# each request's program, pid, client port and exe) replayed together with
# the proc.name / proc.exe rules of http.rules. Each request's alert and
# each TCP flow record must carry its client's process, no rule may see a
# request as another program's, and the final stats must count every flow
# attributed and none unresolved. System-call rules on the same sockets:
# curl's connect (sid 20) and every accept (sid 22) alert with the flow_id
# and community_id of their connection's flow, and the flowbit that sid 20
# sets on curl's flows lets sid 21 alert on their requests, and on no other.
set -u
srcdir=${srcdir:-.}
NIGHTJAR=${NIGHTJAR:-./nightjar}
PY=/usr/bin/python3
dir=$srcdir/tests/correlation
[ -x "$PY" ] || { echo "skip: no $PY"; exit 77; }
[ -x "$NIGHTJAR" ] || { echo "FAIL: no $NIGHTJAR"; exit 1; }
out=$(mktemp -d /tmp/nj-corr-offline.XXXXXX)
trap 'rm -rf "$out"' EXIT
trap 'exit 1' INT TERM HUP

# the trace reader reads plain files
gzip -dc "$dir/http.jsonl.gz" >"$out/trace.jsonl" || exit 1
"$NIGHTJAR" -q -c "$srcdir/nightjar.yaml" -S "$dir/http.rules" -r "$dir/http.pcap" \
	--syscall-trace "$out/trace.jsonl" -l "$out" -k none --set detect.sgh-mpm-caching=no \
	2>"$out/err" || { cat "$out/err"; echo "FAIL: nightjar exited with an error"; exit 1; }

"$PY" - "$dir/http.clients" "$out/eve.json" <<'PY'
import collections, json, sys
SID = {"curl": 1, "perl": 2, "python3": 3, "bash": 4}
clients = {}
for line in open(sys.argv[1]):
    prog, pid, port, exe = line.split()
    clients[int(port)] = (prog, int(pid), exe)
alerts, flows, stats = collections.defaultdict(list), {}, None
linked = collections.defaultdict(list)     # sids 20-22 by client port
for line in open(sys.argv[2]):
    e = json.loads(line)
    if e["event_type"] == "alert" and e["alert"]["signature_id"] >= 20:
        linked[e.get("src_port")].append(e)
    elif e["event_type"] == "alert":
        alerts[e.get("src_port")].append(e)
    elif e["event_type"] == "flow" and e.get("proto") == "TCP":
        flows[e["src_port"]] = e
    elif e["event_type"] == "stats":
        stats = e["stats"]
bad = []
def same(proc, prog, pid, exe):
    return proc.get("pid") == pid and proc.get("name") == prog and proc.get("exe") == exe
for port, (prog, pid, exe) in sorted(clients.items()):
    sids = sorted(a["alert"]["signature_id"] for a in alerts.get(port, []))
    if sids != [SID[prog]]:
        bad.append("%s request from port %d: alerts %s, want [%d]" % (prog, port, sids, SID[prog]))
    for a in alerts.get(port, []):
        if not same(a.get("process", {}), prog, pid, exe):
            bad.append("%s alert from port %d names %s" % (prog, port, a.get("process")))
    f = flows.get(port)
    if f is None:
        bad.append("no flow record for %s's port %d" % (prog, port))
    elif not same(f.get("process", {}), prog, pid, exe):
        bad.append("%s flow from port %d names %s" % (prog, port, f.get("process")))
    else:
        print("%-8s pid %d port %d: alert %s and flow name %s" % (prog, pid, port, sids, exe))
for port, (prog, pid, exe) in sorted(clients.items()):
    f = flows.get(port, {})
    got = sorted(a["alert"]["signature_id"] for a in linked.get(port, []))
    want = [20, 21, 22] if prog == "curl" else [22]
    if got != want:
        bad.append("%s port %d: socket-event alerts %s, want %s" % (prog, port, got, want))
    for a in linked.get(port, []):
        if (a.get("flow_id"), a.get("community_id")) != (f.get("flow_id"), f.get("community_id")):
            bad.append("sid %d of port %d: flow_id %s community_id %s, flow has %s %s" %
                       (a["alert"]["signature_id"], port, a.get("flow_id"), a.get("community_id"),
                        f.get("flow_id"), f.get("community_id")))
print("socket-event alerts: %d, all with their flow's flow_id" %
      sum(len(v) for k, v in linked.items() if k in clients))
# the sample's readiness probe connects too (python3, not a client)
probes = [a for k, v in linked.items() if k not in clients for a in v]
if any(a["alert"]["signature_id"] != 22 for a in probes):
    bad.append("socket-event alerts of other ports: %s" % [(a.get("src_port"), a["alert"]["signature_id"]) for a in probes])
extra = set(alerts) - set(clients)
if extra:
    bad.append("alerts of other ports: %s" % sorted(extra))
if set(flows) != set(clients):
    bad.append("TCP flows of ports %s, want %s" % (sorted(flows), sorted(clients)))
corr = (stats or {}).get("correlation", {})
print("counters: %s" % ", ".join("%s %s" % kv for kv in sorted(corr.items())))
if corr.get("flows_attributed") != len(flows) or corr.get("flows_unresolved") != 0:
    bad.append("flows_attributed %s, flows_unresolved %s: want %d and 0" %
               (corr.get("flows_attributed"), corr.get("flows_unresolved"), len(flows)))
for b in bad:
    print("FAIL: " + b)
sys.exit(1 if bad or not clients else 0)
PY
