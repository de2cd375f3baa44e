#!/usr/bin/env python3
"""Doxygen input filter for the runtime's and the CLI's public headers, which keep plain
/* */ comments (STYLE.md): each comment becomes a Doxygen one for what follows it (or, after
code on its line, for that code), the file's first comment describes the file, and the
characters Doxygen reads as commands or markup are escaped. Lines keep their numbers.
    python3 scripts/doxygen_filter.py FILE > filtered"""
import os
import re
import sys

SPECIAL = re.compile(r"([\\@<>&#%$])")


def convert(text, name):
    out, i, first = [], 0, True
    while True:
        start = text.find("/*", i)
        if start < 0:
            out.append(text[i:])
            return "".join(out)
        end = text.find("*/", start + 2)
        if end < 0:
            out.append(text[i:])
            return "".join(out)
        line_start = text.rfind("\n", 0, start) + 1
        after_code = text[line_start:start].strip() != ""
        body = SPECIAL.sub(r"\\\1", text[start + 2:end])
        opener = "/**<" if after_code else "/**"
        closer = f" @file {name} */" if first and not after_code else "*/"
        first = False
        out.append(text[i:start] + opener + body + closer)
        i = end + 2


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        sys.stdout.write(convert(f.read(), os.path.basename(sys.argv[1])))
