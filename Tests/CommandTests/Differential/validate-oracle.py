#!/usr/bin/env python3
"""Validates differential cases against the oracles, without cpl and without building anything.

Each shared case runs under dash and under `bash --posix` exactly as DifferentialTests.swift runs
it (fresh temp dir as cwd, environment exactly PATH=/usr/bin:/bin, HOME=$TMP/home, LC_ALL=C,
`SHELL -c SCRIPT ARG0 ARGS...`, stdin from the `--- stdin` section or /dev/null, own process
group, default signal dispositions, only fds 0-2). It checks that dash meets the case's stated
expectations (--- stdout / --- stderr, #@ status, #@ stderr) and that bash --posix agrees with
dash on status, stdout and the files left behind, unless the case says #@ bash-differs.
cpl-only cases marked #@ bash-oracle must meet their expectations under plain bash.

  Tests/CommandTests/Differential/validate-oracle.py                 # every cases*.txt beside it
  Tests/CommandTests/Differential/validate-oracle.py cases-arith.txt # some files
  Tests/CommandTests/Differential/validate-oracle.py -k while -v     # cases whose name has "while"

Needs python3 >= 3.11 (Popen process_group). Exit status: 0 if every selected case passes, 1 otherwise.
"""

import argparse
import concurrent.futures
import os
import pathlib
import selectors
import signal
import stat
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
DASH = ["/bin/dash"]
BASH_POSIX = ["/bin/bash", "--posix"]
BASH = ["/bin/bash"]


class Case:
    def __init__(self, name, file, line):
        self.name, self.file, self.line = name, file, line
        self.script = ""
        self.arg0, self.args = "cpltest", []
        self.stdin = None
        self.cpl_only = False
        self.status = ("same",)  # ("same",) | ("exactly", n) | ("nonzero",)
        self.stderr = "ignored"  # ignored | nonempty | empty
        self.expected_stdout = None
        self.expected_stderr = None
        self.bash_differs = None
        self.bash_oracle = False
        self.timeout = 10.0


def split_words(s):
    """Splits on blanks; single quotes group (as CaseCorpus.splitWords)."""
    words, word, in_word, quoted = [], "", False, False
    for ch in s:
        if quoted:
            if ch == "'":
                quoted = False
            else:
                word += ch
        elif ch == "'":
            quoted = in_word = True
        elif ch in " \t":
            if in_word:
                words.append(word)
                word, in_word = "", False
        else:
            word += ch
            in_word = True
    if in_word:
        words.append(word)
    return words


def apply_directive(directive, c):
    words = split_words(directive)
    if not words:
        return "empty directive"
    key, rest = words[0], words[1:]
    if key == "args":
        if not rest:
            return "args needs at least ARG0"
        c.arg0, c.args = rest[0], rest[1:]
    elif key == "cpl-only":
        c.cpl_only = True
    elif key == "status":
        if rest == ["nonzero"]:
            c.status = ("nonzero",)
        elif len(rest) == 1 and rest[0].lstrip("-").isdigit():
            c.status = ("exactly", int(rest[0]))
        else:
            return "status takes a number or 'nonzero'"
    elif key == "stderr":
        if rest in (["nonempty"], ["empty"]):
            c.stderr = rest[0]
        else:
            return "stderr takes 'nonempty' or 'empty'"
    elif key == "bash-differs":
        c.bash_differs = " ".join(rest) or "(no reason given)"
    elif key == "bash-oracle":
        c.bash_oracle = True
    elif key in ("posix-only", "posix-as-dash", "posix-differs"):
        pass  # what cpl --posix must do; the oracles run such cases as any other
    elif key == "timeout":
        try:
            c.timeout = float(rest[0]) if len(rest) == 1 else None
        except ValueError:
            c.timeout = None
        if c.timeout is None:
            return "timeout takes seconds"
    else:
        return f"unknown directive {key}"
    return None


def trimmed(lines):
    lines = list(lines)
    while lines and all(ch in " \t" for ch in lines[-1]):
        lines.pop()
    return lines


def parse(text, file):
    """A port of CaseCorpus.parse: same sections, directives and trimming."""
    cases, problems = [], []
    current, body, section, no_newline, section_lines = None, [], None, False, []
    in_directives = False

    def close_section():
        nonlocal section, section_lines
        if section is None or current is None:
            return
        content = trimmed(section_lines)
        value = "\n".join(content)
        if not no_newline and content:
            value += "\n"
        if section == "stdin":
            current.stdin = value
        elif section == "stdout":
            current.expected_stdout = value
        elif section == "stderr":
            current.expected_stderr = value
        else:
            problems.append(f"{current.name}: unknown section --- {section}")
        section, section_lines = None, []

    def close_case():
        nonlocal current, body
        close_section()
        if current is None:
            return
        script = trimmed(body)
        current.script = "\n".join(script) + "\n" if script else ""
        cases.append(current)
        current, body = None, []

    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("### "):
            close_case()
            current = Case(line[4:].strip(), file, number)
            in_directives = True
            continue
        if line.startswith("## "):
            close_case()
            continue
        if current is None:
            continue
        if line.startswith("--- "):
            close_section()
            in_directives = False
            words = line[4:].split(" ")
            no_newline = "-n" in words
            words = [w for w in words if w not in ("-n", "")]
            section = words[0] if words else ""
            continue
        if section is not None:
            section_lines.append(line)
            continue
        if in_directives and line.startswith("#@"):
            problem = apply_directive(line[2:], current)
            if problem:
                problems.append(f"{file}:{number}: {problem}")
            continue
        in_directives = False
        body.append(line)
    close_case()
    return cases, problems


# ── running ──────────────────────────────────────────────────────────────────────────────────


def debug_quote(s):
    out = []
    for ch in s:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\x%x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def snapshot(root):
    """As ShellRunner.snapshot: one sorted entry per path below root."""
    entries = []

    def walk(rel):
        full = os.path.join(root, rel) if rel else root
        try:
            names = sorted(os.listdir(full))
        except OSError:
            if rel:
                entries.append(f"d {rel}/ <unreadable>")
            return
        for name in names:
            r = f"{rel}/{name}" if rel else name
            path = os.path.join(root, r)
            try:
                info = os.lstat(path)
            except OSError:
                entries.append(f"? {r}")
                continue
            mode = "%o" % (info.st_mode & 0o7777)
            if stat.S_ISDIR(info.st_mode):
                entries.append(f"d {r}/ ({mode})")
                walk(r)
            elif stat.S_ISLNK(info.st_mode):
                entries.append(f"l {r} -> {os.readlink(path)}")
            elif stat.S_ISREG(info.st_mode):
                try:
                    with open(path, "rb") as f:
                        contents = debug_quote(f.read().decode("utf-8", "replace"))
                except OSError:
                    contents = "<unreadable>"
                entries.append(f"f {r} ({mode}): {contents}")
            elif stat.S_ISFIFO(info.st_mode):
                entries.append(f"p {r} ({mode})")
            else:
                entries.append(f"? {r} ({mode})")

    walk("")
    return entries


def remove_tree(path):
    try:
        info = os.lstat(path)
    except OSError:
        return
    if stat.S_ISDIR(info.st_mode):
        try:
            os.chmod(path, 0o700)
            for name in os.listdir(path):
                remove_tree(os.path.join(path, name))
            os.rmdir(path)
        except OSError:
            pass
    else:
        try:
            os.unlink(path)
        except OSError:
            pass


class Result:
    def __init__(self, stdout, stderr, termination, files):
        self.stdout, self.stderr, self.termination, self.files = stdout, stderr, termination, files

    def describe(self, label):
        files = "\n           ".join(self.files) if self.files else "(none)"
        return (f"── {label}: {self.termination}\n   stdout: {debug_quote(self.stdout)}\n"
                f"   stderr: {debug_quote(self.stderr)}\n   files:  {files}")


def run(shell, c):
    tmp = os.path.realpath(tempfile.mkdtemp(prefix="cpl-diff-", dir="/tmp"))
    try:
        if c.stdin is not None:
            stdin_path = tmp + ".stdin"
            with open(stdin_path, "wb") as f:
                f.write(c.stdin.encode())
            stdin = open(stdin_path, "rb")
            os.unlink(stdin_path)
        else:
            stdin = open("/dev/null", "rb")
        env = {"PATH": "/usr/bin:/bin", "HOME": f"{tmp}/home", "LC_ALL": "C"}
        argv = shell + ["-c", c.script, c.arg0] + c.args
        with stdin:
            proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    cwd=tmp, env=env, process_group=0, restore_signals=True,
                                    close_fds=True)
        termination = collect(proc, c.timeout)
        out, err = proc.collected
        normalize = lambda b: b.decode("utf-8", "replace").replace(tmp, "$TMP")
        files = [entry.replace(tmp, "$TMP") for entry in snapshot(tmp)]
        return Result(normalize(out), normalize(err), termination, files)
    finally:
        remove_tree(tmp)


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def collect(proc, timeout):
    """Reads both pipes until they close; once the shell is reaped its group is killed (leftover
    background jobs must not hold the pipes open), all within the deadline."""
    deadline = time.monotonic() + timeout
    chunks = {proc.stdout: [], proc.stderr: []}
    sel = selectors.DefaultSelector()
    for f in chunks:
        sel.register(f, selectors.EVENT_READ)
    status = None
    timed_out = False
    while sel.get_map():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        ready = sel.select(min(remaining, 0.05))
        if not ready and status is None:
            status = proc.poll()
            if status is not None:
                kill_group(proc.pid)
            continue
        for key, _ in ready:
            data = os.read(key.fileobj.fileno(), 65536)
            if data:
                chunks[key.fileobj].append(data)
            else:
                sel.unregister(key.fileobj)
    sel.close()
    proc.stdout.close()
    proc.stderr.close()
    proc.collected = (b"".join(chunks[proc.stdout]), b"".join(chunks[proc.stderr]))
    while not timed_out and status is None:
        status = proc.poll()
        if status is None:
            if time.monotonic() >= deadline:
                timed_out = True
            else:
                time.sleep(0.002)
    kill_group(proc.pid)
    if timed_out:
        proc.kill()
        proc.wait()
        return f"TIMED OUT after {timeout} s"
    return f"exit {status}" if status >= 0 else f"killed by signal {-status}"


# ── checking ─────────────────────────────────────────────────────────────────────────────────


def meets_expectations(c, r, label, default_status):
    """The case's stated expectations; default_status: what `#@ status` absent means (None: any)."""
    diffs = []
    if c.status[0] == "exactly":
        expected = f"exit {c.status[1]}"
    else:
        expected = default_status
    if c.status[0] == "nonzero":
        if not r.termination.startswith("exit ") or r.termination == "exit 0":
            diffs.append(f"{label}: {r.termination}, expected a failure exit")
    elif expected is not None and r.termination != expected:
        diffs.append(f"{label}: {r.termination}, expected {expected}")
    if r.termination.startswith("TIMED OUT"):
        diffs.append(f"{label}: {r.termination}")
    if c.expected_stdout is not None and r.stdout != c.expected_stdout:
        diffs.append(f"{label} stdout is not the expected {debug_quote(c.expected_stdout)}")
    if c.expected_stderr is not None and r.stderr != c.expected_stderr:
        diffs.append(f"{label} stderr is not the expected {debug_quote(c.expected_stderr)}")
    if c.stderr == "nonempty" and not r.stderr:
        diffs.append(f"{label} stderr is empty, expected a message")
    if c.stderr == "empty" and r.stderr:
        diffs.append(f"{label} stderr is not empty")
    return diffs


def agreement(c, dash, bash):
    """As compare() in DifferentialTests.swift: statuses must match unless #@ status says otherwise."""
    diffs = []
    if c.status[0] == "same" and dash.termination != bash.termination:
        diffs.append(f"status: dash {dash.termination}, bash {bash.termination}")
    if dash.stdout != bash.stdout:
        diffs.append("stdout differs")
    if dash.files != bash.files:
        only_dash = [f for f in dash.files if f not in bash.files]
        only_bash = [f for f in bash.files if f not in dash.files]
        diffs.append(f"files differ: only dash: {only_dash}; only bash: {only_bash}")
    return diffs


def describe_case(c):
    s = f'case "{c.name}" ({c.file}:{c.line})\n'
    s += "args: -c <script> " + " ".join(debug_quote(a) for a in [c.arg0] + c.args) + "\n"
    if c.stdin is not None:
        s += f"stdin: {debug_quote(c.stdin)}\n"
    s += "script:\n" + "\n".join("  | " + l for l in c.script.rstrip("\n").split("\n"))
    return s


def check(c):
    """Returns (failures, notes, results)."""
    if c.cpl_only:
        if not c.bash_oracle:
            return [], [], []
        r = run(BASH, c)
        return meets_expectations(c, r, "bash", "exit 0"), [], [("bash", r)]
    dash, bash = run(DASH, c), run(BASH_POSIX, c)
    failures = meets_expectations(c, dash, "dash", None)
    bash_failures = meets_expectations(c, bash, "bash --posix", None) + agreement(c, dash, bash)
    notes = []
    if c.bash_differs is None:
        failures += bash_failures
    elif not bash_failures:
        notes.append(f"marked bash-differs ({c.bash_differs}) but bash --posix agrees")
    return failures, notes, [("dash", dash), ("bash --posix", bash)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", help="case files (default: every cases*.txt beside this script)")
    parser.add_argument("-k", dest="pattern", help="only cases whose name contains this")
    parser.add_argument("-j", type=int, default=2, help="cases run at once (default 2)")
    parser.add_argument("-v", action="store_true", help="show every case's runs, not only failures")
    opts = parser.parse_args()

    paths = [pathlib.Path(f) if os.path.exists(f) else HERE / f for f in opts.files] or sorted(HERE.glob("cases*.txt"))
    cases, problems, seen = [], [], set()
    for path in paths:
        parsed, file_problems = parse(path.read_text(), path.name)
        problems += file_problems
        for c in parsed:
            if c.name in seen:
                problems.append(f"duplicate case name: {c.name} ({c.file}:{c.line})")
            seen.add(c.name)
        cases += parsed
    for p in problems:
        print(f"PROBLEM {p}")
    selected = [c for c in cases if not opts.pattern or opts.pattern in c.name]

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.j)) as pool:
        for c, (failures, notes, results) in zip(selected, pool.map(check, selected)):
            if failures:
                failed += 1
                print(f"FAIL {c.name} ({c.file}:{c.line}): " + "; ".join(failures))
            elif opts.v:
                print(f"ok   {c.name}")
            for n in notes:
                print(f"NOTE {c.name} ({c.file}:{c.line}): {n}")
            if failures or opts.v:
                print(describe_case(c))
                for label, r in results:
                    print(r.describe(label))
                print()
    skipped = sum(1 for c in selected if c.cpl_only and not c.bash_oracle)
    print(f"{len(selected)} cases ({skipped} cpl-only skipped), {failed} failed, {len(problems)} corpus problems")
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
