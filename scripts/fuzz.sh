#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang (ASan + UBSan) and runs each trace reader's for
# SECONDS (default 30), starting from the shipped sample traces and the regression corpus.
# HFSIM_FUZZ_SEED fixes libFuzzer's seed (CI uses 1, so a run explores the same inputs first);
# unset, every run explores anew.
# A crash leaves its input in build-fuzz/crashes/ and fails the script: copy it to
# tests/fuzz/regressions/<format>-<name> so the test suite replays it from then on.
set -euo pipefail
seconds="${1:-30}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"
if ! command -v clang >/dev/null; then
  echo "hfsim fuzz: clang is not installed (scripts/deps.sh installs it)" >&2
  exit 1
fi
CC=clang cmake -S "$root" -B "$build" -DHFSIM_FUZZ=ON -DHFSIM_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_azure2019 fuzz_azure2021 fuzz_csv >/dev/null
mkdir -p "$build/crashes"
status=0
for reader in azure2019 azure2021 csv; do
  corpus="$build/corpus-$reader"
  mkdir -p "$corpus"
  # Seeds: the samples in this format, and the regression inputs for it.
  case "$reader" in
    azure2019)
      s="$root/traces/samples/azure2019"
      { cat "$s/invocations_per_function_md.anon.d01.csv"; printf '\001';
        cat "$s/function_durations_percentiles.anon.d01.csv"; printf '\001';
        cat "$s/app_memory_percentiles.anon.d01.csv"; } > "$corpus/sample" ;;
    azure2021) cp "$root/traces/samples/azure2021/AzureFunctionsInvocationTrace2021.csv" "$corpus/sample" ;;
    csv) cp "$root/traces/samples/hand-written.csv" "$corpus/sample" ;;
  esac
  # Compressed copies, so mutations reach the gzip and xz paths (damaged streams must be refused).
  [ "$reader" = azure2019 ] || { gzip -c "$corpus/sample" > "$corpus/sample.gz"; xz -c "$corpus/sample" > "$corpus/sample.xz"; }
  for f in "$root"/tests/fuzz/regressions/"$reader"-*; do [ -e "$f" ] && cp "$f" "$corpus/"; done
  echo "hfsim fuzz: $reader for ${seconds}s" >&2
  seed_arg=()
  [ -n "${HFSIM_FUZZ_SEED:-}" ] && seed_arg=(-seed="$HFSIM_FUZZ_SEED")
  if ! "$build/tests/fuzz/fuzz_$reader" "${seed_arg[@]}" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
       -rss_limit_mb=2048 -artifact_prefix="$build/crashes/$reader-" -print_final_stats=1 \
       "$corpus" 2> "$build/fuzz-$reader.log"; then
    echo "hfsim fuzz: $reader FAILED; see $build/fuzz-$reader.log and $build/crashes/" >&2
    tail -30 "$build/fuzz-$reader.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss" "$build/fuzz-$reader.log" | sed "s/^/  $reader /" >&2
  fi
done
exit $status
