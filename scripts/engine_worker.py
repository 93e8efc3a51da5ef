#!/usr/bin/env python3
"""Write dist/engine-worker.js from web/engine-worker.js for this build.

Usage: scripts/engine_worker.py DIST

The page's engine workers run the page's own module: trunk names its
JavaScript glue and WebAssembly with a content hash (lab-HASH.js,
lab-HASH_bg.wasm), and the worker script imports exactly those. Run after
trunk and before scripts/service_worker.py, which lists the file.
"""
import pathlib
import sys

TEMPLATE = pathlib.Path(__file__).resolve().parent.parent / "web" / "engine-worker.js"


def only(dist, pattern):
    found = sorted(p.name for p in dist.glob(pattern))
    if len(found) != 1:
        sys.exit(f"engine_worker.py: expected one {pattern} in {dist}, found {found}")
    return found[0]


def main():
    dist = pathlib.Path(sys.argv[1])
    wasm = only(dist, "lab-*_bg.wasm")
    glue = wasm.removesuffix("_bg.wasm") + ".js"
    if not (dist / glue).is_file():
        sys.exit(f"engine_worker.py: {glue} (the glue of {wasm}) is missing")
    text = TEMPLATE.read_text()
    for key, value in {"__LAB_GLUE__": glue, "__LAB_WASM__": wasm}.items():
        assert key in text, f"{TEMPLATE} has no {key}"
        text = text.replace(key, value)
    (dist / "engine-worker.js").write_text(text)


if __name__ == "__main__":
    main()
