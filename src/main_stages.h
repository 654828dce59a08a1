/* Wiring of the pipeline stages for the daemon: which stages run, in what
 * order, and the calls that reach every output. */
#ifndef NJ_MAIN_STAGES_H
#define NJ_MAIN_STAGES_H

#include <sys/time.h>

struct nj_config;

/* Registers every stage on the bus and opens the outputs in log_dir.
 * Returns 0, or -1 after logging why. */
int nj_stages_init(const struct nj_config *cfg, const char *log_dir, int linktype);
void nj_stages_reopen(void);
/* Stats when the interval has passed at wall-clock time now, or at once
 * when now is NULL. */
void nj_stages_stats(const struct timeval *now);
void nj_stages_fini(void);

#endif
