/* fast.log: Snort's one-line alert_fast format, as Suricata writes it. */
#ifndef NJ_OUTPUT_FASTLOG_H
#define NJ_OUTPUT_FASTLOG_H

#include <stddef.h>

#include "output/sink.h"

struct nj_config;
struct nj_alert;

struct nj_fastlog {
	struct nj_sinks sinks;
};

/* Opens the sinks of outputs.fast (default file fast.log in log_dir).
 * Returns NULL with a message in err; free with nj_fastlog_free(). */
struct nj_fastlog *nj_fastlog_new(const struct nj_config *cfg, const char *log_dir, char *err,
				  size_t errlen);
void nj_fastlog_free(struct nj_fastlog *f);

/* Formats the alert's line, '\n' included, into buf. Returns its length,
 * or -ENOSPC when buf is too small. */
int nj_fastlog_format(const struct nj_alert *a, char *buf, size_t len);

/* Formats and writes one line; failures count in output.errors. */
void nj_fastlog_write(struct nj_fastlog *f, const struct nj_alert *a);

#endif
