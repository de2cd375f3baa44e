"""make docs: Doxygen over the runtime's and the CLI's public headers and a freshly generated
Personalize header finishes without a warning, and the entry pages the README links exist
with the generated functions' parameters and the runtime's comments in them."""
import html
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pyharness import case, run  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
HTML = os.path.join(ROOT, BUILD, "docs", "html")


def text(page):
    with open(os.path.join(HTML, page), encoding="utf-8") as f:
        return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", f.read())))


@case("make docs runs Doxygen without a warning")
def _():
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    r = subprocess.run(["make", "-s", f"BUILD={BUILD}", "docs"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, (r.stdout[-3000:], r.stderr[-3000:])
    assert os.path.getsize(os.path.join(ROOT, BUILD, "docs", "warnings.log")) == 0


@case("the README's entry pages exist")
def _():
    readme = open(os.path.join(ROOT, "README.md")).read()
    pages = re.findall(r"\]\(build/docs/html/([^)]+)\)", readme)
    assert "index.html" in pages and "personalize_8h.html" in pages, pages
    for page in pages:
        assert os.path.isfile(os.path.join(HTML, page)), page


@case("a generated operation is documented with its parameters, ownership and return value")
def _():
    page = text("personalize_8h.html")
    i = page.find("personalize_describe_batch_inference_job ( struct acg_client")
    assert i >= 0, page[:500]
    doc = page[i:i + 1500]
    for want in ("Parameters", "client", "from personalize_client_new()",
                 "borrowed", "personalize_describe_batch_inference_job_response_free()",
                 "Returns", "ACG_ERR_VALIDATION"):
        assert want in doc, (want, doc)


@case("the runtime's plain comments reach the reference")
def _():
    page = text("acg__client_8h.html")
    assert "runs any operation from its descriptor" in page, page[:800]
    assert "Resolves region, credentials source and settings" in page


if __name__ == "__main__":
    run("tests/e2e/test_docs.py")
