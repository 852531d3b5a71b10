$IMGTOOL info nothere.qcow2
