/* session.c - password change, logout and the catalogue of one's own session. */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "prompt.h"

enum cmd_status session_load_meta(struct app *a)
{
    struct conn_reply r;
    char err[256];
    enum conn_status s = conn_call(a->conn, "meta.operations", NULL, 0, true, &r, err, sizeof(err));
    enum cmd_status st = app_call_status(a, s, &r, err);
    page_forget(a); /* its operation belongs to the catalogue being replaced */
    if (st == CMD_OK && meta_load(&a->meta, r.result) < 0) {
        app_errorf(a, "the server's operation list could not be read");
        st = CMD_CONN;
    }
    conn_reply_free(&r);
    return st;
}

/* Packs {old_password, new_password} and calls auth.password. */
static enum cmd_status send_password(struct app *a, const char *old, const char *new_pw)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    struct conn_reply r;
    char err[256];
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    proto_kv_str(&pk, "old_password", old);
    proto_kv_str(&pk, "new_password", new_pw);
    enum conn_status s =
        conn_call(a->conn, "auth.password", sb.data, sb.size, false, &r, err, sizeof(err));
    memset(sb.data, 0, sb.size);
    msgpack_sbuffer_destroy(&sb);
    enum cmd_status st = app_call_status(a, s, &r, err);
    conn_reply_free(&r);
    if (st == CMD_OK)
        printf("Password changed; your other sessions have ended.\n");
    return st;
}

enum cmd_status session_password(struct app *a, const char *old)
{
    char *cur = old ? strdup(old) : prompt_secret("Current password: ");
    enum cmd_status st = CMD_FAILED;
    if (!cur)
        return CMD_FAILED;
    for (int tries = 0; tries < 5; tries++) {
        char *p1 = prompt_secret("New password: ");
        char *p2 = p1 ? prompt_secret("Repeat new password: ") : NULL;
        if (!p1 || !p2) {
            prompt_wipe(p1);
            prompt_wipe(p2);
            break;
        }
        bool same = strcmp(p1, p2) == 0;
        size_t len = strlen(p1);
        prompt_wipe(p2);
        if (!same || len < 8) {
            printf(!same ? "  The two entries differ; try again.\n"
                         : "  Use at least 8 characters; try again.\n");
            prompt_wipe(p1);
            continue;
        }
        st = send_password(a, cur, p1);
        prompt_wipe(p1);
        break;
    }
    prompt_wipe(cur);
    return st;
}

enum cmd_status session_logout(struct app *a)
{
    struct conn_reply r;
    char err[256];
    enum conn_status s = conn_call(a->conn, "auth.logout", NULL, 0, true, &r, err, sizeof(err));
    enum cmd_status st = app_call_status(a, s, &r, err);
    conn_reply_free(&r);
    conn_forget_session(a->conn);
    return st == CMD_OK ? CMD_QUIT : st;
}
