# Shared set-up of the live capture tests: two network namespaces joined by
# a veth pair (both ends inside them, none in the caller's namespace), a
# probe on the end in B and tcpreplay on the end in A. Sourced by the tests.
srcdir=${srcdir:-.}
# shellcheck source=SCRIPTDIR/../../scripts/netns.sh
. "$srcdir/scripts/netns.sh"
PROBE=${PROBE:-./tests/live/capture_probe}
SAMPLES=${NJ_SAMPLES:-$srcdir/../shared/corpora/pcaps/samples}

skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "not root"
command -v ip >/dev/null 2>&1 || skip "no ip(8)"
command -v tcpreplay >/dev/null 2>&1 || skip "no tcpreplay"
command -v tcpdump >/dev/null 2>&1 || skip "no tcpdump"
[ -x "$PROBE" ] || fail "no $PROBE"

NSA=nj-a-$$
NSB=nj-b-$$
VA=nja$$
VB=njb$$
TMP=$(mktemp -d /tmp/nj-live.XXXXXX)
PROBE_PID=

cleanup() {
	[ -n "$PROBE_PID" ] && kill "$PROBE_PID" 2>/dev/null
	nj_netns_del "$NSA" "$NSB"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# need_pcap NAME: sets pcap to the path of a sample capture, or skips.
need_pcap() {
	pcap=$SAMPLES/$1
	[ -r "$pcap" ] || skip "missing $pcap"
}

# The pair without addresses, so the only frames on the veth are the
# replayed ones.
setup_veth() {
	nj_netns_pair "$NSA" "$NSB" "$VA" "$VB" 65000 ||
		skip "cannot make network namespaces joined by a veth pair"
}

# start_probe ARGS...: the probe on VB in B, output in $TMP/out.json.
start_probe() {
	rm -f "$TMP/ready"
	ip netns exec "$NSB" "$PROBE" --iface "$VB" --ready "$TMP/ready" "$@" \
		>"$TMP/out.json" 2>"$TMP/probe.err" &
	PROBE_PID=$!
	for _ in $(seq 100); do
		[ -e "$TMP/ready" ] && return 0
		kill -0 "$PROBE_PID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$TMP/probe.err"
	fail "probe did not start"
}

wait_probe() {
	wait "$PROBE_PID" || { cat "$TMP/probe.err"; fail "probe exited with $?"; }
	PROBE_PID=
}

# replay PCAP [SPEED]: every packet from A, at top speed or at the given
# tcpreplay option (--pps=N); fails unless all were sent.
replay() {
	ip netns exec "$NSA" tcpreplay --intf1="$VA" "${2:---topspeed}" "$1" >"$TMP/replay.log" 2>&1 ||
		{ cat "$TMP/replay.log"; fail "tcpreplay"; }
	grep -q "Failed packets:[[:space:]]*0$" "$TMP/replay.log" ||
		{ cat "$TMP/replay.log"; fail "tcpreplay could not send every packet"; }
}

count_packets() { tcpdump -nr "$1" ${2:+"$2"} 2>/dev/null | wc -l; }

# check_counts PACKETS BYTES [flows]: the probe saw exactly PACKETS frames
# of BYTES bytes in all (BYTES "-" to skip), no worker failed, the kernel
# dropped none, and (with "flows") no flow was seen by two workers. With
# WANT_VLAN=N in the environment (and "flows"), N frames carried a tag.
check_counts() {
	/usr/bin/python3 - "$TMP/out.json" "$@" <<'PY'
import json, os, sys
out = json.load(open(sys.argv[1]))
want_pkts, want_bytes = int(sys.argv[2]), sys.argv[3]
flows = len(sys.argv) > 4 and sys.argv[4] == "flows"
bad = []
per = [w["packets"] for w in out["workers"]]
print("workers: %s packets, %d bytes, kernel %d packets %d drops, %d errors" %
      (per, out["bytes"], out["kernel_packets"], out["kernel_drops"], out["errors"]))
if out["packets"] != want_pkts:
    bad.append("captured %d packets, want %d" % (out["packets"], want_pkts))
if want_bytes != "-" and out["bytes"] != int(want_bytes):
    bad.append("captured %d bytes, want %s" % (out["bytes"], want_bytes))
if out["kernel_drops"] or out["errors"]:
    bad.append("kernel drops %d, errors %d" % (out["kernel_drops"], out["errors"]))
if out["kernel_packets"] != want_pkts:
    bad.append("kernel counted %d packets, want %d" % (out["kernel_packets"], want_pkts))
want_vlan = os.environ.get("WANT_VLAN")
if want_vlan is not None and sum(w["vlan_frames"] for w in out["workers"]) != int(want_vlan):
    bad.append("%d frames with a VLAN tag, want %s" % (sum(w["vlan_frames"] for w in out["workers"]), want_vlan))
if any(w["error"] for w in out["workers"]):
    bad.append("a worker failed: %s" % [w["error"] for w in out["workers"]])
if flows:
    owner = {}
    for i, w in enumerate(out["workers"]):
        for f in w["flows"]:
            if f in owner:
                bad.append("flow %s on workers %d and %d" % (f, owner[f], i))
            owner[f] = i
    print("%d flows over %d workers" % (len(owner), len(out["workers"])))
    if len(out["workers"]) > 1 and len(owner) >= 20 and sum(1 for n in per if n) < 2:
        bad.append("every packet on one worker: no fanout")
for b in bad:
    print("FAIL: " + b)
sys.exit(1 if bad else 0)
PY
}
