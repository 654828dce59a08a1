/* The unix control socket: one JSON request line in, one JSON reply line
 * out, per connection ("stats", "reload", "rules", "version"); nightjarctl
 * is its client. Served by the main thread between its other work. */
#ifndef NJ_MAIN_CONTROL_H
#define NJ_MAIN_CONTROL_H

struct nj_config;

/* What the daemon does for "reload" and "rules"; each writes a JSON object
 * (without newline) into buf and returns 0, or -1 when it failed. */
struct nj_control_ops {
	int (*reload)(char *buf, size_t len);
	int (*rules)(char *buf, size_t len);
};

/* Listens on unix-command.filename (default /run/nightjar/nightjar.sock)
 * when unix-command.enabled is yes (the default for live operation).
 * Returns 0 (also when disabled) or -1 after logging. */
int nj_control_open(const struct nj_config *cfg, const struct nj_control_ops *ops);
/* Serves the pending connections, waiting at most timeout_ms. */
void nj_control_poll(int timeout_ms);
void nj_control_close(void);
/* The socket's path, or NULL when there is none. */
const char *nj_control_path(void);

#endif
