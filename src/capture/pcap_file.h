/* Offline capture: one pcap/pcapng file, or every capture file of a
 * directory in name order, read with libpcap. */
#ifndef NJ_CAPTURE_PCAP_FILE_H
#define NJ_CAPTURE_PCAP_FILE_H

#include <stddef.h>
#include <stdint.h>

struct nj_packet;
struct nj_pcap_file;

/* Opens path (file or directory). NULL with a reason in err. */
struct nj_pcap_file *nj_pcap_file_open(const char *path, char *err, size_t errlen);
void nj_pcap_file_close(struct nj_pcap_file *f);

/* Reads the next packet into p's capture fields (data, caplen, wirelen,
 * linktype, ts, pcap_cnt). p->data is borrowed until the next call.
 * Returns 1, 0 at the end of the input, or -EIO with a reason in err. */
int nj_pcap_file_next(struct nj_pcap_file *f, struct nj_packet *p, char *err, size_t errlen);

/* Linktype of the first file (for outputs that record it). */
int nj_pcap_file_linktype(const struct nj_pcap_file *f);
/* Name of the file being read; borrowed. */
const char *nj_pcap_file_current(const struct nj_pcap_file *f);
/* Bytes read so far and total size of the input, for progress. */
void nj_pcap_file_progress(const struct nj_pcap_file *f, uint64_t *done, uint64_t *total);

#endif
