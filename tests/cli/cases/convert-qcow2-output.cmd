$IMGTOOL create -q -f raw x.raw 1M; $IMGTOOL convert -O qcow2 x.raw y.qcow2; rc=$?; ls; exit $rc
