# Sources every lab library; the lab script and the fault scripts start with this.
set -euo pipefail
_lab_lib=$(dirname "${BASH_SOURCE[0]}")
for _f in common hosts-conf prereq base net ssh shared host-runtime host-disk host bmc provision cmd-up cmd-down cmd-status cmd-inventory; do
	# shellcheck source=/dev/null
	source "$_lab_lib/$_f.sh"
done
unset _f _lab_lib
