#!/bin/sh
# nightjar itself on a veth: the same capture replayed live and read offline
# gives the same alerts (signature and flow 5-tuple), with 1, 2 and 4
# AF_PACKET workers; SIGTERM stops it with complete logs and exit status 0.
. "${srcdir:-.}/tests/live/lib.sh"
NIGHTJAR=${NIGHTJAR:-./nightjar}
[ -x "$NIGHTJAR" ] || fail "no $NIGHTJAR"
need_pcap ndpi__WebattackSQLinj.pcap
rules="$srcdir/tests/live/live.rules"
setup_veth

# Alerts as "sid proto src:sport dst:dport", sorted, from an eve.json.
alerts() {
	/usr/bin/python3 - "$1" <<'PY'
import json, sys
rows = []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event_type") == "alert":
        rows.append("%d %s %s:%s %s:%s" % (e["alert"]["signature_id"], e.get("proto"),
                    e.get("src_ip"), e.get("src_port"), e.get("dest_ip"), e.get("dest_port")))
print("\n".join(sorted(rows)))
PY
}

mkdir -p "$TMP/offline"
"$NIGHTJAR" -q -c "$srcdir/nightjar.yaml" -S "$rules" -r "$pcap" -l "$TMP/offline" -k none \
	--set stream.midstream=true || fail "offline run"
alerts "$TMP/offline/eve.json" > "$TMP/want"
[ -s "$TMP/want" ] || fail "the offline run raised no alert: the test would prove nothing"

for workers in 1 2 4; do
	dir="$TMP/live$workers"
	mkdir -p "$dir"
	ip netns exec "$NSB" "$NIGHTJAR" -q -c "$srcdir/nightjar.yaml" -S "$rules" -i "$VB" \
		--workers "$workers" -l "$dir" -k none --set stream.midstream=true \
		--set flow-timeouts.tcp.established=600 2>"$dir/err" &
	pid=$!
	# ready once every worker has its ring: the start-up line is printed
	for _ in $(seq 100); do
		grep -q "watching" "$dir/err" 2>/dev/null && break
		kill -0 $pid 2>/dev/null || { cat "$dir/err"; fail "nightjar exited"; }
		sleep 0.05
	done
	replay "$pcap" --pps=2000
	sleep 1
	kill -TERM $pid
	wait $pid || { cat "$dir/err"; fail "nightjar exited with $? on SIGTERM"; }
	# complete records only: every line is a JSON object
	/usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$dir/eve.json" ||
		fail "torn eve.json"
	alerts "$dir/eve.json" > "$TMP/got$workers"
	if ! cmp -s "$TMP/want" "$TMP/got$workers"; then
		echo "offline vs live with $workers workers:"
		diff "$TMP/want" "$TMP/got$workers" | head -20
		fail "live alerts differ from offline ($workers workers)"
	fi
	echo "$workers workers: $(wc -l < "$TMP/got$workers") alerts, same as offline"
done
