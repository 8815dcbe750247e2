/* Logging: one key=value line per event to a stream (stderr by default), with levels.
   Lines read `ts=2026-11-22T07:00:00.123Z level=info event=... key=value ...`. Never log secrets.
 */
#ifndef AGENCY_LOG_H
#define AGENCY_LOG_H

#include <stddef.h>
#include <stdio.h>

enum log_level { LOG_LEVEL_DEBUG = 0, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

/* Sets the minimum level and the output stream (NULL = stderr). Thread-safe to call at start-up;
   the level may be changed later with log_set_level. */
void log_init(enum log_level level, FILE *stream);
void log_set_level(enum log_level level);
/* Current minimum level (cheap; the macros test it before formatting anything). */
enum log_level log_get_level(void);
/* Parses "debug", "info", "warn"/"warning", "error"; 0 ok, -1 unknown name (*out untouched). */
int log_level_from_name(const char *name, enum log_level *out);
const char *log_level_name(enum log_level level);

/* Writes one line: the timestamp and level, then `fmt` (which should start with "event=...").
   The whole line is written with one locked write, so threads do not interleave. */
void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Quotes `value` for a key=value line into buf (size buflen, always NUL-terminated): returned as is
   when it has no space, quote, '=' or control character, otherwise in double quotes with \" \\ and
   \xNN escapes; truncated (ending in "...") when too long. Returns buf. */
const char *log_quote(char *buf, size_t buflen, const char *value);

#define log_at(lvl, ...)                                                                           \
    do {                                                                                           \
        if ((lvl) >= log_get_level())                                                              \
            log_write((lvl), __VA_ARGS__);                                                         \
    } while (0)
#define log_debug(...) log_at(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...)  log_at(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...)  log_at(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_at(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
