$IMGTOOL create -q -f raw x.raw 1M; $IMGTOOL create -q -f raw y.raw 1M; $IMGTOOL convert -n -o preallocation=full x.raw y.raw; rc=$?; ls; exit $rc
