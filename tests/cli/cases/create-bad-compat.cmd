$IMGTOOL create -f qcow2 -o compat=3 x.img 1M; rc=$?; ls; exit $rc
