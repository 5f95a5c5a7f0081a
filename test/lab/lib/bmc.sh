# Virtual BMCs: one OpenIPMI `ipmi_sim` per lab host, running on this machine (not in the host, so
# it stays up while its host is off, like real hardware), answering IPMI over LAN (lanplus) at
# 198.51.100.(100+octet):623 on the lab bridge. Its chassis power commands run lib/bmc-chassis.sh,
# which drives the same functions as faults/power-off and faults/power-on.
#
# Credentials are generated once per lab (state dir bmc/username, bmc/password, mode 0600) and
# reach ipmi_sim only through its config file (0600), never a command line.
# Every ipmi_sim runs in cgroup $LAB_CGROUP/.bmc/NAME (cgroup2): `down` ends exactly those. The
# leading dot keeps it out of the `*/` globs that find the hosts' cgroups (host names cannot
# start with a dot).

BMC_DIR=$LAB_DIR/bmc
BMC_PORT=623
BMC_USER_FILE=$BMC_DIR/username
BMC_PASSWORD_FILE=$BMC_DIR/password
# ipmi_sim (OpenIPMI 2.0.33) speaks RMCP+ with cipher suite 3 (HMAC-SHA1, AES-CBC-128) but does not
# answer "Get Channel Cipher Suites": a client that does not name the suite waits about 10 s for
# that answer on every session before it falls back to 3. Clients of the lab's BMCs name it.
BMC_CIPHER=3

bmc_ip() { printf '%s.%s' "$LAB_NET" "$((100 + HOST_OCTET[$1]))"; }
bmc_dir() { printf '%s/%s' "$BMC_DIR" "$1"; }
bmc_cg_parent() { printf '%s/%s/.bmc' "$CG_V2" "$LAB_CGROUP"; }
bmc_cg() { printf '%s/%s' "$(bmc_cg_parent)" "$1"; }

# Writes the lab's BMC user name and a random password once; later calls keep them.
ensure_bmc_credentials() {
	mkdir -p "$BMC_DIR"
	chmod 700 "$BMC_DIR"
	(
		umask 077
		[[ -s $BMC_USER_FILE ]] || echo labadmin >"$BMC_USER_FILE"
		# 16 characters: IPMI 1.5 caps passwords at 16 bytes, so both lan and lanplus clients work.
		[[ -s $BMC_PASSWORD_FILE ]] ||
			head -c 64 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | cut -c1-16 >"$BMC_PASSWORD_FILE"
	)
	[[ $(wc -c <"$BMC_PASSWORD_FILE") == 17 ]] || die "$BMC_PASSWORD_FILE is not a 16-character password; delete it and run lab up"
	chmod 600 "$BMC_USER_FILE" "$BMC_PASSWORD_FILE"
}

bmc_username() { cat "$BMC_USER_FILE"; }

# ipmi_sim's config: one LAN channel on the BMC's own address, one admin user, and the chassis hook.
# ipmi_sim runs the hook through `sh -c`, so the paths in it must not need quoting.
render_bmc_lan_conf() {
	local name=$1 guid
	guid=$(printf 'xcat-ha-lab-bmc %s' "$name" | md5sum | cut -c1-32)
	cat <<-EOF
	# ipmi_sim config for the virtual BMC of lab host $name (written by test/lab/lab up; mode 0600)
	name "$name"
	set_working_mc 0x20
	  startlan 1
	    addr $(bmc_ip "$name") $BMC_PORT
	    priv_limit admin
	    allowed_auths_user md5
	    allowed_auths_operator md5
	    allowed_auths_admin md5
	    guid $guid
	  endlan
	  chassis_control "$LAB_HOME/lib/bmc-chassis.sh $name"
	  user 2 true "$(bmc_username)" "$(<"$BMC_PASSWORD_FILE")" admin 10 md5
	EOF
}

# The emulated machine: a bare BMC (no sensors); power is all the lab needs.
render_bmc_emu() {
	cat <<-'EOF'
	mc_setbmc 0x20
	mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
	mc_enable 0x20
	EOF
}

bmc_pid() {
	local pid
	pid=$(cat "$(bmc_dir "$1")/pid" 2>/dev/null) || return 1
	[[ -n $pid && $(cat "/proc/$pid/comm" 2>/dev/null) == ipmi_sim ]] &&
		grep -qs ":/$LAB_CGROUP/.bmc/$1\$" "/proc/$pid/cgroup" && echo "$pid"
}

bmc_running() { bmc_pid "$1" >/dev/null; }
bmc_frozen() { [[ $(cat "$(bmc_cg "$1")/cgroup.freeze" 2>/dev/null) == 1 ]]; }
bmc_listening() { [[ -n $(ss -Hlun "src = $(bmc_ip "$1"):$BMC_PORT" 2>/dev/null) ]]; }

# The BMC's address on the bridge: its own /32, so the bridge's route and source address stay .1.
ensure_bmc_address() {
	local ip
	ip=$(bmc_ip "$1")
	ip -4 -o addr show dev "$LAB_BRIDGE" | grep -q " $ip/32 " || ip addr add "$ip/32" dev "$LAB_BRIDGE"
}

start_bmc() {
	local name=$1 dir cg
	dir=$(bmc_dir "$name")
	cg=$(bmc_cg "$name")
	stop_bmc "$name"
	# ipmi_sim keeps users changed over IPMI in its state dir and then ignores its config: start
	# from the config every time.
	rm -rf "$dir/state"
	mkdir -p "$dir/state" "$cg"
	chmod 700 "$dir"
	(umask 077; render_bmc_lan_conf "$name" >"$dir/lan.conf"; render_bmc_emu >"$dir/bmc.emu")
	: >>"$dir/chassis.log"
	(
		# Like a host, the BMC outlives this command: no descriptor of it (or of the lab's lock).
		local fd
		for fd in $(ls /proc/$BASHPID/fd); do
			if ((fd > 2)); then exec {fd}>&-; fi
		done
		echo "$BASHPID" >"$cg/cgroup.procs"
		# A clean environment: the chassis hook inherits it, and only these may shape it.
		exec setsid env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
			XCAT_HA_LAB_DIR="$LAB_DIR" XCAT_HA_LAB_HOSTS_CONF="$HOSTS_CONF" \
			ipmi_sim -n -c "$dir/lan.conf" -f "$dir/bmc.emu" -s "$dir/state" \
			</dev/null >>"$dir/ipmi_sim.log" 2>&1
	) &
	echo "$!" >"$dir/pid"
	wait_until 5 bmc_listening "$name" ||
		die "the BMC of $name (ipmi_sim) does not listen on $(bmc_ip "$name"):$BMC_PORT; see $dir/ipmi_sim.log"
	bmc_running "$name" || die "the BMC of $name (ipmi_sim) is not running; see $dir/ipmi_sim.log"
}

# Ends one BMC's processes (ipmi_sim and any chassis command it runs) and removes its cgroup.
stop_bmc() {
	local cg
	cg=$(bmc_cg "$1")
	if [[ -d $cg ]]; then
		echo 0 >"$cg/cgroup.freeze"
		echo 1 >"$cg/cgroup.kill"
		wait_until 5 eval "[[ -z \$(cat '$cg/cgroup.procs') ]]" || die "processes of the BMC of $1 survived cgroup.kill"
		rmdir "$cg" 2>/dev/null || wait_until 2 rmdir "$cg" 2>/dev/null || true
	fi
	rm -f "$(bmc_dir "$1")/pid"
}

# BMC cgroups present, hosts.conf or not (a host removed from it keeps its BMC until the next up/down).
known_bmc_names() {
	local d
	for d in "$(bmc_cg_parent)"/*/; do [[ -d $d ]] && basename "$d"; done
	return 0
}

# `up`: every host's BMC listening with the current config; prints what it changed.
ensure_bmcs() {
	local name dir
	ensure_bmc_credentials
	for name in $(known_bmc_names); do
		host_known "$name" && continue
		stop_bmc "$name"
		echo "removed BMC of $name"
	done
	for name in "${HOST_NAMES[@]}"; do
		dir=$(bmc_dir "$name")
		ensure_bmc_address "$name"
		if bmc_running "$name" && [[ $(cat "$dir/lan.conf" 2>/dev/null) == "$(render_bmc_lan_conf "$name")" ]]; then
			if bmc_frozen "$name"; then
				echo 0 >"$(bmc_cg "$name")/cgroup.freeze"
				echo "BMC of $name reachable again"
			fi
			continue
		fi
		bmc_running "$name" && echo "restarted BMC of $name (config changed)" || echo "started BMC of $name"
		start_bmc "$name"
	done
}

# `down`: every BMC of this lab; the addresses go with the bridge.
stop_bmcs() {
	local name
	for name in $(known_bmc_names); do stop_bmc "$name"; done
	rmdir "$(bmc_cg_parent)" 2>/dev/null || true
	for name in "$BMC_DIR"/*/; do
		[[ -d $name ]] && rm -rf "$name/state" "$name/pid"
	done
	return 0
}

# A client's view: ipmitool against NAME's BMC, the password in the environment (-E), not in argv.
# One try of 1 s: status must not hang on a BMC that does not answer.
bmc_ipmitool() {
	local name=$1
	shift
	IPMI_PASSWORD=$(<"$BMC_PASSWORD_FILE") ipmitool -I lanplus -C "$BMC_CIPHER" -H "$(bmc_ip "$name")" -p "$BMC_PORT" \
		-U "$(bmc_username)" -E -N 1 -R 1 "$@"
}
