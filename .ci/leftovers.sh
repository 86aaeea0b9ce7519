# Sourced by .ci/run: everything the run creates in temporary space goes under one directory of its own
# (RUN_TMP), so that at the end what the run left behind can be told from what other runs on the machine own.
# Leftovers: postgres / redis-server processes that were not running at the start and work in (or name) RUN_TMP,
# and agentidp-* directories still in RUN_TMP. See docs/reliability.md, "Test servers leave nothing behind".

RUN_TMP="$(mktemp -d /tmp/agentidp-ci.XXXXXX)"
chmod 755 "$RUN_TMP" # Postgres runs as the postgres user and must reach its data directory below this one
PIDS_AT_START=" $( (pgrep -x 'postgres|redis-server' || true) | tr '\n' ' ') "

# PIDs of postgres / redis-server processes started by this run and still alive.
leftover_pids() {
  local pid cwd
  for pid in $(pgrep -x 'postgres|redis-server'); do
    [[ "$PIDS_AT_START" == *" $pid "* ]] && continue
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || continue
    # Postgres' children keep the data directory as working directory; redis-server and the postmaster name it too.
    if [[ "$cwd" == "$RUN_TMP"/* ]] || tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$RUN_TMP/"; then echo "$pid"; fi
  done
}

leftover_dirs() { find "$RUN_TMP" -mindepth 1 -maxdepth 1 -name 'agentidp-*' 2>/dev/null; }

# Waits a little (a killed test host's reaper needs a moment), prints what is left and fails if anything is;
# then removes it all so that a failed check does not leave the machine fuller either.
check_leftovers() {
  local pids dirs waited=0
  while :; do
    pids=$(leftover_pids); dirs=$(leftover_dirs)
    [ -z "$pids$dirs" ] || [ $waited -ge 30 ] && break
    sleep 1; waited=$((waited + 1))
  done
  if [ -z "$pids$dirs" ]; then
    echo "ci: leftover check: no postgres/redis-server process and no data directory left by the run"
    rm -rf "$RUN_TMP"
    return 0
  fi
  echo "ci: leftover check FAILED: the run left these behind (after ${waited} s):"
  # shellcheck disable=SC2086
  [ -n "$pids" ] && ps -o pid,ppid,stat,etime,cmd -p $(echo $pids | tr ' ' ',') | sed 's/^/ci:   /'
  [ -n "$dirs" ] && du -sh $dirs | sed 's/^/ci:   /'
  for pid in $pids; do kill -CONT "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null; done
  rm -rf "$RUN_TMP"
  return 1
}
