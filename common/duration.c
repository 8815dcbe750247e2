/* Durations with s/m/h suffixes for configuration files and flags. */
#include "duration.h"

#include <stdio.h>

#define DURATION_MAX (10LL * 366 * 24 * 3600)

int duration_parse(const char *s, int64_t *seconds)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    int64_t v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > DURATION_MAX)
            return -1;
    }
    int64_t mul = 1;
    if (*p == 's')
        p++;
    else if (*p == 'm')
        mul = 60, p++;
    else if (*p == 'h')
        mul = 3600, p++;
    if (*p != '\0' || v * mul > DURATION_MAX)
        return -1;
    *seconds = v * mul;
    return 0;
}

const char *duration_format(int64_t seconds, char *buf, unsigned buflen)
{
    if (seconds != 0 && seconds % 3600 == 0)
        snprintf(buf, buflen, "%lldh", (long long)(seconds / 3600));
    else if (seconds != 0 && seconds % 60 == 0)
        snprintf(buf, buflen, "%lldm", (long long)(seconds / 60));
    else
        snprintf(buf, buflen, "%llds", (long long)seconds);
    return buf;
}
