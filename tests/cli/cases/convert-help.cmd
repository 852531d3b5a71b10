$IMGTOOL convert --help
