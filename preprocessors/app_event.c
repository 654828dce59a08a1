/* App-layer anomaly events: one table of names per protocol, a global id
 * per (protocol, entry), a counter per event. */
#include <stdio.h>
#include <string.h>

#include "core/counters.h"
#include "preprocessors/app.h"
#include "preprocessors/dns.h"
#include "preprocessors/http.h"
#include "preprocessors/tls.h"

#define EV_PER_PROTO 64

struct ev_table {
	int proto;
	const char *prefix;
	const char *const *names;
	int n;
};

static const struct ev_table tables[] = {
	{ NJ_APP_HTTP, "http", nj_http_event_names, NJ_HTTP_EV__COUNT },
	{ NJ_APP_DNS, "dns", nj_dns_event_names, NJ_DNS_EV__COUNT },
	{ NJ_APP_TLS, "tls", nj_tls_event_names, NJ_TLS_EV__COUNT },
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* Counter ids, registered on first use per event (start-up or first hit). */
static int counter_ids[NJ_APP__COUNT][EV_PER_PROTO];
static bool counters_ready[NJ_APP__COUNT][EV_PER_PROTO];

static const struct ev_table *table_of(int proto)
{
	for (size_t i = 0; i < NTABLES; i++)
		if (tables[i].proto == proto)
			return &tables[i];
	return NULL;
}

int nj_app_event_lookup(const char *name)
{
	for (size_t i = 0; i < NTABLES; i++) {
		size_t pl = strlen(tables[i].prefix);
		if (strncmp(name, tables[i].prefix, pl) != 0 || name[pl] != '.')
			continue;
		for (int k = 0; k < tables[i].n; k++)
			if (strcmp(name + pl + 1, tables[i].names[k]) == 0)
				return tables[i].proto * EV_PER_PROTO + k;
	}
	return -1;
}

const char *nj_app_event_name(int id)
{
	static char buf[NJ_APP__COUNT][EV_PER_PROTO][80];
	const struct ev_table *t;

	if (id < 0)
		return NULL;
	t = table_of(id / EV_PER_PROTO);
	if (!t || id % EV_PER_PROTO >= t->n)
		return NULL;
	char *b = buf[id / EV_PER_PROTO][id % EV_PER_PROTO];
	if (!b[0])
		snprintf(b, 80, "%s.%s", t->prefix, t->names[id % EV_PER_PROTO]);
	return b;
}

bool nj_app_tx_has_event(const struct nj_app_tx *tx, int id)
{
	const struct nj_app_txhdr *h = nj_app_txhdr(tx);

	if (!h || id < 0 || id / EV_PER_PROTO != tx->proto)
		return false;
	return (h->events >> (id % EV_PER_PROTO)) & 1;
}

void nj_app_event_counters_init(void)
{
	char name[128];

	for (size_t i = 0; i < NTABLES; i++) {
		for (int k = 0; k < tables[i].n && k < EV_PER_PROTO; k++) {
			snprintf(name, sizeof(name), "nightjar.app_layer.event.%s.%s",
				 tables[i].prefix, tables[i].names[k]);
			counter_ids[tables[i].proto][k] = nj_counter_register(name);
			counters_ready[tables[i].proto][k] = true;
		}
	}
}

void nj_app_tx_set_event(struct nj_app_tx *tx, int proto, int bit)
{
	struct nj_app_txhdr *h = nj_app_txhdr(tx);

	if (!h || bit < 0 || bit >= EV_PER_PROTO || proto < 0 || proto >= NJ_APP__COUNT)
		return;
	if (!((h->events >> bit) & 1) && counters_ready[proto][bit])
		nj_counter_add(counter_ids[proto][bit], 1);
	h->events |= 1ull << bit;
}
