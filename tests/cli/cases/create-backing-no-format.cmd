$IMGTOOL create -q -f qcow2 base.qcow2 1M && $IMGTOOL create -f qcow2 -b base.qcow2 x.img; rc=$?; ls; exit $rc
