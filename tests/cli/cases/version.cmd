$IMGTOOL --version
