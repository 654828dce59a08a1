#!/usr/bin/python3
"""Helpers of the host-rule scenario tests (run with /usr/bin/python3).

  sids.py alerts EVE [ROOT_PID]
      host-rule sids (9200000-9299999) alerted in EVE, as "sid:count,..."
      ("-" for none); with ROOT_PID only alerts of that process and its
      descendants.
  sids.py filter TRACE ROOT_PID OUT
      copies the events of ROOT_PID and its descendants from the recorded
      trace TRACE to OUT (gzip-compressed when OUT ends in .gz), each
      process's ancestry cut after ROOT_PID: what ran the scenario is not
      part of it.
  sids.py dedupe TRACE OUT [SKIP]
      copies TRACE to OUT (gzip-compressed when OUT ends in .gz) without
      the events that repeat an earlier one: same program (name, exe,
      parent), same call with the same path, flags, mode, arguments and
      result sign. pids, fds, ports and times do not count. SKIP: comma-
      separated process names whose events and descendants' are left out.
  sids.py check NAME EXPECTED FOUND
      compares "9200001,9200002" (or "-") with the output of `alerts`;
      prints one PASS/FAIL line, exits 1 on a mismatch.
"""
import collections
import gzip
import json
import sys

HOST_SIDS = range(9200000, 9300000)


def in_tree(proc, root):
    if root is None:
        return True
    if proc.get("pid") == root:
        return True
    return any(a.get("pid") == root for a in proc.get("ancestors", []))


def alerts(eve, root=None):
    counts = collections.Counter()
    with open(eve) as f:
        for line in f:
            ev = json.loads(line)
            if ev.get("event_type") != "alert":
                continue
            sid = ev["alert"]["signature_id"]
            if sid not in HOST_SIDS:
                continue
            if root is not None and not in_tree(ev.get("process", {}), root):
                continue
            counts[sid] += 1
    return counts


def fmt(counts):
    if not counts:
        return "-"
    return ",".join("%d:%d" % (s, counts[s]) for s in sorted(counts))


def cut_ancestry(proc, root):
    anc = proc.get("ancestors")
    if anc is None:
        return
    if proc.get("pid") == root:
        del proc["ancestors"]
        return
    for i, a in enumerate(anc):
        if a.get("pid") == root:
            proc["ancestors"] = anc[:i + 1]
            return


def filter_trace(trace, root, out):
    n = 0
    opener = gzip.open if out.endswith(".gz") else open
    with open(trace) as f, opener(out, "wt") as o:
        for line in f:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            proc = ev.get("process", {})
            if in_tree(proc, root):
                cut_ancestry(proc, root)
                o.write(json.dumps(ev, separators=(",", ":")) + "\n")
                n += 1
    return n


# syscall fields that make an act distinct; the rest (fds, pids, ports of
# our own end, times) differ between repetitions of the same act
ACT_FIELDS = ("name", "errno", "path", "raw_path", "newpath", "flags", "mode",
              "argv", "exe_memfd", "family", "sock_type", "remote_ip",
              "remote_port", "request", "bpf_cmd", "ids", "module", "signal")


def act_key(ev):
    proc = ev.get("process", {})
    sc = ev.get("syscall", {})
    anc = proc.get("ancestors") or [{}]
    key = [proc.get("name"), proc.get("exe"), proc.get("uid"), proc.get("euid"),
           anc[0].get("name"), sc.get("ret", 0) >= 0]
    key += [json.dumps(sc.get(f), sort_keys=True) for f in ACT_FIELDS]
    return tuple(key)


def dedupe(trace, out, skip=()):
    seen = set()
    opener = gzip.open if out.endswith(".gz") else open
    with open(trace) as f, opener(out, "wt") as o:
        for line in f:
            ev = json.loads(line)
            proc = ev.get("process", {})
            names = [proc.get("name")] + [a.get("name") for a in proc.get("ancestors", [])]
            if any(n in skip for n in names):
                continue
            k = act_key(ev)
            if k not in seen:
                seen.add(k)
                o.write(line)


def check(name, expected, found):
    want = set() if expected == "-" else {int(s) for s in expected.split(",")}
    got = {} if found == "-" else dict(
        (int(s), int(c)) for s, c in (x.split(":") for x in found.split(",")))
    ok = want == set(got)
    print("%s %s (expected %s, alerts %s)" % ("PASS" if ok else "FAIL", name, expected, found))
    return ok


def main(argv):
    if len(argv) >= 3 and argv[1] == "alerts":
        print(fmt(alerts(argv[2], int(argv[3]) if len(argv) > 3 else None)))
        return 0
    if len(argv) == 5 and argv[1] == "filter":
        print(filter_trace(argv[2], int(argv[3]), argv[4]))
        return 0
    if len(argv) in (4, 5) and argv[1] == "dedupe":
        dedupe(argv[2], argv[3], set(argv[4].split(",")) if len(argv) == 5 else ())
        return 0
    if len(argv) == 5 and argv[1] == "check":
        return 0 if check(argv[2], argv[3], argv[4]) else 1
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
