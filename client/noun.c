/* noun.c - looking up the rows of the command files. */
#include "noun.h"

#include <string.h>

/* True when word is one of the blank-separated words of list. */
static bool in_list(const char *list, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, " ");
        if (n == wl && strncmp(p, word, n) == 0)
            return true;
        p += n + (p[n] == ' ');
    }
    return false;
}

const struct noun *noun_find(const struct noun *const *nouns, const char *name)
{
    for (size_t i = 0; nouns && nouns[i]; i++)
        if (strcmp(nouns[i]->name, name) == 0)
            return nouns[i];
    return NULL;
}

bool noun_alone(const struct noun *noun)
{
    return noun->verbs[0].op && !noun->verbs[0].words;
}

const struct noun_verb *noun_verb(const struct noun *noun, const char *word)
{
    if (noun_alone(noun))
        return word ? NULL : &noun->verbs[0];
    for (const struct noun_verb *v = noun->verbs; word && v->op; v++)
        if (in_list(v->words, word))
            return v;
    return NULL;
}

const struct noun_verb *noun_verb_of_op(const struct noun *const *nouns, const char *op)
{
    for (size_t i = 0; nouns && nouns[i]; i++)
        for (const struct noun_verb *v = nouns[i]->verbs; v->op; v++)
            if (strcmp(v->op, op) == 0)
                return v;
    return NULL;
}

bool noun_op_is_step(const struct noun *const *nouns, const char *op)
{
    for (size_t i = 0; nouns && nouns[i]; i++)
        for (const struct noun_verb *v = nouns[i]->verbs; v->op; v++)
            if (in_list(v->also, op))
                return true;
    return false;
}
