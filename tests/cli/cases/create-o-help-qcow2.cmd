$IMGTOOL create -f qcow2 -o help
