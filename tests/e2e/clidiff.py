"""Differential runs: the same command line through a generated program and through the
AWS CLI v1, compared byte for byte (stdout, stderr) with corresponding exit statuses.

The AWS CLI is not started as `aws`: each run forks this process, which imported awscli
once, and calls awscli.clidriver.main() in the child with the run's argv, environment and
files for stdout and stderr, which is what the `aws` script does after its imports. That
saves the second of imports per run, and runs go several at a time (run_many)."""
import os
import subprocess
import sys
import tempfile
import time

import awscli.clidriver
# Import what a run uses once, here, so that forked children find it loaded.
import awscli.customizations.paginate  # noqa: F401
import awscli.customizations.waiters  # noqa: F401
import awscli.formatter  # noqa: F401
import awscli.handlers  # noqa: F401
import awscli.table  # noqa: F401
import botocore.auth  # noqa: F401
import botocore.endpoint  # noqa: F401
import botocore.paginate  # noqa: F401
import botocore.parsers  # noqa: F401
import botocore.regions  # noqa: F401
import botocore.serialize  # noqa: F401
import botocore.waiter  # noqa: F401

AWSCLI_DATA = os.path.join(os.path.dirname(os.path.abspath(awscli.__file__)), "data")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2elib import BOTOCORE_DATA, BUILD, ROOT, TIMEOUT, client_env, program  # noqa: E402,F401

# Our exit statuses where the AWS CLI v1 has its own: argparse's usage errors are 2 there
# and 252 here; parameter validation (botocore's ParamValidationError) is 255 there and
# 252 here; service errors 255 there and 254 here (AWS CLI v2's conventions).
EXIT_USAGE, EXIT_SERVICE = 252, 254


class Result:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def __repr__(self):
        return f"rc={self.rc} stdout={self.out[:3000]!r} stderr={self.err[:2000]!r}"


class Job:
    """One command line for one side. env: the whole environment of the run."""

    def __init__(self, argv, env, ours=None):
        self.argv, self.env, self.ours = list(argv), env, ours
        self.pid = self.proc = self.files = self.result = None
        self.started = 0.0


def _child(job, out, err):
    """In the forked child: run the AWS CLI as bin/aws does, never return."""
    rc = 255
    try:
        os.environ.clear()
        os.environ.update(job.env)
        # What importing awscli does to the environment (awscli/__init__.py).
        paths = [os.path.expanduser(os.path.expandvars(p))
                 for p in job.env.get("AWS_DATA_PATH", "").split(os.pathsep) if p]
        os.environ["AWS_DATA_PATH"] = os.pathsep.join(paths + [AWSCLI_DATA])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.argv = ["aws", *job.argv]
        rc = awscli.clidriver.main()
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    except BaseException:  # a crash of the run, shown in its stderr
        import traceback
        traceback.print_exc()
        rc = 99
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(rc if isinstance(rc, int) else 1)


def _start(job):
    job.files = (tempfile.TemporaryFile(), tempfile.TemporaryFile())
    job.started = time.monotonic()
    if job.ours is not None:
        job.proc = subprocess.Popen([job.ours, *job.argv], env=job.env, stdin=subprocess.DEVNULL,
                                    stdout=job.files[0], stderr=job.files[1])
        return
    sys.stdout.flush()
    sys.stderr.flush()
    job.pid = os.fork()
    if job.pid == 0:
        _child(job, *job.files)


def _poll(job):
    """True when the job ended (its result is set); kills it after TIMEOUT."""
    if job.proc is not None:
        rc = job.proc.poll()
        if rc is None and time.monotonic() - job.started > TIMEOUT:
            job.proc.kill()
            rc = job.proc.wait()
    else:
        pid, status = os.waitpid(job.pid, os.WNOHANG)
        if pid == 0 and time.monotonic() - job.started > TIMEOUT:
            os.kill(job.pid, 9)
            pid, status = os.waitpid(job.pid, 0)
        rc = os.waitstatus_to_exitcode(status) if pid != 0 else None
    if rc is None:
        return False
    job.ended = time.monotonic()
    out, err = job.files
    out.seek(0)
    err.seek(0)
    job.result = Result(rc, out.read().decode("utf-8", "replace"),
                        err.read().decode("utf-8", "replace"))
    out.close()
    err.close()
    return True


def run_many(jobs, parallel=3):
    """Runs every job, at most `parallel` at a time; returns their results in order."""
    pending, running = list(jobs), []
    while pending or running:
        while pending and len(running) < parallel:
            job = pending.pop(0)
            _start(job)
            running.append(job)
        running = [j for j in running if not _poll(j)]
        if running:
            time.sleep(0.005)
    return [j.result for j in jobs]


def aws(argv, env):
    return run_many([Job(argv, env)])[0]


def ours(path, argv, env):
    return run_many([Job(argv, env, ours=path)])[0]


# ---- comparing ----

def usage_tail(stderr, name):
    """The last line of an argparse usage error, with the program's name as `PROG`."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    for prefix in ("aws: error: ", f"{name}: error: "):
        if last.startswith(prefix):
            return "PROG: error: " + last[len(prefix):]
    return last


def expected_status(theirs):
    if theirs.rc == 2:
        return EXIT_USAGE
    if theirs.rc == 255 and theirs.err.startswith("\nParameter validation failed:\n"):
        return EXIT_USAGE
    if theirs.rc == 255 and theirs.err.startswith("\nAn error occurred ("):
        return EXIT_SERVICE
    return theirs.rc


def difference(theirs, mine, name):
    """None when the two runs agree, else what differs."""
    problems = []
    if mine.rc != expected_status(theirs):
        problems.append(f"exit status: aws {theirs.rc}, ours {mine.rc}")
    if mine.out != theirs.out:
        problems.append(f"stdout:\n--- aws\n{theirs.out[:4000]}\n--- ours\n{mine.out[:4000]}")
    if theirs.rc == 2:
        if usage_tail(theirs.err, "aws") != usage_tail(mine.err, name):
            problems.append(f"usage error: aws {theirs.err[-500:]!r}, ours {mine.err[-500:]!r}")
    elif mine.err != theirs.err:
        problems.append(f"stderr: aws {theirs.err[:1500]!r}\n        ours {mine.err[:1500]!r}")
    return "\n".join(problems) if problems else None


class Differ:
    """Runs command lines through one of our programs and `aws SERVICE`, in batches, and
    collects what differs. argv holds the options after the service name."""

    def __init__(self, service, path, base_env, common=()):
        self.service, self.path, self.base_env = service, path, base_env
        self.common = list(common)
        self.count = 0

    def jobs(self, argv, env_extra=None, our_argv=None):
        env = dict(self.base_env, **(env_extra or {}))
        theirs = Job([self.service, *argv, *self.common], env)
        mine = Job([*(our_argv if our_argv is not None else argv), *self.common], env,
                   ours=self.path)
        return theirs, mine

    def compare(self, lines, parallel=3):
        """lines: argv lists, or (argv, env_extra) or (argv, env_extra, our_argv) tuples.
        Returns the list of differences (empty when every line agrees), and the results."""
        pairs = []
        for line in lines:
            line = (line, None, None) if isinstance(line, list) else tuple(line) + (None,) * (3 - len(line))
            pairs.append((line, self.jobs(*line)))
        started = time.monotonic()
        run_many([job for _, pair in pairs for job in pair], parallel)
        if os.environ.get("CLIDIFF_TIMES"):
            slow = sorted(((j.ended - j.started, j.ours is not None, " ".join(j.argv))
                           for _, pair in pairs for j in pair), reverse=True)[:3]
            print(f"{self.service}: {len(pairs)} lines in {time.monotonic() - started:.1f} s;"
                  f" slowest {slow}", file=sys.stderr)
        found = []
        for (argv, extra, _), (theirs, mine) in pairs:
            self.count += 1
            why = difference(theirs.result, mine.result, os.path.basename(self.path))
            if why is not None:
                found.append(f"$ {' '.join(argv)}  {extra or ''}\n{why}")
        return found, [(t.result, m.result) for _, (t, m) in pairs]

    def same(self, lines, parallel=3):
        found, results = self.compare(lines, parallel)
        assert not found, f"{len(found)} of {len(lines)} command lines differ:\n\n" + \
            "\n\n".join(found)
        return results


# ---- programs and servers ----

def fresh(path, model):
    """The program at path is newer than its model, the generator and the libraries."""
    inputs = [model] + [os.path.join(BUILD, f) for f in ("libacg.a", "libacg_cli.a",
                                                         os.path.join("bin", "acg-gen"))]
    try:
        built = os.path.getmtime(path)
        return all(os.path.getmtime(f) < built for f in inputs)
    except OSError:
        return False


def build_programs(models, suffix):
    """make cli for each {name: service-2 path} not built since its inputs changed; returns
    {name: program path}. The first build brings the libraries up to date, the rest run
    two at a time."""
    build = os.environ.get("BUILD", "build")
    paths = {name: os.path.join(BUILD, "e2e", f"{name}-{suffix}") for name in models}
    stale = [name for name in models if not fresh(paths[name], models[name])]

    def start(name):
        return subprocess.Popen(["make", "--no-print-directory", "-s", "cli", f"BUILD={build}",
                                 f"MODEL={models[name]}", f"CLI={paths[name]}"], cwd=ROOT,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
    names = stale
    failures = []
    for group in [names[:1]] + [names[i:i + 2] for i in range(1, len(names), 2)] if names else []:
        procs = [(n, start(n)) for n in group]
        for name, proc in procs:
            out, _ = proc.communicate(timeout=900)
            if proc.returncode != 0:
                failures.append(f"{name}: {out[-2000:]}")
    assert not failures, "\n".join(failures)
    return {name: program(path) for name, path in paths.items()}


def botocore_model(service, version):
    return os.path.join(BOTOCORE_DATA, service, version, "service-2.json.gz")
