/* report.c - "report activity" (what each person logged, a bar each), "report renewals
   [--within-days N]" and "report pipeline": the reports as tables,
   with a bar chart at the terminal (contracts per bucket; campaigns per stage); CSV is the
   table, JSON the answer as it came (with source and age_ms). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "nouns.h"
#include "since.h"

static const struct show_col renewals_cols[] = {
    {"ends_on", "ends", 1},      {"days_left", "days", 1},  {"number", "contract", 1},
    {"client", "client", 1},     {"owner", "owner", 2},     {"amount", "amount", 1},
    {"currency", "currency", 1}, {"renewal", "renewal", 2}, {"bucket", "within", 3}};

static const struct view_section renewals_sections[] = {
    {.title = "Contracts ending",
     .key = "items",
     .cols = renewals_cols,
     .ncols = CMD_LEN(renewals_cols),
     .count = true},
};

static const struct show_col pipeline_cols[] = {{"stage", "stage", 1},
                                                {"campaigns", "campaigns", 1},
                                                {"oldest_days", "oldest (days)", 1},
                                                {"budgets", "budgets", 2},
                                                {"ageing", "ageing", 3}};

static const struct view_section pipeline_sections[] = {
    {.title = "Open campaigns by stage",
     .key = "stages",
     .cols = pipeline_cols,
     .ncols = CMD_LEN(pipeline_cols)},
};

static const msgpack_object *field(const msgpack_object *o, const char *key)
{
    for (uint32_t i = 0; o && o->type == MSGPACK_OBJECT_MAP && i < o->via.map.size; i++) {
        const msgpack_object_kv *kv = &o->via.map.ptr[i];
        if (kv->key.type == MSGPACK_OBJECT_STR && kv->key.via.str.size == strlen(key) &&
            memcmp(kv->key.via.str.ptr, key, kv->key.via.str.size) == 0)
            return &kv->val;
    }
    return NULL;
}

static uint64_t field_u64(const msgpack_object *o, const char *key)
{
    const msgpack_object *v = field(o, key);
    return v && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? v->via.u64 : 0;
}

/* At the terminal only: one bar per entry of list (at most 16), labelled by its label_key
   (a string, or a number of days), as long as its value_key, with that number and unit. */
static void chart(const struct app *a, const msgpack_object *list, const char *label_key,
                  const char *value_key, const char *unit)
{
    if (a->set.format != RENDER_TABLE || !list || list->type != MSGPACK_OBJECT_ARRAY)
        return;
    enum { MAX_BARS = 16 };
    struct barchart_bar bars[MAX_BARS];
    char labels[MAX_BARS][48], notes[MAX_BARS][48];
    size_t n = 0;
    for (uint32_t i = 0; i < list->via.array.size && n < MAX_BARS; i++, n++) {
        const msgpack_object *e = &list->via.array.ptr[i], *l = field(e, label_key);
        if (l && l->type == MSGPACK_OBJECT_STR)
            snprintf(labels[n], sizeof labels[n], "%.*s", (int)l->via.str.size, l->via.str.ptr);
        else
            snprintf(labels[n], sizeof labels[n], "<= %llu days",
                     (unsigned long long)field_u64(e, label_key));
        uint64_t v = field_u64(e, value_key);
        snprintf(notes[n], sizeof notes[n], "%llu %s", (unsigned long long)v, unit);
        bars[n] = (struct barchart_bar){labels[n], v, notes[n]};
    }
    unsigned cols = 80, rows = 24;
    pager_term_size(&cols, &rows);
    barchart_print(stdout, bars, n, cols < 40 ? 80 : cols > 100 ? 100 : cols);
}

static enum cmd_status run_renewals(struct verb_call *c)
{
    struct conn_reply r;
    enum cmd_status st = call_words(c->a, c->op, c->in, c->nin, &r);
    if (st == CMD_OK) {
        chart(c->a, field(r.result, "buckets"), "within_days", "contracts", "contracts");
        st = view_lists(c->a, r.result, renewals_sections, CMD_LEN(renewals_sections));
    }
    conn_reply_free(&r);
    return st;
}

static enum cmd_status run_pipeline(struct verb_call *c)
{
    struct conn_reply r;
    enum cmd_status st = call_words(c->a, c->op, c->in, c->nin, &r);
    if (st == CMD_OK) {
        chart(c->a, field(r.result, "stages"), "stage", "campaigns", "campaigns");
        st = view_lists(c->a, r.result, pipeline_sections, CMD_LEN(pipeline_sections));
    }
    conn_reply_free(&r);
    return st;
}

/* ---- report activity (sql/032) ---- */

static const struct noun_flag report_flags[] = {
    {"team", "team_id", NOUN_TEAM}, {"user", "user_id", NOUN_USER}, {NULL, NULL, NOUN_AS_TYPED}};

static const struct show_col report_cols[] = {{"user", "person", 1},
                                              {"team", NULL, 3},
                                              {"calls", NULL, 1},
                                              {"meetings", NULL, 1},
                                              {"visits", NULL, 1},
                                              {"emails", "e-mails", 1},
                                              {"notes", NULL, 2},
                                              {"followups_done", "done", 2},
                                              {"followups_overdue", "overdue", 2},
                                              {"clients_touched", "clients", 2},
                                              {"minutes_late", "late minutes", 2}};

/* Activities logged by one person of the report. */
static uint64_t item_total(const msgpack_object *item)
{
    static const char *const kinds[] = {"calls", "meetings", "visits", "emails", "notes"};
    uint64_t t = 0;
    for (size_t k = 0; k < CMD_LEN(kinds); k++)
        t += field_u64(item, kinds[k]);
    return t;
}

/* The activities per person as bars scaled to the busiest one (at most 64 people). */
static void activity_chart(const msgpack_object *items)
{
    enum { MAX_BARS = 64 };
    struct barchart_bar bars[MAX_BARS];
    char labels[MAX_BARS][128], notes[MAX_BARS][24];
    size_t n = 0;
    for (uint32_t i = 0; i < items->via.array.size && n < MAX_BARS; i++, n++) {
        const msgpack_object *it = &items->via.array.ptr[i];
        const msgpack_object *name = field(field(it, "user"), "full_name");
        if (name && name->type == MSGPACK_OBJECT_STR)
            snprintf(labels[n], sizeof labels[n], "%.*s", (int)name->via.str.size,
                     name->via.str.ptr);
        else
            labels[n][0] = '\0';
        uint64_t t = item_total(it);
        snprintf(notes[n], sizeof notes[n], "%llu", (unsigned long long)t);
        bars[n] = (struct barchart_bar){labels[n], t, notes[n]};
    }
    unsigned cols = 80, rows = 24;
    pager_term_size(&cols, &rows);
    printf("\nActivities per person\n");
    barchart_print(stdout, bars, n, cols < 40 ? 80 : cols > 100 ? 100 : cols);
}

/* report activity [--team TEAM] [--user USER] [--since 30d] [--until DATE]: until defaults to
   today; the table, then (in table format) a bar per person. */
static enum cmd_status run_report(struct verb_call *c)
{
    char *words[SINCE_WORDS_MAX], bufs[SINCE_WORDS_MAX][16];
    if (c->nin + 2 > SINCE_WORDS_MAX || !since_relative_back(c, words, bufs)) {
        app_errorf(c->a, "too many words");
        return CMD_USAGE;
    }
    bool has_until = false;
    for (size_t i = 0; i < c->nin; i++)
        has_until |= strcmp(c->in[i], "--until") == 0;
    if (!has_until) {
        words[c->nin] = "--until";
        words[c->nin + 1] = "today";
        c->nin += 2;
    }
    enum cmd_status st = verb_rewrite(c);
    if (st != CMD_OK)
        return st;
    struct conn_reply r;
    st = call_words(c->a, c->op, c->v, c->n, &r);
    if (st != CMD_OK)
        return st;
    const msgpack_object *items = view_items_of(r.result);
    struct show_opts o = show_opts_of(c->a);
    if (o.format == RENDER_JSON || !items) {
        st = show_result(c->a, r.result);
    } else {
        struct render_table *t = show_list(NULL, items, &o);
        st = t ? show_table(c->a, t) : CMD_FAILED;
        render_table_free(t);
        if (st == CMD_OK && o.format == RENDER_TABLE && items->via.array.size > 0)
            activity_chart(items);
    }
    conn_reply_free(&r);
    return st;
}

static const struct noun_verb report_verbs[] = {
    {.words = "activity",
     .op = "report.activity",
     .flags = report_flags,
     .run = run_report,
     .cols = report_cols,
     .ncols = CMD_LEN(report_cols),
     .usage = "report activity [--team TEAM] [--user USER] --since 30d [--until DATE]",
     .what = "What each person logged: calls, meetings, visits, e-mails, notes, follow-ups, "
             "clients, late minutes"},
    {.words = "renewals",
     .op = "report.renewals",
     .run = run_renewals,
     .usage = "report renewals [--within-days N]",
     .what = "Contracts ending within 30/60/90 days, owner, whether renewal has started"},
    {.words = "pipeline",
     .op = "report.pipeline",
     .run = run_pipeline,
     .usage = "report pipeline",
     .what = "Open campaigns by stage: count, budget per currency, ageing in stage"},
    {.op = NULL},
};

const struct noun cmd_report = {.name = "report", .verbs = report_verbs};
