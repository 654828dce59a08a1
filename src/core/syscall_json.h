/* JSON writers for processes and system calls (syscall_json.c). */
#ifndef NJ_CORE_SYSCALL_JSON_H
#define NJ_CORE_SYSCALL_JSON_H

#include <stddef.h>
#include <sys/time.h>

#include "core/json.h"
#include "core/process.h"
#include "core/syscall.h"

/* "2026-11-23T12:00:00.123456+0000" */
void nj_format_utc_ts(const struct timeval *tv, char *buf, size_t len);

/* The "process" object: p (may be NULL when sc is given) with the ids of
 * sc when sc is not NULL (the acting thread at the time of the call). */
void nj_json_process(struct nj_json *j, const struct nj_process *p, const struct nj_syscall *sc);
/* The "syscall" object: name, ret, errno and the arguments of its type. */
void nj_json_syscall(struct nj_json *j, const struct nj_syscall *sc);

/* "SOCK_STREAM" for 1, NULL when unknown; and back (-1 when unknown). */
const char *nj_sock_type_name(unsigned t);
int nj_sock_type_value(const char *name);

#endif
