// A directory tree as shell tools see it (find, getfattr, sha256sum): what a faithful copy must keep,
// read independently of the code under test. `bash -c` runs it locally; pass `on(host)` for a lab host.
export const SNAPSHOT_SCRIPT = (dir: string) => `
set -e
d=${JSON.stringify(dir)}
cd "$d"
echo '# entries'
find . -printf '%p\\t%y\\t%m\\t%U:%G\\t%s\\t%l\\t%T@\\n' | awk -F'\\t' -v OFS='\\t' '{ if ($2 == "l") $7 = "-"; else sub(/\\..*/, "", $7); print }' | LC_ALL=C sort
echo '# hard-link groups'
find . -type f -links +1 -printf '%i %p\\n' | LC_ALL=C sort -k2 | awk '{ g[$1] = g[$1] " " $2 } END { for (i in g) print g[i] }' | LC_ALL=C sort
echo '# sha256'
find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
echo '# xattrs and ACLs (one line per file, in path order)'
getfattr -R -P -h -d -m - -e hex . 2>/dev/null | awk 'BEGIN { RS = "" } { gsub(/\\n/, " | "); print }' | LC_ALL=C sort
`;
