/*
 * sweep.c - the database's periodic work: agency.sweep() (sql/026) runs every sweep the areas
 * registered in agency.sweeps whose interval has passed (SLA escalations, renewal reminders),
 * each at most once at a time across every agencyd on the database. A worker runs it between
 * requests, every server.sweep_interval.
 */
#include <stdlib.h>

#include "log.h"
#include "sqlapi.h"

static const char sql_sweep[] = "SELECT agency.sweep()";

long sweep_run(PGconn *db)
{
    PGresult *r = PQexec(db, sql_sweep);
    long n = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        n = atol(PQgetvalue(r, 0, 0));
    else
        log_warn("event=sweep_failed sqlstate=%s", PQresultErrorField(r, PG_DIAG_SQLSTATE)
                                                       ? PQresultErrorField(r, PG_DIAG_SQLSTATE)
                                                       : "-");
    PQclear(r);
    return n;
}
