/* Flow-end hooks. */
#include <errno.h>

#include "core/flow.h"

#define MAX_END_HOOKS 16

static nj_flow_end_fn hooks[MAX_END_HOOKS];
static int nhooks;

int nj_flow_on_end(nj_flow_end_fn fn)
{
	if (nhooks == MAX_END_HOOKS)
		return -ENOSPC;
	hooks[nhooks++] = fn;
	return 0;
}

void nj_flow_ended(struct nj_worker *w, struct nj_flow *f)
{
	for (int i = 0; i < nhooks; i++)
		hooks[i](w, f);
}
