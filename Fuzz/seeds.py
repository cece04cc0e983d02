#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses, taken from the test suites, into DIR/<harness>/.

Usage: Fuzz/seeds.py DIR

The seeds follow the tests: scripts from the differential cases and examples, expressions from the
arithmetic cases, patterns from the glob cases, printf calls and JSON texts from their tests. They
only start the fuzzer somewhere interesting, so string literals are unescaped loosely.
"""
import glob
import hashlib
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LITERAL = re.compile(r'#"(.*?)"#|"((?:[^"\\\n]|\\.)*)"')
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8", errors="surrogateescape") as f:
        return f.read()


def unescape(text):
    def one(m):
        body = m.group(1)
        if body.startswith("u{"):
            return chr(int(body[2:-1], 16))
        return ESCAPES.get(body, body)
    return re.sub(r"\\(u\{[0-9a-fA-F]+\}|.)", one, text)


def literals(line):
    """The Swift string literals of one line, unescaped (raw #"…"# ones as written)."""
    return [raw if raw is not None and m.group(0).startswith("#") else unescape(plain)
            for m in LITERAL.finditer(line) for raw, plain in [m.groups()]]


def case_bodies():
    paths = sorted(glob.glob(os.path.join(ROOT, "Tests/CommandTests/Differential/cases*.txt")))
    if not paths:
        sys.exit("seeds.py: no differential cases found (has Tests/CommandTests moved?)")
    for path in paths:
        body = None
        for line in open(path, encoding="utf-8", errors="surrogateescape"):
            if line.startswith("### "):
                if body:
                    yield "".join(body)
                body = []
            elif line.startswith("--- ") or line.startswith("## "):
                if body:
                    yield "".join(body)
                body = None
            elif body is not None:
                body.append(line)
        if body:
            yield "".join(body)


def seeds():
    script = list(case_bodies()) + [read(os.path.relpath(p, ROOT)) for p in glob.glob(os.path.join(ROOT, "examples/*.cpl"))]
    arithmetic = [lits[0] for line in read("Tests/CPLTests/Arithmetic/ArithmeticCases.swift").splitlines()
                  if "ArithmeticCase(" in line and (lits := literals(line))]
    arithmetic += [m.group(1) for body in script for m in re.finditer(r"\$\(\((.*?)\)\)", body)]
    glob_ = ["\0".join([lits[1], lits[0]]) for line in read("Tests/CPLTests/Expand/GlobPatternTests.swift").splitlines()
             if "MatchCase(" in line and len(lits := literals(line)) >= 2]
    printf = ["\0".join(lits) for line in read("Tests/CPLTests/Builtins/PrintfTests.swift").splitlines()
              if (lits := literals(line))]
    json = [lit for path in ["JSONParserTests", "JSONValueTests", "JSONNodeDifferentialTests", "JSONSerializerTests",
                             "JSONLineDecoderTests", "JSONCodableTests"]
            for line in read(f"Tests/ChildProcessTests/JSON/{path}.swift").splitlines() for lit in literals(line)]
    lines = ["\x03" + "\n".join(json[i:i + 4]) + "\n" for i in range(0, len(json), 4)]
    return {"script": script, "arithmetic": arithmetic, "glob": glob_, "printf": printf,
            "json-value": json, "json-lines": lines}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for harness, inputs in seeds().items():
        folder = os.path.join(sys.argv[1], harness)
        os.makedirs(folder, exist_ok=True)
        for text in inputs:
            data = text.encode("utf-8", errors="surrogateescape")
            with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
