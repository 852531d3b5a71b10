$IMGTOOL compare --help
