$IMGTOOL create -q -f qcow2 -u -b gone.qcow2 -F qcow2 x.qcow2 1M && $IMGTOOL info --output=json x.qcow2 | grep backing
