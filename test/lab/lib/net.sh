# The lab bridge. Its alias names the state directory that owns it, so a second checkout
# cannot take over (or tear down) a lab it did not create while that lab's hosts still run.

bridge_owner_tag() { printf 'xcat-ha-lab %s' "$LAB_DIR"; }
bridge_exists() { ip link show dev "$LAB_BRIDGE" >/dev/null 2>&1; }
bridge_alias() { cat "/sys/class/net/$LAB_BRIDGE/ifalias" 2>/dev/null; }
bridge_is_ours() { [[ $(bridge_alias) == "$(bridge_owner_tag)" ]]; }
bridge_owner_dir() { bridge_alias | sed 's/^xcat-ha-lab //'; }

# A lab whose every process is gone (its session or CI run was killed, which leaves the bridge
# behind: links outlive processes) holds nothing a new lab could break.
bridge_owner_alive() {
	local cg
	cg="$CG_V2/xcat-ha-lab-$(printf %s "$(bridge_owner_dir)" | sha256sum | cut -c1-8)"
	[[ -d $cg && -n $(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null) ]]
}

# Removes another lab's bridge if that lab has no process left; fails (1) while it still runs.
remove_dead_labs_bridge() {
	bridge_owner_alive && return 1
	say "bridge $LAB_BRIDGE was left by a lab with no process left ($(bridge_owner_dir)): removing it"
	ip link del "$LAB_BRIDGE"
}

# Prints "kept" or "created".
ensure_bridge() {
	local result=kept
	if bridge_exists && ! bridge_is_ours; then
		remove_dead_labs_bridge || die "another lab is up on this machine (bridge $LAB_BRIDGE: $(bridge_alias)); one lab at a time: bring it down first with XCAT_HA_LAB_DIR=$(bridge_owner_dir) bash $LAB_SCRIPT down"
	fi
	if ! bridge_exists; then
		if ip -4 -o addr show | grep -q " $LAB_NET\."; then
			die "$LAB_NET.0/24 is already in use on this machine: $(ip -4 -o addr show | grep " $LAB_NET\." | awk '{print $2, $4}' | head -n1)"
		fi
		ip link add "$LAB_BRIDGE" type bridge
		ip link set "$LAB_BRIDGE" alias "$(bridge_owner_tag)"
		result=created
	fi
	ip -4 addr show dev "$LAB_BRIDGE" | grep -q " $LAB_BRIDGE_ADDR/24 " || ip addr add "$LAB_BRIDGE_ADDR/24" dev "$LAB_BRIDGE"
	ip link set "$LAB_BRIDGE" up
	echo "$result"
}

# A dead lab's bridge goes too (a killed session or CI run leaves it: links outlive processes), so
# `down` leaves a clean slate; a running lab's stays.
remove_bridge() {
	bridge_exists || return 0
	if ! bridge_is_ours; then
		remove_dead_labs_bridge || say "leaving bridge $LAB_BRIDGE alone: it belongs to another lab, which still runs ($(bridge_alias))"
		return 0
	fi
	ip link del "$LAB_BRIDGE"
}

# The bridge-side end of a host's veth (nspawn names it vb-NAME).
host_veth() { printf 'vb-%s' "$1"; }

link_admin_up() { (($(cat "/sys/class/net/$1/flags") & 1)); }
