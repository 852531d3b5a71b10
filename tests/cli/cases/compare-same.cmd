$IMGTOOL create -q -f raw x.raw 1M; $IMGTOOL create -q -f qcow2 y.qcow2 1M; $IMGTOOL compare x.raw y.qcow2
