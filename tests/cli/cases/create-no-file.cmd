$IMGTOOL create -f qcow2
