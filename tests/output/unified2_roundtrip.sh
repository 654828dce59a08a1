#!/bin/sh
# unified2 files written by nightjar read back with an independent reader
# (tests/u2read.py): same gid/sid/rev/addresses/ports for every alert, and
# the packet records rebuilt into a pcap that tshark reads.
set -u
srcdir=${srcdir:-.}
[ -x /usr/bin/python3 ] || exit 77
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
NJ_U2_DIR=$tmp ./tests/unit/unified2_test || { echo "writer failed"; exit 1; }
files=$(ls "$tmp"/unified2.alert.* | sort -t. -k3 -n)
n=$(echo "$files" | wc -l)
[ "$n" -ge 2 ] || { echo "expected the 4kb limit to roll files, got $n"; exit 1; }
/usr/bin/python3 "$srcdir/tests/u2read.py" --pcap "$tmp/rebuilt.pcap" $files > "$tmp/got.txt" || exit 1
diff -u "$tmp/expected.txt" "$tmp/got.txt" || exit 1
echo "$(wc -l < "$tmp/got.txt") events read back from $n files"
if ! command -v tshark > /dev/null; then
	echo "tshark not installed: pcap check skipped"
	exit 0
fi
tshark -r "$tmp/rebuilt.pcap" -T fields -e tcp.srcport > "$tmp/ports.txt" 2> "$tmp/tshark.err" ||
	{ cat "$tmp/tshark.err"; exit 1; }
awk '{print $5}' "$tmp/expected.txt" > "$tmp/want_ports.txt"
diff -u "$tmp/want_ports.txt" "$tmp/ports.txt" || exit 1
echo "tshark read $(wc -l < "$tmp/ports.txt") packets"
