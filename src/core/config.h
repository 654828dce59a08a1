/* Configuration: a YAML file flattened into dotted keys.
 *
 * "outputs.eve.filename", "vars.address-groups.HOME_NET"; sequence items get
 * their index as a key part ("rule-files.0"). `--set key=value` overrides or
 * adds a key. Values are strings; typed getters parse them. The config is
 * built at start-up and read-only afterwards (a reload builds a new one).
 */
#ifndef NJ_CORE_CONFIG_H
#define NJ_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nj_config;

/* Returns a new empty config; free with nj_config_free(). */
struct nj_config *nj_config_new(void);
void nj_config_free(struct nj_config *cfg);

/* Loads a YAML file into cfg (keys already present are replaced).
 * Returns 0, or -errno / -EINVAL with a message in err. */
int nj_config_load_file(struct nj_config *cfg, const char *path, char *err, size_t errlen);
int nj_config_load_string(struct nj_config *cfg, const char *yaml, char *err, size_t errlen);

/* Sets key to value (both copied). "key=value" form for --set. */
int nj_config_set(struct nj_config *cfg, const char *key, const char *value);
int nj_config_set_kv(struct nj_config *cfg, const char *kv);

/* Borrowed pointer valid until the key is set again or cfg is freed. */
const char *nj_config_get(const struct nj_config *cfg, const char *key);
const char *nj_config_get_str(const struct nj_config *cfg, const char *key, const char *dflt);
int64_t nj_config_get_int(const struct nj_config *cfg, const char *key, int64_t dflt);
/* Sizes accept kb/mb/gb suffixes (1024-based). */
uint64_t nj_config_get_size(const struct nj_config *cfg, const char *key, uint64_t dflt);
bool nj_config_get_bool(const struct nj_config *cfg, const char *key, bool dflt);

/* Calls fn for each direct child of prefix ("vars.address-groups" gives
 * HOME_NET, EXTERNAL_NET...) with the child's name and value (NULL for a
 * mapping or sequence). Children are visited in file order. */
void nj_config_each_child(const struct nj_config *cfg, const char *prefix,
			  void (*fn)(const char *name, const char *value, void *arg), void *arg);

/* Number of entries of a sequence at key ("rule-files"): items are key.0.. */
size_t nj_config_seq_len(const struct nj_config *cfg, const char *key);

#endif
