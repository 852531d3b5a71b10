$IMGTOOL create --help
