/* The unit of work on the bus: one packet or one system call.
 *
 * The payload is borrowed for the duration of the dispatch (see packet.h and
 * syscall.h); a stage that keeps data copies it.
 */
#ifndef NJ_CORE_EVENT_H
#define NJ_CORE_EVENT_H

#include <sys/time.h>

struct nj_packet;
struct nj_syscall;

enum nj_event_kind {
	NJ_EV_PACKET = 1,
	NJ_EV_SYSCALL = 2,
};

struct nj_event {
	struct timeval ts;
	enum nj_event_kind kind;
	union {
		struct nj_packet *pkt;
		struct nj_syscall *sc;
	};
};

#endif
