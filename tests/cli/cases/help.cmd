$IMGTOOL --help
