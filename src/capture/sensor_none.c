/* The sensor API of a build without eBPF (--disable-ebpf): it opens, and
 * starting it reports -ENOTSUP. */
#include <errno.h>
#include <stdlib.h>

#include "capture/sensor.h"

struct nj_sensor {
	int unused;
};

struct nj_sensor *nj_sensor_open(const struct nj_config *cfg)
{
	return calloc(1, sizeof(struct nj_sensor));
}

int nj_sensor_start(struct nj_sensor *s, const struct nj_sc_set *set)
{
	return -ENOTSUP;
}

int nj_sensor_configure(struct nj_sensor *s, const struct nj_sc_set *set)
{
	return -ENOTSUP;
}

int nj_sensor_poll(struct nj_sensor *s, int timeout_ms, nj_sensor_cb cb, void *arg)
{
	return -ENOTSUP;
}

void nj_sensor_set_worker(struct nj_sensor *s, struct nj_worker *w)
{
}

const char *nj_sensor_report(const struct nj_sensor *s)
{
	return "built without eBPF support\n";
}

unsigned long long nj_sensor_drops(const struct nj_sensor *s)
{
	return 0;
}

void nj_sensor_stop(struct nj_sensor *s)
{
}

void nj_sensor_free(struct nj_sensor *s)
{
	free(s);
}
