$IMGTOOL inf x.qcow2
