# The shared storage behind /HA: a sparse ext4 image, loop-mounted here and bind-mounted into
# every xcat_mn and xcat_pool host. ext4 gives ACLs and xattrs like real shared storage, and its size limit
# means filling /HA never fills this machine's disk. discard hands freed blocks back.

SHARED_SIZE=${XCAT_HA_LAB_SHARED_SIZE:-2G}

shared_mounted() { findmnt -n --mountpoint "$SHARED_MNT" >/dev/null 2>&1; }

# Prints "kept", "mounted" or "created".
ensure_shared() {
	if shared_mounted; then
		echo kept
		return
	fi
	local result=mounted
	if [[ ! -f $SHARED_IMG ]]; then
		truncate -s "$SHARED_SIZE" "$SHARED_IMG.new"
		mkfs.ext4 -q -F -m 0 -L xcat-ha-shared -E lazy_itable_init=1,lazy_journal_init=1 "$SHARED_IMG.new"
		mv "$SHARED_IMG.new" "$SHARED_IMG"
		result=created
	fi
	mkdir -p "$SHARED_MNT"
	mount -o loop,discard "$SHARED_IMG" "$SHARED_MNT" ||
		die "cannot loop-mount $SHARED_IMG (are loop devices available?)"
	echo "$result"
}

unmount_shared() {
	while shared_mounted; do
		umount "$SHARED_MNT" || { umount -l "$SHARED_MNT"; break; }
	done
	# A loop device left by a crash keeps the image busy; detach ours only.
	local dev
	for dev in $(losetup -j "$SHARED_IMG" -O NAME -n 2>/dev/null); do
		losetup -d "$dev" 2>/dev/null || true
	done
}
