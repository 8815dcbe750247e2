/* status.h - what a command did; the numbers are the process exit codes. */
#ifndef AGENCY_STATUS_H
#define AGENCY_STATUS_H

enum cmd_status {
    CMD_OK = 0,
    CMD_FAILED = 1, /* the operation answered an error */
    CMD_USAGE = 2,  /* the command was wrong */
    CMD_CONN = 3,   /* connection or authentication */
    CMD_QUIT = 4    /* quit/exit/logout: leave with status 0 */
};

#endif
