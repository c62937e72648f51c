#!/usr/bin/env python3
"""The public API of a crate, one item a line, from rustdoc's JSON: every item a user of the
crate can name (modules, types, functions, constants, macros, enum variants, struct fields,
inherent methods, trait methods), reached from the crate root through public modules and
re-exports. A re-exported crate is listed as one line: its own API is its own snapshot.

    public_api.py target/doc/aurora_migrate.json > crates/engine/public-api.txt
"""
import json
import sys


def api(path):
    doc = json.load(open(path))
    index = doc["index"]
    crate = doc["paths"][str(doc["root"])]["path"][0] if str(doc["root"]) in doc["paths"] else "crate"
    lines = set()
    seen = set()

    def item(i):
        return index.get(str(i))

    def walk(item_id, prefix, name=None):
        it = item(item_id)
        if it is None:
            # An item of another crate, re-exported: named, not expanded.
            lines.add(f"extern {prefix}")
            return
        kind = next(iter(it["inner"]))
        body = it["inner"][kind]
        if (item_id, prefix) in seen:
            return
        seen.add((item_id, prefix))
        if kind == "module":
            lines.add(f"mod {prefix}")
            for child in body["items"]:
                member(child, prefix)
        elif kind in ("struct", "enum", "union", "trait"):
            lines.add(f"{kind} {prefix}")
            if kind == "struct":
                fields = body["kind"].get("plain", {}).get("fields", []) if isinstance(body["kind"], dict) else []
                for field in fields:
                    f = item(field)
                    if f and f["visibility"] == "public":
                        lines.add(f"field {prefix}.{f['name']}")
            if kind == "enum":
                for variant in body["variants"]:
                    lines.add(f"variant {prefix}::{item(variant)['name']}")
            if kind == "trait":
                for method in body["items"]:
                    lines.add(f"trait-item {prefix}::{item(method)['name']}")
            for impl_id in body.get("impls", []):
                impl = item(impl_id)["inner"]["impl"]
                if impl["trait"] is not None or impl["is_synthetic"] or impl["blanket_impl"] is not None:
                    continue
                for method in impl["items"]:
                    m = item(method)
                    if m["visibility"] == "public":
                        lines.add(f"{next(iter(m['inner']))} {prefix}::{m['name']}")
        else:
            lines.add(f"{kind} {prefix}")

    def member(child, prefix):
        it = item(child)
        if it is None or it["visibility"] != "public":
            return
        kind = next(iter(it["inner"]))
        if kind == "use":
            use = it["inner"]["use"]
            if use["id"] is None:
                return
            if use["is_glob"]:
                target = item(use["id"])
                if target is not None and "module" in target["inner"]:
                    for grandchild in target["inner"]["module"]["items"]:
                        member(grandchild, prefix)
                else:
                    lines.add(f"extern {prefix}::*")
                return
            walk(use["id"], f"{prefix}::{use['name']}")
        elif kind == "impl":
            return
        else:
            walk(child, f"{prefix}::{it['name']}")

    walk(doc["root"], crate)
    return sorted(lines)


if __name__ == "__main__":
    for line in api(sys.argv[1]):
        print(line)
