"""Writes the JSON schemas in ``schemas/`` that the offline manifest check validates against.

Run by hand when a Kubernetes, Strimzi or CloudNativePG version changes; the check itself
never reaches the network, so the schemas are kept in the repository. Sources:

* Kubernetes: the ``local-strict`` schemas of the ``kubernetes-validate`` wheel (PyPI), one
  file per kind plus ``_definitions.json``; each kind is written standalone, with only the
  definitions it reaches.
* Strimzi and CloudNativePG: the ``openAPIV3Schema`` of their CRDs, made strict (an object
  with listed properties takes no others) as the API server's structural pruning would
  silently drop a misspelled field instead of refusing it.

Descriptions and CEL rules are dropped: the check needs the shape, not the prose.

    .venv/bin/python deploy/kubernetes/build_schemas.py \\
        --k8s DIR/kubernetes-json-schema/v1.33.0-local-strict \\
        --crd path/to/040-Crd-kafka.yaml --crd ... --out deploy/kubernetes/schemas
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import yaml

#: The core kinds the chart renders (file names as kubeconform's ``{{ .ResourceKind }}
#: {{ .KindSuffix }}`` spells them).
K8S_KINDS = (
    "deployment-apps-v1",
    "service-v1",
    "poddisruptionbudget-policy-v1",
    "networkpolicy-networking-v1",
    "horizontalpodautoscaler-autoscaling-v2",
)
DRAFT = "https://json-schema.org/draft/2020-12/schema"
_DEFS_REF = re.compile(r"^(?:/api/_definitions\.json)?#/\$defs/(.+)$")


def _strip(node: Any) -> Any:
    """The node without prose, its references pointing into the same file."""
    if isinstance(node, list):
        return [_strip(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strip(v) for k, v in node.items() if k not in ("description", "$id")}
    if isinstance(out.get("$ref"), str):
        found = _DEFS_REF.match(out["$ref"])
        if found:
            out["$ref"] = f"#/$defs/{found.group(1)}"
    return out


def _refs(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_refs(n) for n in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set().union(*(_refs(v) for v in node.values())) if node else set()
    ref = node.get("$ref")
    if isinstance(ref, str) and (match := _DEFS_REF.match(ref)):
        found.add(match.group(1))
    return found


def k8s_schema(kind_file: Path, definitions: dict[str, Any]) -> dict[str, Any]:
    """One kind's strict schema with the definitions it reaches, in one file."""
    root = _strip(json.loads(kind_file.read_text()))
    wanted, todo = {}, sorted(_refs(root))
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted[name] = _strip(definitions[name])
            todo.extend(_refs(wanted[name]) - wanted.keys())
    return {**root, "$schema": DRAFT, "$defs": dict(sorted(wanted.items()))}


def _strict(node: Any) -> Any:
    """An openAPIV3Schema node as JSON schema: typed nulls, int-or-string, no unknown keys."""
    if isinstance(node, list):
        return [_strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {
        k: _strict(v)
        for k, v in node.items()
        if k != "description" and not k.startswith("x-kubernetes-") and k != "nullable"
    }
    if node.get("x-kubernetes-int-or-string"):
        out.pop("anyOf", None)
        out["type"] = ["integer", "string"]
    if node.get("nullable") and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    opened = node.get("x-kubernetes-preserve-unknown-fields") or "additionalProperties" in node
    if "properties" in node and not opened:
        out["additionalProperties"] = False
    return out


def crd_schemas(crd_file: Path) -> dict[str, dict[str, Any]]:
    """``{file stem: schema}`` for every served version of the CRD(s) in ``crd_file``."""
    found = {}
    for crd in yaml.safe_load_all(crd_file.read_text()):
        if not crd or crd.get("kind") != "CustomResourceDefinition":
            continue
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if not version.get("served"):
                continue
            schema = _strict(version["schema"]["openAPIV3Schema"])
            schema["properties"]["apiVersion"] = {"enum": [f"{group}/{version['name']}"]}
            schema["properties"]["kind"] = {"enum": [kind]}
            schema["required"] = sorted({*schema.get("required", ()), "apiVersion", "kind"})
            stem = f"{kind.lower()}-{group.split('.')[0]}-{version['name']}"
            found[stem] = {"$schema": DRAFT, **schema}
    return found


def _write(out: Path, stem: str, schema: dict[str, Any]) -> None:
    text = json.dumps(schema, indent=1, sort_keys=True, ensure_ascii=False)
    (out / f"{stem}.json").write_text(text + "\n")


def main() -> None:
    """Writes every schema named by the arguments into ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k8s", type=Path, required=True, help="a *-local-strict folder")
    parser.add_argument("--crd", type=Path, action="append", default=[], help="a CRD file")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    definitions = json.loads((args.k8s / "_definitions.json").read_text())["$defs"]
    for stem in K8S_KINDS:
        _write(args.out, stem, k8s_schema(args.k8s / f"{stem}.json", definitions))
    for crd_file in args.crd:
        for stem, schema in crd_schemas(crd_file).items():
            _write(args.out, stem, schema)


if __name__ == "__main__":
    main()
