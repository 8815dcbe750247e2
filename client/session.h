/* session.h - the commands about one's own session: the password change dialogue, logout, and
   loading the operation catalogue after login. */
#ifndef AGENCY_SESSION_H
#define AGENCY_SESSION_H

#include "app.h"

/* The password change dialogue: asks the current password (unless old is given), the new one
   twice, and calls auth.password. */
enum cmd_status session_password(struct app *a, const char *old);

/* Ends the session on the server and forgets it: CMD_QUIT, or the error's status. */
enum cmd_status session_logout(struct app *a);

/* Fetches meta.operations into a->meta. */
enum cmd_status session_load_meta(struct app *a);

#endif
