#!/usr/bin/env bash
# SLURM stage of .ci/run: proves that a SLURM job array over `--shard` gives a single run's results.
#
# Starts a one-node SLURM cluster on this machine (munged with a generated key, slurmctld, slurmd;
# slurm.conf from .ci/slurm.conf.in, everything under one temporary directory), submits the README's
# SLURM example script (the first ```sh block between <!-- slurm-example --> and
# <!-- /slurm-example --> in README.md, so the two cannot drift) from a copy of this working tree,
# waits for its array tasks, runs the README's merge command (the second block there), runs the
# same study once without shards, and compares the stores' digests (lib/store/digest.ts, by
# .ci/store_digest.ts). The daemons are stopped and the directory removed on exit.
#
# Prints "slurm: ..." lines (details of a failure on stderr). Exit status: 0 the check passed,
# 1 it failed, 2 it was skipped (not root, SLURM or munge not installed, or the daemons could not
# start here); .ci/run counts 0 as one passed test and 1 as one failed test.
#
# Usage: .ci/slurm_check.sh (as root). VCSIM_SLURM_KEEP=1 keeps the temporary directory (logs,
# stores, slurm.conf) and prints its path.
# shellcheck disable=SC2317 # cleanup and the wait_until conditions are called indirectly
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$PATH:/usr/sbin:/sbin"
export NO_COLOR=1
started=${EPOCHREALTIME/,/.}
elapsed() { awk -v a="$started" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.1f s", b - a }'; }

say() { echo "slurm: $*"; }
detail() { sed 's/^/slurm:   /' >&2; }
skip() {
  say "skipped ($*)"
  exit 2
}
fail() {
  say "FAILED: $*"
  exit 1
}

[ "$(id -u)" -eq 0 ] || skip "not root: the test cluster's slurmd and munged run as root"
command -v deno >/dev/null 2>&1 || skip "no deno on PATH"
for cmd in munged munge slurmctld slurmd sbatch scontrol squeue sinfo scancel; do
  command -v "$cmd" >/dev/null 2>&1 ||
    skip "no $cmd: install slurm-wlm and munge, as .ci/run does where apt-get is available"
done

# A SLURM environment around this script (CI itself in a job) must not leak into ours.
while read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(SLURM|SBATCH|SQUEUE)_')
unset JOB_COMPLETION_INDEX VCSIM_SHARD_COUNT

# --- The README's example: the job script and the merge command. ---
example=$(awk '/^<!-- \/slurm-example -->/ { on = 0 } on { print } /^<!-- slurm-example/ { on = 1 }' \
  "$repo/README.md")
block() { # <n>: the n-th fenced block of the example
  awk -v n="$1" '/^```/ { if (inside) { inside = 0; k++ } else inside = 1; next }
    inside && k == n - 1 { print }' <<<"$example"
}
job_script=$(block 1)
merge_cmd=$(block 2)
grep -q '^#SBATCH --array=' <<<"$job_script" ||
  fail "README.md has no SLURM example (a \`\`\`sh block with #SBATCH --array= between <!-- slurm-example --> and <!-- /slurm-example -->)"
study_line=$(grep -E '^deno task study ' <<<"$job_script" | tail -n 1)
out_dir=$(sed -nE 's/.*--out[ =]([^ ]+).*/\1/p' <<<"$study_line")
merged=$(sed -nE 's/.*--out[ =]([^ ]+).*/\1/p' <<<"$merge_cmd")
[ -n "$out_dir" ] || fail "the README's SLURM script has no 'deno task study ... --out DIR' line"
[[ "$merge_cmd" == "deno task merge "* && -n "$merged" ]] ||
  fail "the README's SLURM example has no 'deno task merge ... --out FILE' block after the script"
single_out="$out_dir-single"
single_line=$(sed -E "s|--out[ =][^ ]+|--out $single_out|" <<<"$study_line")

# --- Stale state: directories of earlier runs whose script is gone (killed), and their processes. ---
kill_cluster_processes() { # <dir>: the daemons started on <dir>'s files, and slurmstepd and jobs
  local dir=$1 proc pid entry hit words=()
  for proc in /proc/[0-9]*; do # no forks per process: there may be many
    pid=${proc#/proc/}
    [ "$pid" = $$ ] && continue
    hit=0
    { mapfile -d '' -t words <"$proc/cmdline"; } 2>/dev/null && [[ "${words[*]}" == *"$dir/"* ]] &&
      hit=1
    if [ "$hit" -eq 0 ] && { mapfile -d '' -t words <"$proc/environ"; } 2>/dev/null; then
      for entry in "${words[@]}"; do [ "$entry" = "SLURM_CONF=$dir/slurm.conf" ] && hit=1; done
    fi
    [ "$hit" -eq 1 ] && kill -KILL "$pid" 2>/dev/null
  done
}
tmp_root=${TMPDIR:-/tmp}
for old in "$tmp_root"/vcsim-slurm.*; do
  [ -d "$old" ] || continue
  owner=$(cat "$old/owner" 2>/dev/null)
  if [[ "$owner" =~ ^[0-9]+$ ]] && kill -0 "$owner" 2>/dev/null; then continue; fi # still running
  kill_cluster_processes "$old"
  rm -rf "$old"
  say "removed the state of an earlier, interrupted run ($old)"
done

# --- The cluster. ---
base=$(mktemp -d "$tmp_root/vcsim-slurm.XXXXXX") || skip "no temporary directory"
echo $$ >"$base/owner"
chmod 755 "$base" # munged wants its socket's directories accessible to all
mkdir -p "$base"/{munge,key,state,spool,log,run,repo}
chmod 755 "$base/munge"
chmod 700 "$base/key"
export SLURM_CONF="$base/slurm.conf"
daemons=()
jobid=""

cleanup() {
  if [ -n "$jobid" ]; then
    scancel "$jobid" >/dev/null 2>&1
    for _ in $(seq 50); do
      [ -z "$(squeue -h -j "$jobid" 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  local i pid
  for ((i = ${#daemons[@]} - 1; i >= 0; i--)); do # slurmd, slurmctld, then munged
    pid=${daemons[i]}
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  kill_cluster_processes "$base" # a slurmstepd that outlived its slurmd, say
  if [ "${VCSIM_SLURM_KEEP:-}" = 1 ]; then
    echo "slurm: kept $base" >&2
  else
    rm -rf "$base"
  fi
}
trap cleanup EXIT
trap 'say "FAILED: interrupted"; exit 1' INT TERM

start() { # <name> <command...>: starts a daemon in the foreground, in the background
  local name=$1
  shift
  "$@" >"$base/log/$name.out" 2>&1 &
  daemons+=($!)
}
wait_until() { # <seconds> <pid> <command...>: until the command succeeds, while the daemon lives
  local seconds=$1 pid=$2
  shift 2
  for _ in $(seq $((seconds * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
cannot_start() { # <daemon>: skips with its log
  cat "$base/log/$1".* 2>/dev/null | tail -n 15 | detail
  skip "$1 could not be started here"
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    if [ "$p" != "${1:-}" ] && port_free "$p"; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

head -c 1024 /dev/urandom >"$base/key/munge.key"
chmod 400 "$base/key/munge.key"
socket="$base/munge/munge.socket"
start munged munged --foreground --key-file="$base/key/munge.key" --socket="$socket" \
  --pid-file="$base/run/munged.pid" --log-file="$base/log/munged.log" \
  --seed-file="$base/run/munged.seed"
munge_ok() { munge -S "$socket" -n | unmunge -S "$socket"; }
wait_until 10 "${daemons[0]}" munge_ok || cannot_start munged

ctld_port=$(pick_port) || skip "no free TCP port"
slurmd_port=$(pick_port "$ctld_port") || skip "no free TCP port"
node=$(slurmd -C 2>/dev/null | grep -m 1 '^NodeName=') || skip "slurmd -C does not describe this machine"
node="$(sed -E 's/^NodeName=[^ ]+/NodeName=vcsim-ci/; s/ UpTime=.*//' <<<"$node") NodeHostname=localhost NodeAddr=127.0.0.1 State=UNKNOWN"
sed -e "s|@BASE@|$base|g" -e "s|@CTLD_PORT@|$ctld_port|g" -e "s|@SLURMD_PORT@|$slurmd_port|g" \
  -e "s|@NODE@|$node|" "$repo/.ci/slurm.conf.in" >"$SLURM_CONF"

start slurmctld slurmctld -D -f "$SLURM_CONF"
ctld_up() { scontrol ping | grep -q 'is UP'; }
wait_until 20 "${daemons[1]}" ctld_up || cannot_start slurmctld
start slurmd slurmd -D -N vcsim-ci -f "$SLURM_CONF"
node_idle() { [ "$(sinfo -h -n vcsim-ci -o %T)" = idle ]; }
wait_until 30 "${daemons[2]}" node_idle || cannot_start slurmd
say "cluster up in $(elapsed): slurmctld on localhost:$ctld_port, node vcsim-ci ($(sed -E 's/ (NodeHostname|Boards|RealMemory)=.*//; s/^NodeName=[^ ]+ //' <<<"$node"), $(sed -nE 's/.*RealMemory=([0-9]+).*/\1/p' <<<"$node") MB)"

# --- The README's job array, from a copy of this working tree (stable while others edit it). ---
tar -C "$repo" --exclude=./.git --exclude=./results --exclude=./node_modules --exclude=./out \
  --exclude=./.scratch -cf - . | tar -C "$base/repo" -xf - || fail "cannot copy the repository"
printf '%s\n' "$job_script" >"$base/repo/one-way.sbatch"
deno_bin=$(dirname "$(command -v deno)") # the jobs get this environment (--export=ALL)
submitted=$(cd "$base/repo" && PATH="$deno_bin:$PATH" sbatch --parsable --export=ALL one-way.sbatch 2>&1)
jobid=${submitted%%;*}
[[ "$jobid" =~ ^[0-9]+$ ]] || {
  jobid=""
  fail "sbatch: $submitted"
}
say "submitted the README's SLURM script as job $jobid ($(grep -E '^#SBATCH --array=' <<<"$job_script" | sed 's/^#SBATCH //'))"

task_states() { # one line per array task (or pending range): <task> <state> <exit code> <run time>
  scontrol -o show job "$jobid" 2>/dev/null | awk '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = substr($i, length(kv[1]) + 2) }
    print f["ArrayTaskId"], f["JobState"], f["ExitCode"], f["RunTime"] }' | sort -n
}
last=""
deadline=$((SECONDS + 240))
while :; do
  states=$(task_states)
  now=$(awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }' <<<"$states")
  if [ "$now" != "$last" ]; then
    say "job $jobid tasks: $now"
    last=$now
  fi
  [ -n "$states" ] && ! grep -qvE ' (COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED) ' <<<"$states" &&
    break
  [ "$SECONDS" -lt "$deadline" ] || fail "job $jobid did not finish in 240 s"
  sleep 1
done
failed_tasks=0
while read -r task state code runtime; do
  say "job $jobid task $task: $state, exit code $code, ran $runtime"
  if [ "$state" != COMPLETED ] || [ "$code" != 0:0 ]; then
    failed_tasks=$((failed_tasks + 1))
    tail -n 20 "$base/repo/slurm-${jobid}_$task.out" 2>/dev/null | detail
  fi
done <<<"$states"
[ "$failed_tasks" -eq 0 ] || fail "$failed_tasks of job $jobid's array tasks did not complete"
jobid="" # done: nothing to cancel

# --- Merge as the README says, a single run, and the digests. ---
cd "$base/repo" || fail "cannot enter the repository copy"
merge_log=$(timeout 300 bash -c "$merge_cmd" 2>&1)
merge_status=$?
grep -v '^Task merge ' <<<"$merge_log" | sed 's/^/slurm:   /'
[ "$merge_status" -eq 0 ] || fail "the README's merge command exited with $merge_status"
grep -q 'complete: no replicate is missing' <<<"$merge_log" || fail "the merged store is incomplete"
shards=$(sed -nE 's/^merged ([0-9]+) stores into.*/\1/p' <<<"$merge_log")

SLURM_CPUS_PER_TASK=$(nproc) timeout 300 bash -c "$single_line" >"$base/log/single.log" 2>&1 || {
  tail -n 20 "$base/log/single.log" | detail
  fail "the single run ($single_line) failed"
}
say "single run (SLURM_CPUS_PER_TASK=$(nproc)): $single_line: $(grep -E '^done in ' "$base/log/single.log" | tail -n 1 | sed -E 's/^done in ([^:]+):.*/done in \1/')"
digests=$(timeout 120 deno run --allow-read --allow-write .ci/store_digest.ts "$merged" \
  "$single_out/results.sqlite" 2>&1) || {
  detail <<<"$digests"
  fail "cannot compute the digests"
}
merged_digest=$(sed -n '1s/ .*//p' <<<"$digests")
single_digest=$(sed -n '2s/ .*//p' <<<"$digests")
if [ -z "$merged_digest" ] || [ "$merged_digest" != "$single_digest" ]; then
  detail <<<"$digests"
  fail "merged $shards shards, digest $merged_digest differs from the single run's $single_digest"
fi
say "merged $shards shards, digest $merged_digest equals the single run's ($(elapsed) in all)"
exit 0
