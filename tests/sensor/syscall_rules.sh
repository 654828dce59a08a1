#!/bin/sh
# Syscall rules over a recorded trace (no privileges): the alert count of
# each rule of tests/sensor/syscall-rules.rules, the rules rejected for
# mixing packet and syscall checks, the fast.log and unified2 forms of a
# syscall alert, and EVE records valid against doc/eve-schema.json.
set -eu
srcdir=${srcdir:-.}
nj=${NIGHTJAR:-./nightjar}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rules=$srcdir/tests/sensor/syscall-rules.rules
trace=$srcdir/tests/sensor/traces/probe.jsonl

"$nj" -c "$srcdir/nightjar.yaml" -S "$rules" --set rule-files= --set outputs.unified2.enabled=yes \
	--syscall-trace "$trace" -l "$out" -k none 2>"$out/stderr" || { cat "$out/stderr"; exit 1; }
fail=0
expect() {   # sid count
	n=$(grep -c "\[1:$1:" "$out/fast.log" || true)
	if [ "$n" != "$2" ]; then
		echo "FAIL: sid $1: $n alerts, expected $2"
		fail=1
	fi
}
expect 1 2; expect 2 2; expect 3 2; expect 4 1; expect 5 2; expect 6 1; expect 7 14
expect 8 2; expect 9 1; expect 10 1; expect 11 0; expect 12 0; expect 13 0; expect 14 2; expect 15 0
for sid in 20 21 22 23; do
	grep -q "sid $sid: " "$out/stderr" || { echo "FAIL: sid $sid was not rejected"; fail=1; }
done
grep -q '{SYSCALL} execve\[6018\] /bin/echo$' "$out/fast.log" || { echo "FAIL: fast.log syscall form"; fail=1; }
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	/usr/bin/python3 "$srcdir/tests/eve_validate.py" "$out/eve.json" || fail=1
	/usr/bin/python3 - "$out/eve.json" <<'PY' || fail=1
import json, sys
ok = False
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event_type") == "alert" and e["alert"]["signature_id"] == 3:
        assert e["src_ip"] == "127.0.0.1" and e["proto"] == "TCP", e
        assert e["syscall"]["name"] == "connect" and e["process"]["pid"] > 0, e
        assert "community_id" in e, e
        ok = True
sys.exit(0 if ok else "no connect alert with its socket's ends")
PY
	u2=$(ls "$out"/unified2.alert.* | head -1)
	/usr/bin/python3 "$srcdir/tests/u2read.py" --json "$u2" > "$out/u2.json" || fail=1
	grep -q '"extra_type": 1014' "$out/u2.json" && grep -q '"extra_type": 1012' "$out/u2.json" ||
		{ echo "FAIL: unified2 lacks the process and syscall extra data"; fail=1; }
fi
[ $fail = 0 ] && echo "syscall rules: all as expected"
exit $fail
