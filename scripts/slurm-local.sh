#!/usr/bin/env bash
# A one-node SLURM on localhost for tests and CI: munged, slurmctld and slurmd with a private
# configuration, state and munge key under $MAT_SLURM_DIR (default /tmp/mat-slurm). Nothing under /etc is
# touched; clients find it through SLURM_CONF (print it with `env`).
#   bash scripts/slurm-local.sh start   # writes slurm.conf + munge key, starts the daemons, waits until the node is idle
#   bash scripts/slurm-local.sh stop    # stops the three daemons (by their pid files) and checks they are gone
#   bash scripts/slurm-local.sh env     # prints `export SLURM_CONF=…` for a shell
#   bash scripts/slurm-local.sh status  # sinfo + squeue
# Needs Debian's slurm-wlm and munge (scripts/ci-deps.sh installs them) and root (slurmd runs jobs as the
# submitting user). Cluster: 1 node `localhost`, $MAT_SLURM_CPUS CPUs (default 2), partition `debug`,
# accounting_storage/none, jobcomp/filetxt, proctrack/linuxproc, no cgroup.
set -euo pipefail
D=${MAT_SLURM_DIR:-/tmp/mat-slurm}
CPUS=${MAT_SLURM_CPUS:-2}
CTLD_PORT=${MAT_SLURM_CTLD_PORT:-16817}
SLURMD_PORT=${MAT_SLURM_SLURMD_PORT:-16818}
export SLURM_CONF="$D/etc/slurm.conf"
SOCKET="$D/munge/munge.socket.2"

need() { command -v "$1" >/dev/null 2>&1 || { echo "slurm-local: $1 not found (apt-get install slurm-wlm munge, or bash scripts/ci-deps.sh)" >&2; exit 1; }; }

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

write_conf() {
  mkdir -p "$D/etc" "$D/munge" "$D/ctld" "$D/spool" "$D/log"
  chmod 700 "$D/munge"
  cat >"$SLURM_CONF" <<CONF
# written by scripts/slurm-local.sh: a one-node test cluster on localhost
ClusterName=matlocal
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
StateSaveLocation=$D/ctld
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/log/jobcomp.txt
MpiDefault=none
ReturnToService=2
KillWait=5
MinJobAge=300
SchedulerParameters=defer_batch=0
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  # a private plugstack (the system one may name plugins this cluster does not have)
  : >"$D/etc/plugstack.conf"
  if [[ ! -s "$D/munge/munge.key" ]]; then
    dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$D/munge/munge.key"
  fi
}

start() {
  need munged; need slurmctld; need slurmd; need sinfo
  if [[ $(id -u) -ne 0 ]]; then echo "slurm-local: run as root (slurmd starts jobs as their user)" >&2; exit 1; fi
  write_conf
  if ! pid_alive "$D/munged.pid"; then
    munged --force --key-file="$D/munge/munge.key" --socket="$SOCKET" --pid-file="$D/munged.pid" \
      --log-file="$D/log/munged.log" --seed-file="$D/munge/munge.seed"
  fi
  pid_alive "$D/slurmctld.pid" || slurmctld -f "$SLURM_CONF" -i
  pid_alive "$D/slurmd.pid" || slurmd -f "$SLURM_CONF" -N localhost
  for _ in $(seq 1 60); do
    state=$(sinfo -h -N -n localhost -o '%T' 2>/dev/null || true)
    if [[ "$state" == idle* || "$state" == mixed* || "$state" == allocated* ]]; then
      echo "slurm-local: node localhost $state ($CPUS CPUs, partition debug); export SLURM_CONF=$SLURM_CONF"
      return 0
    fi
    sleep 1
  done
  echo "slurm-local: node did not become idle within 60 s (state '${state:-none}'); logs in $D/log" >&2
  tail -n 20 "$D/log/slurmctld.log" "$D/log/slurmd.log" >&2 || true
  exit 1
}

stop_one() {
  local name=$1 pidfile=$2
  pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  local pid; pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }; sleep 0.5; done
  echo "slurm-local: $name (pid $pid) did not stop; sending SIGKILL" >&2
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

stop() {
  # jobs first, so slurmd does not leave their processes behind
  if pid_alive "$D/slurmctld.pid"; then scancel --full --user="$(id -un)" 2>/dev/null || true; sleep 1; fi
  stop_one slurmd "$D/slurmd.pid"
  stop_one slurmctld "$D/slurmctld.pid"
  stop_one munged "$D/munged.pid"
  echo "slurm-local: stopped (state kept in $D; rm -rf it for a clean start)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) echo "export SLURM_CONF=$SLURM_CONF" ;;
  status) sinfo; squeue ;;
  *) echo "usage: $0 start|stop|env|status" >&2; exit 2 ;;
esac
