"""Tiny harness for the Python-driven tests: named checks, a closing "N passed, M failed"."""
import sys
import traceback

_results = []


def case(name):
    """Decorator: registers a check function; it fails by raising."""
    def wrap(fn):
        _results.append((name, fn))
        return fn
    return wrap


def run(suite):
    passed = failed = 0
    for name, fn in _results:
        try:
            fn()
            passed += 1
        except Exception:  # a failing check, reported with its traceback
            failed += 1
            print(f"FAIL {suite}: {name}", file=sys.stderr)
            traceback.print_exc()
    print(f"{suite}: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
