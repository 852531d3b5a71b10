$IMGTOOL create -f qcow2 -u -b nothere.qcow2 -F qcow2 x.img; rc=$?; ls; exit $rc
