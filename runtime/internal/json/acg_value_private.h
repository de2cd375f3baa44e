/* Helpers shared by the value tree, its writers and the JMESPath evaluator; not part of the
 * public contract. */
#ifndef ACG_VALUE_PRIVATE_H
#define ACG_VALUE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "json/acg_value.h"

/* The weight a string of len bytes adds (see acg_value.weight_). */
size_t acg_value_string_weight(size_t len);

/* An open-addressing index of member keys by position, for objects too large to search
 * linearly: duplicate keys while parsing, equality, merge. */
struct acg_key_index {
    size_t *slots; /* member positions, SIZE_MAX for an empty slot */
    size_t mask;
};

/* Room for about expected keys; ACG_ERR_NOMEM when malloc fails. */
int acg_key_index_init(struct acg_key_index *ix, size_t expected);
void acg_key_index_free(struct acg_key_index *ix);
/* Indexes members[i]; returns the position of an earlier member with the same key (and
 * then indexes nothing) or SIZE_MAX. */
size_t acg_key_index_put(struct acg_key_index *ix, const struct acg_value_member *members,
                         size_t i);
/* The position of key in members, or SIZE_MAX. */
size_t acg_key_index_find(const struct acg_key_index *ix, const struct acg_value_member *members,
                          const char *key, size_t len);

/* Removes repeated keys in place: each key keeps its first position and its last value. */
int acg_value_dedup_members(struct acg_value_member *members, size_t *count);

/* Deep equality; py selects Python's == (True == 1 inside containers), level the nesting
 * reached so far (1 at the top). */
bool acg_value_equal_mode(const struct acg_value *a, const struct acg_value *b, bool py,
                          unsigned level);
bool acg_value_objects_equal(const struct acg_value *a, const struct acg_value *b, bool py,
                             unsigned level);


#endif
