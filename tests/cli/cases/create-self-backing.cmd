$IMGTOOL create -f qcow2 -u -b s.qcow2 -F qcow2 s.qcow2 1M; rc=$?; ls; exit $rc
