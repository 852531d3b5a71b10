printf data > x.raw; $IMGTOOL convert -f raw x.raw x.raw; rc=$?; cat x.raw; exit $rc
