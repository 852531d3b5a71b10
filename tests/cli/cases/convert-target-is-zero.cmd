$IMGTOOL create -q -f raw x.raw 1M; $IMGTOOL convert --target-is-zero x.raw y.raw; rc=$?; ls; exit $rc
