$IMGTOOL create -f qcow2 x.img 1Q; rc=$?; ls; exit $rc
