/* unified2: Snort 2.9's binary alert format, for barnyard2, u2spewfoo,
 * u2boat and idstools. See doc/unified2.md for the records written. */
#ifndef NJ_OUTPUT_UNIFIED2_H
#define NJ_OUTPUT_UNIFIED2_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nj_config;
struct nj_alert;

/* Record types (the 8-byte record header's `type`). */
#define NJ_U2_PACKET 2
#define NJ_U2_IDS_EVENT_V2 104
#define NJ_U2_IDS_EVENT_IPV6_V2 105
#define NJ_U2_EXTRA_DATA 110

/* Extra-data types: Snort's standard numbers, then nightjar's own. */
#define NJ_U2_EXTRA_XFF_IPV4 1
#define NJ_U2_EXTRA_XFF_IPV6 2
#define NJ_U2_EXTRA_HTTP_URI 9
#define NJ_U2_EXTRA_HTTP_HOSTNAME 10
#define NJ_U2_EXTRA_NJ_FLOW_ID 1001
#define NJ_U2_EXTRA_NJ_COMMUNITY_ID 1002
#define NJ_U2_EXTRA_NJ_PROC_IDS 1010
#define NJ_U2_EXTRA_NJ_PROC_NAME 1011
#define NJ_U2_EXTRA_NJ_PROC_EXE 1012
#define NJ_U2_EXTRA_NJ_PROC_CMDLINE 1013
#define NJ_U2_EXTRA_NJ_SYSCALL 1014
#define NJ_U2_EXTRA_NJ_FILE_PATH 1015

struct nj_unified2 {
	pthread_mutex_t lock;
	char *dir;
	int fd;
	uint64_t size, limit;
	uint32_t sensor_id;
	uint32_t event_id;
	int linktype;                   /* the capture's, for packets without one */
	bool packet;                    /* write the packet record */
	bool community_id;
	uint16_t community_id_seed;
	/* record assembly buffer, used under the lock */
	uint8_t *buf;
	size_t cap;
};

/* Reads outputs.unified2.{limit (default 32mb), sensor-id, packet (default
 * yes)} and opens a first file unified2.alert.<epoch> in log_dir. linktype
 * is the capture's, written for packets whose own is 0. Returns NULL with a
 * message in err; free with nj_unified2_free(). */
struct nj_unified2 *nj_unified2_new(const struct nj_config *cfg, const char *log_dir,
				    int linktype, char *err, size_t errlen);
void nj_unified2_free(struct nj_unified2 *u);

/* Builds the records of one alert (event, packet, extra data) for the given
 * event id into out[0..cap). Returns the length, or -ENOSPC with the length
 * needed in *need. Pure: used by the writer and the tests. */
long nj_unified2_build(const struct nj_unified2 *u, uint32_t event_id, const struct nj_alert *a,
		       uint8_t *out, size_t cap, size_t *need);

/* Numbers the alert, builds its records and appends them to the current
 * file with one write, rolling to a new file first when the limit would be
 * passed. Failures count in output.errors. Thread-safe. */
void nj_unified2_write(struct nj_unified2 *u, const struct nj_alert *a);
/* Writes a kept alert (output/hold.h) with what it waited for: its flow's
 * process records, or its socket's flow id. */
struct nj_held;
void nj_unified2_finish(struct nj_unified2 *u, const struct nj_held *h);

#endif
