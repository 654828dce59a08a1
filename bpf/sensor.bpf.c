// SPDX-License-Identifier: GPL-2.0
/* nightjar's system-call sensor: syscall and sched tracepoints.
 *
 * The two syscall programs attach either to one syscalls:sys_enter_<call> /
 * sys_exit_<call> pair per traced call (only those calls run them) or to
 * raw_syscalls:sys_enter/sys_exit (every call of the machine runs them).
 * sys_enter looks the call up in the `filter` table (one entry per syscall
 * number, written by user space from the loaded rules) and, for a traced
 * call, stashes its arguments and the user-memory strings (paths, argv) in
 * the thread's `inflight` task storage: user memory can only be trusted before the
 * call runs (exec replaces it). sys_exit adds the result, the caller's
 * credentials and, for socket calls, both ends read from the kernel socket,
 * and sends the record on the `events` ring buffer. Records that do not fit
 * are counted per CPU and category in `drops`; nothing fails silently.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "sensor.h"

#define NJ_AF_INET 2
#define NJ_AF_INET6 10
#define NJ_S_IFMT 00170000
#define NJ_S_IFSOCK 0140000
#define NJ_CLONE_THREAD 0x00010000
#define NJ_TS_COMPAT 0x0002     /* x86 thread_info.status: in a 32-bit syscall */
#define NJ_ARG_MAX 1024         /* one argv string at most */

char LICENSE[] SEC("license") = "GPL";

/* Events of nightjar itself are not traced (set before load). */
const volatile __u32 self_tgid = 0;
/* enum nj_sc_type values of the scheduler records (user space sets them). */
const volatile __u32 type_proc_fork = 0;
const volatile __u32 type_exit = 0;
/* Bytes waiting in the ring buffer before the consumer is woken. */
const volatile __u64 wakeup_bytes = 0;
/* sensor.exec-env: read envp of exec calls. */
const volatile bool read_env = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);   /* resized from sensor.ringbuf-size */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NJ_SR_NR_MAX);
	__type(key, __u32);
	__type(value, struct nj_sr_filter);
} filter SEC(".maps");

/* The call in flight of each thread: task-local storage, so that a
 * traced call neither allocates nor frees. Everything of the record but
 * argv and the environment. `type` is 0 when no call is in flight. */
struct stash {
	char b[NJ_SR_SIZE_PATH2];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct stash);
} inflight SEC(".maps");

/* The storage helpers want the BTF-typed current task. */
static __always_inline struct nj_sr_record *stash_get(bool create)
{
	return bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

static __always_inline struct nj_sr_record *stash_busy(void)
{
	struct nj_sr_record *r = stash_get(false);

	return r && r->type ? r : NULL;
}

/* argv (and environment) of execs in flight, by thread id: the tail of
 * the record from argv on. */
struct exec_argv {
	char argv[NJ_SR_ARGV_MAX];
	char env[NJ_SR_ENV_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct exec_argv);
} execargs SEC(".maps");

/* A record under construction (too big for the BPF stack). The argv area
 * has NJ_ARG_MAX bytes of slack so that every read has a constant size. */
struct scratch_rec {
	struct nj_sr_record r;
	char slack[NJ_ARG_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch_rec);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NJ_SR_CAT__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline void count_drop(__u32 cat)
{
	__u64 *v = bpf_map_lookup_elem(&drops, &cat);

	if (v)
		*v += 1;
}

/* A 32-bit (ia32) system call: its numbers are not the x86-64 ones the
 * filter table is indexed by, so it is not traced. */
static __always_inline bool in_compat_syscall(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (!bpf_core_field_exists(task->thread_info.status))
		return false;
	return BPF_CORE_READ(task, thread_info.status) & NJ_TS_COMPAT;
}

/* Set by the reader just before it sleeps; the first socket record after
 * clears it and wakes the reader. */
__u32 reader_idle = 0;

/* Sends a record; the consumer is woken only once wakeup_bytes are
 * waiting (it also polls with a timeout): a wake-up per record costs a
 * context switch per system call. Socket events wake a sleeping reader at
 * once (the packets of their connection wait for them to name their
 * process), once per sleep: a wake-up is an inter-processor interrupt,
 * and one per connect under a hypervisor cost a quarter of a CPU. The
 * flag is read after the record is committed (a full barrier), and the
 * reader sets it before its last look at the ring: a record it did not
 * see finds the flag set and wakes it with an empty NJ_SR_WAKE record. */
static __always_inline void send(void *r, __u32 size, __u32 cat)
{
	__u64 flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
			      BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	__u64 wake = NJ_SR_WAKE;

	if (bpf_ringbuf_output(&events, r, size, flags)) {
		count_drop(cat < NJ_SR_CAT__COUNT ? cat : NJ_SR_CAT_OTHER);
		return;
	}
	if (cat == NJ_SR_CAT_NET && reader_idle) {
		reader_idle = 0;
		bpf_ringbuf_output(&events, &wake, sizeof(wake), BPF_RB_FORCE_WAKEUP);
	}
}

static __always_inline struct nj_sr_record *scratch_get(void)
{
	__u32 zero = 0;
	struct scratch_rec *s = bpf_map_lookup_elem(&scratch, &zero);

	return s ? &s->r : NULL;
}

static __always_inline __u32 read_path(char *dst, __u64 uptr, __u32 *flags, __u32 trunc_flag)
{
	long n;

	if (!uptr)
		return 0;
	n = bpf_probe_read_user_str(dst, NJ_SR_PATH_MAX, (const void *)uptr);
	if (n <= 0) {
		*flags |= NJ_SR_F_PATH_FAULT;
		dst[0] = 0;
		return 0;
	}
	if (n == NJ_SR_PATH_MAX)
		*flags |= trunc_flag;
	return (__u32)n - 1;
}

struct strs_ctx {
	struct nj_sr_record *r;
	char *area;             /* r->argv or r->env: 4 KiB + 1 KiB after it */
	__u64 uptr;             /* user char *const [] */
	__u32 off, count, max_count, trunc;
};

/* One string per bpf_loop() step: the verifier then checks the body once
 * instead of once per unrolled iteration. */
static long read_str(__u32 i, void *data)
{
	struct strs_ctx *c = data;
	const char *p = NULL;
	long n;

	if (bpf_probe_read_user(&p, sizeof(p), (const void *)(c->uptr + i * sizeof(p))) || !p)
		return 1;
	if (c->off >= NJ_SR_ARGV_MAX || i >= c->max_count) {
		c->r->flags |= c->trunc;
		return 1;
	}
	n = bpf_probe_read_user_str(&c->area[c->off & (NJ_SR_ARGV_MAX - 1)], NJ_ARG_MAX, p);
	if (n <= 0)
		return 1;
	if (n == NJ_ARG_MAX)
		c->r->flags |= c->trunc;
	c->off += (__u32)n;
	c->count++;
	return 0;
}

/* A NULL-terminated string array as NUL-separated strings; stops at 4 KiB
 * or max strings and flags the truncation. Returns the bytes used. */
static __always_inline __u32 read_strs(struct nj_sr_record *r, char *area, __u64 uptr,
				       __u32 max, __u32 trunc, __u32 *count)
{
	struct strs_ctx c = {
		.r = r, .area = area, .uptr = uptr, .max_count = max, .trunc = trunc,
	};

	if (!uptr)
		return 0;
	bpf_loop(max + 1, read_str, &c, 0);
	if (c.off > NJ_SR_ARGV_MAX) {
		c.off = NJ_SR_ARGV_MAX;
		r->flags |= trunc;
	}
	*count = c.count;
	return c.off;
}

/* What raw_syscalls:sys_enter and every syscalls:sys_enter_<call> hand a
 * BPF program alike: the syscall number at offset 8, the arguments from
 * offset 16 (the kernel gives a BPF program room for six even when the
 * call has fewer). A per-call tracepoint refuses programs that read past
 * its own last field — as little as the number, for fork — so the number
 * is read as the format's int and the arguments with a helper: the same
 * two programs attach to either kind of tracepoint. */
struct sc_enter {
	__u64 common;
	int nr;
	int pad;
	__u64 args[6];
};

struct sc_exit {
	__u64 common;
	int nr;
	int pad;
	long ret;
};

SEC("tracepoint/raw_syscalls/sys_enter")
int nj_sys_enter(struct sc_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct nj_sr_filter *f;
	struct nj_sr_record *r, *st;
	int id = ctx->nr;
	__u32 nr;

	if (id < 0 || id >= NJ_SR_NR_MAX)
		return 0;
	nr = (__u32)id;
	f = bpf_map_lookup_elem(&filter, &nr);
	if (!f || !f->type || (pid_tgid >> 32) == self_tgid || in_compat_syscall())
		return 0;
	r = scratch_get();
	if (!r)
		return 0;
	r->source = NJ_SR_SYSCALL;
	r->nr = nr;
	r->type = f->type;
	r->flags = 0;
	r->path_len = r->path2_len = r->argv_len = r->argc = r->env_len = r->envc = 0;
	r->path[0] = r->path2[0] = 0;
	r->exe[0] = 0;
	if (bpf_probe_read_kernel(r->args, sizeof(r->args), ctx->args))
		return 0;
	if (f->path_arg < 6)
		r->path_len = read_path(r->path, r->args[f->path_arg & 7], &r->flags,
					NJ_SR_F_PATH_TRUNC);
	if (f->path2_arg < 6)
		r->path2_len = read_path(r->path2, r->args[f->path2_arg & 7], &r->flags,
					 NJ_SR_F_PATH2_TRUNC);
	if (f->argv_arg < 6)
		r->argv_len = read_strs(r, r->argv, r->args[f->argv_arg & 7], NJ_SR_ARGS_MAX,
					NJ_SR_F_ARGV_TRUNC, &r->argc);
	if (read_env && f->env_arg < 6)
		r->env_len = read_strs(r, r->env, r->args[f->env_arg & 7], NJ_SR_ENVS_MAX,
				       NJ_SR_F_ENV_TRUNC, &r->envc);
	/* openat2: the flags and mode live in struct open_how; clone3: the
	 * flags in struct clone_args. Both calls use fewer than four
	 * arguments, so the spare slots carry the values. */
	if (f->cflags & NJ_SR_C_OPENHOW) {
		struct open_how how = {};

		bpf_probe_read_user(&how, sizeof(how), (const void *)r->args[2]);
		r->args[4] = how.flags;
		r->args[5] = how.mode;
	}
	if (f->cflags & NJ_SR_C_CLONE3) {
		__u64 fl = 0;

		bpf_probe_read_user(&fl, sizeof(fl), (const void *)r->args[0]);
		r->args[2] = fl;
	}
	st = stash_get(true);
	if (!st || bpf_probe_read_kernel(st, NJ_SR_SIZE_PATH2, r))
		count_drop(NJ_SR_CAT_STASH);
	else if (r->argv_len && bpf_map_update_elem(&execargs, &tid, r->argv, BPF_ANY))
		r->argv_len = r->env_len = 0;
	return 0;
}

static __always_inline void fill_task(struct nj_sr_record *r, struct task_struct *task)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 ugid = bpf_get_current_uid_gid();

	r->ts_boot = bpf_ktime_get_boot_ns();
	r->pid = pid_tgid >> 32;
	r->tid = (__u32)pid_tgid;
	r->uid = (__u32)ugid;
	r->gid = ugid >> 32;
	r->euid = BPF_CORE_READ(task, cred, euid.val);
	r->ppid = BPF_CORE_READ(task, real_parent, tgid);
	/* loginuid exists only with CONFIG_AUDIT. */
	if (bpf_core_field_exists(task->loginuid))
		r->loginuid = BPF_CORE_READ(task, loginuid.val);
	else
		r->loginuid = (__u32)-1;
	r->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(r->comm, sizeof(r->comm));
}

/* The position reached lives in r->base_off, a map value the verifier
 * does not track: a position on the stack would be a new exact range at
 * every step, so the states of the loop body would never converge. */
struct walk_ctx {
	struct nj_sr_record *r;
	struct dentry *d, *root_d;
	struct vfsmount *mnt, *root_mnt;
};

/* One path component per step, from the leaf up: at a mount's root the
 * walk continues at its mount point in the parent mount. */
static long walk_step(__u32 i, void *data)
{
	struct walk_ctx *c = data;
	struct nj_sr_record *r = c->r;
	struct dentry *d = c->d, *parent;
	struct vfsmount *mnt = c->mnt;
	const unsigned char *name;
	__u32 len, pos;

	if (!d || (d == c->root_d && mnt == c->root_mnt))
		return 1;
	parent = BPF_CORE_READ(d, d_parent);
	if (d == BPF_CORE_READ(mnt, mnt_root) || d == parent) {
		struct mount *m = (void *)mnt - bpf_core_field_offset(struct mount, mnt);
		struct mount *pm = BPF_CORE_READ(m, mnt_parent);

		if (!pm || pm == m)
			return 1;
		c->d = BPF_CORE_READ(m, mnt_mountpoint);
		c->mnt = (void *)pm + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	len = BPF_CORE_READ(d, d_name.len);
	name = BPF_CORE_READ(d, d_name.name);
	pos = r->base_off;
	if (len == 0 || len > 255 || len + 1 > pos) {
		r->flags |= NJ_SR_F_BASE_TRUNC;
		return 1;
	}
	pos -= len;
	bpf_probe_read_kernel(&r->base[pos & (NJ_SR_BASE_MAX - 1)], len & 255, name);
	pos -= 1;
	r->base[pos & (NJ_SR_BASE_MAX - 1)] = '/';
	r->base_off = pos;
	c->d = parent;
	return 0;
}

/* Absolute path of (dentry, mnt) as the task sees it, into r->base. */
static __always_inline void walk_path(struct nj_sr_record *r, struct task_struct *task,
				      struct dentry *d, struct vfsmount *mnt)
{
	struct walk_ctx c = {
		.r = r,
		.d = d,
		.mnt = mnt,
		.root_d = BPF_CORE_READ(task, fs, root.dentry),
		.root_mnt = BPF_CORE_READ(task, fs, root.mnt),
	};

	if (!d || !mnt)
		return;
	r->base_off = NJ_SR_BASE_MAX;
	bpf_loop(NJ_SR_BASE_DEPTH, walk_step, &c, 0);
	if (r->base_off >= NJ_SR_BASE_MAX) {
		r->base_off = NJ_SR_BASE_MAX - 1;
		r->base[NJ_SR_BASE_MAX - 1] = '/';
	}
	r->base_len = NJ_SR_BASE_MAX - r->base_off;
	r->flags |= NJ_SR_F_BASE;
}

static __always_inline struct file *fd_file(struct task_struct *task, long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fda;
	struct file *file = NULL;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fda = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fda[fd]))
		return NULL;
	return file;
}

/* The directory a relative path argument is resolved in: the cwd, or the
 * directory open on the call's dirfd. */
static __always_inline void resolve_base(struct nj_sr_record *r, const struct nj_sr_filter *f,
					 struct task_struct *task)
{
	long dirfd = -100;      /* AT_FDCWD */

	if (f->path_arg >= 6 || !r->path_len || r->path[0] == '/')
		return;
	if (f->dirfd_arg < 6)
		dirfd = (int)r->args[f->dirfd_arg & 7];
	if (dirfd == -100) {
		walk_path(r, task, BPF_CORE_READ(task, fs, pwd.dentry),
			  BPF_CORE_READ(task, fs, pwd.mnt));
	} else {
		struct file *file = fd_file(task, dirfd);

		if (file)
			walk_path(r, task, BPF_CORE_READ(file, f_path.dentry),
				  BPF_CORE_READ(file, f_path.mnt));
	}
}

/* Both ends of the socket behind fd, from struct sock, after the call. */
static __always_inline void read_sock(struct nj_sr_record *r, struct task_struct *task, long fd)
{
	struct file *file = fd_file(task, fd);
	struct socket *sock;
	struct sock *sk;
	unsigned short mode;

	if (!file)
		return;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & NJ_S_IFMT) != NJ_S_IFSOCK)
		return;
	sock = BPF_CORE_READ(file, private_data);
	if (!sock)
		return;
	r->sock_type = BPF_CORE_READ(sock, type);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return;
	r->flags |= NJ_SR_F_SOCK;
	r->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	r->protocol = BPF_CORE_READ(sk, sk_protocol);
	r->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	r->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	__builtin_memset(r->laddr, 0, 16);
	__builtin_memset(r->raddr, 0, 16);
	if (r->family == NJ_AF_INET) {
		__u32 a = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u32 b = BPF_CORE_READ(sk, __sk_common.skc_daddr);

		__builtin_memcpy(r->laddr, &a, 4);
		__builtin_memcpy(r->raddr, &b, 4);
	} else if (r->family == NJ_AF_INET6) {
		BPF_CORE_READ_INTO(&r->laddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&r->raddr, sk, __sk_common.skc_v6_daddr);
	}
}

/* Size of a record without argv (an inflight entry). */
static __always_inline __u32 record_size(const struct nj_sr_record *r, const struct nj_sr_filter *f)
{
	if (f->path2_arg < 6 || (r->flags & NJ_SR_F_BASE))
		return NJ_SR_SIZE_PATH2;
	if (f->path_arg < 6 || r->exe[0])
		return NJ_SR_SIZE_PATH;
	return NJ_SR_SIZE_HDR;
}

/* An exec record: the inflight part and its argv, joined in the per-CPU
 * scratch record and sent whole. */
static __always_inline void emit_exec(struct nj_sr_record *r, const struct nj_sr_filter *f,
				      __u32 key)
{
	struct nj_sr_record *out = scratch_get();
	struct exec_argv *argv = bpf_map_lookup_elem(&execargs, &key);
	__u32 size = NJ_SR_SIZE_PATH2;

	if (!out)
		return;
	bpf_probe_read_kernel(out, NJ_SR_SIZE_PATH2, r);
	if (argv && out->argv_len) {
		bpf_probe_read_kernel(out->argv, sizeof(out->argv), argv->argv);
		size = NJ_SR_SIZE_ARGV;
		if (out->env_len) {
			bpf_probe_read_kernel(out->env, sizeof(out->env), argv->env);
			size = NJ_SR_SIZE_ALL;
		}
	} else {
		out->argv_len = out->env_len = 0;
	}
	send(out, size, f->cat);
}

SEC("tracepoint/raw_syscalls/sys_exit")
int nj_sys_exit(struct sc_exit *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct nj_sr_filter *f;
	struct nj_sr_record *r;
	int id = ctx->nr;
	long ret = ctx->ret;
	__u32 nr, size;

	barrier_var(ret);
	if (id < 0 || id >= NJ_SR_NR_MAX)
		return 0;
	nr = (__u32)id;
	f = bpf_map_lookup_elem(&filter, &nr);
	if (!f || !f->type)
		return 0;
	r = stash_busy();
	if (!r)
		return 0;
	if (r->nr != nr || (f->cflags & NJ_SR_C_NOEMIT))
		goto out;
	r->ret = ret;
	fill_task(r, task);
	/* A string in a page not yet touched cannot be read at sys_enter (no
	 * page faults there); the call itself has faulted it in by now.
	 * Exec images are gone at this point, so exec keeps what it got. */
	if ((r->flags & NJ_SR_F_PATH_FAULT) && f->argv_arg == NJ_SR_ARG_NONE) {
		r->flags &= ~NJ_SR_F_PATH_FAULT;
		if (f->path_arg < 6 && !r->path_len)
			r->path_len = read_path(r->path, r->args[f->path_arg & 7], &r->flags,
						NJ_SR_F_PATH_TRUNC);
		if (f->path2_arg < 6 && !r->path2_len)
			r->path2_len = read_path(r->path2, r->args[f->path2_arg & 7], &r->flags,
						 NJ_SR_F_PATH2_TRUNC);
	}
	/* A non-blocking connect has both ends set when it says EINPROGRESS. */
	if (f->sock_arg != NJ_SR_ARG_NONE && (ret >= 0 || ret == -115)) {
		long fd = f->sock_arg == NJ_SR_ARG_RET ? ret : (long)r->args[f->sock_arg & 7];

		read_sock(r, task, fd);
	}
	if (f->cflags & NJ_SR_C_FDPATH) {
		struct file *file = fd_file(task, (long)r->args[0]);

		if (file) {
			walk_path(r, task, BPF_CORE_READ(file, f_path.dentry),
				  BPF_CORE_READ(file, f_path.mnt));
			r->flags |= NJ_SR_F_BASE_SELF;
		}
	} else {
		resolve_base(r, f, task);
	}
	if (f->argv_arg < 6) {
		emit_exec(r, f, tid);
	} else {
		size = record_size(r, f);
		send(r, size, f->cat);
	}
out:
	r->type = 0;
	bpf_map_delete_elem(&execargs, &tid);
	return 0;
}

/* A successful exec is reported here rather than at sys_exit, which does
 * not fire for every exec (execveat). The image's dentry name tells a
 * memfd ("memfd:name"); with AT_EMPTY_PATH the image's own path is the
 * path. A multi-threaded exec has moved the caller to the leader's id:
 * the record was stashed under old_pid. */
SEC("tracepoint/sched/sched_process_exec")
int nj_sched_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 old = (__u32)ctx->old_pid;
	struct nj_sr_filter *f;
	struct nj_sr_record *r;
	struct file *exe;
	const unsigned char *name;
	__u32 nr;

	r = stash_busy();
	if (!r)
		return 0;
	nr = r->nr;
	f = bpf_map_lookup_elem(&filter, &nr);
	if (!f || !f->type)
		goto out;
	exe = BPF_CORE_READ(task, mm, exe_file);
	name = BPF_CORE_READ(exe, f_path.dentry, d_name.name);
	if (name && bpf_probe_read_kernel_str(r->exe, sizeof(r->exe), name) > 0) {
		if (r->exe[0] == 'm' && r->exe[1] == 'e' && r->exe[2] == 'm' &&
		    r->exe[3] == 'f' && r->exe[4] == 'd' && r->exe[5] == ':')
			r->flags |= NJ_SR_F_EXE_MEMFD;
	}
	r->flags |= NJ_SR_F_EXEC_SEEN;
	r->ret = 0;
	fill_task(r, task);
	if (!r->path_len && exe) {
		walk_path(r, task, BPF_CORE_READ(exe, f_path.dentry), BPF_CORE_READ(exe, f_path.mnt));
		r->flags |= NJ_SR_F_BASE_SELF;
	} else {
		resolve_base(r, f, task);
	}
	if (!(f->cflags & NJ_SR_C_NOEMIT))
		emit_exec(r, f, old);
out:
	r->type = 0;
	bpf_map_delete_elem(&execargs, &old);
	return 0;
}

static __always_inline void sched_record(struct nj_sr_record *r, __u32 source, __u32 type)
{
	r->source = source;
	r->type = type;
	r->nr = 0;
	r->flags = 0;
	r->ret = 0;
	r->path_len = r->path2_len = r->argv_len = r->argc = r->env_len = r->envc = 0;
	r->exe[0] = 0;
	for (int i = 0; i < 6; i++)
		r->args[i] = 0;
}

/* A new process (not a thread): the parent's in-flight clone record, when
 * there is one, says whether CLONE_THREAD was asked for. */
SEC("tracepoint/sched/sched_process_fork")
int nj_sched_fork(struct trace_event_raw_sched_process_fork *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct nj_sr_record *r, *clone;
	struct nj_sr_filter *f = NULL;

	if ((pid_tgid >> 32) == self_tgid)
		return 0;
	clone = stash_busy();
	if (clone) {
		__u32 nr = clone->nr;

		f = bpf_map_lookup_elem(&filter, &nr);
	}
	if (clone && f && (f->cflags & (NJ_SR_C_CLONE | NJ_SR_C_CLONE3))) {
		__u64 fl = f->cflags & NJ_SR_C_CLONE3 ? clone->args[2] : clone->args[0];

		if (fl & NJ_CLONE_THREAD)
			return 0;
	}
	r = scratch_get();
	if (!r)
		return 0;
	sched_record(r, NJ_SR_SCHED_FORK, type_proc_fork);
	fill_task(r, task);
	r->ret = ctx->child_pid;
	r->args[0] = ctx->child_pid;
	send(r, NJ_SR_SIZE_HDR, NJ_SR_CAT_PROC);
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int nj_sched_exit(struct trace_event_raw_sched_process_exit *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct nj_sr_record *r;
	bool last;

	if ((pid_tgid >> 32) == self_tgid)
		return 0;
	if (bpf_core_field_exists(ctx->group_dead))
		last = BPF_CORE_READ(ctx, group_dead);
	else
		last = (pid_tgid >> 32) == (__u32)pid_tgid;
	/* A thread killed inside a traced call never reaches sys_exit. */
	bpf_task_storage_delete(&inflight, bpf_get_current_task_btf());
	bpf_map_delete_elem(&execargs, &(__u32){ (__u32)pid_tgid });
	if (!last)
		return 0;
	r = scratch_get();
	if (!r)
		return 0;
	sched_record(r, NJ_SR_SCHED_EXIT, type_exit);
	fill_task(r, task);
	r->exit_code = BPF_CORE_READ(task, exit_code);
	send(r, NJ_SR_SIZE_HDR, NJ_SR_CAT_PROC);
	return 0;
}
