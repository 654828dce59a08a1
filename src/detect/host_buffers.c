/* proc.*, file.* and user.name buffers (RULES.md, "System-call rules"). */
#include <string.h>

#include "core/process.h"
#include "core/syscall.h"
#include "detect/host_buffers.h"

bool nj_buf_is_host(int buf)
{
	return buf >= NJ_BUF_PROC_NAME && buf <= NJ_BUF_USER_NAME;
}

bool nj_buf_is_file(int buf)
{
	return buf == NJ_BUF_FILE_PATH || buf == NJ_BUF_FILE_RAW || buf == NJ_BUF_FILE_NEWPATH;
}

static bool set(struct nj_buf *out, const char *s, size_t len)
{
	if (!s)
		return false;
	out->ptr = (const uint8_t *)s;
	out->len = (uint32_t)len;
	return true;
}

static bool set_str(struct nj_buf *out, const char *s)
{
	return s && set(out, s, strlen(s));
}

/* Ancestors' names or executables, nearest first, joined by newlines. */
static bool ancestors(const struct nj_process *p, bool exe, char *scratch, struct nj_buf *out)
{
	size_t n = 0, cap = NJ_HOST_SCRATCH / 2;

	scratch += exe ? cap : 0;
	if (!p || !p->nancestors)
		return false;
	for (unsigned i = 0; i < p->nancestors && i < NJ_PROC_ANCESTORS; i++) {
		const char *s = exe ? p->ancestors[i].exe : p->ancestors[i].name;
		size_t l = strnlen(s, exe ? NJ_PROC_EXE_LEN : NJ_PROC_NAME_LEN);
		if (n + l + 1 > cap)
			break;
		if (n)
			scratch[n++] = '\n';
		memcpy(scratch + n, s, l);
		n += l;
	}
	return set(out, scratch, n);
}

/* argv[1..] of a command line: what follows the first space. */
static bool args(const char *cmdline, struct nj_buf *out)
{
	const char *sp = cmdline ? strchr(cmdline, ' ') : NULL;

	return set_str(out, sp ? sp + 1 : cmdline ? "" : NULL);
}

static bool file_buffer(const struct nj_syscall *sc, int buf, struct nj_buf *out)
{
	if (!sc)
		return false;
	switch (buf) {
	case NJ_BUF_FILE_PATH: return set(out, sc->path, sc->path_len);
	case NJ_BUF_FILE_RAW: return set(out, sc->raw_path, sc->raw_path_len);
	default: return set(out, sc->newpath, sc->newpath_len);
	}
}

static bool parent_buffer(const struct nj_host_view *v, int buf, struct nj_buf *out)
{
	const struct nj_process *p = v->proc;

	switch (buf) {
	case NJ_BUF_PROC_PNAME:
		return p && p->nancestors && set_str(out, p->ancestors[0].name);
	case NJ_BUF_PROC_PEXE:
		return p && p->nancestors && set_str(out, p->ancestors[0].exe);
	default:
		return set_str(out, v->pcmdline);
	}
}

bool nj_host_buffer(const struct nj_host_view *v, int buf, char *scratch, struct nj_buf *out)
{
	const struct nj_process *p = v->proc;
	const struct nj_syscall *sc = v->sc;

	if (nj_buf_is_file(buf))
		return file_buffer(sc, buf, out);
	switch (buf) {
	case NJ_BUF_PROC_NAME:
		return set_str(out, p && p->name[0] ? p->name : sc ? sc->comm : NULL);
	case NJ_BUF_PROC_EXE:
		return p && set_str(out, p->exe);
	case NJ_BUF_PROC_CMDLINE:
		return p && set_str(out, p->cmdline);
	case NJ_BUF_PROC_ARGS:
		return p && args(p->cmdline, out);
	case NJ_BUF_PROC_CWD:
		return p && set_str(out, p->cwd);
	case NJ_BUF_PROC_ENV:
		return sc && set(out, sc->env, sc->env_len);
	case NJ_BUF_PROC_PNAME: case NJ_BUF_PROC_PEXE: case NJ_BUF_PROC_PCMDLINE:
		return parent_buffer(v, buf, out);
	case NJ_BUF_PROC_ANAME:
		return ancestors(p, false, scratch, out);
	case NJ_BUF_PROC_AEXE:
		return ancestors(p, true, scratch, out);
	case NJ_BUF_USER_NAME:
		return p && set_str(out, p->user);
	default:
		return false;
	}
}
