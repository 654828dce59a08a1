/* The rule set: loading rule files, compiling the prefilter, inspecting.
 *
 * Life cycle: nj_ruleset_new() → nj_ruleset_load_file() for each file →
 * nj_ruleset_compile() → shared read-only by every worker, each with its own
 * struct nj_detect_thread (Hyperscan scratch, candidate arrays) →
 * nj_ruleset_free() once no worker uses it any more.
 */
#ifndef NJ_DETECT_ENGINE_H
#define NJ_DETECT_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/varset.h"
#include "detect/rule.h"

struct nj_config;
struct nj_vars;
struct nj_prefilter;
struct nj_worker;
struct nj_packet;
struct nj_thr_table;
struct nj_xbits_table;

struct nj_class {
	char *name;
	char *desc;
	int priority;
};

/* Interned names (flowbits, procbits, byte_extract variables) → ids. */
struct nj_names {
	char **names;
	uint32_t n, cap;
};

int nj_names_id(struct nj_names *t, const char *name);       /* adds when new; -1 on ENOMEM */
int nj_names_find(const struct nj_names *t, const char *name);
void nj_names_free(struct nj_names *t);

/* Everything a rule's parse may consult; owned by the rule set. */
struct nj_detect_build {
	const struct nj_config *cfg;
	struct nj_vars *vars;
	struct nj_class *classes;
	uint32_t nclasses;
	struct nj_names flowbits;
	struct nj_names fb_group_names;         /* Snort 2.9 flowbit groups */
	struct nj_varset *fb_groups;            /* members of each group */
	uint32_t nfb_groups;
	struct nj_names xbits_names;
	struct nj_names flowint_names;
	struct nj_names procbits_names;
	struct nj_names pktvar_names, flowvar_names;    /* pcre captures */
	struct nj_xbits_table *xbits;   /* created by the first xbits option */
	/* byte_extract variable names of the rule being parsed */
	struct nj_names rule_vars;
};

struct nj_load_stats {
	uint32_t loaded;
	uint32_t rejected;              /* errors in the rule */
	uint32_t unsupported;           /* valid rules using what nightjar lacks */
	uint32_t duplicate;
};

struct nj_ruleset {
	struct nj_detect_build build;
	struct nj_rule **rules;
	uint32_t nrules, caprules;
	struct nj_load_stats stats;
	struct nj_prefilter *pf;        /* built by nj_ruleset_compile */
	FILE *report;                   /* where rejected rules are reported */
	bool strict;
	struct nj_thr_table *thr;       /* threshold state, shared by workers */
	uint64_t *sids;                 /* gid:sid set for duplicate detection */
	uint32_t users;                 /* worker threads inspecting with it (atomic) */
	uint32_t nsids, capsids;
};

/* Returns a new empty rule set reading vars and classification from cfg
 * (borrowed: must outlive the rule set). NULL on failure. */
struct nj_ruleset *nj_ruleset_new(const struct nj_config *cfg);
void nj_ruleset_free(struct nj_ruleset *rs);

/* Loads classification.config-style lines from path. 0 or -errno. */
int nj_ruleset_load_classification(struct nj_ruleset *rs, const char *path);

/* Loads a rule file (comments, `\` continuations, `include`). Rejected
 * rules are reported as "file:line: sid N: reason" on rs->report. Returns
 * 0, or -errno when the file cannot be read. */
int nj_ruleset_load_file(struct nj_ruleset *rs, const char *path);

/* Adds one rule given as text; file/line for diagnostics. Returns 0 when
 * loaded, -1 when rejected or unsupported (reported). */
int nj_ruleset_add(struct nj_ruleset *rs, const char *text, const char *file, int line);

/* Reorders rs->rules for evaluation (flowbits writers before readers,
 * order.c) and renumbers them. 0 or -1 on ENOMEM. */
int nj_ruleset_order(struct nj_ruleset *rs);

/* Orders the rules (nj_ruleset_order), groups them and compiles the prefilter databases. 0, or -1 with err. */
int nj_ruleset_compile(struct nj_ruleset *rs, char *err, size_t errlen);

/* Gives rs, before any rule is added, the flowbit, xbit and flowint ids of
 * old, so that state flows carry across a reload keeps its meaning, and
 * shares old's xbits and threshold tables (bits set and counts so far
 * stay). Returns 0 or -ENOMEM. */
int nj_ruleset_inherit(struct nj_ruleset *rs, const struct nj_ruleset *old);

/* Per-thread inspection state. */
struct nj_detect_thread;
struct nj_detect_thread *nj_detect_thread_new(const struct nj_ruleset *rs);
void nj_detect_thread_free(struct nj_detect_thread *dt);

/* The thread's named-capture state, for the pcre keyword (NULL without
 * a thread). */
struct nj_captures *nj_detect_captures(struct nj_detect_thread *dt);

/* Inspects one packet with every rule that applies; emits alerts. */
void nj_detect_packet(struct nj_detect_thread *dt, struct nj_worker *w, struct nj_packet *p);

/* Inspects one system-call event with the syscall rules. */
struct nj_syscall;
void nj_detect_syscall(struct nj_detect_thread *dt, struct nj_worker *w, const struct nj_syscall *sc);

/* The bus stage: inspects with the current rule set. */
int nj_detect_stage_register(void);
/* Makes rs the rule set workers use from their next event on (or their
 * next nj_detect_sync()); the previous one stays valid until
 * nj_ruleset_in_use() says no worker holds it. */
void nj_detect_set_ruleset(struct nj_ruleset *rs);
struct nj_ruleset *nj_detect_ruleset(void);
bool nj_ruleset_in_use(const struct nj_ruleset *rs);
/* Moves worker w to the current rule set even when it sees no traffic
 * (its housekeeping calls this). */
void nj_detect_sync(struct nj_worker *w);

#endif
