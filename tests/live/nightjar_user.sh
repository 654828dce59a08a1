#!/bin/sh
# --user/--group: nightjar opens its capture rings and loads the sensor as
# root, then runs as nobody:nogroup keeping only CAP_BPF and CAP_SYS_ADMIN
# (for the sensor's maps); it still detects, reopens its logs and reloads
# its rules on SIGHUP.
. "${srcdir:-.}/tests/live/lib.sh"
NIGHTJAR=${NIGHTJAR:-./nightjar}
[ -x "$NIGHTJAR" ] || fail "no $NIGHTJAR"
id nobody >/dev/null 2>&1 || skip "no user nobody"
getent group nogroup >/dev/null 2>&1 || skip "no group nogroup"
need_pcap ndpi__WebattackSQLinj.pcap
setup_veth
chmod 755 "$TMP"
rules=$TMP/user.rules
dir=$TMP/logs
mkdir -p "$dir"
echo 'alert tcp-pkt any any -> any any (msg:"as nobody"; content:"UNION"; nocase; sid:1; rev:1;)' >"$rules"
chmod 644 "$rules"
ip netns exec "$NSB" "$NIGHTJAR" -c "$srcdir/nightjar.yaml" -S "$rules" -i "$VB" --workers 2 \
	--sensor --user nobody --group nogroup -l "$dir" -k none 2>"$dir/err" &
pid=$!
for _ in $(seq 200); do
	grep -q watching "$dir/err" 2>/dev/null && break
	kill -0 $pid 2>/dev/null || { cat "$dir/err"; fail "nightjar exited"; }
	sleep 0.05
done
uid=$(awk '/^Uid:/ {print $2, $3}' /proc/$pid/status)
caps=$(awk '/^CapEff:/ {print $2}' /proc/$pid/status)
echo "uid: $uid, effective capabilities: $caps"
[ "$uid" = "$(id -u nobody) $(id -u nobody)" ] || fail "not running as nobody ($uid)"
# CAP_SYS_ADMIN (21) and CAP_BPF (39) only
[ "$caps" = "0000008000200000" ] || fail "unexpected capabilities $caps"
replay "$pcap" --pps=2000
sleep 1
grep -q '"signature_id":1,' "$dir/eve.json" || fail "no alert as nobody"
echo 'alert tcp-pkt any any -> any any (msg:"reloaded"; content:"select"; nocase; sid:2; rev:1;)' >"$rules"
mv "$dir/eve.json" "$dir/eve.json.1"
kill -HUP $pid
for _ in $(seq 200); do
	grep -q "rules reloaded" "$dir/err" && break
	sleep 0.05
done
grep -q "rules reloaded" "$dir/err" || { cat "$dir/err"; fail "no reload as nobody"; }
sleep 1.5
replay "$pcap" --pps=2000
sleep 1
kill -TERM $pid
wait $pid || { cat "$dir/err"; fail "nightjar exited with $?"; }
grep -q '"signature_id":2,' "$dir/eve.json" || fail "no alert from the reloaded rules in the reopened log"
echo "ran as nobody: detected, reopened eve.json, reloaded rules"
