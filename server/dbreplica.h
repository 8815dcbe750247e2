/* The read replica: operations flagged OPF_REPLICA run their handler on a streaming standby
   ([database] replica) in a READ ONLY transaction with the request's context, or on the primary
   when the standby is down, behind the session, or older than [database] replica_max_lag. */
#ifndef AGENCY_DBREPLICA_H
#define AGENCY_DBREPLICA_H

#include <msgpack.h>

#include "op.h"

/* Runs ctx->op's handler (worker thread, inside the request's primary transaction, after the
   session check) and fills ctx->served: on this worker's standby connection when the operation
   is OPF_REPLICA, a standby is configured and fit, else on ctx->db. ctx->db is the primary
   connection again on return. A standby lost during the handler reruns it on the primary, with
   result (the handler's packed answer) cleared first. connect opens a connection to the standby
   with the pool's session settings (NULL with err on failure). Returns the handler's status. */
typedef PGconn *dbreplica_connect_fn(const char *conninfo, char *err, size_t errlen);
int dbreplica_run_handler(struct op_ctx *ctx, msgpack_sbuffer *result,
                          dbreplica_connect_fn *connect);

/* Closes this worker thread's standby connection (at the worker's exit). */
void dbreplica_close(void);

#endif
