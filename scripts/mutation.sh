#!/usr/bin/env bash
# Mutation testing of the labs' references (issue 23, item 5; docs/grading.md,
# "Mutation testing"). For each lab named (default: all six, smallest
# first), gremlins mutates labs/<lab>/internal/reference and, per mutant,
# runs only that package's TestMutationSuite (mutation_test.go): the lab's
# suite at every test's default seeds. Every mutator gremlins has is on,
# not only its default five (arithmetic, boundaries, negated comparisons,
# ++/--, negatives): && and ||, break/continue, op-assignments and bitwise
# operators are where protocol code keeps its conditions. A mutant the
# suite fails is KILLED, one it passes LIVED. Prints killed/(killed+lived) per lab; NOT COVERED
# (code no default-seed run reaches), TIMED OUT and NOT VIABLE (does not
# compile) are counted apart. Not part of CI: it takes minutes per lab.
#
#   scripts/mutation.sh [lab...]
#
# Environment:
#   MUTATION_WORKERS  gremlins workers (default 1: the machine is shared)
#   MUTATION_TIMEOUT  timeout coefficient over the coverage run (default 5:
#                     a mutant that loops until the suite's limits is slow
#                     but still a verdict of the suite, not a hang)
#   MUTATION_OUT      folder for <lab>.json and <lab>.log (default: a temp dir)
#   GREMLINS          a gremlins binary to use instead of installing one
set -euo pipefail

version=v0.6.0
root=$(cd "$(dirname "$0")/.." && pwd)
labs=("$@")
if [ ${#labs[@]} -eq 0 ]; then
	labs=(pingpong backoff queue kvraft shardkv raft)
fi
workers=${MUTATION_WORKERS:-1}
coef=${MUTATION_TIMEOUT:-5}
out=${MUTATION_OUT:-$(mktemp -d -t faultline-mutation-XXXXXX)}
mkdir -p "$out"

for lab in "${labs[@]}"; do
	if [ ! -f "$root/labs/$lab/internal/reference/mutation_test.go" ]; then
		echo "mutation.sh: no labs/$lab/internal/reference/mutation_test.go: is \"$lab\" a lab? (try: pingpong backoff queue kvraft shardkv raft)" >&2
		exit 2
	fi
done

gremlins=${GREMLINS:-}
if [ -z "$gremlins" ]; then
	if command -v gremlins >/dev/null && gremlins --version 2>/dev/null | grep -q "${version#v}"; then
		gremlins=$(command -v gremlins)
	else
		gobin=$(mktemp -d -t gremlins-bin-XXXXXX)
		echo "installing gremlins $version into $gobin"
		GOBIN=$gobin go install "github.com/go-gremlins/gremlins/cmd/gremlins@$version"
		gremlins=$gobin/gremlins
	fi
fi

# gremlins copies the whole module once per worker and mutates the copy;
# giving it a snapshot of the work tree (tracked and untracked files, no
# .git) keeps the copies small and the run stable while others edit.
snap=$(mktemp -d -t faultline-mutation-src-XXXXXX)
trap 'rm -rf "$snap"' EXIT
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
	tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$snap"

printf '\n%-9s %7s %6s %5s %11s %9s %10s %7s\n' lab score killed lived "not covered" "timed out" "not viable" seconds | tee "$out/summary.txt"
for lab in "${labs[@]}"; do
	pkg=$snap/labs/$lab/internal/reference
	start=$(date +%s)
	# -run in GOFLAGS reaches every `go test` gremlins starts (its coverage
	# run and each mutant's run), so the reference's own unit tests, which
	# would kill mutants the suite misses, stay out of the score.
	(cd "$pkg" && FAULTLINE_MUTATION=1 GOFLAGS="${GOFLAGS:-} -run=^TestMutationSuite\$" \
		"$gremlins" unleash "$pkg" --workers "$workers" --timeout-coefficient "$coef" \
		--invert-logical --invert-loopctrl --invert-assignments --invert-bitwise \
		--invert-bwassign --remove-self-assignments --output "$out/$lab.json") >"$out/$lab.log" 2>&1 || {
		echo "mutation.sh: gremlins failed on $lab; see $out/$lab.log" >&2
		tail -20 "$out/$lab.log" >&2
		continue
	}
	secs=$(($(date +%s) - start))
	# One row per mutant: file, line, column, type, status. gremlins 0.6.0
	# also "inverts" the unary & of &T{...} and &x: the mutant does not
	# compile, and `go test` exits 1 as for a failed test, so gremlins
	# calls it KILLED. Such rows are NOT VIABLE here; a binary & (or &^)
	# after an operand stays a real mutant.
	jq -r '.files[] | .file_name as $f | .mutations[] | [$f, .line, .column, .type, .status] | @tsv' "$out/$lab.json" |
		while IFS=$'\t' read -r file line col type status; do
			if [ "$type" = INVERT_BITWISE ]; then
				before=$(sed -n "${line}p" "$pkg/$file" | cut -c"1-$((col - 1))" | sed 's/[[:space:]]*$//')
				case "$before" in
				"" | *return | *[!A-Za-z0-9_\)\]\}\"\'\`])
					[ "$(sed -n "${line}p" "$pkg/$file" | cut -c"$col")" = "&" ] && status="NOT VIABLE"
					;;
				esac
			fi
			printf '%s\t%s\t%s\t%s\t%s\n' "$file" "$line" "$col" "$type" "$status"
		done >"$out/$lab.tsv"
	awk -F'\t' -v lab="$lab" -v secs="$secs" '
		{ n[$5]++ }
		END {
			k = n["KILLED"] + 0; l = n["LIVED"] + 0
			score = k + l > 0 ? sprintf("%.1f%%", 100 * k / (k + l)) : "-"
			printf "%-9s %7s %6d %5d %11d %9d %10d %7d\n", lab, score, k, l, n["NOT COVERED"], n["TIMED OUT"], n["NOT VIABLE"], secs
		}' "$out/$lab.tsv" | tee -a "$out/summary.txt"
	awk -F'\t' '$5 != "KILLED" { printf "    %-11s %s:%s:%s %s\n", $5, $1, $2, $3, $4 }' "$out/$lab.tsv" | sort -k2 -V
done
echo "results: $out"
