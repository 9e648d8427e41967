#!/usr/bin/env bash
# Regenerates the public-API baseline (PublicAPI.Unshipped.txt) of every packaged project from its current public surface, after a
# deliberate API change or a merge that adds public types. Nothing is shipped yet, so each Unshipped file is rewritten from scratch
# (removed members disappear too) and PublicAPI.Shipped.txt stays as it is. Review the diff, then commit it.
# Usage: bash build/update-public-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
projects=(
  Extensions/MLExtensions.Runtime/MLExtensions.Runtime.csproj
  Extensions/MLExtensions/MLExtensions.csproj
  Extensions/MLExtensions.Plotting/MLExtensions.Plotting.csproj
  Stacking/MLExtensions.Stacking.csproj
  AutoMLIntegration/MLExtensions.AutoML.csproj
)
for project in "${projects[@]}"; do
  dir=$(dirname "$project")
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
done
for project in "${projects[@]}"; do
  dir=$(dirname "$project")
  echo "== $project"
  # RS0016: a public symbol is not in the baseline; its code fix appends it to PublicAPI.Unshipped.txt.
  dotnet format analyzers "$project" --diagnostics RS0016 --severity warn --verbosity quiet
  # The fix appends lines in discovery order: keep the file sorted (ordinal) so merges of two branches' additions diff cleanly.
  { head -n 1 "$dir/PublicAPI.Unshipped.txt"; tail -n +2 "$dir/PublicAPI.Unshipped.txt" | LC_ALL=C sort -u; } > "$dir/PublicAPI.Unshipped.txt.tmp"
  mv "$dir/PublicAPI.Unshipped.txt.tmp" "$dir/PublicAPI.Unshipped.txt"
  echo "   $(($(wc -l < "$dir/PublicAPI.Unshipped.txt") - 1)) public symbols"
done
