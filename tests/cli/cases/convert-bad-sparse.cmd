$IMGTOOL create -q -f raw x.raw 1M; $IMGTOOL convert -S 100 x.raw y.raw; rc=$?; ls; exit $rc
