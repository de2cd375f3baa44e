/* C identifiers for model names. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/acg_buf.h"
#include "common/acg_names.h"
#include "names.h"

static bool low(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool up(char c)
{
    return c >= 'A' && c <= 'Z';
}

static const char *const c_keywords[] = {
    "alignas", "alignof", "asm", "auto", "bool", "break", "case", "char", "complex", "const",
    "continue", "default", "do", "double", "else", "enum", "extern", "false", "float", "for",
    "goto", "if", "imaginary", "inline", "int", "long", "noreturn", "register", "restrict",
    "return", "short", "signed", "sizeof", "static", "static_assert", "struct", "switch",
    "thread_local", "true", "typedef", "typeof", "union", "unsigned", "void", "volatile", "while",
    /* C++ keywords, so the headers stay usable from C++ */
    "class", "delete", "new", "operator", "private", "protected", "public", "template", "this",
    "throw", "try", "catch", "virtual", "namespace", "using", "friend", "mutable", "explicit",
    /* names that standard headers may define as macros */
    "errno", "assert", "offsetof", "null", "stdin", "stdout", "stderr", "unix", "linux",
};

bool names_is_c_keyword(const char *s)
{
    for (size_t i = 0; i < sizeof c_keywords / sizeof c_keywords[0]; i++) {
        if (strcmp(s, c_keywords[i]) == 0)
            return true;
    }
    return false;
}

char *names_c_ident(struct acg_arena *a, const char *name)
{
    char *snake = acg_xform_name(a, name, '_');
    if (snake == NULL)
        return NULL;
    size_t n = strlen(snake);
    char buf[1100];
    size_t o = 0;
    if (n + 8 > sizeof buf)
        return NULL;
    if (n == 0 || isdigit((unsigned char)snake[0]) || snake[0] == '_')
        o += (size_t)snprintf(buf, sizeof buf, "m_");
    for (size_t i = 0; i < n; i++) {
        char c = (char)tolower((unsigned char)snake[i]);
        bool ok = low(c) || (c >= '0' && c <= '9') || c == '_';
        /* collapse runs of '_' so no "__" ever appears (reserved in C++) */
        char w = ok ? c : '_';
        if (w == '_' && o > 0 && buf[o - 1] == '_')
            continue;
        buf[o++] = w;
    }
    while (o > 1 && buf[o - 1] == '_')
        o--;
    buf[o] = '\0';
    if (names_is_c_keyword(buf)) {
        buf[o++] = '_';
        buf[o] = '\0';
    }
    return acg_arena_strndup(a, buf, o);
}

char *names_upper(struct acg_arena *a, const char *snake)
{
    size_t n = strlen(snake);
    char *s = acg_arena_strndup(a, snake, n);
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        s[i] = low(c) ? (char)(c - 'a' + 'A') : ((c >= '0' && c <= '9') || up(c)) ? c : '_';
    }
    return s;
}

char *names_xform(struct acg_arena *a, const char *name, char sep)
{
    return acg_xform_name(a, name, sep);
}
