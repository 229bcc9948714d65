#!/usr/bin/env python3
"""Differential test of Medic's YAML reader against PyYAML.

Usage: differential.py DUMP [FILE...]
  DUMP is the medic-yaml-dump tool (Tests/medic-yaml-dump); FILEs default to every shipped runbook
  and scenario (runbooks/**/*.yaml). A corpus of generated documents is added to them: scalars of
  every style, quoting and escapes, block scalars with chomping and indentation indicators, flow
  collections, comments, unicode, and the plain forms of numbers, booleans and null; half of them
  also mutated a character or two, and each FILE mutated five times.

For each input, Medic must give the same tree (every scalar's text and style, every mapping's pairs
in order) as PyYAML, or refuse the input with a location inside it. It fails when:
  - both read the input and the trees differ (a silently different value);
  - Medic reads an input that PyYAML refuses as not YAML;
  - Medic's refusal is not located inside the input;
  - Medic refuses, PyYAML reads, and the refusal is not one of what Medic's subset leaves out
    on purpose (anchors, aliases, tags, complex keys, directives, several documents, duplicate
    keys, tabs as indentation, keys over several lines or as collections, documents markers
    inside collections, control characters PyYAML lets through);
  - Medic's decoders type a plain scalar (null, boolean, whole number) other than YAML 1.2's core
    schema does. PyYAML resolves types by YAML 1.1 (yes/no, 010 octal), so the core schema's
    rules (YAML 1.2.2, section 10.3.2) are written out below.

Every failure lists the input and both readings. Exit status 0 when all agree.
"""
import glob
import json
import os
import random
import re
import subprocess
import sys
import tempfile

import yaml

# What Medic's subset refuses on purpose, by the words of its messages.
SUBSET = [
    "anchors and aliases are not allowed", "tags are not allowed", "complex keys", "directives",
    "holds one YAML document", "duplicate key", "indented with a tab", "must fit on one line",
    "cannot be a key", "must be on one line", "document marker cannot appear", "control character",
    "cannot be inside [ ] or { }",
    # Not YAML 1.2 either, though PyYAML reads them: leading empty lines of a block scalar with
    # more spaces than its text (section 8.1.1.1); a block scalar that starts on the line after
    # its key, no more indented than the key (s-l+block-scalar needs the indentation n+1).
    "an empty line at the start of this block scalar has more spaces than its first line",
    "a key cannot start with '>' unless it is quoted", "a key cannot start with '|' unless it is quoted",
]

CORE_NULL = re.compile(r"^(?:null|Null|NULL|~|)$")
CORE_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
CORE_INT = re.compile(r"^[-+]?[0-9]+$")


def pyyaml_tree(text):
    """('tree', TREE), ('empty', None), ('error', MESSAGE) or ('deviation', MESSAGE) when PyYAML
    refuses what YAML 1.2 allows, in the ways PyYAML is known to (it follows YAML 1.1 there):
      - a tab that does not indent: inside a line, before a comment, on a line of blanks, on
        the lines inside [ ] or { } (YAML 1.2 separates with tabs as with spaces);
      - a stream of only '...' and comments (YAML 1.2: no document);
      - '?' or ':' inside [ ] or { } where they do not start a key or a value (PyYAML takes them
        as indicators; in YAML 1.2 they are text: [:x], {url: http://h/p?q}, [a ? b]).
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        message = str(error).replace("\n", " ")
        mark = getattr(error, "problem_mark", None)
        if mark is not None and mark.index < len(text):
            line_start = text.rfind("\n", 0, mark.index) + 1
            character = text[mark.index]
            following = text[mark.index + 1:mark.index + 2]
            before = text[line_start:mark.index]
            if character == "\t" and before.strip(" \t"):
                return "deviation", message
            if character == "\t" and "cannot start any token" in message:
                # A tab before the first character of a line: where it only separates (a line of
                # blanks or a comment, the lines inside [ ] or { }) YAML 1.2 takes it as a space
                # would be; read it as one. Where it would indent, Medic refuses it.
                return pyyaml_tree(text[:mark.index] + " " + text[mark.index + 1:])
            if "found '<document end>'" in message and not re.sub(r"(?m)^[ \t]*(#.*)?$", "", text[:mark.index]).strip():
                # A stream of only '...' (and comments) holds no document in YAML 1.2.
                return "empty", None
            if character == ":" and following not in ("", " ", "\t", "\r", "\n") and "flow" in message:
                return "deviation", message
            if character == "?" and "flow" in message:
                entry_start = text[:mark.index].rstrip(" \t\r\n")[-1:] in ("", "[", "{", ",")
                if following not in ("", " ", "\t", "\r", "\n") or not entry_start:
                    return "deviation", message
        return "error", message
    return ("empty", None) if node is None else ("tree", convert(node))


def convert(node):
    if isinstance(node, yaml.ScalarNode):
        return {"scalar": node.value, "style": node.style or "plain"}
    if isinstance(node, yaml.SequenceNode):
        return {"sequence": [convert(item) for item in node.value]}
    return {"mapping": [[convert(k), convert(v)] for k, v in node.value]}


def structure(tree):
    """Medic's tree without the decoders' typed readings."""
    if "scalar" in tree:
        return {"scalar": tree["scalar"], "style": tree["style"]}
    if "sequence" in tree:
        return {"sequence": [structure(item) for item in tree["sequence"]]}
    return {"mapping": [[structure(k), structure(v)] for k, v in tree["mapping"]]}


def first_difference(a, b, where):
    """The first place where two trees differ: (where, a's node there, b's node there)."""
    if "sequence" in a and "sequence" in b and len(a["sequence"]) == len(b["sequence"]):
        for n, (x, y) in enumerate(zip(a["sequence"], b["sequence"])):
            if x != y:
                return first_difference(x, y, f"{where}, item {n + 1}")
    if "mapping" in a and "mapping" in b and len(a["mapping"]) == len(b["mapping"]):
        for (ka, va), (kb, vb) in zip(a["mapping"], b["mapping"]):
            if ka != kb:
                return first_difference(ka, kb, f"{where}, a key")
            if va != vb:
                return first_difference(va, vb, f"{where}, key {ka.get('scalar')!r}")
    return where, a, b


def typing_problems(tree, out):
    """Plain scalars that Medic's decoders type other than YAML 1.2's core schema does."""
    if "scalar" in tree:
        text, plain = tree["scalar"], tree["style"] == "plain"
        if plain and tree["null"] != bool(CORE_NULL.match(text)):
            out.append(f"plain {text!r}: Medic reads it as {'null' if tree['null'] else 'text'}, YAML 1.2 as "
                       f"{'null' if CORE_NULL.match(text) else 'not null'}")
        if not plain and tree["null"]:
            out.append(f"{tree['style']} {text!r}: Medic reads a quoted or block value as null")
        if plain and tree["bool"] is not None and CORE_BOOL.get(text) != tree["bool"]:
            out.append(f"plain {text!r}: Medic reads the boolean {tree['bool']}, YAML 1.2 {CORE_BOOL.get(text, 'no boolean')}")
        if plain and tree["int"] is not None and (not CORE_INT.match(text) or int(text) != tree["int"]):
            out.append(f"plain {text!r}: Medic reads the number {tree['int']}, YAML 1.2 {int(text) if CORE_INT.match(text) else 'no integer'}")
    elif "sequence" in tree:
        for item in tree["sequence"]:
            typing_problems(item, out)
    else:
        for k, v in tree["mapping"]:
            typing_problems(k, out)
            typing_problems(v, out)
    return out


def comment_without_blank(error, text):
    """Whether Medic refused a '#' right after a quote, a bracket or a ',': YAML 1.2 starts a
    comment only after a blank (and no value starts with '#'), where PyYAML takes it as one."""
    lines = lines_of(text)
    line = lines[error["line"] - 1]
    column = error["column"] - 1
    return line[column:column + 1] == "#" and column > 0 and line[column - 1] in "[]{},'\""


def lines_of(text):
    return re.split(r"\r\n|\r|\n", text)


def located_inside(error, text):
    lines = lines_of(text)
    line, column = error["line"], error["column"]
    if not 1 <= line <= len(lines):
        return False
    return 1 <= column <= len(lines[line - 1]) + 1


# --- the generated corpus -------------------------------------------------------------------

PLAIN = [
    "a", "word", "two words", "a#b", "a #b", "#x", "x#", "issue#12", "a:b", "a: b", "http://h:8/p?q=1#f", "-x", "- x", "?x", "? x",
    ":x", "a -b", "%x", "@x", "`x", "!x", "&x", "*x", "|x", ">x", "x|", "x>", "a,b", "[x", "x]", "{x", "x}", "é", "😀 ok", "ü:ber",
    "0", "-1", "+5", "007", "010", "0x1F", "0o17", "1_000", "1.5", ".5", "1.", "1e3", "-.inf", ".NaN", "true", "True", "TRUE",
    "false", "FALSE", "yes", "No", "on", "OFF", "y", "n", "~", "null", "Null", "NULL", "nil", "", "2001-12-14", "1:20", "a'b", 'a"b',
    "x\\y", "tab\tin", "trailing ", "  lead", "...", "---", "a...b", "-", "--", "---x", "a:", "a::b", "x: ",
]
DQ_ESCAPES = ["\\n", "\\t", "\\x41", "\\u00e9", "\\U0001F600", "\\/", "\\ ", "\\_", "\\N", "\\L", "\\P", "\\e", "\\0", "\\\\",
              "\\\"", "\\'", "\\q", "\\x4", "\\\n  ", "\\\t", "\\a", "\\v", "\\b", "\\f", "\\r"]
KEYS = ["id", "title", "a", "b", "key with space", "k#1", "é", "1", "true", "null", "-k", "'q'", "\"d\"", "k:v"]


def scalar_text(rng):
    if rng.random() < 0.6:
        return rng.choice(PLAIN)
    return " ".join(rng.choice(PLAIN) for _ in range(rng.randint(1, 3)))


def render_scalar(rng, indent, in_flow):
    """A scalar in a random style, as text that continues the current line."""
    text = scalar_text(rng)
    style = rng.choice(["plain", "plain", "single", "double", "block"] if not in_flow else ["plain", "plain", "single", "double"])
    if style == "plain":
        out = text
        if rng.random() < 0.15:  # a plain scalar over several lines
            out += "\n" + " " * (indent + 2) + rng.choice(PLAIN) + rng.choice(["", "\n\n" + " " * (indent + 2) + "more"])
        return out
    if style == "single":
        body = text.replace("'", "''") if rng.random() < 0.9 else text
        if rng.random() < 0.2:
            body += "\n" + " " * (indent + 1) + rng.choice(["next", "", "  deep"]) + rng.choice(["", "\n\n" + " " * (indent + 1) + "x"])
        return "'" + body + "'"
    if style == "double":
        body = text.replace("\\", "\\\\").replace('"', '\\"') if rng.random() < 0.9 else text
        for _ in range(rng.randint(0, 3)):
            at = rng.randint(0, len(body))
            body = body[:at] + rng.choice(DQ_ESCAPES) + body[at:]
        if rng.random() < 0.2:
            body += "\n" + " " * (indent + 1) + rng.choice(["next", "", "  deep"]) + "\n"
        return '"' + body + '"'
    header = rng.choice(["|", ">"]) + rng.choice(["", "", "-", "+"])
    if rng.random() < 0.2:
        header = header[0] + str(rng.randint(1, 3)) + header[1:] if rng.random() < 0.5 else header + str(rng.randint(1, 3))
    if rng.random() < 0.2:
        header += " # note"
    base = indent + rng.choice([2, 2, 1, 4])
    lines = []
    for _ in range(rng.randint(0, 5)):
        kind = rng.random()
        if kind < 0.15:
            lines.append("")
        elif kind < 0.25:
            lines.append(" " * base + "  " + rng.choice(PLAIN))
        elif kind < 0.3:
            lines.append(" " * (base + rng.randint(1, 3)))
        elif kind < 0.33:
            lines.append(" " * base + "\t" + "tabbed")
        else:
            lines.append(" " * base + scalar_text(rng))
    return header + "".join("\n" + line for line in lines) + rng.choice(["", "\n", "\n\n"])


def render_flow(rng, depth):
    if depth > 2 or rng.random() < 0.5:
        scalar = render_scalar(rng, 0, True)
        # PyYAML reads '?x' in flow as a key '? x' (YAML 1.1); YAML 1.2 reads the text '?x'.
        return scalar if not scalar.startswith("?") else "x" + scalar
    space = lambda: rng.choice(["", " ", " ", "\n  ", " # c\n  "])
    if rng.random() < 0.5:
        items = [render_flow(rng, depth + 1) for _ in range(rng.randint(0, 3))]
        return "[" + space() + ("," + space()).join(items) + rng.choice(["", ",", " "]) + "]"
    keys = rng.sample(KEYS, rng.randint(0, 3))
    pairs = [k + rng.choice([": ", ":", " : "]) + render_flow(rng, depth + 1) if rng.random() < 0.9 else k for k in keys]
    return "{" + space() + ("," + space()).join(pairs) + "}"


def render_block(rng, indent, depth):
    """A block mapping or sequence starting at a fresh line indented by `indent`."""
    pad = " " * indent
    out = []
    if rng.random() < 0.5 or depth == 0:
        for key in rng.sample(KEYS, rng.randint(1, 4)):
            out.append(pad + key + ":" + value_after_indicator(rng, indent, depth, key=True))
    else:
        for _ in range(rng.randint(1, 3)):
            out.append(pad + "-" + value_after_indicator(rng, indent, depth, key=False))
    if rng.random() < 0.3:
        out.insert(rng.randint(0, len(out)), rng.choice(["", pad + "# a comment", "#top", "   # indented comment"]))
    return "\n".join(out)


def value_after_indicator(rng, indent, depth, key):
    roll = rng.random()
    if depth < 3 and roll < 0.25:
        step = rng.choice([2, 2, 4, 1]) if key else rng.choice([2, 2, 0])
        child = indent + step if step else indent
        return rng.choice(["", " # c"]) + "\n" + render_block(rng, child, depth + 1)
    if depth < 3 and roll < 0.35:
        return " " + render_flow(rng, 0)
    if roll < 0.4:
        return rng.choice(["", " ", " # empty"])
    return " " + render_scalar(rng, indent, False) + rng.choice(["", "", " # c", "  #c", "#c"])


def mutate(rng, text):
    chars = list(text)
    for _ in range(rng.randint(1, 2)):
        at = rng.randint(0, len(chars))
        piece = rng.choice([" ", "\n", "#", ":", "-", "'", '"', "\\", "\t", "[", "]", "{", "}", ",", "|", ">", "é", "  ", "x"])
        op = rng.random()
        if op < 0.4:
            chars[at:at] = piece
        elif op < 0.7 and at < len(chars):
            del chars[at]
        elif at < len(chars):
            chars[at] = piece
    return "".join(chars)


def corpus(seed, count):
    rng = random.Random(seed)
    texts = []
    for n in range(count):
        text = rng.choice(["", "---\n", "--- # doc\n"]) + render_block(rng, 0, 0) + rng.choice(["\n", "", "\n...\n", "\n\n# end\n"])
        texts.append(text)
        if n % 2 == 0:
            texts.append(mutate(rng, text))
    return texts


# --- the comparison ---------------------------------------------------------------------------

def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    dump, files = sys.argv[1], sys.argv[2:]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if not files:
        files = sorted(glob.glob(os.path.join(root, "runbooks", "**", "*.yaml"), recursive=True))
    shipped = len(files)
    seed = int(os.environ.get("MEDIC_YAML_SEED", "12"))
    count = int(os.environ.get("MEDIC_YAML_COUNT", "4000"))
    with tempfile.TemporaryDirectory(prefix="medic-yaml-") as folder:
        generated = corpus(seed, count)
        # Shipped files with a character or two changed: near-valid documents of the real shape.
        rng = random.Random(seed)
        for path in files[:shipped]:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            generated += [mutate(rng, text) for _ in range(5)]
        for n, text in enumerate(generated):
            path = os.path.join(folder, f"generated-{n:05}.yaml")
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            files.append(path)
        readings = {}
        for start in range(0, len(files), 500):
            done = subprocess.run([dump] + files[start:start + 500], check=True, capture_output=True)
            for line in done.stdout.decode("utf-8").split("\n")[:-1]:
                reading = json.loads(line)
                readings[reading["file"]] = reading
        failures = []
        deviations = [0]
        tally = {}
        for path in files:
            with open(path, "rb") as handle:
                raw = handle.read()
            text = raw.decode("utf-8")
            theirs = pyyaml_tree(text)
            if theirs[0] == "deviation":
                deviations[0] += 1
            failure = compare(text, readings[path], theirs)
            if not failure:
                both = "error" not in readings[path]
                if theirs[0] == "deviation":
                    outcome = "deviation"
                else:
                    outcome = "same" if both else ("both refuse" if theirs[0] == "error" else "subset")
                tally[outcome] = tally.get(outcome, 0) + 1
            if failure:
                name = os.path.relpath(path, root) if path.startswith(root) else os.path.basename(path)
                failures.append(f"--- {name} ({failure[0]})\ninput: {text!r}\nMedic:  {failure[1]}\nPyYAML: {failure[2]}")
    for failure in failures:
        print(failure)
    total = len(files)
    print(f"{shipped} shipped files and {total - shipped} generated or mutated documents (seed {seed}); "
          f"{deviations[0]} of them PyYAML refuses where YAML 1.2 allows them (not compared)")
    print(f"read alike: {tally.get('same', 0)}; refused by both: {tally.get('both refuse', 0)}; "
          f"refused by Medic as outside its subset: {tally.get('subset', 0)}")
    print(f"{total - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


def compare(text, medic, theirs):
    """None when Medic's reading of `text` is acceptable; else (why, Medic's, PyYAML's)."""
    kind, value = theirs
    if "error" in medic:
        error = medic["error"]
        shown = f"refused at {error['line']}:{error['column']}: {error['message']}"
        if not located_inside(error, text):
            return "the refusal is not located inside the input", shown, value if kind in ("error", "deviation") else json.dumps(value)
        if kind in ("tree", "empty") and comment_without_blank(error, text):
            return None
        if kind in ("tree", "empty") and not any(reason in error["message"] for reason in SUBSET):
            if kind == "empty" and "the file is empty" in error["message"]:
                return None
            return "Medic refuses YAML outside what its subset leaves out", shown, json.dumps(value, ensure_ascii=False)
        return None
    if kind == "deviation":
        return None
    if kind == "error":
        return "Medic reads what is not YAML", json.dumps(medic.get("tree"), ensure_ascii=False), value
    if "empty" in medic or kind == "empty":
        if "empty" in medic and kind == "empty":
            return None
        return "one reads a document, the other none", json.dumps(medic, ensure_ascii=False), json.dumps(value, ensure_ascii=False)
    ours = structure(medic["tree"])
    if ours != value:
        where, a, b = first_difference(ours, value, "the document")
        return (f"different values, first at {where}", json.dumps(a, ensure_ascii=False) + "\n  whole: " + json.dumps(ours, ensure_ascii=False),
                json.dumps(b, ensure_ascii=False) + "\n  whole: " + json.dumps(value, ensure_ascii=False))
    problems = typing_problems(medic["tree"], [])
    if problems:
        return "types other than YAML 1.2's core schema", "; ".join(problems), json.dumps(value, ensure_ascii=False)
    return None


if __name__ == "__main__":
    sys.exit(main())
