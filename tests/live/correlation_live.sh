#!/bin/bash
# Packet <-> process correlation, live: nightjar runs in a network namespace
# with the eBPF sensor and AF_PACKET on its veth end; from the other
# namespace curl, perl, python3 and bash /dev/tcp make 1,000 HTTP
# connections to a python3 http.server (tests/correlation/lib.sh), each
# noting its pid and local port. At least 99.5% of those flows must name
# the right pid and exe in their EVE flow record. With the rules of
# tests/correlation/http.rules, at least 99.5% of curl's connects (sid 20)
# and of the server's accepts (sid 22) must alert with the flow_id of their
# connection, and the flowbit sid 20 sets must never reach another
# program's flow (sid 21; how many curl requests it reaches in time is
# printed: the request may be inspected before the sensor thread has seen
# the connect). Alerts may wait 1 s for their flow (correlation.alert-delay,
# 0.3 by default): make check runs this beside other tests that load both
# CPUs, and a packet worker may then be that late. Prints the ratios and
# the correlation counters. Skips (77) when not root or when the sensor cannot
# start.
set -u
srcdir=${srcdir:-.}
NIGHTJAR=${NIGHTJAR:-./nightjar}
CONNECTIONS=${NJ_CORRELATION_CONNECTIONS:-1000}

skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "not root"
# shellcheck source=../correlation/lib.sh
. "$srcdir/tests/correlation/lib.sh"
cor_need_tools
[ -x "$NIGHTJAR" ] || fail "no $NIGHTJAR"

TMP=$(mktemp -d /tmp/nj-corr.XXXXXX)
nj_pid=
cleanup() {
	[ -n "$nj_pid" ] && { kill -TERM "$nj_pid" 2>/dev/null; wait "$nj_pid" 2>/dev/null; }
	cor_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

cor_setup
mkdir -p "$TMP/log" "$TMP/www"
ip netns exec "$COR_NSB" "$NIGHTJAR" --sensor -c "$srcdir/nightjar.yaml" -i "$COR_VB" --workers 1 \
	-S "$srcdir/tests/correlation/http.rules" --set correlation.alert-delay=1 \
	-l "$TMP/log" -k none --set unix-command.enabled=no --set detect.sgh-mpm-caching=no \
	2>"$TMP/err" &
nj_pid=$!
for _ in $(seq 400); do
	grep -q 'watching' "$TMP/err" 2>/dev/null && break
	kill -0 "$nj_pid" 2>/dev/null || break
	sleep 0.05
done
if ! grep -q 'watching' "$TMP/err"; then
	grep -q 'sensor: cannot start' "$TMP/err" && skip "the eBPF sensor cannot start: $(grep 'sensor: cannot start' "$TMP/err")"
	cat "$TMP/err"
	fail "nightjar did not start"
fi
cor_server "$TMP/www"

start=$(date +%s)
half=$((CONNECTIONS / 2))
cor_clients "curl perl python3 bash" "$half" "$TMP/clients.1" &
c1=$!
cor_clients "python3 bash curl perl" $((CONNECTIONS - half)) "$TMP/clients.2" || fail "clients"
wait "$c1" || fail "clients"
echo "$CONNECTIONS connections in $(($(date +%s) - start)) s"
# the last events reach nightjar within its 200 ms sensor poll
sleep 1
kill -TERM "$nj_pid"
wait "$nj_pid" || { cat "$TMP/err"; fail "nightjar exited with $? on SIGTERM"; }
nj_pid=

cat "$TMP/clients.1" "$TMP/clients.2" >"$TMP/clients"
"$PY" - "$TMP/clients" "$TMP/log/eve.json" "$COR_SERVER" "$COR_PORT" "$CONNECTIONS" \
	"curl=$(cor_exe curl)" "perl=$(cor_exe perl)" "python3=$(cor_exe python3)" "bash=$(cor_exe bash)" <<'PY'
import collections, json, sys
clients, eve, server, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
expected = int(sys.argv[5])
exes = dict(a.split("=", 1) for a in sys.argv[6:])
want = []
for line in open(clients):
    prog, pid, lport = line.split()
    want.append((prog, int(pid), int(lport)))
# flow records by client port (a port may be used again by a later client)
flows, stats, nflows = collections.defaultdict(list), None, 0
linked = collections.defaultdict(set)   # sid -> flow_ids of socket-event alerts
for line in open(eve):
    e = json.loads(line)
    if e.get("event_type") == "flow" and e.get("proto") == "TCP" and \
            e.get("dest_ip") == server and e.get("dest_port") == port:
        p = dict(e.get("process") or {})
        p["flow_id"] = e["flow_id"]
        flows[e["src_port"]].append(p)
        nflows += 1
    elif e.get("event_type") == "alert" and e["alert"]["signature_id"] in (20, 21, 22):
        linked[e["alert"]["signature_id"]].add(e.get("flow_id"))
    elif e.get("event_type") == "stats":
        stats = e["stats"]
good, bad = collections.Counter(), collections.Counter()
shown = collections.Counter()
flow_ids = collections.defaultdict(set)      # program -> its flows' ids
for prog, pid, lport in want:
    cands = flows.get(lport, [])
    hit = [p for p in cands if p.get("pid") == pid and p.get("exe") == exes[prog]]
    if hit:
        cands.remove(hit[0])
        good[prog] += 1
        flow_ids[prog].add(hit[0]["flow_id"])
        continue
    bad[prog] += 1
    if shown[prog] < 5:
        shown[prog] += 1
        print("wrong: %s pid %d port %d: %s" % (prog, pid, lport,
              "no flow record" if not cands else
              "; ".join("process %s" % {k: p.get(k) for k in ("pid", "name", "exe")} for p in cands)))
n = len(want)
ratio = sum(good.values()) / n if n else 0
print("client connections: %d, flow records: %d" % (n, nflows))
for prog in sorted(set(good) | set(bad)):
    print("  %-8s %d right, %d wrong" % (prog, good[prog], bad[prog]))
print("attributed to the right pid and exe: %.2f%%" % (100 * ratio))
corr = (stats or {}).get("correlation", {})
print("counters: %s" % ", ".join("%s %s" % kv for kv in sorted(corr.items())))
fails = []
if n != expected:
    fails.append("%d client connections noted their pid and port, want %d" % (n, expected))
if ratio < 0.995:
    fails.append("attribution below 99.5%")
curl, every = flow_ids["curl"], set().union(*flow_ids.values()) if flow_ids else set()
def share(ids, of):
    return len(ids & of) / len(of) if of else 0
r20, r22 = share(linked[20], curl), share(linked[22], every)
print("curl connects alerting with their flow_id: %d of %d (%.2f%%)" % (len(linked[20] & curl), len(curl), 100 * r20))
print("accepts alerting with their flow_id: %d of %d (%.2f%%)" % (len(linked[22] & every), len(every), 100 * r22))
print("curl requests seen with the connect's flowbit (sid 21): %d of %d" % (len(linked[21] & curl), len(curl)))
if r20 < 0.995 or r22 < 0.995:
    fails.append("socket-event alerts without their flow's flow_id")
if linked[21] - curl:
    fails.append("the flowbit of curl's connects reached %d other flows" % len(linked[21] - curl))
for f in fails:
    print("FAIL: " + f)
sys.exit(1 if fails else 0)
PY
