#!/bin/bash
# Packet <-> process correlation, live: nightjar runs in a network namespace
# with the eBPF sensor and AF_PACKET on its veth end; from the other
# namespace curl, perl, python3 and bash /dev/tcp make 1,000 HTTP
# connections to a python3 http.server (tests/correlation/lib.sh), each
# noting its pid and local port. At least 99.5% of those flows must name
# the right pid and exe in their EVE flow record. Prints the ratio and the
# correlation counters. Skips (77) when not root or when the sensor cannot
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
for line in open(eve):
    e = json.loads(line)
    if e.get("event_type") == "flow" and e.get("proto") == "TCP" and \
            e.get("dest_ip") == server and e.get("dest_port") == port:
        flows[e["src_port"]].append(e.get("process") or {})
        nflows += 1
    elif e.get("event_type") == "stats":
        stats = e["stats"]
good, bad = collections.Counter(), collections.Counter()
shown = collections.Counter()
for prog, pid, lport in want:
    cands = flows.get(lport, [])
    hit = [p for p in cands if p.get("pid") == pid and p.get("exe") == exes[prog]]
    if hit:
        cands.remove(hit[0])
        good[prog] += 1
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
if n != expected:
    print("FAIL: %d client connections noted their pid and port, want %d" % (n, expected))
sys.exit(0 if n == expected and ratio >= 0.995 else "FAIL: attribution below 99.5%")
PY
