#!/usr/bin/env bash
# Installs what the tests, the lab and the demo need on a Debian 12 machine, if it is missing. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# command → Debian package
declare -A NEED=(
	[ansible-playbook]=ansible-core [ansible-lint]=ansible-lint [ip]=iproute2 [arping]=iputils-arping
	[unshare]=util-linux [systemd-nspawn]=systemd-container [debootstrap]=debootstrap [ssh]=openssh-client
	[sqlite3]=sqlite3 [rsync]=rsync [setfacl]=acl [setfattr]=attr
	# the fault matrix's invariant monitor watches ARP on the lab bridge
	[tcpdump]=tcpdump
	# the xCAT double's MariaDB tests; mariadbd itself is in /usr/sbin, often off a user's PATH,
	# so its package is found by mariadb-install-db (/usr/bin, same package). Neither starts a service.
	[mariadb-install-db]=mariadb-server-core [mariadb]=mariadb-client-core
	# the lab's virtual BMCs (ipmi_sim) and the clients the tests fence them with; fence_ipmilan is
	# in /usr/sbin, on root's PATH (the lab runs as root)
	[ipmi_sim]=openipmi [ipmitool]=ipmitool [fence_ipmilan]=fence-agents
	# xcat_cluster's tests work on CIB files offline: pcs -f, cibadmin, crm_mon, crm_simulate (all in
	# /usr/sbin); ocf-tester (with xmllint for the meta-data) checks our OCF agent. pcs pulls corosync, pacemaker and pcsd: none may start
	[pcs]=pcs [cibadmin]=pacemaker-cli-utils [crm_simulate]=pacemaker-cli-utils [crm_mon]=pacemaker-cli-utils
	[ocf-tester]=resource-agents [xmllint]=libxml2-utils
)
missing=()
for cmd in "${!NEED[@]}"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEED[$cmd]}"); done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "missing: ${missing[*]} — install them as root: apt-get install --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
	echo "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# no package's service starts while we install (pcsd, corosync, pacemaker, mariadb): invoke-rc.d and
	# deb-systemd-invoke ask policy-rc.d, and 101 means "not allowed". One that was already there stays.
	policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\n# written by xcat-ha scripts/deps.sh for the length of an install\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get update -qq
	# ansible-core recommends the whole 'ansible' collection bundle (265 MB); we need none of it.
	mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
	apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
	if [ "$(trap -p EXIT)" != "" ]; then
		rm -f "$policy"
		trap - EXIT
	fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
