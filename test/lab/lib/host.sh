# Starting and stopping one host.

# What a host's boot depends on besides its disk; a running host whose config differs is restarted.
host_config() {
	local name=$1
	printf 'ip=%s shared=%s base=%s\n' "$(host_ip "$name")" \
		"$(host_has_shared "$name" && echo yes || echo no)" "$(<"$LAB_DIR/base.recipe")"
}

host_config_current() { [[ $(cat "$(host_dir "$1")/config" 2>/dev/null) == "$(host_config "$1")" ]]; }

start_host() {
	local name=$1 dir cg cgdirs=()
	dir=$(host_dir "$name")
	cleanup_host_runtime "$name"
	prepare_host_disk "$name"
	for cg in $(host_cgroups "$name"); do
		mkdir -p "$cg"
		cgdirs+=("$cg")
	done
	local args=(
		--boot -D "$BASE_DIR" --overlay="$BASE_DIR:$(host_upper "$name"):/"
		--machine="$name" --register=no --keep-unit
		--network-bridge="$LAB_BRIDGE" --resolv-conf=off --timezone=off --link-journal=no
		--console=read-only
	)
	host_has_shared "$name" && args+=(--bind="$SHARED_MNT:/HA")
	host_config "$name" >"$dir/config"
	rm -f "$dir/provisioned"   # hooks see it in LAB_CHANGED_HOSTS until they have run
	: >"$dir/console.log"
	(
		# The host outlives this command: it must keep no descriptor of it or of its caller, such
		# as the lab's lock or a `flock` wrapped around the lab command.
		local fd
		for fd in $(ls /proc/$BASHPID/fd); do
			if ((fd > 2)); then exec {fd}>&-; fi
		done
		exec setsid bash "$LAB_HOME/lib/host-launcher.sh" "$name" "$dir/launcher.pid" "${cgdirs[@]}" -- "${args[@]}" \
			</dev/null >>"$dir/console.log" 2>&1
	) &
	wait_until 10 host_running "$name" || die "host $name did not start; see $dir/console.log"
}

# Waits until the host's systemd has finished booting and ssh answers.
wait_host_ready() {
	local name=$1 state='' deadline=$((SECONDS + ${2:-90}))
	while ((SECONDS < deadline)); do
		host_running "$name" || die "host $name stopped while booting; see $(host_dir "$name")/console.log"
		if host_pid1 "$name" >/dev/null; then
			# (fails until the host's systemd answers on its bus)
			state=$( (host_exec "$name" systemctl is-system-running) 2>/dev/null) || true
			[[ $state == running || $state == degraded ]] && break
		fi
		sleep 0.2
	done
	if [[ $state == degraded ]]; then
		die "host $name booted degraded; failed units: $( (host_exec "$name" systemctl --failed --no-legend --plain) | awk '{print $1}' | tr '\n' ' ')"
	fi
	[[ $state == running ]] || die "host $name did not finish booting within ${2:-90} s (state: ${state:-none}); see $(host_dir "$name")/console.log"
	wait_until $((deadline - SECONDS + 5)) lab_ssh -o ConnectTimeout=2 "$name" true 2>/dev/null ||
		die "host $name runs but does not answer ssh at $(host_ip "$name")"
}

# Clean shutdown: SIGTERM makes nspawn halt the host (services stop, PostgreSQL shuts down).
stop_host() {
	local name=$1 pid
	thaw_host "$name"
	touch "$(host_dir "$name")/stopping" 2>/dev/null || true
	for pid in $(host_nspawn_pids "$name"); do kill -TERM "$pid" 2>/dev/null || true; done
	if ! wait_until 20 host_gone "$name"; then
		say "host $name did not halt within 20 s: killing it"
		kill_host "$name"
	fi
	cleanup_host_runtime "$name"
}

# Like pulling the power cord: every process of the host dies at once, nothing is flushed or stopped.
kill_host() {
	local cg
	cg=$(host_cg_v2 "$1")
	[[ -d $cg ]] || return 0
	thaw_host "$1"
	echo 1 >"$cg/cgroup.kill"
	wait_until 10 host_gone "$1" || die "processes of host $1 survived cgroup.kill: $(host_pids "$1" | tr '\n' ' ')"
}

host_gone() { ! host_has_processes "$1"; }

thaw_host() {
	local f
	f=$(host_cg_v2 "$1")/payload/cgroup.freeze
	[[ -f $f ]] && echo 0 >"$f"
	return 0
}

# Removes what a stopped (or crashed) host leaves behind outside its disk. --no-veth-wait: leave its veth
# to the kernel, which removes it with the host's network namespace (start_host waits for that).
cleanup_host_runtime() {
	local name=$1 cg veth
	host_gone "$name" || return 0
	for cg in $(host_cgroups "$name"); do
		[[ -d $cg ]] && find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	rm -rf "/run/systemd/nspawn/propagate/$name"
	veth=$(host_veth "$name")
	# The kernel removes the veth when the host's network namespace goes; that can lag.
	[[ ${2:-} == --no-veth-wait ]] || wait_until 5 eval "! ip link show dev $veth >/dev/null 2>&1" || ip link del "$veth" 2>/dev/null || true
	rm -f "$(host_dir "$name")/launcher.pid" "$(host_dir "$name")/stopping"
}

# A host that was already running: undo faults left behind, update its config, check it answers.
# Prints what it changed.
repair_running_host() {
	local name=$1 veth state
	veth=$(host_veth "$name")
	if host_paused "$name"; then
		thaw_host "$name"
		echo "resumed $name"
	fi
	if [[ -e /sys/class/net/$veth ]] && ! link_admin_up "$veth"; then
		ip link set "$veth" up
		echo "restored link of $name"
	fi
	refresh_running_host "$name" | sed 's/^/updated /'
	state=$( (host_exec "$name" systemctl is-system-running) 2>/dev/null) || true
	[[ $state == running ]] || say "warning: host $name is $state: $( (host_exec "$name" systemctl --failed --no-legend --plain) 2>/dev/null | awk '{print $1}' | tr '\n' ' ')"
	wait_until 10 lab_ssh -o ConnectTimeout=2 "$name" true 2>/dev/null || die "host $name runs but does not answer ssh at $(host_ip "$name")"
}
