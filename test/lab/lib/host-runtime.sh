# What a host is doing right now: its cgroups, processes, container PID 1, freeze state.
# A host's processes all live in cgroup $LAB_CGROUP/NAME: the launcher loop in it, nspawn in
# supervisor/, the booted system in payload/, and `lab exec` commands in exec/.

host_dir() { printf '%s/%s' "$HOSTS_STATE" "$1"; }
host_cgroups() { local r; for r in "${CG_ROOTS[@]}"; do printf '%s/%s/%s\n' "$r" "$LAB_CGROUP" "$1"; done; }
host_cg_v2() { printf '%s/%s/%s' "$CG_V2" "$LAB_CGROUP" "$1"; }

# Every PID in the host's cgroup tree.
host_pids() {
	local cg
	cg=$(host_cg_v2 "$1")
	[[ -d $cg ]] || return 0
	find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null
}

host_has_processes() { [[ -n $(host_pids "$1") ]]; }

host_launcher_pid() {
	local pidfile pid
	pidfile=$(host_dir "$1")/launcher.pid
	[[ -f $pidfile ]] || return 1
	pid=$(<"$pidfile")
	[[ -n $pid ]] && grep -qs ":/$LAB_CGROUP/$1\$" "/proc/$pid/cgroup" && echo "$pid"
}

host_running() { host_launcher_pid "$1" >/dev/null; }

# The booted system's PID 1, as seen from here (the process whose innermost PID is 1).
host_pid1() {
	local pid ns
	for pid in $(host_pids "$1"); do
		ns=$(awk '/^NSpid:/ { print NF - 1, $NF }' "/proc/$pid/status" 2>/dev/null)
		[[ $ns == "2 1" ]] && { echo "$pid"; return 0; }
	done
	return 1
}

host_nspawn_pids() {
	local pid
	for pid in $(host_pids "$1"); do
		[[ $(cat "/proc/$pid/comm" 2>/dev/null) == systemd-nspawn ]] && echo "$pid"
	done
}

host_paused() { [[ $(cat "$(host_cg_v2 "$1")/payload/cgroup.freeze" 2>/dev/null) == 1 ]]; }

# Hosts with a live launcher, from the cgroups (not hosts.conf: a host removed from the
# config while running must still be found and stopped).
running_hosts() {
	local d name list=()
	for d in "$CG_V2/$LAB_CGROUP"/*/; do
		[[ -d $d ]] || continue
		name=$(basename "$d")
		host_has_processes "$name" && list+=("$name")
	done
	echo "${list[*]}"
}

# Proportional set size of all the host's processes, in MiB.
host_memory_mib() {
	local pid total=0 kb
	for pid in $(host_pids "$1"); do
		kb=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null)
		total=$((total + ${kb:-0}))
	done
	echo $(((total + 512) / 1024))
}

# Runs CMD... inside a running host (all its namespaces), as root, in the host's cgroup tree.
host_exec() {
	local name=$1 pid1 cg
	shift
	pid1=$(host_pid1 "$name") || die "host $name is not running"
	for cg in $(host_cgroups "$name"); do
		mkdir -p "$cg/exec"
		echo "$BASHPID" >"$cg/exec/cgroup.procs"
	done
	exec nsenter -t "$pid1" -a -- /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 TERM="${TERM:-dumb}" "$@"
}
