$IMGTOOL create -f qcow2 -o cluster_size=4k,lazy_refcounts=on -b base.img -F raw -u x.img 64M
