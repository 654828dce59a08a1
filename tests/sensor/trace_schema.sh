#!/bin/sh
# Validates the committed sensor traces against doc/syscall-trace-schema.json.
# Skips (77) when Debian's python3-jsonschema is not installed.
set -eu
srcdir=${srcdir:-.}
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || { echo "skip: no python3-jsonschema"; exit 77; }
exec /usr/bin/python3 - "$srcdir/doc/syscall-trace-schema.json" "$srcdir"/tests/sensor/traces/*.jsonl <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
v = jsonschema.Draft7Validator(schema)
bad = n = 0
for path in sys.argv[2:]:
    for lineno, line in enumerate(open(path), 1):
        n += 1
        for e in v.iter_errors(json.loads(line)):
            bad += 1
            print("%s:%d: %s at %s" % (path, lineno, e.message, "/".join(map(str, e.path))))
print("%d lines, %d errors" % (n, bad))
sys.exit(1 if bad or n == 0 else 0)
PY
