$IMGTOOL create -f qcow2 x.img 9E; rc=$?; ls; exit $rc
