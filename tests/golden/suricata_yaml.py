#!/usr/bin/python3
"""Translate a suricata-verify test's suricata.yaml into nightjar settings.

A test directory may carry a suricata.yaml that Suricata runs with instead
of its default configuration.  Most of it has no meaning for nightjar, but
a few parts have an exact nightjar equivalent; those become `--set`
arguments, and everything else is reported by its key path so that a test
result never silently depends on a setting that was dropped.

Mapped:
  host-os-policy: {POLICY: [NETWORKS]}
      -> --set host-os-policy.POLICY.N=NETWORK (stream and defrag policies,
         doc/stream.md; empty lists are left out)
  outputs: - eve-log: types: - alert: {payload, payload-printable, packet}
      -> --set outputs.eve.types.alert.OPTION=yes|no

Not mapped (reported): every other key, including the other eve-log
settings (its type list: nightjar keeps the event types of its own
configuration), other outputs and options such as payload-buffer-size.

Run `suricata_yaml.py --self-test` to check the translation.
"""

import yaml

# eve-log alert options that nightjar's outputs.eve.types.alert also has.
ALERT_OPTIONS = ("payload", "payload-printable", "packet")
# eve-log settings that need no mapping when they have these values: the
# runner reads LOGDIR/eve.json, which nightjar writes by default.
EVE_FIXED = {"enabled": "yes", "filetype": "regular", "filename": "eve.json"}


class Translation:
    """The --set arguments and the key paths that could not be mapped."""

    def __init__(self):
        self.sets = []
        self.unmapped = []

    def set(self, key, value):
        self.sets.append("%s=%s" % (key, value))

    def skip(self, path):
        if path not in self.unmapped:
            self.unmapped.append(path)

    def args(self):
        out = []
        for s in self.sets:
            out += ["--set", s]
        return out


def _yes_no(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).lower()
    if text in ("yes", "true", "on", "1"):
        return "yes"
    if text in ("no", "false", "off", "0"):
        return "no"
    return None


def _host_os_policy(value, tr):
    if not isinstance(value, dict):
        tr.skip("host-os-policy")
        return
    for policy, nets in value.items():
        if nets is None:
            continue
        if isinstance(nets, str):
            nets = [n.strip() for n in nets.strip("[]").split(",") if n.strip()]
        if not isinstance(nets, list):
            tr.skip("host-os-policy.%s" % policy)
            continue
        for i, net in enumerate(nets):
            tr.set("host-os-policy.%s.%d" % (policy, i), net)


def _named_item(item):
    """(name, body) of a list item written `- name: {...}` or `- name`."""
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict) and len(item) == 1:
        return next(iter(item.items()))
    return None, None


def _alert_type(body, where, tr):
    if not isinstance(body, dict):
        return
    for opt, value in body.items():
        yn = _yes_no(value) if opt in ALERT_OPTIONS else None
        if yn is None:
            tr.skip("%s.%s" % (where, opt))
        else:
            tr.set("outputs.eve.types.alert.%s" % opt, yn)


def _eve_log(body, tr):
    where = "outputs.eve-log"
    if not isinstance(body, dict):
        tr.skip(where)
        return
    for key, value in body.items():
        if key in EVE_FIXED and (_yes_no(value) or str(value)) == EVE_FIXED[key]:
            continue
        if key != "types" or not isinstance(value, list):
            tr.skip("%s.%s" % (where, key))
            continue
        for item in value:
            name, tbody = _named_item(item)
            if name == "alert":
                _alert_type(tbody, where + ".types.alert", tr)
            else:
                tr.skip("%s.types.%s" % (where, name))


def _outputs(value, tr):
    if not isinstance(value, list):
        tr.skip("outputs")
        return
    for item in value:
        name, body = _named_item(item)
        if name == "eve-log":
            _eve_log(body, tr)
        else:
            tr.skip("outputs.%s" % name)


SECTIONS = {"host-os-policy": _host_os_policy, "outputs": _outputs}


def translate_text(text):
    """Translation of a suricata.yaml's text; raises ValueError when it
    does not parse as a mapping."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ValueError("suricata.yaml does not parse: %s" % str(e).replace("\n", " "))
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise ValueError("suricata.yaml is not a mapping")
    tr = Translation()
    for key, value in doc.items():
        handler = SECTIONS.get(key)
        if handler:
            handler(value, tr)
        else:
            tr.skip(str(key))
    return tr


def translate(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return translate_text(f.read())


# ---------------------------------------------------------------- self-test

_SAMPLE = """%YAML 1.1
---
outputs:
  - eve-log:
      enabled: yes
      filetype: regular
      filename: eve.json
      types:
        - alert:
            payload: yes
            payload-buffer-size: 4kb
            packet: no
        - flow
  - fast:
      enabled: yes
host-os-policy:
  windows: [0.0.0.0/0]
  bsd: []
  old-linux: [2.2.2.2, "10.0.0.0/8"]
action-order: [pass, drop]
"""


def self_test():
    failures = []

    def expect(cond, what, got):
        print("%s %s" % ("ok  " if cond else "FAIL", what))
        if not cond:
            failures.append(what)
            print("    got: %r" % (got,))

    tr = translate_text(_SAMPLE)
    expect(tr.sets == ["outputs.eve.types.alert.payload=yes",
                       "outputs.eve.types.alert.packet=no",
                       "host-os-policy.windows.0=0.0.0.0/0",
                       "host-os-policy.old-linux.0=2.2.2.2",
                       "host-os-policy.old-linux.1=10.0.0.0/8"],
           "mapped settings in file order, empty policy lists left out", tr.sets)
    expect(tr.unmapped == ["outputs.eve-log.types.alert.payload-buffer-size",
                           "outputs.eve-log.types.flow", "outputs.fast", "action-order"],
           "unmapped settings named by key path", tr.unmapped)
    expect(tr.args()[:2] == ["--set", "outputs.eve.types.alert.payload=yes"],
           "--set arguments", tr.args())
    empty = translate_text("%YAML 1.1\n---\n")
    expect(empty.sets == [] and empty.unmapped == [], "an empty file maps to nothing",
           (empty.sets, empty.unmapped))
    try:
        translate_text("- a\n- b\n")
        expect(False, "a list is rejected", "accepted")
    except ValueError:
        expect(True, "a list is rejected", None)
    print("%d failures" % len(failures) if failures else "all passed")
    return failures


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(1 if self_test() else 0)
    for p in sys.argv[1:]:
        t = translate(p)
        print(" ".join(t.args()))
        if t.unmapped:
            print("not mapped: " + ", ".join(t.unmapped))
