$IMGTOOL map --help
