/*
 * areas.c - the areas of the operation table, one row each, in the order the table and
 * meta.operations list them. Adding an area: its file in server/ops/ declares
 * OP_AREA(ops_x, "x", rows) beside its handlers, and one line here names it.
 */
#include "op.h"

extern const struct op_area ops_session, ops_staff, ops_clients, ops_contacts, ops_activity,
    ops_agenda, ops_work, ops_issues, ops_reports, ops_audit, ops_server, ops_activity_report;

const struct op_area *const op_areas[] = {
    &ops_session, &ops_staff,  &ops_clients, &ops_contacts, &ops_activity, &ops_agenda,
    &ops_work,    &ops_issues, &ops_reports, &ops_audit,    &ops_server,   &ops_activity_report,
};

const unsigned op_areas_len = sizeof op_areas / sizeof op_areas[0];
