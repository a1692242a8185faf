#!/usr/bin/env bash
# Re-vendor the pinned front-end assets into eldercare/static/vendor/.
#
# The ONE place versions live is eldercare/static/vendor/VERSIONS.json.
# To upgrade: edit a "version" there, run this script, review `git diff`, commit.
# The script rewrites "license", "resolved", "integrity" and "files" in
# VERSIONS.json from what it actually fetched and copied.
#
# Needs npm + python3 at vendoring time only; the product never needs Node.
#
# Integrity pinning: if an entry's "resolved" equals "<name>@<version>", the
# tarball npm fetches must match the recorded "integrity" (sha512) or the run
# aborts. After a version bump "resolved" no longer matches, so the new
# tarball's integrity is recorded instead.
#
# Post-processing applied to the copied files (so nothing references a file we
# do not ship -- browsers would 404 and Django's ManifestStaticFilesStorage
# would fail collectstatic):
#   * `sourceMappingURL` comment lines are removed from .js/.css (.map files
#     are not vendored);
#   * `.woff` fallback entries are removed from @font-face `src:` lists
#     (only .woff2 files are vendored).
set -euo pipefail
shopt -s inherit_errexit  # make failures inside $(...) abort too

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/eldercare/static/vendor"
MANIFEST="$VENDOR/VERSIONS.json"

command -v npm >/dev/null || { echo "error: npm is required to (re)vendor assets" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 is required" >&2; exit 1; }
[[ -f "$MANIFEST" ]] || { echo "error: $MANIFEST not found" >&2; exit 1; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/vendor_static.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
OUT="$TMP/out"      # staged vendor tree; swapped in only if everything succeeds
mkdir -p "$OUT" "$TMP/meta"

# --- helpers -----------------------------------------------------------------

# manifest_get NAME KEY [DEFAULT] : print VERSIONS.json[NAME][KEY] (lists space-separated)
manifest_get() {
  python3 - "$MANIFEST" "$@" <<'PY'
import json, sys
path, name, key = sys.argv[1:4]
default = sys.argv[4] if len(sys.argv) > 4 else None
entry = json.load(open(path, encoding="utf-8")).get(name)
if entry is None:
    sys.exit(f"error: package {name!r} missing from {path}")
val = entry.get(key, default)
if val is None:
    sys.exit(f"error: {name!r} has no {key!r} in {path}")
print(" ".join(str(v) for v in val) if isinstance(val, list) else val)
PY
}

# fetch NAME : npm pack NAME@version from VERSIONS.json, unpack, print the package dir
fetch() {
  local name="$1" version key dir
  version="$(manifest_get "$name" version)"
  key="${name//[@\/]/_}"
  dir="$TMP/src/$key"
  mkdir -p "$dir"
  echo "fetching $name@$version" >&2
  (cd "$dir" && npm pack "$name@$version" --json --ignore-scripts --loglevel=error >pack.json)
  python3 - "$dir/pack.json" "$MANIFEST" "$name" "$version" "$TMP/meta/$key.json" <<'PY'
import json, sys
pack_json, manifest, name, version, meta_out = sys.argv[1:6]
info = json.load(open(pack_json))[0]
if info["version"] != version:
    sys.exit(f"error: asked for {name}@{version}, npm packed {info['version']}")
entry = json.load(open(manifest, encoding="utf-8"))[name]
if entry.get("resolved") == f"{name}@{version}" and entry.get("integrity") not in (None, info["integrity"]):
    sys.exit(f"error: integrity mismatch for {name}@{version}:\n"
             f"  recorded {entry['integrity']}\n  fetched  {info['integrity']}")
json.dump({"filename": info["filename"], "integrity": info["integrity"]}, open(meta_out, "w"))
PY
  local tgz
  tgz="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["filename"])' "$TMP/meta/$key.json")"
  tar -xzf "$dir/$tgz" -C "$dir"
  echo "$dir/package"
}

# put NAME SRC DEST_REL : install SRC as $OUT/DEST_REL (mode 0644) and record it for NAME
put() {
  local name="$1" src="$2" rel="$3"
  [[ -f "$src" ]] || { echo "error: $name: expected file missing from package: $src" >&2; exit 1; }
  install -D -m 0644 "$src" "$OUT/$rel"
  echo "$rel" >>"$TMP/meta/${name//[@\/]/_}.files"
}

# strip_sourcemap FILE : drop `//# sourceMappingURL=...` / `/*# sourceMappingURL=... */` lines
strip_sourcemap() {
  sed -i -E \
    -e '\%^[[:space:]]*//[#@] sourceMappingURL=[^[:space:]]*[[:space:]]*$%d' \
    -e '\%^[[:space:]]*/\*[#@] sourceMappingURL=[^[:space:]]*[[:space:]]*\*/[[:space:]]*$%d' \
    "$1"
}

# drop_woff CSS : remove `, url(....woff[?..]) format('woff')` fallbacks from @font-face src lists
drop_woff() {
  python3 - "$1" <<'PY'
import re, sys
path = sys.argv[1]
css = open(path, encoding="utf-8", newline="").read()
new = re.sub(r"""\s*,\s*url\(\s*["']?[^"')]+\.woff(?:[?#][^"')]*)?["']?\s*\)\s*format\(\s*["']woff["']\s*\)""", "", css)
open(path, "w", encoding="utf-8", newline="").write(new)
PY
}

# --- htmx --------------------------------------------------------------------
P="$(fetch htmx.org)"
put htmx.org "$P/dist/htmx.min.js" htmx/htmx.min.js
put htmx.org "$P/LICENSE"          htmx/LICENSE

# --- ECharts -----------------------------------------------------------------
# Apache-2.0: ship LICENSE + NOTICE; the dist bundle embeds d3 code (BSD-3-Clause).
P="$(fetch echarts)"
put echarts "$P/dist/echarts.min.js"   echarts/echarts.min.js
put echarts "$P/LICENSE"               echarts/LICENSE
put echarts "$P/NOTICE"                echarts/NOTICE
put echarts "$P/licenses/LICENSE-d3"   echarts/LICENSE-d3

# --- Bootstrap ---------------------------------------------------------------
P="$(fetch bootstrap)"
put bootstrap "$P/dist/css/bootstrap.min.css"       bootstrap/bootstrap.min.css
put bootstrap "$P/dist/js/bootstrap.bundle.min.js"  bootstrap/bootstrap.bundle.min.js
put bootstrap "$P/LICENSE"                          bootstrap/LICENSE

# bootstrap.bundle.min.js embeds Popper (MIT); ship its licence. Only the
# licence is vendored; keep the version in step with bootstrap's peerDependency.
P="$(fetch @popperjs/core)"
put @popperjs/core "$P/LICENSE.md" bootstrap/LICENSE-popper.md

# --- Bootstrap Icons ---------------------------------------------------------
P="$(fetch bootstrap-icons)"
put bootstrap-icons "$P/font/bootstrap-icons.min.css" bootstrap-icons/bootstrap-icons.min.css
shopt -s nullglob
woff2=("$P"/font/fonts/*.woff2)
shopt -u nullglob
(( ${#woff2[@]} )) || { echo "error: bootstrap-icons: no font/fonts/*.woff2" >&2; exit 1; }
for f in "${woff2[@]}"; do
  put bootstrap-icons "$f" "bootstrap-icons/fonts/$(basename "$f")"
done
put bootstrap-icons "$P/LICENSE" bootstrap-icons/LICENSE

# --- Noto Sans SC (Fontsource) -----------------------------------------------
# Keep the package's per-weight CSS (all unicode-range chunks: Google's sliced
# CJK subsets + latin, latin-ext, cyrillic, vietnamese); copy every .woff2 the
# CSS references. Browsers only download the chunks a page actually uses.
P="$(fetch @fontsource/noto-sans-sc)"
for w in $(manifest_get @fontsource/noto-sans-sc weights "400 700"); do
  put @fontsource/noto-sans-sc "$P/$w.css" "noto-sans-sc/$w.css"
  refs="$(grep -oE "url\(\./files/[^)]+\.woff2\)" "$P/$w.css" | sed -E 's#^url\(\./files/(.*)\)$#\1#' | sort -u)"
  [[ -n "$refs" ]] || { echo "error: noto-sans-sc: $w.css references no .woff2" >&2; exit 1; }
  while IFS= read -r f; do
    put @fontsource/noto-sans-sc "$P/files/$f" "noto-sans-sc/files/$f"
  done <<<"$refs"
done
put @fontsource/noto-sans-sc "$P/LICENSE" noto-sans-sc/LICENSE

# --- post-process and check the staged tree ----------------------------------
while IFS= read -r -d '' f; do
  strip_sourcemap "$f"
  [[ "$f" == *.css ]] && drop_woff "$f"
done < <(find "$OUT" -type f \( -name '*.js' -o -name '*.css' \) -print0)

python3 - "$OUT" <<'PY'
import pathlib, re, sys
out = pathlib.Path(sys.argv[1])
bad = []
for f in sorted(out.rglob("*")):
    if f.suffix not in (".css", ".js"):
        continue
    text = f.read_text(encoding="utf-8")
    if re.search(r"^\s*(//|/\*)[#@] sourceMappingURL=", text, re.M):
        bad.append(f"{f}: sourceMappingURL still present")
    if f.suffix == ".css":
        for ref in re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", text):
            if ref.startswith(("data:", "#", "http:", "https:", "//")):
                continue
            target = (f.parent / re.split(r"[?#]", ref)[0]).resolve()
            if not target.is_file():
                bad.append(f"{f.relative_to(out)}: url({ref}) -> missing file")
if bad:
    sys.exit("error:\n  " + "\n  ".join(bad))
PY

# --- swap into place and update VERSIONS.json --------------------------------
for d in "$OUT"/*/; do
  d="${d%/}"
  rm -rf "${VENDOR:?}/$(basename "$d")"
  mv "$d" "$VENDOR/"
done

python3 - "$MANIFEST" "$TMP/meta" "$TMP/src" <<'PY'
import json, pathlib, sys
manifest, meta_dir, src_dir = map(pathlib.Path, sys.argv[1:4])
data = json.loads(manifest.read_text(encoding="utf-8"))
for name, entry in data.items():
    key = name.replace("@", "_").replace("/", "_")
    meta = json.loads((meta_dir / f"{key}.json").read_text())
    pkg = json.loads((src_dir / key / "package" / "package.json").read_text(encoding="utf-8"))
    entry["license"] = pkg.get("license", entry.get("license"))
    entry["resolved"] = f"{name}@{entry['version']}"
    entry["integrity"] = meta["integrity"]
    entry["files"] = sorted((meta_dir / f"{key}.files").read_text().split())
    order = ["version", "license", "resolved", "integrity", "files"]
    data[name] = {k: entry[k] for k in order} | {k: v for k, v in entry.items() if k not in order}
manifest.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
PY

echo "vendored into ${VENDOR#"$ROOT"/}:" >&2
python3 - "$MANIFEST" "$VENDOR" <<'PY' >&2
import json, pathlib, sys
data = json.loads(pathlib.Path(sys.argv[1]).read_text(encoding="utf-8"))
base = pathlib.Path(sys.argv[2])
for name, e in data.items():
    size = sum((base / f).stat().st_size for f in e["files"])
    print(f"  {name + '@' + e['version']:<32} {e['license']:<11} {len(e['files']):>4} files {size/1e6:8.2f} MB")
PY
