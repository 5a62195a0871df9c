"""mrsim schema --json: a valid draft 2020-12 JSON Schema that accepts every shipped scenario and rejects bad ones.
Run with Debian's python3 and python3-jsonschema: json_schema.py MRSIM SOURCE_DIR."""
import copy
import glob
import json
import subprocess
import sys

import jsonschema

mrsim, source = sys.argv[1], sys.argv[2]
schema = json.loads(subprocess.run([mrsim, "schema", "--json"], check=True, capture_output=True, text=True).stdout)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = 0

for path in sorted(glob.glob(source + "/scenarios/*.json")):
    errors = [e.message for e in validator.iter_errors(json.load(open(path)))]
    if errors:
        failures += 1
        print("FAIL: a shipped scenario is rejected:", path, errors[:3])
    else:
        print("ok: accepts", path.split("/")[-1])

flagship = json.load(open(source + "/scenarios/active-passive-dns.json"))


def mutated(change):
    doc = copy.deepcopy(flagship)
    change(doc)
    return doc


bad = {
    "an unknown key": lambda d: d.update(colour="blue"),
    "an unknown key in a region": lambda d: d["regions"][0].update(colour="blue"),
    "a duration without a unit": lambda d: d["routing"].update(ttl=60),
    "a duration with an unknown unit": lambda d: d["routing"].update(ttl="60 parsecs"),
    "a negative duration": lambda d: d["health_check"].update(interval="-10s"),
    "a probability above 1": lambda d: d["clients"][0].update(read_fraction=1.5),
    "a value not in the enum": lambda d: d["database"].update(topology="sharded"),
    "a count below its range": lambda d: d["clients"][0].update(count=0),
    "a fault kind that does not exist": lambda d: d["faults"][0].update(kind="meteor"),
    "no regions": lambda d: d.pop("regions"),
    "a bad expectation": lambda d: d.update(expect={"rto_s": "about 300"}),
    "a bandwidth without a unit": lambda d: d["links"][0].update(bandwidth="fast"),
}
for what, change in bad.items():
    if validator.is_valid(mutated(change)):
        failures += 1
        print("FAIL: accepts", what)
    else:
        print("ok: rejects", what)

good = {
    "a statistic over seeds": lambda d: d.update(expect={"rto_s": "p95 over seeds 1..20 <= 300"}),
    "a signed clock step": lambda d: d["faults"].append(
        {"at": "1m", "kind": "clock_skew", "region": "us-east-1", "offset": "-500ms"}),
}
for what, change in good.items():
    errors = [e.message for e in validator.iter_errors(mutated(change))]
    if errors:
        failures += 1
        print("FAIL: rejects", what, errors[:3])
    else:
        print("ok: accepts", what)

sys.exit(1 if failures else 0)
