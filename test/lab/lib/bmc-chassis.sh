#!/bin/bash
# The chassis hook of a lab host's virtual BMC: ipmi_sim runs it (config `chassis_control`) as
#   bmc-chassis.sh HOST get power [boot]          -> prints "power:1" or "power:0" (and "boot:default")
#   bmc-chassis.sh HOST set power 0|1 | reset 1 | shutdown 1 | boot VALUE | identify ...
# and answers the IPMI client only after it returns: stdout carries the answer, nothing else.
#   power 0     hard off: every process of the host killed at once (as faults/power-off)
#   power 1     boot the host from its disk (as faults/power-on: the next `lab up` runs the
#               provision hooks for it); returns once it runs, without waiting for ssh
#   reset 1     hard off, then on
#   shutdown 1  a clean shutdown (IPMI "soft off"), in the background
# Power reads on while any process of the host is left (a crashed or frozen host is not off).
# ipmi_sim turns "power cycle" into power 0, then power 1 a second later.
source "$(dirname "$(readlink -f "$0")")/all.sh"
host=${1:-}
op=${2:-}
shift 2 || true
load_hosts_conf
require_host "$host"
exec 2>>"$(bmc_dir "$host")/chassis.log"
say "$(date '+%F %T') $host $op $*"

power_off() {
	kill_host "$host"
	# Off once no process of the host is left, and a real BMC answers then: not after the kernel has
	# dropped the host's veth, which takes seconds when its link was cut (the next boot waits for that)
	cleanup_host_runtime "$host" --no-veth-wait
	say "$host powered off"
}

power_on() {
	host_running "$host" && return 0
	bridge_exists && bridge_is_ours || die "the lab's bridge is gone: $host cannot boot"
	! host_has_shared "$host" || shared_mounted || die "shared storage is not mounted: $host cannot boot"
	host_has_processes "$host" && kill_host "$host"
	start_host "$host"
	say "$host powered on (booting)"
}

case $op in
get)
	for parm in "$@"; do
		case $parm in
		power) host_has_processes "$host" && echo power:1 || echo power:0 ;;
		boot) echo boot:default ;;
		*) die "get $parm: not supported" ;;
		esac
	done
	;;
set)
	while (($# >= 2)); do
		parm=$1 val=$2
		shift 2
		case $parm in
		power) if [[ $val == 0 ]]; then power_off; else power_on; fi ;;
		reset) power_off; power_on ;;
		shutdown)
			# stop_host waits up to 20 s for a clean halt: not while ipmi_sim waits for this hook.
			(stop_host "$host" </dev/null >/dev/null &)
			;;
		boot) ;;                       # boot device: the lab's hosts always boot from their disk
		identify) (($# > 0)) && shift ;; # "identify INTERVAL FORCE": no LED to blink
		*) die "set $parm: not supported" ;;
		esac
	done
	;;
check) exit 1 ;; # ipmi_sim's "check" is for LAN settings, not chassis control
*) die "unknown operation '$op'" ;;
esac
