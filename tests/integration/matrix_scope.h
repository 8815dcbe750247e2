/* matrix_scope.h - the permission matrices' callers and scopes, shared by test_matrix*.c: who
   calls (one demo account per role), and for each caller whose record is "own", "team" and
   "other" (the owner of the target the cell is tried on). */
#ifndef AGENCY_MATRIX_SCOPE_H
#define AGENCY_MATRIX_SCOPE_H

/* Owners of targets. */
enum owner { OW_AE, OW_TEAMMATE, OW_MANAGER, OW_OTHER, OW_N };
enum caller { CA_AE, CA_MANAGER, CA_DIRECTOR, CA_FINANCE, CA_N };

static const char *const caller_roles[CA_N] = {"ae", "manager", "director", "finance"};
static const char *const scope_names[3] = {"own", "team", "other"};
/* The manager's own is hers, her team's is the AE's; for everyone else own is the AE's. */
static const enum owner scope_owner[CA_N][3] = {
    {OW_AE, OW_TEAMMATE, OW_OTHER},
    {OW_MANAGER, OW_AE, OW_OTHER},
    {OW_AE, OW_TEAMMATE, OW_OTHER},
    {OW_AE, OW_TEAMMATE, OW_OTHER},
};

#endif
