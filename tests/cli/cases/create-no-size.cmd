$IMGTOOL create -f qcow2 x.img; rc=$?; ls; exit $rc
