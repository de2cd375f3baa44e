/* Patterns from AWS models: ECMAScript-style regular expressions (unanchored search, \d \w
 * \s \p{..}, look-around) run by PCRE2 in UTF mode. Each compiles once per process, on
 * first use, and stays compiled until released; a pattern searched often or over a long
 * value is also JIT-compiled then. */
#ifndef ACG_PATTERN_H
#define ACG_PATTERN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A pattern from the model, compiled on first use. Generated code defines one per distinct
 * pattern: static struct acg_pattern p = ACG_PATTERN_INIT("^arn:...$"); */
struct acg_pattern {
    const char *source;
    void *compiled;   /* pcre2_code *, set once under a lock */
    void *jit;        /* a JIT-compiled copy, made once the pattern has earned it */
    int state;        /* 0 not tried, 1 compiled, 2 compiled and JIT tried, -1 failed to
                       * compile (then not enforced) */
    unsigned uses;    /* searches run by the interpreter */
};
#define ACG_PATTERN_INIT(src) { (src), NULL, NULL, 0, 0 }

/* Frees a pattern's compiled code and returns it to the not-yet-compiled state. Only for
 * a pattern no other thread is using: tests, and programs that want a clean exit under a
 * leak checker. Generated code never calls it. */
void acg_pattern_release(struct acg_pattern *p);
/* Unanchored search of s (valid UTF-8, len bytes): 1 match, 0 no match, -1 the pattern
 * cannot be used. Compiles on first use. */
int acg_pattern_search(struct acg_pattern *p, const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif
