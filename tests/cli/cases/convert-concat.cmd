printf "abc" > a.raw; printf "def" > b.raw; $IMGTOOL convert -f raw a.raw b.raw c.raw; rc=$?; od -An -c c.raw | head -3; ls -l c.raw | cut -d" " -f5; exit $rc
