# Shared start of every faults/* script: `fault_host USAGE "$@"` checks the arguments and
# that the host runs, and sets FAULT_HOST.

fault_host() {
	local usage=$1
	shift
	[[ $# -ge 1 && $1 != -* ]] || { echo "usage: $usage" >&2; explained_exit 2; }
	require_root
	load_hosts_conf
	require_host "$1"
	FAULT_HOST=$1
}

require_running() { host_running "$1" || die "host $1 is not running"; }
