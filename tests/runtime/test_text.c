/* runtime/common/acg_text.c: the control-character check every value bound for a request
 * goes through, and the escaping of outside text for the terminal. */
#include <string.h>

#include "harness.h"
#include "common/acg_text.h"

/* A string literal and its length (embedded NULs included). */
#define L(s) s, sizeof(s) - 1

static int test_has_control(void)
{
    CHECK(!acg_has_control(L("AKIDEXAMPLE")));
    CHECK(!acg_has_control(L("caf\xc3\xa9 ~!@#$%^&*()")));
    CHECK(acg_has_control(L("tok\r\nX-Injected: yes")));
    CHECK(acg_has_control(L("a\nb")));
    CHECK(acg_has_control(L("a\tb")));
    CHECK(acg_has_control(L("a\x7f")));
    CHECK(acg_has_control(L("a\0b")));   /* a NUL inside the given length */
    CHECK(acg_has_control(L("\x1b[2J")));
    return 0;
}

/* The HTTP layers' test: TAB may appear in a field value (RFC 9110), nothing else may. */
static int test_header_safe(void)
{
    CHECK(acg_text_is_header_safe(L("AWS4-HMAC-SHA256 Credential=AKID/2015")));
    CHECK(acg_text_is_header_safe(L("a\tb")));
    CHECK(acg_text_is_header_safe(L("caf\xc3\xa9")));
    CHECK(!acg_text_is_header_safe(L("tok\r\nX-Injected: yes")));
    CHECK(!acg_text_is_header_safe(L("a\nb")));
    CHECK(!acg_text_is_header_safe(L("a\0b")));
    CHECK(!acg_text_is_header_safe(L("a\x7f")));
    CHECK(!acg_text_is_header_safe(L("a\x1b[2J")));
    return 0;
}

/* The message names the setting and the source, never the value. */
static int test_check_value(void)
{
    struct acg_error err;
    acg_error_init(&err);
    CHECK(acg_check_value(NULL, ACG_ERR_CONFIG, "x", "y", &err) == ACG_OK);
    CHECK(acg_check_value("fine", ACG_ERR_CONFIG, "x", "y", &err) == ACG_OK);
    CHECK(err.status == ACG_OK);
    CHECK(acg_check_value("SECRETtok\r\nX-Injected: yes", ACG_ERR_CONFIG, "AWS_SESSION_TOKEN",
                          "the environment", &err) == ACG_ERR_CONFIG);
    CHECK(err.status == ACG_ERR_CONFIG);
    CHECK(strstr(err.message, "AWS_SESSION_TOKEN from the environment contains a control") ==
          err.message);
    CHECK(strstr(err.message, "SECRET") == NULL && strstr(err.message, "Injected") == NULL);
    return 0;
}

static int escaped(const char *in, size_t len, unsigned flags, const char *want)
{
    struct acg_buf b;
    char fixed[256];
    acg_buf_init(&b, 0);
    CHECK(acg_escape_append(&b, in, len, flags) == ACG_OK);
    CHECK_STR(b.data != NULL ? b.data : "", want);
    acg_buf_free(&b);
    CHECK(acg_escape_copy(fixed, sizeof fixed, in, len, flags) == strlen(want));
    CHECK_STR(fixed, want);
    CHECK(acg_is_terminal_safe(in, len, flags) == (strlen(want) == len && memcmp(in, want, len) == 0));
    return 0;
}

/* C0, DEL and C1 (as UTF-8) become \xNN; invalid UTF-8 becomes U+FFFD; text stays. */
static int test_escape_line(void)
{
    CHECK(escaped(L("ResourceNotFoundException"), ACG_ESCAPE_LINE,
                  "ResourceNotFoundException") == 0);
    CHECK(escaped(L("\x1b]0;pwned\x07\x1b[2J"), ACG_ESCAPE_LINE,
                  "\\x1b]0;pwned\\x07\\x1b[2J") == 0);
    CHECK(escaped(L("a\rb\r\nc\td\x7f"), ACG_ESCAPE_LINE, "a\\x0db\\x0d\\x0ac\\x09d\\x7f") == 0);
    CHECK(escaped(L("\xc2\x9b" "31m \xc2\x85 \xc2\xa0 \xc2\x80"), ACG_ESCAPE_LINE,
                  "\\x9b31m \\x85 \xc2\xa0 \\x80") == 0);
    CHECK(escaped(L("caf\xc3\xa9 \xe1\x88\xb4 \xf0\x9f\x98\x80"), ACG_ESCAPE_LINE,
                  "caf\xc3\xa9 \xe1\x88\xb4 \xf0\x9f\x98\x80") == 0);
    CHECK(escaped(L("bad \xff \xc0\xaf \xed\xa0\x80 \xe1\x88"), ACG_ESCAPE_LINE,
                  "bad \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
                  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd") == 0);
    CHECK(escaped(L("nul\0end"), ACG_ESCAPE_LINE, "nul\\x00end") == 0);
    CHECK(escaped(L("back\\slash"), ACG_ESCAPE_LINE, "back\\slash") == 0);
    return 0;
}

static int test_escape_multiline_and_json(void)
{
    CHECK(escaped(L("one\ntwo\r\nthree\rfour\tfive\x1b"), ACG_ESCAPE_KEEP_NEWLINES,
                  "one\ntwo\r\nthree\\x0dfour\tfive\\x1b") == 0);
    CHECK(escaped(L("{\n  \"a\": \"x\xc2\x9b\x7f\xff\"\n}"), ACG_ESCAPE_JSON,
                  "{\n  \"a\": \"x\\u009b\\u007f\\ufffd\"\n}") == 0);
    return 0;
}

/* A fixed array is cut between whole units, never inside an escape or a character. */
static int test_escape_copy_cuts_whole_units(void)
{
    char out[8];
    CHECK(acg_escape_copy(out, sizeof out, L("ab\x1b" "cdef"), ACG_ESCAPE_LINE) == 7);
    CHECK_STR(out, "ab\\x1bc");
    CHECK(acg_escape_copy(out, sizeof out, L("abcde\xe1\x88\xb4"), ACG_ESCAPE_LINE) == 5);
    CHECK_STR(out, "abcde");
    CHECK(acg_escape_copy(out, 1, L("abc"), ACG_ESCAPE_LINE) == 0);
    CHECK_STR(out, "");
    return 0;
}

static const struct test_case tests[] = {
    TEST(test_has_control),
    TEST(test_header_safe),
    TEST(test_check_value),
    TEST(test_escape_line),
    TEST(test_escape_multiline_and_json),
    TEST(test_escape_copy_cuts_whole_units),
};

int main(void)
{
    return RUN_TESTS("text", tests);
}
