$IMGTOOL convert nothere.qcow2 y.raw; rc=$?; ls; exit $rc
