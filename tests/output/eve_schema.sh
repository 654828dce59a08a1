#!/bin/sh
# EVE records nightjar writes (alert with every option, flow, anomaly,
# stats) validate against Suricata's own EVE schema. The schema is test
# material outside the tree: NJ_EVE_SCHEMA, or ../shared/corpora next to
# the source tree; skipped (77) when neither is there.
set -u
srcdir=${srcdir:-.}
schema=${NJ_EVE_SCHEMA:-}
if [ -z "$schema" ]; then
	for s in "$srcdir/../shared/corpora/schema/suricata-eve-schema.json" \
		 "$srcdir/../../shared/corpora/schema/suricata-eve-schema.json"; do
		[ -f "$s" ] && schema=$s && break
	done
fi
[ -n "$schema" ] && [ -f "$schema" ] || { echo "no EVE schema found"; exit 77; }
[ -x /usr/bin/python3 ] || exit 77
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
NJ_EVE_DUMP=$out ./tests/unit/eve_test || exit 1
for type in alert flow anomaly stats; do
	grep -q "\"event_type\":\"$type\"" "$out" || { echo "no $type record written"; exit 1; }
done
/usr/bin/python3 "$srcdir/tests/eve_validate.py" --suricata-schema "$schema" "$out"
