#!/bin/sh
# Runs nightjar over the sample captures and compares the http/dns/tls
# records it logs with what tshark (an independent dissector) extracts from
# the same captures (tshark_crosscheck.py), then validates every record
# against Suricata's EVE schema.
#
# The captures listed in $exact must agree completely (the test fails
# otherwise); on every other sample, and with --bench on the two benchmark
# captures, the agreement is measured and the disagreements printed.
# Midstream pickup is on: several samples start after the handshake; so is
# one-sided TCP: some carry only the client's side (a tunnel one way).
# What counts as the same transaction where the two tools present one
# differently (bytes that are not UTF-8, interim 1xx responses, a ClientHello
# repeated after a HelloRetryRequest) is set out in tshark_crosscheck.py.
# Skips (77) without the corpora, tshark or python3-jsonschema.
set -u
srcdir=${srcdir:-.}
top=$(cd "$srcdir" && pwd)
nightjar=${NIGHTJAR:-./nightjar}
corpora=${NJ_CORPORA:-$top/../shared/corpora}
samples="$corpora/pcaps/samples"
schema="$corpora/schema/suricata-eve-schema.json"
py=/usr/bin/python3

[ -d "$samples" ] && [ -f "$schema" ] || { echo "no corpora at $corpora"; exit 77; }
command -v tshark >/dev/null 2>&1 || { echo "no tshark"; exit 77; }
$py -c 'import jsonschema' 2>/dev/null || { echo "no python3-jsonschema"; exit 77; }
[ -x "$nightjar" ] || { echo "no $nightjar"; exit 77; }

exact="ndpi__443-firefox ndpi__WebattackSQLinj ndpi__alexa-app
ndpi__dnscrypt-v1-and-resolver-pings ndpi__instagram ndpi__iphone ndpi__netflix
ndpi__sites ndpi__starcraft_battle ndpi__teams ndpi__webex ndpi__wechat ndpi__weibo
suricata-verify__base64-decode-5885 suricata-verify__issue-4220-01-ids_1flowB_smtp
suricata-verify__smb2-05_mimikatz_copy_to_host suricata-verify__tls-bypass-missing-event_tor_bl
suricata-verify__tls-subjectaltname zeek__http_206_example_c zeek__http_bro.org
zeek__smb_smb2 zeek__ssh_ssh"

captures=$(ls "$samples"/*.pcap "$samples"/*.pcapng 2>/dev/null)
[ "${1:-}" = --bench ] && captures="$captures $(ls "$corpora"/pcaps/bench/*.pcap)"

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
for f in $captures; do
	p=$(basename "$f" | sed 's/\.pcapng$//; s/\.pcap$//')
	mkdir -p "$tmp/$p"
	if ! "$nightjar" -q -c "$top/nightjar.yaml" -r "$f" -l "$tmp/$p" -k none \
		--set stream.midstream=true --set stream.async-oneside=true; then
		echo "FAIL nightjar on $p"
		fail=1
		continue
	fi
	grep -E '"event_type":"(http|dns|tls)"' "$tmp/$p/eve.json" >> "$tmp/all.json"
	$py "$top/tests/app/tshark_crosscheck.py" --proto http --proto dns --proto tls \
		--eve "$tmp/$p/eve.json" --pcap "$f" -v > "$tmp/$p.out" 2>&1
	rc=$?
	grep -E '^(http|dns |tls )' "$tmp/$p.out" | sed "s|^|$p: |" >> "$tmp/summary"
	case " $(echo $exact) " in
	*" $p "*)
		if [ $rc -ne 0 ]; then
			echo "FAIL $p (must agree with tshark):"
			head -20 "$tmp/$p.out"
			fail=1
		fi ;;
	*)
		[ $rc -ne 0 ] && { echo "-- disagreements in $p:"; grep -E 'MISMATCH|missing from|only in' "$tmp/$p.out" | cut -c1-240; } ;;
	esac
done
echo "== agreement with tshark over $(echo $captures | wc -w) captures"
awk '{t[$2]+=substr($3,8); m[$2]+=substr($5,9)}
     END {for (k in t) printf "%s: %d of %d tshark transactions (%.2f%%)\n", k, m[k], t[k], t[k] ? 100*m[k]/t[k] : 100}' "$tmp/summary"
$py - "$schema" "$tmp/all.json" <<'PYEOF' || fail=1
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft202012Validator(schema)
n = bad = 0
for line in open(sys.argv[2]):
    n += 1
    errs = list(v.iter_errors(json.loads(line)))
    if errs:
        bad += 1
        if bad <= 5:
            print("schema:", errs[0].message[:200])
print("schema: %d records, %d invalid" % (n, bad))
sys.exit(1 if bad or not n else 0)
PYEOF
exit $fail
