$IMGTOOL map nothere.qcow2
