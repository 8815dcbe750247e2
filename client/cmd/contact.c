/* contact.c - the contact commands: add and list take the CLIENT first; edit reads the
   contact's version from its client's contact list (the server has no contact.get). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "nouns.h"

static const struct noun_flag contact_flags[] = {{"client", "client_id", NOUN_CLIENT},
                                                 {NULL, NULL, NOUN_AS_TYPED}};

/* The version of contact id among the contacts of client; CMD_OK with *version. */
static enum cmd_status contact_version(struct app *a, uint64_t client, uint64_t id,
                                       uint64_t *version)
{
    struct conn_reply r;
    enum cmd_status st = call_id(a, "contact.list", "client_id", client, 0, &r);
    const msgpack_object *items = st == CMD_OK ? proto_map_get(r.result, "items") : NULL;
    bool found = false;
    for (uint32_t i = 0; items && items->type == MSGPACK_OBJECT_ARRAY && i < items->via.array.size;
         i++) {
        uint64_t cid = 0;
        const msgpack_object *it = &items->via.array.ptr[i];
        if (proto_get_u64(it, "id", &cid, 1, UINT64_MAX) == PG_OK && cid == id)
            found = proto_get_u64(it, "version", version, 0, UINT64_MAX) == PG_OK;
    }
    conn_reply_free(&r);
    if (st == CMD_OK && !found) {
        app_errorf(a, "contact %llu is not among that client's contacts (not_found)",
                   (unsigned long long)id);
        st = CMD_FAILED;
    }
    return st;
}

/* Takes "--client-id N" out of c->v into *client. */
static void take_client(struct verb_call *c, uint64_t *client)
{
    for (size_t i = 0; i + 1 < c->n; i++)
        if (strcmp(c->v[i], "--client-id") == 0) {
            resolve_is_id(c->v[i + 1], client);
            free(c->v[i]);
            free(c->v[i + 1]);
            memmove(&c->v[i], &c->v[i + 2], (c->n - i - 2) * sizeof(char *));
            c->n -= 2;
            return;
        }
}

/* contact edit ID [--client CLIENT] --field value: the version is read from the contact list
   of its client (unless given with --version). */
static enum cmd_status contact_edit(struct verb_call *c)
{
    struct app *a = c->a;
    uint64_t id, client = 0, version;
    if (meta_find(&a->meta, "contact.get") || !meta_find(&a->meta, "contact.list")) {
        c->pass = true; /* the generic edit reads contact.get */
        return CMD_OK;
    }
    enum cmd_status st = verb_rewrite(c);
    if (st == CMD_OK)
        take_client(c, &client);
    if (st == CMD_OK && (c->npos < 1 || !resolve_is_id(c->pos[0], &id))) {
        app_errorf(a, "usage: contact edit ID --client CLIENT --FIELD VALUE ...");
        st = CMD_USAGE;
    }
    bool has_version = false;
    for (size_t i = 0; st == CMD_OK && i < c->n; i++)
        has_version |= strncmp(c->v[i], "--version", 9) == 0;
    if (st == CMD_OK && !has_version) {
        if (!client) {
            app_errorf(a, "contact edit needs the contact's client: --client CLIENT");
            st = CMD_USAGE;
        } else if ((st = contact_version(a, client, id, &version)) == CMD_OK &&
                   verb_push_id(c, "--version", version) < 0) {
            st = CMD_FAILED;
        }
    }
    return st == CMD_OK ? verb_finish(c) : st;
}

static const struct noun_verb contact_verbs[] = {
    {.words = "add create",
     .op = "contact.create",
     .flags = contact_flags,
     .pos = NOUN_POS_FIRST,
     .first = NOUN_CLIENT,
     .first_arg = "client_id",
     .usage = "contact add CLIENT NAME [--title T] [--phone P] [--email E] [--decision-maker]",
     .what = "Add a contact person to a client"},
    {.words = "list ls",
     .op = "contact.list",
     .flags = contact_flags,
     .pos = NOUN_POS_FIRST,
     .first = NOUN_CLIENT,
     .first_arg = "client_id",
     .usage = "contact list CLIENT",
     .what = "A client's contacts"},
    {.words = "edit update",
     .op = "contact.update",
     .flags = contact_flags,
     .run = contact_edit,
     .usage = "contact edit ID --client CLIENT --FIELD VALUE ...",
     .what = "Change a contact (its version is read from its client's contact list)"},
    {.words = "archive",
     .op = "contact.archive",
     .usage = "contact archive ID --reason TEXT",
     .what = "Archive a contact"},
    {.op = NULL},
};

const struct noun cmd_contact = {.name = "contact", .verbs = contact_verbs};
