"""Adds a Go module directory to a file-based Go module proxy (GOPROXY=file:///...).

Usage: python3 go-proxy.py PROXY_DIR MODULE_DIR VERSION

Writes PROXY_DIR/<module path>/@v/{list,VERSION.info,VERSION.mod,VERSION.zip} in the
layout of the GOPROXY protocol (go help goproxy), the module path read from
MODULE_DIR/go.mod. The zip holds MODULE_DIR's files under <module>@<version>/, as
`go mod download` expects, leaving out nested modules (directories with their own go.mod).
"""
import datetime
import json
import os
import re
import sys
import zipfile


def escape(path: str) -> str:
    # Module paths are case-escaped on a proxy: each upper-case letter becomes "!" + lower case.
    return re.sub(r'[A-Z]', lambda m: '!' + m.group(0).lower(), path)


def main(proxy: str, module_dir: str, version: str) -> None:
    with open(os.path.join(module_dir, 'go.mod'), encoding='utf-8') as f:
        gomod = f.read()
    match = re.search(r'^module\s+(\S+)\s*$', gomod, re.M)
    if not match:
        sys.exit(f'go-proxy: no module line in {module_dir}/go.mod')
    module = match.group(1)
    major = re.search(r'/v(\d+)$', module)
    if major and not version.startswith(f'v{major.group(1)}.'):
        sys.exit(f'go-proxy: {module} needs a v{major.group(1)}.x.y version, got {version}')
    out = os.path.join(proxy, escape(module), '@v')
    os.makedirs(out, exist_ok=True)
    prefix = f'{module}@{version}/'
    with zipfile.ZipFile(os.path.join(out, f'{version}.zip'), 'w', zipfile.ZIP_DEFLATED) as z:
        for root, dirs, files in os.walk(module_dir):
            # A nested module is not part of this one.
            dirs[:] = sorted(d for d in dirs if not os.path.exists(os.path.join(root, d, 'go.mod')))
            for name in sorted(files):
                full = os.path.join(root, name)
                rel = os.path.relpath(full, module_dir).replace(os.sep, '/')
                if rel in ('go.sum', 'local.go.mod', 'local.go.sum'):
                    continue
                z.write(full, prefix + rel)
    with open(os.path.join(out, f'{version}.mod'), 'w', encoding='utf-8') as f:
        f.write(gomod)
    with open(os.path.join(out, f'{version}.info'), 'w', encoding='utf-8') as f:
        json.dump({'Version': version, 'Time': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}, f)
    listed = set()
    list_file = os.path.join(out, 'list')
    if os.path.exists(list_file):
        with open(list_file, encoding='utf-8') as f:
            listed = {line.strip() for line in f if line.strip()}
    listed.add(version)
    with open(list_file, 'w', encoding='utf-8') as f:
        f.write(''.join(f'{v}\n' for v in sorted(listed)))
    print(f'go-proxy: {module}@{version} served from {proxy}')


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
