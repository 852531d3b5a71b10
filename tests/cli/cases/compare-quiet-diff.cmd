printf x > x.raw; $IMGTOOL create -q -f qcow2 y.qcow2 512; $IMGTOOL compare -q x.raw y.qcow2
