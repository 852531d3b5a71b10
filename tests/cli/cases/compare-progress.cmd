$IMGTOOL create -q -f raw x.raw 4M; $IMGTOOL create -q -f qcow2 y.qcow2 4M; $IMGTOOL compare -p x.raw y.qcow2 2>&1 | tr "\r" "\n" | grep -v "^$" | tail -2
