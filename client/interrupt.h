/* interrupt.h - Ctrl-C at the terminal: the SIGINT handler only sets a flag; the main loop,
   the prompts, the connection's waits and long commands (--all, \watch) read it and stop. */
#ifndef AGENCY_INTERRUPT_H
#define AGENCY_INTERRUPT_H

#include <signal.h>
#include <stdbool.h>

/* The handler: sets the flag. */
void interrupt_handle(int sig);
/* Installs the handler (without SA_RESTART, so a blocking read or poll returns EINTR). */
void interrupt_install(void);
/* True once Ctrl-C was pressed since the last interrupt_clear. */
bool interrupt_pending(void);
void interrupt_clear(void);
/* The flag itself, for the connection's waits (conn_opts.cancel). */
const volatile sig_atomic_t *interrupt_flag(void);
/* Sleeps ms milliseconds; true when Ctrl-C ended it early. */
bool interrupt_sleep(int ms);

#endif
