/* login.h - connecting and logging in at start-up: user name and password from the settings,
   the password file or the terminal; a forced password change; the operation catalogue. */
#ifndef AGENCY_LOGIN_H
#define AGENCY_LOGIN_H

#include "app.h"

/* Connects (a->conn must exist), logs in and loads the catalogue. Returns CMD_OK or
   CMD_CONN (message printed). */
enum cmd_status login_run(struct app *a);

#endif
