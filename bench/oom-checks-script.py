"""Reads a `medic run` journal and writes the checks it ran before its first action as a plain
shell script, one after another, with the environment Medic gave them (inputs in upper case,
durations also in seconds; HTTP checks become curl). The script (for bash) adds up the time its
checks took, with bash's own clock, into $OUT/checks-ms. Prints how many milliseconds after
START_MS (the epoch time medic was started at) Medic entered that first action (its time to the
diagnosis), how many of those milliseconds its checks took, and how many checks there were.

    python3 bench/oom-checks-script.py JOURNAL START_MS SCRIPT
"""
import datetime
import json
import re
import shlex
import sys

journal, start_ms, script_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
events = [json.loads(line) for line in open(journal) if line.endswith("\n")]
first_action = next((e for e in events if e["event"] == "step" and e["kind"] == "action"), None)
if first_action is None:
    sys.exit(f"{journal}: medic proposed no action, so it did not diagnose the oom")
stamp = datetime.datetime.strptime(first_action["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
elapsed = int(stamp.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000) - start_ms

env = {}
for value in next(e for e in events if e["event"] == "start")["inputs"]:
    if value["secret"]:
        continue  # no check before the first action reads the password
    env[value["name"].upper()] = value["value"]
    span = re.fullmatch(r"(\d+)(s|m|h)", value["value"])
    if value["name"] == "error_window" and span:
        env["ERROR_WINDOW_SECONDS"] = str(int(span[1]) * {"s": 1, "m": 60, "h": 3600}[span[2]])

checks_ms = sum(e["duration_milliseconds"] for e in events if e["event"] == "result" and e["seq"] < first_action["seq"])

lines = ["#!/bin/bash", f"# the checks of {journal} before its first action, one after another"]
lines += [f"export {name}={shlex.quote(value)}" for name, value in sorted(env.items())]
runs = [e for e in events if e["event"] == "run" and e["seq"] < first_action["seq"]]
lines.append("checks=0")
for number, run in enumerate(runs, 1):
    log = f'"$OUT/{number:03d}.log"'
    http = re.fullmatch(r"(GET|HEAD) (https?://\S+)", run["display"])
    lines.append(f"# {run['step_id']}")
    lines.append("t=${EPOCHREALTIME/./}")
    if http:
        lines.append(f"curl -s -o {log} -X {http[1]} --max-time 20 {shlex.quote(http[2])}")
    else:
        lines.append(f"/bin/sh -c {shlex.quote(run['display'])} >{log} 2>&1")
    lines.append("checks=$((checks + ${EPOCHREALTIME/./} - t))")
lines.append('echo $((checks / 1000)) >"$OUT/checks-ms"')
with open(script_path, "w") as script:
    script.write("\n".join(lines) + "\n")
print(elapsed, checks_ms, len(runs))
