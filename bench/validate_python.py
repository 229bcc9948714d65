"""The alternative that bench/validate-shipped.sh compares Medic with: every file read with
PyYAML's `yaml.safe_load` and checked against docs/runbook.schema.json with `jsonschema` (draft
2020-12), as an editor or a CI job without Medic would check a runbook. It checks the shape only:
no step references, reachability, variables or regexes, which `medic validate` checks too.

    python bench/validate_python.py FILE...      (exit 0 when every file is valid, 1 when not)
"""

import json
import os
import sys

import jsonschema
import yaml

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(root, "docs", "runbook.schema.json")) as f:
    validator = jsonschema.Draft202012Validator(json.load(f))
problems = 0
for path in sys.argv[1:]:
    with open(path) as f:
        document = yaml.safe_load(f)
    for error in validator.iter_errors(document):
        problems += 1
        print(f"{path}: {error.json_path}: {error.message}", file=sys.stderr)
sys.exit(1 if problems else 0)
