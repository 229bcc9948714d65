"""Converts the nginx-502 scenarios to the log probe's captures (issue 14).

The error-log step's log probe now captures, from the lines of its classes in the window, the
upstreams of failed TLS handshakes, the requests whose headers did not fit and the addresses
nginx failed to connect to, and tls-scheme, header-buffers and upstream-targets read those
captures instead of the whole log. A scenario records the probe's output, so each recorded
error-log result gains the sections the probe writes (LogCaptureReport), computed from the
scenario's own example lines, and header-buffers' recorded requests take the form the step now
prints. A captured scenario keeps its `captured` mapping and says on its first line that it was
converted.

The example lines are the newest lines of a class. When they all name one value, every line of
the class is counted for it (the scenario was written about one upstream); when they name
several, each example counts once and the class's other lines are said to be older lines whose
value is not known, as the probe says of values it dropped.

    python3 Tests/scenarios/convert-log-captures.py runbooks/nginx-502.scenarios/*.yaml
"""

import json
import re
import sys

CAPTURES = [
    (["tls_upstreams"], ["ssl_failed"], r'upstream: "(?P<tls_upstreams>[a-z]+://[^/"]+)'),
    (["too_big_requests"], ["too_big"], r'request: "(?P<too_big_requests>[^"]*)"'),
    (["failed_upstreams"], ["refused_v6", "refused", "unreachable", "timeout_connect"],
     r'upstream: "[a-z]+://(?P<failed_upstreams>[^/"]+)'),
]
CLASS = re.compile(r"^(\w+): (\d+)(?: \(first \S+, last (\S+)\))?$")
STAMP = re.compile(r"^(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d) ")
CONVERTED = ("# Converted by Tests/scenarios/convert-log-captures.py (issue 14): the error-log result gained the log "
             "probe's captures, computed from its own example lines.\n")


def block(lines, start):
    """The literal block after the `output: |` line at `start`: its indent and end."""
    indent = len(lines[start]) - len(lines[start].lstrip()) + 2
    end = start + 1
    while end < len(lines) and (lines[end].strip() == "" or lines[end].startswith(" " * indent)):
        end += 1
    while end > start + 1 and lines[end - 1].strip() == "":
        end -= 1
    return indent, end


def sections(body):
    """The capture sections for a probe output's lines (without indent)."""
    classes = {}
    current = None
    for line in body:
        m = CLASS.match(line)
        if m:
            current = m.group(1)
            classes[current] = {"count": int(m.group(2)), "examples": []}
        elif line.startswith("  | ") and current:
            classes[current]["examples"].append(line[4:])
        else:
            current = None
    out = []
    for groups, names, pattern in CAPTURES:
        lines = sum(classes.get(n, {"count": 0})["count"] for n in names)
        found = []  # (time, value), oldest first within each class
        unmatched = 0
        for n in names:
            for example in classes.get(n, {"examples": []})["examples"]:
                m = re.search(pattern, example)
                s = STAMP.match(example)
                when = "%s-%s-%sT%s:%s:%sZ" % s.groups() if s else "unknown"
                if m:
                    found.append((when, m.group(groups[0])))
                else:
                    unmatched += 1
        values = {}
        for when, value in sorted(found):
            count, last = values.get(value, (0, when))
            values[value] = (count + 1, max(last, when))
        shown = len(found) + unmatched
        older = lines - shown
        if len(values) == 1 and unmatched == 0:
            only = next(iter(values))
            values[only] = (lines, values[only][1])
            older = 0
        entries = sorted(values.items(), key=lambda kv: kv[1][1], reverse=True)
        text = "captured %s from %s: %d lines, %d %s, newest first\n" % (
            ", ".join(groups), ", ".join(names), lines, len(entries), "value" if len(entries) == 1 else "values")
        for value, (count, last) in entries:
            text += "  %d (last %s) %s\n" % (count, last, json.dumps(value, ensure_ascii=False))
        if older > 0:
            text += "  %d lines of older values not kept\n" % older
        if unmatched > 0:
            text += "  %d lines without a match\n" % unmatched
        out += text.rstrip("\n").split("\n")
    return out


def convert(path):
    text = open(path).read()
    lines = text.split("\n")
    changed = False
    for i, line in enumerate(lines):
        if line != "  error-log:":
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith("output: |"):
            j += 1
        indent, end = block(lines, j)
        body = [l[indent:] for l in lines[j + 1:end]]
        if not body or not body[0].startswith("window ") or any(l.startswith("captured ") for l in body):
            break
        at = next(k for k, l in enumerate(body) if l.startswith("read "))
        body = body[:at] + sections(body) + body[at:]
        lines[j + 1:end] = [(" " * indent + l) if l else l for l in body]
        changed = True
        break
    # header-buffers prints the captured requests, newest first, instead of `uniq -c` counts.
    for i, line in enumerate(lines):
        if line != "  header-buffers:":
            continue
        j = i + 1
        while not lines[j].strip().startswith("output: |"):
            j += 1
        indent, end = block(lines, j)
        for k in range(j + 1, end):
            m = re.match(r"^( *)\s+\d+ (.*)$", lines[k])
            if m and lines[k].startswith(" " * (indent + 1)) and k > j + 1 and "did not fit" in "".join(lines[j + 1:k]):
                lines[k] = " " * indent + "  " + m.group(2)
                changed = True
    if changed:
        if lines[0].startswith("# Captured by") and not lines[1].startswith("# Converted"):
            lines.insert(1, CONVERTED.rstrip("\n"))
        open(path, "w").write("\n".join(lines))
    return changed


if __name__ == "__main__":
    for p in sys.argv[1:]:
        if convert(p):
            print("converted", p)
