$IMGTOOL create -q -f raw x.raw 1M; $IMGTOOL create -q -f qcow2 y.qcow2 2M; $IMGTOOL compare -s x.raw y.qcow2
