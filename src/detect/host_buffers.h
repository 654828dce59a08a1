/* The host buffers of rules (proc.*, file.*, user.name): where their bytes
 * come from for a system-call event, or for a packet whose flow has a
 * known local process.
 */
#ifndef NJ_DETECT_HOST_BUFFERS_H
#define NJ_DETECT_HOST_BUFFERS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buffer.h"

struct nj_syscall;
struct nj_process;

/* The acting process as a rule sees it: the event (NULL for a packet), the
 * process (NULL when unknown) and its parent's command line (NULL when
 * unknown). Borrowed for one inspection. */
struct nj_host_view {
	const struct nj_syscall *sc;
	const struct nj_process *proc;
	const char *pcmdline;
};

/* Scratch for the buffers that are built (the two ancestor lists, each in
 * its half). */
#define NJ_HOST_SCRATCH (2 * (8 * (256 + 1) + 16))

bool nj_buf_is_host(int buf);   /* proc.*, file.*, user.name */
bool nj_buf_is_file(int buf);   /* file.*: system-call events only */

/* Sets *out to buffer buf of v; false when v has no such buffer. scratch
 * (NJ_HOST_SCRATCH bytes) may back *out until the next call for the same
 * buffer. */
bool nj_host_buffer(const struct nj_host_view *v, int buf, char *scratch, struct nj_buf *out);

#endif
