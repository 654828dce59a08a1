/* The interface of the default route, from /proc/net/route and
 * /proc/net/ipv6_route (the kernel's text tables, see proc(5)). */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <net/route.h>
#include <stdio.h>
#include <string.h>

#include "capture/afpacket.h"

/* Iface Destination Gateway Flags RefCnt Use Metric Mask ...: the default
 * route has destination and mask 0 (hex, host order). */
static int scan_route4(FILE *f, char *best, uint32_t *best_metric)
{
	char line[512], name[IF_NAMESIZE + 1];
	unsigned long dst, gw, mask;
	unsigned flags, refcnt, use, metric;
	int found = 0;

	if (!fgets(line, sizeof(line), f)) /* header */
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%16s %lx %lx %x %u %u %u %lx", name, &dst, &gw, &flags, &refcnt, &use,
			   &metric, &mask) != 8)
			continue;
		if (dst != 0 || mask != 0 || !(flags & RTF_UP) || (flags & RTF_REJECT))
			continue;
		if (!found || metric < *best_metric) {
			memcpy(best, name, sizeof(name));
			*best_metric = metric;
			found = 1;
		}
	}
	return found;
}

/* dst plen src plen nexthop metric refcnt use flags iface, hex fields. */
static int scan_route6(FILE *f, char *best, uint32_t *best_metric)
{
	char line[512], dst[33], src[33], hop[33], name[IF_NAMESIZE + 1];
	unsigned plen, splen, metric, refcnt, use, flags;
	int found = 0;

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%32s %x %32s %x %32s %x %x %x %x %16s", dst, &plen, src, &splen, hop,
			   &metric, &refcnt, &use, &flags, name) != 10)
			continue;
		if (plen != 0 || strspn(dst, "0") != 32 || !(flags & RTF_UP) || (flags & RTF_REJECT) ||
		    strcmp(name, "lo") == 0)
			continue;
		if (!found || metric < *best_metric) {
			memcpy(best, name, sizeof(name));
			*best_metric = metric;
			found = 1;
		}
	}
	return found;
}

static int scan_file(const char *path, int (*scan)(FILE *, char *, uint32_t *), char *best)
{
	uint32_t metric = 0;
	FILE *f;
	int found;

	if (!path || !(f = fopen(path, "r")))
		return 0;
	found = scan(f, best, &metric);
	fclose(f);
	return found;
}

int nj_default_route_iface_from(const char *route4, const char *route6, char *buf, size_t len)
{
	char best[IF_NAMESIZE + 1] = "";
	size_t n;

	if (!scan_file(route4, scan_route4, best) && !scan_file(route6, scan_route6, best))
		return -ENOENT;
	n = strlen(best);
	if (n + 1 > len)
		return -ENOSPC;
	memcpy(buf, best, n + 1);
	return 0;
}

int nj_default_route_iface(char *buf, size_t len)
{
	return nj_default_route_iface_from("/proc/net/route", "/proc/net/ipv6_route", buf, len);
}
