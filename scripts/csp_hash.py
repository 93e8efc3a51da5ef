#!/usr/bin/env python3
"""Pin trunk's inline loader script in dist/index.html's Content-Security-Policy.

trunk writes a small inline <script type="module"> that starts the wasm; the
CSP allows exactly that script by its SHA-256 (replacing the placeholder
'sha256-TRUNK-LOADER' from index.html), and nothing else inline.
"""
import base64, hashlib, re, sys

path = sys.argv[1] if len(sys.argv) > 1 else "dist/index.html"
html = open(path, encoding="utf-8").read()
# Inline scripts only: <script src=...> files are same-origin and allowed by 'self'.
scripts = [body for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S) if "src=" not in attrs]
if len(scripts) != 1:
    sys.exit(f"csp_hash: expected one inline script in {path}, found {len(scripts)}")
digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode()
if "'sha256-TRUNK-LOADER'" not in html:
    sys.exit(f"csp_hash: no 'sha256-TRUNK-LOADER' placeholder in {path}")
html = html.replace("'sha256-TRUNK-LOADER'", f"'sha256-{digest}'")
print(f"csp_hash: loader pinned as sha256-{digest}")

# Subresource integrity: files changed after trunk (wasm-opt) get their hash again.
import os
def fix_integrity(m):
    tag = m.group(0)
    href = re.search(r'href="([^"]+)"', tag)
    algo = re.search(r'integrity="(sha\d+)-', tag)
    if not href or not algo:
        return tag
    file = os.path.join(os.path.dirname(path), href.group(1).lstrip("./"))
    if not os.path.exists(file):
        return tag
    h = base64.b64encode(hashlib.new(algo.group(1), open(file, "rb").read()).digest()).decode()
    return re.sub(r'integrity="[^"]*"', f'integrity="{algo.group(1)}-{h}"', tag)
html = re.sub(r"<link[^>]*integrity=[^>]*>", fix_integrity, html)
open(path, "w", encoding="utf-8").write(html)
