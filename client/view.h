/* view.h - answers shown as more than one table: a record with the lists that belong to it (a
   client with its contacts and activities, an invoice with its lines and payments), and several
   titled lists of one answer (the agenda). */
#ifndef AGENCY_VIEW_H
#define AGENCY_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "app.h"
#include "render.h"
#include "show.h"

/* A titled list of a view. */
struct view_section {
    const char *title; /* "Contacts"; with count, " (N)" is added */
    const char *key;   /* its key in JSON and CSV; for view_lists, the field of the answer */
    const char *op;    /* view_record: the list operation called with {arg: the record's id} */
    const char *arg;   /* "client_id" */
    uint64_t limit;    /* items asked for; 0: the server's default */
    const struct show_col *cols;
    size_t ncols;
    bool count;
};

/* A record and the lists that belong to it. */
struct view_record {
    const char *get; /* the operation that reads the record {id} */
    const char *key; /* the record's key in the JSON object */
    const struct view_section *sections;
    size_t nsections;
};

/* The items array of a list answer ({items: [...]}, or the answer when it is an array); NULL
   when there is none. */
const msgpack_object *view_items_of(const msgpack_object *result);

/* Reads record id with v->get and each section whose operation the server offers; prints the
   record, then each section as a titled table (table format; CSV shows the record only), or
   one JSON object {key: record, section keys: items}. */
enum cmd_status view_record(struct app *a, const struct view_record *v, uint64_t id);

/* Prints the sections of one answer: titled tables, in CSV one table with a first "section"
   column (the section's key), in JSON the answer as it came. */
enum cmd_status view_lists(struct app *a, const msgpack_object *result,
                           const struct view_section *sections, size_t n);

#endif
