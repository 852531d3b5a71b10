$IMGTOOL create -q -f raw x.raw 1M; $IMGTOOL convert -c x.raw y.raw; rc=$?; ls; exit $rc
