printf "\0\0\0x" > x.raw; $IMGTOOL create -q -f qcow2 y.qcow2 512; $IMGTOOL compare x.raw y.qcow2
