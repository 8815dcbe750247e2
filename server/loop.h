/* agencyd's I/O thread: one epoll loop over the listener, the connections, the workers'
   eventfd and a signalfd; timers, the audit-seal janitor and draining on SIGTERM/SIGINT. */
#ifndef AGENCY_LOOP_H
#define AGENCY_LOOP_H

#include <stddef.h>

#include "config.h"

/* Opens the non-blocking listening socket on cfg->listen:cfg->port. fd, or -1 with err. */
int loop_listen(const struct config *cfg, char *err, size_t errlen);
/* Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (call before starting any thread, so
   that only the loop's signalfd sees them) and ignores SIGPIPE. 0 or -1. */
int loop_block_signals(void);
/* What SIGHUP does: re-read the configuration and reload the certificate (set by main; without
   it SIGHUP reloads the certificate from the current configuration). */
void loop_set_reload(void (*reload)(void));
/* Runs the loop until a drain completes; takes ownership of listen_fd. Returns the process
   exit status (0 after a clean drain). */
int loop_run(const struct config *cfg, int listen_fd);

#endif
