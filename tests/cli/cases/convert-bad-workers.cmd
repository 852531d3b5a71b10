$IMGTOOL create -q -f raw x.raw 1M; $IMGTOOL convert -m 17 x.raw y.raw; rc=$?; ls; exit $rc
