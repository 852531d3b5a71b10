$IMGTOOL create -o help
