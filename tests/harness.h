/* Minimal test harness: each test is a function returning 0 on success or the failing line.
 * main() runs the table and ends with "N passed, M failed". */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            return __LINE__;                                                     \
        }                                                                        \
    } while (0)

#define CHECK_STR(a, b)                                                          \
    do {                                                                         \
        const char *check_a_ = (a), *check_b_ = (b);                             \
        if (check_a_ == NULL || check_b_ == NULL || strcmp(check_a_, check_b_) != 0) { \
            fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__,     \
                    check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)"); \
            return __LINE__;                                                     \
        }                                                                        \
    } while (0)

struct test_case {
    const char *name;
    int (*fn)(void);
};

#define TEST(fn) { #fn, fn }

static inline int run_tests(const char *suite, const struct test_case *tests, size_t n)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        int line = tests[i].fn();
        if (line == 0) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "FAIL %s: %s (line %d)\n", suite, tests[i].name, line);
        }
    }
    printf("%s: %d passed, %d failed\n", suite, passed, failed);
    return failed ? 1 : 0;
}

#define RUN_TESTS(suite, table) run_tests(suite, table, sizeof(table) / sizeof((table)[0]))

#endif
