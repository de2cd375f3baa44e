"""Writes the table fuzz_deserialize.c uses: one round-trip function per top-level shape
of the generated Personalize header (every *_from_json it declares)."""
import re
import sys

header = open(sys.argv[1]).read()
names = sorted(set(re.findall(r"int personalize_(\w+)_from_json\(", header)))
out = []
for n in names:
    out += [f"static int rt_{n}(const char *json, size_t len)", "{",
            f"    struct personalize_{n} v;", "    struct acg_buf b;", "    acg_buf_init(&b, 0);",
            f"    int rc = personalize_{n}_from_json(json, len, &v, NULL);",
            "    if (rc == ACG_OK)",
            f"        rc = personalize_{n}_to_json(&v, ACG_JSON_DISPLAY, &b, NULL);",
            f"    personalize_{n}_free(&v);", "    acg_buf_free(&b);", "    return rc;", "}", ""]
out.append("static int (*const shape_table[])(const char *, size_t) = {")
out += [f"    rt_{n}," for n in names]
out.append("};")
print("\n".join(out))
