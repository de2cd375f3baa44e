/* Patterns from the model, searched with PCRE2.
 *
 * AWS models write ECMAScript/Java-flavoured regular expressions that are not
 * implicitly anchored: the value must contain a match. PCRE2 runs them in UTF mode without
 * PCRE2_UCP, so \d \w \s \b stay ASCII as in ECMAScript while \p{L} and friends still see
 * Unicode properties. Before compiling, a few Java spellings PCRE2 does not know are
 * rewritten (see translate_pattern). Each pattern compiles once per process, under a lock,
 * on first use; one that PCRE2 cannot compile is recorded as such and not enforced, since
 * refusing every request over a model quirk would be worse than skipping one check. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/acg_buf.h"
#include "common/acg_pattern.h"
#include "common/acg_text.h"

static pthread_mutex_t pattern_lock = PTHREAD_MUTEX_INITIALIZER;

static long u_escape(const char *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = acg_hex_digit(s[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Java's POSIX-style property names, ASCII-only in Java as [:name:] is in PCRE2 without
 * UCP. */
static const struct {
    const char *java;
    const char *posix;
} posix_names[] = {
    {"Alnum", "alnum"}, {"Alpha", "alpha"}, {"Blank", "blank"}, {"Cntrl", "cntrl"},
    {"Digit", "digit"}, {"Graph", "graph"}, {"Lower", "lower"}, {"Print", "print"},
    {"Punct", "punct"}, {"Space", "space"}, {"Upper", "upper"}, {"XDigit", "xdigit"},
};

static bool is_class_escape(char e)
{
    return strchr("dDwWsShHvV", e) != NULL;
}

/* Emits the PCRE2 form of the Java property \p{name} (or \P{name} when neg); false when
 * PCRE2 knows the name itself or there is no translation. */
static bool java_property(struct acg_buf *out, const char *name, size_t len, bool neg,
                          bool in_class, int *rc)
{
    const char *set = NULL;       /* class body */
    if (len == 5 && memcmp(name, "ASCII", 5) == 0)
        set = "\\x00-\\x7F";
    else if (len == 2 && memcmp(name, "L1", 2) == 0)
        set = "\\x00-\\xFF";
    else if (len == 2 && memcmp(name, "LD", 2) == 0)
        set = "\\p{L}\\p{Nd}"; /* Java: letters and decimal digits */
    if (set != NULL) {
        if (in_class && neg)
            return false; /* a negated set inside a class has no PCRE2 spelling */
        *rc = acg_buf_printf(out, "%s%s%s", in_class ? "" : (neg ? "[^" : "["), set,
                             in_class ? "" : "]");
        return true;
    }
    for (size_t k = 0; k < sizeof posix_names / sizeof posix_names[0]; k++) {
        if (strlen(posix_names[k].java) == len && memcmp(name, posix_names[k].java, len) == 0) {
            *rc = acg_buf_printf(out, "%s[:%s%s:]%s", in_class ? "" : "[", neg ? "^" : "",
                                 posix_names[k].posix, in_class ? "" : "]");
            return true;
        }
    }
    return false;
}

/* Rewrites the spellings PCRE2 reads differently from the Java/ECMAScript engines AWS
 * models are written for (every change was needed by some installed botocore model):
 *   \uHHHH       -> \x{HHHH}; a UTF-16 surrogate pair becomes the one code point it
 *                   encodes (models write [\uD800\uDC00-\uDBFF\uDFFF] for U+10000 to
 *                   U+10FFFF). A lone surrogate can never occur in valid UTF-8 text; it
 *                   becomes U+FFFD so the class stays well-formed.
 *   \p{ASCII} \p{L1} \p{LD} \p{Alpha} ... -> PCRE2 sets (Java's names).
 *   [\w-_]       -> [\w\-_]: Java and ECMAScript read a '-' after a class escape as a
 *                   literal; PCRE2 calls it a bad range.
 *   x{1,100000}  -> x{1,}: PCRE2 caps counted repeats at 65535; the length constraint
 *                   that comes with such patterns still bounds the value.
 *   ${1,128}     -> (?:$){1,128}: Java accepts a quantified anchor, PCRE2 wants a group.
 * Everything else is copied. Returns ACG_OK or NOMEM. */
/* The translation's position in the Java pattern and what it is inside of. */
struct translation {
    const char *src;
    size_t i, n;
    bool in_class;
    bool after_class_escape; /* inside a class, right after \d, \p{..} etc. */
    struct acg_buf *out;
};

/* A Java \u escape of four hex digits, in PCRE2's code point form: \u00e9 becomes \x{E9}, the
 * pair \ud83d\ude00 one \x{1F600}, and a lone surrogate U+FFFD. */
static int translate_u_escape(struct translation *t)
{
    const char *src = t->src;
    size_t i = t->i;
    long cp = u_escape(src + i + 2);
    size_t used = 6;
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 12 <= t->n && src[i + 6] == '\\' &&
        src[i + 7] == 'u') {
        long lo = u_escape(src + i + 8);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            used = 12;
        }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        cp = 0xFFFD;
    t->i += used;
    return acg_buf_printf(t->out, "\\x{%lX}", (unsigned long)cp);
}

/* A backslash and what follows it. */
static int translate_escape(struct translation *t)
{
    const char *src = t->src;
    size_t i = t->i, n = t->n;
    char e = src[i + 1];
    if (e == 'u' && i + 6 <= n && u_escape(src + i + 2) >= 0)
        return translate_u_escape(t);
    if ((e == 'p' || e == 'P') && i + 2 < n && src[i + 2] == '{') {
        const char *close = strchr(src + i + 3, '}');
        if (close != NULL) {
            size_t len = (size_t)(close - (src + i + 3));
            int rc = ACG_OK;
            if (java_property(t->out, src + i + 3, len, e == 'P', t->in_class, &rc))
                ACG_TRY(rc);
            else
                ACG_TRY(acg_buf_append(t->out, src + i, len + 4));
            t->i += len + 4;
            t->after_class_escape = t->in_class;
            return ACG_OK;
        }
    }
    t->i += 2;
    t->after_class_escape = t->in_class && is_class_escape(e);
    return acg_buf_append(t->out, src + i, 2);
}

/* One character inside [...]: a '-' right after a class escape is a literal in Java. */
static int translate_class_char(struct translation *t, bool was_class_escape)
{
    char c = t->src[t->i];
    if (c == ']') {
        t->in_class = false;
    } else if (c == '-' && was_class_escape && t->i + 1 < t->n && t->src[t->i + 1] != ']') {
        t->i++;
        return acg_buf_append_str(t->out, "\\-");
    }
    t->i++;
    return acg_buf_append_char(t->out, c);
}

static int translate_class_open(struct translation *t)
{
    t->in_class = true;
    ACG_TRY(acg_buf_append_char(t->out, '['));
    t->i++;
    /* A ']' right after '[' or '[^' is a literal in PCRE2 (and Java). */
    if (t->i < t->n && t->src[t->i] == '^') {
        ACG_TRY(acg_buf_append_char(t->out, '^'));
        t->i++;
    }
    if (t->i < t->n && t->src[t->i] == ']') {
        ACG_TRY(acg_buf_append_str(t->out, "\\]"));
        t->i++;
    }
    return ACG_OK;
}

/* {m,n} with n past PCRE2's limit loses its upper bound; false when there is none such. */
static bool translate_big_repeat(struct translation *t, int *rc)
{
    const char *src = t->src;
    char *end = NULL;
    unsigned long lo = strtoul(src + t->i + 1, &end, 10);
    if (end == src + t->i + 1 || *end != ',' || end[1] < '0' || end[1] > '9')
        return false;
    char *end2 = NULL;
    unsigned long hi = strtoul(end + 1, &end2, 10);
    if (*end2 != '}' || hi <= 65535 || lo > 65535)
        return false;
    *rc = acg_buf_printf(t->out, "{%lu,}", lo);
    t->i = (size_t)(end2 + 1 - src);
    return true;
}

static int translate_pattern(const char *src, struct acg_buf *out)
{
    struct translation t = { .src = src, .n = strlen(src), .out = out };
    while (t.i < t.n) {
        char c = src[t.i];
        bool was_class_escape = t.after_class_escape;
        t.after_class_escape = false;
        int rc = ACG_OK;
        if (c == '\\' && t.i + 1 < t.n) {
            ACG_TRY(translate_escape(&t));
        } else if (t.in_class) {
            ACG_TRY(translate_class_char(&t, was_class_escape));
        } else if (c == '[') {
            ACG_TRY(translate_class_open(&t));
        } else if ((c == '$' || c == '^') && t.i + 1 < t.n && strchr("{*+?", src[t.i + 1]) != NULL) {
            ACG_TRY(acg_buf_printf(out, "(?:%c)", c));
            t.i++;
        } else if (c == '{' && translate_big_repeat(&t, &rc)) {
            ACG_TRY(rc);
        } else {
            ACG_TRY(acg_buf_append_char(out, c));
            t.i++;
        }
    }
    if (out->data == NULL)
        ACG_TRY(acg_buf_append(out, "", 0));
    return ACG_OK;
}

/* The interpreter needs no set-up, and PCRE2's JIT compiler takes a few hundred
 * microseconds and an executable mapping per pattern: more than a one-shot command spends
 * matching. So a pattern is JIT-compiled only once it has run JIT_AFTER_USES searches, or
 * is asked to search a value of JIT_LONG_SUBJECT bytes or more, where the JIT's several
 * times faster matching pays for it at once. */
#define JIT_AFTER_USES 64
#define JIT_LONG_SUBJECT 4096

#if defined(__GNUC__) || defined(__clang__)
#define LOAD_ACQUIRE(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE_RELEASE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define COUNT_USE(x) __atomic_add_fetch(&(x), 1u, __ATOMIC_RELAXED)
#else   /* without atomics every look goes through the lock */
#define LOAD_ACQUIRE(x) 0
#define STORE_RELEASE(x, v) ((x) = (v))
#define COUNT_USE(x) 0u
#endif

static pcre2_code *compile_source(const char *source)
{
    struct acg_buf src;
    pcre2_code *code = NULL;
    acg_buf_init(&src, 0);
    if (source != NULL && translate_pattern(source, &src) == ACG_OK) {
        int errcode = 0;
        PCRE2_SIZE erroff = 0;
        pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
        if (cc != NULL) {
            /* ECMAScript's '.' stops at CR and LF; its '$' is the end of the text. */
            pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF);
            code = pcre2_compile((PCRE2_SPTR)src.data, src.len,
                                 PCRE2_UTF | PCRE2_DOLLAR_ENDONLY, &errcode, &erroff, cc);
            pcre2_compile_context_free(cc);
        }
    }
    acg_buf_free(&src);
    return code;
}

/* Compiles the pattern once; returns the code or NULL when it is not enforced. The
 * acquire/release pair makes the unlocked fast path safe: a thread that sees state 1 also
 * sees the compiled pointer. */
static pcre2_code *pattern_code(struct acg_pattern *p)
{
    int state = LOAD_ACQUIRE(p->state);
    if (state > 0)
        return p->compiled;
    if (state < 0)
        return NULL;
    pthread_mutex_lock(&pattern_lock);
    if (p->state == 0) {
        p->compiled = compile_source(p->source);
        STORE_RELEASE(p->state, p->compiled != NULL ? 1 : -1);
    }
    pcre2_code *code = p->state > 0 ? p->compiled : NULL;
    pthread_mutex_unlock(&pattern_lock);
    return code;
}

/* JIT-compiles a copy of the code, once, and publishes it. A copy, because the original
 * may be matching in other threads meanwhile; both live until acg_pattern_release. A
 * pattern the JIT cannot take (or a system that refuses executable memory) keeps
 * the interpreter. */
static void make_jit(struct acg_pattern *p)
{
    pthread_mutex_lock(&pattern_lock);
    if (p->state == 1) {
        pcre2_code *copy = pcre2_code_copy(p->compiled);
        if (copy != NULL && pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE) != 0) {
            pcre2_code_free(copy);
            copy = NULL;
        }
        STORE_RELEASE(p->jit, (void *)copy);
        STORE_RELEASE(p->state, 2);
    }
    pthread_mutex_unlock(&pattern_lock);
}

/* The code to search len bytes with: the JIT copy when there is one. */
static pcre2_code *search_code(struct acg_pattern *p, size_t len)
{
    pcre2_code *code = pattern_code(p);
    if (code == NULL)
        return NULL;
    if (LOAD_ACQUIRE(p->state) == 1 &&
        (len >= JIT_LONG_SUBJECT || COUNT_USE(p->uses) == JIT_AFTER_USES))
        make_jit(p);
    void *jit = LOAD_ACQUIRE(p->jit);
    return jit != NULL ? jit : code;
}

void acg_pattern_release(struct acg_pattern *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&pattern_lock);
    pcre2_code_free(p->compiled);
    pcre2_code_free(p->jit);
    p->compiled = NULL;
    p->jit = NULL;
    p->state = 0;
    p->uses = 0;
    pthread_mutex_unlock(&pattern_lock);
}

/* 1 match, 0 no match, -1 not enforced (did not compile, or the engine gave up). */
int acg_pattern_search(struct acg_pattern *p, const char *s, size_t len)
{
    pcre2_code *code = search_code(p, len);
    if (code == NULL)
        return -1;
    /* Match data per call keeps concurrent validations independent. */
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    if (md == NULL)
        return -1;
    int rc = pcre2_match(code, (PCRE2_SPTR)s, len, 0, PCRE2_NO_UTF_CHECK, md, NULL);
    pcre2_match_data_free(md);
    if (rc >= 0)
        return 1;
    return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}
