/* Alert sinks: the rule engine emits, outputs receive, neither knows the
 * other. */
#include <errno.h>

#include "core/alert.h"

#define MAX_SINKS 8

static nj_alert_sink_fn sinks[MAX_SINKS];
static void *sink_args[MAX_SINKS];
static int nsinks;

int nj_alert_sink_register(nj_alert_sink_fn fn, void *arg)
{
	if (nsinks == MAX_SINKS)
		return -ENOSPC;
	sinks[nsinks] = fn;
	sink_args[nsinks++] = arg;
	return 0;
}

void nj_alert_sinks_reset(void)
{
	nsinks = 0;
}

void nj_alert_emit(struct nj_worker *w, const struct nj_alert *a)
{
	for (int i = 0; i < nsinks; i++)
		sinks[i](w, a, sink_args[i]);
}
