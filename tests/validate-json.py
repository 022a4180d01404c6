#!/usr/bin/python3
"""Validate JSON documents, one per line of standard input, against one of
numamem's schemas (draft 2020-12) with Debian's python3-jsonschema.

    validate-json.py SCHEMA-DIR SCHEMA-FILE [--strict] < documents

--strict also refuses any property the schema does not list: the
published schemas let version 1 grow, the tests make sure every field
numamem prints is documented.  Exit 0 when every line is valid, 1 with one
line per error otherwise, 2 when the schemas themselves are invalid."""
import copy
import json
import pathlib
import sys

import jsonschema


def strict(node):
    """additionalProperties: false wherever properties are listed."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            strict(value)
    elif isinstance(node, list):
        for value in node:
            strict(value)
    return node


def main():
    directory, name = pathlib.Path(sys.argv[1]), sys.argv[2]
    schemas = {}
    for path in sorted(directory.glob("*.schema.json")):
        schema = json.loads(path.read_text())
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as e:
            print(f"{path.name}: not a valid schema: {e.message}")
            return 2
        if "--strict" in sys.argv[3:]:
            schema = strict(copy.deepcopy(schema))
        schemas[path.name] = schema
    store = {s["$id"]: s for s in schemas.values()}
    root = schemas[name]
    resolver = jsonschema.RefResolver(base_uri=root["$id"], referrer=root, store=store)
    validator = jsonschema.Draft202012Validator(root, resolver=resolver)
    errors = 0
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except json.JSONDecodeError as e:
            print(f"line {number}: not JSON: {e}")
            errors += 1
            continue
        for error in validator.iter_errors(document):
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"line {number}: {where or '(top)'}: {error.message}")
            errors += 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
