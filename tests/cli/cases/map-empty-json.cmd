$IMGTOOL create -q -f qcow2 x.qcow2 1M; $IMGTOOL map --output=json x.qcow2
