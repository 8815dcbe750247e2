/* Opening a listening TCP socket on an IP address and port. */
#ifndef AGENCY_LISTEN_H
#define AGENCY_LISTEN_H

#include <stddef.h>
#include <stdint.h>

/* Opens a non-blocking, close-on-exec listening socket on addr:port (addr an IPv4 or IPv6
   address) with the given backlog. fd, or -1 with err. */
int listen_open(const char *addr, int64_t port, int backlog, char *err, size_t errlen);

#endif
