$IMGTOOL create -q -f qcow2 x.qcow2 1M; $IMGTOOL map --start-offset=-1 x.qcow2; rc=$?; ls; exit $rc
