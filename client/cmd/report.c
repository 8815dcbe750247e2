/* report.c - "report renewals [--within-days N]" and "report pipeline": the reports as tables,
   with a bar chart at the terminal (contracts per bucket; campaigns per stage); CSV is the
   table, JSON the answer as it came (with source and age_ms). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "nouns.h"

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

static const struct noun_verb report_verbs[] = {
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
