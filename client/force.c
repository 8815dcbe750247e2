/* force.c - duplicate candidates and the "Create anyway?" question. */
#include "force.h"

#include <stdio.h>
#include <string.h>

#include "prompt.h"
#include "show.h"

void force_print_candidates(const struct app *a, const msgpack_object *error)
{
    const msgpack_object *c = proto_map_get(error, "candidates");
    if (!c || c->type != MSGPACK_OBJECT_ARRAY || c->via.array.size == 0)
        return;
    force_show_candidates(a, c, "Similar clients already exist (you may not see all of them).");
}

void force_show_candidates(const struct app *a, const msgpack_object *c, const char *footer)
{
    struct render_table *t = render_table_new(4);
    struct show_opts o = {.format = RENDER_TABLE};
    if (!t)
        return;
    render_table_header(t, 0, "id");
    render_table_header(t, 1, "name");
    render_table_header(t, 2, "owner");
    render_table_header(t, 3, "similarity");
    for (uint32_t i = 0; i < c->via.array.size; i++) {
        const msgpack_object *it = &c->via.array.ptr[i];
        uint64_t pct = 0;
        char text[16];
        show_cell(t, it, "id", proto_map_get(it, "id"), &o);
        show_cell(t, it, "name", proto_map_get(it, "name"), &o);
        show_cell(t, it, "owner_name", proto_map_get(it, "owner_name"), &o);
        if (proto_get_u64(it, "similarity", &pct, 0, 100) == PG_OK) {
            snprintf(text, sizeof(text), "%llu%%", (unsigned long long)pct);
            render_table_add(t, RK_TEXT, text);
        } else {
            render_table_add(t, RK_NULL, NULL);
        }
    }
    render_table_footer(t, footer);
    struct app plain = *a;
    plain.set.format = RENDER_TABLE;
    plain.set.pager = false;
    show_table(&plain, t);
    render_table_free(t);
}

int force_offer(struct app *a, struct grammar_args *args, enum conn_status s, struct conn_reply *r)
{
    if (s != CONN_ERROR || r->code != PE_DUPLICATE || !meta_arg_find(args->op, "force") ||
        grammar_get(args, "force"))
        return 0;
    app_print_error(a, r);
    force_print_candidates(a, r->error);
    conn_reply_free(r);
    if (!a->interactive) {
        fprintf(stderr, "  (add --force to create it anyway)\n");
        return -1;
    }
    if (!prompt_yes("Create anyway?")) {
        printf("Nothing was created.\n");
        return -1;
    }
    grammar_set(args, "force", "true");
    return 1;
}
