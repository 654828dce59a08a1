/* The system-call sensor's records and maps: shared by bpf/sensor.bpf.c and
 * src/capture/sensor.c (the only user-space file that sees raw records).
 *
 * One record per traced system call, written at sys_exit from what was
 * stashed at sys_enter, or per scheduler event (exec, fork, exit). The
 * record is variable-sized: the string areas after the header are sent only
 * when the call has them (see NJ_SR_SIZE_*).
 */
#ifndef NJ_BPF_SENSOR_H
#define NJ_BPF_SENSOR_H

#define NJ_SR_COMM_LEN 16
#define NJ_SR_PATH_MAX 1024     /* each path area; longer paths are flagged */
#define NJ_SR_ARGV_MAX 4096     /* argv area, NUL-separated arguments */
#define NJ_SR_ARGS_MAX 64       /* arguments read from argv[] */
#define NJ_SR_ENV_MAX 4096      /* environment area (sensor.exec-env) */
#define NJ_SR_ENVS_MAX 128      /* variables read from envp[] */
#define NJ_SR_EXE_LEN 64        /* dentry name of the exec image */
#define NJ_SR_NR_MAX 512        /* syscall numbers the filter table covers */
#define NJ_SR_BASE_MAX 1024     /* directory a relative path is resolved in */
#define NJ_SR_BASE_DEPTH 64     /* path components walked */

/* A wake-up record: 8 bytes holding this value, nothing to decode. */
#define NJ_SR_WAKE 0x454b4157534a4eull

/* Record sources. */
enum nj_sr_source {
	NJ_SR_SYSCALL = 1,      /* sys_exit of a traced call */
	NJ_SR_SCHED_FORK = 2,   /* sched_process_fork of a new process */
	NJ_SR_SCHED_EXIT = 3,   /* sched_process_exit of a thread-group leader */
};

/* Drop categories: counted per CPU in the `drops` map. */
enum nj_sr_cat {
	NJ_SR_CAT_EXEC = 0,
	NJ_SR_CAT_FILE,
	NJ_SR_CAT_NET,
	NJ_SR_CAT_PROC,
	NJ_SR_CAT_CRED,
	NJ_SR_CAT_OTHER,
	NJ_SR_CAT_STASH,        /* in-flight table full at sys_enter */
	NJ_SR_CAT__COUNT
};

/* Record flags. */
#define NJ_SR_F_PATH_TRUNC   (1u << 0)
#define NJ_SR_F_PATH2_TRUNC  (1u << 1)
#define NJ_SR_F_ARGV_TRUNC   (1u << 2)
#define NJ_SR_F_EXE_MEMFD    (1u << 3)
#define NJ_SR_F_SOCK         (1u << 4)  /* socket fields are filled */
#define NJ_SR_F_EXEC_SEEN    (1u << 5)  /* sched_process_exec fired */
#define NJ_SR_F_PATH_FAULT   (1u << 6)  /* user pointer could not be read */
#define NJ_SR_F_BASE         (1u << 7)  /* base holds the directory of path */
#define NJ_SR_F_BASE_TRUNC   (1u << 8)  /* base lost leading components */
#define NJ_SR_F_ENV_TRUNC    (1u << 10)
#define NJ_SR_F_BASE_SELF    (1u << 9)  /* base is the file itself (exec image, fd) */

/* How the kernel side reads a call's arguments: one entry per syscall
 * number in the `filter` map, written by user space at load time. An entry
 * with type 0 is not traced. Argument indexes are 0..5, NJ_SR_ARG_NONE when
 * the call has no such argument. */
#define NJ_SR_ARG_NONE 0xff
#define NJ_SR_ARG_RET  0xfe     /* the fd is the return value (accept) */

#define NJ_SR_C_OPENHOW (1u << 0) /* arg 2 is a struct open_how * */
#define NJ_SR_C_CLONE3  (1u << 1) /* arg 0 is a struct clone_args * */
#define NJ_SR_C_CLONE   (1u << 2) /* arg 0 holds clone flags */
#define NJ_SR_C_NOEMIT  (1u << 3) /* stashed for the state set, not sent */
#define NJ_SR_C_FDPATH  (1u << 4) /* arg 0 is an fd whose path is wanted */

struct nj_sr_filter {
	unsigned short type;    /* enum nj_sc_type (src/core/syscall.h) */
	unsigned char cat;      /* enum nj_sr_cat */
	unsigned char path_arg;
	unsigned char path2_arg;
	unsigned char argv_arg;
	unsigned char sock_arg; /* fd of a socket to read after the call */
	unsigned char cflags;   /* NJ_SR_C_* */
	unsigned char dirfd_arg; /* directory fd of path (NJ_SR_ARG_NONE: cwd) */
	unsigned char env_arg;  /* envp of exec calls */
	unsigned char pad[2];
};

struct nj_sr_record {
	unsigned long long ts_boot;     /* bpf_ktime_get_boot_ns() */
	long long ret;
	unsigned long long args[6];
	unsigned long long cgroup_id;
	unsigned int source;            /* enum nj_sr_source */
	unsigned int flags;             /* NJ_SR_F_* */
	unsigned int nr;                /* syscall number */
	unsigned int type;              /* enum nj_sc_type */
	unsigned int pid, tid, ppid;
	unsigned int uid, euid, gid;
	unsigned int loginuid;
	unsigned int path_len, path2_len, argv_len, argc, env_len, envc;
	unsigned int exit_code;
	unsigned int base_off, base_len; /* the base string within base[] */
	/* socket, read from the kernel socket after the call */
	unsigned short family, sock_type, protocol, lport, rport;
	unsigned short pad0;
	unsigned char laddr[16], raddr[16];
	char comm[NJ_SR_COMM_LEN];
	char exe[NJ_SR_EXE_LEN];        /* exec: dentry name of the new image */
	char path[NJ_SR_PATH_MAX];
	char path2[NJ_SR_PATH_MAX];
	/* Built backwards from the last component; 256 bytes of slack keep
	 * every component copy in bounds for the verifier. */
	char base[NJ_SR_BASE_MAX + 256];
	char argv[NJ_SR_ARGV_MAX];
	char env[NJ_SR_ENV_MAX];        /* only with sensor.exec-env */
};

/* The sizes sent: header only, with path, with both paths and the base
 * directory, with argv, or all. */
#define NJ_SR_SIZE_HDR   (__builtin_offsetof(struct nj_sr_record, path))
#define NJ_SR_SIZE_PATH  (__builtin_offsetof(struct nj_sr_record, path2))
#define NJ_SR_SIZE_PATH2 (__builtin_offsetof(struct nj_sr_record, argv))
#define NJ_SR_SIZE_ARGV  (__builtin_offsetof(struct nj_sr_record, env))
#define NJ_SR_SIZE_ALL   (sizeof(struct nj_sr_record))

#endif
