$IMGTOOL create -q -f qcow2 x.img 1M; rc=$?; ls; exit $rc
