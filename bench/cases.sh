#!/usr/bin/env bash
# bench/cases.sh — residents' problems on a synthetic county (利川市 422802): up to CASES cases
# created through the API by 8 concurrent clients (wrk), a kill -9 with every acknowledged case
# checked, then the scoped filtered list, county figures and search, each beside the bare
# libmicrohttpd + SQLite point read measured in the same run.
# usage: bench/cases.sh DATA_DIR (places imported, admin password bench-pass-1) [CASES]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/gongzhi
D=$1
CASES=${2:-${BENCH_CASES:-1000000}}
PORT=${BENCH_PORT_CASES:-18094}
PORT_REF=${BENCH_PORT_REF2:-18095}
DURATION=${BENCH_DURATION:-10s}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
now() { date +%s.%N; }
start() { # $1: serve's --sync (default window: acknowledged = written to the OS, synced within 100 ms)
	$BIN --data "$D" serve --listen "127.0.0.1:$PORT" --sync "${1:-window}" >/dev/null 2>"$D/serve.log" & GZPID=$!
	pids+=($GZPID)
	for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.2; done
}
cc -O2 -o build/ref_server bench/ref_server.c -lmicrohttpd -lsqlite3 -lpthread
alone=${GZ_BENCH_TABLE:+no}
. bench/table.sh
start
tok() { curl -s -X POST "http://127.0.0.1:$PORT/api/v1/auth/login" -d "{\"username\":\"$1\",\"password\":\"$2\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/'; }
ADMIN=$(tok admin bench-pass-1)
echo 'bench-pass-3' | $BIN --data "$D" user add county-official --role official --scope 422802 --password-stdin >/dev/null 2>&1 || true
OFF=$(tok county-official bench-pass-3)
sqlite3 "$D/gongzhi.db" "SELECT code FROM places WHERE level = 5 AND code >= '422802' AND code < '422803'" > "$D/villages.txt"

# 1. Creation: 8 keep-alive connections (wrk, bench/cases-create.lua), in rounds until the
# county holds CASES cases; every 201 counted as acknowledged. -------------------------------
before=$(sqlite3 "$D/gongzhi.db" "SELECT count(*) FROM cases" 2>/dev/null || echo 0)
created=0; errors=0; create_s=0; create_p99=0
ROUND=${BENCH_CREATE_ROUND:-30}
while :; do
	have=$(sqlite3 "$D/gongzhi.db" "SELECT count(*) FROM cases" 2>/dev/null || echo 0)
	((have >= CASES)) && break
	left=$(( (CASES - have) / 2000 + 1 )) # seconds at ≈ 2,000/s, so the last round is short
	secs=$(( left < ROUND ? left : ROUND ))
	out=$(GZ_TOKEN=$OFF GZ_CODES="$D/villages.txt" wrk -t1 -c8 -d"${secs}s" -s bench/cases-create.lua "http://127.0.0.1:$PORT" | tail -1)
	field() { echo "$out" | sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }
	created=$((created + $(field created))); errors=$((errors + $(field errors)))
	create_s=$(echo "$create_s + $(field seconds)" | bc)
	p=$(field p99_ms); (( $(echo "$p > $create_p99" | bc) )) && create_p99=$p
done
create_rate=$(echo "$created / $create_s" | bc); create_p99="$create_p99 ms (worst round)"
# kill -9, restart: every acknowledged case is there.
kill -9 "$GZPID"; wait "$GZPID" 2>/dev/null || true
present=$(sqlite3 "$D/gongzhi.db" "SELECT count(*) FROM cases")
integrity=$(sqlite3 "$D/gongzhi.db" "PRAGMA quick_check")
start
OFF=$(tok county-official bench-pass-3)

# 2. Reads. -------------------------------------------------------------------------------------
build/ref_server "$D/gongzhi.db" "$PORT_REF" 4 >/dev/null & pids+=($!)
sleep 0.5
H="Authorization: Bearer $OFF"
wrk_rps() { wrk -t1 -c64 -d"$DURATION" --latency -H "$H" "$1" | awk '/Requests\/sec/ {r=$2} / 99%/ {p=$2} END {print r, p}'; }
# Latency of one request at a time (median of wrk -c1): what a person waits.
wrk_lat() { wrk -t1 -c1 -d5s --latency -H "$H" "$1" | awk '/ 50%/ {m=$2} / 99%/ {p=$2} END {print m, p}'; }
ref=$(wrk -t1 -c64 -d"$DURATION" --latency "http://127.0.0.1:$PORT_REF/places/422802107213" | awk '/Requests\/sec/ {r=$2} / 99%/ {p=$2} END {print r, p}')
U="http://127.0.0.1:$PORT/api/v1"
list=$(wrk_rps "$U/cases?under=422802&status=open&channel=phone&limit=20")
village=$(wrk_rps "$U/cases?under=422802107213&status=open&limit=20")
figures=$(wrk_lat "$U/cases/figures?under=422802")
q1=$(wrk_lat "$U/cases?under=422802&q=%E6%B0%B4&limit=20")                 # 水
q2=$(wrk_lat "$U/cases?under=422802&q=%E4%BD%8E%E4%BF%9D&limit=20")        # 低保
q4=$(wrk_lat "$U/cases?under=422802107&q=%E5%9E%83%E5%9C%BE%E6%B8%85%E8%BF%90&limit=20") # 垃圾清运, one township
ref_r=${ref% *}
section "residents' problems (cases), county 422802 (reference: the bare point read)"
row "create, 8 clients: $created cases in $(secs "$create_s")" "${create_rate}/s" "-" "-" ">= 10,000/s; errors: $errors; p99 $create_p99"
verdict=$( ((present >= before + created)) && echo "none lost" || echo "LOST $((before + created - present))" )
row "kill -9 after the load: cases present / acknowledged" "$present" "$((before + created))" "-" "$verdict; quick_check $integrity"
for it in "scoped list, county, open + channel, 20 rows:$list" "scoped list, one village, open, 20 rows:$village"; do
	label=${it%%:*}; vals=${it#*:}; r=${vals% *}; p=${vals#* }
	row "$label" "${r}/s" "${ref_r}/s" "$(ratio "$r" "$ref_r")" ">= 12,000/s, p99 <= 20 ms; p99 $p"
done
for it in "figures of the county (one at a time):$figures:<= 20 ms" "search 水, county:$q1:<= 10 ms median" "search 低保, county:$q2:<= 10 ms median" "search 垃圾清运, township:$q4:<= 10 ms median"; do
	label=${it%%:*}; rest=${it#*:}; vals=${rest%%:*}; target=${rest#*:}; m=${vals% *}; p=${vals#* }
	row "$label" "median $m" "-" "-" "$target; p99 $p"
done
# 3. The same creation with every commit synced before it is acknowledged (--sync full), for the
# price of surviving a power cut too: one fdatasync here takes ≈ 1.1 ms. -------------------------
kill "$GZPID"; wait "$GZPID" 2>/dev/null || true
start full
OFF=$(tok county-official bench-pass-3)
out=$(GZ_TOKEN=$OFF GZ_CODES="$D/villages.txt" wrk -t1 -c8 -d"${BENCH_FULL_SECS:-15}s" -s bench/cases-create.lua "http://127.0.0.1:$PORT" | tail -1)
full_rate=$(echo "$out" | sed -E 's/.*"rate":([0-9]+).*/\1/'); full_err=$(echo "$out" | sed -E 's/.*"errors":([0-9]+).*/\1/')
row "create, 8 clients, --sync full (power-cut safe)" "${full_rate}/s" "${create_rate}/s" "$(ratio "$full_rate" "$create_rate")" "reference: the default --sync window above; errors: $full_err"
[[ $alone != no ]] && print_table
true
