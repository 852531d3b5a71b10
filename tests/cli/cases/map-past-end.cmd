$IMGTOOL create -q -f qcow2 x.qcow2 1M; $IMGTOOL map --output=json --start-offset=2M x.qcow2
