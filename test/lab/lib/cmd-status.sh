# `lab status`: one line per host (state, address, memory, link), then the shared pieces.

host_state() {
	local name=$1 state
	if ! host_running "$name"; then
		host_has_processes "$name" && echo crashed || echo stopped
		return
	fi
	host_paused "$name" && { echo paused; return; }
	host_pid1 "$name" >/dev/null || { echo booting; return; }
	# A host can hang (faults/pause on a reboot, a wedged systemd): never wait long on it.
	state=$(timeout 5 bash "$LAB_SCRIPT" exec "$name" systemctl is-system-running 2>/dev/null) || true
	echo "${state:-unknown}"
}

host_link() {
	local veth
	veth=$(host_veth "$1")
	[[ -e /sys/class/net/$veth ]] || { echo -; return; }
	link_admin_up "$veth" && echo up || echo cut
}

# One line per BMC: address, whether ipmi_sim runs, and the power state it reports over IPMI
# (asked of all BMCs at once; one try of 1 s each, so a BMC that does not answer costs 1 s).
bmc_status_lines() {
	local name tmp state
	[[ -s $BMC_PASSWORD_FILE ]] || { echo "bmcs:    none yet (lab up starts them)"; return; }
	tmp=$(mktemp -d)
	for name in "${HOST_NAMES[@]}"; do
		bmc_running "$name" && ! bmc_frozen "$name" && (bmc_ipmitool "$name" chassis power status >"$tmp/$name" 2>&1 || true) &
	done
	wait
	echo "bmcs:    user $(bmc_username), password in $BMC_PASSWORD_FILE; ipmitool -I lanplus -C $BMC_CIPHER -p $BMC_PORT"
	for name in "${HOST_NAMES[@]}"; do
		if ! bmc_running "$name"; then
			state='down'
		elif bmc_frozen "$name"; then
			state='unreachable (faults/bmc-down)'
		else
			state="up, reports power $(sed -n 's/^Chassis Power is \([a-z]*\)$/\1/p' "$tmp/$name" | grep . || echo "unknown: $(head -c 80 "$tmp/$name" | tr '\n' ' ')")"
		fi
		printf 'bmc %-5s %s:%s %s\n' "$name" "$(bmc_ip "$name")" "$BMC_PORT" "$state"
	done
	rm -rf "$tmp"
}

cmd_status() {
	require_root
	load_hosts_conf
	local name names
	names=$( { printf '%s\n' "${HOST_NAMES[@]}"; running_hosts | tr ' ' '\n'; } | awk 'NF && !seen[$0]++')
	printf '%-8s %-9s %-15s %8s  %-5s %s\n' HOST STATE ADDRESS MEMORY LINK GROUPS
	for name in $names; do
		local ip=- groups='(not in hosts.conf)' mem=-
		host_known "$name" && { ip=$(host_ip "$name"); groups=${HOST_GROUPS[$name]}; }
		host_has_processes "$name" && mem="$(host_memory_mib "$name") MiB"
		printf '%-8s %-9s %-15s %8s  %-5s %s\n' "$name" "$(host_state "$name")" "$ip" "$mem" "$(host_link "$name")" "$groups"
	done
	echo
	if bridge_exists; then
		echo "bridge:  $LAB_BRIDGE $LAB_BRIDGE_ADDR/24$(bridge_is_ours || echo " (NOT this lab's: $(bridge_alias))")"
	else
		echo "bridge:  down"
	fi
	if shared_mounted; then
		echo "shared:  $SHARED_MNT, /HA in: $(for n in "${HOST_NAMES[@]}"; do host_has_shared "$n" && printf '%s ' "$n"; done)($(df -h --output=used,size "$SHARED_MNT" | awk 'NR==2 {print $1 " of " $2 " used"}'))"
	else
		echo "shared:  not mounted"
	fi
	bmc_status_lines
	if base_is_current; then
		echo "base:    $BASE_DIR (recipe $(<"$LAB_DIR/base.recipe"))"
	elif [[ -d $BASE_DIR ]]; then
		echo "base:    $BASE_DIR is OUTDATED: the next up rebuilds it"
	else
		echo "base:    not built yet"
	fi
	echo "state:   $LAB_DIR"
	echo "ssh:     ssh -F $SSH_CONFIG mn1"
}
