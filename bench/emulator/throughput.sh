#!/usr/bin/env bash
# Throughput and memory of the emulator as users run it: its own process (`dotnet KustoConnect.Emulator.dll`), loaded
# from outside by wrk over HTTPS keep-alive with a bearer token, on a free loopback port and a temporary data folder.
#
#   bench/emulator/throughput.sh [path/to/KustoConnect.Emulator.dll]
#
# Measures (issue 12 point 1):
#   1. data-connection GETs/s on a fresh emulator;
#   2. the same after 100,000 operations (PUTs of data connections, each starts a long-running operation);
#   3. the emulator's RSS through a bounded soak of 100,000 GETs (sampled every second).
# Needs: dotnet, wrk (Debian: apt-get install -y wrk), curl. Settings: THREADS (2), CONNECTIONS (16),
# SECONDS_PER_RUN (10), WARMUP_SECONDS (10), OPERATIONS (100000), SOAK (100000). Never run by the test command.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dll="${1:-$repo/src/KustoConnect.Emulator/bin/Release/net10.0/KustoConnect.Emulator.dll}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-16}"
seconds="${SECONDS_PER_RUN:-10}"
warmup="${WARMUP_SECONDS:-10}"
operations="${OPERATIONS:-100000}"
soak="${SOAK:-100000}"

for tool in dotnet wrk curl; do
  command -v "$tool" >/dev/null || { echo "throughput.sh needs '$tool' on PATH (wrk: apt-get install -y wrk)." >&2; exit 2; }
done
[[ -f "$dll" ]] || { echo "The emulator is not built: '$dll' does not exist (dotnet build src/KustoConnect.Emulator -c Release)." >&2; exit 2; }

work="$(mktemp -d)"
emulator_pid=""
cleanup() {
  if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The emulator ends with this script (--owner-pid), and removes its own temporary folder.
dotnet "$dll" --port 0 --operation-duration 0 --owner-pid $$ >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
for _ in $(seq 1 600); do
  grep -q '^KUSTOCONNECT_EMULATOR_READY ' "$work/emulator.out" 2>/dev/null && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.err" >&2; exit 1; }
  sleep 0.1
done
ready="$(grep '^KUSTOCONNECT_EMULATOR_READY ' "$work/emulator.out")"
field() { sed -E "s/.*\"$1\":\"([^\"]*)\".*/\1/" <<<"$ready"; }
url="$(field url)"; url="${url%/}"
cert="$(field certificatePath)"
tenant="$(field tenantId)"
subscription="$(field subscriptionId)"
client_id="$(field clientId)"

# The shipped default world's demo principal (public: DefaultWorld.ClientSecret), not read from any world file.
client_secret="kc-emulator-demo-secret-7Qw9Zr2Lx5"
token="$(curl -sS --cacert "$cert" "$url/$tenant/oauth2/v2.0/token" \
  --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$client_id" \
  --data-urlencode "client_secret=$client_secret" --data-urlencode scope=https://management.azure.com/.default \
  | sed -E 's/.*"access_token":"([^"]*)".*/\1/')"
[[ -n "$token" ]] || { echo "No token from the emulator." >&2; exit 1; }

rg="/subscriptions/$subscription/resourceGroups/testrg"
database="$rg/providers/Microsoft.Kusto/clusters/mykustocluster/databases/mykustodatabase"
hub="$rg/providers/Microsoft.Devices/IotHubs/mykustoiothub"
arm() { curl -sS --cacert "$cert" -o /dev/null -w '%{http_code}' -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$url$2" ${3:+--data "$3"}; }

# Four data connections, each with its own consumer group: the GET target and the PUT targets.
for i in 0 1 2 3; do
  [[ "$(arm PUT "$hub/eventHubEndpoints/events/ConsumerGroups/bench$i?api-version=2023-06-30" "{\"properties\":{\"name\":\"bench$i\"}}")" == 200 ]] || { echo "consumer group bench$i failed" >&2; exit 1; }
  body="{\"location\":\"centralus\",\"kind\":\"IotHub\",\"properties\":{\"iotHubResourceId\":\"$hub\",\"consumerGroup\":\"bench$i\",\"sharedAccessPolicyName\":\"iothubowner\",\"tableName\":\"StormEvents\",\"mappingRuleName\":\"StormEvents_CSV_Mapping\",\"dataFormat\":\"CSV\"}}"
  [[ "$(arm PUT "$database/dataConnections/bench-$i?api-version=2024-04-13" "$body")" == 201 ]] || { echo "data connection bench-$i failed" >&2; exit 1; }
done
get_url="$url$database/dataConnections/bench-0?api-version=2024-04-13"

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$emulator_pid/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
requests_per_second() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1"; }

run_gets() { # label
  # Warm-up GETs (no operation is created): the JIT compiles and tiers up the GET path first, so that "fresh" measures
  # an emulator without history, not a cold one.
  wrk -t"$threads" -c"$connections" -d"${warmup}s" -H "Authorization: Bearer $token" "$get_url" >/dev/null
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$get_url" >"$work/$1.txt"
  echo "$(requests_per_second "$work/$1.txt")"
}

# wrk stops each thread after its share of a fixed number of requests (a Lua counter), so that a run is bounded by
# requests, not by time.
cat >"$work/bounded.lua" <<LUA
local limit = math.ceil(tonumber(os.getenv("BENCH_LIMIT")) / $threads)
local paths, bodies, method = {}, {}, os.getenv("BENCH_METHOD")
for i = 0, 3 do
  paths[i] = "$database/dataConnections/bench-" .. i .. "?api-version=2024-04-13"
  bodies[i] = '{"location":"centralus","kind":"IotHub","properties":{"iotHubResourceId":"$hub","consumerGroup":"bench' .. i .. '","sharedAccessPolicyName":"iothubowner","tableName":"StormEvents","mappingRuleName":"StormEvents_CSV_Mapping","dataFormat":"CSV"}}'
end
local n, done = 0, 0
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  local k = n % 4
  if method == "PUT" then
    return wrk.format("PUT", paths[k], nil, bodies[k])
  end
  return wrk.format("GET", paths[0])
end
local counter = 0
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end
response = function(status)
  done = done + 1
  if status >= 300 then
    print("unexpected status " .. status)
  end
  if done == limit then
    local f = io.open(os.getenv("BENCH_MARKERS") .. "/thread-" .. id, "w"); f:write("done\n"); f:close()
    wrk.thread:stop()
  end
end
LUA
bounded() { # method count output
  # wrk's threads stop at their share; wrk itself only ends at -d or SIGINT (then it prints its statistics), so the
  # script sends SIGINT once every thread has left its marker.
  local markers="$work/markers-$RANDOM"; mkdir -p "$markers"
  BENCH_METHOD="$1" BENCH_LIMIT="$2" BENCH_MARKERS="$markers" wrk -t"$threads" -c"$connections" -d3600s -s "$work/bounded.lua" "$url" >"$3" &
  local wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null && (( $(ls "$markers" | wc -l) < threads )); do sleep 0.2; done
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" || true
}

echo "KustoConnect emulator throughput: wrk -t$threads -c$connections, ${seconds}s per measurement, $(nproc) cores"
rss_start="$(rss_kib)"
fresh="$(run_gets fresh)"
echo "fresh:                     $fresh GET/s   (RSS $(mib "$(rss_kib)") MiB)"

start_ops="$(date +%s)"
bounded PUT "$operations" "$work/puts.txt"
puts_done="$(awk '/requests in/ { print $1 }' "$work/puts.txt")"
put_rate="$(requests_per_second "$work/puts.txt")"
echo "operations:                $puts_done PUTs in $(( $(date +%s) - start_ops ))s ($put_rate PUT/s), each one operation (RSS $(mib "$(rss_kib)") MiB)"
grep -q 'unexpected status' "$work/puts.txt" && { echo "some PUTs failed:" >&2; grep 'unexpected status' "$work/puts.txt" | sort | uniq -c >&2; }

after="$(run_gets after)"
echo "after $puts_done operations: $after GET/s   ($(awk -v a="$after" -v f="$fresh" 'BEGIN { printf "%+.1f", (a - f) * 100 / f }')% of fresh)"

# Soak: a bounded number of GETs, RSS sampled every second.
rss_before_soak="$(rss_kib)"
: >"$work/rss.txt"
( while kill -0 "$emulator_pid" 2>/dev/null; do rss_kib >>"$work/rss.txt"; sleep 1; done ) &
sampler=$!
bounded GET "$soak" "$work/soak.txt"
kill "$sampler" 2>/dev/null || true
rss_end="$(rss_kib)"
rss_max="$(sort -n "$work/rss.txt" | tail -1)"
echo "soak:                      $(awk '/requests in/ { print $1 }' "$work/soak.txt") GETs; RSS before $(mib "$rss_before_soak") MiB, max $(mib "$rss_max") MiB, after $(mib "$rss_end") MiB (at start $(mib "$rss_start") MiB)"
echo
echo "--- wrk: fresh ---"; cat "$work/fresh.txt"
echo "--- wrk: after operations ---"; cat "$work/after.txt"
