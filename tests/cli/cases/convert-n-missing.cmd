$IMGTOOL create -q -f raw x.raw 1M; $IMGTOOL convert -n x.raw y.raw; rc=$?; ls; exit $rc
