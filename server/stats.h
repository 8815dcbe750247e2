/*
 * stats.h - the server's own counters, answered by server.stats: requests and their latency per
 * operation, errors per code, connections, the worker pool and uptime. Part of the handler API
 * (an area may pack them); the I/O thread records, any thread reads (stats.c).
 */
#ifndef AGENCY_STATS_H
#define AGENCY_STATS_H

#include <stdint.h>

#include <msgpack.h>

/* Starts the uptime clock (main, once, before serving). */
void stats_start(void);

/* Records one answered request of operation `op` (a name; one the table does not know counts
 * only towards the totals), its outcome ("ok" or an error code's wire name) and how long it
 * took in microseconds. I/O thread only. */
void stats_request(const char *op, const char *outcome, uint64_t micros);

/* The number of key/value pairs stats_pack_fields packs. */
#define STATS_FIELDS 6

/*
 * Packs STATS_FIELDS key/value pairs (the caller has opened a map large enough):
 *   uptime_s, connections, pool {workers, busy, queued}, requests_total,
 *   requests [{op, count, errors, p50_us, p99_us}] (operations called at least once, by name),
 *   errors {code: count} (codes answered at least once).
 * Percentiles are the upper bound of a logarithmic bucket (four per power of two, so within
 * 25 %) over every request since the start. Any thread.
 */
void stats_pack_fields(msgpack_packer *pk);

#endif
