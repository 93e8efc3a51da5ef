#!/usr/bin/env python3
"""Write dist/service-worker.js from web/service-worker.js for this build.

Usage: scripts/service_worker.py DIST

The page's own files are every file at the top of DIST (index.html, the
WebAssembly and its loader, CSS, icons, the small scripts, the manifest);
VERSION is a digest of their names and bytes, so a rebuild with the same
output is the same version and any change is a new one. The data sets are the
files data/SHA256SUMS lists; DATA_VERSION is a digest of that file. Run last
in scripts/build-page.sh, after wasm-opt and the CSP hash have changed files.
"""
import hashlib
import json
import pathlib
import sys

TEMPLATE = pathlib.Path(__file__).resolve().parent.parent / "web" / "service-worker.js"
WORKER = "service-worker.js"
DIGEST_CHARS = 16


def main():
    dist = pathlib.Path(sys.argv[1])
    page = sorted(p.name for p in dist.iterdir() if p.is_file() and p.name != WORKER)
    digest = hashlib.sha256()
    for name in page:
        digest.update(name.encode() + b"\0" + (dist / name).read_bytes())
    sums = (dist / "data" / "SHA256SUMS").read_bytes()
    data = ["data/" + line.split()[1] for line in sums.decode().splitlines() if line.strip()]
    text = TEMPLATE.read_text()
    for key, value in {
        "'__LAB_VERSION__'": json.dumps(digest.hexdigest()[:DIGEST_CHARS]),
        "__LAB_PAGE_FILES__": json.dumps(page),
        "'__LAB_DATA_VERSION__'": json.dumps(hashlib.sha256(sums).hexdigest()[:DIGEST_CHARS]),
        "__LAB_DATA_FILES__": json.dumps(data),
    }.items():
        assert key in text, f"{TEMPLATE} has no {key}"
        text = text.replace(key, value)
    (dist / WORKER).write_text(text)
    print(f"service worker: version {digest.hexdigest()[:DIGEST_CHARS]}, {len(page)} page files, {len(data)} data sets")


if __name__ == "__main__":
    main()
