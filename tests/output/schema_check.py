#!/usr/bin/python3
"""Validates EVE JSON lines against a JSON schema (Suricata's or nightjar's).

usage: eve_validate.py SCHEMA FILE [--require TYPE,TYPE...]
Exit status 0 when every line is valid JSON that the schema accepts (and
every required event type occurs), 1 otherwise, 77 when jsonschema is
missing.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(77)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    required = set()
    if len(sys.argv) > 4 and sys.argv[3] == "--require":
        required = set(sys.argv[4].split(","))
    cls = jsonschema.validators.validator_for(schema)
    validator = cls(schema)
    bad = 0
    seen = set()
    count = 0
    with open(sys.argv[2], "rb") as f:
        for lineno, raw in enumerate(f, 1):
            count += 1
            try:
                rec = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                print("line %d: not JSON: %s" % (lineno, e))
                bad += 1
                continue
            seen.add(rec.get("event_type"))
            for err in validator.iter_errors(rec):
                path = "/".join(str(p) for p in err.absolute_path)
                print("line %d (%s): %s: %s" % (lineno, rec.get("event_type"), path, err.message))
                bad += 1
    missing = required - seen
    if missing:
        print("missing event types: %s" % ", ".join(sorted(missing)))
        bad += 1
    if count == 0:
        print("no records")
        bad += 1
    print("%d records, %d problems" % (count, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
