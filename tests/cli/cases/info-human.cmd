$IMGTOOL create -q -f qcow2 -o lazy_refcounts=on x.qcow2 10M && $IMGTOOL info x.qcow2 | grep -v "^disk size"
