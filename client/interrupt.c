/* interrupt.c - the Ctrl-C flag. */
#include "interrupt.h"

#include <errno.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t pressed;

void interrupt_handle(int sig)
{
    (void)sig;
    pressed = 1;
}

void interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = interrupt_handle;
    sigaction(SIGINT, &sa, NULL);
}

bool interrupt_pending(void)
{
    return pressed != 0;
}

void interrupt_clear(void)
{
    pressed = 0;
}

const volatile sig_atomic_t *interrupt_flag(void)
{
    return &pressed;
}

bool interrupt_sleep(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (!pressed && nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    return pressed != 0;
}
