#!/usr/bin/env python3
"""Differential fuzzing against dash: random scripts from the shared sh subset, each run under dash
and cpl in a fresh directory; stdout, exit status and the files left must be the same.

Usage: Fuzz/differential.py CPL [COUNT] [SEED]      (defaults: 200 scripts, seed 1)
       Fuzz/differential.py --show SEED INDEX        print one generated script

Every script is a function of (SEED, INDEX), so a divergence is reproduced by its number. The
differences from sh that README documents are excluded by construction, not by filtering results:
an unquoted $NAME only ever holds a word without blanks or glob characters (cpl never splits or
globs it), an unquoted $(...) only prints such words, echo never sees a backslash or a leading `-`,
`[^` never starts a bracket, no redirection reads a missing file, and stderr is not compared (the
messages' wording differs). Races are excluded the same way: in the body of a `while read` loop, the
first stage of a pipeline of several reads its stdin only from /dev/null, since whether that stage
lives on after a write (and goes on to read the loop's input) depends on whether the next stage has
exited yet: SIGPIPE, in dash too.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

WORDS = ["a", "b", "x1", "foo", "bar", "f1", "f2", "7", "42", "0", "yes", "no", "Q", "a.b", "k=v", "p_q", "@", "%", ","]
FILES = ["f1", "f3"]                  # written and read; f2 is only read (what `while read` reads)
NUMBERS = ["n1", "n2"]
TOKENS = ["t1", "t2", "t3"]           # values: one safe word (or empty); may be used unquoted
TEXTS = ["s1", "s2"]                  # values: any text; only ever used inside double quotes
TEXT_CHARS = "abcxyz019 .,:;=+_@%^!?*[]{}~#&|<>()$'\"`\\\t-"


class Generator:
    def __init__(self, rng):
        self.r = rng
        self.counter = 0
        self.functions = []
        self.loop_depth = 0
        self.depth = 0
        self.function_depth = 0
        # Nonzero where commands must touch no file: in a stage of a pipeline of several (stages
        # run at the same time and would race) and in the body of a `while read` loop.
        self.no_files = 0
        self.read_body = 0
        # Nonzero in the first stage of a pipeline of several inside a `while read` body (see the top).
        self.racing_input = 0

    def chance(self, p):
        return self.r.random() < p

    def pick(self, items):
        return self.r.choice(items)

    # --- text and quoting

    def raw_text(self, allow_backslash=True, allow_glob=True):
        chars = TEXT_CHARS if allow_backslash else TEXT_CHARS.replace("\\", "")
        if not allow_glob:
            chars = "".join(c for c in chars if c not in "*?[]")
        text = "".join(self.pick(chars) for _ in range(self.r.randint(0, 8)))
        return text.lstrip("-")

    def quote(self, text):
        """`text` as one shell word, quoted one of several ways (the word's value is exactly text)."""
        style = self.r.randint(0, 3)
        if style == 0:
            return "'" + text.replace("'", "'\\''") + "'"
        if style == 1:
            return '"' + "".join("\\" + c if c in '$`"\\' else c for c in text) + '"'
        if style == 2:
            specials = set(" \t\n'\"\\$`&|;<>()*?[]{}~#=%!^,:@+")
            return "".join("\\" + c if c in specials else c for c in text) or "''"
        # Mixed: pieces quoted differently, glued into one word.
        cut = self.r.randint(0, len(text))
        return (self.quote(text[:cut]) or "''") + (self.quote(text[cut:]) or "''")

    def safe_word(self):
        """A word whose value has no blanks, glob characters, backslashes or leading `-`."""
        kind = self.r.randint(0, 6)
        if kind == 0 and self.function_depth:
            return self.pick(["$1", "$2", "$#", '"$1"'])
        if kind == 1:
            return "$" + self.pick(TOKENS)
        if kind == 2:
            return '"${' + self.pick(TOKENS) + ':-' + self.pick(WORDS) + '}"'
        if kind == 3:
            return "$((" + self.arith() + "))"
        if kind == 4:
            return "$" + self.pick(NUMBERS)
        if kind == 5:
            return "$?"
        return self.quote(self.pick(WORDS)) if self.chance(0.5) else self.pick(WORDS)

    def any_word(self):
        """A word that may hold any text: quoted expansions and quoted text included."""
        kind = self.r.randint(0, 5)
        if kind == 0:
            return '"$' + self.pick(TEXTS) + '"'
        if kind == 1:
            return '"$(' + self.command_list(simple=True) + ')"'
        if kind == 2:
            return '"${#' + self.pick(TEXTS) + '}"'
        if kind == 3:
            return self.quote(self.raw_text(allow_backslash=True, allow_glob=True))
        return self.safe_word()

    def echo_word(self):
        """An echo operand: no backslash may survive quote removal (dash's echo reads escapes)."""
        if self.chance(0.3):
            return self.quote(self.raw_text(allow_backslash=False))
        if self.chance(0.2):
            return "$(echo " + " ".join(self.pick(WORDS) for _ in range(self.r.randint(1, 3))) + ")"
        return self.safe_word()

    # --- arithmetic

    def arith(self, depth=0):
        if depth > 2 or self.chance(0.35):
            return self.pick([str(self.r.randint(0, 20)), self.pick(NUMBERS), "$" + self.pick(NUMBERS)])
        kind = self.r.randint(0, 5)
        a, b = self.arith(depth + 1), self.arith(depth + 1)
        if kind == 0:
            return f"{a} {self.pick(['+', '-', '*', '<', '<=', '==', '!=', '&&', '||', '&', '|', '^'])} {b}"
        if kind == 1:
            return f"({a}) {self.pick(['/', '%'])} {self.r.randint(1, 7)}"
        if kind == 2:
            return f"{self.pick(['-', '!', '~'])}({a})"
        if kind == 3:
            return f"({a}) ? ({b}) : {self.r.randint(0, 9)}"
        if kind == 4:
            # Parenthesised: `1 + n = 2` is a syntax error, which cpl reports before the script runs.
            return f"({self.pick(NUMBERS)} {self.pick(['=', '+=', '-=', '*='])} ({a}) % 100)"
        return f"({a})"

    # --- commands

    def file(self):
        """A file to read or test."""
        return "nope" if self.no_files else self.pick(FILES + ["f2"])

    def redirection(self):
        if self.no_files:
            return self.pick(["2> /dev/null", ">&2", "< /dev/null"])
        kind = self.r.randint(0, 4)
        if kind == 0:
            return "> " + self.pick(FILES)
        if kind == 1:
            return ">> " + self.pick(FILES)
        if kind == 2:
            return "< " + self.pick(FILES + ["f2"])
        if kind == 3:
            return "2> /dev/null"
        return ">&2"

    def simple(self):
        kind = self.r.randint(0, 11)
        if kind == 0:
            cmd = "echo " + " ".join(self.echo_word() for _ in range(self.r.randint(0, 3)))
        elif kind == 1:
            fmt = self.pick(["'%s\\n'", "'[%s]'", "'%s-%s\\n'", "'<%d>\\n'", "'%s %s %s\\n'", "'%5s|\\n'"])
            args = [self.safe_word() if "%d" in fmt else self.any_word() for _ in range(self.r.randint(0, 3))]
            if "%d" in fmt:
                args = ["$((" + self.arith() + "))" for _ in args]
            cmd = "printf " + " ".join([fmt] + args)
        elif kind == 2:
            cmd = self.pick(["true", "false", ":"])
        elif kind == 3:
            cmd = self.test()
        elif kind == 4:
            cmd = self.pick(TOKENS) + "=" + (self.safe_word() if self.chance(0.8) else "")
        elif kind == 5:
            cmd = self.pick(TEXTS) + "=" + self.any_word()
        elif kind == 6:
            cmd = self.pick(NUMBERS) + "=$((" + self.arith() + "))"
        elif kind == 7 and self.functions and not self.no_files:
            cmd = self.pick(self.functions) + " " + " ".join(self.safe_word() for _ in range(self.r.randint(0, 3)))
        elif kind == 8:
            cmd = self.pick(["cat", "wc -l", "tr a-z A-Z", "sort", "head -n 2"] + ([] if self.no_files else ["cat " + self.file()]))
            if self.racing_input:
                cmd += " < /dev/null"
        elif kind == 9:
            cmd = "set -- " + " ".join(self.safe_word() for _ in range(self.r.randint(0, 3)))
        elif kind == 10 and self.loop_depth:
            cmd = self.pick(["break", "continue"])
        elif kind == 11 and self.function_depth:
            cmd = "return " + str(self.r.randint(0, 3))
        else:
            cmd = ": " + self.safe_word()
        if self.chance(0.25):
            cmd += " " + self.redirection()
        return cmd

    def test(self):
        kind = self.r.randint(0, 4)
        neg = "! " if self.chance(0.2) else ""
        if kind == 0:
            return f"[ {neg}{self.any_word()} {self.pick(['=', '!='])} {self.any_word()} ]"
        if kind == 1:
            return f"[ {neg}$(({self.arith()})) {self.pick(['-eq', '-ne', '-lt', '-le', '-gt', '-ge'])} $(({self.arith()})) ]"
        if kind == 2:
            return f"test {neg}{self.pick(['-n', '-z'])} {self.any_word()}"
        if kind == 3:
            return f"[ {neg}{self.pick(['-f', '-s', '-e', '-d'])} {self.pick([self.file(), '.', 'nope'])} ]"
        return f"[ {self.any_word()} ]"

    def heredoc(self):
        delimiter = self.pick(["EOF", "END", "X"])
        quoted = self.chance(0.4)
        strip = self.chance(0.3)
        lines = []
        for _ in range(self.r.randint(0, 3)):
            if quoted:
                line = self.raw_text(allow_backslash=True)
            else:
                line = self.pick(["plain text", "$" + self.pick(TOKENS), "${" + self.pick(TEXTS) + "}", "$((" + self.arith() + "))",
                                  "a \\$b", "q'uo\"te", "$(echo " + self.pick(WORDS) + ")", "tab\there"])
            lines.append(("\t" if strip else "") + line)
        head = self.pick(["cat", "tr a-z A-Z", "wc -l"]) + " <<" + ("-" if strip else "")
        head += ("'" + delimiter + "'" if quoted else delimiter)
        return head, lines + [("\t" if strip else "") + delimiter]

    def pipeline(self):
        count = self.r.randint(2, 3) if self.chance(0.3) else 1
        self.no_files += count > 1
        stages = []
        for index in range(count):
            racing = count > 1 and index == 0 and self.read_body > 0
            self.racing_input += racing
            stages.append(self.command())
            self.racing_input -= racing
        self.no_files -= count > 1
        text = " | ".join(stages)
        return ("! " + text) if self.chance(0.1) else text

    def and_or(self):
        parts = [self.pipeline()]
        for _ in range(self.r.randint(0, 2) if self.chance(0.3) else 0):
            parts.append(self.pick(["&&", "||"]))
            parts.append(self.pipeline())
        return " ".join(parts)

    def command_list(self, simple=False):
        """A list on one line (`;`-separated); `simple`: of simple commands, with no break,
        continue or return (a $(...) is a subshell: they would not reach the loop or function)."""
        saved = (self.depth, self.loop_depth, self.function_depth)
        if simple:
            self.depth, self.loop_depth, self.function_depth = 99, 0, 0
        text = "; ".join(self.and_or() for _ in range(self.r.randint(1, 3)))
        self.depth, self.loop_depth, self.function_depth = saved
        return text

    def command(self):
        if self.depth >= 3 or self.chance(0.7):
            return self.simple()
        self.depth += 1
        try:
            kind = self.r.randint(0, 6)
            if kind == 0:
                return "{ " + self.command_list() + "; }"
            if kind == 1:
                tail = f"; exit {self.r.randint(0, 3)}" if self.chance(0.3) else ""
                return "( " + self.command_list() + tail + " )"
            if kind == 2:
                text = f"if {self.and_or()}; then {self.command_list()}"
                if self.chance(0.3):
                    text += f"; elif {self.and_or()}; then {self.command_list()}"
                if self.chance(0.5):
                    text += f"; else {self.command_list()}"
                return text + "; fi"
            if kind == 3:
                items = " ".join(self.safe_word() for _ in range(self.r.randint(0, 3)))
                if self.chance(0.3):
                    items += " $(echo " + " ".join(self.pick(WORDS) for _ in range(2)) + ")"
                self.loop_depth += 1
                text = f"for {self.pick(TOKENS)} in {items}; do {self.command_list()}; done"
                self.loop_depth -= 1
                return text
            if kind == 4:
                self.counter += 1
                i = f"i{self.counter}"
                self.loop_depth += 1
                inner = self.command_list()
                self.loop_depth -= 1
                # The counter moves first, so that `continue` cannot skip it.
                return (f"{i}=0; while [ ${i} -lt {self.r.randint(0, 3)} ]; do {i}=$(({i} + 1)); {inner}; done")
            if kind == 5:
                arms = []
                for _ in range(self.r.randint(1, 3)):
                    pats = " | ".join(self.pick(WORDS + ["*", "?", "[abc]*", "f[0-9]", "[!a]*", "'*'", "$" + self.pick(TOKENS)])
                                      for _ in range(self.r.randint(1, 2)))
                    arms.append(f"{pats}) {self.command_list()} ;;")
                return f"case {self.safe_word()} in " + " ".join(arms) + " esac"
            if kind == 6 and not self.no_files:
                # What `read` sets can hold blanks: a text variable, only used quoted. The body
                # touches no file (the loop's input stays what it was).
                # f2 is never written: a loop that appends to what it reads would never end.
                source = "f2"
                self.loop_depth += 1
                self.no_files += 1
                self.read_body += 1
                inner = self.command_list()
                self.read_body -= 1
                self.no_files -= 1
                self.loop_depth -= 1
                return f"while read -r {self.pick(TEXTS)}; do {inner}; done < {source}"
            return self.simple()
        finally:
            self.depth -= 1

    def lines(self, indent, count):
        out = []
        for _ in range(count):
            if self.chance(0.1):
                head, doc = self.heredoc()
                out.append(indent + head)
                out.extend(doc)
            else:
                out.append(indent + self.and_or())
        return out

    def script(self):
        out = [": > f1; printf 'one\\ntwo\\n' > f2; : > f3",
               "n1=3; n2=5; t1=a; t2=; t3=foo; s1='x  y'; s2='*'"]
        for index in range(self.r.randint(0, 2)):
            name = f"fn{index}"
            self.function_depth += 1
            self.depth += 1
            body = self.command_list()
            self.depth -= 1
            self.function_depth -= 1
            out.append(f"{name}() {{ {body}; }}")
            self.functions.append(name)
        out += self.lines("", self.r.randint(1, 6))
        return "\n".join(out) + "\n"


def generate(seed, index):
    return Generator(random.Random(f"{seed}:{index}")).script()


def snapshot(root):
    """Names, modes and contents of every file under root."""
    result = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            content = open(path, "rb").read() if os.path.isfile(path) else b""
            result[os.path.relpath(path, root)] = (info.st_mode, content)
    return result


def run(shell, script):
    directory = tempfile.mkdtemp(prefix="cpl-diff-")
    env = {"PATH": "/usr/bin:/bin", "HOME": directory + "/home", "LC_ALL": "C"}
    try:
        process = subprocess.Popen([shell, "-c", script, "cpltest"], cwd=directory, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            out, _ = process.communicate()
            return (out, "timeout", snapshot(directory))
        return (out, process.returncode, snapshot(directory))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--show":
        sys.stdout.write(generate(int(sys.argv[2]), int(sys.argv[3])))
        return
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cpl = os.path.abspath(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    divergences = 0
    for index in range(count):
        script = generate(seed, index)
        expected, actual = run("dash", script), run(cpl, script)
        if expected != actual:
            divergences += 1
            what = [name for name, a, b in zip(["stdout", "status", "files"], expected, actual) if a != b]
            print(f"divergence {seed} {index} ({', '.join(what)}): Fuzz/differential.py --show {seed} {index}")
            for name, a, b in zip(["stdout", "status", "files"], expected, actual):
                if a != b:
                    print(f"  dash {name}: {a!r}\n  cpl  {name}: {b!r}")
    print(f"{count} scripts (seed {seed}), {divergences} divergences")
    sys.exit(1 if divergences else 0)


if __name__ == "__main__":
    main()
