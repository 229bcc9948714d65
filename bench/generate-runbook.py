#!/usr/bin/env python3
"""Writes a valid runbook of N steps to stdout, for the load-and-validate benchmark; with
`--patterns`, the distinct regexes that runbook holds instead, one a line (bench/regex_floor.swift
parses them, for what Swift's regex parser alone costs on them).

The shape is a long chain of checks, each with a command, a capture, a count and three
branches, with a question, an action and conclusions sprinkled in, so the validator's
reachability, loop, variable and regex passes all have real work to do.

Each capture is `NRestarts=(?<restarts_I>\\d+)`, which Medic reads without Swift's parser
(SimpleSyntax); with `--parsed`, `NRestarts=(?<restarts_I>\\d{1,9})`, whose brace quantifier
only Swift's parser reads, for what a runbook of patterns beyond that syntax costs.
"""
import sys

arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
n = int(arguments[0]) if arguments else 10000
digits = "\\d{1,9}" if "--parsed" in sys.argv[1:] else "\\d+"
if "--patterns" in sys.argv[1:]:
    # The same patterns as below: the input's, each check's capture, and the two every check repeats.
    patterns = ["^[a-z][a-z0-9-]*$", "^[A-Z]", "ActiveState=failed"]
    patterns += [f"NRestarts=(?<restarts_{i}>{digits})" for i in range(n - 2) if i % 50 not in (49, 24)]
    print("\n".join(patterns))
    sys.exit(0)
out = sys.stdout.write
out("medic: 1\nid: generated\ntitle: Generated benchmark runbook\n")
out("inputs:\n  service:\n    type: string\n    default: app\n    pattern: '^[a-z][a-z0-9-]*$'\n")
out("steps:\n")
for i in range(n - 2):
    nxt = f"s{i + 1}" if i + 1 < n - 2 else "done"
    if i % 50 == 49:
        out(f"""  s{i}:
    kind: action
    title: Restart number {i}
    why: Generated action {i}; restarts nothing real.
    command: ["systemctl", "restart", "${{service}}"]
    skip: {nxt}
    branches:
      - when: {{succeeded: true}}
        next: {nxt}
        because: restarted
      - otherwise: failed
        because: restart {i} failed
""")
    elif i % 50 == 24:
        out(f"""  s{i}:
    kind: question
    title: Question {i}?
    why: Generated question.
    options:
      - answer: go
        label: Go on
        next: {nxt}
      - answer: stop
        label: Stop here
        next: failed
""")
    else:
        out(f"""  s{i}:
    kind: check
    title: Check number {i}
    why: Generated check {i}; reads the state of ${{service}} and branches on it.
    command: ["systemctl", "show", "${{service}}", "--property=NRestarts"]
    capture: ['NRestarts=(?<restarts_{i}>{digits})']
    count:
      lines_{i}: '^[A-Z]'
    branches:
      - when: {{var: restarts_{i}, above: 3}}
        next: failed
        because: ${{service}} restarted ${{restarts_{i}}} times
      - when: {{matches: 'ActiveState=failed'}}
        next: failed
        because: the unit failed
      - otherwise: {nxt}
        because: all fine at {i}
""")
out("""  done:
    kind: conclusion
    title: Done
    why: The end.
    outcome: no-fault
    cause: none
  failed:
    kind: conclusion
    title: Failed
    why: The end.
    outcome: escalate
    cause: upstream-crashed
causes:
  none:
    title: No cause found
    description: Every generated check passed.
  upstream-crashed:
    title: The service fails by itself
    description: A generated restart failed.
""")
