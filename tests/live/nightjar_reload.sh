#!/bin/sh
# Rule reload under traffic (SIGHUP, then nightjarctl over the control
# socket): the new set is built beside the running one and swapped in,
# alerts switch to it, no packet is lost to the reload; a rule file with
# errors keeps the running set and says why.
. "${srcdir:-.}/tests/live/lib.sh"
NIGHTJAR=${NIGHTJAR:-./nightjar}
CTL=${NIGHTJARCTL:-./nightjarctl}
[ -x "$NIGHTJAR" ] || fail "no $NIGHTJAR"
[ -x "$CTL" ] || fail "no $CTL"
need_pcap ndpi__WebattackSQLinj.pcap
setup_veth
rules=$TMP/reload.rules
dir=$TMP/logs
mkdir -p "$dir"
n=$(count_packets "$pcap")

# packet rules: every replay of the capture alerts again, whatever the
# stream state of flows seen before
echo 'alert tcp-pkt any any -> any any (msg:"first set"; content:"UNION"; nocase; sid:1; rev:1;)' >"$rules"

count() { grep -c "\"signature_id\":$1," "$dir/eve.json" 2>/dev/null || true; }
wait_log() {
	for _ in $(seq 200); do
		grep -q "$1" "$dir/err" 2>/dev/null && return 0
		sleep 0.05
	done
	cat "$dir/err"
	fail "no '$1' from nightjar"
}

sock=$TMP/ctl.sock
ip netns exec "$NSB" "$NIGHTJAR" -c "$srcdir/nightjar.yaml" -S "$rules" -i "$VB" --workers 2 \
	-l "$dir" -k none --set unix-command.filename="$sock" 2>"$dir/err" &
pid=$!
wait_log watching
"$CTL" -s "$sock" version | grep -q '"return":"OK"' || fail "nightjarctl version"
"$CTL" -s "$sock" rules | grep -q '"loaded":1,' || fail "nightjarctl rules: $("$CTL" -s "$sock" rules)"

replay "$pcap" --pps=2000
sleep 1
first=$(count 1)
[ "$first" -gt 0 ] || fail "the first rule set raised no alert"

echo 'alert tcp-pkt any any -> any any (msg:"second set"; content:"select"; nocase; sid:2; rev:1;)' >"$rules"
kill -HUP $pid
wait_log "rules reloaded"
# the workers take the new set on their next packet or second
sleep 1.5
replay "$pcap" --pps=2000
sleep 1
[ "$(count 1)" = "$first" ] || fail "the old rule alerted after the reload ($(count 1) vs $first)"
second=$(count 2)
[ "$second" -gt 0 ] || fail "the new rule set raised no alert"

printf '%s\n%s\n' 'alert tcp-pkt any any -> any any (msg:"broken"; content:"x"; sid:3; rev:1' \
	'alert tcp-pkt any any -> any any (msg:"third"; content:"union"; nocase; sid:4; rev:1;)' >"$rules"
if "$CTL" -s "$sock" reload > "$TMP/reply"; then
	fail "nightjarctl reload accepted a broken rule file: $(cat "$TMP/reply")"
fi
grep -q '"return":"NOK"' "$TMP/reply" || fail "nightjarctl reload: $(cat "$TMP/reply")"
wait_log "keeping the running rule set"
sleep 1.5
replay "$pcap" --pps=2000
sleep 1
[ "$(count 2)" -gt "$second" ] || fail "detection stopped after a failed reload"
[ "$(count 4)" = 0 ] || fail "a rule of the broken file was loaded"

"$CTL" -s "$sock" stats | grep -q '"kernel_packets"' || fail "nightjarctl stats"
kill -TERM $pid
wait $pid || { cat "$dir/err"; fail "nightjar exited with $? on SIGTERM"; }
/usr/bin/python3 - "$dir/eve.json" "$n" <<'PY' || fail "packets lost"
import json, sys
stats = [json.loads(l)["stats"] for l in open(sys.argv[1]) if '"event_type":"stats"' in l][-1]
cap, want = stats["capture"], 3 * int(sys.argv[2])
print("capture: kernel_packets %d kernel_drops %d (replayed %d); decoder.pkts %d" %
      (cap["kernel_packets"], cap["kernel_drops"], want, stats["decoder"]["pkts"]))
sys.exit(0 if cap["kernel_drops"] == 0 and cap["kernel_packets"] == want and
         stats["decoder"]["pkts"] == want else 1)
PY
echo "reload: sid 1 $first alerts before, sid 2 $second after; broken file kept the running set"
