#!/usr/bin/env bash
# The layer check must pass on the tree and fail on a planted wrong include (a policy that includes
# a backend's header), naming the file and line. usage: tests/layers/test-check-layers.sh SOURCE_ROOT
set -euo pipefail
root=$1
"$root/scripts/check-layers.sh" "$root" >/dev/null
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
(cd "$root" && tar cf - sim traces policies models live scripts/check-layers.sh) | (cd "$copy" && tar xf -)
printf '#include "models/cluster/cluster.h"\n' >> "$copy/policies/fixed.c"
if out=$("$copy/scripts/check-layers.sh" "$copy" 2>&1); then
    echo "FAIL: a policy including a backend's header was not refused" >&2
    exit 1
fi
line=$(wc -l < "$copy/policies/fixed.c")
grep -q "policies/fixed.c:$line: includes \"models/cluster/cluster.h\"" <<<"$out" ||
    { echo "FAIL: the refusal does not name the file and line: $out" >&2; exit 1; }
# Ways around a plain prefix match: climbing out of an allowed folder, and <...> includes.
for planted in '#include "sim/../models/cluster/cluster.h"' '#include <models/cluster/cluster.h>'; do
    cp "$root/policies/fixed.c" "$copy/policies/fixed.c"
    printf '%s\n' "$planted" >> "$copy/policies/fixed.c"
    if "$copy/scripts/check-layers.sh" "$copy" >/dev/null 2>&1; then
        echo "FAIL: $planted in a policy was not refused" >&2
        exit 1
    fi
done
cp "$root/policies/fixed.c" "$copy/policies/fixed.c"
# A new backend folder (the guide's models/NAME/) may include the core, and not another backend.
mkdir -p "$copy/models/newbackend"
printf '#include "sim/backend.h"\n' > "$copy/models/newbackend/newbackend.c"
"$copy/scripts/check-layers.sh" "$copy" >/dev/null ||
    { echo "FAIL: a new backend folder may not include sim/" >&2; exit 1; }
printf '#include "models/cluster/cluster.h"\n' >> "$copy/models/newbackend/newbackend.c"
if "$copy/scripts/check-layers.sh" "$copy" >/dev/null 2>&1; then
    echo "FAIL: a new backend including another backend was not refused" >&2
    exit 1
fi
echo "layer check: passes on the tree, refuses planted includes (plain, climbing, <...>, backend to backend)"
