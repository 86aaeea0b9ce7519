# Shared by bench/run and the scenario scripts: throwaway Postgres and Redis, the API in Release, cleanup.
# Source it; it sets BENCH_TMP and an EXIT trap that stops everything started.

# BENCH_TMPDIR: where .ci/run wants it, so its leftover check sees the benchmark's servers too.
BENCH_TMP="$(mktemp -d "${BENCH_TMPDIR:-/tmp}/agentidp-bench.XXXXXX")"
chmod 755 "$BENCH_TMP"
BENCH_PIDS=()
bench_cleanup() {
  for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${BENCH_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT
# A signal ends the script through exit, so the EXIT trap runs (a run piped into `head` dies of SIGPIPE otherwise, and
# leaves its servers behind). The servers themselves are started with a parent-death signal (setpriv --pdeathsig KILL,
# as plain commands so that this shell is their parent): the kernel kills them when this shell dies, even by SIGKILL.
trap 'trap "" PIPE; exit 130' INT TERM HUP PIPE

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
  || shuf -i 20000-60000 -n 1; }

as_postgres() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups "$@"; else "$@"; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# start_postgres → sets PG_PORT, PG_CS and PG_PID (tuned for a benchmark box: no fsync; this data is thrown away)
start_postgres() {
  local bin; bin="$(pg_bin)"
  [ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found: apt-get install -y postgresql" >&2; exit 1; }
  mkdir -p "$BENCH_TMP/pg" && [ "$(id -u)" = 0 ] && chown postgres:postgres "$BENCH_TMP/pg"
  as_postgres "$bin/initdb" -D "$BENCH_TMP/pg/data" -U postgres --auth=trust --no-sync >/dev/null
  PG_PORT="$(free_port)"
  # Started as a simple command (not through a function), so its parent is this shell and the death signal holds.
  if [ "$(id -u)" = 0 ]; then pg=(setpriv --reuid=postgres --regid=postgres --init-groups --pdeathsig KILL); else pg=(setpriv --pdeathsig KILL); fi
  "${pg[@]}" "$bin/postgres" -D "$BENCH_TMP/pg/data" -p "$PG_PORT" -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=256MB \
    >"$BENCH_TMP/postgres.log" 2>&1 &
  BENCH_PIDS+=("$!")
  for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null && break; sleep 0.1; done
  PG_PID=$(head -1 "$BENCH_TMP/pg/data/postmaster.pid")  # the postmaster itself, read back to be sure
  BENCH_PIDS+=("$PG_PID")
  PG_CS="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=agentidp;Maximum Pool Size=100"
}

# start_redis → sets REDIS_PORT and REDIS_PID
start_redis() {
  command -v redis-server >/dev/null || { echo "redis-server not found: apt-get install -y redis-server" >&2; exit 1; }
  REDIS_PORT="$(free_port)"
  setpriv --pdeathsig KILL redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$BENCH_TMP" >"$BENCH_TMP/redis.log" 2>&1 &
  REDIS_PID=$!
  BENCH_PIDS+=("$REDIS_PID")
  for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null && break; sleep 0.1; done
}

BENCH_PLATFORM_SECRET="bench-platform-admin-secret-0123456789abcdef"
# Every API process of a run is one issuer, as replicas are: a token from one is valid on the other.
BENCH_ISSUER="http://agentidp.bench"

# start_api <name> [extra env assignments...] → sets API_URL_<name> and API_PID_<name>; production settings, Release build
# (API_DLL=<path> start_api … runs another build, e.g. bench/builds/run's baseline)
start_api() {
  local name="$1"; shift
  local port; port="$(free_port)"
  setpriv --pdeathsig KILL env ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 \
    "ConnectionStrings__agentidp=$PG_CS" "ConnectionStrings__cache=127.0.0.1:$REDIS_PORT" \
    "Identity__Issuer=$BENCH_ISSUER" "Identity__SecretPepper=bench-pepper-0123456789abcdef0123456789abcdef" \
    "DataProtection__KeyRingSecret=bench-key-ring-secret-0123456789abcdef0123456789" \
    "Identity__PlatformAdmin__ClientSecret=$BENCH_PLATFORM_SECRET" \
    TIER_ENFORCEMENT=true ANALYTICS_ENABLED=true \
    Logging__LogLevel__Default=Warning "$@" \
    dotnet "${API_DLL:-$ROOT/AgentIdP.Api/bin/Release/net10.0/AgentIdP.Api.dll}" --urls "http://127.0.0.1:$port" \
    >"$BENCH_TMP/api-$name.log" 2>&1 &
  local pid=$!
  BENCH_PIDS+=("$pid")
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$BENCH_TMP/api-$name.log" >&2; exit 1; }
    sleep 0.2
  done
  printf -v "API_URL_$name" '%s' "http://127.0.0.1:$port"
  printf -v "API_PID_$name" '%s' "$pid"
}

# median and spread (min–max) of numbers on stdin
stats() { sort -g | awk '{v[NR]=$1} END {m = (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "%s %s %s\n", m, v[1], v[NR]}'; }

# cpu_ticks <pid> → CPU time the process has used (user + system, all threads), in clock ticks (1/100 s)
cpu_ticks() { awk '{ i = index($0, ") "); split(substr($0, i + 2), f, " "); print f[12] + f[13] }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# postgres_ticks → CPU time used by this run's Postgres, in clock ticks: the postmaster, its live backends, and the
# backends that have exited (the kernel adds those to the postmaster's children time when it reaps them)
postgres_ticks() {
  awk -v pg="$PG_PID" '{ i = index($0, ") "); split(substr($0, i + 2), f, " ")
                          if ($1 == pg) t += f[12] + f[13] + f[14] + f[15]; else if (f[2] == pg) t += f[12] + f[13] }
       END { print t + 0 }' /proc/[0-9]*/stat 2>/dev/null || true  # processes come and go while awk reads
}
