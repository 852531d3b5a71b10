$IMGTOOL create -q -f qcow2 x.qcow2 1M; $IMGTOOL map --max-length=abc x.qcow2; rc=$?; ls; exit $rc
