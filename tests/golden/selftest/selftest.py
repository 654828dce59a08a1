"""Self-tests of the golden runner (`tests/golden/run --self-test`).

Each case below is written out as a test directory (test.yaml, a tiny pcap,
rules, and the fake-eve.json that selftest/fake-nightjar copies to the log
directory), run through the real runner with the fake nightjar, and its
result compared with the expected status and text.  Every matching operator
has a case that must pass and one that must fail.  The EVE validator's and
pcapgen's own self-tests run afterwards.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.dirname(HERE)
TOP = os.path.dirname(os.path.dirname(GOLDEN))
FAKE = os.path.join(HERE, "fake-nightjar")

TS = "2026-11-23T12:00:0%d.000000+0000"

EVENTS = [
    {"timestamp": TS % 1, "event_type": "stats",
     "stats": {"uptime": 1, "decoder": {"pkts": 5}}},
    {"timestamp": TS % 2, "flow_id": 42, "event_type": "alert", "src_ip": "10.0.0.1",
     "src_port": 1234, "dest_ip": "10.0.0.2", "dest_port": 53, "proto": "UDP",
     "pcap_cnt": 3,
     "alert": {"action": "allowed", "gid": 1, "signature_id": 1, "rev": 1,
               "signature": "NJ TEST Foo bar", "category": "", "severity": 3,
               "metadata": {"foo": ["bar", "baz"]}}},
    {"timestamp": TS % 3, "flow_id": 43, "event_type": "alert", "src_ip": "10.0.0.1",
     "src_port": 1235, "dest_ip": "10.0.0.3", "dest_port": 80, "proto": "TCP",
     "pcap_cnt": 5, "app_proto": "http",
     "alert": {"action": "allowed", "gid": 1, "signature_id": 2, "rev": 1,
               "signature": "NJ TEST http", "category": "", "severity": 3},
     "http": {"hostname": "www.example.com", "url": "/index.html", "status": 200}},
    {"timestamp": TS % 4, "flow_id": 42, "event_type": "flow", "src_ip": "10.0.0.1",
     "src_port": 1234, "dest_ip": "10.0.0.2", "dest_port": 53, "proto": "UDP",
     "flow": {"pkts_toserver": 1, "pkts_toclient": 0, "bytes_toserver": 60,
              "bytes_toclient": 0, "start": TS % 2, "end": TS % 2, "age": 0,
              "state": "new", "reason": "shutdown", "alerted": True}},
    {"timestamp": TS % 5, "event_type": "anomaly", "pcap_cnt": 7,
     "anomaly": {"type": "decode", "event": "ipv4.trunc_pkt"}},
    {"timestamp": TS % 6, "event_type": "stats",
     "stats": {"uptime": 2, "decoder": {"pkts": 10}, "detect": {"alert": 2}}},
]

# A pcap with no packets: the fake nightjar does not read it.
EMPTY_PCAP = bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000")


def m(count, match, **extra):
    body = {"count": count, "match": match}
    body.update(extra)
    return {"filter": body}


def yaml_of(cfg):
    # JSON is YAML; keeps the cases free of indentation mistakes.
    return json.dumps(cfg, indent=1)


ALERT1 = {"event_type": "alert", "alert.signature_id": 1}

# name: (test.yaml mapping, expected status, substrings expected in output,
#        extra files {name: text}, eve lines (None: EVENTS))
CASES = {}


def case(name, cfg, status, expect=(), files=None, eve=None):
    expect = list(expect)
    if status == "FAIL" and not expect and "filter" in (cfg.get("checks") or [{}])[0]:
        # A failing filter case must fail in the filter, not elsewhere.
        expect = ["check #1 (filter): expected "]
    CASES[name] = (cfg, status, expect, files or {}, eve)


# -- counts and plain equality
case("count-pass", {"checks": [m(2, {"event_type": "alert"})]}, "PASS")
case("count-fail", {"checks": [m(3, {"event_type": "alert"})]}, "FAIL",
     ["check #1 (filter): expected 3, got 2", "matched eve.json:2"])
case("count-zero-pass", {"checks": [m(0, {"event_type": "alert", "alert.signature_id": 9})]},
     "PASS")
case("count-zero-fail", {"checks": [m(0, ALERT1)]}, "FAIL",
     ["expected 0, got 1", "matched eve.json:2"])
case("dotted-pass", {"checks": [m(1, {"http.hostname": "www.example.com", "http.status": 200})]},
     "PASS")
case("dotted-fail", {"checks": [m(1, {"event_type": "alert", "http.hostname": "example.com"})]},
     "FAIL", ["closest event (1 of 2 keys match)",
              "http.hostname: expected 'example.com', found 'www.example.com'"])
case("type-strict-fail", {"checks": [m(1, {"event_type": "alert", "pcap_cnt": "3"})]}, "FAIL",
     ["pcap_cnt: expected '3', found 3"])
# -- array indexes
case("index-pass", {"checks": [m(1, {"alert.metadata.foo[0]": "bar",
                                     "alert.metadata.foo[1]": "baz"})]}, "PASS")
case("index-fail", {"checks": [m(1, {"alert.metadata.foo[1]": "bar"})]}, "FAIL",
     ["expected 1, got 0", "found 'baz'"])
case("index-out-of-range-fail", {"checks": [m(1, {"alert.metadata.foo[5]": "bar"})]}, "FAIL",
     ["found None"])
# -- operators
case("len-pass", {"checks": [m(1, {"alert.metadata.foo.__len": 2}),
                             m(1, {"http.hostname.__len": 15})]}, "PASS")
case("len-fail", {"checks": [m(1, {"alert.metadata.foo.__len": 3})]}, "FAIL",
     ["alert.metadata.foo.__len: expected 3, found 2"])
case("len-missing-fail", {"checks": [m(1, {"alert.nothing.__len": 0})]}, "FAIL")
case("contains-pass", {"checks": [m(1, {"alert.metadata.foo.__contains": "baz"}),
                                  m(1, {"alert.signature.__contains": "Foo"})]}, "PASS")
case("contains-fail", {"checks": [m(1, {"alert.metadata.foo.__contains": "qux"})]}, "FAIL",
     ["expected 1, got 0"])
case("startswith-pass", {"checks": [m(2, {"alert.signature.__startswith": "NJ TEST"})]}, "PASS")
case("startswith-fail", {"checks": [m(2, {"alert.signature.__startswith": "TEST"})]}, "FAIL")
case("endswith-pass", {"checks": [m(1, {"http.hostname.__endswith": ".com"})]}, "PASS")
case("endswith-fail", {"checks": [m(1, {"http.hostname.__endswith": ".org"})]}, "FAIL")
case("find-pass", {"checks": [m(1, {"http.url.__find": "index"})]}, "PASS")
case("find-fail", {"checks": [m(1, {"http.url.__find": "admin"})]}, "FAIL")
case("find-nonstring-fail", {"checks": [m(1, {"pcap_cnt.__find": "3"})]}, "FAIL")
case("gt-lt-pass", {"checks": [m(1, {"event_type": "alert", "pcap_cnt.__gt": 3}),
                               m(1, {"event_type": "alert", "pcap_cnt.__lt": 5})]}, "PASS")
case("gt-fail", {"checks": [m(1, {"event_type": "alert", "pcap_cnt.__gt": 5})]}, "FAIL")
case("lt-fail", {"checks": [m(2, {"event_type": "alert", "pcap_cnt.__lt": 5})]}, "FAIL")
case("ge-le-pass", {"checks": [m(2, {"event_type": "alert", "pcap_cnt.__ge": 3}),
                               m(2, {"event_type": "alert", "pcap_cnt.__le": 5})]}, "PASS")
case("ge-fail", {"checks": [m(1, {"event_type": "alert", "pcap_cnt.__ge": 6})]}, "FAIL")
case("le-fail", {"checks": [m(1, {"event_type": "alert", "pcap_cnt.__le": 2})]}, "FAIL")
case("has-key-pass", {"checks": [m(1, {"event_type": "alert", "has-key": "http.url"})]}, "PASS")
case("has-key-fail", {"checks": [m(2, {"event_type": "alert", "has-key": "http.url"})]}, "FAIL",
     ["has-key http.url: value None"])
case("not-has-key-pass", {"checks": [m(1, {"event_type": "alert", "not-has-key": "http"})]},
     "PASS")
case("not-has-key-fail", {"checks": [m(0, {"event_type": "alert", "not-has-key": "tls"})]},
     "FAIL", ["expected 0, got 2"])
case("comment-fail", {"checks": [m(5, ALERT1, comment="sid 1 fires five times")]}, "FAIL",
     ["expected 5, got 1; sid 1 fires five times"])
# -- per-check versions and requires
case("check-versions-apply-pass", {"checks": [m(1, ALERT1, **{"min-version": "99.0.0"}),
                                              m(1, ALERT1, **{"lt-version": "4"})]}, "PASS")
case("check-versions-apply-fail", {"checks": [m(2, ALERT1, **{"lt-version": "4"})]}, "FAIL",
     ["expected 2, got 1"])
case("check-requires-feature-skip",
     {"checks": [m(5, ALERT1, requires={"features": ["HAVE_LUA"]})]}, "SKIP",
     ["all checks skipped"])
case("check-requires-partial-pass",
     {"checks": [m(5, ALERT1, requires={"features": ["HAVE_LUA"]}),
                 m(1, ALERT1, requires={"min-version": 8})]}, "PASS",
     ["check #1 (filter) skipped: requires feature HAVE_LUA"])
case("filter-filename-pass", {"checks": [m(1, {"event_type": "anomaly"}, filename="eve.json")]},
     "PASS")
case("filter-filename-fail", {"checks": [m(1, {"event_type": "anomaly"}, filename="other.json")]},
     "FAIL", ["other.json does not exist"])
# -- test-level requires and skips
case("requires-version-pass", {"requires": {"min-version": "99", "gt-version": "98",
                                            "lt-version": "1", "version": "1.2.3"},
                               "checks": [m(1, ALERT1)]}, "PASS")
case("requires-feature-skip", {"requires": {"features": ["HAVE_LUA"]},
                               "checks": [m(1, ALERT1)]}, "SKIP", ["HAVE_LUA: Lua scripting"])
case("requires-files-skip", {"requires": {"files": ["no/such/file.c"]},
                             "checks": [m(1, ALERT1)]}, "SKIP", ["requires file no/such/file.c"])
case("requires-files-pass", {"requires": {"files": ["test.yaml"]}, "checks": [m(1, ALERT1)]},
     "PASS")
case("requires-env-skip", {"requires": {"env": ["NJ_SELFTEST_UNSET_VAR"]},
                           "checks": [m(1, ALERT1)]}, "SKIP")
case("requires-env-pass", {"requires": {"env": ["NJ_SELFTEST_SET_VAR"]},
                           "checks": [m(1, ALERT1)]}, "PASS")
case("requires-script-skip", {"requires": {"script": ["false"]}, "checks": [m(1, ALERT1)]},
     "SKIP", ["requires script returned false"])
case("requires-lambda-skip", {"requires": {"lambda": "True"}, "checks": [m(1, ALERT1)]},
     "SKIP", ["requires lambda"])
case("requires-unknown-fail", {"requires": {"colour": "red"}, "checks": [m(1, ALERT1)]},
     "FAIL", ["unknown requires key"])
case("skip-true-skip", {"skip": True, "checks": [m(1, ALERT1)]}, "SKIP")
case("skip-unsupported-feature-pass", {"skip": [{"feature": "HAVE_LUA", "msg": "x"}],
                                       "checks": [m(1, ALERT1)]}, "PASS")
case("skip-feature-skip", {"skip": [{"feature": "RUST", "msg": "not with rust"}],
                           "checks": [m(1, ALERT1)]}, "SKIP", ["not with rust"])
case("pcap-false-skip", {"pcap": False, "checks": [m(1, ALERT1)]}, "SKIP", ["pcap: false"])
case("pcap-missing-fail", {"pcap": "../nowhere.pcap", "checks": [m(1, ALERT1)]}, "FAIL",
     ["pcap does not exist"])
case("command-skip", {"command": "suricata -T", "checks": [m(1, ALERT1)]}, "SKIP",
     ["uses command"])
case("lua-rule-skip", {"checks": [m(1, ALERT1)]}, "SKIP", ["rule keyword lua"],
     files={"test.rules": 'alert ip any any -> any any (msg:"x"; lua:foo.lua; sid:1;)\n'})
case("proto-rule-skip", {"checks": [m(1, ALERT1)]}, "SKIP", ["rules for protocol dnp3"],
     files={"test.rules": 'alert udp any any -> any any (msg:"x"; sid:1;)\n'
                          'alert dnp3 any any -> any any (msg:"y"; \\\n  dnp3_func:1; sid:2;)\n'})
case("proto-commented-pass", {"checks": [m(1, ALERT1)]}, "PASS",
     files={"test.rules": '# alert dnp3 any any -> any any (msg:"y"; sid:2;)\n'
                          'alert udp any any -> any any (msg:"x"; sid:1;)\n'})
case("firewall-rules-skip", {"checks": [m(1, ALERT1)]}, "SKIP", ["firewall"],
     files={"firewall.rules": ""})
case("two-rule-files-fail", {"checks": [m(1, ALERT1)]}, "FAIL", ["more than one rule file"],
     files={"a.rules": "", "b.rules": ""})
# -- arguments and configuration
ARGS_CHECK = "/usr/bin/python3 -c 'import json,sys; a=json.load(open(\"fake-args.json\")); " \
             "print(a[\"k\"], sorted(a[\"set\"].items()), a[\"c\"] is None, len(a[\"S\"]))'"
case("args-pass", {"args": ["-k none --set stream.inline=true", "--set a.b=c"],
                   "checks": [{"shell": {"args": ARGS_CHECK,
                                         "expect": "none [('a.b', 'c'), ('stream.inline', 'true')] True 1"}}]},
     "PASS")
case("args-ignored-pass", {"args": ["-k none", "--init-errors-fatal", "--frobnicate"],
                           "checks": [m(1, ALERT1)]}, "PASS",
     ["ignored --init-errors-fatal", "ignored --frobnicate (unknown to nightjar)"])
case("args-flag-pass", {"args": ["-k none --simulate-ips"],
                        "checks": [{"shell": {
                            "args": "grep -q '\"simulate_ips\": true' fake-args.json"}}]},
     "PASS")
case("args-bpf-skip", {"args": ["-k none port 22"], "checks": [m(1, ALERT1)]}, "SKIP",
     ["capture filter 'port 22'"])
case("args-testdir-pass", {"args": ["--set threshold-file=${TEST_DIR}/threshold.config"],
                           "checks": [{"shell": {
                               "args": "grep -q \"$TEST_DIR/threshold.config\" fake-args.json"}}]},
     "PASS")
case("suricata-yaml-empty-pass", {"checks": [{"shell": {"args": ARGS_CHECK,
                                                        "expect": "None [] True 1"}}]},
     "PASS", files={"suricata.yaml": "%YAML 1.1\n---\n"})
case("suricata-yaml-mapped-pass", {
    "args": ["--set host-os-policy.linux.0=10.0.0.2"],
    "checks": [{"shell": {"args": ARGS_CHECK, "expect":
                          "None [('host-os-policy.linux.0', '10.0.0.2'), "
                          "('host-os-policy.old-linux.0', '2.2.2.2')] True 1"}}]},
     "PASS", ["ignored suricata.yaml: action-order"],
     files={"suricata.yaml": "%YAML 1.1\n---\nhost-os-policy:\n  old-linux: [2.2.2.2]\n"
                             "  linux: [10.0.0.1]\n  bsd: []\naction-order: [pass]\n"})
case("suricata-yaml-broken-fail", {"checks": [m(1, ALERT1)]}, "FAIL",
     ["suricata.yaml is not a mapping"], files={"suricata.yaml": "- a\n"})
case("nightjar-yaml-pass", {"checks": [{"shell": {
    "args": "grep -q '\"c\": \"[^\"]*/nightjar.yaml\"' fake-args.json"}}]}, "PASS",
    files={"nightjar.yaml": "---\n"})
case("no-rules-pass", {"checks": [{"shell": {"args": ARGS_CHECK, "expect": "None [] True 1"}}]},
     "PASS", ["no rules"], files={"test.rules": None})
# -- shell, stats, file-compare
case("shell-pass", {"checks": [{"shell": {"args": "grep -c '\"alert\"' eve.json", "expect": 3}}]},
     "PASS")
case("shell-expect-fail", {"checks": [{"shell": {"args": "grep -c '\"alert\"' eve.json",
                                                 "expect": 4}}]}, "FAIL",
     ["expected '4', got '3'"])
case("shell-exit-fail", {"checks": [{"shell": {"args": "test -e nothing-here"}}]}, "FAIL",
     ["failed (exit 1)"])
case("stats-pass", {"checks": [{"stats": {"decoder.pkts": 10, "detect.alert": 2}}]}, "PASS")
case("stats-fail", {"checks": [{"stats": {"decoder.pkts": 5}}]}, "FAIL",
     ["stats.decoder.pkts: expected 5, got 10"])
case("stats-none-fail", {"checks": [{"stats": {"decoder.pkts": 5}}]}, "FAIL",
     ["no stats event"], eve=[EVENTS[1]])
case("file-compare-pass", {"checks": [{"file-compare": {"filename": "fast.log",
                                                         "expected": "expected-fast.log"}}]},
     "PASS", files={"fake-fast.log": "one alert\n", "expected-fast.log": "one alert\n"})
case("file-compare-fail", {"checks": [{"file-compare": {"filename": "fast.log",
                                                         "expected": "expected-fast.log"}}]},
     "FAIL", ["fast.log differs"],
     files={"fake-fast.log": "one alert\n", "expected-fast.log": "two alerts\n"})
case("unknown-check-fail", {"checks": [{"colour": {"red": 1}}]}, "FAIL", ["unknown check type"])
case("setup-pass", {"setup": [{"script": "echo ready > setup-ran"}],
                    "checks": [{"shell": {"args": "cat setup-ran", "expect": "ready"}}]}, "PASS")
case("pre-check-pass", {"pre-check": "grep -v anomaly eve.json > eve2.json && mv eve2.json eve.json",
                        "checks": [m(0, {"event_type": "anomaly"})]}, "PASS")
# -- running nightjar
case("exit-code-pass", {"args": ["--set fake.exit=3"], "exit-code": 3,
                        "checks": [m(1, ALERT1)]}, "PASS")
case("exit-code-fail", {"args": ["--set fake.exit=3"], "checks": [m(1, ALERT1)]}, "FAIL",
     ["nightjar exit code 3, expected 0"])
case("timeout-fail", {"args": ["--set fake.sleep=5"], "checks": [m(1, ALERT1)]}, "FAIL",
     ["timed out"])
case("no-eve-fail", {"checks": [m(0, ALERT1)]}, "FAIL", ["eve.json does not exist"], eve=[])
case("no-checks-pass", {}, "PASS")
case("repeat-count-pass", {"count": 2, "checks": [m(1, ALERT1)]}, "PASS")
case("schema-invalid-fail", {"checks": [m(1, {"event_type": "alert"})]}, "FAIL",
     ["eve.json fails schema validation", "eve.json:1:", "signature_id"],
     eve=[dict(EVENTS[1], alert=dict(EVENTS[1]["alert"], signature_id="1"))])
case("schema-extra-key-fail", {"checks": []}, "FAIL", ["colour"],
     eve=[dict(EVENTS[3], colour="red")])
case("not-json-fail", {"checks": []}, "FAIL", ["not JSON"], eve="{\"event_type\": \n")
case("nightjar-objects-pass", {"checks": [m(1, {"process.name": "cat",
                                                "syscall.name": "openat"})]}, "PASS",
     eve=[{"timestamp": TS % 1, "event_type": "alert",
           "alert": {"action": "allowed", "gid": 1, "signature_id": 7, "rev": 1,
                     "signature": "s", "category": "", "severity": 1},
           "process": {"pid": 10, "name": "cat", "exe": "/usr/bin/cat"},
           "syscall": {"name": "openat", "ret": 3, "path": "/etc/shadow"}}])
case("group/nested-pass", {"checks": [m(1, ALERT1)]}, "PASS")


def write_cases(root):
    for name, (cfg, _, _, files, eve) in CASES.items():
        d = os.path.join(root, name)
        os.makedirs(d)
        with open(os.path.join(d, "test.yaml"), "w") as f:
            f.write(yaml_of(cfg) + "\n")
        with open(os.path.join(d, "input.pcap"), "wb") as f:
            f.write(EMPTY_PCAP)
        all_files = {"test.rules": 'alert udp any any -> any any (msg:"x"; sid:1;)\n'}
        all_files.update(files)
        if "firewall.rules" in files or "a.rules" in files:
            all_files.pop("test.rules")
        for fname, text in all_files.items():
            if text is not None:
                with open(os.path.join(d, fname), "w") as f:
                    f.write(text)
        if isinstance(eve, str):
            text = eve
        else:
            text = "".join(json.dumps(e) + "\n" for e in (EVENTS if eve is None else eve))
        if eve != []:
            with open(os.path.join(d, "fake-eve.json"), "w") as f:
                f.write(text)


def run_cases(runner, jobs):
    failures = 0
    root = tempfile.mkdtemp(prefix="nj-golden-selftest-")
    os.environ["NJ_SELFTEST_SET_VAR"] = "1"
    os.environ.pop("NJ_SELFTEST_UNSET_VAR", None)
    try:
        write_cases(root)
        opts = runner.Options(FAKE, True, False, 2, False, False)
        tests = runner.select_tests(root, [])
        if len(tests) != len(CASES):
            print("FAIL discovery found %d of %d cases" % (len(tests), len(CASES)))
            failures += 1

        import io
        out = io.StringIO()
        results = runner.run_all(tests, opts, jobs, runner.UNSUPPORTED_FILE, out)
        by_name = {r.name: r for r in results}
        for name, (_, status, expect, _, _) in CASES.items():
            r = by_name.get(name)
            if r is None:
                print("FAIL %s: not run" % name)
                failures += 1
                continue
            text = "\n".join([r.line()] + r.details)
            missing = [e for e in expect if e not in text]
            if r.status != status or missing:
                failures += 1
                print("FAIL %s: wanted %s%s, runner said:\n    %s" % (
                    name, status, (" with %r" % missing) if missing else "",
                    text.replace("\n", "\n    ")))
            else:
                print("ok   %s -> %s" % (name, r.line()[:110]))
        summary = runner.summary(results)
        want = "%d passed, %d failed, %d skipped" % tuple(
            sum(1 for c in CASES.values() if c[1] == s) for s in ("PASS", "FAIL", "SKIP"))
        ok = summary == want
        print("%s summary line: %s" % ("ok  " if ok else "FAIL", summary))
        failures += 0 if ok else 1
        failures += check_cli(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return failures


def check_cli(root):
    """Exit codes, --allow-fail, --keep and the summary line of the real CLI."""
    failures = 0
    run = os.path.join(GOLDEN, "run")

    def cli(*args):
        r = subprocess.run([run, "--nightjar", FAKE, "--jobs", "2"] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return r.returncode, r.stdout

    def expect(cond, what, out=""):
        nonlocal failures
        print("%s %s" % ("ok  " if cond else "FAIL", what))
        if not cond:
            failures += 1
            print("    " + out.replace("\n", "\n    "))

    rc, out = cli(os.path.join(root, "count-pass"), os.path.join(root, "skip-true-skip"))
    expect(rc == 0 and out.splitlines()[-1] == "1 passed, 0 failed, 1 skipped",
           "cli: passing run exits 0 with a summary line", out)
    rc, out = cli(os.path.join(root, "count-pass"), os.path.join(root, "count-fail"))
    expect(rc == 1 and out.splitlines()[-1] == "1 passed, 1 failed, 0 skipped",
           "cli: a failure exits 1", out)
    res = os.path.join(root, "results.jsonl")
    rc, out = cli("--allow-fail", "--results", res, os.path.join(root, "count-fail"),
                  os.path.join(root, "skip-true-skip"))
    expect(rc == 0 and "FAIL count-fail" in out, "cli: --allow-fail exits 0", out)
    with open(res) as f:
        rows = [json.loads(l) for l in f]
    expect([(r["name"], r["status"]) for r in rows] ==
           [("count-fail", "FAIL"), ("skip-true-skip", "SKIP")], "cli: --results file", str(rows))
    rc, out = cli("--keep", os.path.join(root, "count-fail"))
    kept = [l.split(": ", 1)[1] for l in out.splitlines() if "log dir kept:" in l]
    expect(rc == 1 and kept and os.path.exists(os.path.join(kept[0], "eve.json")),
           "cli: --keep keeps the failed test's log dir", out)
    for k in kept:
        shutil.rmtree(k, ignore_errors=True)
    rc, out = cli("--no-validate", os.path.join(root, "schema-invalid-fail"))
    expect(rc == 0 and "PASS schema-invalid-fail" in out, "cli: --no-validate skips validation",
           out)
    rc, out = cli("--corpus", root, "requires-*-skip")
    expect(rc == 0 and out.count("SKIP requires-") == 5 and "0 passed, 0 failed, 5 skipped" in out,
           "cli: --corpus with a glob pattern selects by name", out)
    cfg = os.path.join(root, "default.yaml")
    with open(cfg, "w") as f:
        f.write("---\n")
    d = os.path.join(root, "..", os.path.basename(root) + "-config")
    os.makedirs(d)
    try:
        shutil.copy(os.path.join(root, "count-pass", "input.pcap"), d)
        with open(os.path.join(d, "test.yaml"), "w") as f:
            f.write(yaml_of({"checks": [{"shell": {
                "args": "grep -q '\"c\": \"%s\"' fake-args.json" % cfg}}]}))
        rc, out = cli("--config", cfg, d)
        expect(rc == 0 and "1 passed" in out, "cli: --config passes a default -c", out)
        rc, out = cli(d)
        expect(rc == 1, "cli: without --config no -c is passed", out)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    rc, out = cli("--corpus", root, "index-")
    expect(out.count("index-") == 3, "cli: a plain pattern selects by substring", out)
    return failures


def run_module_selftest(path, what):
    r = subprocess.run(["/usr/bin/python3", path, "--self-test"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    bad = [l for l in r.stdout.splitlines() if l.startswith("FAIL")]
    print("%s %s self-test (%s)" % ("ok  " if r.returncode == 0 else "FAIL", what,
                                    r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""))
    for l in bad:
        print("    " + l)
    return 0 if r.returncode == 0 else 1


def check_golden_cases():
    """nightjar's own cases: pcaps reproducible from gen.py, sids defined."""
    import re
    import yaml
    failures = 0
    cases = os.path.join(GOLDEN, "cases")
    tmp = tempfile.mkdtemp(prefix="nj-golden-gen-")
    try:
        for name in sorted(os.listdir(cases)):
            d = os.path.join(cases, name)
            if not os.path.isfile(os.path.join(d, "test.yaml")):
                continue
            problems = []
            gen = os.path.join(d, "gen.py")
            if os.path.exists(gen):
                out = os.path.join(tmp, name + ".pcap")
                r = subprocess.run(["/usr/bin/python3", gen, out], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
                if r.returncode != 0:
                    problems.append("gen.py failed: " + r.stdout.strip()[-300:])
                else:
                    with open(out, "rb") as f1, open(os.path.join(d, "input.pcap"), "rb") as f2:
                        if f1.read() != f2.read():
                            problems.append("input.pcap differs from gen.py output")
            with open(os.path.join(d, "test.rules")) as f:
                sids = {int(s) for s in re.findall(r"\bsid\s*:\s*(\d+)", f.read())}
            with open(os.path.join(d, "test.yaml")) as f:
                cfg = yaml.safe_load(f)
            for check in cfg.get("checks", []):
                sid = (check.get("filter") or {}).get("match", {}).get("alert.signature_id")
                if sid is not None and sid not in sids:
                    problems.append("checks sid %s, not in test.rules" % sid)
            print("%s case %s%s" % ("FAIL" if problems else "ok  ", name,
                                    (": " + "; ".join(problems)) if problems else ""))
            failures += 1 if problems else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return failures


def check_generated_cases():
    """Cases written by overlap_cases.py: every file reproduced as committed."""
    failures = 0
    tmp = tempfile.mkdtemp(prefix="nj-golden-overlap-")
    try:
        r = subprocess.run(["/usr/bin/python3", os.path.join(GOLDEN, "overlap_cases.py"), tmp],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            print("FAIL overlap_cases.py failed: " + r.stdout.strip()[-300:])
            return 1
        for name in sorted(os.listdir(tmp)):
            differ = []
            for fn in sorted(os.listdir(os.path.join(tmp, name))):
                want = os.path.join(GOLDEN, "cases", name, fn)
                with open(os.path.join(tmp, name, fn), "rb") as f1:
                    got = f1.read()
                if not os.path.exists(want) or open(want, "rb").read() != got:
                    differ.append(fn)
            print("%s overlap_cases.py reproduces %s%s" % (
                "FAIL" if differ else "ok  ", name,
                (": differs in " + ", ".join(differ)) if differ else ""))
            failures += 1 if differ else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return failures


def check_schema_tools():
    """doc/eve-schema.json is what scripts/gen-eve-schema writes; the
    validator's CLI reports file:line and exits 1 on a bad line."""
    failures = 0
    sys.path.insert(0, os.path.join(TOP, "tests"))
    import eve_validate
    if eve_validate.find_suricata_schema() is None:
        print("skip gen-eve-schema --check: Suricata's schema not found")
    else:
        r = subprocess.run([os.path.join(TOP, "scripts", "gen-eve-schema"), "--check",
                            "--suricata-schema", eve_validate.find_suricata_schema()],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ok = r.returncode == 0
        print("%s doc/eve-schema.json is up to date with gen-eve-schema %s" % (
            "ok  " if ok else "FAIL", r.stdout.strip()))
        failures += 0 if ok else 1
    tmp = tempfile.mkdtemp(prefix="nj-eve-")
    try:
        path = os.path.join(tmp, "eve.json")
        with open(path, "w") as f:
            f.write(json.dumps(EVENTS[1]) + "\n")
            f.write(json.dumps(dict(EVENTS[3], colour="red")) + "\n")
        r = subprocess.run(["/usr/bin/python3", os.path.join(TOP, "tests", "eve_validate.py"), path],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ok = r.returncode == 1 and (path + ":2: nightjar schema") in r.stdout \
            and ":1:" not in r.stdout
        print("%s eve_validate CLI reports the bad line only" % ("ok  " if ok else "FAIL"))
        if not ok:
            print("    " + r.stdout)
        failures += 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return failures


def main(args, runner):
    failures = run_cases(runner, max(args.jobs, 4))
    failures += check_golden_cases()
    failures += check_generated_cases()
    failures += check_schema_tools()
    failures += run_module_selftest(os.path.join(TOP, "tests", "eve_validate.py"), "eve_validate")
    failures += run_module_selftest(os.path.join(GOLDEN, "pcapgen.py"), "pcapgen")
    failures += run_module_selftest(os.path.join(GOLDEN, "suricata_yaml.py"), "suricata_yaml")
    print("self-test: %s" % ("%d failures" % failures if failures else "all passed"))
    return 1 if failures else 0
