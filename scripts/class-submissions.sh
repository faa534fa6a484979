#!/usr/bin/env bash
# Makes a class of Raft submissions for measuring 'faultline roster grade'
# (docs/instructor.md, "How long a class takes"): N workspaces made by
# 'faultline init', each with a raft package that is one of
#   - the reference Raft (labs/raft/internal/reference) as a student would
#     hand it in (package raft, a New of the starter's signature),
#   - the starter, untouched,
#   - a mutant: the reference with one of its Bugs switched on,
# in turn (reference, starter, then each mutant, and round again). Every
# copy gets a comment naming its student, so that no two submissions
# share a build: each is compiled, as a real class's would be.
#
# Usage: scripts/class-submissions.sh DIR [N]   (run from the repository; N defaults to 100)
# Needs: faultline on PATH (go install ./cmd/faultline) or $FAULTLINE.
set -euo pipefail
dir=${1:?usage: scripts/class-submissions.sh DIR [N]}
n=${2:-100}
fl=${FAULTLINE:-faultline}
ref=labs/raft/internal/reference
[ -d "$ref" ] || { echo "run from the faultline repository (no $ref here)" >&2; exit 2; }
mkdir -p "$dir"

# The Bugs flags, one mutant each, from the reference's own list.
mapfile -t bugs < <(sed -n 's/^\t\([A-Z][A-Za-z]*\) *bool.*/\1/p' "$ref/bugs.go")

# reference_package DEST FLAGS: the reference in DEST as a student package.
# The two changes are what the lab's rules ask of a student: New has the
# starter's signature, and no package-level variable (the reference's
# sentinel error becomes a constant).
reference_package() {
  local dest=$1 flags=$2
  # The starter's raft.go is replaced; its grade_test.go stays.
  for src in "$ref"/*.go; do
    case $src in *_test.go) continue ;; esac
    f=$(basename "$src" .go)
    sed -e 's/^package reference$/package raft/' \
        -e 's/^func New(id node.ID, apply func(raft.ApplyMsg), bugs Bugs) \*Raft {/func newRaft(id node.ID, apply func(raft.ApplyMsg), bugs Bugs) *Raft {/' \
        -e 's/^var errCorrupt = errors.New(\(.*\))$/const errCorrupt = corruptError(\1)/' \
        "$src" > "$dest/$f.go"
  done
  # The rewrites above must have matched: say so here rather than hand out
  # code that does not build.
  if ! grep -q '^func newRaft(' "$dest"/*.go || grep -q '^var [A-Za-z]' "$dest"/*.go; then
    echo "class-submissions.sh: $ref changed shape (no 'func New(id node.ID, apply func(raft.ApplyMsg), bugs Bugs) *Raft', or a package-level var): update the rewrites in this script" >&2
    exit 1
  fi
  cat > "$dest/new.go" <<GO
package raft

import (
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// New is the lab's constructor.
func New(id node.ID, apply func(raft.ApplyMsg)) raft.Node {
	return newRaft(id, apply, Bugs{$flags})
}

type corruptError string

func (e corruptError) Error() string { return string(e) }
GO
  # errors is no longer used by persist.go once errCorrupt is a constant.
  if ! grep -q 'errors\.' "$dest/persist.go"; then
    sed -i '/^\t"errors"$/d' "$dest/persist.go"
  fi
}

kinds=(reference starter "${bugs[@]}")
for i in $(seq 1 "$n"); do
  kind=${kinds[$(( (i - 1) % ${#kinds[@]} ))]}
  name=$(printf 'student%03d-%s' "$i" "$kind")
  ws="$dir/$name"
  [ -d "$ws" ] && continue
  "$fl" init "$ws" >/dev/null
  case $kind in
    reference) reference_package "$ws/raft" "" ;;
    starter) ;;
    *) reference_package "$ws/raft" "$kind: true" ;;
  esac
  printf '\n// Handed in by %s.\n' "$name" >> "$ws/raft/raft.go"
done
echo "$n submissions in $dir"
