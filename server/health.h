/* The readiness endpoint a load balancer checks: plain HTTP/1.0 on server.health_port, answered
   by the I/O thread itself (so a stuck loop fails the check), 503 from the start of a drain. */
#ifndef AGENCY_HEALTH_H
#define AGENCY_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* epoll tokens of the endpoint: its listener and its few open checks (never connection ids,
   whose generation above bit 32 is at least 1). */
#define HEALTH_TOKEN_LISTEN 0xFFFFFFF3ull
#define HEALTH_TOKEN_BASE   0xFFFFFF00ull
#define HEALTH_MAX_CHECKS   16

/* Opens the endpoint on cfg->listen:cfg->health_port and adds it to epfd. 0 (also when
   health_port is 0: no endpoint), or -1 with err. */
int health_open(const struct config *cfg, int epfd, char *err, size_t errlen);
/* True when tok is one of the endpoint's epoll tokens. */
bool health_owns(uint64_t tok);
/* Handles an epoll event of one of the endpoint's tokens. */
void health_on_event(uint64_t tok, uint64_t now_ms);
/* From now on /ready answers 503 "draining". */
void health_set_draining(void);
/* Closes checks that did not send their request within a second (called on the loop's tick). */
void health_tick(uint64_t now_ms);
/* Closes the endpoint and its open checks. */
void health_close(void);

#endif
