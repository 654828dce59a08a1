#!/bin/sh
# scripts/try-live, the README's safe walkthrough: the sample capture
# replayed into a namespace's veth and a host action must both alert.
srcdir=${srcdir:-.}
[ "$(id -u)" = 0 ] || { echo "skip: not root"; exit 77; }
command -v tcpreplay >/dev/null 2>&1 || { echo "skip: no tcpreplay"; exit 77; }
[ -e /sys/kernel/btf/vmlinux ] || { echo "skip: no BTF"; exit 77; }
top=$(cd "$srcdir" && pwd)
logs=$(mktemp -d /tmp/nj-try.XXXXXX)
trap 'rm -rf "$logs"' EXIT
NJ_NO_SETUP=1 NIGHTJAR="$(pwd)/nightjar" NIGHTJAR_LOG_DIR="$logs" "$top/scripts/try-live" >"$logs/out" 2>&1
rc=$?
cat "$logs/out"
[ $rc = 0 ] || { echo "FAIL: try-live exited $rc"; exit 1; }
for sid in 9000001 9000010 9000020 9200002; do
	grep -q "\[1:$sid:" "$logs/fast.log" || { echo "FAIL: no alert of sid $sid"; exit 1; }
done
echo "try-live: network and host alerts as expected"
