$IMGTOOL create -f qcow2 x.img 1M extra; rc=$?; ls; exit $rc
