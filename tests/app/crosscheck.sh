#!/bin/sh
# Replays sample captures through the app-layer stage (tests/app/app_replay),
# compares the http/dns/tls records with tshark (tshark_crosscheck.py) and
# validates them against Suricata's EVE schema. Skips (77) without the
# corpora, tshark or python3-jsonschema.
set -u
srcdir=${srcdir:-.}
corpora=${NJ_CORPORA:-/work/shared/corpora}
samples="$corpora/pcaps/samples"
schema="$corpora/schema/suricata-eve-schema.json"
py=/usr/bin/python3
replay=./tests/app/app_replay

[ -d "$samples" ] && [ -f "$schema" ] || { echo "no corpora at $corpora"; exit 77; }
command -v tshark >/dev/null 2>&1 || { echo "no tshark"; exit 77; }
$py -c 'import jsonschema' 2>/dev/null || { echo "no python3-jsonschema"; exit 77; }
[ -x "$replay" ] || { echo "no $replay"; exit 77; }

# captures on which tshark and nightjar agree exactly (the others have IP
# fragments, tunnels or capture gaps that the replay driver does not undo)
pcaps="ndpi__443-firefox ndpi__WebattackSQLinj ndpi__instagram ndpi__iphone
ndpi__netflix ndpi__starcraft_battle ndpi__teams ndpi__webex ndpi__wechat
ndpi__weibo suricata-verify__base64-decode-5885
suricata-verify__tls-subjectaltname zeek__http_206_example_c zeek__http_bro.org
ndpi__alexa-app ndpi__sites"

ja3ok="ndpi__443-firefox ndpi__netflix ndpi__wechat ndpi__instagram ndpi__alexa-app"

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
for p in $pcaps; do
	f="$samples/$p.pcap"
	[ -f "$f" ] || f="$samples/$p.pcapng"
	[ -f "$f" ] || continue
	if ! "$replay" "$f" > "$tmp/$p.json"; then
		echo "FAIL replay $p"; fail=1; continue
	fi
	echo "== $p"
	# JA3/JA3S too where tshark dissects every hello (on some captures it
	# misses ServerHellos that nightjar parses)
	case " $ja3ok " in
	*" $p "*) protos="--proto http --proto dns --proto tls --proto ja3" ;;
	*) protos="--proto http --proto dns --proto tls" ;;
	esac
	$py "$srcdir/tests/app/tshark_crosscheck.py" $protos --eve "$tmp/$p.json" --pcap "$f" || fail=1
	cat "$tmp/$p.json" >> "$tmp/all.json"
done
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
