/*
 * optable.c - THE operation table: the rows every area of server/ops/ declares, concatenated
 * in the order of op_areas (server/ops/areas.c) into one table with one lookup by name. The
 * dispatcher checks each row's roles, flags and argument schema before any handler runs, and
 * meta.operations lists the rows a caller may use.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "op.h"

/* Most rows of the table, and the slots of its name index (a power of two, over twice that). */
#define OP_TABLE_MAX   512
#define OP_INDEX_SLOTS 1024

static struct op table_rows[OP_TABLE_MAX];
static uint16_t table_index[OP_INDEX_SLOTS]; /* 1 + row number; 0 = empty slot */
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

const struct op *op_table = table_rows;
unsigned op_table_len;

static const char *const role_names[] = {"ae", "manager", "director", "finance"};

const char *role_name(unsigned role)
{
    for (unsigned i = 0; i < 4; i++) {
        if (role == (1u << i))
            return role_names[i];
    }
    return NULL;
}

unsigned role_from_name(const char *s)
{
    for (unsigned i = 0; s && i < 4; i++) {
        if (strcmp(s, role_names[i]) == 0)
            return 1u << i;
    }
    return 0;
}

/* FNV-1a of name[0..len). */
static uint32_t name_hash(const char *name, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)name[i]) * 16777619u;
    return h;
}

static bool same_name(const struct op *op, const char *name, size_t len)
{
    return strnlen(op->name, len + 1) == len && memcmp(op->name, name, len) == 0;
}

/* A table that cannot be built is a broken build: say why and stop. */
static void table_broken(const char *why, const char *name)
{
    log_error("event=op_table_broken reason=\"%s\" op=%s", why, name);
    fprintf(stderr, "agencyd: the operation table is broken: %s (%s)\n", why, name);
    abort();
}

static void table_build(void)
{
    for (unsigned a = 0; a < op_areas_len; a++) {
        const struct op_area *area = op_areas[a];
        for (unsigned i = 0; i < area->nrows; i++) {
            const struct op *row = &area->rows[i];
            if (op_table_len == OP_TABLE_MAX)
                table_broken("more rows than OP_TABLE_MAX", row->name);
            if (!row->handler && !(row->flags & OPF_LOOP))
                table_broken("a row without a handler", row->name);
            size_t len = strlen(row->name);
            uint32_t slot = name_hash(row->name, len) & (OP_INDEX_SLOTS - 1);
            while (table_index[slot] != 0) {
                if (same_name(&table_rows[table_index[slot] - 1], row->name, len))
                    table_broken("two rows with one name", row->name);
                slot = (slot + 1) & (OP_INDEX_SLOTS - 1);
            }
            table_rows[op_table_len] = *row;
            table_index[slot] = (uint16_t)(++op_table_len);
        }
    }
}

void op_table_init(void)
{
    pthread_once(&table_once, table_build);
}

const struct op *op_find(const char *name, size_t len)
{
    op_table_init();
    uint32_t slot = name_hash(name, len) & (OP_INDEX_SLOTS - 1);
    for (unsigned k; (k = table_index[slot]) != 0; slot = (slot + 1) & (OP_INDEX_SLOTS - 1)) {
        if (same_name(&table_rows[k - 1], name, len))
            return &table_rows[k - 1];
    }
    return NULL;
}
