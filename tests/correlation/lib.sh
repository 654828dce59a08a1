# Shared set-up of the correlation sample generator
# (scripts/make-correlation-sample) and the live correlation test
# (tests/live/correlation_live.sh): two network namespaces joined by a veth
# pair, both ends inside them (none in the caller's namespace, the host's
# interfaces and routes untouched), a python3 http.server in the server
# namespace B and clients of several programs in the client namespace A.
# Sourced by bash scripts that define fail() and skip() first.
# shellcheck source=SCRIPTDIR/../../scripts/netns.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/netns.sh"
PY=/usr/bin/python3
COR_NSA=nj-ca-$$
COR_NSB=nj-cb-$$
COR_VA=njca$$
COR_VB=njcb$$
COR_CLIENT=10.203.0.1
COR_SERVER=10.203.0.2
COR_PORT=8080
COR_SERVER_PID=

# The tools the clients need, or skip.
cor_need_tools() {
	for tool in ip curl perl bash "$PY"; do
		command -v "$tool" >/dev/null 2>&1 || skip "no $tool"
	done
}

# The path each client program is run by: its exe (the path executed,
# symlinks not followed).
cor_exe() {
	case $1 in
	python3) echo "$PY" ;;
	*) command -v "$1" ;;
	esac
}

cor_cleanup() {
	[ -n "$COR_SERVER_PID" ] && kill "$COR_SERVER_PID" 2>/dev/null
	nj_netns_del "$COR_NSA" "$COR_NSB"
	COR_SERVER_PID=
}

# The pair with an address at each end.
cor_setup() {
	nj_netns_pair "$COR_NSA" "$COR_NSB" "$COR_VA" "$COR_VB" ||
		skip "cannot make network namespaces joined by a veth pair"
	ip -n "$COR_NSA" addr add "$COR_CLIENT/24" dev "$COR_VA" || fail "address"
	ip -n "$COR_NSB" addr add "$COR_SERVER/24" dev "$COR_VB" || fail "address"
}

# cor_server DIR: http.server serving DIR in B, waits until it answers.
cor_server() {
	printf 'hello\n' >"$1/index.html"
	(cd "$1" && exec ip netns exec "$COR_NSB" "$PY" -m http.server --bind "$COR_SERVER" "$COR_PORT") \
		>/dev/null 2>&1 &
	COR_SERVER_PID=$!
	for _ in $(seq 100); do
		ip netns exec "$COR_NSB" "$PY" -S -c 'import socket,sys
try: socket.create_connection((sys.argv[1], int(sys.argv[2])), 0.2).close()
except OSError: sys.exit(1)' "$COR_SERVER" "$COR_PORT" 2>/dev/null && return 0
		kill -0 "$COR_SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	fail "http.server did not start"
}

# cor_clients PROGRAMS COUNT OUT: COUNT HTTP requests from A, the programs
# (space-separated: curl perl python3 bash) taking turns; each appends the
# line "PROGRAM PID LOCAL_PORT" of its connection to OUT.
cor_clients() {
	ip netns exec "$COR_NSA" bash -c '
	progs=($1); n=$2; out=$3; host=$4; port=$5
	curl=$6; perl=$7; py=$8; bash=$9
	url=http://$host:$port/curl
	for ((i = 0; i < n; i++)); do
		case ${progs[i % ${#progs[@]}]} in
		curl)
			sh -c '\''printf "curl %s " $$; exec "$2" -sS -o /dev/null -w "%{local_port}\n" "$1"'\'' sh "$url" "$curl" ;;
		perl)
			"$perl" -MIO::Socket::INET -e '\''
				my $s = IO::Socket::INET->new(PeerAddr => $ARGV[0], PeerPort => $ARGV[1]) or die "connect: $!";
				print "perl $$ ", $s->sockport, "\n";
				print $s "GET /perl HTTP/1.0\r\n\r\n";
				1 while <$s>;'\'' "$host" "$port" ;;
		python3)
			"$py" -S -c '\''import os, socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
print("python3", os.getpid(), s.getsockname()[1], flush=True)
s.sendall(b"GET /python HTTP/1.0\r\n\r\n")
while s.recv(65536): pass'\'' "$host" "$port" ;;
		bash)
			"$bash" -c '\''exec 3<>/dev/tcp/$1/$2 || exit 1
			ino=$(readlink /proc/self/fd/3); ino=${ino#socket:[}; ino=${ino%]}
			# /proc/net/tcp read in pieces can miss a line while
			# the table changes: read it again until found
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				while read -r _ l _ _ _ _ _ _ _ i _; do
					[ "$i" = "$ino" ] && break
				done </proc/net/tcp
				[ "$i" = "$ino" ] && { echo "bash $$ $((16#${l#*:}))"; break; }
			done
			printf "GET /bash HTTP/1.0\r\n\r\n" >&3
			while read -r -u 3 _; do :; done'\'' bash "$host" "$port" ;;
		esac
	done >>"$out"
	' cor "$1" "$2" "$3" "$COR_SERVER" "$COR_PORT" \
		"$(cor_exe curl)" "$(cor_exe perl)" "$(cor_exe python3)" "$(cor_exe bash)"
}
