$IMGTOOL create -q -f raw x.raw 1M; $IMGTOOL create -q -f raw y.raw 512k; $IMGTOOL convert -n x.raw y.raw; rc=$?; ls -l y.raw | cut -d" " -f5; exit $rc
