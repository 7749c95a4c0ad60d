# bench/table.sh — the one table `make bench` prints: every figure beside its reference measured
# in the same run and their ratio. Sourced by bench/run and bench/cases.sh; rows accumulate in
# $GZ_BENCH_TABLE (tab-separated: figure, gongzhi, reference, ratio, target and notes).
: "${GZ_BENCH_TABLE:=$(mktemp /tmp/gz-bench-table-XXXXXX)}"
export GZ_BENCH_TABLE

# row FIGURE GONGZHI [REFERENCE] [RATIO] [TARGET]
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${3:--}" "${4:--}" "${5:-}" >> "$GZ_BENCH_TABLE"; }
# section TITLE: a heading row inside the table
section() { printf '%s\t\t\t\t\n' "== $1" >> "$GZ_BENCH_TABLE"; }
ratio() { echo "scale=2; $1 / $2" | bc | sed "s/^\./0./"; }
# secs X: seconds with two decimals ("0.47 s")
secs() { printf '%.2f s' "$1"; }

print_table() {
	echo
	awk -F'\t' 'BEGIN { printf "%-56s %18s %18s %7s  %s\n", "figure", "gongzhi", "reference", "ratio", "target / notes" }
		/^== / { printf "\n%s\n", substr($1, 4); next }
		{ printf "%-56s %18s %18s %7s  %s\n", $1, $2, $3, $4, $5 }' "$GZ_BENCH_TABLE"
}
