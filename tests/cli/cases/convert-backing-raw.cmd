$IMGTOOL create -q -f raw x.raw 1M; $IMGTOOL convert -B x.raw x.raw y.raw; rc=$?; ls; exit $rc
