/* What the packet and the system-call inspection (inspect.c,
 * inspect_syscall.c) share: the per-thread state and the verification of
 * payload lists. Private to src/detect.
 */
#ifndef NJ_DETECT_INSPECT_INT_H
#define NJ_DETECT_INSPECT_INT_H

#include <stdint.h>

#include "detect/host_buffers.h"
#include "detect/rule.h"

struct nj_ruleset;
struct nj_pf_thread;
struct nj_pf_input;
struct nj_worker;

/* Upper bound on payload option evaluations per rule, as Suricata's
 * inspection-recursion-limit: a hostile payload cannot make backtracking
 * explode. */
#define INSPECT_BUDGET 3000

struct nj_detect_thread {
	const struct nj_ruleset *rs;
	struct nj_pf_thread *pf;
	uint32_t budget;
	/* transformed buffers: a chain of transforms alternates between
	 * the two; valid until the next buffer is inspected */
	uint8_t *xbuf[2];
	uint32_t xcap[2];
	/* prefilter inputs of the event being inspected */
	struct nj_pf_input *in;
	uint32_t incap;
	struct nj_captures *captures;   /* named pcre captures */
	/* the alert payload of a raw window with holes, gaps written out */
	uint8_t *gbuf;
	uint32_t gcap;
	char host_scratch[NJ_HOST_SCRATCH];
};

/* Runs list l over ptr/len (after its transforms) from the start. */
int nj_inspect_buffer(struct nj_detect_thread *dt, struct nj_match *m, const struct nj_payload_list *l,
		      const uint8_t *ptr, uint32_t len);
/* Runs a host-buffer list (proc.*, file.*, user.name) on m->host. */
int nj_inspect_host(struct nj_detect_thread *dt, struct nj_match *m, const struct nj_payload_list *l);
/* Starts verifying r: clears its pcre captures, runs every non-payload
 * check (1 when all hold) and then gives it a fresh inspection budget. */
int nj_inspect_checks(const struct nj_rule *r, struct nj_match *m);
/* A payload list did not match: counts it when the budget ran out;
 * returns 0 for `return nj_inspect_list_failed(dt)`. */
int nj_inspect_list_failed(struct nj_detect_thread *dt);
/* Appends a prefilter input (dropped when out of memory). */
void nj_inspect_add_input(struct nj_detect_thread *dt, uint32_t *nin, int buf, const uint8_t *ptr,
			  uint32_t len, uint8_t mask);
/* After a rule matched: records the transaction, runs post-match actions;
 * returns whether it may alert (not pass, not noalert). */
bool nj_inspect_matched(const struct nj_rule *r, struct nj_match *m);

/* Writes the alert of rule r (a->rule is set here, with action when a
 * rate_filter changed it) to every sink; counts it. */
struct nj_alert;
void nj_inspect_emit(struct nj_worker *w, const struct nj_rule *r, uint8_t action, struct nj_alert *a);

#endif
