$IMGTOOL info --help
