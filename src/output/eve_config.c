/* EVE settings from the config: outputs.eve.types.* in Suricata's list form
 * or as a mapping, and the Community ID keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "output/eve.h"

/* Config: `types` is a mapping (types.alert.payload) or Suricata's list
 * (types.0.alert.payload, or a bare item types.1: flow). */
struct type_find {
	const struct nj_config *cfg;
	const char *type;
	bool found;
	const char *value;              /* scalar value, NULL for a mapping */
	char prefix[160];               /* where the type's options live */
	int children;
};

static void find_in_item(const char *name, const char *value, void *arg)
{
	struct type_find *t = arg;

	if (!t->found && !strcmp(name, t->type)) {
		size_t l = strlen(t->prefix);
		t->found = true;
		t->value = value;
		snprintf(t->prefix + l, sizeof(t->prefix) - l, ".%s", name);
	}
}

static void find_in_types(const char *name, const char *value, void *arg)
{
	struct type_find *t = arg;

	t->children++;
	if (t->found)
		return;
	if (!strcmp(name, t->type)) {
		t->found = true;
		t->value = value;
		snprintf(t->prefix, sizeof(t->prefix), "outputs.eve.types.%s", name);
	} else if (name[0] >= '0' && name[0] <= '9') {
		if (value) {
			if (!strcmp(value, t->type)) {
				t->found = true;
				t->value = "yes";
				t->prefix[0] = '\0';
			}
			return;
		}
		snprintf(t->prefix, sizeof(t->prefix), "outputs.eve.types.%s", name);
		nj_config_each_child(t->cfg, t->prefix, find_in_item, t);
		if (!t->found)
			t->prefix[0] = '\0';
	}
}

static void find_type(const struct nj_config *cfg, const char *type, struct type_find *t)
{
	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->type = type;
	nj_config_each_child(cfg, "outputs.eve.types", find_in_types, t);
}

static bool truth(const char *v, bool dflt)
{
	if (!v)
		return dflt;
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
		return true;
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
		return false;
	return dflt;
}

static const char *type_opt(const struct nj_config *cfg, const struct type_find *t,
			    const char *opt)
{
	char key[256];

	if (!t->found || !t->prefix[0] || t->value)
		return NULL;
	snprintf(key, sizeof(key), "%s.%s", t->prefix, opt);
	return nj_config_get(cfg, key);
}

/* A listed type is on unless `types.x: no` or `types.x.enabled: no`;
 * without any `types` every type is on. */
static bool type_on(const struct nj_config *cfg, const char *type, struct type_find *t)
{
	find_type(cfg, type, t);
	if (t->children == 0)
		return true;
	if (!t->found)
		return false;
	if (t->value)
		return truth(t->value, true);
	return truth(type_opt(cfg, t, "enabled"), true);
}

void nj_eve_opts_load(struct nj_eve_opts *o, const struct nj_config *cfg)
{
	struct type_find t;
	const char *v;

	memset(o, 0, sizeof(*o));
	o->alert = type_on(cfg, "alert", &t);
	o->payload = truth(type_opt(cfg, &t, "payload"), false);
	o->payload_printable = truth(type_opt(cfg, &t, "payload-printable"), false);
	o->packet = truth(type_opt(cfg, &t, "packet"), false);
	o->metadata = truth(type_opt(cfg, &t, "metadata"), true);
	o->rule = truth(type_opt(cfg, &t, "rule"), false);
	o->pkt_src = truth(type_opt(cfg, &t, "pkt-src"), true);
	o->flow = type_on(cfg, "flow", &t);
	o->anomaly = type_on(cfg, "anomaly", &t);
	o->stats = type_on(cfg, "stats", &t);
	o->stats_interval = 8;
	v = type_opt(cfg, &t, "interval");
	if (v && atoi(v) > 0)
		o->stats_interval = (unsigned)atoi(v);
	o->stats_totals = truth(type_opt(cfg, &t, "totals"), true);
	o->stats_threads = truth(type_opt(cfg, &t, "threads"), false);
	o->stats_deltas = truth(type_opt(cfg, &t, "deltas"), false);
	if (!o->stats_totals && !o->stats_threads)
		o->stats_totals = true;         /* as Suricata: a record is never empty */
	o->drop = type_on(cfg, "drop", &t);
	o->drop_alerts = truth(type_opt(cfg, &t, "alerts"), false);
	v = type_opt(cfg, &t, "flows");
	o->drop_flows_all = v && !strcmp(v, "all");
	o->app[NJ_APP_HTTP] = type_on(cfg, "http", &t);
	o->app[NJ_APP_DNS] = type_on(cfg, "dns", &t);
	o->app[NJ_APP_TLS] = type_on(cfg, "tls", &t);
	o->community_id = nj_config_get_bool(cfg, "outputs.eve.community-id", false);
	o->community_id_seed =
		(uint16_t)nj_config_get_int(cfg, "outputs.eve.community-id-seed", 0);
}
