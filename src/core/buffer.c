/* Names of inspection buffers and application protocols. */
#include <string.h>

#include "core/buffer.h"

static const char *const buf_names[] = {
#define NJ_BUF_NAME(id, name) name,
	NJ_BUFFERS(NJ_BUF_NAME)
#undef NJ_BUF_NAME
};

static const char *const app_names[] = {
#define NJ_APP_NAME(id, name) name,
	NJ_APP_PROTOS(NJ_APP_NAME)
#undef NJ_APP_NAME
};

const char *nj_buf_name(int id)
{
	return id >= 0 && id < NJ_BUF__COUNT ? buf_names[id] : NULL;
}

int nj_buf_lookup(const char *name)
{
	for (int i = 0; i < NJ_BUF__COUNT; i++)
		if (strcmp(buf_names[i], name) == 0)
			return i;
	return -1;
}

const char *nj_app_proto_name(int proto)
{
	return proto >= 0 && proto < NJ_APP__COUNT ? app_names[proto] : NULL;
}

int nj_app_proto_lookup(const char *name)
{
	for (int i = 1; i < NJ_APP__COUNT; i++)
		if (strcmp(app_names[i], name) == 0)
			return i;
	return -1;
}
