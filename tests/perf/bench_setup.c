/*
 * bench_setup.c - agency-bench's set-up through the protocol: bench users created by a
 * director, each user's own clients, and the ids and names each user sees.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_LIST_LIMIT "#500"

/* Id of the item of {items: [...]} whose string field "name" equals name; 0 when absent. */
static uint64_t find_named_id(const msgpack_object *result, const char *name)
{
    const msgpack_object *items = NULL;
    if (proto_get_array(result, "items", &items, 0) != PG_OK)
        return 0;
    for (uint32_t i = 0; i < items->via.array.size; i++) {
        const msgpack_object *it = &items->via.array.ptr[i];
        const char *s = NULL;
        size_t n = 0;
        uint64_t id = 0;
        if (proto_get_str(it, "name", &s, &n, 0) == PG_OK && n == strlen(name) &&
            memcmp(s, name, n) == 0 && proto_get_u64(it, "id", &id, 1, UINT64_MAX) == PG_OK)
            return id;
    }
    return 0;
}

/* Calls a list operation and finds the id of the item called name; 0 (reason in err) if not. */
static uint64_t lookup_id(struct bench_conn *c, const char *method, const char *name, char *err,
                          size_t errlen)
{
    struct bench_answer a;
    if (bench_call(c, method, NULL, &a) != 0 || !a.ok) {
        snprintf(err, errlen, "%s: %s %s", method, a.code, a.message);
        return 0;
    }
    uint64_t id = find_named_id(a.result, name);
    if (id == 0)
        snprintf(err, errlen, "%s: no \"%s\"", method, name);
    return id;
}

/* Logs a new user in with its first password and sets the bench password (a created account
 * must change its password before anything else). 0, or -1 with a reason in err. */
static int first_password(const struct bench_target *t, const char *name, const char *initial,
                          const char *password, char *err, size_t errlen)
{
    struct bench_conn c;
    struct bench_answer a;
    int rc = -1;
    if (bench_session(&c, t, name, initial, NULL, NULL, err, errlen) != 0)
        goto out;
    const char *args[] = {"old_password", initial, "new_password", password, NULL};
    if (bench_call(&c, "auth.password", args, &a) != 0 || !a.ok) {
        snprintf(err, errlen, "auth.password as %s: %s %s", name, a.code, a.message);
        goto out;
    }
    rc = 0;
out:
    bench_close(&c);
    return rc;
}

int bench_setup_users(const struct bench_target *t, const char *admin_user,
                      const char *admin_password, unsigned n, const char *password, char *err,
                      size_t errlen)
{
    struct bench_conn c;
    struct bench_answer a;
    int rc = -1;
    if (bench_session(&c, t, admin_user, admin_password, NULL, NULL, err, errlen) != 0)
        goto out;
    uint64_t branch = lookup_id(&c, "branch.list", "Istanbul", err, errlen);
    uint64_t team = branch ? lookup_id(&c, "team.list", "Istanbul Brands", err, errlen) : 0;
    if (team == 0)
        goto out;
    char bid[32], tid[32];
    snprintf(bid, sizeof bid, "#%llu", (unsigned long long)branch);
    snprintf(tid, sizeof tid, "#%llu", (unsigned long long)team);
    char initial[200];
    snprintf(initial, sizeof initial, "%s-first", password);
    for (unsigned i = 1; i <= n; i++) {
        char name[32], full[48], email[64];
        snprintf(name, sizeof name, "bench.%04u", i);
        snprintf(full, sizeof full, "Bench User %04u", i);
        snprintf(email, sizeof email, "bench.%04u@example.com", i);
        const char *args[] = {"username", name,   "full_name", full,        "email",
                              email,      "role", "ae",        "branch_id", bid,
                              "team_id",  tid,    "password",  initial,     NULL};
        if (bench_call(&c, "user.create", args, &a) != 0) {
            snprintf(err, errlen, "user.create %s: %s %s", name, a.code, a.message);
            goto out;
        }
        bool taken = !a.ok && (strcmp(a.code, "duplicate") == 0 ||
                               (strcmp(a.code, "invalid") == 0 && strstr(a.message, "taken")));
        if (!a.ok && !taken) {
            snprintf(err, errlen, "user.create %s: %s %s", name, a.code, a.message);
            goto out;
        }
        if (a.ok && first_password(t, name, initial, password, err, errlen) != 0)
            goto out;
    }
    rc = 0;
out:
    bench_close(&c);
    return rc;
}

/* Copies the ids and names of client.list's first page into u. 0, or -1 (reason in err). */
static int read_clients(struct bench_conn *c, struct bench_user *u, char *err, size_t errlen)
{
    struct bench_answer a;
    const char *args[] = {"limit", BENCH_LIST_LIMIT, NULL};
    if (bench_call(c, "client.list", args, &a) != 0 || !a.ok) {
        snprintf(err, errlen, "client.list as %s: %s %s", u->name, a.code, a.message);
        return -1;
    }
    const msgpack_object *items = NULL;
    if (proto_get_array(a.result, "items", &items, 0) != PG_OK) {
        snprintf(err, errlen, "client.list as %s: no items", u->name);
        return -1;
    }
    bench_user_free(u);
    uint32_t n = items->via.array.size;
    u->client_ids = calloc(n ? n : 1, sizeof *u->client_ids);
    u->client_names = calloc(n ? n : 1, sizeof *u->client_names);
    if (u->client_ids == NULL || u->client_names == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        const msgpack_object *it = &items->via.array.ptr[i];
        const char *s = NULL;
        size_t len = 0;
        uint64_t id = 0;
        if (proto_get_u64(it, "id", &id, 1, UINT64_MAX) != PG_OK ||
            proto_get_str(it, "name", &s, &len, 0) != PG_OK)
            continue;
        char *name = strndup(s, len);
        if (name == NULL)
            continue;
        u->client_ids[u->n_clients] = id;
        u->client_names[u->n_clients++] = name;
    }
    return 0;
}

int bench_prepare_user(const struct bench_target *t, struct bench_user *u, unsigned min_clients,
                       char *err, size_t errlen)
{
    struct bench_conn c;
    struct bench_answer a;
    int rc = -1;
    if (u->token[0] != '\0') { /* a session given by --tokens */
        if (bench_session(&c, t, NULL, NULL, u->token, NULL, err, errlen) != 0)
            goto out;
    } else if (bench_session(&c, t, u->name, u->password, NULL, u->token, err, errlen) != 0) {
        /* A bench user whose set-up stopped before its first password change. */
        char initial[200];
        snprintf(initial, sizeof initial, "%s-first", u->password);
        bench_close(&c);
        if (strncmp(u->name, "bench.", 6) != 0 ||
            first_password(t, u->name, initial, u->password, err, errlen) != 0 ||
            bench_session(&c, t, u->name, u->password, NULL, u->token, err, errlen) != 0)
            goto out;
    }
    if (read_clients(&c, u, err, errlen) != 0)
        goto out;
    if (u->n_clients < min_clients) {
        for (unsigned k = u->n_clients + 1; k <= min_clients; k++) {
            char name[128];
            snprintf(name, sizeof name, "Bench %s client %u", u->name, k);
            const char *args[] = {"name", name, "force", "true", NULL};
            if (bench_call(&c, "client.create", args, &a) != 0 || !a.ok) {
                snprintf(err, errlen, "client.create as %s: %s %s", u->name, a.code, a.message);
                goto out;
            }
        }
        if (read_clients(&c, u, err, errlen) != 0)
            goto out;
    }
    rc = 0;
out:
    bench_close(&c);
    return rc;
}

void bench_user_free(struct bench_user *u)
{
    for (uint32_t i = 0; i < u->n_clients; i++)
        free(u->client_names[i]);
    free(u->client_names);
    free(u->client_ids);
    u->client_names = NULL;
    u->client_ids = NULL;
    u->n_clients = 0;
}
